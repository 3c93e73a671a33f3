// Results: revealing priorities to the hall and driving the projector, at the top where the
// facilitator reaches them without scrolling; below, every priority's ranking (visible to the
// facilitator from the results phase on), each one collapsible, as long as 250 ideas make it, with
// phone dots and paper stickers apart where there are any. A host reads the rankings of their
// scope once the hall has seen them (their view has no other), and drives nothing.

import { useEffect, useRef, useState, type FormEvent } from 'react';
import { RESULTS_TOP_MAX, type Display, type Priority } from '../../shared/forum/types.js';
import type { MessageKey } from '../../shared/i18n/index.js';
import type { ConsoleView, ResultRow } from '../../shared/protocol.js';
import { useT } from '../lib/i18n.js';
import { useCommands, type Commands } from './command.js';
import { ConfirmDialog } from './Dialog.js';
import { Publish } from './Publish.js';
import { goalTitle, PaperMark, PriorityName, scopedPriorities } from './parts.js';
import { useView } from './store.js';

type T = ReturnType<typeof useT>;

export function Results() {
  const t = useT();
  const view = useView();
  const commands = useCommands();
  const phase = view.forum.phase;
  const after = phase === 'results' || phase === 'closed';
  const host = view.me.role === 'host';
  return (
    <section aria-labelledby="h-results" className="results">
      <h2 id="h-results">{t('console.tab.results')}</h2>
      {!after && <p className="note note-info">{t(host ? 'console.host.resultsNotYet' : 'console.resultsNotYet')}</p>}
      {!host && (
        <div className={after ? 'show-panel' : 'show-panel show-panel-single'}>
          {after && <RevealCard commands={commands} />}
          <ProjectorCard commands={commands} />
        </div>
      )}
      {!host && <Publish />}
      {after && <Rankings />}
    </section>
  );
}

/** The projector's slide in words, for "on the screen now" and the toast after a change. */
function slideText(t: T, view: ConsoleView, display: Display): string {
  const title = (code: string) => view.forum.priorities.find((p) => p.code === code)?.title ?? code;
  switch (display.slide) {
    case 'priority':
      return t('console.projector.now.priority', { title: title(display.priorityCode) });
    case 'final':
      return t('console.projector.now.final');
    case 'join':
      return t('console.projector.now.join');
    case 'auto': {
      // In the results the projector follows the latest revealed priority (shared/forum/types.ts, Display).
      const latest = view.forum.revealed[view.forum.revealed.length - 1];
      const after = view.forum.phase === 'results' || view.forum.phase === 'closed';
      if (after && latest !== undefined) return t('console.projector.now.autoLatest', { title: title(latest) });
      return t('console.projector.now.auto', { phaseName: t(`phase.${view.forum.phase}` as MessageKey) });
    }
  }
}

/**
 * Puts a slide up. The buttons stay enabled while it travels (a focused button that turns disabled
 * drops the keyboard's focus); a second press meanwhile is ignored by `commands.run`.
 */
function useShow(commands: Commands) {
  const t = useT();
  const view = useView();
  return (display: Display) =>
    void commands.run('display', 'display:show', { display }, (data) =>
      t('console.projector.shown', { what: slideText(t, view, data.display) }),
    );
}

