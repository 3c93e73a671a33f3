// Randomised evenings: thousands of requests in random order, from random participants, in every
// phase, each decided by the rules and (when accepted) applied as the server applies them. After
// every step the forum's invariants must hold, a refusal must leave the state untouched, and the
// stored events must replay to exactly the same forum.

import { describe, expect, it } from 'vitest';
import type { Decision } from './errors.js';
import {
  decideCorrectIdea,
  decideEditIdea,
  decideHideIdea,
  decidePlaceDot,
  decideRemoveDot,
  decideRestoreIdea,
  decideReveal,
  decideSubmitIdea,
  decideTransition,
  decideWithdrawIdea,
  dotsSpent,
  ideasOf,
} from './rules.js';
import { decideJoin, decideVoid } from './admission.js';
import { decideVoidMany, voidPlan } from './attendance.js';
import { decideMerge, decideUndoMerge } from './facilitation.js';
import { applyEvent, applyEventInSteps, emptyState, replay } from './state.js';
import { countDots, countDotsFromBallots, countVotingProgress, tallyPriority, votingProgress } from './tally.js';
import { baseStructure, FORWARD, JOIN_CODE, snapshot } from './testing.js';
import { FACILITATOR, PHASES, type ForumEvent, type ForumState } from './types.js';

/** A small seeded generator (mulberry32), so that a failing evening can be replayed by its seed. */
function random(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return { next, pick: <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)] };
}

function checkInvariants(state: ForumState): void {
  const { dotsPerPriority, maxDotsPerIdea, ideasPerParticipant } = state.rules;
  for (const [participantId, mine] of state.dots) {
    for (const p of state.structure.priorities) expect(dotsSpent(state, participantId, p.code)).toBeLessThanOrEqual(dotsPerPriority);
    for (const [ideaId, n] of mine) {
      expect(n).toBeGreaterThan(0);
      expect(n).toBeLessThanOrEqual(maxDotsPerIdea);
      expect(state.ideas.get(ideaId)?.status).toBe('active');
    }
  }
  for (const participantId of state.participants.keys()) {
    expect(ideasOf(state, participantId).length).toBeLessThanOrEqual(ideasPerParticipant);
  }
  // The progress kept as ballots change is the progress counted from every ballot.
  expect(votingProgress(state)).toEqual(countVotingProgress(state));
  // The counts kept as ballots change are the counts from every ballot.
  const counts = countDots(state);
  expect(new Map([...counts].map(([id, c]) => [id, { ...c }]))).toEqual(countDotsFromBallots(state));
  for (const p of state.structure.priorities) {
    const ranking = tallyPriority(state, p.code, counts);
    for (const row of ranking) expect(state.ideas.get(row.ideaId)?.status).toBe('active');
    for (let i = 1; i < ranking.length; i++) {
      expect(ranking[i].dots).toBeLessThanOrEqual(ranking[i - 1].dots);
      expect(ranking[i].rank).toBe(ranking[i].dots === ranking[i - 1].dots ? ranking[i - 1].rank : i + 1);
    }
  }
}

function evening(seed: number, steps: number) {
  const rnd = random(seed);
  const state = emptyState();
  const log: ForumEvent[] = [];
  const apply = (events: ForumEvent[]) => {
    for (const e of events) {
      applyEvent(state, e);
      log.push(e);
    }
  };
  apply([{ type: 'forumCreated', id: 'f', title: 'Т', joinCode: JOIN_CODE, structure: baseStructure(), rules: { ideasPerParticipant: 3, dotsPerPriority: 3, maxDotsPerIdea: 2 }, at: 0 }]);
  const people = Array.from({ length: 8 }, (_, i) => `p${i}`);
  const ideaIds: string[] = [];
  const codes = ['A', 'B', 'C', 'Z'];
  // Mostly valid input, with the invalid kinds mixed in.
  const goals = [null, null, null, 'A.1', 'A.2', 'B.1', 'X.9'];
  const titles = ['Сквер', 'Бібліотека', 'Парк', 'Ліхтарі', '', '   ', 'Велодоріжка '.repeat(12)];
  const merges: string[] = [];
  let accepted = 0;

  for (let step = 0; step < steps; step++) {
    const who = rnd.pick(people);
    const idea = ideaIds.length > 0 && rnd.next() < 0.9 ? rnd.pick(ideaIds) : 'missing';
    const r = rnd.next();
    const before = snapshot(state);
    let decision: Decision<ForumEvent[]>;
    // Phase moves are rarer, so that each phase sees many requests.
    if (r < 0.01) decision = decideTransition(state, rnd.next() < 0.75 && FORWARD[state.phase] ? FORWARD[state.phase]! : rnd.pick(PHASES));
    else if (r < 0.12) decision = decideJoin(state, { code: rnd.next() < 0.9 ? JOIN_CODE : '111111', name: '', participantId: who, tokenHash: `t-${who}`, at: step });
    else if (r < 0.3) {
      const ideaId = `i${step}`;
      decision = decideSubmitIdea(state, who, { priorityCode: rnd.pick(codes), goalCode: rnd.pick(goals), title: rnd.pick(titles), description: '', place: '' }, ideaId, step);
      if (decision.ok) ideaIds.push(ideaId);
    } else if (r < 0.36) decision = decideEditIdea(state, who, idea, { goalCode: rnd.pick(goals), title: rnd.pick(titles), description: 'д', place: '' }, step);
    else if (r < 0.4) decision = decideWithdrawIdea(state, who, idea);
    else if (r < 0.45) decision = decideHideIdea(state, idea, rnd.pick(['Поза темою', '']), step);
    else if (r < 0.48) decision = decideRestoreIdea(state, idea, step, rnd.pick([true, false]));
    else if (r < 0.5) decision = decideCorrectIdea(state, idea, { goalCode: null, title: rnd.pick(titles), description: '', place: '' }, step);
    else if (r < 0.8) decision = decidePlaceDot(state, who, idea);
    else if (r < 0.95) decision = decideRemoveDot(state, who, idea);
    else if (r < 0.96) {
      // Mostly ideas of the same priority, still active; now and then one that is not.
      const code = state.ideas.get(idea)?.priorityCode;
      const fits = (id: string) => state.ideas.get(id)?.priorityCode === code && state.ideas.get(id)?.status === 'active';
      const others = ideaIds.filter((id) => id !== idea && (fits(id) || rnd.next() < 0.05) && rnd.next() < 0.6);
      decision = decideMerge(state, idea, others, `m${step}`, step, FACILITATOR);
      if (decision.ok) merges.push(`m${step}`);
    } else if (r < 0.965) decision = decideUndoMerge(state, merges.length > 0 ? rnd.pick(merges) : 'missing', step, FACILITATOR);
    // Now and then one ballot voided, or everyone who joined in the last stretch of the evening.
    else if (r < 0.968) decision = decideVoid(state, who, 'Другий голос', step);
    else if (r < 0.97) decision = decideVoidMany(state, { window: { from: Math.max(0, step - 60), to: step } }, 'Одна хвилина', step);
    else decision = decideReveal(state, rnd.pick(codes));

    // Deciding never touches the state: a refusal changes nothing, an acceptance only by its events.
    expect(snapshot(state)).toBe(before);
    if (decision.ok) {
      apply(decision.value);
      accepted++;
    }
    checkInvariants(state);
  }
  return { state, log, accepted };
}

