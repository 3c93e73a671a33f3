// The Method of Equal Shares (equalShares.ts, through countCityVote): worked examples computed by
// hand in the comments, the proportionality example of its authors, exact ties, and seeded random
// instances against a reference written apart (floating point, voter by voter, ρ by bisection).

import { describe, expect, it } from 'vitest';
import { countCityVote } from './counting.js';
import { equalSharesFixed } from './equalShares.js';
import type { BallotCast } from './latestBallots.js';
import { approve, castsOf, give, knap, oneBudgetVote, randomInstance, times } from './testing.js';
import type { BallotRule, CityBallot, CityVote } from './vote.js';

const mes = { kind: 'equalShares' } as const;
const outcome = (vote: CityVote, casts: BallotCast[]) => {
  const b = countCityVote(vote, casts).budgets[0];
  return { funded: b.funded.map((p) => [p.projectId, p.fundedBy]), spent: b.spent, left: b.left, addedPerVoter: b.addedPerVoter };
};

describe('equal shares, worked by hand', () => {
  it('approval with cost utilities: a voter short of money pays all they have and the other pays more', () => {
    // Budget 12, three voters, 4 each. A and B cost 6, C costs 3. v1 {A, C}, v2 {A, B}, v3 {B}.
    // Share 4. Round 1: A split by v1, v2: 3 each, ρ = 3/6 = 1/2; B likewise 1/2; C by v1 alone:
    //   3, ρ = 1. A and B level at 1/2, same cost, 2 votes each: A is listed first. v1 1, v2 1.
    //   Round 2: B's supporters hold 1 + 4 = 5 < 6; C's holds 1 < 3. Outcome {A}: 6 of 12.
    // Add one, share 5. Round 1 as before buys A (3 each): v1 2, v2 2, v3 5. Round 2: B's
    //   supporters hold 7 >= 6; at ρ = 6/12 v2 would pay 3 > 2, so v2 pays its 2 and v3 the other
    //   4 (ρ = 4/6); C: v1 holds 2 < 3. Outcome {A, B}: 12 of 12, fits; nothing is left to fit.
    // (With approval-count utilities instead, round 1 would price A, B and C alike at 3 per
    // voter and buy the cheaper C first: this example tells the two apart.)
    const vote = oneBudgetVote(12, [6, 6, 3], { kind: 'approval', maxChoices: 3 }, mes);
    const casts = castsOf([approve('p1', 'p3'), approve('p1', 'p2'), approve('p2')]);
    expect(outcome(vote, casts)).toEqual({ funded: [['p1', 'equalShares'], ['p2', 'equalShares']], spent: 12, left: 0, addedPerVoter: 1 });
    // Without completion, at the first share, only A.
    const counted = [
      { id: 'p1', cost: 6, votes: 2, tiePlace: 0 },
      { id: 'p2', cost: 6, votes: 2, tiePlace: 1 },
      { id: 'p3', cost: 3, votes: 1, tiePlace: 2 },
    ];
    const voters = [
      { weight: 1, utilities: new Map([['p1', 6], ['p3', 3]]) },
      { weight: 1, utilities: new Map([['p1', 6], ['p2', 6]]) },
      { weight: 1, utilities: new Map([['p2', 6]]) },
    ];
    expect(equalSharesFixed(counted, voters, { num: 4n, den: 1n })).toEqual(['p1']);
    expect(equalSharesFixed(counted, voters, { num: 5n, den: 1n })).toEqual(['p1', 'p2']);
    // The same ballots with approval-count utilities (1 each): at share 4, A, B and C all cost
    // their payers 3 each; C is cheaper and goes first, then B (v2 4 + v3 4 >= 6; v1 is left with
    // 1, too little for A). The counting's choice of cost utilities is what buys A instead.
    const countUtilities = voters.map((v) => ({ weight: v.weight, utilities: new Map([...v.utilities.keys()].map((id) => [id, 1])) }));
    expect(equalSharesFixed(counted, countUtilities, { num: 4n, den: 1n })).toEqual(['p3', 'p2']);
  });

  it('points as utilities, with add-one stopping where it would overspend and greedy completing', () => {
    // Budget 10, two voters, 5 each. X costs 6, Y 4, Z 5. v1 gives X 3, Y 1; v2 gives X 1, Z 3.
    // Share 5: X: ρ = 6 / (3 + 1) = 3/2, v1 pays 9/2 <= 5, v2 3/2. Y: v1 alone, ρ = 4/1 = 4.
    //   Z: v2 alone, ρ = 5/3. X is cheapest per point: bought; v1 1/2, v2 7/2. Then Y needs 4
    //   from 1/2, Z 5 from 7/2: none. Outcome {X}, 4 left, and Y (4) would fit: go on.
    // Share 6: X again (v1 pays 9/2, v2 3/2): v1 3/2, v2 9/2; Y and Z still out: {X} fits.
    // Share 7: X, then v2 holds 11/2 >= 5: Z is bought too: 11 > 10, so add-one stops at share 6.
    // Greedy completion by points: X 4, Z 3, Y 1: Z (5) does not fit the 4 left, Y (4) does.
    const vote = oneBudgetVote(10, [6, 4, 5], { kind: 'points', points: 4, maxPerProject: 3 }, mes);
    const casts = castsOf([give({ p1: 3, p2: 1 }), give({ p1: 1, p3: 3 })]);
    expect(outcome(vote, casts)).toEqual({ funded: [['p1', 'equalShares'], ['p2', 'completion']], spent: 10, left: 0, addedPerVoter: 1 });
  });

  it('gives 51% and 49% of voters their shares of the projects, where greedy gives the 51% all', () => {
    // The example equal shares was made for (Peters and Skowron; equalshares.net, "Why equal
    // shares"): 51 voters want ten red projects, 49 want ten blue ones, money for ten. Each costs
    // 100 of a budget of 1,000, so each voter holds 10. Red, at 100/51 each, goes first while its
    // voters can pay: five (5 × 100/51 = 9.80), leaving 0.20 each; blue, at 100/49, buys four
    // (8.16 of 10), leaving 1.84 each, the fifth needing 2.04: 900 spent and a project would fit.
    // Add one, share 11: red buys five (9.80 of 11, the sixth needing 1.96 of 1.20), blue five
    // (10.20 of 11): 1,000, all spent. Greedy funds red's ten.
    const red = Array.from({ length: 10 }, (_, i) => `p${i + 1}`);
    const blue = Array.from({ length: 10 }, (_, i) => `p${i + 11}`);
    const costs = Array.from({ length: 20 }, () => 100);
    const casts = castsOf([...times(51, approve(...red)), ...times(49, approve(...blue))]);
    const equal = outcome(oneBudgetVote(1000, costs, { kind: 'approval', maxChoices: 10 }, mes), casts);
    expect(equal.funded.map(([id]) => id)).toEqual([...red.slice(0, 5), ...blue.slice(0, 5)]);
    expect(equal).toMatchObject({ spent: 1000, left: 0, addedPerVoter: 1 });
    const byVotes = outcome(oneBudgetVote(1000, costs, { kind: 'approval', maxChoices: 10 }, { kind: 'greedy' }), casts);
    expect(byVotes.funded.map(([id]) => id)).toEqual(red);
  });

  it('settles exact ties by the cheaper, then more votes, then the listed order', () => {
    // Two voters, 6 each (budget 12, knapsack). A (4) and B (6) chosen by v1 alone, C (6) by v2
    // alone: with cost utilities each is bought at ρ = 1 (its chooser pays it all). Level: A is
    // cheaper and goes first; then B and C are level in ρ, cost and votes: listed order, B.
    // v1 holds 2 after A and cannot buy B, so C follows. Spent 10; B (6) does not fit 2.
    const vote = oneBudgetVote(12, [4, 6, 6], { kind: 'knapsack' }, mes);
    expect(outcome(vote, castsOf([knap('p1', 'p2'), knap('p3')]))).toEqual({ funded: [['p1', 'equalShares'], ['p3', 'equalShares']], spent: 10, left: 2, addedPerVoter: 0 });
    // D and E (6 each) both chosen by v1 and v2: each split 3 and 3, ρ = 1/2, same cost, same
    // votes: listed order, D. A third ballot {E} gives E three payers at 2 each, ρ = 1/3: E first.
    const votes = oneBudgetVote(12, [6, 6], { kind: 'knapsack' }, mes);
    const first = (ballots: CityBallot[]) => countCityVote(votes, castsOf(ballots)).budgets[0].funded[0].projectId;
    expect(first([knap('p1', 'p2'), knap('p1', 'p2')])).toBe('p1');
    expect(first([knap('p1', 'p2'), knap('p1', 'p2'), knap('p2')])).toBe('p2');
  });
});

