// One live forum: its state in memory, the store beneath it, who is online, and which phone
// actions were already done. Every change goes through commit(): applied at once, so the next
// action is decided against it, then written with its batch, and only once that is on disk are the
// listeners told what changed and the action acknowledged. Transport-free, so it is driven the
// same way by sockets and tests.
//
// Beside the live state the room keeps a copy of the forum as saved (every committed batch applied
// to it): a batch the disk refuses is undone by taking that copy back, at the cost of a few field
// assignments, however long the log. Reading the whole log back instead held a forum of 315,000
// events up for 3 s at each failed write. The copy given away is then built again from the log,
// a page per turn of the event loop, and the forum refuses actions until it is there.

import { createHash, randomBytes } from 'node:crypto';
import { everyCaseHandled } from '../../shared/exhaustive.js';
import type { RuleError, ErrorParams } from '../../shared/forum/errors.js';
import { applyEvent, dotOwnersOf, emptyState } from '../../shared/forum/state.js';
import type { ForumEvent, ForumState, Phase } from '../../shared/forum/types.js';
import type { ForumRecord, ForumSecrets, ForumStore, LoadedForum, ServerLogEntry } from '../db/store.js';
import { StorageUnavailable } from '../errors.js';
import { StorageHealth } from './storage.js';
import { ActionKeys } from './actionKeys.js';
import { DoneActions, type DoneAction } from './doneActions.js';
import type { Notice } from '../../shared/protocol.js';

/** What a commit changed, so that only the affected views are sent again. */
export interface Effects {
  forum: boolean;
  /** The phase moved to, when it moved. */
  phase?: Phase;
  /** Ideas whose public form changed (added, edited, hidden, restored, withdrawn). */
  ideas: Set<string>;
  /** Participants whose own view changed. */
  me: Set<string>;
  notices: { participantId: string; notice: Omit<Notice, 'message'> }[];
}

export type ChangeListener = (effects: Effects) => void;

/** An action applied in memory and waiting for its batch to reach the disk. */
interface PendingAction {
  events: readonly ForumEvent[];
  actionKey: string | null;
  effects: Effects;
  waiters: ((failure: unknown) => void)[];
}

/** After the forum was read back from the disk: every view is sent again. */
function everythingChanged(state: ForumState): Effects {
  return {
    forum: true,
    ideas: new Set(state.ideas.keys()),
    me: new Set(state.participants.keys()),
    notices: [],
  };
}

/** After a batch was undone: what its actions changed is sent again as it was; their notices never went out. */
function undoneEffects(batch: readonly PendingAction[]): Effects {
  const effects: Effects = { forum: true, ideas: new Set(), me: new Set(), notices: [] };
  for (const { effects: e } of batch) {
    for (const id of e.ideas) effects.ideas.add(id);
    for (const id of e.me) effects.me.add(id);
  }
  return effects;
}

/** Why actions are refused while the forum's saved copy is built again after a failed batch. */
const asStorageFailure = (failure: unknown): StorageUnavailable =>
  failure instanceof StorageUnavailable ? failure : new StorageUnavailable('io', String((failure as Error)?.message ?? failure));

/** How many stored events the saved copy is rebuilt from per page, and how long one turn may read. */
const CATCH_UP_PAGE = 500;
const CATCH_UP_TURN_MS = 8;
/** A page that could not be read (an I/O error) is tried again after this long. */
const CATCH_UP_RETRY_MS = 500;

export const hashToken = (token: string): string => createHash('sha256').update(token).digest('hex');

/** A device token: 32 hex characters or more, made by the phone from crypto.getRandomValues. */
export const TOKEN_PATTERN = /^[0-9a-f]{32,128}$/;

/** A secret the server makes: a facilitator key, a projector key, the hall codes' seed. */
export const newSecret = (): string => randomBytes(18).toString('base64url');

export { ACTIONS_REMEMBERED, type DoneAction } from './doneActions.js';

