// The storage interface: everything the server keeps is each forum's ordered list of events, the
// secrets kept beside a forum, a few server settings (the facilitator's key) and a short log of
// what happened to whole forums (created, archived, deleted). A store only has to keep them
// durably and give them back; the rules and handlers never see SQL.

import type { ForumEvent } from '../../shared/forum/types.js';
import type { BackupInfo, BackupReason } from './backup.js';
import { StorageConflict } from '../errors.js';
import { deletesPersonalData, Redaction } from '../forum/redaction.js';
import { snapshotBody } from './snapshotBody.js';

export interface ForumRecord {
  id: string;
  /** The forum's part of its addresses: /f/<slug>/ for phones, /f/<slug>/screen, /f/<slug>/console. */
  slug: string;
  joinCode: string;
  createdAt: number;
  /** The secret the hall's rotating join codes are drawn from; '' until first set. */
  joinSecret: string;
  /** The projector's display key: it sees the current join code, so it is not public. */
  screenKey: string;
}

/** The secrets kept beside a forum (never in its event log), which the server may change. */
export type ForumSecrets = Pick<ForumRecord, 'joinSecret' | 'screenKey'>;

export interface StoredEvent {
  seq: number;
  event: ForumEvent;
  /** "participantId:actionId" of the phone action that caused it, for exactly-once resends. */
  actionKey: string | null;
}

/** One action's events in a group commit. */
export interface BatchEntry {
  events: readonly ForumEvent[];
  actionKey: string | null;
  /** Each event's JSON when made before the batch is written (a forum's large events: room.ts flush); else the store makes it. */
  payloads?: readonly string[];
}

/** A forum's state as taken at one of its events (shared/forum/snapshot.ts's JSON), kept beside its log. */
export interface StoredSnapshot {
  /** The seq of the last event the state holds. */
  seq: number;
  body: string;
}

/** Where a worker thread reads a forum's snapshot at `seq`: a SQLite file, or a PostgreSQL schema. */
export type SnapshotSource = { forumId: string; seq: number } & ({ path: string } | { databaseUrl: string; schema: string });

/** Where a forum's stored snapshot is, without its body. */
export type SnapshotAt = Pick<StoredSnapshot, 'seq'>;

export interface LoadOptions {
  /** A forum that has a snapshot comes with it and only the rows after it (LoadedForum.snapshot). */
  fromSnapshot?: boolean;
  /**
   * Whether the latest snapshot, at `seq`, is to be opened from: one that is not is passed over
   * (LoadedForum.passedOver) and nothing of it is read, the forum coming as without one.
   */
  useSnapshot?: (forumId: string, seq: number) => boolean;
  /**
   * Only the record and where the snapshot is: no row is read (`events` empty, neither keysBefore
   * nor doneBefore), for a caller that reads them a page at a time (loadLog, loadActionKeys).
   */
  headOnly?: boolean;
}

/** A page of a forum's log: the rows after seq `after` (up to `until`), at most `limit` of them. */
export interface LogPage {
  after: number;
  limit: number;
  until?: number;
  /** Only rows that carry a phone action's id. */
  keyedOnly?: boolean;
}

/** How many of a forum's latest snapshots a store keeps: the one before stays if the newest is damaged. */
export const SNAPSHOTS_KEPT = 2;

export interface LoadedForum {
  forum: ForumRecord;
  events: StoredEvent[];
  /** Stored rows that are not events (garbled payloads): never replayed, named by the start-up check. */
  unreadable?: { seq: number; type: string; reason: string }[];
  /**
   * Read from its latest snapshot (loadForums({ fromSnapshot: true })): `events` and `unreadable`
   * are then only the rows after the snapshot's seq, and the two fields below tell what the
   * snapshot's own events did for resends. Its body is read apart (snapshotAt).
   */
  snapshot?: SnapshotAt;
  /** The seq of a latest snapshot passed over (LoadOptions.useSnapshot): its body was not read. */
  passedOver?: number;
  /** With a snapshot: the action id of every stored row up to its seq (the action_key column alone). */
  keysBefore?: string[];
  /** With a snapshot: the keyed events among its last RECENT_BEFORE_SNAPSHOT rows, so a recent resend is answered as done. */
  doneBefore?: StoredEvent[];
}

