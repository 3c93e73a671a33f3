// Unit tests for the log check (verify.ts). Clean logs come from randomised evenings in which every
// kind of request, valid or not, goes through the rules and only accepted events are kept: the
// check must find nothing in them. Damaged logs are clean ones with events added by hand, the way
// a second writer would add them: each must be caught at its own sequence number with the
// refusal the rules give, and the replay must go on past it.

import { describe, expect, it } from 'vitest';
import { refuse, type Decision } from './errors.js';
import {
  decideAddressCap,
  decideAdmissionMode,
  decideIssueTickets,
  decideJoin,
  decideReleaseTicket,
  decideVoid,
} from './admission.js';
import {
  decideExtendTimer,
  decideInviteHost,
  decideMerge,
  decidePaperBallots,
  decidePaperDots,
  decidePaperIdea,
  decideRevokeHost,
  decideTimer,
  decideUndoMerge,
  decideWordList,
  hostMayAct,
} from './facilitation.js';
import {
  decideCorrectIdea,
  decideEditIdea,
  decideHideIdea,
  decidePlaceDot,
  decideRemoveDot,
  decideRename,
  decideRestoreIdea,
  decideReveal,
  decideRules,
  decideStructure,
  decideSubmitIdea,
  decideTransition,
  decideWithdrawIdea,
} from './rules.js';
import { replay } from './state.js';
import { accepted, baseStructure, forumCreated, FORWARD, JOIN_CODE, Recorder, snapshot, TestForum, tokenOf } from './testing.js';
import { ADMISSION_MODES, FACILITATOR, PHASES, type Actor, type ForumEvent, type Structure } from './types.js';
import { ordinal, verifyLog, type LoggedEvent } from './verify.js';

/** The log as the store gives it back: sequence numbers that do not start at 1, as in a shared file. */
const numbered = (log: readonly ForumEvent[]): LoggedEvent[] => log.map((event, i) => ({ seq: 101 + i, event }));

/** A small seeded generator (mulberry32), so that a failing evening can be replayed by its seed. */
function random(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return { next, pick: <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)] };
}

/** The test tree with a fourth priority, so that the lobby has another tree to switch to. */
function widerStructure(): Structure {
  const s = baseStructure();
  s.priorities.push({ code: 'D', title: 'Безпечне місто', subtitle: '', color: '#bc4c00', goals: [{ code: 'D.1', title: 'Освітлення' }] });
  return s;
}

/** A host's moderation step as the server stores it: the rule's event with the host named. */
function stampedBy(decision: Decision<ForumEvent[]>, by: Actor): Decision<ForumEvent[]> {
  if (!decision.ok || by === FACILITATOR) return decision;
  return {
    ok: true,
    value: decision.value.map((e) =>
      e.type === 'ideaHidden' || e.type === 'ideaRestored' ? { ...e, by } : e.type === 'ideaEdited' && e.by === 'facilitator' ? { ...e, actor: by } : e,
    ),
  };
}

/**
 * One evening of random requests of every kind (admission, tickets, void and facilitation
 * included: merges and their undoing, paper cards and stickers, hosts acting within their scope,
 * timers, the word list), each decided by the rules with the server's inputs and applied only when
 * accepted: a log the server could write.
 */
