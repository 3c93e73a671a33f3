// The audit log: every moderation step as a table (when, who, what, on which idea, why, and the
// text before and after a correction, the ideas a merge joined, a paper count before and after),
// filtered by action, by who did it, by priority and by a search. Beside the ideas, the latest
// few steps in short.

import { useDeferredValue, useState, type ReactNode } from 'react';
import type { ConsoleModerationEntry, ConsoleView } from '../../shared/protocol.js';
import type { MessageKey } from '../../shared/i18n/index.js';
import { useLang, useT, type T } from '../lib/i18n.js';
import { clock, inScope, PriorityName, priorityMap } from './parts.js';
import { useView } from './store.js';

type Entry = ConsoleModerationEntry;
const ACTIONS: Entry['action'][] = ['hide', 'restore', 'correct', 'merge', 'unmerge', 'paperIdea', 'paperDots', 'paperBallots', 'void', 'voidMany', 'pauseJoining', 'resumeJoining', 'releaseTicket', 'inPersonBallot'];
const TEXT_FIELDS = ['title', 'description', 'place'] as const;

/** What the log says of one entry, in words and as text to search. */
interface Described {
  who: string;
  what: string;
  /** The idea (a merge's surviving one), or the participant, acted on. */
  subject: string;
  priorityCode: string | null;
  details: ReactNode;
  text: string;
}

