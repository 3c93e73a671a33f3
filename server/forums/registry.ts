// Every forum this server holds, each live in memory with its own connections (a Socket.IO
// namespace, /f/<slug>), join codes, projector and exports. The registry creates, archives and
// deletes them, keeps the facilitator's key (one for all of them), tells the server what changed,
// and lists every stored forum from the store with the summary its owner keeps there (summary.ts).

import { randomInt, randomUUID } from 'node:crypto';
import { decideArchive } from '../../shared/forum/rules.js';
import { applyEventInSteps, emptyState } from '../../shared/forum/state.js';
import type { ForumStore, ForumRecord, LoadedForum, LoadOptions, NewForum, ServerLogEntry } from '../db/store.js';
import { StorageUnavailable } from '../errors.js';
import { newSecret, Refusal, type Effects, ForumRoom, type SnapshotPolicy, type SnapshotStart } from '../forum/room.js';
import { copyStateInParts } from '../../shared/forum/stateCopy.js';
import { StorageHealth } from '../forum/storage.js';
import { creationEvents, type ForumStart } from './create.js';
import { readRows, withRows } from './forumRows.js';
import type { SnapshotCheckJob } from './snapshotCheckWorker.js';
import { stateOfSnapshot } from './snapshotReader.js';
import { Turns } from './turns.js';
import { ServerSecrets } from './secrets.js';
import { FileLease, type ForumLease } from './lease.js';
import { listingFrom, summaryOf, SummaryKeeper, type ForumListing } from './summary.js';
import type { ForumEvent, ForumState } from '../../shared/forum/types.js';

/** What the server attaches to a forum while it is open: admission, connections, duplicates. */
export interface Attached {
  close(): void;
  /** The forum's open connections: a forum with any is never closed for being idle. */
  connections?(): number;
  /** Ends its connections so that their clients connect again by themselves (a forum let go to another process). */
  dropConnections?(): void;
}

export interface LiveForum<A extends Attached = Attached> {
  room: ForumRoom;
  attached: A;
}

/**
 * Events stored per transaction of an import, at first: then as many as take IMPORT_TURN_MS to
 * store, a turn of the event loop each (between IMPORT_SLICE_MIN and IMPORT_SLICE_MAX). Fixed at
 * 500, a slice of the largest forum's events took up to 60 ms on a quiet machine (scripts/stalls.ts);
 * the first slice is small, its code not yet compiled.
 */
const IMPORT_SLICE = 100;
const IMPORT_SLICE_MIN = 50;
const IMPORT_SLICE_MAX = 2000;
const IMPORT_TURN_MS = 15;
/** Ballots a merge or a void of many looks at, as an import replays it, between two looks at the clock. */
const IMPORT_BALLOTS_PER_STEP = 500;

/**
 * Handing a forum to the process the proxy sends it to (several processes on one PostgreSQL; the
 * README's "One owner per forum"). A process asked for a forum another one holds asks the holder
 * to let go (lease.want); the holder lets go only when it has held the forum HAND_BACK_HELD_MS and
 * been asked over at least HAND_BACK_ASKED_MS (two asks that far apart, none of them older than
 * HAND_BACK_FORGET_MS). Why both: while the proxy changes its mind (a process back, its stick
 * table emptied), the forum's phones may reach both processes for a moment, each then asking for
 * it; a forum moved at every ask would go back and forth, while one kept a few seconds goes where
 * the asking lasts, which is where the proxy settles. A single stray request (a phone on a
 * process's own address, a connection left from before) asks once and moves nothing. Having let
 * go, a process does not take the forum back for HAND_BACK_GRACE_MS: the asker, whose phones are
 * retrying, gets it.
 */
export const HAND_BACK_HELD_MS = 3000;
export const HAND_BACK_ASKED_MS = 1000;
const HAND_BACK_FORGET_MS = 10_000;
export const HAND_BACK_GRACE_MS = 3000;

/**
 * A forum's snapshot as its live state and its saved copy, or why it was refused (damaged, of
 * another version, inconsistent). The body is read, parsed and checked whole once (by a worker
 * thread where the store keeps it: snapshotReader.ts), and the saved copy copied from the state (copyState shares no
 * record the state changes in place) before anything is replayed onto it, all in turns of the
 * event loop of a few milliseconds. Nobody else holds the state meanwhile.
 */