function evening(seed: number, steps = 1200) {
  const rnd = random(seed);
  const f = new Recorder();
  f.apply([forumCreated({ admission: rnd.pick(ADMISSION_MODES), rules: { ideasPerParticipant: 3, dotsPerPriority: 3, maxDotsPerIdea: 2 } })]);
  const s = f.state;
  const ideaIds: string[] = [];
  const ticketCodes: string[] = [];
  let ticketSerial = 0;
  const someone = () => (s.participants.size > 0 && rnd.next() < 0.95 ? rnd.pick([...s.participants.keys()]) : 'ghost');
  const someIdea = () => (ideaIds.length > 0 && rnd.next() < 0.95 ? rnd.pick(ideaIds) : 'missing');
  const someTicket = () => (ticketCodes.length > 0 && rnd.next() < 0.9 ? rnd.pick(ticketCodes) : '9999999999');
  const titles = ['Сквер', 'Бібліотека', '  Парк  ', 'Ліхтарі', '', 'Велодоріжка '.repeat(12)];
  const hostIds: string[] = [];
  const mergeIds: string[] = [];
  const someMerge = () => (mergeIds.length > 0 && rnd.next() < 0.95 ? rnd.pick(mergeIds) : 'no-merge');
  const someActor = (): Actor => (hostIds.length > 0 && rnd.next() < 0.5 ? rnd.pick(hostIds) : FACILITATOR);
  /** As the server does before the rule: a host acting outside their scope is refused. */
  const asActor = (by: Actor, priorityCode: string | undefined, decide: () => Decision<ForumEvent[]>): Decision<ForumEvent[]> =>
    by !== FACILITATOR && priorityCode !== undefined && !hostMayAct(s, by, priorityCode) ? refuse('OUT_OF_SCOPE') : decide();
  const priorityOf = (ideaId: string) => s.ideas.get(ideaId)?.priorityCode;

  function facilitation(step: number, at: number): Decision<ForumEvent[]> {
    const r = rnd.next();
    const by = someActor();
    if (r < 0.22) {
      const into = someIdea();
      const ideas = [...new Set([someIdea(), ...(rnd.next() < 0.4 ? [someIdea()] : [])])];
      return asActor(by, priorityOf(into), () => decideMerge(s, into, ideas, `m${step}`, at, by));
    }
    if (r < 0.34) {
      const mergeId = someMerge();
      const into = s.merges.get(mergeId)?.into;
      return asActor(by, into && priorityOf(into), () => decideUndoMerge(s, mergeId, at, by));
    }
    if (r < 0.44) {
      const priorityCode = rnd.pick(['A', 'B', 'C', 'Z']);
      const input = { priorityCode, goalCode: rnd.pick([null, 'B.1']), title: rnd.pick(titles), description: '', place: '', paperAuthor: rnd.pick(['', ' Ганна ']) };
      return asActor(by, priorityCode, () => decidePaperIdea(s, input, `q${step}`, at, by));
    }
    if (r < 0.47) return decidePaperBallots(s, rnd.pick([0, 1, 3, 3, -1]), at);
    if (r < 0.56) {
      const ideaId = someIdea();
      return asActor(by, priorityOf(ideaId), () => decidePaperDots(s, ideaId, rnd.pick([0, 1, 4, 7, -1]), at, by));
    }
    if (r < 0.62) return decideInviteHost(s, `h${step}`, rnd.pick(['Ірина', '']), rnd.pick([null, 'A', 'B', 'Z']), `secret-${step}`, at);
    if (r < 0.65) return decideRevokeHost(s, hostIds.length > 0 ? rnd.pick(hostIds) : 'nobody', at);
    if (r < 0.72) return decideTimer(s, rnd.pick([null, 60_000, 300_000, 1_000]), at);
    if (r < 0.77) return decideExtendTimer(s, rnd.pick([60_000, 120_000, 1]), at);
    if (r < 0.8) return decideWordList(s, rnd.pick([['Казино', ' http '], [], ['x'.repeat(50)]]));
    // A host's hiding, restoring and correcting, stamped with who did it.
    const ideaId = someIdea();
    const step2 = rnd.next();
    return asActor(by, priorityOf(ideaId), () =>
      stampedBy(
        step2 < 0.4
          ? decideHideIdea(s, ideaId, 'Поза темою', at)
          : step2 < 0.7
            ? decideRestoreIdea(s, ideaId, at)
            : decideCorrectIdea(s, ideaId, { goalCode: null, title: rnd.pick(titles), description: '', place: '' }, at),
        by,
      ),
    );
  }

  for (let step = 0; step < steps; step++) {
    const r = rnd.next();
    const at = 10_000 + step;
    let decision: Decision<ForumEvent[]>;
    if (rnd.next() < 0.15) decision = facilitation(step, at);
    else if (r < 0.01) decision = decideTransition(s, rnd.next() < 0.8 && FORWARD[s.phase] ? FORWARD[s.phase]! : rnd.pick(PHASES));
    else if (r < 0.13) {
      const device = `t-d${Math.floor(rnd.next() * 40)}`;
      // The server hands decideJoin the code it checked: the hall's with a clock, the others as typed.
      const code = s.admission === 'tickets' ? someTicket() : rnd.next() < 0.9 ? JOIN_CODE : '000000';
      decision = decideJoin(s, {
        code,
        name: rnd.pick(['', 'Оля', '  Петро  ']),
        participantId: `p${step}`,
        tokenHash: device,
        at,
        address: rnd.pick(['10.0.0.1', '10.0.0.2', '10.0.0.3', '']),
        addressCap: s.maxPerAddress ?? 3,
        hallCodeValid: rnd.next() < 0.9,
      });
    } else if (r < 0.15) decision = decideRename(s, someone(), rnd.pick(['Марія', '', 'x'.repeat(70)]));
    else if (r < 0.28) {
      const ideaId = `i${step}`;
      decision = decideSubmitIdea(s, someone(), { priorityCode: rnd.pick(['A', 'B', 'C', 'D', 'Z']), goalCode: rnd.pick([null, null, 'A.1', 'B.1', 'X.9']), title: rnd.pick(titles), description: rnd.pick(['', 'рядок\n\n\nще']), place: '' }, ideaId, at);
    } else if (r < 0.32) {
      const ideaId = someIdea();
      decision = decideEditIdea(s, s.ideas.get(ideaId)?.authorId ?? someone(), ideaId, { goalCode: null, title: rnd.pick(titles), description: 'д', place: ' біля школи ' }, at);
    } else if (r < 0.34) {
      const ideaId = someIdea();
      decision = decideWithdrawIdea(s, s.ideas.get(ideaId)?.authorId ?? someone(), ideaId);
    } else if (r < 0.38) decision = decideHideIdea(s, someIdea(), rnd.pick(['Поза темою', '']), at);
    else if (r < 0.41) decision = decideRestoreIdea(s, someIdea(), at);
    else if (r < 0.43) decision = decideCorrectIdea(s, someIdea(), { goalCode: rnd.pick([null, 'A.2']), title: rnd.pick(titles), description: '', place: '' }, at);
    else if (r < 0.68) decision = decidePlaceDot(s, someone(), someIdea());
    else if (r < 0.77) decision = decideRemoveDot(s, someone(), someIdea());
    else if (r < 0.8) decision = decideReveal(s, rnd.pick(['A', 'B', 'C', 'D', 'Z']));
    else if (r < 0.82) decision = decideStructure(s, rnd.next() < 0.5 ? widerStructure() : baseStructure());
    else if (r < 0.84) decision = decideRules(s, { ideasPerParticipant: rnd.pick([1, 3, 4]), dotsPerPriority: rnd.pick([2, 3, 5]), maxDotsPerIdea: rnd.pick([1, 2, 6]) });
    else if (r < 0.86) decision = decideAdmissionMode(s, rnd.pick(ADMISSION_MODES));
    else if (r < 0.88) decision = decideAddressCap(s, rnd.pick([0, 1, 2, 5, -1]));
    else if (r < 0.9) {
      const codes = Array.from({ length: 1 + Math.floor(rnd.next() * 3) }, () => String(4_000_000_000 + ++ticketSerial * 7919));
      decision = decideIssueTickets(s, codes, codes.map((c) => `ticket-${c}`), at);
      if (decision.ok) ticketCodes.push(...codes);
    } else if (r < 0.93) decision = decideReleaseTicket(s, someTicket(), at);
    else if (r < 0.94) decision = decideVoid(s, someone(), rnd.pick(['Дублікат', '']), at);
    else decision = decideSubmitIdea(s, someone(), { priorityCode: rnd.pick(['A', 'B', 'C']), goalCode: null, title: 'Ще одна', description: '', place: '' }, `j${step}`, at);
    if (decision.ok && decision.value[0]?.type === 'ideaSubmitted') ideaIds.push(decision.value[0].ideaId);
    if (decision.ok && decision.value[0]?.type === 'ideasMerged') mergeIds.push(decision.value[0].mergeId);
    if (decision.ok && decision.value[0]?.type === 'hostInvited') hostIds.push(decision.value[0].hostId);
    if (decision.ok) f.apply(decision.value);
  }
  return f;
}

