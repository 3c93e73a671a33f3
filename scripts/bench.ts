// `npm run bench`: a hall of simulated phones on loopback against the real server (a child
// process with its SQLite file in a temp folder), and the same load against a bare Socket.IO
// server, so that figures are read as ratios taken in the same run on the same machine.

import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { io, type Socket } from 'socket.io-client';
import { PROTOCOL_VERSION } from '../shared/version.js';
import { DIST, isBuilt, PAGES, pageFiles } from './pages.js';
import { startServerProcess } from './process.js';

const HALLS = (process.env.BENCH_PHONES ?? '130,1000').split(',').map(Number);
const DOTS_PER_PHONE = 3;

function rssMiB(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024;
}

function connectMany(port: number, n: number, auth: (i: number) => Record<string, unknown>): Promise<Socket[]> {
  return Promise.all(
    Array.from({ length: n }, (_, i) =>
      new Promise<Socket>((resolve, reject) => {
        const s = io(`http://127.0.0.1:${port}`, { auth: auth(i), transports: ['websocket'], forceNew: true, reconnection: false });
        s.once('connect', () => resolve(s));
        s.once('connect_error', reject);
      }),
    ),
  );
}

const ack = (s: Socket, event: string, payload: unknown) =>
  s.timeout(60_000).emitWithAck(event, payload) as Promise<{ ok: boolean; data?: { ideaId?: string }; error?: { code: string } }>;

/** Runs every phone's actions at once, each phone's in order; returns per-action latencies in ms. */
async function timed(sockets: Socket[], actions: (i: number) => [string, unknown][]): Promise<{ latencies: number[]; seconds: number; refused: number }> {
  const latencies: number[] = [];
  let refused = 0;
  const t0 = performance.now();
  await Promise.all(
    sockets.map(async (s, i) => {
      for (const [event, payload] of actions(i)) {
        const t = performance.now();
        const res = await ack(s, event, payload);
        latencies.push(performance.now() - t);
        if (!res.ok) refused++;
      }
    }),
  );
  return { latencies, seconds: (performance.now() - t0) / 1000, refused };
}

function pct(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
}

const fmt = (n: number) => n.toFixed(1).padStart(8);

async function benchHall(phones: number) {
  const dir = mkdtempSync(join(tmpdir(), 'viche-bench-'));
  const viche = await startServerProcess({ VICHE_DB: join(dir, 'bench.db') });
  const bare = await startServerProcess({}, 'scripts/bare-server.ts');
  try {
    const key = new URL(viche.consoleUrl).searchParams.get('key')!;
    const [admin] = await connectMany(viche.port, 1, () => ({ v: PROTOCOL_VERSION, role: 'console', key }));
    const tokens = Array.from({ length: phones }, () => randomBytes(16).toString('hex'));
    const sockets = await connectMany(viche.port, phones, (i) => ({ v: PROTOCOL_VERSION, role: 'phone', token: tokens[i] }));
    const join = await timed(sockets, (i) => [['participant:join', { code: viche.joinCode, token: tokens[i] }]]);
    await ack(admin, 'phase:set', { to: 'ideas' });
    const ideas = await timed(sockets, (i) => [['idea:submit', { priorityCode: String((i % 6) + 1), title: `Ідея ${i}`, actionId: randomBytes(8).toString('hex') }]]);
    const ideaIds = await fetchIdeas(viche.port, key);
    await ack(admin, 'phase:set', { to: 'review' });
    await ack(admin, 'phase:set', { to: 'voting' });
    const byPriority = new Map<string, string[]>();
    ideaIds.forEach((id, i) => byPriority.set(String((i % 6) + 1), [...(byPriority.get(String((i % 6) + 1)) ?? []), id]));
    const dots = await timed(sockets, (i) => {
      const list = byPriority.get(String((i % 6) + 1))!;
      return Array.from({ length: DOTS_PER_PHONE }, (_, k) => ['dot:place', { ideaId: list[(i + k) % list.length], actionId: randomBytes(8).toString('hex') }] as [string, unknown]);
    });
    const vicheRss = rssMiB(viche.child.pid!);
    for (const s of [admin, ...sockets]) s.close();

    const bareSockets = await connectMany(bare.port, phones, () => ({}));
    const baseline = await timed(bareSockets, (i) =>
      Array.from({ length: DOTS_PER_PHONE }, (_, k) => ['dot:place', { ideaId: `idea-${(i + k) % phones}`, actionId: randomBytes(8).toString('hex') }] as [string, unknown]),
    );
    const bareRss = rssMiB(bare.child.pid!);
    for (const s of bareSockets) s.close();

    const line = (name: string, r: { latencies: number[]; seconds: number; refused: number }) =>
      `  ${name.padEnd(26)}${fmt(pct(r.latencies, 50))}${fmt(pct(r.latencies, 95))}${fmt(pct(r.latencies, 99))}${fmt(r.latencies.length / r.seconds)}${String(r.refused).padStart(9)}`;
    console.log(`\n${phones} phones (${DOTS_PER_PHONE} dots each, all at once)`);
    console.log(`  ${'action'.padEnd(26)}${'p50 ms'.padStart(8)}${'p95 ms'.padStart(8)}${'p99 ms'.padStart(8)}${'acks/s'.padStart(8)}${'refused'.padStart(9)}`);
    console.log(line('join', join));
    console.log(line('idea:submit', ideas));
    console.log(line('dot:place', dots));
    console.log(line('bare Socket.IO ack', baseline));
    console.log(`  dot throughput vs bare Socket.IO: ${((dots.latencies.length / dots.seconds) / (baseline.latencies.length / baseline.seconds)).toFixed(2)}×`);
    console.log(`  dot p95 latency vs bare Socket.IO: ${(pct(dots.latencies, 95) / Math.max(0.01, pct(baseline.latencies, 95))).toFixed(1)}×`);
    console.log(`  server memory (RSS): Viche ${vicheRss.toFixed(0)} MiB, bare Socket.IO ${bareRss.toFixed(0)} MiB`);
  } finally {
    viche.child.kill('SIGTERM');
    bare.child.kill('SIGTERM');
    rmSync(dir, { recursive: true, force: true });
  }
}