async function startOf(loaded: LoadedForum, job: SnapshotCheckJob, turns: Turns): Promise<SnapshotStart | string> {
  const state = await stateOfSnapshot(job, turns);
  if (typeof state === 'string') return state;
  await turns.check();
  const saved = await turns.drive(copyStateInParts(state));
  return { state, saved, keysBefore: loaded.keysBefore ?? [], doneBefore: loaded.doneBefore ?? [] };
}

export interface OpenOptions {
  facilitatorKey?: string;
  /**
   * Checks a stored forum's log before it opens (it may refuse), returning the forum it
   * replayed. Given a snapshot's state (`from`, loaded.events then after it), null when it
   * cannot take that snapshot on trust: the forum is then read and checked whole.
   */
  checkLog?: (loaded: LoadedForum, from: { seq: number; state: ForumState } | undefined, turns: Turns) => Promise<ForumState | null>;
  /**
   * Whether checkLog would take a snapshot at `seq` on trust, asked before the snapshot is read:
   * one it would pass over is never read (a city vote's is 57.6 MiB, seconds to parse and check).
   * Without it, checkLog is asked with the snapshot read.
   */
  trustsSnapshot?: (forumId: string, seq: number) => boolean;
  /**
   * Called before a forum opens on demand, to learn from the store what other processes checked
   * of its log since this one started (checkLog and trustsSnapshot then know it).
   */
  beforeOpen?: (forumId: string) => Promise<void>;
  /** Told how each forum with a snapshot opened: from it, or from its whole log and why. */
  onSnapshot?: (loaded: LoadedForum, outcome: { opened: true; eventsAfter: number } | { opened: false; why: string }) => void;
  snapshots?: SnapshotPolicy;
  /** The forums' leases (default: the database file's writer lock owns them all). */
  lease?: ForumLease;
  /** Told of each stored forum not opened because another process holds its lease. */
  onElsewhere?: (forum: ForumRecord) => void;
  /**
   * Opens each forum on its first use instead of all at start, and closes one that has had no
   * connection and no use for `idleMs`, giving up its lease.
   */
  onDemand?: { idleMs: number };
  /** Told of each forum closed for being idle. */
  onUnloaded?: (forum: ForumRecord) => void;
  /** Told of each forum let go to another process: asked for there, lost to it, or stale here. */
  onHandedBack?: (forum: ForumRecord, why: 'wanted' | 'lost' | 'stale') => void;
  /** Told when a forum's summary for the lists could not be stored (it is tried again later). */
  onSummaryFailed?: (forum: ForumRecord, err: unknown) => void;
  /** How late a forum's counts may be in its stored summary (forums/summary.ts). */
  summaryEveryMs?: number;
}

export type ForumsListener = (forumId: string | null, effects: Effects | null) => void;

export class Forums<A extends Attached = Attached> {
  private readonly live = new Map<string, LiveForum<A>>();
  private readonly listeners = new Set<ForumsListener>();
  /** The facilitator's key and the grant key, shared through the store with every server process. */
  secrets!: ServerSecrets;
  /** How every forum keeps snapshots; none kept without one. */
  private snapshots: SnapshotPolicy | null = null;
  /** Who may write each forum: a forum is opened here only with its lease. */
  private lease: ForumLease = new FileLease(null);
  private stopLeaseWatch: () => void = () => {};
  private options: OpenOptions = {};
  /** Every stored forum's record, open here or not. */
  private readonly known = new Map<string, ForumRecord>();
  private readonly opening = new Map<string, Promise<LiveForum<A>>>();
  private readonly unloading = new Map<string, Promise<void>>();
  /** When each open forum was last used (opened, a page, a connection), for the idle time. */
  private readonly lastUse = new Map<string, number>();
  private idleTimer: ReturnType<typeof setInterval> | null = null;
  /** Each open forum's summary, kept in the store for every process's lists. */
  private readonly summaries = new Map<string, SummaryKeeper>();
  /** Forums summarised from their log for a list (none kept yet), one at a time each. */
  private readonly summarising = new Map<string, Promise<ForumListing | null>>();
  /** Those summaries, for as long as the store keeps none (a read-only start cannot keep them). */
  private readonly summarised = new Map<string, ForumListing>();
  private refreshing: Promise<void> | null = null;
  /** Requests running on each forum (hold): a forum with any is not closed. */
  private readonly holds = new Map<string, number>();
  /** When each forum open here was opened, for HAND_BACK_HELD_MS. */
  private readonly openedAt = new Map<string, number>();
  /** Each forum held here that another process asks for: its first and last ask. */
  private readonly asked = new Map<string, { first: number; last: number }>();
  /** When each forum was let go to another process (handBack), for HAND_BACK_GRACE_MS. */
  private readonly handedBack = new Map<string, number>();
  private stopHandBack: () => void = () => {};

