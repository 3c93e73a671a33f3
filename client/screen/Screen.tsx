// What the hall sees, phase by phase. Nothing here shows a tally before its priority is revealed:
// the server does not send any.

import type { Priority } from '../../shared/forum/types.js';
import type { MessageKey } from '../../shared/i18n/index.js';
import type { PriorityResult, ScreenView } from '../../shared/protocol.js';
import { groupCode } from '../lib/format.js';
import { useT } from '../lib/i18n.js';
import { useConnection } from '../lib/connection.js';
import { ConnectionBanner, LanguageToggle, useTitle } from '../lib/ui.js';
import { useScreen } from './store.js';

export function Screen() {
  const t = useT();
  const view = useScreen((s) => s.view);
  const refused = useConnection((s) => s.refused);
  useTitle(t('screen.title'));
  if (refused && refused.code !== 'PROTOCOL_MISMATCH') {
    const hasKey = new URLSearchParams(window.location.search).has('key');
    return (
      <p className="screen-loading" role="alert">
        {refused.code === 'FORBIDDEN' ? t(hasKey ? 'screen.badKey' : 'screen.noKey') : refused.message}
      </p>
    );
  }
  if (!view) {
    return (
      <>
        <ConnectionBanner />
        <p className="screen-loading" role="status">
          {t('common.loading')}
        </p>
      </>
    );
  }
  const phase = view.forum.phase;
  return (
    <div className={`screen phase-${phase}`}>
      <ConnectionBanner />
      <header className="screen-head">
        <h1>{view.forum.title}</h1>
        <p className="screen-phase">{t(`phase.${phase}` as MessageKey)}</p>
        <div className="screen-lang">
          <LanguageToggle />
        </div>
      </header>
      <main className="screen-main">
        {phase === 'lobby' && <Lobby view={view} />}
        {phase === 'ideas' && <IdeasWall view={view} />}
        {phase === 'review' && <Review view={view} />}
        {phase === 'voting' && <VotingProgress view={view} />}
        {(phase === 'results' || phase === 'closed') && <Results view={view} />}
      </main>
    </div>
  );
}

const shortUrl = (joinUrl: string) => {
  try {
    return new URL(joinUrl).host;
  } catch {
    return joinUrl;
  }
};

/**
 * How to join. With the hall's changing code the QR carries the code now in force, and a thin bar
 * runs down to the next change; with tickets the QR opens the join page and the code is on the ticket.
 */
function JoinBox({ view, large }: { view: ScreenView; large?: boolean }) {
  const t = useT();
  const tickets = view.forum.admission === 'tickets';
  const qr = `/qr.svg?c=${view.joinCode}`;
  return (
    <section className={`join${large ? ' join-large' : ''}`} aria-label={t('screen.join')}>
      {/* With tickets, each ticket carries its own QR: a second one on the wall would only confuse. */}
      {!tickets && <img className="qr" src={qr} alt={`QR: ${view.joinUrl}`} />}
      <div className="join-text">
        {tickets && <p className="join-mode">{t('screen.tickets')}</p>}
        {tickets ? <p className="join-how">{t('screen.ticketsHow')}</p> : <p className="join-label">{t('screen.join')}</p>}
        <p className="join-url">{shortUrl(view.joinUrl)}</p>
        {tickets ? null : (
          <>
            <p className="join-label">{t('screen.code')}</p>
            <p className="join-code">{groupCode(view.joinCode)}</p>
            {view.rotation && <CodeClock rotation={view.rotation} />}
          </>
        )}
        <p className="join-count" aria-live="polite">
          {t('screen.joined')}: <strong>{view.joined}</strong>
        </p>
      </div>
    </section>
  );
}

/** A bar that empties until the code changes, restarted by each new code. */
function CodeClock({ rotation }: { rotation: NonNullable<ScreenView['rotation']> }) {
  const t = useT();
  // The server's clock and the projector's may differ; the bar only needs the time left.
  const left = Math.max(0, Math.min(rotation.periodMs, rotation.nextAt - Date.now()));
  return (
    <div className="code-clock">
      <span className="code-clock-track" aria-hidden="true">
        <span
          key={rotation.nextAt}
          className="code-clock-fill"
          style={{ animationDuration: `${left}ms`, width: `${(left / rotation.periodMs) * 100}%` }}
        />
      </span>
      <span className="join-label">{t('screen.codeChanges', { seconds: Math.round(rotation.periodMs / 1000) })}</span>
    </div>
  );
}