const EVENT_TYPES: ForumEvent['type'][] = [
  'forumCreated', 'structureSet', 'rulesSet', 'phaseChanged', 'participantJoined', 'participantRenamed', 'ideaSubmitted',
  'ideaEdited', 'ideaWithdrawn', 'ideaHidden', 'ideaRestored', 'dotPlaced', 'dotRemoved', 'priorityRevealed', 'admissionSet',
  'addressCapSet', 'ticketsIssued', 'ticketReleased', 'ballotMoved', 'participantVoided', 'ideasMerged', 'mergeUndone',
  'paperDotsSet', 'paperBallotsSet', 'hostInvited', 'hostRevoked', 'timerSet', 'timerCleared', 'wordListSet',
];

const SEEDS = Array.from({ length: 30 }, (_, i) => 7000 + i);

describe('a log written through the rules', () => {
  it.each(SEEDS)('seed %i: has no problems, and replays to the forum that wrote it', (seed) => {
    const f = evening(seed);
    const report = verifyLog(numbered(JSON.parse(JSON.stringify(f.log)) as ForumEvent[]));
    expect(report.problems).toEqual([]);
    expect(report.events).toBe(f.log.length);
    expect(snapshot(report.state)).toBe(snapshot(f.state));
  });

  it('the evenings hold every kind of event, so that each kind is checked on clean logs', () => {
    const seen = new Set<string>();
    for (const seed of SEEDS) for (const e of evening(seed).log) seen.add(e.type);
    expect([...seen].sort()).toEqual([...EVENT_TYPES].sort());
  });

  it('an empty log has nothing to check', () => {
    expect(verifyLog([])).toMatchObject({ problems: [], events: 0 });
  });
});

