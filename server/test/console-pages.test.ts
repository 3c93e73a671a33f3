// A console of many participants, with real socket.io clients on a real server: past the threshold
// (set low here) the console's view carries no rows, only the counts, and each console asks for a
// page of rows at a time, searched on the server: by name, by ticket number, and in a city vote by
// a ballot's receipt. A change to a row moves the view's version on, so the page is asked again; a
// host's page carries no address and no dots.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConsoleView } from '../../shared/protocol.js';
import { connect, connectConsole, joinPhone, ok, startTestServer, type TestClient, type TestPhone, type TestServer } from './harness.js';
import { definition, firstForum, forumAt, newCityForum } from './cityForum.js';

const latest = (c: TestClient): ConsoleView => c.received.filter((r) => r.event === 'console').at(-1)!.args[0] as ConsoleView;

describe('a paged console: counts in the view, rows a page at a time, searched on the server', () => {
  let server: TestServer;
  const clients: TestClient[] = [];
  const keep = <T extends TestClient>(c: T): T => (clients.push(c), c);
  let admin: TestClient;
  let phones: TestPhone[];

  beforeAll(async () => {
    server = await startTestServer({ consolePagedAbove: 20, displayThrottleMs: 0 });
    admin = keep(await connectConsole(server));
    // One after another, so that the join order (and so the page order) is the one named here.
    phones = [];
    for (let i = 1; i <= 60; i++) phones.push(keep(await joinPhone(server, `Мешканка ${i}`)));
  });
  afterAll(async () => {
    for (const c of clients) c.close();
    await server?.stop();
  });

  it('sends no rows past the threshold, only the counts, and a page of 50 newest first', async () => {
    const view = await admin.next<ConsoleView>('console', (v) => v.joined === 60);
    expect(view.participants).toEqual([]);
    expect(view.participantPages).toMatchObject({ pageSize: 50, voided: 0 });
    expect(view.online).toBe(60);
    const first = ok(await admin.send('participant:page', { query: '', page: 0 }));
    expect(first.matching).toBe(60);
    expect(first.rows.map((r) => r.name)).toEqual(Array.from({ length: 50 }, (_, i) => `Мешканка ${60 - i}`));
    expect(first.rows[0].address).toMatch(/^127\./);
    const second = ok(await admin.send('participant:page', { query: '', page: 1 }));
    expect(second.rows.map((r) => r.name)).toEqual(Array.from({ length: 10 }, (_, i) => `Мешканка ${10 - i}`));
    // Past the last page: the last page, saying so.
    const past = ok(await admin.send('participant:page', { query: '', page: 9 }));
    expect(past.page).toBe(1);
    expect(past.rows).toEqual(second.rows);
  });

  it('searches names in any case, and refuses a search too long', async () => {
    const found = ok(await admin.send('participant:page', { query: 'мешканка 1', page: 0 }));
    // 1, 10 to 19: eleven names hold "мешканка 1".
    expect(found.matching).toBe(11);
    expect(found.rows.map((r) => r.name).sort()).toEqual(['Мешканка 1', ...Array.from({ length: 10 }, (_, i) => `Мешканка ${10 + i}`)].sort());
    expect(ok(await admin.send('participant:page', { query: 'нікого такого', page: 0 })).matching).toBe(0);
    const long = await admin.send('participant:page', { query: 'я'.repeat(101), page: 0 });
    expect(long).toMatchObject({ ok: false, error: { code: 'BAD_INPUT' } });
  });

  it('moves the version on when a row changes, so the page is asked again and shows it', async () => {
    const before = latest(admin).participantPages!.version;
    const mark = admin.mark();
    ok(await phones[59].send('participant:rename', { name: 'Ганна Петрівна' }));
    const after = await admin.next<ConsoleView>('console', (v) => (v.participantPages?.version ?? 0) > before, mark);
    expect(after.participants).toEqual([]);
    expect(ok(await admin.send('participant:page', { query: 'ганна', page: 0 })).rows.map((r) => r.name)).toEqual(['Ганна Петрівна']);
    // A phone gone: the count and the row both say so.
    const gone = admin.mark();
    phones[58].close();
    await admin.next<ConsoleView>('console', (v) => v.online === 59, gone);
    const row = ok(await admin.send('participant:page', { query: 'Мешканка 59', page: 0 })).rows[0];
    expect(row).toMatchObject({ name: 'Мешканка 59', online: false });
  });

  it('voids from a page: the count, the row and the log entry, named though its row is not in the view', async () => {
    const mark = admin.mark();
    ok(await admin.send('participant:void', { participantId: phones[0].me.participantId, reason: 'Два телефони' }));
    const view = await admin.next<ConsoleView>('console', (v) => v.participantPages?.voided === 1, mark);
    expect(view.moderation.at(-1)).toMatchObject({ action: 'void', participantId: phones[0].me.participantId, participantName: 'Мешканка 1' });
    expect(ok(await admin.send('participant:page', { query: 'Мешканка 1', page: 0 })).rows.find((r) => r.name === 'Мешканка 1')?.voided).toBe('Два телефони');
  });

  it('gives a host pages without addresses or dots', async () => {
    const { link } = ok(await admin.send('host:invite', { name: 'Ірина', scope: null }));
    const host = keep(await connect(server.socketUrl, { role: 'host', key: new URLSearchParams(link.split('?')[1]).get('host') ?? '' }));
    const view = await host.next<ConsoleView>('console');
    expect(view.participants).toEqual([]);
    expect(view.participantPages?.unspent).toBeUndefined();
    const page = ok(await host.send('participant:page', { query: '', page: 0 }));
    expect(page.rows).toHaveLength(50);
    for (const row of page.rows) {
      expect(row.address).toBe('');
      expect(row.dots).toBeUndefined();
    }
  });
});

describe('a city vote’s console is paged at any size, and finds a voter by a receipt', () => {
  let server: TestServer;
  const clients: TestClient[] = [];
  const keep = <T extends TestClient>(c: T): T => (clients.push(c), c);

  beforeAll(async () => {
    server = await startTestServer({ displayThrottleMs: 0 });
  });
  afterAll(async () => {
    for (const c of clients) c.close();
    await server?.stop();
  });

  it('pages three voters, and a receipt typed in lower case finds the one who cast it', async () => {
    const { slug, ideas } = await newCityForum(server, keep, await firstForum(server, keep));
    const forum = forumAt(server, slug);
    const admin = keep(await connectConsole(forum));
    ok(await admin.send('city:setVote', { vote: definition(ideas) }));
    ok(await admin.send('phase:set', { to: 'voting' }));
    const voters = [];
    for (const name of ['Олена', 'Петро', 'Ірина']) voters.push(keep(await joinPhone(forum, name)));
    const { receipt } = ok(await voters[1].send('city:cast', { ballot: { kind: 'knapsack', budgetId: 'centre', projectIds: ['lamps'] }, actionId: 'act-0123456789ab' }));
    const view = await admin.next<ConsoleView>('console', (v) => v.joined === 3);
    expect(view.participants).toEqual([]);
    expect(view.participantPages?.pageSize).toBe(50);
    expect(ok(await admin.send('participant:page', { query: '', page: 0 })).rows.map((r) => r.name)).toEqual(['Ірина', 'Петро', 'Олена']);
    const found = ok(await admin.send('participant:page', { query: ` ${receipt!.toLowerCase()} `, page: 0 }));
    expect(found.rows.map((r) => r.id)).toEqual([voters[1].me.participantId]);
    expect(ok(await admin.send('participant:page', { query: 'ZZZZZ-ZZZZZ', page: 0 })).matching).toBe(0);
  });
});