  private constructor(
    private readonly store: ForumStore,
    readonly storage: StorageHealth,
    private readonly attach: (room: ForumRoom) => A,
  ) {}

  /**
   * The stored forums, opened: the facilitator's key (made or taken from the setting), the log,
   * and every forum, or (onDemand) only their records, each forum opened on its first use.
   */
  static async open<A extends Attached>(store: ForumStore, storage: StorageHealth, attach: (room: ForumRoom) => A, options: OpenOptions = {}): Promise<Forums<A>> {
    const forums = new Forums(store, storage, attach);
    forums.options = options;
    forums.snapshots = options.snapshots ?? null;
    if (options.lease) forums.lease = options.lease;
    forums.stopLeaseWatch = forums.lease.onLost((id) => forums.lost(id));
    const stopWanted = forums.lease.onWanted?.((id) => forums.wanted(id)) ?? (() => {});
    const stopRegained = forums.lease.onRegained?.((id) => void forums.regained(id)) ?? (() => {});
    forums.stopHandBack = () => {
      stopWanted();
      stopRegained();
    };
    forums.secrets = await ServerSecrets.load(store, (run) => forums.write(run), options.facilitatorKey);
    if (options.onDemand) {
      for (const record of await store.listForums()) forums.known.set(record.id, record);
      // An idle time of 0: opened on demand, never closed for being idle.
      if (options.onDemand.idleMs > 0) {
        forums.idleTimer = setInterval(() => forums.unloadIdle(), Math.max(1, options.onDemand.idleMs / 2));
        forums.idleTimer.unref();
      }
      return forums;
    }
    for (const head of await store.loadForums(forums.loadOptions())) {
      forums.known.set(head.forum.id, head.forum);
      if (!(await forums.lease.tryAcquire(head.forum.id))) {
        options.onElsewhere?.(head.forum);
        continue;
      }
      await forums.openLoaded(head);
    }
    return forums;
  }

  /**
   * How a forum is read for opening: its head only (the rows are read a page at a time), and a
   * snapshot the start-up check would not take on trust passed over, never read.
   */
  private loadOptions(): LoadOptions {
    const { checkLog, trustsSnapshot } = this.options;
    return { fromSnapshot: true, headOnly: true, useSnapshot: checkLog && trustsSnapshot ? trustsSnapshot : undefined };
  }

  /** Where the snapshot is read from: by the worker where the store keeps it, else its body; null when no longer kept. */
  private async snapshotJob(forumId: string, seq: number): Promise<SnapshotCheckJob | null> {
    const source = this.store.snapshotSource?.(forumId, seq);
    if (source) return source;
    const body = await this.store.snapshotAt(forumId, seq);
    return body === null ? null : { body };
  }

