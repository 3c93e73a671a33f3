// Unit tests for who gets a ballot (admission.ts): joining under each admission mode, the
// per-address cap, printed tickets (issued, used once, released, moved), voiding, and that the
// new events replay to exactly the state they were applied to. Forums are built as the server
// builds them: decide*, then applyEvent on what was decided.

import { describe, expect, it } from 'vitest';
import type { Decision } from './errors.js';
import {
  codeDigits,
  decideAddressCap,
  decideAdmissionMode,
  decideIssueTickets,
  decideJoin,
  decideReleaseTicket,
  decideVoid,
  findTicket,
  type JoinRequest,
} from './admission.js';
import {
  checkParticipant,
  decideEditIdea,
  decidePlaceDot,
  decideRemoveDot,
  decideRename,
  decideReveal,
  decideSubmitIdea,
  decideWithdrawIdea,
  dotsLeft,
} from './rules.js';
import { ballotCount, replay } from './state.js';
import { JOIN_CODE, TestForum, accepted, idea, refusal, snapshot, tokenOf } from './testing.js';
import { LIMITS, PHASES, type AdmissionMode, type ForumEvent } from './types.js';

// ---------------------------------------------------------------- helpers

/** A join request of a new device: the forum's fixed code, no name, no address, unless overridden. */
function request(participantId: string, over: Partial<JoinRequest> = {}): JoinRequest {
  return { code: JOIN_CODE, name: '', participantId, tokenHash: tokenOf(participantId), at: 5_000, ...over };
}

/** A forum in the lobby admitting people by `mode`. */
function forumIn(mode: AdmissionMode): TestForum {
  const f = new TestForum();
  f.run(decideAdmissionMode(f.state, mode));
  expect(f.state.admission).toBe(mode);
  return f;
}

/** Ticket codes as the server draws them: ten digits, the first never 0. */
const ticketCode = (n: number) => String(1_000_000_000 + n);

/** Issues `count` tickets with the codes ticketCode(from…) and the ids t<from>…; returns the codes. */
function issue(f: TestForum, count: number, from = f.state.tickets.size + 1): string[] {
  const codes = Array.from({ length: count }, (_, i) => ticketCode(from + i));
  f.run(decideIssueTickets(f.state, codes, codes.map((_, i) => `t${from + i}`), f.now()));
  return codes;
}

/** A forum admitting by tickets, with `count` of them issued. */
function ticketForum(count = 3): { f: TestForum; codes: string[] } {
  const f = forumIn('tickets');
  return { f, codes: issue(f, count) };
}

/** Every rule a phone's command goes through, for a participant, in the current phase. */
function phoneRules(f: TestForum, participantId: string, ideaId: string): [string, Decision<unknown>][] {
  const text = { goalCode: null, title: 'Інша назва', description: '', place: '' };
  return [
    ['checkParticipant', checkParticipant(f.state, participantId)],
    ['rename', decideRename(f.state, participantId, 'Нове імʼя')],
    ['submit', decideSubmitIdea(f.state, participantId, idea(), 'new-idea', f.now())],
    ['edit', decideEditIdea(f.state, participantId, ideaId, text, f.now())],
    ['withdraw', decideWithdrawIdea(f.state, participantId, ideaId)],
    ['place a dot', decidePlaceDot(f.state, participantId, ideaId)],
    ['remove a dot', decideRemoveDot(f.state, participantId, ideaId)],
  ];
}

// ---------------------------------------------------------------- joining under each mode

describe('decideJoin: the open mode', () => {
  it('admits the forum’s fixed code, typed with spaces or dashes too', () => {
    const f = new TestForum();
    expect(f.state.admission).toBe('open');
    const events = accepted(decideJoin(f.state, request('p1', { code: '482 913', name: '  Олена ', address: '10.0.0.7' })));
    expect(events).toEqual([
      { type: 'participantJoined', participantId: 'p1', tokenHash: tokenOf('p1'), name: 'Олена', at: 5_000, address: '10.0.0.7' },
    ]);
    f.apply(events);
    expect(f.state.participants.get('p1')).toMatchObject({ address: '10.0.0.7', ticketId: null, voided: null });
    expect(f.state.participantsByAddress.get('10.0.0.7')).toBe(1);
    expect(accepted(decideJoin(f.state, request('p2', { code: '48-29-13' })))[0].type).toBe('participantJoined');
    expect(codeDigits(' 48 29-13 ')).toBe('482913');
  });

  it('refuses any other code, whatever the server says about hall codes', () => {
    const f = new TestForum();
    const before = snapshot(f.state);
    expect(refusal(decideJoin(f.state, request('p1', { code: '482914' })))).toEqual({ code: 'WRONG_CODE' });
    expect(refusal(decideJoin(f.state, request('p1', { code: '' })))).toEqual({ code: 'WRONG_CODE' });
    expect(refusal(decideJoin(f.state, request('p1', { code: '111111', hallCodeValid: true })))).toEqual({ code: 'WRONG_CODE' });
    expect(snapshot(f.state)).toBe(before);
  });

  it('refuses a device that has already joined, and everyone once the forum is closed', () => {
    const f = new TestForum();
    f.join('p1');
    expect(refusal(decideJoin(f.state, request('p2', { tokenHash: tokenOf('p1') })))).toEqual({ code: 'ALREADY_JOINED' });
    f.to('closed');
    expect(refusal(decideJoin(f.state, request('p3')))).toEqual({ code: 'WRONG_PHASE', params: { phase: 'closed' } });
  });

  it('admits in every phase before closed: late-comers may still vote', () => {
    for (const phase of PHASES.filter((p) => p !== 'closed')) {
      const f = new TestForum().to(phase);
      expect(accepted(decideJoin(f.state, request('late')))[0].type).toBe('participantJoined');
    }
  });
});

