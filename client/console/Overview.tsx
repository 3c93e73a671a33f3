// Overview: the phase with its next and back moves (each through a dialog that says what the move
// does, with figures where it cannot be undone), the phase's timer, the headline counts,
// per-priority progress (with who has dots left to spend there) and who has joined, with voiding a
// participant (through a dialog: it cannot be undone).

import { canVoid } from '../../shared/forum/admission.js';
import { useEffect, useRef, useState, type FormEvent, type ReactNode } from 'react';
import { LIMITS, PHASES, type Phase } from '../../shared/forum/types.js';
import { transitionsOf } from '../../shared/forum/rules.js';
import type { MessageKey } from '../../shared/i18n/index.js';
import type { ConsoleParticipant } from '../../shared/protocol.js';
import { useT } from '../lib/i18n.js';
import { send } from '../lib/connection.js';
import { useCommands } from './command.js';
import { ConfirmDialog, Dialog } from './Dialog.js';
import { PriorityName, ReachableNote, RequiredText, unspentBallots } from './parts.js';
import { useView } from './store.js';
import { TimerCard } from './Timer.js';
import { JoiningAlert } from './Attendance.js';

export function Overview() {
  return (
    <div className="overview">
      <div className="overview-notes">
        <ReachableNote />
        <JoiningAlert />
      </div>
      <PhaseCard />
      <div className="overview-main">
        <Counters />
        <TimerCard />
        <PriorityTable />
      </div>
      <Participants />
    </div>
  );
}

function PhaseCard() {
  const t = useT();
  const view = useView();
  const commands = useCommands();
  const phase = view.forum.phase;
  const phaseName = (p: Phase) => t(`phase.${p}` as MessageKey);
  const here = PHASES.indexOf(phase);
  const moves = transitionsOf(view.forum)[phase];
  const [asking, setAsking] = useState<Phase | null>(null);
  const moved = useRef(false);
  const headingRef = useRef<HTMLHeadingElement>(null);

  // Another console moved the phase on: the question no longer applies.
  useEffect(() => {
    if (asking && !moves.includes(asking)) setAsking(null);
  }, [asking, moves]);

  const move = async (to: Phase) => {
    const ok = await commands.run(`phase:${to}`, 'phase:set', { to }, (data) =>
      t('console.phaseChanged', { phaseName: phaseName(data.phase) }),
    );
    moved.current = ok;
    setAsking(null);
  };

  return (
    <section className="card phase-card" aria-labelledby="h-phase">
      {/* Focus lands here after a move: the button that made it is gone with the old phase. */}
      <h2 id="h-phase" ref={headingRef} tabIndex={-1}>
        {t('console.phase')}
      </h2>
      <ol className="phase-steps" aria-label={t('console.phaseSteps')}>
        {PHASES.map((p, i) => (
          <li
            key={p}
            className={i < here ? 'done' : i === here ? 'current' : undefined}
            aria-current={i === here ? 'step' : undefined}
          >
            <span className="step-number" aria-hidden="true">
              {i + 1}
            </span>
            {phaseName(p)}
          </li>
        ))}
      </ol>
      <div className="phase-actions">
        {moves.length === 0 && <p className="muted">{t('console.finalPhase')}</p>}
        {moves.map((to) => {
          const back = PHASES.indexOf(to) < here;
          return (
            <button
              key={to}
              type="button"
              className={back ? 'btn btn-secondary' : 'btn btn-large'}
              disabled={commands.busy(`phase:${to}`)}
              onClick={() => {
                moved.current = false;
                setAsking(to);
              }}
            >
              {back ? '← ' : ''}
              {t(back ? 'console.back' : 'console.next', { phaseName: phaseName(to) })}
              {back ? '' : ' →'}
            </button>
          );
        })}
      </div>
      {asking && moves.includes(asking) && (
        <PhaseDialog
          from={phase}
          to={asking}
          busy={commands.busy(`phase:${asking}`)}
          onConfirm={() => void move(asking)}
          onClose={() => setAsking(null)}
          returnFocus={() => (moved.current ? headingRef.current : null)}
        />
      )}
    </section>
  );
}

