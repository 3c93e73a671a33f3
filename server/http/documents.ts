// Builds a document (xlsx, printable report, ticket sheets) in a worker thread (documentWorker.ts)
// and sends it. One worker a document, started for it and gone after: nothing of a workbook's
// library stays in the server's memory for the evening. Documents are built one after another,
// so a facilitator clicking twice never has two of them compete with the hall for the two cores.

import type { Response } from 'express';
import { Worker } from 'node:worker_threads';
import type { DocumentJob } from './documentWorker.js';

/** The worker, from the bundle when the server runs bundled, else from the sources through tsx. */
function startWorker(job: DocumentJob): Worker {
  const here = import.meta.url;
  if (here.endsWith('.mjs')) return new Worker(new URL('./document-worker.mjs', here), { workerData: job });
  return new Worker(new URL('../forums/fileWorkerBoot.mjs', here), { workerData: { ...job, entry: new URL('./documentWorker.ts', here).href } });
}

let queue: Promise<unknown> = Promise.resolve();

export function buildDocument(job: DocumentJob): Promise<Uint8Array> {
  const built = queue.then(
    () =>
      new Promise<Uint8Array>((resolve, reject) => {
        const worker = startWorker(job);
        worker.once('message', (bytes: Uint8Array) => {
          resolve(bytes);
          void worker.terminate();
        });
        worker.once('error', reject);
        worker.once('exit', (code) => reject(new Error(`the document's worker stopped (${code})`)));
      }),
  );
  queue = built.catch(() => undefined);
  return built;
}

/**
 * Sends the bytes as they are: res.send would hash the whole body for an ETag on the event loop
 * (a 12 MB ticket sheet), and these answers are never cached anyway.
 */
export function sendDocument(res: Response, type: string, bytes: Uint8Array): void {
  if (res.destroyed) return;
  res.type(type).set('Content-Length', String(bytes.byteLength)).end(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
}
