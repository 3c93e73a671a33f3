// What a new forum starts with: its first events. From the template or a JSON priority tree; from
// an earlier forum (its structure, with chosen ideas made goals or tasks that link back); or a
// vote-only forum whose ideas are an earlier forum's shortlist. The forum list's request is decided
// here (forumStartOf). Pure: the registry stores them.

import { randomUUID } from 'node:crypto';
import { refuse, accept, type Decision } from '../../shared/forum/errors.js';
import { checkLine, normalizeStructure } from '../../shared/forum/rules.js';
import { countDots, tallyPriority, topWithTies } from '../../shared/forum/tally.js';
import type { ListCommandParsed } from '../../shared/protocol.js';
import { DEFAULT_RULES, LIMITS, type AdmissionMode, type ForumEvent, type ForumState, type Goal, type Origin, type Rules, type Structure } from '../../shared/forum/types.js';

export interface ForumStart {
  title: string;
  /** false: the forum is called by its vision, and follows it when the tree changes (the first forum of a server). */
  titled?: boolean;
  structure: Structure;
  rules?: Rules;
  admission: AdmissionMode;
  voteOnly?: boolean;
  basedOn?: { forumId: string; title: string };
  /** Shortlisted ideas a vote-only forum opens with. */
  ideas?: ImportedIdea[];
  /** A vote-only forum for a city vote: it stays in the lobby until its vote is defined and opened. */
  cityVote?: boolean;
}

export interface ImportedIdea {
  priorityCode: string;
  goalCode: string | null;
  title: string;
  description: string;
  place: string;
  author: string;
  origin: Origin;
}

/** The events a forum is created with, forumCreated first. A vote-only forum opens into voting. */
export function creationEvents(id: string, joinCode: string, start: ForumStart, at: number): ForumEvent[] {
  const events: ForumEvent[] = [
    {
      type: 'forumCreated',
      id,
      title: start.title,
      joinCode,
      structure: start.structure,
      rules: start.rules ?? { ...DEFAULT_RULES },
      at,
      admission: start.admission,
      ...(start.titled === false ? {} : { titled: true }),
      ...(start.voteOnly ? { voteOnly: true } : {}),
      ...(start.basedOn ? { basedOn: start.basedOn } : {}),
    },
  ];
  for (const idea of start.ideas ?? []) events.push({ type: 'ideaImported', ideaId: randomUUID(), ...idea, at });
  if (start.voteOnly && !start.cityVote) events.push({ type: 'phaseChanged', from: 'lobby', to: 'voting' });
  return events;
}

/** What the forum list's console asks a new forum to start from. */
export type CreateRequest = ListCommandParsed<'forums:create'>;

/** Where a new forum's start is read from. */
export interface StartSources {
  /** The template's tree (VICHE_TEMPLATE); null when it cannot be read or is not a tree. */
  template(): Structure | null;
  /** An earlier forum of this server, by id. */
  forum(forumId: string): ForumState | undefined;
  /** How a new forum admits people unless the request says (ADMISSION). */
  admission: AdmissionMode;
}

/** The start the forum list's request asks for, or the first thing the rules refuse in it. */
export function forumStartOf(request: CreateRequest, sources: StartSources): Decision<ForumStart> {
  const title = checkLine('forumTitle', request.title, LIMITS.vision, true);
  if (!title.ok) return title;
  const { from } = request;
  switch (from.kind) {
    case 'template': {
      const structure = sources.template();
      if (!structure) return refuse('BAD_STRUCTURE', { reason: 'template' });
      return accept({ title: title.value, structure, admission: sources.admission });
    }
    case 'structure': {
      const structure = normalizeStructure(from.structure);
      if (!structure.ok) return structure;
      return accept({ title: title.value, structure: structure.value, admission: sources.admission });
    }
    case 'forum':
    case 'shortlist': {
      const previous = sources.forum(from.forumId);
      if (!previous) return refuse('FORUM_NOT_FOUND');
      const basedOn = { forumId: previous.id, title: previous.title };
      if (from.kind === 'forum') {
        const structure = structureFromPrevious(previous, from.carry);
        if (!structure.ok) return structure;
        return accept({ title: title.value, structure: structure.value, rules: { ...previous.rules }, admission: sources.admission, basedOn });
      }
      const ideas = shortlist(previous, { top: from.top, ideaIds: from.ideaIds });
      if (!ideas.ok) return ideas;
      return accept({
        title: title.value,
        structure: structuredClone(previous.structure),
        rules: { ...previous.rules },
        admission: from.admission ?? sources.admission,
        voteOnly: true,
        basedOn,
        ideas: ideas.value,
        ...(from.cityVote ? { cityVote: true } : {}),
      });
    }
  }
}

