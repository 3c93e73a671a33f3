// Which ballots count: a voter may change or withdraw their ballot until the vote closes, so of
// everything a voter cast for one budget only the latest stands, and a withdrawal leaves nothing.
// The server's sequence number orders the casts; the counting rules see one ballot per voter and
// budget, never a voter twice.

import type { CityBallot } from './vote.js';

/** One stored cast: a ballot for a budget, or (ballot null) the withdrawal of one. */
export interface BallotCast {
  voterId: string;
  budgetId: string;
  /** The server's order of stored actions; a later cast has a greater seq. */
  seq: number;
  ballot: CityBallot | null;
}

/** A cast as a forum stores it: the receipt's hash (never the receipt) and when, beside the ballot. */
export interface StoredCast extends BallotCast {
  /** SHA-256 of the receipt given for this cast, hex; null for a withdrawal, which gives none. */
  receiptHash: string | null;
  at: number;
  /** Cast by staff for a resident checked in person (shared/city/channels.ts); absent: online. */
  channel?: 'service-point' | 'paper';
}

export interface StandingBallot {
  voterId: string;
  ballot: CityBallot;
}

/** The standing ballots of each budget, voters in the order of their ids. */
export function latestBallots(casts: readonly BallotCast[]): Map<string, StandingBallot[]> {
  const latest = new Map<string, BallotCast>();
  for (const cast of casts) {
    const key = JSON.stringify([cast.budgetId, cast.voterId]);
    const before = latest.get(key);
    if (!before || cast.seq >= before.seq) latest.set(key, cast);
  }
  const byBudget = new Map<string, StandingBallot[]>();
  for (const cast of latest.values()) {
    if (!cast.ballot) continue;
    const list = byBudget.get(cast.budgetId) ?? [];
    list.push({ voterId: cast.voterId, ballot: cast.ballot });
    byBudget.set(cast.budgetId, list);
  }
  for (const list of byBudget.values()) list.sort((a, b) => (a.voterId < b.voterId ? -1 : a.voterId > b.voterId ? 1 : 0));
  return byBudget;
}
