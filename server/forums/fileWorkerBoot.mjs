// Starts the import's worker (fileWorker.ts) from the TypeScript sources, as the tests and
// `npm run dev` run the server; the bundled server (dist/server.mjs) starts its bundled twin,
// dist/forum-file-worker.mjs, instead (scripts/build-server.ts).
import { workerData } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

register();
await import(workerData.entry);
