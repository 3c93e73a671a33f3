// What a city vote publishes at its close: the results counted by the rule fixed before it opened
// (shared/city/counting.ts), each budget's anonymised ballot list in the Pabulib format, and the
// canonical results document holding each list's SHA-256, with that document's own SHA-256.
// A voter's line in a list is named by the first 16 hex digits of their standing receipt's hash
// (server/handlers/city/receipt.ts), so the receipt finds it and nothing in the list names anyone.
// Worked out once per change of the forum as saved, and only once the vote has closed.

import { publishedBallotLists, type PublishedBallotList } from '../../shared/city/ballotList.js';
import { votesByChannel, type ChannelVotes } from '../../shared/city/channels.js';
import { canonicalCityResults } from '../../shared/city/cityResults.js';
import { countCityVote } from '../../shared/city/counting.js';
import { cityVoteClosed, countedCasts } from '../../shared/forum/city.js';
import type { ForumState } from '../../shared/forum/types.js';
import { sha256Hex } from '../forum/resultsHash.js';

export interface CityPublication {
  lists: PublishedBallotList[];
  /** The canonical results text (format viche-city-results/1) and its SHA-256. */
  canonical: string;
  resultsHash: string;
  /** Receipt hash → the budget and the id its line bears in that budget's list. */
  lines: Map<string, { budgetId: string; lineId: string }>;
  /** Each budget's voters and each project's votes per channel (online, service point, paper). */
  byChannel: ChannelVotes[];
}

/** The id a standing ballot's line bears: its receipt's hash, shortened (64 bits). */
export const lineIdOf = (receiptHash: string): string => receiptHash.slice(0, 16);

export async function cityPublication(state: ForumState): Promise<CityPublication | null> {
  const vote = state.city.vote;
  if (!vote || !cityVoteClosed(state)) return null;
  const casts = countedCasts(state);
  // The standing cast of each voter in each budget names the line; a withdrawal leaves none.
  const standing = new Map<string, string | null>();
  for (const c of casts) standing.set(JSON.stringify([c.voterId, c.budgetId]), c.receiptHash);
  const lines = new Map<string, { budgetId: string; lineId: string }>();
  const anonymousId = (voterId: string, budgetId: string): string => {
    const hash = standing.get(JSON.stringify([voterId, budgetId]));
    if (!hash) throw new Error(`a standing ballot without a receipt in budget ${budgetId}`);
    const lineId = lineIdOf(hash);
    lines.set(hash, { budgetId, lineId });
    return lineId;
  };
  const place = vote.place ?? { country: 'Ukraine', unit: vote.title };
  const lists = await publishedBallotLists(vote, casts, place, anonymousId);
  const canonical = canonicalCityResults(vote, countCityVote(vote, casts), lists);
  return { lists, canonical, resultsHash: sha256Hex(canonical), lines, byChannel: votesByChannel(vote, casts) };
}

/** Keeps the publication of a forum until its saved state changes. */
export class CityPublications {
  private kept: { version: number; publication: Promise<CityPublication | null> } | null = null;

  of(shown: { state: ForumState; version: number }): Promise<CityPublication | null> {
    if (this.kept?.version !== shown.version) this.kept = { version: shown.version, publication: cityPublication(shown.state) };
    return this.kept.publication;
  }
}
