// The load driver: a hall of simulated phones (scripts/fleet.ts) against a running forum, for
// the bench (scripts/bench.ts) and for the load test (server/test/load.test.ts).
//
// The coordinator (runPacedEvening, runClosedLoop) plays the facilitator with a console and keeps
// a projector connected, moves the forum through its phases, has the phones act in each, measures
// each step (ack latencies, timeouts, refusals, the projector's lag, the console's bytes, the
// server's CPU and memory, the driver's own load), and checks the forum's export against the acks
// the phones received: every dot acked is in the export exactly once. The phones run in this
// process, or spread over worker processes (scripts/load-worker.ts) when one cannot keep up.

import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { io, type Socket } from 'socket.io-client';
import type { PhoneForumInfo, ScreenView } from '../shared/protocol.js';
import { HeldView, type ViewPatch } from '../shared/viewPatch.js';
import { PROTOCOL_VERSION } from '../shared/version.js';
import { DEFAULT_LIMITS } from '../server/realtime/limits.js';
import { ACK_TIMEOUT_MS, Fleet, mergeCounts, mergeFigures, emptyFigures, bump, type ActionFigures, type FleetLike, type FleetOptions, type Figures, type LoopFigures, type StormFigures, type SubmittedIdea } from './fleet.js';
import { clock, combineLoads, cpuSeconds, DriverMonitor, listenDrops, ProcessSampler, projectorLag, sleep, spread, WireMeter, type DriverLoad, type ScreenSample, type Spread } from './measure.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

// ---------------------------------------------------------------- a fleet in a worker process

/** The same fleet in a child process (scripts/load-worker.ts), driven over IPC. */
export class RemoteFleet implements FleetLike {
  private readonly child: ChildProcess;
  private nextId = 0;
  private readonly waiting = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();

  constructor(options: FleetOptions) {
    this.child = fork(fileURLToPath(new URL('./load-worker.ts', import.meta.url)), [], {
      cwd: ROOT,
      execArgv: ['--import', 'tsx'],
      serialization: 'advanced',
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    this.child.on('message', (msg: { id: number; result?: unknown; error?: string }) => {
      const w = this.waiting.get(msg.id);
      if (!w) return;
      this.waiting.delete(msg.id);
      if (msg.error !== undefined) w.reject(new Error(msg.error));
      else w.resolve(msg.result);
    });
    this.child.on('exit', (code) => {
      for (const w of this.waiting.values()) w.reject(new Error(`load worker exited with ${code}`));
      this.waiting.clear();
    });
    void this.call('init', options);
  }

  private call<T>(method: string, ...args: unknown[]): Promise<T> {
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      this.waiting.set(id, { resolve: resolve as (v: unknown) => void, reject });
      this.child.send({ id, method, args });
    });
  }

  setCode(code: string): void {
    if (this.child.connected) this.child.send({ id: -1, method: 'setCode', args: [code] });
  }
  forumInfo = () => this.call<PhoneForumInfo | null>('forumInfo');
  join = (windowMs: number) => this.call<Figures>('join', windowMs);
  submitIdeas = (windowMs: number) => this.call<{ figures: Figures; ideas: SubmittedIdea[] }>('submitIdeas', windowMs);
  spendDots = (windowMs: number, ideas: Record<string, string[]>) => this.call<Figures>('spendDots', windowMs, ideas);
  loop = (durationMs: number, ideas: Record<string, string[]>) => this.call<LoopFigures>('loop', durationMs, ideas);
  storm = (at: number, timeoutMs: number) => this.call<StormFigures>('storm', at, timeoutMs);
  settle = () => this.call<{ settled: number; unsettled: number }>('settle');
  tally = () => this.call<Record<string, number>>('tally');
  bytes = () => this.call<number[]>('bytes');
  load = () => this.call<DriverLoad>('load');
  abort = () => this.call<void>('abort');
  async close(): Promise<void> {
    await this.call('close').catch(() => {});
    if (this.child.connected) this.child.disconnect();
  }
}

/** `phones` phones split over `workers` fleets: in this process for one, in child processes otherwise. */
function makeFleets(options: Omit<FleetOptions, 'first' | 'count'>, phones: number, workers: number): FleetLike[] {
  const n = Math.max(1, Math.min(workers, phones));
  return Array.from({ length: n }, (_, w) => {
    const first = Math.floor((w * phones) / n);
    const count = Math.floor(((w + 1) * phones) / n) - first;
    return n === 1 ? new Fleet({ ...options, first, count }) : new RemoteFleet({ ...options, first, count });
  });
}

// ---------------------------------------------------------------- the coordinator