/** The phone command whose first event this is, and the idea it targets. */
function actionOf(event: ForumEvent): DoneAction | null {
  switch (event.type) {
    case 'participantRenamed':
      return { command: 'participant:rename', target: null, ideaId: null };
    case 'ideaSubmitted':
      return { command: 'idea:submit', target: null, ideaId: event.ideaId };
    case 'ideaEdited':
      return { command: 'idea:edit', target: event.ideaId, ideaId: null };
    case 'ideaWithdrawn':
      return { command: 'idea:withdraw', target: event.ideaId, ideaId: null };
    case 'dotPlaced':
      return { command: 'dot:place', target: event.ideaId, ideaId: null };
    case 'dotRemoved':
      return { command: 'dot:remove', target: event.ideaId, ideaId: null };
    case 'forumCreated':
    case 'ideaImported':
    case 'forumArchived':
    case 'forumUnarchived':
    case 'structureSet':
    case 'rulesSet':
    case 'phaseChanged':
    case 'participantJoined':
    case 'ideaHidden':
    case 'ideaRestored':
    case 'priorityRevealed':
    case 'displaySet':
    case 'resultsTopSet':
    case 'resultsPublished':
    case 'admissionSet':
    case 'addressCapSet':
    case 'attendanceSet':
    case 'joiningPaused':
    case 'joiningResumed':
    case 'ticketsIssued':
    case 'ticketReleased':
    case 'ballotMoved':
    case 'participantVoided':
    case 'participantsVoided':
    case 'ideasMerged':
    case 'mergeUndone':
    case 'paperDotsSet':
    case 'paperBallotsSet':
    case 'hostInvited':
    case 'hostRevoked':
    case 'timerSet':
    case 'timerCleared':
    case 'wordListSet':
      return null;
    default:
      everyCaseHandled(event);
      return null;
  }
}

/** Under load, a batch waits this many times as long as the last write took, gathering more actions (see commit)... */
const GATHER_SHARE = 3;
/** ...but never longer than this. */
const MAX_GATHER_MS = 15;

export class ForumRoom {
  readonly state: ForumState;
  readonly record: ForumRecord;
  /** What the actions saved lately did, by participant and action id (a test moves its clock on). */
  readonly doneActions = new DoneActions();
  /** Every saved action id, the ones forgotten above included. */
  private usedKeys = new ActionKeys();
  /** Action ids taken by actions not yet saved, and what they did: dropped if their batch fails. */
  private readonly pendingKeys = new Map<string, DoneAction | null>();
  /**
   * The forum as saved: the live state without the pending batch. Null while it is being built
   * (after a forum is imported, and after a failed batch took it back), see catchUp().
   */
  private saved: ForumState | null = null;
  /** Set by a failed batch until the saved copy is built again: actions are refused meanwhile. */
  private undone: StorageUnavailable | null = null;
  private catchingUp: { cancel(): void } | null = null;
  private closed = false;
  private readonly online = new Map<string, number>();
  private readonly listeners = new Set<ChangeListener>();

  private constructor(
    private readonly store: ForumStore,
    record: ForumRecord,
    events: { event: ForumEvent; actionKey: string | null }[],
    /** Whether writes are getting through; one for the whole store, shared by its forums. */
    readonly storage: StorageHealth,
    /** The forum already replayed from `events` (an import builds it in slices): taken as it is. */
    replayed?: ForumState,
  ) {
    this.record = record;
    this.state = replayed ?? emptyState();
    if (replayed && events.length === 0) {
      // An import, replayed in slices: its saved copy is built from the log in the background
      // rather than copied here: a copy of the largest forum's state in one go (structuredClone)
      // holds the event loop up for 70 to 130 ms.
      this.catchUp();
      return;
    }
    // The saved copy is replayed beside the live state from the same events, which nobody else
    // holds: applyEvent never changes what it takes from an event, it only replaces it. 67 ms more
    // for the largest forum's 95,000 events, where reading them back takes 600. A forum the
    // start-up check already replayed (through the rules) is taken as it is.
    const saved = emptyState();
    for (const { event, actionKey } of events) {
      if (!replayed) applyEvent(this.state, event);
      applyEvent(saved, event);
      if (actionKey) this.remember(actionKey, event);
    }
    this.saved = saved;
  }

