// The anonymisation's worker thread: stores the batch that deletes a city vote's personal data
// (personsAnonymised) on a connection of its own, with the rewrite of every earlier event that
// carries a person id, a list entry or an address in the same transaction (redactEvents.ts), then
// rebuilds the file (VACUUM), empties the write-ahead log, and deletes the backups that still hold
// the forum's personal data (backup.ts). At 100,000 voters this is seconds of work: here it holds
// up no turn of the server's event loop. First, while the server goes on writing, the new texts
// are worked out from a read (the forum's own log does not grow: its batch waits for this one);
// then, told `go`, the write: the server writes nothing else until this thread is done (sqlite.ts
// waits for it before its next write), so the transaction meets no writer of its own process.

import Database from 'better-sqlite3';
import { parentPort, workerData } from 'node:worker_threads';
import type { BatchEntry } from './store.js';
import { deleteBackupsHoldingPersons } from './backup.js';
import { applyRedaction, planRedaction } from './redactEvents.js';

export interface AnonymiseJob {
  path: string;
  forumId: string;
  afterSeq: number;
  entries: readonly Pick<BatchEntry, 'events' | 'actionKey'>[];
  /** When the events are recorded (recorded_at), as the server's own batches are. */
  now: number;
}

export type AnonymiseOutcome =
  | {
      ok: true;
      last: number;
      rewritten: number;
      /** The file rebuilt and the write-ahead log emptied (false: a reader held it; the server tries again). */
      vacuumed: boolean;
      walEmptied: boolean;
      backupsDeleted: string[];
      backupsUnreadable: string[];
      /** Milliseconds: the new texts worked out (the server writing meanwhile), the transaction up to its commit, the rebuild, the backups. */
      ms: { plan: number; transaction: number; rebuild: number; backups: number };
    }
  | { ok: false; conflict: number }
  | { ok: false; message: string; code?: string; outcome: 'notStored' | 'unknown' };

/** Sent before the write: the texts are worked out, and the thread waits for `go`. */
const PLANNED = 'planned';

const job = workerData as AnonymiseJob;

const go = () => new Promise<void>((resolve) => parentPort!.once('message', () => resolve()));

async function run(): Promise<AnonymiseOutcome> {
  // The server's own connection waits 25 ms for a lock; this one may wait longer for another
  // process's write, since nobody waits on this thread.
  const db = new Database(job.path, { timeout: 5000, fileMustExist: true });
  try {
    db.pragma('synchronous = FULL');
    // Whatever the rewrite frees is overwritten with zeros, not left readable in the file's free space.
    db.pragma('secure_delete = ON');
    const planning = performance.now();
    const plan = planRedaction(db, job.forumId);
    const told = go();
    parentPort!.postMessage(PLANNED);
    await told;
    const started = performance.now();
    db.exec('BEGIN IMMEDIATE');
    let last = job.afterSeq;
    try {
      const stored = (db.prepare('SELECT COALESCE(MAX(seq), 0) AS seq FROM events WHERE forum_id = ?').get(job.forumId) as { seq: number }).seq;
      if (stored !== job.afterSeq) {
        db.exec('ROLLBACK');
        return { ok: false, conflict: stored };
      }
      applyRedaction(db, job.forumId, plan);
      const insert = db.prepare('INSERT INTO events (forum_id, seq, type, payload, action_key, recorded_at) VALUES (?, ?, ?, ?, ?, ?)');
      for (const { events, actionKey } of job.entries) {
        events.forEach((event, i) => insert.run(job.forumId, ++last, event.type, JSON.stringify(event), i === 0 ? actionKey : null, job.now));
      }
    } catch (err) {
      if (db.inTransaction) db.exec('ROLLBACK');
      return { ok: false, message: (err as Error).message, code: (err as { code?: string }).code, outcome: 'notStored' };
    }
    try {
      db.exec('COMMIT');
    } catch (err) {
      // Still open (SQLITE_BUSY at COMMIT): it never committed. Otherwise SQLite gave it up while syncing.
      if (db.inTransaction) {
        db.exec('ROLLBACK');
        return { ok: false, message: (err as Error).message, code: (err as { code?: string }).code, outcome: 'notStored' };
      }
      return { ok: false, message: (err as Error).message, code: (err as { code?: string }).code, outcome: 'unknown' };
    }
    const committed = performance.now();
    // Rows deleted earlier (snapshots replaced as the forum went on) leave bytes in free pages, and
    // the write-ahead log still holds the pages as they were: the file rebuilt, the log emptied.
    let vacuumed = false;
    let walEmptied = false;
    try {
      db.exec('VACUUM');
      vacuumed = true;
      const [result] = db.pragma('wal_checkpoint(TRUNCATE)') as { busy: number }[];
      walEmptied = result?.busy === 0;
    } catch {
      // Busy: the server tries again (sqlite.ts, emptyWal).
    }
    const rebuilt = performance.now();
    const backups = deleteBackupsHoldingPersons(job.path, job.forumId, (file) => new Database(file, { readonly: true, fileMustExist: true }));
    return {
      ok: true,
      last,
      rewritten: plan.length,
      vacuumed,
      walEmptied,
      backupsDeleted: backups.deleted,
      backupsUnreadable: backups.unreadable,
      ms: { plan: Math.round(started - planning), transaction: Math.round(committed - started), rebuild: Math.round(rebuilt - committed), backups: Math.round(performance.now() - rebuilt) },
    };
  } finally {
    db.close();
  }
}

let outcome: AnonymiseOutcome;
try {
  outcome = await run();
} catch (err) {
  outcome = { ok: false, message: (err as Error).message, code: (err as { code?: string }).code, outcome: 'notStored' };
}
parentPort!.postMessage(outcome);
