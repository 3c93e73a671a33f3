// `BENCH_ONLY=citycount npm run bench` (or `npx tsx scripts/bench-city.ts`): how long a city vote
// takes to count, by greedy and by equal shares with its add-one completion, on a synthetic vote of
// 30 projects in one budget of 5,000,000, approval ballots of up to 10 projects whose popularity
// varies from 1% to 30%, at 1,000 and 10,000 voters (BENCH_CITY_VOTERS). Prints each count's time,
// the completion's rounds and what was funded. Pure CPU in this process: no server, no network.

import { countCityVote } from '../shared/city/counting.js';
import type { BallotCast } from '../shared/city/latestBallots.js';
import type { CityVote, CountingRule } from '../shared/city/vote.js';

const VOTERS = (process.env.BENCH_CITY_VOTERS ?? '1000,10000').split(',').map(Number);
const PROJECTS = 30;
const AMOUNT = 5_000_000;

/** The same vote for the same voter count on every run (a 32-bit LCG). */
function syntheticVote(voters: number): { projects: CityVote['projects']; casts: BallotCast[] } {
  let s = 1;
  const next = () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 4294967296;
  const projects = Array.from({ length: PROJECTS }, (_, i) => ({ id: `p${i + 1}`, title: `Project ${i + 1}`, cost: (50 + Math.floor(next() * 851)) * 1000, budgetId: 'city' }));
  const popularity = projects.map(() => 0.01 + next() * 0.29);
  const casts: BallotCast[] = [];
  for (let v = 0; v < voters; v++) {
    const projectIds = projects.filter((_, i) => next() < popularity[i]).slice(0, 10).map((p) => p.id);
    if (projectIds.length > 0) casts.push({ voterId: `v${v}`, budgetId: 'city', seq: v, ballot: { kind: 'approval', budgetId: 'city', projectIds } });
  }
  return { projects, casts };
}

export function benchCityCount(): void {
  console.log(`\n## City vote count: ${PROJECTS} projects, budget ${AMOUNT.toLocaleString('en')}, approval up to 10`);
  const rules: [string, CountingRule][] = [
    ['greedy', { kind: 'greedy' }],
    ['equal shares, step 1', { kind: 'equalShares' }],
    ['equal shares, step 10', { kind: 'equalShares', step: 10 }],
  ];
  for (const voters of VOTERS) {
    const { projects, casts } = syntheticVote(voters);
    for (const [name, counting] of rules) {
      const vote: CityVote = { id: 'bench', title: 'Bench', budgets: [{ id: 'city', name: 'City', amount: AMOUNT }], projects, ballot: { kind: 'approval', maxChoices: 10 }, counting, tie: { kind: 'cheaperThenListed' } };
      const started = performance.now();
      const [budget] = countCityVote(vote, casts).budgets;
      const ms = performance.now() - started;
      const rounds = budget.addedPerVoter === undefined ? '' : `, share raised by ${budget.addedPerVoter}`;
      console.log(`${voters} voters (${casts.length} ballots), ${name}: ${(ms / 1000).toFixed(2)} s${rounds}; ${budget.funded.length} funded, ${budget.left.toLocaleString('en')} left`);
    }
  }
}

if (import.meta.url === `file://${process.argv[1]}`) benchCityCount();

/**
 * `BENCH_ONLY=citypublish npm run bench`: a city vote in a forum's state, through the server's own
 * rules and publication, without a network: 10,000 voters (BENCH_CITY_VOTERS) each cast a knapsack
 * ballot in one of two budgets (one in ten changes it once), every cast decided and applied as the
 * server does and followed by the voter's view of their own ballots; then the close and the
 * publication (greedy count, the Pabulib lists and their hashes, the canonical results). Prints the
 * casts' time, per cast and in all, and the publication's.
 */
export async function benchCityPublish(): Promise<void> {
  const { decideJoin } = await import('../shared/forum/admission.js');
  const { decideCastCityBallot, decideSetCityVote, standingCasts } = await import('../shared/forum/city.js');
  const { decideTransition } = await import('../shared/forum/rules.js');
  const { applyEvent, emptyState } = await import('../shared/forum/state.js');
  const { cityPublication } = await import('../server/city/publication.js');
  const { createHash } = await import('node:crypto');
  const voters = Math.max(...VOTERS);
  console.log(`\n## City vote through the forum's rules: ${voters.toLocaleString('en')} voters, two budgets of 20 projects, knapsack`);
  const state = emptyState();
  const apply = (d: { ok: true; value: import('../shared/forum/types.js').ForumEvent[] } | { ok: false; error: { code: string } }) => {
    if (!d.ok) throw new Error(d.error.code);
    for (const e of d.value) applyEvent(state, e);
  };
  applyEvent(state, { type: 'forumCreated', id: 'bench-city', title: 'Bench', joinCode: '482913', structure: { vision: 'Bench', priorities: [] }, rules: { ideasPerParticipant: 5, dotsPerPriority: 3, maxDotsPerIdea: 2 }, at: 1, admission: 'open', voteOnly: true });
  for (let v = 0; v < voters; v++) apply(decideJoin(state, { code: '482913', name: '', participantId: `v${v}`, tokenHash: `t${v}`, at: 2, address: '' }));
  const budgets = ['north', 'south'].map((id) => ({ id, name: id, amount: 2_000_000 }));
  const projects = budgets.flatMap((b) => Array.from({ length: 20 }, (_, i) => ({ id: `${b.id}${i}`, budgetId: b.id, cost: 100_000 + i * 25_000, title: `Project ${b.id} ${i}` })));
  apply(decideSetCityVote(state, { title: 'Bench', budgets, projects, ballot: { kind: 'knapsack' }, counting: { kind: 'greedy' }, tie: { kind: 'cheaperThenListed' } }, 3));
  apply(decideTransition(state, 'voting'));
  let s = 7;
  const next = () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 4294967296;
  const ballotFor = (budgetId: string) => {
    const ids: string[] = [];
    let spent = 0;
    for (const p of projects) if (p.budgetId === budgetId && next() < 0.25 && spent + p.cost <= 2_000_000) (ids.push(p.id), (spent += p.cost));
    return { kind: 'knapsack', budgetId, projectIds: ids.length ? ids : [`${budgetId}0`] };
  };
  let casts = 0;
  const started = performance.now();
  for (let v = 0; v < voters; v++) {
    const times = next() < 0.1 ? 2 : 1;
    for (let k = 0; k < times; k++) {
      const budgetId = next() < 0.5 ? 'north' : 'south';
      apply(decideCastCityBallot(state, `v${v}`, ballotFor(budgetId), createHash('sha256').update(`r${casts}`).digest('hex'), 4 + casts));
      standingCasts(state, `v${v}`);
      casts++;
    }
  }
  const castMs = performance.now() - started;
  console.log(`${casts.toLocaleString('en')} casts decided, applied and each followed by the voter's view: ${(castMs / 1000).toFixed(2)} s, ${((castMs * 1000) / casts).toFixed(0)} µs a cast`);
  apply(decideTransition(state, 'results'));
  const publishing = performance.now();
  const publication = await cityPublication(state);
  const publishMs = performance.now() - publishing;
  const bytes = publication!.lists.reduce((n, l) => n + Buffer.byteLength(l.text), 0);
  console.log(`publication at the close (count, ${publication!.lists.length} Pabulib lists of ${(bytes / 1024).toFixed(0)} KB, hashes, canonical results): ${(publishMs / 1000).toFixed(2)} s`);
}
