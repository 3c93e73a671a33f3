// The city vote's tab, for the facilitator of a vote-only forum: the vote's definition, a form
// while the forum is in the lobby (CityDefinition.tsx, first drafted from the shortlisted ideas)
// and read-only once it opens; the turnout by budget, day and hour while it runs; the open data after the close.
// No counts here before the close: the server gives none.

import { useEffect, useState, type ReactNode } from 'react';
import { CITY_CHANNELS, type CityChannel } from '../../shared/city/channels.js';
import type { CityVote } from '../../shared/city/vote.js';
import { en as cityEn } from '../../shared/i18n/city/en.js';
import { uk as cityUk } from '../../shared/i18n/city/uk.js';
import { registerCatalogue } from '../../shared/i18n/index.js';
import { useLang, useT, type T } from '../lib/i18n.js';
import { forumPath } from '../lib/forum.js';
import { CityDefinition } from './CityDefinition.js';
import { useCommands } from './command.js';
import { ConfirmDialog } from './Dialog.js';
import { useGrant } from './grant.js';
import { useView } from './store.js';

registerCatalogue({ uk: cityUk, en: cityEn });

const RULE_KEYS = { approval: 'city.rules.approval', points: 'city.rules.points', knapsack: 'city.rules.knapsack' } as const;

function ruleText(t: T, vote: CityVote): string {
  const rule = vote.ballot;
  return t(RULE_KEYS[rule.kind], rule.kind === 'approval' ? { max: rule.maxChoices } : rule.kind === 'points' ? { points: rule.points, max: rule.maxPerProject } : {});
}

export function CityTab() {
  const t = useT();
  const view = useView();
  const vote = view.forum.cityVote;
  const phase = view.forum.phase;
  return (
    <div className="city-tab">
      {phase === 'lobby' ? <CityDefinition /> : vote ? <Defined vote={vote} /> : <p className="card">{t('city.console.none')}</p>}
      {vote && phase !== 'lobby' && <Turnout />}
      {vote && (phase === 'results' || phase === 'closed') && (
        <>
          <CityResults />
          <OpenData vote={vote} />
          <PersonalData vote={vote} />
        </>
      )}
    </div>
  );
}

function Defined({ vote }: { vote: CityVote }) {
  const t = useT();
  const view = useView();
  const closed = view.forum.phase !== 'voting';
  // Staff at a voting point cannot tell an e-ID voter apart without the register number: said where the channels are run.
  const { method, oidcPersonClaim } = view.admission.identity;
  const lang = useLang((s) => s.lang);
  const money = (n: number) => t('city.money', { amount: new Intl.NumberFormat(lang === 'uk' ? 'uk-UA' : 'en-GB').format(n) });
  return (
    <section className="card" aria-labelledby="h-city-defined">
      <h2 id="h-city-defined">{vote.title}</h2>
      <p className="note note-info">{t(closed ? 'city.console.closedNote' : 'city.console.fixed')}</p>
      {method === 'oidc' && oidcPersonClaim === null && <p className="note note-warn">{t('console.identity.oidcBySubject')}</p>}
      <p>{ruleText(t, vote)}</p>
      <p className="muted">
        {t(vote.counting.kind === 'greedy' ? 'city.rules.counting.greedy' : 'city.rules.counting.equalShares')} {t('city.rules.tie')} {vote.tie.kind === 'cheaperThenLottery' ? t('city.rules.tieLottery', { seed: vote.tie.seed }) : t('city.rules.tieListed')}
      </p>
      {vote.budgets.map((b) => (
        <div key={b.id} className="table-wrap">
          <table className="data-table">
            <caption>
              {b.name}: {money(b.amount)}
            </caption>
            <thead>
              <tr>
                <th scope="col">{t('city.console.project')}</th>
                <th scope="col" className="num">
                  {t('city.console.cost')}
                </th>
              </tr>
            </thead>
            <tbody>
              {vote.projects
                .filter((p) => p.budgetId === b.id)
                .map((p) => (
                  <tr key={p.id}>
                    <th scope="row">{p.title}</th>
                    <td className="num">{money(p.cost)}</td>
                  </tr>
                ))}
            </tbody>
          </table>
        </div>
      ))}
    </section>
  );
}

type PerChannel = Record<CityChannel, number>;

