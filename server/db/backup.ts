// Backups of a forum's database, into a folder beside it, `<db>-backups/`. Each file's name says
// when it was taken and why: `<db>-<time>-<kind>.db`, the time in UTC ("2026-11-26T12-04-05-123Z").
// Kinds, and how many of each are kept (the newest by the time in the name):
//   phase-<phase>-forum-<n>  a forum's phase change: the last of each phase of each forum
//   shutdown                 the server stopped: the last 5
//   hourly                   while a forum runs and something changed: the last 24
//   city-vote                while a city vote is open, every CITY_BACKUP_MINUTES: the last CITY_BACKUPS_KEPT
//   pre-migration-v<n>       before a newer Viche changed the file's schema (n is the old one): every one
//   manual                   `npm run backup`: the last 10
//   before-restore           the database a restore replaced: the last 5
// A file whose name is none of these (copied in by hand) is never deleted, nor is the last of a kind.
// A running server has them written by a worker thread (backupWorker.ts), so the hall is answered
// meanwhile; the one before a migration is taken in one step, before anyone is served. Either is
// written under a name not ending in .db and renamed when whole: a half-written copy is never listed.

import type Database from 'better-sqlite3';
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { BackupJob, BackupOutcome } from './backupWorker.js';

export const backupDirOf = (dbPath: string): string => `${dbPath}-backups`;

export type BackupKind = 'phase' | 'shutdown' | 'hourly' | 'city-vote' | 'pre-migration' | 'manual' | 'before-restore';

/** How many of each kind are kept; a phase backup is kept per phase and per forum. */
export const BACKUPS_KEPT: Record<BackupKind, number> = {
  phase: 1,
  shutdown: 5,
  hourly: 24,
  // As many as the server was told to keep (CITY_BACKUPS_KEPT): pruned only as each is taken.
  'city-vote': Infinity,
  'pre-migration': Infinity,
  manual: 10,
  'before-restore': 5,
};

/** Why a backup is taken: what its name will say. */
export type BackupReason =
  | { kind: 'phase'; phase: string; forum: string }
  | { kind: 'pre-migration'; fromVersion: number }
  /** `keep`: how many of these are kept, this one included. */
  | { kind: 'city-vote'; keep: number }
  | { kind: Exclude<BackupKind, 'phase' | 'pre-migration' | 'city-vote'> };

export interface BackupInfo {
  file: string;
  at: number;
}

/** A backup file, as its name describes it. */
export interface NamedBackup extends BackupInfo {
  kind: BackupKind;
  /** What is kept per: the kind, or for a phase backup the phase and the forum. */
  group: string;
}

/** "2026-11-26T12-04-05-123Z": sorts as time does, and is a valid file name everywhere. */
const stamp = (at: number) => new Date(at).toISOString().replace(/:/g, '-').replace('.', '-');
const STAMP = /(\d{4}-\d\d-\d\dT\d\d-\d\d-\d\d-\d{3}Z)/;
const timeOf = (s: string) => Date.parse(s.replace(/T(\d\d)-(\d\d)-(\d\d)-(\d{3})Z$/, 'T$1:$2:$3.$4Z'));

const safe = (s: string) => s.replace(/[^\w-]+/g, '-');

/** The kind part of a backup's name. */
export function labelOf(reason: BackupReason): string {
  switch (reason.kind) {
    case 'phase':
      return `phase-${safe(reason.phase)}-forum-${safe(reason.forum)}`;
    case 'pre-migration':
      return `pre-migration-v${reason.fromVersion}`;
    case 'shutdown':
    case 'hourly':
    case 'city-vote':
    case 'manual':
    case 'before-restore':
      return reason.kind;
  }
}

export const backupFileName = (dbPath: string, reason: BackupReason, at: number) =>
  join(backupDirOf(dbPath), `${basename(dbPath).replace(/\.db$/, '')}-${stamp(at)}-${labelOf(reason)}.db`);

/** What a file's name says of it; null for a file that is not one of ours. */
export function parseBackupName(file: string): NamedBackup | null {
  const m = new RegExp(`^.*-${STAMP.source}-(.+)\\.db$`).exec(basename(file));
  if (!m) return null;
  const at = timeOf(m[1]);
  const label = m[2];
  if (!Number.isFinite(at)) return null;
  // Phase backups from before forums were named in them ("…-phase-ideas.db") are kept per phase.
  if (/^phase-[\w-]+$/.test(label)) return { file, at, kind: 'phase', group: label };
  if (/^pre-migration(-v\d+)?$/.test(label)) return { file, at, kind: 'pre-migration', group: 'pre-migration' };
  for (const kind of ['shutdown', 'hourly', 'city-vote', 'manual', 'before-restore'] as const) if (label === kind) return { file, at, kind, group: kind };
  return null;
}

/** The worker, from the bundle when the server runs bundled, else from the sources through tsx. */
function startWorker(job: BackupJob): Worker {
  const here = import.meta.url;
  if (here.endsWith('.mjs')) return new Worker(new URL('./backup-worker.mjs', here), { workerData: job });
  return new Worker(new URL('../forums/fileWorkerBoot.mjs', here), { workerData: { ...job, entry: new URL('./backupWorker.ts', here).href } });
}

function copyInWorker(job: BackupJob): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const worker = startWorker(job);
    worker.once('message', (outcome: BackupOutcome) => {
      if (outcome.ok) resolve();
      else reject(Object.assign(new Error(outcome.message), { code: outcome.code }));
    });
    worker.once('error', reject);
    worker.once('exit', (code) => reject(new Error(`the backup's worker stopped (${code})`)));
  });
}

