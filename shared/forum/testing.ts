// For tests and benchmarks only: nothing the server or a page runs imports this. It offers the forum fixtures the unit
// tests of rules.ts, state.ts and tally.ts share: the join code and structure of a test forum,
// accepted()/refusal() to unwrap a Decision, snapshot() to compare whole states, idea() for an
// idea's input, and Recorder/TestForum, which build a forum the way the server does (decide*, then
// applyEvent on the events returned), so that every state a test looks at is one the rules allow.

import type { Decision, RuleError } from './errors.js';
import {
  canTransition,
  decideHideIdea,
  decidePlaceDot,
  decideRemoveDot,
  decideRestoreIdea,
  decideSubmitIdea,
  decideTransition,
  decideWithdrawIdea,
  type IdeaInput,
} from './rules.js';
import { decideJoin } from './admission.js';
import { applyEvent, emptyState } from './state.js';
import { DEFAULT_RULES, PHASES, type ForumEvent, type ForumState, type Phase, type Rules, type Structure } from './types.js';

export const JOIN_CODE = '482913';

/** Priorities A (goals A.1, A.2), B (goal B.1) and C (no goals). */
export function baseStructure(): Structure {
  return {
    vision: 'Житомир — місто для людей',
    priorities: [
      {
        code: 'A',
        title: 'Ефективне місто',
        subtitle: 'Прозоре врядування',
        color: '#1f6feb',
        goals: [
          { code: 'A.1', title: 'Цифрові послуги' },
          { code: 'A.2', title: 'Відкриті дані' },
        ],
      },
      {
        code: 'B',
        title: 'Зелене місто',
        subtitle: '',
        color: '#1a7f37',
        goals: [{ code: 'B.1', title: 'Парки і сквери' }],
      },
      { code: 'C', title: 'Інклюзивне місто', subtitle: '', color: '#8250df', goals: [] },
    ],
  };
}

/** The device-token hash TestForum.join gives a participant. */
export const tokenOf = (participantId: string) => `hash-of-${participantId}`;

/** The forward path of a forum evening, used to walk a test forum to any phase. */
export const FORWARD: Record<Phase, Phase | null> = {
  lobby: 'ideas',
  ideas: 'review',
  review: 'voting',
  voting: 'results',
  results: 'closed',
  closed: null,
};

export function accepted(decision: Decision<ForumEvent[]>): ForumEvent[] {
  if (!decision.ok) throw new Error(`expected the request to be accepted, got ${JSON.stringify(decision.error)}`);
  return decision.value;
}

export function refusal(decision: Decision<unknown>): RuleError {
  if (decision.ok) throw new Error(`expected a refusal, got ${JSON.stringify(decision.value)}`);
  return decision.error;
}

/** A serialisation of the whole state (Maps included), to compare states or prove one unchanged. */
export function snapshot(state: ForumState): string {
  return JSON.stringify(state, (_key, value: unknown) =>
    value instanceof Map ? { map: [...value.entries()] } : value instanceof Set ? { set: [...value] } : value,
  );
}

/** The input of an idea: priority A, no goal, a title, nothing else, unless overridden. */
export function idea(input: Partial<IdeaInput> = {}): IdeaInput {
  return { priorityCode: 'A', goalCode: null, title: 'Лавки в парку', description: '', place: '', ...input };
}

/** The event that creates the test forum (default rules, baseStructure), unless overridden. */
export function forumCreated(over: Partial<Extract<ForumEvent, { type: 'forumCreated' }>> = {}): ForumEvent {
  return {
    type: 'forumCreated',
    id: 'forum-1',
    title: 'Форум 3',
    joinCode: JOIN_CODE,
    structure: baseStructure(),
    rules: { ...DEFAULT_RULES },
    at: 1_000,
    ...over,
  };
}

/** Applies events as the server does, keeping the log of the events it would persist. */
export class Recorder {
  state: ForumState = emptyState();
  log: ForumEvent[] = [];

  apply(events: ForumEvent[]): ForumEvent[] {
    for (const event of events) {
      applyEvent(this.state, event);
      this.log.push(event);
    }
    return events;
  }

  /** Applies an accepted decision; fails the test if it was refused. */
  run(decision: Decision<ForumEvent[]>): ForumEvent[] {
    return this.apply(accepted(decision));
  }
}

/**
 * A created forum (in the lobby) with shortcuts for the usual requests, each decided and applied.
 * Ideas get the ids i1, i2, … in submission order; every request gets a later time than the last.
 */
export class TestForum extends Recorder {
  private ideaCounter = 0;
  private clock = 1_000;

  constructor(rules: Partial<Rules> = {}, structure: Structure = baseStructure()) {
    super();
    this.apply([forumCreated({ structure, rules: { ...DEFAULT_RULES, ...rules }, at: this.clock })]);
  }

  now(): number {
    return ++this.clock;
  }

  join(participantId: string, name = ''): string {
    this.run(
      decideJoin(this.state, { code: JOIN_CODE, name, participantId, tokenHash: tokenOf(participantId), at: this.now() }),
    );
    return participantId;
  }

  /** Joins each of the participants, with no name. */
  joinAll(...participantIds: string[]): void {
    for (const participantId of participantIds) this.join(participantId);
  }

  /** Moves to `phase`: directly if that is allowed, else step by step along the forward path. */
  to(phase: Phase): this {
    for (let guard = 0; this.state.phase !== phase; guard++) {
      if (guard > PHASES.length) throw new Error(`cannot reach ${phase} from ${this.state.phase}`);
      const next = canTransition(this.state.phase, phase) ? phase : FORWARD[this.state.phase];
      if (!next) throw new Error(`cannot reach ${phase} from ${this.state.phase}`);
      this.run(decideTransition(this.state, next));
    }
    return this;
  }

  submit(participantId: string, priorityCode = 'A', title = 'Лавки в парку', more: Partial<IdeaInput> = {}): string {
    const ideaId = `i${++this.ideaCounter}`;
    this.run(decideSubmitIdea(this.state, participantId, idea({ priorityCode, title, ...more }), ideaId, this.now()));
    return ideaId;
  }

  dot(participantId: string, ideaId: string, times = 1): void {
    for (let i = 0; i < times; i++) this.run(decidePlaceDot(this.state, participantId, ideaId));
  }

  undot(participantId: string, ideaId: string): void {
    this.run(decideRemoveDot(this.state, participantId, ideaId));
  }

  hide(ideaId: string, reason = 'Не за темою'): void {
    this.run(decideHideIdea(this.state, ideaId, reason, this.now()));
  }

  restore(ideaId: string): void {
    this.run(decideRestoreIdea(this.state, ideaId, this.now()));
  }

  withdraw(participantId: string, ideaId: string): void {
    this.run(decideWithdrawIdea(this.state, participantId, ideaId));
  }

  dotsOn(participantId: string, ideaId: string): number {
    return this.state.dots.get(participantId)?.get(ideaId) ?? 0;
  }
}
