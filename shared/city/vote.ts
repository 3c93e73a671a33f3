// What a city vote is, fixed before it opens: its budgets (one per district or category), the
// projects on the ballot (each in exactly one budget), the kind of ballot and its parameters, the
// counting rule and the tie rule. Voters see all of it before they vote, and the results apply it
// as written, so nothing here may change once the vote opens. Pure types, no behaviour.
//
// Money is in whole currency units (hryvnias): every cost and amount is a non-negative safe
// integer, so sums and comparisons at the budget's edge are exact.

/** A pot of money with a ballot of its own: a district's budget, or a category's. */
export interface CityBudget {
  id: string;
  name: string;
  /** What the budget can spend, in whole currency units. */
  amount: number;
}

export interface CityProject {
  id: string;
  title: string;
  /** In whole currency units; a project is funded whole or not at all. */
  cost: number;
  /** The one budget this project is on the ballot of. */
  budgetId: string;
  /** The forum idea the project grew from, when it grew from one. */
  originIdeaId?: string;
  /** What the voting page shows of it: what it is and where (absent: nothing written). */
  description?: string;
  place?: string;
  /** The idea it grew from as a voter reads it: its title and the forum it was proposed at. */
  origin?: { title: string; forumTitle: string };
}

/**
 * How a voter marks a budget's ballot.
 * - approval: choose at least one and at most `maxChoices` of the budget's projects;
 * - points: spread at most `points` points over the budget's projects, at most `maxPerProject`
 *   on any one (a forum's dots, city-wide);
 * - knapsack: choose projects whose costs add up to no more than the budget's amount.
 */
export type BallotRule =
  | { kind: 'approval'; maxChoices: number }
  | { kind: 'points'; points: number; maxPerProject: number }
  | { kind: 'knapsack' };

export type BallotKind = BallotRule['kind'];

/**
 * How the ballots become funded projects, in each budget separately (counting.ts, greedy.ts and
 * equalShares.ts say each exactly).
 * - greedy: by votes, most first; a project that no longer fits is skipped and the walk goes on;
 * - equalShares: the Method of Equal Shares with the add-one completion, then greedy by votes
 *   for whatever money is left. `step` is what each round of the completion adds to every
 *   voter's share, in whole currency units: 1 unless set (the standard add-one); a larger step
 *   takes fewer rounds on a large vote and may stop short of what a step of 1 would reach.
 */
export type CountingRule = { kind: 'greedy' } | { kind: 'equalShares'; step?: number };

/**
 * Who goes first when two projects are level (equal votes under greedy, equal price per unit of
 * satisfaction under equal shares): the cheaper one, then the one with more votes (only equal
 * shares can be level with votes apart), then an order fixed before the vote: the order the
 * projects are listed in, or the order drawn from a lottery seed published before the vote opens
 * (tieOrder.ts says how, so anyone can draw it again).
 */
export type TieRule = { kind: 'cheaperThenListed' } | { kind: 'cheaperThenLottery'; seed: string };

export interface CityVote {
  id: string;
  title: string;
  budgets: CityBudget[];
  /** The order here is the listed order: the ballot's and the `cheaperThenListed` tie rule's. */
  projects: CityProject[];
  ballot: BallotRule;
  counting: CountingRule;
  tie: TieRule;
  /** Where the vote is, for the published ballot lists' META (pabulib.ts); absent: Ukraine and the vote's title. */
  place?: { country: string; unit: string };
  /** Who holds the vote's personal data and until when: its data-protection notice says so, and the server deletes it then. */
  privacy?: CityPrivacy;
}

/**
 * The organiser's part of the data-protection notice: the controller (who decides what is done with
 * the data) and how residents reach them, and the last day the personal data is kept after the
 * close (YYYY-MM-DD), and, if they wish, the purpose in their own words; the day after, the server deletes it (personsAnonymised).
 */
export interface CityPrivacy {
  controller: string;
  contact: string;
  retainUntil: string;
  /** What the data serves, in the organiser's words; the notice gives it before its own sentence of why (absent: that sentence alone). */
  purpose?: string;
}

/**
 * One voter's ballot for one budget. Approval and knapsack ballots name projects; a points ballot
 * gives each project it names a number of points. Lists, not maps, so that a project named twice
 * is seen and refused rather than silently merged.
 */
export type CityBallot =
  | { kind: 'approval' | 'knapsack'; budgetId: string; projectIds: string[] }
  | { kind: 'points'; budgetId: string; points: { projectId: string; points: number }[] };
