// The pieces of a city ballot that the resident's phone (phone/CityVoting.tsx) and a service
// point's staff page (staff/) both show: a project to choose or give points to, the running total
// of one budget's ballot, and the ballot built from what was marked. The words are the city
// catalogue's, which both pages register.

import type { CityBallot, CityBudget, CityProject, CityVote } from '../../shared/city/vote.js';
import type { Lang } from '../../shared/protocol.js';
import type { T } from './i18n.js';

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/** A receipt made on the page, so that a resend after a dropped connection keeps it (protocol.ts, city:cast). */
export function newReceipt(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(10));
  const code = [...bytes].map((b) => CROCKFORD[b & 31]).join('');
  return `${code.slice(0, 5)}-${code.slice(5)}`;
}

export function money(lang: Lang, t: T, amount: number): string {
  return t('city.money', { amount: new Intl.NumberFormat(lang === 'uk' ? 'uk-UA' : 'en-GB').format(amount) });
}

/** One budget's ballot as marked here: chosen project ids, or points per project. */
export type Marks = Map<string, number>;

export const marksOf = (ballot: CityBallot | null): Marks =>
  new Map(ballot ? (ballot.kind === 'points' ? ballot.points.map((m) => [m.projectId, m.points]) : ballot.projectIds.map((id) => [id, 1])) : []);

export function ballotOf(vote: CityVote, budgetId: string, marks: Marks): CityBallot {
  // In the listed order, so the ballot reads as the list does.
  const chosen = vote.projects.filter((p) => p.budgetId === budgetId && (marks.get(p.id) ?? 0) > 0);
  if (vote.ballot.kind === 'points') return { kind: 'points', budgetId, points: chosen.map((p) => ({ projectId: p.id, points: marks.get(p.id)! })) };
  return { kind: vote.ballot.kind, budgetId, projectIds: chosen.map((p) => p.id) };
}

/** The running total of one budget's marks, and whether it is over what the rule allows. */
export function BudgetTotal({ vote, budget, marks, lang, t }: { vote: CityVote; budget: CityBudget; marks: Marks; lang: Lang; t: T }) {
  const projects = vote.projects.filter((p) => p.budgetId === budget.id);
  const rule = vote.ballot;
  const spent = projects.reduce((s, p) => s + ((marks.get(p.id) ?? 0) > 0 ? p.cost : 0), 0);
  const chosen = projects.filter((p) => (marks.get(p.id) ?? 0) > 0).length;
  const points = projects.reduce((s, p) => s + (marks.get(p.id) ?? 0), 0);
  const over = rule.kind === 'knapsack' ? spent > budget.amount : rule.kind === 'approval' ? chosen > rule.maxChoices : points > rule.points;
  return (
    <div className={`city-total${over ? ' over' : ''}`} aria-live="polite">
      {rule.kind === 'knapsack' && (
        <>
          <meter min={0} max={budget.amount} value={Math.min(spent, budget.amount)} aria-hidden="true" />
          <strong>{t('city.total', { total: money(lang, t, spent), amount: money(lang, t, budget.amount) })}</strong>
          <span>{over ? t('city.over', { over: money(lang, t, spent - budget.amount) }) : t('city.left', { left: money(lang, t, budget.amount - spent) })}</span>
        </>
      )}
      {rule.kind === 'approval' && <strong>{t('city.chosen', { count: chosen, max: rule.maxChoices })}</strong>}
      {rule.kind === 'points' && <strong>{t('city.pointsLeft', { left: rule.points - points, points: rule.points })}</strong>}
    </div>
  );
}

export function ProjectItem(props: { project: CityProject; vote: CityVote; marks: Marks; lang: Lang; t: T; onMark(id: string, n: number): void }) {
  const { project: p, vote, marks, lang, t, onMark } = props;
  const n = marks.get(p.id) ?? 0;
  const inputId = `project-${p.id}`;
  const rule = vote.ballot;
  return (
    <li className={`idea city-project${n > 0 ? ' has-dots' : ''}`}>
      <h3 className="idea-title">{p.title}</h3>
      <p className="city-cost">{t('city.cost', { cost: money(lang, t, p.cost) })}</p>
      {p.description && <p className="idea-desc">{p.description}</p>}
      {p.place && <p className="idea-meta">{t('city.place', { place: p.place })}</p>}
      {p.origin && <p className="idea-meta">{t('city.origin', { title: p.origin.title, forumTitle: p.origin.forumTitle })}</p>}
      {rule.kind === 'points' ? (
        <div className="city-points">
          <label htmlFor={inputId} className="visually-hidden">
            {t('city.pointsFor', { title: p.title })}
          </label>
          <button type="button" className="btn btn-secondary" aria-label={`${t('city.pointsFor', { title: p.title })}: −1`} disabled={n === 0} onClick={() => onMark(p.id, n - 1)}>
            −
          </button>
          <input
            id={inputId}
            type="number"
            inputMode="numeric"
            min={0}
            max={rule.maxPerProject}
            value={n}
            onChange={(e) => onMark(p.id, Math.max(0, Math.floor(Number(e.target.value) || 0)))}
          />
          <button type="button" className="btn btn-secondary" aria-label={`${t('city.pointsFor', { title: p.title })}: +1`} disabled={n >= rule.maxPerProject} onClick={() => onMark(p.id, n + 1)}>
            +
          </button>
        </div>
      ) : (
        <label className="city-choose">
          <input id={inputId} type="checkbox" checked={n > 0} onChange={(e) => onMark(p.id, e.target.checked ? 1 : 0)} />
          {/* Seen: the short word, beside a title already above; heard: which project it chooses. */}
          <span aria-hidden="true">{t('city.chooseShort')}</span>
          <span className="visually-hidden">{t('city.choose', { title: p.title })}</span>
        </label>
      )}
    </li>
  );
}
