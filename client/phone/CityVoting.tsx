// The city vote on a phone: each budget's projects with their cost, description, place and the
// forum idea each grew from; the running total as one chooses (money left on a knapsack ballot,
// choices left on an approval one, points left on a points one); the vote's rules said before
// voting; and after sending, the receipt code, large, with what it is for. The ballot is checked
// here by the same rule the server applies (shared/city/checkBallot.ts), so a ballot over the budget
// is explained before it is sent; the server's own refusal is shown as it words it. Loaded only
// by a phone whose forum holds a city vote (App.tsx), so a hall's phones download none of it.

import { useEffect, useRef, useState } from 'react';
import { checkBallot } from '../../shared/city/checkBallot.js';
import type { CityBallot, CityBudget, CityProject, CityVote } from '../../shared/city/vote.js';
import { en as cityEn } from '../../shared/i18n/city/en.js';
import { uk as cityUk } from '../../shared/i18n/city/uk.js';
import { cityRefusalText } from '../../shared/i18n/errors.js';
import { registerCatalogue } from '../../shared/i18n/index.js';
import type { Lang, MeView } from '../../shared/protocol.js';
import { send } from '../lib/connection.js';
import { forumSlug } from '../lib/forum.js';
import { useLang, useT, type T } from '../lib/i18n.js';
import { load, randomHex, save } from '../lib/storage.js';
import { usePhone } from './store.js';

// The city vote's words come with this page's code, which only a city vote's phones download.
registerCatalogue({ uk: cityUk, en: cityEn });

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/** A receipt made on the phone, so that a resend after a dropped connection keeps it (protocol.ts, city:cast). */
function newReceipt(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(10));
  const code = [...bytes].map((b) => CROCKFORD[b & 31]).join('');
  return `${code.slice(0, 5)}-${code.slice(5)}`;
}

/** Kept per forum and budget: a phone may vote in more than one forum's vote. */
const receiptKey = (budgetId: string) => `viche.receipt.${forumSlug() ?? ''}.${budgetId}`;

export function money(lang: Lang, t: T, amount: number): string {
  return t('city.money', { amount: new Intl.NumberFormat(lang === 'uk' ? 'uk-UA' : 'en-GB').format(amount) });
}

export function CityVoting({ vote, me }: { vote: CityVote; me: MeView }) {
  const t = useT();
  const rule = vote.ballot;
  return (
    <>
      <section className="card">
        <h1>{vote.title}</h1>
        <p>
          {rule.kind === 'approval'
            ? t('city.rules.approval', { max: rule.maxChoices })
            : rule.kind === 'points'
              ? t('city.rules.points', { points: rule.points, max: rule.maxPerProject })
              : t('city.rules.knapsack')}
        </p>
        <p className="muted">
          {t(vote.counting.kind === 'greedy' ? 'city.rules.counting.greedy' : 'city.rules.counting.equalShares')} {t('city.rules.tie')} {vote.tie.kind === 'cheaperThenLottery' ? t('city.rules.tieLottery', { seed: vote.tie.seed }) : t('city.rules.tieListed')}
        </p>
        <p className="small">
          <a href="privacy">{t('city.privacyLink')}</a>
        </p>
      </section>
      {vote.budgets.map((budget) => (
        <BudgetBallot key={budget.id} vote={vote} budget={budget} standing={me.cityBallots.find((b) => b.budgetId === budget.id) ?? null} />
      ))}
    </>
  );
}

/** One budget's ballot as marked here: chosen project ids, or points per project. */
type Marks = Map<string, number>;

const marksOf = (ballot: CityBallot | null): Marks =>
  new Map(ballot ? (ballot.kind === 'points' ? ballot.points.map((m) => [m.projectId, m.points]) : ballot.projectIds.map((id) => [id, 1])) : []);

