// Starts the anonymisation's worker thread (anonymiseWorker.ts) for one batch and waits for its
// outcome: from the bundle when the server runs bundled (dist/anonymise-worker.mjs), else from the
// sources through tsx, as the backups' and the snapshots' workers are started.

import { Worker } from 'node:worker_threads';
import type { AnonymiseJob, AnonymiseOutcome } from './anonymiseWorker.js';

/** The worker's word that it is about to write (anonymiseWorker.ts's PLANNED; not imported, which would run the worker's module here). */
const PLANNED = 'planned';

function startWorker(job: AnonymiseJob): Worker {
  const here = import.meta.url;
  if (here.endsWith('.mjs')) return new Worker(new URL('./anonymise-worker.mjs', here), { workerData: job });
  return new Worker(new URL('../forums/fileWorkerBoot.mjs', here), { workerData: { ...job, entry: new URL('./anonymiseWorker.ts', here).href } });
}

/**
 * Runs the job; `beforeWrite` is called when the thread has worked out the new texts and is about
 * to take the database's write, which it takes once `beforeWrite` resolves.
 */
export function anonymiseInWorker(job: AnonymiseJob, beforeWrite: () => Promise<void>): Promise<AnonymiseOutcome> {
  return new Promise<AnonymiseOutcome>((resolve, reject) => {
    const worker = startWorker(job);
    worker.on('message', (message: AnonymiseOutcome | typeof PLANNED) => {
      if (message !== PLANNED) return resolve(message);
      beforeWrite().then(() => worker.postMessage('go'), reject);
    });
    worker.once('error', reject);
    worker.once('exit', (code) => reject(new Error(`the anonymisation's worker stopped (${code})`)));
  });
}