/** A running forum to load: its address, its namespace and keys, and its process for memory and CPU. */
export interface ForumTarget {
  /** http://127.0.0.1:<port> */
  origin: string;
  slug: string;
  facilitatorKey: string;
  /** The projector's display key (screenUrl's ?key=). */
  screenKey: string;
  /** The server's process id; none when it runs in this process (then memory and CPU are not measured). */
  pid?: number;
  /** The server's protocol version, when it is an earlier checkout's (BENCH_BEFORE). */
  protocol?: number;
  /** Settles when the server's process exits: the run then stops where it is, and says so. */
  exited?: Promise<unknown>;
  /** What the server printed, for its last words when it exits. */
  output?: () => string;
}

/** The server went away in the middle of a run. */
class ServerGone extends Error {}

/**
 * Watches the server's process: once it has exited, every fleet's waiting actions end at once
 * (instead of each waiting out its timeout), and `check()` ends the run after the step under way.
 */
function watchServer(target: ForumTarget, fleets: () => FleetLike[], stage: Stage): { check(): void; stop(): void } {
  let gone: string | null = null;
  let watching = true;
  void target.exited?.then((code) => {
    if (!watching) return;
    // What it said after its start-up text (the addresses, the QR code), which says nothing of this.
    const said = target.output?.().split(/VICHE_LISTENING .*\n/).at(-1)?.trimEnd() ?? '';
    const last = said.split('\n').slice(-12).join('\n');
    gone = `the server exited (${code === null ? 'killed by a signal' : `code ${code}`}) during the run${last ? `; its last output:\n${last}` : ', saying nothing'}`;
    for (const f of fleets()) void f.abort().catch(() => {});
    stage.abandoned = true;
  });
  return {
    check: () => {
      if (gone) throw new ServerGone(gone);
    },
    stop: () => void (watching = false),
  };
}

export interface DriverOptions {
  phones: number;
  /** Fleets in worker processes; 1: all phones in this process. */
  workers?: number;
  ackTimeoutMs?: number;
  /** Progress lines, for a long run. */
  log?: (line: string) => void;
}

export interface EveningOptions extends DriverOptions {
  joinS: number;
  ideasS: number;
  votingS: number;
  /**
   * The reveals spread evenly over this many seconds, as a facilitator shows one priority after
   * another (in a hall, minutes apart); 0 reveals them one after the other at once.
   */
  revealS?: number;
  /** Drop every phone's connection at once at the end of voting, and measure the return. */
  storm?: boolean;
  stormTimeoutMs?: number;
}

export interface LoopOptions extends DriverOptions {
  loopS: number;
  /** A bare Socket.IO server to drive the same way, for the ratio. */
  bare?: { origin: string; pid?: number };
}

/** One step of a run: one kind of action, with what it cost the server and the console. */
export interface StepFigures {
  action: string;
  sent: number;
  ok: number;
  timeouts: number;
  refused: Record<string, number>;
  failed: Record<string, number>;
  resent: number;
  duplicates: number;
  /** Ack latency, ms. */
  latency: Spread;
  /** The projector's lag behind the acks, ms (see measure.ts projectorLag); null where it shows nothing of it. */
  projectorLag: (Spread & { unreached: number }) | null;
  /** The step's wall time. */
  seconds: number;
  /** Bytes the console's WebSocket received per second during the step. */
  consoleBytesPerS: number;
  /** The server's CPU time during the step, as a share of one core (NaN: not measured). */
  serverCpu: number;
  /**
   * The load driver's own processes over the step: CPU as a share of one core (all its processes
   * together), and the worst event-loop delay. A driver near a full core, or with delays of tens
   * of ms, measures itself as much as the server.
   */
  driver: { cpu: number; delayP99Ms: number; delayMaxMs: number };
  /** Connection attempts dropped by a full accept queue during the step, on the whole machine (measure.ts listenDrops). */
  listenDrops: number;
  /** The server's peak resident memory during the step, MiB. */
  serverPeakRssMiB: number;
}

/** Phone dots acked (placed minus removed, per idea) against the export's phoneDots. */
export interface DotCheck {
  acked: number;
  exported: number;
  /** Acked but not in the export. */
  lost: number;
  /** In the export more often than acked. */
  doubled: number;
  /** Actions whose ack never came even when sent again: their outcome is unknown. */
  unsettled: number;
  /** The export could not be read (its error), so nothing was compared. */
  error?: string;
}

export interface StormSummary {
  phones: number;
  /** ms from the drop until each phone was connected again with its `me` view. */
  back: Spread;
  /** ms from the drop until the last phone was back. */
  allBackMs: number;
  notBack: number;
  /** ms until every dropped action was answered and every dot put back. */
  resyncedMs: number;
  meMismatch: number;
  /** The server's CPU seconds from the drop until every phone was back and resynced. */
  cpuSeconds: number;
  /** Frames per phone from the drop until settled: received and sent (fleet.ts StormFigures). */
  frames: { in: number; out: number };
  steps: StepFigures[];
  check: DotCheck;
}