interface Turnout {
  voters: number;
  perChannel: PerChannel;
  perBudget: { budgetId: string; name: string; voters: number }[];
  byDay: { day: string; casts: number; newVoters: number; newByChannel: PerChannel }[];
  byHour: { hour: string; casts: number; newVoters: number; newByChannel: PerChannel }[];
}

/** How often the turnout is asked again while the tab is open. */
const TURNOUT_EVERY_MS = 30_000;

function Turnout() {
  const t = useT();
  const grant = useGrant();
  const [turnout, setTurnout] = useState<Turnout | null>(null);
  const [failed, setFailed] = useState(false);
  useEffect(() => {
    if (!grant) return;
    let live = true;
    const ask = async () => {
      try {
        const res = await fetch(`${forumPath('/api/city/turnout.json')}?grant=${encodeURIComponent(grant)}`);
        if (!res.ok) throw new Error(String(res.status));
        const body = (await res.json()) as Turnout;
        if (live) (setTurnout(body), setFailed(false));
      } catch {
        if (live) setFailed(true);
      }
    };
    void ask();
    const timer = setInterval(() => void ask(), TURNOUT_EVERY_MS);
    return () => {
      live = false;
      clearInterval(timer);
    };
  }, [grant]);

  const most = Math.max(1, ...(turnout?.byHour.map((h) => h.casts) ?? []));
  return (
    <section className="card" aria-labelledby="h-city-turnout">
      <h2 id="h-city-turnout">{t('city.console.turnout')}</h2>
      {failed && (
        <p className="error-text" role="alert">
          {t('city.console.turnoutFailed')}
        </p>
      )}
      {!turnout && !failed && <p role="status">{t('common.loading')}</p>}
      {turnout && (
        <>
          <p className="city-voters">{t('city.console.voters', { count: turnout.voters })}</p>
          <VotersTable
            caption={t('city.console.perBudget')}
            head={t('city.console.budget')}
            votersLabel={t('city.console.votersCol')}
            rows={turnout.perBudget.map((b) => ({ key: b.budgetId, label: b.name, voters: b.voters }))}
          />
          <VotersTable
            caption={t('city.console.perChannel')}
            head={t('city.console.channel')}
            votersLabel={t('city.console.votersCol')}
            rows={CITY_CHANNELS.map((c) => ({
              key: c,
              label: (
                <>
                  <span className={`channel-key channel-${c}`} aria-hidden="true" /> {t(`city.console.channel.${c}`)}
                </>
              ),
              voters: turnout.perChannel[c],
            }))}
          />
          <h3>{t('city.console.channelChart')}</h3>
          <ChannelChart t={t} hours={turnout.byHour} />
          <h3>{t('city.console.byDay')}</h3>
          <TurnoutTable t={t} rows={turnout.byDay.map((d) => ({ when: d.day, ...d }))} most={Math.max(1, ...turnout.byDay.map((d) => d.casts))} whenLabel={t('city.console.day')} />
          <h3>{t('city.console.byHour')}</h3>
          <TurnoutTable t={t} rows={turnout.byHour.map((h) => ({ when: `${h.hour}:00`, ...h }))} most={most} whenLabel={t('city.console.hour')} />
        </>
      )}
    </section>
  );
}

/**
 * New voters each hour, a bar per hour stacked by channel (online, voting point, paper), drawn as
 * SVG like the results' pictures; its figures are in the tables beside it, which a screen reader
 * reads, so the picture is one image with a sentence of its totals.
 */
