// `npm run backup`: a backup of the forum's database (VICHE_DB, else data/viche.db) into the folder
// beside it, `<db>-backups/`, named `…-manual.db` (the last ten of them are kept). Safe while the
// server runs: the copy is one consistent snapshot, including what is still in the write-ahead log.

import Database from 'better-sqlite3';
import { existsSync } from 'node:fs';
import { BACKUPS_KEPT, backupDatabase, backupDirOf } from '../server/db/backup.js';
import { fail, serverDatabase, typedPath } from './database.js';

const dbPath = process.argv[2] ? typedPath(process.argv[2]) : serverDatabase();
if (!existsSync(dbPath)) fail(`There is no database at ${dbPath}; set VICHE_DB to the forum's file.`);

let db: Database.Database;
try {
  db = new Database(dbPath, { fileMustExist: true, timeout: 5000 });
  db.prepare("SELECT count(*) FROM sqlite_master WHERE name IN ('forums', 'events')").get();
} catch (err) {
  fail(`${dbPath} cannot be read as a database: ${(err as Error).message}.`, err);
}
try {
  const { file } = await backupDatabase(dbPath, { kind: 'manual' });
  process.stdout.write(`Backup written to ${file}\n(the last ${BACKUPS_KEPT.manual} taken by hand are kept in ${backupDirOf(dbPath)}, besides the server's own).\n`);
} catch (err) {
  fail(`The backup of ${dbPath} failed: ${(err as Error).message}.`, err);
} finally {
  db.close();
}