/** One row per priority: its figures, whether the hall has seen it, and the button for the next step. */
function RevealCard({ commands }: { commands: Commands }) {
  const t = useT();
  const view = useView();
  const show = useShow(commands);
  const [asking, setAsking] = useState<Priority | null>(null);
  const revealedNow = useRef(false);
  const { phase, priorities, revealed, display } = view.forum;
  const rowsOf = new Map(view.results.map((r) => [r.priorityCode, r.rows]));

  // Revealed meanwhile from another console: nothing left to ask.
  useEffect(() => {
    if (asking && (revealed.includes(asking.code) || phase !== 'results')) setAsking(null);
  }, [asking, revealed, phase]);

  const reveal = async (p: Priority) => {
    revealedNow.current = await commands.run(`reveal:${p.code}`, 'priority:reveal', { priorityCode: p.code }, () =>
      t('console.revealedToast', { title: p.title }),
    );
    setAsking(null);
  };

  return (
    <section className="card reveal-card" aria-labelledby="h-show">
      <div className="card-head">
        <h3 id="h-show">{t('console.show.heading')}</h3>
        <span className="muted small">{t('console.show.revealedCount', { revealed: revealed.length, total: priorities.length })}</span>
      </div>
      <div className="table-wrap">
        <table className="data-table reveal-table">
          <thead>
            <tr>
              <th scope="col">{t('common.priority')}</th>
              <th scope="col" className="num">{t('console.ideasTotal')}</th>
              <th scope="col" className="num">{t('console.dotsPlaced')}</th>
              <th scope="col">{t('console.show.state')}</th>
              <th scope="col">
                <span className="visually-hidden">{t('console.actions')}</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {priorities.map((p) => {
              const isRevealed = revealed.includes(p.code);
              const onScreen = display.slide === 'priority' && display.priorityCode === p.code;
              const nameId = `show-${p.code}`;
              return (
                <tr key={p.code}>
                  <th scope="row">
                    {/* Where focus goes after a reveal: the button that did it gives way to another. */}
                    <span id={nameId} className="reveal-name" tabIndex={-1}>
                      <PriorityName priority={p} />
                    </span>
                  </th>
                  <td className="num">{rowsOf.get(p.code)?.length ?? 0}</td>
                  <td className="num">{view.dotsPerPriority[p.code] ?? 0}</td>
                  <td>
                    {isRevealed ? (
                      <span className="status status-revealed">✓ {t('console.revealed')}</span>
                    ) : (
                      <span className="status status-pending">{t('console.notRevealed')}</span>
                    )}
                  </td>
                  <td className="row-actions">
                    {isRevealed ? (
                      <button
                        type="button"
                        className="btn btn-small btn-secondary btn-toggle"
                        aria-pressed={onScreen}
                        aria-describedby={nameId}
                        onClick={() => show({ slide: 'priority', priorityCode: p.code })}
                      >
                        {t('console.show.putUp')}
                      </button>
                    ) : (
                      phase === 'results' && (
                        <button
                          type="button"
                          className="btn btn-small"
                          aria-describedby={nameId}
                          disabled={commands.busy(`reveal:${p.code}`)}
                          onClick={() => {
                            revealedNow.current = false;
                            setAsking(p);
                          }}
                        >
                          {t('console.show.reveal')}
                        </button>
                      )
                    )}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
      {asking && (
        <ConfirmDialog
          title={t('console.guard.reveal.title', { code: asking.code })}
          confirmLabel={t('console.guard.reveal.confirm')}
          irreversible
          busy={commands.busy(`reveal:${asking.code}`)}
          onConfirm={() => void reveal(asking)}
          onClose={() => setAsking(null)}
          returnFocus={() => (revealedNow.current ? document.getElementById(`show-${asking.code}`) : null)}
        >
          <p className="note note-warn">{t('console.guard.reveal', { title: asking.title })}</p>
          <p className="dialog-figure">
            {t('console.guard.reveal.figures', {
              ideas: rowsOf.get(asking.code)?.length ?? 0,
              dots: view.dotsPerPriority[asking.code] ?? 0,
              voters: view.votedPerPriority[asking.code] ?? 0,
            })}
          </p>
          <p className="muted small">{t('console.guard.reveal.screen')}</p>
        </ConfirmDialog>
      )}
    </section>
  );
}

/** What the projector shows, and how many ideas its chart has. Only revealed priorities can go up. */
function ProjectorCard({ commands }: { commands: Commands }) {
  const t = useT();
  const view = useView();
  const show = useShow(commands);
  const { display, revealed, resultsTop } = view.forum;
  const [draft, setDraft] = useState<string | null>(null);
  const [error, setError] = useState('');
  const topRef = useRef<HTMLInputElement>(null);
  const value = draft ?? String(resultsTop);
  const slides: { display: Display; label: MessageKey; locked?: boolean }[] = [
    { display: { slide: 'auto' }, label: 'console.projector.auto' },
    { display: { slide: 'final' }, label: 'console.projector.final', locked: revealed.length === 0 },
    // A closed forum takes no one: the projector shows no way in.
    ...(view.forum.phase === 'closed' ? [] : [{ display: { slide: 'join' } as Display, label: 'console.projector.join' as MessageKey }]),
  ];

  const setTop = async (e: FormEvent) => {
    e.preventDefault();
    const top = Number(value.trim());
    if (value.trim() === '' || !Number.isInteger(top) || top < 1 || top > RESULTS_TOP_MAX) {
      setError(t('console.projector.topInvalid', { max: RESULTS_TOP_MAX }));
      topRef.current?.focus();
      return;
    }
    const ok = await commands.run('top', 'display:setResultsTop', { top }, (data) => t('console.projector.topSaved', { top: data.top }));
    if (ok) setDraft(null);
  };

  return (
    <section className="card projector-card" aria-labelledby="h-projector">
      <h3 id="h-projector">{t('console.projector')}</h3>
      <p className="projector-now">
        <span className="muted">{t('console.projector.now')}</span> <strong>{slideText(t, view, display)}</strong>
      </p>
      <div className="projector-buttons" role="group" aria-labelledby="h-projector">
        {slides.map((s) => (
          <button
            key={s.display.slide}
            type="button"
            className="btn btn-small btn-secondary btn-toggle"
            aria-pressed={display.slide === s.display.slide}
            aria-describedby={s.locked ? 'final-locked' : undefined}
            disabled={s.locked}
            onClick={() => show(s.display)}
          >
            {t(s.label)}
          </button>
        ))}
      </div>
      {revealed.length === 0 && (
        <p id="final-locked" className="form-hint projector-hint">
          {t('console.projector.finalLocked')}
        </p>
      )}
      <form className="top-form" onSubmit={(e) => void setTop(e)} noValidate>
        <div className="field">
          <label htmlFor="results-top">{t('console.projector.top')}</label>
          <div className="top-row">
            <input
              ref={topRef}
              id="results-top"
              type="number"
              inputMode="numeric"
              min={1}
              max={RESULTS_TOP_MAX}
              value={value}
              aria-invalid={error ? true : undefined}
              aria-describedby={error ? 'results-top-hint results-top-error' : 'results-top-hint'}
              onChange={(e) => {
                setDraft(e.target.value);
                setError('');
              }}
            />
            <button type="submit" className="btn btn-secondary" disabled={commands.busy('top')}>
              {t('console.projector.topApply')}
            </button>
          </div>
          <span id="results-top-hint" className="hint">
            {t('console.projector.topHint', { max: RESULTS_TOP_MAX, top: resultsTop })}
          </span>
          {error && (
            <span id="results-top-error" className="error-text" role="alert">
              {error}
            </span>
          )}
        </div>
      </form>
    </section>
  );
}

/** Every priority's ranking; each folds away, so that one long list does not hide the next. */
function Rankings() {
  const t = useT();
  const view = useView();
  const [collapsed, setCollapsed] = useState<ReadonlySet<string>>(new Set());
  const byCode = new Map(view.results.map((r) => [r.priorityCode, r.rows]));
  const priorities = scopedPriorities(view);
  const codes = priorities.map((p) => p.code);
  const allCollapsed = codes.length > 0 && codes.every((c) => collapsed.has(c));
  const toggle = (code: string) =>
    setCollapsed((now) => {
      const next = new Set(now);
      if (!next.delete(code)) next.add(code);
      return next;
    });

  return (
    <section className="rankings" aria-labelledby="h-rankings">
      <div className="rankings-head">
        <h3 id="h-rankings">{t('console.rankings')}</h3>
        <button
          type="button"
          className="btn btn-small btn-secondary"
          onClick={() => setCollapsed(allCollapsed ? new Set() : new Set(codes))}
        >
          {t(allCollapsed ? 'console.rankings.expandAll' : 'console.rankings.collapseAll')}
        </button>
      </div>
      <div className="results-grid">
        {priorities.map((p) => (
          <Ranking
            key={p.code}
            priority={p}
            rows={byCode.get(p.code) ?? []}
            open={!collapsed.has(p.code)}
            onToggle={() => toggle(p.code)}
          />
        ))}
      </div>
    </section>
  );
}

function Ranking({ priority: p, rows, open, onToggle }: { priority: Priority; rows: ResultRow[]; open: boolean; onToggle(): void }) {
  const t = useT();
  const view = useView();
  const revealed = view.forum.revealed.includes(p.code);
  const max = Math.max(1, ...rows.map((r) => r.dots));
  const paper = new Set(view.ideas.filter((i) => i.source === 'paper').map((i) => i.id));
  // Phone dots and paper stickers apart, once a paper wall's stickers have been counted here.
  const withPaper = rows.some((r) => r.paperDots > 0);
  // A host's view has a ranking only once the hall has seen it.
  const unseen = view.me.role === 'host' && !revealed;
  const headingId = `h-result-${p.code}`;
  const listId = `ranking-${p.code}`;
  return (
    <section className="card result-card" style={{ borderTopColor: p.color }} aria-labelledby={headingId}>
      <div className="card-head">
        <h4 id={headingId} className="ranking-heading">
          <button type="button" className="disclosure" aria-expanded={open} aria-controls={listId} onClick={onToggle}>
            <span className="chevron" aria-hidden="true" />
            <PriorityName priority={p} />
          </button>
        </h4>
        {revealed ? (
          <span className="status status-revealed">✓ {t('console.revealed')}</span>
        ) : (
          <span className="status status-pending">{t('console.notRevealed')}</span>
        )}
      </div>
      {unseen ? (
        <p className="muted small ranking-counts">
          {t('count.ideas', { count: view.ideaCounts[p.code] ?? 0 })} · {t('count.voters', { count: view.votedPerPriority[p.code] ?? 0 })}
        </p>
      ) : (
        <p className="muted small ranking-counts">
          {t('count.ideas', { count: rows.length })} · {t('count.voters', { count: view.votedPerPriority[p.code] ?? 0 })} ·{' '}
          {t('count.dots', { count: view.dotsPerPriority[p.code] ?? 0 })}
        </p>
      )}
      <div id={listId} hidden={!open}>
        {unseen ? (
          <p className="note note-info small">{t('console.host.rankingUnseen')}</p>
        ) : rows.length === 0 ? (
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
                    <span className="ranking-title">
                      {r.title}
                      {paper.has(r.ideaId) && <> <PaperMark /></>}
                    </span>
                    {goal && <span className="muted small">{goal}</span>}
                    <span className="bar" aria-hidden="true">
                      <span style={{ width: `${(r.dots / max) * 100}%`, background: p.color }} />
                    </span>
                  </span>
                  <span className="ranking-numbers">
                    <strong>{t('count.dots', { count: r.dots })}</strong>
                    {withPaper && (
                      <span className="small ranking-split">
                        {t('console.results.split', { phone: r.phoneDots, paper: r.paperDots })}
                      </span>
                    )}
                    <span className="muted small">{t('count.supporters', { count: r.supporters })}</span>
                  </span>
                </li>
              );
            })}
          </ol>
        )}
      </div>
    </section>
  );
}
