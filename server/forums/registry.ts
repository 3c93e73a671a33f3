// Every forum this server holds, each live in memory with its own connections (a Socket.IO
// namespace, /f/<slug>), join codes, projector and exports. The registry creates, archives and
// deletes them, keeps the facilitator's key (one for all of them), and tells the server what
// changed, so that the forum list on the console stays current.

import { randomInt, randomUUID } from 'node:crypto';
import { decideArchive } from '../../shared/forum/rules.js';
import type { ForumStore, ForumRecord, LoadedForum, ServerLogEntry } from '../db/store.js';
import { StorageUnavailable } from '../errors.js';
import { newSecret, Refusal, type Effects, ForumRoom } from '../forum/room.js';
import { StorageHealth } from '../forum/storage.js';
import { creationEvents, type ForumStart } from './create.js';
import { ServerSecrets } from './secrets.js';
import type { ForumEvent, ForumState } from '../../shared/forum/types.js';

/** What the server attaches to a forum while it is open: admission, connections, duplicates. */
export interface Attached {
  close(): void;
}

export interface LiveForum<A extends Attached = Attached> {
  room: ForumRoom;
  attached: A;
}

/** Events stored per transaction of an import: a few ms of writing each, besides the sync. */
const IMPORT_SLICE = 500;

export type ForumsListener = (forumId: string | null, effects: Effects | null) => void;

export class Forums<A extends Attached = Attached> {
  private readonly live = new Map<string, LiveForum<A>>();
  private readonly listeners = new Set<ForumsListener>();
  /** The facilitator's key and the grant key, shared through the store with every server process. */
  readonly secrets: ServerSecrets;
  /** The log of whole forums, read once and kept as it is added to (the forum list shows it). */
  private readonly log: ServerLogEntry[];

  constructor(
    private readonly store: ForumStore,
    readonly storage: StorageHealth,
    private readonly attach: (room: ForumRoom) => A,
    options: {
      facilitatorKey?: string;
      /** Checks a stored forum's log before it opens (it may refuse), returning the forum it replayed. */
      checkLog?: (loaded: LoadedForum) => ForumState;
    } = {},
  ) {
    this.secrets = new ServerSecrets(store, (run) => this.write(run), options.facilitatorKey);
    this.log = store.serverLog();
    for (const loaded of store.loadForums()) this.open(ForumRoom.load(store, loaded, storage, options.checkLog?.(loaded)));
  }

  /** The facilitator's key: it opens every forum's console. */
  get facilitatorKey(): string {
    return this.secrets.facilitatorKey;
  }

  /** A new facilitator key (and grant epoch), stored before it is used. */
  rotateKey(): string {
    return this.secrets.rotate();
  }

  private open(room: ForumRoom): LiveForum<A> {
    const forum: LiveForum<A> = { room, attached: this.attach(room) };
    this.live.set(room.record.id, forum);
    room.onChange((effects) => this.emit(room.record.id, effects));
    return forum;
  }