/** Two participants with four ideas in priority A and one in B, in voting; budget 3, cap 2. */
function voting() {
  const f = new TestForum({ dotsPerPriority: 3, maxDotsPerIdea: 2 });
  f.joinAll('p1', 'p2');
  f.to('ideas');
  const ideas = [f.submit('p1', 'A', 'Сквер'), f.submit('p1', 'A', 'Парк'), f.submit('p2', 'A', 'Ліхтарі'), f.submit('p2', 'A', 'Лавки'), f.submit('p2', 'B', 'Дерева')];
  f.to('voting');
  return { f, ideas };
}

/** The sequence number the event at `index` of the log gets from numbered(). */
const seqAt = (index: number) => 101 + index;

describe('a damaged log', () => {
  it('catches stickers over what the paper ballots stated can carry, and judges a log from before ballots were counted as it was then', () => {
    const { f, ideas } = voting();
    f.to('results');
    const stickers = (count: number): ForumEvent => ({ type: 'paperDotsSet', ideaId: ideas[0], count, at: 1, by: FACILITATOR });
    // No ballots ever stated: a log written before they were counted, whatever its stickers.
    expect(verifyLog(numbered([...f.log, stickers(40)])).problems).toEqual([]);
    // Two ballots stated (budget 3, cap 2): at most 4 stickers on one idea.
    const stated: ForumEvent = { type: 'paperBallotsSet', count: 2, at: 1 };
    expect(verifyLog(numbered([...f.log, stated, stickers(4)])).problems).toEqual([]);
    const log = [...f.log, stated, stickers(5)];
    expect(verifyLog(numbered(log)).problems).toEqual([
      {
        seq: seqAt(log.length - 1),
        type: 'paperDotsSet',
        error: { code: 'PAPER_IDEA_OVER_BALLOTS', params: { ballots: 2, max: 4 } },
        detail: expect.stringMatching(/^the paper stickers on idea \S+ were set to 5, but 2 paper ballots allow at most 4 stickers on one idea$/),
      },
    ]);
    // Stated as zero, no sticker at all.
    expect(verifyLog(numbered([...f.log, { type: 'paperBallotsSet', count: 0, at: 1 }, stickers(1)])).problems.map((p) => p.error.code)).toEqual(['PAPER_NO_BALLOTS']);
  });

  it('catches a 4th dot in a priority whose budget is 3', () => {
    const { f, ideas } = voting();
    f.dot('p1', ideas[0]);
    f.dot('p1', ideas[1]);
    f.dot('p1', ideas[2]);
    const log = [...f.log, { type: 'dotPlaced', participantId: 'p1', ideaId: ideas[3] } as ForumEvent];
    const { problems, state } = verifyLog(numbered(log));
    expect(problems).toEqual([
      {
        seq: seqAt(log.length - 1),
        type: 'dotPlaced',
        error: { code: 'BUDGET_EXCEEDED', params: { budget: 3 } },
        detail: `participant p1 placed a 4th dot in priority A, whose budget is 3`,
      },
    ]);
    // Applied all the same: the forum is the one the server would load from this file.
    expect(state.dots.get('p1')?.get(ideas[3])).toBe(1);
  });

  it('catches a 3rd dot on one idea over a cap of 2', () => {
    const { f, ideas } = voting();
    f.dot('p2', ideas[0], 2);
    const log = [...f.log, { type: 'dotPlaced', participantId: 'p2', ideaId: ideas[0] } as ForumEvent];
    const { problems } = verifyLog(numbered(log));
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({ seq: seqAt(log.length - 1), type: 'dotPlaced', error: { code: 'CAP_EXCEEDED', params: { max: 2 } } });
    expect(problems[0].detail).toBe(`participant p2 placed a 3rd dot on idea ${ideas[0]}, over the cap of 2 dots on one idea`);
  });

  it('catches a dot placed after the phase moved to results', () => {
    const { f, ideas } = voting();
    f.dot('p1', ideas[2]);
    f.to('results');
    const log = [...f.log, { type: 'dotPlaced', participantId: 'p2', ideaId: ideas[0] } as ForumEvent];
    const { problems } = verifyLog(numbered(log));
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({ seq: seqAt(log.length - 1), type: 'dotPlaced', error: { code: 'WRONG_PHASE', params: { phase: 'results' } } });
    expect(problems[0].detail).toBe(`participant p2 placed a dot on idea ${ideas[0]}, but the forum was in results, and that is allowed only in voting`);
  });

  it('catches an idea submitted in voting', () => {
    const { f } = voting();
    const late: ForumEvent = { type: 'ideaSubmitted', ideaId: 'late', authorId: 'p1', priorityCode: 'A', goalCode: null, title: 'Запізно', description: '', place: '', at: 9_000 };
    const log = [...f.log, late];
    const { problems } = verifyLog(numbered(log));
    expect(problems).toEqual([
      expect.objectContaining({ seq: seqAt(log.length - 1), type: 'ideaSubmitted', error: { code: 'WRONG_PHASE', params: { phase: 'voting' } } }),
    ]);
    expect(problems[0].detail).toMatch(/^participant p1 submitted idea late, but the forum was in voting/);
  });

  it('catches a phase change that skips, and one that starts from another phase than the forum was in', () => {
    const f = new TestForum();
    f.join('p1');
    const skip: ForumEvent = { type: 'phaseChanged', from: 'lobby', to: 'voting' };
    const wrongFrom: ForumEvent = { type: 'phaseChanged', from: 'review', to: 'results' };
    const log = [...f.log, skip, wrongFrom];
    const { problems, state } = verifyLog(numbered(log));
    expect(problems).toEqual([
      {
        seq: seqAt(log.length - 2),
        type: 'phaseChanged',
        error: { code: 'BAD_TRANSITION', params: { from: 'lobby', to: 'voting' } },
        detail: 'the phase changed from lobby to voting, but lobby can move only to ideas',
      },
      // Judged after the skip was applied: voting → results is a legal move, but not from review.
      expect.objectContaining({ seq: seqAt(log.length - 1), error: { code: 'BAD_TRANSITION', params: { from: 'voting', to: 'results', recorded: 'review' } } }),
    ]);
    expect(state.phase).toBe('results');
  });

  it('catches a second forumCreated, and a log that does not begin with one', () => {
    const f = new TestForum();
    f.join('p1');
    const log = [...f.log, forumCreated({ id: 'forum-2' })];
    expect(verifyLog(numbered(log)).problems).toEqual([
      {
        seq: seqAt(log.length - 1),
        type: 'forumCreated',
        error: { code: 'BAD_INPUT', params: { reason: 'createdAgain' } },
        detail: `the forum was created a second time (first at event ${seqAt(0)})`,
      },
    ]);
    const headless = verifyLog(numbered(f.log.slice(1)));
    expect(headless.problems).toEqual([expect.objectContaining({ seq: seqAt(0), type: 'participantJoined', error: { code: 'BAD_INPUT', params: { reason: 'noForum' } } })]);
  });

  it('catches a join with a device token another participant holds, and a participant id used twice', () => {
    const f = new TestForum();
    f.joinAll('p1', 'p2');
    const taken: ForumEvent = { type: 'participantJoined', participantId: 'p9', tokenHash: tokenOf('p1'), name: '', at: 5_000 };
    const twice: ForumEvent = { type: 'participantJoined', participantId: 'p2', tokenHash: 'hash-new', name: '', at: 5_001 };
    const log = [...f.log, taken, twice];
    expect(verifyLog(numbered(log)).problems).toEqual([
      {
        seq: seqAt(log.length - 2),
        type: 'participantJoined',
        error: { code: 'ALREADY_JOINED', params: { participantId: 'p1' } },
        detail: 'participant p9 joined with a device token that participant p1 already held',
      },
      expect.objectContaining({ seq: seqAt(log.length - 1), error: { code: 'ALREADY_JOINED', params: { participantId: 'p2' } } }),
    ]);
  });

  it('finds every problem of a log in order, each judged on the forum as the server loads it', () => {
    const { f, ideas } = voting();
    f.dot('p1', ideas[0], 2);
    f.dot('p1', ideas[1]);
    const extra = (ideaId: string): ForumEvent => ({ type: 'dotPlaced', participantId: 'p1', ideaId });
    const log: ForumEvent[] = [...f.log, extra(ideas[2]), extra(ideas[3]), extra(ideas[4]), { type: 'phaseChanged', from: 'voting', to: 'results' }, extra(ideas[4])];
    const n = log.length;
    expect(verifyLog(numbered(log)).problems.map((p) => [p.seq, p.error.code, p.detail])).toEqual([
      [seqAt(n - 5), 'BUDGET_EXCEEDED', `participant p1 placed a 4th dot in priority A, whose budget is 3`],
      [seqAt(n - 4), 'BUDGET_EXCEEDED', `participant p1 placed a 5th dot in priority A, whose budget is 3`],
      // Priority B had room: that dot was one the rules allow.
      [seqAt(n - 1), 'WRONG_PHASE', `participant p1 placed a dot on idea ${ideas[4]}, but the forum was in results, and that is allowed only in voting`],
    ]);
  });

  it('catches an event stored otherwise than the rules record it, and a ticket used twice', () => {
    const f = new TestForum();
    f.run(decideAdmissionMode(f.state, 'tickets'));
    f.run(decideIssueTickets(f.state, ['1234567890'], ['t1'], f.now()));
    f.run(decideJoin(f.state, { code: '1234567890', name: '', participantId: 'p1', tokenHash: 'h1', at: f.now() }));
    f.to('ideas');
    const untrimmed: ForumEvent = { type: 'ideaSubmitted', ideaId: 'x', authorId: 'p1', priorityCode: 'A', goalCode: null, title: '  Сквер ', description: '', place: '', at: 9_000 };
    const secondUse: ForumEvent = { type: 'participantJoined', participantId: 'p2', tokenHash: 'h2', name: '', at: 9_001, ticketId: 't1' };
    const log = [...f.log, untrimmed, secondUse];
    expect(verifyLog(numbered(log)).problems).toEqual([
      {
        seq: seqAt(log.length - 2),
        type: 'ideaSubmitted',
        error: { code: 'BAD_INPUT', params: { field: 'title' } },
        detail: 'participant p1 submitted idea x, but its title differs from what the rules would have recorded',
      },
      {
        seq: seqAt(log.length - 1),
        type: 'participantJoined',
        error: { code: 'TICKET_USED', params: { number: 1 } },
        detail: 'participant p2 joined with ticket 1, which participant p1 had already used',
      },
    ]);
  });

  it('reports a malformed or unknown event and goes on', () => {
    const { f, ideas } = voting();
    const broken = { type: 'ideaHidden', ideaId: ideas[0] } as unknown as ForumEvent;
    const unknown = { type: 'ideaMerged', from: ideas[1], into: ideas[2] } as unknown as ForumEvent;
    const log = [...f.log, broken, unknown, { type: 'dotPlaced', participantId: 'p1', ideaId: ideas[1] } as ForumEvent];
    const { problems, state } = verifyLog(numbered(log));
    expect(problems.map((p) => [p.seq, p.type, p.error])).toEqual([
      [seqAt(log.length - 3), 'ideaHidden', { code: 'BAD_INPUT', params: { reason: 'malformed' } }],
      [seqAt(log.length - 2), 'ideaMerged', { code: 'BAD_INPUT', params: { reason: 'unknownType' } }],
    ]);
    expect(state.dots.get('p1')?.get(ideas[1])).toBe(1);
    expect(snapshot(state)).toBe(snapshot(replay(log)));
  });
});

