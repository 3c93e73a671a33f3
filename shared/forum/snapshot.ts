// A forum's state as a plain, versioned object that JSON carries unchanged, and back: so that a
// forum of millions of events can open from a snapshot taken at some event and the events after
// it, rather than from its whole log. Pure: where a snapshot is kept, and at which event it was
// taken, is the store's business.
//
// Every field of ForumState is listed here by name, on the way out and on the way back, in object
// literals typed by a mapped type of ForumState: a field added to the state and not to the
// snapshot does not compile. Maps keep their order (as [key, value] entries), because iteration
// order reaches the state (a hidden idea's dots, DotMove lists are in ballot order), and a forum
// opened from a snapshot must go on exactly as the replayed one would.
//
// A snapshot is checked whole before anything of it is used: its kind and version, its shape
// (unknown keys refused, nothing silently dropped), then that the indexes the state keeps beside
// its records agree with them. A snapshot that fails is refused with a SnapshotRefused naming
// why; the caller replays the log instead.

import { z } from 'zod';
import { CHECKED_DOCUMENTS, IN_PERSON_CHANNELS } from '../city/channels.js';
import { cityBallotSchema, cityVoteSchema } from '../city/schema.js';
import { countDotsFromBallots } from './tally.js';
import { ADMISSION_MODES, IDENTITY_METHODS, PHASES, type ForumState, type Idea } from './types.js';

export const SNAPSHOT_KIND = 'viche.forumState';
/** Goes up whenever the meaning or shape of a snapshot's state changes: an older one is replayed over. */
export const SNAPSHOT_VERSION = 3;

/** What a state's Maps and Sets become in a snapshot: entries in order, and members in order. */
type Plain<T> =
  T extends Map<infer K, infer V>
    ? [K, Plain<V>][]
    : T extends Set<infer V>
      ? V[]
      : T extends (infer U)[]
        ? Plain<U>[]
        : T extends object
          ? { [P in keyof T]: Plain<T[P]> }
          : T;

/**
 * The state's fields, each as plain data. An author's ideas are the same objects as in `ideas`
 * (a change to one is seen through both), so the snapshot names them by id.
 */
export type SnapshotState = { [K in keyof ForumState]: K extends 'ideasByAuthor' ? [string, string[]][] : Plain<ForumState[K]> };

export interface ForumSnapshot {
  kind: typeof SNAPSHOT_KIND;
  version: typeof SNAPSHOT_VERSION;
  state: SnapshotState;
}

/** A snapshot that cannot be taken as a forum's state: of another kind or version, damaged, or inconsistent. */
export class SnapshotRefused extends Error {
  constructor(reason: string) {
    super(`forum snapshot refused: ${reason}`);
    this.name = 'SnapshotRefused';
  }
}

const entries = <V>(map: Map<string, V>, copy: (v: V) => Plain<V>): [string, Plain<V>][] => {
  const out: [string, Plain<V>][] = new Array(map.size);
  let i = 0;
  for (const [k, v] of map) out[i++] = [k, copy(v)];
  return out;
};
/** A map of plain values (counts, ids) as its entries. */
const pairsOf = <V extends string | number>(map: Map<string, V>): [string, V][] => [...map];

/**
 * The state as a snapshot. Records the state changes in place (participants, ideas, tickets,
 * merges, hosts, ballots) are copied, so the snapshot stays as it was taken while the forum goes
 * on; what the state only ever replaces whole (the structure, moderation entries) is shared.
 */
