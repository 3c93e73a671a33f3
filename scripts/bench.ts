// `npm run bench`: halls of simulated phones on loopback against the real server (a child
// process with its SQLite file in a temp folder), driven by scripts/load.ts in two shapes: a
// paced evening (joins, ideas and dots spread over minutes, as a hall does, with a reconnect
// storm at the end of voting) and a closed loop (every phone voting as fast as its acks come),
// the loop next to a bare Socket.IO server driven the same way, so that throughput is read as a
// ratio taken in the same run on the same machine. Each simulated phone connects from a loopback
// address of its own (127.0.0.0/8 all reaches this machine), as real phones on a LAN do, so the
// per-address limits see a real hall. Then a flood: one hostile phone against a listening hall,
// for what it costs the others, and many identities editing the wall of ideas (bench-identities.ts);
// forum files (a keyless import flood, the largest import and its exports) beside a voting hall; a
// storage stall; and 250 connections guessing join codes beside an honest hall (bench-guessing.ts).
//
// `--out FILE` writes the halls' figures as JSON too: one object per shape and hall size.

import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { io, type Socket } from 'socket.io-client';
import { PROTOCOL_VERSION } from '../shared/version.js';
import { phoneAddress } from './fleet.js';
import { runBareStorm, runClosedLoop, runPacedEvening, type AirFigures, type ForumTarget, type ShapeFigures, type StepFigures } from './load.js';
import { percentileOf as pct, rssMiB, wire } from './measure.js';
import { DIST, isBuilt, PAGES, pageFiles } from './pages.js';
import { startServerProcess, type ServerProcess } from './process.js';
import { benchViews } from './bench-views.js';
import { benchConnections } from './bench-connections.js';
import { benchGuessing } from './bench-guessing.js';
import { benchIdentities } from './bench-identities.js';
import { benchImport } from './bench-import.js';
import { benchStartCheck } from './bench-startcheck.js';
import { benchStalls } from './stalls.js';
import { runLongLogFault } from './long-log-fault.js';
import { benchBackup } from './bench-backup.js';
import { benchSnapshot } from './bench-snapshot.js';
import { benchSnapshotServer } from './bench-snapshot-server.js';
import { benchDoneActions } from './bench-done-actions.js';
import { benchSummaries } from './bench-summaries.js';
import { benchUndo } from './bench-undo.js';
import { benchCityCount, benchCityPublish } from './bench-city.js';
import { benchCityLoad } from './bench-city-load.js';
import { benchVoterCodes } from './bench-voter-codes.js';
import { benchStore } from './bench-store.js';
import { reconnectSpreadMs } from '../server/forum/views.js';
import { benchFollow } from './bench-follow.js';
import { benchCityBallots } from './bench-city-ballots.js';
import { benchSlowJoin } from './bench-slow-join.js';
import { benchConsolePages } from './bench-console-pages.js';
import { benchAnonymise } from './bench-anonymise.js';

const HALLS = (process.env.BENCH_PHONES ?? '130,1000,5000').split(',').map(Number);
/** The paced evening's windows, in seconds: joins, ideas, dots. */
const JOIN_S = Number(process.env.BENCH_JOIN_S ?? 60);
const IDEAS_S = Number(process.env.BENCH_IDEAS_S ?? 90);
const VOTING_S = Number(process.env.BENCH_VOTING_S ?? 60);
/** The reveals spread over this long (a minute for six priorities: quicker than a hall shows them). */
const REVEAL_S = Number(process.env.BENCH_REVEAL_S ?? 60);
/** How long each phone votes as fast as it can in the closed loop. */
const LOOP_S = Number(process.env.BENCH_LOOP_S ?? 20);
/**
 * Processes the simulated phones are spread over (1: all in this one). By default one, and two from
 * 2,000 phones, where one process's event loop would be busy enough to delay the acks it measures.
 */
const workersFor = (phones: number) => Number(process.env.BENCH_WORKERS ?? (phones >= 2000 ? 2 : 1));
const OUT = process.argv.includes('--out') ? process.argv[process.argv.indexOf('--out') + 1] : undefined;
const DOTS_PER_PHONE = 3;
/** Another checkout of Viche (BENCH_BEFORE=/path), to run the flood against an earlier version too. */
const BEFORE = process.env.BENCH_BEFORE;

/** The forum's namespace on each server started (/f/<slug>); none for a bare server or an older Viche. */
const namespaces = new Map<number, string>();
const started = <T extends { port: number; slug?: string }>(server: T): T => {
  if (server.slug) namespaces.set(server.port, `/f/${server.slug}`);
  return server;
};

function connectOne(port: number, auth: Record<string, unknown>, localAddress?: string, reconnection = false): Promise<Socket> {
  return new Promise<Socket>((resolve, reject) => {
    const s = io(`http://127.0.0.1:${port}${namespaces.get(port) ?? ''}`, {
      auth,
      transports: ['websocket'],
      forceNew: true,
      reconnection,
      reconnectionDelay: 100,
      ...(localAddress ? { localAddress } : {}),
    } as Parameters<typeof io>[1]);
    s.once('connect', () => resolve(s));
    s.once('connect_error', reject);
  });
}

