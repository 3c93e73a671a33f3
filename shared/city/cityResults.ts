// The results of a city vote as one canonical document, so that its SHA-256 can be published at
// the close and anyone holding the published ballot lists can count them again and compare. The
// serialisation is the forum's (canonicalJson in shared/forum/resultsHash.ts: RFC 8785, strings in
// NFC, whole numbers only). Pure: the hash of the document is taken where the caller hashes.
//
// The format, exactly (version "viche-city-results/1"):
//
//   {
//     "format": "viche-city-results/1",
//     "vote": { "id": string, "title": string },
//     "rules": { "ballot": BallotRule, "counting": CountingRule, "tie": TieRule },   // as in vote.ts
//     "budgets": [                           // in the order of the vote's definition
//       { "id": string, "name": string, "amount": int,
//         "voters": int,                     // standing ballots in this budget
//         "spent": int, "left": int,
//         "addedPerVoter": int,              // equal shares only: what the completion added
//         "ballotList": string,              // SHA-256 of the budget's Pabulib text (pabulib.ts)
//         "projects": [                      // most votes first, ties by the tie rule
//           { "id": string, "title": string, "cost": int, "votes": int,
//             "fundedBy": "greedy" | "equalShares" | "completion",   // absent when not funded
//             "fundedOrder": int }           // 1, 2, 3… in the order funded; absent when not funded
//         ] }
//     ]
//   }
//
// Nothing that names or traces a voter goes in, and no times.

import { canonicalJson } from '../forum/resultsHash.js';
import type { PublishedBallotList } from './ballotList.js';
import type { CityResults } from './counting.js';
import type { CityVote } from './vote.js';

export const CITY_RESULTS_FORMAT = 'viche-city-results/1';

export function cityResultsDocument(vote: CityVote, results: CityResults, lists: readonly PublishedBallotList[]): Record<string, unknown> {
  const titles = new Map(vote.projects.map((p) => [p.id, p.title]));
  return {
    format: CITY_RESULTS_FORMAT,
    vote: { id: vote.id, title: vote.title },
    rules: { ballot: vote.ballot, counting: vote.counting, tie: vote.tie },
    budgets: vote.budgets.map((budget) => {
      const result = results.budgets.find((b) => b.budgetId === budget.id);
      const list = lists.find((l) => l.budgetId === budget.id);
      if (!result || !list) throw new Error(`budget ${budget.id} has no results or no ballot list`);
      const order = new Map(result.funded.map((p, i) => [p.projectId, i + 1]));
      return {
        id: budget.id,
        name: budget.name,
        amount: budget.amount,
        voters: result.voters,
        spent: result.spent,
        left: result.left,
        addedPerVoter: result.addedPerVoter,
        ballotList: list.sha256,
        projects: result.projects.map((p) => ({
          id: p.projectId,
          title: titles.get(p.projectId) ?? '',
          cost: p.cost,
          votes: p.votes,
          fundedBy: p.fundedBy,
          fundedOrder: order.get(p.projectId),
        })),
      };
    }),
  };
}

/** The canonical text of a city vote's results; see the format at the top of this file. */
export const canonicalCityResults = (vote: CityVote, results: CityResults, lists: readonly PublishedBallotList[]): string =>
  canonicalJson(cityResultsDocument(vote, results, lists));
