// Reads a forum file off the event loop: the worker thread (fileWorker.ts) parses and checks it,
// and its checked events come back as lines that are parsed here a slice at a time, between turns
// of the event loop. One file is read at a time: a second import meanwhile is told to wait.

import { Worker } from 'node:worker_threads';
import type { ForumEvent } from '../../shared/forum/types.js';
import { Refusal } from '../forum/room.js';
import type { FileJob, FileOutcome } from './fileWorker.js';

export interface CheckedFile {
  id: string;
  title: string;
  sealed: boolean;
  resultsHash: string;
  events: ForumEvent[];
}

/** Events parsed per turn of the event loop (about 2 ms each slice). */
const SLICE = 2000;

let busy = false;

/** Whether a file is being read now (the import route refuses a second one meanwhile). */
export const readingFile = () => busy;

/** The worker, from the bundle when the server runs bundled, else from the sources through tsx. */
function startWorker(job: FileJob): Worker {
  const here = import.meta.url;
  if (here.endsWith('.mjs')) return new Worker(new URL('./forum-file-worker.mjs', here), { workerData: job });
  return new Worker(new URL('./fileWorkerBoot.mjs', here), { workerData: { ...job, entry: new URL('./fileWorker.ts', here).href } });
}

export async function readForumFileOffThread(text: string, key: string): Promise<CheckedFile> {
  if (busy) throw new Refusal({ code: 'BAD_FORUM_FILE', params: { reason: 'busy' } });
  busy = true;
  try {
    const outcome = await new Promise<FileOutcome>((resolve, reject) => {
      const worker = startWorker({ text, key, now: Date.now() });
      worker.once('message', (m: FileOutcome) => {
        resolve(m);
        void worker.terminate();
      });
      worker.once('error', reject);
      worker.once('exit', (code) => reject(new Error(`the forum file's worker stopped (${code})`)));
    });
    if (!outcome.ok) throw new Refusal(outcome.error);
    const lines = outcome.lines.split('\n');
    const events: ForumEvent[] = [];
    for (let i = 0; i < lines.length; i += SLICE) {
      for (const e of JSON.parse(`[${lines.slice(i, i + SLICE).join(',')}]`) as ForumEvent[]) events.push(e);
      await new Promise((r) => setImmediate(r));
    }
    return { id: outcome.id, title: outcome.title, sealed: outcome.sealed, resultsHash: outcome.resultsHash, events };
  } finally {
    busy = false;
  }
}
