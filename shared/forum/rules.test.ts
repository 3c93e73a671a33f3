// Unit tests for the forum's rules (rules.ts). A forum is built the way the server builds it: each
// request goes through a decide* function and the events it returns are applied with applyEvent.

import { describe, expect, it } from 'vitest';
import type { Decision } from './errors.js';
import {
  PRIORITY_COLORS,
  TRANSITIONS,
  canTransition,
  checkRules,
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
  dotsLeft,
  dotsSpent,
  ideasOf,
  normalizeStructure,
  type IdeaInput,
} from './rules.js';
import { decideJoin, decideVoid, joinCodeMatches } from './admission.js';
import { dotOwnersOf } from './state.js';
import { JOIN_CODE, TestForum, accepted, baseStructure, idea, refusal, snapshot, tokenOf } from './testing.js';
import { DEFAULT_RULES, LIMITS, PHASES, type Phase, type Priority, type Rules, type Structure } from './types.js';

// ---------------------------------------------------------------- helpers

function text(input: Partial<Omit<IdeaInput, 'priorityCode'>> = {}): Omit<IdeaInput, 'priorityCode'> {
  return { goalCode: null, title: 'Виправлена назва', description: '', place: '', ...input };
}

/** A forum in the ideas phase with two participants. */
function ideasForum(rules: Partial<Rules> = {}): TestForum {
  const f = new TestForum(rules);
  f.join('p1', 'Олена');
  f.join('p2', 'Тарас');
  f.to('ideas');
  return f;
}

// ---------------------------------------------------------------- phases

describe('phases', () => {
  const allowed = new Set([
    'lobby>ideas',
    'ideas>review',
    'review>ideas',
    'review>voting',
    'voting>results',
    'results>closed',
  ]);

  it('TRANSITIONS lists exactly the forward path plus review → ideas', () => {
    const listed = PHASES.flatMap((from) => TRANSITIONS[from].map((to) => `${from}>${to}`));
    expect(new Set(listed)).toEqual(allowed);
  });

  for (const from of PHASES) {
    for (const to of PHASES) {
      const key = `${from}>${to}`;
      if (allowed.has(key)) {
        it(`allows ${from} → ${to}`, () => {
          const f = new TestForum().to(from);
          const events = accepted(decideTransition(f.state, to));
          expect(events).toEqual([{ type: 'phaseChanged', from, to }]);
          f.apply(events);
          expect(f.state.phase).toBe(to);
          expect(canTransition(from, to)).toBe(true);
        });
      } else {
        it(`refuses ${from} → ${to} with BAD_TRANSITION`, () => {
          const f = new TestForum().to(from);
          const before = snapshot(f.state);
          expect(refusal(decideTransition(f.state, to))).toEqual({ code: 'BAD_TRANSITION', params: { from, to } });
          expect(canTransition(from, to)).toBe(false);
          expect(snapshot(f.state)).toBe(before);
        });
      }
    }
  }

  it('walks a whole evening lobby → ideas → review → ideas → review → voting → results → closed', () => {
    const f = new TestForum();
    const path: Phase[] = ['ideas', 'review', 'ideas', 'review', 'voting', 'results', 'closed'];
    for (const phase of path) f.run(decideTransition(f.state, phase));
    expect(f.state.phase).toBe('closed');
    expect(f.log.filter((e) => e.type === 'phaseChanged')).toHaveLength(path.length);
  });
});

// ---------------------------------------------------------------- structure and rules

describe('decideStructure / decideRules: only in the lobby', () => {
  it('accepts a structure in the lobby and emits the normalised tree', () => {
    const f = new TestForum();
    const input = baseStructure();
    input.priorities[0].title = '  Ефективне   місто ';
    const events = accepted(decideStructure(f.state, input));
    expect(events).toHaveLength(1);
    expect(events[0].type).toBe('structureSet');
    f.apply(events);
    expect(f.state.structure.priorities[0].title).toBe('Ефективне місто');
    expect(f.state.structure.priorities.map((p) => p.code)).toEqual(['A', 'B', 'C']);
  });

  it('passes on the refusal of an invalid structure', () => {
    const f = new TestForum();
    expect(refusal(decideStructure(f.state, { vision: 'V', priorities: [] }))).toEqual({
      code: 'BAD_STRUCTURE',
      params: { reason: 'noPriorities' },
    });
  });

  it('accepts rules in the lobby', () => {
    const f = new TestForum();
    const rules = { ideasPerParticipant: 2, dotsPerPriority: 5, maxDotsPerIdea: 5 };
    const events = accepted(decideRules(f.state, rules));
    expect(events).toEqual([{ type: 'rulesSet', rules }]);
    f.apply(events);
    expect(f.state.rules).toEqual(rules);
  });

  it('passes on the refusal of invalid rules', () => {
    const f = new TestForum();
    expect(refusal(decideRules(f.state, { ideasPerParticipant: 0, dotsPerPriority: 3, maxDotsPerIdea: 2 }))).toEqual({
      code: 'BAD_INPUT',
      params: { field: 'ideasPerParticipant' },
    });
  });

  for (const phase of PHASES.filter((p) => p !== 'lobby')) {
    it(`refuses structure and rules changes in ${phase} with WRONG_PHASE`, () => {
      const f = new TestForum().to(phase);
      expect(refusal(decideStructure(f.state, baseStructure()))).toEqual({ code: 'WRONG_PHASE', params: { phase } });
      expect(refusal(decideRules(f.state, { ...DEFAULT_RULES }))).toEqual({ code: 'WRONG_PHASE', params: { phase } });
    });
  }
});

