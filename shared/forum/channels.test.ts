// The in-person channels' rules (channels.ts) over a forum's state, without sockets: a ballot bound
// to its first channel both ways, in-person ballots final, staff revoked or not staff refused, the
// audit entry without the choice, a stored log verify.ts replays to the same events, and the votes
// per channel (shared/city/channels.ts) against a count made here.

import { describe, expect, it } from 'vitest';
import { votesByChannel } from '../city/channels.js';
import { ballotsFromPabulib, readPabulib, writePabulib } from '../city/pabulib.js';
import { decideCastCityBallot, decideSetCityVote, type CityVoteInput } from './city.js';
import { decideInPersonBallot, decideInPersonCheck } from './channels.js';
import { decideInviteHost, decideRevokeHost } from './facilitation.js';
import { decideIdentityMethod, decidePersonJoin } from './identity.js';
import { decideTransition } from './rules.js';
import { forumCreated, Recorder, refusal } from './testing.js';
import { verifyLog } from './verify.js';

const input: CityVoteInput = {
  title: 'Бюджет участі',
  budgets: [
    { id: 'north', name: 'Північ', amount: 100 },
    { id: 'south', name: 'Південь', amount: 50 },
  ],
  projects: [
    { id: 'n1', budgetId: 'north', cost: 60, title: 'Сквер' },
    { id: 'n2', budgetId: 'north', cost: 30, title: 'Лавки' },
    { id: 's1', budgetId: 'south', cost: 40, title: 'Ліхтарі' },
  ],
  ballot: { kind: 'approval', maxChoices: 2 },
  counting: { kind: 'greedy' },
  tie: { kind: 'cheaperThenListed' },
};

const hex = (n: number) => n.toString(16).padStart(64, '0');
const person = (n: number) => hex(1000 + n);
let receipts = 0;

/** A city vote by the list, open, with staff s1 at a point and host h1 (not staff). */
function openVote(): Recorder {
  const r = new Recorder();
  r.apply([forumCreated({ id: 'city', voteOnly: true, admission: 'open', at: 1_000 })]);
  r.run(decideIdentityMethod(r.state, 'list', 1_050, 'abcdef0123456789'));
  r.run(decideSetCityVote(r.state, input, 1_100));
  r.run(decideInviteHost(r.state, 's1', 'Олена', null, hex(1), 1_200, 'ЦНАП'));
  r.run(decideInviteHost(r.state, 'h1', 'Ведучий', null, hex(2), 1_200));
  r.run(decideTransition(r.state, 'voting'));
  return r;
}

function inPerson(r: Recorder, who: number, channel: 'service-point' | 'paper', projectIds: string[], budgetId = 'north', staffId = 's1') {
  return decideInPersonBallot(
    r.state,
    { staffId, personId: person(who), participantId: `ip${who}`, tokenHash: hex(5000 + who), channel, at: 2_000 + who },
    { ...(channel === 'service-point' ? { document: 'passport' as const } : {}), ballot: { kind: 'approval', budgetId, projectIds }, receiptHash: hex(9000 + ++receipts) },
  );
}

function online(r: Recorder, who: number, projectIds: string[], budgetId = 'north') {
  if (!r.state.persons.byPerson.has(person(who))) {
    const joined = decidePersonJoin(r.state, { personId: person(who), participantId: `on${who}`, tokenHash: hex(7000 + who), name: '', at: 2_000 + who });
    if (!joined.ok) return joined;
    r.run(joined);
  }
  return decideCastCityBallot(r.state, r.state.persons.byPerson.get(person(who))!, { kind: 'approval', budgetId, projectIds }, hex(9000 + ++receipts), 2_100 + who);
}

