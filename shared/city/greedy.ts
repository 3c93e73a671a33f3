// Greedy by votes, within one budget: the projects in order of votes, most first (ties by the
// vote's tie rule: the cheaper first, then the fixed order); each is funded if its cost fits in
// what is left, and a project that does not fit is skipped and the walk goes on down the list, so
// a cheaper project further down can still use the money. A project nobody voted for is never
// funded. The same walk completes the Method of Equal Shares (equalShares.ts).

/** A project as the counting rules see it, with what the tie rule needs. */
export interface CountedProject {
  id: string;
  cost: number;
  /** Approvals, or points given, on the standing ballots. */
  votes: number;
  /** Place in the vote's tie order (tieOrder.ts): lower wins a tie. */
  tiePlace: number;
}

/** Most votes first; then the cheaper; then the tie order. */
export const byVotes = (a: CountedProject, b: CountedProject): number => b.votes - a.votes || a.cost - b.cost || a.tiePlace - b.tiePlace;

/**
 * The ids funded by the greedy walk, in the order funded. `funded` and `spent` let the walk start
 * where another rule stopped: those projects are passed over and their cost is already spent.
 */
export function greedyByVotes(projects: readonly CountedProject[], amount: number, funded: ReadonlySet<string> = new Set(), spent = 0): string[] {
  let left = amount - spent;
  const picked: string[] = [];
  for (const p of [...projects].sort(byVotes)) {
    if (p.votes <= 0 || funded.has(p.id) || p.cost > left) continue;
    picked.push(p.id);
    left -= p.cost;
  }
  return picked;
}
