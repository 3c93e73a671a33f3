// Voting on a phone, led step by step: a stepper of every priority with the dots left in it, one
// priority's ideas at a time (a page of the wall in this device's own order, with a search and
// "more": Wall.tsx), a big "next" button at the end of each list, and last a summary of where
// every dot went. The ideas dots are on are known from the pages seen, or asked for by id.

import { useEffect, useMemo, useRef, useState, type ReactNode, type RefObject } from 'react';
import type { Priority } from '../../shared/forum/types.js';
import type { PhoneForumInfo, MeView, PublicIdea, WallIdea } from '../../shared/protocol.js';
import { useConnection } from '../lib/connection.js';
import { useT, type T } from '../lib/i18n.js';
import { load, save } from '../lib/storage.js';
import { Dots, IdeaBody } from './parts.js';
import { pendingByIdea, tapDot, usePending, type Outcome } from './pending.js';
import { usePhone } from './store.js';
import { learnIdeas } from './wall.js';
import { WallPageView } from './Wall.js';

/** The step after the last priority. Priority codes are letters, digits, '.' and '-', so this one is free. */
const SUMMARY = '#summary';
const STEP_KEY = 'viche.step';

/** What the voting screens need to know about one idea's dots, this phone's taps included. */
interface Tally {
  /** Saved on the server. */
  saved: number;
  /** With the taps still waiting in the queue. */
  mine: number;
  waiting: boolean;
}