export interface ShapeFigures {
  shape: 'paced' | 'loop';
  phones: number;
  workers: number;
  /** The windows the actions were spread over, s. */
  windows: Record<string, number>;
  steps: StepFigures[];
  /** The phases the console moved the forum to, in order (acked). */
  phases: string[];
  priorities: number;
  revealed: number;
  server: { peakRssMiB: number; cpuSeconds: number };
  /** Bytes the console's WebSocket received over the whole run. */
  console: { bytes: number; seconds: number; bytesPerS: number };
  check: DotCheck;
  storm?: StormSummary;
  loop?: {
    seconds: number;
    durablePerS: number;
    /** What the server's rate limits allow at most over the loop: each connection's burst and steady rate. */
    rateCeilingPerS?: number;
    bare?: { acksPerS: number; latency: Spread; seconds: number; peakRssMiB: number; cpuSeconds: number; steps: StepFigures[] };
    ratio?: number;
  };
  /** What went wrong outside the phones' actions (a phase refused, the export unreadable). */
  errors: string[];
  seconds: number;
  /** Bytes on the air: what the phones read on the wire in each part of the evening. */
  air?: AirFigures[];
}

/** The bytes every phone read on the wire (frames and all) over one part of an evening. */
export interface AirFigures {
  part: string;
  seconds: number;
  /** All phones together. */
  total: number;
  /** Per phone. */
  p50: number;
  p95: number;
  max: number;
  /** The most any one phone read, averaged over the part, kbit/s. */
  maxKbitPerS: number;
}

/** What each phone of the fleets has read so far, and when. */
async function airNow(fleets: FleetLike[]): Promise<{ t: number; bytes: number[] }> {
  const bytes = (await Promise.all(fleets.map((f) => f.bytes()))).flat();
  return { t: clock(), bytes };
}

function airBetween(part: string, from: { t: number; bytes: number[] }, to: { t: number; bytes: number[] }): AirFigures {
  const per = to.bytes.map((b, i) => b - (from.bytes[i] ?? 0));
  const seconds = (to.t - from.t) / 1000;
  const s = spread(per);
  const max = per.length ? Math.max(...per) : 0;
  return { part, seconds, total: per.reduce((a, b) => a + b, 0), p50: s.p50, p95: s.p95, max, maxKbitPerS: (max * 8) / 1000 / Math.max(seconds, 0.001) };
}

type ConsoleAck = { ok: boolean; error?: { code: string } } | null;

/** The facilitator's console and the projector, connected from 127.0.0.1, with what they saw. */
class Stage {
  console!: Socket;
  screen!: Socket;
  /** Every `screen` view's counts, as they arrived. */
  readonly samples: { t: number; joined: number; ideas: number; voted: number; revealed: number }[] = [];
  code = '';
  onCode: (code: string) => void = () => {};
  private consoleWire: WireMeter | null = null;
  private closed = false;
  /** When the console or the projector lost its connection, and why: a figure of the run. */
  readonly drops: string[] = [];

  constructor(
    private readonly target: ForumTarget,
    private readonly ackTimeoutMs: number,
  ) {}

