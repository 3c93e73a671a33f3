// `npm run restore FILE`: puts a backup back as the forum's database (VICHE_DB, else data/viche.db).
// Refused while a server holds the database (stop it first), and refused for a file that is not a
// whole, readable Viche database. The database as it was is first kept as one more backup, so a
// restore can itself be undone.

import Database from 'better-sqlite3';
import { copyFileSync, existsSync, renameSync, rmSync } from 'node:fs';
import { backupDatabase } from '../server/db/backup.js';
import { inUseBy, lockHolder, realDatabasePath, WriterLock } from '../server/db/lock.js';
import { SCHEMA_VERSION } from '../server/db/sqlite.js';
import { StartupError } from '../server/errors.js';
import { fail, serverDatabase, typedPath } from './database.js';

if (!process.argv[2]) fail('Name the backup to restore: npm run restore FILE');
const source = typedPath(process.argv[2]);
const target = serverDatabase();
if (!existsSync(source)) fail(`There is no file ${source}.`);

/** Refuses anything that is not a whole Viche database this version can open. */
function checkBackup(path: string): void {
  let db: Database.Database | null = null;
  try {
    db = new Database(path, { readonly: true, fileMustExist: true });
    const version = db.pragma('user_version', { simple: true }) as number;
    const tables = (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as { name: string }[]).map((r) => r.name);
    if (!tables.includes('forums') || !tables.includes('events') || version < 1) fail(`${path} is not a Viche database.`);
    if (version > SCHEMA_VERSION) fail(`${path} was written by a newer version of Viche (schema ${version}); update Viche first.`);
    const check = db.pragma('integrity_check', { simple: true });
    if (check !== 'ok') fail(`${path} is damaged (SQLite's integrity check: ${check}); choose another backup.`);
  } catch (err) {
    fail(`${path} cannot be read as a database: ${(err as Error).message}.`, err);
  } finally {
    db?.close();
  }
}

checkBackup(source);
// By any name of the file: a server on a symlink to it, or on a hard link, holds it just the same.
const holder = lockHolder(target);
if (holder !== undefined) fail(`${inUseBy(target, holder)}. Stop that server first, then restore.`);
/** The file the backup replaces: through a symlink, the file it points to, not the link. */
const file = realDatabasePath(target);

// Held while restoring, so that no server starts on the file halfway through.
let lock: WriterLock;
try {
  lock = WriterLock.acquire(target, 0);
} catch (err) {
  fail(err instanceof StartupError ? err.message : `Cannot lock ${target}: ${(err as Error).message}.`, err);
}
// The backup is copied in first: keeping the database as it was prunes the oldest backup, which
// may be the very one being restored. Renamed into place, it replaces the database at once.
const incoming = `${file}-restoring`;
let failure: unknown = null;
try {
  copyFileSync(source, incoming);
  let kept = '';
  if (existsSync(file)) kept = (await backupDatabase(file, { kind: 'before-restore' })).file;
  for (const suffix of ['-wal', '-shm']) rmSync(`${file}${suffix}`, { force: true });
  renameSync(incoming, file);
  process.stdout.write(`Restored ${source} as ${target}.\n${kept ? `The database as it was is kept as ${kept}.\n` : ''}`);
} catch (err) {
  failure = err;
  rmSync(incoming, { force: true });
} finally {
  lock.release();
}
// After the lock is released: fail() ends the process at once.
if (failure) fail(`The restore failed: ${(failure as Error).message}.`, failure);
