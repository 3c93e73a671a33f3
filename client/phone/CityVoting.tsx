// The city vote on a phone: each budget's projects with their cost, description, place and the
// forum idea each grew from; the running total as one chooses (money left on a knapsack ballot,
// choices left on an approval one, points left on a points one); the vote's rules said before
// voting; and after sending, the receipt code, large, with what it is for. The ballot is checked
// here by the same rule the server applies (shared/city/checkBallot.ts), so a ballot over the budget
// is explained before it is sent; the server's own refusal is shown as it words it. Loaded only
// by a phone whose forum holds a city vote (App.tsx), so a hall's phones download none of it.

import { useEffect, useRef, useState } from 'react';
import type { ChannelVotes, CityChannel } from '../../shared/city/channels.js';
import { checkBallot } from '../../shared/city/checkBallot.js';
import type { CityBallot, CityBudget, CityVote } from '../../shared/city/vote.js';
import { en as cityEn } from '../../shared/i18n/city/en.js';
import { uk as cityUk } from '../../shared/i18n/city/uk.js';
import { cityRefusalText } from '../../shared/i18n/errors.js';
import { registerCatalogue } from '../../shared/i18n/index.js';
import type { MeView } from '../../shared/protocol.js';
import { ballotOf, BudgetTotal, marksOf, money, newReceipt, ProjectItem, type Marks } from '../lib/cityBallot.js';
import { send } from '../lib/connection.js';
import { forumSlug } from '../lib/forum.js';
import { useLang, useT } from '../lib/i18n.js';
import { load, randomHex, save } from '../lib/storage.js';
import { usePhone } from './store.js';

// The city vote's words come with this page's code, which only a city vote's phones download.
registerCatalogue({ uk: cityUk, en: cityEn });

/** Kept per forum and budget: a phone may vote in more than one forum's vote. */
const receiptKey = (budgetId: string) => `viche.receipt.${forumSlug() ?? ''}.${budgetId}`;

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
      <BudgetTotal vote={vote} budget={budget} marks={marks} lang={lang} t={t} />
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

interface Published {
  budgets: { id: string; name: string; voters: number; projects: { id: string; title: string; cost: number; votes: number; fundedOrder?: number }[] }[];
}

/** The published votes per channel beside the hashed results (ChannelVotes, shared/city/channels.ts). */
type ByChannel = ChannelVotes[];

/** Online, at voting points and on paper, in one sentence: as the console's columns give them. */
function ChannelLine({ counts }: { counts: Record<CityChannel, number> | undefined }) {
  const t = useT();
  const c = counts ?? { online: 0, 'service-point': 0, paper: 0 };
  return <p className="muted small city-by-channel">{t('city.resultByChannel', { online: c.online, servicePoint: c['service-point'], paper: c.paper })}</p>;
}

/** After the close: the results as published, each budget's voters and each project's votes also by channel, and where one's own line and the data are. */
export function CityClosed() {
  const t = useT();
  const lang = useLang((s) => s.lang);
  const [published, setPublished] = useState<Published | null>(null);
  const [byChannel, setByChannel] = useState<ByChannel>([]);
  const [failed, setFailed] = useState(false);
  useEffect(() => {
    let live = true;
    fetch('api/city/results.json')
      .then(async (res) => {
        if (!res.ok) throw new Error(String(res.status));
        const body = (await res.json()) as { canonical: string; byChannel?: ByChannel };
        if (live) (setPublished(JSON.parse(body.canonical) as Published), setByChannel(body.byChannel ?? []));
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
          <ChannelLine counts={byChannel.find((c) => c.budgetId === b.id)?.voters} />
          <ol className="idea-list">
            {b.projects.map((p) => (
              <li key={p.id} className={`idea city-project${p.fundedOrder ? ' has-dots' : ''}`}>
                <h3 className="idea-title">{p.title}</h3>
                <p className="city-cost">{t('city.cost', { cost: money(lang, t, p.cost) })}</p>
                <p>
                  {t('city.resultVotes', { count: p.votes })} · <strong>{t(p.fundedOrder ? 'city.resultFunded' : 'city.resultNotFunded')}</strong>
                </p>
                <ChannelLine counts={byChannel.find((c) => c.budgetId === b.id)?.projects.find((x) => x.projectId === p.id)?.votes} />
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