  async open(): Promise<void> {
    const url = `${this.target.origin}/f/${this.target.slug}`;
    const opts = { transports: ['websocket'], forceNew: true, reconnection: true, reconnectionDelay: 500 };
    const v = this.target.protocol ?? PROTOCOL_VERSION;
    this.console = io(url, { ...opts, auth: { v, role: 'console', key: this.target.facilitatorKey, lang: 'en' } });
    this.screen = io(url, { ...opts, auth: { v, role: 'screen', key: this.target.screenKey, lang: 'en' } });
    const first = new Promise<void>((resolve) => this.screen.once('screen', () => resolve()));
    const t0 = clock();
    this.consoleWire = new WireMeter(this.console);
    this.console.on('disconnect', (reason) => {
      if (!this.closed) this.drops.push(`the console lost its connection after ${((clock() - t0) / 1000).toFixed(0)} s (${reason})`);
    });
    this.screen.on('disconnect', (reason) => {
      if (!this.closed) this.drops.push(`the projector lost its connection after ${((clock() - t0) / 1000).toFixed(0)} s (${reason})`);
    });
    // The projector is sent its view whole, then as patches (shared/viewPatch.ts), applied in order.
    const held = new HeldView<ScreenView>();
    this.screen.on('screen', (view: ScreenView, v: number) => this.sample(held.whole(view, v)));
    this.screen.on('screen:patch', (patch: ViewPatch) => {
      const next = held.patch(patch);
      if (next === 'resync') this.screen.emit('view:resync');
      else if (next) this.sample(next);
    });
    const opened = Promise.all([first, new Promise<void>((resolve) => this.console.once('console', () => resolve()))]);
    let timer: NodeJS.Timeout | undefined;
    const refused = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error('the console or the projector did not connect')), this.ackTimeoutMs);
    });
    await Promise.race([opened, refused]).finally(() => clearTimeout(timer));
  }

  private sample(v: ScreenView): void {
    const sum = (r: Record<string, number>) => Object.values(r).reduce((a, b) => a + b, 0);
    this.samples.push({ t: clock(), joined: v.joined, ideas: sum(v.ideaCounts), voted: sum(v.votedPerPriority), revealed: v.results.length });
    if (v.joinCode !== this.code) {
      this.code = v.joinCode;
      this.onCode(v.joinCode);
    }
  }

  latest(metric: 'joined' | 'ideas' | 'voted' | 'revealed'): number {
    return this.samples.at(-1)?.[metric] ?? 0;
  }

  series(metric: 'joined' | 'ideas' | 'voted' | 'revealed'): ScreenSample[] {
    return this.samples.map((s) => ({ t: s.t, value: s[metric] }));
  }

  /** Set when the server has gone: nothing more will come. */
  abandoned = false;

  /** Waits (up to `ms`) until the projector shows at least `value`. */
  async until(metric: 'joined' | 'ideas' | 'voted' | 'revealed', value: number, ms = 30_000): Promise<void> {
    const end = clock() + ms;
    while (this.latest(metric) < value && clock() < end && !this.abandoned) await sleep(50);
  }

  command(event: string, payload: unknown): Promise<ConsoleAck> {
    return this.console
      .timeout(this.ackTimeoutMs)
      .emitWithAck(event, payload)
      .catch(() => null) as Promise<ConsoleAck>;
  }

  consoleBytes(): number {
    return this.consoleWire?.read() ?? 0;
  }

  close(): void {
    this.closed = true;
    this.console?.close();
    this.screen?.close();
  }
}

/** Reads the export and compares each idea's phoneDots with the phones' acked tally. */
async function checkDots(target: ForumTarget, tally: Record<string, number>, unsettled: number): Promise<DotCheck> {
  const acked = Object.values(tally).reduce((a, b) => a + b, 0);
  try {
    const res = await fetch(`${target.origin}/f/${target.slug}/api/export.json`, { headers: { 'x-facilitator-key': target.facilitatorKey } });
    if (!res.ok) throw new Error(`HTTP ${res.status}`);
    const body = (await res.json()) as { priorities: { ideas: { id: string; phoneDots: number }[] }[] };
    const exported: Record<string, number> = {};
    for (const p of body.priorities) for (const idea of p.ideas) exported[idea.id] = idea.phoneDots;
    let lost = 0;
    let doubled = 0;
    for (const id of new Set([...Object.keys(tally), ...Object.keys(exported)])) {
      const d = (tally[id] ?? 0) - (exported[id] ?? 0);
      if (d > 0) lost += d;
      else doubled -= d;
    }
    return { acked, exported: Object.values(exported).reduce((a, b) => a + b, 0), lost, doubled, unsettled };
  } catch (err) {
    return { acked, exported: NaN, lost: NaN, doubled: NaN, unsettled, error: (err as Error).message };
  }
}

/** Summaries of a step's figures, kind by kind. */
function summarise(
  fig: Figures,
  kinds: string[],
  span: Span,
  lagOf: (kind: string, f: ActionFigures) => StepFigures['projectorLag'],
): StepFigures[] {
  return kinds.map((action) => {
    const f = fig[action] ?? emptyFigures();
    return {
      action,
      sent: f.sent,
      ok: f.ok,
      timeouts: f.timeouts,
      refused: f.refused,
      failed: f.failed,
      resent: f.resent,
      duplicates: f.duplicates,
      latency: spread(f.latencies),
      projectorLag: lagOf(action, f),
      seconds: span.seconds,
      consoleBytesPerS: span.seconds > 0 ? span.consoleBytes / span.seconds : 0,
      serverCpu: span.seconds > 0 ? span.cpu / span.seconds : NaN,
      driver: { cpu: span.seconds > 0 ? span.driver.cpuSeconds / span.seconds : NaN, delayP99Ms: span.driver.delayP99Ms, delayMaxMs: span.driver.delayMaxMs },
      listenDrops: span.listenDrops,
      serverPeakRssMiB: span.peakRssMiB,
    };
  });
}

/** What a step cost: its wall time, the console's bytes, the server's CPU seconds and the driver's load. */
interface Span {
  seconds: number;
  consoleBytes: number;
  cpu: number;
  driver: DriverLoad;
  listenDrops: number;
  peakRssMiB: number;
}

interface Probes {
  stage: Stage | null;
  sampler: ProcessSampler;
  fleets: FleetLike[];
  /** This process's load; worker processes report theirs. */
  monitor: DriverMonitor;
}

