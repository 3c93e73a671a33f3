// The rules of facilitating many ideas at once, as pure functions: merging duplicates (dots move
// to the surviving idea within the per-idea cap, the excess goes back to its owners) and undoing a
// merge (each dot back where it was, as far as the ballot allows), paper idea cards and sticker
// counts kept apart from phone dots, table hosts with a scope, a timer per phase, and the word list
// that flags ideas for review. Each decide* returns the events or the reason it is refused.

import { accept, refuse, type Decision } from './errors.js';
import { checkLine, dotsLeft, findPriority, type IdeaInput } from './rules.js';
import { cleanLine, cleanText, textLength } from './text.js';
import {
  LIMITS,
  PAPER_BALLOTS_MAX,
  PAPER_DOTS_MAX,
  TIMER_MAX_MS,
  TIMER_MIN_MS,
  type Actor,
  type DotMove,
  type ForumEvent,
  type ForumState,
  type Idea,
  type Phase,
} from './types.js';

/** Merges and their undoing happen while ideas are being sorted and voted on, not after. */
export const MERGE_PHASES: readonly Phase[] = ['review', 'voting'];
/** Paper cards are typed in while ideas are open and during review. */
export const PAPER_IDEA_PHASES: readonly Phase[] = ['ideas', 'review'];

function activeIdea(state: ForumState, ideaId: string): Decision<Idea> {
  const idea = state.ideas.get(ideaId);
  if (!idea || idea.status === 'withdrawn') return refuse('IDEA_NOT_FOUND');
  if (idea.status !== 'active') return refuse('IDEA_NOT_ACTIVE');
  return accept(idea);
}

/**
 * Folds `ideas` into `into` (all active, in one priority). Each participant's dots on the folded
 * ideas move to `into` up to the per-idea cap; the rest go back to them (their budget is in the
 * same priority, so nothing else changes).
 */
export function decideMerge(state: ForumState, into: string, ideas: readonly string[], mergeId: string, at: number, by: Actor): Decision<ForumEvent[]> {
  const steps = decideMergeInSteps(state, into, ideas, mergeId, at, by, Infinity);
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
  }
}

/**
 * decideMerge, yielding after every `ballotsPerStep` ballots looked at, so that a caller can let
 * other work run between the steps of a merge of thousands of ballots. The forum must not change
 * between the steps (the server holds every other command back meanwhile, and decides again if it
 * changed all the same).
 */
export function* decideMergeInSteps(
  state: ForumState,
  into: string,
  ideas: readonly string[],
  mergeId: string,
  at: number,
  by: Actor,
  ballotsPerStep: number,
): Generator<void, Decision<ForumEvent[]>, void> {
  if (!MERGE_PHASES.includes(state.phase)) return refuse('WRONG_PHASE', { phase: state.phase });
  if (ideas.length === 0 || new Set(ideas).size !== ideas.length || ideas.includes(into)) return refuse('BAD_INPUT', { field: 'ideas' });
  if (state.merges.has(mergeId)) return refuse('BAD_INPUT', { field: 'mergeId' });
  const survivor = activeIdea(state, into);
  if (!survivor.ok) return survivor;
  for (const id of ideas) {
    const idea = activeIdea(state, id);
    if (!idea.ok) return idea;
    if (idea.value.priorityCode !== survivor.value.priorityCode) return refuse('MERGE_ACROSS_PRIORITIES');
  }
  const cap = state.rules.maxDotsPerIdea;
  const moved: DotMove[] = [];
  const refunded: DotMove[] = [];
  // Each ballot's few dots are looked at, in the order the ideas were given: asking every ballot
  // about each of 40 ideas took 28 ms on 5,000 ballots (scripts/stalls.ts).
  const order = new Map(ideas.map((id, i) => [id, i]));
  let looked = 0;
  for (const [participantId, mine] of state.dots) {
    if (++looked % ballotsPerStep === 0) yield;
    const held: [number, string, number][] = [];
    for (const [id, n] of mine) {
      const at = order.get(id);
      if (at !== undefined && n > 0) held.push([at, id, n]);
    }
    if (held.length === 0) continue;
    held.sort((a, b) => a[0] - b[0]);
    let onSurvivor = mine.get(into) ?? 0;
    for (const [, id, n] of held) {
      const fits = Math.max(0, Math.min(n, cap - onSurvivor));
      onSurvivor += fits;
      if (fits > 0) moved.push({ participantId, ideaId: id, count: fits });
      if (n - fits > 0) refunded.push({ participantId, ideaId: id, count: n - fits });
    }
  }
  return accept([{ type: 'ideasMerged', mergeId, into, ideas: [...ideas], moved, refunded, at, by }]);
}