describe('channels of a city vote', () => {
  it('binds a person to the channel of their first ballot, both ways', () => {
    const r = openVote();
    r.run(online(r, 1, ['n1']));
    expect(refusal(inPerson(r, 1, 'service-point', ['n2']))).toEqual({ code: 'CITY_CHANNEL_TAKEN', params: { channel: 'online' } });
    expect(refusal(inPerson(r, 1, 'paper', ['s1'], 'south'))).toEqual({ code: 'CITY_CHANNEL_TAKEN', params: { channel: 'online' } });
    const [joined, cast] = r.run(inPerson(r, 2, 'service-point', ['n1', 'n2']));
    expect(joined).toMatchObject({ type: 'participantJoined', personId: person(2), channel: 'service-point', by: 's1' });
    expect(cast).toMatchObject({ type: 'cityBallotCast', participantId: 'ip2', channel: 'service-point', by: 's1', document: 'passport' });
    // Online on any device now: refused at the proof.
    expect(refusal(decidePersonJoin(r.state, { personId: person(2), participantId: 'x', tokenHash: hex(7777), name: '', at: 3_000 }))).toEqual({
      code: 'CITY_CHANNEL_TAKEN',
      params: { channel: 'service-point' },
    });
    expect(refusal(inPerson(r, 2, 'paper', ['s1'], 'south')).code).toBe('CITY_CHANNEL_TAKEN');
    // Final: not twice in a budget; another budget at the same channel is taken.
    expect(refusal(inPerson(r, 2, 'service-point', ['n1']))).toEqual({ code: 'CITY_ALREADY_VOTED', params: { budgetId: 'north' } });
    r.run(inPerson(r, 2, 'service-point', ['s1'], 'south'));
    expect(decideInPersonCheck(r.state, 's1', person(2), 'service-point')).toEqual({ ok: true, value: { participantId: 'ip2', voted: ['north', 'south'] } });
  });

  it('serves in person one who only proved online, whose phone then cannot cast', () => {
    const r = openVote();
    r.run(decidePersonJoin(r.state, { personId: person(3), participantId: 'on3', tokenHash: hex(7003), name: '', at: 2_000 }));
    const [cast] = r.run(inPerson(r, 3, 'paper', ['n2']));
    expect(cast).toMatchObject({ participantId: 'on3', channel: 'paper' });
    expect(refusal(decideCastCityBallot(r.state, 'on3', { kind: 'approval', budgetId: 'south', projectIds: ['s1'] }, hex(8888), 3_000))).toEqual({
      code: 'CITY_CHANNEL_TAKEN',
      params: { channel: 'paper' },
    });
  });

  it('takes in-person ballots from standing staff only, at a service point with the document checked', () => {
    const r = openVote();
    expect(refusal(inPerson(r, 4, 'paper', ['n1'], 'north', 'h1')).code).toBe('FORBIDDEN');
    expect(refusal(inPerson(r, 4, 'paper', ['n1'], 'north', 'nobody')).code).toBe('FORBIDDEN');
    const noDocument = decideInPersonBallot(
      r.state,
      { staffId: 's1', personId: person(4), participantId: 'ip4', tokenHash: hex(5004), channel: 'service-point', at: 2_000 },
      { ballot: { kind: 'approval', budgetId: 'north', projectIds: ['n1'] }, receiptHash: hex(1) },
    );
    expect(refusal(noDocument)).toEqual({ code: 'BAD_INPUT', params: { field: 'document' } });
    expect(refusal(inPerson(r, 4, 'paper', ['n1', 'n2', 's1'])).code).toBe('CITY_REFUSED');
    r.run(decideRevokeHost(r.state, 's1', 2_500));
    expect(refusal(inPerson(r, 4, 'paper', ['n1'])).code).toBe('FORBIDDEN');
    // A point's staff serve the whole vote: never within a priority.
    const state = openVote().state;
    expect(refusal(decideInviteHost(state, 'x', 'Петро', state.structure.priorities[0].code, hex(3), 1_300, 'Бібліотека'))).toEqual({ code: 'BAD_INPUT', params: { field: 'scope' } });
  });

  it('logs who and where, never the choice; the log is replayed to the same events; votes per channel add up', () => {
    const r = openVote();
    r.run(online(r, 1, ['n1', 'n2']));
    r.run(online(r, 2, ['s1'], 'south'));
    r.run(online(r, 2, ['n1'])); // online voters may change and add until the close
    r.run(inPerson(r, 3, 'service-point', ['n1']));
    r.run(inPerson(r, 4, 'paper', ['n2']));
    r.run(inPerson(r, 4, 'paper', ['s1'], 'south'));
    const entries = r.state.moderation.filter((m) => m.action === 'inPersonBallot');
    expect(entries).toEqual([
      { at: 2_003, action: 'inPersonBallot', ideaId: null, reason: null, by: 's1', channel: 'service-point', budgetId: 'north', document: 'passport' },
      { at: 2_004, action: 'inPersonBallot', ideaId: null, reason: null, by: 's1', channel: 'paper', budgetId: 'north' },
      { at: 2_004, action: 'inPersonBallot', ideaId: null, reason: null, by: 's1', channel: 'paper', budgetId: 'south' },
    ]);
    const report = verifyLog(r.log.map((event, i) => ({ seq: i + 1, event })));
    expect(report.problems).toEqual([]);
    const byChannel = votesByChannel(r.state.city.vote!, r.state.city.casts);
    expect(byChannel).toEqual([
      {
        budgetId: 'north',
        voters: { online: 2, 'service-point': 1, paper: 1 },
        projects: [
          { projectId: 'n1', votes: { online: 2, 'service-point': 1, paper: 0 } },
          { projectId: 'n2', votes: { online: 1, 'service-point': 0, paper: 1 } },
        ],
      },
      { budgetId: 'south', voters: { online: 1, 'service-point': 0, paper: 1 }, projects: [{ projectId: 's1', votes: { online: 1, 'service-point': 0, paper: 1 } }] },
    ]);
  });

  it('writes a channel column in a ballot list only when a ballot came in person, and reads it back', () => {
    const vote = { ...input, id: 'city' } as unknown as Parameters<typeof writePabulib>[0];
    const place = { country: 'Україна', unit: 'Житомир' };
    const online = [{ voterId: 'a1', ballot: { kind: 'approval' as const, budgetId: 'north', projectIds: ['n1'] } }];
    const plain = writePabulib(vote, 'north', online, place);
    expect(plain).toContain('VOTES\nvoter_id;vote\na1;n1\n');
    expect(writePabulib(vote, 'north', online.map((l) => ({ ...l, channel: 'online' as const })), place)).toBe(plain);
    const mixed = writePabulib(vote, 'north', [...online, { voterId: 'b2', ballot: { kind: 'approval', budgetId: 'north', projectIds: ['n1', 'n2'] }, channel: 'paper' }], place);
    expect(mixed).toContain('VOTES\nvoter_id;vote;channel\na1;n1;online\nb2;n1,n2;paper\n');
    expect(ballotsFromPabulib(readPabulib(mixed), 'north').map((l) => [l.voterId, l.channel])).toEqual([
      ['a1', 'online'],
      ['b2', 'paper'],
    ]);
  });
});
