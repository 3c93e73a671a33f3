// Whether a city vote's definition can be opened: ids unique and fit for the published ballot list
// (pabulib.ts writes them between `;` and `,`), every project on a budget that exists, money in
// whole units above zero, ballot and tie parameters in range. Counting assumes a definition that
// passed this check.

import { acceptCity, refuseCity, type CityDecision } from './refusals.js';
import type { CityVote } from './vote.js';

/** Letters, digits, `_`, `.` and `-`: nothing a Pabulib line or a URL would have to escape. */
export const CITY_ID_PATTERN = /^[A-Za-z0-9_.-]{1,64}$/;

const wholeAbove = (n: unknown, min: number): boolean => typeof n === 'number' && Number.isSafeInteger(n) && n >= min;

export function checkVote(vote: CityVote): CityDecision<CityVote> {
  const ids = new Set<string>();
  for (const item of [...vote.budgets, ...vote.projects]) {
    if (typeof item.id !== 'string' || !CITY_ID_PATTERN.test(item.id)) return refuseCity('VOTE_BAD_ID', { id: String(item.id) });
    if (ids.has(item.id)) return refuseCity('VOTE_DUPLICATE_ID', { id: item.id });
    ids.add(item.id);
  }
  if (vote.budgets.length === 0) return refuseCity('VOTE_BAD_PARAMETER', { field: 'budgets' });
  for (const b of vote.budgets) if (!wholeAbove(b.amount, 1)) return refuseCity('VOTE_BAD_AMOUNT', { id: b.id });
  const budgetIds = new Set(vote.budgets.map((b) => b.id));
  for (const p of vote.projects) {
    if (!budgetIds.has(p.budgetId)) return refuseCity('VOTE_UNKNOWN_BUDGET', { projectId: p.id, budgetId: p.budgetId });
    if (!wholeAbove(p.cost, 1)) return refuseCity('VOTE_BAD_AMOUNT', { id: p.id });
  }
  for (const b of vote.budgets) {
    if (!vote.projects.some((p) => p.budgetId === b.id)) return refuseCity('VOTE_EMPTY_BUDGET', { budgetId: b.id });
  }
  const rule = vote.ballot;
  if (rule.kind === 'approval' && !wholeAbove(rule.maxChoices, 1)) return refuseCity('VOTE_BAD_PARAMETER', { field: 'maxChoices' });
  if (rule.kind === 'points') {
    if (!wholeAbove(rule.points, 1)) return refuseCity('VOTE_BAD_PARAMETER', { field: 'points' });
    if (!wholeAbove(rule.maxPerProject, 1) || rule.maxPerProject > rule.points) return refuseCity('VOTE_BAD_PARAMETER', { field: 'maxPerProject' });
  }
  if (vote.counting.kind === 'equalShares' && vote.counting.step !== undefined && !wholeAbove(vote.counting.step, 1)) {
    return refuseCity('VOTE_BAD_PARAMETER', { field: 'step' });
  }
  if (vote.tie.kind === 'cheaperThenLottery' && (typeof vote.tie.seed !== 'string' || vote.tie.seed.length === 0)) {
    return refuseCity('VOTE_BAD_PARAMETER', { field: 'seed' });
  }
  return acceptCity(vote);
}
