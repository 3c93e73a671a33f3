// Snapshots on a real server: it keeps one every few stored events (a worker thread builds it from
// the file), and a restart opens the forum from the latest and the events after it, to exactly the
// state and results a replay of the whole log gives; a damaged snapshot, or one the start-up check
// has not reached, is passed over for the whole log, to the same state.

import Database from 'better-sqlite3';
import { randomUUID } from 'node:crypto';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import pino from 'pino';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { applyEvent, emptyState } from '../../shared/forum/state.js';
import { SNAPSHOT_VERSION, toSnapshot } from '../../shared/forum/snapshot.js';
import type { ForumState } from '../../shared/forum/types.js';
import { snapshotBodyOf, SqliteStore } from '../db/sqlite.js';
import { resultsHash } from '../forum/resultsHash.js';
import { MemoryLease } from '../forums/lease.js';
import { connectConsole, joinPhone, ok, startTestServer, tempDir, type TestClient, type TestServer } from './harness.js';

const EVERY = 8;

/** A server on `dbPath` whose log lines are kept, to tell how its forum opened. */
async function start(dbPath: string): Promise<{ server: TestServer; lines: Record<string, unknown>[] }> {
  const lines: Record<string, unknown>[] = [];
  const logger = pino({ level: 'info' }, { write: (line: string) => void lines.push(JSON.parse(line) as Record<string, unknown>) });
  const server = await startTestServer({ dbPath, snapshotEvery: EVERY, logger });
  return { server, lines };
}

/** The forum as a replay of its whole stored log gives it, read on a connection of the test's own. */
async function replayed(dbPath: string, forumId: string): Promise<ForumState> {
  const store = new SqliteStore(dbPath, { readOnly: true });
  const state = emptyState();
  for (const { event } of (await store.loadLog(forumId)).events) applyEvent(state, event);
  await store.close();
  return state;
}

const snapshotRows = (dbPath: string): { seq: number; body: string }[] => {
  const db = new Database(dbPath, { readonly: true });
  try {
    return (db.prepare('SELECT forum_id, seq FROM snapshots ORDER BY seq').all() as { forum_id: string; seq: number }[]).map((r) => ({ seq: r.seq, body: snapshotBodyOf(db, r.forum_id, r.seq) }));
  } finally {
    db.close();
  }
};

const same = (a: ForumState, b: ForumState) => expect(JSON.stringify(toSnapshot(a))).toBe(JSON.stringify(toSnapshot(b)));