function ballotOf(vote: CityVote, budgetId: string, marks: Marks): CityBallot {
  // In the listed order, so the ballot reads as the list does.
  const chosen = vote.projects.filter((p) => p.budgetId === budgetId && (marks.get(p.id) ?? 0) > 0);
  if (vote.ballot.kind === 'points') return { kind: 'points', budgetId, points: chosen.map((p) => ({ projectId: p.id, points: marks.get(p.id)! })) };
  return { kind: vote.ballot.kind, budgetId, projectIds: chosen.map((p) => p.id) };
}

function BudgetBallot({ vote, budget, standing }: { vote: CityVote; budget: CityBudget; standing: CityBallot | null }) {
  const t = useT();
  const lang = useLang((s) => s.lang);
  const [marks, setMarks] = useState<Marks>(() => marksOf(standing));
  const [sending, setSending] = useState(false);
  const [refusal, setRefusal] = useState<string | null>(null);
  const [receipt, setReceipt] = useState<string | null>(() => (standing ? load(receiptKey(budget.id)) : null));
  const [justSent, setJustSent] = useState(false);
  const [withdrawn, setWithdrawn] = useState(false);
  const confirmRef = useRef<HTMLHeadingElement>(null);
  const refusalRef = useRef<HTMLParagraphElement>(null);
  const projects = vote.projects.filter((p) => p.budgetId === budget.id);
  const rule = vote.ballot;
  const headingId = `budget-${budget.id}`;

  useEffect(() => {
    if (!justSent) return;
    // The receipt whole in view, clear of the sticky total: it is what the voter must write down.
    confirmRef.current?.focus({ preventScroll: true });
    confirmRef.current?.parentElement?.scrollIntoView({ block: 'end' });
  }, [justSent]);
  useEffect(() => {
    if (refusal) refusalRef.current?.focus();
  }, [refusal]);

  const set = (id: string, n: number) => {
    setMarks((m) => new Map(m).set(id, n));
    setRefusal(null);
    setJustSent(false);
    setWithdrawn(false);
  };

  const spent = projects.reduce((s, p) => s + ((marks.get(p.id) ?? 0) > 0 ? p.cost : 0), 0);
  const chosen = projects.filter((p) => (marks.get(p.id) ?? 0) > 0).length;
  const points = projects.reduce((s, p) => s + (marks.get(p.id) ?? 0), 0);
  const over = rule.kind === 'knapsack' ? spent > budget.amount : rule.kind === 'approval' ? chosen > rule.maxChoices : points > rule.points;

  async function cast() {
    const ballot = ballotOf(vote, budget.id, marks);
    const checked = checkBallot(vote, ballot);
    if (!checked.ok) {
      setRefusal(t('err.CITY_REFUSED', { reasonText: cityRefusalText(lang, { reason: checked.error.code, ...(checked.error.params ?? {}) }) }));
      return;
    }
    setSending(true);
    const code = newReceipt();
    const ack = await send('city:cast', { ballot, receipt: code }, { actionId: randomHex(12) });
    setSending(false);
    if (!ack.ok) return setRefusal(ack.error.message);
    // The server sends this connection its view in the ack, not pushed again.
    usePhone.setState({ me: ack.data.me });
    const kept = ack.data.receipt ?? code;
    save(receiptKey(budget.id), kept);
    setReceipt(kept);
    setJustSent(true);
  }

  async function withdraw() {
    setSending(true);
    const ack = await send('city:withdraw', { budgetId: budget.id }, { actionId: randomHex(12) });
    setSending(false);
    if (!ack.ok) return setRefusal(ack.error.message);
    usePhone.setState({ me: ack.data.me });
    save(receiptKey(budget.id), null);
    setReceipt(null);
    setMarks(new Map());
    setWithdrawn(true);
  }

  return (
    <section className="card city-budget" aria-labelledby={headingId}>
      <h2 id={headingId}>{budget.name}</h2>
      <p className="muted">{t('city.budget', { amount: money(lang, t, budget.amount) })}</p>
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
      <ul className="idea-list">
        {projects.map((p) => (
          <ProjectItem key={p.id} project={p} vote={vote} marks={marks} lang={lang} t={t} onMark={set} />
        ))}
      </ul>
      {refusal && (
        <p className="error-text" role="alert" tabIndex={-1} ref={refusalRef}>
          {refusal}
        </p>
      )}
      {justSent && receipt && (
        <div className="city-receipt" role="status">
          <h3 tabIndex={-1} ref={confirmRef}>
            {t('city.confirmed')}
          </h3>
          <p>
            {t('city.receipt')}: <strong className="receipt-code">{receipt}</strong>
          </p>
          <p className="muted">{t('city.receiptHelp')}</p>
        </div>
      )}
      {!justSent && standing && (
        <p className="city-counted">
          {t('city.counted')}
          {receipt && (
            <>
              {' '}
              {t('city.receipt')}: <strong className="receipt-code">{receipt}</strong>
            </>
          )}
        </p>
      )}
      {withdrawn && <p role="status">{t('city.withdrawn')}</p>}
      <button type="button" className="btn btn-wide" disabled={sending} onClick={() => void cast()}>
        {sending ? t('city.sending') : standing ? t('city.change') : t('city.send')}
      </button>
      {standing && (
        <button type="button" className="btn btn-secondary btn-wide city-withdraw" disabled={sending} onClick={() => void withdraw()}>
          {t('city.withdraw')}
        </button>
      )}
    </section>
  );
}

