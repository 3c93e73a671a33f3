// A forum opened from a snapshot must be the forum its log gives: the state round-trips through JSON
// whole (every index, every Map in its order), and a snapshot at any event followed by the rest of
// the log gives exactly the state of the whole log replayed. Damaged and foreign snapshots are refused.

import { describe, expect, it } from 'vitest';
import { decideVoid } from './admission.js';
import { decideVoidMany } from './attendance.js';
import { decideMerge, decidePaperBallots, decidePaperDots, decidePaperIdea, decideUndoMerge } from './facilitation.js';
import { decideCorrectIdea, decideEditIdea, decideHideIdea, decidePublishResults, decideRestoreIdea, decideReveal, decideTransition } from './rules.js';
import { fromSnapshot, SNAPSHOT_VERSION, SnapshotRefused, toSnapshot, type ForumSnapshot } from './snapshot.js';
import { applyEvent, emptyState, replay } from './state.js';
import { copyState, copyStateInParts } from './stateCopy.js';
import { accepted, snapshot as serialised, TestForum } from './testing.js';
import { FACILITATOR, type ForumEvent, type ForumState } from './types.js';
import { eveningForum } from '../../server/test/eveningForum.js';
import { largestForum } from '../../scripts/largest-forum.js';

/** Through JSON, as a store would keep it. */
const throughJson = (state: ForumState): ForumState => fromSnapshot(JSON.parse(JSON.stringify(toSnapshot(state))));

/**
 * The same state: deep-equal, every Map and Set in the same order (serialised keeps the order),
 * and an author's ideas the very objects of `ideas`, as applyEvent keeps them.
 */
function expectSameState(actual: ForumState, expected: ForumState, expectedSerialised = serialised(expected)): void {
  // The serialised forms say more (the order of every Map, the order of fields), but not which
  // field differs: a small state is compared field by field first, for a readable failure. On the
  // largest forum that comparison alone takes seconds a state.
  if (expected.participants.size < 1000) expect(actual).toEqual(expected);
  expect(serialised(actual) === expectedSerialised).toBe(true);
  for (const [author, ideas] of actual.ideasByAuthor) {
    for (const idea of ideas) {
      expect(idea.authorId).toBe(author);
      expect(actual.ideas.get(idea.id)).toBe(idea);
    }
  }
}

/**
 * Every event type, so that a new one makes this list fail to compile until the rich log below
 * makes one too (the test checks that it does).
 */
const EVERY_EVENT: Record<ForumEvent['type'], true> = {
  forumCreated: true,
  ideaImported: true,
  forumArchived: true,
  forumUnarchived: true,
  structureSet: true,
  rulesSet: true,
  phaseChanged: true,
  participantJoined: true,
  participantRenamed: true,
  ideaSubmitted: true,
  ideaEdited: true,
  ideaWithdrawn: true,
  ideaHidden: true,
  ideaRestored: true,
  dotPlaced: true,
  dotRemoved: true,
  priorityRevealed: true,
  displaySet: true,
  resultsTopSet: true,
  resultsPublished: true,
  admissionSet: true,
  addressCapSet: true,
  attendanceSet: true,
  joiningPaused: true,
  joiningResumed: true,
  ticketsIssued: true,
  ticketReleased: true,
  ballotMoved: true,
  participantVoided: true,
  participantsVoided: true,
  ideasMerged: true,
  mergeUndone: true,
  paperDotsSet: true,
  paperBallotsSet: true,
  hostInvited: true,
  hostRevoked: true,
  timerSet: true,
  timerCleared: true,
  wordListSet: true,
  cityVoteSet: true,
  cityBallotCast: true,
  identitySet: true,
  voterCodesIssued: true,
  eligibleListed: true,
  deviceLinked: true,
  personsAnonymised: true,
};

/**
 * A small forum whose log holds every event type: tickets, a moved ballot, hosts, a paused join,
 * corrections, hides with dots and their restore, merges and an undone one, single and many
 * voids, paper cards, ballots and stickers, results revealed, published, a late join, archived.
 */
