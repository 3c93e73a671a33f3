// The results of a city vote: in each budget separately, the standing ballots (latestBallots.ts)
// counted by the vote's counting rule and tie rule, both fixed in its definition before it opened.
// Gives, per budget, the funded projects in the order funded, every project's votes, the money
// spent and the money left. Pure: the server decides when results may be seen (after the close).

import { everyCaseHandled } from '../exhaustive.js';
import { equalSharesWithCompletion, type EqualSharesVoter } from './equalShares.js';
import { byVotes, greedyByVotes, type CountedProject } from './greedy.js';
import { latestBallots, type BallotCast, type StandingBallot } from './latestBallots.js';
import { tiePlaces } from './tieOrder.js';
import type { CityBallot, CityVote, CountingRule, TieRule } from './vote.js';

/** How a funded project came to be funded. */
export type FundedBy = 'greedy' | 'equalShares' | 'completion';

export interface ProjectResult {
  projectId: string;
  cost: number;
  votes: number;
  /** Absent for a project not funded. */
  fundedBy?: FundedBy;
}

export interface BudgetResult {
  budgetId: string;
  amount: number;
  /** Voters with a standing ballot in this budget. */
  voters: number;
  /** Funded projects, in the order funded. */
  funded: ProjectResult[];
  /** Every project of the budget: most votes first, ties by the tie rule. */
  projects: ProjectResult[];
  spent: number;
  left: number;
  /** Equal shares only: currency units the add-one completion added to each voter's share. */
  addedPerVoter?: number;
}

export interface CityResults {
  voteId: string;
  counting: CountingRule;
  tie: TieRule;
  budgets: BudgetResult[];
}

/** What one ballot gives each project: 1 per approval, the points on a points ballot. */
export function ballotMarks(ballot: CityBallot): [string, number][] {
  return ballot.kind === 'points' ? ballot.points.map((m) => [m.projectId, m.points]) : ballot.projectIds.map((id) => [id, 1]);
}

/** Voters grouped by identical ballot, with equal shares' utility for each project. */
function equalSharesVoters(ballots: readonly StandingBallot[], costOf: ReadonlyMap<string, number>): EqualSharesVoter[] {
  const groups = new Map<string, EqualSharesVoter>();
  for (const { ballot } of ballots) {
    const marks = ballotMarks(ballot).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    const key = JSON.stringify(marks);
    const group = groups.get(key);
    if (group) {
      group.weight += 1;
      continue;
    }
    // Cost utilities on approval and knapsack ballots; the points themselves on points ballots.
    const utilities = new Map(marks.map(([id, points]) => [id, ballot.kind === 'points' ? points : (costOf.get(id) ?? 0)]));
    groups.set(key, { weight: 1, utilities });
  }
  return [...groups.values()];
}

export function countCityVote(vote: CityVote, casts: readonly BallotCast[]): CityResults {
  const standing = latestBallots(casts);
  const places = tiePlaces(vote.projects, vote.tie);
  const budgets = vote.budgets.map((budget): BudgetResult => {
    const ballots = standing.get(budget.id) ?? [];
    const own = vote.projects.filter((p) => p.budgetId === budget.id);
    const votes = new Map(own.map((p) => [p.id, 0]));
    for (const { ballot } of ballots) {
      for (const [id, n] of ballotMarks(ballot)) if (votes.has(id)) votes.set(id, (votes.get(id) ?? 0) + n);
    }
    const counted: CountedProject[] = own.map((p) => ({ id: p.id, cost: p.cost, votes: votes.get(p.id) ?? 0, tiePlace: places.get(p.id) ?? 0 }));

    const fundedBy = new Map<string, FundedBy>();
    let addedPerVoter: number | undefined;
    const rule = vote.counting;
    switch (rule.kind) {
      case 'greedy':
        for (const id of greedyByVotes(counted, budget.amount)) fundedBy.set(id, 'greedy');
        break;
      case 'equalShares': {
        const costOf = new Map(own.map((p) => [p.id, p.cost]));
        const outcome = equalSharesWithCompletion(counted, equalSharesVoters(ballots, costOf), budget.amount, rule.step ?? 1);
        for (const id of outcome.equalShares) fundedBy.set(id, 'equalShares');
        for (const id of outcome.completion) fundedBy.set(id, 'completion');
        addedPerVoter = outcome.addedPerVoter;
        break;
      }
      default:
        everyCaseHandled(rule);
    }

    const resultOf = (p: CountedProject): ProjectResult => {
      const by = fundedBy.get(p.id);
      return by ? { projectId: p.id, cost: p.cost, votes: p.votes, fundedBy: by } : { projectId: p.id, cost: p.cost, votes: p.votes };
    };
    const byId = new Map(counted.map((p) => [p.id, p]));
    const funded = [...fundedBy.keys()].map((id) => resultOf(byId.get(id)!));
    const spent = funded.reduce((s, p) => s + p.cost, 0);
    const result: BudgetResult = {
      budgetId: budget.id,
      amount: budget.amount,
      voters: ballots.length,
      funded,
      projects: [...counted].sort(byVotes).map(resultOf),
      spent,
      left: budget.amount - spent,
    };
    if (addedPerVoter !== undefined) result.addedPerVoter = addedPerVoter;
    return result;
  });
  return { voteId: vote.id, counting: vote.counting, tie: vote.tie, budgets };
}