const originOf = (state: ForumState, ideaId: string): Origin => ({ forumId: state.id, forumTitle: state.title, ideaId });

/** An idea's author as exports name them: a participant's name, a paper card's, or the shortlist's. */
function authorOf(state: ForumState, ideaId: string): string {
  const idea = state.ideas.get(ideaId);
  if (!idea) return '';
  return idea.authorId ? (state.participants.get(idea.authorId)?.name ?? '') : idea.paperAuthor;
}

export interface Carry {
  ideaId: string;
  /** `goal`: a new strategic goal under the idea's priority; `task`: a task under a goal. */
  as: 'goal' | 'task';
  /** For a task: the goal it goes under; the idea's own goal when absent. */
  goalCode?: string | null;
}

/**
 * The structure of a forum built on an earlier one: the earlier vision, priorities and goals, with
 * the chosen ideas made goals or tasks, each linking back to the idea it came from.
 */
export function structureFromPrevious(previous: ForumState, carry: readonly Carry[]): Decision<Structure> {
  const structure: Structure = structuredClone(previous.structure);
  for (const c of carry) {
    const idea = previous.ideas.get(c.ideaId);
    if (!idea || idea.status === 'withdrawn' || idea.status === 'merged') return refuse('IDEA_NOT_FOUND');
    const priority = structure.priorities.find((p) => p.code === idea.priorityCode);
    if (!priority) return refuse('UNKNOWN_PRIORITY', { code: idea.priorityCode });
    const origin = originOf(previous, idea.id);
    if (c.as === 'goal') {
      priority.goals.push({ code: nextGoalCode(priority.code, priority.goals), title: idea.title, origin });
    } else {
      const goalCode = c.goalCode ?? idea.goalCode;
      const goal = priority.goals.find((g) => g.code === goalCode);
      if (!goal) return refuse('UNKNOWN_GOAL', { code: goalCode ?? '' });
      (goal.tasks ??= []).push({ title: idea.title, origin });
    }
  }
  const checked = normalizeStructure(structure);
  return checked.ok ? accept(checked.value) : checked;
}

/** "2.4" after goals 2.1–2.3 of priority 2; a free code when that one is taken. */
function nextGoalCode(priorityCode: string, goals: readonly Goal[]): string {
  const taken = new Set(goals.map((g) => g.code));
  for (let n = goals.length + 1; ; n++) {
    const code = `${priorityCode}.${n}`;
    if (!taken.has(code)) return code;
  }
}

export interface ShortlistPick {
  /** The top N ideas of every priority (a tie at the cut is taken whole). */
  top?: number;
  /** Ideas chosen by hand (with `top`, added to it). */
  ideaIds?: string[];
}

/** The ranked ideas of a forum's results that a shortlist takes, in ranking order per priority. */
export function shortlist(previous: ForumState, pick: ShortlistPick): Decision<ImportedIdea[]> {
  const counts = countDots(previous);
  const chosen = new Set(pick.ideaIds ?? []);
  const ideas: ImportedIdea[] = [];
  const ranked = new Set<string>();
  for (const p of previous.structure.priorities) {
    const rows = tallyPriority(previous, p.code, counts);
    for (const r of rows) ranked.add(r.ideaId);
    const top = pick.top ? new Set(topWithTies(rows, pick.top).shown.map((r) => r.ideaId)) : new Set<string>();
    for (const r of rows) {
      if (!top.has(r.ideaId) && !chosen.has(r.ideaId)) continue;
      const idea = previous.ideas.get(r.ideaId)!;
      ideas.push({
        priorityCode: idea.priorityCode,
        goalCode: idea.goalCode,
        title: idea.title,
        description: idea.description,
        place: idea.place,
        author: authorOf(previous, idea.id),
        // A shortlist of a shortlist still points at where the idea was first written.
        origin: idea.origin ?? originOf(previous, idea.id),
      });
    }
  }
  for (const id of chosen) if (!ranked.has(id)) return refuse('BAD_SHORTLIST', { reason: 'notRanked' });
  if (ideas.length === 0) return refuse('BAD_SHORTLIST', { reason: 'empty' });
  return accept(ideas);
}