export function toSnapshot(s: ForumState): ForumSnapshot {
  const state: SnapshotState = {
    id: s.id,
    title: s.title,
    titleFixed: s.titleFixed,
    archived: s.archived,
    voteOnly: s.voteOnly,
    basedOn: s.basedOn,
    joinCode: s.joinCode,
    structure: s.structure,
    rules: s.rules,
    phase: s.phase,
    revealed: [...s.revealed],
    display: s.display,
    resultsTop: s.resultsTop,
    publicResults: s.publicResults,
    resultsPublishedAt: s.resultsPublishedAt,
    admission: s.admission,
    maxPerAddress: s.maxPerAddress,
    expectedAttendance: s.expectedAttendance,
    joiningPaused: s.joiningPaused,
    participants: entries(s.participants, (p) => ({ ...p })),
    participantsByToken: pairsOf(s.participantsByToken),
    participantsByAddress: pairsOf(s.participantsByAddress),
    voidedCount: s.voidedCount,
    joinedAfterVoting: [...s.joinedAfterVoting],
    tickets: entries(s.tickets, (t) => ({ ...t })),
    ticketsByCode: pairsOf(s.ticketsByCode),
    persons: {
      method: s.persons.method,
      key: s.persons.key,
      eIdKey: s.persons.eIdKey,
      byPerson: pairsOf(s.persons.byPerson),
      devices: pairsOf(s.persons.devices),
      codeBatches: s.persons.codeBatches.map((b) => ({ ...b })),
      listed: [...s.persons.listed],
      listBatches: s.persons.listBatches,
      anonymised: s.persons.anonymised ? { ...s.persons.anonymised } : null,
    },
    ideas: entries(s.ideas, (idea) => ({ ...idea, merged: [...idea.merged] })),
    ideasByAuthor: [...s.ideasByAuthor].map(([author, ideas]) => [author, ideas.map((idea) => idea.id)]),
    dots: entries(s.dots, pairsOf),
    dotTotals: {
      byBallot: entries(s.dotTotals.byBallot, pairsOf),
      byIdea: entries(s.dotTotals.byIdea, (c) => ({ dots: c.dots, supporters: c.supporters })),
      voted: s.dotTotals.voted,
      votedPerPriority: pairsOf(s.dotTotals.votedPerPriority),
      dotsPerPriority: pairsOf(s.dotTotals.dotsPerPriority),
    },
    moderation: [...s.moderation],
    merges: entries(s.merges, (m) => ({ ...m })),
    hosts: entries(s.hosts, (h) => ({ ...h })),
    hostsBySecret: pairsOf(s.hostsBySecret),
    timer: s.timer,
    wordList: s.wordList && [...s.wordList],
    paperBallots: s.paperBallots,
    nextIdeaSeq: s.nextIdeaSeq,
    createdAt: s.createdAt,
    // Casts are never changed once stored: the list is copied, its casts shared.
    city: { vote: s.city.vote, casts: [...s.city.casts], revision: s.city.revision },
  };
  return { kind: SNAPSHOT_KIND, version: SNAPSHOT_VERSION, state };
}

// ------------------------------------------------------------------ the shape a snapshot must have

const str = z.string();
const int = z.number().int();
const time = z.number();
const nullable = <T extends z.ZodType>(t: T) => t.nullable();
const pairs = <V extends z.ZodType>(value: V) => z.array(z.tuple([str, value]));
const origin = z.strictObject({ forumId: str, forumTitle: str, ideaId: str });
const phase = z.enum(PHASES);
const actor = str;
const dotMove = z.strictObject({ participantId: str, ideaId: str, count: int });
const ideaText = z.strictObject({ title: str, description: str, place: str });
const joinWindow = z.strictObject({ from: time, to: time });
const joinBurst = z.strictObject({ from: time, to: time, joins: int, addresses: int });

const structure = z.strictObject({
  vision: str,
  priorities: z.array(
    z.strictObject({
      code: str,
      title: str,
      subtitle: str,
      color: str,
      goals: z.array(
        z.strictObject({
          code: str,
          title: str,
          tasks: z.array(z.strictObject({ title: str, origin: origin.optional() })).optional(),
          origin: origin.optional(),
        }),
      ),
    }),
  ),
});

const participant = z.strictObject({
  id: str,
  tokenHash: str,
  name: str,
  joinedAt: time,
  address: str,
  ticketId: nullable(str),
  voided: nullable(z.strictObject({ reason: str, at: time })),
});

const ticket = z.strictObject({
  id: str,
  code: str,
  number: int,
  batch: int,
  issuedAt: time,
  participantId: nullable(str),
  released: z.boolean(),
});

