// The city vote on a vote-only forum, end to end with a real server, real socket.io clients and a
// real SQLite file: the organiser defines it from the console while the forum is in the lobby
// (projects taken from the shortlisted ideas), it is stored as events and comes back after a
// restart, and once the vote is open its definition is refused with a clear message.

import Database from 'better-sqlite3';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConsoleView, PhoneView } from '../../shared/protocol.js';
import { cityForum, definition, forumAt } from './cityForum.js';
import { connect, connectConsole, joinPhone, ok, refused, startTestServer, tempDir, type TestClient, type TestServer } from './harness.js';

describe('the city vote is defined from the console before it opens', () => {
  const dir = tempDir();
  const dbPath = join(dir, 'forum.db');
  let server: TestServer;
  const clients: TestClient[] = [];
  const keep = <T extends TestClient>(c: T): T => (clients.push(c), c);
  let ideas: Record<string, string>;

  beforeAll(async () => {
    server = await startTestServer({ dbPath });
    ideas = await cityForum(server, keep);
  });
  afterAll(async () => {
    for (const c of clients) c.close();
    await server?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('a forum that is not vote-only has no city vote to define', async () => {
    const admin = keep(await connectConsole(forumAt(server, '1')));
    const ack = await admin.send('city:setVote', { vote: definition(ideas) });
    expect(refused(ack)).toBe('CITY_NO_VOTE');
  });

  it('the city forum waits in the lobby; its vote is set with projects from the shortlisted ideas, and phones see it', async () => {
    const f2 = forumAt(server, '2');
    const admin = keep(await connectConsole(f2));
    expect(server.forums.bySlug('2')!.room.state.phase).toBe('lobby');
    const phone = keep(await joinPhone(f2, 'Ганна'));
    const mark = phone.mark();
    const { vote } = ok(await admin.send('city:setVote', { vote: definition(ideas) }));
    expect(vote.projects.map((p) => p.id)).toEqual(['square', 'bike', 'lamps', 'courses', 'library']);
    // A project from an idea takes its title, description and place, and says where it came from.
    expect(vote.projects[0]).toMatchObject({
      title: 'Сквер на Польовій з лавками, деревами й освітленням для вечірніх прогулянок',
      description: 'Опис: Сквер на Польовій з лавками, деревами й освітленням для вечірніх прогулянок',
      place: 'Житомир, центр',
      originIdeaId: ideas['Сквер на Польовій з лавками, деревами й освітленням для вечірніх прогулянок'],
      origin: { forumTitle: server.forums.bySlug('1')!.room.state.title },
    });
    // A title typed in over the idea's wins; a project typed in whole has no origin.
    expect(vote.projects[1].title).toBe('Велодоріжка (перший етап)');
    expect(vote.projects[2]).toEqual({ id: 'lamps', title: 'Ліхтарі у дворах', cost: 150_000, budgetId: 'centre', description: 'Сорок ліхтарів', place: 'Вул. Київська' });
    const seen = await phone.next<PhoneView>('phone', (v) => v.forum.cityVote !== null, mark);
    expect(seen.forum.cityVote?.budgets.map((b) => b.id)).toEqual(['centre', 'city']);
    const consoleView = await admin.next<ConsoleView>('console', (v) => v.forum.cityVote !== null);
    expect(consoleView.forum.cityVote?.ballot).toEqual({ kind: 'knapsack' });
  });

  it('a definition the rules refuse is refused in the sender’s language and changes nothing', async () => {
    const admin = keep(await connectConsole(forumAt(server, '2')));
    const before = server.forums.bySlug('2')!.room.state.city.vote;
    const overBudget = definition(ideas, { budgets: [{ id: 'centre', name: 'Центр', amount: 0 }, { id: 'city', name: 'Місто', amount: 10 }] });
    const ack = await admin.send('city:setVote', { vote: overBudget });
    expect(refused(ack)).toBe('CITY_REFUSED');
    if (!ack.ok) {
      expect(ack.error.params).toMatchObject({ reason: 'VOTE_BAD_AMOUNT', id: 'centre' });
      expect(ack.error.message).toBe('Не прийнято: сума або вартість «centre» має бути цілим числом гривень, більшим за нуль.');
    }
    const orphan = definition(ideas, { projects: [{ id: 'x', budgetId: 'nowhere', cost: 5, title: 'Ніде' }] });
    expect(refused(await admin.send('city:setVote', { vote: orphan }))).toBe('CITY_REFUSED');
    const badIdea = definition(ideas, { projects: [{ id: 'x', budgetId: 'centre', cost: 5, ideaId: 'no-such-idea' }] });
    expect(refused(await admin.send('city:setVote', { vote: badIdea }))).toBe('IDEA_NOT_FOUND');
    const english = keep(await connect(`${server.url}/f/2`, { role: 'console', key: server.facilitatorKey, lang: 'en' }));
    const inEnglish = await english.send('city:setVote', { vote: overBudget });
    expect(!inEnglish.ok && inEnglish.error.message).toBe('Not accepted: the amount or cost of “centre” must be a whole number of hryvnias above zero.');
    expect(server.forums.bySlug('2')!.room.state.city.vote).toBe(before);
    // Phones may not define it.
    const phone = keep(await joinPhone(forumAt(server, '2'), 'Петро'));
    expect(refused(await phone.send('city:setVote' as never, { vote: definition(ideas) } as never))).toBe('FORBIDDEN');
  });

  it('is stored as an event, comes back after a restart, and is refused once the vote is open', async () => {
    const db = new Database(dbPath, { readonly: true });
    const rows = db.prepare("SELECT payload FROM events WHERE type = 'cityVoteSet'").all() as { payload: string }[];
    db.close();
    expect(rows).toHaveLength(1);
    expect(JSON.parse(rows[0].payload).vote.projects).toHaveLength(5);

    for (const c of clients.splice(0)) c.close();
    await server.close();
    server = await startTestServer({ dbPath });
    const state = server.forums.bySlug('2')!.room.state;
    expect(state.city.vote?.projects.map((p: { cost: number }) => p.cost)).toEqual([600_000, 400_000, 150_000, 200_000, 300_000]);

    const admin = keep(await connectConsole(forumAt(server, '2')));
    ok(await admin.send('phase:set', { to: 'voting' }));
    const ack = await admin.send('city:setVote', { vote: definition(ideas, { title: 'Інша назва' }) });
    expect(refused(ack)).toBe('CITY_VOTE_OPEN');
    expect(!ack.ok && ack.error.message).toBe('Голосування вже відкрито або завершено: його бюджети, проєкти й правила більше не змінюються.');
    expect(state.city.vote?.title).toBe('Громадський бюджет Житомира 2027');
    // Dots are not the ballot of a city vote.
    const phone = keep(await joinPhone(forumAt(server, '2'), 'Ірина'));
    expect(refused(await phone.send('dot:place', { ideaId: Object.values(ideas)[0] }))).toBe('CITY_BALLOTS_ONLY');
  });
});

describe('a definition saved over another console’s newer one is refused', () => {
  const dir = tempDir();
  const dbPath = join(dir, 'forum.db');
  let server: TestServer;
  const clients: TestClient[] = [];
  const keep = <T extends TestClient>(c: T): T => (clients.push(c), c);
  let ideas: Record<string, string>;
  const stored = () => {
    const db = new Database(dbPath, { readonly: true });
    const rows = db.prepare("SELECT payload FROM events WHERE type = 'cityVoteSet'").all() as { payload: string }[];
    db.close();
    return rows.map((r) => JSON.parse(r.payload).vote.title as string);
  };

  beforeAll(async () => {
    server = await startTestServer({ dbPath });
    ideas = await cityForum(server, keep);
  });
  afterAll(async () => {
    for (const c of clients) c.close();
    await server?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('names the revision it was made on; one made on an older one is refused in words, nothing stored', async () => {
    const f2 = forumAt(server, '2');
    const [mine, theirs] = [keep(await connectConsole(f2)), keep(await connectConsole(f2))];
    expect((await theirs.next<ConsoleView>('console')).forum.cityVoteRevision).toBe(0);
    expect(ok(await mine.send('city:setVote', { vote: definition(ideas, { title: 'Перша' }), basedOn: 0 })).revision).toBe(1);
    // The other console edited revision 0 meanwhile: its save would erase the first's unseen.
    const stale = await theirs.send('city:setVote', { vote: definition(ideas, { title: 'Друга' }), basedOn: 0 });
    expect(refused(stale)).toBe('CITY_DEFINITION_CHANGED');
    expect(!stale.ok && stale.error.params).toEqual({ revision: 1 });
    expect(!stale.ok && stale.error.message).toMatch(/^Поки ви редагували, інша консоль зберегла визначення голосування/);
    const english = keep(await connect(`${server.url}/f/2`, { role: 'console', key: server.facilitatorKey, lang: 'en' }));
    const inEnglish = await english.send('city:setVote', { vote: definition(ideas, { title: 'Друга' }), basedOn: 0 });
    expect(!inEnglish.ok && inEnglish.error.message).toMatch(/^While you were editing, another console saved the vote’s definition/);
    expect(stored()).toEqual(['Перша']);
    const state = server.forums.bySlug('2')!.room.state;
    expect([state.city.vote?.title, state.city.revision]).toEqual(['Перша', 1]);
    // The console sees the new revision, and a save made on it is taken.
    expect((await theirs.next<ConsoleView>('console', (v) => v.forum.cityVoteRevision === 1)).forum.cityVote?.title).toBe('Перша');
    expect(ok(await theirs.send('city:setVote', { vote: definition(ideas, { title: 'Друга' }), basedOn: 1 })).revision).toBe(2);
    // A script that names no revision is not checked, as before.
    expect(ok(await mine.send('city:setVote', { vote: definition(ideas, { title: 'Третя' }) })).revision).toBe(3);
    expect(stored()).toEqual(['Перша', 'Друга', 'Третя']);
  });

  it('keeps the revision over a restart', async () => {
    for (const c of clients.splice(0)) c.close();
    await server.close();
    server = await startTestServer({ dbPath });
    expect(server.forums.bySlug('2')!.room.state.city.revision).toBe(3);
    const admin = keep(await connectConsole(forumAt(server, '2')));
    expect(refused(await admin.send('city:setVote', { vote: definition(ideas, { title: 'Четверта' }), basedOn: 2 }))).toBe('CITY_DEFINITION_CHANGED');
    expect(stored()).toEqual(['Перша', 'Друга', 'Третя']);
    expect(ok(await admin.send('city:setVote', { vote: definition(ideas, { title: 'Четверта' }), basedOn: 3 })).revision).toBe(4);
  });
});