describe('decideJoin: the hall mode', () => {
  it('admits only when the server found the hall code valid', () => {
    const f = forumIn('hall');
    const events = accepted(decideJoin(f.state, request('p1', { code: '735102', hallCodeValid: true })));
    expect(events).toEqual([{ type: 'participantJoined', participantId: 'p1', tokenHash: tokenOf('p1'), name: '', at: 5_000 }]);
  });

  it('refuses without that, even the forum’s fixed code', () => {
    const f = forumIn('hall');
    expect(refusal(decideJoin(f.state, request('p1', { code: '735102' })))).toEqual({ code: 'WRONG_CODE' });
    expect(refusal(decideJoin(f.state, request('p1', { code: JOIN_CODE, hallCodeValid: false })))).toEqual({ code: 'WRONG_CODE' });
  });
});

describe('decideJoin: the tickets mode', () => {
  it('refuses a code that is no ticket, the fixed code included', () => {
    const { f } = ticketForum();
    expect(refusal(decideJoin(f.state, request('p1', { code: ticketCode(99) })))).toEqual({ code: 'WRONG_CODE' });
    expect(refusal(decideJoin(f.state, request('p1', { code: JOIN_CODE })))).toEqual({ code: 'WRONG_CODE' });
    expect(refusal(decideJoin(f.state, request('p1', { code: '', hallCodeValid: true })))).toEqual({ code: 'WRONG_CODE' });
  });

  it('binds a ticket to the first device that presents it', () => {
    const { f, codes } = ticketForum();
    const events = f.run(decideJoin(f.state, request('p1', { code: `${codes[1].slice(0, 5)} ${codes[1].slice(5)}`, address: '10.0.0.1' })));
    expect(events).toEqual([
      { type: 'participantJoined', participantId: 'p1', tokenHash: tokenOf('p1'), name: '', at: 5_000, address: '10.0.0.1', ticketId: 't2' },
    ]);
    expect(f.state.participants.get('p1')?.ticketId).toBe('t2');
    expect(findTicket(f.state, codes[1])).toMatchObject({ id: 't2', number: 2, participantId: 'p1', released: false });
    // The other tickets stay free.
    expect(findTicket(f.state, codes[0])?.participantId).toBeNull();
  });

  it('refuses a used ticket on a second device', () => {
    const { f, codes } = ticketForum();
    f.run(decideJoin(f.state, request('p1', { code: codes[0] })));
    const before = snapshot(f.state);
    expect(refusal(decideJoin(f.state, request('p2', { code: codes[0] })))).toEqual({ code: 'TICKET_USED' });
    expect(snapshot(f.state)).toBe(before);
    // The second device can still use a ticket of its own.
    expect(accepted(decideJoin(f.state, request('p2', { code: codes[1] })))[0]).toMatchObject({ ticketId: 't2' });
  });

  it('after a release, moves the ballot, ideas and dots included, to the next device', () => {
    const { f, codes } = ticketForum();
    f.run(decideJoin(f.state, request('p1', { code: codes[0], name: 'Олена', address: '10.0.0.1' })));
    f.run(decideJoin(f.state, request('p2', { code: codes[1] })));
    f.to('ideas');
    const mine = f.submit('p1', 'A', 'Лавки');
    const theirs = f.submit('p2', 'A', 'Ліхтарі');
    f.to('voting');
    f.dot('p1', theirs, 2);
    f.dot('p2', mine);

    const released = f.run(decideReleaseTicket(f.state, codes[0], f.now()));
    expect(released).toEqual([{ type: 'ticketReleased', ticketId: 't1', at: expect.any(Number) as number }]);
    expect(findTicket(f.state, codes[0])?.released).toBe(true);
    expect(f.state.moderation.at(-1)).toMatchObject({ action: 'releaseTicket', participantId: 'p1', ideaId: null });
    // Released twice: nothing more to do.
    expect(accepted(decideReleaseTicket(f.state, codes[0], f.now()))).toEqual([]);

    const moved = f.run(decideJoin(f.state, request('ignored', { code: codes[0], tokenHash: 'new-phone', address: '10.0.0.2', at: 9_000 })));
    expect(moved).toEqual([{ type: 'ballotMoved', participantId: 'p1', ticketId: 't1', tokenHash: 'new-phone', address: '10.0.0.2', at: 9_000 }]);
    expect(f.state.participantsByToken.get('new-phone')).toBe('p1');
    expect(f.state.participantsByToken.has(tokenOf('p1'))).toBe(false);
    expect(f.state.participants.has('ignored')).toBe(false);
    expect(f.state.participants.size).toBe(2);
    expect(f.state.participants.get('p1')).toMatchObject({ name: 'Олена', tokenHash: 'new-phone', ticketId: 't1', voided: null });
    expect(f.state.ideas.get(mine)).toMatchObject({ authorId: 'p1', status: 'active' });
    expect(f.dotsOn('p1', theirs)).toBe(2);
    expect(f.dotsOn('p2', mine)).toBe(1);
    expect(findTicket(f.state, codes[0])).toMatchObject({ participantId: 'p1', released: false });
    // The ballot carries on from the new device, and the ticket is bound again.
    f.dot('p1', mine);
    expect(dotsLeft(f.state, 'p1', 'A')).toBe(0);
    expect(refusal(decideJoin(f.state, request('p3', { code: codes[0], tokenHash: 'third-phone' })))).toEqual({ code: 'TICKET_USED' });
    // The old phone's token is nobody's now: presenting the ticket again does not bring it back.
    expect(refusal(decideJoin(f.state, request('p4', { code: codes[0], tokenHash: tokenOf('p1') })))).toEqual({ code: 'TICKET_USED' });
  });

  it('moves a released ballot even to an address at its cap: it is not a new ballot', () => {
    const { f, codes } = ticketForum(3);
    f.run(decideJoin(f.state, request('p1', { code: codes[0], address: '10.0.0.1', addressCap: 1 })));
    f.run(decideJoin(f.state, request('p2', { code: codes[1], address: '10.0.0.2', addressCap: 1 })));
    f.run(decideReleaseTicket(f.state, codes[0], f.now()));
    const moved = accepted(decideJoin(f.state, request('x', { code: codes[0], tokenHash: 'h', address: '10.0.0.2', addressCap: 1 })));
    expect(moved[0].type).toBe('ballotMoved');
    // A new ballot from there is still capped.
    expect(refusal(decideJoin(f.state, request('p3', { code: codes[2], address: '10.0.0.2', addressCap: 1 })))).toEqual({
      code: 'ADDRESS_LIMIT',
      params: { max: 1 },
    });
  });

  it('release: unknown and unused tickets are refused', () => {
    const { f, codes } = ticketForum();
    expect(refusal(decideReleaseTicket(f.state, ticketCode(77), 1))).toEqual({ code: 'TICKET_NOT_FOUND' });
    expect(refusal(decideReleaseTicket(f.state, codes[0], 1))).toEqual({ code: 'TICKET_NOT_USED' });
    f.run(decideJoin(f.state, request('p1', { code: codes[0] })));
    f.to('closed');
    expect(refusal(decideReleaseTicket(f.state, codes[0], 1))).toEqual({ code: 'WRONG_PHASE', params: { phase: 'closed' } });
  });

  it('a voided participant’s ticket is neither released nor moved', () => {
    const { f, codes } = ticketForum();
    f.run(decideJoin(f.state, request('p1', { code: codes[0] })));
    f.run(decideJoin(f.state, request('p2', { code: codes[1] })));
    f.run(decideReleaseTicket(f.state, codes[1], f.now()));
    f.run(decideVoid(f.state, 'p1', 'Два телефони', f.now()));
    f.run(decideVoid(f.state, 'p2', 'Підкуп', f.now()));
    expect(refusal(decideReleaseTicket(f.state, codes[0], 1))).toEqual({ code: 'ALREADY_VOIDED' });
    expect(refusal(decideJoin(f.state, request('p3', { code: codes[0] })))).toEqual({ code: 'VOIDED', params: { reason: 'Два телефони' } });
    // Released before the void: still no way back in with it.
    expect(refusal(decideJoin(f.state, request('p3', { code: codes[1] })))).toEqual({ code: 'VOIDED', params: { reason: 'Підкуп' } });
  });
});

