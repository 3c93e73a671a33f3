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
// share of every voter is raised by one currency unit (or the rule's step) at a time and the
// method run again, as long as the outcome still fits the budget, and stopped as soon as no
// supported project left out would fit the money left; the last outcome that fits stands. Then the
// greedy walk by votes (greedy.ts) funds what still fits. All arithmetic is exact, in whole numbers
// over a common denominator.

import type { CountedProject } from './greedy.js';
import { greedyByVotes } from './greedy.js';

/** Voters with identical ballots, counted together: they hold and pay the same at every step. */
export interface EqualSharesVoter {
  weight: number;
  /** Utility for each project the ballot supports; absent means none. */
  utilities: ReadonlyMap<string, number>;
}

/**
 * Money is held exactly as whole numbers over one common denominator `scale` that grows as prices
 * need it, so no step rounds and none needs a greatest common divisor but one per round.
 * A price ρ is written as num / (scale × sum).
 */
interface Price {
  num: bigint;
  sum: bigint;
  /** The scale the price was found at (the scale only grows, by whole factors). */
  scale: bigint;
}

/** a < b, = b, > b as -1, 0, 1; prices found at different scales compare exactly all the same. */
const comparePrices = (a: Price, b: Price): number => {
  const l = a.num * b.scale * b.sum;
  const r = b.num * a.scale * a.sum;
  return l < r ? -1 : l > r ? 1 : 0;
};

interface Supporter {
  holder: number;
  weight: bigint;
  utility: bigint;
}

/**
 * ρ for a project, or null when its supporters no longer hold its cost. Found by Newton's method
 * on f(ρ) = Σ min(money_i, ρ·u_i), which is concave and piecewise linear: from ρ = cost / Σ u,
 * below the answer, each step spreads what the voters short of ρ·u cannot pay over the others,
 * never passes the answer, and lands on it exactly within as many steps as there are pieces.
 */
function priceOf(cost: number, supporters: readonly Supporter[], money: readonly bigint[], scale: bigint): Price | null {
  const costScaled = BigInt(cost) * scale;
  let held = 0n;
  let sum = 0n;
  for (const s of supporters) {
    held += s.weight * money[s.holder];
    sum += s.weight * s.utility;
  }
  if (held < costScaled || sum === 0n) return null;
  let num = costScaled;
  for (;;) {
    let short = 0n;
    let paying = 0n;
    // money_i < ρ·u_i, with ρ = num / (scale · sum) and money_i counted in 1/scale units
    for (const s of supporters) {
      const m = money[s.holder];
      if (m * sum < num * s.utility) short += s.weight * m;
      else paying += s.weight * s.utility;
    }
    const nextNum = costScaled - short;
    if (paying === 0n || nextNum * sum === num * paying) return { num, sum, scale };
    num = nextNum;
    sum = paying;
  }
}

const gcd = (a: bigint, b: bigint): bigint => {
  while (b !== 0n) [a, b] = [b, a % b];
  return a < 0n ? -a : a;
};

/** A voter's starting share, num / den currency units, exactly. */
export interface Share {
  num: bigint;
  den: bigint;
}

/** Equal shares with each voter starting at `share`: the ids bought, in the order bought. */
export function equalSharesFixed(projects: readonly CountedProject[], voters: readonly EqualSharesVoter[], share: Share): string[] {
  const holders = voters.filter((v) => v.weight > 0);
  let scale = share.den;
  const money = holders.map(() => share.num);
  const supportersOf = new Map<string, Supporter[]>();
  holders.forEach((h, holder) => {
    for (const [id, u] of h.utilities) {
      if (!(u > 0)) continue;
      const list = supportersOf.get(id) ?? [];
      list.push({ holder, weight: BigInt(h.weight), utility: BigInt(u) });
      supportersOf.set(id, list);
    }
  });
  // Each open project with the price it had when last looked at: money only goes down, so a
  // price only goes up, and one that was above the best price found this round still is.
  let open = projects.filter((p) => p.votes > 0 && supportersOf.has(p.id)).map((p) => ({ p, floor: null as Price | null }));
  const bought: string[] = [];
  for (;;) {
    open.sort((a, b) => (a.floor && b.floor ? comparePrices(a.floor, b.floor) : a.floor ? 1 : b.floor ? -1 : 0));
    let best: { p: CountedProject; rho: Price } | null = null;
    const stillOpen: typeof open = [];
    for (const entry of open) {
      if (best && entry.floor && comparePrices(entry.floor, best.rho) > 0) {
        stillOpen.push(entry);
        continue;
      }
      const rho = priceOf(entry.p.cost, supportersOf.get(entry.p.id)!, money, scale);
      // Its supporters cannot pay for it now, so never again.
      if (!rho) continue;
      entry.floor = rho;
      stillOpen.push(entry);
      const p = entry.p;
      const c = best ? comparePrices(rho, best.rho) || p.cost - best.p.cost || best.p.votes - p.votes || p.tiePlace - best.p.tiePlace : -1;
      if (c < 0) best = { p, rho };
    }
    if (!best) return bought;
    const { p, rho } = best;
    bought.push(p.id);
    open = stillOpen.filter((e) => e.p.id !== p.id);
    // Pay ρ·u each, or all they hold: rescale so that ρ·u is whole in the new units.
    const g = gcd(rho.num, rho.sum);
    const factor = rho.sum / g;
    const unit = rho.num / g;
    if (factor !== 1n) {
      scale *= factor;
      for (let i = 0; i < money.length; i++) money[i] *= factor;
    }
    for (const s of supportersOf.get(p.id)!) {
      const pay = unit * s.utility;
      money[s.holder] = money[s.holder] > pay ? money[s.holder] - pay : 0n;
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

export function equalSharesWithCompletion(projects: readonly CountedProject[], voters: readonly EqualSharesVoter[], amount: number, step = 1): EqualSharesOutcome {
  const voterCount = voters.reduce((n, v) => n + v.weight, 0);
  if (voterCount === 0) return { equalShares: [], completion: [], addedPerVoter: 0 };
  const costOf = new Map(projects.map((p) => [p.id, p.cost]));
  const total = (ids: readonly string[]) => ids.reduce((s, id) => s + (costOf.get(id) ?? 0), 0);
  const supported = projects.filter((p) => p.votes > 0);
  const shareAt = (added: number): Share => ({ num: BigInt(amount) + BigInt(added) * BigInt(voterCount), den: BigInt(voterCount) });

  let added = 0;
  let outcome = equalSharesFixed(projects, voters, shareAt(0));
  for (;;) {
    const left = amount - total(outcome);
    const chosen = new Set(outcome);
    // Ends: with every voter's share at least the cost of all supported projects, any supporter
    // alone can pay for any project, so the outcome holds them all and either exceeds the budget
    // or leaves nothing supported out.
    if (!supported.some((p) => !chosen.has(p.id) && p.cost <= left)) break;
    const next = equalSharesFixed(projects, voters, shareAt(added + step));
    if (total(next) > amount) break;
    outcome = next;
    added += step;
  }
  const completion = greedyByVotes(projects, amount, new Set(outcome), total(outcome));
  return { equalShares: outcome, completion, addedPerVoter: added };
}
