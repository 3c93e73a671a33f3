// A stranger's flood of forum-file imports, without a key: a 29 KB gzip of nested brackets (30 MB
// inflated), posted back to back from a process of its own, as it once froze the server for ~15 s
// a request. The test beside the voting phones (server/test/forum-file.test.ts) and the bench
// (scripts/bench-import.ts) run it; it reports how many requests went and what they were answered.

import { spawn } from 'node:child_process';

/** The flood itself, plain JavaScript for a child `node`: it stops at SIGTERM and prints its counts. */
const FLOOD = `
import { request } from 'node:http';
import { gzipSync } from 'node:zlib';
const [url, localAddress, rate] = process.argv.slice(1);
const gap = Number(rate) > 0 ? 1000 / Number(rate) : 0;
const body = gzipSync(Buffer.alloc(30_000_000, 91), { level: 9 });
const statuses = {};
let sent = 0;
let stopping = false;
process.on('SIGTERM', () => { stopping = true; });
// Never outlives whoever started it.
process.on('disconnect', () => process.exit(0));
const once = () => new Promise((resolve) => {
  const req = request(url, { method: 'POST', localAddress, headers: { 'content-type': 'application/json', 'content-encoding': 'gzip', 'content-length': body.length } });
  req.on('response', (res) => { statuses[res.statusCode] = (statuses[res.statusCode] ?? 0) + 1; res.resume(); res.on('end', resolve); res.on('error', resolve); });
  req.on('error', () => { statuses.error = (statuses.error ?? 0) + 1; resolve(); });
  req.end(body);
  sent++;
});
console.log('READY ' + body.length);
while (!stopping) {
  const started = performance.now();
  await once();
  // How far it got, for whoever waits on it (sentSoFar).
  if (process.send) process.send({ sent });
  const wait = gap - (performance.now() - started);
  if (wait > 0) await new Promise((r) => setTimeout(r, wait));
}
console.log('DONE ' + JSON.stringify({ sent, statuses, bytes: body.length }));
process.exit(0);
`;

export interface FloodCounts {
  sent: number;
  statuses: Record<string, number>;
  /** The gzip body's size, in bytes. */
  bytes: number;
}

/**
 * Starts the flood against `url` (…/api/forums/import) from `localAddress`, at most `perSecond`
 * requests a second (0: as fast as they are answered); resolves once it sends.
 */
export async function startImportFlood(
  url: string,
  { localAddress = '127.3.0.1', perSecond = 0 } = {},
): Promise<{ stop(): Promise<FloodCounts>; sentSoFar(): number }> {
  const child = spawn(process.execPath, ['--input-type=module', '-e', FLOOD, url, localAddress, String(perSecond)], { stdio: ['ignore', 'pipe', 'inherit', 'ipc'] });
  let out = '';
  let sentSoFar = 0;
  child.stdout!.on('data', (c: Buffer) => (out += c.toString()));
  child.on('message', (m: { sent?: number }) => (sentSoFar = m.sent ?? sentSoFar));
  await new Promise<void>((resolve, reject) => {
    const check = () => (out.includes('READY') ? resolve() : undefined);
    child.stdout!.on('data', check);
    child.once('exit', (code) => reject(new Error(`the import flood stopped at once (${code})`)));
  });
  return {
    sentSoFar: () => sentSoFar,
    async stop() {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
      const done = /DONE (\{.*\})/.exec(out);
      if (!done) throw new Error(`the import flood said nothing: ${out}`);
      return JSON.parse(done[1]) as FloodCounts;
    },
  };
}
