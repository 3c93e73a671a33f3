// Unit tests for a city vote's persons (identity.ts): choosing the way before anyone holds a
// ballot, batches of voter codes and their bounds, list entries once each, and one ballot per
// person: a person's further device gets the ballot they hold, a voided person none, a plain join
// none. The events replay to the state they were applied to.

import { describe, expect, it } from 'vitest';
import { decideJoin, decideVoid } from './admission.js';
import { decideIdentityMethod, decideIssueVoterCodes, decideListEntries, decidePersonJoin, VOTER_CODES_MAX, VOTER_CODES_PER_BATCH, voterCodesIssued } from './identity.js';
import { replay } from './state.js';
import { JOIN_CODE, Recorder, accepted, forumCreated, refusal, snapshot } from './testing.js';

const person = (n: number) => n.toString(16).padStart(64, '0');
const entry = (n: number) => n.toString(16).padStart(32, '0');

function voteForum(): Recorder {
  const r = new Recorder();
  r.apply([forumCreated({ voteOnly: true, at: 1 }), { type: 'phaseChanged', from: 'lobby', to: 'voting' }]);
  return r;
}

const join = (r: Recorder, personId: string, participantId: string, tokenHash = `token-${participantId}`) =>
  decidePersonJoin(r.state, { personId, participantId, tokenHash, name: '', at: 10 });

describe('the way people prove who they are', () => {
  it('is a vote-only forum’s, chosen before anyone holds a ballot, and set again to nothing', () => {
    const evening = new Recorder();
    evening.apply([forumCreated({ at: 1 })]);
    expect(refusal(decideIdentityMethod(evening.state, 'codes', 2))).toEqual({ code: 'BAD_INPUT', params: { field: 'identity' } });
    const r = voteForum();
    expect(refusal(decideIdentityMethod(r.state, 'passport' as never, 2))).toEqual({ code: 'BAD_INPUT', params: { field: 'identity' } });
    r.apply(accepted(decideIdentityMethod(r.state, 'codes', 2)));
    expect(decideIdentityMethod(r.state, 'codes', 3)).toEqual({ ok: true, value: [] });
    r.apply(accepted(join(r, person(1), 'p1')));
    expect(refusal(decideIdentityMethod(r.state, 'list', 4))).toEqual({ code: 'IDENTITY_LOCKED', params: { count: 1 } });
    expect(refusal(decideIdentityMethod(r.state, null, 4)).code).toBe('IDENTITY_LOCKED');
  });

  it('refuses a device’s plain join in such a vote, and a proof where there is none', () => {
    const r = voteForum();
    expect(refusal(join(r, person(1), 'p1'))).toEqual({ code: 'IDENTITY_REQUIRED' });
    r.apply(accepted(decideIdentityMethod(r.state, 'list', 2)));
    expect(refusal(decideJoin(r.state, { code: JOIN_CODE, name: '', participantId: 'x', tokenHash: 'tx', at: 3 }))).toEqual({ code: 'IDENTITY_REQUIRED' });
    expect(refusal(join(r, 'not-a-hash', 'p1'))).toEqual({ code: 'BAD_INPUT', params: { field: 'personId' } });
  });
});

describe('voter codes', () => {
  it('are issued in batches of consecutive serials, within bounds', () => {
    const r = voteForum();
    expect(accepted(decideIssueVoterCodes(r.state, 1000, 2))).toEqual([{ type: 'voterCodesIssued', batch: 1, first: 1, count: 1000, at: 2 }]);
    r.apply(accepted(decideIssueVoterCodes(r.state, 1000, 2)));
    r.apply(accepted(decideIssueVoterCodes(r.state, VOTER_CODES_PER_BATCH, 3)));
    expect(voterCodesIssued(r.state)).toBe(1000 + VOTER_CODES_PER_BATCH);
    for (const bad of [0, -1, 1.5, VOTER_CODES_PER_BATCH + 1]) expect(refusal(decideIssueVoterCodes(r.state, bad, 4))).toEqual({ code: 'BAD_INPUT', params: { field: 'count' } });
    for (let i = 0; voterCodesIssued(r.state) + VOTER_CODES_PER_BATCH <= VOTER_CODES_MAX; i++) r.apply(accepted(decideIssueVoterCodes(r.state, VOTER_CODES_PER_BATCH, 5)));
    expect(refusal(decideIssueVoterCodes(r.state, VOTER_CODES_PER_BATCH, 6))).toEqual({ code: 'IDENTITY_LIMIT', params: { max: VOTER_CODES_MAX } });
    r.apply([{ type: 'phaseChanged', from: 'voting', to: 'results' }, { type: 'phaseChanged', from: 'results', to: 'closed' }]);
    expect(refusal(decideIssueVoterCodes(r.state, 1, 7)).code).toBe('WRONG_PHASE');
  });
});

describe('the eligibility list', () => {
  it('takes each entry once, as a 128-bit keyed hash', () => {
    const r = voteForum();
    r.apply(accepted(decideListEntries(r.state, [entry(1), entry(2)], 2)));
    expect(refusal(decideListEntries(r.state, [entry(3), entry(2)], 3))).toEqual({ code: 'BAD_INPUT', params: { field: 'entry' } });
    expect(refusal(decideListEntries(r.state, [entry(3), entry(3)], 3))).toEqual({ code: 'BAD_INPUT', params: { field: 'entry' } });
    expect(refusal(decideListEntries(r.state, [person(3)], 3))).toEqual({ code: 'BAD_INPUT', params: { field: 'entry' } });
    expect(refusal(decideListEntries(r.state, [], 3))).toEqual({ code: 'BAD_INPUT', params: { field: 'count' } });
    expect(accepted(decideListEntries(r.state, [entry(3)], 3))).toEqual([{ type: 'eligibleListed', batch: 2, entries: [entry(3)], at: 3 }]);
  });
});

describe('one ballot per person', () => {
  it('gives a person’s further device the ballot they hold, which replays to the same state', () => {
    const r = voteForum();
    r.apply(accepted(decideIdentityMethod(r.state, 'codes', 2)));
    r.apply(accepted(join(r, person(1), 'p1', 'phone-1')));
    const again = accepted(join(r, person(1), 'p9', 'phone-2'));
    expect(again).toEqual([{ type: 'deviceLinked', participantId: 'p1', personId: person(1), tokenHash: 'phone-2', at: 10 }]);
    r.apply(again);
    expect(r.state.participants.size).toBe(1);
    expect(r.state.participantsByToken.get('phone-2')).toBe('p1');
    expect(refusal(join(r, person(1), 'p10', 'phone-2'))).toEqual({ code: 'ALREADY_JOINED' });
    r.apply(accepted(join(r, person(2), 'p2', 'phone-3')));
    expect(r.state.participants.size).toBe(2);
    expect(snapshot(replay(r.log))).toBe(snapshot(r.state));
  });

  it('gives a voided person no ballot on any device', () => {
    const r = voteForum();
    r.apply(accepted(decideIdentityMethod(r.state, 'list', 2)));
    r.apply(accepted(join(r, person(1), 'p1', 'phone-1')));
    r.apply(accepted(decideVoid(r.state, 'p1', 'Двічі', 3)));
    expect(refusal(join(r, person(1), 'p2', 'phone-2'))).toEqual({ code: 'VOIDED', params: { reason: 'Двічі' } });
  });
});
