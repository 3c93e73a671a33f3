// Starts a worker thread from the TypeScript sources (workerData.entry: the import's fileWorker.ts,
// the documents' http/documentWorker.ts), as the tests and `npm run dev` run the server; the
// bundled server (dist/server.mjs) starts their bundled twins, dist/forum-file-worker.mjs and
// dist/document-worker.mjs, instead (scripts/build-server.ts).
import { workerData } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

register();
await import(workerData.entry);