/** The driver's processes' load since the last call. */
async function driverLoad(p: Probes): Promise<DriverLoad> {
  const remote = await Promise.all(p.fleets.map((f) => f.load().catch(() => null)));
  return combineLoads([p.monitor.take(), ...remote.filter((l): l is DriverLoad => l !== null)]);
}

/** Runs one measured step. */
async function measured<T>(p: Probes, run: () => Promise<T>): Promise<{ result: T; span: Span }> {
  await driverLoad(p);
  const t0 = clock();
  const b0 = p.stage?.consoleBytes() ?? 0;
  const c0 = p.sampler.cpu();
  const d0 = listenDrops();
  p.sampler.stepPeak();
  const result = await run();
  const span = {
    seconds: (clock() - t0) / 1000,
    consoleBytes: (p.stage?.consoleBytes() ?? 0) - b0,
    cpu: p.sampler.cpu() - c0,
    driver: await driverLoad(p),
    listenDrops: listenDrops() - d0,
    peakRssMiB: p.sampler.stepPeak(),
  };
  return { result, span };
}

async function allSettle(fleets: FleetLike[]): Promise<number> {
  const r = await Promise.all(fleets.map((f) => f.settle()));
  return r.reduce((a, b) => a + b.unsettled, 0);
}

async function allTally(fleets: FleetLike[]): Promise<Record<string, number>> {
  return mergeCounts(await Promise.all(fleets.map((f) => f.tally())));
}

function byPriority(ideas: SubmittedIdea[]): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const idea of ideas) (out[idea.priorityCode] ??= []).push(idea.id);
  return out;
}

/** The forum's priorities and rules, as the phones were sent them. */
async function forumOf(fleets: FleetLike[]): Promise<PhoneForumInfo | null> {
  for (const f of fleets) {
    const info = await f.forumInfo();
    if (info) return info;
  }
  return null;
}

/**
 * What both shapes set up and take down: the console and the projector (Stage), the phones'
 * fleets, the samplers of the server and the driver, the phases reached and what went wrong.
 */
function startRun(target: ForumTarget, options: DriverOptions) {
  const ackTimeoutMs = options.ackTimeoutMs ?? ACK_TIMEOUT_MS;
  const workers = options.workers ?? 1;
  const stage = new Stage(target, ackTimeoutMs);
  const bytes0 = { t: clock(), b: 0 };
  const run = {
    log: options.log ?? (() => {}),
    ackTimeoutMs,
    workers,
    stage,
    sampler: new ProcessSampler(target.pid),
    monitor: new DriverMonitor(),
    t0: clock(),
    steps: [] as StepFigures[],
    phases: [] as string[],
    errors: [] as string[],
    fleets: makeFleets({ socketUrl: `${target.origin}/f/${target.slug}`, ackTimeoutMs, ...(target.protocol ? { protocol: target.protocol } : {}) }, options.phones, workers),
    server: null as unknown as ReturnType<typeof watchServer>,
    /** What a step is measured with: the console and projector, the server's and the driver's load. */
    probes: (): Probes => ({ stage, sampler: run.sampler, fleets: run.fleets, monitor: run.monitor }),
    /** Opens the console and the projector; the phones are given the join code the projector shows. */
    async open() {
      await stage.open();
      bytes0.b = stage.consoleBytes();
      stage.onCode = (code) => run.fleets.forEach((f) => f.setCode(code));
      run.fleets.forEach((f) => f.setCode(stage.code));
    },
    /** Moves the forum on from the console; a refusal is one of the run's errors. */
    async phase(to: string, announce = true) {
      const ack = await stage.command('phase:set', { to });
      if (ack?.ok) run.phases.push(to);
      else run.errors.push(`phase:set ${to}: ${ack ? ack.error?.code : 'no ack'}`);
      if (announce) run.log(`  phase ${to}`);
    },
    failed(err: unknown) {
      run.errors.push(err instanceof ServerGone ? err.message : ((err as Error)?.stack ?? String(err)));
    },
    async close() {
      run.server.stop();
      stage.close();
      run.errors.push(...stage.drops);
      run.monitor.stop();
      await Promise.all(run.fleets.map((f) => f.close().catch(() => {})));
    },
    /** What the console received since the run opened. */
    console() {
      const bytes = stage.consoleBytes() - bytes0.b;
      const seconds = (clock() - bytes0.t) / 1000;
      return { bytes, seconds, bytesPerS: bytes / seconds };
    },
  };
  run.server = watchServer(target, () => run.fleets, stage);
  return run;
}

/**
 * A paced evening: a console and a projector connected; the phones join spread over `joinS`, each
 * writes an idea spread over `ideasS`, and spends all its dots spread over `votingS` (each action
 * at a uniformly random time within its window); optionally a reconnect storm; then the results,
 * every priority revealed. Never throws for what the server does: refusals, timeouts and errors
 * are figures.
 */
