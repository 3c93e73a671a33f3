// Unit tests for facilitation.ts: merging duplicates and undoing a merge (every dot accounted for,
// within the cap and the budget), paper idea cards and sticker counts kept apart from phone dots,
// hosts and their scope, the phase timer, and the word list that flags ideas. Forums are built as
// the server builds them (decide*, then applyEvent), and the log they leave must replay to the
// same forum and pass the log check.

import { describe, expect, it } from 'vitest';
import { decideVoid } from './admission.js';
import {
  DEFAULT_WORD_LIST,
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
  flaggedWords,
  hostMayAct,
  paperBallotsNeeded,
  paperBound,
  WORD_LIST_MAX,
  wordKey,
} from './facilitation.js';
import { decideHideIdea, decidePlaceDot, decideReveal, decideTransition, decideWithdrawIdea, dotsLeft, ideasOf } from './rules.js';
import { replay } from './state.js';
import { countVotingProgress, tallyPriority, votingProgress } from './tally.js';
import { accepted, refusal, snapshot, TestForum } from './testing.js';
import { FACILITATOR, PAPER_BALLOTS_MAX, PAPER_DOTS_MAX, TIMER_MAX_MS, TIMER_MIN_MS, type ForumEvent, type Phase } from './types.js';
import { verifyLog } from './verify.js';

// ---------------------------------------------------------------- helpers

/**
 * Budget 4 dots per priority, at most 2 on one idea. Priority A: i1 (p1), i2 (p2), i3 (p3),
 * i4 (p4), i5 (p1); priority B: i6 (p2). In voting.
 */
function votingForum(): TestForum {
  const f = new TestForum({ ideasPerParticipant: 3, dotsPerPriority: 4, maxDotsPerIdea: 2 });
  f.joinAll('p1', 'p2', 'p3', 'p4');
  f.to('ideas');
  f.submit('p1', 'A', 'Велодоріжка на Київській', { description: 'Від центру до вокзалу', place: 'вул. Київська' });
  f.submit('p2', 'A', 'Велосипедна доріжка по Київській');
  f.submit('p3', 'A', 'Велодоріжка на Київській вулиці');
  f.submit('p4', 'A', 'Ліхтарі в парку');
  f.submit('p1', 'A', 'Лавки біля школи');
  f.submit('p2', 'B', 'Дерева на набережній');
  f.to('voting');
  return f;
}

/** Every participant's dots, as a plain object to compare. */
const allDots = (f: TestForum) =>
  Object.fromEntries([...f.state.dots].map(([p, mine]) => [p, Object.fromEntries([...mine].filter(([, n]) => n > 0))]));

const merge = (f: TestForum, into: string, ideas: string[], mergeId = 'm1', by = FACILITATOR) =>
  f.run(decideMerge(f.state, into, ideas, mergeId, f.now(), by));

const undo = (f: TestForum, mergeId = 'm1', by = FACILITATOR) => f.run(decideUndoMerge(f.state, mergeId, f.now(), by));

const paper = (title = 'Пандус до бібліотеки', more: Partial<{ priorityCode: string; goalCode: string | null; description: string; place: string; paperAuthor: string }> = {}) => ({
  priorityCode: 'A',
  goalCode: null,
  title,
  description: '',
  place: '',
  paperAuthor: '',
  ...more,
});

// ---------------------------------------------------------------- merging