describe('normalizeStructure', () => {
  const withPriorities = (...priorities: Partial<Priority>[]): Structure => ({
    vision: 'Візія',
    priorities: priorities.map((p, i) => ({
      code: `P${i + 1}`,
      title: `Пріоритет ${i + 1}`,
      subtitle: '',
      color: '',
      goals: [],
      ...p,
    })),
  });

  const normalized = (input: Structure): Structure => {
    const result = normalizeStructure(input);
    if (!result.ok) throw new Error(`expected a valid structure, got ${JSON.stringify(result.error)}`);
    return result.value;
  };

  it('accepts the base structure unchanged', () => {
    expect(normalized(baseStructure())).toEqual(baseStructure());
  });

  it('refuses a duplicate priority code', () => {
    expect(refusal(normalizeStructure(withPriorities({ code: 'A' }, { code: 'A' })))).toEqual({
      code: 'BAD_STRUCTURE',
      params: { reason: 'duplicateCode', code: 'A' },
    });
  });

  it('treats codes as duplicates after cleaning whitespace', () => {
    expect(refusal(normalizeStructure(withPriorities({ code: 'A' }, { code: '  A ' })))).toEqual({
      code: 'BAD_STRUCTURE',
      params: { reason: 'duplicateCode', code: 'A' },
    });
  });

  it('refuses a duplicate goal code within a priority, across priorities and against a priority code', () => {
    const within = withPriorities({
      goals: [
        { code: 'G1', title: 'Ціль' },
        { code: 'G1', title: 'Інша ціль' },
      ],
    });
    expect(refusal(normalizeStructure(within))).toEqual({
      code: 'BAD_STRUCTURE',
      params: { reason: 'duplicateCode', code: 'G1' },
    });
    const across = withPriorities({ goals: [{ code: 'G1', title: 'Ціль' }] }, { goals: [{ code: 'G1', title: 'Ціль' }] });
    expect(refusal(normalizeStructure(across))).toMatchObject({ code: 'BAD_STRUCTURE', params: { reason: 'duplicateCode' } });
    const againstPriority = withPriorities({ code: 'A', goals: [{ code: 'A', title: 'Ціль' }] });
    expect(refusal(normalizeStructure(againstPriority))).toMatchObject({
      code: 'BAD_STRUCTURE',
      params: { reason: 'duplicateCode', code: 'A' },
    });
  });

  for (const bad of ['', '   ', 'a b', 'a/b', '<b>', 'код?', 'x'.repeat(LIMITS.code + 1)]) {
    it(`refuses the priority code ${JSON.stringify(bad)} with badCode`, () => {
      expect(refusal(normalizeStructure(withPriorities({ code: bad })))).toMatchObject({
        code: 'BAD_STRUCTURE',
        params: { reason: 'badCode' },
      });
    });
  }

  it('refuses a bad goal code', () => {
    expect(refusal(normalizeStructure(withPriorities({ goals: [{ code: 'a b', title: 'Ціль' }] })))).toEqual({
      code: 'BAD_STRUCTURE',
      params: { reason: 'badCode', code: 'a b' },
    });
    expect(refusal(normalizeStructure(withPriorities({ goals: [{ code: ' ', title: 'Ціль' }] })))).toMatchObject({
      code: 'BAD_STRUCTURE',
      params: { reason: 'badCode' },
    });
  });

  it('accepts letters of any script, digits, dots, dashes and underscores in codes, up to the limit', () => {
    const codes = ['Ж1', 'A.1', 'eco-2', 'x_y', 'x'.repeat(LIMITS.code)];
    const out = normalized(withPriorities(...codes.map((code) => ({ code }))));
    expect(out.priorities.map((p) => p.code)).toEqual(codes);
  });

  it('trims whitespace around codes', () => {
    const out = normalized(withPriorities({ code: ' A ', goals: [{ code: '\tA.1 ', title: 'Ціль' }] }));
    expect(out.priorities[0].code).toBe('A');
    expect(out.priorities[0].goals[0].code).toBe('A.1');
  });

  it('requires a vision, a priority title and a goal title (whitespace-only is empty)', () => {
    expect(refusal(normalizeStructure({ ...withPriorities({}), vision: ' \n ' }))).toEqual({
      code: 'TEXT_REQUIRED',
      params: { field: 'vision' },
    });
    expect(refusal(normalizeStructure(withPriorities({ title: '' })))).toEqual({
      code: 'TEXT_REQUIRED',
      params: { field: 'priorityTitle' },
    });
    expect(refusal(normalizeStructure(withPriorities({ title: '  \t ' })))).toEqual({
      code: 'TEXT_REQUIRED',
      params: { field: 'priorityTitle' },
    });
    expect(refusal(normalizeStructure(withPriorities({ goals: [{ code: 'G', title: '   ' }] })))).toEqual({
      code: 'TEXT_REQUIRED',
      params: { field: 'goalTitle' },
    });
  });

  it('allows an empty or missing subtitle', () => {
    const input = withPriorities({});
    delete (input.priorities[0] as Partial<Priority>).subtitle;
    expect(normalized(input).priorities[0].subtitle).toBe('');
  });

  it('refuses texts over their limits, counted in characters', () => {
    expect(refusal(normalizeStructure(withPriorities({ title: 'ж'.repeat(LIMITS.priorityTitle + 1) })))).toEqual({
      code: 'TEXT_TOO_LONG',
      params: { field: 'priorityTitle', max: LIMITS.priorityTitle, length: LIMITS.priorityTitle + 1 },
    });
    expect(normalized(withPriorities({ title: 'ж'.repeat(LIMITS.priorityTitle) })).priorities[0].title).toHaveLength(
      LIMITS.priorityTitle,
    );
    expect(refusal(normalizeStructure({ ...withPriorities({}), vision: 'в'.repeat(LIMITS.vision + 1) }))).toMatchObject({
      code: 'TEXT_TOO_LONG',
      params: { field: 'vision' },
    });
    expect(
      refusal(normalizeStructure(withPriorities({ subtitle: 'с'.repeat(LIMITS.prioritySubtitle + 1) }))),
    ).toMatchObject({ code: 'TEXT_TOO_LONG', params: { field: 'prioritySubtitle' } });
    expect(
      refusal(normalizeStructure(withPriorities({ goals: [{ code: 'G', title: 'ц'.repeat(LIMITS.goalTitle + 1) }] }))),
    ).toMatchObject({ code: 'TEXT_TOO_LONG', params: { field: 'goalTitle' } });
  });

  it('cleans whitespace and control characters in every text', () => {
    const out = normalized({
      vision: '  Місто \n для   людей ',
      priorities: [
        {
          code: 'A',
          title: '\tЗелене\u200b   місто ',
          subtitle: ' Парки  і\nсквери ',
          color: '',
          goals: [{ code: 'A.1', title: '  Чисте   повітря ' }],
        },
      ],
    });
    expect(out.vision).toBe('Місто для людей');
    expect(out.priorities[0].title).toBe('Зелене місто');
    expect(out.priorities[0].subtitle).toBe('Парки і сквери');
    expect(out.priorities[0].goals[0].title).toBe('Чисте повітря');
  });

  it('keeps a valid #rrggbb colour, lower-cased', () => {
    const out = normalized(withPriorities({ color: '#ABCDEF' }, { color: '#00ff7f' }));
    expect(out.priorities.map((p) => p.color)).toEqual(['#abcdef', '#00ff7f']);
  });

  it('gives a missing or invalid colour the palette colour of its position', () => {
    const bad = ['', 'red', '#12345', '#1234567', '#GGGGGG', 'rgb(0,0,0)', 'url(x)'];
    const out = normalized(withPriorities(...bad.map((color) => ({ color }))));
    expect(out.priorities.map((p) => p.color)).toEqual(bad.map((_, i) => PRIORITY_COLORS[i]));
    const missing = withPriorities({});
    delete (missing.priorities[0] as Partial<Priority>).color;
    expect(normalized(missing).priorities[0].color).toBe(PRIORITY_COLORS[0]);
  });

  it('wraps the palette for priorities beyond its length', () => {
    const many = Array.from({ length: PRIORITY_COLORS.length + 2 }, () => ({ color: '' }));
    const out = normalized(withPriorities(...many));
    expect(out.priorities[PRIORITY_COLORS.length].color).toBe(PRIORITY_COLORS[0]);
    expect(out.priorities[PRIORITY_COLORS.length + 1].color).toBe(PRIORITY_COLORS[1]);
  });

  it('refuses no priorities, too many priorities and too many goals', () => {
    expect(refusal(normalizeStructure({ vision: 'V', priorities: [] }))).toEqual({
      code: 'BAD_STRUCTURE',
      params: { reason: 'noPriorities' },
    });
    const max = Array.from({ length: LIMITS.priorities }, () => ({}));
    expect(normalized(withPriorities(...max)).priorities).toHaveLength(LIMITS.priorities);
    expect(refusal(normalizeStructure(withPriorities(...max, {})))).toEqual({
      code: 'BAD_STRUCTURE',
      params: { reason: 'tooManyPriorities' },
    });
    const goals = (n: number) => Array.from({ length: n }, (_, i) => ({ code: `G${i}`, title: `Ціль ${i}` }));
    expect(normalized(withPriorities({ goals: goals(LIMITS.goalsPerPriority) })).priorities[0].goals).toHaveLength(
      LIMITS.goalsPerPriority,
    );
    expect(refusal(normalizeStructure(withPriorities({ code: 'A', goals: goals(LIMITS.goalsPerPriority + 1) })))).toEqual({
      code: 'BAD_STRUCTURE',
      params: { reason: 'tooManyGoals', code: 'A' },
    });
  });

  it('does not mutate its input', () => {
    const input = withPriorities({ code: ' A ', title: '  x  ', color: '#ABCDEF' });
    const copy = JSON.parse(JSON.stringify(input)) as Structure;
    normalizeStructure(input);
    expect(input).toEqual(copy);
  });
});