export async function runPacedEvening(target: ForumTarget, options: EveningOptions): Promise<ShapeFigures> {
  const run = startRun(target, options);
  const { log, workers, sampler, stage, steps, server, phase } = run;
  const fleets = run.fleets;
  let unsettled = 0;
  let check: DotCheck = { acked: 0, exported: NaN, lost: NaN, doubled: NaN, unsettled: 0, error: 'not reached' };
  let storm: StormSummary | undefined;
  let priorities = 0;
  let revealed = 0;
  const air: AirFigures[] = [];
  let airMark = { t: clock(), bytes: [] as number[] };
  /** Closes a part of the evening for the bytes on the air. */
  const airPart = async (part: string) => {
    const now = await airNow(fleets);
    air.push(airBetween(part, airMark, now));
    airMark = now;
  };

  const lagFor = (metric: 'joined' | 'ideas' | 'voted' | 'revealed', base: number) => (_kind: string, f: ActionFigures) => {
    const { lags, unreached } = projectorLag(f.raised, base, stage.series(metric));
    return { ...spread(lags), unreached };
  };
  try {
    await run.open();

    // Joining.
    log(`  ${options.phones} phones join over ${options.joinS} s`);
    let base = stage.latest('joined');
    const joined = await measured(run.probes(), async () => mergeFigures(...(await Promise.all(fleets.map((f) => f.join(options.joinS * 1000))))));
    unsettled += await allSettle(fleets);
    await stage.until('joined', base + (joined.result.join?.raised.length ?? 0));
    steps.push(...summarise(joined.result, ['connect', 'join'], joined.span, (kind, f) => (kind === 'join' ? lagFor('joined', base)(kind, f) : null)));
    server.check();

    // Ideas.
    await airPart('join');
    await phase('ideas');
    const forum = await forumOf(fleets);
    priorities = forum?.priorities.length ?? 0;
    log(`  ideas over ${options.ideasS} s`);
    base = stage.latest('ideas');
    const submitted = await measured(run.probes(), () => Promise.all(fleets.map((f) => f.submitIdeas(options.ideasS * 1000))));
    unsettled += await allSettle(fleets);
    const ideaFigures = mergeFigures(...submitted.result.map((r) => r.figures));
    await stage.until('ideas', base + (ideaFigures.idea?.raised.length ?? 0));
    steps.push(...summarise(ideaFigures, ['idea'], submitted.span, lagFor('ideas', base)));
    server.check();
    const ideas = byPriority(submitted.result.flatMap((r) => r.ideas));

    // Voting.
    await airPart('ideas');
    await phase('review');
    await phase('voting');
    log(`  dots over ${options.votingS} s`);
    base = stage.latest('voted');
    const voted = await measured(run.probes(), async () => mergeFigures(...(await Promise.all(fleets.map((f) => f.spendDots(options.votingS * 1000, ideas))))));
    unsettled += await allSettle(fleets);
    await stage.until('voted', base + (voted.result.dot?.raised.length ?? 0));
    steps.push(...summarise(voted.result, ['dot'], voted.span, lagFor('voted', base)));
    server.check();
    check = await checkDots(target, await allTally(fleets), unsettled);

    await airPart('voting');
    if (options.storm) {
      log('  reconnect storm: every phone dropped at once');
      const stormTimeoutMs = options.stormTimeoutMs ?? 120_000;
      const at = clock() + 500;
      // On the monotonic clock a server's --cpu-prof profile counts in (µs), to cut the storm out of it.
      const monotonicUs = () => Number(process.hrtime.bigint() / 1000n);
      const dropUs = monotonicUs() + (at - clock()) * 1000;
      const dropped = await measured(run.probes(), () => Promise.all(fleets.map((f) => f.storm(at, stormTimeoutMs))));
      log(`  reconnect storm over: from ${dropUs.toFixed(0)} to ${monotonicUs()} µs on the monotonic clock (a --cpu-prof profile's)`);
      const stormUnsettled = unsettled + (await allSettle(fleets));
      const backs = dropped.result.flatMap((r) => r.back);
      storm = {
        phones: dropped.result.reduce((a, r) => a + r.dropped, 0),
        back: spread(backs),
        allBackMs: backs.length ? Math.max(...backs) : NaN,
        notBack: dropped.result.reduce((a, r) => a + r.notBack, 0),
        resyncedMs: Math.max(0, ...dropped.result.map((r) => r.settledMs)),
        meMismatch: dropped.result.reduce((a, r) => a + r.meMismatch, 0),
        cpuSeconds: dropped.span.cpu,
        frames: framesPerPhone(dropped.result),
        steps: summarise(mergeFigures(...dropped.result.map((r) => r.figures)), ['storm'], dropped.span, () => null),
        check: await checkDots(target, await allTally(fleets), stormUnsettled),
      };
      unsettled = stormUnsettled;
      server.check();
    }

    if (options.storm) await airPart('storm');
    // Results, every priority revealed, as the facilitator does at the end.
    await phase('results');
    const revealFig: Figures = { reveal: emptyFigures() };
    base = stage.latest('revealed');
    const reveals = await measured(run.probes(), async () => {
      const priorities = forum?.priorities ?? [];
      const gapMs = ((options.revealS ?? 0) * 1000) / Math.max(1, priorities.length);
      for (const [i, p] of priorities.entries()) {
        if (i > 0 && gapMs > 0) await new Promise((r) => setTimeout(r, gapMs));
        const f = revealFig.reveal;
        f.sent++;
        const t = clock();
        const ack = await stage.command('priority:reveal', { priorityCode: p.code });
        if (!ack) f.timeouts++;
        else {
          f.latencies.push(clock() - t);
          if (ack.ok) {
            f.ok++;
            f.raised.push(clock());
          } else bump(f.refused, ack.error?.code ?? '?');
        }
      }
    });
    revealed = revealFig.reveal.ok;
    await stage.until('revealed', base + revealed);
    steps.push(...summarise(revealFig, ['reveal'], reveals.span, lagFor('revealed', base)));
    // The last priority's rankings are read for as long as each of the others was.
    if (options.revealS) await new Promise((r) => setTimeout(r, (options.revealS! * 1000) / Math.max(1, forum?.priorities.length ?? 1)));
    await airPart('results');
  } catch (err) {
    run.failed(err);
  } finally {
    await run.close();
  }
  const seconds = (clock() - run.t0) / 1000;
  return {
    shape: 'paced',
    phones: options.phones,
    workers,
    windows: { join: options.joinS, idea: options.ideasS, dot: options.votingS },
    steps,
    phases: run.phases,
    priorities,
    revealed,
    server: sampler.stop(),
    console: run.console(),
    check,
    ...(storm ? { storm } : {}),
    errors: run.errors,
    seconds,
    air,
  };
}

