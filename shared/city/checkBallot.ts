// Whether a ballot cast in a city vote may be taken: the server's check before it stores a cast,
// and the voting page's, to say what is wrong before sending. Takes what arrived (unknown) and
// gives back the ballot in a clean form, or the first refusal found (refusals.ts lists them).

import { everyCaseHandled } from '../exhaustive.js';
import { acceptCity, refuseCity, type CityDecision } from './refusals.js';
import type { CityBallot, CityProject, CityVote } from './vote.js';

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

export function checkBallot(vote: CityVote, cast: unknown): CityDecision<CityBallot> {
  if (!isRecord(cast)) return refuseCity('BALLOT_MALFORMED', { field: 'ballot' });
  if (cast.kind !== 'approval' && cast.kind !== 'knapsack' && cast.kind !== 'points') return refuseCity('BALLOT_MALFORMED', { field: 'kind' });
  if (cast.kind !== vote.ballot.kind) return refuseCity('BALLOT_WRONG_KIND', { expected: vote.ballot.kind, given: cast.kind });
  if (typeof cast.budgetId !== 'string') return refuseCity('BALLOT_MALFORMED', { field: 'budgetId' });
  const budget = vote.budgets.find((b) => b.id === cast.budgetId);
  if (!budget) return refuseCity('BALLOT_UNKNOWN_BUDGET', { budgetId: cast.budgetId });

  // Read the marks the same way for every kind: a project id and, for points, its points.
  const marks: { projectId: string; points: number }[] = [];
  if (cast.kind === 'points') {
    if (!Array.isArray(cast.points)) return refuseCity('BALLOT_MALFORMED', { field: 'points' });
    for (const m of cast.points) {
      if (!isRecord(m) || typeof m.projectId !== 'string') return refuseCity('BALLOT_MALFORMED', { field: 'points' });
      if (typeof m.points !== 'number') return refuseCity('BALLOT_MALFORMED', { field: 'points' });
      marks.push({ projectId: m.projectId, points: m.points });
    }
  } else {
    if (!Array.isArray(cast.projectIds)) return refuseCity('BALLOT_MALFORMED', { field: 'projectIds' });
    for (const id of cast.projectIds) {
      if (typeof id !== 'string') return refuseCity('BALLOT_MALFORMED', { field: 'projectIds' });
      marks.push({ projectId: id, points: 1 });
    }
  }
  if (marks.length === 0) return refuseCity('BALLOT_EMPTY');

  const byId = new Map(vote.projects.map((p) => [p.id, p]));
  const seen = new Set<string>();
  const chosen: CityProject[] = [];
  for (const m of marks) {
    const project = byId.get(m.projectId);
    if (!project) return refuseCity('BALLOT_UNKNOWN_PROJECT', { projectId: m.projectId });
    if (project.budgetId !== budget.id) return refuseCity('BALLOT_WRONG_BUDGET', { projectId: project.id, budgetId: project.budgetId });
    if (seen.has(project.id)) return refuseCity('BALLOT_DUPLICATE_PROJECT', { projectId: project.id });
    seen.add(project.id);
    chosen.push(project);
  }

  const rule = vote.ballot;
  switch (rule.kind) {
    case 'approval':
      if (chosen.length > rule.maxChoices) return refuseCity('BALLOT_TOO_MANY_CHOICES', { max: rule.maxChoices, given: chosen.length });
      return acceptCity({ kind: 'approval', budgetId: budget.id, projectIds: chosen.map((p) => p.id) });
    case 'knapsack': {
      const total = chosen.reduce((sum, p) => sum + p.cost, 0);
      if (total > budget.amount) return refuseCity('BALLOT_OVER_BUDGET', { amount: budget.amount, total });
      return acceptCity({ kind: 'knapsack', budgetId: budget.id, projectIds: chosen.map((p) => p.id) });
    }
    case 'points': {
      let total = 0;
      for (const m of marks) {
        if (!Number.isSafeInteger(m.points) || m.points < 1) return refuseCity('BALLOT_BAD_POINTS', { projectId: m.projectId });
        if (m.points > rule.maxPerProject) return refuseCity('BALLOT_POINTS_OVER_CAP', { projectId: m.projectId, max: rule.maxPerProject, given: m.points });
        total += m.points;
      }
      if (total > rule.points) return refuseCity('BALLOT_POINTS_OVER_TOTAL', { max: rule.points, given: total });
      return acceptCity({ kind: 'points', budgetId: budget.id, points: marks.map((m) => ({ projectId: m.projectId, points: m.points })) });
    }
    default:
      everyCaseHandled(rule);
      return refuseCity('BALLOT_MALFORMED', { field: 'kind' });
  }
}