describe('checkRules', () => {
  const rules = (r: Partial<Rules>): Rules => ({ ...DEFAULT_RULES, ...r });

  it('accepts the defaults and returns a copy', () => {
    const input = rules({});
    const result = checkRules(input);
    expect(result).toEqual({ ok: true, value: DEFAULT_RULES });
    if (result.ok) expect(result.value).not.toBe(input);
  });

  it('accepts the bounds', () => {
    expect(checkRules({ ideasPerParticipant: 1, dotsPerPriority: 1, maxDotsPerIdea: 1 }).ok).toBe(true);
    expect(
      checkRules({
        ideasPerParticipant: LIMITS.ideasPerParticipantMax,
        dotsPerPriority: LIMITS.dotsPerPriorityMax,
        maxDotsPerIdea: LIMITS.dotsPerPriorityMax,
      }).ok,
    ).toBe(true);
  });

  const cases: [Partial<Rules>, keyof Rules][] = [
    [{ ideasPerParticipant: 0 }, 'ideasPerParticipant'],
    [{ ideasPerParticipant: -1 }, 'ideasPerParticipant'],
    [{ ideasPerParticipant: LIMITS.ideasPerParticipantMax + 1 }, 'ideasPerParticipant'],
    [{ ideasPerParticipant: 2.5 }, 'ideasPerParticipant'],
    [{ ideasPerParticipant: Number.NaN }, 'ideasPerParticipant'],
    [{ ideasPerParticipant: Number.POSITIVE_INFINITY }, 'ideasPerParticipant'],
    [{ dotsPerPriority: 0 }, 'dotsPerPriority'],
    [{ dotsPerPriority: LIMITS.dotsPerPriorityMax + 1, maxDotsPerIdea: 1 }, 'dotsPerPriority'],
    [{ dotsPerPriority: 1.5 }, 'dotsPerPriority'],
    [{ maxDotsPerIdea: 0 }, 'maxDotsPerIdea'],
    [{ maxDotsPerIdea: 1.5 }, 'maxDotsPerIdea'],
    [{ dotsPerPriority: 3, maxDotsPerIdea: 4 }, 'maxDotsPerIdea'],
    [{ dotsPerPriority: 1, maxDotsPerIdea: 2 }, 'maxDotsPerIdea'],
  ];
  for (const [input, field] of cases) {
    it(`refuses ${JSON.stringify(input)} with BAD_INPUT on ${field}`, () => {
      expect(refusal(checkRules(rules(input)))).toEqual({ code: 'BAD_INPUT', params: { field } });
    });
  }

  it('accepts maxDotsPerIdea equal to dotsPerPriority', () => {
    expect(checkRules(rules({ dotsPerPriority: 3, maxDotsPerIdea: 3 })).ok).toBe(true);
  });
});

// ---------------------------------------------------------------- joining

describe('decideJoin', () => {
  const request = (over: Partial<Parameters<typeof decideJoin>[1]> = {}) => ({
    code: JOIN_CODE,
    name: 'Олена',
    participantId: 'p1',
    tokenHash: tokenOf('p1'),
    at: 5_000,
    ...over,
  });

  it('emits participantJoined with the cleaned name', () => {
    const f = new TestForum();
    const events = accepted(decideJoin(f.state, request({ name: '  Олена   Петрівна\n' })));
    expect(events).toEqual([
      { type: 'participantJoined', participantId: 'p1', tokenHash: tokenOf('p1'), name: 'Олена Петрівна', at: 5_000 },
    ]);
    f.apply(events);
    expect(f.state.participants.get('p1')).toEqual({
      id: 'p1',
      tokenHash: tokenOf('p1'),
      name: 'Олена Петрівна',
      joinedAt: 5_000,
      address: '',
      ticketId: null,
      voided: null,
    });
    expect(f.state.participantsByToken.get(tokenOf('p1'))).toBe('p1');
  });

  it('allows an empty name', () => {
    const f = new TestForum();
    const events = accepted(decideJoin(f.state, request({ name: '   ' })));
    expect(events[0]).toMatchObject({ name: '' });
  });

  for (const code of ['000000', '482914', '48291', '4829130', '', 'abcdef', '284913']) {
    it(`refuses the code ${JSON.stringify(code)} with WRONG_CODE`, () => {
      const f = new TestForum();
      expect(refusal(decideJoin(f.state, request({ code })))).toEqual({ code: 'WRONG_CODE' });
    });
  }

  for (const code of ['482 913', ' 482913 ', '482-913', '48 29 13', '482\u00a0913']) {
    it(`accepts the code typed as ${JSON.stringify(code)}`, () => {
      const f = new TestForum();
      expect(joinCodeMatches(f.state, code)).toBe(true);
      expect(decideJoin(f.state, request({ code })).ok).toBe(true);
    });
  }

  for (const phase of PHASES.filter((p) => p !== 'closed')) {
    it(`lets people join in ${phase}`, () => {
      const f = new TestForum().to(phase);
      expect(decideJoin(f.state, request()).ok).toBe(true);
    });
  }

  it('refuses joining a closed forum even with the right code', () => {
    const f = new TestForum().to('closed');
    expect(refusal(decideJoin(f.state, request()))).toEqual({ code: 'WRONG_PHASE', params: { phase: 'closed' } });
  });

  it('refuses the same device token twice with ALREADY_JOINED, whatever the new participant id', () => {
    const f = new TestForum();
    f.join('p1');
    expect(refusal(decideJoin(f.state, request({ participantId: 'p1' })))).toEqual({ code: 'ALREADY_JOINED' });
    expect(refusal(decideJoin(f.state, request({ participantId: 'p9' })))).toEqual({ code: 'ALREADY_JOINED' });
    expect(f.state.participants.size).toBe(1);
    expect(decideJoin(f.state, request({ participantId: 'p2', tokenHash: tokenOf('p2') })).ok).toBe(true);
  });

  it('refuses a name over the limit with TEXT_TOO_LONG on field name', () => {
    const f = new TestForum();
    expect(refusal(decideJoin(f.state, request({ name: 'я'.repeat(LIMITS.name + 1) })))).toEqual({
      code: 'TEXT_TOO_LONG',
      params: { field: 'name', max: LIMITS.name, length: LIMITS.name + 1 },
    });
  });

  it('counts the name in characters, not UTF-16 units', () => {
    const f = new TestForum();
    const emoji = '😀'.repeat(LIMITS.name); // .length is twice the limit
    expect(emoji.length).toBe(LIMITS.name * 2);
    expect(accepted(decideJoin(f.state, request({ name: emoji })))[0]).toMatchObject({ name: emoji });
    expect(accepted(decideJoin(f.state, request({ name: 'я'.repeat(LIMITS.name) })))[0]).toMatchObject({
      name: 'я'.repeat(LIMITS.name),
    });
  });

  it('measures the name after cleaning (surrounding spaces do not count)', () => {
    const f = new TestForum();
    expect(decideJoin(f.state, request({ name: `   ${'я'.repeat(LIMITS.name)}   ` })).ok).toBe(true);
  });
});

describe('decideRename', () => {
  it('renames a participant with a cleaned name', () => {
    const f = new TestForum();
    f.join('p1', 'Олена');
    const events = f.run(decideRename(f.state, 'p1', '  Олена  К. '));
    expect(events).toEqual([{ type: 'participantRenamed', participantId: 'p1', name: 'Олена К.' }]);
    expect(f.state.participants.get('p1')?.name).toBe('Олена К.');
  });

  it('refuses a participant who has not joined, and a name over the limit', () => {
    const f = new TestForum();
    f.join('p1');
    expect(refusal(decideRename(f.state, 'ghost', 'Х'))).toEqual({ code: 'NOT_JOINED' });
    expect(refusal(decideRename(f.state, 'p1', 'я'.repeat(LIMITS.name + 1)))).toMatchObject({
      code: 'TEXT_TOO_LONG',
      params: { field: 'name' },
    });
  });
});

// ---------------------------------------------------------------- ideas

