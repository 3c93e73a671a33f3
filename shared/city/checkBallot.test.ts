// The ballot check (checkBallot.ts) and the definition check (checkVote.ts): every kind of ballot
// taken when it is right and refused with its own code at each edge.

import { describe, expect, it } from 'vitest';
import { checkBallot } from './checkBallot.js';
import { checkVote } from './checkVote.js';
import type { BallotRule, CityVote } from './vote.js';

const voteWith = (ballot: BallotRule): CityVote => ({
  id: 'city-2027',
  title: 'Бюджет участі 2027',
  budgets: [
    { id: 'north', name: 'Північ', amount: 100 },
    { id: 'south', name: 'Південь', amount: 50 },
  ],
  projects: [
    { id: 'n1', title: 'Сквер', cost: 60, budgetId: 'north', originIdeaId: 'idea-7' },
    { id: 'n2', title: 'Лавки', cost: 40, budgetId: 'north' },
    { id: 'n3', title: 'Велодоріжка', cost: 30, budgetId: 'north' },
    { id: 's1', title: 'Бібліотека', cost: 50, budgetId: 'south' },
  ],
  ballot,
  counting: { kind: 'greedy' },
  tie: { kind: 'cheaperThenListed' },
});

const approval = voteWith({ kind: 'approval', maxChoices: 2 });
const knapsack = voteWith({ kind: 'knapsack' });
const points = voteWith({ kind: 'points', points: 5, maxPerProject: 3 });

const codeOf = (d: ReturnType<typeof checkBallot>) => (d.ok ? 'ok' : d.error.code);

describe('approval ballots', () => {
  it('takes up to K projects of one budget', () => {
    expect(checkBallot(approval, { kind: 'approval', budgetId: 'north', projectIds: ['n1', 'n3'] })).toEqual({
      ok: true,
      value: { kind: 'approval', budgetId: 'north', projectIds: ['n1', 'n3'] },
    });
    expect(codeOf(checkBallot(approval, { kind: 'approval', budgetId: 'north', projectIds: ['n2'] }))).toBe('ok');
  });

  it('refuses K+1 projects, saying the limit and the count', () => {
    expect(checkBallot(approval, { kind: 'approval', budgetId: 'north', projectIds: ['n1', 'n2', 'n3'] })).toEqual({
      ok: false,
      error: { code: 'BALLOT_TOO_MANY_CHOICES', params: { max: 2, given: 3 } },
    });
  });

  it('refuses an unknown project, a duplicate, a project of another budget, an unknown budget and an empty ballot', () => {
    expect(checkBallot(approval, { kind: 'approval', budgetId: 'north', projectIds: ['n9'] })).toEqual({
      ok: false,
      error: { code: 'BALLOT_UNKNOWN_PROJECT', params: { projectId: 'n9' } },
    });
    expect(checkBallot(approval, { kind: 'approval', budgetId: 'north', projectIds: ['n1', 'n1'] })).toEqual({
      ok: false,
      error: { code: 'BALLOT_DUPLICATE_PROJECT', params: { projectId: 'n1' } },
    });
    expect(checkBallot(approval, { kind: 'approval', budgetId: 'north', projectIds: ['s1'] })).toEqual({
      ok: false,
      error: { code: 'BALLOT_WRONG_BUDGET', params: { projectId: 's1', budgetId: 'south' } },
    });
    expect(checkBallot(approval, { kind: 'approval', budgetId: 'east', projectIds: ['n1'] })).toEqual({
      ok: false,
      error: { code: 'BALLOT_UNKNOWN_BUDGET', params: { budgetId: 'east' } },
    });
    expect(codeOf(checkBallot(approval, { kind: 'approval', budgetId: 'north', projectIds: [] }))).toBe('BALLOT_EMPTY');
  });

  it('refuses a ballot of another kind and every malformed shape', () => {
    expect(checkBallot(approval, { kind: 'knapsack', budgetId: 'north', projectIds: ['n1'] })).toEqual({
      ok: false,
      error: { code: 'BALLOT_WRONG_KIND', params: { expected: 'approval', given: 'knapsack' } },
    });
    for (const bad of [null, 7, [], { kind: 'dots' }, { kind: 'approval' }, { kind: 'approval', budgetId: 'north' }, { kind: 'approval', budgetId: 'north', projectIds: [1] }]) {
      expect(codeOf(checkBallot(approval, bad))).toBe('BALLOT_MALFORMED');
    }
  });
});

describe('knapsack ballots', () => {
  it('takes projects costing exactly the budget, and refuses one unit more', () => {
    expect(codeOf(checkBallot(knapsack, { kind: 'knapsack', budgetId: 'north', projectIds: ['n1', 'n2'] }))).toBe('ok'); // 60 + 40 = 100
    expect(checkBallot(knapsack, { kind: 'knapsack', budgetId: 'north', projectIds: ['n1', 'n3'] })).toEqual({ ok: true, value: { kind: 'knapsack', budgetId: 'north', projectIds: ['n1', 'n3'] } });
    expect(checkBallot(knapsack, { kind: 'knapsack', budgetId: 'north', projectIds: ['n1', 'n2', 'n3'] })).toEqual({
      ok: false,
      error: { code: 'BALLOT_OVER_BUDGET', params: { amount: 100, total: 130 } },
    });
    const tight = voteWith({ kind: 'knapsack' });
    tight.budgets[0].amount = 99;
    expect(checkBallot(tight, { kind: 'knapsack', budgetId: 'north', projectIds: ['n1', 'n2'] })).toEqual({
      ok: false,
      error: { code: 'BALLOT_OVER_BUDGET', params: { amount: 99, total: 100 } },
    });
  });

  it('checks the budget of the ballot, not another', () => {
    expect(codeOf(checkBallot(knapsack, { kind: 'knapsack', budgetId: 'south', projectIds: ['s1'] }))).toBe('ok');
    expect(codeOf(checkBallot(knapsack, { kind: 'knapsack', budgetId: 'south', projectIds: ['n2'] }))).toBe('BALLOT_WRONG_BUDGET');
    expect(codeOf(checkBallot(knapsack, { kind: 'knapsack', budgetId: 'north', projectIds: ['n2', 'n2'] }))).toBe('BALLOT_DUPLICATE_PROJECT');
  });
});