interface PhaseDialogProps {
  from: Phase;
  to: Phase;
  busy: boolean;
  onConfirm(): void;
  onClose(): void;
  returnFocus(): HTMLElement | null;
}

/**
 * What a phase move does. Closing voting and closing the forum cannot be undone and say so with
 * the figures that matter then (who still has dots, what is still unrevealed); the other moves
 * get a short sentence and the confirm button first.
 */
function PhaseDialog({ from, to, ...actions }: PhaseDialogProps) {
  const t = useT();
  const view = useView();
  const ideas = Object.values(view.ideaCounts).reduce((a, b) => a + b, 0);
  const phaseName = t(`phase.${to}` as MessageKey);
  const light = (text: string, confirmLabel: string, figure?: string) => (
    <ConfirmDialog title={t('console.confirmPhase', { phaseName })} confirmLabel={confirmLabel} {...actions}>
      <p>{text}</p>
      {figure && <p className="dialog-figure">{figure}</p>}
    </ConfirmDialog>
  );

  if (to === 'results') {
    const { budget, left, none } = unspentBallots(view);
    let unspent: ReactNode;
    if (view.joined === 0 || budget === 0) unspent = null;
    else if (left === 0) unspent = <p>{t('console.guard.closeVoting.allSpent')}</p>;
    else {
      unspent = (
        <p className="dialog-figure">
          {t('console.guard.closeVoting.left', { count: left })}
          {none > 0 ? `; ${t('console.guard.closeVoting.none', { count: none })}` : ''}.
        </p>
      );
    }
    return (
      <ConfirmDialog
        title={t('console.guard.closeVoting.title')}
        confirmLabel={t('console.guard.closeVoting.confirm')}
        irreversible
        {...actions}
      >
        <p className="note note-warn">{t('console.guard.closeVoting')}</p>
        <p className="dialog-figure">{t('console.guard.closeVoting.voted', { voted: view.voted, joined: view.joined })}</p>
        {unspent}
        {left > 0 && <p className="muted small">{t('console.guard.closeVoting.budget', { count: budget })}</p>}
      </ConfirmDialog>
    );
  }

  if (to === 'closed') {
    const unrevealed = view.forum.priorities.filter((p) => !view.forum.revealed.includes(p.code));
    return (
      <ConfirmDialog
        title={t('console.guard.closeForum.title')}
        confirmLabel={t('console.guard.closeForum.confirm')}
        irreversible
        {...actions}
      >
        <p className="note note-warn">{t('console.guard.closeForum')}</p>
        {unrevealed.length === 0 ? (
          <p>{t('console.guard.closeForum.allRevealed')}</p>
        ) : (
          <>
            <p className="dialog-figure">
              {t('console.guard.closeForum.unrevealed', { count: unrevealed.length, total: view.forum.priorities.length })}
            </p>
            <ul className="dialog-list">
              {unrevealed.map((p) => (
                <li key={p.code}>
                  <PriorityName priority={p} />
                </li>
              ))}
            </ul>
          </>
        )}
      </ConfirmDialog>
    );
  }

  if (to === 'ideas') {
    return from === 'lobby'
      ? light(t('console.guard.toIdeas'), t('console.guard.toIdeas.confirm'))
      : light(t('console.guard.reopenIdeas'), t('console.guard.reopenIdeas.confirm'));
  }
  if (to === 'review') {
    return light(t('console.guard.toReview'), t('console.guard.toReview.confirm'), t('console.guard.toReview.ideas', { ideas }));
  }
  return light(t('console.guard.toVoting'), t('console.guard.toVoting.confirm'), t('console.guard.toVoting.ideas', { ideas }));
}

function Counters() {
  const t = useT();
  const view = useView();
  const ideas = Object.values(view.ideaCounts).reduce((a, b) => a + b, 0);
  // "115 з 130": the figure large, its "з 130" smaller beside it, so that it stays one line in a
  // quarter of the column at 1280 px.
  const items: [string, number, number | null][] = [
    [t('console.joined'), view.joined, view.admission.expectedAttendance > 0 ? view.admission.expectedAttendance : null],
    [t('console.online'), view.online, null],
    [t('console.ideasTotal'), ideas, null],
    [t('console.voted'), view.voted, view.joined],
  ];
  return (
    <dl className="counters">
      {items.map(([label, value, of]) => (
        <div key={label} className="counter-card">
          <dt>{label}</dt>
          <dd>
            {value}
            {of !== null && <span className="counter-of"> {t('console.counterOf', { total: of })}</span>}
          </dd>
        </div>
      ))}
    </dl>
  );
}