describe('decideMerge', () => {
  it('moves dots to the surviving idea up to the cap and gives the rest back; budgets stay as they were', () => {
    const f = votingForum();
    // p1: 2 dots on each of the two ideas merged, none on the survivor; cap 2.
    f.dot('p1', 'i2', 2);
    f.dot('p1', 'i3', 2);
    f.dot('p1', 'i6', 1);
    const events = merge(f, 'i1', ['i2', 'i3']);
    expect(events).toEqual([
      {
        type: 'ideasMerged',
        mergeId: 'm1',
        into: 'i1',
        ideas: ['i2', 'i3'],
        moved: [{ participantId: 'p1', ideaId: 'i2', count: 2 }],
        refunded: [{ participantId: 'p1', ideaId: 'i3', count: 2 }],
        at: expect.any(Number),
        by: FACILITATOR,
      },
    ]);
    expect(allDots(f).p1).toEqual({ i1: 2, i6: 1 });
    // The 2 refunded dots can be spent again in A; B is untouched, and so is the budget itself.
    expect(dotsLeft(f.state, 'p1', 'A')).toBe(2);
    expect(dotsLeft(f.state, 'p1', 'B')).toBe(3);
    expect(f.state.rules.dotsPerPriority).toBe(4);
  });

  it('counts the dots already on the survivor against the cap', () => {
    const f = votingForum();
    f.dot('p2', 'i1', 1);
    f.dot('p2', 'i3', 2);
    f.dot('p3', 'i1', 2);
    f.dot('p3', 'i2', 1);
    f.dot('p4', 'i2', 1);
    const [e] = merge(f, 'i1', ['i2', 'i3']);
    expect(e).toMatchObject({
      moved: [
        { participantId: 'p2', ideaId: 'i3', count: 1 },
        { participantId: 'p4', ideaId: 'i2', count: 1 },
      ],
      refunded: [
        { participantId: 'p2', ideaId: 'i3', count: 1 },
        { participantId: 'p3', ideaId: 'i2', count: 1 },
      ],
    });
    expect(allDots(f)).toMatchObject({ p2: { i1: 2 }, p3: { i1: 2 }, p4: { i1: 1 } });
    expect(tallyPriority(f.state, 'A').find((t) => t.ideaId === 'i1')).toMatchObject({ dots: 5, supporters: 3 });
  });

  it('folds the ideas in: marked merged, their texts and authors kept on the survivor, logged', () => {
    const f = votingForum();
    merge(f, 'i1', ['i2', 'i3'], 'm1', 'host-1');
    expect(f.state.ideas.get('i2')).toMatchObject({ status: 'merged', mergedInto: 'i1' });
    expect(f.state.ideas.get('i3')).toMatchObject({ status: 'merged', mergedInto: 'i1' });
    expect(f.state.ideas.get('i1')!.merged).toEqual([
      { ideaId: 'i2', title: 'Велосипедна доріжка по Київській', description: '', place: '', authorId: 'p2', paperAuthor: '' },
      { ideaId: 'i3', title: 'Велодоріжка на Київській вулиці', description: '', place: '', authorId: 'p3', paperAuthor: '' },
    ]);
    expect(f.state.merges.get('m1')).toMatchObject({ into: 'i1', ideas: ['i2', 'i3'], by: 'host-1', undone: false });
    expect(f.state.moderation.at(-1)).toEqual({ at: expect.any(Number), action: 'merge', ideaId: 'i1', ideaIds: ['i2', 'i3'], reason: null, by: 'host-1' });
    // Off the wall and out of the ranking, but still the authors' ideas against their limit.
    expect(tallyPriority(f.state, 'A').map((t) => t.ideaId)).not.toContain('i2');
    expect(ideasOf(f.state, 'p2').map((i) => i.id)).toContain('i2');
    expect(refusal(decidePlaceDot(f.state, 'p4', 'i2')).code).toBe('IDEA_NOT_ACTIVE');
  });

  it('in review, with no dots yet, moves nothing', () => {
    const f = new TestForum();
    f.joinAll('p1', 'p2');
    f.to('ideas');
    f.submit('p1');
    f.submit('p2');
    f.to('review');
    expect(merge(f, 'i1', ['i2'])).toEqual([expect.objectContaining({ moved: [], refunded: [] })]);
  });

  it('refuses outside review and voting', () => {
    const ideasOpen = new TestForum();
    ideasOpen.join('p1');
    ideasOpen.to('ideas');
    ideasOpen.submit('p1', 'A', 'Один');
    ideasOpen.submit('p1', 'A', 'Два');
    const forums: Record<string, TestForum> = {
      lobby: new TestForum(),
      ideas: ideasOpen,
      results: votingForum().to('results'),
      closed: votingForum().to('closed'),
    };
    for (const [phase, f] of Object.entries(forums)) {
      expect(refusal(decideMerge(f.state, 'i1', ['i2'], 'm1', 1, FACILITATOR)), phase).toEqual({ code: 'WRONG_PHASE', params: { phase } });
    }
  });

  it('refuses across priorities, merged, hidden, withdrawn or unknown ideas, the survivor among the ideas, and nothing to merge', () => {
    const f = new TestForum({ ideasPerParticipant: 5 });
    f.joinAll('p1', 'p2');
    f.to('ideas');
    ['Один', 'Два', 'Три', 'Чотири'].forEach((t) => f.submit('p1', 'A', t));
    f.submit('p1', 'B', 'Інший');
    const gone = f.submit('p2', 'A', 'Знято');
    f.withdraw('p2', gone);
    f.to('review');
    f.hide('i4');
    merge(f, 'i1', ['i2']);
    const before = snapshot(f.state);
    const code = (into: string, ideas: string[], mergeId = 'm2') => refusal(decideMerge(f.state, into, ideas, mergeId, 1, FACILITATOR)).code;
    expect(code('i1', ['i5'])).toBe('MERGE_ACROSS_PRIORITIES');
    expect(code('i3', ['i2'])).toBe('IDEA_NOT_ACTIVE');
    expect(code('i2', ['i3'])).toBe('IDEA_NOT_ACTIVE');
    expect(code('i1', ['i4'])).toBe('IDEA_NOT_ACTIVE');
    expect(code('i4', ['i1'])).toBe('IDEA_NOT_ACTIVE');
    expect(code('i1', [gone])).toBe('IDEA_NOT_FOUND');
    expect(code('nope', ['i1'])).toBe('IDEA_NOT_FOUND');
    expect(code('i1', ['i1'])).toBe('BAD_INPUT');
    expect(code('i1', ['i3', 'i1'])).toBe('BAD_INPUT');
    expect(code('i1', ['i3', 'i3'])).toBe('BAD_INPUT');
    expect(code('i1', [])).toBe('BAD_INPUT');
    expect(code('i1', ['i3'], 'm1')).toBe('BAD_INPUT');
    expect(snapshot(f.state)).toBe(before);
  });
});

// ---------------------------------------------------------------- undoing a merge

