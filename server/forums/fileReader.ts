// Reads a forum file off the event loop: the worker thread (fileWorker.ts) parses and checks it,
// and its checked events come back as bytes that are parsed here a slice at a time, between turns
// of the event loop, and replayed into the forum the server will hold.

import { Worker } from 'node:worker_threads';
import { applyEventInSteps, emptyState } from '../../shared/forum/state.js';
import type { ForumEvent, ForumState } from '../../shared/forum/types.js';
import { Refusal } from '../forum/room.js';
import { Turns } from './turns.js';
import type { FileJob, FileOutcome } from './fileWorker.js';

export interface CheckedFile {
  id: string;
  title: string;
  sealed: boolean;
  resultsHash: string;
  events: ForumEvent[];
  state: ForumState;
}

/** A turn of the event loop, for whatever is waiting (the hall's phones). */
export const pause = () => new Promise<void>((r) => setImmediate(r));

/** Events parsed and replayed at a time; the loop yields once a turn has taken TURN_MS. */
const SLICE = 200;
const TURN_MS = 8;
/** Ballots a merge or a void of many looks at between two looks at the clock. */
const BALLOTS_PER_STEP = 500;

/**
 * The worker's heap is capped, so that no file, however it is made, takes the laptop's memory: the
 * largest real forum's file (14.2 MB) needs a few hundred MB to be parsed and replayed.
 */
const RESOURCE_LIMITS = { maxOldGenerationSizeMb: 1536 };

/** The worker, from the bundle when the server runs bundled, else from the sources through tsx. */
function startWorker(job: FileJob, transferList: ArrayBuffer[]): Worker {
  const here = import.meta.url;
  const options = { transferList, resourceLimits: RESOURCE_LIMITS };
  if (here.endsWith('.mjs')) return new Worker(new URL('./forum-file-worker.mjs', here), { ...options, workerData: job });
  return new Worker(new URL('./fileWorkerBoot.mjs', here), { ...options, workerData: { ...job, entry: new URL('./fileWorker.ts', here).href } });
}

export async function readForumFileOffThread(bytes: Uint8Array, key: string): Promise<CheckedFile> {
  const outcome = await new Promise<FileOutcome>((resolve, reject) => {
    const worker = startWorker({ bytes, key, now: Date.now() }, [bytes.buffer as ArrayBuffer]);
    worker.once('message', (m: FileOutcome) => {
      resolve(m);
      void worker.terminate();
    });
    worker.once('error', reject);
    worker.once('exit', (code) => reject(new Error(`the forum file's worker stopped (${code})`)));
  });
  if (!outcome.ok) throw new Refusal(outcome.error);
  // Parsed and replayed again here, a slice at a time: the forum the server will hold.
  const { starts } = outcome;
  const decoder = new TextDecoder();
  const events: ForumEvent[] = [];
  const state = emptyState();
  const turns = new Turns(TURN_MS);
  for (let i = 0; i < starts.length; i += SLICE) {
    const end = i + SLICE < starts.length ? starts[i + SLICE] - 1 : outcome.events.byteLength;
    for (const e of JSON.parse(`[${decoder.decode(outcome.events.subarray(starts[i], end))}]`) as ForumEvent[]) {
      // A merge or a void of many on the largest forum is tens of ms alone: it goes a few
      // hundred ballots a step, with the loop let round between steps when the turn is spent.
      await turns.drive(applyEventInSteps(state, e, undefined, BALLOTS_PER_STEP));
      events.push(e);
      // The clock looked at after every event, not every slice: a slice holding the tickets' batches,
      // their code not yet compiled, took 26 ms of CPU in one turn (scripts/stalls.ts, profiled).
      await turns.check();
    }
  }
  return { id: outcome.id, title: outcome.title, sealed: outcome.sealed, resultsHash: outcome.resultsHash, events, state };
}
