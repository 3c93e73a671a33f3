// The canonical results of a city vote (cityResults.ts): the published ballot lists' hashes inside
// them, found again from the files read back, and the same text whatever order the casts came in.

import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { publishedBallotLists } from './ballotList.js';
import { canonicalCityResults } from './cityResults.js';
import { countCityVote } from './counting.js';
import type { BallotCast } from './latestBallots.js';
import { ballotsFromPabulib, readPabulib } from './pabulib.js';
import { randomInstance } from './testing.js';
import type { CityVote } from './vote.js';

const place = { country: 'Ukraine', unit: 'Zhytomyr' };
const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');
const anonymous = (voterId: string, budgetId: string) => `a${sha256(`${budgetId}/${voterId}`).slice(0, 12)}`;

async function publish(vote: CityVote, casts: BallotCast[]) {
  const lists = await publishedBallotLists(vote, casts, place, anonymous);
  return { lists, canonical: canonicalCityResults(vote, countCityVote(vote, casts), lists) };
}

describe('canonicalCityResults', () => {
  it('holds each ballot list hash, found again by hashing the file, and recounting the file gives the same text', async () => {
    const { vote: drawn, casts } = randomInstance(11, [{ kind: 'knapsack' }]);
    const vote: CityVote = { ...drawn, counting: { kind: 'equalShares' } };
    const { lists, canonical } = await publish(vote, casts);
    const doc = JSON.parse(canonical) as { format: string; budgets: { id: string; ballotList: string; projects: { fundedOrder?: number }[] }[] };
    expect(doc.format).toBe('viche-city-results/1');
    for (const list of lists) {
      expect(doc.budgets.find((b) => b.id === list.budgetId)?.ballotList).toBe(sha256(list.text));
    }
    // Anyone with the files alone: read them back, count them, publish again: the same document.
    const recast: BallotCast[] = lists.flatMap((l) => ballotsFromPabulib(readPabulib(l.text), l.budgetId).map((line, i) => ({ voterId: line.voterId, budgetId: l.budgetId, seq: i, ballot: line.ballot })));
    const again = await publishedBallotLists(vote, recast, place, (id) => id);
    expect(canonicalCityResults(vote, countCityVote(vote, recast), again)).toBe(canonical);
    expect(doc.budgets.some((b) => b.projects.some((p) => p.fundedOrder === 1))).toBe(true);
  });

  it('is the same text for the same ballots in any order, and another for one ballot changed', async () => {
    const { vote, casts } = randomInstance(5, [{ kind: 'approval', maxChoices: 3 }]);
    const { canonical } = await publish(vote, casts);
    expect((await publish(vote, [...casts].reverse())).canonical).toBe(canonical);
    expect(canonical).not.toMatch(/"v\d+"/); // no voter id
    const last = casts[casts.length - 1];
    const changed: BallotCast = { ...last, seq: last.seq + 1, ballot: null };
    expect((await publish(vote, [...casts, changed])).canonical).not.toBe(canonical);
  });
});
