// The public results page, on a real server with real phones: closed (404) until the facilitator
// publishes it, which the rules allow only after a reveal and only from the console; then it
// shows the revealed priorities' rankings, the turnout and the results' hash, to anyone, without
// a key, and nothing that names or traces a person. Once every priority is revealed its JSON
// carries the canonical document, which hashes to the published hash. Taking it down closes it
// again; being an event, publication survives a restart.

import { createHash } from 'node:crypto';
import { rmSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConsoleView, PhoneView, ScreenView } from '../../shared/protocol.js';
import { resultsHash } from '../forum/resultsHash.js';
import type { PublicResults } from '../http/public.js';
import {
  connect,
  connectConsole,
  connectScreen,
  joinPhone,
  ok,
  refused,
  startTestServer,
  tempDir,
  type TestClient,
  type TestPhone,
  type TestServer,
} from './harness.js';

const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');
/** The page's text as a reader sees it: tags dropped (the hash is split in groups of eight by spans). */
const textOf = (html: string) => html.replace(/<[^>]*>/g, '');

describe('the public results page', () => {
  const dir = tempDir();
  const dbPath = join(dir, 'forum.db');
  let server: TestServer;
  let admin: TestClient;
  let screen: TestClient;
  let host: TestClient;
  const phones: TestPhone[] = [];
  const ideas: Record<string, string> = {};
  /** Whatever names or traces a person, or a secret: none of it may reach the public page. */
  const forbidden: string[] = [];

  const NAMES = ['Оксана Тестова', 'Петро Перевірочний', 'Марія Анонімна'];
  const HOST_NAME = 'Галина Ведуча';
  const HIDDEN_TITLE = 'Прихована пропозиція';
  const HIDDEN_REASON = 'Дублює ідею, яку подала Оксана Тестова';
  const VOID_REASON = 'Другий телефон Петра';

  const get = (path: string) => fetch(`${server.url}${path}`);

  beforeAll(async () => {
    server = await startTestServer({ dbPath });
    admin = await connectConsole(server);
    screen = await connectScreen(server);
    for (const name of NAMES) phones.push(await joinPhone(server, name));
    const [oksana, petro, maria] = phones;
    const extra = await joinPhone(server, 'Степан Зайвий');
    phones.push(extra);
    const { link } = ok(await admin.send('host:invite', { name: HOST_NAME, scope: null }));
    host = await connect(server.socketUrl, { role: 'host', key: new URLSearchParams(link.split('?')[1]).get('host') ?? '' });
    await host.next('console');

    ok(await admin.send('phase:set', { to: 'ideas' }));
    const submit = async (phone: TestPhone, priorityCode: string, title: string) => {
      const { ideaId } = ok(await phone.send('idea:submit', { priorityCode, title, description: `Опис: ${title}`, place: 'Центр' }));
      ideas[title] = ideaId;
    };
    await submit(oksana, '1', 'Відкритий бюджет онлайн');
    await submit(petro, '1', 'Кабінет мешканця');
    await submit(maria, '1', 'Прозорі закупівлі');
    await submit(oksana, '5', 'Сквер біля річки');
    await submit(petro, '5', HIDDEN_TITLE);
    await submit(extra, '3', 'Ярмарок майстрів');
    ok(await admin.send('phase:set', { to: 'review' }));
    ok(await host.send('idea:hide', { ideaId: ideas[HIDDEN_TITLE], reason: HIDDEN_REASON }));
    ok(await admin.send('phase:set', { to: 'voting' }));
    // Priority 1: "Відкритий бюджет" 3 dots (2 supporters), the other two tie at 2 (a shared rank 2).
    const dot = async (phone: TestPhone, title: string) => ok(await phone.send('dot:place', { ideaId: ideas[title] }));
    await dot(petro, 'Відкритий бюджет онлайн');
    await dot(petro, 'Відкритий бюджет онлайн');
    await dot(maria, 'Відкритий бюджет онлайн');
    await dot(maria, 'Кабінет мешканця');
    await dot(oksana, 'Кабінет мешканця');
    await dot(oksana, 'Прозорі закупівлі');
    await dot(oksana, 'Прозорі закупівлі');
    await dot(maria, 'Сквер біля річки');
    ok(await admin.send('participant:void', { participantId: extra.me.participantId, reason: VOID_REASON }));

    forbidden.push(...NAMES, 'Степан Зайвий', HOST_NAME, HIDDEN_TITLE, HIDDEN_REASON, VOID_REASON, server.facilitatorKey);
    forbidden.push(new URL(server.screenUrl).searchParams.get('key') ?? 'no screen key');
    for (const p of phones) forbidden.push(p.token, p.me.participantId);
    // The laptop's own name, if it is one that could not turn up in ordinary text.
    if (hostname().length >= 6) forbidden.push(hostname());
  });
  afterAll(async () => {
    for (const c of [admin, screen, host, ...phones]) c?.close();
    await server?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  /** Checks that nothing personal or secret is in a response's text. */
  const expectNothingPersonal = (text: string) => {
    for (const s of forbidden) expect(text, `must not contain ${s}`).not.toContain(s);
    expect(text).not.toMatch(/\b127\.\d+\.\d+\.\d+\b/);
    expect(text).not.toMatch(/\b(::1|::ffff:)/);
    expect(text).not.toContain('viche.test');
    expect(text).not.toMatch(/moderation|модерац/i);
  };

  it('is closed until published: 404 with a clear sentence, in either language, for the page and its JSON', async () => {
    const page = await get('/results');
    expect(page.status).toBe(404);
    expect(page.headers.get('cache-control')).toBe('no-cache');
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    const html = await page.text();
    expect(html).toContain('<html lang="uk">');
    expect(html).toContain('Результати ще не оприлюднено.');
    const english = await (await get('/results?lang=en')).text();
    expect(english).toContain('<html lang="en">');
    expect(english).toContain('The results have not been published yet.');

    const json = await get('/results.json');
    expect(json.status).toBe(404);
    expect(json.headers.get('cache-control')).toBe('no-cache');
    expect(await json.json()).toEqual({ ok: false, error: { code: 'RESULTS_NOT_PUBLISHED', message: 'Результати ще не оприлюднено.' } });
    expectNothingPersonal(html + english);
  });

  it('only the facilitator may publish, and only after a reveal', async () => {
    // Phones, the projector and table hosts cannot send the command at all.
    expect(refused(await phones[0].send('results:publish', { published: true }))).toBe('FORBIDDEN');
    expect(refused(await screen.send('results:publish', { published: true }))).toBe('FORBIDDEN');
    expect(refused(await host.send('results:publish', { published: true }))).toBe('FORBIDDEN');

    const inVoting = await admin.send('results:publish', { published: true });
    expect(refused(inVoting)).toBe('WRONG_PHASE');
    expect(inVoting.ok ? '' : inVoting.error.message).toBe('Зараз це недоступно: етап «Голосування».');

    ok(await admin.send('phase:set', { to: 'results' }));
    const noReveal = await admin.send('results:publish', { published: true });
    expect(refused(noReveal)).toBe('NOTHING_REVEALED');
    expect(noReveal.ok ? '' : noReveal.error.message).toBe('Оприлюднити результати можна, щойно буде оголошено хоча б один пріоритет.');
    expect(server.room.state.publicResults).toBe(false);
    expect((await get('/results')).status).toBe(404);
  });

  it('once published after a reveal, shows the revealed rankings, the turnout and the hash to anyone, without a key', async () => {
    ok(await admin.send('priority:reveal', { priorityCode: '1' }));
    const mark = admin.mark();
    expect(ok(await admin.send('results:publish', { published: true }))).toEqual({ published: true });
    // Every console, the projector and the phones hear of it in their forum view.
    const view = await admin.next<ConsoleView>('console', (v) => v.forum.publicResults, mark);
    // The forum's own address; a server holding this one forum also answers at /results.
    expect(view.admission.resultsUrl).toBe(`${server.baseUrl}/f/${server.slug}/results`);
    const own = await get(`/f/${server.slug}/results`);
    expect(own.status).toBe(200);
    await screen.next<ScreenView>('screen', (v) => v.forum.publicResults);
    await phones[0].next<PhoneView>('phone', (v) => v.forum.publicResults);

    const res = await get('/results');
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-cache');
    const html = await res.text();
    const text = textOf(html);
    expect(html).toContain('<html lang="uk">');
    expect(html).not.toMatch(/<script/i);
    expect(html).toContain('<title>Результати — Житомир 2030</title>');
    // Ranked titles in order, with the shared rank shown as "=2".
    const order = ['Відкритий бюджет онлайн', 'Кабінет мешканця', 'Прозорі закупівлі'].map((title) => text.indexOf(title));
    expect(order.every((i) => i > 0)).toBe(true);
    expect(order).toEqual([...order].sort((a, b) => a - b));
    expect(text).toMatch(/\b1\s+Місце 1\. Відкритий бюджет онлайн/);
    expect(text).toContain('=2');
    expect(text).toContain('Місце 2, спільне з іншими ідеями. Кабінет мешканця');
    expect(text).toContain('3 крапки');
    expect(text).toContain('2 прихильники');
    // Turnout: four joined, one voided; three voted.
    expect(text).toMatch(/Учасників із голосом\s*3/);
    expect(text).toMatch(/Проголосували\s*3/);
    expect(text).toMatch(/Оголошено пріоритетів\s*1 з 6/);
    // The others wait, named but not counted.
    expect(text).toContain('Зелене місто');
    expect(text).not.toContain('Сквер біля річки');
    expect(text.match(/Ще не оголошено\./g)).toHaveLength(5);
    // The hash, marked provisional in words; the projector shows none until every priority is revealed.
    const hash = resultsHash(server.room.state);
    expect(text).toContain(hash);
    expect(text).toContain('Контрольна сума результатів (попередня):');
    expect(text).toContain('Це попередня контрольна сума: оголошено ще не всі пріоритети');
    expect((await screen.next<ScreenView>('screen', (v) => v.results.length === 1)).resultsHash).toBeNull();
    // Nothing to check in a browser yet, and still a reason to reload.
    expect(html).not.toContain('results-check');
    expect(text).toContain('Оновіть сторінку');
    expect(html).toContain('<a href="results.json">results.json</a>');
    // A page of record: the day it was published; the server here names no organiser or place.
    const day = new Intl.DateTimeFormat('uk-UA', { day: 'numeric', month: 'long', year: 'numeric' }).format(new Date(server.room.state.resultsPublishedAt!));
    expect(text).toContain(`Дата:${day}`);
    expect(text).not.toContain('Організатор');
    // Jump links to every priority, each to its heading, and back.
    for (const p of server.room.state.structure.priorities) {
      expect(html).toContain(`href="#p-${p.code}"`);
      expect(html).toContain(`id="p-${p.code}"`);
    }
    expect(html).toContain('<a href="#priorities">↑ До списку пріоритетів</a>');
    expectNothingPersonal(html);

    const json = await get('/results.json');
    expect(json.status).toBe(200);
    expect(json.headers.get('content-type')).toMatch(/^application\/json/);
    const body = await json.text();
    expectNothingPersonal(body);
    const data = JSON.parse(body) as PublicResults;
    expect(data).toMatchObject({ format: 'viche-public-results/1', forum: { title: 'Житомир 2030', phase: 'results' }, turnout: { participants: 3, voted: 3 }, resultsHash: hash, final: false });
    expect(data).not.toHaveProperty('canonical');
    expect(data.priorities.map((p) => [p.code, p.revealed])).toEqual([['1', true], ['2', false], ['3', false], ['4', false], ['5', false], ['6', false]]);
    const first = data.priorities[0];
    if (!first.revealed) throw new Error('priority 1 is revealed');
    expect(first.voters).toBe(3);
    expect(first.ideas.map((i) => [i.title, i.rank, i.dots, i.supporters])).toEqual([
      ['Відкритий бюджет онлайн', 1, 3, 2],
      ['Кабінет мешканця', 2, 2, 2],
      ['Прозорі закупівлі', 2, 2, 1],
    ]);
    // Unrevealed priorities carry no ideas at all.
    for (const p of data.priorities.slice(1)) expect(Object.keys(p).sort()).toEqual(['code', 'color', 'revealed', 'title']);
  });

  it('in English, with links between the languages', async () => {
    const html = await (await get('/results?lang=en')).text();
    expect(html).toContain('<html lang="en">');
    expect(html).toContain('<title>Results — Житомир 2030</title>');
    expect(html).toContain('href="results" lang="uk" hreflang="uk"');
    expect(textOf(html)).toContain('Rank 2, shared with other ideas. Кабінет мешканця');
    expect(textOf(html)).toContain('Not revealed yet.');
    const uk = await (await get('/results')).text();
    expect(uk).toContain('href="results?lang=en" lang="en" hreflang="en"');
    expectNothingPersonal(html);
  });

  it('when every priority is revealed, the JSON carries the canonical document, which hashes to the published hash', async () => {
    for (const code of ['2', '3', '4', '5', '6']) ok(await admin.send('priority:reveal', { priorityCode: code }));
    const data = (await (await get('/results.json')).json()) as PublicResults;
    expect(data.final).toBe(true);
    expect(typeof data.canonical).toBe('string');
    expect(sha256(data.canonical!)).toBe(data.resultsHash);
    expect(data.resultsHash).toBe(resultsHash(server.room.state));
    expectNothingPersonal(data.canonical!);
    expect(JSON.parse(data.canonical!)).toMatchObject({ format: 'viche-results/1', turnout: { participants: 3, voted: 3 } });

    const text = textOf(await (await get('/results')).text());
    expect(text).toContain('Сквер біля річки');
    expect(text).not.toContain('Ще не оголошено');
    expect(text).toContain('Усі пріоритети оголошено, тож ця контрольна сума остаточна й уже не зміниться.');
    expect(text).not.toContain('(попередня)');
    // Nothing more is to come: no word of reloading, and a link to check the hash in one's own browser.
    expect(text).toContain('Усі пріоритети оголошено: це остаточні результати форуму.');
    expect(text).not.toMatch(/Оновіть/);
    const html = await (await get('/results')).text();
    expect(html).toContain('<a class="check-link" href="results-check">Перевірити у своєму браузері</a>');
    expect((await get('/results-check')).status).toBe(200);
    // A priority without ideas says so.
    expect(text).toContain('У цьому пріоритеті немає ідей.');
  });

  it('the QR of the page’s address is public', async () => {
    const res = await get('/results-qr.svg');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^image\/svg\+xml/);
    expect(await res.text()).toMatch(/^<svg[^>]*>/);
  });

  it('taken down, it is closed again; taking down twice records nothing more', async () => {
    const mark = admin.mark();
    expect(ok(await admin.send('results:publish', { published: false }))).toEqual({ published: false });
    await admin.next<ConsoleView>('console', (v) => !v.forum.publicResults, mark);
    expect((await get('/results')).status).toBe(404);
    expect((await get('/results.json')).status).toBe(404);
    expect(ok(await admin.send('results:publish', { published: false }))).toEqual({ published: false });
    expect(server.room.state.publicResults).toBe(false);
  });

  it('published, it stays published after the forum closes and after a restart on the same file', async () => {
    ok(await admin.send('results:publish', { published: true }));
    ok(await admin.send('phase:set', { to: 'closed' }));
    const before = (await (await get('/results.json')).json()) as PublicResults;
    expect(before.forum.phase).toBe('closed');
    const closed = textOf(await (await get('/results')).text());
    expect(closed).toContain('Форум завершено. Дякуємо всім учасникам!');
    expect(closed).not.toMatch(/Оновіть|reload/i);

    for (const c of [admin, screen, host, ...phones]) c.close();
    await server.close();
    server = await startTestServer({ dbPath });
    admin = await connectConsole(server);
    expect(server.room.state.publicResults).toBe(true);
    const res = await get('/results.json');
    expect(res.status).toBe(200);
    const after = (await res.json()) as PublicResults;
    expect(after.resultsHash).toBe(before.resultsHash);
    expect(after).toEqual(before);
    expect((await get('/results')).status).toBe(200);
  });
});