// ---------------------------------------------------------------- the per-address cap

describe('decideJoin: the per-address cap', () => {
  const from = (f: TestForum, participantId: string, address: string, addressCap: number | undefined) =>
    decideJoin(f.state, request(participantId, { address, ...(addressCap === undefined ? {} : { addressCap }) }));

  it('admits up to the cap from one address, then refuses ADDRESS_LIMIT; other addresses are not affected', () => {
    const f = new TestForum();
    for (const id of ['p1', 'p2', 'p3']) f.run(from(f, id, '10.0.0.1', 3));
    const before = snapshot(f.state);
    expect(refusal(from(f, 'p4', '10.0.0.1', 3))).toEqual({ code: 'ADDRESS_LIMIT', params: { max: 3 } });
    expect(snapshot(f.state)).toBe(before);
    f.run(from(f, 'p4', '10.0.0.2', 3));
    expect(f.state.participantsByAddress.get('10.0.0.1')).toBe(3);
    expect(f.state.participantsByAddress.get('10.0.0.2')).toBe(1);
    // A higher cap lets the next one in.
    f.run(from(f, 'p5', '10.0.0.1', 4));
  });

  it('applies in the hall and tickets modes too', () => {
    const hall = forumIn('hall');
    hall.run(decideJoin(hall.state, request('p1', { address: '10.0.0.1', addressCap: 1, hallCodeValid: true })));
    expect(refusal(decideJoin(hall.state, request('p2', { address: '10.0.0.1', addressCap: 1, hallCodeValid: true })))).toEqual({
      code: 'ADDRESS_LIMIT',
      params: { max: 1 },
    });
    const { f, codes } = ticketForum(2);
    f.run(decideJoin(f.state, request('p1', { code: codes[0], address: '10.0.0.1', addressCap: 1 })));
    expect(refusal(decideJoin(f.state, request('p2', { code: codes[1], address: '10.0.0.1', addressCap: 1 }))).code).toBe('ADDRESS_LIMIT');
    // Refused, the ticket stays free for its holder.
    expect(findTicket(f.state, codes[1])?.participantId).toBeNull();
  });

  it('a cap of 0, no cap, or an unknown address: no limit', () => {
    const f = new TestForum();
    for (let i = 0; i < 8; i++) f.run(from(f, `zero${i}`, '10.0.0.1', 0));
    for (let i = 0; i < 8; i++) f.run(from(f, `none${i}`, '10.0.0.1', undefined));
    for (let i = 0; i < 8; i++) f.run(from(f, `blank${i}`, '', 1));
    expect(f.state.participantsByAddress.get('10.0.0.1')).toBe(16);
    expect(f.state.participantsByAddress.has('')).toBe(false);
    expect(f.state.participants.size).toBe(24);
  });

  it('voided participants still count against their address', () => {
    const f = new TestForum();
    f.run(from(f, 'p1', '10.0.0.1', 2));
    f.run(from(f, 'p2', '10.0.0.1', 2));
    f.run(decideVoid(f.state, 'p1', 'Дубль', f.now()));
    expect(ballotCount(f.state)).toBe(1);
    expect(refusal(from(f, 'p3', '10.0.0.1', 2))).toEqual({ code: 'ADDRESS_LIMIT', params: { max: 2 } });
  });

  it('checks the name after the cap, and only for new ballots', () => {
    const f = new TestForum();
    expect(refusal(decideJoin(f.state, request('p1', { name: 'я'.repeat(LIMITS.name + 1) }))).code).toBe('TEXT_TOO_LONG');
    f.run(from(f, 'p1', '10.0.0.1', 1));
    expect(refusal(decideJoin(f.state, request('p2', { address: '10.0.0.1', addressCap: 1, name: 'я'.repeat(LIMITS.name + 1) }))).code).toBe(
      'ADDRESS_LIMIT',
    );
  });
});

