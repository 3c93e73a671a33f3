// Facilitating a real forum: a console, a projector, table hosts and phones on a real server.
// Duplicates suggested and merged while phones watch (dots move within the cap, the rest come back,
// everyone concerned is told) and the merge undone; the word list flagging ideas without hiding
// them; the phase timer; paper idea cards and sticker counts beside phone dots, through to the
// console's results, the exports and the projector; hosts acting within their scope only, named in
// the audit log, and cut off when revoked.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConnectRefusal, ConsoleView, MeView, Notice, PhoneView, PriorityResult, PublicIdea, ScreenView } from '../../shared/protocol.js';
import type { ExportResults } from '../http/export.js';
import { parseCsv } from './csv.js';
import { connect, connectConsole, connectScreen, joinPhone, ok, refused, startTestServer, type TestClient, type TestPhone, type TestServer } from './harness.js';

type Patch = { upserts: PublicIdea[]; removed: string[] };

/** The secret of an invitation link `/f/<slug>/console?host=SECRET`. */
const secretOf = (link: string) => new URLSearchParams(link.split('?')[1]).get('host') ?? '';

async function connectHost(server: TestServer, secret: string): Promise<TestClient> {
  const host = await connect(server.socketUrl, { role: 'host', key: secret });
  await host.next<ConsoleView>('console');
  return host;
}

/** Expects a host's connection to be refused; returns what the refusal carries. */
async function refusedHost(server: TestServer, secret: string): Promise<ConnectRefusal> {
  try {
    const client = await connect(server.socketUrl, { role: 'host', key: secret });
    client.close();
  } catch (err) {
    const data = (err as { data?: ConnectRefusal }).data;
    if (data) return data;
    throw err;
  }
  throw new Error('expected the connection to be refused, it was accepted');
}