export function Voting({ forum, me }: { forum: PhoneForumInfo; me: MeView }) {
  const t = useT();
  const known = usePhone((s) => s.known);
  const counts = usePhone((s) => s.counts);
  const queue = usePending((s) => s.queue);
  const last = usePending((s) => s.last);
  const online = useConnection((s) => s.status === 'online');
  const { dotsPerPriority: budget, maxDotsPerIdea: cap } = forum.rules;
  const steps = [...forum.priorities.map((p) => p.code), SUMMARY];
  const [current, setCurrent] = useState(() => {
    const kept = load(STEP_KEY);
    return kept && steps.includes(kept) ? kept : steps[0];
  });
  const step = steps.includes(current) ? current : steps[0];
  const anchorRef = useRef<HTMLDivElement>(null);
  const headingRef = useRef<HTMLHeadingElement>(null);
  const moved = useRef(false);

  const pending = pendingByIdea(queue);
  const tally = (id: string): Tally => {
    const saved = me.dots[id] ?? 0;
    return { saved, mine: saved + (pending.get(id) ?? 0), waiting: queue.some((op) => op.ideaId === id) };
  };
  // The ideas this phone has dots on (or taps waiting), by priority: known from the pages seen, and
  // those not seen (after a reload) asked for by id.
  const dotted = useMemo(() => [...new Set([...Object.keys(me.dots), ...queue.map((op) => op.ideaId)])], [me.dots, queue]);
  const unknown = dotted.filter((id) => !known[id]).join(',');
  useEffect(() => {
    if (unknown && online) void learnIdeas(unknown.split(','));
  }, [unknown, online]);
  const byPriority = useMemo(() => {
    const lists = new Map<string, WallIdea[]>(forum.priorities.map((p) => [p.code, []]));
    for (const id of dotted) {
      const idea = known[id];
      if (idea) lists.get(idea.priorityCode)?.push(idea);
    }
    return lists;
  }, [forum.priorities, dotted, known]);
  const lefts = new Map(forum.priorities.map((p) => [p.code, budget - (byPriority.get(p.code) ?? []).reduce((n, i) => n + tally(i.id).mine, 0)]));
  const leftIn = (code: string) => lefts.get(code) ?? budget;

  function go(code: string) {
    moved.current = true;
    setCurrent(code);
    save(STEP_KEY, code);
  }
  // After moving to another step, bring its start to the top (below the sticky bars) and put focus
  // on its heading, so a screen reader says where it landed; not on first showing.
  useEffect(() => {
    if (!moved.current) return;
    moved.current = false;
    const anchor = anchorRef.current;
    if (anchor) {
      const bar = document.querySelector('.top-bar')?.getBoundingClientRect().height ?? 0;
      window.scrollTo({ top: Math.max(0, anchor.getBoundingClientRect().top + window.scrollY - bar - 8) });
    }
    headingRef.current?.focus({ preventScroll: true });
  }, [step]);

  const waitingText = online ? t('common.saving') : t('phone.voting.pending');
  const outcomeText = (o: Outcome | null) => (!o ? '' : o.ok ? t('common.saved') : t('common.notSaved', { message: o.message }));
  const status = queue.length > 0 ? waitingText : outcomeText(last);
  // Only priorities with ideas to vote on count: an empty one's dots cannot be placed.
  const votable = forum.priorities.filter((p) => (counts[p.code] ?? 0) > 0);
  const placed = votable.reduce((n, p) => n + budget - leftIn(p.code), 0);
  const total = budget * votable.length;
  const index = steps.indexOf(step);
  const nextStep = steps[index + 1];
  const priority = forum.priorities.find((p) => p.code === step);

  const row = (idea: PublicIdea, p: Priority) => (
    <IdeaRow
      key={idea.id}
      forum={forum}
      idea={idea}
      priority={p}
      tally={tally(idea.id)}
      left={leftIn(p.code)}
      cap={cap}
      own={me.ideas.some((i) => i.id === idea.id)}
      status={tally(idea.id).waiting ? waitingText : last?.ideaId === idea.id ? outcomeText(last) : ''}
      t={t}
    />
  );

  return (
    <section aria-labelledby="voting-h">
      <div className="card voting-card">
        <h1 id="voting-h">{t('phone.voting.heading')}</h1>
        <p>{t('phone.voting.help', { dots: t('count.dots', { count: budget }), cap: t('count.dotsUpTo', { count: cap }) })}</p>
        <nav aria-label={t('phone.voting.steps')} id="voting-steps">
          <ol className="steps">
            {forum.priorities.map((p, i) => (
              <li key={p.code}>
                <button
                  type="button"
                  className="step"
                  style={{ borderColor: p.color }}
                  aria-current={p.code === step ? 'step' : undefined}
                  onClick={() => go(p.code)}
                >
                  <span className="step-n" aria-hidden="true">
                    {i + 1}
                  </span>
                  <span className="step-title">{p.title}</span>
                  <span className="step-state">
                    {(counts[p.code] ?? 0) > 0 ? (
                      <>
                        <Dots total={budget} filled={Math.max(0, leftIn(p.code))} color={p.color} />
                        <span>{t('count.dotsLeft', { count: leftIn(p.code) })}</span>
                      </>
                    ) : (
                      <span>{t('phone.voting.stepEmpty')}</span>
                    )}
                  </span>
                </button>
              </li>
            ))}
            <li className="step-wide">
              <button type="button" className="step step-summary" aria-current={step === SUMMARY ? 'step' : undefined} onClick={() => go(SUMMARY)}>
                <span className="step-n" aria-hidden="true">
                  ✓
                </span>
                <span className="step-title">{t('phone.voting.summary')}</span>
                <span className="step-state">{t('phone.voting.placed', { placed, total })}</span>
              </button>
            </li>
          </ol>
        </nav>
      </div>
      <div ref={anchorRef} />
      {priority ? (
        <PriorityStep
          key={priority.code}
          forum={forum}
          me={me}
          priority={priority}
          count={counts[priority.code] ?? 0}
          left={leftIn(priority.code)}
          status={status}
          headingRef={headingRef}
          row={(idea) => row(idea, priority)}
          next={nextStep}
          nextTitle={forum.priorities.find((p) => p.code === nextStep)?.title}
          go={go}
          t={t}
        />
      ) : (
        <Summary
          forum={forum}
          byPriority={byPriority}
          counts={counts}
          tally={tally}
          leftIn={leftIn}
          placed={placed}
          total={total}
          waitingText={waitingText}
          headingRef={headingRef}
          go={go}
          t={t}
        />
      )}
    </section>
  );
}

function PriorityStep(props: {
  forum: PhoneForumInfo;
  me: MeView;
  priority: Priority;
  count: number;
  left: number;
  status: string;
  headingRef: RefObject<HTMLHeadingElement | null>;
  row(idea: PublicIdea): ReactNode;
  next: string;
  nextTitle: string | undefined;
  go(code: string): void;
  t: T;
}) {
  const { forum, me, priority, count, left, status, headingRef, row, next, nextTitle, go, t } = props;

  return (
    <>
      <div className="dots-left" style={{ borderColor: priority.color }}>
        <h2 ref={headingRef} tabIndex={-1}>
          {priority.title}
        </h2>
        <p className="left-count" aria-live="polite">
          <strong>{t('count.dotsLeft', { count: left })}</strong>
          <span className="save-status"> {status}</span>
        </p>
      </div>
      {count === 0 ? <p className="card muted">{t('phone.voting.noIdeas')}</p> : <WallPageView forum={forum} me={me} priorityCode={priority.code} row={row} />}
      <div className="step-end">
        <button type="button" className="btn btn-wide btn-next" onClick={() => go(next)}>
          <span>{nextTitle ? t('phone.voting.next', { title: nextTitle }) : t('phone.voting.nextSummary')}</span>
          <span aria-hidden="true">→</span>
        </button>
        <a className="to-steps" href="#voting-steps">
          ↑ {t('phone.voting.allSteps')}
        </a>
      </div>
    </>
  );
}