describe('a damaged log of facilitation', () => {
  /** Voting with host h1 for priority A only, and p1's 2 dots on each of two ideas of A. */
  function hosted() {
    const { f, ideas } = voting();
    f.run(decideInviteHost(f.state, 'h1', 'Ірина', 'A', 'hash-1', f.now()));
    f.dot('p1', ideas[1], 2);
    f.dot('p2', ideas[2], 1);
    return { f, ideas };
  }

  it('catches a host acting outside their priority, or after being revoked, or never invited', () => {
    const { f, ideas } = hosted();
    const outOfScope: ForumEvent = { type: 'ideaHidden', ideaId: ideas[4], reason: 'Поза темою', at: 9_000, by: 'h1' };
    const ghost: ForumEvent = { type: 'ideaHidden', ideaId: ideas[0], reason: 'Поза темою', at: 9_001, by: 'h9' };
    const log = [...f.log, outOfScope, ghost, { type: 'hostRevoked', hostId: 'h1', at: 9_002 } as ForumEvent];
    const late: ForumEvent = { type: 'ideasMerged', mergeId: 'm1', into: ideas[0], ideas: [ideas[3]], moved: [], refunded: [], at: 9_003, by: 'h1' };
    const { problems } = verifyLog(numbered([...log, late]));
    expect(problems.map((p) => [p.seq, p.error.code, p.detail])).toEqual([
      [seqAt(log.length - 3), 'OUT_OF_SCOPE', `idea ${ideas[4]} was hidden by host h1, who hosts priority A, not B`],
      [seqAt(log.length - 2), 'HOST_NOT_FOUND', `idea ${ideas[0]} was hidden by host h9, who was never invited`],
      [seqAt(log.length), 'FORBIDDEN', `idea ${ideas[3]} was merged into idea ${ideas[0]} by host h1, whose invitation had been revoked`],
    ]);
  });

  it('catches a merge that moved more dots than the cap allows, and an undo of a merge already undone', () => {
    const { f, ideas } = hosted();
    // p1: 2 dots on the idea merged and 1 on the survivor; the cap is 2, so 1 moves and 1 goes back.
    f.dot('p1', ideas[2], 1);
    const rule = accepted(decideMerge(f.state, ideas[2], [ideas[1]], 'm1', 9_000, 'h1'))[0];
    expect(rule).toMatchObject({ moved: [{ participantId: 'p1', count: 1 }], refunded: [{ participantId: 'p1', count: 1 }] });
    const greedy = { ...rule, moved: [{ participantId: 'p1', ideaId: ideas[1], count: 2 }], refunded: [] } as ForumEvent;
    const undone: ForumEvent = { type: 'mergeUndone', mergeId: 'm1', restored: [], reinstated: [], at: 9_001, by: 'facilitator' };
    const log = [...f.log, greedy, undone, { ...undone, at: 9_002 }];
    const { problems, state } = verifyLog(numbered(log));
    expect(problems.map((p) => [p.seq, p.type, p.error])).toEqual([
      [seqAt(log.length - 3), 'ideasMerged', { code: 'BAD_INPUT', params: { field: 'moved,refunded' } }],
      // Judged on the forum as loaded: the 2 dots recorded as moved are on the survivor, so the rule would restore them.
      [seqAt(log.length - 2), 'mergeUndone', { code: 'BAD_INPUT', params: { field: 'restored' } }],
      [seqAt(log.length - 1), 'mergeUndone', { code: 'MERGE_NOT_FOUND' }],
    ]);
    expect(problems[0].detail).toBe(`idea ${ideas[1]} was merged into idea ${ideas[2]}, but its moved, refunded differ from what the rules would have recorded`);
    expect(state.merges.get('m1')?.undone).toBe(true);
  });
});

describe('ordinal', () => {
  it('says 1st, 2nd, 3rd, 4th, 11th, 12th, 13th, 21st, 22nd, 111th', () => {
    expect([1, 2, 3, 4, 11, 12, 13, 21, 22, 111].map(ordinal)).toEqual(['1st', '2nd', '3rd', '4th', '11th', '12th', '13th', '21st', '22nd', '111th']);
  });
});
