// `npm run bench` part `stalls` (or `npx tsx scripts/stalls.ts`): how long each heavy thing a
// facilitator can ask of the largest forum holds up the server's event loop. The real server runs
// as a child process (bundled, as `npm start` runs it) with LOOP_DELAY_LOG=100, so that it prints
// its own longest event-loop delay every 100 ms (server/loopDelay.ts, a 1 ms timer). The largest
// forum a file carries (scripts/largest-forum.ts), stopped in voting, is imported through the real
// import route; then, one at a time with the server idle between them, the console's heavy
// commands (a burst voided, a big merge, results, every reveal, publishing) and every route that
// builds something from the whole forum. For each: the time to the answer and the longest stall
// while it was worked on, and the CPU time the server's main thread spent from the request to 300 ms
// after its answer (Linux's schedstat, less swayed than the stall by other work on the machine).
// A 1 ms timer preloaded into the server (scripts/turn-gaps.mjs) writes down each gap of over 10 ms
// with the main thread's CPU time in it: `turn CPU` is the most CPU time one held-up turn took, which
// tells a long turn from the server left off the CPU by other work. Requests go one at a time: the
// figure is each one's own.

import { appendFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { io, type Socket } from 'socket.io-client';
import { Recorder } from '../shared/forum/testing.js';
import { PROTOCOL_VERSION } from '../shared/version.js';
import { forumFileOf } from '../server/forums/transfer.js';
import { largestForum } from './largest-forum.js';
import { percentileOf } from './measure.js';
import { startServerProcess } from './process.js';

const EVERY_MS = 100;
/** Each route is asked for this many times (a command happens once): the figures are the median and the longest. */
const ROUNDS = Number(process.env.BENCH_STALLS_ROUNDS ?? 3);
const idle = (ms: number) => new Promise((r) => setTimeout(r, ms));

type Ack = { ok: boolean; data?: Record<string, unknown>; error?: { code: string } };

export async function benchStalls(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'viche-bench-stalls-'));
  const gapsFile = join(dir, 'turn-gaps.jsonl');
  const preload = new URL('./turn-gaps.mjs', import.meta.url).href;
  const server = await startServerProcess({
    VICHE_DB: join(dir, 'bench.db'),
    LOOP_DELAY_LOG: String(EVERY_MS),
    TURN_GAPS_FILE: gapsFile,
    NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --import=${preload}`.trim(),
  });
  /** The gaps the server's preloaded timer wrote down (scripts/turn-gaps.mjs), in µs of the monotonic clock. */
  const gaps = (): { from: number; to: number; ms: number; cpu: number }[] => {
    try {
      return readFileSync(gapsFile, 'utf8').trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as { from: number; to: number; ms: number; cpu: number });
    } catch {
      return [];
    }
  };
  const base = `http://127.0.0.1:${server.port}`;
  const key = new URL(server.consoleUrl).searchParams.get('key')!;
  const sockets: Socket[] = [];
  const rows = new Map<string, { ms: number[]; stall: number[]; cpu: number[]; turn: number[]; note: string }>();
  const pid = server.child.pid;
  /** The server's main thread's CPU time so far, in ms (NaN where /proc does not say). */
  const cpuMs = (): number => {
    try {
      return Number(readFileSync(`/proc/${pid}/task/${pid}/schedstat`, 'utf8').split(' ')[0]) / 1e6;
    } catch {
      return NaN;
    }
  };

  /** The longest delay the server printed from now until the work is answered and one more report is in. */
  async function measured<T>(what: string, work: () => Promise<T>, note: (result: T) => string = () => ''): Promise<T> {
    await idle(3 * EVERY_MS);
    const from = server.output().length;
    const cpu0 = cpuMs();
    const t0 = performance.now();
    const mono0 = process.hrtime.bigint();
    const result = await work();
    const ms = performance.now() - t0;
    // BENCH_STALLS_MARKS: a file each request's span is written to, in µs of the machine's monotonic
    // clock, the one the server's CPU profile (--cpu-prof) is timed by.
    if (process.env.BENCH_STALLS_MARKS) appendFileSync(process.env.BENCH_STALLS_MARKS, `${JSON.stringify({ what, from: Number(mono0 / 1000n), to: Number(process.hrtime.bigint() / 1000n) })}\n`);
    await idle(3 * EVERY_MS);
    const cpu = cpuMs() - cpu0;
    const lines = server.output().slice(from).matchAll(/VICHE_LOOP_DELAY (\{.*\})/g);
    const stall = Math.max(0, ...[...lines].map((m) => (JSON.parse(m[1]) as { maxMs: number }).maxMs));
    const until = Number(process.hrtime.bigint() / 1000n);
    const turn = Math.max(0, ...gaps().filter((g) => g.to >= Number(mono0 / 1000n) && g.from <= until).map((g) => g.cpu));
    const row = rows.get(what) ?? { ms: [], stall: [], cpu: [], turn: [], note: '' };
    rows.set(what, { ms: [...row.ms, ms], stall: [...row.stall, stall], cpu: [...row.cpu, cpu], turn: [...row.turn, turn], note: note(result) });
    process.stderr.write(`  ${what}: ${ms.toFixed(0)} ms, stall ${stall.toFixed(0)} ms, CPU ${cpu.toFixed(0)} ms, turn CPU ${turn.toFixed(1)} ms\n`);
    return result;
  }

  try {
    console.log(`\nStalls: the server's longest event-loop delay (1 ms timer, reported every ${EVERY_MS} ms) while it answers each request on the largest forum`);
    await measured('idle', () => idle(1000));
    const big = largestForum({ phase: 'voting' });
    const r = new Recorder();
    r.apply(big.events);
    const file = await forumFileOf(r.state, big.events, 'sealed', key);
    const imported = await measured(
      `import (${(Buffer.byteLength(file) / 1e6).toFixed(1)} MB, ${big.events.length} events)`,
      async () => {
        const res = await fetch(`${base}/api/forums/import`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-facilitator-key': key }, body: file });
        return (await res.json()) as { ok: boolean; data?: { slug: string } };
      },
    );
    if (!imported.ok) throw new Error(`the largest file was refused: ${JSON.stringify(imported)}`);
    const slug = imported.data!.slug;
    const ns = `${base}/f/${slug}`;

    // The console as it connects: its first view carries all 5,000 participants.
    const admin = await measured('console connects (first view)', async () => {
      const s = io(ns, { auth: { v: PROTOCOL_VERSION, role: 'console', key }, transports: ['websocket'], forceNew: true, reconnection: false });
      sockets.push(s);
      const view = await new Promise<{ ideas: { id: string; priorityCode: string; status: string }[] }>((resolve) => s.once('console', resolve));
      return { s, view };
    });
    const send = (event: string, payload: unknown) => admin.s.timeout(120_000).emitWithAck(event, payload) as Promise<Ack>;
    const command = (what: string, event: string, payload: unknown) =>
      measured(what, () => send(event, payload), (a) => (a.ok ? '' : `refused: ${a.error?.code}`));

    // Joined from 10.0.4.0 to 10.0.7.255: none of them wrote one of the ideas (people 0 to 249 did).
    const burst = { range: '10.0.4.0/22' };
    await command('participant:previewVoidMany (1,024 of them)', 'participant:previewVoidMany', burst);
    await command('participant:voidMany (1,024 of them)', 'participant:voidMany', { ...burst, reason: 'Одна мережа за хвилину' });
    const first = admin.view.ideas.filter((i) => i.priorityCode === admin.view.ideas[0].priorityCode && i.status === 'active').map((i) => i.id);
    await command(`idea:merge (${first.length - 1} ideas into one)`, 'idea:merge', { into: first[0], ideas: first.slice(1, 51) });
    // Joined from 10.0.0.0 to 10.0.0.63: each wrote one of the ideas, which are hidden with their dots given back.
    const writers = { range: '10.0.0.0/26' };
    await command('participant:previewVoidMany (64 who wrote ideas)', 'participant:previewVoidMany', writers);
    await command('participant:voidMany (64 who wrote ideas)', 'participant:voidMany', { ...writers, reason: 'Одна мережа за хвилину' });
    await command('phase:set results', 'phase:set', { to: 'results' });
    const codes = [...new Set(admin.view.ideas.map((i) => i.priorityCode))];
    for (const code of codes) await command(`priority:reveal ${code}`, 'priority:reveal', { priorityCode: code });
    await command('results:publish', 'results:publish', { published: true });

    const get = async (path: string, headers: Record<string, string> = { 'x-facilitator-key': key }) => {
      for (let round = 0; round < ROUNDS; round++) await getOnce(path, headers);
    };
    const getOnce = (path: string, headers: Record<string, string>) =>
      measured(
        `GET ${path}`,
        async () => {
          const res = await fetch(`${ns}/${path}`, { headers });
          return { status: res.status, bytes: (await res.arrayBuffer()).byteLength };
        },
        (g) => `${g.status}, ${(g.bytes / 1e6).toFixed(2)} MB`,
      );
    for (const path of ['api/export.json', 'api/export.csv', 'api/export.xlsx', 'console/report', 'console/report?names=0']) await get(path);
    for (const size of ['post', 'slide']) await get(`api/chart/${codes[0]}.svg?size=${size}`);
    await get('results', {});
    await get('results.json', {});
    await get('console/tickets');
    await get('console/poster');
    await get('api/forum.json');
    await get('api/forum.json?kind=archive');

    const median = (v: number[]) => percentileOf(v, 50);
    const figures = (v: number[]) => (v.length > 1 ? `${median(v).toFixed(0)} / ${Math.max(...v).toFixed(0)}` : v[0].toFixed(0)).padStart(12);
    console.log(`  (a route asked for ${ROUNDS} times: median / longest; the machine's load average ${loadavg().map((n) => n.toFixed(2)).join(', ')} at the end)`);
    console.log(`  ${'request'.padEnd(48)}${'answer ms'.padStart(12)}${'stall ms'.padStart(12)}${'CPU ms'.padStart(12)}${'turn CPU ms'.padStart(14)}`);
    for (const [what, row] of rows) console.log(`  ${what.padEnd(48)}${figures(row.ms)}${figures(row.stall)}${figures(row.cpu)}${figures(row.turn).padStart(14)}  ${row.note}`);
  } finally {
    for (const s of sockets) s.close();
    server.child.kill('SIGTERM');
    await server.exited;
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  await benchStalls();
  process.exit(0);
}
