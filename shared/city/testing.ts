// Helpers the city vote's tests share: a seeded random source so random instances are the same
// on every run, and a small builder of votes and casts. Not used outside tests.

import { checkBallot } from './checkBallot.js';
import type { BallotCast } from './latestBallots.js';
import type { BallotRule, CityBallot, CityVote, CountingRule, TieRule } from './vote.js';

/** A 32-bit linear congruential generator (Numerical Recipes' constants): deterministic per seed. */
export function seededRandom(seed: number): { int: (lo: number, hi: number) => number; pick: <T>(xs: readonly T[]) => T; chance: (p: number) => boolean } {
  let s = seed >>> 0;
  const next = () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 4294967296;
  };
  const int = (lo: number, hi: number) => lo + Math.floor(next() * (hi - lo + 1));
  return { int, pick: (xs) => xs[int(0, xs.length - 1)], chance: (p) => next() < p };
}

/** A vote of one budget (`b`) with projects p1… of the given costs, listed in that order. */
export function oneBudgetVote(amount: number, costs: number[], ballot: BallotRule, counting: CountingRule, tie: TieRule = { kind: 'cheaperThenListed' }): CityVote {
  return {
    id: 'test-vote',
    title: 'Test vote',
    budgets: [{ id: 'b', name: 'Budget', amount }],
    projects: costs.map((cost, i) => ({ id: `p${i + 1}`, title: `Project ${i + 1}`, cost, budgetId: 'b' })),
    ballot,
    counting,
    tie,
  };
}

/** Casts of one ballot each, voters v1… in order, seq in order. */
export function castsOf(ballots: CityBallot[]): BallotCast[] {
  return ballots.map((ballot, i) => ({ voterId: `v${i + 1}`, budgetId: ballot.budgetId, seq: i + 1, ballot }));
}

export const approve = (...projectIds: string[]): CityBallot => ({ kind: 'approval', budgetId: 'b', projectIds });
export const knap = (...projectIds: string[]): CityBallot => ({ kind: 'knapsack', budgetId: 'b', projectIds });
export const give = (points: Record<string, number>): CityBallot => ({
  kind: 'points',
  budgetId: 'b',
  points: Object.entries(points).map(([projectId, p]) => ({ projectId, points: p })),
});

/** n copies of a ballot. */
export const times = (n: number, ballot: CityBallot): CityBallot[] => Array.from({ length: n }, () => ballot);

/**
 * A random small vote (one or two budgets, up to 7 projects, up to 12 voters who change and
 * withdraw ballots) with one of the given ballot rules, the same for the same seed.
 */
export function randomInstance(seed: number, rules: readonly BallotRule[]): { vote: CityVote; casts: BallotCast[] } {
  const r = seededRandom(seed);
  const budgetCount = r.int(1, 2);
  const budgets = Array.from({ length: budgetCount }, (_, i) => ({ id: `d${i}`, name: `District ${i}`, amount: r.int(5, 40) }));
  const projects = Array.from({ length: r.int(budgetCount, 7) }, (_, i) => ({
    id: `p${i + 1}`,
    title: `Project ${i + 1}`,
    cost: r.int(1, 15),
    budgetId: budgets[i < budgetCount ? i : r.int(0, budgetCount - 1)].id,
  }));
  const ballot = r.pick(rules);
  const vote: CityVote = { id: 'random', title: 'Random', budgets, projects, ballot, counting: { kind: 'greedy' }, tie: { kind: 'cheaperThenListed' } };
  const casts: BallotCast[] = [];
  const voters = r.int(0, 12);
  for (let seq = 1; seq <= voters * 2; seq++) {
    const voterId = `v${r.int(1, voters)}`;
    const budget = r.pick(budgets);
    if (r.chance(0.1)) {
      casts.push({ voterId, budgetId: budget.id, seq, ballot: null });
      continue;
    }
    const own = projects.filter((p) => p.budgetId === budget.id && r.chance(0.5));
    const cast: CityBallot =
      ballot.kind === 'points'
        ? { kind: 'points', budgetId: budget.id, points: own.map((p) => ({ projectId: p.id, points: r.int(1, ballot.maxPerProject) })) }
        : { kind: ballot.kind, budgetId: budget.id, projectIds: own.map((p) => p.id) };
    // Only ballots the check takes are ever stored; the others are left out, as the server would.
    if (checkBallot(vote, cast).ok) casts.push({ voterId, budgetId: budget.id, seq, ballot: cast });
  }
  return { vote, casts };
}