  /**
   * Opens a stored forum, given with its head only, from its snapshot (if it can be taken on trust)
   * and the events after it, or from its whole log: every step in turns of a few milliseconds, so
   * that the process answers its other forums meanwhile. Nobody is served the forum until it is
   * open: its connections and requests wait for `use`.
   */
  private async openLoaded(head: LoadedForum): Promise<LiveForum<A>> {
    const options = this.options;
    const turns = new Turns();
    let loaded = await withRows(this.store, head, turns);
    let from: SnapshotStart | undefined;
    let replayed: ForumState | null | undefined;
    /**
     * The latest snapshot that stays good to open from: the next is due `every` events after it.
     * One passed over only because the check has not reached it is still good (another process,
     * or a later start, opens from it): taking another at once would only redo it, in a cluster at
     * every move of the forum. One not read is taken as good: were it damaged, the first process
     * to trust it finds so and replays the log, checked whole, and the next snapshot replaces it.
     */
    let latestSnapshot = loaded.passedOver ?? 0;
    if (loaded.passedOver !== undefined) {
      options.onSnapshot?.({ ...loaded, snapshot: { seq: loaded.passedOver } }, { opened: false, why: 'the start-up check has not reached its seq' });
    }
    if (loaded.snapshot) {
      const { seq } = loaded.snapshot;
      const job = await this.snapshotJob(loaded.forum.id, seq);
      // A damaged one, or another version's, is replaced.
      const read = job === null ? 'it is no longer kept' : await startOf(loaded, job, turns);
      if (typeof read !== 'string') {
        latestSnapshot = seq;
        replayed = options.checkLog ? await options.checkLog(loaded, { seq, state: read.state }, turns) : undefined;
        if (replayed !== null) from = read;
      }
      const why = typeof read === 'string' ? read : replayed === null ? 'the start-up check has not reached its seq' : null;
      if (why !== null) {
        // The whole log, as a forum without a snapshot opens.
        const snapshot = loaded.snapshot;
        loaded = { forum: loaded.forum, ...(await readRows(this.store, loaded.forum.id, turns)) };
        options.onSnapshot?.({ ...loaded, snapshot }, { opened: false, why });
        replayed = undefined;
      } else {
        options.onSnapshot?.(loaded, { opened: true, eventsAfter: loaded.events.length });
      }
    }
    if (!from) replayed = (await options.checkLog?.(loaded, undefined, turns)) ?? undefined;
    const room = await ForumRoom.load(this.store, loaded, this.storage, replayed ?? undefined, from, turns);
    return this.open(room, latestSnapshot);
  }

  /**
   * A stored forum, opened here on its first use (a connection, a page, an export), with its
   * lease; undefined for no such forum. Refused (FORUM_ELSEWHERE) while another process owns it.
   */
  async use(id: string): Promise<LiveForum<A> | undefined> {
    const live = this.live.get(id);
    if (live) {
      this.lastUse.set(id, Date.now());
      return live;
    }
    if (!this.known.has(id)) return undefined;
    // Just let go to the process that asked for it: that one's phones are retrying.
    const handed = this.handedBack.get(id);
    if (handed !== undefined) {
      if (Date.now() - handed < HAND_BACK_GRACE_MS) throw new Refusal({ code: 'FORUM_ELSEWHERE' });
      this.handedBack.delete(id);
    }
    // Being let go: asked for again once it is (the lock is still held here until then).
    const going = this.unloading.get(id);
    if (going) await going;
    let opening = this.opening.get(id);
    if (!opening) {
      opening = (async () => {
        if (!(await this.lease.tryAcquire(id))) {
          this.lease.want?.(id);
          throw new Refusal({ code: 'FORUM_ELSEWHERE' });
        }
        try {
          await this.options.beforeOpen?.(id);
          const head = await this.store.loadForum(id, this.loadOptions());
          if (!head) throw new Refusal({ code: 'FORUM_NOT_FOUND' });
          return await this.openLoaded(head);
        } catch (err) {
          await this.lease.release(id);
          throw err;
        }
      })().finally(() => this.opening.delete(id));
      this.opening.set(id, opening);
    }
    const forum = await opening;
    this.lastUse.set(id, Date.now());
    return forum;
  }

  /**
   * The forum at /f/<slug>, opened on first use as `use` does. A slug not known here is looked up
   * in the store: another process may have made the forum since.
   */
  async useSlug(slug: string): Promise<LiveForum<A> | undefined> {
    const id = (await this.recordOf(slug))?.id;
    return id === undefined ? undefined : this.use(id);
  }

  /** The stored forum at /f/<slug>, open here or not (looked up in the store when not known here). */
  async recordOf(slug: string): Promise<ForumRecord | undefined> {
    const find = () => [...this.known.values()].find((r) => r.slug === slug);
    const known = find();
    if (known) return known;
    await this.refresh();
    return find();
  }

  /** Learns the forums made and deleted by other processes: the store's list, read once at a time. */
  private refresh(): Promise<void> {
    this.refreshing ??= this.store
      .listForums()
      .then((records) => this.learn(records))
      .finally(() => (this.refreshing = null));
    return this.refreshing;
  }

  private learn(records: readonly ForumRecord[]): void {
    const stored = new Set(records.map((r) => r.id));
    for (const record of records) if (!this.known.has(record.id)) this.known.set(record.id, record);
    for (const id of [...this.known.keys()]) if (!stored.has(id) && !this.live.has(id) && !this.opening.has(id)) this.known.delete(id);
    for (const id of [...this.summarised.keys()]) if (!stored.has(id)) this.summarised.delete(id);
  }