// ---------------------------------------------------------------- settings

describe('decideAdmissionMode', () => {
  it('changes the mode in the lobby, and a change to the same mode is no event', () => {
    const f = new TestForum();
    expect(accepted(decideAdmissionMode(f.state, 'open'))).toEqual([]);
    for (const mode of ['tickets', 'hall', 'open'] as const) {
      const events = f.run(decideAdmissionMode(f.state, mode));
      expect(events).toEqual([{ type: 'admissionSet', mode }]);
      expect(f.state.admission).toBe(mode);
    }
  });

  it('refuses an unknown mode', () => {
    const f = new TestForum();
    expect(refusal(decideAdmissionMode(f.state, 'everyone' as AdmissionMode))).toEqual({ code: 'BAD_INPUT', params: { field: 'mode' } });
  });

  for (const phase of PHASES.filter((p) => p !== 'lobby')) {
    it(`refuses in ${phase}: changing it mid-evening would strand people`, () => {
      const f = new TestForum().to(phase);
      expect(refusal(decideAdmissionMode(f.state, 'tickets'))).toEqual({ code: 'WRONG_PHASE', params: { phase } });
      expect(f.state.admission).toBe('open');
    });
  }
});

describe('decideAddressCap', () => {
  it('accepts 0 (off) up to the limit, in any phase but closed', () => {
    const f = new TestForum();
    expect(f.state.maxPerAddress).toBeNull();
    for (const max of [0, 1, 3, LIMITS.maxPerAddress]) {
      expect(f.run(decideAddressCap(f.state, max))).toEqual([{ type: 'addressCapSet', max }]);
      expect(f.state.maxPerAddress).toBe(max);
    }
    f.to('voting');
    f.run(decideAddressCap(f.state, 5));
    expect(f.state.maxPerAddress).toBe(5);
    f.to('closed');
    expect(refusal(decideAddressCap(f.state, 5))).toEqual({ code: 'WRONG_PHASE', params: { phase: 'closed' } });
  });

  for (const bad of [-1, LIMITS.maxPerAddress + 1, 1.5, Number.NaN, Number.POSITIVE_INFINITY]) {
    it(`refuses ${bad}`, () => {
      const f = new TestForum();
      expect(refusal(decideAddressCap(f.state, bad))).toEqual({ code: 'BAD_INPUT', params: { field: 'maxPerAddress' } });
    });
  }
});