// ---------------------------------------------------------------- random instances

/**
 * The reference, written from the method's definition and not from equalShares.ts: floating
 * point, one voter at a time, and each project's price ρ found by bisection on
 * Σ min(money_i, ρ·u_i) = cost rather than by sorting voters. Levels closer than 1e-9 count as
 * ties. Add-one then greedy completion, as equalshares.net describes them.
 */
function referenceEqualShares(vote: CityVote, casts: BallotCast[], step = 1) {
  const budget = vote.budgets[0];
  const last = new Map<string, { seq: number; ballot: CityBallot | null }>();
  for (const c of casts) if (c.budgetId === budget.id && (!last.has(c.voterId) || c.seq >= last.get(c.voterId)!.seq)) last.set(c.voterId, c);
  const ballots = [...last.values()].map((c) => c.ballot).filter((b): b is CityBallot => b !== null);
  const projects = vote.projects.filter((p) => p.budgetId === budget.id);
  const utility = (b: CityBallot, id: string, cost: number): number =>
    b.kind === 'points' ? (b.points.find((m) => m.projectId === id)?.points ?? 0) : b.projectIds.includes(id) ? cost : 0;
  const votes = new Map(projects.map((p) => [p.id, ballots.reduce((s, b) => s + (b.kind === 'points' ? utility(b, p.id, p.cost) : utility(b, p.id, p.cost) > 0 ? 1 : 0), 0)]));
  const place = new Map(projects.map((p) => [p.id, vote.projects.indexOf(p)]));
  const n = ballots.length;
  const cost = (ids: string[]) => ids.reduce((s, id) => s + projects.find((p) => p.id === id)!.cost, 0);

  const run = (share: number): string[] => {
    const money = ballots.map(() => share);
    const bought: string[] = [];
    for (;;) {
      let best: { id: string; rho: number; cost: number } | null = null;
      for (const p of projects) {
        if (bought.includes(p.id) || votes.get(p.id)! === 0) continue;
        const u = ballots.map((b) => utility(b, p.id, p.cost));
        const held = money.reduce((s, m, i) => s + (u[i] > 0 ? m : 0), 0);
        if (held < p.cost - 1e-9) continue;
        let lo = 0;
        let hi = Math.max(...money.map((m, i) => (u[i] > 0 ? m / u[i] : 0)));
        for (let k = 0; k < 200; k++) {
          const mid = (lo + hi) / 2;
          if (money.reduce((s, m, i) => s + Math.min(m, mid * u[i]), 0) < p.cost) lo = mid;
          else hi = mid;
        }
        const rho = hi;
        const better =
          !best ||
          rho < best.rho * (1 - 1e-9) ||
          (Math.abs(rho - best.rho) <= 1e-9 * best.rho &&
            (p.cost < best.cost || (p.cost === best.cost && (votes.get(p.id)! > votes.get(best.id)! || (votes.get(p.id)! === votes.get(best.id)! && place.get(p.id)! < place.get(best.id)!)))));
        if (better) best = { id: p.id, rho, cost: p.cost };
      }
      if (!best) return bought;
      bought.push(best.id);
      const u = ballots.map((b) => utility(b, best!.id, best!.cost));
      money.forEach((m, i) => (money[i] = m - Math.min(m, best!.rho * u[i])));
    }
  };

  if (n === 0) return { equalShares: [], completion: [] };
  let added = 0;
  let chosen = run(budget.amount / n);
  while (projects.some((p) => votes.get(p.id)! > 0 && !chosen.includes(p.id) && p.cost <= budget.amount - cost(chosen))) {
    const next = run(budget.amount / n + added + step);
    if (cost(next) > budget.amount) break;
    chosen = next;
    added += step;
  }
  const completion: string[] = [];
  let left = budget.amount - cost(chosen);
  const order = [...projects].sort((a, b) => votes.get(b.id)! - votes.get(a.id)! || a.cost - b.cost || place.get(a.id)! - place.get(b.id)!);
  for (const p of order) {
    if (votes.get(p.id)! > 0 && !chosen.includes(p.id) && p.cost <= left) {
      completion.push(p.id);
      left -= p.cost;
    }
  }
  return { equalShares: chosen, completion };
}