  /**
   * A stored forum, replayed (or taken as the start-up check replayed it). One from before
   * admission modes gets its hall secret and projector key here, once.
   */
  static load(store: ForumStore, loaded: LoadedForum, storage: StorageHealth, replayed?: ForumState): ForumRoom {
    const room = new ForumRoom(store, loaded.forum, loaded.events, storage, replayed);
    const missing: Partial<ForumSecrets> = {};
    if (!room.record.joinSecret) missing.joinSecret = newSecret();
    if (!room.record.screenKey) missing.screenKey = newSecret();
    room.updateSecrets(missing);
    return room;
  }

  /** Stores a new forum with its first events (forumCreated first) and opens it. */
  static create(store: ForumStore, record: ForumRecord, events: ForumEvent[], entry: ServerLogEntry, storage: StorageHealth): ForumRoom {
    storage.guard();
    try {
      store.createForum(record, events, entry);
    } catch (err) {
      if (err instanceof StorageUnavailable) storage.failed(err);
      throw err;
    }
    storage.succeeded();
    return new ForumRoom(store, record, events.map((event) => ({ event, actionKey: null })), storage);
  }

  /** A forum moved here from a file, already stored (Forums.importForum) and replayed. */
  static imported(store: ForumStore, record: ForumRecord, state: ForumState, storage: StorageHealth): ForumRoom {
    return new ForumRoom(store, record, [], storage, state);
  }

  onChange(listener: ChangeListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * Takes an action's events: applied to the forum at once, so the next action is decided against
   * them, and written to disk with every other action taken in the same turn of the event loop, in
   * one transaction (group commit: one sync for the whole batch). Nobody hears of them before they
   * are on disk: the listeners are told, and whenDurable's callbacks run, only after the batch is
   * committed. If the batch cannot be written, the forum goes back to what is stored and every
   * action in it is refused. Throws at once, applying nothing, while the storage is known to be down.
   */
  commit(events: readonly ForumEvent[], actionKey: string | null = null): Effects {
    const effects = this.effectsOf(events);
    if (events.length === 0) return effects;
    this.storage.guard();
    if (this.undone) throw this.undone;
    for (const event of events) applyEvent(this.state, event);
    this.version++;
    if (actionKey) this.pendingKeys.set(actionKey, actionOf(events[0]));
    this.pending.push({ events, actionKey, effects, waiters: [] });
    if (!this.flushing) {
      // Under load, the next batch waits three times as long as the last write took, gathering
      // what arrives meanwhile: the sync to disk, during which nothing else runs, then takes at
      // most a quarter of the time, however fast actions come (at half, a storm of 5,000 phones
      // coming back spent 18 % of its time writing). An action after a quiet spell is written at once.
      const wait = this.lastWrite.end + Math.min(GATHER_SHARE * this.lastWrite.took, MAX_GATHER_MS) - performance.now();
      if (wait > 0.5) {
        const timer = setTimeout(() => this.flush(), wait);
        this.flushing = { cancel: () => clearTimeout(timer) };
      } else {
        const immediate = setImmediate(() => this.flush());
        this.flushing = { cancel: () => clearImmediate(immediate) };
      }
    }
    return effects;
  }

  private readonly flushedListeners = new Set<() => void>();

  /** Commands that came while one works across turns of the event loop (hold), to run in order after it. */
  private held: (() => void)[] | null = null;

  /**
   * Holds the forum's order for a command that decides across several turns of the event loop:
   * the commands that come meanwhile wait (whenFree) and run in order once it lets go.
   */
  hold(): () => void {
    this.held ??= [];
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const waiting = this.held ?? [];
      this.held = null;
      // One of them may hold the forum in turn: the rest wait for it.
      while (waiting.length > 0 && this.held === null) waiting.shift()!();
      if (waiting.length > 0) this.held = [...waiting, ...(this.held ?? [])];
    };
  }

