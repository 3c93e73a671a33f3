// Counting: tallies per priority, ranking with ties, voting progress, and how much of a ranking a
// screen shows. Pure functions over the state; the server decides who may see which of these and when.

import type { ForumState, Idea } from './types.js';

export interface IdeaTally {
  ideaId: string;
  /** All dots: from phones and, once counted, stickers on paper. */
  dots: number;
  /** How many distinct participants put at least one dot on the idea from a phone. */
  supporters: number;
  /** Competition ranking by dots ("1, 2, 2, 4"): ideas with equal dots share a rank. */
  rank: number;
  /** The two channels, kept apart: paper never changes phone dots. */
  phoneDots: number;
  paperDots: number;
}

export interface RankInput {
  ideaId: string;
  /** Dots from phones. */
  dots: number;
  supporters: number;
  seq: number;
  /** Sticker dots counted on paper. */
  paperDots?: number;
}

/**
 * Ranks ideas by dots, most first. Equal dots share a rank and the next rank skips, so a tie never
 * hides that two ideas did equally well. Within a tie the order shown is by supporters (broader
 * support first), then by submission order, so the list is the same on every screen.
 */
export function rankIdeas(entries: readonly RankInput[]): IdeaTally[] {
  const total = (e: RankInput) => e.dots + (e.paperDots ?? 0);
  const sorted = [...entries].sort((a, b) => total(b) - total(a) || b.supporters - a.supporters || a.seq - b.seq);
  const ranked: IdeaTally[] = [];
  sorted.forEach((e, i) => {
    const rank = i > 0 && total(sorted[i - 1]) === total(e) ? ranked[i - 1].rank : i + 1;
    ranked.push({ ideaId: e.ideaId, dots: total(e), supporters: e.supporters, rank, phoneDots: e.dots, paperDots: e.paperDots ?? 0 });
  });
  return ranked;
}

/** Dots and supporters of every idea, hidden or not: what is kept as ballots change (state.dotTotals.byIdea). */
export function countDots(state: ForumState): ReadonlyMap<string, Readonly<{ dots: number; supporters: number }>> {
  return state.dotTotals.byIdea;
}

/** The same, counted again from every ballot: what the kept counts are checked against. */
export function countDotsFromBallots(state: ForumState): Map<string, { dots: number; supporters: number }> {
  const counts = new Map<string, { dots: number; supporters: number }>();
  for (const mine of state.dots.values()) {
    for (const [ideaId, n] of mine) {
      if (n <= 0) continue;
      const c = counts.get(ideaId) ?? { dots: 0, supporters: 0 };
      c.dots += n;
      c.supporters += 1;
      counts.set(ideaId, c);
    }
  }
  return counts;
}

export function activeIdeas(state: ForumState, priorityCode?: string): Idea[] {
  const ideas: Idea[] = [];
  for (const idea of state.ideas.values()) {
    if (idea.status === 'active' && (priorityCode === undefined || idea.priorityCode === priorityCode)) ideas.push(idea);
  }
  return ideas.sort((a, b) => a.seq - b.seq);
}

/** The ranking of one priority's active ideas. Hidden and withdrawn ideas are never ranked. */
export function tallyPriority(
  state: ForumState,
  priorityCode: string,
  counts: ReadonlyMap<string, Readonly<{ dots: number; supporters: number }>> = countDots(state),
): IdeaTally[] {
  return rankIdeas(
    activeIdeas(state, priorityCode).map((idea) => ({
      ideaId: idea.id,
      dots: counts.get(idea.id)?.dots ?? 0,
      supporters: counts.get(idea.id)?.supporters ?? 0,
      seq: idea.seq,
      paperDots: idea.paperDots,
    })),
  );
}

export interface VotingProgress {
  /** Participants who have placed at least one dot anywhere. */
  voted: number;
  /** Per priority code: participants with at least one dot there. */
  votedPerPriority: Record<string, number>;
  /** Per priority code: dots placed there in all. */
  dotsPerPriority: Record<string, number>;
}

