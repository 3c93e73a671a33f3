// Reads every forum's event log out of a Viche database without ever writing to it, for checks
// such as `npm run verify-log`. It works on a private copy: SQLite, even when a file in WAL mode is
// opened read-only, creates `-wal` and `-shm` files beside it and leaves them there, and a check of
// the log must not leave the forum's folder different from how it found it.

import Database from 'better-sqlite3';
import { copyFileSync, existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LoggedEvent } from '../../shared/forum/verify.js';
import { parseStoredEvent } from './sqlite.js';

/** The file cannot be read as a Viche database; the message is one sentence naming the file. */
export class LogUnreadable extends Error {}

/** A stored row that is not an event at all, so no rule can judge it. */
export interface UnreadableEvent {
  seq: number;
  type: string;
  reason: string;
}

export interface ForumLog {
  id: string;
  /** False when events name a forum that has no row in `forums`. */
  registered: boolean;
  /** In `seq` order. */
  events: LoggedEvent[];
  unreadable: UnreadableEvent[];
}

/** What this reader needs of the schema; any version from the first on has it. */
const NEEDED: Record<string, string[]> = {
  forums: ['id', 'created_at'],
  events: ['seq', 'forum_id', 'type', 'payload'],
};

/** Each forum's events in `seq` order, oldest forum first. Throws LogUnreadable with a sentence. */
export function readLog(path: string): ForumLog[] {
  if (!existsSync(path)) throw new LogUnreadable(`${path} does not exist.`);
  const stat = statSync(path);
  if (stat.isDirectory()) throw new LogUnreadable(`${path} is a folder, not a database file.`);
  if (stat.size === 0) throw new LogUnreadable(`${path} is empty, not a Viche database.`);
  const dir = mkdtempSync(join(tmpdir(), 'viche-log-'));
  try {
    const copy = snapshot(path, dir);
    let db: Database.Database;
    try {
      db = new Database(copy, { readonly: true, fileMustExist: true });
    } catch (err) {
      throw new LogUnreadable(`${path} cannot be opened as an SQLite database (${messageOf(err)}).`, { cause: err });
    }
    try {
      checkSchema(db, path);
      return readForums(db);
    } catch (err) {
      if (err instanceof LogUnreadable) throw err;
      const code = (err as { code?: string }).code;
      if (code === 'SQLITE_NOTADB') throw new LogUnreadable(`${path} is not an SQLite database.`, { cause: err });
      if (code === 'SQLITE_CORRUPT') throw new LogUnreadable(`${path} is an SQLite database, but a damaged one (${messageOf(err)}).`, { cause: err });
      throw err;
    } finally {
      db.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Copies the database and its write-ahead log (the commits a running server, or one killed with
 * -9, has not yet moved into the main file). Not the `-shm` index: SQLite rebuilds it from the log.
 * If the main file changed during the copy, a checkpoint may have moved pages between the two, so
 * the copy is taken again.
 */
function snapshot(path: string, dir: string): string {
  const copy = join(dir, 'forum.db');
  for (let attempt = 1; ; attempt++) {
    try {
      const before = fingerprint(path);
      copyFileSync(path, copy);
      rmSync(`${copy}-wal`, { force: true });
      rmSync(`${copy}-shm`, { force: true });
      if (existsSync(`${path}-wal`)) copyFileSync(`${path}-wal`, `${copy}-wal`);
      if (fingerprint(path) === before) return copy;
    } catch (err) {
      const code = (err as { code?: string }).code;
      // The -wal went away between looking and copying: its server closed. Take the copy again.
      if (code !== 'ENOENT' || !existsSync(path)) throw new LogUnreadable(`${path} cannot be read (${messageOf(err)}).`, { cause: err });
    }
    if (attempt === 5) throw new LogUnreadable(`${path} kept changing while it was read; try again, or stop the server first.`);
  }
}

function fingerprint(path: string): string {
  const s = statSync(path, { bigint: true });
  return `${s.ino}:${s.size}:${s.mtimeNs}`;
}

function checkSchema(db: Database.Database, path: string): void {
  const version = db.pragma('user_version', { simple: true }) as number;
  if (version < 1) throw new LogUnreadable(`${path} is an SQLite database, but not a Viche one (it has no Viche schema).`);
  for (const [table, columns] of Object.entries(NEEDED)) {
    const have = new Set((db.pragma(`table_info(${table})`) as { name: string }[]).map((c) => c.name));
    const missing = columns.filter((c) => !have.has(c));
    if (have.size === 0) throw new LogUnreadable(`${path} is an SQLite database, but not a Viche one (it has no ${table} table).`);
    if (missing.length > 0) {
      throw new LogUnreadable(`${path} is an SQLite database, but not a Viche one (its ${table} table has no ${missing.join(', ')}).`);
    }
  }
}

function readForums(db: Database.Database): ForumLog[] {
  const registered = (db.prepare('SELECT id FROM forums ORDER BY created_at, rowid').all() as { id: string }[]).map((r) => r.id);
  // Events whose forum has no row: a damaged file, but their log can still be checked.
  const orphans = (
    db.prepare('SELECT DISTINCT forum_id AS id FROM events WHERE forum_id NOT IN (SELECT id FROM forums) ORDER BY seq').all() as { id: string }[]
  ).map((r) => r.id);
  const rowsOf = db.prepare('SELECT seq, type, payload FROM events WHERE forum_id = ? ORDER BY seq');
  return [...registered.map((id) => ({ id, registered: true })), ...orphans.map((id) => ({ id, registered: false }))].map(({ id, registered }) => {
    const log: ForumLog = { id, registered, events: [], unreadable: [] };
    for (const row of rowsOf.iterate(id) as Iterable<{ seq: number; type: string; payload: unknown }>) {
      // As the server reads it at start (server/db/sqlite.ts), so both name the same rows.
      const event = parseStoredEvent(row.type, row.payload);
      if (typeof event === 'string') log.unreadable.push({ seq: row.seq, type: String(row.type), reason: event });
      else log.events.push({ seq: row.seq, event });
    }
    return log;
  });
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