/**
 * How many rows before a snapshot's seq are read whole for the actions they did: a phone resending
 * one of them after a restart is answered as done; one older is told its id was used (the tap is
 * counted once, and the phone is sent its ballot as saved).
 */
export const RECENT_BEFORE_SNAPSHOT = 20_000;

/**
 * What the forum list shows of a forum (the JSON of forums/summary.ts), written by the process that
 * serves it as of its stored event `seq`: every process lists the forums from these.
 */
export interface StoredSummary {
  forumId: string;
  seq: number;
  body: string;
}

/** A step in a whole forum's life, kept by the server (a deleted forum's own log is gone with it). */
export interface ServerLogEntry {
  at: number;
  action: 'created' | 'imported' | 'archived' | 'unarchived' | 'deleted';
  forumId: string;
  title: string;
  detail: string;
}

/** The server's settings kept in the store. */
export type SettingName = 'facilitator_key' | 'grant_key' | 'person_key' | 'log_checked';

/** A forum to be stored: its address part (slug) is the store's to give. */
export type NewForum = Omit<ForumRecord, 'slug'>;

/**
 * Every method answers with a promise, so that a store may be a server elsewhere (several
 * processes serving forums from one database); the embedded SQLite store does its work at once.
 * Each forum's events are numbered 1, 2, 3… (seq) in the order stored, apart from other forums'.
 */
