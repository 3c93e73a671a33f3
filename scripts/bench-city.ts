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