/**
 * Undoes a merge until results: the folded ideas come back, each moved dot goes back to the idea
 * it came from (as many as are still on the surviving idea: a voter may have taken some off
 * since), and each dot given back by the merge is put back where the voter's budget still has room.
 */
export function decideUndoMerge(state: ForumState, mergeId: string, at: number, by: Actor): Decision<ForumEvent[]> {
  if (!MERGE_PHASES.includes(state.phase)) return refuse('WRONG_PHASE', { phase: state.phase });
  const merge = state.merges.get(mergeId);
  if (!merge) return refuse('MERGE_NOT_FOUND');
  if (merge.undone) return refuse('MERGE_NOT_FOUND');
  const into = state.ideas.get(merge.into);
  // A surviving idea merged again later (or hidden) must have that undone first.
  if (!into || into.status !== 'active') return refuse('MERGE_NOT_UNDOABLE');
  const restored: DotMove[] = [];
  const onSurvivor = new Map<string, number>();
  for (const m of merge.moved) {
    const left = onSurvivor.get(m.participantId) ?? state.dots.get(m.participantId)?.get(into.id) ?? 0;
    const back = Math.min(m.count, left);
    onSurvivor.set(m.participantId, left - back);
    if (back > 0) restored.push({ participantId: m.participantId, ideaId: m.ideaId, count: back });
  }
  const reinstated: DotMove[] = [];
  const room = new Map<string, number>();
  for (const r of merge.refunded) {
    const free = room.get(r.participantId) ?? (state.participants.get(r.participantId)?.voided ? 0 : dotsLeft(state, r.participantId, into.priorityCode));
    const back = Math.min(r.count, free);
    room.set(r.participantId, free - back);
    if (back > 0) reinstated.push({ participantId: r.participantId, ideaId: r.ideaId, count: back });
  }
  return accept([{ type: 'mergeUndone', mergeId, restored, reinstated, at, by }]);
}

/** A paper idea card typed in by a table host: no participant, no per-participant limit. */
export function decidePaperIdea(
  state: ForumState,
  input: IdeaInput & { paperAuthor: string },
  ideaId: string,
  at: number,
  by: Actor,
): Decision<ForumEvent[]> {
  if (!PAPER_IDEA_PHASES.includes(state.phase)) return refuse('WRONG_PHASE', { phase: state.phase });
  const priority = findPriority(state, input.priorityCode);
  if (!priority) return refuse('UNKNOWN_PRIORITY', { code: input.priorityCode });
  let goalCode: string | null = null;
  if (input.goalCode) {
    if (!priority.goals.some((g) => g.code === input.goalCode)) return refuse('UNKNOWN_GOAL', { code: input.goalCode, priority: priority.code });
    goalCode = input.goalCode;
  }
  const title = checkLine('title', input.title, LIMITS.title, true);
  if (!title.ok) return title;
  const description = cleanText(input.description);
  if (textLength(description) > LIMITS.description) return refuse('TEXT_TOO_LONG', { field: 'description', max: LIMITS.description, length: textLength(description) });
  const place = checkLine('place', input.place, LIMITS.place, false);
  if (!place.ok) return place;
  const author = checkLine('name', input.paperAuthor, LIMITS.name, false);
  if (!author.ok) return author;
  return accept([
    {
      type: 'ideaSubmitted',
      ideaId,
      authorId: '',
      priorityCode: priority.code,
      goalCode,
      title: title.value,
      description,
      place: place.value,
      at,
      source: 'paper',
      paperAuthor: author.value,
      by,
    },
  ]);
}

