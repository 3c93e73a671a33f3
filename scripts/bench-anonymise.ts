// `npm run bench` part `anonymise`: what deleting a city vote's personal data costs in the SQLite
// file at 100,000 voters (BENCH_ANONYMISE_N): the batch that stores personsAnonymised, with the
// rewrite of every event carrying a person id or an address in its transaction, then the file
// rebuilt (VACUUM) and the write-ahead log truncated, as the server does: in a worker thread
// (server/db/anonymiseWorker.ts). The figure that matters is the longest turn of this thread's
// event loop meanwhile (perf_hooks.monitorEventLoopDelay at 1 ms, as server/loopDelay.ts watches
// the server's), which every forum of the server would wait for. Then the same on PostgreSQL (a
// cluster in a temp folder, when its programs are installed), where the server's own thread reads
// and rewrites the rows a slice at a time inside one transaction.

import { rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import os from 'node:os';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import type { ForumEvent } from '../shared/forum/types.js';
import { SqliteStore, type PersonalDataDeleted } from '../server/db/sqlite.js';
import { PostgresStore } from '../server/db/postgres.js';
import type { ForumStore } from '../server/db/store.js';
import { tempDir } from '../server/test/harness.js';
import { created } from './bench-store.js';
import { postgresMissing, startPostgres } from './postgres.js';

/** 100,000 voters' joins and ballots, in batches of a thousand voters; the forum's last seq. */
async function voters(store: ForumStore, n: number): Promise<number> {
  await store.createForum({ id: 'f1', joinCode: '123456', createdAt: 1, joinSecret: 's', screenKey: 'k' }, [created], { at: 1, action: 'created', forumId: 'f1', title: 'Bench', detail: '' });
  let last = 1;
  const PER = 1000;
  for (let i = 0; i < n; i += PER) {
    const events: ForumEvent[] = [];
    for (let j = i; j < Math.min(n, i + PER); j++) {
      const participantId = `p-${j}`;
      events.push({ type: 'participantJoined', participantId, tokenHash: randomBytes(32).toString('hex'), name: '', at: 2, address: `10.${(j >> 16) & 255}.${(j >> 8) & 255}.${j & 255}`, personId: randomBytes(32).toString('hex') });
      events.push({ type: 'cityBallotCast', participantId, budgetId: 'b', ballot: { kind: 'knapsack', budgetId: 'b', projectIds: [`x${j % 20}`] }, receiptHash: randomBytes(32).toString('hex'), at: 3 });
    }
    last = await store.appendBatch('f1', last, [{ events, actionKey: null }]);
  }
  return last;
}

/** The longest turn of this thread's event loop while `work` runs, and over 4 s of nothing just before (the yardstick on a shared machine). */
async function loopDuring(work: () => Promise<unknown>): Promise<{ ms: number; max: number; mean: number; idleMax: number; idleMean: number }> {
  const idle = monitorEventLoopDelay({ resolution: 1 });
  idle.enable();
  await new Promise((r) => setTimeout(r, 4000));
  idle.disable();
  const loop = monitorEventLoopDelay({ resolution: 1 });
  loop.enable();
  const start = performance.now();
  await work();
  const ms = performance.now() - start;
  loop.disable();
  return { ms, max: loop.max / 1e6, mean: loop.mean / 1e6, idleMax: idle.max / 1e6, idleMean: idle.mean / 1e6 };
}

export async function benchAnonymise(n = Number(process.env.BENCH_ANONYMISE_N ?? 100_000)): Promise<void> {
  const dir = tempDir();
  const path = join(dir, 'bench.db');
  let report: PersonalDataDeleted | null = null;
  const store = new SqliteStore(path, { onPersonalDataDeleted: (r) => (report = r) });
  try {
    const last = await voters(store, n);
    const before = statSync(path).size + statSync(`${path}-wal`).size;
    const run = await loopDuring(() => store.appendBatch('f1', last, [{ events: [{ type: 'personsAnonymised', at: 4, by: 'facilitator' }], actionKey: null }]));
    const ms = run.ms;
    const after = statSync(path).size + statSync(`${path}-wal`).size;
    const worker = (report as PersonalDataDeleted | null)?.ms;
    console.log(`\ndeleting a city vote's personal data at ${n.toLocaleString('en')} voters (${(2 * n).toLocaleString('en')} events), SQLite, in a worker thread`);
    console.log(`  rewrite, commit, VACUUM and WAL truncated: ${(ms / 1000).toFixed(2)} s in all (the worker: the new texts worked out ${worker?.plan} ms while the server could write, then its transaction ${worker?.transaction} ms, rebuild ${worker?.rebuild} ms, backups ${worker?.backups} ms); file and WAL ${(before / 2 ** 20).toFixed(1)} MiB before, ${(after / 2 ** 20).toFixed(1)} MiB after`);
    console.log(`  longest turn of the server's event loop meanwhile: ${run.max.toFixed(1)} ms (mean ${run.mean.toFixed(1)} ms); idle for 4 s just before: ${run.idleMax.toFixed(1)} ms (mean ${run.idleMean.toFixed(1)} ms); load average ${os.loadavg()[0].toFixed(1)}`);
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
  await onPostgres(n);
}

/** The same deletion on PostgreSQL: one transaction on the server's own thread, the rows rewritten a slice at a time. */
async function onPostgres(n: number): Promise<void> {
  const missing = postgresMissing();
  if (missing) {
    console.log(`  on PostgreSQL: left out (${missing})`);
    return;
  }
  const postgres = await startPostgres();
  const store = await PostgresStore.open(postgres.url, { schema: 'bench_anonymise' });
  try {
    const last = await voters(store, n);
    const run = await loopDuring(() => store.appendBatch('f1', last, [{ events: [{ type: 'personsAnonymised', at: 4, by: 'facilitator' }], actionKey: null }]));
    console.log(`  on PostgreSQL: the rewrite and its commit ${(run.ms / 1000).toFixed(2)} s; longest turn of the server's event loop meanwhile ${run.max.toFixed(1)} ms (mean ${run.mean.toFixed(1)} ms), idle for 4 s just before ${run.idleMax.toFixed(1)} ms; load average ${os.loadavg()[0].toFixed(1)}`);
  } finally {
    await store.close();
    await postgres.stop();
  }
}
