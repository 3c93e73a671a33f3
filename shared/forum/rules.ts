// The forum's rules as pure functions. Each decide* function looks at the state and a request and
// returns either the events that the request causes or the reason it is refused. Nothing here
// mutates state or does I/O: the server is the authority that applies these, the phone uses them
// only to show what the server will accept.

import { accept, refuse, type Decision } from './errors.js';
import { cleanLine, cleanText, textLength } from './text.js';
import {
  LIMITS,
  RESULTS_TOP_MAX,
  type Display,
  type DotMove,
  type Goal,
  type ForumEvent,
  type ForumState,
  type Idea,
  type Origin,
  type Participant,
  type Phase,
  type Priority,
  type Rules,
  type Structure,
} from './types.js';

// ---------------------------------------------------------------- phases

/** The moves the facilitator may make. Reopening ideas from review is the one safe step back. */
export const TRANSITIONS: Readonly<Record<Phase, readonly Phase[]>> = {
  lobby: ['ideas'],
  ideas: ['review'],
  review: ['ideas', 'voting'],
  voting: ['results'],
  results: ['closed'],
  closed: [],
};

/** A vote-only forum (a shortlist from an earlier forum) has no ideas phase: it opens into voting. */
export const VOTE_ONLY_TRANSITIONS: Readonly<Record<Phase, readonly Phase[]>> = {
  lobby: ['voting'],
  ideas: [],
  review: [],
  voting: ['results'],
  results: ['closed'],
  closed: [],
};

/** The moves a forum of this kind allows. */
export const transitionsOf = (state: Pick<ForumState, 'voteOnly'>): Readonly<Record<Phase, readonly Phase[]>> =>
  state.voteOnly ? VOTE_ONLY_TRANSITIONS : TRANSITIONS;

export function canTransition(from: Phase, to: Phase, voteOnly = false): boolean {
  return transitionsOf({ voteOnly })[from].includes(to);
}

export function decideTransition(state: ForumState, to: Phase): Decision<ForumEvent[]> {
  if (!canTransition(state.phase, to, state.voteOnly)) return refuse('BAD_TRANSITION', { from: state.phase, to });
  return accept([{ type: 'phaseChanged', from: state.phase, to }]);
}

/** Archiving makes a forum read-only (exports still work); taking it out of the archive undoes that. */
export function decideArchive(state: ForumState, archived: boolean, at: number): Decision<ForumEvent[]> {
  if (state.archived === archived) return refuse(archived ? 'ARCHIVED' : 'NOT_ARCHIVED');
  return accept([archived ? { type: 'forumArchived', at } : { type: 'forumUnarchived', at }]);
}

/** Phases in which a facilitator may hide, restore or correct ideas. */
export const MODERATION_PHASES: readonly Phase[] = ['ideas', 'review', 'voting'];

/** Phases from which the results may be exported: once voting has opened. */
export const EXPORT_PHASES: readonly Phase[] = ['voting', 'results', 'closed'];

// ---------------------------------------------------------------- text

type TextCheck = Decision<string>;

export function checkLine(field: string, raw: string, max: number, required: boolean): TextCheck {
  const value = cleanLine(raw);
  return checkLength(field, value, max, required);
}

export function checkText(field: string, raw: string, max: number, required: boolean): TextCheck {
  const value = cleanText(raw);
  return checkLength(field, value, max, required);
}

function checkLength(field: string, value: string, max: number, required: boolean): TextCheck {
  if (required && value.length === 0) return refuse('TEXT_REQUIRED', { field });
  const length = textLength(value);
  if (length > max) return refuse('TEXT_TOO_LONG', { field, max, length });
  return accept(value);
}

// ---------------------------------------------------------------- structure and rules

const COLOR = /^#[0-9a-fA-F]{6}$/;
const CODE = /^[\p{L}\p{N}._-]+$/u;

/** Colours given to priorities that come without one, in order; readable on white and on dark. */
export const PRIORITY_COLORS = ['#1f6feb', '#8250df', '#d1242f', '#bc4c00', '#1a7f37', '#0a7b83', '#9a6700', '#6e7781'];

/** Where a goal or task came from, its forum's title cleaned like any title typed (a structure file can carry anything). */
const originOf = (origin: Origin): Origin => ({ ...origin, forumTitle: cleanLine(origin.forumTitle) });