function richForum(): ForumEvent[] {
  const f = new TestForum();
  const at = () => f.now();
  f.apply([
    { type: 'hostInvited', hostId: 'h1', name: 'Оксана', scope: 'A', secretHash: 'secret-h1', at: at() },
    { type: 'hostInvited', hostId: 'h2', name: 'Петро', scope: null, secretHash: 'secret-h2', at: at() },
    { type: 'hostRevoked', hostId: 'h2', at: at() },
    { type: 'wordListSet', words: ['реклама', 'спам'] },
    { type: 'attendanceSet', expected: 200 },
    { type: 'addressCapSet', max: 5 },
    { type: 'ideaImported', ideaId: 's1', priorityCode: 'B', goalCode: 'B.1', title: 'Сквер', description: 'З минулого форуму', place: 'Центр', author: 'Марія', origin: { forumId: 'f0', forumTitle: 'Форум 1', ideaId: 'x9' }, at: at() },
    { type: 'admissionSet', mode: 'tickets' },
    {
      type: 'ticketsIssued',
      batch: 1,
      tickets: [
        { id: 't1', code: '1000000001', number: 1 },
        { id: 't2', code: '1000000002', number: 2 },
        { id: 't3', code: '1000000003', number: 3 },
      ],
      at: at(),
    },
  ]);
  for (let i = 1; i <= 8; i++) {
    f.apply([{ type: 'participantJoined', participantId: `p${i}`, tokenHash: `hash-of-p${i}`, name: i % 3 ? `Мешканець ${i}` : '', at: at(), address: `10.0.0.${i % 4}`, ...(i <= 3 ? { ticketId: `t${i}` } : {}) }]);
  }
  f.apply([
    { type: 'ticketReleased', ticketId: 't2', at: at() },
    { type: 'ballotMoved', participantId: 'p2', ticketId: 't2', tokenHash: 'hash-of-p2-phone-2', address: '10.0.1.9', at: at() },
    { type: 'admissionSet', mode: 'open' },
    { type: 'identitySet', method: 'codes', at: at() },
    { type: 'voterCodesIssued', batch: 1, first: 1, count: 1000, at: at() },
    { type: 'eligibleListed', batch: 1, entries: ['a'.repeat(64), 'b'.repeat(64)], at: at() },
    { type: 'participantJoined', participantId: 'person1', tokenHash: 'hash-of-person1', name: '', at: at(), personId: 'c'.repeat(64) },
    { type: 'deviceLinked', participantId: 'person1', personId: 'c'.repeat(64), tokenHash: 'hash-of-person1-phone-2', at: at() },
    { type: 'identitySet', method: null, at: at() },
    { type: 'joiningPaused', at: at(), burst: { from: 1_000, to: 1_030, joins: 80, addresses: 3 } },
    { type: 'joiningResumed', at: at() },
    { type: 'joiningPaused', at: at() },
    { type: 'joiningResumed', at: at() },
    { type: 'participantRenamed', participantId: 'p1', name: 'Ірина' },
  ]);
  f.to('ideas');
  f.apply([{ type: 'timerSet', phase: 'ideas', endsAt: at() + 600_000, durationMs: 600_000, at: at() }]);
  const ideas = ['A', 'A', 'B', 'B', 'C', 'A', 'B', 'C'].map((code, i) => f.submit(`p${i + 1}`, code, `Ідея ${i + 1}`));
  f.run(decidePaperIdea(f.state, { priorityCode: 'A', goalCode: 'A.1', title: 'З картки', description: '', place: 'Бібліотека', paperAuthor: 'Ганна' }, 'paper1', at(), 'h1'));
  f.run(decideEditIdea(f.state, 'p1', ideas[0], { goalCode: 'A.2', title: 'Ідея 1, точніше', description: 'Опис', place: 'Парк' }, at()));
  f.withdraw('p8', ideas[7]);
  f.apply([
    { type: 'structureSet', structure: { ...f.state.structure, vision: 'Житомир — місто, де добре жити' } },
    { type: 'rulesSet', rules: { ...f.state.rules, dotsPerPriority: 4 } },
    { type: 'timerCleared', at: at() },
  ]);
  f.to('review');
  f.run(decideCorrectIdea(f.state, ideas[2], { goalCode: 'B.1', title: 'Ідея 3, виправлена', description: '', place: '' }, at()));
  f.hide(ideas[6]);
  f.restore(ideas[6]);
  f.run(decideMerge(f.state, ideas[0], [ideas[1]], 'm1', at(), FACILITATOR));
  f.to('voting');
  for (let i = 1; i <= 8; i++) {
    f.dot(`p${i}`, ideas[0], i % 2 ? 2 : 1);
    f.dot(`p${i}`, 's1');
    f.dot(`p${i}`, ideas[3]);
    if (i % 3 === 0) f.dot(`p${i}`, ideas[5]);
    if (i % 2 === 0) f.dot(`p${i}`, ideas[2]);
  }
  f.undot('p1', ideas[0]);
  // The city vote's events, applied as stored (its rules are a vote-only forum's: shared/forum/city.test.ts).
  f.apply([
    {
      type: 'cityVoteSet',
      vote: {
        id: 'v',
        title: 'Бюджет участі',
        budgets: [{ id: 'b', name: 'Центр', amount: 100 }],
        projects: [
          { id: 'x', title: 'Сквер', cost: 60, budgetId: 'b', originIdeaId: 's1', description: 'Лавки', place: 'Центр', origin: { title: 'Сквер', forumTitle: 'Форум 1' } },
          { id: 'y', title: 'Лавки', cost: 30, budgetId: 'b' },
        ],
        ballot: { kind: 'knapsack' },
        counting: { kind: 'greedy' },
        tie: { kind: 'cheaperThenListed' },
      },
      at: at(),
    },
    { type: 'cityBallotCast', participantId: 'p1', budgetId: 'b', ballot: { kind: 'knapsack', budgetId: 'b', projectIds: ['x', 'y'] }, receiptHash: 'a'.repeat(64), at: at() },
    { type: 'cityBallotCast', participantId: 'p1', budgetId: 'b', ballot: null, receiptHash: null, at: at() },
    { type: 'cityBallotCast', participantId: 'p2', budgetId: 'b', ballot: { kind: 'knapsack', budgetId: 'b', projectIds: ['y'] }, receiptHash: 'b'.repeat(64), at: at() },
  ]);
  f.run(decideHideIdea(f.state, ideas[3], 'Не за темою', at()));
  f.run(decideRestoreIdea(f.state, ideas[3], at(), true));
  f.run(decideMerge(f.state, ideas[2], [ideas[3]], 'm2', at(), 'h1'));
  f.run(decideMerge(f.state, ideas[5], [ideas[0]], 'm3', at(), FACILITATOR));
  f.run(decideUndoMerge(f.state, 'm3', at(), FACILITATOR));
  f.run(decideVoid(f.state, 'p5', 'Два телефони', at()));
  f.run(decideVoidMany(f.state, { range: '10.0.0.2/32' }, 'Одна адреса', at()));
  f.to('results');
  f.run(decidePaperBallots(f.state, 12, at()));
  f.run(decidePaperDots(f.state, 'paper1', 5, at(), 'h1'));
  f.run(decideReveal(f.state, 'A'));
  f.apply([
    { type: 'displaySet', display: { slide: 'priority', priorityCode: 'A' } },
    { type: 'resultsTopSet', top: 5 },
  ]);
  f.run(decideReveal(f.state, 'B'));
  f.apply([{ type: 'personsAnonymised', at: at(), by: 'facilitator' }]);
  f.run(decidePublishResults(f.state, true, at()));
  f.apply([{ type: 'participantJoined', participantId: 'late', tokenHash: 'hash-of-late', name: '', at: at(), address: '10.0.0.1' }]);
  f.run(decidePublishResults(f.state, false, at()));
  f.run(decideTransition(f.state, 'closed'));
  f.apply([
    { type: 'forumArchived', at: at() },
    { type: 'forumUnarchived', at: at() },
  ]);
  return f.log;
}