function Lobby({ view }: { view: ScreenView }) {
  return (
    <>
      {view.forum.vision !== view.forum.title && <p className="vision">{view.forum.vision}</p>}
      <JoinBox view={view} large />
    </>
  );
}

function PriorityCounts({ view, values, render }: { view: ScreenView; values: Record<string, number>; render(n: number): string }) {
  return (
    <ul className="priority-grid">
      {view.forum.priorities.map((p) => (
        <li key={p.code} style={{ borderColor: p.color }}>
          <span className="pg-title">{p.title}</span>
          <span className="pg-count" style={{ color: p.color }}>
            {values[p.code] ?? 0}
          </span>
          <span className="pg-unit">{render(values[p.code] ?? 0)}</span>
        </li>
      ))}
    </ul>
  );
}

function IdeasWall({ view }: { view: ScreenView }) {
  const t = useT();
  const total = Object.values(view.ideaCounts).reduce((a, b) => a + b, 0);
  const priority = (code: string) => view.forum.priorities.find((p) => p.code === code);
  return (
    <div className="two-col">
      <div>
        <p className="big-total">{t('count.ideas', { count: total })}</p>
        <PriorityCounts view={view} values={view.ideaCounts} render={(n) => t('unit.ideas', { count: n })} />
        <h2 className="newest-h">{t('screen.newest')}</h2>
        <ul className="newest">
          {view.newestIdeas.map((idea) => (
            <li key={idea.id} style={{ borderLeftColor: priority(idea.priorityCode)?.color }}>
              <span className="newest-title">{idea.title}</span>
              <span className="newest-priority">{priority(idea.priorityCode)?.title}</span>
            </li>
          ))}
        </ul>
      </div>
      <JoinBox view={view} />
    </div>
  );
}

function Review({ view }: { view: ScreenView }) {
  const t = useT();
  return (
    <>
      <p className="big-note">{t('screen.review')}</p>
      <PriorityCounts view={view} values={view.ideaCounts} render={(n) => t('unit.ideas', { count: n })} />
    </>
  );
}

function VotingProgress({ view }: { view: ScreenView }) {
  const t = useT();
  return (
    <div className="two-col">
      <div>
        <p className="big-total">
          {t('screen.votedOverall')}: {view.voted} / {view.joined}
        </p>
        <PriorityCounts view={view} values={view.votedPerPriority} render={(n) => t('unit.participants', { count: n })} />
        <p className="big-note small">{t('screen.noTallies')}</p>
      </div>
      <JoinBox view={view} />
    </div>
  );
}

const TOP_ON_SCREEN = 10;

function Results({ view }: { view: ScreenView }) {
  const t = useT();
  const latest = view.results.at(-1);
  const priority = (code: string) => view.forum.priorities.find((p) => p.code === code);
  return (
    <>
      {view.forum.phase === 'closed' && <p className="big-note">{t('screen.closed')}</p>}
      {!latest && <p className="big-note">{t('screen.resultsWaiting')}</p>}
      {latest && <ResultChart result={latest} priority={priority(latest.priorityCode)} />}
      {view.results.length > 1 && (
        <ul className="revealed-strip">
          {view.results.slice(0, -1).map((r) => (
            <li key={r.priorityCode} style={{ borderColor: priority(r.priorityCode)?.color }}>
              <strong>{priority(r.priorityCode)?.title}</strong>: {r.rows[0]?.title ?? '—'}
            </li>
          ))}
        </ul>
      )}
    </>
  );
}

function ResultChart({ result, priority }: { result: PriorityResult; priority?: Priority }) {
  const t = useT();
  const rows = result.rows.slice(0, TOP_ON_SCREEN);
  const max = Math.max(1, ...rows.map((r) => r.dots));
  return (
    <section className="chart" aria-labelledby="chart-h">
      <h2 id="chart-h" style={{ color: priority?.color }}>
        {priority?.title}
      </h2>
      <ol className="bars">
        {rows.map((row) => (
          <li key={row.ideaId}>
            <span className="bar-rank">{row.rank}</span>
            <span className="bar-label">
              {row.title}
              <span className="bar-sub">{t('count.supporters', { count: row.supporters })}</span>
            </span>
            <span className="bar-track">
              <span className="bar-fill" style={{ width: `${(row.dots / max) * 100}%`, background: priority?.color }} />
            </span>
            <span className="bar-value">
              {row.dots}
              <span className="visually-hidden"> {t('unit.dots', { count: row.dots })}</span>
            </span>
          </li>
        ))}
      </ol>
    </section>
  );
}
