// The Method of Equal Shares (Peters and Skowron, "Proportional participatory budgeting with
// additive utilities", NeurIPS 2021; as equalshares.net describes it), within one budget.
//
// Each voter starts with an equal share of the budget. A project can be bought when its supporters
// still hold at least its cost between them; its cost is split so that each supporter pays in
// proportion to their utility for it, at the same price ρ per unit of utility, except that a voter
// with less money left than their part pays all they have and the others cover the rest. Round by
// round the project with the lowest ρ is bought (ties: the cheaper, then more votes, then the
// vote's tie order), until none can be bought.
//
// Utilities: on approval and knapsack ballots a voter's utility for a project they chose is its
// cost ("cost utilities", the choice equalshares.net and the Pabulib studies use for approval
// ballots), so ρ is the share of the project's cost each of its supporters pays, and a costly
// project is not handicapped for being costly; on points ballots it is the points given.
//
// Completion, since equal shares alone usually leaves money unspent: add-one, then greedy. The
// share of every voter is raised by one currency unit at a time and the method run again, as long
// as the outcome still fits the budget, and stopped as soon as no supported project left out would
// fit the money left; the last outcome that fits stands. Then the greedy walk by votes (greedy.ts)
// funds what still fits. All arithmetic is exact (fraction.ts).

import { Fraction } from './fraction.js';
import type { CountedProject } from './greedy.js';
import { greedyByVotes } from './greedy.js';

/** Voters with identical ballots, counted together: they hold and pay the same at every step. */
export interface EqualSharesVoter {
  weight: number;
  /** Utility for each project the ballot supports; absent means none. */
  utilities: ReadonlyMap<string, number>;
}

interface Holder {
  weight: bigint;
  utilities: ReadonlyMap<string, number>;
  money: Fraction;
}

/** ρ for a project, or null when its supporters cannot pay for it. */
function pricePerUtility(project: CountedProject, holders: readonly Holder[]): Fraction | null {
  const cost = Fraction.of(project.cost);
  const supporters: { h: Holder; u: Fraction }[] = [];
  let money = Fraction.ZERO;
  let utility = 0n;
  for (const h of holders) {
    const u = h.utilities.get(project.id);
    if (!u) continue;
    supporters.push({ h, u: Fraction.of(u) });
    money = money.add(h.money.mul(Fraction.of(h.weight)));
    utility += h.weight * BigInt(u);
  }
  if (supporters.length === 0 || money.cmp(cost) < 0) return null;
  // Those with the least money per unit of utility run out first: each that cannot pay ρ·u pays
  // everything it has, and the rest of the cost is spread again over the others.
  supporters.sort((a, b) => a.h.money.div(a.u).cmp(b.h.money.div(b.u)));
  let paid = Fraction.ZERO;
  for (const { h, u } of supporters) {
    const rho = cost.sub(paid).div(Fraction.of(utility));
    if (rho.mul(u).cmp(h.money) <= 0) return rho;
    paid = paid.add(h.money.mul(Fraction.of(h.weight)));
    utility -= h.weight * BigInt(u.num);
  }
  return null; // unreachable: the money behind the project covers its cost
}

/** Equal shares with each voter starting at `share`: the ids bought, in the order bought. */
export function equalSharesFixed(projects: readonly CountedProject[], voters: readonly EqualSharesVoter[], share: Fraction): string[] {
  const holders: Holder[] = voters.filter((v) => v.weight > 0).map((v) => ({ weight: BigInt(v.weight), utilities: v.utilities, money: share }));
  let open = projects.filter((p) => p.votes > 0);
  const bought: string[] = [];
  for (;;) {
    let best: { p: CountedProject; rho: Fraction } | null = null;
    const stillOpen: CountedProject[] = [];
    for (const p of open) {
      const rho = pricePerUtility(p, holders);
      // Money only ever goes down, so a project its supporters cannot pay for now never comes back.
      if (!rho) continue;
      stillOpen.push(p);
      if (!best) {
        best = { p, rho };
        continue;
      }
      const c = rho.cmp(best.rho) || p.cost - best.p.cost || best.p.votes - p.votes || p.tiePlace - best.p.tiePlace;
      if (c < 0) best = { p, rho };
    }
    if (!best) return bought;
    const { p, rho } = best;
    bought.push(p.id);
    open = stillOpen.filter((q) => q.id !== p.id);
    for (const h of holders) {
      const u = h.utilities.get(p.id);
      if (u) h.money = h.money.sub(h.money.min(rho.mul(Fraction.of(u))));
    }
  }
}

export interface EqualSharesOutcome {
  /** Bought by equal shares, in the order bought, at the last share that fits the budget. */
  equalShares: string[];
  /** Funded afterwards by the greedy walk, in the order funded. */
  completion: string[];
  /** Currency units added to each voter's share by the add-one completion. */
  addedPerVoter: number;
}

export function equalSharesWithCompletion(projects: readonly CountedProject[], voters: readonly EqualSharesVoter[], amount: number): EqualSharesOutcome {
  const voterCount = voters.reduce((n, v) => n + v.weight, 0);
  if (voterCount === 0) return { equalShares: [], completion: [], addedPerVoter: 0 };
  const costOf = new Map(projects.map((p) => [p.id, p.cost]));
  const total = (ids: readonly string[]) => ids.reduce((s, id) => s + (costOf.get(id) ?? 0), 0);
  const supported = projects.filter((p) => p.votes > 0);
  const shareAt = (added: number) => Fraction.of(amount + added * voterCount, voterCount);

  let added = 0;
  let outcome = equalSharesFixed(projects, voters, shareAt(0));
  for (;;) {
    const left = amount - total(outcome);
    const chosen = new Set(outcome);
    // Ends: with every voter's share at least the cost of all supported projects, any supporter
    // alone can pay for any project, so the outcome holds them all and either exceeds the budget
    // or leaves nothing supported out.
    if (!supported.some((p) => !chosen.has(p.id) && p.cost <= left)) break;
    const next = equalSharesFixed(projects, voters, shareAt(added + 1));
    if (total(next) > amount) break;
    outcome = next;
    added += 1;
  }
  const completion = greedyByVotes(projects, amount, new Set(outcome), total(outcome));
  return { equalShares: outcome, completion, addedPerVoter: added };
}