/** Checks and cleans a priority tree (from the console or an imported JSON file). */
export function normalizeStructure(input: Structure): Decision<Structure> {
  const vision = checkLine('vision', input.vision, LIMITS.vision, true);
  if (!vision.ok) return vision;
  if (input.priorities.length === 0) return refuse('BAD_STRUCTURE', { reason: 'noPriorities' });
  if (input.priorities.length > LIMITS.priorities) return refuse('BAD_STRUCTURE', { reason: 'tooManyPriorities' });
  const codes = new Set<string>();
  const priorities: Priority[] = [];
  for (const [index, p] of input.priorities.entries()) {
    const code = cleanLine(p.code);
    if (!code || code.length > LIMITS.code || !CODE.test(code)) return refuse('BAD_STRUCTURE', { reason: 'badCode', code });
    if (codes.has(code)) return refuse('BAD_STRUCTURE', { reason: 'duplicateCode', code });
    codes.add(code);
    const title = checkLine('priorityTitle', p.title, LIMITS.priorityTitle, true);
    if (!title.ok) return title;
    const subtitle = checkLine('prioritySubtitle', p.subtitle ?? '', LIMITS.prioritySubtitle, false);
    if (!subtitle.ok) return subtitle;
    const color = p.color && COLOR.test(p.color) ? p.color.toLowerCase() : PRIORITY_COLORS[index % PRIORITY_COLORS.length];
    if (p.goals.length > LIMITS.goalsPerPriority) return refuse('BAD_STRUCTURE', { reason: 'tooManyGoals', code });
    const goals = [];
    for (const g of p.goals) {
      const goalCode = cleanLine(g.code);
      if (!goalCode || goalCode.length > LIMITS.code || !CODE.test(goalCode)) {
        return refuse('BAD_STRUCTURE', { reason: 'badCode', code: goalCode });
      }
      if (codes.has(goalCode)) return refuse('BAD_STRUCTURE', { reason: 'duplicateCode', code: goalCode });
      codes.add(goalCode);
      const goalTitle = checkLine('goalTitle', g.title, LIMITS.goalTitle, true);
      if (!goalTitle.ok) return goalTitle;
      const goal: Goal = { code: goalCode, title: goalTitle.value };
      if (g.origin) goal.origin = originOf(g.origin);
      if (g.tasks?.length) {
        if (g.tasks.length > LIMITS.tasksPerGoal) return refuse('BAD_STRUCTURE', { reason: 'tooManyTasks', code: goalCode });
        goal.tasks = [];
        for (const task of g.tasks) {
          const taskTitle = checkLine('goalTitle', task.title, LIMITS.goalTitle, true);
          if (!taskTitle.ok) return taskTitle;
          goal.tasks.push(task.origin ? { title: taskTitle.value, origin: originOf(task.origin) } : { title: taskTitle.value });
        }
      }
      goals.push(goal);
    }
    priorities.push({ code, title: title.value, subtitle: subtitle.value, color, goals });
  }
  return accept({ vision: vision.value, priorities });
}

export function decideStructure(state: ForumState, input: Structure): Decision<ForumEvent[]> {
  if (state.phase !== 'lobby') return refuse('WRONG_PHASE', { phase: state.phase });
  const structure = normalizeStructure(input);
  if (!structure.ok) return structure;
  return accept([{ type: 'structureSet', structure: structure.value }]);
}

export function checkRules(rules: Rules): Decision<Rules> {
  const whole = (n: number, min: number, max: number) => Number.isInteger(n) && n >= min && n <= max;
  if (!whole(rules.ideasPerParticipant, 1, LIMITS.ideasPerParticipantMax)) {
    return refuse('BAD_INPUT', { field: 'ideasPerParticipant' });
  }
  if (!whole(rules.dotsPerPriority, 1, LIMITS.dotsPerPriorityMax)) return refuse('BAD_INPUT', { field: 'dotsPerPriority' });
  if (!whole(rules.maxDotsPerIdea, 1, rules.dotsPerPriority)) return refuse('BAD_INPUT', { field: 'maxDotsPerIdea' });
  return accept({ ...rules });
}

export function decideRules(state: ForumState, rules: Rules): Decision<ForumEvent[]> {
  if (state.phase !== 'lobby') return refuse('WRONG_PHASE', { phase: state.phase });
  const checked = checkRules(rules);
  if (!checked.ok) return checked;
  return accept([{ type: 'rulesSet', rules: checked.value }]);
}

// ---------------------------------------------------------------- participants

/** The participant, if they hold a ballot: not unknown, not voided. */
export function checkParticipant(state: ForumState, participantId: string): Decision<Participant> {
  const p = state.participants.get(participantId);
  if (!p) return refuse('NOT_JOINED');
  if (p.voided) return refuse('VOIDED', { reason: p.voided.reason });
  return accept(p);
}

