// Group commit: actions that arrive together are written in one transaction, each ack goes out only
// once its batch is on disk, and an action refused inside a batch is refused alone.
// A real server, real phones, a real SQLite file; the store below is the real one, counting the
// batches it is given.

import Database from 'better-sqlite3';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { SqliteStore } from '../db/sqlite.js';
import { ACTIONS_REMEMBERED } from '../forum/room.js';
import { connectConsole, joinPhone, ok, refused, startTestServer, tempDir, type TestClient, type TestServer } from './harness.js';

class CountingStore extends SqliteStore {
  batches: number[] = [];
  override appendBatch(...args: Parameters<SqliteStore['appendBatch']>): ReturnType<SqliteStore['appendBatch']> {
    this.batches.push(args[2].length);
    return super.appendBatch(...args);
  }
}

const many = { burst: 10_000, perSecond: 10_000 };

describe('group commit', () => {
  let server: TestServer | undefined;
  let store: CountingStore | undefined;
  const clients: TestClient[] = [];
  afterEach(async () => {
    for (const c of clients.splice(0)) c.close();
    await server?.stop();
    await store?.close();
    server = undefined;
  });

  async function votingHall(phones: number) {
    const dbPath = join(tempDir(), 'forum.db');
    store = new CountingStore(dbPath);
    server = await startTestServer({
      dbPath,
      store,
      limits: { commandsPerConnection: many, commandsPerParticipant: many, commandsPerAddress: many, ideaChangesPerParticipant: many },
    });
    const admin = await connectConsole(server);
    clients.push(admin);
    const hall = [];
    for (let i = 0; i < phones; i++) hall.push(await joinPhone(server, `Учасник ${i}`));
    clients.push(...hall);
    ok(await admin.send('phase:set', { to: 'ideas' }));
    const { ideaId } = ok(await hall[0].send('idea:submit', { priorityCode: '1', title: 'Велодоріжка' }));
    const { ideaId: other } = ok(await hall[1].send('idea:submit', { priorityCode: '1', title: 'Сквер' }));
    ok(await admin.send('phase:set', { to: 'review' }));
    ok(await admin.send('phase:set', { to: 'voting' }));
    return { dbPath, admin, hall, ideaId, other };
  }

  it('writes actions that arrive together in far fewer transactions than actions, and loses none', async () => {
    const { dbPath, hall, ideaId } = await votingHall(40);
    store!.batches = [];
    const acks = await Promise.all(hall.map((p) => p.send('dot:place', { ideaId, actionId: randomUUID() })));
    for (const a of acks) expect(ok(a).me.dots[ideaId]).toBe(1);
    const stored = store!.batches.reduce((a, b) => a + b, 0);
    expect(stored).toBe(40);
    // Forty phones' dots in a handful of syncs, not forty.
    expect(store!.batches.length).toBeLessThan(40);
    expect(Math.max(...store!.batches)).toBeGreaterThan(1);
    // Every acknowledged dot is in the file, read by another connection.
    const db = new Database(dbPath, { readonly: true });
    const dots = db.prepare("SELECT COUNT(*) AS n FROM events WHERE type = 'dotPlaced'").get() as { n: number };
    db.close();
    expect(dots.n).toBe(40);
  });

  it('an action refused inside a batch is refused alone; the others in it are saved; an old id stays taken after a restart', async () => {
    const { dbPath, hall, ideaId, other } = await votingHall(3);
    const [reuser, voter] = hall;
    // An action id used long ago: the server no longer remembers what it did, only that it was taken.
    const old = randomUUID();
    ok(await reuser.send('dot:place', { ideaId, actionId: old }));
    for (let i = 0; i < ACTIONS_REMEMBERED; i++) {
      ok(await reuser.send(i % 2 ? 'dot:place' : 'dot:remove', { ideaId, actionId: randomUUID() }));
    }
    // reuser holds one dot on the first idea now. In one turn: the old id again for another
    // action, and a fresh vote from someone else.
    const [reused, fresh] = await Promise.all([
      reuser.send('dot:place', { ideaId: other, actionId: old }),
      voter.send('dot:place', { ideaId: other, actionId: randomUUID() }),
    ]);
    expect(refused(reused)).toBe('ACTION_ID_REUSED');
    expect(ok(fresh).me.dots[other]).toBe(1);
    // The refused dot is not in the forum, in memory or on disk; the other one is.
    const state = server!.room.state;
    expect(state.dots.get(reuser.me.participantId)?.get(other)).toBeUndefined();
    expect(state.dots.get(voter.me.participantId)?.get(other)).toBe(1);
    const again = ok(await reuser.send('dot:place', { ideaId: other, actionId: randomUUID() }));
    expect(again.me.dots[other]).toBe(1);
    expect(server!.room.findAction(`${reuser.me.participantId}:${old}`)).toBeUndefined();

    // The ids taken are read back from the event log when the forum opens again.
    for (const c of clients.splice(0)) c.close();
    await server!.stop();
    await store!.close();
    store = new CountingStore(dbPath);
    server = await startTestServer({ dbPath, store });
    expect(server.room.actionKeyUsed(`${reuser.me.participantId}:${old}`)).toBe(true);
    expect(server.room.actionKeyUsed(`${reuser.me.participantId}:${randomUUID()}`)).toBe(false);
    expect(server.room.state.dots.get(reuser.me.participantId)?.get(other)).toBe(1);
  });
});
