// The ways a ballot reaches a city vote: online (a resident's own phone), assisted at a service
// point (staff check the resident's document in person and help them fill the ballot), and paper
// (a ballot filled on paper, typed in by staff). A person votes in one channel only: their ballot
// is bound to the channel of its first cast (shared/forum/channels.ts). Results and turnout are
// also told per channel; this file counts those, as pure functions.

import { latestBallots, type StoredCast } from './latestBallots.js';
import type { CityVote } from './vote.js';

export const CITY_CHANNELS = ['online', 'service-point', 'paper'] as const;
export type CityChannel = (typeof CITY_CHANNELS)[number];
/** The channels where staff cast the ballot for a resident checked in person. */
export type InPersonChannel = Exclude<CityChannel, 'online'>;
export const IN_PERSON_CHANNELS = ['service-point', 'paper'] as const satisfies readonly InPersonChannel[];

/** Which document staff checked at a service point (the log records the kind, never its number). */
export const CHECKED_DOCUMENTS = ['passport', 'id-card', 'residence-permit', 'other'] as const;
export type CheckedDocument = (typeof CHECKED_DOCUMENTS)[number];

/** A cast's channel: what it records, or online when it records none. */
export const castChannel = (cast: Pick<StoredCast, 'channel'>): CityChannel => cast.channel ?? 'online';

export interface ChannelVotes {
  budgetId: string;
  /** Standing ballots in this budget per channel. */
  voters: Record<CityChannel, number>;
  /** Each project's votes (approvals, or points) per channel, in the vote's listed order. */
  projects: { projectId: string; votes: Record<CityChannel, number> }[];
}

const zero = (): Record<CityChannel, number> => ({ online: 0, 'service-point': 0, paper: 0 });

/**
 * Votes per channel of every project, from the standing ballots (the latest per voter and budget,
 * as counted): a voter's channel is their first cast's, which later casts keep.
 */
export function votesByChannel(vote: CityVote, casts: readonly StoredCast[]): ChannelVotes[] {
  const channelOf = new Map<string, CityChannel>();
  for (const cast of casts) if (!channelOf.has(cast.voterId)) channelOf.set(cast.voterId, castChannel(cast));
  const standing = latestBallots(casts);
  return vote.budgets.map((budget) => {
    const voters = zero();
    const votes = new Map(vote.projects.filter((p) => p.budgetId === budget.id).map((p) => [p.id, zero()]));
    for (const { voterId, ballot } of standing.get(budget.id) ?? []) {
      const channel = channelOf.get(voterId) ?? 'online';
      voters[channel]++;
      if (ballot.kind === 'points') {
        for (const { projectId, points } of ballot.points) {
          const row = votes.get(projectId);
          if (row) row[channel] += points;
        }
      } else {
        for (const projectId of ballot.projectIds) {
          const row = votes.get(projectId);
          if (row) row[channel]++;
        }
      }
    }
    return { budgetId: budget.id, voters, projects: [...votes].map(([projectId, v]) => ({ projectId, votes: v })) };
  });
}
