// How many have voted in a city vote, and when: for the organiser's console while the vote runs
// for days. Voters only, never what they chose: a voter is a participant with a standing ballot in
// some budget (voided ones left out); casts and first-time voters are counted by day and by hour
// in the server's own time zone.

import { countedCasts } from '../../shared/forum/city.js';
import type { ForumState } from '../../shared/forum/types.js';

export interface CityTurnout {
  /** Participants with a standing ballot in at least one budget. */
  voters: number;
  perBudget: { budgetId: string; name: string; voters: number }[];
  /** Oldest first; `day` is YYYY-MM-DD and `hour` YYYY-MM-DD HH, in the server's time zone. */
  byDay: { day: string; casts: number; newVoters: number }[];
  byHour: { hour: string; casts: number; newVoters: number }[];
}

const two = (n: number) => String(n).padStart(2, '0');
const dayOf = (d: Date) => `${d.getFullYear()}-${two(d.getMonth() + 1)}-${two(d.getDate())}`;

export function cityTurnout(state: ForumState): CityTurnout {
  const vote = state.city.vote;
  const casts = countedCasts(state);
  const standing = new Map<string, boolean>();
  for (const c of casts) standing.set(`${c.budgetId}\n${c.voterId}`, c.ballot !== null);
  const voters = new Set<string>();
  const perBudget = new Map<string, number>();
  for (const [key, stands] of standing) {
    if (!stands) continue;
    const [budgetId, voterId] = key.split('\n');
    voters.add(voterId);
    perBudget.set(budgetId, (perBudget.get(budgetId) ?? 0) + 1);
  }
  const byDay = new Map<string, { casts: number; newVoters: number }>();
  const byHour = new Map<string, { casts: number; newVoters: number }>();
  const seen = new Set<string>();
  for (const c of casts) {
    const at = new Date(c.at);
    const day = dayOf(at);
    const hour = `${day} ${two(at.getHours())}`;
    const isNew = !seen.has(c.voterId);
    seen.add(c.voterId);
    for (const [map, key] of [[byDay, day], [byHour, hour]] as const) {
      const bucket = map.get(key) ?? { casts: 0, newVoters: 0 };
      bucket.casts++;
      if (isNew) bucket.newVoters++;
      map.set(key, bucket);
    }
  }
  return {
    voters: voters.size,
    perBudget: (vote?.budgets ?? []).map((b) => ({ budgetId: b.id, name: b.name, voters: perBudget.get(b.id) ?? 0 })),
    byDay: [...byDay].map(([day, n]) => ({ day, ...n })),
    byHour: [...byHour].map(([hour, n]) => ({ hour, ...n })),
  };
}
