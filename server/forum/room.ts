// One live forum: its state in memory, the store beneath it, who is online, and which phone
// actions were already done. Every change goes through commit(): applied at once, stored with the
// others of its batch (one batch in flight at a time), and told to the listeners once stored.
// Transport-free, so it is driven the same way by sockets and tests.
//
// Beside the live state the room keeps a copy of the forum as saved (every committed batch applied
// to it): a batch the disk refuses is undone by taking that copy back, at the cost of a few field
// assignments, however long the log. Reading the whole log back instead held a forum of 315,000
// events up for 3 s at each failed write. The copy given away is then made again from the live
// state, which takes no action meanwhile, a few hundred records per turn of the event loop; only
// what the store holds after the last event the room knew is read. The forum refuses actions
// until the copy is there.

import { createHash, randomBytes } from 'node:crypto';
import { everyCaseHandled } from '../../shared/exhaustive.js';
import type { RuleError, ErrorParams } from '../../shared/forum/errors.js';
import { applyEvent, applyEventInSteps, dotOwnersOf, emptyState, mergeHeld, type HeldDots } from '../../shared/forum/state.js';
import { copyStateInParts } from '../../shared/forum/stateCopy.js';
import type { ForumEvent, ForumState, Phase } from '../../shared/forum/types.js';
import type { ForumRecord, ForumSecrets, ForumStore, LoadedForum, NewForum, ServerLogEntry } from '../db/store.js';
import { StorageConflict, StorageUnavailable } from '../errors.js';
import { StorageHealth } from './storage.js';
import { ActionKeys } from './actionKeys.js';
import { DoneActions, type DoneAction } from './doneActions.js';
import { Turns } from '../forums/turns.js';
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
  /** A participant who came online or went offline (presence is kept outside the event log). */
  online?: string;
  /** Set by a change outside the log known to touch no participant's row (the duplicate finder's groups). */
  rowsKept?: true;
}

export type ChangeListener = (effects: Effects) => void;

/** Whom a commit's events concern, worked out a turn ahead (ForumRoom.prepare), and the forum's version then. */
export interface Prepared {
  effects: Effects;
  version: number;
}

/** An action applied in memory and waiting for its batch to reach the disk. */
interface PendingAction {
  events: readonly ForumEvent[];
  actionKey: string | null;
  /** Its events' JSON, made a turn before its batch is written when one of them is large (flush). */
  payloads?: string[];
  effects: Effects;
  waiters: ((failure: unknown) => void)[];
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

/**
 * Why actions are refused while the forum catches up after a failed batch. Another writer's batch
 * that came first is, to a phone, a store too busy to take its action: it may try again at once.
 */
const asStorageFailure = (failure: unknown): StorageUnavailable =>
  failure instanceof StorageUnavailable
    ? failure
    : new StorageUnavailable(failure instanceof StorageConflict ? 'busy' : 'io', String((failure as Error)?.message ?? failure));

/** Why an action is refused while the forum's lease is asked for again (leaseSuspended). */
const LEASE_SUSPENDED = 'PostgreSQL: the forum’s lock went with its connection and is being taken back';
/** How many stored events the saved copy is rebuilt from per page, and how long one turn may read or copy. */
const CATCH_UP_PAGE = 500;
const CATCH_UP_TURN_MS = 8;
/** How long one turn of the event loop may spend bringing the saved copy up to date (takeSaved). */
const SAVED_TURN_MS = 8;
/** How long one turn may apply a merge or a void of many to the live state (commitInSteps). */
const LIVE_TURN_MS = 8;
/**
 * A merge or a void of many is applied to the saved copy this many ballots at a time, the time
 * looked at between: a merge of 41 ideas applied whole took 20 to 35 ms of one turn on the largest
 * forum (scripts/stalls.ts), its code not yet compiled the first time.
 */
const SAVED_BALLOTS_PER_STEP = 500;
/** A page that could not be read (an I/O error) is tried again after this long, doubled each time up to the most. */
const CATCH_UP_RETRY_MS = 100;
const CATCH_UP_RETRY_MAX_MS = 1_000;

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
    case 'cityBallotCast':
      return { command: event.ballot ? 'city:cast' : 'city:withdraw', target: null, ideaId: null };
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
    case 'cityVoteSet':
    case 'identitySet':
    case 'voterCodesIssued':
    case 'eligibleListed':
    case 'deviceLinked':
    case 'personsAnonymised':
      return null;
    default:
      everyCaseHandled(event);
      return null;
  }
}

/**
 * An event naming more dots or participants than this (a merge of 41 ideas on the largest forum
 * moves or gives back 15,000 dots: 1.7 MB of JSON) is serialized in a turn of the event loop of its
 * own, and its batch written in the next: made in the turn that writes it, with SQLite's insert and
 * sync, the listeners told and the acks, that turn took 20 to 30 ms of CPU (scripts/stalls.ts).
 */
const SERIALIZED_AHEAD_ABOVE = 2000;
const serializedAhead = (event: ForumEvent): boolean =>
  event.type === 'ideasMerged'
    ? event.moved.length + event.refunded.length > SERIALIZED_AHEAD_ABOVE
    : event.type === 'participantsVoided' && event.participantIds.length > SERIALIZED_AHEAD_ABOVE;

