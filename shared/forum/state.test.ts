// Unit tests for the reducer (state.ts): applyEvent and replay. The forum is built as the server
// builds it (decide*, then applyEvent), and then rebuilt from the stored events with replay.

import { describe, expect, it } from 'vitest';
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
import { decideJoin } from './admission.js';
import { applyEvent, dotOwnersOf, emptyState, replay } from './state.js';
import { JOIN_CODE, Recorder, baseStructure, forumCreated, snapshot } from './testing.js';
import { DEFAULT_RULES, type ForumEvent } from './types.js';

// ---------------------------------------------------------------- helpers

const created = (): ForumEvent => forumCreated({ id: 'forum-42', at: 100 });

/** Decides and applies step by step, as the server does, keeping the log of events it persisted. */
class Server extends Recorder {
  /** A snapshot after every event, to compare with replays of each prefix of the log. */
  snapshots: string[] = [];

  override apply(events: ForumEvent[]): ForumEvent[] {
    for (const event of events) {
      super.apply([event]);
      this.snapshots.push(snapshot(this.state));
    }
    return events;
  }
}

const idea = (priorityCode: string, title: string, goalCode: string | null = null) => ({
  priorityCode,
  goalCode,
  title,
  description: `Опис: ${title}`,
  place: 'Центр',
});

/** A whole evening that touches every event type. */
function evening(): Server {
  const s = new Server();
  s.apply([created()]);
  const st = () => s.state;
  s.run(decideRules(st(), { ideasPerParticipant: 3, dotsPerPriority: 3, maxDotsPerIdea: 2 }));
  s.run(decideStructure(st(), baseStructure()));
  for (const [i, name] of ['Олена', 'Тарас', '', 'Ірина'].entries()) {
    s.run(decideJoin(st(), { code: JOIN_CODE, name, participantId: `p${i + 1}`, tokenHash: `t${i + 1}`, at: 200 + i }));
  }
  s.run(decideRename(st(), 'p3', 'Андрій'));
  s.run(decideTransition(st(), 'ideas'));
  s.run(decideSubmitIdea(st(), 'p1', idea('A', 'Лавки', 'A.1'), 'i1', 300));
  s.run(decideSubmitIdea(st(), 'p2', idea('A', 'Ліхтарі'), 'i2', 301));
  s.run(decideSubmitIdea(st(), 'p3', idea('B', 'Дерева', 'B.1'), 'i3', 302));
  s.run(decideSubmitIdea(st(), 'p1', idea('B', 'Клумби'), 'i4', 303));
  s.run(decideSubmitIdea(st(), 'p4', idea('A', 'Реклама'), 'i5', 304));
  s.run(decideEditIdea(st(), 'p1', 'i1', { goalCode: 'A.2', title: 'Лавки в парку', description: '', place: 'Парк' }, 305));
  s.run(decideWithdrawIdea(st(), 'p1', 'i4'));
  s.run(decideTransition(st(), 'review'));
  s.run(decideHideIdea(st(), 'i5', 'Реклама', 400));
  s.run(decideCorrectIdea(st(), 'i2', { goalCode: null, title: 'Ліхтарі на вулицях', description: 'Опис', place: '' }, 401));
  s.run(decideTransition(st(), 'ideas'));
  s.run(decideSubmitIdea(st(), 'p2', idea('B', 'Велодоріжки'), 'i6', 402));
  s.run(decideTransition(st(), 'review'));
  s.run(decideTransition(st(), 'voting'));
  s.run(decidePlaceDot(st(), 'p1', 'i1'));
  s.run(decidePlaceDot(st(), 'p1', 'i1'));
  s.run(decidePlaceDot(st(), 'p1', 'i2'));
  s.run(decidePlaceDot(st(), 'p2', 'i2'));
  s.run(decidePlaceDot(st(), 'p2', 'i3'));
  s.run(decidePlaceDot(st(), 'p3', 'i6'));
  s.run(decidePlaceDot(st(), 'p3', 'i6'));
  s.run(decideRemoveDot(st(), 'p3', 'i6'));
  s.run(decidePlaceDot(st(), 'p4', 'i3'));
  s.run(decideHideIdea(st(), 'i3', 'Дублікат', 500));
  s.run(decideRestoreIdea(st(), 'i3', 501));
  s.run(decidePlaceDot(st(), 'p4', 'i3'));
  s.run(decideTransition(st(), 'results'));
  s.run(decideReveal(st(), 'B'));
  s.run(decideReveal(st(), 'A'));
  s.run(decideTransition(st(), 'closed'));
  return s;
}

// ---------------------------------------------------------------- emptyState