const idea = z.strictObject({
  id: str,
  authorId: str,
  priorityCode: str,
  goalCode: nullable(str),
  title: str,
  description: str,
  place: str,
  status: z.enum(['active', 'hidden', 'withdrawn', 'merged']),
  hiddenReason: nullable(str),
  hiddenDots: z.array(dotMove).optional(),
  corrected: z.boolean(),
  createdAt: time,
  source: z.enum(['phone', 'paper', 'shortlist']),
  origin: nullable(origin),
  paperAuthor: str,
  mergedInto: nullable(str),
  merged: z.array(z.strictObject({ ideaId: str, title: str, description: str, place: str, authorId: str, paperAuthor: str })),
  paperDots: int,
  seq: int,
});

const moderationEntry = z.strictObject({
  at: time,
  action: z.enum(['hide', 'restore', 'correct', 'void', 'voidMany', 'pauseJoining', 'resumeJoining', 'releaseTicket', 'merge', 'unmerge', 'paperIdea', 'paperDots', 'paperBallots', 'inPersonBallot']),
  ideaId: nullable(str),
  participantId: str.optional(),
  ideaIds: z.array(str).optional(),
  reason: nullable(str),
  by: actor.optional(),
  before: ideaText.optional(),
  after: ideaText.optional(),
  count: z.strictObject({ before: int, after: int }).optional(),
  voided: int.optional(),
  window: joinWindow.optional(),
  range: str.optional(),
  burst: joinBurst.optional(),
  channel: z.enum(IN_PERSON_CHANNELS).optional(),
  document: z.enum(CHECKED_DOCUMENTS).optional(),
  budgetId: str.optional(),
});

const stateSchema = z.strictObject({
  id: str,
  title: str,
  titleFixed: z.boolean(),
  archived: z.boolean(),
  voteOnly: z.boolean(),
  basedOn: nullable(z.strictObject({ forumId: str, title: str })),
  joinCode: str,
  structure,
  rules: z.strictObject({ ideasPerParticipant: int, dotsPerPriority: int, maxDotsPerIdea: int }),
  phase,
  revealed: z.array(str),
  display: z.discriminatedUnion('slide', [
    z.strictObject({ slide: z.literal('auto') }),
    z.strictObject({ slide: z.literal('priority'), priorityCode: str }),
    z.strictObject({ slide: z.literal('final') }),
    z.strictObject({ slide: z.literal('join') }),
  ]),
  resultsTop: int,
  publicResults: z.boolean(),
  resultsPublishedAt: nullable(time),
  admission: z.enum(ADMISSION_MODES),
  maxPerAddress: nullable(int),
  expectedAttendance: nullable(int),
  joiningPaused: nullable(z.strictObject({ at: time, burst: nullable(joinBurst) })),
  participants: pairs(participant),
  participantsByToken: pairs(str),
  participantsByAddress: pairs(int),
  voidedCount: int,
  joinedAfterVoting: z.array(str),
  tickets: pairs(ticket),
  ticketsByCode: pairs(str),
  persons: z.strictObject({
    method: nullable(z.enum(IDENTITY_METHODS)),
    key: nullable(str),
    eIdKey: nullable(str),
    byPerson: pairs(str),
    devices: pairs(str),
    codeBatches: z.array(z.strictObject({ batch: int, first: int, count: int, at: time })),
    listed: z.array(str),
    listBatches: int,
    /** Absent in snapshots taken before a vote's personal data could be deleted. */
    anonymised: nullable(z.strictObject({ at: time, by: z.enum(['facilitator', 'retention']) })).default(null),
  }),
  ideas: pairs(idea),
  ideasByAuthor: pairs(z.array(str)),
  dots: pairs(pairs(int)),
  dotTotals: z.strictObject({
    byBallot: pairs(pairs(int)),
    byIdea: pairs(z.strictObject({ dots: int, supporters: int })),
    voted: int,
    votedPerPriority: pairs(int),
    dotsPerPriority: pairs(int),
  }),
  moderation: z.array(moderationEntry),
  merges: pairs(
    z.strictObject({
      id: str,
      into: str,
      ideas: z.array(str),
      moved: z.array(dotMove),
      refunded: z.array(dotMove),
      at: time,
      by: actor,
      undone: z.boolean(),
    }),
  ),
  hosts: pairs(z.strictObject({ id: str, name: str, scope: nullable(str), secretHash: str, invitedAt: time, revoked: z.boolean(), point: str.optional() })),
  hostsBySecret: pairs(str),
  timer: nullable(z.strictObject({ phase, endsAt: time, durationMs: time })),
  wordList: nullable(z.array(str)),
  paperBallots: nullable(int),
  nextIdeaSeq: int,
  createdAt: time,
  city: z.strictObject({
    vote: nullable(cityVoteSchema),
    casts: z.array(
      z.strictObject({ voterId: str, budgetId: str, seq: int, ballot: nullable(cityBallotSchema), receiptHash: nullable(str), at: time, channel: z.enum(IN_PERSON_CHANNELS).optional() }),
    ),
    revision: int,
  }),
}) satisfies z.ZodType<SnapshotState>;

