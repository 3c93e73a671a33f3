// `npm run bench` part `follow` (or `tsx scripts/bench-follow.ts`): how long after a writer's
// commit returns another process following the forum's log (server/db/pgFollow.ts) has the event:
// the poke (NOTIFY, sent by the batch's own statement) and the follower's read of the log by seq.
// One action per commit, one at a time with a pause between, as a quiet vote stores them; on
// Debian's PostgreSQL in a temp folder with its own defaults for durability.

import { pathToFileURL } from 'node:url';
import { created, dot } from './bench-store.js';
import { LogFollower } from '../server/db/pgFollow.js';
import { PostgresStore } from '../server/db/postgres.js';
import { postgresMissing, startPostgres, type TestPostgres } from './postgres.js';

const ACTIONS = 500;

const pct = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))];

export async function benchFollow(): Promise<void> {
  const missing = postgresMissing();
  console.log(`\nA change reaching another process that follows the forum's log, ${ACTIONS} actions one at a time:`);
  if (missing) {
    console.log(`  not run (${missing})`);
    return;
  }
  let pg: TestPostgres | null = null;
  const closing: { close(): Promise<void> }[] = [];
  try {
    pg = await startPostgres({ durable: true });
    const writer = await PostgresStore.open(pg.url);
    const reader = await PostgresStore.open(pg.url);
    const follower = new LogFollower(pg.url, reader, { pollMs: 60_000 });
    closing.push(writer, reader, follower);
    await writer.createForum({ id: 'f1', joinCode: '123456', createdAt: 1, joinSecret: 's', screenKey: 'sk' }, [created], { at: 1, action: 'created', forumId: 'f1', title: 'Bench', detail: '' });
    const arrived = new Map<number, number>();
    follower.follow('f1', 1, (events) => {
      const now = performance.now();
      for (const e of events) arrived.set(e.seq, now);
    });
    // Listening before the first action.
    for (;;) {
      if ((await pg.sql("SELECT 1 FROM pg_stat_activity WHERE application_name = 'viche-follow' AND query LIKE 'LISTEN%'")).length > 0) break;
      await new Promise((r) => setTimeout(r, 20));
    }
    const committed = new Map<number, number>();
    let seq = 1;
    for (let i = 0; i < ACTIONS; i++) {
      seq = await writer.appendBatch('f1', seq, [{ events: [dot(i)], actionKey: `a${i}` }]);
      committed.set(seq, performance.now());
      await new Promise((r) => setTimeout(r, 5));
    }
    while (arrived.size < ACTIONS) await new Promise((r) => setTimeout(r, 10));
    const lags = [...committed].map(([s, at]) => arrived.get(s)! - at).sort((a, b) => a - b);
    console.log(`  commit returned → the follower has it: p50 ${pct(lags, 50).toFixed(1)} ms, p95 ${pct(lags, 95).toFixed(1)} ms, max ${lags.at(-1)!.toFixed(1)} ms`);
  } finally {
    for (const c of closing.reverse()) await c.close();
    await pg?.stop();
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) await benchFollow();