export interface ForumStore {
  /**
   * Every forum with all its events in order, oldest forum first; with `fromSnapshot`, a forum that
   * has a snapshot comes with it and only the rows after it (LoadedForum.snapshot).
   */
  loadForums(options?: LoadOptions): Promise<LoadedForum[]>;
  /**
   * Every forum's record, oldest first, without its events: what a server that opens forums on
   * first use knows of them before then.
   */
  listForums(): Promise<ForumRecord[]>;
  /** One forum as loadForums reads it, or null when there is no such forum. */
  loadForum(forumId: string, options?: LoadOptions): Promise<LoadedForum | null>;
  /**
   * One forum's whole log, as loadForums reads it (for a forum whose snapshot was refused), or a
   * page of it: rows that are not events are in `unreadable`, and count towards the page's limit.
   */
  loadLog(forumId: string, page?: LogPage): Promise<Pick<LoadedForum, 'events' | 'unreadable'>>;
  /**
   * A forum's events after `seq` (0 for all of them) in order, at most `limit`; none for an unknown
   * forum. A large forum's log is read a page at a time: its file, a room catching up.
   */
  loadEventsAfter(forumId: string, seq: number, limit?: number): Promise<StoredEvent[]>;
  /**
   * Creates a forum with its first events (forumCreated, and any it starts with), atomically, and
   * gives it the next free address part: 1, 2, 3…, never one a forum had before, even deleted.
   */
  createForum(forum: NewForum, events: readonly ForumEvent[], entry: ServerLogEntry): Promise<ForumRecord>;
  /**
   * A forum moved here from a file, written in slices so that a large one never holds up the other
   * forums' writes: beginImport stores the forum under a hidden address (IMPORTING_SLUG), each
   * importEvents call adds a slice of its events in a transaction of its own, and finishImport gives
   * it the next free address and logs it, atomically. Until then it is nobody's forum: a server
   * stopped half-way removes it when it opens the store again, as abortImport does.
   */
  beginImport(forum: NewForum): Promise<void>;
  importEvents(forumId: string, events: readonly ForumEvent[]): Promise<void>;
  /** Returns the address part given to the forum. */
  finishImport(forumId: string, entry: ServerLogEntry): Promise<string>;
  abortImport(forumId: string): Promise<void>;
  /**
   * Keeps a snapshot of a forum's state as of its event `seq`, and only the latest SNAPSHOTS_KEPT
   * of them. Refused (an Error, nothing kept) for a seq the forum's log does not reach.
   */
  saveSnapshot(forumId: string, seq: number, body: string): Promise<void>;
  /** A page of the action ids stored with a forum's rows (the rows without one left out), in order. */
  loadActionKeys(forumId: string, page: LogPage): Promise<{ seq: number; actionKey: string }[]>;
  /** The forum's newest snapshot within its log (one beyond the log's end is passed over), or null. */
  latestSnapshot(forumId: string): Promise<StoredSnapshot | null>;
  /** The body of the forum's snapshot at `seq` (LoadedForum.snapshot), or null when it is no longer kept. */
  snapshotAt(forumId: string, seq: number): Promise<string | null>;
  /**
   * Where a worker thread reads that body itself, on a connection of its own (a large body never
   * crosses the event loop's thread); stores that keep nothing a worker can reach have none.
   */
  snapshotSource?(forumId: string, seq: number): SnapshotSource | undefined;
  /**
   * The body of a snapshot of the forum as of its stored event `seq` (the JSON of
   * shared/forum/snapshot.ts), built from its latest snapshot and the events since; off the event
   * loop where the store can (SQLite's file, read by a worker thread).
   */
  snapshotBody(forumId: string, seq: number): Promise<string>;
  /**
   * Keeps what the forum list shows of a forum as of its event `seq`, in place of the one kept
   * before, unless that one is of a later seq (a slow writer never puts an older summary back).
   * Nothing is kept for a forum not stored; a forum's summary goes when the forum does.
   */
  saveSummary(forumId: string, seq: number, body: string): Promise<void>;
  /** The summaries kept (saveSummary), of the forums listForums gives; a forum may have none yet. */
  summaries(): Promise<StoredSummary[]>;
  /** Removes a forum and all its events, and logs it, atomically. */
  deleteForum(forumId: string, entry: ServerLogEntry): Promise<void>;
  /**
   * Group commit: appends several actions' events in one transaction (one sync to disk for all of
   * them), after the forum's event `afterSeq`, which must be its last: a writer that has not seen
   * the forum's newest events is refused with a StorageConflict and nothing is written. Resolves
   * with the forum's new last seq once the batch is committed: an acknowledged action must never be
   * lost. All or nothing: a StorageUnavailable says whether the commit may have happened (outcome).
   * Action keys are stored as given, not checked: the forum's room knows every key it took
   * (forum/actionKeys.ts) and refuses a reused one before it is decided.
   */
  appendBatch(forumId: string, afterSeq: number, entries: readonly BatchEntry[]): Promise<number>;
  /** Changes a forum's secrets (a first join secret, a projector key); durable on return. */
  updateSecrets(forumId: string, secrets: Partial<ForumSecrets>): Promise<void>;
  getSetting(name: SettingName): Promise<string | null>;
  /** Durable on return. */
  setSetting(name: SettingName, value: string): Promise<void>;
  /** Adds to the server's log of whole forums; durable on return. */
  log(entry: ServerLogEntry): Promise<void>;
  /** The server's log of whole forums, oldest first. */
  serverLog(): Promise<ServerLogEntry[]>;
  /**
   * Writes and commits nothing that changes anything, to learn whether the disk takes writes
   * again (StorageUnavailable if not); stores that keep nothing on disk have none.
   */
  probeWrite?(): Promise<void>;
  /** A copy of everything stored, kept beside it; stores that keep nothing on disk have none. */
  backup?(reason: BackupReason): Promise<BackupInfo>;
  /** Grows with every write: equal to an earlier reading means nothing was stored since. */
  writeCount?(): Promise<number>;
  close(): Promise<void>;
}

/** The address part of a forum still being imported (beginImport); no forum's address can be it. */
export const IMPORTING_SLUG = (forumId: string) => `~importing-${forumId}`;

/** A store in memory only, for tests and throwaway demos; the same contract as SQLite's. */
export class MemoryStore implements ForumStore {
  private forums: LoadedForum[] = [];
  private settings = new Map<SettingName, string>();
  private entries: ServerLogEntry[] = [];
  private lastSlug = 0;
  private snapshots = new Map<string, StoredSnapshot[]>();
  private kept = new Map<string, StoredSummary>();