/**
 * Snapshots the log's state after each of `cuts` events (through JSON), applies the rest of the
 * log to each, and compares every one with the whole log replayed. `roundTrip`: each snapshot is
 * also compared with the state it was taken from (seconds a cut on the largest forum, where the
 * comparison at the end already holds every field).
 */
function expectSnapshotsContinue(log: readonly ForumEvent[], cuts: readonly number[], roundTrip = true): void {
  const whole = replay(log);
  const wholeSerialised = serialised(whole);
  const state = emptyState();
  const taken: { at: number; json: string }[] = [];
  let applied = 0;
  for (const cut of [...new Set(cuts)].sort((a, b) => a - b)) {
    while (applied < cut) applyEvent(state, log[applied++]);
    const json = JSON.stringify(toSnapshot(state));
    if (roundTrip) expectSameState(fromSnapshot(JSON.parse(json)), state);
    taken.push({ at: cut, json });
  }
  for (const { at, json } of taken) {
    const resumed = fromSnapshot(JSON.parse(json));
    for (let i = at; i < log.length; i++) applyEvent(resumed, log[i]);
    expectSameState(resumed, whole, wholeSerialised);
  }
}

/** The position just after the first event of each given type, and just before it. */
function around(log: readonly ForumEvent[], types: readonly ForumEvent['type'][]): number[] {
  const cuts = new Set<number>();
  for (const type of types) {
    const i = log.findIndex((e) => e.type === type);
    if (i < 0) throw new Error(`the log has no ${type}`);
    cuts.add(i).add(i + 1);
  }
  return [...cuts];
}