const SEEDS = Array.from({ length: 20 }, (_, i) => 1000 + i);
const STEPS = 700;

/** Each seed's evening, played once (every step checked) and looked at by both tests below. */
const played = new Map<number, ReturnType<typeof evening>>();
const eveningOf = (seed: number) => {
  let e = played.get(seed);
  if (!e) played.set(seed, (e = evening(seed, STEPS)));
  return e;
};

describe('randomised evenings', () => {
  it.each(SEEDS)('seed %i: invariants hold at every step and the log replays exactly', (seed) => {
    const { state, log, accepted } = eveningOf(seed);
    expect(accepted).toBeGreaterThan(5);
    expect(snapshot(replay(log))).toBe(snapshot(state));
    expect(snapshot(replay(JSON.parse(JSON.stringify(log)) as ForumEvent[]))).toBe(snapshot(state));
  });

  it.each(SEEDS)('seed %i: the log applied a ballot a step (as the server brings its saved copy up to date) gives the same forum', (seed) => {
    const { state, log } = eveningOf(seed);
    const stepped = emptyState();
    let yielded = 0;
    for (const e of log) {
      // A void of many is given the dots it takes back, as its handler finds them (room.ts heldOf).
      const held = e.type === 'participantsVoided' ? voidPlan(stepped, e.participantIds).held : undefined;
      const steps = applyEventInSteps(stepped, e, held, 1);
      while (!steps.next().done) yielded++;
    }
    expect(snapshot(stepped)).toBe(snapshot(state));
    if (log.some((e) => e.type === 'ideasMerged' && e.moved.length + e.refunded.length > 1)) expect(yielded).toBeGreaterThan(0);
  });

  it('the evenings reach voting with dots placed, hide ideas that carried dots, merge some and void ballots that held dots', () => {
    let withDots = 0;
    let refundedHides = 0;
    let mergesMovingDots = 0;
    let voidsTakingDots = 0;
    for (const seed of SEEDS) {
      const { log } = eveningOf(seed);
      const ballots = new Map<string, number>();
      for (const e of log) {
        if (e.type === 'dotPlaced') ballots.set(e.participantId, (ballots.get(e.participantId) ?? 0) + 1);
        if (e.type === 'dotRemoved') ballots.set(e.participantId, (ballots.get(e.participantId) ?? 0) - 1);
        const voided = e.type === 'participantVoided' ? [e.participantId] : e.type === 'participantsVoided' ? e.participantIds : [];
        if (voided.some((id) => (ballots.get(id) ?? 0) > 0)) voidsTakingDots++;
      }
      if (log.some((e) => e.type === 'dotPlaced')) withDots++;
      mergesMovingDots += log.filter((e) => e.type === 'ideasMerged' && e.moved.length > 0).length;
      const placed = new Set<string>();
      for (const e of log) {
        if (e.type === 'dotPlaced') placed.add(e.ideaId);
        if (e.type === 'ideaHidden' && placed.has(e.ideaId)) refundedHides++;
      }
    }
    // Otherwise the invariants above would be checked on evenings too dull to matter.
    expect(withDots).toBeGreaterThan(SEEDS.length / 3);
    expect(refundedHides).toBeGreaterThan(0);
    expect(mergesMovingDots).toBeGreaterThan(0);
    expect(voidsTakingDots).toBeGreaterThan(0);
  });
});
