// `npm run bench` part `store` (or `tsx scripts/bench-store.ts`): what one stored action costs in
// the SQLite file and in PostgreSQL, side by side in the same run: a writer committing one action
// at a time (as a quiet forum does), and batches of 50 (as group commit does under a crowd). For
// PostgreSQL also what its server spends per action: CPU of all its processes and WAL bytes. The
// PostgreSQL is Debian's, in a temp folder, with its own defaults for durability (fsync on).

import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { ForumEvent } from '../shared/forum/types.js';
import { DEFAULT_RULES } from '../shared/forum/types.js';
import { PostgresStore } from '../server/db/postgres.js';
import { SqliteStore } from '../server/db/sqlite.js';
import type { BatchEntry, ForumStore } from '../server/db/store.js';
import { tempDir } from '../server/test/harness.js';
import { postgresMissing, startPostgres, type TestPostgres } from './postgres.js';

const SINGLE = 2000;
const BATCHES = 200;
const PER_BATCH = 50;

/** The bench's forum, created with one priority (also scripts/bench-follow.ts). */
export const created: ForumEvent = {
  type: 'forumCreated',
  id: 'f1',
  title: 'Bench',
  joinCode: '123456',
  structure: { vision: 'V', priorities: [{ code: '1', title: 'P', subtitle: '', color: '#000000', goals: [] }] },
  rules: DEFAULT_RULES,
  at: 1,
};
/** A dot placed: a vote's most common event. */
/** The n-th voter's dot, on one of 24 ideas. */
export const dot = (n: number): ForumEvent => ({ type: 'dotPlaced', participantId: `${(1e7 + n).toString(16)}-5f1e-4c2a-9b7d-31c0a8e4d2f6`, ideaId: `idea-${n % 24}-0000-0000-0000-000000000000` });
const action = (n: number): BatchEntry => ({ events: [dot(n)], actionKey: `p${n}:${(1e11 + n).toString(16)}abcdef012345` });

const pct = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))];

interface Figures {
  singleMs: number[];
  singlePerSecond: number;
  batchedPerSecond: number;
}

async function measure(store: ForumStore): Promise<Figures> {
  await store.createForum({ id: 'f1', joinCode: '123456', createdAt: 1, joinSecret: 's', screenKey: 'k' }, [created], { at: 1, action: 'created', forumId: 'f1', title: 'Bench', detail: '' });
  let last = 1;
  const singleMs: number[] = [];
  const start = performance.now();
  for (let i = 0; i < SINGLE; i++) {
    const t = performance.now();
    last = await store.appendBatch('f1', last, [action(i)]);
    singleMs.push(performance.now() - t);
  }
  const singlePerSecond = SINGLE / ((performance.now() - start) / 1000);
  const batchedStart = performance.now();
  for (let b = 0; b < BATCHES; b++) {
    last = await store.appendBatch('f1', last, Array.from({ length: PER_BATCH }, (_, i) => action(SINGLE + b * PER_BATCH + i)));
  }
  const batchedPerSecond = (BATCHES * PER_BATCH) / ((performance.now() - batchedStart) / 1000);
  return { singleMs: singleMs.sort((a, b) => a - b), singlePerSecond, batchedPerSecond };
}

const line = (label: string, f: Figures) =>
  `  ${label.padEnd(11)} one at a time: ${f.singlePerSecond.toFixed(0).padStart(5)} commits/s, p50 ${pct(f.singleMs, 50).toFixed(2)} ms, p95 ${pct(f.singleMs, 95).toFixed(2)} ms; in batches of ${PER_BATCH}: ${f.batchedPerSecond.toFixed(0).padStart(6)} actions/s`;

export async function benchStore(): Promise<void> {
  const missing = postgresMissing();
  console.log(`\nStoring actions, ${SINGLE} one at a time then ${BATCHES} batches of ${PER_BATCH}, one writer, the same run:`);
  const dir = tempDir();
  const sqlite = new SqliteStore(join(dir, 'bench.db'));
  try {
    console.log(line('SQLite', await measure(sqlite)));
  } finally {
    await sqlite.close();
    rmSync(dir, { recursive: true, force: true });
  }
  if (missing) {
    console.log(`  PostgreSQL: not run (${missing})`);
    return;
  }
  let pg: TestPostgres | null = null;
  let store: PostgresStore | null = null;
  try {
    pg = await startPostgres({ durable: true });
    store = await PostgresStore.open(pg.url);
    const lsn = async () => (await pg!.sql<{ lsn: string }>('SELECT pg_current_wal_lsn()::text AS lsn'))[0].lsn;
    const bytes = (a: string, b: string) => {
      const n = (l: string) => {
        const [hi, lo] = l.split('/');
        return parseInt(hi, 16) * 2 ** 32 + parseInt(lo, 16);
      };
      return n(b) - n(a);
    };
    const walBefore = await lsn();
    const cpuBefore = pg.cpuMs();
    const viche = process.cpuUsage();
    const f = await measure(store);
    const cpu = pg.cpuMs() - cpuBefore;
    const vicheMs = (() => {
      const u = process.cpuUsage(viche);
      return (u.user + u.system) / 1000;
    })();
    const wal = bytes(walBefore, await lsn());
    const actions = SINGLE + BATCHES * PER_BATCH;
    console.log(line('PostgreSQL', f));
    console.log(
      `  PostgreSQL's cost, both parts: ${((cpu / actions) * 1000).toFixed(0)} µs of its processes' CPU and ${(wal / actions).toFixed(0)} bytes of WAL per action (this benchmark's own CPU: ${((vicheMs / actions) * 1000).toFixed(0)} µs per action)`,
    );
  } finally {
    await store?.close();
    await pg?.stop();
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) await benchStore();