describe('a forum state as a snapshot', () => {
  it('names every field of the state, no more and no fewer', () => {
    const log = richForum();
    for (const state of [emptyState(), replay(log)]) {
      const snap = toSnapshot(state);
      expect(Object.keys(snap.state).sort()).toEqual(Object.keys(state).sort());
      expect(Object.keys(snap.state.dotTotals).sort()).toEqual(Object.keys(state.dotTotals).sort());
      expect(Object.keys(fromSnapshot(JSON.parse(JSON.stringify(snap)))).sort()).toEqual(Object.keys(state).sort());
    }
  });

  it('round-trips through JSON: the empty forum, and after every event of a forum using every kind of event', () => {
    const log = richForum();
    expect(new Set(log.map((e) => e.type))).toEqual(new Set(Object.keys(EVERY_EVENT)));
    expectSameState(throughJson(emptyState()), emptyState());
    const state = emptyState();
    for (const event of log) {
      applyEvent(state, event);
      expectSameState(throughJson(state), state);
    }
    // Indexes that only some events fill are filled by the end, so the comparisons above saw them.
    expect(state.joinedAfterVoting.size).toBe(1);
    expect(state.hostsBySecret.size).toBe(1);
    expect(state.voidedCount).toBe(3);
    expect([...state.merges.values()].map((m) => m.undone)).toEqual([false, false, true]);
    expect([...state.ideas.values()].some((i) => i.hiddenDots)).toBe(false);
  });

  it('stays as it was taken while the forum goes on', () => {
    const log = richForum();
    const state = emptyState();
    const taken: { snapshot: ForumSnapshot; json: string }[] = [];
    for (const event of log) {
      applyEvent(state, event);
      const snapshot = toSnapshot(state);
      taken.push({ snapshot, json: JSON.stringify(snapshot) });
    }
    for (const { snapshot, json } of taken) expect(JSON.stringify(snapshot)).toBe(json);
  });

  it('keeps what a hide held for its restore, and the dots a voter has on an idea of no known priority', () => {
    const f = new TestForum();
    f.joinAll('p1', 'p2');
    f.to('ideas');
    const a = f.submit('p1');
    f.to('voting');
    f.dot('p2', a, 2);
    f.dot('p1', a);
    f.hide(a);
    expect(f.state.ideas.get(a)!.hiddenDots).toHaveLength(2);
    expectSameState(throughJson(f.state), f.state);
    f.apply([{ type: 'dotPlaced', participantId: 'p1', ideaId: 'nowhere' }]);
    expectSameState(throughJson(f.state), f.state);
  });

  it('a snapshot at any event, then the rest of the log, is the whole log replayed', () => {
    const log = richForum();
    expectSnapshotsContinue(log, log.map((_, i) => i).concat(log.length));
  });

  it('the same on a real evening: after the hide, the merge, the votes, the paper ballots', () => {
    const { log } = eveningForum();
    const types: ForumEvent['type'][] = ['ideaHidden', 'ideasMerged', 'dotPlaced', 'paperBallotsSet', 'paperDotsSet'];
    expectSnapshotsContinue(log, [0, 1, ...around(log, types), Math.floor(log.length / 2), log.length - 1, log.length]);
  });

  it('the same on the largest forum, with hides, merges, voids, paper ballots and reveals after its voting', { timeout: 240_000 }, () => {
    const forum = largestForum({ phase: 'voting' });
    const state = replay(forum.events);
    const log = [...forum.events];
    const run = (events: ForumEvent[]) => {
      for (const e of events) applyEvent(state, e);
      log.push(...events);
    };
    let clock = Date.UTC(2026, 10, 20, 22);
    const at = () => (clock += 1_000);
    const byPriority = new Map<string, string[]>();
    for (const idea of state.ideas.values()) byPriority.set(idea.priorityCode, [...(byPriority.get(idea.priorityCode) ?? []), idea.id]);
    const [first, second] = [...byPriority.values()];
    run(accepted(decideHideIdea(state, first[3], 'Повтор', at())));
    run(accepted(decideRestoreIdea(state, first[3], at(), true)));
    run(accepted(decideMerge(state, first[0], first.slice(1, 30), 'big', at(), FACILITATOR)));
    run(accepted(decideMerge(state, second[0], [second[1]], 'small', at(), FACILITATOR)));
    run(accepted(decideUndoMerge(state, 'small', at(), FACILITATOR)));
    const people = [...state.participants.keys()];
    run(accepted(decideVoid(state, people[7], 'Чужий телефон', at())));
    run(accepted(decideVoidMany(state, { range: '10.0.1.0/24' }, 'Одна мережа', at())));
    run(accepted(decideTransition(state, 'results')));
    run(accepted(decidePaperBallots(state, 40, at())));
    for (const code of byPriority.keys()) run(accepted(decideReveal(state, code)));
    run(accepted(decidePublishResults(state, true, at())));
    expectSameState(replay(log), state);
    const types: ForumEvent['type'][] = ['ideaHidden', 'ideaRestored', 'ideasMerged', 'mergeUndone', 'participantVoided', 'participantsVoided', 'paperBallotsSet', 'priorityRevealed', 'resultsPublished'];
    const n = forum.events.length;
    const after = types.map((type) => log.findIndex((e) => e.type === type) + 1);
    const cuts = [1, Math.floor(n / 3), Math.floor((2 * n) / 3), n, ...after, log.length];
    expect(new Set(cuts).size).toBeGreaterThanOrEqual(12);
    expectSnapshotsContinue(log, cuts, false);
  });
});