  async loadForums(options: LoadOptions = {}): Promise<LoadedForum[]> {
    const loaded: LoadedForum[] = [];
    for (const f of this.forums) {
      if (f.forum.slug === IMPORTING_SLUG(f.forum.id)) continue;
      const latest = options.fromSnapshot ? await this.latestSnapshot(f.forum.id) : null;
      const passedOver = latest && options.useSnapshot && !options.useSnapshot(f.forum.id, latest.seq) ? latest.seq : undefined;
      const snapshot = passedOver === undefined && latest ? { seq: latest.seq } : null;
      if (options.headOnly) {
        loaded.push({ forum: { ...f.forum }, events: [], ...(snapshot ? { snapshot } : {}), ...(passedOver !== undefined ? { passedOver } : {}) });
        continue;
      }
      if (!snapshot) {
        loaded.push({ forum: { ...f.forum }, events: f.events.map((e) => structuredClone(e)), ...(passedOver !== undefined ? { passedOver } : {}) });
        continue;
      }
      const before = f.events.slice(0, snapshot.seq);
      loaded.push({
        forum: { ...f.forum },
        events: f.events.slice(snapshot.seq).map((e) => structuredClone(e)),
        snapshot,
        keysBefore: before.flatMap((e) => (e.actionKey ? [e.actionKey] : [])),
        doneBefore: before.slice(-RECENT_BEFORE_SNAPSHOT).filter((e) => e.actionKey).map((e) => structuredClone(e)),
      });
    }
    return loaded;
  }

  async listForums(): Promise<ForumRecord[]> {
    return this.forums.filter((f) => f.forum.slug !== IMPORTING_SLUG(f.forum.id)).map((f) => ({ ...f.forum }));
  }

  async loadForum(forumId: string, options: LoadOptions = {}): Promise<LoadedForum | null> {
    return (await this.loadForums(options)).find((f) => f.forum.id === forumId) ?? null;
  }

  async loadLog(forumId: string, page?: LogPage): Promise<Pick<LoadedForum, 'events' | 'unreadable'>> {
    const events = this.find(forumId)?.events ?? [];
    if (!page) return { events: events.map((e) => structuredClone(e)) };
    // Seqs are 1, 2, 3… with no gaps: the one after `after` is at index `after`.
    const within = events.slice(page.after, page.until ?? events.length).filter((e) => !page.keyedOnly || e.actionKey);
    return { events: within.slice(0, page.limit).map((e) => structuredClone(e)) };
  }

  async loadActionKeys(forumId: string, page: LogPage): Promise<{ seq: number; actionKey: string }[]> {
    const events = this.find(forumId)?.events ?? [];
    return events
      .slice(page.after, page.until ?? events.length)
      .flatMap((e) => (e.actionKey ? [{ seq: e.seq, actionKey: e.actionKey }] : []))
      .slice(0, page.limit);
  }

  async loadEventsAfter(forumId: string, seq: number, limit = Infinity): Promise<StoredEvent[]> {
    // Seqs are 1, 2, 3… with no gaps: the one after `seq` is at index `seq`.
    const events = this.find(forumId)?.events ?? [];
    return events.slice(seq, seq + limit).map((e) => structuredClone(e));
  }

  async createForum(forum: NewForum, events: readonly ForumEvent[], entry: ServerLogEntry): Promise<ForumRecord> {
    const record = this.add({ ...forum, slug: String(this.lastSlug + 1) }, events);
    this.lastSlug++;
    this.entries.push({ ...entry });
    return { ...record };
  }

  private add(forum: ForumRecord, events: readonly ForumEvent[]): ForumRecord {
    if (this.find(forum.id)) throw new Error(`forum ${forum.id} exists`);
    const copies = events.map((event, i) => ({ seq: i + 1, event: structuredClone(event), actionKey: null }));
    this.forums.push({ forum: { ...forum }, events: copies });
    return forum;
  }

  async beginImport(forum: NewForum): Promise<void> {
    this.add({ ...forum, slug: IMPORTING_SLUG(forum.id) }, []);
  }

  async importEvents(forumId: string, events: readonly ForumEvent[]): Promise<void> {
    const f = this.need(forumId);
    await this.appendBatch(forumId, f.events.length, [{ events, actionKey: null }]);
  }

  async finishImport(forumId: string, entry: ServerLogEntry): Promise<string> {
    const f = this.need(forumId);
    f.forum.slug = String(++this.lastSlug);
    this.entries.push({ ...entry });
    return f.forum.slug;
  }

  async abortImport(forumId: string): Promise<void> {
    this.forums = this.forums.filter((f) => f.forum.id !== forumId);
    this.snapshots.delete(forumId);
    this.kept.delete(forumId);
  }

