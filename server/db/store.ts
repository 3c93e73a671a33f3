// The storage interface: everything the server keeps is each forum's ordered list of events, the
// secrets kept beside a forum, a few server settings (the facilitator's key) and a short log of
// what happened to whole forums (created, archived, deleted). A store only has to keep them
// durably and give them back; the rules and handlers never see SQL.

import type { ForumEvent } from '../../shared/forum/types.js';
import type { BackupInfo, BackupReason } from './backup.js';

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
}

export interface LoadedForum {
  forum: ForumRecord;
  events: StoredEvent[];
  /** Stored rows that are not events (garbled payloads): never replayed, named by the start-up check. */
  unreadable?: { seq: number; type: string; reason: string }[];
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
export type SettingName = 'facilitator_key' | 'grant_key' | 'log_checked';

export interface ForumStore {
  /** Every forum with all its events in order, oldest forum first. */
  loadForums(): LoadedForum[];
  /**
   * One forum's events in order (for a forum file); none for an unknown forum. `after` and `limit`
   * read it a page at a time (events after that seq), so a large forum's file is written in slices.
   */
  loadEvents(forumId: string, after?: number, limit?: number): StoredEvent[];
  /** Creates a forum with its first events (forumCreated, and any it starts with), atomically. */
  createForum(forum: ForumRecord, events: readonly ForumEvent[], entry: ServerLogEntry): void;
  /**
   * A forum moved here from a file, written in slices so that a large one never holds up the other
   * forums' writes: beginImport stores the forum under a hidden address (IMPORTING_SLUG), each
   * importEvents call adds a slice of its events in a transaction of its own, and finishImport gives
   * it its address and logs it, atomically. Until then it is nobody's forum: a server stopped
   * half-way removes it when it opens the store again, as abortImport does.
   */
  beginImport(forum: ForumRecord): void;
  importEvents(forumId: string, events: readonly ForumEvent[]): void;
  finishImport(forumId: string, slug: string, entry: ServerLogEntry): void;
  abortImport(forumId: string): void;
  /** Removes a forum and all its events, and logs it, atomically. */
  deleteForum(forumId: string, entry: ServerLogEntry): void;
  /**
   * Group commit: appends several actions' events in one transaction (one sync to disk for all of
   * them). When it returns, they are committed: an acknowledged action must never be lost. Stores
   * all or nothing: throws if the commit fails. Action keys are stored as given, not
   * checked: the forum's room knows every key it took (forum/actionKeys.ts) and refuses a reused
   * one before it is decided.
   */
  appendBatch(forumId: string, entries: readonly BatchEntry[]): void;
  /** Changes a forum's secrets (a first join secret, a projector key); durable on return. */
  updateSecrets(forumId: string, secrets: Partial<ForumSecrets>): void;
  getSetting(name: SettingName): string | null;
  /** Durable on return. */
  setSetting(name: SettingName, value: string): void;
  /** Adds to the server's log of whole forums; durable on return. */
  log(entry: ServerLogEntry): void;
  /** The server's log of whole forums, oldest first. */
  serverLog(): ServerLogEntry[];
  /**
   * Writes and commits nothing that changes anything, to learn whether the disk takes writes
   * again (StorageUnavailable if not); stores that keep nothing on disk have none.
   */
  probeWrite?(): void;
  /** A copy of everything stored, kept beside it; stores that keep nothing on disk have none. */
  backup?(reason: BackupReason): Promise<BackupInfo>;
  /** Grows with every write: equal to an earlier reading means nothing was stored since. */
  writeCount?(): number;
  close(): void;
}

/** The address part of a forum still being imported (beginImport); no forum's address can be it. */
export const IMPORTING_SLUG = (forumId: string) => `~importing-${forumId}`;

/** A store in memory only, for tests and throwaway demos; the same contract as SQLite's. */
export class MemoryStore implements ForumStore {
  private forums: LoadedForum[] = [];
  private settings = new Map<SettingName, string>();
  private entries: ServerLogEntry[] = [];
  private seq = 0;

  loadForums(): LoadedForum[] {
    return this.forums.map((f) => ({ forum: { ...f.forum }, events: f.events.map((e) => structuredClone(e)) }));
  }

  loadEvents(forumId: string, after = 0, limit = Infinity): StoredEvent[] {
    const events = (this.forums.find((f) => f.forum.id === forumId)?.events ?? []).filter((e) => e.seq > after);
    return events.slice(0, limit).map((e) => structuredClone(e));
  }

  createForum(forum: ForumRecord, events: readonly ForumEvent[], entry: ServerLogEntry): void {
    if (this.forums.some((f) => f.forum.id === forum.id)) throw new Error(`forum ${forum.id} exists`);
    if (this.forums.some((f) => f.forum.slug === forum.slug)) throw new Error(`forum address ${forum.slug} is taken`);
    this.forums.push({ forum: { ...forum }, events: events.map((event) => ({ seq: ++this.seq, event: structuredClone(event), actionKey: null })) });
    this.entries.push({ ...entry });
  }

  beginImport(forum: ForumRecord): void {
    this.createForum({ ...forum, slug: IMPORTING_SLUG(forum.id) }, [], { at: 0, action: 'imported', forumId: forum.id, title: '', detail: '' });
    this.entries.pop();
  }

  importEvents(forumId: string, events: readonly ForumEvent[]): void {
    this.appendBatch(forumId, [{ events, actionKey: null }]);
  }

  finishImport(forumId: string, slug: string, entry: ServerLogEntry): void {
    const f = this.forums.find((x) => x.forum.id === forumId);
    if (!f) throw new Error(`no forum ${forumId}`);
    f.forum.slug = slug;
    this.entries.push({ ...entry });
  }

  abortImport(forumId: string): void {
    this.forums = this.forums.filter((f) => f.forum.id !== forumId);
  }

  deleteForum(forumId: string, entry: ServerLogEntry): void {
    this.forums = this.forums.filter((f) => f.forum.id !== forumId);
    this.entries.push({ ...entry });
  }

  appendBatch(forumId: string, entries: readonly BatchEntry[]): void {
    const f = this.forums.find((x) => x.forum.id === forumId);
    if (!f) throw new Error(`no forum ${forumId}`);
    // All copied before any is kept: a batch is stored whole or not at all.
    const copies = entries.flatMap(({ events, actionKey }) =>
      events.map((event, i) => ({ event: structuredClone(event), actionKey: i === 0 ? actionKey : null })),
    );
    for (const c of copies) f.events.push({ seq: ++this.seq, ...c });
  }

  updateSecrets(forumId: string, secrets: Partial<ForumSecrets>): void {
    const f = this.forums.find((x) => x.forum.id === forumId);
    if (!f) throw new Error(`no forum ${forumId}`);
    Object.assign(f.forum, secrets);
  }

  getSetting(name: SettingName): string | null {
    return this.settings.get(name) ?? null;
  }

  setSetting(name: SettingName, value: string): void {
    this.settings.set(name, value);
  }

  log(entry: ServerLogEntry): void {
    this.entries.push({ ...entry });
  }

  serverLog(): ServerLogEntry[] {
    return this.entries.map((e) => ({ ...e }));
  }

  close(): void {}
}