/** Voters per budget or per channel: a row each, its name as the row's header. */
function VotersTable({ caption, head, votersLabel, rows }: { caption: string; head: string; votersLabel: string; rows: { key: string; label: ReactNode; voters: number }[] }) {
  return (
    <div className="table-wrap">
      <table className="data-table">
        <caption className="visually-hidden">{caption}</caption>
        <thead>
          <tr>
            <th scope="col">{head}</th>
            <th scope="col" className="num">
              {votersLabel}
            </th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={r.key}>
              <th scope="row">{r.label}</th>
              <td className="num">{r.voters}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function ChannelChart({ t, hours }: { t: T; hours: Turnout['byHour'] }) {
  const total = (c: CityChannel) => hours.reduce((n, h) => n + h.newByChannel[c], 0);
  const most = Math.max(1, ...hours.map((h) => h.newVoters));
  const barWidth = 24;
  const gap = 8;
  const height = 160;
  const width = Math.max(1, hours.length) * (barWidth + gap) + gap;
  return (
    <svg
      className="channel-chart"
      role="img"
      aria-label={t('city.console.channelChartLabel', { online: total('online'), servicePoint: total('service-point'), paper: total('paper') })}
      viewBox={`0 0 ${width} ${height + 34}`}
      width={width}
      height={height + 34}
    >
      <line x1={0} y1={height} x2={width} y2={height} className="channel-axis" />
      {hours.map((h, i) => {
        let top = height;
        const x = gap + i * (barWidth + gap);
        return (
          <g key={h.hour}>
            {CITY_CHANNELS.map((c) => {
              const tall = (height * h.newByChannel[c]) / most;
              top -= tall;
              return tall > 0 ? <rect key={c} x={x} y={top} width={barWidth} height={tall} className={`channel-${c}`} /> : null;
            })}
            <text x={x + barWidth / 2} y={height + 14} textAnchor="middle" className="channel-hour">
              {h.hour.slice(-2)}
            </text>
            {i === 0 || h.hour.slice(0, 10) !== hours[i - 1].hour.slice(0, 10) ? (
              <text x={x} y={height + 30} className="channel-day">
                {h.hour.slice(5, 10)}
              </text>
            ) : null}
          </g>
        );
      })}
    </svg>
  );
}

/** A table with a bar beside each count: a chart that a screen reader reads as the table it is. */
function TurnoutTable({ t, rows, most, whenLabel }: { t: T; rows: { when: string; casts: number; newVoters: number }[]; most: number; whenLabel: string }) {
  return (
    <div className="table-wrap">
      <table className="data-table turnout-table">
        <thead>
          <tr>
            <th scope="col">{whenLabel}</th>
            <th scope="col" className="num">
              {t('city.console.casts')}
            </th>
            <th scope="col" className="num">
              {t('city.console.newVoters')}
            </th>
            <th scope="col" aria-hidden="true" />
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={r.when}>
              <th scope="row">{r.when}</th>
              <td className="num">{r.casts}</td>
              <td className="num">{r.newVoters}</td>
              <td aria-hidden="true" className="bar-cell">
                <span className="turnout-bar" style={{ width: `${(100 * r.casts) / most}%` }} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

interface Counted {
  budgets: { id: string; name: string; voters: number; spent: number; left: number; projects: { id: string; title: string; cost: number; votes: number; fundedOrder?: number }[] }[];
}

/** The votes per channel the publication gives beside its hashed text (ChannelVotes, shared/city/channels.ts). */
type ByChannel = { budgetId: string; projects: { projectId: string; votes: PerChannel }[] }[];

/** The results as published (the canonical document the public JSON holds), by budget. */
function CityResults() {
  const t = useT();
  const lang = useLang((s) => s.lang);
  const number = (n: number) => new Intl.NumberFormat(lang === 'uk' ? 'uk-UA' : 'en-GB').format(n);
  const [counted, setCounted] = useState<Counted | null>(null);
  const [byChannel, setByChannel] = useState<ByChannel>([]);
  const [failed, setFailed] = useState(false);
  useEffect(() => {
    let live = true;
    void fetch(forumPath('/api/city/results.json'))
      .then(async (res) => {
        if (!res.ok) throw new Error(String(res.status));
        const body = (await res.json()) as { canonical: string; byChannel?: ByChannel };
        if (live) (setCounted(JSON.parse(body.canonical) as Counted), setByChannel(body.byChannel ?? []));
      })
      .catch(() => live && setFailed(true));
    return () => {
      live = false;
    };
  }, []);
  if (failed)
    return (
      <p className="card error-text" role="alert">
        {t('city.console.resultsFailed')}
      </p>
    );
  if (!counted) return <p className="card" role="status">{t('common.loading')}</p>;
  return (
    <section className="card" aria-labelledby="h-city-results">
      <h2 id="h-city-results">{t('city.results')}</h2>
      {counted.budgets.map((b) => (
        <div key={b.id} className="table-wrap">
          <table className="data-table">
            <caption>{t('city.console.budgetResult', { name: b.name, voters: b.voters, spent: number(b.spent), left: number(b.left) })}</caption>
            <thead>
              <tr>
                <th scope="col">{t('city.console.project')}</th>
                <th scope="col" className="num">
                  {t('city.console.cost')}
                </th>
                <th scope="col" className="num">
                  {t('city.console.votes')}
                </th>
                {CITY_CHANNELS.map((c) => (
                  <th key={c} scope="col" className="num">
                    {t(`city.console.channel.${c}`)}
                  </th>
                ))}
                <th scope="col">{t('city.console.funded')}</th>
              </tr>
            </thead>
            <tbody>
              {b.projects.map((p) => (
                <tr key={p.id}>
                  <th scope="row">{p.title}</th>
                  <td className="num">{number(p.cost)}</td>
                  <td className="num">{p.votes}</td>
                  {CITY_CHANNELS.map((c) => (
                    <td key={c} className="num">
                      {byChannel.find((x) => x.budgetId === b.id)?.projects.find((x) => x.projectId === p.id)?.votes[c] ?? 0}
                    </td>
                  ))}
                  <td>{p.fundedOrder ? t('city.console.fundedOrder', { order: p.fundedOrder }) : '—'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ))}
    </section>
  );
}

function OpenData({ vote }: { vote: CityVote }) {
  const t = useT();
  const links = [
    { href: forumPath('/api/city/results.json'), label: t('city.console.resultsJson') },
    { href: forumPath('/api/city/results.csv'), label: t('city.console.resultsCsv') },
    ...vote.budgets.map((b) => ({ href: forumPath(`/api/city/ballots/${b.id}.pb`), label: t('city.console.pabulib', { budget: b.name }) })),
    { href: forumPath('/api/city/receipt'), label: t('city.lookup') },
  ];
  return (
    <section className="card" aria-labelledby="h-city-data">
      <h2 id="h-city-data">{t('city.console.openData')}</h2>
      <p className="muted">{t('city.console.openDataHelp')}</p>
      <ul className="city-links">
        {links.map((l) => (
          <li key={l.href}>
            <a href={l.href}>{l.label}</a>
          </li>
        ))}
      </ul>
    </section>
  );
}

/**
 * After the close: the vote's personal data, kept until the organiser's retention date, and the
 * button that deletes it now, for good (city:anonymise), behind a confirmation; then who deleted
 * it and when.
 */
function PersonalData({ vote }: { vote: CityVote }) {
  const t = useT();
  const lang = useLang((s) => s.lang);
  const view = useView();
  const commands = useCommands();
  const [confirming, setConfirming] = useState(false);
  const done = view.admission.identity.anonymised;
  const when = (at: number) => new Date(at).toLocaleString(lang === 'uk' ? 'uk-UA' : 'en-GB', { dateStyle: 'long', timeStyle: 'short' });
  const remove = async () => {
    await commands.run('anonymise', 'city:anonymise', {}, () => t('city.console.anonymised'));
    setConfirming(false);
  };
  return (
    <section className="card" aria-labelledby="h-city-personal">
      <h2 id="h-city-personal">{t('city.console.personalData')}</h2>
      {done ? (
        <p className="note note-info">{t(done.by === 'retention' ? 'city.console.anonymisedByDate' : 'city.console.anonymisedBy', { when: when(done.at) })}</p>
      ) : (
        <>
          <p>{vote.privacy ? t('city.console.keptUntil', { date: vote.privacy.retainUntil }) : t('city.console.keptNoDate')}</p>
          <p className="muted small" id="anonymise-help">
            {t('city.console.anonymiseHelp')}
          </p>
          <button type="button" className="btn btn-danger" aria-describedby="anonymise-help" onClick={() => setConfirming(true)}>
            {t('city.console.anonymise')}
          </button>
        </>
      )}
      <p>
        <a href={forumPath('/privacy')}>{t('city.privacyLink')}</a>
      </p>
      {confirming && (
        <ConfirmDialog
          title={t('city.console.anonymise')}
          confirmLabel={t('city.console.anonymiseConfirm')}
          irreversible
          busy={commands.busy('anonymise')}
          onConfirm={() => void remove()}
          onClose={() => setConfirming(false)}
        >
          <p>{t('city.console.anonymiseHelp')}</p>
        </ConfirmDialog>
      )}
    </section>
  );
}
