// Measurement helpers for the bench and the load driver: a clock that agrees across processes,
// percentiles, a sampler of a server process's memory and CPU time, the bytes a socket reads off
// the wire, and the projector's lag behind the acks.

import { readFileSync } from 'node:fs';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import type { Socket } from 'socket.io-client';

/**
 * Milliseconds since the epoch, with sub-millisecond resolution. Both terms come from the same
 * system clock, so times taken in the load driver's worker processes can be compared with each
 * other and with the coordinator's.
 */
export const clock = (): number => performance.timeOrigin + performance.now();

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));

/**
 * The value below which `p` per cent of `sorted` (ascending) lie: nearest rank. The one formula of
 * every figure the scripts give as a percentile or a median; NaN for no values.
 */
export function percentile(sorted: ArrayLike<number>, p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

/** percentile of values in any order. */
export const percentileOf = (values: readonly number[], p: number): number => percentile(Float64Array.from(values).sort(), p);

export interface Spread {
  n: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
}

export function spread(values: readonly number[]): Spread {
  const sorted = Float64Array.from(values).sort();
  return {
    n: sorted.length,
    p50: percentile(sorted, 50),
    p95: percentile(sorted, 95),
    p99: percentile(sorted, 99),
    max: sorted.length ? sorted[sorted.length - 1] : NaN,
  };
}

/** Clock ticks per second of /proc/<pid>/stat's times: 100 on every Linux we run on. */
const TICKS_PER_SECOND = 100;

/** CPU seconds a process has used so far (user + system), or NaN once it is gone. */
export function cpuSeconds(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may hold spaces; the fields counted here come after its ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND; // utime, stime (fields 14, 15)
  } catch {
    return NaN;
  }
}

/** A process's resident memory now, in MiB, or NaN once it is gone. */
export function rssMiB(pid: number): number {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? NaN) / 1024;
  } catch {
    return NaN;
  }
}

/**
 * Samples a process's resident memory every `everyMs` and keeps the peak; CPU time is read at
 * `mark()`s, so each step of a run gets its own share. Without a pid (a server in this very
 * process) it measures nothing and says so with NaN.
 */
export class ProcessSampler {
  peakRssMiB = NaN;
  /** The peak since the last `stepPeak()`. */
  private peakInStep = NaN;
  private timer: NodeJS.Timeout | null = null;
  private readonly cpuAtStart: number;

  constructor(
    readonly pid: number | undefined,
    everyMs = 250,
  ) {
    this.cpuAtStart = this.cpu();
    if (pid === undefined) return;
    this.sample();
    this.timer = setInterval(() => this.sample(), everyMs);
    this.timer.unref();
  }

  private sample(): void {
    const rss = rssMiB(this.pid!);
    if (!Number.isNaN(rss) && !(rss <= this.peakRssMiB)) this.peakRssMiB = rss;
    if (!Number.isNaN(rss) && !(rss <= this.peakInStep)) this.peakInStep = rss;
    this.cpu();
  }

  /** The last CPU time read, so that a process that has died still has one. */
  private lastCpu = NaN;

  /** CPU seconds used since the process started. */
  cpu(): number {
    if (this.pid === undefined) return NaN;
    const now = cpuSeconds(this.pid);
    if (!Number.isNaN(now)) this.lastCpu = now;
    return this.lastCpu;
  }

  /** CPU seconds used since this sampler was made. */
  cpuSinceStart(): number {
    return this.cpu() - this.cpuAtStart;
  }

  /** The peak resident memory since the last call (a step's), in MiB. */
  stepPeak(): number {
    if (this.pid !== undefined) this.sample();
    const peak = this.peakInStep;
    this.peakInStep = NaN;
    return peak;
  }

  stop(): { peakRssMiB: number; cpuSeconds: number } {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    if (this.pid !== undefined) this.sample();
    return { peakRssMiB: this.peakRssMiB, cpuSeconds: this.cpuSinceStart() };
  }
}

/**
 * Bytes a client has read off the wire over all its connections: the TCP socket under each
 * WebSocket it opens is kept (a dropped transport lets go of its WebSocket, not of the count).
 */
export class WireMeter {
  private readonly raws = new Set<{ bytesRead: number }>();

  constructor(private readonly socket: Socket) {
    this.keep();
    socket.io.on('open', () => this.keep());
  }

  private keep(): void {
    const raw = rawSocket(this.socket);
    if (raw) this.raws.add(raw);
  }

  read(): number {
    this.keep();
    let sum = 0;
    for (const raw of this.raws) sum += raw.bytesRead;
    return sum;
  }
}