describe('decideUndoMerge', () => {
  it('puts every dot back where it was, moved and refunded alike, and the ideas back on the wall', () => {
    const f = votingForum();
    f.dot('p1', 'i2', 2);
    f.dot('p1', 'i3', 2);
    f.dot('p2', 'i1', 1);
    f.dot('p2', 'i3', 2);
    f.dot('p3', 'i1', 2);
    f.dot('p3', 'i2', 1);
    f.dot('p4', 'i6', 2);
    const before = allDots(f);
    const progress = votingProgress(f.state);
    merge(f, 'i1', ['i2', 'i3'], 'm1', 'host-1');
    expect(allDots(f)).not.toEqual(before);
    // The hall's progress, kept as the dots moved, is what counting every ballot gives.
    expect(votingProgress(f.state)).toEqual(countVotingProgress(f.state));
    const [e] = undo(f, 'm1');
    expect(votingProgress(f.state)).toEqual(progress);
    expect(countVotingProgress(f.state)).toEqual(progress);
    expect(e).toMatchObject({
      type: 'mergeUndone',
      mergeId: 'm1',
      restored: [
        { participantId: 'p1', ideaId: 'i2', count: 2 },
        { participantId: 'p2', ideaId: 'i3', count: 1 },
      ],
      reinstated: [
        { participantId: 'p1', ideaId: 'i3', count: 2 },
        { participantId: 'p2', ideaId: 'i3', count: 1 },
        { participantId: 'p3', ideaId: 'i2', count: 1 },
      ],
      by: FACILITATOR,
    });
    expect(allDots(f)).toEqual(before);
    for (const id of ['i2', 'i3']) expect(f.state.ideas.get(id)).toMatchObject({ status: 'active', mergedInto: null });
    expect(f.state.ideas.get('i1')!.merged).toEqual([]);
    expect(f.state.merges.get('m1')!.undone).toBe(true);
    expect(f.state.moderation.at(-1)).toMatchObject({ action: 'unmerge', ideaId: 'i1', ideaIds: ['i2', 'i3'], by: FACILITATOR });
  });

  it('brings back only the moved dots still on the survivor when the voter took some off since', () => {
    const f = votingForum();
    f.dot('p1', 'i2', 2);
    merge(f, 'i1', ['i2']);
    f.undot('p1', 'i1');
    f.dot('p1', 'i4', 1);
    const [e] = undo(f);
    expect(e).toMatchObject({ restored: [{ participantId: 'p1', ideaId: 'i2', count: 1 }], reinstated: [] });
    expect(allDots(f).p1).toEqual({ i2: 1, i4: 1 });
  });

  it('reinstates refunded dots only as far as the budget still has room', () => {
    const all = votingForum();
    all.dot('p1', 'i2', 2);
    all.dot('p1', 'i3', 2);
    merge(all, 'i1', ['i2', 'i3']);
    // The 2 dots given back are spent elsewhere: none of them can come back.
    all.dot('p1', 'i4', 2);
    expect(undo(all)[0]).toMatchObject({ restored: [{ participantId: 'p1', ideaId: 'i2', count: 2 }], reinstated: [] });
    expect(allDots(all).p1).toEqual({ i2: 2, i4: 2 });
    expect(dotsLeft(all.state, 'p1', 'A')).toBe(0);

    const some = votingForum();
    some.dot('p1', 'i2', 2);
    some.dot('p1', 'i3', 2);
    merge(some, 'i1', ['i2', 'i3']);
    // One of them spent: one comes back.
    some.dot('p1', 'i4', 1);
    expect(undo(some)[0]).toMatchObject({ reinstated: [{ participantId: 'p1', ideaId: 'i3', count: 1 }] });
    expect(allDots(some).p1).toEqual({ i2: 2, i3: 1, i4: 1 });
    expect(dotsLeft(some.state, 'p1', 'A')).toBe(0);
  });

  it('gives a voided participant nothing back', () => {
    const f = votingForum();
    f.dot('p1', 'i2', 2);
    f.dot('p1', 'i3', 2);
    // Into p4's idea: voiding p1 hides p1's own ideas.
    merge(f, 'i4', ['i2', 'i3']);
    f.run(decideVoid(f.state, 'p1', 'Два телефони', f.now()));
    expect(votingProgress(f.state)).toEqual(countVotingProgress(f.state));
    expect(undo(f)[0]).toMatchObject({ restored: [], reinstated: [] });
    expect(allDots(f).p1 ?? {}).toEqual({});
    expect(votingProgress(f.state)).toEqual(countVotingProgress(f.state));
  });

  it('refuses a merge already undone, or none at all', () => {
    const f = votingForum();
    merge(f, 'i1', ['i2']);
    undo(f);
    expect(refusal(decideUndoMerge(f.state, 'm1', 1, FACILITATOR)).code).toBe('MERGE_NOT_FOUND');
    expect(refusal(decideUndoMerge(f.state, 'nope', 1, FACILITATOR)).code).toBe('MERGE_NOT_FOUND');
    // Undone, the ideas can be merged again under a new merge.
    expect(merge(f, 'i1', ['i2'], 'm2')).toHaveLength(1);
  });

  it('refuses while the survivor is merged again or hidden, until that is undone', () => {
    const f = votingForum();
    f.dot('p2', 'i2', 1);
    merge(f, 'i1', ['i2'], 'm1');
    merge(f, 'i4', ['i1'], 'm2');
    expect(f.state.ideas.get('i4')!.merged.map((m) => m.ideaId)).toEqual(['i1']);
    expect(allDots(f).p2).toEqual({ i4: 1 });
    expect(refusal(decideUndoMerge(f.state, 'm1', 1, FACILITATOR)).code).toBe('MERGE_NOT_UNDOABLE');
    undo(f, 'm2');
    expect(allDots(f).p2).toEqual({ i1: 1 });
    undo(f, 'm1');
    expect(allDots(f).p2).toEqual({ i2: 1 });

    merge(f, 'i1', ['i2'], 'm3');
    f.hide('i1');
    expect(refusal(decideUndoMerge(f.state, 'm3', 1, FACILITATOR)).code).toBe('MERGE_NOT_UNDOABLE');
    f.restore('i1');
    expect(undo(f, 'm3')).toHaveLength(1);
  });

  it('keeps the author of a surviving idea from withdrawing it once ideas are reopened: others’ ideas live in it', () => {
    const f = new TestForum();
    f.joinAll('p1', 'p2');
    f.to('ideas');
    f.submit('p1', 'A', 'Велодоріжка на Київській');
    f.submit('p2', 'A', 'Велосипедна доріжка по Київській');
    f.to('review');
    merge(f, 'i1', ['i2']);
    f.run(decideTransition(f.state, 'ideas'));
    expect(refusal(decideWithdrawIdea(f.state, 'p1', 'i1'))).toEqual({ code: 'IDEA_HAS_MERGED' });
    // Undone, it is the author's own again.
    f.run(decideTransition(f.state, 'review'));
    undo(f);
    f.run(decideTransition(f.state, 'ideas'));
    expect(decideWithdrawIdea(f.state, 'p1', 'i1').ok).toBe(true);
  });

  it('refuses once voting is over', () => {
    const f = votingForum();
    merge(f, 'i1', ['i2']);
    f.to('results');
    expect(refusal(decideUndoMerge(f.state, 'm1', 1, FACILITATOR))).toEqual({ code: 'WRONG_PHASE', params: { phase: 'results' } });
  });
});