describe('decideSubmitIdea', () => {
  it('emits ideaSubmitted with the cleaned text, and the idea goes on the wall', () => {
    const f = ideasForum();
    const events = accepted(
      decideSubmitIdea(
        f.state,
        'p1',
        idea({ goalCode: 'A.1', title: '  Лавки  в\tпарку ', description: ' Рядок 1\r\n\r\n\r\n\r\nРядок 2 ', place: ' вул. Київська ' }),
        'idea-x',
        7_000,
      ),
    );
    expect(events).toEqual([
      {
        type: 'ideaSubmitted',
        ideaId: 'idea-x',
        authorId: 'p1',
        priorityCode: 'A',
        goalCode: 'A.1',
        title: 'Лавки в парку',
        description: 'Рядок 1\n\nРядок 2',
        place: 'вул. Київська',
        at: 7_000,
      },
    ]);
    f.apply(events);
    expect(f.state.ideas.get('idea-x')).toMatchObject({
      authorId: 'p1',
      status: 'active',
      hiddenReason: null,
      corrected: false,
      seq: 1,
      createdAt: 7_000,
    });
  });

  it('numbers ideas in submission order', () => {
    const f = ideasForum();
    const a = f.submit('p1');
    const b = f.submit('p2', 'B');
    const c = f.submit('p1', 'C');
    expect([a, b, c].map((id) => f.state.ideas.get(id)?.seq)).toEqual([1, 2, 3]);
  });

  it('treats an empty goal as no goal', () => {
    const f = ideasForum();
    const events = accepted(decideSubmitIdea(f.state, 'p1', idea({ goalCode: '' }), 'i', 1));
    expect(events[0]).toMatchObject({ goalCode: null });
  });

  for (const phase of ['lobby', 'review', 'voting', 'results', 'closed'] as const) {
    it(`refuses submitting in ${phase} with WRONG_PHASE`, () => {
      const f = new TestForum();
      f.join('p1');
      f.to(phase);
      expect(refusal(decideSubmitIdea(f.state, 'p1', idea(), 'i', 1))).toEqual({ code: 'WRONG_PHASE', params: { phase } });
    });
  }

  it('allows submitting again when ideas are reopened from review', () => {
    const f = ideasForum();
    f.to('review').to('ideas');
    expect(decideSubmitIdea(f.state, 'p1', idea(), 'i', 1).ok).toBe(true);
  });

  it('refuses someone who has not joined with NOT_JOINED (even out of phase)', () => {
    const f = ideasForum();
    expect(refusal(decideSubmitIdea(f.state, 'ghost', idea(), 'i', 1))).toEqual({ code: 'NOT_JOINED' });
    f.to('voting');
    expect(refusal(decideSubmitIdea(f.state, 'ghost', idea(), 'i', 1))).toEqual({ code: 'NOT_JOINED' });
  });

  it('refuses an unknown priority', () => {
    const f = ideasForum();
    expect(refusal(decideSubmitIdea(f.state, 'p1', idea({ priorityCode: 'Z' }), 'i', 1))).toEqual({
      code: 'UNKNOWN_PRIORITY',
      params: { code: 'Z' },
    });
    expect(refusal(decideSubmitIdea(f.state, 'p1', idea({ priorityCode: '' }), 'i', 1)).code).toBe('UNKNOWN_PRIORITY');
  });

  it('refuses an unknown goal and a goal of another priority', () => {
    const f = ideasForum();
    expect(refusal(decideSubmitIdea(f.state, 'p1', idea({ goalCode: 'A.9' }), 'i', 1))).toEqual({
      code: 'UNKNOWN_GOAL',
      params: { code: 'A.9', priority: 'A' },
    });
    expect(refusal(decideSubmitIdea(f.state, 'p1', idea({ priorityCode: 'A', goalCode: 'B.1' }), 'i', 1))).toEqual({
      code: 'UNKNOWN_GOAL',
      params: { code: 'B.1', priority: 'A' },
    });
    expect(refusal(decideSubmitIdea(f.state, 'p1', idea({ priorityCode: 'C', goalCode: 'A.1' }), 'i', 1)).code).toBe(
      'UNKNOWN_GOAL',
    );
    // A priority code is not a goal.
    expect(refusal(decideSubmitIdea(f.state, 'p1', idea({ priorityCode: 'A', goalCode: 'A' }), 'i', 1)).code).toBe(
      'UNKNOWN_GOAL',
    );
    expect(decideSubmitIdea(f.state, 'p1', idea({ priorityCode: 'B', goalCode: 'B.1' }), 'i', 1).ok).toBe(true);
  });

  for (const title of ['', '   ', '\n\t \r\n', '\u200b\u200b', '\u0000\u0007']) {
    it(`requires a title: ${JSON.stringify(title)} counts as empty`, () => {
      const f = ideasForum();
      expect(refusal(decideSubmitIdea(f.state, 'p1', idea({ title }), 'i', 1))).toEqual({
        code: 'TEXT_REQUIRED',
        params: { field: 'title' },
      });
    });
  }

  it('does not require a description or a place', () => {
    const f = ideasForum();
    const events = accepted(decideSubmitIdea(f.state, 'p1', idea({ description: '  \n ', place: ' ' }), 'i', 1));
    expect(events[0]).toMatchObject({ description: '', place: '' });
  });

  const limits: [keyof Pick<IdeaInput, 'title' | 'description' | 'place'>, number][] = [
    ['title', LIMITS.title],
    ['description', LIMITS.description],
    ['place', LIMITS.place],
  ];
  for (const [field, max] of limits) {
    it(`limits the ${field} to ${max} characters (Cyrillic)`, () => {
      const f = ideasForum();
      expect(decideSubmitIdea(f.state, 'p1', idea({ [field]: 'ї'.repeat(max) }), 'i', 1).ok).toBe(true);
      expect(refusal(decideSubmitIdea(f.state, 'p1', idea({ [field]: 'ї'.repeat(max + 1) }), 'i', 1))).toEqual({
        code: 'TEXT_TOO_LONG',
        params: { field, max, length: max + 1 },
      });
    });

    it(`counts the ${field} in characters, so emoji are one each`, () => {
      const f = ideasForum();
      const fits = '🌳'.repeat(max);
      expect(fits.length).toBe(2 * max);
      const events = accepted(decideSubmitIdea(f.state, 'p1', idea({ [field]: fits }), 'i', 1));
      expect(events[0]).toMatchObject({ [field]: fits });
      expect(refusal(decideSubmitIdea(f.state, 'p1', idea({ [field]: '🌳'.repeat(max + 1) }), 'i', 1))).toEqual({
        code: 'TEXT_TOO_LONG',
        params: { field, max, length: max + 1 },
      });
    });
  }

  it('measures a title after cleaning: runs of spaces collapse before counting', () => {
    const f = ideasForum();
    const padded = `  ${'а'.repeat(LIMITS.title - 2)}     б  `; // cleans to exactly the limit
    const events = accepted(decideSubmitIdea(f.state, 'p1', idea({ title: padded }), 'i', 1));
    expect(events[0]).toMatchObject({ title: `${'а'.repeat(LIMITS.title - 2)} б` });
  });

  it('keeps line breaks in the description and counts them', () => {
    const f = ideasForum();
    const events = accepted(decideSubmitIdea(f.state, 'p1', idea({ description: 'Перше\nДруге' }), 'i', 1));
    expect(events[0]).toMatchObject({ description: 'Перше\nДруге' });
    const tooLong = `${'д'.repeat(LIMITS.description - 1)}\nx`;
    expect(refusal(decideSubmitIdea(f.state, 'p1', idea({ description: tooLong }), 'i', 1))).toMatchObject({
      code: 'TEXT_TOO_LONG',
      params: { field: 'description', length: LIMITS.description + 1 },
    });
  });

  it('enforces the per-participant limit, per participant', () => {
    const f = ideasForum({ ideasPerParticipant: 2 });
    f.submit('p1');
    f.submit('p1', 'B');
    expect(refusal(decideSubmitIdea(f.state, 'p1', idea({ priorityCode: 'C' }), 'i', 1))).toEqual({
      code: 'IDEA_LIMIT',
      params: { limit: 2 },
    });
    expect(ideasOf(f.state, 'p1')).toHaveLength(2);
    // Another participant has their own allowance.
    f.submit('p2');
    f.submit('p2');
    expect(refusal(decideSubmitIdea(f.state, 'p2', idea(), 'i', 1)).code).toBe('IDEA_LIMIT');
  });

  it('does not count withdrawn ideas against the limit', () => {
    const f = ideasForum({ ideasPerParticipant: 2 });
    const first = f.submit('p1');
    f.submit('p1');
    f.withdraw('p1', first);
    expect(ideasOf(f.state, 'p1')).toHaveLength(1);
    f.submit('p1');
    expect(refusal(decideSubmitIdea(f.state, 'p1', idea(), 'i', 1)).code).toBe('IDEA_LIMIT');
  });

  it('counts hidden ideas against the limit (only withdrawn ones are given back)', () => {
    const f = ideasForum({ ideasPerParticipant: 1 });
    const mine = f.submit('p1');
    f.hide(mine);
    expect(refusal(decideSubmitIdea(f.state, 'p1', idea(), 'i', 1))).toEqual({ code: 'IDEA_LIMIT', params: { limit: 1 } });
  });

  it('a limit of one still allows the first idea', () => {
    const f = ideasForum({ ideasPerParticipant: 1 });
    f.submit('p1');
    expect(f.state.ideas.size).toBe(1);
  });
});