/**
 * The closed loop: the phones join and write an idea each, as fast as they can (set-up, reported
 * but not the point); then, in voting, every phone places and removes a dot as fast as its acks
 * come back for `loopS`. Then the same phones do the same against a bare Socket.IO server, when
 * one is given, for the ratio: durable dot changes per second against bare acks per second.
 */
/** What a reconnect storm took on a bare Socket.IO server. */
export interface BareStormFigures {
  clients: number;
  back: Spread;
  allBackMs: number;
  notBack: number;
  /** The server's CPU seconds from the drop until every client was back (NaN without its pid). */
  cpuSeconds: number;
  frames: { in: number; out: number };
}

/** Frames per phone in a storm, over every fleet's phones. */
function framesPerPhone(storms: StormFigures[]): { in: number; out: number } {
  const phones = Math.max(1, storms.reduce((a, r) => a + r.dropped, 0));
  return { in: storms.reduce((a, r) => a + r.framesIn, 0) / phones, out: storms.reduce((a, r) => a + r.framesOut, 0) / phones };
}

/**
 * The reconnect storm against a bare Socket.IO server (scripts/bare-server.ts), for the ratio:
 * `clients` clients, spread over `workers` processes as the hall's phones are, connect; then every
 * connection is closed under them at once, and each is back when it is connected again and its
 * first event is answered. With `reconnectWithinMs`, the clients reconnect within that window as
 * the phone page does; without it, with the fleet's own Socket.IO delays (0.25 to 0.75 s).
 */
export async function runBareStorm(origin: string, options: { clients: number; workers: number; reconnectWithinMs?: number; timeoutMs?: number; pid?: number }): Promise<BareStormFigures> {
  const fleets = makeFleets({ socketUrl: origin, bare: true, reconnectWithinMs: options.reconnectWithinMs }, options.clients, options.workers);
  try {
    await Promise.all(fleets.map((f) => f.join(0)));
    const at = clock() + 500;
    const cpu0 = options.pid ? cpuSeconds(options.pid) : NaN;
    const dropped = await Promise.all(fleets.map((f) => f.storm(at, options.timeoutMs ?? 120_000)));
    const cpu = options.pid ? cpuSeconds(options.pid) - cpu0 : NaN;
    const backs = dropped.flatMap((r) => r.back);
    return {
      cpuSeconds: cpu,
      clients: dropped.reduce((a, r) => a + r.dropped, 0),
      back: spread(backs),
      allBackMs: backs.length ? Math.max(...backs) : NaN,
      notBack: dropped.reduce((a, r) => a + r.notBack, 0),
      frames: framesPerPhone(dropped),
    };
  } finally {
    await Promise.all(fleets.map((f) => f.close()));
  }
}