// ---------------------------------------------------------------- tickets

describe('decideIssueTickets', () => {
  it('numbers tickets on across batches, and each batch gets the next batch number', () => {
    const f = forumIn('tickets');
    const first = f.run(decideIssueTickets(f.state, [ticketCode(1), ticketCode(2), ticketCode(3)], ['a', 'b', 'c'], 7_000));
    expect(first).toEqual([
      {
        type: 'ticketsIssued',
        batch: 1,
        tickets: [
          { id: 'a', code: ticketCode(1), number: 1 },
          { id: 'b', code: ticketCode(2), number: 2 },
          { id: 'c', code: ticketCode(3), number: 3 },
        ],
        at: 7_000,
      },
    ]);
    const second = f.run(decideIssueTickets(f.state, ['98765432', '123456789012'], ['d', 'e'], 8_000));
    expect(second[0]).toMatchObject({ batch: 2, tickets: [{ number: 4 }, { number: 5 }] });
    expect(f.state.tickets.get('e')).toEqual({
      id: 'e',
      code: '123456789012',
      number: 5,
      batch: 2,
      issuedAt: 8_000,
      participantId: null,
      released: false,
    });
    expect(f.state.ticketsByCode.get('98765432')).toBe('d');
    // Tickets may be printed in any phase but closed, and in any mode (printed ahead of the evening).
    f.to('voting');
    expect(accepted(decideIssueTickets(f.state, [ticketCode(9)], ['f'], 1))[0]).toMatchObject({ batch: 3, tickets: [{ number: 6 }] });
  });

  it('refuses a code already issued, a code twice in one batch, and malformed codes', () => {
    const { f, codes } = ticketForum(2);
    const before = snapshot(f.state);
    const badCode = { code: 'BAD_INPUT', params: { field: 'code' } };
    expect(refusal(decideIssueTickets(f.state, [ticketCode(50), codes[1]], ['x', 'y'], 1))).toEqual(badCode);
    expect(refusal(decideIssueTickets(f.state, [ticketCode(50), ticketCode(50)], ['x', 'y'], 1))).toEqual(badCode);
    for (const bad of ['12345', '12a4567', '', ' 1234567', '1'.repeat(21), '１２３４５６']) {
      expect(refusal(decideIssueTickets(f.state, [bad], ['x'], 1)), JSON.stringify(bad)).toEqual(badCode);
    }
    expect(snapshot(f.state)).toBe(before);
  });

  it('refuses an empty batch, a batch over the limit, and ids that do not match the codes', () => {
    const f = forumIn('tickets');
    const badCount = { code: 'BAD_INPUT', params: { field: 'count' } };
    expect(refusal(decideIssueTickets(f.state, [], [], 1))).toEqual(badCount);
    expect(refusal(decideIssueTickets(f.state, [ticketCode(1)], ['a', 'b'], 1))).toEqual(badCount);
    const tooMany = Array.from({ length: LIMITS.ticketsPerBatch + 1 }, (_, i) => ticketCode(i));
    expect(refusal(decideIssueTickets(f.state, tooMany, tooMany, 1))).toEqual(badCount);
    const most = tooMany.slice(1);
    expect(accepted(decideIssueTickets(f.state, most, most, 1))[0]).toMatchObject({ batch: 1 });
  });

  it('refuses TICKET_LIMIT beyond the most a forum may have', () => {
    const f = forumIn('tickets');
    while (f.state.tickets.size < LIMITS.tickets - 1) issue(f, Math.min(LIMITS.ticketsPerBatch, LIMITS.tickets - 1 - f.state.tickets.size));
    const before = snapshot(f.state);
    expect(refusal(decideIssueTickets(f.state, [ticketCode(0), ticketCode(-1)], ['y', 'z'], 1))).toEqual({
      code: 'TICKET_LIMIT',
      params: { max: LIMITS.tickets },
    });
    expect(snapshot(f.state)).toBe(before);
    issue(f, 1);
    expect(f.state.tickets.size).toBe(LIMITS.tickets);
    expect([...f.state.tickets.values()].at(-1)?.number).toBe(LIMITS.tickets);
    expect(refusal(decideIssueTickets(f.state, [ticketCode(0)], ['y'], 1)).code).toBe('TICKET_LIMIT');
  });

  it('refuses once the forum is closed', () => {
    const f = forumIn('tickets').to('closed');
    expect(refusal(decideIssueTickets(f.state, [ticketCode(1)], ['a'], 1))).toEqual({ code: 'WRONG_PHASE', params: { phase: 'closed' } });
  });
});