describe('decideEditIdea', () => {
  it('lets the author edit their idea while ideas are open', () => {
    const f = ideasForum();
    const id = f.submit('p1', 'A', 'Стара назва', { goalCode: 'A.1', description: 'Старий опис', place: 'Старе місце' });
    const events = f.run(
      decideEditIdea(f.state, 'p1', id, text({ goalCode: 'A.2', title: ' Нова  назва ', description: 'Новий\nопис', place: 'Нове' }), 9_000),
    );
    expect(events).toEqual([
      {
        type: 'ideaEdited',
        ideaId: id,
        goalCode: 'A.2',
        title: 'Нова назва',
        description: 'Новий\nопис',
        place: 'Нове',
        by: 'author',
        at: 9_000,
      },
    ]);
    expect(f.state.ideas.get(id)).toMatchObject({
      authorId: 'p1',
      priorityCode: 'A',
      goalCode: 'A.2',
      title: 'Нова назва',
      corrected: false,
      status: 'active',
      seq: 1,
    });
    // An author's own edit is not moderation.
    expect(f.state.moderation).toEqual([]);
  });

  it('can clear the goal', () => {
    const f = ideasForum();
    const id = f.submit('p1', 'A', 'Назва', { goalCode: 'A.1' });
    f.run(decideEditIdea(f.state, 'p1', id, text({ goalCode: null }), 1));
    expect(f.state.ideas.get(id)?.goalCode).toBeNull();
  });

  it('checks the goal against the idea’s own priority and requires a title', () => {
    const f = ideasForum();
    const id = f.submit('p1', 'A');
    expect(refusal(decideEditIdea(f.state, 'p1', id, text({ goalCode: 'B.1' }), 1))).toEqual({
      code: 'UNKNOWN_GOAL',
      params: { code: 'B.1', priority: 'A' },
    });
    expect(refusal(decideEditIdea(f.state, 'p1', id, text({ title: ' \n ' }), 1))).toEqual({
      code: 'TEXT_REQUIRED',
      params: { field: 'title' },
    });
    expect(refusal(decideEditIdea(f.state, 'p1', id, text({ place: 'м'.repeat(LIMITS.place + 1) }), 1))).toMatchObject({
      code: 'TEXT_TOO_LONG',
      params: { field: 'place' },
    });
  });

  it('refuses anyone but the author with NOT_AUTHOR', () => {
    const f = ideasForum();
    const id = f.submit('p1');
    expect(refusal(decideEditIdea(f.state, 'p2', id, text(), 1))).toEqual({ code: 'NOT_AUTHOR' });
  });

  it('refuses someone who has not joined with NOT_JOINED', () => {
    const f = ideasForum();
    const id = f.submit('p1');
    expect(refusal(decideEditIdea(f.state, 'ghost', id, text(), 1))).toEqual({ code: 'NOT_JOINED' });
  });

  it('refuses an unknown or withdrawn idea with IDEA_NOT_FOUND', () => {
    const f = ideasForum();
    expect(refusal(decideEditIdea(f.state, 'p1', 'nope', text(), 1))).toEqual({ code: 'IDEA_NOT_FOUND' });
    const id = f.submit('p1');
    f.withdraw('p1', id);
    expect(refusal(decideEditIdea(f.state, 'p1', id, text(), 1))).toEqual({ code: 'IDEA_NOT_FOUND' });
  });

  for (const phase of ['review', 'voting', 'results', 'closed'] as const) {
    it(`refuses editing in ${phase} with WRONG_PHASE`, () => {
      const f = ideasForum();
      const id = f.submit('p1');
      f.to(phase);
      expect(refusal(decideEditIdea(f.state, 'p1', id, text(), 1))).toEqual({ code: 'WRONG_PHASE', params: { phase } });
    });
  }

  it('refuses editing a hidden idea with IDEA_NOT_ACTIVE', () => {
    const f = ideasForum();
    const id = f.submit('p1');
    f.hide(id);
    expect(refusal(decideEditIdea(f.state, 'p1', id, text(), 1))).toEqual({ code: 'IDEA_NOT_ACTIVE' });
  });
});

describe('decideWithdrawIdea', () => {
  it('lets the author withdraw; the idea leaves the wall and cannot be withdrawn twice', () => {
    const f = ideasForum();
    const id = f.submit('p1');
    const events = f.run(decideWithdrawIdea(f.state, 'p1', id));
    expect(events).toEqual([{ type: 'ideaWithdrawn', ideaId: id }]);
    expect(f.state.ideas.get(id)?.status).toBe('withdrawn');
    expect(refusal(decideWithdrawIdea(f.state, 'p1', id))).toEqual({ code: 'IDEA_NOT_FOUND' });
  });

  it('refuses others, strangers, hidden ideas and other phases', () => {
    const f = ideasForum();
    const id = f.submit('p1');
    expect(refusal(decideWithdrawIdea(f.state, 'p2', id))).toEqual({ code: 'NOT_AUTHOR' });
    expect(refusal(decideWithdrawIdea(f.state, 'ghost', id))).toEqual({ code: 'NOT_JOINED' });
    expect(refusal(decideWithdrawIdea(f.state, 'p1', 'nope'))).toEqual({ code: 'IDEA_NOT_FOUND' });
    const hidden = f.submit('p1');
    f.hide(hidden);
    expect(refusal(decideWithdrawIdea(f.state, 'p1', hidden))).toEqual({ code: 'IDEA_NOT_ACTIVE' });
    f.to('review');
    expect(refusal(decideWithdrawIdea(f.state, 'p1', id))).toEqual({ code: 'WRONG_PHASE', params: { phase: 'review' } });
    f.to('voting');
    expect(refusal(decideWithdrawIdea(f.state, 'p1', id))).toEqual({ code: 'WRONG_PHASE', params: { phase: 'voting' } });
  });
});

// ---------------------------------------------------------------- moderation

