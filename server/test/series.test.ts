// A series of forums on one server, end to end with real clients and a real SQLite file: two
// forums running at once with phones in each and nothing crossing between them; a forum built on
// an earlier one (its ideas made goals and tasks that link back); a shortlist put to a vote-only
// forum; archiving, deleting, and moving a forum to another laptop with the same results hash.

import Database from 'better-sqlite3';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ForumEvent } from '../../shared/forum/types.js';
import type { Ack, ConsoleView, ForumsView, ListCommandName, ListCommandPayload, ListCommandResults, WallPage } from '../../shared/protocol.js';
import { SCHEMA_VERSION } from '../db/sqlite.js';
import type { ExportResults } from '../http/export.js';
import { connect, connectConsole, joinPhone, ok, refused, startTestServer, tempDir, type TestClient, type TestPhone, type TestServer } from './harness.js';

/** The console at the server's own address: the forum list. */
async function connectList(server: TestServer): Promise<TestClient & { list: ForumsView }> {
  const c = await connect(server.url, { role: 'console', key: server.facilitatorKey });
  const list = await c.next<ForumsView>('forums');
  return Object.assign(c, { list });
}

function listSend<N extends ListCommandName>(c: TestClient, name: N, payload: ListCommandPayload<N>): Promise<Ack<ListCommandResults[N]>> {
  return c.socket.timeout(10_000).emitWithAck(name, payload) as Promise<Ack<ListCommandResults[N]>>;
}

/** A forum of this server, as the harness's connect helpers take it. */
const forumAt = (server: TestServer, slug: string) => {
  const forum = server.forums.bySlug(slug)!;
  return {
    url: server.url,
    socketUrl: `${server.url}/f/${slug}`,
    facilitatorKey: server.facilitatorKey,
    get joinCode() {
      return forum.attached.admission.joinInfo(Date.now()).joinCode;
    },
  };
};

const exportOf = async (server: TestServer, slug: string, query = ''): Promise<ExportResults> => {
  const res = await fetch(`${server.url}/f/${slug}/api/export.json${query}`, { headers: { 'x-facilitator-key': server.facilitatorKey } });
  expect(res.status).toBe(200);
  return (await res.json()) as ExportResults;
};

