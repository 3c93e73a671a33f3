// `npm run bench` part `backup` (or `npx tsx scripts/bench-backup.ts`): what a backup of a long
// forum costs the event loop it runs on. A database of BENCH_BACKUP_EVENTS events (300,000 by
// default: a forum the size of several 330-phone evenings) is written through the real store; then
// the server's own backup (SQLite's online backup, a hundred pages per turn) is taken while a 1 ms
// timer measures how late each turn of the loop comes, beside the one-step copy (VACUUM INTO)
// that is used only before a migration, when no one is served yet.

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
    store.createForum({ id: 'f', slug: '1', joinCode: '000000', createdAt: now, joinSecret: '', screenKey: '' }, [], {
      at: now,
      action: 'created',
      forumId: 'f',
      title: 'bench',
      detail: '',
    });
    for (let i = 0; i < EVENTS; i += 1000) {
      const entries = Array.from({ length: Math.min(1000, EVENTS - i) }, (_, j) => ({
        events: [{ type: j % 4 === 3 ? 'dotRemoved' : 'dotPlaced', participantId: `p-${(i + j) % 330}-0000-0000-0000`, ideaId: `idea-${(i + j) % 500}-0000-0000-0000` } as ForumEvent],
        actionKey: `p-${(i + j) % 330}:${i + j}`,
      }));
      store.appendBatch('f', entries);
    }
    store.close();
    const mib = statSync(dbPath).size / 2 ** 20;
    console.log(`\nbackup of a forum of ${EVENTS.toLocaleString('en')} events (${mib.toFixed(1)} MiB), the loop's delay measured by a 1 ms timer`);

    const db = new Database(dbPath);
    db.pragma('journal_mode = WAL');
    const online = await measured(() => backupDatabase(db, dbPath, { kind: 'hourly' }));
    console.log(`  online backup (server's, paged):     ${online.ms.toFixed(0)} ms, loop delay max ${online.maxMs.toFixed(1)} ms, p99 ${online.p99Ms.toFixed(1)} ms`);
    const once = await measured(() => backupDatabaseNow(db, dbPath, { kind: 'pre-migration', fromVersion: 0 }));
    console.log(`  one step (VACUUM INTO, pre-migration): ${once.ms.toFixed(0)} ms, loop delay max ${once.maxMs.toFixed(1)} ms (before anyone is served)`);
    db.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await benchBackup();