describe('moderation: hide', () => {
  it('hides an active idea with a cleaned reason and logs it', () => {
    const f = ideasForum();
    const id = f.submit('p1');
    const events = f.run(decideHideIdea(f.state, id, '  Не   за темою ', 4_242));
    expect(events).toEqual([{ type: 'ideaHidden', ideaId: id, reason: 'Не за темою', at: 4_242 }]);
    expect(f.state.ideas.get(id)).toMatchObject({ status: 'hidden', hiddenReason: 'Не за темою', authorId: 'p1' });
    expect(f.state.moderation).toEqual([{ at: 4_242, action: 'hide', ideaId: id, reason: 'Не за темою', by: 'facilitator' }]);
  });

  for (const reason of ['', '   ', '\n\t', '\u200b']) {
    it(`needs a reason: ${JSON.stringify(reason)} is refused`, () => {
      const f = ideasForum();
      const id = f.submit('p1');
      expect(refusal(decideHideIdea(f.state, id, reason, 1))).toEqual({ code: 'TEXT_REQUIRED', params: { field: 'reason' } });
    });
  }

  it('limits the reason length', () => {
    const f = ideasForum();
    const id = f.submit('p1');
    expect(decideHideIdea(f.state, id, 'р'.repeat(LIMITS.reason), 1).ok).toBe(true);
    expect(refusal(decideHideIdea(f.state, id, 'р'.repeat(LIMITS.reason + 1), 1))).toEqual({
      code: 'TEXT_TOO_LONG',
      params: { field: 'reason', max: LIMITS.reason, length: LIMITS.reason + 1 },
    });
  });

  it('hides only active ideas', () => {
    const f = ideasForum();
    const id = f.submit('p1');
    f.hide(id);
    expect(refusal(decideHideIdea(f.state, id, 'Ще раз', 1))).toEqual({ code: 'IDEA_NOT_ACTIVE' });
    const gone = f.submit('p1');
    f.withdraw('p1', gone);
    expect(refusal(decideHideIdea(f.state, gone, 'Причина', 1))).toEqual({ code: 'IDEA_NOT_FOUND' });
    expect(refusal(decideHideIdea(f.state, 'nope', 'Причина', 1))).toEqual({ code: 'IDEA_NOT_FOUND' });
  });

  for (const phase of ['ideas', 'review', 'voting'] as const) {
    it(`may hide in ${phase}`, () => {
      const f = ideasForum();
      const id = f.submit('p1');
      f.to(phase);
      f.hide(id);
      expect(f.state.ideas.get(id)?.status).toBe('hidden');
    });
  }

  for (const phase of ['results', 'closed'] as const) {
    it(`may not hide, restore or correct in ${phase}`, () => {
      const f = ideasForum();
      const id = f.submit('p1');
      const hidden = f.submit('p2');
      f.hide(hidden);
      f.to(phase);
      expect(refusal(decideHideIdea(f.state, id, 'Причина', 1))).toEqual({ code: 'WRONG_PHASE', params: { phase } });
      expect(refusal(decideRestoreIdea(f.state, hidden, 1))).toEqual({ code: 'WRONG_PHASE', params: { phase } });
      expect(refusal(decideCorrectIdea(f.state, id, text(), 1))).toEqual({ code: 'WRONG_PHASE', params: { phase } });
    });
  }
});

describe('moderation: restore', () => {
  it('restores a hidden idea and logs it', () => {
    const f = ideasForum();
    const id = f.submit('p1');
    f.hide(id);
    const events = f.run(decideRestoreIdea(f.state, id, 5_555));
    expect(events).toEqual([{ type: 'ideaRestored', ideaId: id, at: 5_555 }]);
    expect(f.state.ideas.get(id)).toMatchObject({ status: 'active', hiddenReason: null });
    expect(f.state.moderation.map((m) => m.action)).toEqual(['hide', 'restore']);
    expect(f.state.moderation[1]).toEqual({ at: 5_555, action: 'restore', ideaId: id, reason: null, by: 'facilitator' });
  });

  it('restores only hidden ideas', () => {
    const f = ideasForum();
    const id = f.submit('p1');
    expect(refusal(decideRestoreIdea(f.state, id, 1))).toEqual({ code: 'IDEA_NOT_HIDDEN' });
    f.withdraw('p1', id);
    expect(refusal(decideRestoreIdea(f.state, id, 1))).toEqual({ code: 'IDEA_NOT_FOUND' });
    expect(refusal(decideRestoreIdea(f.state, 'nope', 1))).toEqual({ code: 'IDEA_NOT_FOUND' });
  });

  it('puts back, when asked, the dots given back at hiding, as far as each budget has room, none for a voided ballot', () => {
    const f = ideasForum();
    f.join('p3', 'Марія');
    const id = f.submit('p1');
    const other = f.submit('p1', 'A', 'Ліхтарі');
    f.to('voting');
    f.dot('p1', id, 2);
    f.dot('p2', id, 2);
    f.dot('p3', id, 1);
    f.hide(id);
    expect(f.state.ideas.get(id)?.hiddenDots).toHaveLength(3);
    // Тарас spends all three dots elsewhere meanwhile (cap 2 on one idea: 2 + 1 of 3); Марія is voided.
    f.dot('p2', other, 2);
    f.run(decideVoid(f.state, 'p3', 'Повтор', 1));
    const events = f.run(decideRestoreIdea(f.state, id, 7, true));
    expect(events).toEqual([{ type: 'ideaRestored', ideaId: id, at: 7, reinstated: [{ participantId: 'p1', ideaId: id, count: 2 }, { participantId: 'p2', ideaId: id, count: 1 }] }]);
    expect(f.dotsOn('p1', id)).toBe(2);
    expect(f.dotsOn('p2', id)).toBe(1);
    expect(f.dotsOn('p3', id)).toBe(0);
    expect(f.state.ideas.get(id)?.hiddenDots).toBeUndefined();
    // Without asking, nothing is put back and the event says nothing of dots.
    f.hide(id);
    expect(f.run(decideRestoreIdea(f.state, id, 8))).toEqual([{ type: 'ideaRestored', ideaId: id, at: 8 }]);
    expect(f.dotsOn('p1', id)).toBe(0);
  });

  it('a restored idea can be edited by its author again', () => {
    const f = ideasForum();
    const id = f.submit('p1');
    f.hide(id);
    f.restore(id);
    expect(decideEditIdea(f.state, 'p1', id, text(), 1).ok).toBe(true);
  });
});

describe('moderation: correct', () => {
  it('corrects the text, keeps the author and the priority, and logs the text before and after', () => {
    const f = ideasForum();
    const id = f.submit('p1', 'A', 'Лафки в парку', { goalCode: 'A.1', description: 'опис з памилкою', place: 'парк' });
    f.to('review');
    const events = f.run(
      decideCorrectIdea(f.state, id, text({ goalCode: 'A.2', title: ' Лавки  в парку ', description: 'опис', place: 'Парк' }), 6_000),
    );
    expect(events).toEqual([
      {
        type: 'ideaEdited',
        ideaId: id,
        goalCode: 'A.2',
        title: 'Лавки в парку',
        description: 'опис',
        place: 'Парк',
        by: 'facilitator',
        at: 6_000,
      },
    ]);
    expect(f.state.ideas.get(id)).toMatchObject({
      authorId: 'p1',
      priorityCode: 'A',
      goalCode: 'A.2',
      title: 'Лавки в парку',
      corrected: true,
      status: 'active',
    });
    expect(f.state.moderation).toEqual([
      {
        at: 6_000,
        action: 'correct',
        ideaId: id,
        reason: null,
        by: 'facilitator',
        before: { title: 'Лафки в парку', description: 'опис з памилкою', place: 'парк' },
        after: { title: 'Лавки в парку', description: 'опис', place: 'Парк' },
      },
    ]);
  });

  it('refuses a correction that changes nothing once cleaned; a log from before that rule is judged as it was', () => {
    const f = ideasForum();
    const id = f.submit('p1', 'A', 'Лавки в парку', { goalCode: 'A.1', place: 'Парк' });
    const same = text({ goalCode: 'A.1', title: '  Лавки   в парку ', place: 'Парк' });
    expect(refusal(decideCorrectIdea(f.state, id, same, 1))).toEqual({ code: 'IDEA_UNCHANGED' });
    expect(decideCorrectIdea(f.state, id, same, 1, false).ok).toBe(true);
    // Only the goal changing is a change.
    expect(decideCorrectIdea(f.state, id, { ...same, goalCode: 'A.2' }, 1).ok).toBe(true);
  });

  it('logs each correction with the text right before it', () => {
    const f = ideasForum();
    const id = f.submit('p1', 'A', 'Перша');
    f.run(decideCorrectIdea(f.state, id, text({ title: 'Друга' }), 1));
    f.run(decideCorrectIdea(f.state, id, text({ title: 'Третя' }), 2));
    expect(f.state.moderation.map((m) => m.before?.title)).toEqual(['Перша', 'Друга']);
  });

  it('applies the same text checks as the author’s', () => {
    const f = ideasForum();
    const id = f.submit('p1', 'A');
    expect(refusal(decideCorrectIdea(f.state, id, text({ title: '' }), 1))).toEqual({
      code: 'TEXT_REQUIRED',
      params: { field: 'title' },
    });
    expect(refusal(decideCorrectIdea(f.state, id, text({ goalCode: 'B.1' }), 1)).code).toBe('UNKNOWN_GOAL');
    expect(refusal(decideCorrectIdea(f.state, 'nope', text(), 1))).toEqual({ code: 'IDEA_NOT_FOUND' });
  });

  it('does not touch the dots on a corrected idea during voting', () => {
    const f = ideasForum();
    const id = f.submit('p1');
    f.to('voting');
    f.dot('p2', id, 2);
    f.run(decideCorrectIdea(f.state, id, text({ title: 'Виправлено' }), 1));
    expect(f.dotsOn('p2', id)).toBe(2);
  });
});

