// The city vote's rules inside a forum (city.ts): when a definition may be set, when ballots may be
// cast and withdrawn, what stands after changes, receipts never given twice, voided voters left
// out, and a stored log that verify.ts replays to the same events.

import { describe, expect, it } from 'vitest';
import { copyState } from './stateCopy.js';
import { countedCasts, decideCastCityBallot, decideSetCityVote, decideWithdrawCityBallot, normaliseReceipt, standingCasts, type CityVoteInput } from './city.js';
import { decideJoin, decideVoid } from './admission.js';
import { decideTransition } from './rules.js';
import { forumCreated, JOIN_CODE, Recorder, refusal, tokenOf } from './testing.js';
import { verifyLog } from './verify.js';

const input: CityVoteInput = {
  title: 'Бюджет участі',
  budgets: [
    { id: 'north', name: 'Північ', amount: 100 },
    { id: 'south', name: 'Південь', amount: 50 },
  ],
  projects: [
    { id: 'n1', budgetId: 'north', cost: 60, title: 'Сквер' },
    { id: 'n2', budgetId: 'north', cost: 50, title: 'Лавки', description: 'Двадцять лавок', place: 'Парк' },
    { id: 's1', budgetId: 'south', cost: 40, title: 'Ліхтарі' },
  ],
  ballot: { kind: 'knapsack' },
  counting: { kind: 'greedy' },
  tie: { kind: 'cheaperThenListed' },
};

const hash = (n: number) => n.toString(16).padStart(64, '0');

/** A vote-only forum in the lobby with participants p1 and p2. */
function cityForum(): Recorder {
  const r = new Recorder();
  r.apply([forumCreated({ id: 'city-forum', voteOnly: true, admission: 'open', at: 1_000 })]);
  for (const id of ['p1', 'p2']) r.run(decideJoin(r.state, { code: JOIN_CODE, name: '', participantId: id, tokenHash: tokenOf(id), at: 1_100 }));
  return r;
}

