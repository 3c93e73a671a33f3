// Unit tests for a city vote's persons (identity.ts): choosing the way before anyone holds a
// ballot, batches of voter codes and their bounds, list entries once each, and one ballot per
// person: a person's further device gets the ballot they hold, a voided person none, a plain join
// none. The events replay to the state they were applied to. In an e-ID vote, what persons are
// keyed by (OIDC_PERSON_CLAIM) is recorded with the first e-ID person and held to the close.

import { describe, expect, it } from 'vitest';
import { decideJoin, decideVoid } from './admission.js';
import { decideInPersonBallot } from './channels.js';
import { decideIdentityMethod, decideIssueVoterCodes, decideListEntries, decidePersonJoin, eIdKeyHeld, VOTER_CODES_MAX, VOTER_CODES_PER_BATCH, voterCodesIssued } from './identity.js';
import { replay } from './state.js';
import { verifyLog } from './verify.js';
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

describe('the e-ID key of a vote', () => {
  const eIdJoin = (r: Recorder, personId: string, participantId: string, eIdKey?: string) =>
    decidePersonJoin(r.state, { personId, participantId, tokenHash: `token-${participantId}`, name: '', at: 10, ...(eIdKey ? { eIdKey } : {}) });

  it('is recorded with the first e-ID person only, and a server keying otherwise is refused, however the person comes', () => {
    const r = voteForum();
    r.apply(accepted(decideIdentityMethod(r.state, 'oidc', 2)));
    const [first] = r.run(eIdJoin(r, person(1), 'p1', 'claim:drfocode'));
    expect(first).toMatchObject({ type: 'participantJoined', eIdKey: 'claim:drfocode' });
    expect(r.state.persons.eIdKey).toBe('claim:drfocode');
    const [second] = r.run(eIdJoin(r, person(2), 'p2', 'claim:drfocode'));
    expect(second).not.toHaveProperty('eIdKey');
    // Under the subject (the claim unset), or another claim: a new person and a known one alike.
    expect(refusal(eIdJoin(r, person(3), 'p3', 'subject'))).toEqual({ code: 'EID_SETTING_CHANGED', params: { began: 'drfocode', now: '' } });
    expect(refusal(eIdJoin(r, person(1), 'p4', 'claim:other'))).toEqual({ code: 'EID_SETTING_CHANGED', params: { began: 'drfocode', now: 'other' } });
    expect(refusal(eIdJoin(r, person(3), 'p3', 'claim:'))).toEqual({ code: 'BAD_INPUT', params: { field: 'eIdKey' } });
    expect(eIdKeyHeld(r.state, 'claim:drfocode')).toEqual({ ok: true, value: null });
    expect(snapshot(replay(r.log))).toBe(snapshot(r.state));
  });

  it('is recorded by staff’s entry when that comes first, and concerns no other way in', () => {
    const r = voteForum();
    r.apply([
      { type: 'identitySet', method: 'oidc', at: 2 },
      {
        type: 'cityVoteSet',
        vote: { id: 'v', title: 'V', budgets: [{ id: 'b', name: 'B', amount: 10 }], projects: [{ id: 'x', title: 'X', cost: 5, budgetId: 'b' }], ballot: { kind: 'approval', maxChoices: 1 }, counting: { kind: 'greedy' }, tie: { kind: 'cheaperThenListed' } },
        at: 2,
      },
      { type: 'hostInvited', hostId: 'staff', name: 'Олена', scope: null, secretHash: 'h', at: 3, point: 'ЦНАП' },
    ]);
    const staffBallot = (personId: string, participantId: string, eIdKey: string) =>
      decideInPersonBallot(
        r.state,
        { staffId: 'staff', personId, participantId, tokenHash: `t-${participantId}`, channel: 'paper', at: 4, eIdKey },
        { ballot: { kind: 'approval', budgetId: 'b', projectIds: ['x'] }, receiptHash: `r-${participantId}` },
      );
    const events = r.run(staffBallot(person(1), 'p1', 'subject'));
    expect(events[0]).toMatchObject({ type: 'participantJoined', eIdKey: 'subject' });
    expect(refusal(staffBallot(person(2), 'p2', 'claim:drfocode'))).toEqual({ code: 'EID_SETTING_CHANGED', params: { began: '', now: 'drfocode' } });
    expect(refusal(eIdJoin(r, person(2), 'p2', 'claim:drfocode')).code).toBe('EID_SETTING_CHANGED');
    // A vote by voter codes never records one, whatever the server says.
    const codes = voteForum();
    codes.apply(accepted(decideIdentityMethod(codes.state, 'codes', 2)));
    expect(codes.run(eIdJoin(codes, person(1), 'p1', 'subject'))[0]).not.toHaveProperty('eIdKey');
    expect(codes.state.persons.eIdKey).toBeNull();
  });

  it('is held by the log’s rules: a later person recorded under another key is found', () => {
    const r = voteForum();
    r.apply(accepted(decideIdentityMethod(r.state, 'oidc', 2)));
    r.run(eIdJoin(r, person(1), 'p1', 'claim:drfocode'));
    r.run(eIdJoin(r, person(2), 'p2', 'claim:drfocode'));
    const logged = (log: typeof r.log) => log.map((event, i) => ({ seq: i + 1, event }));
    expect(verifyLog(logged(r.log)).problems).toEqual([]);
    // A second recording, of another key: the person it brought is one the rules would have refused.
    const tampered = [...r.log, { type: 'participantJoined' as const, participantId: 'p3', tokenHash: 'token-p3', name: '', at: 10, personId: person(3), eIdKey: 'subject' }];
    expect(verifyLog(logged(tampered)).problems.map((p) => p.error.code)).toEqual(['EID_SETTING_CHANGED']);
    // The same key recorded again is more than the rules record.
    const again = [...r.log, { type: 'participantJoined' as const, participantId: 'p3', tokenHash: 'token-p3', name: '', at: 10, personId: person(3), eIdKey: 'claim:drfocode' }];
    expect(verifyLog(logged(again)).problems.map((p) => p.error)).toEqual([{ code: 'BAD_INPUT', params: { field: 'eIdKey' } }]);
  });
});
