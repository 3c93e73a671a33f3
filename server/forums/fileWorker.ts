// The import's worker thread: a forum file is decoded, parsed, checked field by field and its log
// replayed here (readForumFile), off the server's event loop. The largest forum a file carries
// (95,266 events, 14.2 MB; scripts/largest-forum.ts) takes a second or two of that work, during
// which the phones in the hall are still answered. The file comes in as bytes and the checked
// events go back as bytes (transferred, not copied), with where each event starts, so the main
// thread never holds the whole file as one string and takes the events in slices (fileReader.ts).

import { parentPort, workerData } from 'node:worker_threads';
import { Refusal } from '../forum/room.js';
import { readForumFile } from './transfer.js';

export interface FileJob {
  bytes: Uint8Array;
  /** The seal key of the server importing (transfer.ts sealKey). */
  key: string;
  now: number;
}

export type FileOutcome =
  | {
      ok: true;
      id: string;
      title: string;
      sealed: boolean;
      resultsHash: string;
      /** The events as JSON, one after another with a comma between, in UTF-8. */
      events: Uint8Array;
      /** Where each event starts in `events`, in bytes. */
      starts: Int32Array;
    }
  | { ok: false; error: Refusal['error'] };

const job = workerData as FileJob;
let outcome: FileOutcome;
let transfer: ArrayBuffer[] = [];
try {
  const file = readForumFile(Buffer.from(job.bytes.buffer, job.bytes.byteOffset, job.bytes.byteLength).toString('utf8'), job.key, job.now);
  const starts = new Int32Array(file.events.length);
  const parts: string[] = [];
  let at = 0;
  file.events.forEach((event, i) => {
    const json = JSON.stringify(event);
    starts[i] = at;
    at += Buffer.byteLength(json) + 1;
    parts.push(json);
  });
  const events = Buffer.from(parts.join(','));
  // A copy of its own, so the whole of its memory can be handed over.
  const owned = new Uint8Array(events.byteLength);
  owned.set(events);
  outcome = { ok: true, id: file.id, title: file.title, sealed: file.sealed, resultsHash: file.resultsHash, events: owned, starts };
  transfer = [owned.buffer, starts.buffer];
} catch (err) {
  if (!(err instanceof Refusal)) throw err;
  outcome = { ok: false, error: err.error };
}
parentPort!.postMessage(outcome, transfer);