// ---------------------------------------------------------------- paper

describe('decidePaperIdea', () => {
  it('types a paper card in, with no participant as author, in ideas and in review', () => {
    for (const phase of ['ideas', 'review'] as Phase[]) {
      const f = new TestForum({ ideasPerParticipant: 1 });
      f.to(phase);
      const events = f.run(decidePaperIdea(f.state, paper('  Пандус   до бібліотеки ', { goalCode: 'A.1', paperAuthor: '  Ганна  ' }), 'q1', 7, 'host-1'));
      expect(events).toEqual([
        {
          type: 'ideaSubmitted',
          ideaId: 'q1',
          authorId: '',
          priorityCode: 'A',
          goalCode: 'A.1',
          title: 'Пандус до бібліотеки',
          description: '',
          place: '',
          at: 7,
          source: 'paper',
          paperAuthor: 'Ганна',
          by: 'host-1',
        },
      ]);
      expect(f.state.ideas.get('q1')).toMatchObject({ status: 'active', source: 'paper', authorId: '', paperAuthor: 'Ганна', paperDots: 0 });
      expect(f.state.moderation.at(-1)).toEqual({ at: 7, action: 'paperIdea', ideaId: 'q1', reason: null, by: 'host-1' });
      // No one's idea limit is touched: another card goes in beside it.
      expect(decidePaperIdea(f.state, paper('Ще одна'), 'q2', 8, FACILITATOR).ok).toBe(true);
    }
  });

  it('goes on the wall, and phones vote on it like any idea', () => {
    const f = new TestForum();
    f.join('p1');
    f.to('ideas');
    f.run(decidePaperIdea(f.state, paper(), 'q1', f.now(), FACILITATOR));
    f.to('voting');
    f.dot('p1', 'q1', 2);
    expect(tallyPriority(f.state, 'A')).toEqual([{ ideaId: 'q1', dots: 2, supporters: 1, rank: 1, phoneDots: 2, paperDots: 0 }]);
  });

  it('refuses outside ideas and review', () => {
    for (const phase of ['lobby', 'voting', 'results', 'closed'] as Phase[]) {
      const f = new TestForum();
      f.to(phase);
      expect(refusal(decidePaperIdea(f.state, paper(), 'q1', 1, FACILITATOR)), phase).toEqual({ code: 'WRONG_PHASE', params: { phase } });
    }
  });

  it('checks the texts as a phone’s idea is checked', () => {
    const f = new TestForum();
    f.to('ideas');
    const code = (input: ReturnType<typeof paper>) => refusal(decidePaperIdea(f.state, input, 'q1', 1, FACILITATOR));
    expect(code(paper('   '))).toEqual({ code: 'TEXT_REQUIRED', params: { field: 'title' } });
    expect(code(paper('я'.repeat(121)))).toMatchObject({ code: 'TEXT_TOO_LONG', params: { field: 'title', max: 120 } });
    expect(code(paper('Так', { description: 'я'.repeat(1001) }))).toMatchObject({ code: 'TEXT_TOO_LONG', params: { field: 'description' } });
    expect(code(paper('Так', { place: 'я'.repeat(201) }))).toMatchObject({ code: 'TEXT_TOO_LONG', params: { field: 'place' } });
    expect(code(paper('Так', { paperAuthor: 'я'.repeat(61) }))).toMatchObject({ code: 'TEXT_TOO_LONG', params: { field: 'name' } });
    expect(code(paper('Так', { priorityCode: 'Z' }))).toEqual({ code: 'UNKNOWN_PRIORITY', params: { code: 'Z' } });
    expect(code(paper('Так', { goalCode: 'B.1' }))).toEqual({ code: 'UNKNOWN_GOAL', params: { code: 'B.1', priority: 'A' } });
  });
});

