// `npm run bench` part `snapshot` (or `npx tsx scripts/bench-snapshot.ts`): what opening a forum of
// a million events costs from its whole log, and from a snapshot (shared/forum/snapshot.ts) taken a
// few thousand events before its end plus those events, each in a fresh Node process of its own,
// so that each one's time, heap and peak RSS are its own.
//
// The forum: the largest forum's shape (scripts/largest-forum.ts: 5,000 ballots by ticket, 250
// ideas with every text at its limit, every budget spent), kept in voting while voters move dots
// about, a dot taken off one idea and put on another of the same priority (or back, when the cap
// is reached), through the rules, until the log holds BENCH_SNAPSHOT_EVENTS events (1,000,000).
// Both openings read their input from a file of JSON, one event a line, parsed whole into memory
// as the store's loadForums does now; the snapshot is one JSON text, as a store would keep it.

import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { decidePlaceDot, decideRemoveDot } from '../shared/forum/rules.js';
import { fromSnapshot, toSnapshot } from '../shared/forum/snapshot.js';
import { applyEvent, emptyState } from '../shared/forum/state.js';
import { Recorder, snapshot as serialised } from '../shared/forum/testing.js';
import type { ForumEvent, ForumState } from '../shared/forum/types.js';
import { largestForum } from './largest-forum.js';

const EVENTS = Number(process.env.BENCH_SNAPSHOT_EVENTS ?? 1_000_000);
/** Events written after the snapshot was taken, applied on top of it. */
const TAIL = Number(process.env.BENCH_SNAPSHOT_TAIL ?? 5_000);
const ROUNDS = Number(process.env.BENCH_SNAPSHOT_ROUNDS ?? 3);
const SELF = fileURLToPath(import.meta.url);

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const mib = (bytes: number) => (bytes / 2 ** 20).toFixed(0);

/** The largest forum in voting, then voters moving dots until the log holds `events` events. */
export function millionEventForum(events: number): ForumEvent[] {
  const base = largestForum({ phase: 'voting' });
  const r = new Recorder();
  r.apply(base.events);
  const byPriority = new Map<string, string[]>();
  for (const idea of r.state.ideas.values()) byPriority.set(idea.priorityCode, [...(byPriority.get(idea.priorityCode) ?? []), idea.id]);
  const people = [...r.state.participants.keys()];
  for (let turn = 0; r.log.length + 2 <= events; turn++) {
    const participantId = people[turn % people.length];
    const mine = [...r.state.dots.get(participantId)!.keys()];
    const from = mine[Math.floor(turn / people.length) % mine.length];
    const list = byPriority.get(r.state.ideas.get(from)!.priorityCode)!;
    r.run(decideRemoveDot(r.state, participantId, from));
    const to = list[(list.indexOf(from) + 1 + (turn % 7)) % list.length];
    const moved = decidePlaceDot(r.state, participantId, to);
    r.run(moved.ok ? moved : decidePlaceDot(r.state, participantId, from));
  }
  return r.log;
}

interface Opening {
  /** Reading and parsing the input, ms. */
  read: number;
  /** fromSnapshot (its checks included), ms; 0 for the whole log. */
  load: number;
  /** Applying events, ms. */
  apply: number;
  heapUsedMiB: number;
  peakRssMiB: number;
  /** RSS before opening: Node, tsx and the modules. */
  startRssMiB: number;
  /** Of the state reached, to show both openings reach the same. */
  digest: string;
}

const readLines = (file: string): ForumEvent[] =>
  readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as ForumEvent);

/** Opens the forum from its whole log, or from the snapshot and the events after it. */
function load(mode: 'log' | 'snapshot', dir: string, times: { read: number; load: number; apply: number }): ForumState {
  let t = performance.now();
  const lap = () => {
    const now = performance.now();
    const took = now - t;
    t = now;
    return took;
  };
  if (mode === 'log') {
    const events = readLines(join(dir, 'log.jsonl'));
    times.read = lap();
    const state = emptyState();
    for (const event of events) applyEvent(state, event);
    times.apply = lap();
    return state;
  }
  const parsed: unknown = JSON.parse(readFileSync(join(dir, 'snapshot.json'), 'utf8'));
  const tail = readLines(join(dir, 'tail.jsonl'));
  times.read = lap();
  const state = fromSnapshot(parsed);
  times.load = lap();
  for (const event of tail) applyEvent(state, event);
  times.apply = lap();
  return state;
}

