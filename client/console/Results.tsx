// Results: every priority's ranking, visible to the facilitator from the results phase on, and
// revealed to the hall priority by priority.

import { useT } from '../lib/i18n.js';
import { useCommands } from './command.js';
import { goalTitle, PriorityName, priorityMap } from './parts.js';
import { useView } from './store.js';

export function Results() {
  const t = useT();
  const view = useView();
  const commands = useCommands();
  const phase = view.forum.phase;
  if (phase !== 'results' && phase !== 'closed') {
    return (
      <section aria-labelledby="h-results">
        <h2 id="h-results">{t('console.tab.results')}</h2>
        <p className="note note-info">{t('console.resultsNotYet')}</p>
      </section>
    );
  }
  const priorities = priorityMap(view);
  const byCode = new Map(view.results.map((r) => [r.priorityCode, r.rows]));

  return (
    <section aria-labelledby="h-results">
      <h2 id="h-results">{t('console.tab.results')}</h2>
      <div className="results-grid">
        {view.forum.priorities.map((p) => {
          const rows = byCode.get(p.code) ?? [];
          const revealed = view.forum.revealed.includes(p.code);
          const busy = commands.busy(`reveal:${p.code}`);
          const max = Math.max(1, ...rows.map((r) => r.dots));
          const headingId = `h-result-${p.code}`;
          const reveal = () => {
            if (!window.confirm(t('console.revealConfirm', { title: p.title }))) return;
            void commands.run(`reveal:${p.code}`, 'priority:reveal', { priorityCode: p.code }, () =>
              t('console.revealedToast', { title: p.title }),
            );
          };
          return (
            <section key={p.code} className="card result-card" style={{ borderTopColor: p.color }} aria-labelledby={headingId}>
              <div className="card-head">
                <h3 id={headingId}>
                  <PriorityName priority={priorities.get(p.code) ?? p} />
                </h3>
                {revealed ? (
                  <span className="status status-revealed">✓ {t('console.revealed')}</span>
                ) : (
                  <span className="status status-pending">{t('console.notRevealed')}</span>
                )}
              </div>
              <p className="muted small">
                {t('count.ideas', { count: rows.length })} · {t('count.voters', { count: view.votedPerPriority[p.code] ?? 0 })} ·{' '}
                {t('count.dots', { count: view.dotsPerPriority[p.code] ?? 0 })}
              </p>
              {rows.length === 0 ? (
                <p className="muted">{t('console.noIdeas')}</p>
              ) : (
                <ol className="ranking">
                  {rows.map((r) => {
                    const goal = goalTitle(p, r.goalCode);
                    return (
                      <li key={r.ideaId}>
                        <span className="rank" aria-label={`${t('console.rank')} ${r.rank}`}>
                          {r.rank}
                        </span>
                        <span className="ranking-body">
                          <span className="ranking-title">{r.title}</span>
                          {goal && <span className="muted small">{goal}</span>}
                          <span className="bar" aria-hidden="true">
                            <span style={{ width: `${(r.dots / max) * 100}%`, background: p.color }} />
                          </span>
                        </span>
                        <span className="ranking-numbers">
                          <strong>{t('count.dots', { count: r.dots })}</strong>
                          <span className="muted small">{t('count.supporters', { count: r.supporters })}</span>
                        </span>
                      </li>
                    );
                  })}
                </ol>
              )}
              {phase === 'results' && !revealed && (
                <button type="button" className="btn" disabled={busy} aria-describedby={headingId} onClick={reveal}>
                  {t('console.reveal')}
                </button>
              )}
            </section>
          );
        })}
      </div>
    </section>
  );
}