/**
 * Takes a backup of the database at `dbPath` in a worker thread, then prunes. The event loop only
 * starts the worker and renames the file: a 44.5 MiB database copied on the loop itself (SQLite's
 * online backup, a hundred pages a turn) held it up for 50–294 ms, its last step (the copy's
 * commit and sync) the longest; in the worker, no longer than an idle loop's noise
 * (`BENCH_ONLY=backup npm run bench`).
 */
export async function backupDatabase(dbPath: string, reason: BackupReason, now = Date.now()): Promise<BackupInfo> {
  mkdirSync(backupDirOf(dbPath), { recursive: true });
  const file = backupFileName(dbPath, reason, now);
  const partial = `${file}.partial`;
  rmSync(partial, { force: true });
  try {
    await copyInWorker({ source: dbPath, file: partial });
    renameSync(partial, file);
  } catch (err) {
    rmSync(partial, { force: true });
    throw err;
  }
  pruneBackups(dbPath, reason.kind === 'city-vote' ? { 'city-vote': reason.keep } : {});
  return { file, at: now };
}

/**
 * The same, at once and on this thread, from an open connection: for a database no one is served
 * from yet (before its schema is migrated). VACUUM INTO writes a consistent, compact copy, already
 * out of WAL mode, so that it opens anywhere, read-only too.
 */
export function backupDatabaseNow(db: Database.Database, dbPath: string, reason: BackupReason, now = Date.now()): BackupInfo {
  mkdirSync(backupDirOf(dbPath), { recursive: true });
  const file = backupFileName(dbPath, reason, now);
  const partial = `${file}.partial`;
  rmSync(partial, { force: true });
  try {
    db.prepare('VACUUM INTO ?').run(partial);
    renameSync(partial, file);
  } catch (err) {
    rmSync(partial, { force: true });
    throw err;
  }
  pruneBackups(dbPath);
  return { file, at: now };
}

/** The backups beside a database, newest first: ours by the time in their names, others by their files' times. */
export function listBackups(dbPath: string): BackupInfo[] {
  const dir = backupDirOf(dbPath);
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => f.endsWith('.db'))
    .map((f) => parseBackupName(join(dir, f)) ?? { file: join(dir, f), at: statSync(join(dir, f)).mtimeMs })
    .map(({ file, at }) => ({ file, at }))
    .sort((a, b) => b.at - a.at || b.file.localeCompare(a.file));
}

/** Deletes what BACKUPS_KEPT does not keep; returns the files deleted. */
export function pruneBackups(dbPath: string, kept: Partial<Record<BackupKind, number>> = {}): string[] {
  const dir = backupDirOf(dbPath);
  const groups = new Map<string, NamedBackup[]>();
  for (const f of readdirSync(dir)) {
    const named = f.endsWith('.db') ? parseBackupName(join(dir, f)) : null;
    if (!named) continue;
    const list = groups.get(named.group) ?? [];
    list.push(named);
    groups.set(named.group, list);
  }
  const deleted: string[] = [];
  // A copy cut short (the process killed while writing it) is nobody's once an hour has passed.
  for (const f of readdirSync(dir)) {
    const path = join(dir, f);
    if (f.endsWith('.db.partial') && Date.now() - statSync(path).mtimeMs > 3_600_000) {
      rmSync(path, { force: true });
      deleted.push(path);
    }
  }
  for (const list of groups.values()) {
    list.sort((a, b) => b.at - a.at || b.file.localeCompare(a.file));
    // Never the last of its kind, whatever the number kept says.
    for (const { file } of list.slice(Math.max(1, kept[list[0].kind] ?? BACKUPS_KEPT[list[0].kind]))) {
      rmSync(file, { force: true });
      deleted.push(file);
    }
  }
  return deleted;
}

/**
 * After a forum's personal data was deleted (personsAnonymised): deletes every backup beside the
 * database that still holds it, that is every copy, whatever its kind or name, in which the forum
 * exists without that event. A backup is the whole database, so the other forums' copies in it go
 * too; the server's next backup holds them again. Returns the files deleted. Opened read-only,
 * one at a time; a file SQLite cannot read is left where it is, and named in `unreadable`.
 */
export function deleteBackupsHoldingPersons(dbPath: string, forumId: string, open: (file: string) => Database.Database): { deleted: string[]; unreadable: string[] } {
  const dir = backupDirOf(dbPath);
  const deleted: string[] = [];
  const unreadable: string[] = [];
  if (!existsSync(dir)) return { deleted, unreadable };
  for (const name of readdirSync(dir)) {
    // A copy still being written (.partial) is not a backup yet; backupWorker.ts throws it away if the deletion came first.
    if (!name.endsWith('.db')) continue;
    const file = join(dir, name);
    let holds: boolean;
    try {
      const db = open(file);
      try {
        const has = (sql: string) => db.prepare(sql).get(forumId) !== undefined;
        holds = has('SELECT 1 FROM forums WHERE id = ?') && !has("SELECT 1 FROM events WHERE forum_id = ? AND type = 'personsAnonymised'");
      } finally {
        db.close();
      }
    } catch {
      unreadable.push(file);
      continue;
    }
    if (!holds) continue;
    for (const part of ['', '-wal', '-shm']) rmSync(`${file}${part}`, { force: true });
    deleted.push(file);
  }
  return { deleted, unreadable };
}
