// Which database a maintenance command works on: the file named on its command line, else the
// server's own (VICHE_DB, else data/viche.db, as server/main.ts's configFromEnv has it). npm runs
// a script from the project's root, so a name typed elsewhere is taken relative to where it was typed.

import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

/** A path typed by the person running the command, as they meant it. */
export function typedPath(name: string): string {
  const from = process.env.INIT_CWD || process.cwd();
  return resolve(from, name);
}

export function serverDatabase(): string {
  return process.env.VICHE_DB ? typedPath(process.env.VICHE_DB) : `${ROOT}data/viche.db`;
}

/** Ends the command with one sentence on standard error; the stack only with LOG_LEVEL=debug. */
export function fail(message: string, err?: unknown, code = 1): never {
  process.stderr.write(`${message}\n`);
  if (err && process.env.LOG_LEVEL === 'debug') process.stderr.write(`${(err as Error).stack ?? String(err)}\n`);
  process.exit(code);
}