// ---------------------------------------------------------------- dots

/** A forum in voting: ideas a1, a2, a3 in priority A, b1 in B; budget 3, cap 2. */
function votingForum(rules: Partial<Rules> = {}) {
  const f = new TestForum({ dotsPerPriority: 3, maxDotsPerIdea: 2, ...rules });
  f.joinAll('p1', 'p2', 'p3');
  f.to('ideas');
  const a1 = f.submit('p1', 'A', 'Ідея A1');
  const a2 = f.submit('p2', 'A', 'Ідея A2');
  const a3 = f.submit('p3', 'A', 'Ідея A3');
  const b1 = f.submit('p1', 'B', 'Ідея B1');
  f.to('voting');
  return { f, a1, a2, a3, b1 };
}

describe('dots', () => {
  it('places a dot in voting', () => {
    const { f, a1 } = votingForum();
    const events = f.run(decidePlaceDot(f.state, 'p1', a1));
    expect(events).toEqual([{ type: 'dotPlaced', participantId: 'p1', ideaId: a1 }]);
    expect(f.dotsOn('p1', a1)).toBe(1);
    expect(dotsSpent(f.state, 'p1', 'A')).toBe(1);
    expect(dotsLeft(f.state, 'p1', 'A')).toBe(2);
  });

  it('lets people vote for their own idea', () => {
    const { f, a1 } = votingForum();
    expect(f.state.ideas.get(a1)?.authorId).toBe('p1');
    expect(decidePlaceDot(f.state, 'p1', a1).ok).toBe(true);
  });

  for (const phase of ['ideas', 'review', 'results', 'closed'] as const) {
    it(`refuses placing and removing dots in ${phase}`, () => {
      const f = new TestForum();
      f.join('p1');
      f.to('ideas');
      const id = f.submit('p1');
      if (phase === 'results' || phase === 'closed') {
        f.to('voting');
        f.dot('p1', id);
      }
      f.to(phase);
      expect(refusal(decidePlaceDot(f.state, 'p1', id))).toEqual({ code: 'WRONG_PHASE', params: { phase } });
      expect(refusal(decideRemoveDot(f.state, 'p1', id))).toEqual({ code: 'WRONG_PHASE', params: { phase } });
    });
  }

  it('refuses someone who has not joined', () => {
    const { f, a1 } = votingForum();
    expect(refusal(decidePlaceDot(f.state, 'ghost', a1))).toEqual({ code: 'NOT_JOINED' });
    expect(refusal(decideRemoveDot(f.state, 'ghost', a1))).toEqual({ code: 'NOT_JOINED' });
  });

  it('stacks dots on one idea up to the cap, then CAP_EXCEEDED', () => {
    const { f, a1 } = votingForum();
    f.dot('p1', a1, 2);
    expect(f.dotsOn('p1', a1)).toBe(2);
    expect(refusal(decidePlaceDot(f.state, 'p1', a1))).toEqual({ code: 'CAP_EXCEEDED', params: { max: 2 } });
    // The cap is per person: someone else may still stack on it.
    f.dot('p2', a1, 2);
    expect(f.dotsOn('p2', a1)).toBe(2);
  });

  it('allows stacking the whole budget on one idea when the cap equals the budget', () => {
    const { f, a1, a2 } = votingForum({ dotsPerPriority: 3, maxDotsPerIdea: 3 });
    f.dot('p1', a1, 3);
    expect(f.dotsOn('p1', a1)).toBe(3);
    expect(refusal(decidePlaceDot(f.state, 'p1', a1)).code).toBe('CAP_EXCEEDED');
    expect(refusal(decidePlaceDot(f.state, 'p1', a2))).toEqual({ code: 'BUDGET_EXCEEDED', params: { budget: 3 } });
  });

  it('a cap of one forbids stacking', () => {
    const { f, a1, a2 } = votingForum({ maxDotsPerIdea: 1 });
    f.dot('p1', a1);
    expect(refusal(decidePlaceDot(f.state, 'p1', a1))).toEqual({ code: 'CAP_EXCEEDED', params: { max: 1 } });
    f.dot('p1', a2);
  });

  it('enforces the budget per priority', () => {
    const { f, a1, a2, a3 } = votingForum();
    f.dot('p1', a1, 2);
    f.dot('p1', a2);
    expect(dotsLeft(f.state, 'p1', 'A')).toBe(0);
    // a3 has none of p1's dots, so it is the budget, not the cap, that refuses.
    expect(refusal(decidePlaceDot(f.state, 'p1', a3))).toEqual({ code: 'BUDGET_EXCEEDED', params: { budget: 3 } });
  });

  it('keeps budgets of different priorities independent', () => {
    const { f, a1, a2, b1 } = votingForum();
    f.dot('p1', a1, 2);
    f.dot('p1', a2);
    expect(dotsLeft(f.state, 'p1', 'A')).toBe(0);
    expect(dotsLeft(f.state, 'p1', 'B')).toBe(3);
    expect(dotsLeft(f.state, 'p1', 'C')).toBe(3);
    f.dot('p1', b1, 2);
    expect(dotsLeft(f.state, 'p1', 'B')).toBe(1);
    expect(dotsSpent(f.state, 'p1', 'A')).toBe(3);
    expect(dotsSpent(f.state, 'p1', 'B')).toBe(2);
  });

  it('keeps budgets of different participants independent', () => {
    const { f, a1, a2 } = votingForum();
    f.dot('p1', a1, 2);
    f.dot('p1', a2);
    expect(dotsLeft(f.state, 'p2', 'A')).toBe(3);
    f.dot('p2', a2, 2);
    expect(dotsLeft(f.state, 'p2', 'A')).toBe(1);
    expect(dotsLeft(f.state, 'p1', 'A')).toBe(0);
  });

  it('refuses dots on hidden, withdrawn and unknown ideas', () => {
    const f = new TestForum();
    f.join('p1');
    f.join('p2');
    f.to('ideas');
    const withdrawn = f.submit('p1');
    f.withdraw('p1', withdrawn);
    const hidden = f.submit('p2');
    f.to('voting');
    f.hide(hidden);
    expect(refusal(decidePlaceDot(f.state, 'p1', hidden))).toEqual({ code: 'IDEA_NOT_ACTIVE' });
    expect(refusal(decidePlaceDot(f.state, 'p1', withdrawn))).toEqual({ code: 'IDEA_NOT_FOUND' });
    expect(refusal(decidePlaceDot(f.state, 'p1', 'nope'))).toEqual({ code: 'IDEA_NOT_FOUND' });
  });

  it('removes a dot, giving it back to the budget, one at a time from a stack', () => {
    const { f, a1, a3 } = votingForum();
    f.dot('p1', a1, 2);
    f.dot('p1', 'i2');
    expect(dotsLeft(f.state, 'p1', 'A')).toBe(0);
    const events = f.run(decideRemoveDot(f.state, 'p1', a1));
    expect(events).toEqual([{ type: 'dotRemoved', participantId: 'p1', ideaId: a1 }]);
    expect(f.dotsOn('p1', a1)).toBe(1);
    expect(dotsLeft(f.state, 'p1', 'A')).toBe(1);
    f.dot('p1', a3);
    f.undot('p1', a1);
    expect(f.state.dots.get('p1')?.has(a1)).toBe(false);
    expect(refusal(decideRemoveDot(f.state, 'p1', a1))).toEqual({ code: 'NO_DOT_TO_REMOVE' });
  });

  it('refuses removing a dot that is not there', () => {
    const { f, a1, a2 } = votingForum();
    expect(refusal(decideRemoveDot(f.state, 'p1', a1))).toEqual({ code: 'NO_DOT_TO_REMOVE' });
    f.dot('p2', a1);
    // Someone else's dot is not yours to remove.
    expect(refusal(decideRemoveDot(f.state, 'p1', a1))).toEqual({ code: 'NO_DOT_TO_REMOVE' });
    f.dot('p1', a2);
    expect(refusal(decideRemoveDot(f.state, 'p1', a1))).toEqual({ code: 'NO_DOT_TO_REMOVE' });
    expect(refusal(decideRemoveDot(f.state, 'p1', 'nope'))).toEqual({ code: 'IDEA_NOT_FOUND' });
  });

  it('hiding an idea refunds every owner’s dots on it and leaves other ideas alone', () => {
    const { f, a1, a2, b1 } = votingForum();
    f.dot('p1', a1, 2);
    f.dot('p1', a2);
    f.dot('p2', a1);
    f.dot('p2', a2, 2);
    f.dot('p3', a2);
    f.dot('p3', b1);
    expect(dotOwnersOf(f.state, a1).sort()).toEqual(['p1', 'p2']);
    expect(dotsLeft(f.state, 'p1', 'A')).toBe(0);
    expect(dotsLeft(f.state, 'p2', 'A')).toBe(0);

    f.hide(a1, 'Дублікат');

    expect(dotOwnersOf(f.state, a1)).toEqual([]);
    expect(f.dotsOn('p1', a1)).toBe(0);
    expect(f.dotsOn('p2', a1)).toBe(0);
    expect(dotsLeft(f.state, 'p1', 'A')).toBe(2);
    expect(dotsLeft(f.state, 'p2', 'A')).toBe(1);
    // Other ideas' dots are untouched.
    expect(f.dotsOn('p1', a2)).toBe(1);
    expect(f.dotsOn('p2', a2)).toBe(2);
    expect(f.dotsOn('p3', a2)).toBe(1);
    expect(f.dotsOn('p3', b1)).toBe(1);
    expect(dotsLeft(f.state, 'p3', 'A')).toBe(2);
    expect(dotsLeft(f.state, 'p3', 'B')).toBe(2);
    // The refunded dots can be spent elsewhere.
    f.dot('p1', a2);
    expect(dotsLeft(f.state, 'p1', 'A')).toBe(1);
    // And there is nothing to remove from the hidden idea.
    expect(refusal(decideRemoveDot(f.state, 'p1', a1))).toEqual({ code: 'NO_DOT_TO_REMOVE' });
  });

  it('restoring a hidden idea does not bring the refunded dots back', () => {
    const { f, a1 } = votingForum();
    f.dot('p1', a1, 2);
    f.dot('p2', a1);
    f.hide(a1);
    f.restore(a1);
    expect(f.state.ideas.get(a1)?.status).toBe('active');
    expect(f.dotsOn('p1', a1)).toBe(0);
    expect(f.dotsOn('p2', a1)).toBe(0);
    expect(dotsLeft(f.state, 'p1', 'A')).toBe(3);
    expect(dotOwnersOf(f.state, a1)).toEqual([]);
    // It takes dots again once restored.
    f.dot('p1', a1);
    expect(f.dotsOn('p1', a1)).toBe(1);
  });

  it('withdrawing an idea refunds its dots too (reducer)', () => {
    // Withdrawal is only possible while ideas are open, so apply the event directly to prove the refund.
    const { f, a1, a2 } = votingForum();
    f.dot('p2', a1, 2);
    f.dot('p2', a2);
    f.apply([{ type: 'ideaWithdrawn', ideaId: a1 }]);
    expect(f.dotsOn('p2', a1)).toBe(0);
    expect(f.dotsOn('p2', a2)).toBe(1);
    expect(dotsLeft(f.state, 'p2', 'A')).toBe(2);
  });

  it('dotsLeft follows a rules change of the budget', () => {
    const f = new TestForum();
    f.run(decideRules(f.state, { ideasPerParticipant: 5, dotsPerPriority: 7, maxDotsPerIdea: 2 }));
    f.join('p1');
    expect(dotsLeft(f.state, 'p1', 'A')).toBe(7);
  });
});