  /**
   * Every stored forum as the lists show it, oldest first, read from the store: forums another
   * process serves or made, and forums no process has open, as their owners last summarised them;
   * each open here as it is now. A forum with no summary kept yet (stored by an older version) is
   * summarised from its snapshot and log, once, and that summary kept.
   */
  async listing(options: { ranked?: boolean } = {}): Promise<ForumListing[]> {
    const records = await this.store.listForums();
    const kept = new Map((await this.store.summaries()).map((s) => [s.forumId, s.body]));
    this.learn(records);
    const listed: ForumListing[] = [];
    for (const record of records) {
      const live = this.live.get(record.id);
      const body = kept.get(record.id);
      const stored = body !== undefined ? listingFrom(record, body) : null;
      if (stored) this.summarised.delete(record.id);
      const listing = live ? summaryOf(live.room.record, live.room.shown.state, options) : (stored ?? this.summarised.get(record.id) ?? (await this.summarise(record)));
      if (listing) listed.push(options.ranked === false ? { ...listing, ranked: [] } : listing);
    }
    return listed;
  }

  /** A forum's summary from its stored snapshot and events, kept for the next list; null if it cannot be read. */
  private summarise(record: ForumRecord): Promise<ForumListing | null> {
    let running = this.summarising.get(record.id);
    if (!running) {
      running = (async () => {
        const loaded = await this.store.loadForum(record.id, { fromSnapshot: true });
        if (!loaded) return null;
        const job = loaded.snapshot ? await this.snapshotJob(record.id, loaded.snapshot.seq) : null;
        const turns = new Turns();
        let state = job === null ? null : await stateOfSnapshot(job, turns);
        let events = loaded.events;
        if (state === null || typeof state === 'string') {
          // No snapshot, or one not taken on trust: the whole log, as the forum would open.
          state = emptyState();
          if (loaded.snapshot) events = (await this.store.loadLog(record.id)).events;
        }
        // Folded in turns: a city vote's whole log is seconds of work, and this process serves others meanwhile.
        for (const { event } of events) await turns.drive(applyEventInSteps(state, event, undefined, IMPORT_BALLOTS_PER_STEP));
        const listing = summaryOf(record, state);
        this.summarised.set(record.id, listing);
        const seq = events.at(-1)?.seq ?? loaded.snapshot?.seq ?? 0;
        // Derived from what is stored: any process may keep it, and one of a later seq wins.
        if (this.storage.status().ok) await this.store.saveSummary(record.id, seq, JSON.stringify(listing)).catch(() => {});
        return listing;
      })()
        .catch(() => null)
        .finally(() => this.summarising.delete(record.id));
      this.summarising.set(record.id, running);
    }
    return running;
  }

  /**
   * The one forum not archived among those open here (single), or, with forums opened on demand
   * and none open, the only stored forum, opened: what the short addresses (/, /screen) open.
   * Undefined when there is no such forum, or when it cannot be opened here (served elsewhere).
   */
  async sole(): Promise<LiveForum<A> | undefined> {
    const open = this.single();
    if (open || !this.options.onDemand || this.live.size > 0 || this.known.size !== 1) return open;
    const [only] = this.known.keys();
    return this.use(only).catch((err: unknown) => {
      if (err instanceof Refusal) return undefined;
      throw err;
    });
  }

  /** How many forums have their room open here now. */
  get openCount(): number {
    return this.live.size;
  }

  /** Every stored forum's record, oldest first, open here or not. */
  records(): ForumRecord[] {
    return [...this.known.values()];
  }

  /**
   * Closes each forum opened on demand that has had no connection and no use for the idle time:
   * what it has pending is stored first (room.close), then its lease is given up.
   */
  private unloadIdle(): void {
    const idleMs = this.options.onDemand?.idleMs;
    if (!idleMs) return;
    const now = Date.now();
    for (const [id, forum] of this.live) {
      if (this.unloading.has(id) || this.holds.has(id) || (forum.attached.connections?.() ?? 0) > 0) {
        this.lastUse.set(id, now);
        continue;
      }
      if (now - (this.lastUse.get(id) ?? 0) < idleMs) continue;
      this.unloadAs(id, forum).catch(() => {});
    }
  }

