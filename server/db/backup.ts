// Backups of a forum's database: SQLite's online backup (a consistent copy taken while the server
// runs, WAL included), into a folder beside the database, `<db>-backups/`, keeping the newest ten.
// The server takes one at every phase change and at shutdown; `npm run backup` takes one on demand
// and `npm run restore FILE` puts one back.

import Database from 'better-sqlite3';
import { existsSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';

export const BACKUPS_KEPT = 10;

export const backupDirOf = (dbPath: string): string => `${dbPath}-backups`;

export interface BackupInfo {
  file: string;
  at: number;
}

/** "2026-11-26T12-04-05-123Z": sorts as time does, and is a valid file name everywhere. */
const stamp = (at: number) => new Date(at).toISOString().replace(/:/g, '-').replace('.', '-');

/** Takes a backup of `db` (an open connection to `dbPath`) and keeps the newest BACKUPS_KEPT. */
export async function backupDatabase(db: Database.Database, dbPath: string, reason: string, now = Date.now()): Promise<BackupInfo> {
  const dir = backupDirOf(dbPath);
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${basename(dbPath).replace(/\.db$/, '')}-${stamp(now)}-${reason.replace(/[^\w-]+/g, '-')}.db`);
  await db.backup(file);
  // A backup is one file: out of WAL mode, it opens anywhere (read-only too, as `npm run restore`
  // checks it) without leaving -wal and -shm files beside it.
  const copy = new Database(file);
  copy.pragma('journal_mode = DELETE');
  copy.close();
  prune(dir);
  return { file, at: now };
}

/** The backups beside a database, newest first. */
export function listBackups(dbPath: string): BackupInfo[] {
  const dir = backupDirOf(dbPath);
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => f.endsWith('.db'))
    .map((f) => ({ file: join(dir, f), at: statSync(join(dir, f)).mtimeMs }))
    .sort((a, b) => b.at - a.at || b.file.localeCompare(a.file));
}

function prune(dir: string): void {
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.db'))
    .map((f) => ({ f, at: statSync(join(dir, f)).mtimeMs }))
    .sort((a, b) => b.at - a.at || b.f.localeCompare(a.f));
  for (const { f } of files.slice(BACKUPS_KEPT)) rmSync(join(dir, f), { force: true });
}
