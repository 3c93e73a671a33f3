// How many have voted in a city vote, and when: for the organiser's console while the vote runs
// for days. Voters only, never what they chose: a voter is a participant with a standing ballot in
// some budget (voided ones left out); casts and first-time voters are counted by day and by hour
// in the server's own time zone, and each of those by channel (online, service point, paper: a
// voter's channel is their first cast's, shared/city/channels.ts).

import { castChannel, type CityChannel } from '../../shared/city/channels.js';
import { countedCasts } from '../../shared/forum/city.js';
import type { ForumState } from '../../shared/forum/types.js';

type PerChannel = Record<CityChannel, number>;

export interface CityTurnout {
  /** Participants with a standing ballot in at least one budget. */
  voters: number;
  /** The same voters by the channel their ballot came in by. */
  perChannel: PerChannel;
  perBudget: { budgetId: string; name: string; voters: number }[];
  /** Oldest first; `day` is YYYY-MM-DD and `hour` YYYY-MM-DD HH, in the server's time zone; first-time voters also by channel. */
  byDay: { day: string; casts: number; newVoters: number; newByChannel: PerChannel }[];
  byHour: { hour: string; casts: number; newVoters: number; newByChannel: PerChannel }[];
}

const noVoters = (): PerChannel => ({ online: 0, 'service-point': 0, paper: 0 });

const two = (n: number) => String(n).padStart(2, '0');
const dayOf = (d: Date) => `${d.getFullYear()}-${two(d.getMonth() + 1)}-${two(d.getDate())}`;

export function cityTurnout(state: ForumState): CityTurnout {
  const vote = state.city.vote;
  const casts = countedCasts(state);
  const standing = new Map<string, boolean>();
  for (const c of casts) standing.set(`${c.budgetId}\n${c.voterId}`, c.ballot !== null);
  const channelOf = new Map<string, CityChannel>();
  for (const c of casts) if (!channelOf.has(c.voterId)) channelOf.set(c.voterId, castChannel(c));
  const voters = new Set<string>();
  const perBudget = new Map<string, number>();
  for (const [key, stands] of standing) {
    if (!stands) continue;
    const [budgetId, voterId] = key.split('\n');
    voters.add(voterId);
    perBudget.set(budgetId, (perBudget.get(budgetId) ?? 0) + 1);
  }
  const perChannel = noVoters();
  for (const voterId of voters) perChannel[channelOf.get(voterId) ?? 'online']++;
  const byDay = new Map<string, { casts: number; newVoters: number; newByChannel: PerChannel }>();
  const byHour = new Map<string, { casts: number; newVoters: number; newByChannel: PerChannel }>();
  const seen = new Set<string>();
  for (const c of casts) {
    const at = new Date(c.at);
    const day = dayOf(at);
    const hour = `${day} ${two(at.getHours())}`;
    const isNew = !seen.has(c.voterId);
    seen.add(c.voterId);
    for (const [map, key] of [[byDay, day], [byHour, hour]] as const) {
      const bucket = map.get(key) ?? { casts: 0, newVoters: 0, newByChannel: noVoters() };
      bucket.casts++;
      if (isNew) {
        bucket.newVoters++;
        bucket.newByChannel[channelOf.get(c.voterId) ?? 'online']++;
      }
      map.set(key, bucket);
    }
  }
  return {
    voters: voters.size,
    perChannel,
    perBudget: (vote?.budgets ?? []).map((b) => ({ budgetId: b.id, name: b.name, voters: perBudget.get(b.id) ?? 0 })),
    byDay: [...byDay].map(([day, n]) => ({ day, ...n })),
    byHour: [...byHour].map(([hour, n]) => ({ hour, ...n })),
  };
}