/** Under load, a batch waits this many times as long as the last write took, gathering more actions (see commit)... */
const GATHER_SHARE = 3;
/** ...but never longer than this. */
const MAX_GATHER_MS = 15;

/** The seq of a loaded forum's last stored row, a row that is not an event included. */
const lastSeqOf = (loaded: LoadedForum): number =>
  Math.max(loaded.snapshot?.seq ?? 0, loaded.events.at(-1)?.seq ?? 0, ...(loaded.unreadable ?? []).map((u) => u.seq));

/** A forum opened from a snapshot: its state twice (live and saved, no object shared), and what its snapshot's actions did. */
export interface SnapshotStart {
  /** The live state as of the snapshot's seq; ignored when the forum comes already replayed. */
  state: ForumState;
  saved: ForumState;
  keysBefore: readonly string[];
  doneBefore: readonly { event: ForumEvent; actionKey: string | null }[];
}

/** How a room keeps snapshots of its saved state (Forums.open gives it; none in a read-only start). */
export interface SnapshotPolicy {
  /** A snapshot every this many stored events. */
  every: number;
  /** A snapshot stored, as of the forum's event `seq`; `ms` from asking for it to its being stored. */
  onSaved?: (forumId: string, seq: number, ms: number) => void;
  onFailed?: (forumId: string, seq: number, err: unknown) => void;
}

export class ForumRoom {
  /** The forum as it stands, every action taken applied (state, below). */
  private readonly live: ForumState;
  /**
   * A merge or a void of many being applied to the live state a few hundred ballots a step
   * (commitInSteps), and what is done once it is whole: until then the live state is half changed.
   */
  private applying: { action: PendingAction; steps: Generator<void, void, void>; whole: () => void } | null = null;
  readonly record: ForumRecord;
  /** What the actions saved lately did, by participant and action id (a test moves its clock on). */
  readonly doneActions = new DoneActions();
  /** Every saved action id, the ones forgotten above included. */
  private usedKeys = new ActionKeys();
  /** Action ids taken by actions not yet saved, and what they did: dropped if their batch fails. */
  private readonly pendingKeys = new Map<string, DoneAction | null>();
  /**
   * The forum as saved: the live state without the actions not yet stored. Null while it is made
   * again after a failed batch took it back (catchUp), when the forum takes no action.
   */
  private saved: ForumState | null = null;
  /**
   * Stored events not yet in the saved copy, oldest first: taken in the turns after their batch
   * (takeSaved), so that the turn that answers a batch does not apply it a second time. A merge on
   * the largest forum (15,000 dot moves in one event) spent 40 ms there, copied and applied again.
   * Whatever reads the copy takes the rest first.
   */
  private savedBehind: ForumEvent[] = [];
  /** The event being applied to the saved copy a few ballots at a time (takeSaved), already out of savedBehind. */
  private savedSteps: Generator<void, void, void> | null = null;
  /**
   * For a void of many, the dots on the ideas it hides (state.ts HeldDots): found by its handler
   * before it is taken, in turns, or else while working out whom to tell (effectsOf). Whom to
   * tell, applying it, and applying it again to the saved copy touch those dots only.
   */
  private readonly heldOf = new WeakMap<ForumEvent, HeldDots>();
  private savedTurn: NodeJS.Immediate | null = null;
  /** The seq of the forum's last stored event: where the next batch goes (appendBatch's afterSeq). */
  private lastSeq: number;
  /** The seq of the last event in the saved copy: a batch the copy already read from the store is not applied twice. */
  private savedSeq = 0;
  /** Set by a failed batch until the forum has caught up with the store: actions are refused meanwhile. */
  private undone: StorageUnavailable | null = null;
  private catchingUp: { cancel(): void } | null = null;
  /** How many times the forum began catching up: each run knows whether it is still the latest. */
  private catchUps = 0;
  private closed = false;
  /** Set once another process owns the forum (its lease was taken): no change is taken from then on. */
  private elsewhere = false;
  private snapshots: SnapshotPolicy | null = null;
  /** The seq of the forum's latest snapshot, stored or being taken. */
  private snapshotSeq = 0;
  private snapshotting: Promise<void> | null = null;
  private readonly online = new Map<string, number>();
  private readonly listeners = new Set<ChangeListener>();

  private constructor(
    private readonly store: ForumStore,
    record: ForumRecord,
    lastSeq: number,
    /** Whether writes are getting through; one for the whole store, shared by its forums. */
    readonly storage: StorageHealth,
    /** The forum already replayed from its events (by the start-up check): taken as it is. */
    replayed?: ForumState,
    /** Opened from a snapshot, the events replayed being those after it; or imported, with none after. */
    from?: SnapshotStart,
  ) {
    this.record = record;
    this.lastSeq = lastSeq;
    this.live = replayed ?? from?.state ?? emptyState();
    this.saved = from?.saved ?? emptyState();
    this.savedSeq = lastSeq;
  }