// ------------------------------------------------------------------ back to a state

/** Map entries set between two pauses of stateInParts. */
const PART = 4096;

/**
 * A Map of the entries, refusing a key given twice (a Map would keep the last and hide the damage),
 * pausing every PART entries.
 */
function* mapOf<V>(field: string, pairs: [string, V][]): Generator<void, Map<string, V>, void> {
  const map = new Map<string, V>();
  for (let i = 0; i < pairs.length; i++) {
    map.set(pairs[i][0], pairs[i][1]);
    if ((i + 1) % PART === 0) yield;
  }
  if (map.size !== pairs.length) throw new SnapshotRefused(`${field} names a key twice`);
  return map;
}

/** A ballot's map per participant, pausing every PART participants. */
function* ballotsOf(field: string, pairs: [string, [string, number][]][]): Generator<void, Map<string, Map<string, number>>, void> {
  const map = new Map<string, Map<string, number>>();
  for (let i = 0; i < pairs.length; i++) {
    const [p, mine] = pairs[i];
    map.set(p, yield* mapOf(`${field} of ${p}`, mine));
    if ((i + 1) % PART === 0) yield;
  }
  if (map.size !== pairs.length) throw new SnapshotRefused('a ballot is listed twice');
  return map;
}

/** Runs a generator that only pauses to its end at once. */
function whole<T>(parts: Generator<void, T, void>): T {
  for (;;) {
    const step = parts.next();
    if (step.done) return step.value;
  }
}

/**
 * The state a snapshot holds, checked whole first; throws SnapshotRefused, having built nothing
 * anyone holds, when it is not a snapshot this version of Viche wrote or its parts disagree. The
 * state is made of the snapshot's objects: pass one parsed for it (JSON.parse), not one still in use.
 */
export function fromSnapshot(snapshot: unknown): ForumState {
  const state = whole(stateInParts(checkedShape(snapshot)));
  checkIndexes(state);
  return state;
}

/** The snapshot's state, once its kind, version and shape are found right; SnapshotRefused if not. */
function checkedShape(snapshot: unknown): SnapshotState {
  if (typeof snapshot !== 'object' || snapshot === null) throw new SnapshotRefused('not an object');
  const { kind, version, state: raw, ...rest } = snapshot as Partial<ForumSnapshot>;
  if (kind !== SNAPSHOT_KIND) throw new SnapshotRefused(`not a forum state (kind ${JSON.stringify(kind)})`);
  if (version !== SNAPSHOT_VERSION) throw new SnapshotRefused(`version ${JSON.stringify(version)}, where this server reads version ${SNAPSHOT_VERSION}`);
  const extra = Object.keys(rest);
  if (extra.length > 0) throw new SnapshotRefused(`unknown field ${extra[0]}`);
  const parsed = stateSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new SnapshotRefused(`state.${issue.path.join('.')}: ${issue.message}`);
  }
  // The snapshot's own objects, now known to be of the right shape, rather than the schema's copies
  // of them: those would list each record's fields in the schema's order, not the state's.
  return raw as SnapshotState;
}

/**
 * The state of a snapshot fromSnapshot has already accepted whole (its shape and its indexes: a
 * worker thread checked it, server/forums/snapshotCheck.ts), built a few thousand records at a
 * time: a generator that pauses between parts, so that a server spreads a city vote's over turns
 * of its event loop. Never to be given a snapshot nothing has checked.
 */
