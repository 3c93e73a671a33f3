// Greedy by votes (greedy.ts, through countCityVote): worked examples at the budget's edge,
// changed and withdrawn ballots, and seeded random instances against a reference written apart.

import { describe, expect, it } from 'vitest';
import { checkBallot } from './checkBallot.js';
import { countCityVote } from './counting.js';
import type { BallotCast } from './latestBallots.js';
import { approve, castsOf, give, knap, oneBudgetVote, randomInstance, times } from './testing.js';
import { tieOrder } from './tieOrder.js';
import type { BallotRule, CityBallot, CityVote } from './vote.js';

const greedy = { kind: 'greedy' } as const;
const fundedIds = (vote: CityVote, casts: BallotCast[]) => countCityVote(vote, casts).budgets[0].funded.map((p) => p.projectId);

describe('greedy by votes', () => {
  it('skips a project that does not fit and goes on down the list', () => {
    // Budget 100; votes p1 5, p2 4, p3 3, p4 1; costs 70, 50, 30, 10.
    // p1 (70) fits, 30 left; p2 (50) does not; p3 (30) fits exactly, 0 left; p4 does not.
    const vote = oneBudgetVote(100, [70, 50, 30, 10], { kind: 'approval', maxChoices: 4 }, greedy);
    const casts = castsOf([...times(3, approve('p1', 'p2', 'p3')), approve('p1', 'p2'), approve('p1', 'p4')]);
    const result = countCityVote(vote, casts).budgets[0];
    expect(result.projects.map((p) => [p.projectId, p.votes])).toEqual([['p1', 5], ['p2', 4], ['p3', 3], ['p4', 1]]);
    expect(result.funded.map((p) => p.projectId)).toEqual(['p1', 'p3']);
    expect(result).toMatchObject({ spent: 100, left: 0, voters: 5 });
  });

  it('settles a knapsack tie exactly at the budget edge by the cheaper first, then the listed order', () => {
    // Budget 100. p1 (60) has 4 votes and is funded: 40 left. p2 (40) and p3 (40) have 2 votes
    // each and both fit the 40 exactly, but not together: equal cost, so the listed order funds p2.
    const vote = oneBudgetVote(100, [60, 40, 40], { kind: 'knapsack' }, greedy);
    const ballots = [knap('p1', 'p2'), knap('p1', 'p3'), knap('p1', 'p2'), knap('p1', 'p3')];
    expect(fundedIds(vote, castsOf(ballots))).toEqual(['p1', 'p2']);
    // Listed the other way round, the same ballots fund p3: the order decides, nothing else.
    const swapped = { ...vote, projects: [vote.projects[0], vote.projects[2], vote.projects[1]] };
    expect(fundedIds(swapped, castsOf(ballots))).toEqual(['p1', 'p3']);
    // p4 (35) level with them on votes is cheaper, so it goes first, and then neither 40 fits
    // the 5 left: cheaper-first wins the edge even though p2 would have spent the budget exactly.
    const withCheaper = oneBudgetVote(100, [60, 40, 40, 35], { kind: 'knapsack' }, greedy);
    const more = [knap('p1', 'p2'), knap('p1', 'p3'), knap('p1'), knap('p1'), knap('p2', 'p3'), knap('p4'), knap('p4')];
    for (const b of more) expect(checkBallot(withCheaper, b).ok).toBe(true);
    const result = countCityVote(withCheaper, castsOf(more)).budgets[0];
    expect(result.projects.map((p) => [p.projectId, p.votes])).toEqual([['p1', 4], ['p4', 2], ['p2', 2], ['p3', 2]]);
    expect(result.funded.map((p) => p.projectId)).toEqual(['p1', 'p4']);
    expect(result).toMatchObject({ spent: 95, left: 5 });
  });

  it('funds a project costing exactly what is left, and not one costing a unit more', () => {
    // p2 and p3 have a vote each; p2 is cheaper, goes first and fits the 1 left exactly.
    const vote = oneBudgetVote(100, [99, 1, 2], { kind: 'knapsack' }, greedy);
    expect(fundedIds(vote, castsOf([knap('p1', 'p2'), knap('p1', 'p3')]))).toEqual(['p1', 'p2']);
    const over = oneBudgetVote(100, [99, 2], { kind: 'knapsack' }, greedy);
    expect(fundedIds(over, castsOf([knap('p1'), knap('p1'), knap('p2')]))).toEqual(['p1']);
  });

  it('counts points and never funds a project nobody voted for', () => {
    const vote = oneBudgetVote(100, [50, 50, 10], { kind: 'points', points: 5, maxPerProject: 3 }, greedy);
    const result = countCityVote(vote, castsOf([give({ p1: 3, p2: 2 }), give({ p2: 3 })])).budgets[0];
    expect(result.projects.map((p) => [p.projectId, p.votes])).toEqual([['p2', 5], ['p1', 3], ['p3', 0]]);
    expect(result.funded.map((p) => p.projectId)).toEqual(['p2', 'p1']);
    expect(result.left).toBe(0);
    const quiet = countCityVote(oneBudgetVote(100, [10], { kind: 'knapsack' }, greedy), []).budgets[0];
    expect(quiet).toMatchObject({ funded: [], spent: 0, left: 100, voters: 0 });
  });

  it('counts a changed ballot once, its latest form, and a withdrawn one not at all', () => {
    const vote = oneBudgetVote(10, [10, 10, 10], { kind: 'approval', maxChoices: 1 }, greedy);
    const casts: BallotCast[] = [
      { voterId: 'ann', budgetId: 'b', seq: 1, ballot: approve('p1') },
      { voterId: 'bo', budgetId: 'b', seq: 2, ballot: approve('p1') },
      { voterId: 'cy', budgetId: 'b', seq: 3, ballot: approve('p2') },
      { voterId: 'ann', budgetId: 'b', seq: 4, ballot: approve('p2') }, // ann changes to p2
      { voterId: 'bo', budgetId: 'b', seq: 5, ballot: null }, // bo withdraws
      { voterId: 'dee', budgetId: 'b', seq: 6, ballot: approve('p3') },
      { voterId: 'dee', budgetId: 'b', seq: 7, ballot: approve('p3') }, // the same ballot again
    ];
    const result = countCityVote(vote, casts).budgets[0];
    expect(result.voters).toBe(3);
    expect(result.projects.map((p) => [p.projectId, p.votes])).toEqual([['p2', 2], ['p3', 1], ['p1', 0]]);
    expect(result.funded.map((p) => p.projectId)).toEqual(['p2']);
    // The order the casts arrive in does not matter: seq decides which is the latest.
    expect(countCityVote(vote, [...casts].reverse())).toEqual(countCityVote(vote, casts));
  });

  it('counts each budget on its own ballots and money', () => {
    const vote: CityVote = {
      ...oneBudgetVote(50, [30, 30], { kind: 'approval', maxChoices: 2 }, greedy),
      budgets: [
        { id: 'b', name: 'North', amount: 50 },
        { id: 'c', name: 'South', amount: 100 },
      ],
    };
    vote.projects.push({ id: 'q1', title: 'Q', cost: 80, budgetId: 'c' }, { id: 'q2', title: 'Q2', cost: 30, budgetId: 'c' });
    const casts: BallotCast[] = [
      { voterId: 'v1', budgetId: 'b', seq: 1, ballot: approve('p1', 'p2') },
      { voterId: 'v1', budgetId: 'c', seq: 2, ballot: { kind: 'approval', budgetId: 'c', projectIds: ['q1', 'q2'] } },
      { voterId: 'v2', budgetId: 'c', seq: 3, ballot: { kind: 'approval', budgetId: 'c', projectIds: ['q1'] } },
    ];
    const [north, south] = countCityVote(vote, casts).budgets;
    expect(north).toMatchObject({ budgetId: 'b', voters: 1, spent: 30, left: 20 });
    expect(north.funded.map((p) => p.projectId)).toEqual(['p1']);
    expect(south).toMatchObject({ budgetId: 'c', voters: 2, spent: 80, left: 20 });
    expect(south.funded.map((p) => p.projectId)).toEqual(['q1']);
  });

  it('settles a tie by the published lottery order, drawn again here from its written steps', () => {
    // The draw as tieOrder.ts writes it out, done again independently of its code.
    const drawn = (seed: string, ids: string[]) => {
      let h = 0x811c9dc5;
      for (const byte of Buffer.from(seed, 'utf8')) h = Number((BigInt((h ^ byte) >>> 0) * 16777619n) % 4294967296n);
      let state = h;
      const draw = () => {
        state = (state + 0x6d2b79f5) % 4294967296;
        let t = state;
        t = Math.imul(t ^ (t >>> 15), t | 1);
        t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
        return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
      };
      const out = [...ids];
      for (let i = out.length - 1; i > 0; i--) {
        const j = Math.floor(draw() * (i + 1));
        [out[i], out[j]] = [out[j], out[i]];
      }
      return out;
    };
    const ids = ['p1', 'p2', 'p3', 'p4', 'p5', 'p6'];
    for (const seed of ['Житомир 2027', 'a', 'seed-42', '']) {
      expect(tieOrder(ids.map((id) => ({ id })), { kind: 'cheaperThenLottery', seed })).toEqual(drawn(seed, ids));
    }
    // Six projects of equal cost and equal votes, money for one: the lottery's first one wins.
    const seed = 'Житомир 2027';
    const vote = oneBudgetVote(10, [10, 10, 10, 10, 10, 10], { kind: 'approval', maxChoices: 6 }, greedy, { kind: 'cheaperThenLottery', seed });
    expect(fundedIds(vote, castsOf([approve(...ids)]))).toEqual([drawn(seed, ids)[0]]);
    expect(new Set(['Житомир 2027', 'a', 'seed-42'].map((s) => drawn(s, ids).join()))).toHaveProperty('size', 3);
  });
});