function describer(t: T, view: ConsoleView, lang: string) {
  const seconds = (at: number) =>
    new Intl.DateTimeFormat(lang === 'uk' ? 'uk-UA' : 'en-GB', { hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' }).format(new Date(at));
  const ideas = new Map(view.ideas.map((i) => [i.id, i]));
  const names = new Map(view.participants.map((p) => [p.id, p.name || t('common.anonymous')]));
  const title = (id: string) => `«${ideas.get(id)?.title ?? id}»`;
  return (m: Entry): Described => {
    const idea = m.ideaId ? ideas.get(m.ideaId) : undefined;
    const subject = m.ideaId ? title(m.ideaId) : m.participantId ? (m.participantName !== undefined ? m.participantName || t('common.anonymous') : (names.get(m.participantId) ?? '')) : '';
    const words: string[] = [];
    let details: ReactNode = null;
    if (m.reason) {
      details = m.reason;
      words.push(m.reason);
    }
    if (m.action === 'correct' && m.before && m.after) {
      const before = m.before;
      const after = m.after;
      const changed = TEXT_FIELDS.filter((f) => before[f] !== after[f]);
      details = changed.length === 0 ? t('console.audit.goalOnly') : (
        <dl className="audit-diff">
          {changed.map((f) => (
            <div key={f}>
              <dt>{t(`field.${f}` as MessageKey)}</dt>
              <dd>
                <del>{before[f] || '—'}</del> <span aria-hidden="true">→</span>
                <span className="visually-hidden">{t('console.audit.became')}</span> <ins>{after[f] || '—'}</ins>
              </dd>
            </div>
          ))}
        </dl>
      );
      for (const f of changed) words.push(before[f], after[f]);
    }
    if ((m.action === 'merge' || m.action === 'unmerge') && m.ideaIds) {
      const list = m.ideaIds.map(title).join(', ');
      details = t(m.action === 'merge' ? 'console.audit.joined' : 'console.audit.apart', { list });
      words.push(list);
    }
    if (m.action === 'voidMany') {
      const chosen = [m.window ? `${seconds(m.window.from)}–${seconds(m.window.to)}` : '', m.range ?? ''].filter(Boolean).join(', ');
      const line = t('console.audit.voidMany', { count: m.voided ?? 0, chosen });
      details = m.reason ? `${line} ${m.reason}` : line;
      words.push(line);
    }
    if (m.action === 'pauseJoining' && m.burst) {
      details = t('console.audit.burst', { joins: m.burst.joins, addresses: m.burst.addresses, from: seconds(m.burst.from), to: seconds(m.burst.to) });
    }
    if (m.action === 'paperDots' && m.count) {
      details = t('console.audit.count', { before: m.count.before, after: m.count.after });
    }
    if (m.action === 'paperBallots' && m.count) {
      details = t('console.audit.ballots', { before: m.count.before, after: m.count.after });
    }
    if (m.action === 'inPersonBallot' && m.channel) {
      // Where and how, never what was chosen nor by whom: the entry holds neither.
      const budget = view.forum.cityVote?.budgets.find((b) => b.id === m.budgetId)?.name ?? m.budgetId ?? '';
      const line = t(m.channel === 'paper' ? 'console.audit.paperBallot' : 'console.audit.servicePoint', {
        budget,
        document: m.document ? t(`console.audit.document.${m.document}` as MessageKey) : '',
      });
      details = line;
      words.push(line);
    }
    const who = m.byName || t('console.log.facilitator');
    const what = t(`console.log.${m.action}` as MessageKey);
    return { who, what, subject, priorityCode: idea?.priorityCode ?? null, details, text: [who, what, subject, ...words].join(' ').toLocaleLowerCase() };
  };
}

export function AuditLog() {
  const t = useT();
  const lang = useLang((s) => s.lang);
  const view = useView();
  const priorities = priorityMap(view);
  const [action, setAction] = useState('');
  const [who, setWho] = useState('');
  const [priority, setPriority] = useState('');
  const [query, setQuery] = useState('');
  const search = useDeferredValue(query.trim().toLocaleLowerCase());
  const describe = describer(t, view, lang);
  const entries = view.moderation.map((m, i) => ({ m, i, d: describe(m) })).reverse();
  const actions = ACTIONS.filter((a) => view.moderation.some((m) => m.action === a));
  const people = [...new Map(entries.map(({ m, d }) => [m.by, d.who])).entries()];
  const shown = entries.filter(
    ({ m, d }) =>
      (!action || m.action === action) &&
      (!who || m.by === who) &&
      (!priority || d.priorityCode === priority) &&
      (!search || d.text.includes(search)),
  );

  return (
    <section className="audit" aria-labelledby="h-audit">
      <h2 id="h-audit">
        {t('console.moderationLog')}{' '}
        <span className="muted heading-note">{t('console.shown', { shown: shown.length, total: entries.length })}</span>
      </h2>
      <div className="toolbar audit-filters">
        <div className="field">
          <label htmlFor="audit-action">{t('console.audit.action')}</label>
          <select id="audit-action" value={action} onChange={(e) => setAction(e.target.value)}>
            <option value="">{t('console.audit.allActions')}</option>
            {actions.map((a) => (
              <option key={a} value={a}>
                {t(`console.log.${a}` as MessageKey)}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="audit-who">{t('console.audit.who')}</label>
          <select id="audit-who" value={who} onChange={(e) => setWho(e.target.value)}>
            <option value="">{t('console.audit.everyone')}</option>
            {people.map(([id, name]) => (
              <option key={id} value={id}>
                {name}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="audit-priority">{t('common.priority')}</label>
          <select id="audit-priority" value={priority} onChange={(e) => setPriority(e.target.value)}>
            <option value="">{t('console.filterAll')}</option>
            {view.forum.priorities.map((p) => (
              <option key={p.code} value={p.code}>
                {p.code} {p.title}
              </option>
            ))}
          </select>
        </div>
        <div className="field field-grow">
          <label htmlFor="audit-search">{t('console.audit.search')}</label>
          <input id="audit-search" type="search" value={query} onChange={(e) => setQuery(e.target.value)} />
        </div>
      </div>
      {entries.length === 0 ? (
        <p className="muted empty">{t('console.logEmpty')}</p>
      ) : shown.length === 0 ? (
        <p className="muted empty">{t('console.audit.noMatch')}</p>
      ) : (
        <div className="card table-wrap audit-table">
          <table className="data-table">
            <caption className="visually-hidden">{t('console.moderationLog')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('console.audit.when')}</th>
                <th scope="col">{t('console.audit.who')}</th>
                <th scope="col">{t('console.audit.action')}</th>
                <th scope="col">{t('console.audit.subject')}</th>
                <th scope="col">{t('console.audit.details')}</th>
              </tr>
            </thead>
            <tbody>
              {shown.map(({ m, i, d }) => {
                const p = d.priorityCode ? priorities.get(d.priorityCode) : undefined;
                return (
                  <tr key={i}>
                    <td className="audit-time">{clock(lang, m.at)}</td>
                    <td className="typed">{d.who}</td>
                    <td className="audit-what">{d.what}</td>
                    <td className="typed">
                      <span className="audit-subject">{d.subject}</span>
                      {p && (
                        <span className="muted small audit-priority">
                          <PriorityName priority={p} />
                        </span>
                      )}
                    </td>
                    <td className="audit-details typed">{d.details}</td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

const RECENT = 8;

/** The latest steps in this console's scope, in short; the whole log is a tab of its own. */
export function RecentLog({ openLog }: { openLog?: () => void }) {
  const t = useT();
  const lang = useLang((s) => s.lang);
  const view = useView();
  const describe = describer(t, view, lang);
  const entries = view.moderation
    .map((m) => ({ m, d: describe(m) }))
    .filter(({ d }) => (d.priorityCode ? inScope(view, d.priorityCode) : view.me.role === 'facilitator'))
    .slice(-RECENT)
    .reverse();
  return (
    <section className="card moderation-log" aria-labelledby="h-log">
      <h2 id="h-log">{t('console.audit.recent')}</h2>
      {entries.length === 0 ? (
        <p className="muted">{t('console.logEmpty')}</p>
      ) : (
        <ol className="log-list">
          {entries.map(({ m, d }, i) => (
            <li key={`${m.at}-${i}`}>
              <span className="muted">{clock(lang, m.at)}</span> <strong>{d.what}</strong> {d.subject}
              {m.reason ? ` — ${m.reason}` : ''} <span className="muted">({d.who})</span>
            </li>
          ))}
        </ol>
      )}
      {openLog && (
        <button type="button" className="btn btn-secondary btn-small log-open" onClick={openLog}>
          {t('console.audit.openAll')}
        </button>
      )}
    </section>
  );
}