describe('emptyState', () => {
  it('starts in the lobby with the default rules and nothing in it', () => {
    const s = emptyState();
    expect(s.phase).toBe('lobby');
    expect(s.rules).toEqual(DEFAULT_RULES);
    expect(s.revealed).toEqual([]);
    expect(s.participants.size).toBe(0);
    expect(s.participantsByToken.size).toBe(0);
    expect(s.ideas.size).toBe(0);
    expect(s.dots.size).toBe(0);
    expect(s.moderation).toEqual([]);
    expect(s.nextIdeaSeq).toBe(1);
  });

  it('gives each state its own collections and its own copy of the default rules', () => {
    const a = emptyState();
    const b = emptyState();
    a.participants.set('x', { id: 'x', tokenHash: 'h', name: '', joinedAt: 0, address: '', ticketId: null, voided: null });
    a.revealed.push('A');
    a.rules.dotsPerPriority = 99;
    expect(b.participants.size).toBe(0);
    expect(b.revealed).toEqual([]);
    expect(b.rules.dotsPerPriority).toBe(DEFAULT_RULES.dotsPerPriority);
    expect(DEFAULT_RULES.dotsPerPriority).toBe(3);
  });
});

// ---------------------------------------------------------------- applyEvent

describe('applyEvent', () => {
  it('forumCreated sets the forum’s identity, structure and rules', () => {
    const s = emptyState();
    applyEvent(s, created());
    expect(s).toMatchObject({
      id: 'forum-42',
      title: 'Форум 3',
      joinCode: JOIN_CODE,
      structure: baseStructure(),
      rules: DEFAULT_RULES,
      createdAt: 100,
      phase: 'lobby',
    });
  });

  it('participantJoined indexes the participant by token hash', () => {
    const s = replay([
      created(),
      { type: 'participantJoined', participantId: 'p1', tokenHash: 'abc', name: 'Олена', at: 5 },
    ]);
    expect(s.participants.get('p1')).toEqual({ id: 'p1', tokenHash: 'abc', name: 'Олена', joinedAt: 5, address: '', ticketId: null, voided: null });
    expect(s.participantsByToken.get('abc')).toBe('p1');
  });

  it('participantRenamed renames, and ignores an unknown participant', () => {
    const s = replay([
      created(),
      { type: 'participantJoined', participantId: 'p1', tokenHash: 'abc', name: 'Олена', at: 5 },
      { type: 'participantRenamed', participantId: 'p1', name: 'Оля' },
      { type: 'participantRenamed', participantId: 'ghost', name: 'Хтось' },
    ]);
    expect(s.participants.get('p1')?.name).toBe('Оля');
    expect(s.participants.has('ghost')).toBe(false);
  });

  it('ideaSubmitted gives consecutive seq numbers that withdrawal never reuses', () => {
    const submitted = (ideaId: string): ForumEvent => ({
      type: 'ideaSubmitted',
      ideaId,
      authorId: 'p1',
      priorityCode: 'A',
      goalCode: null,
      title: ideaId,
      description: '',
      place: '',
      at: 1,
    });
    const s = replay([created(), submitted('a'), submitted('b'), { type: 'ideaWithdrawn', ideaId: 'b' }, submitted('c')]);
    expect([...s.ideas.values()].map((i) => [i.id, i.seq])).toEqual([
      ['a', 1],
      ['b', 2],
      ['c', 3],
    ]);
    expect(s.nextIdeaSeq).toBe(4);
  });

  it('ignores events about unknown ideas', () => {
    const s = replay([
      created(),
      { type: 'ideaEdited', ideaId: 'x', goalCode: null, title: 't', description: '', place: '', by: 'facilitator', at: 1 },
      { type: 'ideaWithdrawn', ideaId: 'x' },
      { type: 'ideaHidden', ideaId: 'x', reason: 'r', at: 1 },
      { type: 'ideaRestored', ideaId: 'x', at: 1 },
    ]);
    expect(s.ideas.size).toBe(0);
    expect(s.moderation).toEqual([]);
  });

  it('dotRemoved never goes below zero nor leaves an empty entry', () => {
    const s = replay([
      created(),
      { type: 'dotRemoved', participantId: 'p1', ideaId: 'i1' },
      { type: 'dotPlaced', participantId: 'p1', ideaId: 'i1' },
      { type: 'dotPlaced', participantId: 'p1', ideaId: 'i1' },
      { type: 'dotRemoved', participantId: 'p1', ideaId: 'i1' },
      { type: 'dotRemoved', participantId: 'p1', ideaId: 'i1' },
      { type: 'dotRemoved', participantId: 'p1', ideaId: 'i1' },
    ]);
    expect(s.dots.get('p1')?.has('i1')).toBe(false);
    expect(s.dots.has('p2')).toBe(false);
  });

  it('priorityRevealed is idempotent and keeps reveal order', () => {
    const s = replay([
      created(),
      { type: 'priorityRevealed', priorityCode: 'B' },
      { type: 'priorityRevealed', priorityCode: 'A' },
      { type: 'priorityRevealed', priorityCode: 'B' },
    ]);
    expect(s.revealed).toEqual(['B', 'A']);
  });

  it('ideaHidden refunds all dots on the idea; ideaRestored does not give them back', () => {
    const s = replay([
      created(),
      {
        type: 'ideaSubmitted',
        ideaId: 'i1',
        authorId: 'p1',
        priorityCode: 'A',
        goalCode: null,
        title: 'x',
        description: '',
        place: '',
        at: 1,
      },
      { type: 'dotPlaced', participantId: 'p1', ideaId: 'i1' },
      { type: 'dotPlaced', participantId: 'p2', ideaId: 'i1' },
      { type: 'dotPlaced', participantId: 'p2', ideaId: 'other' },
    ]);
    expect(dotOwnersOf(s, 'i1')).toEqual(['p1', 'p2']);
    applyEvent(s, { type: 'ideaHidden', ideaId: 'i1', reason: 'r', at: 2 });
    expect(dotOwnersOf(s, 'i1')).toEqual([]);
    expect(s.dots.get('p2')?.get('other')).toBe(1);
    applyEvent(s, { type: 'ideaRestored', ideaId: 'i1', at: 3 });
    expect(dotOwnersOf(s, 'i1')).toEqual([]);
    expect(s.ideas.get('i1')).toMatchObject({ status: 'active', hiddenReason: null });
  });
});