function PriorityTable() {
  const t = useT();
  const view = useView();
  const hidden: Record<string, number> = {};
  for (const idea of view.ideas) if (idea.status === 'hidden') hidden[idea.priorityCode] = (hidden[idea.priorityCode] ?? 0) + 1;
  const sum = (r: Record<string, number>) => Object.values(r).reduce((a, b) => a + b, 0);
  const showVoting = ['voting', 'results', 'closed'].includes(view.forum.phase);

  return (
    <section className="card" aria-labelledby="h-progress">
      <h2 id="h-progress">{showVoting ? t('console.progress') : t('console.priorities')}</h2>
      <div className="table-wrap">
        <table className="data-table">
          <thead>
            <tr>
              <th scope="col">{t('common.priority')}</th>
              <th scope="col" className="num">{t('console.ideasTotal')}</th>
              <th scope="col" className="num">{t('console.hiddenCount')}</th>
              <th scope="col" className="num">{t('console.voted')}</th>
              <th scope="col" className="num">{t('console.dotsPlaced')}</th>
              {showVoting && (
                <th scope="col" className="num">
                  {t('console.unspent')}
                </th>
              )}
            </tr>
          </thead>
          <tbody>
            {view.forum.priorities.map((p) => {
              const voted = view.votedPerPriority[p.code] ?? 0;
              const share = view.joined > 0 ? Math.round((voted / view.joined) * 100) : 0;
              return (
                <tr key={p.code} style={{ ['--pcolor' as string]: p.color }}>
                  <th scope="row">
                    <PriorityName priority={p} />
                  </th>
                  <td className="num">{view.ideaCounts[p.code] ?? 0}</td>
                  <td className="num">{hidden[p.code] ?? 0}</td>
                  <td className="num">
                    <span className="voted-cell">
                      <span className="bar" aria-hidden="true">
                        <span style={{ width: `${share}%`, background: p.color }} />
                      </span>
                      {voted}
                    </span>
                  </td>
                  <td className="num">{view.dotsPerPriority[p.code] ?? 0}</td>
                  {showVoting && <td className="num">{view.unspentPerPriority[p.code] ?? 0}</td>}
                </tr>
              );
            })}
          </tbody>
          <tfoot>
            <tr>
              <th scope="row">{t('console.total')}</th>
              <td className="num">{sum(view.ideaCounts)}</td>
              <td className="num">{sum(hidden)}</td>
              <td className="num">{view.voted}</td>
              <td className="num">{sum(view.dotsPerPriority)}</td>
              {/* Participants with dots left anywhere, not the column's sum: one with dots left in two priorities would count twice. */}
              {showVoting && <td className="num">{unspentBallots(view).left}</td>}
            </tr>
          </tfoot>
        </table>
      </div>
    </section>
  );
}

function Participants() {
  const t = useT();
  const view = useView();
  const [voiding, setVoiding] = useState<ConsoleParticipant | null>(null);
  // As decideVoid (shared/forum/admission.ts) refuses it: the hall has seen results by then.
  const voidLocked = !canVoid(view.forum);
  return (
    <section className="card participants" aria-labelledby="h-participants">
      <h2 id="h-participants">
        {t('console.participants')}{' '}
        <span className="muted heading-note">
          {t('count.participants', { count: view.joined })}, {t('count.online', { count: view.online })}
        </span>
      </h2>
      {view.joined === 0 ? (
        <p className="muted">{t('console.noParticipants')}</p>
      ) : (
        <>
          {voidLocked && (
            <p className="note note-info small" id="void-locked">
              {t('console.voidLocked')}
            </p>
          )}
          {view.participantPages ? (
            <ParticipantPages pageSize={view.participantPages.pageSize} version={view.participantPages.version} voidLocked={voidLocked} onVoid={setVoiding} />
          ) : (
            <ParticipantTable
              people={[...view.participants].sort(
                (a, b) => Number(!!a.voided) - Number(!!b.voided) || Number(b.online) - Number(a.online) || a.joinedAt - b.joinedAt,
              )}
              voidLocked={voidLocked}
              onVoid={setVoiding}
            />
          )}
        </>
      )}
      {voiding && <VoidDialog participant={voiding} close={() => setVoiding(null)} />}
    </section>
  );
}

