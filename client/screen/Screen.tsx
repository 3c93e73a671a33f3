// What the hall sees: the slide the facilitator put up, or the one the phase brings. Nothing here
// shows a tally before its priority is revealed: the server does not send any.
//
// Every slide fits the screen as it is, without scrolling: lists are sized from the room measured
// on the page (ResizeObserver), type is set in rem, and the root font size follows the viewport
// (screen.css), so 1280×720 looks like 1920×1080 scaled down.

import { forumPath } from '../lib/forum.js';
import { useEffect, useLayoutEffect, useRef, useState, type CSSProperties, type RefObject } from 'react';
import { leftLine, topWithTies, type TopCut } from '../../shared/forum/tally.js';
import type { Priority } from '../../shared/forum/types.js';
import type { MessageKey } from '../../shared/i18n/index.js';
import type { PriorityResult, PublicIdea, ResultRow, ScreenView } from '../../shared/protocol.js';
import { AA_LARGE, AA_TEXT, readableOn } from '../../shared/color.js';
import { everyCaseHandled } from '../../shared/exhaustive.js';
import { useCountdown } from '../lib/countdown.js';
import { groupCode } from '../lib/format.js';
import { useT } from '../lib/i18n.js';
import { useConnection } from '../lib/connection.js';
import { ConnectionBanner, LanguageToggle, RefusalText, useTitle } from '../lib/ui.js';
import { useScreen } from './store.js';
import { CityVoteSlide } from './CityVote.js';