// ---------------------------------------------------------------- random instances

/**
 * The reference: replay the casts into a plain record of each voter's last ballot, add the votes
 * up, then fund, again and again, the best project among those that still fit (most votes, then
 * cheaper, then listed first) until none fits. Walking a sorted list and skipping what does not fit
 * must fund the same projects in the same order, since money left only shrinks.
 */
function referenceGreedy(vote: CityVote, casts: BallotCast[]) {
  return vote.budgets.map((budget) => {
    const last: Record<string, { seq: number; ballot: CityBallot | null }> = {};
    for (const c of casts) if (c.budgetId === budget.id && (!(c.voterId in last) || c.seq >= last[c.voterId].seq)) last[c.voterId] = c;
    const votes: Record<string, number> = {};
    for (const { ballot } of Object.values(last)) {
      if (!ballot) continue;
      if (ballot.kind === 'points') for (const m of ballot.points) votes[m.projectId] = (votes[m.projectId] ?? 0) + m.points;
      else for (const id of ballot.projectIds) votes[id] = (votes[id] ?? 0) + 1;
    }
    const listed = vote.projects.filter((p) => p.budgetId === budget.id);
    let money = budget.amount;
    const funded: string[] = [];
    for (;;) {
      const fits = listed.filter((p) => !funded.includes(p.id) && (votes[p.id] ?? 0) > 0 && p.cost <= money);
      if (fits.length === 0) break;
      let best = fits[0];
      for (const p of fits.slice(1)) {
        const [vb, vp] = [votes[best.id] ?? 0, votes[p.id] ?? 0];
        if (vp > vb || (vp === vb && p.cost < best.cost)) best = p; // equal: the listed-earlier stays
      }
      funded.push(best.id);
      money -= best.cost;
    }
    return { funded, left: money, votes: listed.map((p) => votes[p.id] ?? 0) };
  });
}