describe('the city vote in a forum', () => {
  it('is defined in the lobby of a vote-only forum only, and fixed once voting opens', () => {
    const plain = new Recorder();
    plain.apply([forumCreated({ id: 'hall', at: 1_000 })]);
    expect(refusal(decideSetCityVote(plain.state, input, 2_000)).code).toBe('CITY_NO_VOTE');
    const r = cityForum();
    const [event] = r.run(decideSetCityVote(r.state, input, 2_000));
    expect(event).toMatchObject({ type: 'cityVoteSet', vote: { id: 'city-forum', projects: [{ id: 'n1' }, { id: 'n2', description: 'Двадцять лавок', place: 'Парк' }, { id: 's1' }] } });
    // Defined again while still in the lobby: the later definition stands.
    r.run(decideSetCityVote(r.state, { ...input, title: 'Бюджет участі 2027' }, 2_100));
    expect(r.state.city.vote?.title).toBe('Бюджет участі 2027');
    r.run(decideTransition(r.state, 'voting'));
    expect(refusal(decideSetCityVote(r.state, input, 2_200))).toEqual({ code: 'CITY_VOTE_OPEN', params: { phase: 'voting' } });
    expect(refusal(decideSetCityVote(cityForum().state, { ...input, title: '   ' }, 2_000)).code).toBe('TEXT_REQUIRED');
    expect(refusal(decideSetCityVote(cityForum().state, { ...input, budgets: [] }, 2_000)).code).toBe('CITY_REFUSED');
  });

  it('takes ballots only while voting, keeps the latest per budget, and withdraws', () => {
    const r = cityForum();
    r.run(decideSetCityVote(r.state, input, 2_000));
    const ballot = { kind: 'knapsack', budgetId: 'north', projectIds: ['n1'] };
    expect(refusal(decideCastCityBallot(r.state, 'p1', ballot, hash(1), 2_100))).toEqual({ code: 'WRONG_PHASE', params: { phase: 'lobby' } });
    r.run(decideTransition(r.state, 'voting'));
    expect(refusal(decideCastCityBallot(r.state, 'nobody', ballot, hash(1), 2_100)).code).toBe('NOT_JOINED');
    r.run(decideCastCityBallot(r.state, 'p1', ballot, hash(1), 2_200));
    r.run(decideCastCityBallot(r.state, 'p1', { ...ballot, projectIds: ['n2'] }, hash(2), 2_300));
    r.run(decideCastCityBallot(r.state, 'p1', { kind: 'knapsack', budgetId: 'south', projectIds: ['s1'] }, hash(3), 2_400));
    expect([...standingCasts(r.state, 'p1').values()].map((c) => c.ballot)).toEqual([
      { kind: 'knapsack', budgetId: 'north', projectIds: ['n2'] },
      { kind: 'knapsack', budgetId: 'south', projectIds: ['s1'] },
    ]);
    // Over the budget, and a receipt already given: refused.
    expect(refusal(decideCastCityBallot(r.state, 'p2', { ...ballot, projectIds: ['n1', 'n2'] }, hash(4), 2_500))).toEqual({
      code: 'CITY_REFUSED',
      params: { reason: 'BALLOT_OVER_BUDGET', amount: 100, total: 110 },
    });
    expect(refusal(decideCastCityBallot(r.state, 'p2', ballot, hash(2), 2_500)).code).toBe('CITY_RECEIPT_USED');
    r.run(decideWithdrawCityBallot(r.state, 'p1', 'south', 2_600));
    expect([...standingCasts(r.state, 'p1').keys()]).toEqual(['north']);
    expect(refusal(decideWithdrawCityBallot(r.state, 'p1', 'south', 2_700))).toEqual({ code: 'CITY_NO_BALLOT', params: { budgetId: 'south' } });
    // A copy of the state knows the same, and goes its own way.
    const copy = copyState(r.state);
    r.run(decideCastCityBallot(r.state, 'p2', ballot, hash(5), 2_800));
    expect(standingCasts(copy, 'p2').size).toBe(0);
    expect(standingCasts(r.state, 'p2').size).toBe(1);
    expect(refusal(decideCastCityBallot(copy, 'p2', ballot, hash(1), 2_900)).code).toBe('CITY_RECEIPT_USED');
    // A voided voter's ballots count nowhere, and they cast no more.
    r.run(decideVoid(r.state, 'p2', 'Дві особи з одного телефона', 3_000));
    expect(countedCasts(r.state).map((c) => c.voterId)).toEqual(['p1', 'p1', 'p1', 'p1']);
    expect(refusal(decideCastCityBallot(r.state, 'p2', ballot, hash(6), 3_100)).code).toBe('VOIDED');
    // The stored log replays through the rules without a finding.
    expect(verifyLog(r.log.map((event, i) => ({ seq: i + 1, event }))).problems).toEqual([]);
    // A cast the rules would refuse, written by anything else, is found.
    const planted = [...r.log, { type: 'cityBallotCast' as const, participantId: 'p1', budgetId: 'north', ballot: { kind: 'knapsack' as const, budgetId: 'north', projectIds: ['n1', 'n2'] }, receiptHash: hash(9), at: 3_200 }];
    const found = verifyLog(planted.map((event, i) => ({ seq: i + 1, event }))).problems;
    expect(found.map((p) => [p.seq, p.error.code])).toEqual([[planted.length, 'CITY_REFUSED']]);
  });

  it('reads a receipt typed back with the forgiving rules of Crockford’s base32', () => {
    expect(normaliseReceipt('dcbn7-cp48a')).toBe('DCBN7-CP48A');
    expect(normaliseReceipt(' DCBN7 CP48A ')).toBe('DCBN7-CP48A');
    expect(normaliseReceipt('0O1IL-ABCDE')).toBe('00111-ABCDE');
    expect(normaliseReceipt('DCBN7-CP48')).toBeNull();
    expect(normaliseReceipt('DCBN7-CP48U')).toBeNull();
  });
});