// ---------------------------------------------------------------- voiding

describe('decideVoid', () => {
  /**
   * p1 is to be voided. p1 has two active ideas (a1 in A, b1 in B), one withdrawn (w1) and one
   * hidden by a moderator (h1); p2 has a2. Everyone has dots on each other's ideas.
   */
  function votingForum() {
    const f = new TestForum();
    f.joinAll('p1', 'p2', 'p3');
    f.to('ideas');
    const a1 = f.submit('p1', 'A', 'Лавки');
    const b1 = f.submit('p1', 'B', 'Дерева');
    const w1 = f.submit('p1', 'A', 'Передумав');
    const h1 = f.submit('p1', 'C', 'Реклама');
    const a2 = f.submit('p2', 'A', 'Ліхтарі');
    f.withdraw('p1', w1);
    f.to('voting');
    f.hide(h1, 'Реклама');
    f.dot('p1', a2, 2);
    f.dot('p1', a1);
    f.dot('p2', a1);
    f.dot('p2', a2);
    f.dot('p3', a1, 2);
    f.dot('p3', b1);
    f.dot('p3', a2);
    return { f, a1, b1, w1, h1, a2 };
  }

  it('takes the participant’s dots off, hides their active ideas with the reason and refunds others’ dots on them', () => {
    const { f, a1, b1, w1, h1, a2 } = votingForum();
    const events = f.run(decideVoid(f.state, 'p1', '  Голосував   з двох телефонів ', 9_000));
    expect(events).toEqual([{ type: 'participantVoided', participantId: 'p1', reason: 'Голосував з двох телефонів', at: 9_000 }]);
    const reason = 'Голосував з двох телефонів';

    expect(f.state.participants.get('p1')?.voided).toEqual({ reason, at: 9_000 });
    expect(f.state.voidedCount).toBe(1);
    expect(ballotCount(f.state)).toBe(2);
    // Their own dots are gone, from everywhere.
    expect(f.state.dots.has('p1')).toBe(false);
    // Their active ideas are hidden with the reason; the withdrawn one stays withdrawn, and the one a
    // moderator hid keeps the moderator's reason.
    expect(f.state.ideas.get(a1)).toMatchObject({ status: 'hidden', hiddenReason: reason });
    expect(f.state.ideas.get(b1)).toMatchObject({ status: 'hidden', hiddenReason: reason });
    expect(f.state.ideas.get(w1)).toMatchObject({ status: 'withdrawn', hiddenReason: null });
    expect(f.state.ideas.get(h1)).toMatchObject({ status: 'hidden', hiddenReason: 'Реклама' });
    // Others' dots on the voided ideas come back to them; their dots elsewhere stay.
    expect(f.dotsOn('p2', a1)).toBe(0);
    expect(f.dotsOn('p3', a1)).toBe(0);
    expect(f.dotsOn('p3', b1)).toBe(0);
    expect(f.dotsOn('p2', a2)).toBe(1);
    expect(f.dotsOn('p3', a2)).toBe(1);
    expect(dotsLeft(f.state, 'p2', 'A')).toBe(2);
    expect(dotsLeft(f.state, 'p3', 'A')).toBe(2);
    expect(dotsLeft(f.state, 'p3', 'B')).toBe(3);
    // Other people's ideas are untouched.
    expect(f.state.ideas.get(a2)).toMatchObject({ status: 'active', hiddenReason: null });
    expect(f.state.moderation.at(-1)).toEqual({ at: 9_000, action: 'void', ideaId: null, participantId: 'p1', reason, by: 'facilitator' });
  });

  it('the voided participant is refused by every phone rule with VOIDED', () => {
    const { f, a1, a2 } = votingForum();
    f.run(decideVoid(f.state, 'p1', 'Дубль', f.now()));
    const voided = { code: 'VOIDED', params: { reason: 'Дубль' } };
    for (const ideaId of [a1, a2]) {
      for (const [rule, decision] of phoneRules(f, 'p1', ideaId)) expect(refusal(decision), `${rule} on ${ideaId}`).toEqual(voided);
    }
    // In the ideas phase as well (reopened after review).
    const g = new TestForum();
    g.joinAll('p1', 'p2');
    g.to('ideas');
    const mine = g.submit('p1');
    g.run(decideVoid(g.state, 'p1', 'Дубль', g.now()));
    for (const [rule, decision] of phoneRules(g, 'p1', mine)) expect(refusal(decision), rule).toEqual(voided);
    // Everyone else carries on.
    expect(checkParticipant(g.state, 'p2').ok).toBe(true);
    expect(decideSubmitIdea(g.state, 'p2', idea(), 'x', 1).ok).toBe(true);
  });

  it('refuses a second void, an unknown participant, and a missing or too long reason', () => {
    const { f } = votingForum();
    expect(refusal(decideVoid(f.state, 'ghost', 'Причина', 1))).toEqual({ code: 'NOT_JOINED' });
    expect(refusal(decideVoid(f.state, 'p1', '  \u200b ', 1))).toEqual({ code: 'TEXT_REQUIRED', params: { field: 'reason' } });
    expect(refusal(decideVoid(f.state, 'p1', 'я'.repeat(LIMITS.reason + 1), 1))).toMatchObject({
      code: 'TEXT_TOO_LONG',
      params: { field: 'reason', max: LIMITS.reason },
    });
    f.run(decideVoid(f.state, 'p1', 'Причина', f.now()));
    const before = snapshot(f.state);
    expect(refusal(decideVoid(f.state, 'p1', 'Ще раз', 1))).toEqual({ code: 'ALREADY_VOIDED' });
    expect(snapshot(f.state)).toBe(before);
  });

  it('is allowed from the lobby to results, but not once a priority has been revealed, nor when closed', () => {
    for (const phase of ['lobby', 'ideas', 'review', 'voting', 'results'] as const) {
      const f = new TestForum();
      f.joinAll('p1');
      f.to(phase);
      expect(accepted(decideVoid(f.state, 'p1', 'Причина', 1))[0].type, phase).toBe('participantVoided');
    }
    const { f } = votingForum();
    f.to('results');
    f.run(decideReveal(f.state, 'B'));
    expect(refusal(decideVoid(f.state, 'p1', 'Причина', 1))).toEqual({ code: 'RESULTS_SHOWN' });
    f.to('closed');
    expect(refusal(decideVoid(f.state, 'p2', 'Причина', 1))).toEqual({ code: 'WRONG_PHASE', params: { phase: 'closed' } });
  });
});