describe('decidePaperDots', () => {
  /** i1 with 3 phone dots, i2 with 1, in results; `ballots` paper ballots stated (budget 4, cap 2). */
  function counted(ballots: number | null = 20): TestForum {
    const f = votingForum();
    f.dot('p1', 'i1', 2);
    f.dot('p2', 'i1', 1);
    f.dot('p3', 'i2', 1);
    f.to('results');
    if (ballots !== null) f.run(decidePaperBallots(f.state, ballots, f.now()));
    return f;
  }

  it('stays within the paper ballots stated: ballots × cap on one idea, ballots × budget in a priority', () => {
    // Nothing stated yet: no sticker at all, and the message says who states the ballots.
    const none = counted(null);
    expect(refusal(decidePaperDots(none.state, 'i1', 1, 1, 'host-1'))).toEqual({ code: 'PAPER_NO_BALLOTS' });
    expect(accepted(decidePaperDots(none.state, 'i1', 0, 1, 'host-1'))).toEqual([]);

    // Three ballots, budget 4, cap 2: at most 6 on one idea, 12 in the priority.
    const f = counted(3);
    expect(paperBound(f.state, 'A')).toEqual({ ballots: 3, perIdea: 6, perPriority: 12, entered: 0 });
    expect(refusal(decidePaperDots(f.state, 'i1', 7, 1, 'host-1'))).toEqual({ code: 'PAPER_IDEA_OVER_BALLOTS', params: { ballots: 3, max: 6 } });
    expect(refusal(decidePaperDots(f.state, 'i1', 100_000, 1, FACILITATOR)).code).toBe('PAPER_IDEA_OVER_BALLOTS');
    f.run(decidePaperDots(f.state, 'i1', 6, 1, 'host-1'));
    f.run(decidePaperDots(f.state, 'i2', 5, 1, 'host-1'));
    expect(refusal(decidePaperDots(f.state, 'i3', 2, 1, FACILITATOR))).toEqual({ code: 'PAPER_PRIORITY_OVER_BALLOTS', params: { ballots: 3, max: 12, left: 1 } });
    f.run(decidePaperDots(f.state, 'i3', 1, 1, FACILITATOR));
    // Another priority has its own room; lowering a count is always allowed.
    f.run(decidePaperDots(f.state, 'i6', 6, 1, FACILITATOR));
    f.run(decidePaperDots(f.state, 'i1', 2, 1, 'host-1'));
    expect(paperBound(f.state, 'A').entered).toBe(8);

    // Fewer ballots than the stickers entered need: refused; more: the room grows.
    expect(paperBallotsNeeded(f.state)).toBe(3);
    expect(refusal(decidePaperBallots(f.state, 2, 1))).toEqual({ code: 'PAPER_BALLOTS_BELOW', params: { min: 3 } });
    expect(accepted(decidePaperBallots(f.state, 3, 1))).toEqual([]);
    f.run(decidePaperBallots(f.state, 4, 77));
    expect(f.state.paperBallots).toBe(4);
    expect(f.state.moderation.at(-1)).toEqual({ at: 77, action: 'paperBallots', ideaId: null, reason: null, by: FACILITATOR, count: { before: 3, after: 4 } });
    f.run(decidePaperDots(f.state, 'i1', 8, 1, 'host-1'));
  });

  it('takes the number of paper ballots as a whole number up to the most, until the forum closes', () => {
    const f = counted(null);
    for (const bad of [-1, 1.5, PAPER_BALLOTS_MAX + 1, Number.NaN]) {
      expect(refusal(decidePaperBallots(f.state, bad, 1)), String(bad)).toEqual({ code: 'BAD_INPUT', params: { field: 'count' } });
    }
    f.run(decidePaperBallots(f.state, PAPER_BALLOTS_MAX, 1));
    f.to('closed');
    expect(refusal(decidePaperBallots(f.state, 5, 1)).code).toBe('WRONG_PHASE');
  });

  it('adds stickers beside the phone dots, ranks by the sum, and leaves phone dots alone', () => {
    const f = counted();
    const phoneDots = allDots(f);
    f.run(decidePaperDots(f.state, 'i2', 3, 50, 'host-1'));
    expect(f.state.ideas.get('i2')!.paperDots).toBe(3);
    expect(allDots(f)).toEqual(phoneDots);
    const [first, second] = tallyPriority(f.state, 'A');
    expect(first).toEqual({ ideaId: 'i2', dots: 4, supporters: 1, rank: 1, phoneDots: 1, paperDots: 3 });
    expect(second).toEqual({ ideaId: 'i1', dots: 3, supporters: 2, rank: 2, phoneDots: 3, paperDots: 0 });
    expect(f.state.moderation.at(-1)).toEqual({ at: 50, action: 'paperDots', ideaId: 'i2', reason: null, by: 'host-1', count: { before: 0, after: 3 } });
    // Counted again: the log keeps both counts.
    f.run(decidePaperDots(f.state, 'i2', 2, 51, FACILITATOR));
    expect(f.state.moderation.at(-1)).toMatchObject({ count: { before: 3, after: 2 }, by: FACILITATOR });
    expect(tallyPriority(f.state, 'A').map((t) => [t.ideaId, t.dots, t.rank])).toEqual([
      ['i1', 3, 1],
      ['i2', 3, 1],
      ['i3', 0, 3],
      ['i4', 0, 3],
      ['i5', 0, 3],
    ]);
  });

  it('is taken only in results, before the priority is revealed', () => {
    const voting = votingForum();
    expect(refusal(decidePaperDots(voting.state, 'i1', 1, 1, FACILITATOR))).toEqual({ code: 'WRONG_PHASE', params: { phase: 'voting' } });
    const f = counted();
    f.run(decideReveal(f.state, 'A'));
    expect(refusal(decidePaperDots(f.state, 'i1', 1, 1, FACILITATOR)).code).toBe('ALREADY_REVEALED');
    expect(decidePaperDots(f.state, 'i6', 1, 1, FACILITATOR).ok).toBe(true);
    f.to('closed');
    expect(refusal(decidePaperDots(f.state, 'i6', 1, 1, FACILITATOR)).code).toBe('WRONG_PHASE');
  });

  it('takes a whole number from 0 to the most, and records no change as nothing', () => {
    const f = counted();
    for (const bad of [-1, 1.5, PAPER_DOTS_MAX + 1, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(refusal(decidePaperDots(f.state, 'i1', bad, 1, FACILITATOR)), String(bad)).toEqual({ code: 'BAD_INPUT', params: { field: 'count' } });
    }
    // The most: in a log from before paper ballots were counted (verify.ts), nothing else bounds it.
    expect(accepted(decidePaperDots(f.state, 'i1', PAPER_DOTS_MAX, 1, FACILITATOR, false))).toHaveLength(1);
    expect(accepted(decidePaperDots(f.state, 'i1', 0, 1, FACILITATOR))).toEqual([]);
  });

  it('refuses hidden, merged and unknown ideas', () => {
    const f = votingForum();
    f.hide('i3');
    merge(f, 'i1', ['i2']);
    f.to('results');
    expect(refusal(decidePaperDots(f.state, 'i3', 1, 1, FACILITATOR)).code).toBe('IDEA_NOT_ACTIVE');
    expect(refusal(decidePaperDots(f.state, 'i2', 1, 1, FACILITATOR)).code).toBe('IDEA_NOT_ACTIVE');
    expect(refusal(decidePaperDots(f.state, 'nope', 1, 1, FACILITATOR)).code).toBe('IDEA_NOT_FOUND');
  });
});

// ---------------------------------------------------------------- hosts

describe('hosts', () => {
  it('a priority’s host may act in that priority only; a whole-forum host anywhere; a revoked one nowhere', () => {
    const f = new TestForum();
    f.run(decideInviteHost(f.state, 'h1', '  Ірина  ', 'A', 'hash-1', 10));
    f.run(decideInviteHost(f.state, 'h2', 'Богдан', null, 'hash-2', 11));
    expect(f.state.hosts.get('h1')).toEqual({ id: 'h1', name: 'Ірина', scope: 'A', secretHash: 'hash-1', invitedAt: 10, revoked: false });
    expect(f.state.hostsBySecret.get('hash-1')).toBe('h1');
    expect([hostMayAct(f.state, 'h1', 'A'), hostMayAct(f.state, 'h1', 'B')]).toEqual([true, false]);
    expect([hostMayAct(f.state, 'h2', 'A'), hostMayAct(f.state, 'h2', 'C')]).toEqual([true, true]);
    expect(hostMayAct(f.state, 'nobody', 'A')).toBe(false);

    f.run(decideRevokeHost(f.state, 'h1', 12));
    expect(hostMayAct(f.state, 'h1', 'A')).toBe(false);
    expect(f.state.hostsBySecret.has('hash-1')).toBe(false);
    expect(f.state.hosts.get('h1')!.revoked).toBe(true);
    expect(accepted(decideRevokeHost(f.state, 'h1', 13))).toEqual([]);
    expect(refusal(decideRevokeHost(f.state, 'nobody', 13)).code).toBe('HOST_NOT_FOUND');
  });

  it('refuses an unknown priority, no name, an id or secret used before, and a closed forum', () => {
    const f = new TestForum();
    f.run(decideInviteHost(f.state, 'h1', 'Ірина', 'A', 'hash-1', 10));
    expect(refusal(decideInviteHost(f.state, 'h2', 'Ірина', 'Z', 'hash-2', 11))).toEqual({ code: 'UNKNOWN_PRIORITY', params: { code: 'Z' } });
    expect(refusal(decideInviteHost(f.state, 'h2', '  ', 'A', 'hash-2', 11))).toEqual({ code: 'TEXT_REQUIRED', params: { field: 'name' } });
    expect(refusal(decideInviteHost(f.state, 'h1', 'Інша', 'A', 'hash-2', 11)).code).toBe('BAD_INPUT');
    expect(refusal(decideInviteHost(f.state, 'h2', 'Інша', 'A', 'hash-1', 11)).code).toBe('BAD_INPUT');
    f.to('closed');
    expect(refusal(decideInviteHost(f.state, 'h2', 'Інша', null, 'hash-2', 11)).code).toBe('WRONG_PHASE');
  });
});

// ---------------------------------------------------------------- timers

describe('timers', () => {
  it('sets a countdown for the current phase, clears it, and a phase change clears it too', () => {
    const f = new TestForum();
    f.to('ideas');
    expect(f.run(decideTimer(f.state, 5 * 60_000, 1_000_000))).toEqual([
      { type: 'timerSet', phase: 'ideas', endsAt: 1_300_000, durationMs: 300_000, at: 1_000_000 },
    ]);
    expect(f.state.timer).toEqual({ phase: 'ideas', endsAt: 1_300_000, durationMs: 300_000 });
    f.run(decideTimer(f.state, null, 1_100_000));
    expect(f.state.timer).toBeNull();
    expect(accepted(decideTimer(f.state, null, 1_100_000))).toEqual([]);

    f.run(decideTimer(f.state, 60_000, 1_200_000));
    f.to('review');
    expect(f.state.timer).toBeNull();
  });

  it('takes a minute to three hours, in whole milliseconds, in any phase but closed', () => {
    const f = new TestForum();
    for (const bad of [TIMER_MIN_MS - 1, TIMER_MAX_MS + 1, 0, -60_000, 90_000.5, Number.NaN]) {
      expect(refusal(decideTimer(f.state, bad, 0)), String(bad)).toEqual({ code: 'BAD_INPUT', params: { field: 'durationMs' } });
    }
    expect(decideTimer(f.state, TIMER_MIN_MS, 0).ok).toBe(true);
    expect(decideTimer(f.state, TIMER_MAX_MS, 0).ok).toBe(true);
    f.to('closed');
    expect(refusal(decideTimer(f.state, TIMER_MIN_MS, 0)).code).toBe('WRONG_PHASE');
  });

  it('extends the running countdown, or starts one when none runs', () => {
    const f = new TestForum();
    f.to('voting');
    // None running: the extension is a new timer.
    expect(accepted(decideExtendTimer(f.state, 120_000, 0))).toEqual([{ type: 'timerSet', phase: 'voting', endsAt: 120_000, durationMs: 120_000, at: 0 }]);
    f.run(decideTimer(f.state, 300_000, 0));
    f.run(decideExtendTimer(f.state, 120_000, 100_000));
    expect(f.state.timer).toEqual({ phase: 'voting', endsAt: 420_000, durationMs: 420_000 });
    // Run out: a new one from now.
    expect(accepted(decideExtendTimer(f.state, 60_000, 500_000))).toEqual([{ type: 'timerSet', phase: 'voting', endsAt: 560_000, durationMs: 60_000, at: 500_000 }]);
    // Never more than the longest timer left to run, and never a bad amount.
    expect(refusal(decideExtendTimer(f.state, TIMER_MAX_MS, 100_000)).code).toBe('BAD_INPUT');
    expect(refusal(decideExtendTimer(f.state, 1, 100_000)).code).toBe('BAD_INPUT');
    expect(refusal(decideExtendTimer(f.state, -120_000, 100_000)).code).toBe('BAD_INPUT');
  });
});

// ---------------------------------------------------------------- the word list

describe('word list', () => {
  it('is cleaned: case, apostrophes, punctuation and spaces, duplicates and empty entries dropped', () => {
    const f = new TestForum();
    const events = f.run(decideWordList(f.state, ['  Казино ', 'КАЗИНО', 'м’ясо', "М'ЯСО", 'Біт-коїн!', '', '   ']));
    expect(events).toEqual([{ type: 'wordListSet', words: ['казино', 'мясо', 'біт коїн'] }]);
    expect(f.state.wordList).toEqual(['казино', 'мясо', 'біт коїн']);
    expect(refusal(decideWordList(f.state, ['я'.repeat(41)])).code).toBe('BAD_INPUT');
    expect(refusal(decideWordList(f.state, Array.from({ length: WORD_LIST_MAX + 1 }, (_, i) => `слово${i}`))).code).toBe('BAD_INPUT');
  });

  it('keys text as the Unicode rule does: runs of letters and digits of every script, one space between', () => {
    // The rule the key is checked against: every code point that is not a letter or a digit is a space.
    const byRule = (text: string) => text.normalize('NFKC').toLowerCase().replace(/[ʼ'’`′]/g, '').replace(/[^\p{L}\p{N}]+/gu, ' ').trim();
    const samples = [
      'Сквер біля річки: лавки, ліхтарі й урни (вул. Київська, 12/3)!',
      "Ремонт дороги на вул. Пушкінській — 2-й етап; м'ясо-молочний ринок",
      'Ґанок, Єва, Її, йод, ЇЖАК, Ўў, Ѳѳ, Ѣ, Ӂ, Ԯ, ҂ тисяча, а҃ титло',
      'Straße, ǅ, Ⅻ, ½, ², ①, ٣٤, ๓, 中文字, 한국어, עברית, العربية, 🏳️‍🌈 ok 👍🏽',
      'e\u0301 и\u0306 \u0483\u0489 tab\tnl\nnbsp\u00a0ls\u2028ps\u2029zw\u200bj\u200d',
      '   ', '', '𝒳𝓎 𐐀𐐨 \ud83d lone \udc00 surrogates',
    ];
    // Every code point of the Basic Multilingual Plane and some beyond, a hundred to a text.
    for (let from = 0x20; from < 0x20000; from += 100) {
      let text = '';
      for (let cp = from; cp < from + 100; cp++) if (cp < 0xd800 || cp > 0xdfff) text += String.fromCodePoint(cp);
      samples.push(text);
    }
    for (const text of samples) expect(wordKey(text), JSON.stringify(text.slice(0, 40))).toBe(byRule(text));
  });

  it('flags words at the start of a word, whatever the case and whichever of the three apostrophes', () => {
    const f = new TestForum();
    f.run(decideWordList(f.state, ["м'ясо"]));
    const flags = (title: string, description = '', place = '') => flaggedWords(f.state, { title, description, place });
    expect(flags('Свіже М’ЯСО на ринку')).toEqual(['мясо']);
    expect(flags('Мʼясний ряд')).toEqual([]);
    expect(flags('Ринок', 'продаж мʼясо-молочних товарів')).toEqual(['мясо']);
    expect(flags('Ринок', '', "вул. М'ясна, м'ясо")).toEqual(['мясо']);
    // Inside a word it is not the word.
    expect(flags('Немʼясо')).toEqual([]);
    f.run(decideWordList(f.state, []));
    expect(flags('м’ясо')).toEqual([]);
  });

  it('by default flags an obscene word and a link, and hides nothing', () => {
    const f = new TestForum();
    f.joinAll('p1', 'p2');
    f.to('ideas');
    expect(f.state.wordList).toBeNull();
    const rude = f.submit('p1', 'A', 'Який МУДАК це придумав');
    const spam = f.submit('p2', 'A', 'Заробіток онлайн', { description: 'Деталі: https://spam.example' });
    const fine = f.submit('p2', 'A', 'Лавки в парку');
    expect(DEFAULT_WORD_LIST).toContain('мудак');
    expect(flaggedWords(f.state, f.state.ideas.get(rude)!)).toEqual(['мудак']);
    expect(flaggedWords(f.state, f.state.ideas.get(spam)!)).toEqual(expect.arrayContaining(['http', 'заробіток']));
    expect(flaggedWords(f.state, f.state.ideas.get(fine)!)).toEqual([]);
    // Flagged ideas stay on the wall: only a moderator hides.
    f.to('voting');
    expect(tallyPriority(f.state, 'A').map((t) => t.ideaId).sort()).toEqual([rude, spam, fine].sort());
    expect(decidePlaceDot(f.state, 'p2', rude).ok).toBe(true);
  });
});

// ---------------------------------------------------------------- the log

/** A test forum that keeps a snapshot after every event it applies. */
class SteppedForum extends TestForum {
  // Declared only: the base constructor already applies the first event, before fields are set.
  declare snapshots: string[];

  override apply(events: ForumEvent[]): ForumEvent[] {
    for (const event of events) {
      super.apply([event]);
      (this.snapshots ??= []).push(snapshot(this.state));
    }
    return events;
  }
}

/** An evening with every facilitation event, decided and applied step by step. */
function facilitatedEvening(): SteppedForum {
  const f = new SteppedForum({ ideasPerParticipant: 3, dotsPerPriority: 4, maxDotsPerIdea: 2 });
  f.joinAll('p1', 'p2', 'p3');
  f.run(decideInviteHost(f.state, 'h1', 'Ірина', 'A', 'hash-1', f.now()));
  f.run(decideInviteHost(f.state, 'h2', 'Богдан', null, 'hash-2', f.now()));
  f.run(decideWordList(f.state, ['казино', "м'ясо"]));
  f.to('ideas');
  f.run(decideTimer(f.state, 10 * 60_000, f.now()));
  f.run(decideExtendTimer(f.state, 5 * 60_000, f.now()));
  f.submit('p1', 'A', 'Велодоріжка на Київській');
  f.submit('p2', 'A', 'Велосипедна доріжка по Київській');
  f.submit('p3', 'A', 'Ліхтарі');
  f.submit('p1', 'B', 'Дерева');
  f.run(decidePaperIdea(f.state, paper('Пандус', { paperAuthor: 'Ганна' }), 'q1', f.now(), 'h1'));
  f.run(decideTimer(f.state, null, f.now()));
  f.to('review');
  // A host's hiding, stamped with who did it, as the server stores it.
  f.apply(accepted(decideHideIdea(f.state, 'i3', 'Дублікат', f.now())).map((e) => ({ ...e, by: 'h1' }) as ForumEvent));
  f.to('voting');
  f.dot('p1', 'i2', 2);
  f.dot('p1', 'q1', 2);
  f.dot('p2', 'i1', 1);
  f.dot('p2', 'i2', 2);
  f.dot('p3', 'i2', 1);
  merge(f, 'i1', ['i2', 'q1'], 'm1', 'h1');
  undo(f, 'm1', 'h2');
  merge(f, 'i1', ['i2'], 'm2');
  f.run(decideRevokeHost(f.state, 'h1', f.now()));
  f.to('results');
  f.run(decidePaperBallots(f.state, 4, f.now()));
  f.run(decidePaperDots(f.state, 'i1', 7, f.now(), 'h2'));
  f.run(decidePaperDots(f.state, 'i4', 2, f.now(), FACILITATOR));
  f.run(decideReveal(f.state, 'A'));
  return f;
}

describe('the log of a facilitated evening', () => {
  it('holds every new kind of event', () => {
    const types = new Set(facilitatedEvening().log.map((e) => e.type));
    for (const type of ['ideasMerged', 'mergeUndone', 'paperDotsSet', 'paperBallotsSet', 'hostInvited', 'hostRevoked', 'timerSet', 'timerCleared', 'wordListSet'] as const) {
      expect(types.has(type), type).toBe(true);
    }
  });

  it('replays to the forum built step by step, at every prefix, also after a JSON round-trip', () => {
    const f = facilitatedEvening();
    const stored = JSON.parse(JSON.stringify(f.log)) as ForumEvent[];
    expect(f.snapshots).toHaveLength(f.log.length);
    f.log.forEach((_, i) => {
      expect(snapshot(replay(f.log.slice(0, i + 1))), `after event ${i}`).toBe(f.snapshots[i]);
      expect(snapshot(replay(stored.slice(0, i + 1))), `after stored event ${i}`).toBe(f.snapshots[i]);
    });
    expect(snapshot(replay(stored))).toBe(snapshot(f.state));
  });

  it('passes the log check with no problem, and the check loads the same forum', () => {
    const f = facilitatedEvening();
    const stored = JSON.parse(JSON.stringify(f.log)) as ForumEvent[];
    const report = verifyLog(stored.map((event, i) => ({ seq: i + 1, event })));
    expect(report.problems).toEqual([]);
    expect(snapshot(report.state)).toBe(snapshot(f.state));
  });

  it('ends as the evening went: the ranking by the sum, the merge kept, the other undone', () => {
    const f = facilitatedEvening();
    expect(f.state.merges.get('m1')!.undone).toBe(true);
    expect(f.state.merges.get('m2')!.undone).toBe(false);
    expect(f.state.ideas.get('q1')).toMatchObject({ status: 'active', source: 'paper' });
    const a = tallyPriority(f.state, 'A');
    expect(a[0]).toMatchObject({ ideaId: 'i1', phoneDots: 5, paperDots: 7, dots: 12 });
    expect(f.state.moderation.map((m) => [m.action, m.by])).toEqual([
      ['paperIdea', 'h1'],
      ['hide', 'h1'],
      ['merge', 'h1'],
      ['unmerge', 'h2'],
      ['merge', FACILITATOR],
      ['paperBallots', FACILITATOR],
      ['paperDots', 'h2'],
      ['paperDots', FACILITATOR],
    ]);
  });
});
