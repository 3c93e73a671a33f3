// `npm run bench` part `snapshotserver` (or `npx tsx scripts/bench-snapshot-server.ts`): the real
// server, as `npm start` runs it, opening a database whose forum holds BENCH_SNAPSHOT_EVENTS events
// (1,000,000: the largest forum's shape, then dots moved about, scripts/bench-snapshot.ts), from its
// whole log and from its snapshot; and how long taking that snapshot holds up the server's event
// loop (LOOP_DELAY_LOG, a 1 ms monitorEventLoopDelay) while a worker thread builds it.
//
// Steps, each a server process of its own on the same file: a first start with no snapshots checks
// the whole log and leaves its mark; a second, the same, is "from the whole log" as a start after
// an evening is today; a third keeps a snapshot (SNAPSHOT_EVERY under the log's length: one is taken
// at once) and stops once it is stored; a fourth opens from it. Start = from spawning the process
// to its listening line; memory = its RSS then, and its peak (VmHWM), from /proc.

import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SqliteStore } from '../server/db/sqlite.js';
import type { ForumEvent } from '../shared/forum/types.js';
import { millionEventForum } from './bench-snapshot.js';
import { startServerProcess, type ServerProcess } from './process.js';

const EVENTS = Number(process.env.BENCH_SNAPSHOT_EVENTS ?? 1_000_000);
const SLICE = 20_000;
const SELF = fileURLToPath(import.meta.url);

const mib = (kib: number) => (kib / 1024).toFixed(0);
const procKib = (pid: number, field: string): number => Number(new RegExp(`${field}:\\s+(\\d+)`).exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? NaN);

/** The file: the forum's events stored through the store, a slice per transaction. */
async function buildDatabase(dbPath: string, events: ForumEvent[]): Promise<void> {
  const store = new SqliteStore(dbPath);
  const first = events[0] as Extract<ForumEvent, { type: 'forumCreated' }>;
  const record = { id: first.id, joinCode: first.joinCode, createdAt: first.at, joinSecret: randomUUID(), screenKey: randomUUID() };
  await store.createForum(record, [first], { at: first.at, action: 'created', forumId: first.id, title: first.title, detail: '' });
  for (let i = 1; i < events.length; i += SLICE) await store.importEvents(first.id, events.slice(i, i + SLICE));
  await store.close();
}

interface Start {
  ms: number;
  rssMiB: string;
  peakMiB: string;
  proc: ServerProcess;
}

async function start(dbPath: string, env: Record<string, string>): Promise<Start> {
  const t = performance.now();
  const proc = await startServerProcess({ VICHE_DB: dbPath, LOG_LEVEL: 'info', ...env }, 'server/cli.ts', undefined, 600_000);
  const ms = performance.now() - t;
  const pid = proc.child.pid!;
  return { ms, rssMiB: mib(procKib(pid, 'VmRSS')), peakMiB: mib(procKib(pid, 'VmHWM')), proc };
}

async function stop(proc: ServerProcess): Promise<void> {
  proc.child.kill('SIGTERM');
  await proc.exited;
}

const linesOf = (proc: ServerProcess, msg: string) =>
  proc
    .output()
    .split('\n')
    .filter((l) => l.includes(`"msg":"${msg}"`))
    .map((l) => JSON.parse(l) as Record<string, unknown>);

export async function benchSnapshotServer(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'viche-snapshot-server-'));
  const dbPath = join(dir, 'forum.db');
  try {
    let t = performance.now();
    const events = millionEventForum(EVENTS);
    const built = performance.now() - t;
    t = performance.now();
    await buildDatabase(dbPath, events);
    const stored = performance.now() - t;
    events.length = 0;
    console.log(`\nThe real server opening a forum of ${EVENTS.toLocaleString('en')} events (built in ${(built / 1000).toFixed(0)} s, stored in ${(stored / 1000).toFixed(0)} s):`);

    const first = await start(dbPath, { SNAPSHOT_EVERY: '0' });
    await stop(first.proc);
    const whole = await start(dbPath, { SNAPSHOT_EVERY: '0' });
    await stop(whole.proc);

    // A snapshot is due at once; the loop's longest hold-up is read from the lines printed meanwhile.
    const taking = await start(dbPath, { SNAPSHOT_EVERY: String(Math.floor(EVENTS / 2)), LOOP_DELAY_LOG: '100' });
    const listening = Date.now();
    const deadline = Date.now() + 600_000;
    while (linesOf(taking.proc, 'snapshot saved').length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
    const saved = linesOf(taking.proc, 'snapshot saved')[0];
    const savedAt = Date.now();
    // As long again with nothing to do: the shared machine's own hold-ups, to compare with.
    await new Promise((r) => setTimeout(r, Math.max(2000, savedAt - listening)));
    const delays = [...taking.proc.output().matchAll(/VICHE_LOOP_DELAY (\{.*\})/g)].map((m) => JSON.parse(m[1]) as { at: number; maxMs: number });
    const during = delays.filter((d) => d.at > listening + 100 && d.at <= savedAt + 100);
    const quiet = delays.filter((d) => d.at > savedAt + 200);
    const longest = Math.max(...during.map((d) => d.maxMs));
    const calm = Math.max(...quiet.map((d) => d.maxMs));
    // The worker replays the whole log too (there is no snapshot before), beside the forum in memory.
    const takingPeak = mib(procKib(taking.proc.child.pid!, 'VmHWM'));
    await stop(taking.proc);
    const db = new SqliteStore(dbPath, { readOnly: true });
    const [loaded] = await db.loadForums({ fromSnapshot: true, headOnly: true });
    const size = Buffer.byteLength((loaded.snapshot ? await db.snapshotAt(loaded.forum.id, loaded.snapshot.seq) : null) ?? '');
    await db.close();

    const fromSnapshot = await start(dbPath, { SNAPSHOT_EVERY: String(Math.floor(EVENTS / 2)) });
    const opened = linesOf(fromSnapshot.proc, 'forum opened from its snapshot')[0];
    await stop(fromSnapshot.proc);

    const row = (name: string, s: Start) => `  ${name.padEnd(44)} start ${(s.ms / 1000).toFixed(1).padStart(5)} s, RSS at listening ${s.rssMiB} MiB, peak ${s.peakMiB} MiB`;
    console.log(row('first start (the whole log checked)', first));
    console.log(row('from the whole log (checked from its mark)', whole));
    console.log(row(`from its snapshot (${opened ? `seq ${opened.seq}, ${opened.eventsAfter} events after` : 'NOT USED'})`, fromSnapshot));
    console.log(
      `  snapshot ${(size / 2 ** 20).toFixed(0)} MiB, taken in ${saved ? `${saved.ms} ms` : 'NOT SAVED'} (worker thread + the write; peak RSS of that server ${takingPeak} MiB), ` +
        `longest event-loop stall meanwhile ${longest.toFixed(1)} ms (${during.length} readings of 100 ms; ${calm.toFixed(1)} ms in the ${quiet.length} readings after, with nothing to do)`,
    );
    if (!opened || !saved) process.exitCode = 1;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] === SELF) await benchSnapshotServer();