/**
 * What the paper ballots the facilitator says were handed out allow in one priority: each ballot
 * carries the phone's budget of stickers per priority, at most the cap on one idea, as a phone's
 * ballot does. `entered`: the stickers already entered on its active ideas.
 */
export function paperBound(state: ForumState, priorityCode: string): { ballots: number; perIdea: number; perPriority: number; entered: number } {
  const ballots = state.paperBallots ?? 0;
  let entered = 0;
  for (const idea of state.ideas.values()) if (idea.priorityCode === priorityCode && idea.status === 'active') entered += idea.paperDots;
  return { ballots, perIdea: ballots * state.rules.maxDotsPerIdea, perPriority: ballots * state.rules.dotsPerPriority, entered };
}

/**
 * Sticker dots counted on paper for one idea, after voting and before its priority is revealed
 * (once the hall has seen a ranking, it stays as shown). Phone dots are never touched. The count
 * stays within what the paper ballots handed out allow (paperBound): a count above it is a typo or
 * a stuffed wall, and only the facilitator can say more ballots went out. `bounded` false: a log
 * written before ballots were counted, judged as it was then (verify.ts).
 */
export function decidePaperDots(state: ForumState, ideaId: string, count: number, at: number, by: Actor, bounded = true): Decision<ForumEvent[]> {
  if (state.phase !== 'results') return refuse('WRONG_PHASE', { phase: state.phase });
  if (!Number.isInteger(count) || count < 0 || count > PAPER_DOTS_MAX) return refuse('BAD_INPUT', { field: 'count' });
  const idea = activeIdea(state, ideaId);
  if (!idea.ok) return idea;
  if (state.revealed.includes(idea.value.priorityCode)) return refuse('ALREADY_REVEALED');
  if (idea.value.paperDots === count) return accept([]);
  if (bounded && count > idea.value.paperDots) {
    const bound = paperBound(state, idea.value.priorityCode);
    if (bound.ballots === 0) return refuse('PAPER_NO_BALLOTS');
    if (count > bound.perIdea) return refuse('PAPER_IDEA_OVER_BALLOTS', { ballots: bound.ballots, max: bound.perIdea });
    const others = bound.entered - idea.value.paperDots;
    if (others + count > bound.perPriority) {
      return refuse('PAPER_PRIORITY_OVER_BALLOTS', { ballots: bound.ballots, max: bound.perPriority, left: Math.max(0, bound.perPriority - others) });
    }
  }
  return accept([{ type: 'paperDotsSet', ideaId, count, at, by }]);
}

/**
 * The fewest paper ballots that cover the stickers already entered: a priority's sum within
 * ballots × budget, each idea's count within ballots × cap.
 */
export function paperBallotsNeeded(state: ForumState): number {
  const { dotsPerPriority, maxDotsPerIdea } = state.rules;
  const perPriority = new Map<string, number>();
  let needed = 0;
  for (const idea of state.ideas.values()) {
    if (idea.status !== 'active' || idea.paperDots === 0) continue;
    perPriority.set(idea.priorityCode, (perPriority.get(idea.priorityCode) ?? 0) + idea.paperDots);
    needed = Math.max(needed, Math.ceil(idea.paperDots / maxDotsPerIdea));
  }
  for (const sum of perPriority.values()) needed = Math.max(needed, Math.ceil(sum / dotsPerPriority));
  return needed;
}

/**
 * How many paper ballots were handed out, as the facilitator says (a host cannot: the number is
 * what bounds the stickers they enter). It may go up at any time before the forum closes, and down
 * as far as the stickers already entered allow.
 */
export function decidePaperBallots(state: ForumState, count: number, at: number): Decision<ForumEvent[]> {
  if (state.phase === 'closed') return refuse('WRONG_PHASE', { phase: state.phase });
  if (!Number.isInteger(count) || count < 0 || count > PAPER_BALLOTS_MAX) return refuse('BAD_INPUT', { field: 'count' });
  const needed = paperBallotsNeeded(state);
  if (count < needed) return refuse('PAPER_BALLOTS_BELOW', { min: needed });
  if (state.paperBallots === count) return accept([]);
  return accept([{ type: 'paperBallotsSet', count, at }]);
}

