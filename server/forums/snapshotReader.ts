// A stored snapshot turned into a forum's state without holding up the event loop: it is read,
// parsed and checked whole by a worker thread (snapshotCheckWorker.ts), then put together here a
// piece at a time and its state built a few thousand records a turn. A small body already in
// hand (a store in memory) is parsed and checked here, at once, where a worker's start would cost
// more than it saves.

import { Worker } from 'node:worker_threads';
import { checkedStateInParts, fromSnapshot } from '../../shared/forum/snapshot.js';
import type { ForumState } from '../../shared/forum/types.js';
import type { SnapshotCheckJob, SnapshotCheckOutcome } from './snapshotCheckWorker.js';
import { snapshotFromPieces } from './snapshotPieces.js';
import type { Turns } from './turns.js';

/**
 * Bodies of this many characters and more are checked by the worker: a snapshot of 1 MiB (a
 * forum of about 2,000 voters) is parsed and checked in some 20 ms.
 */
export const OFF_THREAD_CHARS = 1024 * 1024;

/** The worker's heap is capped: a city vote's 57.6 MiB snapshot needs under a GiB to parse and check. */
const RESOURCE_LIMITS = { maxOldGenerationSizeMb: 2048 };

/** The worker, from the bundle when the server runs bundled, else from the sources through tsx. */
function startWorker(job: SnapshotCheckJob): Worker {
  const here = import.meta.url;
  if (here.endsWith('.mjs')) return new Worker(new URL('./snapshot-check-worker.mjs', here), { workerData: job, resourceLimits: RESOURCE_LIMITS });
  return new Worker(new URL('./fileWorkerBoot.mjs', here), { workerData: { ...job, entry: new URL('./snapshotCheckWorker.ts', here).href }, resourceLimits: RESOURCE_LIMITS });
}

function checkOffThread(job: SnapshotCheckJob): Promise<SnapshotCheckOutcome> {
  return new Promise<SnapshotCheckOutcome>((resolve, reject) => {
    const worker = startWorker(job);
    worker.once('message', (m: SnapshotCheckOutcome) => {
      resolve(m);
      void worker.terminate();
    });
    worker.once('error', reject);
    worker.once('exit', (code) => reject(new Error(`the snapshot check's worker stopped (${code})`)));
  });
}

/**
 * The state a snapshot holds, checked whole before any of it is used, or why it is refused: its
 * body as given, or as a worker reads it where the store keeps it (the body then never comes onto
 * the event loop's thread: a city vote's 57.6 MiB handed to a worker held it for a second).
 */
export async function stateOfSnapshot(job: SnapshotCheckJob, turns: Turns): Promise<ForumState | string> {
  if ('body' in job && job.body.length < OFF_THREAD_CHARS) {
    try {
      return fromSnapshot(JSON.parse(job.body));
    } catch (err) {
      return (err as Error).message;
    }
  }
  let outcome: SnapshotCheckOutcome;
  try {
    outcome = await checkOffThread(job);
  } catch (err) {
    // The worker stopped (its heap's cap reached, the file or the database unreadable from it):
    // the forum opens from its log, as from a snapshot refused.
    return `its check stopped: ${(err as Error).message}`;
  }
  if (!outcome.ok) return outcome.why;
  const snapshot = await snapshotFromPieces(outcome, turns);
  return turns.drive(checkedStateInParts(snapshot));
}