  /** Runs `command` now, or after the command that holds the forum's order (hold) lets go. */
  whenFree(command: () => void): void {
    if (this.held) this.held.push(command);
    else command();
  }

  /** Goes up whenever the forum's state changes: what is worked out from the state can be kept until it does. */
  version = 0;

  /** Goes up whenever the saved forum changes (savedState). */
  savedVersion = 0;

  /**
   * The forum as it is on disk, for what is read rather than acted on (exports, the public page):
   * without the actions of a batch still being written, which may yet be refused. Read-only.
   */
  get savedState(): ForumState {
    if (this.pending.length === 0) return this.state;
    if (this.saved) return this.saved;
    // The copy is still being built (a forum just imported): the pending batch is written first.
    this.flush();
    return this.state;
  }

  /** Called after each batch is written and its changes told, before its acks go out. */
  onFlushed(listener: () => void): () => void {
    this.flushedListeners.add(listener);
    return () => this.flushedListeners.delete(listener);
  }

  /** Actions applied but not yet on disk, in order; written by flush(). */
  private pending: PendingAction[] = [];
  /** The flush to come, a timer or the next turn of the event loop. */
  private flushing: { cancel(): void } | null = null;
  /** When the last batch was written, and how long writing it took (ms, performance.now()). */
  private lastWrite = { end: -Infinity, took: 0 };

  /**
   * Calls `done` once every action taken so far is on disk (null), or with why the last of them
   * was not stored (a StorageUnavailable). At once when nothing is waiting.
   */
  whenDurable(done: (failure: unknown) => void): void {
    const last = this.pending.at(-1);
    if (!last) return done(null);
    last.waiters.push(done);
  }

  /** How many actions wait for the disk: a handler that added none has nothing of its own to store. */
  get pendingCount(): number {
    return this.pending.length;
  }

  /**
   * For an answer that stored nothing itself: it still goes out only after what it may have seen
   * is written, but another action's failure is not its own.
   */
  afterFlush(done: () => void): void {
    const last = this.pending.at(-1);
    if (!last) return done();
    last.waiters.push(() => done());
  }

  /**
   * Writes every pending action in one transaction. Called on the next turn of the event loop after
   * an action, and before anything is sent that is built from the forum's state, so nothing that
   * is not yet on disk is ever shown. Returns why the batch failed, or null.
   */
  flush(): unknown {
    this.flushing?.cancel();
    this.flushing = null;
    if (this.pending.length === 0) return null;
    const batch = this.pending;
    this.pending = [];
    let failure: unknown = null;
    const start = performance.now();
    try {
      this.write(() => this.store.appendBatch(this.record.id, batch));
    } catch (err) {
      failure = err;
    }
    const end = performance.now();
    this.lastWrite = { end, took: end - start };
    if (failure !== null) {
      // What was applied but not stored must not stay.
      if (this.saved) {
        this.undo(batch, failure);
        this.emit(undoneEffects(batch));
      } else {
        // The saved copy is still being built (a forum just imported): read back whole, once.
        this.reload(failure);
        this.emit(everythingChanged(this.state));
      }
    } else {
      this.saveBatch(batch);
      for (const action of batch) this.emit(action.effects);
    }
    // What the batch changed goes out before its acks, as it did when each action was written alone.
    for (const listener of this.flushedListeners) listener();
    for (const action of batch) for (const done of action.waiters) done(failure);
    return failure;
  }

  /**
   * A written batch: into the saved copy, its ids into the saved ones. Each event is copied: the
   * handler that made it may still hold it.
   */
  private saveBatch(batch: readonly PendingAction[]): void {
    for (const { events, actionKey } of batch) {
      if (this.saved) for (const event of events) applyEvent(this.saved, structuredClone(event));
      if (actionKey) {
        this.pendingKeys.delete(actionKey);
        this.remember(actionKey, events[0]);
      }
    }
    this.savedVersion++;
  }

