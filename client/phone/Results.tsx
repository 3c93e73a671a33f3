// Results on a phone: each revealed priority's ranking, as the projector shows it: a shared rank
// reads "=2", the resident's own ideas are marked, and links at the top jump to each priority (a
// forum's rankings run to many screens on a phone).

import type { PhoneForumInfo, PhoneResult } from '../../shared/protocol.js';
import { forumPath } from '../lib/forum.js';
import { useLang, useT } from '../lib/i18n.js';
import { priorityOf } from './parts.js';
import { usePhone } from './store.js';

/** A priority's ranking's id on the page, for its jump link: codes are letters, digits, '.' and '-'. */
const anchorOf = (code: string) => `result-${code.replace(/[^\w-]/g, '_')}`;

export function Results({ forum }: { forum: PhoneForumInfo }) {
  const t = useT();
  const results = usePhone((s) => s.results);
  const me = usePhone((s) => s.me);
  // The page opens in the phone's language (it has its own switch too).
  const lang = useLang((s) => s.lang);
  // One's ideas as ranked: an idea merged into another is ranked as that one, which is one's own too.
  const mine = new Set((me?.ideas ?? []).map((i) => i.mergedInto ?? i.id));
  const jumps = results.length > 1;
  return (
    <>
      {forum.phase === 'closed' && (
        <section className="card">
          <p>{t('phone.closed')}</p>
        </section>
      )}
      <section aria-labelledby="results-h">
        <h1 id="results-h" className="section-h" tabIndex={-1}>
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
        {jumps && (
          <nav className="card jump-links" aria-label={t('phone.results.jump')} id="results-jump">
            <ul>
              {results.map((r) => {
                const p = priorityOf(forum, r.priorityCode);
                return (
                  <li key={r.priorityCode} style={{ borderLeftColor: p?.color }}>
                    <a href={`#${anchorOf(r.priorityCode)}`}>{p?.title ?? r.priorityCode}</a>
                  </li>
                );
              })}
            </ul>
          </nav>
        )}
        {results.map((r) => (
          <ResultCard key={r.priorityCode} forum={forum} result={r} mine={mine} jumps={jumps} />
        ))}
      </section>
    </>
  );
}

/** Ranks held by more than one row, and the last row's when the tie goes on past the rows sent. */
function sharedRanks(result: PhoneResult): Set<number> {
  const seen = new Set<number>();
  const shared = new Set<number>();
  for (const r of result.rows) (seen.has(r.rank) ? shared : seen).add(r.rank);
  const last = result.rows.at(-1);
  if (last && result.tiedAfter) shared.add(last.rank);
  return shared;
}

function ResultCard({ forum, result, mine, jumps }: { forum: PhoneForumInfo; result: PhoneResult; mine: Set<string>; jumps: boolean }) {
  const t = useT();
  const p = priorityOf(forum, result.priorityCode);
  const max = Math.max(1, ...result.rows.map((r) => r.dots));
  const shared = sharedRanks(result);
  const id = anchorOf(result.priorityCode);
  return (
    <section className="card result" style={{ borderTopColor: p?.color }} aria-labelledby={id}>
      {/* The jump's target is the heading itself, so that focus lands where the reading starts. */}
      <h2 id={id} tabIndex={-1}>
        {p?.title}
      </h2>
      <ol className="result-list">
        {result.rows.map((row) => {
          const own = mine.has(row.ideaId);
          const tied = shared.has(row.rank);
          return (
            <li key={row.ideaId} className={own ? 'own' : undefined}>
              {/* As the projector, the public page, the report and the pictures write ranks: "=2" shared, "3" not. */}
              <span className="rank" aria-hidden="true">
                {tied ? `=${row.rank}` : row.rank}
              </span>
              <span className="result-title">
                <span className="visually-hidden">{t(tied ? 'screen.rankShared' : 'screen.rankOf', { rank: row.rank })}. </span>
                {row.title}
                {own && <span className="own-badge">{t('phone.voting.yours')}</span>}
              </span>
              <span className="bar" aria-hidden="true">
                <span style={{ width: `${(row.dots / max) * 100}%`, background: p?.color }} />
              </span>
              <span className="result-count">
                {t('count.dots', { count: row.dots })} · {t('count.supporters', { count: row.supporters })}
              </span>
            </li>
          );
        })}
      </ol>
      {result.more ? <p className="muted">{t(forum.publicResults ? 'phone.results.morePublic' : 'phone.results.more', { count: result.more })}</p> : null}
      {jumps && (
        <a className="to-steps" href="#results-jump">
          ↑ {t('phone.results.toJump')}
        </a>
      )}
    </section>
  );
}
