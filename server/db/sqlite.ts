// The embedded SQLite store: one better-sqlite3 connection in WAL mode with synchronous=FULL, so
// a commit is on disk before appendBatch() resolves and survives kill -9 and power loss alike. Its
// calls are synchronous, wrapped in the store's promises: the work is done when the call returns,
// but for deleting a city vote's personal data, which a worker thread does (anonymiseWorker.ts).
// Opening checks the file first and explains, in one sentence, anything that would stop the forum;
// a write that fails because of the disk is a StorageUnavailable with its cause, never a crash.

import Database from 'better-sqlite3';
import { accessSync, constants, existsSync, mkdirSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { StartupError, StorageConflict, StorageUnavailable, storageCauseOf, type StorageOutcome } from '../errors.js';
import { backupDatabase, backupDatabaseNow, backupDirOf, type BackupInfo, type BackupReason } from './backup.js';
import type { ForumEvent } from '../../shared/forum/types.js';
import { deletesPersonalData } from '../forum/redaction.js';
import { anonymiseInWorker } from './anonymiseInWorker.js';
import { redactPersonalData } from './redactEvents.js';
import { snapshotBody } from './snapshotBody.js';
import { parseStoredEvent } from './storedEvent.js';
import { snapshotInWorker } from './snapshotInWorker.js';
import {
  IMPORTING_SLUG,
  type BatchEntry,
  type ForumRecord,
  type ForumSecrets,
  type ForumStore,
  type LoadedForum,
  type LoadOptions,
  type LogPage,
  type NewForum,
  type ServerLogEntry,
  type SettingName,
  type SnapshotSource,
  type StoredEvent,
  type StoredSnapshot,
  type StoredSummary,
  SNAPSHOTS_KEPT,
  RECENT_BEFORE_SNAPSHOT,
} from './store.js';

/** Each entry moves the schema one version up; PRAGMA user_version records how far a file is. */
const MIGRATIONS: string[] = [
  `CREATE TABLE forums (
     id TEXT PRIMARY KEY,
     join_code TEXT NOT NULL,
     facilitator_key TEXT NOT NULL,
     created_at INTEGER NOT NULL
   );
   CREATE TABLE events (
     seq INTEGER PRIMARY KEY AUTOINCREMENT,
     forum_id TEXT NOT NULL REFERENCES forums(id),
     type TEXT NOT NULL,
     payload TEXT NOT NULL,
     action_key TEXT,
     recorded_at INTEGER NOT NULL
   );
   CREATE INDEX events_forum ON events(forum_id, seq);
   CREATE UNIQUE INDEX events_action ON events(forum_id, action_key) WHERE action_key IS NOT NULL;`,
  // Admission: the secret behind the hall's rotating codes, and the projector's display key.
  `ALTER TABLE forums ADD COLUMN join_secret TEXT NOT NULL DEFAULT '';
   ALTER TABLE forums ADD COLUMN screen_key TEXT NOT NULL DEFAULT '';`,
  // Many forums on one server: each has a short address part (1, 2, 3… in the order they were
  // made); the facilitator's key becomes the server's (the newest forum's key until now); the
  // server logs what happens to whole forums. forums.facilitator_key is no longer read.
  `ALTER TABLE forums ADD COLUMN slug TEXT;
   UPDATE forums SET slug = (SELECT COUNT(*) FROM forums AS f WHERE f.created_at < forums.created_at OR (f.created_at = forums.created_at AND f.rowid <= forums.rowid));
   CREATE UNIQUE INDEX forums_slug ON forums(slug);
   CREATE TABLE settings (name TEXT PRIMARY KEY, value TEXT NOT NULL);
   INSERT INTO settings (name, value) SELECT 'facilitator_key', facilitator_key FROM forums ORDER BY created_at DESC, rowid DESC LIMIT 1;
   CREATE TABLE server_log (
     seq INTEGER PRIMARY KEY AUTOINCREMENT,
     at INTEGER NOT NULL,
     action TEXT NOT NULL,
     forum_id TEXT NOT NULL,
     title TEXT NOT NULL,
     detail TEXT NOT NULL DEFAULT ''
   );
   INSERT INTO server_log (at, action, forum_id, title, detail)
     SELECT created_at, 'created', id, '', 'before many forums' FROM forums ORDER BY created_at;`,
  // Action ids are checked by the forum's room, which knows every one it took (forum/actionKeys.ts):
  // the unique index on them made each write dirty a random page of it per action, half of every
  // commit's time at thousands of phones.
  `DROP INDEX events_action;`,
  // Each forum's events are numbered on their own (1, 2, 3…), so that a writer can say after which
  // event its batch goes and be refused if another came first (appendBatch); the old global
  // numbers are renumbered per forum in the same order. Addresses (slugs) are given by the store
  // from a counter that never goes back, so a deleted forum's number is not given again. The
  // start-up check's marks name old numbers: the next start checks every log once.
  `CREATE TABLE forum_events (
     forum_id TEXT NOT NULL REFERENCES forums(id),
     seq INTEGER NOT NULL,
     type TEXT NOT NULL,
     payload TEXT NOT NULL,
     action_key TEXT,
     recorded_at INTEGER NOT NULL,
     PRIMARY KEY (forum_id, seq)
   );
   INSERT INTO forum_events (forum_id, seq, type, payload, action_key, recorded_at)
     SELECT forum_id, ROW_NUMBER() OVER (PARTITION BY forum_id ORDER BY seq), type, payload, action_key, recorded_at FROM events ORDER BY forum_id, seq;
   DROP TABLE events;
   ALTER TABLE forum_events RENAME TO events;
   CREATE TABLE slug_counter (id INTEGER PRIMARY KEY CHECK (id = 1), last INTEGER NOT NULL);
   INSERT INTO slug_counter (id, last) VALUES (1, MAX(0,
     COALESCE((SELECT MAX(CAST(slug AS INTEGER)) FROM forums WHERE slug NOT LIKE '~%'), 0),
     COALESCE((SELECT MAX(CAST(substr(detail, 12) AS INTEGER)) FROM server_log WHERE detail LIKE 'address /f/%'), 0)));
   DELETE FROM settings WHERE name = 'log_checked';`,
  // Snapshots of a forum's state at one of its events (the latest few), so that a forum of a
  // million events opens from one and the events after it rather than from its whole log. A body
  // is written in parts, each in a transaction of its own (saveSnapshot says why); a snapshot is
  // there once its row in `snapshots` is, written last.
  `CREATE TABLE snapshots (
     forum_id TEXT NOT NULL REFERENCES forums(id),
     seq INTEGER NOT NULL,
     taken_at INTEGER NOT NULL,
     PRIMARY KEY (forum_id, seq)
   );
   CREATE TABLE snapshot_parts (
     forum_id TEXT NOT NULL REFERENCES forums(id),
     seq INTEGER NOT NULL,
     part INTEGER NOT NULL,
     body TEXT NOT NULL,
     PRIMARY KEY (forum_id, seq, part)
   );`,
  // What the forum list shows of each forum, written by the process serving it, so that any
  // process lists every forum without opening it. Filled in as forums open or are listed.
  `CREATE TABLE summaries (
     forum_id TEXT PRIMARY KEY REFERENCES forums(id),
     seq INTEGER NOT NULL,
     body TEXT NOT NULL,
     saved_at INTEGER NOT NULL
   );`,
];

export const SCHEMA_VERSION = MIGRATIONS.length;

/** Characters of a snapshot's body written per transaction (saveSnapshot). */
const SNAPSHOT_PART = 512 * 1024;

/** A stored snapshot's body, its parts put together (the worker thread reads it so too). */
export function snapshotBodyOf(db: Database.Database, forumId: string, seq: number): string {
  return (db.prepare('SELECT body FROM snapshot_parts WHERE forum_id = ? AND seq = ? ORDER BY part').pluck().all(forumId, seq) as string[]).join('');
}

/**
 * How long a write waits for another program's lock on the file. Short, because the server is one
 * thread: while it waits, no phone is answered. A command that meets a longer lock is refused
 * (nothing saved) and the phone tries again.
 */
export const BUSY_TIMEOUT_MS = 25;

const canWrite = (path: string): boolean => {
  try {
    accessSync(path, constants.W_OK);
    return true;
  } catch {
    return false;
  }
};

/**
 * Checks, before anything is opened or created, that the file can be a forum's database: the
 * folder can be written (SQLite keeps its journal beside the file), the file itself can be
 * written, and it is not a folder. Refuses with a sentence that says what to fix.
 */
export function checkDatabasePath(path: string, readOnly = false): { exists: boolean } {
  const full = resolve(path);
  if (existsSync(full)) {
    const stat = statSync(full);
    if (stat.isDirectory()) {
      throw new StartupError(`VICHE_DB вказує на теку, ${full}; вкажіть у ньому ім’я файлу, наприклад ${full}/viche.db.`, `VICHE_DB points to a folder, ${full}; give it a file name such as ${full}/viche.db.`);
    }
    // SQLite would take an empty file for a new database: a forum whose file was emptied (a failed
    // copy, a truncation) would start again from nothing, over the name of the old one.
    if (stat.size === 0) {
      throw new StartupError(
        `${full} порожній (0 байтів), це не база форуму: покладіть на його місце резервну копію (npm run restore ФАЙЛ) або приберіть порожній файл, щоб почати новий форум.`,
        `${full} is empty (0 bytes), not a forum's database: put a backup in its place with npm run restore FILE, or remove the empty file to start a new forum.`,
      );
    }
    if (!readOnly && !canWrite(full)) {
      throw new StartupError(
        `${full} доступний лише для читання, а Віче записує в нього кожну дію. Дозвольте запис або скопіюйте файл і вкажіть копію у VICHE_DB.`,
        `${full} is read-only: Viche must write every action to it. Make it writable, or copy it and point VICHE_DB at the copy.`,
      );
    }
    if (!canWrite(dirname(full))) {
      throw new StartupError(
        `Тека ${dirname(full)} доступна лише для читання, а Віче тримає журнал бази поруч із ${full}. Дозвольте запис у теку або перенесіть базу.`,
        `The folder ${dirname(full)} is read-only: Viche keeps the database's journal beside ${full}. Make the folder writable, or move the database.`,
      );
    }
    return { exists: true };
  }
  if (readOnly) {
    throw new StartupError(
      `Файлу ${full} немає, тож нема чого відкрити лише для читання: READ_ONLY=1 відкриває базу наявного форуму; не задавайте його, щоб почати новий форум.`,
      `There is no file ${full} to open read-only: READ_ONLY=1 opens an existing forum's database; leave it unset to start a new forum.`,
    );
  }
  let folder = dirname(full);
  while (!existsSync(folder) && dirname(folder) !== folder) folder = dirname(folder);
  if (!canWrite(folder)) {
    throw new StartupError(
      `Не вдається створити ${full}: тека ${folder} доступна лише для читання. Виберіть інше місце у VICHE_DB.`,
      `Cannot create ${full}: the folder ${folder} is read-only. Choose another place with VICHE_DB.`,
    );
  }
  return { exists: false };
}

/**
 * What a failure while the database is opened and read at start-up means, as one sentence; null
 * for a failure that is not the file's or the disk's.
 */
export function startupErrorOf(err: unknown, path: string): StartupError | null {
  if (err instanceof StartupError) return err;
  const full = resolve(path);
  const code = String((err as { code?: unknown })?.code ?? '');
  const cause = err instanceof StorageUnavailable ? err.reason : storageCauseOf(err);
  if (cause === 'full') {
    return new StartupError(
      `Диск, на якому лежить ${full}, заповнений, тож форум не відкрити: звільніть на ньому місце й запустіть знову.`,
      `The disk holding ${full} is full, so the forum cannot be opened: free some space on it, then start again.`,
    );
  }
  if (code === 'SQLITE_CORRUPT' || code === 'SQLITE_NOTADB') {
    return new StartupError(
      `${full} пошкоджений (SQLite: ${(err as Error).message}): покладіть на його місце резервну копію (npm run restore ФАЙЛ) або запустіть лише для читання з READ_ONLY=1, щоб побачити, що ще можна прочитати.`,
      `${full} is damaged (SQLite: ${(err as Error).message}): put a backup in its place with npm run restore FILE, or start read-only with READ_ONLY=1 to see what can still be read.`,
    );
  }
  if (cause === 'io') {
    return new StartupError(
      `${full} не читається з диска (SQLite: ${(err as Error).message}): перевірте диск або покладіть на місце файлу резервну копію (npm run restore ФАЙЛ).`,
      `${full} cannot be read from the disk (SQLite: ${(err as Error).message}): check the disk, or put a backup in its place with npm run restore FILE.`,
    );
  }
  return null;
}

export { parseStoredEvent };

export const READ_ONLY_DETAIL = 'the server was started read-only (READ_ONLY=1)';

export interface StoreOptions {
  /**
   * READ_ONLY=1: nothing is written to the file, not even a migration; a forum's actions are
   * refused as STORAGE_UNAVAILABLE (readonly), while settings and secrets the server makes at start
   * are kept in memory for as long as it runs.
   */
  readOnly?: boolean;
  /** Told when a forum's personal data was deleted: what was rewritten and which backups went, for the server's log. */
  onPersonalDataDeleted?: (report: PersonalDataDeleted) => void;
}

/** What deleting a forum's personal data did, for the server's log. */
export interface PersonalDataDeleted {
  forumId: string;
  eventsRewritten: number;
  backupsDeleted: string[];
  backupsUnreadable: string[];
  ms: { plan: number; transaction: number; rebuild: number; backups: number };
}

export class SqliteStore implements ForumStore {
  private db: Database.Database;
  /** While the anonymisation's worker holds the write: resolved when it is done (anonymiseElsewhere). */
  private gate: Promise<void> | null = null;
  /** Rows the anonymisation's worker wrote, which this connection's total_changes() does not count. */
  private writesElsewhere = 0;
  private insertEvent: Database.Statement;
  private lastSeq: Database.Statement;
  private nextSlug: Database.Statement;
  private begin: Database.Statement;
  private commit: Database.Statement;
  private rollback: Database.Statement;
  readonly readOnly: boolean;
  /** Read-only: what would have been written to `settings`, kept for this run only. */
  private readonly settingsInMemory = new Map<SettingName, string>();

  constructor(
    readonly path: string,
    private readonly options: StoreOptions = {},
  ) {
    this.readOnly = options.readOnly ?? false;
    const exists = path === ':memory:' || existsSync(path);
    if (!exists) mkdirSync(dirname(path), { recursive: true });
    this.db = new Database(path, { timeout: 2000, readonly: this.readOnly });
    // Whatever stops the opening (a damaged page met by a query, a full disk) closes the file
    // again, so that SQLite takes away the -wal and -shm it made: a refused start leaves nothing.
    try {
      this.checkIsViche(path);
      if (this.readOnly && (this.db.pragma('user_version', { simple: true }) as number) < MIGRATIONS.length) {
        throw new StartupError(
          `${resolve(path)} записала старіша версія Віче, і перед читанням його треба оновити, а READ_ONLY=1 цього не дозволяє: запустіть раз без нього на копії файлу або відновіть новішу резервну копію.`,
          `${resolve(path)} was written by an older version of Viche and must be updated before it is read, which READ_ONLY=1 forbids: start without it once on a copy, or restore a newer backup.`,
        );
      }
      if (this.readOnly) {
        this.insertEvent = this.lastSeq = this.nextSlug = this.begin = this.commit = this.rollback = this.db.prepare('SELECT 1');
        return;
      }
      this.keepBeforeMigration(path);
      this.db.pragma('journal_mode = WAL');
      this.db.pragma('synchronous = FULL');
      this.db.pragma('foreign_keys = ON');
      this.migrate();
      this.db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
      // A forum whose import was cut short (the server stopped half-way) is nobody's: it goes.
      for (const { id } of this.db.prepare("SELECT id FROM forums WHERE slug LIKE '~importing-%'").all() as { id: string }[]) this.removeForum(id);
      this.insertEvent = this.db.prepare(
        'INSERT INTO events (forum_id, seq, type, payload, action_key, recorded_at) VALUES (?, ?, ?, ?, ?, ?)',
      );
      this.lastSeq = this.db.prepare('SELECT COALESCE(MAX(seq), 0) AS seq FROM events WHERE forum_id = ?').pluck();
      this.nextSlug = this.db.prepare('UPDATE slug_counter SET last = last + 1 RETURNING last').pluck();
      // A batch's transaction is run by hand, not by db.transaction(), to tell a failure before the
      // commit (nothing stored) from one during it (outcome unknown).
      this.begin = this.db.prepare('BEGIN IMMEDIATE');
      this.commit = this.db.prepare('COMMIT');
      this.rollback = this.db.prepare('ROLLBACK');
    } catch (err) {
      this.db.close();
      throw err;
    }
  }

  /**
   * Refuses, before the file is changed in any way (not even switched to WAL), a file that is not
   * a SQLite database, another program's database, or one written by a newer version of Viche.
   */
  private checkIsViche(path: string): void {
    let version: number;
    let tables: string[];
    try {
      version = this.db.pragma('user_version', { simple: true }) as number;
      tables = (this.db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as { name: string }[]).map((r) => r.name);
    } catch (err) {
      if ((err as { code?: string }).code === 'SQLITE_NOTADB') {
        throw new StartupError(
          `${resolve(path)} — не база даних (SQLite: file is not a database). Вкажіть у VICHE_DB базу Віче або приберіть файл, щоб почати новий форум.`,
          `${resolve(path)} is not a database (SQLite: file is not a database). Point VICHE_DB at a Viche database, or move the file away to start a new forum.`,
        );
      }
      throw err;
    }
    if (version > MIGRATIONS.length) {
      throw new StartupError(
        `${resolve(path)} записала новіша версія Віче (схема ${version}; ця версія читає до ${MIGRATIONS.length}). Оновіть Віче або вкажіть у VICHE_DB інший файл.`,
        `${resolve(path)} was written by a newer version of Viche (schema ${version}; this version reads up to ${MIGRATIONS.length}). Update Viche, or point VICHE_DB at another file.`,
      );
    }
    const viche = ['forums', 'events'].every((t) => tables.includes(t));
    if ((version > 0 && !viche) || (version === 0 && tables.length > 0 && !viche)) {
      throw new StartupError(
        `${resolve(path)} — база SQLite, але не Віче. Вкажіть у VICHE_DB базу Віче або нове ім’я файлу.`,
        `${resolve(path)} is a SQLite database, but not Viche's. Point VICHE_DB at a Viche database, or at a new file name.`,
      );
    }
  }

  /**
   * A file made by an older version is kept as it was, beside it, before anything in it changes
   * (before it is even switched to WAL): the one way back if the new version turns out wrong.
   */
  private keepBeforeMigration(path: string): void {
    const version = this.db.pragma('user_version', { simple: true }) as number;
    if (version < 1 || version >= MIGRATIONS.length || path === ':memory:') return;
    try {
      backupDatabaseNow(this.db, path, { kind: 'pre-migration', fromVersion: version });
    } catch (err) {
      throw new StartupError(
        `Не вдалося зберегти копію ${resolve(path)} у ${backupDirOf(path)} перед оновленням її схеми з ${version} до ${MIGRATIONS.length} (${(err as Error).message}); звільніть там місце або дозвольте запис у теку й запустіть знову.`,
        `Cannot keep a copy of ${resolve(path)} in ${backupDirOf(path)} before updating its schema from ${version} to ${MIGRATIONS.length} (${(err as Error).message}); free some space there, or make the folder writable, then start again.`,
      );
    }
  }

  private migrate(): void {
    const version = this.db.pragma('user_version', { simple: true }) as number;
    for (let v = version; v < MIGRATIONS.length; v++) {
      this.db.transaction(() => {
        this.db.exec(MIGRATIONS[v]);
        this.db.pragma(`user_version = ${v + 1}`);
      })();
    }
  }

  async loadForums(options: LoadOptions = {}): Promise<LoadedForum[]> {
    const loaded: LoadedForum[] = [];
    for (const forum of await this.listForums()) loaded.push(await this.readForum(forum, options));
    return loaded;
  }

  async listForums(): Promise<ForumRecord[]> {
    const rows = this.db
      // A forum whose import was cut short is not loaded (read-only, it cannot be removed).
      .prepare("SELECT id, slug, join_code, created_at, join_secret, screen_key FROM forums WHERE slug NOT LIKE '~importing-%' ORDER BY created_at, rowid")
      .all() as { id: string; slug: string; join_code: string; created_at: number; join_secret: string; screen_key: string }[];
    return rows.map((row) => ({
      id: row.id,
      slug: row.slug,
      joinCode: row.join_code,
      createdAt: row.created_at,
      joinSecret: row.join_secret,
      screenKey: row.screen_key,
    }));
  }

  async loadForum(forumId: string, options: LoadOptions = {}): Promise<LoadedForum | null> {
    const forum = (await this.listForums()).find((f) => f.id === forumId);
    return forum ? this.readForum(forum, options) : null;
  }

  private async readForum(forum: ForumRecord, options: LoadOptions): Promise<LoadedForum> {
    const seq = options.fromSnapshot ? this.latestSnapshotSeq(forum.id) : undefined;
    const passedOver = seq !== undefined && options.useSnapshot && !options.useSnapshot(forum.id, seq) ? seq : undefined;
    const snapshot = seq !== undefined && passedOver === undefined ? { seq } : undefined;
    if (options.headOnly) return { forum, events: [], ...(snapshot ? { snapshot } : {}), ...(passedOver !== undefined ? { passedOver } : {}) };
    if (passedOver !== undefined) return { forum, ...this.readLog(forum.id, 0), passedOver };
    if (!snapshot) return { forum, ...this.readLog(forum.id, 0) };
    // The ids alone, not the payloads: a column read, where parsing a million events is seconds.
    const keysBefore = this.db
      .prepare('SELECT action_key FROM events WHERE forum_id = ? AND seq <= ? AND action_key IS NOT NULL ORDER BY seq')
      .pluck()
      .all(forum.id, snapshot.seq) as string[];
    const doneBefore = this.readLog(forum.id, Math.max(0, snapshot.seq - RECENT_BEFORE_SNAPSHOT), snapshot.seq, true).events;
    return { forum, ...this.readLog(forum.id, snapshot.seq), snapshot, keysBefore, doneBefore };
  }

  async loadLog(forumId: string, page?: LogPage): Promise<Pick<LoadedForum, 'events' | 'unreadable'>> {
    return page ? this.readLog(forumId, page.after, page.until, page.keyedOnly, page.limit) : this.readLog(forumId, 0);
  }

  async loadActionKeys(forumId: string, page: LogPage): Promise<{ seq: number; actionKey: string }[]> {
    return (
      this.db
        .prepare('SELECT seq, action_key FROM events WHERE forum_id = ? AND seq > ? AND seq <= ? AND action_key IS NOT NULL ORDER BY seq LIMIT ?')
        .all(forumId, page.after, page.until ?? Number.MAX_SAFE_INTEGER, page.limit) as { seq: number; action_key: string }[]
    ).map((r) => ({ seq: r.seq, actionKey: r.action_key }));
  }

  /** A forum's rows after `after` (up to `until`, at most `limit`), events apart from rows that are not: those the start-up check names. */
  private readLog(forumId: string, after: number, until = Number.MAX_SAFE_INTEGER, keyedOnly = false, limit = -1): Required<Pick<LoadedForum, 'events' | 'unreadable'>> {
    const rows = this.db.prepare(
      `SELECT seq, type, payload, action_key FROM events WHERE forum_id = ? AND seq > ? AND seq <= ?${keyedOnly ? ' AND action_key IS NOT NULL' : ''} ORDER BY seq LIMIT ?`,
    );
    const read: Required<Pick<LoadedForum, 'events' | 'unreadable'>> = { events: [], unreadable: [] };
    // A row that is not an event is set aside, never replayed: the start-up check names it.
    for (const r of rows.iterate(forumId, after, until, limit) as Iterable<{ seq: number; type: unknown; payload: unknown; action_key: string | null }>) {
      const event = parseStoredEvent(r.type, r.payload);
      if (typeof event === 'string') read.unreadable.push({ seq: r.seq, type: String(r.type), reason: event });
      else read.events.push({ seq: r.seq, event, actionKey: r.action_key });
    }
    return read;
  }

  /**
   * Rows that are not events are left out, as the replay leaves them out (a damaged forum opened
   * with READ_ONLY=1): its file holds what the server holds. A page is empty only at the end.
   */
  async loadEventsAfter(forumId: string, seq: number, limit = -1): Promise<StoredEvent[]> {
    const rows = this.db.prepare('SELECT seq, type, payload, action_key FROM events WHERE forum_id = ? AND seq > ? ORDER BY seq LIMIT ?');
    let after = seq;
    for (;;) {
      const page = rows.all(forumId, after, Number.isFinite(limit) ? limit : -1) as { seq: number; type: unknown; payload: unknown; action_key: string | null }[];
      const events: StoredEvent[] = [];
      for (const r of page) {
        const event = parseStoredEvent(r.type, r.payload);
        if (typeof event !== 'string') events.push({ seq: r.seq, event, actionKey: r.action_key });
      }
      if (events.length > 0 || page.length === 0) return events;
      after = page[page.length - 1].seq;
    }
  }

  async createForum(forum: NewForum, events: readonly ForumEvent[], entry: ServerLogEntry): Promise<ForumRecord> {
    if (this.gate) await this.writable();
    try {
      return this.db.transaction(() => {
        const slug = String(this.nextSlug.get());
        this.insertForum(forum, slug);
        const now = Date.now();
        events.forEach((event, i) => this.insertEvent.run(forum.id, i + 1, event.type, JSON.stringify(event), null, now));
        this.insertLog(entry);
        return { ...forum, slug };
      })();
    } catch (err) {
      throw this.storageError(err);
    }
  }

  private insertForum(forum: NewForum, slug: string): void {
    this.db
      .prepare('INSERT INTO forums (id, slug, join_code, facilitator_key, created_at, join_secret, screen_key) VALUES (?, ?, ?, ?, ?, ?, ?)')
      .run(forum.id, slug, forum.joinCode, '', forum.createdAt, forum.joinSecret, forum.screenKey);
  }

  async beginImport(forum: NewForum): Promise<void> {
    if (this.gate) await this.writable();
    try {
      this.insertForum(forum, IMPORTING_SLUG(forum.id));
    } catch (err) {
      throw this.storageError(err);
    }
  }

  /**
   * A slice of an import, committed without waiting for the disk (synchronous=NORMAL for its
   * transaction alone): nobody has been told of it yet, and a crash before finishImport leaves an
   * unfinished import that is removed at the next start. finishImport's own commit, at FULL, syncs
   * the write-ahead log with every slice before it; so does any hall commit made between slices.
   * At FULL, each slice's sync on the event loop's thread was a stall the hall could feel.
   */
  async importEvents(forumId: string, events: readonly ForumEvent[]): Promise<void> {
    if (this.gate) await this.writable();
    this.db.pragma('synchronous = NORMAL');
    try {
      this.db.transaction(() => this.insertBatch(forumId, this.lastSeq.get(forumId) as number, [{ events, actionKey: null }]))();
    } catch (err) {
      throw this.storageError(err);
    } finally {
      this.db.pragma('synchronous = FULL');
    }
  }

  async finishImport(forumId: string, entry: ServerLogEntry): Promise<string> {
    if (this.gate) await this.writable();
    try {
      return this.db.transaction(() => {
        const slug = String(this.nextSlug.get());
        this.db.prepare('UPDATE forums SET slug = ? WHERE id = ?').run(slug, forumId);
        this.insertLog(entry);
        return slug;
      })();
    } catch (err) {
      throw this.storageError(err);
    }
  }

  async abortImport(forumId: string): Promise<void> {
    if (this.gate) await this.writable();
    this.removeForum(forumId);
  }

  private removeForum(forumId: string, entry?: ServerLogEntry): void {
    try {
      this.db.transaction(() => {
        this.db.prepare('DELETE FROM summaries WHERE forum_id = ?').run(forumId);
        this.db.prepare('DELETE FROM snapshot_parts WHERE forum_id = ?').run(forumId);
        this.db.prepare('DELETE FROM snapshots WHERE forum_id = ?').run(forumId);
        this.db.prepare('DELETE FROM events WHERE forum_id = ?').run(forumId);
        this.db.prepare('DELETE FROM forums WHERE id = ?').run(forumId);
        if (entry) this.insertLog(entry);
      })();
    } catch (err) {
      throw this.storageError(err);
    }
  }

  async deleteForum(forumId: string, entry: ServerLogEntry): Promise<void> {
    if (this.gate) await this.writable();
    this.removeForum(forumId, entry);
  }

  /**
   * The body in parts of SNAPSHOT_PART characters, each in a transaction of its own with a turn of
   * the event loop between them: the largest forum's 9 MiB written in one held the hall up for
   * 75 to 105 ms. Then, in one transaction, the snapshot's row (it is there from now on) and the
   * older ones beyond the latest SNAPSHOTS_KEPT out. Parts left by a write cut short (no row) are
   * removed by the next.
   */
  async saveSnapshot(forumId: string, seq: number, body: string): Promise<void> {
    if (this.gate) await this.writable();
    if (this.readOnly) throw new StorageUnavailable('readOnlyStart', READ_ONLY_DETAIL);
    const check = () => {
      const last = this.lastSeq.get(forumId) as number;
      if (!Number.isInteger(seq) || seq < 1 || seq > last) throw new Error(`forum ${forumId} has no event ${seq} to take a snapshot at`);
    };
    try {
      check();
      this.db.prepare('DELETE FROM snapshot_parts WHERE forum_id = ? AND seq = ?').run(forumId, seq);
      const insert = this.db.prepare('INSERT INTO snapshot_parts (forum_id, seq, part, body) VALUES (?, ?, ?, ?)');
      for (let part = 0; part * SNAPSHOT_PART < body.length || part === 0; part++) {
        if (part > 0) await new Promise((resolve) => setImmediate(resolve));
        insert.run(forumId, seq, part, body.slice(part * SNAPSHOT_PART, (part + 1) * SNAPSHOT_PART));
      }
      this.db.transaction(() => {
        check();
        // Taken before the vote's personal data was deleted (redactPersonalData), it would hold it again.
        if (this.db.prepare("SELECT 1 FROM events WHERE forum_id = ? AND seq > ? AND type = 'personsAnonymised'").get(forumId, seq)) {
          this.db.prepare('DELETE FROM snapshot_parts WHERE forum_id = ? AND seq = ?').run(forumId, seq);
          return;
        }
        this.db.prepare('INSERT OR REPLACE INTO snapshots (forum_id, seq, taken_at) VALUES (?, ?, ?)').run(forumId, seq, Date.now());
        this.db
          .prepare('DELETE FROM snapshots WHERE forum_id = ? AND seq NOT IN (SELECT seq FROM snapshots WHERE forum_id = ? ORDER BY seq DESC LIMIT ?)')
          .run(forumId, forumId, SNAPSHOTS_KEPT);
        this.db.prepare('DELETE FROM snapshot_parts WHERE forum_id = ? AND seq NOT IN (SELECT seq FROM snapshots WHERE forum_id = ?)').run(forumId, forumId);
      }).immediate();
    } catch (err) {
      throw this.storageError(err);
    }
  }

  async latestSnapshot(forumId: string): Promise<StoredSnapshot | null> {
    const seq = this.latestSnapshotSeq(forumId);
    return seq === undefined ? null : { seq, body: snapshotBodyOf(this.db, forumId, seq) };
  }

  private latestSnapshotSeq(forumId: string): number | undefined {
    return this.db
      .prepare('SELECT seq FROM snapshots WHERE forum_id = ? AND seq <= (SELECT COALESCE(MAX(seq), 0) FROM events WHERE forum_id = ?) ORDER BY seq DESC LIMIT 1')
      .pluck()
      .get(forumId, forumId) as number | undefined;
  }

  /**
   * A part a turn of the event loop: a city vote's 57.6 MiB read at once held it for 40 ms and more.
   * A snapshot removed meanwhile (a newer one stored, the vote's personal data deleted) is null.
   */
  async snapshotAt(forumId: string, seq: number): Promise<string | null> {
    const kept = () => this.db.prepare('SELECT 1 FROM snapshots WHERE forum_id = ? AND seq = ?').get(forumId, seq) !== undefined;
    if (!kept()) return null;
    const count = this.db.prepare('SELECT COUNT(*) FROM snapshot_parts WHERE forum_id = ? AND seq = ?').pluck().get(forumId, seq) as number;
    const part = this.db.prepare('SELECT body FROM snapshot_parts WHERE forum_id = ? AND seq = ? AND part = ?').pluck();
    const parts: string[] = [];
    for (let i = 0; i < count; i++) {
      if (i > 0) await new Promise((resolve) => setImmediate(resolve));
      const body = part.get(forumId, seq, i) as string | undefined;
      if (body === undefined) return null;
      parts.push(body);
    }
    return kept() ? parts.join('') : null;
  }

  snapshotSource(forumId: string, seq: number): SnapshotSource | undefined {
    return this.path === ':memory:' ? undefined : { path: this.path, forumId, seq };
  }

  /** Built by a worker thread on its own read-only connection: the hall is answered meanwhile. */
  async snapshotBody(forumId: string, seq: number): Promise<string> {
    if (this.path !== ':memory:') return snapshotInWorker({ path: this.path, forumId, seq });
    const previous = this.db.prepare('SELECT seq FROM snapshots WHERE forum_id = ? AND seq <= ? ORDER BY seq DESC LIMIT 1').pluck().get(forumId, seq) as number | undefined;
    return snapshotBody(previous === undefined ? null : { seq: previous, body: snapshotBodyOf(this.db, forumId, previous) }, (from) =>
      this.readLog(forumId, from, seq).events.map((e) => e.event),
    );
  }

  /** One statement: the forum's presence and the seq are checked by SQLite as it writes. */
  async saveSummary(forumId: string, seq: number, body: string): Promise<void> {
    if (this.gate) await this.writable();
    if (this.readOnly) throw new StorageUnavailable('readOnlyStart', READ_ONLY_DETAIL);
    try {
      this.db
        .prepare(
          `INSERT INTO summaries (forum_id, seq, body, saved_at) SELECT ?, ?, ?, ? WHERE EXISTS (SELECT 1 FROM forums WHERE id = ?)
           ON CONFLICT(forum_id) DO UPDATE SET seq = excluded.seq, body = excluded.body, saved_at = excluded.saved_at WHERE excluded.seq >= summaries.seq`,
        )
        .run(forumId, seq, body, Date.now(), forumId);
    } catch (err) {
      throw this.storageError(err);
    }
  }

  async summaries(): Promise<StoredSummary[]> {
    return (
      this.db
        .prepare("SELECT s.forum_id, s.seq, s.body FROM summaries s JOIN forums f ON f.id = s.forum_id WHERE f.slug NOT LIKE '~importing-%' ORDER BY f.created_at, f.rowid")
        .all() as { forum_id: string; seq: number; body: string }[]
    ).map((r) => ({ forumId: r.forum_id, seq: r.seq, body: r.body }));
  }

  private insertLog(entry: ServerLogEntry): void {
    this.db
      .prepare('INSERT INTO server_log (at, action, forum_id, title, detail) VALUES (?, ?, ?, ?, ?)')
      .run(entry.at, entry.action, entry.forumId, entry.title, entry.detail);
  }

  async log(entry: ServerLogEntry): Promise<void> {
    if (this.gate) await this.writable();
    try {
      this.insertLog(entry);
    } catch (err) {
      throw this.storageError(err);
    }
  }

  async serverLog(): Promise<ServerLogEntry[]> {
    return (
      this.db.prepare('SELECT at, action, forum_id, title, detail FROM server_log ORDER BY seq').all() as {
        at: number;
        action: ServerLogEntry['action'];
        forum_id: string;
        title: string;
        detail: string;
      }[]
    ).map((r) => ({ at: r.at, action: r.action, forumId: r.forum_id, title: r.title, detail: r.detail }));
  }

  async getSetting(name: SettingName): Promise<string | null> {
    if (this.settingsInMemory.has(name)) return this.settingsInMemory.get(name)!;
    const row = this.db.prepare('SELECT value FROM settings WHERE name = ?').get(name) as { value: string } | undefined;
    return row?.value ?? null;
  }

  async setSetting(name: SettingName, value: string): Promise<void> {
    if (this.gate) await this.writable();
    if (this.readOnly) {
      this.settingsInMemory.set(name, value);
      return;
    }
    try {
      this.db.prepare('INSERT INTO settings (name, value) VALUES (?, ?) ON CONFLICT(name) DO UPDATE SET value = excluded.value').run(name, value);
    } catch (err) {
      throw this.storageError(err);
    }
  }

  /** Events numbered on from `afterSeq`; the batch's first event of each action carries its key. */
  private insertBatch(forumId: string, afterSeq: number, entries: readonly BatchEntry[]): number {
    const now = Date.now();
    let seq = afterSeq;
    for (const { events, actionKey, payloads } of entries) {
      events.forEach((event, i) => {
        this.insertEvent.run(forumId, ++seq, event.type, payloads?.[i] ?? JSON.stringify(event), i === 0 ? actionKey : null, now);
      });
    }
    return seq;
  }

  /**
   * One transaction for the batch: its actions commit together with one sync. A failure up to the
   * COMMIT stored nothing; one of the COMMIT itself after SQLite gave the transaction up (an I/O
   * error while its pages were synced) may have left it whole on disk: outcome unknown.
   */
  async appendBatch(forumId: string, afterSeq: number, entries: readonly BatchEntry[]): Promise<number> {
    if (this.readOnly) throw new StorageUnavailable('readOnlyStart', READ_ONLY_DETAIL);
    if (this.gate) await this.writable();
    const redacting = entries.some((e) => deletesPersonalData(e.events));
    if (redacting && this.path !== ':memory:') return this.anonymiseElsewhere(forumId, afterSeq, entries);
    // Whatever the rewrite frees is overwritten with zeros, not left readable in the file's free space.
    if (redacting) this.db.pragma('secure_delete = ON');
    try {
      try {
        this.begin.run();
      } catch (err) {
        throw this.storageError(err);
      }
      let last: number;
      try {
        const stored = this.lastSeq.get(forumId) as number;
        if (stored !== afterSeq) throw new StorageConflict(forumId, afterSeq, stored);
        if (stored === 0 && !this.db.prepare('SELECT 1 FROM forums WHERE id = ?').get(forumId)) throw new Error(`no forum ${forumId}`);
        if (redacting) redactPersonalData(this.db, forumId);
        last = this.insertBatch(forumId, afterSeq, entries);
      } catch (err) {
        this.rollBack();
        throw this.storageError(err);
      }
      try {
        this.commit.run();
      } catch (err) {
        // Still open (SQLITE_BUSY at COMMIT): it never committed, and is given up here.
        if (this.db.inTransaction) {
          this.rollBack();
          throw this.storageError(err);
        }
        throw this.storageError(err, 'unknown');
      }
      // The write-ahead log still holds the pages as they were: copied into the file and emptied.
      if (redacting) this.emptyWal();
      return last;
    } finally {
      if (redacting) this.db.pragma('secure_delete = OFF');
    }
  }

  /**
   * The batch that deletes a forum's personal data, stored by a worker thread on a connection of
   * its own (anonymiseWorker.ts): the rewrite of the forum's earlier events, the commit, the file's
   * rebuild and its backups' deletion took 3.6 to 6.0 s at 100,000 voters on this thread, every
   * forum of the server waiting. The worker works out the new texts first, while this connection
   * goes on writing; from when it takes the write until it is done this connection writes nothing
   * (the gate): its 25 ms wait for a lock would fail against the worker's transaction.
   */
  private async anonymiseElsewhere(forumId: string, afterSeq: number, entries: readonly BatchEntry[]): Promise<number> {
    let open: (() => void) | null = null;
    // The gate is taken only when the worker is about to write, after any other anonymisation's.
    const takeGate = async () => {
      await this.writable();
      this.gate = new Promise<void>((resolve) => (open = resolve));
    };
    try {
      // Only what is stored crosses to the thread (an entry also carries the ack it answers).
      const stored = entries.map(({ events, actionKey }) => ({ events, actionKey }));
      const outcome = await anonymiseInWorker({ path: this.path, forumId, afterSeq, entries: stored, now: Date.now() }, takeGate);
      if (!outcome.ok) {
        if ('conflict' in outcome) throw new StorageConflict(forumId, afterSeq, outcome.conflict);
        throw this.storageError(Object.assign(new Error(outcome.message), { code: outcome.code }), outcome.outcome);
      }
      this.writesElsewhere += outcome.rewritten + entries.reduce((n, e) => n + e.events.length, 0);
      if (!outcome.walEmptied) setTimeout(() => this.emptyWal(10, outcome.vacuumed), 1000).unref();
      this.options.onPersonalDataDeleted?.({
        forumId,
        eventsRewritten: outcome.rewritten,
        backupsDeleted: outcome.backupsDeleted,
        backupsUnreadable: outcome.backupsUnreadable,
        ms: outcome.ms,
      });
      return outcome.last;
    } finally {
      if (open) {
        this.gate = null;
        (open as () => void)();
      }
    }
  }

  /** Waits while the anonymisation's worker holds the database's write (anonymiseElsewhere). */
  private async writable(): Promise<void> {
    while (this.gate) await this.gate;
  }

  /**
   * After a vote's personal data was deleted: the file rebuilt (VACUUM), since rows deleted before
   * (snapshots replaced as the forum went on) leave their bytes in free pages and in the free space
   * of pages still used, and the write-ahead log, which still holds pages as they were, copied
   * into the file and truncated to nothing. A reader still open elsewhere (a backup, a snapshot
   * being built) can keep the log from emptying: tried again a second apart, a few times.
   */
  private emptyWal(tries = 10, vacuumed = false): void {
    if (this.path === ':memory:' || !this.db.open) return;
    try {
      if (!vacuumed) this.db.exec('VACUUM');
      vacuumed = true;
      const [result] = this.db.pragma('wal_checkpoint(TRUNCATE)') as { busy: number }[];
      if (result?.busy === 0) return;
    } catch {
      // Busy: tried again below.
    }
    if (tries > 1) setTimeout(() => this.emptyWal(tries - 1, vacuumed), 1000).unref();
  }

  private rollBack(): void {
    try {
      if (this.db.inTransaction) this.rollback.run();
    } catch {
      // SQLite gave the transaction up by itself.
    }
  }

  async updateSecrets(forumId: string, secrets: Partial<ForumSecrets>): Promise<void> {
    if (this.gate) await this.writable();
    const columns = { joinSecret: 'join_secret', screenKey: 'screen_key' } as const;
    const set = (Object.keys(secrets) as (keyof ForumSecrets)[]).filter((k) => secrets[k] !== undefined);
    if (set.length === 0 || this.readOnly) return;
    try {
      this.db
        .prepare(`UPDATE forums SET ${set.map((k) => `${columns[k]} = ?`).join(', ')} WHERE id = ?`)
        .run(...set.map((k) => secrets[k]!), forumId);
    } catch (err) {
      throw this.storageError(err);
    }
  }

  async probeWrite(): Promise<void> {
    if (this.gate) await this.writable();
    try {
      // A row put and taken away in one transaction: its pages are written to the journal and
      // synced at commit, as an action's are, and the file holds what it held.
      this.probeTx();
    } catch (err) {
      throw this.storageError(err);
    }
  }

  private readonly probeTx = () =>
    this.db.transaction(() => {
      this.db.prepare("INSERT INTO settings (name, value) VALUES ('~probe', '') ON CONFLICT(name) DO NOTHING").run();
      this.db.prepare("DELETE FROM settings WHERE name = '~probe'").run();
    }).immediate();

  /** A backup beside the database, written by a worker thread: the server keeps answering meanwhile. */
  backup(reason: BackupReason): Promise<BackupInfo> {
    return backupDatabase(this.path, reason);
  }

  /** Rows written since the store was opened: whether anything changed since an earlier look. */
  async writeCount(): Promise<number> {
    return (this.db.prepare('SELECT total_changes() AS n').get() as { n: number }).n + this.writesElsewhere;
  }

  /** Read-only, every write is refused for that reason, whatever SQLite says of it. */
  private storageError(err: unknown, outcome: StorageOutcome = 'notStored'): unknown {
    return this.readOnly ? new StorageUnavailable('readOnlyStart', READ_ONLY_DETAIL) : asStorageError(err, outcome);
  }

  async close(): Promise<void> {
    if (this.gate) await this.writable();
    if (this.db.open) this.db.close();
  }
}

/** A failure of the disk becomes a StorageUnavailable with its cause; anything else stays as it was. */
function asStorageError(err: unknown, outcome: StorageOutcome): unknown {
  const cause = storageCauseOf(err);
  return cause ? new StorageUnavailable(cause, (err as Error).message, outcome) : err;
}
