// Starts the anonymisation's worker thread (anonymiseWorker.ts) for one batch and waits for its
// outcome: from the bundle when the server runs bundled (dist/anonymise-worker.mjs), else from the
// sources through tsx, as the backups' and the snapshots' workers are started.

import { Worker } from 'node:worker_threads';
import type { AnonymiseJob, AnonymiseOutcome } from './anonymiseWorker.js';

function startWorker(job: AnonymiseJob): Worker {
  const here = import.meta.url;
  if (here.endsWith('.mjs')) return new Worker(new URL('./anonymise-worker.mjs', here), { workerData: job });
  return new Worker(new URL('../forums/fileWorkerBoot.mjs', here), { workerData: { ...job, entry: new URL('./anonymiseWorker.ts', here).href } });
}

export function anonymiseInWorker(job: AnonymiseJob): Promise<AnonymiseOutcome> {
  return new Promise<AnonymiseOutcome>((resolve, reject) => {
    const worker = startWorker(job);
    worker.once('message', resolve);
    worker.once('error', reject);
    worker.once('exit', (code) => reject(new Error(`the anonymisation's worker stopped (${code})`)));
  });
}