export function decideRename(state: ForumState, participantId: string, raw: string): Decision<ForumEvent[]> {
  const who = checkParticipant(state, participantId);
  if (!who.ok) return who;
  const name = checkLine('name', raw, LIMITS.name, false);
  if (!name.ok) return name;
  return accept([{ type: 'participantRenamed', participantId, name: name.value }]);
}

// ---------------------------------------------------------------- ideas

export interface IdeaInput {
  priorityCode: string;
  goalCode: string | null;
  title: string;
  description: string;
  place: string;
}

export function findPriority(state: ForumState, code: string): Priority | undefined {
  return state.structure.priorities.find((p) => p.code === code);
}

/**
 * Ideas of a participant that count against the limit. Withdrawn ones are given back; hidden ones
 * are not, so that hiding an off-topic idea cannot be turned into a way round the limit.
 */
export function ideasOf(state: ForumState, participantId: string): Idea[] {
  // From the index by author: a dot's answer carries its voter's ideas, and a forum has thousands.
  return (state.ideasByAuthor.get(participantId) ?? []).filter((idea) => idea.status !== 'withdrawn');
}

type CleanIdea = Omit<IdeaInput, 'priorityCode'>;

function checkIdeaText(state: ForumState, priority: Priority, input: Omit<IdeaInput, 'priorityCode'>): Decision<CleanIdea> {
  let goalCode: string | null = null;
  if (input.goalCode) {
    if (!priority.goals.some((g) => g.code === input.goalCode)) {
      return refuse('UNKNOWN_GOAL', { code: input.goalCode, priority: priority.code });
    }
    goalCode = input.goalCode;
  }
  const title = checkLine('title', input.title, LIMITS.title, true);
  if (!title.ok) return title;
  const description = checkText('description', input.description, LIMITS.description, false);
  if (!description.ok) return description;
  const place = checkLine('place', input.place, LIMITS.place, false);
  if (!place.ok) return place;
  return accept({ goalCode, title: title.value, description: description.value, place: place.value });
}

export function decideSubmitIdea(
  state: ForumState,
  participantId: string,
  input: IdeaInput,
  ideaId: string,
  at: number,
): Decision<ForumEvent[]> {
  const who = checkParticipant(state, participantId);
  if (!who.ok) return who;
  if (state.phase !== 'ideas') return refuse('WRONG_PHASE', { phase: state.phase });
  const priority = findPriority(state, input.priorityCode);
  if (!priority) return refuse('UNKNOWN_PRIORITY', { code: input.priorityCode });
  const limit = state.rules.ideasPerParticipant;
  if (ideasOf(state, participantId).length >= limit) return refuse('IDEA_LIMIT', { limit });
  const clean = checkIdeaText(state, priority, input);
  if (!clean.ok) return clean;
  return accept([
    { type: 'ideaSubmitted', ideaId, authorId: participantId, priorityCode: priority.code, ...clean.value, at },
  ]);
}

/** An author's own idea, still active, while ideas are open. */
function ownIdea(state: ForumState, participantId: string, ideaId: string): Decision<Idea> {
  const who = checkParticipant(state, participantId);
  if (!who.ok) return who;
  const idea = state.ideas.get(ideaId);
  if (!idea || idea.status === 'withdrawn') return refuse('IDEA_NOT_FOUND');
  if (idea.authorId !== participantId) return refuse('NOT_AUTHOR');
  if (state.phase !== 'ideas') return refuse('WRONG_PHASE', { phase: state.phase });
  if (idea.status !== 'active') return refuse('IDEA_NOT_ACTIVE');
  return accept(idea);
}

export function decideEditIdea(
  state: ForumState,
  participantId: string,
  ideaId: string,
  input: Omit<IdeaInput, 'priorityCode'>,
  at: number,
): Decision<ForumEvent[]> {
  const own = ownIdea(state, participantId, ideaId);
  if (!own.ok) return own;
  const priority = findPriority(state, own.value.priorityCode);
  if (!priority) return refuse('UNKNOWN_PRIORITY', { code: own.value.priorityCode });
  const clean = checkIdeaText(state, priority, input);
  if (!clean.ok) return clean;
  return accept([{ type: 'ideaEdited', ideaId, ...clean.value, by: 'author', at }]);
}