/**
 * The console's first view. Listened for before the connection opens: the server sends it at once,
 * and a listener added after `connect` can come too late to hear it.
 */
function firstConsoleView<T>(port: number, key: string): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const s = io(`http://127.0.0.1:${port}${namespaces.get(port) ?? ''}`, { auth: { v: PROTOCOL_VERSION, role: 'console', key }, transports: ['websocket'], forceNew: true, reconnection: false });
    s.once('console', (view: T) => {
      s.close();
      resolve(view);
    });
    s.once('connect_error', reject);
  });
}

/** Phones connect from addresses of their own; the console and projector from 127.0.0.1. */
function connectMany(port: number, n: number, auth: (i: number) => Record<string, unknown>, addresses = true): Promise<Socket[]> {
  return Promise.all(Array.from({ length: n }, (_, i) => connectOne(port, auth(i), addresses ? phoneAddress(i) : undefined)));
}

type AckResult = { ok: boolean; data?: { ideaId?: string; grant?: string }; error?: { code: string } };
const ack = (s: Socket, event: string, payload: unknown) => s.timeout(60_000).emitWithAck(event, payload) as Promise<AckResult>;

interface Timed {
  latencies: number[];
  seconds: number;
  refused: number;
  rateLimited: number;
}

/** Runs every phone's actions at once, each phone's in order; returns per-action latencies in ms. */
async function timed(sockets: Socket[], actions: (i: number) => [string, unknown][]): Promise<Timed> {
  const latencies: number[] = [];
  let refused = 0;
  let rateLimited = 0;
  const t0 = performance.now();
  await Promise.all(
    sockets.map(async (s, i) => {
      for (const [event, payload] of actions(i)) {
        const t = performance.now();
        const res = await ack(s, event, payload);
        latencies.push(performance.now() - t);
        if (!res.ok) refused++;
        if (res.error?.code === 'RATE_LIMITED') rateLimited++;
      }
    }),
  );
  return { latencies, seconds: (performance.now() - t0) / 1000, refused, rateLimited };
}

/** The code the projector shows now (in the hall mode it changes every 30 s). */
async function currentJoinCode(port: number, key: string): Promise<string> {
  return (await firstConsoleView<{ joinCode: string }>(port, key)).joinCode;
}


const fmt = (n: number) => n.toFixed(1).padStart(8);

/** A console and `phones` phones, each from its own address, joined with the code in force. */
async function joinedHall(viche: { port: number; consoleUrl: string }, phones: number) {
  const key = new URL(viche.consoleUrl).searchParams.get('key')!;
  const admin = await connectOne(viche.port, { v: PROTOCOL_VERSION, role: 'console', key });
  const tokens = Array.from({ length: phones }, () => randomBytes(16).toString('hex'));
  const sockets = await connectMany(viche.port, phones, (i) => ({ v: PROTOCOL_VERSION, role: 'phone', token: tokens[i] }));
  const code = await currentJoinCode(viche.port, key);
  const join = await timed(sockets, (i) => [['participant:join', { code, token: tokens[i] }]]);
  return { key, admin, sockets, code, join };
}

async function benchHall(phones: number) {
  const dir = mkdtempSync(join(tmpdir(), 'viche-bench-'));
  const viche = started(await startServerProcess({ VICHE_DB: join(dir, 'bench.db') }));
  const bare = await startServerProcess({}, 'scripts/bare-server.ts');
  try {
    const { key, admin, sockets, join } = await joinedHall(viche, phones);
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

    const bareSockets = await connectMany(bare.port, phones, () => ({}), false);
    const baseline = await timed(bareSockets, (i) =>
      Array.from({ length: DOTS_PER_PHONE }, (_, k) => ['dot:place', { ideaId: `idea-${(i + k) % phones}`, actionId: randomBytes(8).toString('hex') }] as [string, unknown]),
    );
    const bareRss = rssMiB(bare.child.pid!);
    for (const s of bareSockets) s.close();

    const line = (name: string, r: Timed) =>
      `  ${name.padEnd(26)}${fmt(pct(r.latencies, 50))}${fmt(pct(r.latencies, 95))}${fmt(pct(r.latencies, 99))}${fmt(r.latencies.length / r.seconds)}${String(r.refused).padStart(9)}${String(r.rateLimited).padStart(14)}`;
    console.log(`\n${phones} phones (${DOTS_PER_PHONE} dots each, all at once; each phone from its own address)`);
    console.log(`  ${'action'.padEnd(26)}${'p50 ms'.padStart(8)}${'p95 ms'.padStart(8)}${'p99 ms'.padStart(8)}${'acks/s'.padStart(8)}${'refused'.padStart(9)}${'RATE_LIMITED'.padStart(14)}`);
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
    // It takes a last backup beside the database as it stops.
    await viche.exited;
    rmSync(dir, { recursive: true, force: true });
  }
}