/** A count of 0 for every priority of the forum. */
function zeroPerPriority(state: ForumState): Record<string, number> {
  return Object.fromEntries(state.structure.priorities.map((p) => [p.code, 0]));
}

/** The hall's voting progress, from the totals kept as ballots change (state.dotTotals). */
export function votingProgress(state: ForumState): VotingProgress {
  const votedPerPriority = zeroPerPriority(state);
  const dotsPerPriority = zeroPerPriority(state);
  const totals = state.dotTotals;
  for (const [code, n] of totals.votedPerPriority) votedPerPriority[code] = n;
  for (const [code, n] of totals.dotsPerPriority) dotsPerPriority[code] = n;
  return { voted: totals.voted, votedPerPriority, dotsPerPriority };
}

/** The same, counted from every ballot: what the kept totals are checked against. */
export function countVotingProgress(state: ForumState): VotingProgress {
  const votedPerPriority = zeroPerPriority(state);
  const dotsPerPriority = zeroPerPriority(state);
  const touched: string[] = [];
  let voted = 0;
  for (const mine of state.dots.values()) {
    touched.length = 0;
    for (const [ideaId, n] of mine) {
      const code = state.ideas.get(ideaId)?.priorityCode;
      if (code === undefined || n <= 0) continue;
      if (!touched.includes(code)) touched.push(code);
      dotsPerPriority[code] = (dotsPerPriority[code] ?? 0) + n;
    }
    for (const code of touched) votedPerPriority[code] = (votedPerPriority[code] ?? 0) + 1;
    if (touched.length > 0) voted++;
  }
  return { voted, votedPerPriority, dotsPerPriority };
}

/** Ideas per priority that are on the wall (active). */
export function ideaCounts(state: ForumState): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const p of state.structure.priorities) counts[p.code] = 0;
  for (const idea of state.ideas.values()) {
    if (idea.status === 'active') counts[idea.priorityCode] = (counts[idea.priorityCode] ?? 0) + 1;
  }
  return counts;
}

export interface TopCut<R> {
  /** The rows to show, best first. */
  shown: R[];
  /**
   * The ideas of the cut (the top, its tie kept whole) that did not fit, counted in one line instead
   * of being silently dropped: how many, and the first and last of their ranks.
   */
  left: { count: number; from: number; to: number } | null;
}

/**
 * The top `top` of a ranking, as a screen with room for `maxRows` lines shows it. A tie at the cut
 * is kept whole, so no idea is left out that did exactly as well as one shown. When the whole cut
 * does not fit, the rows up to the top are shown (fewer, if even they do not fit, keeping one line
 * free) and the rest of the cut is counted in one line. `rows` must be ranked, best first, as
 * rankIdeas returns them; `tiedAfter`: when they are the first rows of a longer ranking, how many
 * rows after them share the last one's rank.
 */
export function topWithTies<R extends { rank: number }>(rows: readonly R[], top: number, maxRows = Infinity, tiedAfter = 0): TopCut<R> {
  const room = Math.max(1, Math.floor(maxRows));
  const n = Math.min(Math.max(0, Math.floor(top)), rows.length);
  if (n === 0) return { shown: [], left: null };
  const cutRank = rows[n - 1].rank;
  let end = n;
  while (end < rows.length && rows[end].rank === cutRank) end++;
  // The rows given may be the first of a longer ranking (the projector's): the tie goes on past them.
  if (end === rows.length) end += tiedAfter;
  if (end <= room && end <= rows.length) return { shown: rows.slice(0, end), left: null };
  const kept = Math.min(n, room - 1);
  return { shown: rows.slice(0, kept), left: { count: end - kept, from: rows[kept]?.rank ?? cutRank, to: cutRank } };
}

/**
 * How the line for the ideas left out reads: the rest of a tie at the last rank shown ("+2 more
 * with the same result"), or the ideas at one rank, or at a span of ranks ("+3 at ranks 8–10").
 */
export function leftLine(left: NonNullable<TopCut<unknown>['left']>, lastShownRank: number | undefined): 'tie' | 'rank' | 'ranks' {
  if (left.from !== left.to) return 'ranks';
  return lastShownRank === left.from ? 'tie' : 'rank';
}