export function checkedStateInParts(snapshot: ForumSnapshot): Generator<void, ForumState, void> {
  return stateInParts(snapshot.state);
}

function* stateInParts(s: SnapshotState): Generator<void, ForumState, void> {
  const ideas: Map<string, Idea> = yield* mapOf('ideas', s.ideas);
  const ideasByAuthor = new Map<string, Idea[]>();
  for (const [author, ids] of s.ideasByAuthor) {
    if (ideasByAuthor.has(author)) throw new SnapshotRefused('ideasByAuthor names a key twice');
    ideasByAuthor.set(
      author,
      ids.map((id) => {
        const idea = ideas.get(id);
        if (!idea || idea.authorId !== author) throw new SnapshotRefused(`ideasByAuthor lists idea ${id} under ${author}, whose it is not`);
        return idea;
      }),
    );
  }
  const participants = yield* mapOf('participants', s.participants);
  const participantsByToken = yield* mapOf('participantsByToken', s.participantsByToken);
  const participantsByAddress = yield* mapOf('participantsByAddress', s.participantsByAddress);
  const tickets = yield* mapOf('tickets', s.tickets);
  const ticketsByCode = yield* mapOf('ticketsByCode', s.ticketsByCode);
  const byPerson = yield* mapOf('persons.byPerson', s.persons.byPerson);
  const devices = yield* mapOf('persons.devices', s.persons.devices);
  const dots = yield* ballotsOf('dots', s.dots);
  const byBallot = yield* ballotsOf('dotTotals', s.dotTotals.byBallot);
  const byIdea = yield* mapOf(
    'dotTotals.byIdea',
    s.dotTotals.byIdea.map(([id, c]): [string, { dots: number; supporters: number }] => [id, { dots: c.dots, supporters: c.supporters }]),
  );
  const state: ForumState = {
    id: s.id,
    title: s.title,
    titleFixed: s.titleFixed,
    archived: s.archived,
    voteOnly: s.voteOnly,
    basedOn: s.basedOn,
    joinCode: s.joinCode,
    structure: s.structure,
    rules: s.rules,
    phase: s.phase,
    revealed: s.revealed,
    display: s.display,
    resultsTop: s.resultsTop,
    publicResults: s.publicResults,
    resultsPublishedAt: s.resultsPublishedAt,
    admission: s.admission,
    maxPerAddress: s.maxPerAddress,
    expectedAttendance: s.expectedAttendance,
    joiningPaused: s.joiningPaused,
    participants,
    participantsByToken,
    participantsByAddress,
    voidedCount: s.voidedCount,
    joinedAfterVoting: new Set(s.joinedAfterVoting),
    tickets,
    ticketsByCode,
    persons: {
      method: s.persons.method,
      key: s.persons.key,
      eIdKey: s.persons.eIdKey,
      byPerson,
      devices,
      codeBatches: s.persons.codeBatches,
      listed: new Set(s.persons.listed),
      listBatches: s.persons.listBatches,
      anonymised: s.persons.anonymised ?? null,
    },
    ideas,
    ideasByAuthor,
    dots,
    dotTotals: {
      byBallot,
      byIdea,
      voted: s.dotTotals.voted,
      votedPerPriority: yield* mapOf('votedPerPriority', s.dotTotals.votedPerPriority),
      dotsPerPriority: yield* mapOf('dotsPerPriority', s.dotTotals.dotsPerPriority),
    },
    moderation: s.moderation,
    merges: yield* mapOf('merges', s.merges),
    hosts: yield* mapOf('hosts', s.hosts),
    hostsBySecret: yield* mapOf('hostsBySecret', s.hostsBySecret),
    timer: s.timer,
    wordList: s.wordList,
    paperBallots: s.paperBallots,
    nextIdeaSeq: s.nextIdeaSeq,
    createdAt: s.createdAt,
    city: s.city,
  };
  return state;
}

/**
 * The indexes the state keeps beside its records must say what the records say: one that does
 * not would make the forum go on from a state no log leads to.
 */