function rawSocket(s: Socket): { bytesRead: number; bytesWritten: number } | undefined {
  return (s.io.engine as unknown as { transport?: { ws?: { _socket?: { bytesRead: number; bytesWritten: number } } } } | undefined)?.transport?.ws?._socket;
}

/** Bytes a client's WebSocket has read from and written to the wire (frames and all). */
export function wire(s: Socket): { read: number; written: number } {
  const raw = rawSocket(s);
  return { read: raw?.bytesRead ?? 0, written: raw?.bytesWritten ?? 0 };
}

/** A count shown by the projector, as seen at a time: one `screen` view. */
export interface ScreenSample {
  t: number;
  value: number;
}

/**
 * The projector's lag behind the acks of one kind of action.
 *
 * `acks` are the times at which a phone received an ack that raises a count the projector shows
 * (a join raises `joined`, a new idea the sum of `ideaCounts`, a participant's first dot in a
 * priority the sum of `votedPerPriority`). By the time the k-th such ack of a step arrives, at
 * least k such changes are saved, so the projector is up to date with it once it shows
 * `base + k` or more, `base` being its count before the step. The lag of the k-th ack is the time
 * from that ack to the first `screen` view showing at least `base + k`, and 0 when the projector
 * already showed it. Acks the projector never caught up with are counted as `unreached`.
 */
export function projectorLag(acks: readonly number[], base: number, samples: readonly ScreenSample[]): { lags: number[]; unreached: number } {
  const sorted = [...acks].sort((a, b) => a - b);
  const lags: number[] = [];
  let unreached = 0;
  let j = 0;
  for (let k = 0; k < sorted.length; k++) {
    const target = base + k + 1;
    // The first view reaching the target: its index only grows with the target.
    while (j < samples.length && samples[j].value < target) j++;
    if (j >= samples.length) {
      unreached += sorted.length - k;
      break;
    }
    lags.push(Math.max(0, samples[j].t - sorted[k]));
  }
  return { lags, unreached };
}

/** How busy a load-driving process was over a step: CPU time, and how late its timers ran. */
export interface DriverLoad {
  /** CPU seconds (user + system) used over the step. */
  cpuSeconds: number;
  /** Event-loop delay, ms: how long a ready callback waited. Past a few ms, the driver is the bottleneck. */
  delayP99Ms: number;
  delayMaxMs: number;
}

/** Watches this process's event loop and CPU time; each `take()` covers the time since the last. */
export class DriverMonitor {
  private readonly histogram = monitorEventLoopDelay({ resolution: 10 });
  private cpu = process.cpuUsage();

  constructor() {
    this.histogram.enable();
  }

  take(): DriverLoad {
    const used = process.cpuUsage(this.cpu);
    this.cpu = process.cpuUsage();
    const load = {
      cpuSeconds: (used.user + used.system) / 1e6,
      delayP99Ms: this.histogram.count ? this.histogram.percentile(99) / 1e6 : 0,
      delayMaxMs: this.histogram.count ? this.histogram.max / 1e6 : 0,
    };
    this.histogram.reset();
    return load;
  }

  stop(): void {
    this.histogram.disable();
  }
}

/** Several processes' loads over the same step: CPU adds up, delays are the worst. */
export function combineLoads(loads: DriverLoad[]): DriverLoad {
  return {
    cpuSeconds: loads.reduce((a, l) => a + l.cpuSeconds, 0),
    delayP99Ms: Math.max(0, ...loads.map((l) => l.delayP99Ms)),
    delayMaxMs: Math.max(0, ...loads.map((l) => l.delayMaxMs)),
  };
}

/**
 * Connections this machine dropped because a listening socket's accept queue was full
 * (TcpExt ListenDrops in /proc/net/netstat; NaN where it cannot be read). A client whose SYN is
 * dropped tries again after 1 s, then 3, 7, 15 s…: in a reconnect storm this, not the server's
 * CPU, can be what keeps phones away. The counter covers the whole machine (its network namespace).
 */
export function listenDrops(): number {
  try {
    const lines = readFileSync('/proc/net/netstat', 'utf8').split('\n');
    for (let i = 0; i + 1 < lines.length; i += 2) {
      if (!lines[i].startsWith('TcpExt:')) continue;
      const names = lines[i].split(' ');
      const values = lines[i + 1].split(' ');
      return Number(values[names.indexOf('ListenDrops')]);
    }
  } catch {
    // not Linux, or no /proc
  }
  return NaN;
}