  /** Unloads a forum, known as being unloaded (use waits for it) until done. */
  private unloadAs(id: string, forum: LiveForum<A>): Promise<void> {
    const done = this.unload(id, forum).finally(() => this.unloading.delete(id));
    this.unloading.set(id, done.catch(() => {}));
    return done;
  }

  /** Another process was asked for a forum held here: let go when asked long enough (HAND_BACK_*). */
  private wanted(id: string): void {
    const forum = this.live.get(id);
    // Only a forum opened on demand is opened again where it is asked for.
    if (!forum || !this.options.onDemand || this.unloading.has(id)) return;
    const now = Date.now();
    let ask = this.asked.get(id);
    if (!ask || now - ask.last > HAND_BACK_FORGET_MS) ask = { first: now, last: now };
    ask.last = now;
    this.asked.set(id, ask);
    if (now - ask.first < HAND_BACK_ASKED_MS || now - (this.openedAt.get(id) ?? now) < HAND_BACK_HELD_MS) return;
    // A long request (an export) is let finish; the asker asks again.
    if (this.holds.has(id)) return;
    this.asked.delete(id);
    void this.handBack(id, forum, 'wanted');
  }

  /**
   * Lets a forum go to another process: its connections closed at the transport (their clients
   * reconnect by themselves, through the proxy, and resend what was unanswered under its action
   * id), what it has pending stored, its lease given up.
   */
  private async handBack(id: string, forum: LiveForum<A>, why: 'wanted' | 'lost' | 'stale'): Promise<void> {
    if (this.unloading.has(id)) return;
    this.handedBack.set(id, Date.now());
    forum.attached.dropConnections?.();
    await this.unloadAs(id, forum).catch(() => {});
    this.options.onHandedBack?.(forum.room.record, why);
  }

  /**
   * The forum's lease taken back after it went with a connection: another process may have held it
   * meanwhile and written to its log. If it did, the room here is stale (its state, its exports, the
   * seq it would write after): it is closed, and opened again from the log on its next use.
   */
  private async regained(id: string): Promise<void> {
    const forum = this.live.get(id);
    if (!forum) return;
    const after = await this.store.loadEventsAfter(id, forum.room.storedSeq, 1).catch(() => null);
    // Unreadable now: the room's next write, if stale, is refused by the log's (forum_id, seq).
    if (!after || after.length === 0 || this.live.get(id) !== forum) return;
    forum.attached.dropConnections?.();
    await this.unloadAs(id, forum).catch(() => {});
    this.options.onHandedBack?.(forum.room.record, 'stale');
  }

  /**
   * Closes a forum open here that nothing uses now, giving up its lease: with several processes on
   * one database, the process a proxy sends the forum's connections to then opens it on their first
   * use, instead of refusing them while this one holds it for no one. Kept open when in use.
   */
  async letGo(id: string): Promise<void> {
    const forum = this.live.get(id);
    if (!forum || this.unloading.has(id) || this.holds.has(id) || (forum.attached.connections?.() ?? 0) > 0) return;
    await this.unloadAs(id, forum);
  }

  /**
   * Keeps a forum open while a request to it runs (a long export, say), however long it takes;
   * returns what ends the hold (once only).
   */
  hold(id: string): () => void {
    this.holds.set(id, (this.holds.get(id) ?? 0) + 1);
    let held = true;
    return () => {
      if (!held) return;
      held = false;
      const left = (this.holds.get(id) ?? 1) - 1;
      if (left > 0) this.holds.set(id, left);
      else this.holds.delete(id);
      this.lastUse.set(id, Date.now());
    };
  }

  private async unload(id: string, forum: LiveForum<A>): Promise<void> {
    this.live.delete(id);
    this.openedAt.delete(id);
    this.asked.delete(id);
    forum.attached.close();
    await forum.room.close();
    // The lists keep showing it as it was when it closed.
    await this.stopSummary(id);
    await this.lease.release(id);
    this.options.onUnloaded?.(forum.room.record);
  }

  /** The facilitator's key: it opens every forum's console. */
  get facilitatorKey(): string {
    return this.secrets.facilitatorKey;
  }

  /** A new facilitator key (and grant epoch), stored before it is used. */
  rotateKey(): Promise<string> {
    return this.secrets.rotate();
  }

