// How long a process takes to open the city vote's forum on demand, as a cluster's process does when
// the forum is handed to it (`npx tsx scripts/forum-open-time.ts`, BENCH_CITY voters, 100,000 by
// default): the forum stored in a SQLite file with a snapshot at its last event, then opened by a
// server started on that file with LOAD_FORUMS=on-demand, three ways: with the mark of a start-up
// check that reaches the snapshot, with none (the log checked whole), and with the mark another
// process left in the store after this one started. For each, the time `use` takes and the
// longest single turn of the event loop meanwhile (a 1 ms timer's longest gap): how long the
// process answered nothing else, HAProxy's health checks included; beside it, the longest garbage
// collection meanwhile, and the longest turn of the same process idle just before (on a machine
// others load, a turn of a few milliseconds of work can take a hundred).

import { randomUUID } from 'node:crypto';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import pino from 'pino';
import { SqliteStore } from '../server/db/sqlite.js';
import { marksSetting, snapshotMark } from '../server/forums/logCheck.js';
import { startTestServer, tempDir } from '../server/test/harness.js';
import { toSnapshot } from '../shared/forum/snapshot.js';
import type { ForumEvent } from '../shared/forum/types.js';
import { cityDay } from './city-day.js';

const VOTERS = Number(process.env.BENCH_CITY ?? 100_000);
const SLICE = 20_000;

const r = cityDay(VOTERS);
const events = r.log;
const first = events[0] as Extract<ForumEvent, { type: 'forumCreated' }>;
const dir = tempDir();
const dbPath = join(dir, 'forum.db');
const seq = events.length;
{
  const store = new SqliteStore(dbPath);
  const record = { id: first.id, joinCode: first.joinCode, createdAt: first.at, joinSecret: randomUUID(), screenKey: randomUUID() };
  await store.createForum(record, [first], { at: first.at, action: 'created', forumId: first.id, title: first.title, detail: '' });
  for (let i = 1; i < events.length; i += SLICE) await store.importEvents(first.id, events.slice(i, i + SLICE));
  await store.saveSnapshot(first.id, seq, JSON.stringify(toSnapshot(r.state)));
  await store.close();
}
console.log(`${VOTERS.toLocaleString('en')} voters: ${events.length.toLocaleString('en')} events, a snapshot at the last`);

const setMarks = async (value: string) => {
  const store = new SqliteStore(dbPath);
  await store.setSetting('log_checked', value);
  await store.close();
};
const trusted = marksSetting(new Map([[first.id, snapshotMark(seq)]]));

/** The longest turn of the event loop (a 1 ms timer's longest gap) over `ms` of doing nothing: what the machine's load alone adds. */
async function idleLongest(ms: number): Promise<number> {
  let longest = 0;
  let last = performance.now();
  const end = last + ms;
  while (performance.now() < end) {
    await new Promise((resolve) => setTimeout(resolve, 1));
    const now = performance.now();
    longest = Math.max(longest, now - last);
    last = now;
  }
  return longest;
}
/** The main thread's garbage collections meanwhile: a long one holds the loop as long work does. */
const pauses: number[] = [];
new PerformanceObserver((list) => {
  for (const e of list.getEntries()) pauses.push(e.duration);
}).observe({ entryTypes: ['gc'] });

for (const way of ['its snapshot trusted at start', 'no mark', 'marked by another process after start'] as const) {
  await setMarks(way === 'its snapshot trusted at start' ? trusted : '{}');
  const lines: { msg: string; why?: string }[] = [];
  const logger = pino({ level: 'info' }, { write: (line: string) => void lines.push(JSON.parse(line) as { msg: string }) });
  const server = await startTestServer({ dbPath, loadForums: 'on-demand', idleUnloadMs: 0, logger });
  if (way === 'marked by another process after start') await setMarks(trusted);
  const idle = await idleLongest(3000);
  let longest = 0;
  /** The turns of 100 ms or more, in order. */
  const long: number[] = [];
  let last = performance.now();
  let timer: NodeJS.Timeout | null = null;
  const tick = () => {
    const now = performance.now();
    longest = Math.max(longest, now - last);
    if (now - last >= 100) long.push(Math.round(now - last));
    last = now;
    timer = setTimeout(tick, 1);
  };
  pauses.length = 0;
  tick();
  const began = performance.now();
  const forum = await server.forums.use(first.id);
  const took = performance.now() - began;
  // The turn that opened it ends after `use` resolves: its length is seen by the next tick.
  await new Promise((resolve) => setTimeout(resolve, 5));
  clearTimeout(timer!);
  if (forum?.room.state.participants.size !== VOTERS) throw new Error('the forum did not open whole');
  const passed = lines.find((l) => l.msg === 'snapshot not used: the forum opened from its whole log');
  const how = passed ? `from its whole log (${passed.why})` : 'from its snapshot';
  const gc = Math.max(0, ...pauses);
  console.log(
    `  ${way}: opened ${how} in ${took.toFixed(0)} ms, the event loop held up to ${longest.toFixed(0)} ms at once (turns of 100 ms or more: ${long.join(', ')} ms;` +
      ` longest garbage collection ${gc.toFixed(0)} ms; idle for 3 s just before, its longest turn was ${idle.toFixed(0)} ms)`,
  );
  await server.close();
}
rmSync(dir, { recursive: true, force: true });