function ProjectItem(props: { project: CityProject; vote: CityVote; marks: Marks; lang: Lang; t: T; onMark(id: string, n: number): void }) {
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

interface Published {
  budgets: { id: string; name: string; voters: number; projects: { id: string; title: string; cost: number; votes: number; fundedOrder?: number }[] }[];
}

/** After the close: the results as published, and where one's own line and the data are. */
export function CityClosed() {
  const t = useT();
  const lang = useLang((s) => s.lang);
  const [published, setPublished] = useState<Published | null>(null);
  const [failed, setFailed] = useState(false);
  useEffect(() => {
    let live = true;
    fetch('api/city/results.json')
      .then(async (res) => {
        if (!res.ok) throw new Error(String(res.status));
        const body = (await res.json()) as { canonical: string };
        if (live) setPublished(JSON.parse(body.canonical) as Published);
      })
      .catch(() => live && setFailed(true));
    return () => {
      live = false;
    };
  }, []);
  return (
    <>
      <section className="card">
        <h1>{t('city.closed')}</h1>
        <p>
          <a href="api/city/receipt">{t('city.lookup')}</a>
        </p>
        <p className="small">
          <a href="privacy">{t('city.privacyLink')}</a>
        </p>
      </section>
      {failed && (
        <p className="card error-text" role="alert">
          {t('city.console.resultsFailed')}
        </p>
      )}
      {!published && !failed && (
        <p className="card" role="status">
          {t('common.loading')}
        </p>
      )}
      {published?.budgets.map((b) => (
        <section key={b.id} className="card" aria-labelledby={`result-${b.id}`}>
          <h2 id={`result-${b.id}`}>{b.name}</h2>
          <p className="muted">{t('city.resultVoters', { count: b.voters })}</p>
          <ol className="idea-list">
            {b.projects.map((p) => (
              <li key={p.id} className={`idea city-project${p.fundedOrder ? ' has-dots' : ''}`}>
                <h3 className="idea-title">{p.title}</h3>
                <p className="city-cost">{t('city.cost', { cost: money(lang, t, p.cost) })}</p>
                <p>
                  {t('city.resultVotes', { count: p.votes })} · <strong>{t(p.fundedOrder ? 'city.resultFunded' : 'city.resultNotFunded')}</strong>
                </p>
              </li>
            ))}
          </ol>
        </section>
      ))}
      {published && (
        <p className="card">
          <a href="api/city/results.json">{t('city.console.resultsJson')}</a>
        </p>
      )}
    </>
  );
}