describe('equal shares on seeded random instances', () => {
  const rules: BallotRule[] = [{ kind: 'approval', maxChoices: 3 }, { kind: 'knapsack' }, { kind: 'points', points: 6, maxPerProject: 3 }];

  it('buys what the reference buys, in its order, and completes as it does (1,000 instances)', () => {
    let addedOne = 0;
    let completed = 0;
    let compared = 0;
    for (let seed = 1; compared < 1000; seed++) {
      const { vote: drawn, casts } = randomInstance(seed, rules);
      if (drawn.budgets.length !== 1) continue;
      const vote: CityVote = { ...drawn, counting: mes };
      const ours = countCityVote(vote, casts).budgets[0];
      const ref = referenceEqualShares(vote, casts);
      expect(ours.funded.filter((p) => p.fundedBy === 'equalShares').map((p) => p.projectId), `seed ${seed}`).toEqual(ref.equalShares);
      expect(ours.funded.filter((p) => p.fundedBy === 'completion').map((p) => p.projectId), `seed ${seed}`).toEqual(ref.completion);
      if ((ours.addedPerVoter ?? 0) > 0) addedOne += 1;
      if (ref.completion.length > 0) completed += 1;
      compared += 1;
    }
    // The instances do reach both completions.
    expect(addedOne).toBeGreaterThan(200);
    expect(completed).toBeGreaterThan(30);
  });

  it('completes with a larger step as the reference does with that step (300 instances)', () => {
    let differs = 0;
    for (let seed = 1, compared = 0; compared < 300; seed++) {
      const { vote: drawn, casts } = randomInstance(seed, rules);
      if (drawn.budgets.length !== 1) continue;
      const vote: CityVote = { ...drawn, counting: { kind: 'equalShares', step: 3 } };
      const ours = countCityVote(vote, casts).budgets[0];
      const ref = referenceEqualShares(vote, casts, 3);
      expect(ours.funded.filter((p) => p.fundedBy === 'equalShares').map((p) => p.projectId), `seed ${seed}`).toEqual(ref.equalShares);
      expect(ours.funded.filter((p) => p.fundedBy === 'completion').map((p) => p.projectId), `seed ${seed}`).toEqual(ref.completion);
      expect((ours.addedPerVoter ?? 0) % 3).toBe(0);
      const byOne = countCityVote({ ...vote, counting: mes }, casts).budgets[0];
      if (byOne.funded.map((p) => p.projectId).join() !== ours.funded.map((p) => p.projectId).join()) differs += 1;
      compared += 1;
    }
    // The step is a real parameter: on some votes it funds other projects than a step of one.
    expect(differs).toBeGreaterThan(0);
  });
});