export function Screen() {
  const t = useT();
  const view = useScreen((s) => s.view);
  const refused = useConnection((s) => s.refused);
  const hasKey = useScreen((s) => s.key !== '');
  const forgetKey = useScreen((s) => s.forgetKey);
  // Whether this page came with a key at all, as it was before a refused one was forgotten.
  const [cameWithKey] = useState(hasKey);
  useTitle(t('screen.title'));
  useEffect(() => {
    if (refused?.code === 'FORBIDDEN') forgetKey();
  }, [refused, forgetKey]);
  if (refused && refused.code !== 'PROTOCOL_MISMATCH') {
    const hasKey = cameWithKey;
    return (
      <p className="screen-loading" role="alert">
        {refused.code === 'FORBIDDEN' ? t(hasKey ? 'screen.badKey' : 'screen.noKey') : <RefusalText refused={refused} />}
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
  const slide = slideOf(view);
  return (
    <div className={`screen phase-${phase}`}>
      <ConnectionBanner />
      <header className="screen-head">
        <h1>{view.forum.title}</h1>
        <p className="screen-phase">{t(`phase.${phase}` as MessageKey)}</p>
        <ScreenTimer view={view} />
        <div className="screen-lang">
          <LanguageToggle />
        </div>
      </header>
      <main className="screen-main">
        {view.forum.cityVote ? (
          <CityVoteSlide view={view} vote={view.forum.cityVote} join={<JoinBox view={view} large />} resultsAt={resultsAddress(view.joinUrl)} />
        ) : (
          <ForumSlide view={view} slide={slide} />
        )}
      </main>
    </div>
  );
}

/** What a forum's evening puts up: the slide its phase brings, or the facilitator's choice. */
function ForumSlide({ view, slide }: { view: ScreenView; slide: Slide }) {
  return (
    <>
        {slide.kind === 'join' && <Lobby view={view} />}
        {slide.kind === 'ideas' && <IdeasWall view={view} />}
        {slide.kind === 'review' && <Review view={view} />}
        {slide.kind === 'voting' && <VotingProgress view={view} />}
        {slide.kind === 'results' && <Results view={view} result={slide.result} />}
        {slide.kind === 'final' && <FinalSlide view={view} />}
    </>
  );
}

/**
 * The facilitator's countdown, large at the header's right, in the warning colour in its last
 * minute. It takes the header's own line height, so the slides below keep the room they measured.
 */
function ScreenTimer({ view }: { view: ScreenView }) {
  const t = useT();
  const countdown = useCountdown(view.forum.timer);
  if (!countdown) return null;
  return (
    <p className={`screen-timer${countdown.warning ? ' warning' : ''}`}>
      <span className="screen-timer-label">{t(countdown.over ? 'screen.timer.over' : 'screen.timer.left')}</span>{' '}
      <span className="screen-timer-figure" role="timer">
        {countdown.text}
      </span>
    </p>
  );
}

type Slide =
  | { kind: 'join' | 'ideas' | 'review' | 'voting' | 'final' }
  | { kind: 'results'; result: PriorityResult | undefined };

/** The facilitator's choice when there is one, else what the phase brings. */
function slideOf(view: ScreenView): Slide {
  const { display, phase } = view.forum;
  // A closed forum takes no one: a join slide left up (or put up) gives way to the results.
  if (display.slide === 'join' && phase !== 'closed') return { kind: 'join' };
  if (display.slide === 'final') return { kind: 'final' };
  if (display.slide === 'priority') {
    const result = view.results.find((r) => r.priorityCode === display.priorityCode);
    // The server puts up only revealed priorities; should one be missing, the phase's own slide stands.
    if (result) return { kind: 'results', result };
  }
  switch (phase) {
    case 'lobby':
      return { kind: 'join' };
    case 'ideas':
    case 'review':
    case 'voting':
      return { kind: phase };
    case 'results':
    case 'closed':
      return { kind: 'results', result: view.results.at(-1) };
    default:
      everyCaseHandled(phase);
      return { kind: 'results', result: view.results.at(-1) };
  }
}

// ---------------------------------------------------------------- fitting

interface Box {
  width: number;
  height: number;
  /** The root font size in px, which every rem on the projector is made of. */
  rem: number;
}

/**
 * The size of an element that takes the room its parent leaves it (flex: 1 1 0, min-height: 0), so
 * what is put in it never changes what is measured.
 */
function useBox<T extends HTMLElement>(): [RefObject<T | null>, Box | null] {
  const ref = useRef<T>(null);
  const [box, setBox] = useState<Box | null>(null);
  useLayoutEffect(() => {
    const el = ref.current;
    if (!el) return;
    const measure = () => {
      const { width, height } = el.getBoundingClientRect();
      const rem = parseFloat(getComputedStyle(document.documentElement).fontSize) || 16;
      setBox((b) => (b && b.width === width && b.height === height && b.rem === rem ? b : { width, height, rem }));
    };
    measure();
    const observer = new ResizeObserver(measure);
    observer.observe(el);
    return () => observer.disconnect();
  }, []);
  return [ref, box];
}

/** How many rows of `row` px, `gap` px apart, fit in `height` px. */
const rowsIn = (height: number, row: number, gap: number) => Math.max(0, Math.floor((height + gap) / (row + gap)));

// ---------------------------------------------------------------- colour

/** The projector's surfaces: the page, a card, a bar's empty track (screen.css). */
const PANEL = '#161b22';
const TRACK = '#21262d';

const cache = new Map<string, string>();
const remembered = (key: string, make: () => string) => cache.get(key) ?? (cache.set(key, make()), cache.get(key)!);

/**
 * A priority's colour as text: lightened until it reads on a card (the lighter of the two dark
 * surfaces it is written on), so it reads on the page too.
 */
const inkOf = (color: string | undefined) => (color ? remembered(`ink${color}`, () => readableOn(color, PANEL, AA_TEXT)) : undefined);
/** A priority's colour as a bar, border or stripe: 3:1 against the lightest surface it meets. */
const paintOf = (color: string | undefined) => (color ? remembered(`paint${color}`, () => readableOn(color, TRACK, AA_LARGE)) : undefined);

const priorityOf = (view: ScreenView, code: string): Priority | undefined => view.forum.priorities.find((p) => p.code === code);

// ---------------------------------------------------------------- joining

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
  const qr = forumPath(`/qr.svg?c=${view.joinCode}`);
  return (
    <section className={`join${large ? ' join-large' : ' join-side'}`} aria-label={t('screen.join')}>
      {/* With tickets, each ticket carries its own QR: a second one on the wall would only confuse. */}
      {!tickets && <img className="qr" src={qr} alt={`QR: ${view.joinUrl}`} />}
      <div className="join-text">
        {tickets && <p className="join-mode">{t('screen.tickets')}</p>}
        {tickets ? <p className="join-how">{t('screen.ticketsHow')}</p> : <p className="join-label">{t('screen.join')}</p>}
        <p className="join-url">
          <BreakableHost host={shortUrl(view.joinUrl)} />
        </p>
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

/** An address that, if it must wrap, wraps before its port rather than inside a number. */
function BreakableHost({ host }: { host: string }) {
  const colon = host.lastIndexOf(':');
  if (colon <= 0) return <>{host}</>;
  return (
    <>
      {host.slice(0, colon)}
      <wbr />
      {host.slice(colon)}
    </>
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

/** The lobby's slide, and the one the facilitator puts up to let latecomers in: the QR, large. */
function Lobby({ view }: { view: ScreenView }) {
  return (
    <div className="slide lobby">
      {view.forum.vision !== view.forum.title && <p className="vision">{view.forum.vision}</p>}
      <JoinBox view={view} large />
    </div>
  );
}

// ---------------------------------------------------------------- ideas, review, voting

/** Up to this many priorities, their counts get large cards; more get compact ones, to fit. */
const LARGE_COUNTS_UP_TO = 6;

function PriorityCounts({
  view,
  values,
  unit,
  large,
}: {
  view: ScreenView;
  values: Record<string, number>;
  unit: MessageKey;
  large?: boolean;
}) {
  const t = useT();
  return (
    <ul className={`priority-grid${large ? ' large' : ''}`}>
      {view.forum.priorities.map((p) => (
        <li key={p.code} style={{ borderColor: paintOf(p.color) }}>
          <span className="pg-title">{p.title}</span>
          <span className="pg-number">
            <span className="pg-count" style={{ color: inkOf(p.color) }}>
              {values[p.code] ?? 0}
            </span>{' '}
            <span className="pg-unit">{t(unit, { count: values[p.code] ?? 0 })}</span>
          </span>
        </li>
      ))}
    </ul>
  );
}

/** One row of the newest ideas, in rem: two lines of title and its padding (screen.css agrees). */
const NEWEST_ROW_REM = 2.95;
const NEWEST_GAP_REM = 0.35;
/** How long each screenful of newest ideas stays up. */
const NEWEST_PAGE_MS = 8000;

function IdeasWall({ view }: { view: ScreenView }) {
  const t = useT();
  const total = Object.values(view.ideaCounts).reduce((a, b) => a + b, 0);
  return (
    <div className="slide with-join">
      <div className="with-join-main">
        <p className="big-total">{t('count.ideas', { count: total })}</p>
        <PriorityCounts view={view} values={view.ideaCounts} unit="unit.ideas" />
        {view.newestIdeas.length > 0 && <NewestIdeas view={view} />}
      </div>
      <JoinBox view={view} />
    </div>
  );
}

/**
 * The newest ideas, as many whole rows as the room below the counts holds; when there are more, the
 * screenfuls take turns (a fade, or none for those who asked for less motion).
 */
function NewestIdeas({ view }: { view: ScreenView }) {
  const t = useT();
  const [ref, box] = useBox<HTMLDivElement>();
  const perPage = box ? rowsIn(box.height, NEWEST_ROW_REM * box.rem, NEWEST_GAP_REM * box.rem) : 0;
  const pages: PublicIdea[][] = [];
  for (let i = 0; perPage > 0 && i < view.newestIdeas.length; i += perPage) pages.push(view.newestIdeas.slice(i, i + perPage));
  const [turn, setTurn] = useState(0);
  const paging = pages.length > 1;
  useEffect(() => {
    if (!paging) return;
    const timer = setInterval(() => setTurn((n) => n + 1), NEWEST_PAGE_MS);
    return () => clearInterval(timer);
  }, [paging]);
  const page = paging ? turn % pages.length : 0;
  const style = { '--row-h': `${NEWEST_ROW_REM}rem`, '--row-gap': `${NEWEST_GAP_REM}rem` } as CSSProperties;
  return (
    <>
      <div className="newest-head">
        <h2 className="newest-h">{t('screen.newest')}</h2>
        {paging && (
          <p className="newest-pages">
            <span className="visually-hidden">{t('screen.newestPage', { page: page + 1, pages: pages.length })}</span>
            {pages.map((_, i) => (
              <span key={i} aria-hidden="true" className={i === page ? 'on' : undefined} />
            ))}
          </p>
        )}
      </div>
      <div className="newest-room" ref={ref}>
        {/* Only a turn of the page fades in: the first screenful is simply there. */}
        <ul className={`newest${turn > 0 ? ' turned' : ''}`} key={page} style={style}>
          {(pages[page] ?? []).map((idea) => {
            const priority = priorityOf(view, idea.priorityCode);
            return (
              <li key={idea.id} style={{ borderLeftColor: paintOf(priority?.color) }}>
                <span className="newest-title">{idea.title}</span>
                <span className="newest-priority">{priority?.title}</span>
              </li>
            );
          })}
        </ul>
      </div>
    </>
  );
}

function Review({ view }: { view: ScreenView }) {
  const t = useT();
  return (
    <div className="slide review">
      <p className="big-note">{t('screen.review')}</p>
      <PriorityCounts view={view} values={view.ideaCounts} unit="unit.ideas" large={view.forum.priorities.length <= LARGE_COUNTS_UP_TO} />
    </div>
  );
}

function VotingProgress({ view }: { view: ScreenView }) {
  const t = useT();
  return (
    <div className="slide with-join">
      <div className="with-join-main">
        <p className="big-total">
          {t('screen.votedOverall')}: {view.voted} / {view.joined}
        </p>
        <PriorityCounts view={view} values={view.votedPerPriority} unit="unit.participants" large={view.forum.priorities.length <= LARGE_COUNTS_UP_TO} />
        <p className="big-note small">{t('screen.noTallies')}</p>
      </div>
      <JoinBox view={view} />
    </div>
  );
}

// ---------------------------------------------------------------- results

function Results({ view, result }: { view: ScreenView; result: PriorityResult | undefined }) {
  const t = useT();
  const closed = view.forum.phase === 'closed';
  return (
    <div className="slide results">
      {closed && <p className={result ? 'closed-note' : 'big-note center-note'}>{t('screen.closed')}</p>}
      {result ? (
        <ResultChart view={view} result={result} />
      ) : (
        !closed && <p className="big-note center-note">{t('screen.resultsWaiting')}</p>
      )}
    </div>
  );
}

/**
 * A chart row in units of its title's font size: two lines of title, and the gap below. The title's
 * size follows the room, from 1rem (28 px at 1080 px: read from the back of a hall) up to 1.3rem.
 */
const ROW_EM = 2.35;
const ROW_GAP_EM = 0.3;
const TITLE_MIN_REM = 1;
const TITLE_MAX_REM = 1.3;

/** How ranks read: "=2" when the rank is shared, so a tie shows at a glance. */
function sharedRanks(rows: readonly ResultRow[]): Set<number> {
  const seen = new Set<number>();
  const shared = new Set<number>();
  for (const r of rows) (seen.has(r.rank) ? shared : seen).add(r.rank);
  return shared;
}

function RankCell({ rank, shared }: { rank: number; shared: boolean }) {
  const t = useT();
  return (
    <span className={`bar-rank${rank === 1 ? ' first' : ''}`}>
      <span aria-hidden="true">{shared ? `=${rank}` : rank}</span>
      <span className="visually-hidden">{t(shared ? 'screen.rankShared' : 'screen.rankOf', { rank })}</span>
    </span>
  );
}

/**
 * The line that stands for the ideas of the cut the room left out, worded as the result pictures
 * word it (server/results/chart.ts), so nothing of the top leaves the screen unsaid.
 */
function LeftLine({ className, left, lastShown }: { className: string; left: NonNullable<TopCut<ResultRow>['left']>; lastShown: ResultRow | undefined }) {
  const t = useT();
  const line = leftLine(left, lastShown?.rank);
  const text =
    line === 'tie'
      ? t('screen.tiedHidden', { count: left.count, rank: left.from })
      : line === 'rank'
        ? t('screen.moreAt', { count: left.count, rank: left.from })
        : t('screen.moreRanks', left);
  return <li className={className}>{text}</li>;
}

function ResultChart({ view, result }: { view: ScreenView; result: PriorityResult }) {
  const t = useT();
  const [ref, box] = useBox<HTMLDivElement>();
  const priority = priorityOf(view, result.priorityCode);
  const shared = sharedRanks(result.rows);
  let body = null;
  if (box && result.rows.length === 0) body = <p className="big-note">{t('screen.final.noIdeas')}</p>;
  else if (box) {
    const minRow = TITLE_MIN_REM * box.rem * (ROW_EM + ROW_GAP_EM);
    const { shown, left } = topWithTies(result.rows, view.forum.resultsTop, Math.max(1, Math.floor(box.height / minRow)), result.tiedAfter);
    const lines = shown.length + (left ? 1 : 0);
    // As large as the room allows, never below the readable minimum the cut was made for.
    const font = Math.max(TITLE_MIN_REM * box.rem, Math.min(TITLE_MAX_REM * box.rem, box.height / Math.max(1, lines) / (ROW_EM + ROW_GAP_EM)));
    const max = Math.max(1, ...shown.map((r) => r.dots));
    const style = { fontSize: `${font}px`, '--row-h': `${ROW_EM}em`, '--row-gap': `${ROW_GAP_EM}em` } as CSSProperties;
    const bar = paintOf(priority?.color);
    body = (
      <ol className="bars" style={style}>
        {shown.map((row) => (
          <li key={row.ideaId}>
            <RankCell rank={row.rank} shared={shared.has(row.rank)} />
            <span className="bar-label">{row.title}</span>
            <span className="bar-track" aria-hidden="true">
              <span className={`bar-fill${row.dots ? '' : ' none'}`} style={{ width: `${(row.dots / max) * 100}%`, background: bar }} />
            </span>
            <span className="bar-value">
              <span className="bar-dots">
                {row.dots}
                <span className="visually-hidden"> {t('unit.dots', { count: row.dots })}</span>
              </span>
              <span className="bar-sub">{t('count.supporters', { count: row.supporters })}</span>
            </span>
          </li>
        ))}
        {left && <LeftLine className="bar-more" left={left} lastShown={shown.at(-1)} />}
      </ol>
    );
  }
  return (
    <section className="chart" aria-labelledby="chart-h">
      <div className="chart-head">
        <h2 id="chart-h" style={{ color: inkOf(priority?.color) }}>
          {priority?.title}
        </h2>
        <p className="chart-progress">{t('screen.revealedOf', { revealed: view.results.length, count: view.forum.priorities.length })}</p>
      </div>
      <div className="chart-room" ref={ref}>
        {body}
      </div>
    </section>
  );
}

// ---------------------------------------------------------------- the final slide

/** A winner's row in units of its font size: two lines of title, and the gap below. */
const WINNER_EM = 2.3;
const WINNER_GAP_EM = 0.3;
/** A band's padding (top and bottom together) and the gap between bands, in rem. */
const BAND_PAD_REM = 0.6;
const BAND_GAP_REM = 0.35;
/** Winners' titles grow up to this when the bands have room for all of them. */
const WINNER_MAX_REM = 1.25;

/** A revealed priority's winners: every idea at rank 1, when anyone put a dot there at all. */
const winnersOf = (result: PriorityResult) => result.rows.filter((r) => r.rank === 1 && r.dots > 0);

/**
 * Rows for each band when not all that are wanted fit: one each first, then one more in turn to
 * each band that still wants some, while the budget lasts.
 */
function shareRows(wanted: readonly number[], budget: number): number[] {
  const rows = wanted.map(() => 1);
  let left = budget - rows.length;
  for (let gave = true; gave && left > 0; ) {
    gave = false;
    for (let i = 0; i < rows.length && left > 0; i++) {
      if (rows[i] < wanted[i]) {
        rows[i]++;
        left--;
        gave = true;
      }
    }
  }
  return rows;
}

/**
 * Every priority's winners, all ideas at rank 1 with their dots, ties included: one band per
 * priority, its name beside its winners, each band as tall as its winners need. A priority not yet
 * revealed is listed as such, and nothing of its ideas is shown (nor sent: the server has none).
 */
function FinalSlide({ view }: { view: ScreenView }) {
  const t = useT();
  const [ref, box] = useBox<HTMLDivElement>();
  const priorities = view.forum.priorities;
  const cols = priorities.length <= 7 ? 1 : priorities.length <= 14 ? 2 : 3;
  const perColumn = Math.ceil(priorities.length / cols);
  const columns: Priority[][] = [];
  for (let i = 0; i < priorities.length; i += perColumn) columns.push(priorities.slice(i, i + perColumn));
  const resultOf = (p: Priority) => view.results.find((r) => r.priorityCode === p.code);
  let body = null;
  if (box) {
    const pad = BAND_PAD_REM * box.rem;
    const gap = BAND_GAP_REM * box.rem;
    const slot = WINNER_EM + WINNER_GAP_EM;
    const plans = columns.map((column) => {
      const free = box.height - gap * (column.length - 1) - pad * column.length;
      const wanted = column.map((p) => {
        const result = resultOf(p);
        return result ? Math.max(1, winnersOf(result).length) : 1;
      });
      // At the readable size, how many winners' rows the column holds; fewer than wanted: shared out.
      const budget = Math.floor(free / (slot * TITLE_MIN_REM * box.rem));
      const rows = wanted.reduce((a, b) => a + b, 0) <= budget ? wanted : shareRows(wanted, Math.max(budget, column.length));
      return { column, rows, font: free / rows.reduce((a, b) => a + b, 0) / slot };
    });
    // One size on the whole slide: the largest that every column can take.
    const font = Math.min(WINNER_MAX_REM * box.rem, ...plans.map((plan) => plan.font));
    const style = { fontSize: `${font}px`, gap: `${gap}px`, '--row-h': `${WINNER_EM}em`, '--row-gap': `${WINNER_GAP_EM}em` } as CSSProperties;
    body = (
      <div className={`final-grid${cols > 1 ? ' narrow' : ''}`} style={{ ...style, gridTemplateColumns: `repeat(${cols}, minmax(0, 1fr))` }}>
        {plans.map(({ column, rows }, c) => (
          <ul key={c} className="final-column" style={{ gap: `${gap}px` }}>
            {column.map((p, i) => {
              const result = resultOf(p);
              return (
                <li
                  key={p.code}
                  className={`final-band${result ? '' : ' pending'}`}
                  style={{ flexGrow: rows[i], borderLeftColor: paintOf(p.color), padding: `${pad / 2}px ${0.8 * box.rem}px` }}
                >
                  <h3 style={{ color: result ? inkOf(p.color) : undefined }}>{p.title}</h3>
                  {result ? <Winners result={result} room={rows[i]} /> : <p className="final-note">{t('screen.final.notYet')}</p>}
                </li>
              );
            })}
          </ul>
        ))}
      </div>
    );
  }
  return (
    <section className="slide final" aria-labelledby="final-h">
      <h2 id="final-h">{t('screen.final.title')}</h2>
      <div className="final-room" ref={ref}>
        {body}
      </div>
      {view.resultsHash ? (
        <p className="final-hash">
          {t('screen.final.hash')} <span className="final-hash-value">{view.resultsHash.replace(/(.{8})(?=.)/g, '$1 ')}</span>
          <br />
          {view.forum.publicResults ? t('screen.final.hashCheck', { address: resultsAddress(view.joinUrl) }) : t('screen.final.hashKeep')}
        </p>
      ) : (
        <p className="final-hash">{t('screen.final.hashLater')}</p>
      )}
    </section>
  );
}

/** The public results page's address, as a person types it: the join address's, without its code. */
function resultsAddress(joinUrl: string): string {
  try {
    const url = new URL(joinUrl);
    return `${url.host}${url.pathname}results`;
  } catch {
    return 'results';
  }
}

function Winners({ result, room }: { result: PriorityResult; room: number }) {
  const t = useT();
  if (result.rows.length === 0) return <p className="final-note">{t('screen.final.noIdeas')}</p>;
  const winners = winnersOf(result);
  // When nobody put a dot here, every idea shares rank 1: that is no win.
  if (winners.length === 0) return <p className="final-note">{t('screen.final.noVotes')}</p>;
  // All of them are tied at rank 1: as many as the band holds, and a line for the rest.
  // The rows sent may stop inside a tie at rank 1 (server/forum/views.ts screenResult): it goes on.
  const { shown, left } = topWithTies(winners, room, room, winners.length === result.rows.length ? result.tiedAfter : 0);
  return (
    <ol className="final-winners">
      {shown.map((row) => (
        <li key={row.ideaId} className="final-winner">
          <span className="final-title">{row.title}</span>
          <span className="final-dots">{t('count.dots', { count: row.dots })}</span>
        </li>
      ))}
      {left && <LeftLine className="final-more" left={left} lastShown={shown.at(-1)} />}
    </ol>
  );
}