  /**
   * The events replayed onto the room just made (none of its own yet), and the actions the
   * snapshot's events and they did remembered for resends, a pass of the event loop whenever a
   * turn has had its time: a city vote's 400,000 events once held it for seconds. The saved copy
   * is replayed beside the live state from the same events, which nobody else holds: applyEvent
   * never changes what it takes from an event, it only replaces it. A forum the start-up check
   * already replayed (through the rules) is taken as it is.
   */
  private async replay(events: readonly { event: ForumEvent; actionKey: string | null }[], replayed: boolean, from: SnapshotStart | undefined, turns: Turns): Promise<void> {
    const saved = this.saved!;
    if (from) {
      for (let i = 0; i < from.keysBefore.length; i++) {
        this.usedKeys.add(from.keysBefore[i]);
        if (i % 1024 === 0 && turns.due()) await turns.pass();
      }
      for (const { event, actionKey } of from.doneBefore) {
        if (actionKey) this.remember(actionKey, event);
        if (turns.due()) await turns.pass();
      }
    }
    for (const { event, actionKey } of events) {
      if (!replayed) applyEvent(this.state, event);
      applyEvent(saved, event);
      if (actionKey) this.remember(actionKey, event);
      if (turns.due()) await turns.pass();
    }
  }

  /**
   * A stored forum, replayed (or taken as the start-up check replayed it). One from before
   * admission modes gets its hall secret and projector key here, once.
   */
  static async load(store: ForumStore, loaded: LoadedForum, storage: StorageHealth, replayed?: ForumState, from?: SnapshotStart, turns = new Turns()): Promise<ForumRoom> {
    const room = new ForumRoom(store, loaded.forum, lastSeqOf(loaded), storage, replayed, from);
    await room.replay(loaded.events, replayed !== undefined, from, turns);
    const missing: Partial<ForumSecrets> = {};
    if (!room.record.joinSecret) missing.joinSecret = newSecret();
    if (!room.record.screenKey) missing.screenKey = newSecret();
    await room.updateSecrets(missing);
    return room;
  }

  /** Stores a new forum with its first events (forumCreated first), given its address by the store, and opens it. */
  static async create(store: ForumStore, forum: NewForum, events: ForumEvent[], entry: ServerLogEntry, storage: StorageHealth): Promise<ForumRoom> {
    storage.guard();
    let record: ForumRecord;
    try {
      record = await store.createForum(forum, events, entry);
    } catch (err) {
      if (err instanceof StorageUnavailable) storage.failed(err);
      throw err;
    }
    storage.succeeded();
    const room = new ForumRoom(store, record, events.length, storage);
    // A new forum's few events, at once.
    for (const event of events) {
      applyEvent(room.state, event);
      applyEvent(room.saved!, event);
    }
    return room;
  }

  /**
   * A forum moved here from a file, already stored (Forums.importForum), `stored` events of it,
   * replayed twice: its live state and its saved copy, sharing no object.
   */
  static imported(store: ForumStore, record: ForumRecord, state: ForumState, saved: ForumState, stored: number, storage: StorageHealth): ForumRoom {
    return new ForumRoom(store, record, stored, storage, undefined, { state, saved, keysBefore: [], doneBefore: [] });
  }

  /**
   * The forum as it stands, every action taken applied, stored or not: what commands are decided
   * on. A change being applied in steps (commitInSteps) is first made whole, in the reader's turn:
   * nothing reads the live state half changed. What the hall is shown reads the saved copy
   * meanwhile (shown), and commands wait (hold), so that this is seldom asked for before it is whole.
   */
  get state(): ForumState {
    if (this.applying) this.applyWhole();
    return this.live;
  }

  /**
   * The per-address cap and the way people prove who they are, read without making a change applied
   * in steps whole first: a merge or a void of many changes neither, and every phone command reads
   * them before it waits for the forum's order (dispatch.ts, admission.ts maxPerAddress).
   */
  get admissionSettings(): { readonly maxPerAddress: number | null; readonly identity: ForumState['persons']['method'] } {
    return { maxPerAddress: this.live.maxPerAddress, identity: this.live.persons.method };
  }