/** How long typing waits before the search goes to the server, and how often a changing forum's page is asked again. */
const SEARCH_WAIT_MS = 300;
const PAGE_REFRESH_MS = 1000;

/**
 * A forum of many participants: a page of rows at a time, asked of the server (participant:page)
 * with the search typed, and asked again, at most once a second, when the view says rows changed.
 */
function ParticipantPages({ pageSize, version, voidLocked, onVoid }: { pageSize: number; version: number; voidLocked: boolean; onVoid(p: ConsoleParticipant): void }) {
  const t = useT();
  const [typed, setTyped] = useState('');
  const [query, setQuery] = useState('');
  const [page, setPage] = useState(0);
  const [shown, setShown] = useState<{ rows: ConsoleParticipant[]; matching: number; page: number } | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [loading, setLoading] = useState(false);
  const asked = useRef(0);
  const lastAsk = useRef(0);

  useEffect(() => {
    const wait = setTimeout(() => {
      setQuery(typed.trim());
      setPage(0);
    }, SEARCH_WAIT_MS);
    return () => clearTimeout(wait);
  }, [typed]);

  useEffect(() => {
    // A row changing many times a second (a vote under way) asks at most once a second.
    const delay = Math.max(0, lastAsk.current + PAGE_REFRESH_MS - Date.now());
    const timer = setTimeout(() => {
      const turn = ++asked.current;
      lastAsk.current = Date.now();
      setLoading(true);
      send('participant:page', { query, page }).then(
        (ack) => {
          if (turn !== asked.current) return;
          setLoading(false);
          if (ack.ok) {
            setShown(ack.data);
            setError(null);
          } else setError(ack.error.message);
        },
        (err: unknown) => {
          if (turn !== asked.current) return;
          setLoading(false);
          setError(String((err as Error)?.message ?? err));
        },
      );
    }, delay);
    return () => clearTimeout(timer);
  }, [query, page, version]);

  const pages = shown ? Math.max(1, Math.ceil(shown.matching / pageSize)) : 1;
  const from = shown && shown.matching > 0 ? shown.page * pageSize + 1 : 0;
  const to = shown ? shown.page * pageSize + shown.rows.length : 0;
  return (
    <div className="participant-pages">
      <p className="muted small" id="pages-note">
        {t('console.pages.note', { size: pageSize })}
      </p>
      <form className="pages-search" role="search" onSubmit={(e) => e.preventDefault()}>
        <label htmlFor="participant-search">{t('console.pages.search')}</label>
        <input id="participant-search" type="search" value={typed} maxLength={100} aria-describedby="pages-note" autoComplete="off" onChange={(e) => setTyped(e.target.value)} />
      </form>
      <p className="pages-status small" role="status" aria-live="polite">
        {error
          ? null
          : !shown
            ? t('console.pages.loading')
            : shown.matching === 0
              ? t('console.pages.none')
              : t('console.pages.shown', { from, to, count: shown.matching })}
      </p>
      {error && (
        <p className="note note-error small" role="alert">
          {t('console.pages.failed', { message: error })}
        </p>
      )}
      {shown && shown.rows.length > 0 && <ParticipantTable people={shown.rows} voidLocked={voidLocked} onVoid={onVoid} busy={loading} />}
      {shown && pages > 1 && (
        <nav className="pager" aria-label={t('console.pages.page', { page: shown.page + 1, pages })}>
          <button type="button" className="btn btn-small" disabled={shown.page === 0} onClick={() => setPage(shown.page - 1)}>
            {t('console.pages.previous')}
          </button>
          <span aria-hidden="true">{t('console.pages.page', { page: shown.page + 1, pages })}</span>
          <button type="button" className="btn btn-small" disabled={shown.page >= pages - 1} onClick={() => setPage(shown.page + 1)}>
            {t('console.pages.next')}
          </button>
        </nav>
      )}
    </div>
  );
}