  private open(room: ForumRoom, latestSnapshot = 0): LiveForum<A> {
    const lease = this.lease;
    if (lease.suspended) room.leaseSuspended = () => lease.suspended!(room.record.id);
    const forum: LiveForum<A> = { room, attached: this.attach(room) };
    if (this.snapshots) room.keepSnapshots(this.snapshots, latestSnapshot);
    this.live.set(room.record.id, forum);
    this.openedAt.set(room.record.id, Date.now());
    this.known.set(room.record.id, room.record);
    this.lastUse.set(room.record.id, Date.now());
    const keeper = new SummaryKeeper(this.store, room, (err) => this.options.onSummaryFailed?.(room.record, err), this.options.summaryEveryMs);
    this.summaries.set(room.record.id, keeper);
    room.onChange((effects) => {
      keeper.changed();
      this.emit(room.record.id, effects);
    });
    // As it opens: a forum stored by an older version, or changed while nobody kept its summary.
    if (this.storage.status().ok) void keeper.flush();
    return forum;
  }

  private async stopSummary(id: string): Promise<void> {
    const keeper = this.summaries.get(id);
    this.summaries.delete(id);
    await keeper?.stop();
  }

  /**
   * Another process took the forum: its room refuses every change from now on, and the list says
   * so. With forums opened on demand it is let go as well, its connections closed, so that its
   * phones reconnect through the proxy to where it is served rather than being refused here.
   */
  private lost(id: string): void {
    const forum = this.live.get(id);
    if (!forum) return;
    forum.room.ownerLost();
    // Its new owner keeps its summary now.
    void this.stopSummary(id).catch(() => {});
    this.emit(id, null);
    if (this.options.onDemand) void this.handBack(id, forum, 'lost');
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

  /**
   * Creates and opens a forum; the store gives it its address (1, 2, 3…, never a deleted forum's).
   * `id` is kept from a forum moved here from another laptop.
   */
  async create(start: ForumStart, options: { id?: string; events?: ForumEvent[]; action?: ServerLogEntry['action']; detail?: string } = {}): Promise<LiveForum<A>> {
    const id = options.id ?? randomUUID();
    if (this.live.has(id)) throw new Refusal({ code: 'FORUM_EXISTS' });
    if (!(await this.lease.tryAcquire(id))) throw new Refusal({ code: 'FORUM_ELSEWHERE' });
    const record: NewForum = {
      id,
      joinCode: this.freshJoinCode(),
      createdAt: Date.now(),
      joinSecret: newSecret(),
      screenKey: newSecret(),
    };
    const events = options.events ?? creationEvents(id, record.joinCode, start, record.createdAt);
    const entry: ServerLogEntry = { at: record.createdAt, action: options.action ?? 'created', forumId: id, title: start.title, detail: options.detail ?? '' };
    const forum = this.open(await ForumRoom.create(this.store, record, events, entry, this.storage));
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
    if (!(await this.lease.tryAcquire(file.id))) throw new Refusal({ code: 'FORUM_ELSEWHERE' });
    const start: NewForum = { id: file.id, joinCode: this.freshJoinCode(), createdAt: Date.now(), joinSecret: newSecret(), screenKey: newSecret() };
    await this.write(() => this.store.beginImport(start));
    let record: ForumRecord;
    // The forum as saved, replayed beside the live state as its events are stored, so that the
    // room has its saved copy from the first moment and never reads the log back for it.
    const saved = emptyState();
    try {
      for (let i = 0, size = IMPORT_SLICE; i < file.events.length; ) {
        await pause();
        const began = performance.now();
        const slice = file.events.slice(i, i + size);
        await this.write(() => this.store.importEvents(file.id, slice));
        const took = performance.now() - began;
        // The saved copy takes the slice in the turns after its write, the clock looked at after
        // every event, and a merge or a void of many a few hundred ballots a step: written and
        // replayed in one turn, a slice of 500 took 31 ms of CPU (scripts/stalls.ts, profiled).
        const turn = new Turns(IMPORT_TURN_MS);
        await turn.pass();
        for (const event of slice) {
          await turn.drive(applyEventInSteps(saved, event, undefined, IMPORT_BALLOTS_PER_STEP));
          await turn.check();
        }
        i += slice.length;
        // As many as take IMPORT_TURN_MS to write, growing at most twofold: the events change in kind (tickets, joins, ideas, dots).
        size = Math.max(IMPORT_SLICE_MIN, Math.min(2 * size, IMPORT_SLICE_MAX, Math.round((size * IMPORT_TURN_MS) / Math.max(1, took))));
      }
      if (this.live.has(file.id)) throw new Refusal({ code: 'FORUM_EXISTS' });
      const entry: ServerLogEntry = { at: Date.now(), action: 'imported', forumId: file.id, title: file.title, detail: '' };
      record = { ...start, slug: await this.write(() => this.store.finishImport(file.id, entry)) };
      } catch (err) {
      // The store may be failing; whatever is left is removed when it opens again.
      await this.store.abortImport(file.id).catch(() => {});
      throw err;
    }
    const forum = this.open(ForumRoom.imported(this.store, record, file.state, saved, file.events.length, this.storage));
    this.emit(file.id, null);
    return forum;
  }

  /** Archives a forum (read-only, exports still work), or takes it out of the archive. */
  async setArchived(id: string, archived: boolean): Promise<void> {
    const forum = await this.need(id);
    const decision = decideArchive(forum.room.state, archived, Date.now());
    if (!decision.ok) throw new Refusal(decision.error);
    forum.room.commit(decision.value);
    const failure = await forum.room.durable();
    if (failure) throw failure;
    const entry: ServerLogEntry = { at: Date.now(), action: archived ? 'archived' : 'unarchived', forumId: id, title: forum.room.state.title, detail: '' };
    await this.write(() => this.store.log(entry));
  }

  /** Deletes a forum for good; the title must be typed exactly, as a guard against the wrong one. */
  async delete(id: string, typedTitle: string): Promise<void> {
    const forum = await this.need(id);
    const title = forum.room.state.title;
    if (typedTitle.trim().normalize('NFC') !== title.trim().normalize('NFC')) throw new Refusal({ code: 'TITLE_MISMATCH' });
    const entry: ServerLogEntry = { at: Date.now(), action: 'deleted', forumId: id, title, detail: `address /f/${forum.room.record.slug}` };
    await this.write(() => this.store.deleteForum(id, entry));
    this.live.delete(id);
    this.known.delete(id);
    forum.attached.close();
    await forum.room.close();
    await this.stopSummary(id);
    await this.lease.release(id);
    this.emit(null, null);
  }

  /** A forum's whole event log, oldest first. */
  async events(id: string): Promise<ForumEvent[]> {
    return (await this.store.loadEventsAfter(id, 0)).map((e) => e.event);
  }

  /** A page of a forum's log: the events after `after` (a seq), at most `limit` of them. */
  eventPage(id: string, after: number, limit: number): Promise<{ seq: number; event: ForumEvent }[]> {
    return this.store.loadEventsAfter(id, after, limit);
  }

  /** The log of whole forums as stored, what other processes did to theirs included (the forum list shows it). */
  serverLog(): Promise<ServerLogEntry[]> {
    return this.store.serverLog();
  }

  /** Closes every forum once what each has pending is stored. */
  async close(): Promise<void> {
    this.stopLeaseWatch();
    this.stopHandBack();
    if (this.idleTimer) clearInterval(this.idleTimer);
    await Promise.all(
      [...this.live.values()].map(async (forum) => {
        forum.attached.close();
        await forum.room.close();
        await this.stopSummary(forum.room.record.id);
        await this.lease.release(forum.room.record.id);
      }),
    );
  }

  private async need(id: string): Promise<LiveForum<A>> {
    const forum = await this.use(id);
    if (!forum) throw new Refusal({ code: 'FORUM_NOT_FOUND' });
    return forum;
  }

  /** A fixed join code no other forum here uses. */
  private freshJoinCode(): string {
    const taken = new Set(this.list().map((f) => f.room.state.joinCode));
    for (;;) {
      const code = String(randomInt(100000, 1000000));
      if (!taken.has(code)) return code;
    }
  }

  private async write<T>(run: () => Promise<T>): Promise<T> {
    this.storage.guard();
    let result: T;
    try {
      result = await run();
    } catch (err) {
      if (err instanceof StorageUnavailable) this.storage.failed(err);
      throw err;
    }
    this.storage.succeeded();
    return result;
  }
}