  onChange(listener: ChangeListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * Takes an action's events: applied to the forum at once, so the next action is decided against
   * them, and stored with every other action taken meanwhile in one batch (group commit: one sync
   * for the whole batch). One batch is written at a time: what comes while it is written forms the
   * next. Nobody hears of them before they are stored: the listeners are told, and whenDurable's
   * callbacks run, only after their batch is committed. If a batch cannot be stored, the forum
   * goes back to what is stored, and every action in it, and every action taken on top of it, is
   * refused. Throws at once, applying nothing, while the storage is known to be down.
   */
  commit(events: readonly ForumEvent[], actionKey: string | null = null, held?: HeldDots, prepared?: Prepared): Effects {
    // A change still being applied in steps comes first: this one is decided, and taken, after it.
    this.applyWhole();
    this.holdDots(events, held);
    const effects = prepared?.version === this.version ? prepared.effects : this.effectsOf(events);
    if (events.length === 0) return effects;
    if (this.elsewhere) throw new Refusal({ code: 'FORUM_ELSEWHERE' });
    if (this.leaseSuspended()) throw new StorageUnavailable('io', LEASE_SUSPENDED);
    this.storage.guard();
    if (this.undone) throw this.undone;
    for (const event of events) applyEvent(this.live, event, this.heldOf.get(event));
    this.version++;
    if (actionKey) this.pendingKeys.set(actionKey, actionOf(events[0]));
    this.pending.push({ events, actionKey, effects, waiters: [] });
    this.scheduleWrite();
    return effects;
  }

  /**
   * commit, for a merge or a void of many: applied to the live state `liveBallotsPerStep` ballots a
   * step, for at most `liveTurnMs` a turn of the event loop, and handed to the store once whole
   * (resolving then with whom it tells). Applied in one turn, a void of the 64 who wrote ideas on
   * the largest forum took 14 to 17 ms of CPU there (scripts/stalls.ts, profiled). Meanwhile the
   * forum's order is held by the command (dispatch.ts), what the hall is shown is the saved copy
   * (shown), and anything else that reads the live state or commits makes the change whole first
   * (state, commit): the forum is never read half changed, and the change comes before anything
   * taken after it. Throws at once, applying nothing, as commit does.
   */
  commitInSteps(events: readonly ForumEvent[], actionKey: string | null, held: HeldDots | undefined, prepared: Prepared | undefined): Promise<Effects> {
    this.applyWhole();
    this.holdDots(events, held);
    const effects = prepared?.version === this.version ? prepared.effects : this.effectsOf(events);
    if (events.length === 0) return Promise.resolve(effects);
    if (this.elsewhere) throw new Refusal({ code: 'FORUM_ELSEWHERE' });
    if (this.leaseSuspended()) throw new StorageUnavailable('io', LEASE_SUSPENDED);
    this.storage.guard();
    if (this.undone) throw this.undone;
    this.version++;
    if (actionKey) this.pendingKeys.set(actionKey, actionOf(events[0]));
    const live = this.live;
    const heldOf = this.heldOf;
    const perStep = this.liveBallotsPerStep;
    const steps = (function* () {
      for (const event of events) yield* applyEventInSteps(live, event, heldOf.get(event), perStep);
    })();
    // Already the last action taken: what waits for the store (whenDurable, afterFlush) waits for it too.
    const action: PendingAction = { events, actionKey, effects, waiters: [] };
    return new Promise((resolve) => {
      const applying = {
        action,
        steps,
        whole: () => {
          this.pending.push(action);
          this.scheduleWrite();
          resolve(effects);
        },
      };
      this.applying = applying;
      const turn = () => {
        if (this.applying !== applying) return;
        const start = performance.now();
        for (;;) {
          if (steps.next().done) return this.applyWhole();
          if (performance.now() - start > this.liveTurnMs) return void setImmediate(turn);
        }
      };
      setImmediate(turn);
    });
  }

  /** Makes a change being applied in steps (commitInSteps) whole, now, and hands it to the store. */
  private applyWhole(): void {
    const applying = this.applying;
    if (!applying) return;
    this.applying = null;
    while (!applying.steps.next().done);
    applying.whole();
  }

  /**
   * Whom `events` concern, worked out now for their commit in a later turn of the event loop
   * (taken there only if the forum has not changed meanwhile): a large merge or void of many spends
   * one turn on whom to tell (10,000 notices on the largest forum) and the next on the change.
   */
  prepare(events: readonly ForumEvent[], held?: HeldDots): Prepared {
    this.holdDots(events, held);
    return { effects: this.effectsOf(events), version: this.version };
  }

  /**
   * prepare, a few hundred ballots told a step (effectsInSteps), for a step a turn of the event loop.
   * The version is the forum's when it began: changed meanwhile, commit works whom to tell out again.
   */
  *prepareInSteps(events: readonly ForumEvent[], held: HeldDots | undefined, perStep: number): Generator<void, Prepared, void> {
    this.holdDots(events, held);
    const version = this.version;
    const effects = yield* this.effectsInSteps(events, perStep);
    return { effects, version };
  }

  /**
   * The dots a void of many gives back, as its handler found them, and those a merge takes off
   * (mergeHeld), made once for the live state and the saved copy: for the first event only.
   */
  private holdDots(events: readonly ForumEvent[], held?: HeldDots): void {
    const first = events[0];
    if (first?.type === 'participantsVoided' && held) this.heldOf.set(first, held);
    if (first?.type === 'ideasMerged' && !this.heldOf.has(first)) this.heldOf.set(first, held ?? mergeHeld(first));
  }

  /**
   * Under load, the next batch waits three times as long as the last write took, gathering what
   * arrives meanwhile: the sync to disk, during which nothing else runs, then takes at most a
   * quarter of the time, however fast actions come (at half, a storm of 5,000 phones coming back
   * spent 18 % of its time writing). An action after a quiet spell is written at once.
   */
  private scheduleWrite(): void {
    if (this.flushing || this.writing || this.pending.length === 0 || this.closed) return;
    const wait = this.lastWrite.end + Math.min(GATHER_SHARE * this.lastWrite.took, MAX_GATHER_MS) - performance.now();
    if (wait > 0.5) {
      const timer = setTimeout(() => this.flush(), wait);
      this.flushing = { cancel: () => clearTimeout(timer) };
    } else {
      const immediate = setImmediate(() => this.flush());
      this.flushing = { cancel: () => clearImmediate(immediate) };
    }
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

  /** How long a turn of the event loop may bring the saved copy up to date, and in steps of how many ballots (a test makes them small). */
  savedTurnMs = SAVED_TURN_MS;
  savedBallotsPerStep = SAVED_BALLOTS_PER_STEP;
  /** The same for a merge or a void of many applied to the live state (commitInSteps). */
  liveTurnMs = LIVE_TURN_MS;
  liveBallotsPerStep = SAVED_BALLOTS_PER_STEP;

  /** Goes up whenever the forum's state changes: what is worked out from the state can be kept until it does. */
  version = 0;

  /** Goes up whenever the saved forum changes (savedState). */
  savedVersion = 0;

  /**
   * The forum as it is stored, for what is read rather than acted on (exports, the public page):
   * without the actions not yet stored, which may yet be refused. Read-only. While the copy is made
   * again after a failed batch, the live state, which is then the forum as stored.
   */
  get savedState(): ForumState {
    // While a change is applied to the live state in steps, the saved copy stands as it was before it.
    if (this.pending.length === 0 && !this.writing && !this.applying) return this.live;
    this.takeSaved(Infinity);
    return this.saved ?? this.state;
  }

  /**
   * What every view shows (phones, projectors, consoles, the wall of ideas): the forum as saved,
   * and a version that goes up whenever it changes, for what is worked out from it once per
   * version (views.ts keeps such work by state and version). Not the live state: under load the
   * batch being gathered is applied to it, and may yet be refused; a merge or a void of many is
   * applied to it in steps (commitInSteps), half done until the last.
   */
  get shown(): { state: ForumState; version: number } {
    const state = this.savedState;
    return { state, version: state === this.live ? this.version : this.savedVersion };
  }

  /**
   * Applies stored events waiting for the saved copy, for at most `ms` (one step at least: a merge
   * or a void of many goes SAVED_BALLOTS_PER_STEP ballots a step, any other event whole), then
   * leaves the rest to the next turn of the event loop. Each is copied: the handler that made it
   * may still hold it.
   */
  private takeSaved(ms: number): void {
    const start = performance.now();
    let taken = 0;
    while (this.saved && (this.savedSteps || taken < this.savedBehind.length)) {
      if (!this.savedSteps) {
        const event = this.savedBehind[taken++];
        // The saved copy stood where the live state stood when the event was taken: the same dots.
        this.savedSteps = applyEventInSteps(this.saved, copyForSaved(event), this.heldOf.get(event), this.savedBallotsPerStep);
      }
      if (this.savedSteps.next().done) this.savedSteps = null;
      if (performance.now() - start > ms) break;
    }
    this.savedBehind.splice(0, taken);
    if (!this.saved) {
      this.savedBehind = [];
      this.savedSteps = null;
    }
    if (this.savedTurn) clearImmediate(this.savedTurn);
    this.savedTurn = (this.savedBehind.length > 0 || this.savedSteps) && !this.closed ? setImmediate(() => this.takeSaved(this.savedTurnMs)) : null;
  }

  /** Called after each batch is stored and its changes told, before its acks go out. */
  onFlushed(listener: () => void): () => void {
    this.flushedListeners.add(listener);
    return () => this.flushedListeners.delete(listener);
  }

  /** Actions applied but not yet handed to the store, in order: the next batch. */
  private pending: PendingAction[] = [];
  /** The batch being written, if any: one at a time. */
  private writing: PendingAction[] | null = null;
  /** The write to come, a timer or the next turn of the event loop. */
  private flushing: { cancel(): void } | null = null;
  /** When the last batch was written, and how long writing it took (ms, performance.now()). */
  private lastWrite = { end: -Infinity, took: 0 };

  /** The last action taken, stored or not yet (one still being applied in steps first): its batch is the last to be written. */
  private lastAction(): PendingAction | undefined {
    return this.applying?.action ?? this.pending.at(-1) ?? this.writing?.at(-1);
  }

  /**
   * Calls `done` once every action taken so far is stored (null), or with why the last of them
   * was not (a StorageUnavailable). At once when nothing is waiting.
   */
  whenDurable(done: (failure: unknown) => void): void {
    const last = this.lastAction();
    if (!last) return done(null);
    last.waiters.push(done);
  }

  /**
   * Resolves once every action taken so far is stored (null) or refused (why): what is sent from
   * the forum's state waits for it, and never makes a write happen sooner.
   */
  durable(): Promise<unknown> {
    return new Promise((resolve) => this.whenDurable(resolve));
  }

  /** How many actions wait for the store: a handler that added none has nothing of its own to store. */
  get pendingCount(): number {
    return this.pending.length + (this.writing?.length ?? 0) + (this.applying ? 1 : 0);
  }

  /**
   * For an answer that stored nothing itself: it still goes out only after what it may have seen
   * is stored, but another action's failure is not its own.
   */
  afterFlush(done: () => void): void {
    const last = this.lastAction();
    if (!last) return done();
    last.waiters.push(() => done());
  }

  /**
   * Hands the actions gathered so far to the store as one batch, unless a batch is being written;
   * one holding a large event (serializedAhead) a turn later, its JSON made in this one.
   */
  private flush(): void {
    this.flushing?.cancel();
    this.flushing = null;
    if (this.writing || this.pending.length === 0) return;
    const batch = this.pending;
    this.pending = [];
    this.writing = batch;
    const large = batch.filter((action) => action.events.some(serializedAhead));
    if (large.length === 0) return void this.writeBatch(batch);
    for (const action of large) action.payloads = action.events.map((event) => JSON.stringify(event));
    setImmediate(() => void this.writeBatch(batch));
  }

  private async writeBatch(batch: PendingAction[]): Promise<void> {
    const start = performance.now();
    let failure: unknown = null;
    try {
      this.storage.guard();
      this.lastSeq = await this.store.appendBatch(this.record.id, this.lastSeq, batch);
    } catch (err) {
      failure = err;
    }
    // A commit that may or may not have happened: the store says which, when it can be read.
    if (failure instanceof StorageUnavailable && failure.outcome === 'unknown') failure = await this.readBack(batch, failure);
    const end = performance.now();
    this.lastWrite = { end, took: end - start };
    if (failure === null) {
      // A batch with a large event (serializedAhead) is told and answered in the turn after SQLite's
      // insert and sync of its megabytes: the batch is stored, and the next waits until it is told.
      if (batch.some((action) => action.payloads)) await new Promise((resolve) => setImmediate(resolve));
      this.storage.succeeded();
      this.writing = null;
      this.saveBatch(batch, this.savedSeq < this.lastSeq);
      this.savedSeq = this.lastSeq;
      this.snapshotIfDue();
      for (const action of batch) this.emit(action.effects);
      // What the batch changed goes out before its acks, as it did when each action was written alone.
      for (const listener of this.flushedListeners) listener();
      for (const action of batch) for (const done of action.waiters) done(null);
      this.scheduleWrite();
      return;
    }
    if (failure instanceof StorageUnavailable) this.storage.failed(failure);
    // What was applied but not stored must not stay: the batch, and every action decided on top of
    // it, a change still being applied in steps included (made whole, it is among those on top).
    this.applyWhole();
    const onTop = this.pending;
    const refused = [...batch, ...onTop];
    this.pending = [];
    this.flushing?.cancel();
    this.flushing = null;
    this.writing = null;
    const why = asStorageFailure(failure);
    // Only the batch's own actions may be in the store (a commit of unknown outcome not settled by
    // reading it back): those on top of it never reached the store, nor does any action refused
    // until the forum has caught up. Their senders are told it is not saved; the batch's, that
    // nobody knows yet.
    const notStored = why.outcome === 'unknown' ? new StorageUnavailable(why.reason, why.detail) : why;
    this.undone = notStored;
    this.undo(refused);
    this.emit(undoneEffects(refused));
    for (const listener of this.flushedListeners) listener();
    for (const action of batch) for (const done of action.waiters) done(why);
    for (const action of onTop) for (const done of action.waiters) done(notStored);
    this.catchUp();
  }

  /**
   * After a commit of unknown outcome: the batch is stored if the store holds it after the last
   * seq the room knew (null), not if it holds nothing there (the failure). Anything else (the
   * store cannot be read, or holds something else) stays a failure: catching up takes what it holds.
   */
  private async readBack(batch: readonly PendingAction[], failure: StorageUnavailable): Promise<unknown> {
    const count = batch.reduce((n, a) => n + a.events.length, 0);
    try {
      const stored = await this.store.loadEventsAfter(this.record.id, this.lastSeq, count + 1);
      if (stored.length === 0) return new StorageUnavailable(failure.reason, failure.detail);
      const written = batch.flatMap((a) => a.events.map((event, i) => ({ event, actionKey: i === 0 ? a.actionKey : null })));
      const same =
        stored.length === count &&
        stored.every((e, i) => e.actionKey === written[i].actionKey && JSON.stringify(e.event) === JSON.stringify(written[i].event));
      if (!same) return failure;
      this.lastSeq = stored[count - 1].seq;
      return null;
    } catch {
      return failure;
    }
  }

  /** A stored batch: its events queued for the saved copy (takeSaved), its ids into the saved ones. */
  private saveBatch(batch: readonly PendingAction[], intoCopy: boolean): void {
    for (const { events, actionKey } of batch) {
      if (this.saved && intoCopy) this.savedBehind.push(...events);
      if (actionKey) {
        this.pendingKeys.delete(actionKey);
        this.remember(actionKey, events[0]);
      }
    }
    this.savedVersion++;
    this.savedTurn ??= this.savedBehind.length > 0 ? setImmediate(() => this.takeSaved(this.savedTurnMs)) : null;
  }

  /**
   * Refused actions: the live state becomes the saved copy (its fields taken over, so every
   * holder of `state` sees it), their ids are forgotten, and actions wait, refused with the
   * batch's failure, until the forum has caught up with the store (catchUp).
   */
  private undo(refused: readonly PendingAction[]): void {
    this.version++;
    this.takeSaved(Infinity);
    const saved = this.saved!;
    this.saved = null;
    for (const key of Object.keys(this.state) as (keyof ForumState)[]) delete this.state[key];
    Object.assign(this.state, saved);
    for (const { actionKey } of refused) if (actionKey) this.pendingKeys.delete(actionKey);
  }

  /**
   * After a refused batch, makes the saved copy again from the live state, which is the forum as
   * stored up to the last seq the room knew and takes no action meanwhile, a few hundred records
   * per turn of the event loop, so the hall is answered. Then only what the store holds after that
   * seq is read, a page at a time: a commit of unknown outcome that happened, another writer's
   * batch; it is applied to the live state too, and told. Actions are refused until the copy is
   * taken up, in the turn that reads the log's end.
   */
  private catchUp(): void {
    this.catchingUp?.cancel();
    const run = ++this.catchUps;
    let copy = emptyState();
    let after = this.lastSeq;
    let copying: Generator<void, ForumState, void> | null = copyStateInParts(this.state);
    const missed = emptyEffects();
    let reading = false;
    let retry = CATCH_UP_RETRY_MS;
    const later = () => {
      const next = setImmediate(() => void turn());
      this.catchingUp = { cancel: () => clearImmediate(next) };
    };
    const turn = async () => {
      this.catchingUp = null;
      if (this.closed || reading || run !== this.catchUps) return;
      const start = performance.now();
      while (copying) {
        const step = copying.next();
        if (step.done) {
          copy = step.value;
          copying = null;
        } else if (performance.now() - start > CATCH_UP_TURN_MS) {
          return later();
        }
      }
      reading = true;
      try {
        for (;;) {
          const page = await this.store.loadEventsAfter(this.record.id, after, CATCH_UP_PAGE);
          if (this.closed || run !== this.catchUps) return;
          for (const { seq, event, actionKey } of page) {
            applyEvent(copy, event);
            after = seq;
            // Stored beyond what the room knew: the live state, which holds no pending action now, takes it too.
            mergeEffects(missed, this.effectsOf([event]));
            applyEvent(this.state, structuredClone(event));
            if (actionKey) this.remember(actionKey, event);
          }
          if (page.length < CATCH_UP_PAGE) break;
          if (performance.now() - start > CATCH_UP_TURN_MS) return later();
        }
      } catch {
        const timer = setTimeout(() => void turn(), retry);
        retry = Math.min(retry * 2, CATCH_UP_RETRY_MAX_MS);
        this.catchingUp = { cancel: () => clearTimeout(timer) };
        return;
      } finally {
        reading = false;
      }
      // The copy read the store to its end: every stored event waiting for the old copy is in it.
      this.savedBehind = [];
      this.savedSteps = null;
      this.saved = copy;
      this.savedSeq = after;
      this.lastSeq = after;
      this.undone = null;
      if (missed.forum || missed.ideas.size > 0 || missed.me.size > 0) {
        this.version++;
        this.savedVersion++;
        this.emit(missed);
      }
    };
    const first = setImmediate(() => void turn());
    this.catchingUp = { cancel: () => clearImmediate(first) };
  }

  /** Changes the forum's secrets, durably, then in memory. */
  async updateSecrets(secrets: Partial<ForumSecrets>): Promise<void> {
    if (Object.keys(secrets).length === 0) return;
    this.storage.guard();
    try {
      await this.store.updateSecrets(this.record.id, secrets);
    } catch (err) {
      if (err instanceof StorageUnavailable) this.storage.failed(err);
      throw err;
    }
    this.storage.succeeded();
    Object.assign(this.record, secrets);
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
    if (n === 0 && !pending) this.emit({ ...emptyEffects(), online: participantId });
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
        this.emit({ ...emptyEffects(), online: participantId });
      }, this.presenceGraceMs),
    );
  }

  /**
   * Tells the listeners that something outside the event log changed (the storage's health).
   * `rowsKept`: nothing of any participant's console row (the duplicate finder's groups): a console
   * of 5,000 rows that took it for a change of every row built them all again in one turn.
   */
  changed(rowsKept = false): void {
    this.emit(rowsKept ? { ...emptyEffects(), rowsKept: true } : emptyEffects());
  }

  /** Stores what is pending, then stops the presence timers (when the server closes). */
  /**
   * Keeps a snapshot of the forum as stored every `policy.every` events from `latest` (the seq of
   * its newest snapshot, 0 for none): a forum that opens later reads it and the events after it.
   */
  keepSnapshots(policy: SnapshotPolicy, latest: number): void {
    this.snapshots = policy;
    this.snapshotSeq = latest;
    this.snapshotIfDue();
  }

  /**
   * The store builds the snapshot from what it holds up to the last stored event (a worker thread
   * for SQLite): the hall is answered meanwhile; only the body's write is the event loop's. One at
   * a time; a failed one is tried again an interval later, the log holding everything meanwhile.
   */
  private snapshotIfDue(): void {
    const policy = this.snapshots;
    if (!policy || this.snapshotting || this.closed || this.undone) return;
    const seq = this.lastSeq;
    if (seq - this.snapshotSeq < policy.every) return;
    this.snapshotSeq = seq;
    const start = performance.now();
    this.snapshotting = (async () => {
      try {
        const body = await this.store.snapshotBody(this.record.id, seq);
        if (this.closed) return;
        await this.store.saveSnapshot(this.record.id, seq, body);
        policy.onSaved?.(this.record.id, seq, performance.now() - start);
      } catch (err) {
        policy.onFailed?.(this.record.id, seq, err);
      } finally {
        this.snapshotting = null;
      }
    })();
  }

  /** Resolves once no snapshot is being taken (tests wait for one). */
  async snapshotTaken(): Promise<void> {
    await this.snapshotting;
  }

  /**
   * The forum's lease went to another process: every change from now on is refused. What was
   * taken before is still written (its appendBatch's afterSeq, and with a lease row its fencing
   * token, keeps it from overwriting the new owner's events).
   */
  ownerLost(): void {
    this.elsewhere = true;
  }

  /**
   * Whether the forum's lease went with its connection and is not yet back: another process may
   * hold it meanwhile, so nothing is decided here (the registry sets it from its lease).
   */
  leaseSuspended: () => boolean = () => false;

  /** The seq of the forum's last stored event. */
  get storedSeq(): number {
    return this.lastSeq;
  }

  get servedElsewhere(): boolean {
    return this.elsewhere;
  }

  async close(): Promise<void> {
    this.applyWhole();
    this.flush();
    await this.durable();
    this.takeSaved(Infinity);
    this.closed = true;
    // A worker still reading the file is let finish: its body is dropped, the file left as it was.
    await this.snapshotting;
    this.flushing?.cancel();
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
    const steps = this.effectsInSteps(events, Infinity);
    for (;;) {
      const step = steps.next();
      if (step.done) return step.value;
    }
  }

  /**
   * effectsOf, yielding after every `perStep` ballots told of a merge or of a void of many: on the
   * largest forum a void of the 64 who wrote ideas tells nearly all 5,000 ballots of 22,680 dots
   * given back, 23 to 31 ms of CPU in one turn (scripts/stalls.ts, profiled at load average 5 to 9).
   */
  private *effectsInSteps(events: readonly ForumEvent[], perStep: number): Generator<void, Effects, void> {
    let ballotsTold = 0;
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
    // Each idea's words looked up once: on the largest forum a void of 64 who wrote ideas tells
    // nearly every one of 5,000 ballots of the dots it gives back, a look through the priorities each.
    const named = new Map<string, { title: string; priority: string }>();
    const refund = (ideaId: string, count: number): Omit<Notice, 'message'> => {
      let words = named.get(ideaId);
      if (!words) named.set(ideaId, (words = { title: titleOf(ideaId), priority: priorityOf(ideaId) }));
      return { code: 'DOTS_REFUNDED', params: { title: words.title, priority: words.priority, count } };
    };
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
            if (++ballotsTold % perStep === 0) yield;
            effects.me.add(participantId);
            effects.notices.push({ participantId, notice: { code: 'DOTS_MOVED', params: { into: intoTitle, count } } });
          }
          const priority = into ? (s.structure.priorities.find((p) => p.code === into.priorityCode)?.title ?? '') : '';
          for (const r of e.refunded) {
            if (++ballotsTold % perStep === 0) yield;
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
        case 'deviceLinked':
          effects.me.add(e.participantId);
          break;
        case 'identitySet':
          effects.forum = true;
          break;
        case 'voterCodesIssued':
        case 'eligibleListed':
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
          // Those who held dots on them, found by the handler (voidPlanInSteps), or else here in
          // one pass over the ballots: a pass an idea made a void of 64 who wrote ideas look at
          // 320,000 ballots on the largest forum (scripts/stalls.ts). Those voided with them are
          // told of their void, not of dots given back.
          let held = this.heldOf.get(e);
          if (!held) {
            const found = new Map<string, string[]>();
            for (const [owner, mine] of s.dots) {
              if (voiding.has(owner)) continue;
              let theirs: string[] | undefined;
              for (const ideaId of mine.keys()) if (hidden.has(ideaId)) (theirs ??= []).push(ideaId);
              if (theirs) found.set(owner, theirs);
            }
            this.heldOf.set(e, (held = found));
          }
          for (const [owner, ideaIds] of held) {
            if (++ballotsTold % perStep === 0) yield;
            const mine = s.dots.get(owner);
            effects.me.add(owner);
            if (ideaIds.length === 1) {
              effects.notices.push({ participantId: owner, notice: refund(ideaIds[0], mine?.get(ideaIds[0]) ?? 0) });
              continue;
            }
            const told = ideaIds.map((ideaId) => ({ at: hidden.get(ideaId) ?? 0, ideaId, count: mine?.get(ideaId) ?? 0 }));
            told.sort((a, b) => a.at - b.at);
            for (const { ideaId, count } of told) effects.notices.push({ participantId: owner, notice: refund(ideaId, count) });
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
        case 'cityBallotCast':
          effects.me.add(e.participantId);
          break;
        case 'cityVoteSet':
        case 'personsAnonymised':
          effects.forum = true;
          break;
        default:
          everyCaseHandled(e);
      }
    }
    return effects;
  }
}

/**
 * An event for the saved copy, sharing nothing the live state may change. A merge's lists of dots
 * moved and given back are never changed by either state (state.ts keeps them as they are in its
 * record of the merge): shared, they spare the saved copy a clone of 15,000 records (8 ms on the
 * largest forum) in the turn that takes it.
 */
function copyForSaved(event: ForumEvent): ForumEvent {
  if (event.type !== 'ideasMerged') return structuredClone(event);
  return { ...event, ideas: [...event.ideas] };
}

export function emptyEffects(): Effects {
  return { forum: false, ideas: new Set(), me: new Set(), notices: [] };
}

/** Adds what `more` changed to `into`. */
function mergeEffects(into: Effects, more: Effects): void {
  into.forum ||= more.forum;
  if (more.phase) into.phase = more.phase;
  for (const id of more.ideas) into.ideas.add(id);
  for (const id of more.me) into.me.add(id);
  into.notices.push(...more.notices);
}

export class Refusal extends Error {
  constructor(readonly error: RuleError) {
    super(error.code);
  }
}