  async deleteForum(forumId: string, entry: ServerLogEntry): Promise<void> {
    this.forums = this.forums.filter((f) => f.forum.id !== forumId);
    this.snapshots.delete(forumId);
    this.kept.delete(forumId);
    this.entries.push({ ...entry });
  }

  async saveSnapshot(forumId: string, seq: number, body: string): Promise<void> {
    const f = this.need(forumId);
    if (!Number.isInteger(seq) || seq < 1 || seq > f.events.length) throw new Error(`forum ${forumId} has no event ${seq} to take a snapshot at`);
    // Taken before the vote's personal data was deleted, it would hold it again.
    if (f.events.slice(seq).some((e) => e.event.type === 'personsAnonymised')) return;
    const kept = (this.snapshots.get(forumId) ?? []).filter((s) => s.seq !== seq);
    kept.push({ seq, body });
    kept.sort((a, b) => a.seq - b.seq);
    this.snapshots.set(forumId, kept.slice(-SNAPSHOTS_KEPT));
  }

  async latestSnapshot(forumId: string): Promise<StoredSnapshot | null> {
    const last = this.find(forumId)?.events.length ?? 0;
    const within = (this.snapshots.get(forumId) ?? []).filter((s) => s.seq <= last);
    return within.length > 0 ? { ...within[within.length - 1] } : null;
  }

  async snapshotAt(forumId: string, seq: number): Promise<string | null> {
    return this.snapshots.get(forumId)?.find((s) => s.seq === seq)?.body ?? null;
  }

  async snapshotBody(forumId: string, seq: number): Promise<string> {
    const events = this.need(forumId).events;
    const previous = (this.snapshots.get(forumId) ?? []).filter((s) => s.seq <= seq).at(-1) ?? null;
    return snapshotBody(previous, (from) => events.slice(from, seq).map((e) => structuredClone(e.event)));
  }

  async saveSummary(forumId: string, seq: number, body: string): Promise<void> {
    if (!this.find(forumId) || (this.kept.get(forumId)?.seq ?? -Infinity) > seq) return;
    this.kept.set(forumId, { forumId, seq, body });
  }

  async summaries(): Promise<StoredSummary[]> {
    return (await this.listForums()).flatMap((f) => {
      const kept = this.kept.get(f.id);
      return kept ? [{ ...kept }] : [];
    });
  }

  /** For tests: a stored snapshot's body replaced, as a damaged disk or an older version would leave it. */
  damageSnapshot(forumId: string, body: string): void {
    for (const s of this.snapshots.get(forumId) ?? []) s.body = body;
  }

  async appendBatch(forumId: string, afterSeq: number, entries: readonly BatchEntry[]): Promise<number> {
    const f = this.need(forumId);
    if (afterSeq !== f.events.length) throw new StorageConflict(forumId, afterSeq, f.events.length);
    // All copied before any is kept: a batch is stored whole or not at all.
    const copies = entries.flatMap(({ events, actionKey }) =>
      events.map((event, i) => ({ event: structuredClone(event), actionKey: i === 0 ? actionKey : null })),
    );
    if (entries.some((e) => deletesPersonalData(e.events))) {
      const redaction = new Redaction();
      for (const stored of f.events) stored.event = redaction.redact(stored.event) ?? stored.event;
      this.snapshots.delete(forumId);
    }
    for (const c of copies) f.events.push({ seq: f.events.length + 1, ...c });
    return f.events.length;
  }

  async updateSecrets(forumId: string, secrets: Partial<ForumSecrets>): Promise<void> {
    Object.assign(this.need(forumId).forum, secrets);
  }

  async getSetting(name: SettingName): Promise<string | null> {
    return this.settings.get(name) ?? null;
  }

  async setSetting(name: SettingName, value: string): Promise<void> {
    this.settings.set(name, value);
  }

  async log(entry: ServerLogEntry): Promise<void> {
    this.entries.push({ ...entry });
  }

  async serverLog(): Promise<ServerLogEntry[]> {
    return this.entries.map((e) => ({ ...e }));
  }

  async close(): Promise<void> {}

  private find(forumId: string): LoadedForum | undefined {
    return this.forums.find((f) => f.forum.id === forumId);
  }

  private need(forumId: string): LoadedForum {
    const f = this.find(forumId);
    if (!f) throw new Error(`no forum ${forumId}`);
    return f;
  }
}
