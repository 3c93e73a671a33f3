// Following a forum's log from another process (db/pgFollow.ts) on a real PostgreSQL: every event
// the writer stores reaches the follower in order and once, poked by the writer's own statement;
// across the follower's connection ended, PostgreSQL restarted, and a row stored with no poke at all.

import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { created, joined, record } from './storeEvents.js';
import { PostgresStore } from '../db/postgres.js';
import { LogFollower } from '../db/pgFollow.js';
import type { StoredEvent } from '../db/store.js';
import { postgresMissing, startPostgres, type TestPostgres } from './postgres.js';

const missing = postgresMissing();
const until = async (test: () => boolean) => {
  while (!test()) await new Promise((r) => setTimeout(r, 20));
};

describe.skipIf(missing !== null)(`following a forum's log${missing ? ` (skipped: ${missing})` : ''}`, () => {
  let pg: TestPostgres;
  const closing: { close(): Promise<void> }[] = [];
  beforeAll(async () => {
    pg = await startPostgres();
  }, 120_000);
  afterEach(async () => {
    for (const c of closing.splice(0).reverse()) await c.close();
  });
  afterAll(async () => {
    await pg?.stop();
  });

  /** A writer's store and a follower's (another process's store and its follower) on one schema. */
  const pair = async (schema: string, pollMs = 60_000) => {
    const writer = await PostgresStore.open(pg.url, { schema });
    const reader = await PostgresStore.open(pg.url, { schema });
    const follower = new LogFollower(pg.url, reader, { pollMs, retryMs: 50 });
    closing.push(writer, reader, follower);
    await writer.createForum(record, [created], { at: 1, action: 'created', forumId: 'f1', title: 'Т', detail: '' });
    const seen: StoredEvent[] = [];
    follower.follow('f1', 1, (events) => seen.push(...events));
    return { writer, seen };
  };
  const listening = async () => {
    for (;;) {
      const rows = await pg.sql("SELECT 1 FROM pg_stat_activity WHERE application_name = 'viche-follow' AND query LIKE 'LISTEN%'");
      if (rows.length > 0) return;
      await new Promise((r) => setTimeout(r, 20));
    }
  };

  it('every stored batch reaches the follower, in order and once', async () => {
    const { writer, seen } = await pair('follow1');
    await listening();
    let seq = 1;
    for (let i = 0; i < 50; i++) seq = await writer.appendBatch('f1', seq, [{ events: [joined(i), joined(100 + i)], actionKey: `a${i}` }]);
    await until(() => seen.length === 100);
    expect(seen.map((e) => e.seq)).toEqual(Array.from({ length: 100 }, (_, i) => i + 2));
    expect(seen.filter((e) => e.actionKey).map((e) => e.actionKey)).toEqual(Array.from({ length: 50 }, (_, i) => `a${i}`));
  });

  it('catches up from the log after its connection is ended and after PostgreSQL restarts', async () => {
    // No poll within the test: what it finds, it finds by the poke or by reading on reconnecting.
    const { writer, seen } = await pair('follow2');
    await listening();
    let seq = await writer.appendBatch('f1', 1, [{ events: [joined(1)], actionKey: 'before' }]);
    await until(() => seen.length === 1);

    // Its connection ended, and a batch stored before it is back: the poke went to nobody.
    await pg.sql("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'viche-follow'");
    seq = await writer.appendBatch('f1', seq, [{ events: [joined(2)], actionKey: 'unheard' }]);
    await until(() => seen.length === 2);

    // PostgreSQL restarted: the next batch reaches it once both are back.
    await pg.stopServer('fast');
    await pg.startServer();
    for (;;) {
      try {
        seq = await writer.appendBatch('f1', seq, [{ events: [joined(3)], actionKey: 'after restart' }]);
        break;
      } catch {
        await new Promise((r) => setTimeout(r, 100));
      }
    }
    await until(() => seen.length === 3);
    expect(seen.map((e) => e.actionKey)).toEqual(['before', 'unheard', 'after restart']);
    expect(seen.map((e) => e.seq)).toEqual([2, 3, 4]);
  });

  it('a row stored with no poke (by hand) is found by the poll', async () => {
    const { seen } = await pair('follow3', 200);
    await listening();
    await pg.sql(
      "INSERT INTO follow3.events (forum_id, seq, type, payload, action_key, recorded_at) VALUES ('f1', 2, 'participantJoined', $1, 'by hand', 0)",
      [JSON.stringify(joined(4))],
    );
    await until(() => seen.length === 1);
    expect(seen.map((e) => [e.seq, e.actionKey])).toEqual([[2, 'by hand']]);
  });
});
