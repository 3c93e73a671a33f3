// Helpers for the tests that run the real CLI (`server/cli.ts`) and the maintenance scripts
// (`scripts/backup.ts`, `scripts/restore.ts`) as child processes: a run that is meant to end (a
// refused start, a backup, a restore) with its exit code and output, a fingerprint of a folder to
// show that a refusal created or changed no file, and a forum database made the way a server does.

import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { bundled, type ServerProcess } from '../../scripts/process.js';
import { SqliteStore } from '../db/sqlite.js';
import { StorageHealth } from '../forum/storage.js';
import { Forums } from '../forums/registry.js';
import { loadTemplate } from '../forum/template.js';
import { ROOT } from './harness.js';

export const TEMPLATE = join(ROOT, 'data/zhytomyr-2030.json');

export interface Finished {
  /** null when the process was ended by a signal (see `started`). */
  code: number | null;
  stdout: string;
  stderr: string;
  /** It printed VICHE_LISTENING, though it was expected to end: it was killed then. */
  started: boolean;
}

export interface RunOptions {
  /** Run as another user (the tests of read-only files run as nobody, since root writes anything). */
  uid?: number;
  gid?: number;
  /**
   * As root, run without the capabilities that let root write through any file permission
   * (setpriv drops them from the bounding set): root then meets permissions as their owner does.
   */
  withoutOverride?: boolean;
}

/** The capabilities by which root reads and writes through any file permission. */
const OVERRIDES = '-dac_override,-dac_read_search,-fowner';

/** The environment the CLI gets in tests, as scripts/process.ts gives it. */
const BASE_ENV = { HOST: '127.0.0.1', PORT: '0', LOG_LEVEL: 'warn', PUBLIC_URL: 'http://viche.test:9' };

/**
 * Runs `script` (relative to the project's root) until it ends: the server bundled, as `npm start`
 * runs it, the maintenance scripts under tsx, as npm runs them.
 */
export async function runScript(script: string, args: string[], env: Record<string, string>, options: RunOptions = {}): Promise<Finished> {
  const run = script === 'server/cli.ts' ? [await bundled(script)] : ['--import', 'tsx', join(ROOT, script)];
  const { withoutOverride, ...user } = options;
  const [command, commandArgs] = withoutOverride
    ? ['setpriv', ['--bounding-set', OVERRIDES, '--inh-caps', OVERRIDES, '--', process.execPath, ...run, ...args]]
    : [process.execPath, [...run, ...args]];
  const child = spawn(command, commandArgs, {
    cwd: ROOT,
    env: { ...process.env, ...BASE_ENV, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    ...user,
  });
  let stdout = '';
  let stderr = '';
  let started = false;
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
    // A server that starts when it should have refused would otherwise keep the test waiting.
    if (!started && stdout.includes('VICHE_LISTENING')) {
      started = true;
      child.kill('SIGKILL');
    }
  });
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stdout, stderr, started }));
  });
}

/** The server's CLI, for a start that is expected to be refused. */
export const runCli = (env: Record<string, string>, options: RunOptions = {}) => runScript('server/cli.ts', [], env, options);

/** What a refused start must look like: exit 1 and one sentence on stderr, with no stack trace. */
export function oneSentence(run: Finished): string {
  if (run.started) throw new Error(`expected a refused start, but the server started:\n${run.stdout}`);
  if (run.code !== 1) throw new Error(`expected exit 1, got ${run.code}:\n${run.stderr}`);
  const lines = run.stderr.trim().split('\n');
  if (lines.length !== 1 || run.stderr.includes('    at ')) throw new Error(`expected one line on stderr, got:\n${run.stderr}`);
  return lines[0];
}

/** Every file and folder under `dir`, with a hash of each file's bytes: equal before and after means nothing was created or changed. */
export function filesIn(dir: string): Record<string, string> {
  const found: Record<string, string> = {};
  const walk = (sub: string) => {
    for (const name of readdirSync(join(dir, sub)).sort()) {
      const rel = sub ? `${sub}/${name}` : name;
      if (statSync(join(dir, rel)).isDirectory()) {
        found[`${rel}/`] = 'folder';
        walk(rel);
      } else {
        found[rel] = createHash('sha256').update(readFileSync(join(dir, rel))).digest('hex');
      }
    }
  };
  walk('');
  return found;
}

/** A forum's database as a server leaves it after a clean stop: created from the template, closed. */
export async function makeForum(path: string): Promise<{ title: string }> {
  const store = new SqliteStore(path);
  try {
    const { title, structure } = loadTemplate(TEMPLATE);
    const forums = await Forums.open(store, new StorageHealth(), () => ({ close() {} }));
    const forum = await forums.create({ title, structure, admission: 'hall', titled: false });
    await forums.close();
    return { title: forum.room.state.title };
  } finally {
    await store.close();
  }
}

/** Ends a server started with startServerProcess and waits for it; returns its exit code. */
export async function stopServer(proc: ServerProcess, signal: NodeJS.Signals = 'SIGTERM'): Promise<number | null> {
  if (proc.child.exitCode !== null || proc.child.signalCode !== null) return proc.child.exitCode;
  proc.child.kill(signal);
  return proc.exited;
}

/** The facilitator's key in a console link. */
export const consoleKeyOf = (consoleUrl: string): string => new URL(consoleUrl).searchParams.get('key') ?? '';

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