  /**
   * A batch the disk refused: the live state becomes the saved copy (its fields taken over, so
   * every holder of `state` sees it), the batch's ids are forgotten, and actions wait, refused with
   * the batch's failure, until a saved copy is built again from the log.
   */
  private undo(batch: readonly PendingAction[], failure: unknown): void {
    this.version++;
    const saved = this.saved!;
    this.saved = null;
    for (const key of Object.keys(this.state) as (keyof ForumState)[]) delete this.state[key];
    Object.assign(this.state, saved);
    for (const { actionKey } of batch) if (actionKey) this.pendingKeys.delete(actionKey);
    this.undone = asStorageFailure(failure);
    this.catchUp();
  }

  /**
   * The forum as stored, read back whole: only when a batch fails before the saved copy is built
   * (an imported forum's first seconds). Actions are refused until it is, so this happens once.
   */
  private reload(failure: unknown): void {
    this.undone = asStorageFailure(failure);
    this.version++;
    this.savedVersion++;
    const fresh = emptyState();
    for (const key of Object.keys(this.state) as (keyof ForumState)[]) delete this.state[key];
    Object.assign(this.state, fresh);
    this.doneActions.clear();
    this.usedKeys = new ActionKeys();
    this.pendingKeys.clear();
    for (const { event, actionKey } of this.store.loadEvents(this.record.id)) {
      applyEvent(this.state, event);
      if (actionKey) this.remember(actionKey, event);
    }
    this.catchUp();
  }

  /**
   * Builds the saved copy from the stored log, a few pages per turn of the event loop, so the hall
   * is answered meanwhile. Batches written in the meantime are on disk, read with the rest; the
   * copy is taken up in the turn that reads the log's end, with nothing of it left unread.
   */
  private catchUp(): void {
    this.catchingUp?.cancel();
    const copy = emptyState();
    let after = 0;
    const turn = () => {
      this.catchingUp = null;
      if (this.closed) return;
      const start = performance.now();
      try {
        for (;;) {
          const page = this.store.loadEvents(this.record.id, after, CATCH_UP_PAGE);
          for (const { seq, event } of page) {
            applyEvent(copy, event);
            after = seq;
          }
          if (page.length < CATCH_UP_PAGE) break;
          if (performance.now() - start > CATCH_UP_TURN_MS) {
            const next = setImmediate(turn);
            this.catchingUp = { cancel: () => clearImmediate(next) };
            return;
          }
        }
      } catch {
        const timer = setTimeout(turn, CATCH_UP_RETRY_MS);
        this.catchingUp = { cancel: () => clearTimeout(timer) };
        return;
      }
      // Pending actions, if any, are not on disk and so not in the copy: they stay the live state's.
      this.saved = copy;
      this.undone = null;
    };
    const first = setImmediate(turn);
    this.catchingUp = { cancel: () => clearImmediate(first) };
  }

  /** Changes the forum's secrets, durably, then in memory. */
  updateSecrets(secrets: Partial<ForumSecrets>): void {
    if (Object.keys(secrets).length === 0) return;
    this.write(() => this.store.updateSecrets(this.record.id, secrets));
    Object.assign(this.record, secrets);
  }

  /** Every write goes through here, so the storage's health sees each success and failure. */
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

  /**
   * Whether an action id was ever taken in this forum (one not yet written included): an id no
   * longer remembered by findAction, sent again, is a reuse.
   */
  actionKeyUsed(actionKey: string): boolean {
    return this.pendingKeys.has(actionKey) || this.usedKeys.has(actionKey);
  }

  /** Whether a phone action was already done (or is being written), and what it was. */
  findAction(actionKey: string): DoneAction | undefined {
    const pending = this.pendingKeys.get(actionKey);
    if (pending) return pending;
    const split = actionKey.indexOf(':');
    return this.doneActions.find(actionKey.slice(0, split), actionKey.slice(split + 1));
  }

  private remember(actionKey: string, first: ForumEvent): void {
    this.usedKeys.add(actionKey);
    const done = actionOf(first);
    if (!done) return;
    const split = actionKey.indexOf(':');
    this.doneActions.remember(actionKey.slice(0, split), actionKey.slice(split + 1), done);
  }