function checkIndexes(s: ForumState): void {
  const same = (a: Map<string, number>, b: Map<string, number>) => a.size === b.size && [...a].every(([k, v]) => b.get(k) === v);
  const fail = (what: string) => {
    throw new SnapshotRefused(`${what} disagrees with the records`);
  };
  const keyedById = (field: string, records: Map<string, { id: string }>) => {
    for (const [key, record] of records) if (record.id !== key) fail(field);
  };
  keyedById('participants', s.participants);
  keyedById('tickets', s.tickets);
  keyedById('ideas', s.ideas);
  keyedById('merges', s.merges);
  keyedById('hosts', s.hosts);
  // Every idea under its author once (fromSnapshot checked each is its author's).
  const listed = new Set<string>();
  let mentions = 0;
  for (const ideas of s.ideasByAuthor.values()) for (const idea of ideas) listed.add(idea.id), mentions++;
  if (listed.size !== s.ideas.size || mentions !== listed.size) fail('ideasByAuthor');
  let voided = 0;
  for (const p of s.participants.values()) if (p.voided) voided++;
  if (voided !== s.voidedCount) fail('voidedCount');
  const byAddress = new Map<string, number>();
  for (const p of s.participants.values()) if (p.address) byAddress.set(p.address, (byAddress.get(p.address) ?? 0) + 1);
  if (!same(byAddress, s.participantsByAddress)) fail('participantsByAddress');
  // A person's further devices are theirs too (persons.devices).
  for (const [token, id] of s.participantsByToken) if (s.participants.get(id)?.tokenHash !== token && s.persons.devices.get(token) !== id) fail('participantsByToken');
  for (const id of s.persons.byPerson.values()) if (!s.participants.has(id)) fail('persons.byPerson');
  for (const [code, id] of s.ticketsByCode) if (s.tickets.get(id)?.code !== code) fail('ticketsByCode');
  for (const [secret, id] of s.hostsBySecret) if (s.hosts.get(id)?.secretHash !== secret) fail('hostsBySecret');
  for (const id of s.joinedAfterVoting) if (!s.participants.has(id)) fail('joinedAfterVoting');
  let maxSeq = 0;
  for (const idea of s.ideas.values()) maxSeq = Math.max(maxSeq, idea.seq);
  if (s.nextIdeaSeq <= maxSeq) fail('nextIdeaSeq');

  // The totals by priority, counted again from the ballots (as state.ts setDots keeps them).
  const byBallot = new Map<string, Map<string, number>>();
  const dotsPerPriority = new Map<string, number>();
  for (const [participantId, mine] of s.dots) {
    for (const [ideaId, n] of mine) {
      if (!(n > 0)) fail('dots');
      const code = s.ideas.get(ideaId)?.priorityCode;
      if (code === undefined) continue;
      let ballot = byBallot.get(participantId);
      if (!ballot) byBallot.set(participantId, (ballot = new Map()));
      ballot.set(code, (ballot.get(code) ?? 0) + n);
      dotsPerPriority.set(code, (dotsPerPriority.get(code) ?? 0) + n);
    }
  }
  const votedPerPriority = new Map<string, number>();
  for (const ballot of byBallot.values()) for (const code of ballot.keys()) votedPerPriority.set(code, (votedPerPriority.get(code) ?? 0) + 1);
  const t = s.dotTotals;
  if (t.voted !== byBallot.size || t.byBallot.size !== byBallot.size) fail('dotTotals.voted');
  for (const [participantId, ballot] of byBallot) if (!same(ballot, t.byBallot.get(participantId) ?? new Map())) fail('dotTotals.byBallot');
  if (!same(dotsPerPriority, t.dotsPerPriority)) fail('dotTotals.dotsPerPriority');
  if (!same(votedPerPriority, t.votedPerPriority)) fail('dotTotals.votedPerPriority');
  const byIdea = countDotsFromBallots(s);
  if (byIdea.size !== t.byIdea.size) fail('dotTotals.byIdea');
  for (const [ideaId, c] of byIdea) {
    const kept = t.byIdea.get(ideaId);
    if (kept?.dots !== c.dots || kept.supporters !== c.supporters) fail('dotTotals.byIdea');
  }
}