/** In the child process: opens the forum one way and says what it cost, in time and memory. */
function open(mode: 'log' | 'snapshot', dir: string): Opening {
  const gc = (globalThis as { gc?: () => void }).gc!;
  const times = { read: 0, load: 0, apply: 0 };
  const startRssMiB = process.memoryUsage().rss / 2 ** 20;
  const state = load(mode, dir, times);
  gc();
  gc();
  const heapUsedMiB = process.memoryUsage().heapUsed / 2 ** 20;
  const peakRssMiB = process.resourceUsage().maxRSS / 1024;
  const digest = createHash('sha256').update(serialised(state)).digest('hex').slice(0, 16);
  return { ...times, heapUsedMiB, peakRssMiB, startRssMiB, digest };
}

function child(mode: 'log' | 'snapshot', dir: string): Opening {
  const run = spawnSync(process.execPath, ['--expose-gc', '--import', 'tsx', SELF, '--open', mode, dir], { encoding: 'utf8', maxBuffer: 1 << 20 });
  if (run.status !== 0) throw new Error(`opening from the ${mode} failed:\n${run.stderr}`);
  return JSON.parse(run.stdout.trim().split('\n').at(-1)!) as Opening;
}

export function benchSnapshot(): void {
  const dir = mkdtempSync(join(tmpdir(), 'viche-snapshot-'));
  try {
    let t = performance.now();
    const log = millionEventForum(EVENTS);
    const built = performance.now() - t;
    writeFileSync(join(dir, 'log.jsonl'), log.map((e) => JSON.stringify(e)).join('\n'));
    writeFileSync(join(dir, 'tail.jsonl'), log.slice(-TAIL).map((e) => JSON.stringify(e)).join('\n'));
    const state = emptyState();
    for (let i = 0; i < log.length - TAIL; i++) applyEvent(state, log[i]);
    t = performance.now();
    const json = JSON.stringify(toSnapshot(state));
    const taken = performance.now() - t;
    writeFileSync(join(dir, 'snapshot.json'), json);
    log.length = 0;

    const fromLog: Opening[] = [];
    const fromSnap: Opening[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      fromLog.push(child('log', dir));
      fromSnap.push(child('snapshot', dir));
    }
    const same = new Set([...fromLog, ...fromSnap].map((o) => o.digest)).size === 1;
    const row = (name: string, runs: Opening[]) => {
      const total = median(runs.map((o) => o.read + o.load + o.apply));
      const part = (k: 'read' | 'load' | 'apply') => median(runs.map((o) => o[k])).toFixed(0).padStart(6);
      return `  ${name.padEnd(34)} ${total.toFixed(0).padStart(6)} ms (read ${part('read')}, fromSnapshot ${part('load')}, apply ${part('apply')})   heap after ${median(runs.map((o) => o.heapUsedMiB)).toFixed(0)} MiB, peak RSS ${median(runs.map((o) => o.peakRssMiB)).toFixed(0)} MiB (${median(runs.map((o) => o.startRssMiB)).toFixed(0)} before opening)`;
    };
    console.log(
      `\nOpening a forum of ${EVENTS.toLocaleString('en')} events (the largest forum's shape, then dots moved about; built in ${(built / 1000).toFixed(0)} s), ` +
        `each opening in a fresh process, median of ${ROUNDS}:`,
    );
    console.log(row('whole log replayed', fromLog));
    console.log(row(`snapshot + last ${TAIL.toLocaleString('en')} events`, fromSnap));
    console.log(
      `  log file ${mib(statSync(join(dir, 'log.jsonl')).size)} MiB; snapshot ${mib(json.length)} MiB, taken in ${taken.toFixed(0)} ms (toSnapshot + JSON.stringify); ` +
        `both reach the same state: ${same ? 'yes' : 'NO'}`,
    );
    if (!same) process.exitCode = 1;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[2] === '--open') {
  console.log(JSON.stringify(open(process.argv[3] as 'log' | 'snapshot', process.argv[4])));
} else if (process.argv[1] === SELF) {
  benchSnapshot();
}