async function fetchIdeas(port: number, key: string): Promise<string[]> {
  // The JSON export is refused before voting; read the console's view instead.
  return (await firstConsoleView<{ ideas: { id: string; createdAt: number }[] }>(port, key)).ideas.map((i) => i.id);
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
  const viche = started(await startServerProcess({ VICHE_DB: join(dir, 'bench.db') }));
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
    await viche.exited;
    rmSync(dir, { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------- a flooding phone

const LISTENERS = Number(process.env.BENCH_LISTENERS ?? 50);
const FLOOD_SECONDS = 5;
const FLOOD_PER_SECOND = 1000;

/**
 * One phone sends commands at FLOOD_PER_SECOND for FLOOD_SECONDS without waiting for acks (as a
 * script would: reconnecting and rejoining whenever it is cut off), while `listeners` phones just
 * listen. Returns the bytes the flooder wrote and the bytes the listeners read on the wire.
 */
async function flood(
  port: number,
  code: string,
  listeners: Socket[],
  command: (n: number, ownIdea: string) => [string, unknown],
): Promise<{ sent: number; delivered: number; acks: Record<string, number>; cuts: number }> {
  const token = randomBytes(16).toString('hex');
  const attacker = await connectOne(port, { v: PROTOCOL_VERSION, role: 'phone', token }, '127.250.0.1', true);
  await ack(attacker, 'participant:join', { code, token });
  // Its own idea to edit (refused outside the ideas phase, which is fine for other floods).
  const own = await ack(attacker, 'idea:submit', { priorityCode: '1', title: 'Моя ідея', actionId: randomBytes(8).toString('hex') });
  const ownIdea = own.data?.ideaId ?? '';
  const before = listeners.map(wire);
  const acks: Record<string, number> = {};
  let sent = 0;
  let cuts = 0;
  // A script comes straight back when it is cut off, as often as the server lets it.
  let stopped = false;
  attacker.on('disconnect', (reason) => {
    if (reason !== 'io server disconnect') return;
    cuts++;
    if (!stopped) attacker.connect();
  });
  attacker.on('connect_error', () => {
    if (!stopped) setTimeout(() => attacker.connect(), 100);
  });
  let n = 0;
  const started = performance.now();
  await new Promise<void>((resolve) => {
    const timer = setInterval(() => {
      if (performance.now() - started > FLOOD_SECONDS * 1000) {
        clearInterval(timer);
        resolve();
        return;
      }
      if (!attacker.connected) return;
      for (let k = 0; k < FLOOD_PER_SECOND / 100; k++) {
        const [event, payload] = command(n++, ownIdea);
        // What goes on the wire: the Socket.IO packet ("42<ack id>[event, payload]") in one small frame.
        sent += Buffer.byteLength(`42${n}${JSON.stringify([event, payload])}`) + 6;
        attacker.timeout(10_000).emit(event, payload, (err: unknown, res: AckResult) => {
          const key = err ? 'no ack' : res.ok ? 'ok' : (res.error?.code ?? '?');
          acks[key] = (acks[key] ?? 0) + 1;
        });
      }
    }, 10);
  });
  stopped = true;
  await new Promise((r) => setTimeout(r, 1500)); // the last coalesced patches reach the hall
  attacker.close();
  const delivered = listeners.map(wire).reduce((sum, w, i) => sum + (w.read - before[i].read), 0);
  return { sent, delivered, acks, cuts };
}

async function benchFlood(label: string, root?: string) {
  const dir = mkdtempSync(join(tmpdir(), 'viche-bench-'));
  const viche = started(await startServerProcess({ VICHE_DB: join(dir, 'bench.db'), ADMISSION: 'open' }, 'server/cli.ts', root));
  try {
    const key = new URL(viche.consoleUrl).searchParams.get('key')!;
    const admin = await connectOne(viche.port, { v: PROTOCOL_VERSION, role: 'console', key });
    const tokens = Array.from({ length: LISTENERS + 1 }, () => randomBytes(16).toString('hex'));
    const hall = await connectMany(viche.port, LISTENERS + 1, (i) => ({ v: PROTOCOL_VERSION, role: 'phone', token: tokens[i] }));
    await timed(hall, (i) => [['participant:join', { code: viche.joinCode, token: tokens[i] }]]);
    const [author, ...listeners] = hall;
    await ack(admin, 'phase:set', { to: 'ideas' });
    await ack(author, 'idea:submit', { priorityCode: '1', title: 'Велодоріжка', actionId: randomBytes(8).toString('hex') });

    // Its own idea edited over and over: each accepted edit is something the hall is sent.
    const edits = await flood(viche.port, viche.joinCode, listeners, (n, own) => ['idea:edit', { ideaId: own, title: `Велодоріжка ${n}`, actionId: randomBytes(8).toString('hex') }]);
    console.log(`\n${label}: one phone floods ${FLOOD_PER_SECOND} commands/s for ${FLOOD_SECONDS} s; ${LISTENERS} phones listen`);
    const report = (name: string, r: Awaited<ReturnType<typeof flood>>) =>
      console.log(
        `  ${name.padEnd(30)} sent ${(r.sent / 1024).toFixed(0).padStart(6)} KiB, hall received ${(r.delivered / 1024).toFixed(0).padStart(7)} KiB: ×${(r.delivered / Math.max(1, r.sent)).toFixed(2)}; acks ${JSON.stringify(r.acks)}, cut off ${r.cuts}×`,
      );
    report('edits of its own idea', edits);

    const spam = await flood(viche.port, viche.joinCode, listeners, (n) => ['idea:submit', { priorityCode: '2', title: `Спам ${n}`, actionId: randomBytes(8).toString('hex') }]);
    report('new ideas', spam);
    for (const s of [admin, ...hall]) s.close();
  } finally {
    viche.child.kill('SIGTERM');
    await viche.exited;
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Dot acks for a hall, once undisturbed and once with a phone flooding beside it, in the same run. */
async function benchFloodDots(phones: number) {
  const dir = mkdtempSync(join(tmpdir(), 'viche-bench-'));
  const viche = started(await startServerProcess({ VICHE_DB: join(dir, 'bench.db') }));
  try {
    const { key, admin, sockets } = await joinedHall(viche, phones);
    await ack(admin, 'phase:set', { to: 'ideas' });
    await timed(sockets, (i) => [['idea:submit', { priorityCode: String((i % 2) + 1), title: `Ідея ${i}`, actionId: randomBytes(8).toString('hex') }]]);
    const ids = await fetchIdeas(viche.port, key);
    await ack(admin, 'phase:set', { to: 'review' });
    await ack(admin, 'phase:set', { to: 'voting' });
    const inPriority = (p: number) => ids.filter((_, i) => i % 2 === p);
    const round = (p: number) =>
      timed(sockets, (i) => {
        const list = inPriority(p);
        return Array.from({ length: DOTS_PER_PHONE }, (_, k) => ['dot:place', { ideaId: list[(i + k) % list.length], actionId: randomBytes(8).toString('hex') }] as [string, unknown]);
      });
    const calm = await round(0);
    const floodCode = await currentJoinCode(viche.port, key);
    const [stormy] = await Promise.all([
      (async () => {
        await new Promise((r) => setTimeout(r, 300)); // the flood is under way first
        return round(1);
      })(),
      flood(viche.port, floodCode, [], (n) => [n % 2 ? 'dot:remove' : 'dot:place', { ideaId: ids[n % ids.length], actionId: randomBytes(8).toString('hex') }]),
    ]);
    console.log(`\n${phones} phones place ${DOTS_PER_PHONE} dots each, without and with one phone sending ${FLOOD_PER_SECOND} commands/s`);
    console.log(`  undisturbed: dot:place p95 ${pct(calm.latencies, 95).toFixed(1)} ms; with the flood: p95 ${pct(stormy.latencies, 95).toFixed(1)} ms (×${(pct(stormy.latencies, 95) / Math.max(0.01, pct(calm.latencies, 95))).toFixed(2)}); RATE_LIMITED to the hall: ${calm.rateLimited + stormy.rateLimited}`);
    for (const s of [admin, ...sockets]) s.close();
  } finally {
    viche.child.kill('SIGTERM');
    await viche.exited;
    rmSync(dir, { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------- another program holds the database

const STALL_SECONDS = Number(process.env.BENCH_STALL_SECONDS ?? 10);

/**
 * Another program takes the database's write lock for STALL_SECONDS while 30 phones keep voting.
 * A probe that never touches the database (a language switch, acked at once) is timed all along,
 * with an HTTP health check: they show whether the server's one thread stays free.
 */
async function benchStorageStall() {
  const { default: Database } = await import('better-sqlite3');
  const dir = mkdtempSync(join(tmpdir(), 'viche-bench-'));
  const dbPath = join(dir, 'bench.db');
  const viche = started(await startServerProcess({ VICHE_DB: dbPath, LOG_LEVEL: 'silent' }));
  try {
    const { admin, sockets } = await joinedHall(viche, 30);
    await ack(admin, 'phase:set', { to: 'ideas' });
    await timed(sockets, (i) => [['idea:submit', { priorityCode: String((i % 6) + 1), title: `Ідея ${i}`, actionId: randomBytes(8).toString('hex') }]]);
    const ids = await fetchIdeas(viche.port, new URL(viche.consoleUrl).searchParams.get('key')!);
    await ack(admin, 'phase:set', { to: 'review' });
    await ack(admin, 'phase:set', { to: 'voting' });

    const probe: number[] = [];
    const health: number[] = [];
    const outcomes: Record<string, number> = {};
    let running = true;
    const probing = (async () => {
      while (running) {
        const t = performance.now();
        await ack(admin, 'session:setLanguage', { lang: 'uk' });
        probe.push(performance.now() - t);
        const h = performance.now();
        await fetch(`http://127.0.0.1:${viche.port}/health`);
        health.push(performance.now() - h);
        await new Promise((r) => setTimeout(r, 100));
      }
    })();
    const voting = sockets.map(async (s, i) => {
      for (let k = 0; running; k++) {
        const res = await ack(s, k % 2 ? 'dot:remove' : 'dot:place', { ideaId: ids[i % ids.length], actionId: randomBytes(8).toString('hex') });
        const key = res.ok ? 'ok' : (res.error?.code ?? '?');
        outcomes[key] = (outcomes[key] ?? 0) + 1;
        await new Promise((r) => setTimeout(r, 200));
      }
    });

    const outside = new Database(dbPath);
    outside.exec('BEGIN IMMEDIATE');
    outside.prepare('CREATE TABLE IF NOT EXISTS bench_stall (x)').run();
    const lockedFrom = probe.length;
    await new Promise((r) => setTimeout(r, STALL_SECONDS * 1000));
    const lockedTo = probe.length;
    outside.exec('ROLLBACK');
    outside.close();
    const released = performance.now();
    let backAfter = NaN;
    while (Number.isNaN(backAfter) && performance.now() - released < 10_000) {
      const res = await ack(sockets[0], 'dot:place', { ideaId: ids[1], actionId: randomBytes(8).toString('hex') });
      if (res.ok || res.error?.code !== 'STORAGE_UNAVAILABLE') backAfter = performance.now() - released;
      else await new Promise((r) => setTimeout(r, 50));
    }
    running = false;
    await Promise.all([probing, ...voting]);
    const during = probe.slice(lockedFrom, lockedTo);
    const healthDuring = health.slice(lockedFrom, lockedTo);
    console.log(`\nanother program holds the database's write lock for ${STALL_SECONDS} s while 30 phones vote`);
    console.log(
      `  probe that does not touch the database: p50 ${pct(during, 50).toFixed(1)} ms, p95 ${pct(during, 95).toFixed(1)} ms, max ${Math.max(0, ...during).toFixed(1)} ms (${during.length} probes)`,
    );
    console.log(`  HTTP /health: p95 ${pct(healthDuring, 95).toFixed(1)} ms, max ${Math.max(0, ...healthDuring).toFixed(1)} ms`);
    console.log(`  the phones' dot acks: ${JSON.stringify(outcomes)}; saving again ${backAfter.toFixed(0)} ms after the lock was released`);
    for (const s of [admin, ...sockets]) s.close();
  } finally {
    viche.child.kill('SIGTERM');
    await viche.exited;
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * A storage fault on a long log (scripts/long-log-fault.ts): at each length, another program holds
 * the write lock for 4 s, then the disk is full for 4 s, while 8 voters act and a probe that stores
 * nothing is sent again as soon as it is answered.
 */
async function benchLongLogFaults(): Promise<void> {
  for (const events of [36_000, 300_000]) {
    // The server says how long its event loop was held up, every 250 ms (server/loopDelay.ts).
    const run = await runLongLogFault({ events, env: { LOOP_DELAY_LOG: '250' } });
    const loopMax = ([from, to]: [number, number]) =>
      Math.max(
        0,
        ...[...run.output.matchAll(/VICHE_LOOP_DELAY (\{.*\})/g)]
          .map((m) => JSON.parse(m[1]) as { at: number; maxMs: number })
          .filter((d) => d.at > from + 250 && d.at <= to)
          .map((d) => d.maxMs),
      );
    try {
      const outcomes: Record<string, number> = {};
      for (const a of run.actions) outcomes[a.outcome] = (outcomes[a.outcome] ?? 0) + 1;
      const seconds = (run.filled ? 8 : 4).toFixed(0);
      console.log(`\na storage fault on a log of ${run.events.toLocaleString('en')} events: the write lock held 4 s${run.filled ? ', then the disk full 4 s' : ' (no disk to fill: not root)'}`);
      console.log(`  probe that stores nothing, during the fault: p50 ${pct(run.fault, 50).toFixed(1)} ms, max ${Math.max(0, ...run.fault).toFixed(1)} ms, ${run.fault.length} answers in ${seconds} s`);
      console.log(`  the same before, calm: p50 ${pct(run.calm, 50).toFixed(1)} ms, max ${Math.max(0, ...run.calm).toFixed(1)} ms, ${run.calm.length} answers`);
      console.log(`  the voters' actions: ${JSON.stringify(outcomes)}; saving again ${run.savingAgainAfter.toFixed(0)} ms after the fault ended`);
      console.log(`  the server's event loop held up at most ${loopMax(run.windows.fault).toFixed(1)} ms during the fault, ${loopMax(run.windows.calm).toFixed(1)} ms before (LOOP_DELAY_LOG)`);
    } finally {
      run.cleanUp();
    }
  }
}

// ---------------------------------------------------------------- the paced evening and the closed loop

/** Every figure of the halls, for --out. */
const results: (ShapeFigures & { node: string; at: string; loadAverage: number[]; revision: string })[] = [];

/** The commit measured, marked `dirty` when the working tree differs from it: figures belong to a version. */
function revision(): string {
  try {
    const head = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).trim();
    const dirty = execFileSync('git', ['status', '--porcelain'], { encoding: 'utf8' }).trim() !== '';
    return dirty ? `${head}-dirty` : head;
  } catch {
    return 'unknown';
  }
}

/**
 * The machine's load average (1, 5, 15 minutes) as a run starts: above the number of cores (2 on
 * the reference laptop) something else was running, and every figure is worse for it.
 */
const loadAverage = () => loadavg().map((n) => Number(n.toFixed(2)));

function record(figures: ShapeFigures, load: number[]): void {
  results.push({ ...figures, node: process.version, at: new Date().toISOString(), loadAverage: load, revision: revision() });
  // Written after each run, so that a later run that fails keeps the earlier figures.
  if (OUT) writeFileSync(OUT, JSON.stringify(results, null, 2) + '\n');
}

const ms = (n: number) => (Number.isFinite(n) ? n.toFixed(n < 10 ? 1 : 0) : '—').padStart(7);
const codes = (r: Record<string, number>) =>
  Object.entries(r)
    .map(([k, n]) => `${k} ${n}`)
    .join(', ') || '—';
const mib = (bytes: number) => (bytes / 1048576).toFixed(1);
const share = (cores: number) => (Number.isFinite(cores) ? `${(cores * 100).toFixed(0)}%` : '—').padStart(7);

function stepTable(steps: StepFigures[]): void {
  console.log(
    `  ${''.padEnd(43)}${'ack latency, ms'.padEnd(28)}${'projector'.padEnd(14)}${'console'.padStart(9)}${'server'.padStart(7)}${'server'.padStart(7)}${'driver'.padStart(7)}${'driver'.padStart(7)}`,
  );
  console.log(
    `  ${'action'.padEnd(22)}${'sent'.padStart(7)}${'ok'.padStart(7)}${'t/o'.padStart(7)}${'p50'.padStart(7)}${'p95'.padStart(7)}${'p99'.padStart(7)}${'max'.padStart(7)}` +
      `${'lag p50'.padStart(9)}${'p95'.padStart(7)}${'KiB/s'.padStart(9)}${'CPU'.padStart(7)}${'MiB'.padStart(7)}${'CPU'.padStart(7)}${'delay'.padStart(7)}  refused / failed`,
  );
  for (const s of steps) {
    const lag = s.projectorLag;
    const failed = Object.keys(s.failed).length ? `; failed: ${codes(s.failed)}` : '';
    const resent = s.resent ? `; resent ${s.resent}, duplicate acks ${s.duplicates}` : '';
    console.log(
      `  ${s.action.padEnd(22)}${String(s.sent).padStart(7)}${String(s.ok).padStart(7)}${String(s.timeouts).padStart(7)}` +
        `${ms(s.latency.p50)}${ms(s.latency.p95)}${ms(s.latency.p99)}${ms(s.latency.max)}` +
        `${(lag ? ms(lag.p50) : '—'.padStart(7)).padStart(9)}${lag ? ms(lag.p95) : '—'.padStart(7)}` +
        `${(s.consoleBytesPerS / 1024).toFixed(1).padStart(9)}${share(s.serverCpu)}${(Number.isFinite(s.serverPeakRssMiB) ? s.serverPeakRssMiB.toFixed(0) : '—').padStart(7)}${share(s.driver.cpu)}${ms(s.driver.delayP99Ms)}` +
        `  ${codes(s.refused)}${failed}${resent}${lag?.unreached ? `; projector never caught up with ${lag.unreached}` : ''}` +
        `${s.listenDrops > 0 ? `; ${s.listenDrops} connection attempts dropped by a full accept queue` : ''}`,
    );
  }
}

function checkLine(label: string, c: ShapeFigures['check']): string {
  if (c.error) return `  ${label}: the export could not be read (${c.error})`;
  const unknown = c.unsettled
    ? `; ${c.unsettled} actions were never answered, even when sent again: done or not, nobody knows, so a difference here is not by itself a lost or doubled dot`
    : '';
  return `  ${label}: ${c.acked} acked, ${c.exported} in the export: ${c.lost} lost, ${c.doubled} doubled${unknown}`;
}

function report(f: ShapeFigures, load: number[]): void {
  if (load[0] > cpus().length) console.log(`  (load average ${load.join(', ')} on ${cpus().length} cores as it started: the machine was busy with something else)`);
  stepTable(f.steps);
  console.log(`  server: peak RSS ${f.server.peakRssMiB.toFixed(0)} MiB, ${f.server.cpuSeconds.toFixed(1)} CPU s in ${f.seconds.toFixed(0)} s; console received ${mib(f.console.bytes)} MiB (${(f.console.bytesPerS / 1024).toFixed(1)} KiB/s)`);
  console.log(checkLine('phone dots', f.check));
  if (f.storm) {
    const st = f.storm;
    console.log(
      `  reconnect storm: ${st.phones} phones dropped at once; all back (connected, \`me\` received) in ${(st.allBackMs / 1000).toFixed(2)} s ` +
        `(p50 ${(st.back.p50 / 1000).toFixed(2)} s, p95 ${(st.back.p95 / 1000).toFixed(2)} s), ${st.notBack} not back; resynced in ${(st.resyncedMs / 1000).toFixed(2)} s, ` +
        `${st.meMismatch} phones whose \`me\` disagrees with their acks; server CPU ${((st.cpuSeconds * 1000) / Math.max(1, st.phones)).toFixed(2)} ms per phone; ` +
        `frames per phone ${st.frames.in.toFixed(1)} received, ${st.frames.out.toFixed(1)} sent`,
    );
    stepTable(st.steps);
    console.log(checkLine('phone dots after the storm', st.check));
  }
  if (f.loop) {
    const l = f.loop;
    console.log(
      `  durable dot changes ${l.durablePerS.toFixed(0)}/s` +
        (l.bare ? `; bare Socket.IO acks ${l.bare.acksPerS.toFixed(0)}/s (p50 ${l.bare.latency.p50.toFixed(1)} ms, p95 ${l.bare.latency.p95.toFixed(1)} ms): ratio ${l.ratio!.toFixed(2)}×` : '') +
        `; the rate limits allow at most ${l.rateCeilingPerS?.toFixed(0)}/s for this hall`,
    );
    if (l.bare) console.log(`  bare Socket.IO server: peak RSS ${l.bare.peakRssMiB.toFixed(0)} MiB, ${l.bare.cpuSeconds.toFixed(1)} CPU s`);
  }
  if (f.air?.length) airTable(f.air);
  for (const e of f.errors) console.log(`  error: ${e}`);
}

/** Bytes on the air: what the phones read on the wire in each part of the evening, against the same run of an earlier checkout if there was one. */
function airTable(air: AirFigures[], before?: AirFigures[]): void {
  const kib = (n: number) => (n / 1024).toFixed(1).padStart(10);
  console.log(`  bytes on the air (every phone's WebSocket, frames and all)${before ? '; × the earlier checkout' : ''}:`);
  console.log(`  ${'part'.padEnd(10)}${'s'.padStart(6)}${'all, MiB'.padStart(11)}${'p50 KiB'.padStart(10)}${'p95 KiB'.padStart(10)}${'max KiB'.padStart(10)}${'max kbit/s'.padStart(12)}${before ? '  ×all'.padStart(9) : ''}`);
  for (const a of air) {
    const b = before?.find((x) => x.part === a.part);
    console.log(
      `  ${a.part.padEnd(10)}${a.seconds.toFixed(0).padStart(6)}${mib(a.total).padStart(11)}${kib(a.p50)}${kib(a.p95)}${kib(a.max)}${a.maxKbitPerS.toFixed(1).padStart(12)}` +
        (b ? `${(a.total / Math.max(1, b.total)).toFixed(3).padStart(9)}` : ''),
    );
  }
}

/** The real server as a child process, with a database of its own; the target the driver loads. Another checkout's (`root`) to compare. */
async function vicheServer(root?: string): Promise<{ server: ServerProcess; target: ForumTarget; stop: () => Promise<void> }> {
  const dir = mkdtempSync(join(tmpdir(), 'viche-bench-'));
  const server = await startServerProcess({ VICHE_DB: join(dir, 'bench.db'), LOG_LEVEL: 'error' }, 'server/cli.ts', ...(root ? [root] : []));
  const target: ForumTarget = {
    origin: `http://127.0.0.1:${server.port}`,
    slug: server.slug,
    facilitatorKey: new URL(server.consoleUrl).searchParams.get('key')!,
    screenKey: new URL(server.screenUrl).searchParams.get('key')!,
    pid: server.child.pid,
    // An earlier checkout speaks its own protocol version.
    ...(root ? { protocol: Number(/PROTOCOL_VERSION = (\d+)/.exec(readFileSync(join(root, 'shared/version.ts'), 'utf8'))?.[1]) } : {}),
    exited: server.exited,
    output: server.output,
  };
  return {
    server,
    target,
    stop: async () => {
      server.child.kill('SIGTERM');
      await server.exited;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

const progress = (line: string) => process.stderr.write(`${line}\n`);

/** The paced evening; with BENCH_BEFORE, then the same against the earlier checkout, for the bytes on the air side by side. */
async function benchPaced(phones: number, storm: boolean) {
  const workers = workersFor(phones);
  console.log(
    `\npaced evening, ${phones} phones: joins over ${JOIN_S} s, one idea each over ${IDEAS_S} s, every dot over ${VOTING_S} s` +
      `${storm ? ', a reconnect storm' : ''}, then every priority revealed (${workers} load process${workers > 1 ? 'es' : ''})`,
  );
  const run = async (root?: string) => {
    const load = loadAverage();
    const { target, stop } = await vicheServer(root);
    try {
      const figures = await runPacedEvening(target, { phones, joinS: JOIN_S, ideasS: IDEAS_S, votingS: VOTING_S, revealS: REVEAL_S, storm, workers, log: progress });
      record(figures, load);
      return { figures, load };
    } finally {
      await stop();
    }
  };
  const now = await run();
  report(now.figures, now.load);
  if (storm && now.figures.storm) await bareStorms(phones, workers, now.figures.storm.allBackMs, (now.figures.storm.cpuSeconds * 1000) / Math.max(1, now.figures.storm.phones));
  if (!BEFORE) return;
  console.log(`\n  the same against the version at ${BEFORE}:`);
  const then = await run(BEFORE);
  report(then.figures, then.load);
  if (now.figures.air && then.figures.air) {
    console.log(`\n  this version's bytes on the air against the earlier's, ${phones} phones:`);
    airTable(now.figures.air, then.figures.air);
  }
}

/**
 * The same storm against a bare Socket.IO server, from as many clients in as many load processes:
 * once with Socket.IO's own reconnect delays, once spread as the phone page spreads them in a hall
 * of this size (reconnectSpreadMs); Viche's time is read against each.
 */
async function bareStorms(clients: number, workers: number, vicheMs: number, vicheCpuMs: number) {
  for (const reconnectWithinMs of [undefined, reconnectSpreadMs(clients)]) {
    const bare = await startServerProcess({}, 'scripts/bare-server.ts');
    try {
      const b = await runBareStorm(`http://127.0.0.1:${bare.port}`, { clients, workers, reconnectWithinMs, pid: bare.child.pid });
      const how = reconnectWithinMs ? `spread over ${(reconnectWithinMs / 1000).toFixed(1)} s as the phones are` : "Socket.IO's own reconnect delays";
      console.log(
        `  bare Socket.IO storm (${how}): ${b.clients} clients all back (connected, an event answered) in ${(b.allBackMs / 1000).toFixed(2)} s ` +
          `(p50 ${(b.back.p50 / 1000).toFixed(2)} s, p95 ${(b.back.p95 / 1000).toFixed(2)} s), ${b.notBack} not back, server CPU ${((b.cpuSeconds * 1000) / Math.max(1, b.clients)).toFixed(2)} ms per client, ` +
          `frames per client ${b.frames.in.toFixed(1)} received, ${b.frames.out.toFixed(1)} sent; ` +
          `Viche's storm took ×${(vicheMs / b.allBackMs).toFixed(2)} as long, ×${(vicheCpuMs / ((b.cpuSeconds * 1000) / Math.max(1, b.clients))).toFixed(2)} the CPU per phone`,
      );
    } finally {
      bare.child.kill('SIGTERM');
      await bare.exited;
    }
  }
}

async function benchLoop(phones: number) {
  console.log(`\nclosed loop, ${phones} phones: each places and takes back a dot as fast as its acks come, for ${LOOP_S} s; then the same against a bare Socket.IO server`);
  const load = loadAverage();
  const { target, stop } = await vicheServer();
  const bare = await startServerProcess({}, 'scripts/bare-server.ts');
  try {
    const figures = await runClosedLoop(target, {
      phones,
      loopS: LOOP_S,
      workers: workersFor(phones),
      bare: { origin: `http://127.0.0.1:${bare.port}`, pid: bare.child.pid },
      log: progress,
    });
    record(figures, load);
    report(figures, load);
  } finally {
    bare.child.kill('SIGTERM');
    await stop();
  }
}

console.log(`Viche benchmark — Node ${process.version}, loopback only`);
/**
 * BENCH_ONLY=paced,stall runs those parts alone: pages, views, connections, slow, slowjoin, paced, storm, loop, halls,
 * flood, identities (also run with flood), import, stall, stalls, faults, undo, backup, guessing, startcheck, snapshot,
 * snapshotserver, doneactions, summaries, citycount, citypublish, votercodes, city, cityballots, store, follow,
 * consolepages, anonymise. The storm is a step of the paced evening (`paced` without `storm`: no storm). `halls` is
 * the older all-at-once hall, not run by default.
 */
const only = process.env.BENCH_ONLY?.split(',');
// `halls` is never run unasked; `city` (a quarter of an hour at its default size) when asked or given BENCH_CITY.
const part = (name: string) => (!only ? name !== 'halls' && (name !== 'city' || process.env.BENCH_CITY !== undefined) : only.includes(name));
if (part('pages')) pageWeights();
if (part('views')) benchViews(HALLS);
if (part('connections')) await benchConnections();
if (part('slow')) await phoneOnSlowDevice();
if (part('slowjoin')) await benchSlowJoin();
if (part('paced') || part('storm')) for (const n of HALLS) await benchPaced(n, part('storm'));
if (part('loop')) for (const n of HALLS) await benchLoop(n);
if (part('halls')) for (const n of HALLS) await benchHall(n);
if (part('flood')) {
  await benchFloodDots(HALLS[0] ?? 130);
  await benchFlood('this version');
  if (BEFORE) await benchFlood(`the version at ${BEFORE}`, BEFORE);
}
if (part('identities') || (only?.includes('flood') ?? true)) {
  await benchIdentities(HALLS[0] ?? 130);
  if (BEFORE) await benchIdentities(HALLS[0] ?? 130, `the version at ${BEFORE}`, BEFORE);
}
if (part('import')) await benchImport();
if (part('stall')) await benchStorageStall();
if (part('stalls')) await benchStalls();
if (part('faults')) await benchLongLogFaults();
if (part('undo')) await benchUndo();
if (part('backup')) await benchBackup();
if (part('guessing')) await benchGuessing();
if (part('startcheck')) await benchStartCheck();
if (part('snapshot')) benchSnapshot();
if (part('snapshotserver')) await benchSnapshotServer();
if (part('doneactions')) benchDoneActions();
if (part('summaries')) await benchSummaries();
if (part('citycount')) benchCityCount();
if (part('citypublish')) await benchCityPublish();
if (part('city')) await benchCityLoad();
if (part('cityballots')) await benchCityBallots();
if (part('votercodes')) await benchVoterCodes();
if (part('store')) await benchStore();
if (part('follow')) await benchFollow();
if (part('consolepages')) benchConsolePages();
if (part('anonymise')) await benchAnonymise();
process.exit(0);