/**
 * A copy at each cut goes on, independently of the state it was taken from, to the whole log
 * replayed: the original first (the copy stays as it was taken), then the copy.
 */
function expectCopiesContinue(log: readonly ForumEvent[], cuts: readonly number[]): void {
  const whole = replay(log);
  const wholeSerialised = serialised(whole);
  for (const cut of cuts) {
    const state = replay(log.slice(0, cut));
    const copy = copyState(state);
    const atCut = serialised(state);
    expectSameState(copy, state, atCut);
    for (let i = cut; i < log.length; i++) applyEvent(state, log[i]);
    expect(serialised(copy) === atCut).toBe(true);
    for (let i = cut; i < log.length; i++) applyEvent(copy, log[i]);
    expectSameState(copy, whole, wholeSerialised);
  }
}

describe('a forum state copied in parts', () => {
  it('names every field of the state', () => {
    const state = replay(richForum());
    const copy = copyState(state);
    expect(Object.keys(copy).sort()).toEqual(Object.keys(state).sort());
    expect(Object.keys(copy.dotTotals).sort()).toEqual(Object.keys(state.dotTotals).sort());
  });

  it('at any event of a forum using every kind of event, then the rest of the log, is the whole log replayed, the original left to go its own way', () => {
    const log = richForum();
    expectCopiesContinue(log, log.map((_, i) => i).concat(log.length));
  });

  it('on the largest forum: in many parts, and it goes on through a merge and a void as the original does', { timeout: 240_000 }, () => {
    const forum = largestForum({ phase: 'voting' });
    const state = replay(forum.events);
    let parts = 0;
    const copying = copyStateInParts(state);
    let step = copying.next();
    for (; !step.done; step = copying.next()) parts++;
    // 5,000 ballots in several maps: the copy can be spread over many turns of an event loop.
    expect(parts).toBeGreaterThan(50);
    expectSameState(step.value, state);
    const byPriority = new Map<string, string[]>();
    for (const idea of state.ideas.values()) byPriority.set(idea.priorityCode, [...(byPriority.get(idea.priorityCode) ?? []), idea.id]);
    const [first] = [...byPriority.values()];
    const people = [...state.participants.keys()];
    let clock = Date.UTC(2026, 10, 20, 22);
    const at = () => (clock += 1_000);
    const more = accepted(decideMerge(state, first[0], first.slice(1, 20), 'big', at(), FACILITATOR));
    for (const e of more) applyEvent(state, e);
    const voided = accepted(decideVoid(state, people[7], 'Чужий телефон', at()));
    for (const e of voided) applyEvent(state, e);
    more.push(...voided);
    expectCopiesContinue([...forum.events, ...more], [forum.events.length]);
  });
});

