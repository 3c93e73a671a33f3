// The import's worker thread: a forum file is parsed, checked field by field and its log replayed
// here (readForumFile), off the server's event loop. The largest forum a file carries (95,000
// events, 14 MB; scripts/largest-forum.ts) takes about half a second of that work, during which
// the phones in the hall are still answered. The checked events go back as text, one per line, so
// the main thread takes them in slices (fileReader.ts) rather than as one structured clone.

import { parentPort, workerData } from 'node:worker_threads';
import { Refusal } from '../forum/room.js';
import { readForumFile } from './transfer.js';

export interface FileJob {
  text: string;
  /** The seal key of the server importing (transfer.ts sealKey). */
  key: string;
  now: number;
}

export type FileOutcome =
  | { ok: true; id: string; title: string; sealed: boolean; resultsHash: string; lines: string }
  | { ok: false; error: Refusal['error'] };

const job = workerData as FileJob;
let outcome: FileOutcome;
try {
  const file = readForumFile(job.text, job.key, job.now);
  // JSON.stringify escapes line breaks inside strings, so a line is exactly one event.
  outcome = { ok: true, id: file.id, title: file.title, sealed: file.sealed, resultsHash: file.resultsHash, lines: file.events.map((e) => JSON.stringify(e)).join('\n') };
} catch (err) {
  if (!(err instanceof Refusal)) throw err;
  outcome = { ok: false, error: err.error };
}
parentPort!.postMessage(outcome);