describe('facilitation, end to end', () => {
  let server: TestServer;
  let admin: TestClient;
  let screen: TestClient;
  let olena: TestPhone;
  let marko: TestPhone;
  let anna: TestPhone;
  let ivan: TestPhone;
  let watcher: TestPhone;
  let host: TestClient;
  let wholeHost: TestClient;
  let hostSecret = '';
  let hostId = '';
  /** Priority 1: bike (Олена), bikeToo (Марко, the same in other words), lights (Іван), rude (the watcher). */
  const id = { bike: '', bikeToo: '', lights: '', rude: '', cowork: '', coworkToo: '', paper: '', hostPaper: '' };
  const phones = () => [olena, marko, anna, ivan, watcher];

  beforeAll(async () => {
    // Displays go out at once, so that every view waited for follows the action just taken.
    server = await startTestServer({ displayThrottleMs: 0 });
    admin = await connectConsole(server);
    screen = await connectScreen(server);
    olena = await joinPhone(server, 'Олена Коваль');
    marko = await joinPhone(server, 'Марко Ткачук');
    anna = await joinPhone(server, 'Анна');
    ivan = await joinPhone(server, 'Іван');
    watcher = await joinPhone(server, 'Спостерігач');
    ok(await admin.send('forum:setRules', { rules: { ideasPerParticipant: 5, dotsPerPriority: 4, maxDotsPerIdea: 2 } }));
    // These phones have priority 1's wall open.
    for (const p of [olena, anna, watcher]) ok(await p.send('wall:watch', { priorityCode: '1', query: '', pages: 1 }));
  });
  afterAll(async () => {
    for (const c of [...phones(), admin, screen, host, wholeHost]) c?.close();
    await server?.stop();
  });

  it('ideas: the console suggests two ideas that say the same thing, and flags a listed word while the idea stays on the wall', async () => {
    ok(await admin.send('phase:set', { to: 'ideas' }));
    const submit = async (phone: TestPhone, priorityCode: string, title: string) => ok(await phone.send('idea:submit', { priorityCode, title })).ideaId;
    const watching = anna.mark();
    id.bike = await submit(olena, '1', 'Велодоріжка на вулиці Київській');
    id.bikeToo = await submit(marko, '1', 'Зробити велосипедну доріжку по Київській');
    id.lights = await submit(ivan, '1', 'Ліхтарі в парку');
    id.rude = await submit(watcher, '1', 'Який мудак поставив ці смітники');
    id.cowork = await submit(anna, '2', 'Коворкінг у бібліотеці');
    id.coworkToo = await submit(olena, '2', 'Коворкінг для молоді в бібліотеці');

    const view = await admin.next<ConsoleView>('console', (v) => v.ideas.length === 6 && v.duplicates.some((g) => g.ideaIds.includes(id.bikeToo)));
    const bikes = view.duplicates.find((g) => g.ideaIds.includes(id.bike))!;
    expect(bikes.priorityCode).toBe('1');
    expect([...bikes.ideaIds].sort()).toEqual([id.bike, id.bikeToo].sort());
    expect(view.duplicates.every((g) => !g.ideaIds.includes(id.lights))).toBe(true);

    // The default list flags the insult; the idea is on every wall all the same.
    const flagged = (v: ConsoleView, ideaId: string) => v.ideas.find((i) => i.id === ideaId)!.flagged;
    expect(view.wordList.isDefault).toBe(true);
    expect(flagged(view, id.rude)).toEqual(['мудак']);
    expect(flagged(view, id.lights)).toEqual([]);
    expect(view.ideas.find((i) => i.id === id.rude)!.status).toBe('active');
    ok(await anna.send('wall:watch', { priorityCode: '1', query: '', pages: 1 }));
    await anna.next<Patch>('wall:page', (p) => p.upserts.some((u) => u.id === id.rude), watching);

    // The facilitator's own list replaces it.
    expect(ok(await admin.send('wordList:set', { words: ['  Смітник ', 'СМІТНИК', ''] }))).toEqual({ words: ['смітник'] });
    const listed = await admin.next<ConsoleView>('console', (v) => !v.wordList.isDefault);
    expect(listed.wordList).toEqual({ words: ['смітник'], isDefault: false });
    expect(flagged(listed, id.rude)).toEqual(['смітник']);
    expect(refused(await admin.send('wordList:set', { words: ['я'.repeat(41)] }))).toBe('BAD_INPUT');
  });

  it('a timer reaches phones and the projector; extended it runs longer; a phase change clears it', async () => {
    const marks = phones().map((p) => p.mark());
    const screenMark = screen.mark();
    const { timer } = ok(await admin.send('timer:set', { minutes: 5 }));
    expect(timer).toMatchObject({ phase: 'ideas', durationMs: 300_000 });
    await Promise.all([
      ...phones().map((p, i) => p.next<PhoneView>('phone', (v) => v.forum.timer?.endsAt === timer!.endsAt, marks[i])),
      screen.next<ScreenView>('screen', (v) => v.forum.timer?.endsAt === timer!.endsAt, screenMark),
    ]);

    const extended = ok(await admin.send('timer:extend', { minutes: 2 })).timer!;
    expect(extended).toEqual({ phase: 'ideas', endsAt: timer!.endsAt + 120_000, durationMs: 420_000 });
    await anna.next<PhoneView>('phone', (v) => v.forum.timer?.endsAt === extended.endsAt, marks[2]);
    await screen.next<ScreenView>('screen', (v) => v.forum.timer?.endsAt === extended.endsAt, screenMark);

    for (const minutes of [0.5, 0, -1, 181]) expect(refused(await admin.send('timer:set', { minutes })), String(minutes)).toBe('BAD_INPUT');
    expect(refused(await admin.send('timer:extend', { minutes: -2 }))).toBe('BAD_INPUT');

    const before = anna.mark();
    ok(await admin.send('phase:set', { to: 'review' }));
    const review = await anna.next<PhoneView>('phone', (v) => v.forum.phase === 'review', before);
    expect(review.forum.timer).toBeNull();
    expect((await screen.next<ScreenView>('screen', (v) => v.forum.phase === 'review')).forum.timer).toBeNull();
  });

  it('a host for priority 1 joins by the invitation link and sees the console without addresses', async () => {
    const invited = ok(await admin.send('host:invite', { name: 'Ірина', scope: '1' }));
    expect(invited.link).toMatch(/^\/f\/1\/console\?host=[\w-]{20,}$/);
    hostSecret = secretOf(invited.link);
    hostId = invited.hostId;

    host = await connect(server.socketUrl, { role: 'host', key: hostSecret });
    const view = await host.next<ConsoleView>('console');
    expect(view.me).toEqual({ role: 'host', hostId, name: 'Ірина', scope: '1' });
    expect(view.participants).toHaveLength(5);
    expect(view.participants.every((p) => p.address === '')).toBe(true);
    expect(view.admission.screenUrl).toBe('');
    expect(view.hosts).toEqual([]);

    const facilitator = await admin.next<ConsoleView>('console', (v) => v.hosts.some((h) => h.id === hostId && h.online));
    expect(facilitator.me).toEqual({ role: 'facilitator' });
    expect(facilitator.hosts).toEqual([{ id: hostId, name: 'Ірина', scope: '1', point: null, revoked: false, online: true }]);
    expect(facilitator.participants.every((p) => /^127\.1\./.test(p.address))).toBe(true);

    expect((await refusedHost(server, 'not-an-invitation')).code).toBe('FORBIDDEN');
  });

  it('the host hides, corrects and types paper cards in within priority 1 only, and runs nothing of the facilitator’s', async () => {
    const told = watcher.mark();
    ok(await host.send('idea:hide', { ideaId: id.rude, reason: 'Образливо' }));
    await watcher.next<Notice>('notice', (n) => n.code === 'IDEA_HIDDEN', told);
    ok(await host.send('idea:correct', { ideaId: id.lights, title: 'Ліхтарі в парку Гагаріна' }));
    id.hostPaper = ok(await host.send('paper:idea', { priorityCode: '1', title: 'Урни біля зупинок', author: 'Пан Степан' })).ideaId;
    // The facilitator types in a card too; both go on the wall, with no participant behind them.
    const watching = anna.mark();
    id.paper = ok(await admin.send('paper:idea', { priorityCode: '1', title: 'Пандус до ЦНАПу', author: 'Ганна Петрівна' })).ideaId;
    ok(await anna.send('wall:watch', { priorityCode: '1', query: '', pages: 1 }));
    await anna.next<Patch>('wall:page', (p) => p.upserts.some((u) => u.id === id.paper && u.title === 'Пандус до ЦНАПу'), watching);

    expect(refused(await host.send('idea:hide', { ideaId: id.cowork, reason: 'Не та тема' }))).toBe('OUT_OF_SCOPE');
    expect(refused(await host.send('idea:correct', { ideaId: id.cowork, title: 'Інше' }))).toBe('OUT_OF_SCOPE');
    expect(refused(await host.send('paper:idea', { priorityCode: '2', title: 'Чужий пріоритет' }))).toBe('OUT_OF_SCOPE');
    expect(refused(await host.send('phase:set', { to: 'voting' }))).toBe('FORBIDDEN');
    expect(refused(await host.send('priority:reveal', { priorityCode: '1' }))).toBe('FORBIDDEN');
    expect(refused(await host.send('host:invite', { name: 'Ще один', scope: null }))).toBe('FORBIDDEN');
    expect(refused(await host.send('export:grant', {}))).toBe('FORBIDDEN');
    expect(refused(await host.send('timer:set', { minutes: 5 }))).toBe('FORBIDDEN');
    expect(refused(await host.send('wordList:set', { words: [] }))).toBe('FORBIDDEN');

    const view = await admin.next<ConsoleView>('console', (v) => v.ideas.some((i) => i.id === id.paper));
    const card = view.ideas.find((i) => i.id === id.paper)!;
    expect(card).toMatchObject({ source: 'paper', authorId: '', status: 'active' });
    // No stickers yet: no count at all.
    expect(card).not.toHaveProperty('paperDots');
    expect(view.ideas.find((i) => i.id === id.hostPaper)).toMatchObject({ source: 'paper', authorId: '' });
    expect(view.ideas.find((i) => i.id === id.rude)).toMatchObject({ status: 'hidden', hiddenReason: 'Образливо' });
    // The audit log names who did each step.
    expect(view.moderation.map((m) => [m.action, m.byName])).toEqual([
      ['hide', 'Ірина'],
      ['correct', 'Ірина'],
      ['paperIdea', 'Ірина'],
      ['paperIdea', ''],
    ]);
    expect(view.moderation[1]).toMatchObject({ before: { title: 'Ліхтарі в парку' }, after: { title: 'Ліхтарі в парку Гагаріна' }, by: hostId });
  });

  it('voting: phones vote on a paper card like any idea', async () => {
    ok(await admin.send('phase:set', { to: 'voting' }));
    expect(refused(await admin.send('paper:idea', { priorityCode: '1', title: 'Запізно' }))).toBe('WRONG_PHASE');
    ok(await anna.send('dot:place', { ideaId: id.bikeToo }));
    ok(await anna.send('dot:place', { ideaId: id.bikeToo }));
    ok(await anna.send('dot:place', { ideaId: id.paper }));
    expect(ok(await anna.send('dot:place', { ideaId: id.paper })).me.dots).toEqual({ [id.bikeToo]: 2, [id.paper]: 2 });
    ok(await ivan.send('dot:place', { ideaId: id.bike }));
    ok(await ivan.send('dot:place', { ideaId: id.bikeToo }));
    expect(ok(await ivan.send('dot:place', { ideaId: id.bikeToo })).me.dots).toEqual({ [id.bike]: 1, [id.bikeToo]: 2 });
    ok(await marko.send('dot:place', { ideaId: id.lights }));
  });

  it('a merge moves dots within the cap, gives the rest back, and tells every phone concerned; undone, every dot is back', async () => {
    const dotsBefore = { anna: { [id.bikeToo]: 2, [id.paper]: 2 }, ivan: { [id.bike]: 1, [id.bikeToo]: 2 } };
    const marks = Object.fromEntries(phones().map((p) => [p.me.participantId, p.mark()]));
    const mark = (p: TestPhone) => marks[p.me.participantId];
    const merged = ok(await admin.send('idea:merge', { into: id.bike, ideas: [id.bikeToo] }));
    // Anna's 2 dots fit on the survivor; Ivan had 1 there already, so 1 of his 2 moves and 1 comes back.
    expect(merged).toEqual({ mergeId: expect.any(String), moved: 3, refunded: 1 });

    const into = 'Велодоріжка на вулиці Київській';
    const [annaMe, annaMoved, ivanMe, ivanMoved, ivanRefund, markoMerged, markoMe] = await Promise.all([
      anna.next<MeView>('me', (m) => m.dots[id.bike] === 2, mark(anna)),
      anna.next<Notice>('notice', (n) => n.code === 'DOTS_MOVED', mark(anna)),
      ivan.next<MeView>('me', (m) => m.dots[id.bike] === 2, mark(ivan)),
      ivan.next<Notice>('notice', (n) => n.code === 'DOTS_MOVED', mark(ivan)),
      ivan.next<Notice>('notice', (n) => n.code === 'MERGE_REFUNDED', mark(ivan)),
      marko.next<Notice>('notice', (n) => n.code === 'IDEA_MERGED', mark(marko)),
      marko.next<MeView>('me', (m) => m.ideas.some((i) => i.id === id.bikeToo && i.status === 'merged'), mark(marko)),
    ]);
    expect(annaMe.dots).toEqual({ [id.bike]: 2, [id.paper]: 2 });
    expect(annaMoved).toMatchObject({ params: { into, count: 2 }, message: `Подібні ідеї об’єднано: 2 ваші крапки тепер на ідеї «${into}».` });
    expect(ivanMe.dots).toEqual({ [id.bike]: 2 });
    expect(ivanMoved.params).toMatchObject({ into, count: 1 });
    expect(ivanRefund.params).toMatchObject({ into, count: 1 });
    expect(ivanRefund.message).toContain('1 крапку повернуто');
    expect(markoMerged).toMatchObject({ params: { title: 'Зробити велосипедну доріжку по Київській', into } });
    expect(markoMe.ideas.find((i) => i.id === id.bikeToo)!.status).toBe('merged');
    // The others' walls lose the merged idea; the watcher had no dots and is told nothing.
    await Promise.all([watcher, olena].map((p) => p.next<Patch>('wall:page', (x) => x.removed.includes(id.bikeToo), mark(p))));
    expect(watcher.received.slice(mark(watcher)).some((r) => r.event === 'notice')).toBe(false);

    const view = await admin.next<ConsoleView>('console', (v) => v.merges.length === 1);
    expect(view.merges[0]).toEqual({ id: merged.mergeId, into: id.bike, ideas: [id.bikeToo], at: expect.any(Number), by: '', undone: false, moved: 3, refunded: 1 });
    const survivor = view.ideas.find((i) => i.id === id.bike)!;
    expect(survivor.merged).toEqual([{ ideaId: id.bikeToo, title: 'Зробити велосипедну доріжку по Київській', description: '', place: '', authorName: 'Марко Ткачук' }]);
    expect(view.ideas.find((i) => i.id === id.bikeToo)).toMatchObject({ status: 'merged', mergedInto: id.bike });
    expect(view.duplicates.some((g) => g.ideaIds.includes(id.bikeToo))).toBe(false);

    // Undone: each dot goes back where it was, and whoever was concerned is told.
    const again = Object.fromEntries(phones().map((p) => [p.me.participantId, p.mark()]));
    expect(ok(await admin.send('idea:unmerge', { mergeId: merged.mergeId }))).toEqual({ restored: 3, reinstated: 1 });
    const [annaBack, ivanBack] = await Promise.all([
      anna.next<MeView>('me', (m) => m.dots[id.bikeToo] === 2, again[anna.me.participantId]),
      ivan.next<MeView>('me', (m) => m.dots[id.bikeToo] === 2, again[ivan.me.participantId]),
    ]);
    await Promise.all([
      ...[anna, ivan, marko].map((p) => p.next<Notice>('notice', (n) => n.code === 'MERGE_UNDONE' && n.params?.into === into, again[p.me.participantId])),
      watcher.next<Patch>('wall:page', (x) => x.upserts.some((u) => u.id === id.bikeToo), again[watcher.me.participantId]),
    ]);
    expect(annaBack.dots).toEqual(dotsBefore.anna);
    expect(ivanBack.dots).toEqual(dotsBefore.ivan);
    const undone = await admin.next<ConsoleView>('console', (v) => v.merges[0]?.undone === true);
    expect(undone.ideas.find((i) => i.id === id.bike)!.merged).toEqual([]);
    // The duplicate finder groups the idea back in its own time (a slice of work a turn): a view or
    // two may come first on a busy machine.
    const undoneAt = admin.received.findIndex((r) => r.event === 'console' && r.args[0] === undone);
    await admin.next<ConsoleView>('console', (v) => v.duplicates.some((g) => g.ideaIds.includes(id.bikeToo)), undoneAt);
    expect(undone.moderation.slice(-2).map((m) => [m.action, m.byName, m.ideaIds])).toEqual([
      ['merge', '', [id.bikeToo]],
      ['unmerge', '', [id.bikeToo]],
    ]);
  });

  it('the host merges within priority 1, not in priority 2', async () => {
    expect(refused(await host.send('idea:merge', { into: id.cowork, ideas: [id.coworkToo] }))).toBe('OUT_OF_SCOPE');
    expect(refused(await host.send('idea:merge', { into: id.bike, ideas: [id.cowork] }))).toBe('MERGE_ACROSS_PRIORITIES');
    const mark = ivan.mark();
    // A host is told no count: how many dots moved is the tally of an unrevealed priority.
    expect(ok(await host.send('idea:merge', { into: id.bike, ideas: [id.bikeToo] }))).toEqual({ mergeId: expect.any(String) });
    expect((await ivan.next<MeView>('me', (m) => m.dots[id.bike] === 2, mark)).dots).toEqual({ [id.bike]: 2 });
    const view = await admin.next<ConsoleView>('console', (v) => v.merges.length === 2);
    expect(view.merges[1]).toMatchObject({ by: 'Ірина', undone: false });
    expect(view.moderation.at(-1)).toMatchObject({ action: 'merge', byName: 'Ірина', by: hostId });
  });

  it('results: paper stickers counted by hosts and the facilitator sit beside phone dots; the ranking is by the sum', async () => {
    expect(refused(await admin.send('paper:dots', { ideaId: id.paper, count: 5 }))).toBe('WRONG_PHASE');
    ok(await admin.send('phase:set', { to: 'results' }));
    const phoneDots = JSON.stringify([...server.room.state.dots].map(([p, mine]) => [p, [...mine]]));
    // Stickers wait for the facilitator to say how many paper ballots went out; a host cannot say it.
    expect(refused(await admin.send('paper:dots', { ideaId: id.paper, count: 5 }))).toBe('PAPER_NO_BALLOTS');
    expect(refused(await host.send('paper:ballots', { count: 3 }))).toBe('FORBIDDEN');
    expect(ok(await admin.send('paper:ballots', { count: 3 }))).toEqual({ ballots: 3 });
    expect(ok(await admin.send('paper:dots', { ideaId: id.paper, count: 5 }))).toEqual({ count: 5 });
    expect(ok(await host.send('paper:dots', { ideaId: id.hostPaper, count: 3 }))).toEqual({ count: 3 });
    expect(refused(await host.send('paper:dots', { ideaId: id.cowork, count: 3 }))).toBe('OUT_OF_SCOPE');
    for (const count of [-1, 1.5, 100_001]) expect(refused(await admin.send('paper:dots', { ideaId: id.paper, count })), String(count)).toBe('BAD_INPUT');

    // A host for the whole forum acts in any priority.
    const whole = ok(await admin.send('host:invite', { name: 'Богдан', scope: null }));
    wholeHost = await connectHost(server, secretOf(whole.link));
    ok(await wholeHost.send('paper:dots', { ideaId: id.cowork, count: 2 }));
    ok(await wholeHost.send('paper:dots', { ideaId: id.lights, count: 1 }));

    const view = await admin.next<ConsoleView>('console', (v) => v.ideas.find((i) => i.id === id.lights)?.paperDots === 1);
    const first = view.results.find((r) => r.priorityCode === '1')!.rows;
    expect(first.map((r) => [r.ideaId, r.dots, r.phoneDots, r.paperDots, r.rank])).toEqual([
      [id.paper, 7, 2, 5, 1],
      [id.bike, 4, 4, 0, 2],
      [id.hostPaper, 3, 0, 3, 3],
      [id.lights, 2, 1, 1, 4],
    ]);
    expect(view.results.find((r) => r.priorityCode === '2')!.rows.find((r) => r.ideaId === id.cowork)).toMatchObject({ dots: 2, phoneDots: 0, paperDots: 2 });
    expect(view.moderation.filter((m) => m.action === 'paperDots').map((m) => [m.byName, m.count])).toEqual([
      ['', { before: 0, after: 5 }],
      ['Ірина', { before: 0, after: 3 }],
      ['Богдан', { before: 0, after: 2 }],
      ['Богдан', { before: 0, after: 1 }],
    ]);
    // Stickers never touch a phone's dots.
    expect(JSON.stringify([...server.room.state.dots].map(([p, mine]) => [p, [...mine]]))).toBe(phoneDots);
    expect(view.participants.find((p) => p.id === anna.me.participantId)!.dots).toBe(4);
  });

  it('the exports carry phone dots, paper stickers and their sum, the merged texts and the audit log', async () => {
    const get = (path: string) => fetch(`${server.url}${path}`, { headers: { 'x-facilitator-key': server.facilitatorKey } });
    const data = (await (await get('/api/export.json')).json()) as ExportResults;
    const first = data.priorities.find((p) => p.code === '1')!;
    expect(first.ideas.filter((i) => i.rank !== null).map((i) => [i.title, i.dots, i.phoneDots, i.paperDots, i.rank, i.source])).toEqual([
      ['Пандус до ЦНАПу', 7, 2, 5, 1, 'paper'],
      ['Велодоріжка на вулиці Київській', 4, 4, 0, 2, 'phone'],
      ['Урни біля зупинок', 3, 0, 3, 3, 'paper'],
      ['Ліхтарі в парку Гагаріна', 2, 1, 1, 4, 'phone'],
    ]);
    expect(first.ideas.find((i) => i.id === id.paper)!.authorName).toBe('Ганна Петрівна');
    expect(first.ideas.find((i) => i.id === id.bike)!.mergedFrom).toEqual([{ title: 'Зробити велосипедну доріжку по Київській', description: '', place: '', authorName: 'Марко Ткачук' }]);
    // The merged idea lives on in the survivor only.
    expect(first.ideas.some((i) => i.id === id.bikeToo)).toBe(false);

    const log = data.moderation;
    expect(log.map((m) => [m.action, m.by, m.hostName ?? ''])).toEqual([
      ['hide', 'host', 'Ірина'],
      ['correct', 'host', 'Ірина'],
      ['paperIdea', 'host', 'Ірина'],
      ['paperIdea', 'facilitator', ''],
      ['merge', 'facilitator', ''],
      ['unmerge', 'facilitator', ''],
      ['merge', 'host', 'Ірина'],
      ['paperBallots', 'facilitator', ''],
      ['paperDots', 'facilitator', ''],
      ['paperDots', 'host', 'Ірина'],
      ['paperDots', 'host', 'Богдан'],
      ['paperDots', 'host', 'Богдан'],
    ]);
    expect(log[0]).toMatchObject({ idea: 'Який мудак поставив ці смітники', reason: 'Образливо', at: expect.stringMatching(/^\d{4}-\d\d-\d\dT.*Z$/) });
    expect(log[1]).toMatchObject({ before: { title: 'Ліхтарі в парку' }, after: { title: 'Ліхтарі в парку Гагаріна' } });
    expect(log[4]).toMatchObject({ idea: 'Велодоріжка на вулиці Київській', merged: [{ id: id.bikeToo, title: 'Зробити велосипедну доріжку по Київській' }] });
    expect(log[7]).toMatchObject({ idea: null, paperBallots: { before: 0, after: 3 } });
    expect(log[8]).toMatchObject({ idea: 'Пандус до ЦНАПу', paperDots: { before: 0, after: 5 } });

    const rows = parseCsv(await (await get('/api/export.csv')).text(), ';');
    const col = (name: string) => rows[0].indexOf(name);
    const ramp = rows.find((r) => r[col('Назва ідеї')] === 'Пандус до ЦНАПу')!;
    expect([ramp[col('Крапки')], ramp[col('Крапки з телефонів')], ramp[col('Наліпки на папері')], ramp[col('Місце в рейтингу')], ramp[col('Джерело')]]).toEqual([
      '7',
      '2',
      '5',
      '1',
      'паперова картка',
    ]);
    expect(rows.find((r) => r[col('Назва ідеї')] === 'Велодоріжка на вулиці Київській')![col('Об’єднано з')]).toBe('Зробити велосипедну доріжку по Київській (Марко Ткачук)');
    const heading = rows.findIndex((r) => r.length === 1 && r[0] === 'Журнал модерації');
    expect(heading).toBeGreaterThan(0);
    const logHeader = rows[heading + 1];
    const logRows = rows.slice(heading + 2).filter((r) => r.length > 1);
    expect(logRows).toHaveLength(log.length);
    const cell = (row: string[], name: string) => row[logHeader.indexOf(name)];
    expect([cell(logRows[0], 'Дія'), cell(logRows[0], 'Хто'), cell(logRows[0], 'Ідея'), cell(logRows[0], 'Причина')]).toEqual([
      'приховано',
      'Ірина',
      'Який мудак поставив ці смітники',
      'Образливо',
    ]);
    expect(cell(logRows[1], 'Текст до')).toBe('Назва: Ліхтарі в парку\nОпис: \nМісце: ');
    expect(cell(logRows[1], 'Текст після')).toBe('Назва: Ліхтарі в парку Гагаріна\nОпис: \nМісце: ');
    expect([cell(logRows[4], 'Хто'), cell(logRows[4], 'Об’єднані ідеї')]).toEqual(['фасилітатор', 'Зробити велосипедну доріжку по Київській']);
    expect(cell(logRows[7], 'Причина')).toBe('Паперових бюлетенів: 0 → 3');
    expect([cell(logRows[8], 'Наліпок було'), cell(logRows[8], 'Наліпок стало')]).toEqual(['0', '5']);
  });

  it('revealed, the projector and phones show the sum, and the count is closed', async () => {
    const mark = anna.mark();
    ok(await admin.send('priority:reveal', { priorityCode: '1' }));
    const shown = await screen.next<ScreenView>('screen', (v) => v.results.some((r) => r.priorityCode === '1'));
    expect(shown.results[0].rows.map((r) => [r.ideaId, r.dots, r.rank])).toEqual([
      [id.paper, 7, 1],
      [id.bike, 4, 2],
      [id.hostPaper, 3, 3],
      [id.lights, 2, 4],
    ]);
    const phone = await anna.next<PriorityResult[]>('results', (v) => v.some((r) => r.priorityCode === '1'), mark);
    expect(phone[0].rows[0]).toMatchObject({ ideaId: id.paper, dots: 7, rank: 1 });
    expect(refused(await admin.send('paper:dots', { ideaId: id.paper, count: 9 }))).toBe('ALREADY_REVEALED');
    expect(refused(await wholeHost.send('paper:dots', { ideaId: id.lights, count: 9 }))).toBe('ALREADY_REVEALED');
  });

  it('a revoked host is disconnected at once and refused from then on; the audit log keeps their name', async () => {
    const dropped = new Promise<string>((resolve) => host.socket.once('disconnect', (reason) => resolve(reason)));
    ok(await admin.send('host:revoke', { hostId }));
    expect(await dropped).toBe('io server disconnect');
    expect((await refusedHost(server, hostSecret)).code).toBe('FORBIDDEN');
    expect(refused(await admin.send('host:revoke', { hostId: 'nobody' }))).toBe('HOST_NOT_FOUND');

    const view = await admin.next<ConsoleView>('console', (v) => v.hosts.some((h) => h.id === hostId && h.revoked && !h.online));
    expect(view.hosts.map((h) => [h.name, h.scope, h.revoked])).toEqual([
      ['Ірина', '1', true],
      ['Богдан', null, false],
    ]);
    expect(view.moderation.filter((m) => m.byName === 'Ірина').length).toBeGreaterThan(0);
    // The whole-forum host is still in.
    expect(ok(await wholeHost.send('paper:dots', { ideaId: id.cowork, count: 3 }))).toEqual({ count: 3 });
  });
});