function ParticipantTable({ people, voidLocked, onVoid, busy = false }: { people: readonly ConsoleParticipant[]; voidLocked: boolean; onVoid(p: ConsoleParticipant): void; busy?: boolean }) {
  const t = useT();
  return (
    <div className="table-wrap participants-scroll" tabIndex={0} aria-labelledby="h-participants" aria-busy={busy}>
      <table className="data-table">
        <thead>
          <tr>
            <th scope="col">
              {t('field.name')}
              <span className="visually-hidden">, {t('console.status')}</span>
            </th>
            <th scope="col" className="num col-ideas">
              {t('console.ideasTotal')}
            </th>
            <th scope="col" className="num col-dots">
              {t('console.dotsColumn')}
            </th>
            <th scope="col" className="col-actions">
              <span className="visually-hidden">{t('console.actions')}</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {people.map((p) => (
            <tr key={p.id} className={p.voided !== null ? 'is-voided' : undefined}>
              <td className="typed">
                <span id={`participant-${p.id}`} className="participant-name" tabIndex={-1}>
                  {p.name || <span className="muted">{t('common.anonymous')}</span>}
                </span>
                {p.ticketNumber !== null && <span className="ticket-number">{t('console.ticketN', { number: p.ticketNumber })}</span>}
                {/* Under the name rather than a column of its own: the name keeps the width of its words. */}
                <span className="participant-status">
                  {p.voided !== null ? (
                    <span className="voided-mark">{t('console.voidedBecause', { reason: p.voided })}</span>
                  ) : (
                    <span className={`presence ${p.online ? 'on' : 'off'}`}>
                      <span className="presence-dot" aria-hidden="true" />
                      {t(p.online ? 'console.isOnline' : 'console.isOffline')}
                    </span>
                  )}
                </span>
              </td>
              <td className="num">{p.ideas}</td>
              <td className="num">{p.dots}</td>
              <td className="row-actions">
                {p.voided === null && (
                  <button
                    type="button"
                    className="btn btn-danger btn-small"
                    disabled={voidLocked}
                    aria-describedby={voidLocked ? `participant-${p.id} void-locked` : `participant-${p.id}`}
                    onClick={() => onVoid(p)}
                  >
                    {t('console.void')}
                  </button>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** Voiding one participant: what it does, a reason (required: the participant and the log see it). */
function VoidDialog({ participant, close }: { participant: ConsoleParticipant; close(): void }) {
  const t = useT();
  const commands = useCommands();
  const [reason, setReason] = useState('');
  const [error, setError] = useState('');
  const done = useRef(false);
  const reasonRef = useRef<HTMLInputElement>(null);
  const busy = commands.busy('void');
  const name = participant.name || t('common.anonymous');

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!reason.trim()) {
      setError(t('err.TEXT_REQUIRED', { fieldName: t('field.reason') }));
      reasonRef.current?.focus();
      return;
    }
    const ok = await commands.run('void', 'participant:void', { participantId: participant.id, reason }, (data) =>
      t('console.voided', { dots: data.dotsRemoved, ideas: data.ideasHidden }),
    );
    if (ok) {
      done.current = true;
      close();
    }
  };

  return (
    <Dialog
      title={t('console.void.title', { name })}
      describedBy="void-help"
      initialFocus={reasonRef}
      onClose={close}
      // Once voided, the row's button goes away: focus lands on the participant's name instead.
      returnFocus={() => (done.current ? document.getElementById(`participant-${participant.id}`) : null)}
    >
      <form onSubmit={(e) => void submit(e)} noValidate>
        <p id="void-help" className="note note-warn">
          {t('console.void.help')}
        </p>
        <RequiredText
          id="void-reason"
          label={t('console.void.reason')}
          value={reason}
          maxLength={LIMITS.reason}
          error={error}
          inputRef={reasonRef}
          onChange={(value) => {
            setReason(value);
            setError('');
          }}
        />
        <div className="form-actions dialog-actions">
          <button type="button" className="btn btn-secondary" onClick={close}>
            {t('common.cancel')}
          </button>
          <button type="submit" className="btn btn-danger-solid" disabled={busy}>
            {t('console.void')}
          </button>
        </div>
      </form>
    </Dialog>
  );
}