  participantByToken(token: string): string | undefined {
    return this.state.participantsByToken.get(hashToken(token));
  }

  // ---------------------------------------------------------------- presence

  /**
   * How long a participant whose last connection dropped still counts as online. Phones on a
   * venue's Wi-Fi drop and return within seconds; the console should not flicker each time.
   */
  presenceGraceMs = 5000;
  private readonly leaving = new Map<string, NodeJS.Timeout>();

  connected(participantId: string): void {
    const pending = this.leaving.get(participantId);
    if (pending) {
      clearTimeout(pending);
      this.leaving.delete(participantId);
    }
    const n = this.online.get(participantId) ?? 0;
    this.online.set(participantId, n + 1);
    if (n === 0 && !pending) this.emit(emptyEffects());
  }

  disconnected(participantId: string): void {
    const n = this.online.get(participantId) ?? 0;
    if (n > 1) return void this.online.set(participantId, n - 1);
    this.online.set(participantId, 0);
    if (this.leaving.has(participantId)) return;
    this.leaving.set(
      participantId,
      setTimeout(() => {
        this.leaving.delete(participantId);
        if ((this.online.get(participantId) ?? 0) > 0) return;
        this.online.delete(participantId);
        this.emit(emptyEffects());
      }, this.presenceGraceMs),
    );
  }

  /** Tells the listeners that something outside the event log changed (the storage's health). */
  changed(): void {
    this.emit(emptyEffects());
  }

  /** Writes what is pending and stops the presence timers (when the server closes). */
  close(): void {
    this.flush();
    this.closed = true;
    this.catchingUp?.cancel();
    for (const timer of this.leaving.values()) clearTimeout(timer);
    this.leaving.clear();
  }

  readonly presence = {
    isOnline: (participantId: string) => this.online.has(participantId),
    onlineCount: () => this.online.size,
  };

  private emit(effects: Effects): void {
    for (const listener of this.listeners) listener(effects);
  }