  onChange(listener: ForumsListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private emit(forumId: string | null, effects: Effects | null): void {
    for (const listener of this.listeners) listener(forumId, effects);
  }

  /** Every forum, oldest first. */
  list(): LiveForum<A>[] {
    return [...this.live.values()];
  }

  get(id: string): LiveForum<A> | undefined {
    return this.live.get(id);
  }

  bySlug(slug: string): LiveForum<A> | undefined {
    for (const forum of this.live.values()) if (forum.room.record.slug === slug) return forum;
    return undefined;
  }

  /** The one forum not archived, when there is exactly one: what the short addresses (/, /screen) open. */
  single(): LiveForum<A> | undefined {
    const open = this.list().filter((f) => !f.room.state.archived);
    return open.length === 1 ? open[0] : undefined;
  }

  /** The newest forum not archived (or the newest of all): the one the start-up text is about. */
  primary(): LiveForum<A> | undefined {
    const all = this.list();
    return [...all].reverse().find((f) => !f.room.state.archived) ?? all.at(-1);
  }

  /** Creates and opens a forum. `id` is kept from a forum moved here from another laptop. */
  create(start: ForumStart, options: { id?: string; events?: ForumEvent[]; action?: ServerLogEntry['action']; detail?: string } = {}): LiveForum<A> {
    const id = options.id ?? randomUUID();
    if (this.live.has(id)) throw new Refusal({ code: 'FORUM_EXISTS' });
    const record: ForumRecord = {
      id,
      slug: this.nextSlug(),
      joinCode: this.freshJoinCode(),
      createdAt: Date.now(),
      joinSecret: newSecret(),
      screenKey: newSecret(),
    };
    const events = options.events ?? creationEvents(id, record.joinCode, start, record.createdAt);
    const entry: ServerLogEntry = { at: record.createdAt, action: options.action ?? 'created', forumId: id, title: start.title, detail: options.detail ?? '' };
    const forum = this.open(ForumRoom.create(this.store, record, events, entry, this.storage));
    this.log.push(entry);
    this.emit(id, null);
    return forum;
  }

  /**
   * Opens a forum moved here from a file (checked and replayed by forums/fileReader.ts): its events
   * are stored a slice at a time, between turns of the event loop (`pause`), so the other forums'
   * phones are answered meanwhile; it gets its address and is logged only once all are stored.
   */
  async importForum(file: { id: string; title: string; events: readonly ForumEvent[]; state: ForumState }, pause: () => Promise<void>): Promise<LiveForum<A>> {
    if (this.live.has(file.id)) throw new Refusal({ code: 'FORUM_EXISTS' });
    const record: ForumRecord = { id: file.id, slug: '', joinCode: this.freshJoinCode(), createdAt: Date.now(), joinSecret: newSecret(), screenKey: newSecret() };
    this.write(() => this.store.beginImport(record));
    try {
      for (let i = 0; i < file.events.length; i += IMPORT_SLICE) {
        await pause();
        this.write(() => this.store.importEvents(file.id, file.events.slice(i, i + IMPORT_SLICE)));
      }
      if (this.live.has(file.id)) throw new Refusal({ code: 'FORUM_EXISTS' });
      record.slug = this.nextSlug();
      const entry: ServerLogEntry = { at: Date.now(), action: 'imported', forumId: file.id, title: file.title, detail: '' };
      this.write(() => this.store.finishImport(file.id, record.slug, entry));
      this.log.push(entry);
    } catch (err) {
      try {
        this.store.abortImport(file.id);
      } catch {
        // The store is failing; whatever is left is removed when it opens again.
      }
      throw err;
    }
    const forum = this.open(ForumRoom.imported(this.store, record, file.state, this.storage));
    this.emit(file.id, null);
    return forum;
  }

  /** Archives a forum (read-only, exports still work), or takes it out of the archive. */
  setArchived(id: string, archived: boolean): void {
    const forum = this.need(id);
    const decision = decideArchive(forum.room.state, archived, Date.now());
    if (!decision.ok) throw new Refusal(decision.error);
    forum.room.commit(decision.value);
    const failure = forum.room.flush();
    if (failure) throw failure;
    const entry: ServerLogEntry = { at: Date.now(), action: archived ? 'archived' : 'unarchived', forumId: id, title: forum.room.state.title, detail: '' };
    this.write(() => this.store.log(entry));
    this.log.push(entry);
  }

  /** Deletes a forum for good; the title must be typed exactly, as a guard against the wrong one. */
  delete(id: string, typedTitle: string): void {
    const forum = this.need(id);
    const title = forum.room.state.title;
    if (typedTitle.trim().normalize('NFC') !== title.trim().normalize('NFC')) throw new Refusal({ code: 'TITLE_MISMATCH' });
    const entry: ServerLogEntry = { at: Date.now(), action: 'deleted', forumId: id, title, detail: `address /f/${forum.room.record.slug}` };
    this.write(() => this.store.deleteForum(id, entry));
    this.log.push(entry);
    this.live.delete(id);
    forum.attached.close();
    forum.room.close();
    this.emit(null, null);
  }

  /** A forum's whole event log, oldest first. */
  events(id: string): ForumEvent[] {
    return this.store.loadEvents(id).map((e) => e.event);
  }

  /** A page of a forum's log: the events after `after` (a seq), at most `limit` of them. */
  eventPage(id: string, after: number, limit: number): { seq: number; event: ForumEvent }[] {
    return this.store.loadEvents(id, after, limit);
  }

  serverLog(): readonly ServerLogEntry[] {
    return this.log;
  }

  close(): void {
    for (const forum of this.live.values()) {
      forum.attached.close();
      forum.room.close();
    }
  }

  private need(id: string): LiveForum<A> {
    const forum = this.live.get(id);
    if (!forum) throw new Refusal({ code: 'FORUM_NOT_FOUND' });
    return forum;
  }

  /** 1, 2, 3…: short enough to type from a poster. A deleted forum's number is not given again. */
  private nextSlug(): string {
    let max = 0;
    for (const f of this.live.values()) max = Math.max(max, Number(f.room.record.slug) || 0);
    for (const e of this.log) {
      const m = /^address \/f\/(\d+)$/.exec(e.detail);
      if (m) max = Math.max(max, Number(m[1]));
    }
    return String(max + 1);
  }

  /** A fixed join code no other forum here uses. */
  private freshJoinCode(): string {
    const taken = new Set(this.list().map((f) => f.room.state.joinCode));
    for (;;) {
      const code = String(randomInt(100000, 1000000));
      if (!taken.has(code)) return code;
    }
  }

  private write(run: () => void): void {
    this.storage.guard();
    try {
      run();
    } catch (err) {
      if (err instanceof StorageUnavailable) this.storage.failed(err);
      throw err;
    }
    this.storage.succeeded();
  }
}
