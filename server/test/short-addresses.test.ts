// The server's short addresses when it holds several forums, and the facilitator's links once
// refused, as a browser and as a program ask for them: the phone's address lists only the forums
// that take phones, with their date and phase; every short address and every refused link answers
// a browser (Accept: text/html) with a page in Ukrainian and English, never JSON, and a program
// with JSON as before.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Phase } from '../../shared/forum/types.js';
import { connectConsole, ok, startTestServer, type TestClient, type TestServer } from './harness.js';

/** What Chromium sends when a page is opened from the address bar or a link. */
const BROWSER = 'text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,image/apng,*/*;q=0.8,application/signed-exchange;v=b3;q=0.7';

const PATH_TO: Record<Phase, Phase[]> = {
  lobby: [],
  ideas: ['ideas'],
  review: ['ideas', 'review'],
  voting: ['ideas', 'review', 'voting'],
  results: ['ideas', 'review', 'voting', 'results'],
  closed: ['ideas', 'review', 'voting', 'results', 'closed'],
};

describe('short addresses with several forums', () => {
  let server: TestServer;
  const consoles: TestClient[] = [];
  /** A console of the forum at /f/<slug>. */
  const consoleOf = async (slug: string) => {
    const c = await connectConsole({ url: server.url, socketUrl: `${server.url}/f/${slug}`, facilitatorKey: server.facilitatorKey });
    consoles.push(c);
    return c;
  };
  const moveTo = async (slug: string, phase: Phase) => {
    const c = await consoleOf(slug);
    for (const to of PATH_TO[phase]) ok(await c.send('phase:set', { to }));
    return c;
  };
  const asBrowser = (path: string) => fetch(`${server.url}${path}`, { headers: { accept: BROWSER }, redirect: 'manual' });
  const asProgram = (path: string, headers: Record<string, string> = {}) => fetch(`${server.url}${path}`, { headers, redirect: 'manual' });

  /** The page's text without its tags, for reading what a person sees. */
  const textOf = (html: string) => html.replace(/<style>[^]*?<\/style>/, '').replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ');

  beforeAll(async () => {
    server = await startTestServer({ record: { place: 'Житомир, Палац культури' } });
    const { structure } = server.room.state;
    // Four forums of a series with near-identical titles: running, in ideas, closed, archived.
    await server.forums.create({ title: 'Житомир 2030: Богунія', structure, admission: 'open', titled: true });
    await server.forums.create({ title: 'Житомир 2030: Корбутівка', structure, admission: 'open', titled: true });
    const archived = await server.forums.create({ title: 'Житомир 2030: Смокова балка', structure, admission: 'open', titled: true });
    await server.forums.setArchived(archived.room.record.id, true);
    await moveTo('2', 'ideas');
    const closed = await moveTo('3', 'results');
    ok(await closed.send('priority:reveal', { priorityCode: '1' }));
    ok(await closed.send('results:publish', { published: true }));
    ok(await closed.send('phase:set', { to: 'closed' }));
  });
  afterAll(async () => {
    for (const c of consoles) c.close();
    await server?.stop();
  });

  it('the phone’s address lists the forums that take phones, newest first, with date and phase', async () => {
    const res = await asBrowser('/');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    const html = await res.text();
    const text = textOf(html);
    expect(text).toContain('Оберіть свій форум');
    expect(text).toContain('Оберіть той, що йде у вашій залі');
    // The server's place (PLACE), once, under the title.
    expect(html).toContain('<h1>Оберіть свій форум</h1><p class="place">Житомир, Палац культури</p>');
    // Forum 2 (ideas) then forum 1 (lobby); neither the closed nor the archived one.
    expect(html.indexOf('href="/f/2/"')).toBeGreaterThan(0);
    expect(html.indexOf('href="/f/1/"')).toBeGreaterThan(html.indexOf('href="/f/2/"'));
    expect(html).not.toContain('/f/3/');
    expect(html).not.toContain('/f/4/');
    expect(text).not.toContain('Корбутівка');
    expect(text).not.toContain('Смокова балка');
    const today = new Intl.DateTimeFormat('uk-UA', { day: 'numeric', month: 'long', year: 'numeric' }).format(new Date());
    expect(text).toContain(`Житомир 2030: Богунія створено ${today} · Подання ідей`);
    expect(text).toContain(`Житомир 2030 створено ${today} · Збір учасників`);
    expect(html).toMatch(new RegExp(`<time datetime="${new Date().toISOString().slice(0, 10)}">`));

    // In English on asking, with a way back to Ukrainian.
    const en = textOf(await (await asBrowser('/?lang=en')).text());
    expect(en).toContain('Choose your forum');
    expect(en).toContain('· Ideas');
    expect(en).toContain('Українською');
  });

  it('/results answers a browser with a page of the published forums, a program with JSON', async () => {
    const page = await asBrowser('/results');
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    const html = await page.text();
    expect(html).toContain('href="/f/3/results"');
    expect(html).not.toContain('href="/f/1/results"');
    expect(textOf(html)).toContain('Житомир 2030: Корбутівка');
    expect(textOf(html)).toContain('Форум завершено');

    const json = await asProgram('/results');
    expect(json.status).toBe(409);
    expect(await json.json()).toMatchObject({ ok: false, error: { code: 'FORUM_NOT_FOUND' } });
  });

  it('every other short address answers a browser with a page that says whose it is, and a program with JSON', async () => {
    for (const path of ['/results.json', '/results-qr.svg', '/qr.svg', '/api/export.json', '/api/export.xlsx', '/console/report', '/console/tickets', '/console/poster']) {
      const res = await asBrowser(path);
      expect(res.status, path).toBe(409);
      expect(res.headers.get('content-type'), path).toMatch(/^text\/html/);
      const text = textOf(await res.text());
      expect(text, path).toContain('Ця адреса належить одному форуму, а на сервері їх кілька.');
      expect(text, path).toContain('This address belongs to one forum, and this server holds several.');
      expect(text.indexOf('Ця адреса'), path).toBeLessThan(text.indexOf('This address'));

      const json = await asProgram(path, { 'x-facilitator-key': server.facilitatorKey });
      expect(json.status, path).toBe(409);
      expect(await json.json(), path).toMatchObject({ ok: false, error: { code: 'FORUM_NOT_FOUND' } });
    }
    const screen = await asBrowser('/screen');
    expect(screen.status).toBe(404);
    expect(textOf(await screen.text())).toContain('відкрийте проєктор за посиланням із пульта');
    const unknown = await asBrowser('/f/99/');
    expect(unknown.status).toBe(404);
    expect(unknown.headers.get('content-type')).toMatch(/^text\/html/);
    expect(await unknown.text()).toContain('href="/"');
  });

  it('a download link made before the key changed answers a browser with a page that leads back to the console, a program with JSON', async () => {
    const { grant } = ok(await (await consoleOf('3')).send('export:grant', {}));
    // The key changes: every grant made under the old one is void, and says so.
    const key = ok(await (await consoleOf('3')).send('facilitator:rotateKey', {})).key;
    for (const path of ['/f/3/api/export.xlsx', '/f/3/api/export.csv', '/f/3/console/report', '/f/3/console/tickets', '/f/3/console/poster', '/f/3/api/forum.json']) {
      const res = await asBrowser(`${path}?grant=${grant}`);
      expect(res.status, path).toBe(403);
      expect(res.headers.get('content-type'), path).toMatch(/^text\/html/);
      const html = await res.text();
      expect(html, path).toContain('<html lang="uk">');
      expect(textOf(html), path).toContain('Ключ фасилітатора змінили після того, як створили це посилання, тож воно більше не діє.');
      expect(textOf(html), path).toContain('The facilitator’s key has been changed since this link was made');
      expect(html, path).toContain('<a href="/f/3/console">Відкрити пульт форуму</a>');
      expect(html, path).toContain(`<a href="${path}?grant=${grant}&amp;lang=en" lang="en" hreflang="en">In English</a>`);

      const json = await asProgram(`${path}?grant=${grant}`);
      expect(json.status, path).toBe(403);
      expect(await json.json(), path).toMatchObject({ ok: false, error: { code: 'GRANT_REVOKED' } });
    }
    // In English, English first.
    const en = textOf(await (await asBrowser(`/f/3/console/report?grant=${grant}&lang=en`)).text());
    expect(en.indexOf('The facilitator’s key has been changed')).toBeLessThan(en.indexOf('Ключ фасилітатора змінили'));
    // A wrong key typed by a browser is a page too; the right one still downloads.
    expect((await fetch(`${server.url}/f/3/api/export.csv`, { headers: { accept: BROWSER, 'x-facilitator-key': 'not-the-key-at-all' } })).headers.get('content-type')).toMatch(/^text\/html/);
    expect((await fetch(`${server.url}/f/3/api/export.csv`, { headers: { accept: BROWSER, 'x-facilitator-key': key } })).status).toBe(200);
    // A browser asking the API for a phase it has not reached yet (forum 2 is in ideas) reads why.
    const { grant: early } = ok(await (await consoleOf('2')).send('export:grant', {}));
    const tooEarly = await asBrowser(`/f/2/api/export.xlsx?grant=${early}`);
    expect(tooEarly.status).toBe(409);
    expect(textOf(await tooEarly.text())).toContain('Подання ідей');
    // An address that is not there: a sentence, not JSON, to a browser.
    const missing = await asBrowser('/f/2/api/nothing-here');
    expect(missing.status).toBe(404);
    expect(missing.headers.get('content-type')).not.toMatch(/json/);
  });

  it('with one forum taking phones beside closed and archived ones, the phone’s address leads to it', async () => {
    const forum2 = await consoleOf('2');
    for (const to of ['review', 'voting', 'results'] as const) ok(await forum2.send('phase:set', { to }));
    ok(await forum2.send('phase:set', { to: 'closed' }));
    const res = await asBrowser('/');
    expect(res.status).toBe(302);
    expect(res.headers.get('location')).toBe('/f/1/');
  });
});