// ---------------------------------------------------------------- results

describe('decideReveal', () => {
  function resultsForum() {
    const { f } = votingForum();
    f.to('results');
    return f;
  }

  it('reveals a priority in results, once', () => {
    const f = resultsForum();
    const events = f.run(decideReveal(f.state, 'B'));
    expect(events).toEqual([{ type: 'priorityRevealed', priorityCode: 'B' }]);
    expect(f.state.revealed).toEqual(['B']);
    expect(refusal(decideReveal(f.state, 'B'))).toEqual({ code: 'ALREADY_REVEALED' });
    f.run(decideReveal(f.state, 'A'));
    expect(f.state.revealed).toEqual(['B', 'A']);
  });

  it('refuses an unknown priority', () => {
    const f = resultsForum();
    expect(refusal(decideReveal(f.state, 'Z'))).toEqual({ code: 'UNKNOWN_PRIORITY', params: { code: 'Z' } });
  });

  it('can reveal a priority without ideas', () => {
    const f = resultsForum();
    expect(decideReveal(f.state, 'C').ok).toBe(true);
  });

  for (const phase of ['lobby', 'ideas', 'review', 'voting', 'closed'] as const) {
    it(`refuses revealing in ${phase}`, () => {
      const f = new TestForum().to(phase);
      expect(refusal(decideReveal(f.state, 'A'))).toEqual({ code: 'WRONG_PHASE', params: { phase } });
    });
  }
});

// ---------------------------------------------------------------- purity

describe('decide* functions are pure', () => {
  it('never change the state they are given, accepted or refused', () => {
    const { f, a1, a2 } = votingForum();
    f.dot('p1', a1);
    const before = snapshot(f.state);
    const decisions: Decision<unknown>[] = [
      decidePlaceDot(f.state, 'p1', a1),
      decidePlaceDot(f.state, 'p1', a2),
      decideRemoveDot(f.state, 'p1', a1),
      decideHideIdea(f.state, a1, 'Причина', 1),
      decideCorrectIdea(f.state, a2, text({ title: 'Нове' }), 1),
      decideTransition(f.state, 'results'),
      decideJoin(f.state, { code: JOIN_CODE, name: 'Нова', participantId: 'p9', tokenHash: 'h9', at: 1 }),
      decideRename(f.state, 'p1', 'Інше імʼя'),
      decideSubmitIdea(f.state, 'p1', idea(), 'new', 1),
      decideStructure(f.state, baseStructure()),
      decideReveal(f.state, 'A'),
    ];
    expect(decisions.some((d) => d.ok)).toBe(true);
    expect(snapshot(f.state)).toBe(before);
  });
});