describe('greedy on seeded random instances', () => {
  const rules: BallotRule[] = [{ kind: 'approval', maxChoices: 3 }, { kind: 'knapsack' }, { kind: 'points', points: 6, maxPerProject: 3 }];

  it('funds what the reference funds, in its order, with the same votes and money left (2,000 instances)', () => {
    let funded = 0;
    let skippedOne = 0;
    for (let seed = 1; seed <= 2000; seed++) {
      const { vote, casts } = randomInstance(seed, rules);
      const ours = countCityVote(vote, casts).budgets;
      const ref = referenceGreedy(vote, casts);
      ours.forEach((b, i) => {
        const listed = vote.projects.filter((p) => p.budgetId === b.budgetId).map((p) => p.id);
        expect(b.funded.map((p) => p.projectId), `seed ${seed}`).toEqual(ref[i].funded);
        expect(b.left, `seed ${seed}`).toBe(ref[i].left);
        expect(listed.map((id) => b.projects.find((p) => p.projectId === id)!.votes), `seed ${seed}`).toEqual(ref[i].votes);
        funded += b.funded.length;
        // An instance where a better-voted project was passed over for not fitting.
        const passed = b.projects.some((p, k) => !p.fundedBy && p.votes > 0 && b.projects.slice(k + 1).some((q) => q.fundedBy));
        if (passed) skippedOne += 1;
      });
    }
    // The instances do exercise the walk: many fund something, and many skip a project and go on.
    expect(funded).toBeGreaterThan(2000);
    expect(skippedOne).toBeGreaterThan(100);
  });
});