// ---------------------------------------------------------------- purity and replay

describe('the admission rules are pure', () => {
  it('never change the state they are given, accepted or refused', () => {
    const { f, codes } = ticketForum(3);
    f.run(decideJoin(f.state, request('p1', { code: codes[0], address: '10.0.0.1' })));
    f.run(decideJoin(f.state, request('p2', { code: codes[1], address: '10.0.0.1' })));
    f.run(decideReleaseTicket(f.state, codes[1], f.now()));
    const before = snapshot(f.state);
    const decisions: Decision<unknown>[] = [
      decideJoin(f.state, request('p3', { code: codes[2], address: '10.0.0.1', addressCap: 5 })),
      decideJoin(f.state, request('p3', { code: codes[2], address: '10.0.0.1', addressCap: 2 })),
      decideJoin(f.state, request('x', { code: codes[1], tokenHash: 'moved' })),
      decideJoin(f.state, request('p4', { code: codes[0] })),
      decideReleaseTicket(f.state, codes[0], 1),
      decideIssueTickets(f.state, [ticketCode(40)], ['t40'], 1),
      decideAdmissionMode(f.state, 'hall'),
      decideAddressCap(f.state, 7),
      decideVoid(f.state, 'p1', 'Причина', 1),
    ];
    expect(decisions.filter((d) => d.ok).length).toBeGreaterThan(5);
    expect(snapshot(f.state)).toBe(before);
  });
});