function IdeaRow(props: {
  forum: PhoneForumInfo;
  idea: PublicIdea;
  priority: Priority;
  tally: Tally;
  left: number;
  cap: number;
  own: boolean;
  status: string;
  t: T;
}) {
  const { forum, idea, priority, tally, left, cap, own, status, t } = props;
  const { saved, mine } = tally;
  return (
    <li className={`idea card${mine > 0 ? ' has-dots' : ''}`} style={{ borderLeftColor: priority.color }}>
      <IdeaBody forum={forum} idea={idea} t={t} author={own ? 'mine' : 'name'} />
      <div className="vote-row">
        <button
          type="button"
          className="btn btn-secondary vote-btn"
          aria-label={t('phone.voting.removeLabel', { title: idea.title })}
          disabled={mine <= 0}
          onClick={() => tapDot(idea.id, -1)}
        >
          −
        </button>
        <span className="my-dots">
          <Dots
            total={cap}
            filled={Math.min(saved, mine)}
            pending={Math.max(0, mine - saved)}
            color={priority.color}
            label={t('phone.voting.mine', { count: mine })}
          />
          <span aria-hidden="true">{mine}</span>
        </span>
        <button
          type="button"
          className="btn vote-btn"
          aria-label={t('phone.voting.addLabel', { title: idea.title })}
          disabled={left <= 0 || mine >= cap}
          onClick={() => tapDot(idea.id, 1)}
        >
          +
        </button>
      </div>
      {status && <p className={`dot-status${tally.waiting ? ' waiting' : ''}`}>{status}</p>}
    </li>
  );
}

/** Where every dot went, priority by priority, with a way to take one off there. */
function Summary(props: {
  forum: PhoneForumInfo;
  byPriority: Map<string, WallIdea[]>;
  counts: Record<string, number>;
  tally(id: string): Tally;
  leftIn(code: string): number;
  placed: number;
  total: number;
  waitingText: string;
  headingRef: RefObject<HTMLHeadingElement | null>;
  go(code: string): void;
  t: T;
}) {
  const { forum, byPriority, counts, tally, leftIn, placed, total, waitingText, headingRef, go, t } = props;
  const cap = forum.rules.maxDotsPerIdea;
  return (
    <section className="card summary" aria-labelledby="summary-h">
      <h2 id="summary-h" ref={headingRef} tabIndex={-1}>
        {t('phone.voting.summary')}
      </h2>
      <p>
        <strong>{t('phone.voting.placed', { placed, total })}</strong> {t('phone.voting.summaryHelp')}
      </p>
      {forum.priorities.map((p) => {
        const mine = (byPriority.get(p.code) ?? []).filter((i) => tally(i.id).mine > 0 || tally(i.id).waiting);
        const headingId = `summary-${p.code}`;
        if ((counts[p.code] ?? 0) === 0) {
          return (
            <section key={p.code} className="summary-priority" style={{ borderLeftColor: p.color }} aria-labelledby={headingId}>
              <h3 id={headingId}>{p.title}</h3>
              <p className="muted">{t('phone.voting.noIdeas')}</p>
            </section>
          );
        }
        return (
          <section key={p.code} className="summary-priority" style={{ borderLeftColor: p.color }} aria-labelledby={headingId}>
            <h3 id={headingId}>{p.title}</h3>
            <p className="muted">{t('count.dotsLeft', { count: leftIn(p.code) })}</p>
            {mine.length === 0 ? (
              <p>{t('phone.voting.summaryNone')}</p>
            ) : (
              <ul className="summary-list">
                {mine.map((idea) => {
                  const { saved, mine: count, waiting } = tally(idea.id);
                  return (
                    <li key={idea.id}>
                      <span className="summary-title">{idea.title}</span>
                      <span className="summary-dots">
                        <Dots total={cap} filled={Math.min(saved, count)} pending={Math.max(0, count - saved)} color={p.color} />
                        <span>{t('count.dots', { count })}</span>
                        {waiting && <span className="dot-status waiting">{waitingText}</span>}
                      </span>
                      <button
                        type="button"
                        className="btn btn-secondary"
                        aria-label={t('phone.voting.removeLabel', { title: idea.title })}
                        disabled={count <= 0}
                        onClick={() => tapDot(idea.id, -1)}
                      >
                        {t('phone.voting.remove')}
                      </button>
                    </li>
                  );
                })}
              </ul>
            )}
            <button type="button" className="btn btn-secondary btn-open" onClick={() => go(p.code)}>
              {t('phone.voting.openPriority', { title: p.title })}
            </button>
          </section>
        );
      })}
    </section>
  );
}
