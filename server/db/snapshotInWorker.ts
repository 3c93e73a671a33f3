// Starts the snapshots' worker thread (snapshotWorker.ts beside a SQLite file, pgSnapshotWorker.ts
// for PostgreSQL) for one snapshot and waits for its body:
// from the bundle when the server runs bundled (dist/snapshot-worker.mjs), else from the sources
// through tsx, as the backups' and the forum file's workers are started.

import { Worker } from 'node:worker_threads';

export interface SnapshotJob {
  path: string;
  forumId: string;
  seq: number;
}

export interface PgSnapshotJob {
  databaseUrl: string;
  schema: string;
  forumId: string;
  seq: number;
}

export type SnapshotOutcome = { ok: true; body: string } | { ok: false; message: string };
/**
 * The worker's young generation, as small as the server's own (`--max-semi-space-size=8`, cli.ts):
 * with Node's default, replaying a 5,000-phone evening's 100,000 events left so much garbage
 * uncollected that the server's peak RSS rose from 395 to 505 MiB while a snapshot was taken
 * (`BENCH_PHONES=5000 BENCH_ONLY=paced,storm npm run bench`, with and without SNAPSHOT_EVERY=0).
 */
const WORKER_LIMITS = { maxYoungGenerationSizeMb: 16 };

function startWorker(job: SnapshotJob | PgSnapshotJob): Worker {
  const here = import.meta.url;
  const [bundled, source] = 'databaseUrl' in job ? ['./pg-snapshot-worker.mjs', './pgSnapshotWorker.ts'] : ['./snapshot-worker.mjs', './snapshotWorker.ts'];
  if (here.endsWith('.mjs')) return new Worker(new URL(bundled, here), { workerData: job, resourceLimits: WORKER_LIMITS });
  return new Worker(new URL('../forums/fileWorkerBoot.mjs', here), { workerData: { ...job, entry: new URL(source, here).href }, resourceLimits: WORKER_LIMITS });
}

/** The JSON of forum `forumId`'s state after its event `seq`, built in a worker thread from the file at `path` or the PostgreSQL database. */
export function snapshotInWorker(job: SnapshotJob | PgSnapshotJob): Promise<string> {
  return new Promise<string>((resolve, reject) => {
    const worker = startWorker(job);
    worker.once('message', (outcome: SnapshotOutcome) => {
      if (outcome.ok) resolve(outcome.body);
      else reject(new Error(`the snapshot's worker failed: ${outcome.message}`));
    });
    worker.once('error', reject);
    worker.once('exit', (code) => reject(new Error(`the snapshot's worker stopped (${code})`)));
  });
}