/** Decides and applies as the server does, keeping a snapshot after every event applied. */
class SnapshotForum extends TestForum {
  // Declared, not initialised: the base constructor applies the forum's first event before a
  // field initialiser would run.
  declare snapshots: string[];

  override apply(events: ForumEvent[]): ForumEvent[] {
    for (const event of events) {
      super.apply([event]);
      (this.snapshots ??= []).push(snapshot(this.state));
    }
    return events;
  }
}

describe('replay of the admission events', () => {
  /** An evening with every admission event: mode, cap, two batches, joins, a release, a move, a void. */
  function evening(): SnapshotForum {
    const f = new SnapshotForum();
    f.run(decideAdmissionMode(f.state, 'tickets'));
    f.run(decideAddressCap(f.state, 2));
    f.run(decideIssueTickets(f.state, [ticketCode(1), ticketCode(2), ticketCode(3)], ['t1', 't2', 't3'], f.now()));
    f.run(decideIssueTickets(f.state, [ticketCode(4), ticketCode(5)], ['t4', 't5'], f.now()));
    for (const [i, name] of ['Олена', 'Тарас', 'Ірина', ''].entries()) {
      f.run(decideJoin(f.state, request(`p${i + 1}`, { code: ticketCode(i + 1), name, address: `10.0.0.${i % 2}`, addressCap: 2, at: f.now() })));
    }
    f.run(decideJoin(f.state, request('p9', { code: ticketCode(5), address: '10.0.0.9', addressCap: 2, at: f.now() })));
    f.run(decideAddressCap(f.state, 0));
    f.to('ideas');
    f.submit('p1', 'A', 'Лавки');
    f.submit('p2', 'A', 'Ліхтарі');
    f.submit('p3', 'B', 'Дерева');
    f.to('voting');
    f.dot('p1', 'i2', 2);
    f.dot('p2', 'i1');
    f.dot('p3', 'i1', 2);
    f.dot('p4', 'i3');
    f.run(decideReleaseTicket(f.state, ticketCode(2), f.now()));
    f.run(decideJoin(f.state, request('unused', { code: ticketCode(2), tokenHash: 'new-phone', address: '10.0.0.7', at: f.now() })));
    f.dot('p2', 'i1');
    f.run(decideVoid(f.state, 'p1', 'Купував голоси', f.now()));
    f.run(decideVoid(f.state, 'p9', 'Не з міста', f.now()));
    f.to('results');
    return f;
  }

  it('the evening has the expected outcome (guards the scenario itself)', () => {
    const f = evening();
    const types = new Set(f.log.map((e) => e.type));
    for (const type of ['admissionSet', 'addressCapSet', 'ticketsIssued', 'ticketReleased', 'ballotMoved', 'participantVoided'] as const) {
      expect(types.has(type), type).toBe(true);
    }
    expect(f.state.participantsByToken.get('new-phone')).toBe('p2');
    expect(f.state.participantsByToken.has(tokenOf('p2'))).toBe(false);
    expect(f.state.participants.get('p1')?.voided?.reason).toBe('Купував голоси');
    expect(f.state.ideas.get('i1')).toMatchObject({ status: 'hidden', hiddenReason: 'Купував голоси' });
    expect(f.state.dots.get('p2')).toEqual(new Map());
    expect(f.state.dots.get('p3')).toEqual(new Map());
    expect(f.state.dots.has('p1')).toBe(false);
    expect(f.state.dots.get('p4')).toEqual(new Map([['i3', 1]]));
    expect(f.state.voidedCount).toBe(2);
    expect(f.state.maxPerAddress).toBe(0);
    expect(f.state.tickets.get('t2')).toMatchObject({ participantId: 'p2', released: false });
    expect(f.state.participantsByAddress).toEqual(new Map([['10.0.0.0', 2], ['10.0.0.1', 2], ['10.0.0.9', 1]]));
    expect(f.state.moderation.map((m) => m.action)).toEqual(['releaseTicket', 'void', 'void']);
  });

  it('every prefix of the log replays to the state the forum had at that point', () => {
    const f = evening();
    expect(f.snapshots).toHaveLength(f.log.length);
    for (let k = 1; k <= f.log.length; k++) {
      expect(snapshot(replay(f.log.slice(0, k))), `after event ${k} (${f.log[k - 1].type})`).toBe(f.snapshots[k - 1]);
    }
    expect(replay(f.log)).toEqual(f.state);
  });

  it('replays events that went through JSON, as they are stored, to the same state', () => {
    const f = evening();
    const stored = f.log.map((e) => JSON.stringify(e));
    const rebuilt = replay(stored.map((line) => JSON.parse(line) as ForumEvent));
    expect(snapshot(rebuilt)).toBe(snapshot(f.state));
    expect(rebuilt).toEqual(f.state);
  });
});