describe('a snapshot that is not one is refused, whole', () => {
  const good = (): ForumSnapshot => JSON.parse(JSON.stringify(toSnapshot(replay(richForum()))));
  const refused = (snap: unknown): string => {
    try {
      fromSnapshot(snap);
    } catch (err) {
      expect(err).toBeInstanceOf(SnapshotRefused);
      return (err as Error).message;
    }
    throw new Error('expected the snapshot to be refused');
  };

  it('of another kind or version, or not an object at all', () => {
    expect(refused(null)).toMatch(/not an object/);
    expect(refused('{"kind":"viche.forumState"}')).toMatch(/not an object/);
    expect(refused({ ...good(), kind: 'tldraw.document' })).toMatch(/not a forum state/);
    expect(refused({ ...good(), version: SNAPSHOT_VERSION + 1 })).toMatch(new RegExp(`version ${SNAPSHOT_VERSION + 1}, where this server reads version ${SNAPSHOT_VERSION}`));
    expect(refused({ ...good(), seq: 4 })).toMatch(/unknown field seq/);
  });

  it('damaged: a field missing, of the wrong type, or one it does not know', () => {
    const missing = good();
    delete (missing.state as Partial<ForumSnapshot['state']>).dotTotals;
    expect(refused(missing)).toMatch(/state\.dotTotals/);
    const wrong = good();
    (wrong.state.participants[2][1] as { joinedAt: unknown }).joinedAt = '18:05';
    expect(refused(wrong)).toMatch(/state\.participants\.2\.1\.joinedAt/);
    const phase = good();
    (phase.state as { phase: string }).phase = 'intermission';
    expect(refused(phase)).toMatch(/state\.phase/);
    const unknown = good();
    (unknown.state.ideas[0][1] as unknown as Record<string, unknown>).likes = 3;
    expect(refused(unknown)).toMatch(/state\.ideas\.0\.1.*likes/);
    const cut = JSON.stringify(good());
    expect(() => fromSnapshot(JSON.parse(cut.slice(0, cut.length / 2)))).toThrow(SyntaxError);
  });

  it('inconsistent: an index that disagrees with the records it indexes', () => {
    const twice = good();
    twice.state.participants.push(twice.state.participants[0]);
    expect(refused(twice)).toMatch(/participants names a key twice/);
    const totals = good();
    totals.state.dotTotals.dotsPerPriority[0][1] += 1;
    expect(refused(totals)).toMatch(/dotTotals\.dotsPerPriority disagrees/);
    const stray = good();
    stray.state.ideasByAuthor[0][1].push('no-such-idea');
    expect(refused(stray)).toMatch(/ideasByAuthor lists idea no-such-idea/);
    const token = good();
    token.state.participantsByToken[0][1] = 'p4';
    expect(refused(token)).toMatch(/participantsByToken disagrees/);
    const voided = good();
    voided.state.voidedCount = 0;
    expect(refused(voided)).toMatch(/voidedCount disagrees/);
    const seq = good();
    seq.state.nextIdeaSeq = 1;
    expect(refused(seq)).toMatch(/nextIdeaSeq disagrees/);
    const renamed = good();
    renamed.state.participants[0][0] = 'another-id';
    expect(refused(renamed)).toMatch(/participants disagrees/);
    const listedTwice = good();
    const [, mine] = listedTwice.state.ideasByAuthor.find(([, ids]) => ids.length > 1)!;
    mine[1] = mine[0];
    expect(refused(listedTwice)).toMatch(/ideasByAuthor disagrees/);
  });
});
