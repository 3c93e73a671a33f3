// Starts a server script as a child process and waits for its `VICHE_LISTENING {json}` line:
// the real server (`server/cli.ts`, bundled and run by plain Node as `npm start` runs it), which
// the restart test kills with SIGKILL, and the bench's bare Socket.IO baseline
// (`scripts/bare-server.ts`, bundled the same way so that both run alike).

import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildServer, SERVER_BUNDLE } from './build-server.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

export interface ServerProcess {
  child: ChildProcess;
  port: number;
  /** The real server's; the bare baseline prints only its port. */
  /** The primary forum's part of its addresses: /f/<slug>. */
  slug: string;
  consoleUrl: string;
  screenUrl: string;
  /** The join code in force at start (in the hall mode it changes every 30 s). */
  joinCode: string;
  output: () => string;
  /** Resolves when the process has exited. */
  exited: Promise<number | null>;
}

/** Node's flags for the server, as `npm start` gives them (package.json; server/cli.ts says why). */
export const SERVER_NODE_FLAGS = ['--max-semi-space-size=8'];

/** Each script is bundled once per process that starts it (a few hundred ms). */
const bundles = new Map<string, Promise<string>>();

/** The bundle of `script` (a path inside `root`) that plain Node runs: `npm start`'s for the server. */
export function bundled(script: string, root = ROOT): Promise<string> {
  const key = join(root, script);
  let built = bundles.get(key);
  if (!built) {
    const out = script === 'server/cli.ts' ? SERVER_BUNDLE : `dist/${basename(script, '.ts')}.mjs`;
    built = buildServer(root, script, out);
    bundles.set(key, built);
  }
  return built;
}

/** `root`: another checkout of Viche, to measure an earlier version with the same load. */
/** `startTimeoutMs`: how long it may take to listen (a forum of a million events replays for a while). */
export async function startServerProcess(env: Record<string, string>, script = 'server/cli.ts', root = ROOT, startTimeoutMs = 30_000): Promise<ServerProcess> {
  const file = await bundled(script, root);
  // BENCH_SERVER_NODE_ARGS: flags for the server's Node, e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof" to see where its time goes.
  const nodeArgs = process.env.BENCH_SERVER_NODE_ARGS?.split(' ').filter(Boolean) ?? [];
  // The bare baseline runs as Node's defaults have it.
  const flags = script === 'server/cli.ts' ? SERVER_NODE_FLAGS : [];
  const child = spawn(process.execPath, [...flags, ...nodeArgs, file], {
    cwd: root,
    // The bench packs an evening's joins into a minute, and thousands of phones into a hall: far
    // past a hall's size and rate, so neither stops it unless a run says otherwise.
    env: { ...process.env, HOST: '127.0.0.1', PORT: '0', LOG_LEVEL: 'warn', PUBLIC_URL: 'http://viche.test:9', EXPECTED_ATTENDANCE: '0', JOIN_BURST: '0', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  // BENCH_SERVER_OUTPUT: a file the server's output is copied to as it comes (with --trace-gc, its heap over the run).
  const copy = process.env.BENCH_SERVER_OUTPUT ? createWriteStream(process.env.BENCH_SERVER_OUTPUT, { flags: 'a' }) : null;
  if (copy) {
    child.stdout!.pipe(copy);
    child.stderr!.pipe(copy);
  }
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${script} did not start:\n${out}`)), startTimeoutMs);
    const onData = (chunk: Buffer) => {
      out += chunk.toString();
      const line = /VICHE_LISTENING (\{.*\})/.exec(out);
      if (line) {
        clearTimeout(timer);
        const info = JSON.parse(line[1]) as { port: number; slug: string; consoleUrl: string; screenUrl: string; joinCode: string };
        resolve({ child, ...info, output: () => out, exited });
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', (c: Buffer) => (out += c.toString()));
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`${script} exited with ${code}:\n${out}`));
    });
  });
}