/**
 * Invites a co-facilitator or table host, for the whole forum (scope null) or one priority; or,
 * with `rawPoint`, a service point's staff in a city vote (shared/forum/channels.ts), who cast
 * in-person ballots and nothing else.
 */
export function decideInviteHost(state: ForumState, hostId: string, rawName: string, scope: string | null, secretHash: string, at: number, rawPoint?: string): Decision<ForumEvent[]> {
  if (state.phase === 'closed') return refuse('WRONG_PHASE', { phase: state.phase });
  const name = checkLine('name', rawName, LIMITS.name, true);
  if (!name.ok) return name;
  if (scope !== null && !findPriority(state, scope)) return refuse('UNKNOWN_PRIORITY', { code: scope });
  if (state.hosts.has(hostId) || state.hostsBySecret.has(secretHash)) return refuse('BAD_INPUT', { field: 'hostId' });
  if (rawPoint === undefined) return accept([{ type: 'hostInvited', hostId, name: name.value, scope, secretHash, at }]);
  if (!state.city.vote) return refuse('CITY_NO_VOTE');
  if (scope !== null) return refuse('BAD_INPUT', { field: 'scope' });
  const point = checkLine('place', rawPoint, LIMITS.place, true);
  if (!point.ok) return point;
  return accept([{ type: 'hostInvited', hostId, name: name.value, scope, secretHash, at, point: point.value }]);
}

export function decideRevokeHost(state: ForumState, hostId: string, at: number): Decision<ForumEvent[]> {
  const host = state.hosts.get(hostId);
  if (!host) return refuse('HOST_NOT_FOUND');
  if (host.revoked) return accept([]);
  return accept([{ type: 'hostRevoked', hostId, at }]);
}

/** Whether a host may act on an idea of this priority. */
export function hostMayAct(state: ForumState, hostId: string, priorityCode: string): boolean {
  const host = state.hosts.get(hostId);
  return !!host && !host.revoked && (host.scope === null || host.scope === priorityCode);
}

/** A countdown for the current phase: set, extended (set again) or cleared (null). */
export function decideTimer(state: ForumState, durationMs: number | null, now: number): Decision<ForumEvent[]> {
  if (state.phase === 'closed') return refuse('WRONG_PHASE', { phase: state.phase });
  if (durationMs === null) return accept(state.timer ? [{ type: 'timerCleared', at: now }] : []);
  if (!Number.isInteger(durationMs) || durationMs < TIMER_MIN_MS || durationMs > TIMER_MAX_MS) return refuse('BAD_INPUT', { field: 'durationMs' });
  return accept([{ type: 'timerSet', phase: state.phase, endsAt: now + durationMs, durationMs, at: now }]);
}

/** Adds time to the running timer (or starts one). */
export function decideExtendTimer(state: ForumState, addMs: number, now: number): Decision<ForumEvent[]> {
  if (!Number.isInteger(addMs) || addMs < TIMER_MIN_MS || addMs > TIMER_MAX_MS) return refuse('BAD_INPUT', { field: 'durationMs' });
  const running = state.timer && state.timer.phase === state.phase && state.timer.endsAt > now ? state.timer : null;
  if (!running) return decideTimer(state, addMs, now);
  const left = running.endsAt - now + addMs;
  if (left > TIMER_MAX_MS) return refuse('BAD_INPUT', { field: 'durationMs' });
  return accept([{ type: 'timerSet', phase: state.phase, endsAt: running.endsAt + addMs, durationMs: running.durationMs + addMs, at: now }]);
}

// ---------------------------------------------------------------- the word list

/**
 * Flagged for review by default: insults and obscenities in Ukrainian, Russian and English, and
 * the usual marks of spam. Stems, matched at the start of a word, so endings do not matter. The
 * list only flags an idea for a moderator's eyes: nothing is hidden automatically.
 */