  /** Works out, before the events are applied, whom they concern. */
  private effectsOf(events: readonly ForumEvent[]): Effects {
    const effects = emptyEffects();
    const s = this.state;
    const authorOf = (ideaId: string) => s.ideas.get(ideaId)?.authorId;
    const titleOf = (ideaId: string) => s.ideas.get(ideaId)?.title ?? '';
    // The authors of ideas merged earlier into this one, and into those: the idea theirs lives on
    // in (MyIdea.mergedInto) moves with it, so their phones are sent their view again.
    const tellMergedInto = (ideaId: string) => {
      for (const m of s.ideas.get(ideaId)?.merged ?? []) {
        if (m.authorId) effects.me.add(m.authorId);
        tellMergedInto(m.ideaId);
      }
    };
    // A refund names the priority too: the same title can stand in two priorities, and the phone
    // shows one priority at a time.
    const priorityOf = (ideaId: string) => s.structure.priorities.find((p) => p.code === s.ideas.get(ideaId)?.priorityCode)?.title ?? '';
    const refund = (ideaId: string, count: number): Omit<Notice, 'message'> => ({
      code: 'DOTS_REFUNDED',
      params: { title: titleOf(ideaId), priority: priorityOf(ideaId), count },
    });
    for (const e of events) {
      switch (e.type) {
        case 'phaseChanged':
          effects.forum = true;
          effects.phase = e.to;
          break;
        case 'forumCreated':
        case 'forumArchived':
        case 'forumUnarchived':
        case 'structureSet':
        case 'rulesSet':
        case 'priorityRevealed':
        case 'admissionSet':
        case 'displaySet':
        case 'resultsTopSet':
        case 'resultsPublished':
          effects.forum = true;
          break;
        case 'addressCapSet':
        case 'attendanceSet':
        case 'joiningPaused':
        case 'joiningResumed':
        case 'ticketsIssued':
        case 'ticketReleased':
        case 'hostInvited':
        case 'hostRevoked':
        case 'wordListSet':
        case 'paperDotsSet':
        case 'paperBallotsSet':
          break;
        case 'timerSet':
        case 'timerCleared':
          effects.forum = true;
          break;
        case 'ideasMerged': {
          const into = s.ideas.get(e.into);
          effects.ideas.add(e.into);
          const intoTitle = into?.title ?? '';
          if (into?.authorId) effects.me.add(into.authorId);
          for (const id of e.ideas) {
            effects.ideas.add(id);
            tellMergedInto(id);
            const author = authorOf(id);
            if (author) {
              effects.me.add(author);
              effects.notices.push({ participantId: author, notice: { code: 'IDEA_MERGED', params: { title: titleOf(id), into: intoTitle } } });
            }
          }
          const moved = new Map<string, number>();
          for (const m of e.moved) moved.set(m.participantId, (moved.get(m.participantId) ?? 0) + m.count);
          for (const [participantId, count] of moved) {
            effects.me.add(participantId);
            effects.notices.push({ participantId, notice: { code: 'DOTS_MOVED', params: { into: intoTitle, count } } });
          }
          const priority = into ? (s.structure.priorities.find((p) => p.code === into.priorityCode)?.title ?? '') : '';
          for (const r of e.refunded) {
            effects.me.add(r.participantId);
            effects.notices.push({ participantId: r.participantId, notice: { code: 'MERGE_REFUNDED', params: { into: intoTitle, priority, count: r.count } } });
          }
          break;
        }
        case 'mergeUndone': {
          const merge = s.merges.get(e.mergeId);
          if (!merge) break;
          effects.ideas.add(merge.into);
          const intoTitle = titleOf(merge.into);
          const told = new Set<string>();
          for (const id of merge.ideas) {
            effects.ideas.add(id);
            tellMergedInto(id);
            const author = authorOf(id);
            if (author) told.add(author);
          }
          for (const d of [...e.restored, ...e.reinstated]) told.add(d.participantId);
          // Dots the merge gave back that the voter's budget no longer has room for stay with them:
          // they are told so, rather than that everything is back where it was.
          const short = new Map<string, { ideaId: string; count: number }[]>();
          const put = new Map(e.reinstated.map((r) => [`${r.participantId}:${r.ideaId}`, r.count]));
          for (const r of merge.refunded) {
            const missing = r.count - (put.get(`${r.participantId}:${r.ideaId}`) ?? 0);
            if (missing <= 0 || s.participants.get(r.participantId)?.voided) continue;
            const list = short.get(r.participantId) ?? [];
            list.push({ ideaId: r.ideaId, count: missing });
            short.set(r.participantId, list);
          }
          for (const participantId of told) {
            if (short.has(participantId)) continue;
            effects.me.add(participantId);
            effects.notices.push({ participantId, notice: { code: 'MERGE_UNDONE', params: { into: intoTitle } } });
          }
          for (const [participantId, list] of short) {
            effects.me.add(participantId);
            for (const m of list) {
              effects.notices.push({
                participantId,
                notice: { code: 'MERGE_UNDONE_SHORT', params: { into: intoTitle, title: titleOf(m.ideaId), priority: priorityOf(m.ideaId), count: m.count } },
              });
            }
          }
          break;
        }
        case 'participantJoined':
        case 'ballotMoved':
          effects.me.add(e.participantId);
          break;
        case 'participantVoided':
        case 'participantsVoided': {
          const voiding = new Set(e.type === 'participantVoided' ? [e.participantId] : e.participantIds);
          /** The active ideas of those voided, in the order they are hidden: each one's holders are told of it in that order. */
          const hidden = new Map<string, number>();
          for (const participantId of voiding) {
            if (s.participants.get(participantId)?.voided) continue;
            effects.me.add(participantId);
            effects.notices.push({ participantId, notice: { code: 'VOIDED', params: { reason: e.reason } } });
            for (const idea of s.ideasByAuthor.get(participantId) ?? []) {
              if (idea.status !== 'active') continue;
              effects.ideas.add(idea.id);
              hidden.set(idea.id, hidden.size);
            }
          }
          if (hidden.size === 0) break;
          // Those who held dots on them, in one pass over the ballots: a pass an idea made a void of
          // 64 who wrote ideas look at 320,000 ballots on the largest forum (scripts/stalls.ts).
          // Those voided with them are told of their void, not of dots given back.
          for (const [owner, mine] of s.dots) {
            if (voiding.has(owner)) continue;
            let held: [number, string, number][] | null = null;
            for (const [ideaId, count] of mine) {
              const at = hidden.get(ideaId);
              if (at !== undefined) (held ??= []).push([at, ideaId, count]);
            }
            if (!held) continue;
            effects.me.add(owner);
            held.sort((a, b) => a[0] - b[0]);
            for (const [, ideaId, count] of held) effects.notices.push({ participantId: owner, notice: refund(ideaId, count) });
          }
          break;
        }
        case 'participantRenamed':
          effects.me.add(e.participantId);
          for (const idea of s.ideas.values()) if (idea.authorId === e.participantId) effects.ideas.add(idea.id);
          break;
        case 'ideaSubmitted':
          effects.ideas.add(e.ideaId);
          effects.me.add(e.authorId);
          break;
        case 'ideaImported':
          effects.ideas.add(e.ideaId);
          break;
        case 'ideaEdited':
        case 'ideaWithdrawn':
        case 'ideaHidden':
        case 'ideaRestored': {
          effects.ideas.add(e.ideaId);
          const author = authorOf(e.ideaId);
          if (author) effects.me.add(author);
          if (e.type === 'ideaRestored') {
            // Each voter whose dots went back at hiding learns what became of them: put back, or
            // still theirs to place (the moderator left them, or their budget has no room now).
            const put = new Map((e.reinstated ?? []).map((r) => [r.participantId, r.count]));
            for (const d of s.ideas.get(e.ideaId)?.hiddenDots ?? []) {
              if (s.participants.get(d.participantId)?.voided) continue;
              effects.me.add(d.participantId);
              const back = put.get(d.participantId) ?? 0;
              const params = { title: titleOf(e.ideaId), priority: priorityOf(e.ideaId) };
              if (back > 0) effects.notices.push({ participantId: d.participantId, notice: { code: 'DOTS_REINSTATED', params: { ...params, count: back } } });
              if (d.count > back) {
                const code = e.reinstated ? 'DOTS_NOT_REINSTATED' : 'DOTS_KEPT';
                effects.notices.push({ participantId: d.participantId, notice: { code, params: { ...params, count: d.count - back } } });
              }
            }
          }
          if (e.type === 'ideaHidden' || e.type === 'ideaWithdrawn') {
            for (const owner of dotOwnersOf(s, e.ideaId)) {
              effects.me.add(owner);
              const count = s.dots.get(owner)?.get(e.ideaId) ?? 0;
              if (e.type === 'ideaHidden') {
                effects.notices.push({ participantId: owner, notice: refund(e.ideaId, count) });
              }
            }
          }
          if (author && e.type !== 'ideaWithdrawn') {
            const params: ErrorParams = { title: e.type === 'ideaEdited' ? e.title : titleOf(e.ideaId) };
            if (e.type === 'ideaHidden') {
              params.reason = e.reason;
              effects.notices.push({ participantId: author, notice: { code: 'IDEA_HIDDEN', params } });
            } else if (e.type === 'ideaRestored') {
              effects.notices.push({ participantId: author, notice: { code: 'IDEA_RESTORED', params } });
            } else if (e.type === 'ideaEdited' && e.by === 'facilitator') {
              effects.notices.push({ participantId: author, notice: { code: 'IDEA_CORRECTED', params } });
            }
          }
          break;
        }
        case 'dotPlaced':
        case 'dotRemoved':
          effects.me.add(e.participantId);
          break;
        default:
          everyCaseHandled(e);
      }
    }
    return effects;
  }
}

export function emptyEffects(): Effects {
  return { forum: false, ideas: new Set(), me: new Set(), notices: [] };
}

export class Refusal extends Error {
  constructor(readonly error: RuleError) {
    super(error.code);
  }
}