export async function runClosedLoop(target: ForumTarget, options: LoopOptions): Promise<ShapeFigures> {
  const run = startRun(target, options);
  const { log, ackTimeoutMs, workers, sampler, monitor, stage, steps, server } = run;
  const phase = (to: string) => run.phase(to, false);
  let fleets = run.fleets;
  let check: DotCheck = { acked: 0, exported: NaN, lost: NaN, doubled: NaN, unsettled: 0, error: 'not reached' };
  let loop: ShapeFigures['loop'] | undefined;
  let priorities = 0;
  const rename = (s: StepFigures[], suffix: string) => s.map((x) => ({ ...x, action: `${x.action} ${suffix}` }));

  try {
    await run.open();
    log(`  ${options.phones} phones join and write an idea each (set-up)`);
    const joined = await measured(run.probes(), async () => mergeFigures(...(await Promise.all(fleets.map((f) => f.join(0))))));
    steps.push(...rename(summarise(joined.result, ['connect', 'join'], joined.span, () => null), '(set-up)'));
    server.check();
    await phase('ideas');
    priorities = (await forumOf(fleets))?.priorities.length ?? 0;
    const submitted = await measured(run.probes(), () => Promise.all(fleets.map((f) => f.submitIdeas(0))));
    steps.push(...rename(summarise(mergeFigures(...submitted.result.map((r) => r.figures)), ['idea'], submitted.span, () => null), '(set-up)'));
    server.check();
    const ideas = byPriority(submitted.result.flatMap((r) => r.ideas));
    await phase('review');
    await phase('voting');
    let unsettled = await allSettle(fleets);

    log(`  closed loop for ${options.loopS} s`);
    const looped = await measured(run.probes(), () => Promise.all(fleets.map((f) => f.loop(options.loopS * 1000, ideas))));
    const loopFig = mergeFigures(...looped.result.map((r) => r.figures));
    const loopSeconds = Math.max(...looped.result.map((r) => r.seconds));
    steps.push(...summarise(loopFig, ['dot'], { ...looped.span, seconds: loopSeconds }, () => null));
    server.check();
    unsettled += await allSettle(fleets);
    check = await checkDots(target, await allTally(fleets), unsettled);
    loop = {
      seconds: loopSeconds,
      durablePerS: (loopFig.dot?.ok ?? 0) / loopSeconds,
      rateCeilingPerS: options.phones * (DEFAULT_LIMITS.commandsPerConnection.perSecond + DEFAULT_LIMITS.commandsPerConnection.burst / options.loopS),
    };
    server.stop();
    stage.close();
    await Promise.all(fleets.map((f) => f.close().catch(() => {})));

    if (options.bare) {
      log(`  the same loop against a bare Socket.IO server`);
      const bareSampler = new ProcessSampler(options.bare.pid);
      fleets = run.fleets = makeFleets({ socketUrl: options.bare.origin, ackTimeoutMs, bare: true }, options.phones, workers);
      const connected = await measured({ stage: null, sampler: bareSampler, fleets, monitor }, async () => mergeFigures(...(await Promise.all(fleets.map((f) => f.join(0))))));
      const bareLoop = await measured({ stage: null, sampler: bareSampler, fleets, monitor }, () => Promise.all(fleets.map((f) => f.loop(options.loopS * 1000, ideas))));
      const bareFig = mergeFigures(...bareLoop.result.map((r) => r.figures));
      const bareSeconds = Math.max(...bareLoop.result.map((r) => r.seconds));
      const bareSteps = [
        ...rename(summarise(connected.result, ['connect'], connected.span, () => null), '(bare, set-up)'),
        ...rename(summarise(bareFig, ['dot'], { ...bareLoop.span, seconds: bareSeconds }, () => null), '(bare)'),
      ];
      const used = bareSampler.stop();
      const acksPerS = (bareFig.dot?.ok ?? 0) / bareSeconds;
      loop.bare = { acksPerS, latency: spread(bareFig.dot?.latencies ?? []), seconds: bareSeconds, peakRssMiB: used.peakRssMiB, cpuSeconds: used.cpuSeconds, steps: bareSteps };
      loop.ratio = loop.durablePerS / acksPerS;
    }
  } catch (err) {
    run.failed(err);
  } finally {
    await run.close();
  }
  return {
    shape: 'loop',
    phones: options.phones,
    workers,
    windows: { dot: options.loopS },
    steps,
    phases: run.phases,
    priorities,
    revealed: 0,
    server: sampler.stop(),
    console: run.console(),
    check,
    ...(loop ? { loop } : {}),
    errors: run.errors,
    seconds: (clock() - run.t0) / 1000,
  };
}
