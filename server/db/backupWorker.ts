// The backups' worker thread: copies a forum's database into a backup file with VACUUM INTO, on a
// read-only connection of its own. The copy is one read transaction, a consistent snapshot even
// while the server keeps writing (in WAL mode a reader holds no writer up), and all of its work,
// the final sync of a file of tens of MiB included, happens off the server's event loop.

import Database from 'better-sqlite3';
import { parentPort, workerData } from 'node:worker_threads';

export interface BackupJob {
  /** The database to copy. */
  source: string;
  /** The file to write; it must not exist yet. */
  file: string;
}

export type BackupOutcome = { ok: true } | { ok: false; message: string; code?: string };

const { source, file } = workerData as BackupJob;
let outcome: BackupOutcome;
try {
  const db = new Database(source, { readonly: true, fileMustExist: true, timeout: 5000 });
  let stale: boolean;
  try {
    db.prepare('VACUUM INTO ?').run(file);
    // A forum's personal data deleted while the copy was made (its backups deleted then too,
    // deleteBackupsHoldingPersons) must not come back in this copy, taken from before.
    const anonymised = (from: Database.Database) => from.prepare("SELECT COUNT(*) AS n FROM events WHERE type = 'personsAnonymised'").get() as { n: number };
    const copy = new Database(file, { readonly: true, fileMustExist: true });
    try {
      stale = anonymised(db).n !== anonymised(copy).n;
    } finally {
      copy.close();
    }
  } finally {
    db.close();
  }
  outcome = stale ? { ok: false, message: "a forum's personal data was deleted while the copy was made: the copy, from before, is thrown away" } : { ok: true };
} catch (err) {
  outcome = { ok: false, message: (err as Error).message, code: (err as { code?: string }).code };
}
parentPort!.postMessage(outcome);
