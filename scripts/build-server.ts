// `npm start`'s second step: the server as one JavaScript file, dist/server.mjs, that plain Node runs.
//
// Run through tsx, the server process also held tsx's module loader (a thread of its own, with its
// own heap, for the whole evening): 127 MiB resident idle against 95 MiB for the same server bundled
// (process.memoryUsage after start). The bundle keeps our code unminified, so a stack trace in the
// log still reads; the packages stay in node_modules, imported as they are.
//
// `dist/` sits one folder below the project's root, as `server/` does, so the paths the server
// finds from its own place (server/main.ts: the template, the built client) come out the same.

import { renameSync, writeFileSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

/** Where `npm start` finds the server it runs (and, beside it, the forum file's worker). */
export const SERVER_BUNDLE = 'dist/server.mjs';

/**
 * Bundles `entry` (a path inside `root`) into `root/out`. Written to a file of its own first and
 * then renamed, so that test files building it at the same time never run a half-written one.
 */
export async function buildServer(root = ROOT, entry = 'server/cli.ts', out = SERVER_BUNDLE): Promise<string> {
  const outfile = join(root, out);
  const result = await build({
    absWorkingDir: root,
    entryPoints: [entry],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    write: false,
    logLevel: 'warning',
  });
  mkdirSync(dirname(outfile), { recursive: true });
  const partial = `${outfile}.${process.pid}.partial`;
  writeFileSync(partial, result.outputFiles[0].contents);
  renameSync(partial, outfile);
  // The forum file's worker thread (server/forums/fileReader.ts starts it beside the bundle).
  if (entry === 'server/cli.ts') await buildServer(root, 'server/forums/fileWorker.ts', join(dirname(out), 'forum-file-worker.mjs'));
  // The documents' worker (xlsx, report, ticket sheets: server/http/documents.ts starts it beside the bundle).
  if (entry === 'server/cli.ts') await buildServer(root, 'server/http/documentWorker.ts', join(dirname(out), 'document-worker.mjs'));
  // The backups' worker (server/db/backup.ts starts it beside the bundle).
  if (entry === 'server/cli.ts') await buildServer(root, 'server/db/backupWorker.ts', join(dirname(out), 'backup-worker.mjs'));
  // The snapshots' worker (server/db/snapshotInWorker.ts starts it beside the bundle).
  if (entry === 'server/cli.ts') await buildServer(root, 'server/db/snapshotWorker.ts', join(dirname(out), 'snapshot-worker.mjs'));
  if (entry === 'server/cli.ts') await buildServer(root, 'server/db/pgSnapshotWorker.ts', join(dirname(out), 'pg-snapshot-worker.mjs'));
  // The snapshot check's worker (server/forums/snapshotReader.ts starts it beside the bundle).
  if (entry === 'server/cli.ts') await buildServer(root, 'server/forums/snapshotCheckWorker.ts', join(dirname(out), 'snapshot-check-worker.mjs'));
  // The anonymisation's worker (server/db/anonymiseInWorker.ts starts it beside the bundle).
  if (entry === 'server/cli.ts') await buildServer(root, 'server/db/anonymiseWorker.ts', join(dirname(out), 'anonymise-worker.mjs'));
  return outfile;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await buildServer();
}