async function fetchIdeas(port: number, key: string): Promise<string[]> {
  // The JSON export is refused before voting; read the console's view instead.
  const [c] = await connectMany(port, 1, () => ({ v: PROTOCOL_VERSION, role: 'console', key }));
  const view = await new Promise<{ ideas: { id: string; createdAt: number }[] }>((resolve) => c.once('console', resolve));
  c.close();
  return view.ideas.map((i) => i.id);
}

/** What each page downloads: raw, and as the server sends it (the build's brotli twins). */
function pageWeights() {
  if (!isBuilt()) return console.log('\n(no build: run `npm run build` to weigh the pages)');
  console.log('\npage weight, HTML + JS + CSS (KiB)   raw  brotli (as sent)');
  for (const entry of PAGES) {
    let raw = 0;
    let sent = 0;
    for (const f of pageFiles(entry)) {
      const bytes = readFileSync(join(DIST, f));
      raw += bytes.length;
      sent += existsSync(join(DIST, `${f}.br`)) ? statSync(join(DIST, `${f}.br`)).size : bytes.length;
    }
    console.log(`  ${entry.split('/')[0].padEnd(34)}${(raw / 1024).toFixed(1).padStart(6)}${(sent / 1024).toFixed(1).padStart(8)}`);
  }
}

/**
 * The phone page on a cheap phone over a congested Wi-Fi, as Chromium emulates them: the CPU 6×
 * slower, 1.5 Mbit/s down, 150 ms round trips. Times from navigation to the join form, first
 * load and reload (cached).
 */
async function phoneOnSlowDevice() {
  const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
  if (!existsSync(chromiumPath) || !isBuilt()) return console.log('\n(no Chromium or no build: phone load time not measured)');
  const { chromium } = await import('playwright-core');
  const dir = mkdtempSync(join(tmpdir(), 'viche-bench-'));
  const viche = await startServerProcess({ VICHE_DB: join(dir, 'bench.db') });
  const browser = await chromium.launch({
    executablePath: chromiumPath,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
  try {
    const page = await browser.newPage({ viewport: { width: 360, height: 740 } });
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('Network.enable');
    await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 150, downloadThroughput: (1.5e6 / 8), uploadThroughput: (0.75e6 / 8) });
    await cdp.send('Emulation.setCPUThrottlingRate', { rate: 6 });
    const timeToForm = async (go: () => Promise<unknown>) => {
      const t = performance.now();
      await go();
      await page.getByRole('button', { name: 'Приєднатися' }).waitFor({ timeout: 60_000 });
      return performance.now() - t;
    };
    const first = await timeToForm(() => page.goto(`http://127.0.0.1:${viche.port}/?c=${viche.joinCode}`));
    const again = await timeToForm(() => page.reload());
    console.log('\nphone page on a slow device (CPU 6× slower, 1.5 Mbit/s, 150 ms RTT): join form shown');
    console.log(`  first visit ${(first / 1000).toFixed(2)} s, reload ${(again / 1000).toFixed(2)} s`);
  } finally {
    await browser.close();
    viche.child.kill('SIGTERM');
    rmSync(dir, { recursive: true, force: true });
  }
}

console.log(`Viche benchmark — Node ${process.version}, loopback only`);
pageWeights();
await phoneOnSlowDevice();
for (const n of HALLS) await benchHall(n);
process.exit(0);
