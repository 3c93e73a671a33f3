// A forum's state copied a few hundred records at a time: a generator that pauses between parts,
// so that a server can spread the copy of a large forum over turns of its event loop. The copy
// shares nothing the state changes in place, as toSnapshot (snapshot.ts) copies: records are
// copied one level down, an idea's merged list with it; what the state only ever replaces whole
// (the structure, the rules, moderation entries) is shared. The state copied must not change
// until the copy is done.
//
// Every field of ForumState is listed by name in an object typed by a mapped type of it: a field
// added to the state and not here does not compile.

import type { ForumState, Idea } from './types.js';

/** Records copied between two pauses. */
const PART = 256;

/** One field's copy: a generator that may pause, given the state and the fields copied before it. */
type Step<T> = (s: ForumState, copied: Partial<ForumState>) => Generator<void, T, void>;

function* mapOf<V>(map: Map<string, V>, copy: (v: V) => V): Generator<void, Map<string, V>, void> {
  const out = new Map<string, V>();
  let n = 0;
  for (const [k, v] of map) {
    out.set(k, copy(v));
    if (++n % PART === 0) yield;
  }
  return out;
}

/** A map of plain values (counts, ids): its entries, in order. */
const pairs = <V>(map: Map<string, V>): Map<string, V> => new Map(map);
const same = <K extends keyof ForumState>(key: K): Step<ForumState[K]> =>
  function* (s) {
    return s[key];
  };
const plain = <K extends keyof ForumState>(key: K, copy: (v: ForumState[K]) => ForumState[K]): Step<ForumState[K]> =>
  function* (s) {
    return copy(s[key]);
  };

/** In the order they are copied: ideasByAuthor names the ideas copied before it. */
const STEPS: { [K in keyof ForumState]: Step<ForumState[K]> } = {
  id: same('id'),
  title: same('title'),
  titleFixed: same('titleFixed'),
  archived: same('archived'),
  voteOnly: same('voteOnly'),
  basedOn: same('basedOn'),
  joinCode: same('joinCode'),
  structure: same('structure'),
  rules: same('rules'),
  phase: same('phase'),
  revealed: plain('revealed', (r) => [...r]),
  display: same('display'),
  resultsTop: same('resultsTop'),
  publicResults: same('publicResults'),
  resultsPublishedAt: same('resultsPublishedAt'),
  admission: same('admission'),
  maxPerAddress: same('maxPerAddress'),
  expectedAttendance: same('expectedAttendance'),
  joiningPaused: same('joiningPaused'),
  participants: (s) => mapOf(s.participants, (p) => ({ ...p })),
  participantsByToken: plain('participantsByToken', pairs),
  participantsByAddress: plain('participantsByAddress', pairs),
  voidedCount: same('voidedCount'),
  joinedAfterVoting: plain('joinedAfterVoting', (set) => new Set(set)),
  tickets: (s) => mapOf(s.tickets, (t) => ({ ...t })),
  ticketsByCode: plain('ticketsByCode', pairs),
  *persons(s) {
    const p = s.persons;
    return { ...p, byPerson: pairs(p.byPerson), devices: pairs(p.devices), codeBatches: p.codeBatches.map((b) => ({ ...b })), listed: new Set(p.listed), anonymised: p.anonymised ? { ...p.anonymised } : null };
  },
  ideas: (s) => mapOf(s.ideas, (idea) => ({ ...idea, merged: [...idea.merged] })),
  // An author's ideas are the same objects as in `ideas`, in the copy as in the state.
  *ideasByAuthor(s, copied) {
    const ideas = copied.ideas!;
    const out = new Map<string, Idea[]>();
    let n = 0;
    for (const [author, list] of s.ideasByAuthor) {
      out.set(author, list.map((idea) => ideas.get(idea.id)!));
      if (++n % PART === 0) yield;
    }
    return out;
  },
  dots: (s) => mapOf(s.dots, pairs),
  *dotTotals(s) {
    const t = s.dotTotals;
    return {
      byBallot: yield* mapOf(t.byBallot, pairs),
      byIdea: yield* mapOf(t.byIdea, (c) => ({ dots: c.dots, supporters: c.supporters })),
      voted: t.voted,
      votedPerPriority: pairs(t.votedPerPriority),
      dotsPerPriority: pairs(t.dotsPerPriority),
    };
  },
  moderation: plain('moderation', (m) => [...m]),
  merges: (s) => mapOf(s.merges, (m) => ({ ...m })),
  hosts: (s) => mapOf(s.hosts, (h) => ({ ...h })),
  hostsBySecret: plain('hostsBySecret', pairs),
  timer: same('timer'),
  wordList: plain('wordList', (w) => w && [...w]),
  paperBallots: same('paperBallots'),
  nextIdeaSeq: same('nextIdeaSeq'),
  createdAt: same('createdAt'),
  // Casts are never changed once stored: the list is copied, its casts shared.
  city: plain('city', (c) => ({ vote: c.vote, casts: [...c.casts], revision: c.revision })),
};

/**
 * The copy of `s`, made a part at a time: the generator pauses after each part and returns the
 * copy when done. Run to its end in one go (copyState), it is a copy like any other.
 */
export function* copyStateInParts(s: ForumState): Generator<void, ForumState, void> {
  const copied: Partial<ForumState> = {};
  for (const key of Object.keys(STEPS) as (keyof ForumState)[]) {
    (copied as Record<string, unknown>)[key] = yield* (STEPS[key] as Step<unknown>)(s, copied);
  }
  return copied as ForumState;
}

/** The copy of `s` in one go. */
export function copyState(s: ForumState): ForumState {
  const parts = copyStateInParts(s);
  for (;;) {
    const step = parts.next();
    if (step.done) return step.value;
  }
}