// ---------------------------------------------------------------- replay

describe('replay', () => {
  it('rebuilds the whole evening exactly as it was built step by step', () => {
    const s = evening();
    const rebuilt = replay(s.log);
    expect(rebuilt.participants).toEqual(s.state.participants);
    expect(rebuilt.participantsByToken).toEqual(s.state.participantsByToken);
    expect(rebuilt.ideas).toEqual(s.state.ideas);
    expect(rebuilt.dots).toEqual(s.state.dots);
    expect(rebuilt.revealed).toEqual(s.state.revealed);
    expect(rebuilt.moderation).toEqual(s.state.moderation);
    expect(rebuilt.phase).toBe('closed');
    expect(rebuilt).toEqual(s.state);
  });

  it('the evening has the expected outcome (guards the scenario itself)', () => {
    const { state } = evening();
    expect(state.participants.get('p3')?.name).toBe('Андрій');
    expect(state.ideas.get('i1')).toMatchObject({ title: 'Лавки в парку', goalCode: 'A.2', corrected: false });
    expect(state.ideas.get('i2')).toMatchObject({ title: 'Ліхтарі на вулицях', authorId: 'p2', corrected: true });
    expect(state.ideas.get('i4')?.status).toBe('withdrawn');
    expect(state.ideas.get('i5')).toMatchObject({ status: 'hidden', hiddenReason: 'Реклама' });
    expect(state.ideas.get('i6')?.seq).toBe(6);
    expect(state.dots.get('p1')).toEqual(new Map([['i1', 2], ['i2', 1]]));
    expect(state.dots.get('p2')).toEqual(new Map([['i2', 1]])); // its dot on i3 was refunded by the hide
    expect(state.dots.get('p3')).toEqual(new Map([['i6', 1]]));
    expect(state.dots.get('p4')).toEqual(new Map([['i3', 1]]));
    expect(state.moderation.map((m) => [m.action, m.ideaId])).toEqual([
      ['hide', 'i5'],
      ['correct', 'i2'],
      ['hide', 'i3'],
      ['restore', 'i3'],
    ]);
    expect(state.revealed).toEqual(['B', 'A']);
  });

  it('every prefix of the log replays to the state the server had at that point', () => {
    const s = evening();
    for (let k = 1; k <= s.log.length; k++) {
      expect(snapshot(replay(s.log.slice(0, k))), `after event ${k} (${s.log[k - 1].type})`).toBe(s.snapshots[k - 1]);
    }
  });

  it('replays events that went through JSON (as stored) to the same state', () => {
    const s = evening();
    const stored = s.log.map((e) => JSON.stringify(e));
    const rebuilt = replay(stored.map((line) => JSON.parse(line) as ForumEvent));
    expect(snapshot(rebuilt)).toBe(snapshot(s.state));
  });

  it('accepts any iterable, and an empty log gives an empty state', () => {
    const s = evening();
    function* events() {
      yield* s.log;
    }
    expect(snapshot(replay(events()))).toBe(snapshot(s.state));
    expect(snapshot(replay([]))).toBe(snapshot(emptyState()));
  });
});
