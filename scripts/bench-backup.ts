// `npm run bench` part `backup` (or `npx tsx scripts/bench-backup.ts`): what a backup of a long
// forum costs the event loop it runs on. A database of BENCH_BACKUP_EVENTS events (300,000 by
// default: a forum the size of several 330-phone evenings) is written through the real store; then
// the server's own backup (VACUUM INTO in a worker thread) is taken while a 1 ms timer measures how
// late each turn of the loop comes; beside it SQLite's online backup run on the loop itself (a
// hundred pages per turn, as better-sqlite3 takes it) and the one-step copy on the loop, used only
// before a migration, when no one is served yet.

import Database from 'better-sqlite3';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import type { ForumEvent } from '../shared/forum/types.js';
import { backupDatabase, backupDatabaseNow } from '../server/db/backup.js';
import { SqliteStore } from '../server/db/sqlite.js';

const EVENTS = Number(process.env.BENCH_BACKUP_EVENTS ?? 300_000);

/** The longest and the 99th percentile of the loop's delay while `work` runs, and its time. */
async function measured(work: () => Promise<unknown> | unknown): Promise<{ ms: number; maxMs: number; p99Ms: number }> {
  const delay = monitorEventLoopDelay({ resolution: 1 });
  delay.enable();
  // The histogram counts from the timer's first turn: work begun before it would go unseen.
  await new Promise((r) => setTimeout(r, 5));
  const t0 = performance.now();
  await work();
  const ms = performance.now() - t0;
  // One more turn, so that a stall at the very end is counted.
  await new Promise((r) => setTimeout(r, 5));
  delay.disable();
  return { ms, maxMs: delay.max / 1e6, p99Ms: delay.percentile(99) / 1e6 };
}

export async function benchBackup(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'viche-bench-backup-'));
  try {
    const dbPath = join(dir, 'bench.db');
    const store = new SqliteStore(dbPath);
    const now = Date.now();
    await store.createForum({ id: 'f', joinCode: '000000', createdAt: now, joinSecret: '', screenKey: '' }, [], {
      at: now,
      action: 'created',
      forumId: 'f',
      title: 'bench',
      detail: '',
    });
    let seq = 0;
    for (let i = 0; i < EVENTS; i += 1000) {
      const entries = Array.from({ length: Math.min(1000, EVENTS - i) }, (_, j) => ({
        events: [{ type: j % 4 === 3 ? 'dotRemoved' : 'dotPlaced', participantId: `p-${(i + j) % 330}-0000-0000-0000`, ideaId: `idea-${(i + j) % 500}-0000-0000-0000` } as ForumEvent],
        actionKey: `p-${(i + j) % 330}:${i + j}`,
      }));
      seq = await store.appendBatch('f', seq, entries);
    }
    await store.close();
    const mib = statSync(dbPath).size / 2 ** 20;
    console.log(`\nbackup of a forum of ${EVENTS.toLocaleString('en')} events (${mib.toFixed(1)} MiB), the loop's delay measured by a 1 ms timer`);

    const db = new Database(dbPath);
    db.pragma('journal_mode = WAL');
    const worker = await measured(() => backupDatabase(dbPath, { kind: 'hourly' }));
    console.log(`  in a worker (the server's):              ${worker.ms.toFixed(0)} ms, loop delay max ${worker.maxMs.toFixed(1)} ms, p99 ${worker.p99Ms.toFixed(1)} ms`);
    const paged = await measured(() => db.backup(join(dir, 'paged.db')));
    console.log(`  online backup on the loop, paged:        ${paged.ms.toFixed(0)} ms, loop delay max ${paged.maxMs.toFixed(1)} ms, p99 ${paged.p99Ms.toFixed(1)} ms`);
    // The machine's own noise: the loop doing nothing for as long as the worker's copy took.
    const idle = await measured(() => new Promise((r) => setTimeout(r, worker.ms)));
    console.log(`  nothing (the machine's noise):           ${idle.ms.toFixed(0)} ms, loop delay max ${idle.maxMs.toFixed(1)} ms, p99 ${idle.p99Ms.toFixed(1)} ms`);
    const once = await measured(() => backupDatabaseNow(db, dbPath, { kind: 'pre-migration', fromVersion: 0 }));
    console.log(`  one step on the loop (before migrating): ${once.ms.toFixed(0)} ms, loop delay max ${once.maxMs.toFixed(1)} ms`);
    db.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await benchBackup();