export const DEFAULT_WORD_LIST: readonly string[] = [
  'хуй', 'хуя', 'хує', 'пизд', 'їбан', 'йобан', 'ебан', 'єбан', 'бляд', 'бля', 'сука', 'суки', 'мудак', 'підар', 'підор', 'пидор', 'гандон',
  'дебіл', 'ідіот', 'придур', 'лох', 'чмо', 'срака', 'гівн', 'говн', 'русня', 'хохл', 'жид',
  'fuck', 'shit', 'bitch', 'cunt', 'asshole', 'nigger', 'faggot', 'idiot',
  'http', 'www', 'казино', 'casino', 'кредит', 'заробіток', 'bitcoin', 'біткоїн', 'telegram',
];

export const WORD_LIST_MAX = 300;
const WORD_MAX = 40;

/** Lower case, apostrophes dropped, anything else that is not a letter or digit a space. */
export const wordKey = (text: string): string => wordsOf(text.normalize('NFKC').toLowerCase().replace(/[ʼ'’`′]/g, ''));

const LETTER_OR_DIGIT = /^[\p{L}\p{N}]$/u;

/** Whether a code point is a letter or a digit (\p{L} or \p{N}): Latin and Cyrillic by their ranges, the rest asked of the regex. */
function isLetterOrDigit(cp: number): boolean {
  if (cp < 0x80) return (cp >= 0x61 && cp <= 0x7a) || (cp >= 0x41 && cp <= 0x5a) || (cp >= 0x30 && cp <= 0x39);
  // U+0400–U+052F are all letters but U+0482–U+0489 (a thousands sign and combining marks).
  if (cp >= 0x400 && cp <= 0x52f) return cp < 0x482 || cp > 0x489;
  return LETTER_OR_DIGIT.test(String.fromCodePoint(cp));
}

/**
 * The runs of letters and digits, one space between them: what `.replace(/[^\p{L}\p{N}]+/gu, ' ')
 * .trim()` gives, five times as quick on Ukrainian text. The regex took 10 of the 13 ms the first
 * console view of the largest forum spent flagging its 250 ideas of ~1,300 characters.
 */
function wordsOf(text: string): string {
  const words: string[] = [];
  let start = -1;
  for (let i = 0; i < text.length; ) {
    const cp = text.codePointAt(i)!;
    if (isLetterOrDigit(cp)) {
      if (start < 0) start = i;
    } else if (start >= 0) {
      words.push(text.slice(start, i));
      start = -1;
    }
    i += cp > 0xffff ? 2 : 1;
  }
  if (start >= 0) words.push(text.slice(start));
  return words.join(' ');
}

export function decideWordList(state: ForumState, words: readonly string[]): Decision<ForumEvent[]> {
  if (words.length > WORD_LIST_MAX) return refuse('BAD_INPUT', { field: 'words' });
  const clean: string[] = [];
  for (const raw of words) {
    const w = wordKey(cleanLine(raw));
    if (!w) continue;
    if (w.length > WORD_MAX) return refuse('BAD_INPUT', { field: 'words' });
    if (!clean.includes(w)) clean.push(w);
  }
  return accept([{ type: 'wordListSet', words: clean }]);
}

/** The listed words an idea's text contains (at the start of a word), for the console's flag. */
export function flaggedWords(state: ForumState, idea: Pick<Idea, 'title' | 'description' | 'place'>): string[] {
  const list = state.wordList ?? DEFAULT_WORD_LIST;
  if (list.length === 0) return [];
  // The console asks for every idea at every update: an idea's answer is kept until its text or
  // the list changes (normalising thousands of texts each time took most of the console's view).
  const text = `${idea.title} ${idea.description} ${idea.place}`;
  const kept = flagged.get(idea);
  if (kept && kept.text === text && kept.list === list) return kept.words;
  const key = ` ${wordKey(text)}`;
  const words = list.filter((w) => key.includes(` ${w}`));
  flagged.set(idea, { text, list, words });
  return words;
}

const flagged = new WeakMap<object, { text: string; list: readonly string[]; words: string[] }>();