describe('a series of forums on one server', () => {
  let server: TestServer;
  let list: TestClient & { list: ForumsView };
  const clients: TestClient[] = [];
  const keep = <T extends TestClient>(c: T): T => (clients.push(c), c);
  /** Forum 1's ideas by title. */
  const ideas: Record<string, string> = {};
  let phones1: TestPhone[] = [];

  beforeAll(async () => {
    server = await startTestServer();
    list = keep(await connectList(server));
  });
  afterAll(async () => {
    for (const c of clients) c.close();
    await server?.stop();
  });

  it('the list shows the forum the server started with, and creates a second from the template', async () => {
    expect(list.list.forums).toHaveLength(1);
    expect(list.list.forums[0]).toMatchObject({ slug: '1', phase: 'lobby', participants: 0, ideas: 0, archived: false, voteOnly: false });
    const mark = list.mark();
    const created = ok(await listSend(list, 'forums:create', { title: 'Район Богунія, листопад', from: { kind: 'template' } }));
    expect(created.slug).toBe('2');
    const view = await list.next<ForumsView>('forums', (v) => v.forums.length === 2, mark);
    expect(view.forums[1]).toMatchObject({ title: 'Район Богунія, листопад', slug: '2', phase: 'lobby' });
    expect(view.log.map((e) => e.action)).toEqual(['created', 'created']);
    // A phone at the bare address now chooses between the two open forums.
    const chooser = await (await fetch(`${server.url}/`)).text();
    expect(chooser).toContain('/f/1/');
    expect(chooser).toContain('/f/2/');
    // The short export address no longer knows which forum is meant.
    expect((await fetch(`${server.url}/api/export.json`, { headers: { 'x-facilitator-key': server.facilitatorKey } })).status).toBe(409);
  });

  it('two forums run at once: phones, consoles and exports of one never see the other', async () => {
    const f1 = forumAt(server, '1');
    const f2 = forumAt(server, '2');
    const admin1 = keep(await connectConsole(f1));
    const admin2 = keep(await connectConsole(f2));
    phones1 = [keep(await joinPhone(f1, 'Оксана з першого')), keep(await joinPhone(f1, 'Петро з першого'))];
    const phones2 = [keep(await joinPhone(f2, 'Ганна з другого'))];
    // A code of forum 1 opens nothing in forum 2 (each forum has its own).
    expect(f1.joinCode).not.toBe(f2.joinCode);
    ok(await admin1.send('phase:set', { to: 'ideas' }));
    ok(await admin2.send('phase:set', { to: 'ideas' }));
    const submit = async (phone: TestPhone, priorityCode: string, title: string) => {
      const { ideaId } = ok(await phone.send('idea:submit', { priorityCode, title, description: `Опис: ${title}`, place: 'Житомир' }));
      return ideaId;
    };
    ideas['Велодоріжка до Гідропарку'] = await submit(phones1[0], '1', 'Велодоріжка до Гідропарку');
    ideas['Сквер на Польовій'] = await submit(phones1[1], '1', 'Сквер на Польовій');
    ideas['Лавки біля зупинок'] = await submit(phones1[1], '1', 'Лавки біля зупинок');
    ideas['Курси для старших'] = await submit(phones1[0], '2', 'Курси для старших');
    await submit(phones2[0], '1', 'Таємна ідея другого форуму');

    const view1 = await admin1.next<ConsoleView>('console', (v) => v.ideas.length === 4);
    expect(view1.ideas.map((i) => i.title)).not.toContain('Таємна ідея другого форуму');
    const view2 = await admin2.next<ConsoleView>('console', (v) => v.ideas.length === 1);
    expect(view2.ideas[0].title).toBe('Таємна ідея другого форуму');
    // Nothing of forum 2 reached forum 1's phones, on any message.
    const wire1 = JSON.stringify(phones1.flatMap((p) => p.received));
    expect(wire1).not.toContain('Таємна ідея');
    expect(wire1).not.toContain('Ганна з другого');
    const wire2 = JSON.stringify(phones2.flatMap((p) => p.received));
    expect(wire2).not.toContain('Велодоріжка');
    // A phone's token of forum 1 is nobody in forum 2.
    const stranger = keep(await connect(f2.socketUrl, { role: 'phone', token: phones1[0].token }));
    expect(await stranger.next('me')).toBeNull();
    // Exports are each forum's own.
    // Forum 2 is still taking ideas, so its whole-forum file stands in for an export.
    const file2 = await (await fetch(`${server.url}/f/2/api/forum.json`, { headers: { 'x-facilitator-key': server.facilitatorKey } })).text();
    expect(file2).toContain('Таємна ідея другого форуму');
    expect(file2).not.toContain('Велодоріжка');
    const file1 = await (await fetch(`${server.url}/f/1/api/forum.json`, { headers: { 'x-facilitator-key': server.facilitatorKey } })).text();
    expect(file1).not.toContain('Таємна ідея');
    // The list counts each forum's own participants and ideas.
    const counted = await list.next<ForumsView>('forums', (v) => v.forums[0].ideas === 4 && v.forums[1].ideas === 1);
    expect(counted.forums.map((f) => [f.participants, f.ideas])).toEqual([
      [2, 4],
      [1, 1],
    ]);
  });

  it('forum 1 votes; a forum built on it carries chosen ideas as a goal and a task that link back', async () => {
    const admin1 = keep(await connectConsole(forumAt(server, '1')));
    ok(await admin1.send('phase:set', { to: 'review' }));
    ok(await admin1.send('phase:set', { to: 'voting' }));
    const [a, b] = phones1;
    ok(await a.send('dot:place', { ideaId: ideas['Сквер на Польовій'] }));
    ok(await a.send('dot:place', { ideaId: ideas['Сквер на Польовій'] }));
    ok(await b.send('dot:place', { ideaId: ideas['Велодоріжка до Гідропарку'] }));
    ok(await b.send('dot:place', { ideaId: ideas['Лавки біля зупинок'] }));
    ok(await b.send('dot:place', { ideaId: ideas['Курси для старших'] }));
    ok(await admin1.send('phase:set', { to: 'results' }));

    const first = server.forums.bySlug('1')!.room.state;
    // The task goes under the goal the first idea has just become.
    const goalOfPriority1 = `1.${first.structure.priorities[0].goals.length + 1}`;
    const created = ok(
      await listSend(list, 'forums:create', {
        title: 'Житомир 2030: стратегічні цілі',
        from: {
          kind: 'forum',
          forumId: first.id,
          carry: [
            { ideaId: ideas['Сквер на Польовій'], as: 'goal' },
            { ideaId: ideas['Лавки біля зупинок'], as: 'task', goalCode: goalOfPriority1 },
          ],
        },
      }),
    );
    const next = server.forums.get(created.forumId)!.room.state;
    expect(next.basedOn).toEqual({ forumId: first.id, title: first.title });
    expect(next.phase).toBe('lobby');
    expect(next.ideas.size).toBe(0);
    const p1 = next.structure.priorities[0];
    expect(p1.goals.length).toBe(first.structure.priorities[0].goals.length + 1);
    const newGoal = p1.goals.at(-1)!;
    expect(newGoal).toMatchObject({ title: 'Сквер на Польовій', origin: { forumId: first.id, forumTitle: first.title, ideaId: ideas['Сквер на Польовій'] } });
    expect(newGoal.code).toBe(`1.${p1.goals.length}`);
    expect(newGoal.code).toBe(goalOfPriority1);
    expect(newGoal.tasks).toEqual([
      { title: 'Лавки біля зупинок', origin: { forumId: first.id, forumTitle: first.title, ideaId: ideas['Лавки біля зупинок'] } },
    ]);
    // The provenance is in the forum itself, as its consoles and exports see it.
    const admin = keep(await connectConsole(forumAt(server, created.slug)));
    const seen = (admin.received.find((r) => r.event === 'console')!.args[0] as ConsoleView).forum.priorities[0].goals.at(-1);
    expect(seen).toMatchObject({ title: 'Сквер на Польовій', origin: { ideaId: ideas['Сквер на Польовій'] } });
    // An idea that is not the earlier forum's is refused, and nothing is created.
    const before = server.forums.list().length;
    expect(refused(await listSend(list, 'forums:create', { title: 'Зайвий', from: { kind: 'forum', forumId: first.id, carry: [{ ideaId: 'no-such-idea', as: 'goal' }] } }))).toBe('IDEA_NOT_FOUND');
    expect(refused(await listSend(list, 'forums:create', { title: '   ', from: { kind: 'template' } }))).toBe('TEXT_REQUIRED');
    expect(refused(await listSend(list, 'forums:create', { title: 'Зайвий', from: { kind: 'forum', forumId: 'nope', carry: [] } }))).toBe('FORUM_NOT_FOUND');
    expect(server.forums.list().length).toBe(before);
  });

  it("the list's commands are refused as a forum's are, in the console's language, and create nothing", async () => {
    const before = server.forums.list().length;
    const english = keep(await connect(server.url, { role: 'console', key: server.facilitatorKey, lang: 'en' }));
    await english.next<ForumsView>('forums');
    const send = (c: TestClient, name: string, payload: unknown) => c.socket.timeout(10_000).emitWithAck(name, payload) as Promise<Ack<unknown>>;
    // Not a command of the list (a forum's command is not one either).
    const unknown = await send(english, 'idea:submit', { title: 'Т' });
    expect(unknown).toMatchObject({ ok: false, error: { code: 'BAD_INPUT', params: { field: 'command' } } });
    expect(unknown.ok ? '' : unknown.error.message).toMatch(/[a-z]/i);
    expect(unknown.ok ? '' : unknown.error.message).not.toMatch(/[а-яіїєґ]/i);
    // A payload its schema refuses names the field.
    expect(await send(english, 'forums:create', { title: 5, from: { kind: 'template' } })).toMatchObject({ ok: false, error: { code: 'BAD_INPUT', params: { field: 'title' } } });
    expect(await send(list, 'forums:create', { title: 'Т', from: { kind: 'elsewhere' } })).toMatchObject({ ok: false, error: { code: 'BAD_INPUT', params: { field: 'from' } } });
    // A rule's refusal, worded in Ukrainian for the Ukrainian console.
    const blank = await send(list, 'forums:create', { title: '   ', from: { kind: 'template' } });
    expect(blank).toMatchObject({ ok: false, error: { code: 'TEXT_REQUIRED' } });
    expect(blank.ok ? '' : blank.error.message).toMatch(/[а-яіїєґ]/i);
    expect(server.forums.list().length).toBe(before);
  });

  it('a shortlist goes to a vote-only forum: straight into voting, no new ideas, results link back', async () => {
    const first = server.forums.bySlug('1')!.room.state;
    // Top 1 per priority: the square (2 dots) in priority 1; in priority 2 the one idea.
    expect(refused(await listSend(list, 'forums:create', { title: 'Порожній', from: { kind: 'shortlist', forumId: first.id, ideaIds: [] } }))).toBe('BAD_SHORTLIST');
    const created = ok(
      await listSend(list, 'forums:create', {
        title: 'Загальноміське голосування',
        from: { kind: 'shortlist', forumId: first.id, top: 1, ideaIds: [ideas['Велодоріжка до Гідропарку']] },
      }),
    );
    const vote = forumAt(server, created.slug);
    const state = server.forums.get(created.forumId)!.room.state;
    expect(state.voteOnly).toBe(true);
    expect(state.phase).toBe('voting');
    const shortlisted = [...state.ideas.values()];
    expect(shortlisted.map((i) => i.title).sort()).toEqual(['Велодоріжка до Гідропарку', 'Курси для старших', 'Сквер на Польовій']);
    const square = shortlisted.find((i) => i.title === 'Сквер на Польовій')!;
    expect(square).toMatchObject({ source: 'shortlist', paperAuthor: 'Петро з першого', origin: { forumId: first.id, ideaId: ideas['Сквер на Польовій'] } });

    const admin = keep(await connectConsole(vote));
    const voter = keep(await joinPhone(vote, 'Мешканка міста'));
    ok(await voter.send('wall:watch', { priorityCode: square.priorityCode, query: '', pages: 1 }));
    const wall = (await voter.next<WallPage>('wall:page')).upserts;
    expect(wall.map((i) => i.authorName)).toContain('Петро з першого');
    expect(refused(await voter.send('idea:submit', { priorityCode: '1', title: 'Нова ідея', description: '', place: '' }))).toBe('WRONG_PHASE');
    expect(refused(await admin.send('phase:set', { to: 'ideas' }))).toBe('BAD_TRANSITION');
    ok(await voter.send('dot:place', { ideaId: square.id }));
    ok(await admin.send('phase:set', { to: 'results' }));
    const results = await exportOf(server, created.slug);
    const row = results.priorities[0].ideas.find((i) => i.id === square.id)!;
    expect(row).toMatchObject({ dots: 1, rank: 1, source: 'shortlist', authorName: 'Петро з першого', origin: { forumId: first.id, forumTitle: first.title, ideaId: ideas['Сквер на Польовій'] } });
    // The printable report says where each idea was shortlisted from.
    const report = await (await fetch(`${server.url}/f/${created.slug}/console/report`, { headers: { 'x-facilitator-key': server.facilitatorKey } })).text();
    expect(report).toContain(`Автор: Петро з першого · з короткого списку форуму «${first.title}»`);
    const summary = (await list.next<ForumsView>('forums', (v) => v.forums.some((f) => f.id === created.forumId && f.phase === 'results'))).forums.find((f) => f.id === created.forumId)!;
    expect(summary).toMatchObject({ voteOnly: true, basedOn: { forumId: first.id } });
  });

  it('an archived forum refuses every change and still exports; delete asks for the exact title; both are logged', async () => {
    const f2 = server.forums.bySlug('2')!;
    const admin2 = keep(await connectConsole(forumAt(server, '2')));
    ok(await listSend(list, 'forums:archive', { forumId: f2.room.state.id, archived: true }));
    expect(refused(await listSend(list, 'forums:archive', { forumId: f2.room.state.id, archived: true }))).toBe('ARCHIVED');
    expect(refused(await admin2.send('phase:set', { to: 'review' }))).toBe('ARCHIVED');
    const phone = keep(await connect(`${server.url}/f/2`, { role: 'phone', token: '0'.repeat(32) }));
    expect(refused(await phone.send('participant:join', { code: forumAt(server, '2').joinCode, name: 'Пізно', token: '0'.repeat(32) }))).toBe('ARCHIVED');
    // Exports still work while archived, from any phase that had them; this one is in ideas, so the refusal is the phase's.
    expect((await fetch(`${server.url}/f/2/api/forum.json`, { headers: { 'x-facilitator-key': server.facilitatorKey } })).status).toBe(200);
    ok(await listSend(list, 'forums:archive', { forumId: f2.room.state.id, archived: false }));
    ok(await admin2.send('phase:set', { to: 'review' }));
    ok(await listSend(list, 'forums:archive', { forumId: f2.room.state.id, archived: true }));

    expect(refused(await listSend(list, 'forums:delete', { forumId: f2.room.state.id, title: 'Район Богунія' }))).toBe('TITLE_MISMATCH');
    expect(server.forums.bySlug('2')).toBeDefined();
    ok(await listSend(list, 'forums:delete', { forumId: f2.room.state.id, title: 'Район Богунія, листопад' }));
    expect(server.forums.bySlug('2')).toBeUndefined();
    expect((await fetch(`${server.url}/f/2/`)).status).toBe(404);
    const view = await list.next<ForumsView>('forums', (v) => v.log.at(-1)?.action === 'deleted');
    expect(view.forums.map((f) => f.slug)).not.toContain('2');
    expect(view.log.slice(-4).map((e) => e.action)).toEqual(['archived', 'unarchived', 'archived', 'deleted']);
    // Its address is not given again.
    const again = ok(await listSend(list, 'forums:create', { title: 'Новий після видалення', from: { kind: 'template' } }));
    expect(again.slug).not.toBe('2');
    expect(Number(again.slug)).toBeGreaterThan(Math.max(...server.forums.list().filter((f) => f.room.record.slug !== again.slug).map((f) => Number(f.room.record.slug))));
  });

  it('moves a forum to another laptop: export → import gives the same results and hash; a file not sealed here imports read-only', async () => {
    const first = server.forums.bySlug('1')!;
    const res = await fetch(`${server.url}/f/1/api/forum.json?kind=archive`, { headers: { 'x-facilitator-key': server.facilitatorKey } });
    expect(res.headers.get('content-disposition')).toMatch(/attachment; filename="viche-forum-1-archive-/);
    const text = await res.text();
    for (const p of phones1) expect(text).not.toContain(p.token);
    for (const participant of first.room.state.participants.values()) {
      expect(text).not.toContain(participant.tokenHash);
      expect(participant.address).toMatch(/^127\./);
      expect(text).not.toContain(`"${participant.address}"`);
    }
    const file = JSON.parse(text) as { format: string; kind: string; events: ForumEvent[] };
    expect(file.format).toBe('viche-forum/2');
    expect(file.kind).toBe('archive');
    const before = await exportOf(server, '1');

    const other = await startTestServer();
    try {
      const post = (body: unknown, key = other.facilitatorKey) =>
        fetch(`${other.url}/api/forums/import?lang=en`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-facilitator-key': key }, body: JSON.stringify(body) });
      expect((await post(file, 'not-the-key-at-all')).status).toBe(403);
      // A file changed by hand is refused with the event at fault, and nothing is created.
      const tampered = structuredClone(file);
      const dot = tampered.events.findIndex((e) => e.type === 'dotPlaced');
      tampered.events.splice(dot, 0, tampered.events[dot], tampered.events[dot], tampered.events[dot]);
      const bad = (await (await post(tampered)).json()) as { ok: false; error: { code: string; message: string } };
      expect(bad.error.code).toBe('BAD_FORUM_FILE');
      expect(bad.error.message, bad.error.message).toMatch(/event \d+/);
      expect((await post({ format: 'viche-forum/1', forum: {}, events: [] })).status).toBe(400);
      expect(other.forums.list()).toHaveLength(1);

      const imported = (await (await post(file)).json()) as { ok: true; data: { slug: string; forumId: string; sealed: boolean; resultsHash: string } };
      expect(imported.ok, JSON.stringify(imported)).toBe(true);
      expect(imported.data.forumId).toBe(first.room.state.id);
      expect(imported.data.sealed).toBe(false);
      expect(imported.data.resultsHash).toBe(before.resultsHash);
      // Not sealed under this server's key: read-only, until the facilitator takes it out of the archive.
      expect(other.forums.bySlug(imported.data.slug)!.room.state.archived).toBe(true);
      const after = await exportOf(other, imported.data.slug, '?names=0');
      expect(after.resultsHash).toBe(before.resultsHash);
      // The same results, without the authors' names the archive left out.
      const strip = (e: ExportResults) => ({ ...e, forum: { ...e.forum, exportedAt: '' } });
      expect(strip(after)).toEqual(strip(await exportOf(server, '1', '?names=0')));
      // The same file twice is refused.
      expect((await post(file)).status).toBe(409);
    } finally {
      await other.stop();
    }
  });
});

describe('a database of the single-forum version', () => {
  let dir: string;
  let server: TestServer | undefined;
  afterAll(async () => {
    await server?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('opens as a list of one, with nothing lost and the same results hash', async () => {
    dir = tempDir();
    const dbPath = join(dir, 'viche.db');
    const sql = readFileSync(join(import.meta.dirname, 'fixtures/single-forum-v2.sql'), 'utf8');
    const hash = /results hash: ([0-9a-f]{64})/.exec(sql)![1];
    const db = new Database(dbPath);
    db.exec(sql);
    db.close();
    const oldKey = /INSERT INTO forums \(.*?\) VALUES \('[^']*', '\d+', '([^']+)'/.exec(sql)![1];

    server = await startTestServer({ dbPath, facilitatorKey: undefined });
    expect(server.forums.list()).toHaveLength(1);
    // The facilitator's key of the old forum is the server's now: the old console link still works.
    expect(server.facilitatorKey).toBe(oldKey);
    const admin = await connectConsole(server);
    admin.close();
    expect(server.slug).toBe('1');
    const state = server.room.state;
    expect(state.title).toBe('Житомир 2030');
    expect(state.participants.size).toBe(3);
    expect(state.ideas.size).toBe(6);
    expect(state.phase).toBe('results');
    const exported = await exportOf(server, '1');
    expect(exported.resultsHash).toBe(hash);
    const all = exported.priorities.flatMap((p) => p.ideas);
    expect(all.find((i) => i.title === 'Спам')).toMatchObject({ status: 'hidden', hiddenReason: 'Не стосується теми' });
    expect(all.find((i) => i.title === 'Велодоріжки вздовж Тетерева')).toMatchObject({ dots: 3, authorName: 'Оксана Коваль' });
    const list = await connectList(server);
    expect(list.list.forums).toMatchObject([{ slug: '1', title: 'Житомир 2030', phase: 'results', participants: 3 }]);
    expect(list.list.log).toMatchObject([{ action: 'created' }]);
    list.close();
    // Schema 4 leaves the action ids to the room, which read them back from the old file.
    const takenKey = /'ideaSubmitted', '[^']*', '([^']+)', \d+\);/.exec(sql)![1];
    expect(server.room.actionKeyUsed(takenKey)).toBe(true);
    const check = new Database(dbPath, { readonly: true });
    expect(check.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
    expect(check.prepare("SELECT name FROM sqlite_master WHERE name = 'events_action'").get()).toBeUndefined();
    check.close();
  });
});