export function decideWithdrawIdea(state: ForumState, participantId: string, ideaId: string): Decision<ForumEvent[]> {
  const own = ownIdea(state, participantId, ideaId);
  if (!own.ok) return own;
  // Others' ideas live on inside this one since a merge: withdrawing it would take them along.
  if (own.value.merged.length > 0) return refuse('IDEA_HAS_MERGED');
  return accept([{ type: 'ideaWithdrawn', ideaId }]);
}

function moderatedIdea(state: ForumState, ideaId: string): Decision<Idea> {
  const idea = state.ideas.get(ideaId);
  if (!idea || idea.status === 'withdrawn') return refuse('IDEA_NOT_FOUND');
  if (!MODERATION_PHASES.includes(state.phase)) return refuse('WRONG_PHASE', { phase: state.phase });
  return accept(idea);
}

export function decideHideIdea(state: ForumState, ideaId: string, rawReason: string, at: number): Decision<ForumEvent[]> {
  const found = moderatedIdea(state, ideaId);
  if (!found.ok) return found;
  if (found.value.status !== 'active') return refuse('IDEA_NOT_ACTIVE');
  const reason = checkLine('reason', rawReason, LIMITS.reason, true);
  if (!reason.ok) return reason;
  return accept([{ type: 'ideaHidden', ideaId, reason: reason.value, at }]);
}

/** Who would get dots back if an idea were hidden now, and how many dots: the figure a moderator confirms. */
export function hideCost(state: ForumState, ideaId: string): { voters: number; dots: number } {
  let voters = 0;
  let dots = 0;
  for (const mine of state.dots.values()) {
    const n = mine.get(ideaId) ?? 0;
    if (n > 0) {
      voters++;
      dots += n;
    }
  }
  return { voters, dots };
}

/**
 * Shows a hidden idea again. With `dotsBack`, the dots given back when it was hidden are put back,
 * as an undone merge puts back the dots it gave back: each voter's as many as their budget in the
 * priority still has room for (none for a voided ballot), and only while voting. Without it, they
 * stay with their owners, to place anywhere.
 */
export function decideRestoreIdea(state: ForumState, ideaId: string, at: number, dotsBack = false): Decision<ForumEvent[]> {
  const found = moderatedIdea(state, ideaId);
  if (!found.ok) return found;
  const idea = found.value;
  if (idea.status !== 'hidden') return refuse('IDEA_NOT_HIDDEN');
  if (!dotsBack) return accept([{ type: 'ideaRestored', ideaId, at }]);
  const reinstated: DotMove[] = [];
  if (state.phase === 'voting') {
    for (const d of idea.hiddenDots ?? []) {
      const free = state.participants.get(d.participantId)?.voided ? 0 : dotsLeft(state, d.participantId, idea.priorityCode);
      const back = Math.min(d.count, free, state.rules.maxDotsPerIdea);
      if (back > 0) reinstated.push({ participantId: d.participantId, ideaId, count: back });
    }
  }
  return accept([{ type: 'ideaRestored', ideaId, at, reinstated }]);
}

/** The same text, goal and place the idea has: a correction that would change nothing. */
const sameText = (idea: Idea, text: { goalCode: string | null; title: string; description: string; place: string }) =>
  idea.goalCode === text.goalCode && idea.title === text.title && idea.description === text.description && idea.place === text.place;

/**
 * A moderator's correction. One that changes nothing (once cleaned) is refused: it would tell the
 * author their idea was corrected and log a change that is not there. `refuseUnchanged` is false
 * only for a log written before that rule, which is judged as it was then.
 */
export function decideCorrectIdea(
  state: ForumState,
  ideaId: string,
  input: Omit<IdeaInput, 'priorityCode'>,
  at: number,
  refuseUnchanged = true,
): Decision<ForumEvent[]> {
  const found = moderatedIdea(state, ideaId);
  if (!found.ok) return found;
  const priority = findPriority(state, found.value.priorityCode);
  if (!priority) return refuse('UNKNOWN_PRIORITY', { code: found.value.priorityCode });
  const clean = checkIdeaText(state, priority, input);
  if (!clean.ok) return clean;
  if (refuseUnchanged && sameText(found.value, clean.value)) return refuse('IDEA_UNCHANGED');
  return accept([{ type: 'ideaEdited', ideaId, ...clean.value, by: 'facilitator', at }]);
}

// ---------------------------------------------------------------- dots

/** Dots a participant has placed within one priority. */
export function dotsSpent(state: ForumState, participantId: string, priorityCode: string): number {
  const mine = state.dots.get(participantId);
  if (!mine) return 0;
  let spent = 0;
  for (const [ideaId, n] of mine) if (state.ideas.get(ideaId)?.priorityCode === priorityCode) spent += n;
  return spent;
}