describe('a forum with snapshots, restarted', () => {
  const dir = tempDir();
  const dbPath = join(dir, 'forum.db');
  const clients: TestClient[] = [];
  let running: TestServer | null = null;
  afterAll(async () => {
    for (const c of clients) c.close();
    await running?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  let forumId = '';
  let keyBefore = '';
  let total = 0;

  it('keeps a snapshot every few events and opens from the latest, as a replay of the whole log would', async () => {
    const first = await start(dbPath);
    running = first.server;
    const room = () => running!.forums.primary()!.room;
    forumId = room().record.id;
    const admin = await connectConsole(running);
    clients.push(admin);
    ok(await admin.send('phase:set', { to: 'ideas' }));
    const phones = [];
    for (let i = 0; i < 6; i++) phones.push(await joinPhone(running, `Голос ${i}`));
    clients.push(...phones);
    const ideas: string[] = [];
    for (const [i, p] of phones.entries()) ideas.push(ok(await p.send('idea:submit', { priorityCode: i % 2 ? '1' : '3', title: `Ідея ${i}`, actionId: randomUUID() })).ideaId);
    ok(await admin.send('phase:set', { to: 'review' }));
    ok(await admin.send('phase:set', { to: 'voting' }));
    for (let round = 0; round < 3; round++) {
      for (const [i, p] of phones.entries()) ok(await p.send('dot:place', { ideaId: ideas[(i + round) % ideas.length], actionId: randomUUID() }));
      await room().snapshotTaken();
    }
    await vi.waitFor(() => expect(snapshotRows(dbPath).length).toBe(2), { timeout: 20_000 });
    // Then one or two more, fewer than an interval: they come from the log after the snapshot.
    do {
      ok(await phones[0].send('dot:place', { ideaId: ideas[0], actionId: randomUUID() }));
      await room().durable();
      await room().snapshotTaken();
      total = (await running.forums.events(forumId)).length;
    } while (snapshotRows(dbPath).at(-1)!.seq === total);
    const rows = snapshotRows(dbPath);
    expect(rows.length).toBe(2);
    expect(rows[1].seq).toBeLessThan(total);
    expect(first.lines.filter((l) => l.msg === 'snapshot saved').length).toBeGreaterThanOrEqual(3);
    const db = new Database(dbPath, { readonly: true });
    keyBefore = db.prepare('SELECT action_key FROM events WHERE forum_id = ? AND seq <= ? AND action_key IS NOT NULL ORDER BY seq LIMIT 1').pluck().get(forumId, rows[1].seq) as string;
    db.close();
    expect(keyBefore).toMatch(/:/);
    const before = { state: room().state, hash: resultsHash(room().state) };
    for (const c of clients.splice(0)) c.close();
    await running.stop();
    running = null;

    const second = await start(dbPath);
    running = second.server;
    const opened = second.lines.find((l) => l.msg === 'forum opened from its snapshot');
    expect(opened).toMatchObject({ seq: rows[1].seq, eventsAfter: total - rows[1].seq });
    expect(second.lines.some((l) => l.msg === 'snapshot not used: the forum opened from its whole log')).toBe(false);
    const whole = await replayed(dbPath, forumId);
    same(room().state, whole);
    same(room().state, before.state);
    expect(resultsHash(room().state)).toBe(resultsHash(whole));
    expect(resultsHash(room().state)).toBe(before.hash);
    // An action id used before the snapshot is still known as used.
    expect(room().actionKeyUsed(keyBefore)).toBe(true);
    // The forum goes on from there: a dot placed now is counted and stored after the rest.
    const admin2 = await connectConsole(running);
    clients.push(admin2);
    const phone = await joinPhone(running, 'Після');
    clients.push(phone);
    const idea = [...room().state.ideas.keys()][1];
    ok(await phone.send('dot:place', { ideaId: idea, actionId: randomUUID() }));
    await room().durable();
    same(room().state, await replayed(dbPath, forumId));
    same(room().savedState, await replayed(dbPath, forumId));
    total = (await running.forums.events(forumId)).length;
    for (const c of clients.splice(0)) c.close();
    await room().snapshotTaken();
    await running.stop();
    running = null;
  });

  it('passes over a damaged snapshot for the whole log, to the same state', async () => {
    const db = new Database(dbPath);
    db.prepare('UPDATE snapshot_parts SET body = ? WHERE part = 0').run('{"kind":"viche.forumState","version":1,"state":{"id":');
    db.close();
    const third = await start(dbPath);
    running = third.server;
    const room = running.forums.primary()!.room;
    const passed = third.lines.find((l) => l.msg === 'snapshot not used: the forum opened from its whole log');
    expect(passed?.why).toMatch(/JSON/);
    expect(third.lines.some((l) => l.msg === 'forum opened from its snapshot')).toBe(false);
    const whole = await replayed(dbPath, forumId);
    same(room.state, whole);
    expect(resultsHash(room.state)).toBe(resultsHash(whole));
    expect(room.actionKeyUsed(keyBefore)).toBe(true);
    await running.stop();
    running = null;
  });

  it('passes over a snapshot of another version, and one the start-up check has not reached', async () => {
    // A good snapshot again, at the log's last event, but written by a later version.
    const good = JSON.stringify(toSnapshot(await replayed(dbPath, forumId)));
    const events = total;
    const db = new Database(dbPath);
    db.prepare('DELETE FROM snapshots').run();
    db.prepare('DELETE FROM snapshot_parts').run();
    db.prepare('INSERT INTO snapshots (forum_id, seq, taken_at) VALUES (?, ?, 0)').run(forumId, events);
    db.prepare('INSERT INTO snapshot_parts (forum_id, seq, part, body) VALUES (?, ?, 0, ?)').run(forumId, events, good.replace(`"version":${SNAPSHOT_VERSION}`, '"version":99'));
    db.close();
    const fourth = await start(dbPath);
    running = fourth.server;
    expect(fourth.lines.find((l) => l.msg === 'snapshot not used: the forum opened from its whole log')?.why).toMatch(/version 99/);
    same(running.forums.primary()!.room.state, await replayed(dbPath, forumId));
    await running.stop();
    running = null;

    // A damaged one the start-up check has not reached is passed over for that alone: not even read.
    const unread = new Database(dbPath);
    unread.prepare('UPDATE snapshot_parts SET body = ?').run('{"kind":');
    unread.prepare("DELETE FROM settings WHERE name = 'log_checked'").run();
    unread.close();
    const unchecked = await start(dbPath);
    running = unchecked.server;
    expect(unchecked.lines.find((l) => l.msg === 'snapshot not used: the forum opened from its whole log')?.why).toMatch(/start-up check/);
    same(running.forums.primary()!.room.state, await replayed(dbPath, forumId));
    await running.stop();
    running = null;

    // A good snapshot, but the start-up check's mark is gone (a file from elsewhere): the log is checked whole.
    const again = new Database(dbPath);
    again.prepare('UPDATE snapshot_parts SET body = ?').run(good);
    again.prepare("DELETE FROM settings WHERE name = 'log_checked'").run();
    again.close();
    const fifth = await start(dbPath);
    running = fifth.server;
    expect(fifth.lines.find((l) => l.msg === 'snapshot not used: the forum opened from its whole log')?.why).toMatch(/start-up check/);
    same(running.forums.primary()!.room.state, await replayed(dbPath, forumId));
    // The snapshot passed over is still good: none is taken again at the same point.
    await running.forums.primary()!.room.snapshotTaken();
    expect(fifth.lines.filter((l) => l.msg === 'snapshot saved')).toEqual([]);
    expect(snapshotRows(dbPath).map((r) => r.seq)).toEqual([events]);
    await running.stop();
    running = null;

    // That start checked it all and left its mark: the next opens from the snapshot.
    const sixth = await start(dbPath);
    running = sixth.server;
    expect(sixth.lines.find((l) => l.msg === 'forum opened from its snapshot')).toMatchObject({ seq: events, eventsAfter: 0 });
    const room = running.forums.primary()!.room;
    same(room.state, await replayed(dbPath, forumId));

    // Read once, the saved copy is copied from the live state: a record changed in place in one
    // is not changed in the other.
    // The copy itself: savedState gives the live state while nothing waits to be stored.
    const saved = (room as unknown as { saved: ForumState }).saved;
    expect(saved).not.toBe(room.state);
    same(saved, room.state);
    const before = JSON.stringify(toSnapshot(saved));
    const participant = room.state.participants.values().next().value!;
    participant.name = 'Змінене';
    const idea = room.state.ideas.values().next().value!;
    idea.title = 'Змінена';
    idea.merged.push({ ideaId: 'x', title: '', description: '', place: '', authorId: '', paperAuthor: '' });
    room.state.dots.values().next().value!.set('x', 9);
    room.state.dotTotals.byIdea.values().next().value!.dots += 9;
    room.state.persons.listed.add('x');
    room.state.city.casts.push(room.state.city.casts[0]);
    expect(JSON.stringify(toSnapshot(saved))).toBe(before);
    expect(JSON.stringify(toSnapshot(room.state))).not.toBe(before);
  });
});

describe('the start-up check of a forum with a snapshot', () => {
  const dir = tempDir();
  const dbPath = join(dir, 'forum.db');
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('still checks the events after the snapshot, and the whole log when its mark does not reach the snapshot', async () => {
    const { server } = await start(dbPath);
    const room = server.forums.primary()!.room;
    const admin = await connectConsole(server);
    ok(await admin.send('phase:set', { to: 'ideas' }));
    const phones = [];
    for (let i = 0; i < 5; i++) phones.push(await joinPhone(server, `Голос ${i}`));
    for (const p of phones) ok(await p.send('idea:submit', { priorityCode: '1', title: `Ідея ${p.me.participantId}`, actionId: randomUUID() }));
    await room.durable();
    await room.snapshotTaken();
    let total = (await server.forums.events(room.record.id)).length;
    while (snapshotRows(dbPath).at(-1)!.seq === total) {
      ok(await phones[0].send('participant:rename', { name: `Ім’я ${total}`, actionId: randomUUID() }));
      await room.durable();
      await room.snapshotTaken();
      total = (await server.forums.events(room.record.id)).length;
    }
    for (const c of [admin, ...phones]) c.close();
    await server.stop();
    const snapshotSeq = snapshotRows(dbPath).at(-1)!.seq;
    const forumId = room.record.id;

    // An event after the snapshot that breaks the rules (a phase jump) stops the start, snapshot or not.
    const db = new Database(dbPath);
    const payloadOf = db.prepare('SELECT payload FROM events WHERE forum_id = ? AND seq = ?').pluck();
    const setPayload = db.prepare('UPDATE events SET type = ?, payload = ? WHERE forum_id = ? AND seq = ?');
    const after = payloadOf.get(forumId, total) as string;
    const afterType = (JSON.parse(after) as { type: string }).type;
    setPayload.run('phaseChanged', JSON.stringify({ type: 'phaseChanged', from: 'lobby', to: 'results' }), forumId, total);
    await expect(start(dbPath)).rejects.toThrow(new RegExp(`event ${total} \\(phaseChanged\\) breaks the rules`));
    setPayload.run(afterType, after, forumId, total);

    // One before it, with the mark gone: the whole log is read and checked, and it is found.
    const before = payloadOf.get(forumId, snapshotSeq - 1) as string;
    const beforeType = (JSON.parse(before) as { type: string }).type;
    setPayload.run('phaseChanged', JSON.stringify({ type: 'phaseChanged', from: 'lobby', to: 'results' }), forumId, snapshotSeq - 1);
    db.prepare("DELETE FROM settings WHERE name = 'log_checked'").run();
    await expect(start(dbPath)).rejects.toThrow(new RegExp(`event ${snapshotSeq - 1} \\(phaseChanged\\) breaks the rules`));
    setPayload.run(beforeType, before, forumId, snapshotSeq - 1);
    db.close();

    // Put right, the log opens again (checked whole), to the state its replay gives.
    const again = await start(dbPath);
    same(again.server.forums.primary()!.room.state, await replayed(dbPath, forumId));
    expect(again.lines.find((l) => l.msg === 'snapshot not used: the forum opened from its whole log')?.why).toMatch(/start-up check/);
    await again.server.stop();
  });
});

describe('a forum handed to another process on the same store', () => {
  const dir = tempDir();
  const dbPath = join(dir, 'forum.db');
  const servers: TestServer[] = [];
  afterAll(async () => {
    for (const s of servers) await s.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  /** A process of its own on the shared file, forums opened on demand, its log lines kept. */
  async function serverProcess(): Promise<{ server: TestServer; lines: Record<string, unknown>[] }> {
    const lines: Record<string, unknown>[] = [];
    const logger = pino({ level: 'info' }, { write: (line: string) => void lines.push(JSON.parse(line) as Record<string, unknown>) });
    const server = await startTestServer({ dbPath, store: new SqliteStore(dbPath), lease: new MemoryLease(), loadForums: 'on-demand', idleUnloadMs: 60_000, snapshotEvery: EVERY, logger });
    servers.push(server);
    return { server, lines };
  }

  it('opens from the snapshot the other process took, its mark read from the store as it opens', async () => {
    const a = await serverProcess();
    const forumId = a.server.forums.records()[0].id;
    // Started before any snapshot or mark: what it knows of the log is read again as the forum opens.
    const b = await serverProcess();
    const on = { url: a.server.url, socketUrl: `${a.server.url}/f/1`, facilitatorKey: a.server.facilitatorKey, joinCode: '' };
    const admin = await connectConsole(on);
    const forum = a.server.forums.get(forumId)!;
    on.joinCode = forum.attached.admission.joinInfo(Date.now()).joinCode;
    ok(await admin.send('phase:set', { to: 'ideas' }));
    const phones = [];
    for (let i = 0; i < 4; i++) phones.push(await joinPhone(on, `Голос ${i}`));
    for (const [i, p] of phones.entries()) ok(await p.send('idea:submit', { priorityCode: '1', title: `Ідея ${i}`, actionId: randomUUID() }));
    await forum.room.durable();
    await forum.room.snapshotTaken();
    await vi.waitFor(() => expect(snapshotRows(dbPath).length).toBeGreaterThan(0), { timeout: 20_000 });
    const seq = snapshotRows(dbPath).at(-1)!.seq;
    for (const c of [admin, ...phones]) c.close();
    await vi.waitFor(() => expect(forum.attached.nsp.sockets.size).toBe(0), { timeout: 10_000, interval: 50 });
    await a.server.forums.letGo(forumId);
    expect(a.server.forums.openCount).toBe(0);

    const res = await fetch(`${b.server.url}/f/1/api/forum.json`, { headers: { 'x-facilitator-key': b.server.facilitatorKey } });
    expect(res.status).toBe(200);
    expect(b.lines.find((l) => l.msg === 'forum opened from its snapshot')).toMatchObject({ seq });
    expect(b.lines.some((l) => l.msg === 'snapshot not used: the forum opened from its whole log')).toBe(false);
    same(b.server.forums.get(forumId)!.room.state, await replayed(dbPath, forumId));

    // A process started now, opening nothing, leaves the marks of the forums the others hold.
    await serverProcess();
    const db = new Database(dbPath, { readonly: true });
    const marks = JSON.parse(db.prepare("SELECT value FROM settings WHERE name = 'log_checked'").pluck().get() as string) as Record<string, { seq: number }>;
    db.close();
    expect(marks[forumId]?.seq).toBeGreaterThanOrEqual(seq);
  });
});
