// The anonymised ballot lists a city vote publishes after its close: for each budget, the standing
// ballots (latestBallots.ts) in the Pabulib format (pabulib.ts) under ids that trace no one, and
// each text's SHA-256 for the canonical results. Which anonymous id a voter's line gets is the
// caller's to say (a receipt's, say), never the voter's own id.

import { castChannel, type CityChannel } from './channels.js';
import { latestBallots, type BallotCast, type StoredCast } from './latestBallots.js';
import { writePabulib, type PabulibPlace } from './pabulib.js';
import { pabulibSha256 } from './pabulibHash.js';
import type { CityVote } from './vote.js';

export interface PublishedBallotList {
  budgetId: string;
  /** The canonical Pabulib text. */
  text: string;
  /** SHA-256 of the text, 64 lowercase hex digits. */
  sha256: string;
}

export async function publishedBallotLists(
  vote: CityVote,
  casts: readonly (BallotCast & Pick<StoredCast, 'channel'>)[],
  place: PabulibPlace,
  anonymousId: (voterId: string, budgetId: string) => string,
): Promise<PublishedBallotList[]> {
  const standing = latestBallots(casts);
  // A voter's channel is their first cast's (channels.ts): each line says how its ballot came in.
  const channelOf = new Map<string, CityChannel>();
  for (const cast of casts) if (!channelOf.has(cast.voterId)) channelOf.set(cast.voterId, castChannel(cast));
  const lists: PublishedBallotList[] = [];
  for (const budget of vote.budgets) {
    const lines = (standing.get(budget.id) ?? []).map(({ voterId, ballot }) => ({ voterId: anonymousId(voterId, budget.id), ballot, channel: channelOf.get(voterId) ?? 'online' }));
    const text = writePabulib(vote, budget.id, lines, place);
    lists.push({ budgetId: budget.id, text, sha256: await pabulibSha256(text) });
  }
  return lists;
}
