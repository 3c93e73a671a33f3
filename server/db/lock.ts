// One writer per database file. A server holds a lock on `<db>-lock` for its whole life: a small
// SQLite file in which it writes who it is, then keeps a shared lock in SQLite's exclusive locking
// mode. A second server cannot write there (SQLite says BUSY at once), reads who holds it, and
// refuses to start, naming the file and the server. The operating system drops the lock when the
// process ends, even by kill -9, so a restart after a crash is never blocked by a stale lock.

import Database from 'better-sqlite3';
import { existsSync, rmSync } from 'node:fs';
import { hostname } from 'node:os';
import { StartupError } from '../errors.js';

export interface LockOwner {
  pid: number;
  startedAt: number;
  host: string;
  /** The port it was asked to listen on (0: any free one). */
  port: number;
}

export const lockPathOf = (dbPath: string): string => `${dbPath}-lock`;

/** Who holds the lock on a database, or null when nobody does (a restore may go ahead). */
export function lockHolder(dbPath: string): LockOwner | null {
  const path = lockPathOf(dbPath);
  if (!existsSync(path)) return null;
  const db = new Database(path, { timeout: 0 });
  try {
    // An exclusive lock is refused while a holder keeps its shared lock.
    db.exec('BEGIN EXCLUSIVE');
    db.exec('ROLLBACK');
    return null;
  } catch (err) {
    if (!String((err as { code?: string }).code).startsWith('SQLITE_BUSY')) throw err;
    return readOwner(db);
  } finally {
    db.close();
  }
}

function readOwner(db: Database.Database): LockOwner | null {
  try {
    const row = db.prepare('SELECT pid, started_at, host, port FROM writer WHERE id = 1').get() as
      | { pid: number; started_at: number; host: string; port: number }
      | undefined;
    return row ? { pid: row.pid, startedAt: row.started_at, host: row.host, port: row.port } : null;
  } catch {
    return null;
  }
}

export function describeOwner(owner: LockOwner | null, lang: 'uk' | 'en' = 'en'): string {
  const uk = lang === 'uk';
  if (!owner) return uk ? 'інший сервер Віче' : 'another Viche server';
  const when = new Date(owner.startedAt).toLocaleString(uk ? 'uk-UA' : 'en-GB', { hour12: false });
  const where = owner.host === hostname() ? (uk ? 'на цьому комп’ютері' : 'on this computer') : `${uk ? 'на' : 'on'} ${owner.host}`;
  const port = owner.port ? `, ${uk ? 'порт' : 'port'} ${owner.port}` : '';
  return uk ? `інший сервер Віче (процес ${owner.pid} ${where}, запущено ${when}${port})` : `another Viche server (process ${owner.pid} ${where}, started ${when}${port})`;
}

export class WriterLock {
  private constructor(
    private readonly db: Database.Database,
    private readonly path: string,
  ) {}

  /** Takes the lock for `dbPath`, or refuses with a sentence naming the server that holds it. */
  static acquire(dbPath: string, port: number): WriterLock {
    const path = lockPathOf(dbPath);
    const created = !existsSync(path);
    const db = new Database(path, { timeout: 0 });
    try {
      db.exec('CREATE TABLE IF NOT EXISTS writer (id INTEGER PRIMARY KEY CHECK (id = 1), pid INTEGER, started_at INTEGER, host TEXT, port INTEGER)');
      db.prepare('INSERT OR REPLACE INTO writer (id, pid, started_at, host, port) VALUES (1, ?, ?, ?, ?)').run(process.pid, Date.now(), hostname(), port);
    } catch (err) {
      const busy = String((err as { code?: string }).code).startsWith('SQLITE_BUSY');
      const owner = busy ? readOwner(db) : null;
      db.close();
      if (created) rmSync(path, { force: true });
      if (busy) {
        throw new StartupError(
          `${dbPath} використовує ${describeOwner(owner, 'uk')}. Спершу зупиніть той сервер або запустіть цей з іншим файлом у VICHE_DB.`,
          `${dbPath} is in use by ${describeOwner(owner)}. Stop that server first, or start this one on another file with VICHE_DB.`,
        );
      }
      throw err;
    }
    db.pragma('locking_mode = EXCLUSIVE');
    db.prepare('SELECT pid FROM writer').get();
    return new WriterLock(db, path);
  }

  release(): void {
    if (!this.db.open) return;
    this.db.close();
    rmSync(this.path, { force: true });
  }
}
