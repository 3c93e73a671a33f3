// One writer per database file, whatever name it is reached by. A server holds two locks for its
// whole life: one on `<real path>-lock` beside the file (symlinks resolved), and one in the
// system's temp folder named after the file's device and inode, which a hard link (the same file
// under another name, perhaps in another folder) shares. Each is a small SQLite file in which the
// server writes who it is and which name it opened, then keeps a shared lock in SQLite's exclusive
// locking mode. A second server cannot write there (SQLite says BUSY at once), reads who holds it,
// and refuses to start, naming the file and the server. The operating system drops the locks when
// the process ends, even by kill -9, so a restart after a crash is never blocked by a stale lock.

import Database from 'better-sqlite3';
import { existsSync, realpathSync, rmSync, statSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { StartupError } from '../errors.js';

export interface LockOwner {
  pid: number;
  startedAt: number;
  host: string;
  /** The port it was asked to listen on (0: any free one). */
  port: number;
  /** The database's name as the holder was given it ('' from a holder that did not say). */
  db: string;
}

/** The file itself, symlinks resolved (its folder's, for a file not made yet). */
export function realDatabasePath(dbPath: string): string {
  const full = resolve(dbPath);
  try {
    return realpathSync(full);
  } catch {
    try {
      return join(realpathSync(dirname(full)), basename(full));
    } catch {
      return full;
    }
  }
}

export const lockPathOf = (dbPath: string): string => `${realDatabasePath(dbPath)}-lock`;

/** The lock every name of an existing file shares: keyed on its device and inode; null before the file exists. */
export function fileLockPathOf(dbPath: string): string | null {
  try {
    const s = statSync(dbPath, { bigint: true });
    return join(tmpdir(), `viche-${s.dev}-${s.ino}.lock`);
  } catch {
    return null;
  }
}

/** Who holds the lock on a database, by any of its names, or null when nobody does (a restore may go ahead). */
export function lockHolder(dbPath: string): LockOwner | null | undefined {
  for (const path of [lockPathOf(dbPath), fileLockPathOf(dbPath)]) {
    if (path === null || !existsSync(path)) continue;
    const held = holderOf(path);
    if (held !== undefined) return held;
  }
  return undefined;
}

/** undefined when the lock is free; the owner (null if it cannot be read) when it is held. */
function holderOf(path: string): LockOwner | null | undefined {
  const db = new Database(path, { timeout: 0 });
  try {
    // An exclusive lock is refused while a holder keeps its shared lock.
    db.exec('BEGIN EXCLUSIVE');
    db.exec('ROLLBACK');
    return undefined;
  } catch (err) {
    if (!isBusy(err)) throw err;
    return readOwner(db);
  } finally {
    db.close();
  }
}

const isBusy = (err: unknown): boolean => String((err as { code?: string }).code).startsWith('SQLITE_BUSY');

function readOwner(db: Database.Database): LockOwner | null {
  try {
    const row = db.prepare('SELECT * FROM writer WHERE id = 1').get() as
      | { pid: number; started_at: number; host: string; port: number; db?: string | null }
      | undefined;
    return row ? { pid: row.pid, startedAt: row.started_at, host: row.host, port: row.port, db: row.db ?? '' } : null;
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

/** "X is in use by …", saying so when the holder reached the same file by another name. */
export function inUseBy(dbPath: string, owner: LockOwner | null, lang: 'uk' | 'en' = 'en'): string {
  const sameFile = owner?.db && resolve(owner.db) !== resolve(dbPath);
  if (lang === 'uk') return `${dbPath} використовує ${describeOwner(owner, 'uk')}${sameFile ? ` (це той самий файл, що ${owner.db}, який він відкрив)` : ''}`;
  return `${dbPath} is in use by ${describeOwner(owner)}${sameFile ? ` (the same file as ${owner.db}, which it opened)` : ''}`;
}

/** One held lock file. */
class HeldLock {
  private constructor(
    private readonly db: Database.Database,
    private readonly path: string,
  ) {}

  /** Takes the lock at `path`, or returns the owner that holds it. */
  static take(path: string, dbPath: string, port: number): HeldLock | { owner: LockOwner | null } {
    const created = !existsSync(path);
    const db = new Database(path, { timeout: 0 });
    try {
      // A lock file left by a kill -9 of an older version may have another table: made anew.
      db.exec('BEGIN IMMEDIATE');
      db.exec('DROP TABLE IF EXISTS writer');
      db.exec('CREATE TABLE writer (id INTEGER PRIMARY KEY CHECK (id = 1), pid INTEGER, started_at INTEGER, host TEXT, port INTEGER, db TEXT)');
      db.prepare('INSERT INTO writer (id, pid, started_at, host, port, db) VALUES (1, ?, ?, ?, ?, ?)').run(process.pid, Date.now(), hostname(), port, resolve(dbPath));
      db.exec('COMMIT');
    } catch (err) {
      const busy = isBusy(err);
      // The holder's row, not this attempt's: BUSY comes at COMMIT, after this one wrote its own.
      if (db.inTransaction) db.exec('ROLLBACK');
      const owner = busy ? readOwner(db) : null;
      db.close();
      if (created) rmSync(path, { force: true });
      if (busy) return { owner };
      throw err;
    }
    db.pragma('locking_mode = EXCLUSIVE');
    db.prepare('SELECT pid FROM writer').get();
    return new HeldLock(db, path);
  }

  release(): void {
    if (!this.db.open) return;
    this.db.close();
    rmSync(this.path, { force: true });
  }
}

export class WriterLock {
  private locks: HeldLock[] = [];
  private fileLocked = false;

  private constructor(
    private readonly dbPath: string,
    private readonly port: number,
  ) {}

  /**
   * Takes the lock for `dbPath` by its real path and, when the file exists, by its device and
   * inode; or refuses with a sentence naming the server that holds it.
   */
  static acquire(dbPath: string, port: number): WriterLock {
    const lock = new WriterLock(dbPath, port);
    try {
      lock.take(lockPathOf(dbPath));
      lock.holdFile();
    } catch (err) {
      lock.release();
      throw err;
    }
    return lock;
  }

  /** Takes the lock every name of the file shares, once the file exists (a new forum's is made after acquire). */
  holdFile(): void {
    if (this.fileLocked) return;
    const path = fileLockPathOf(this.dbPath);
    if (path === null) return;
    this.take(path);
    this.fileLocked = true;
  }

  private take(path: string): void {
    const taken = HeldLock.take(path, this.dbPath, this.port);
    if (taken instanceof HeldLock) {
      this.locks.push(taken);
      return;
    }
    throw new StartupError(
      `${inUseBy(this.dbPath, taken.owner, 'uk')}. Спершу зупиніть той сервер або запустіть цей з іншим файлом у VICHE_DB.`,
      `${inUseBy(this.dbPath, taken.owner)}. Stop that server first, or start this one on another file with VICHE_DB.`,
    );
  }

  /** Whether this server still holds the file (until release). */
  get held(): boolean {
    return this.locks.length > 0;
  }

  release(): void {
    for (const lock of this.locks.reverse()) lock.release();
    this.locks = [];
  }
}