describe('points ballots', () => {
  const cast = (marks: [string, number][]) => checkBallot(points, { kind: 'points', budgetId: 'north', points: marks.map(([projectId, p]) => ({ projectId, points: p })) });

  it('takes points within the cap and the total', () => {
    expect(cast([['n1', 3], ['n2', 2]])).toEqual({ ok: true, value: { kind: 'points', budgetId: 'north', points: [{ projectId: 'n1', points: 3 }, { projectId: 'n2', points: 2 }] } });
  });

  it('refuses over the cap, over the total, zero, fractions, duplicates and strangers', () => {
    expect(cast([['n1', 4]])).toEqual({ ok: false, error: { code: 'BALLOT_POINTS_OVER_CAP', params: { projectId: 'n1', max: 3, given: 4 } } });
    expect(cast([['n1', 3], ['n2', 2], ['n3', 1]])).toEqual({ ok: false, error: { code: 'BALLOT_POINTS_OVER_TOTAL', params: { max: 5, given: 6 } } });
    expect(codeOf(cast([['n1', 0]]))).toBe('BALLOT_BAD_POINTS');
    expect(codeOf(cast([['n1', 1.5]]))).toBe('BALLOT_BAD_POINTS');
    expect(codeOf(cast([['n1', -1]]))).toBe('BALLOT_BAD_POINTS');
    expect(codeOf(cast([['n1', 1], ['n1', 1]]))).toBe('BALLOT_DUPLICATE_PROJECT');
    expect(codeOf(cast([['s1', 1]]))).toBe('BALLOT_WRONG_BUDGET');
    expect(codeOf(cast([['zz', 1]]))).toBe('BALLOT_UNKNOWN_PROJECT');
    expect(codeOf(cast([]))).toBe('BALLOT_EMPTY');
    expect(codeOf(checkBallot(points, { kind: 'points', budgetId: 'north', points: [{ projectId: 'n1', points: '2' }] }))).toBe('BALLOT_MALFORMED');
    expect(codeOf(checkBallot(points, { kind: 'points', budgetId: 'north', projectIds: ['n1'] }))).toBe('BALLOT_MALFORMED');
  });
});

describe('checkVote', () => {
  const refusal = (v: CityVote) => {
    const d = checkVote(v);
    return d.ok ? 'ok' : d.error;
  };

  it('takes a sound definition', () => {
    expect(refusal(approval)).toBe('ok');
    expect(refusal(points)).toBe('ok');
  });

  it('refuses duplicate ids, ids the ballot list cannot hold, unknown budgets, bad money, empty budgets and bad parameters', () => {
    const v = () => structuredClone(knapsack);
    const dup = v();
    dup.projects[1].id = 'n1';
    expect(refusal(dup)).toEqual({ code: 'VOTE_DUPLICATE_ID', params: { id: 'n1' } });
    const semi = v();
    semi.projects[0].id = 'n;1';
    expect(refusal(semi)).toEqual({ code: 'VOTE_BAD_ID', params: { id: 'n;1' } });
    const stray = v();
    stray.projects[0].budgetId = 'east';
    expect(refusal(stray)).toEqual({ code: 'VOTE_UNKNOWN_BUDGET', params: { projectId: 'n1', budgetId: 'east' } });
    const frac = v();
    frac.projects[2].cost = 30.5;
    expect(refusal(frac)).toEqual({ code: 'VOTE_BAD_AMOUNT', params: { id: 'n3' } });
    const broke = v();
    broke.budgets[1].amount = 0;
    expect(refusal(broke)).toEqual({ code: 'VOTE_BAD_AMOUNT', params: { id: 'south' } });
    const lonely = v();
    lonely.budgets.push({ id: 'east', name: 'Схід', amount: 10 });
    expect(refusal(lonely)).toEqual({ code: 'VOTE_EMPTY_BUDGET', params: { budgetId: 'east' } });
    expect(refusal(voteWith({ kind: 'approval', maxChoices: 0 }))).toEqual({ code: 'VOTE_BAD_PARAMETER', params: { field: 'maxChoices' } });
    expect(refusal(voteWith({ kind: 'points', points: 3, maxPerProject: 4 }))).toEqual({ code: 'VOTE_BAD_PARAMETER', params: { field: 'maxPerProject' } });
    const noSeed = v();
    noSeed.tie = { kind: 'cheaperThenLottery', seed: '' };
    expect(refusal(noSeed)).toEqual({ code: 'VOTE_BAD_PARAMETER', params: { field: 'seed' } });
    const halfStep = v();
    halfStep.counting = { kind: 'equalShares', step: 0.5 };
    expect(refusal(halfStep)).toEqual({ code: 'VOTE_BAD_PARAMETER', params: { field: 'step' } });
    halfStep.counting = { kind: 'equalShares', step: 10 };
    expect(refusal(halfStep)).toBe('ok');
  });
});
