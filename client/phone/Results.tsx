// Results on a phone: each revealed priority's ranking, as the projector shows it.

import type { PhoneForumInfo, PhoneResult } from '../../shared/protocol.js';
import { forumPath } from '../lib/forum.js';
import { useLang, useT } from '../lib/i18n.js';
import { priorityOf } from './parts.js';
import { usePhone } from './store.js';

export function Results({ forum }: { forum: PhoneForumInfo }) {
  const t = useT();
  const results = usePhone((s) => s.results);
  // The page opens in the phone's language (it has its own switch too).
  const lang = useLang((s) => s.lang);
  return (
    <>
      {forum.phase === 'closed' && (
        <section className="card">
          <p>{t('phone.closed')}</p>
        </section>
      )}
      <section aria-labelledby="results-h">
        <h1 id="results-h" className="section-h">
          {t('phone.results.heading')}
        </h1>
        {results.length === 0 && <p className="card">{t('phone.results.waiting')}</p>}
        {forum.publicResults && results.length > 0 && (
          <p className="card">
            <a href={forumPath(lang === 'en' ? '/results?lang=en' : '/results')}>{t('phone.results.publicLink')}</a>
            <br />
            <span className="muted">{t('phone.results.publicHint')}</span>
          </p>
        )}
        {results.map((r) => (
          <ResultCard key={r.priorityCode} forum={forum} result={r} />
        ))}
      </section>
    </>
  );
}

function ResultCard({ forum, result }: { forum: PhoneForumInfo; result: PhoneResult }) {
  const t = useT();
  const p = priorityOf(forum, result.priorityCode);
  const max = Math.max(1, ...result.rows.map((r) => r.dots));
  return (
    <div className="card result" style={{ borderTopColor: p?.color }}>
      <h2>{p?.title}</h2>
      <ol className="result-list">
        {result.rows.map((row) => (
          <li key={row.ideaId}>
            <span className="rank">{row.rank}.</span>
            <span className="result-title">{row.title}</span>
            <span className="bar" aria-hidden="true">
              <span style={{ width: `${(row.dots / max) * 100}%`, background: p?.color }} />
            </span>
            <span className="result-count">
              {t('count.dots', { count: row.dots })} · {t('count.supporters', { count: row.supporters })}
            </span>
          </li>
        ))}
      </ol>
      {result.more ? <p className="muted">{t(forum.publicResults ? 'phone.results.morePublic' : 'phone.results.more', { count: result.more })}</p> : null}
    </div>
  );
}