export function dotsLeft(state: ForumState, participantId: string, priorityCode: string): number {
  return state.rules.dotsPerPriority - dotsSpent(state, participantId, priorityCode);
}

export function decidePlaceDot(state: ForumState, participantId: string, ideaId: string): Decision<ForumEvent[]> {
  const who = checkParticipant(state, participantId);
  if (!who.ok) return who;
  if (state.phase !== 'voting') return refuse('WRONG_PHASE', { phase: state.phase });
  // A forum whose vote is the city's counts its ballots, and a dot beside them would count nowhere.
  if (state.city.vote) return refuse('CITY_BALLOTS_ONLY');
  const idea = state.ideas.get(ideaId);
  if (!idea || idea.status === 'withdrawn') return refuse('IDEA_NOT_FOUND');
  if (idea.status !== 'active') return refuse('IDEA_NOT_ACTIVE');
  const onIdea = state.dots.get(participantId)?.get(ideaId) ?? 0;
  if (onIdea >= state.rules.maxDotsPerIdea) return refuse('CAP_EXCEEDED', { max: state.rules.maxDotsPerIdea });
  if (dotsLeft(state, participantId, idea.priorityCode) <= 0) {
    return refuse('BUDGET_EXCEEDED', { budget: state.rules.dotsPerPriority });
  }
  return accept([{ type: 'dotPlaced', participantId, ideaId }]);
}

export function decideRemoveDot(state: ForumState, participantId: string, ideaId: string): Decision<ForumEvent[]> {
  const who = checkParticipant(state, participantId);
  if (!who.ok) return who;
  if (state.phase !== 'voting') return refuse('WRONG_PHASE', { phase: state.phase });
  if (!state.ideas.has(ideaId)) return refuse('IDEA_NOT_FOUND');
  if ((state.dots.get(participantId)?.get(ideaId) ?? 0) <= 0) return refuse('NO_DOT_TO_REMOVE');
  return accept([{ type: 'dotRemoved', participantId, ideaId }]);
}

// ---------------------------------------------------------------- results

export function decideReveal(state: ForumState, priorityCode: string): Decision<ForumEvent[]> {
  if (state.phase !== 'results') return refuse('WRONG_PHASE', { phase: state.phase });
  if (!findPriority(state, priorityCode)) return refuse('UNKNOWN_PRIORITY', { code: priorityCode });
  if (state.revealed.includes(priorityCode)) return refuse('ALREADY_REVEALED');
  return accept([{ type: 'priorityRevealed', priorityCode }]);
}

// ---------------------------------------------------------------- the projector

/** Puts a slide on the projector. Nothing unrevealed is ever shown: a priority must be revealed. */
export function decideDisplay(state: ForumState, display: Display): Decision<ForumEvent[]> {
  if (display.slide === 'priority') {
    if (!findPriority(state, display.priorityCode)) return refuse('UNKNOWN_PRIORITY', { code: display.priorityCode });
    if (!state.revealed.includes(display.priorityCode)) return refuse('NOT_REVEALED');
  }
  if (display.slide === 'final' && state.revealed.length === 0) return refuse('NOT_REVEALED');
  return accept([{ type: 'displaySet', display }]);
}

export function decideResultsTop(state: ForumState, top: number): Decision<ForumEvent[]> {
  if (!Number.isInteger(top) || top < 1 || top > RESULTS_TOP_MAX) return refuse('BAD_INPUT', { field: 'resultsTop' });
  return accept([{ type: 'resultsTopSet', top }]);
}

// ---------------------------------------------------------------- the public results page

/** Phases in which the public results page may be opened: once the reveal has begun. */
export const PUBLISH_PHASES: readonly Phase[] = ['results', 'closed'];

/**
 * Opens (`published`) or closes the public results page. It opens only in the results or closed
 * phase and once a priority has been revealed, and it only ever shows revealed priorities, so it
 * never tells more than the hall has been shown. It can be closed again at any time. Asking for
 * what already holds records nothing, so two consoles pressing at once leave one event.
 */
export function decidePublishResults(state: ForumState, published: boolean, at: number): Decision<ForumEvent[]> {
  if (published === state.publicResults) return accept([]);
  if (published) {
    if (!PUBLISH_PHASES.includes(state.phase)) return refuse('WRONG_PHASE', { phase: state.phase });
    if (state.revealed.length === 0) return refuse('NOTHING_REVEALED');
  }
  return accept([{ type: 'resultsPublished', published, at }]);
}
