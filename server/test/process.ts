// Starts the real server as a child process (`server/cli.ts`), as `npm start` does, so that tests
// can kill it with SIGKILL and start it again on the same database file.

import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { ROOT } from './harness.js';

export interface ServerProcess {
  child: ChildProcess;
  port: number;
  consoleUrl: string;
  joinCode: string;
  output: () => string;
  /** Resolves when the process has exited. */
  exited: Promise<number | null>;
}

export function startServerProcess(env: Record<string, string>): Promise<ServerProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'server/cli.ts')], {
    cwd: ROOT,
    env: { ...process.env, HOST: '127.0.0.1', LOG_LEVEL: 'warn', PUBLIC_URL: 'http://viche.test:9', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start:\n${out}`)), 30_000);
    const onData = (chunk: Buffer) => {
      out += chunk.toString();
      const line = /VICHE_LISTENING (\{.*\})/.exec(out);
      if (line) {
        clearTimeout(timer);
        const info = JSON.parse(line[1]) as { port: number; consoleUrl: string; joinCode: string };
        resolve({ child, ...info, output: () => out, exited });
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', (c: Buffer) => (out += c.toString()));
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`server exited with ${code}:\n${out}`));
    });
  });
}
