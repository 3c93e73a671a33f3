// Ideas: every idea as it arrives, newest first, filtered by priority, by the word list's flags
// or by a search; hide (with a reason), restore and correct, each in a small form inside the
// idea's card; ideas ticked by hand merged into one. A host sees only the ideas of their priority.
// Beside: the word list and the latest moderation steps.

import { useDeferredValue, useRef, useState, type FormEvent } from 'react';
import { MERGE_PHASES } from '../../shared/forum/facilitation.js';
import { LIMITS, type Priority } from '../../shared/forum/types.js';
import type { ConsoleIdea, ConsoleView, NearestIdeas } from '../../shared/protocol.js';
import { useLang, useT } from '../lib/i18n.js';
import { RecentLog } from './AuditLog.js';
import { useCommands, type Commands } from './command.js';
import { ConfirmDialog, Dialog } from './Dialog.js';
import { MODERATION_PHASES } from '../../shared/forum/rules.js';
import { MergedFrom, SelectionBar, useAuthorName } from './Merge.js';
import { clock, goalTitle, inScope, PaperMark, PriorityName, priorityMap, RequiredText, scopedPriorities, Swatch } from './parts.js';
import { useView } from './store.js';
import { WordList } from './WordList.js';

type Open = { ideaId: string; mode: 'hide' | 'correct' } | null;

/** After a form closes, focus goes to the idea's title (or the list if the idea left it). */
function focusIdea(ideaId: string) {
  requestAnimationFrame(() => {
    (document.getElementById(`idea-${ideaId}`) ?? document.getElementById('h-ideas'))?.focus();
  });
}

/** The texts a search looks in: the idea's, and those merged into it. */
const searchable = (idea: ConsoleIdea) => [
  idea.title,
  idea.description,
  idea.place,
  idea.authorName,
  ...idea.merged.flatMap((m) => [m.title, m.description, m.place, m.authorName]),
];

export function Ideas({ openLog }: { openLog?: () => void }) {
  const t = useT();
  const view = useView();
  const commands = useCommands();
  const [priority, setPriority] = useState('');
  const [showHidden, setShowHidden] = useState(false);
  const [flaggedOnly, setFlaggedOnly] = useState(false);
  const [query, setQuery] = useState('');
  const [open, setOpen] = useState<Open>(null);
  const [picked, setPicked] = useState<ReadonlySet<string>>(new Set());
  const search = useDeferredValue(query.trim().toLocaleLowerCase());
  const priorities = priorityMap(view);
  const scoped = scopedPriorities(view);
  const canModerate = MODERATION_PHASES.includes(view.forum.phase);
  const canMerge = MERGE_PHASES.includes(view.forum.phase);

  // The ideas this console moderates; merged ones are shown inside the one they joined.
  const listed = view.ideas.filter((i) => i.status !== 'merged' && inScope(view, i.priorityCode));
  const shownStatus = (i: ConsoleIdea) => showHidden || i.status === 'active';
  const hiddenCount = listed.filter((i) => i.status === 'hidden').length;
  const flaggedCount = listed.filter((i) => i.flagged.length > 0 && shownStatus(i)).length;
  const inPriority = (code: string) => listed.filter((i) => i.priorityCode === code && shownStatus(i)).length;
  const total = listed.filter(shownStatus).length;

  const list = listed
    .map((idea, order) => ({ idea, order }))
    .filter(({ idea }) => shownStatus(idea) && (!priority || idea.priorityCode === priority))
    .filter(({ idea }) => !flaggedOnly || idea.flagged.length > 0)
    .filter(({ idea }) => !search || searchable(idea).some((s) => s.toLocaleLowerCase().includes(search)))
    .sort((a, b) => b.idea.createdAt - a.idea.createdAt || b.order - a.order)
    .map(({ idea }) => idea);

  // Only ideas still on the wall can be merged; one that left it meanwhile drops out of the choice.
  const selected = listed.filter((i) => picked.has(i.id) && i.status === 'active');
  const pick = (id: string, on: boolean) =>
    setPicked((now) => {
      const next = new Set(now);
      if (on) next.add(id);
      else next.delete(id);
      return next;
    });

  return (
    <div className="ideas-layout">
      <section aria-labelledby="h-ideas" className="ideas-main">
        <h2 id="h-ideas" tabIndex={-1}>
          {t('console.tab.ideas')}{' '}
          <span className="muted heading-note">{t('console.shown', { shown: list.length, total })}</span>
        </h2>
        {!canModerate && (
          <p className="note note-info" role="note">
            {t('console.moderationLocked')}
          </p>
        )}
        <div className="toolbar">
          {scoped.length > 1 && (
            <div className="filter-group" role="group" aria-label={t('common.priority')}>
              <button type="button" className="chip" aria-pressed={priority === ''} onClick={() => setPriority('')}>
                {t('console.filterAll')} <span className="chip-count">{total}</span>
              </button>
              {scoped.map((p) => (
                <button
                  key={p.code}
                  type="button"
                  className="chip"
                  aria-pressed={priority === p.code}
                  style={{ ['--pcolor' as string]: p.color }}
                  onClick={() => setPriority(p.code)}
                >
                  <Swatch color={p.color} />
                  {p.code} {p.title} <span className="chip-count">{inPriority(p.code)}</span>
                </button>
              ))}
            </div>
          )}
          <div className="toolbar-row">
            <div className="field field-inline field-grow">
              <label htmlFor="idea-search">{t('console.search')}</label>
              <input id="idea-search" type="search" value={query} onChange={(e) => setQuery(e.target.value)} />
            </div>
            <label className="check">
              <input type="checkbox" checked={showHidden} onChange={(e) => setShowHidden(e.target.checked)} />
              {t('console.showHidden')} ({hiddenCount})
            </label>
            <label className="check">
              <input type="checkbox" checked={flaggedOnly} onChange={(e) => setFlaggedOnly(e.target.checked)} />
              {t('console.flag.only')} ({flaggedCount})
            </label>
          </div>
        </div>

        {list.length === 0 ? (
          <p className="muted empty">{t('console.noIdeas')}</p>
        ) : (
          <ul className="idea-list">
            {list.map((idea) => (
              <IdeaCard
                key={idea.id}
                idea={idea}
                priority={priorities.get(idea.priorityCode)}
                canModerate={canModerate}
                commands={commands}
                open={open?.ideaId === idea.id ? open.mode : null}
                setOpen={(mode) => setOpen(mode ? { ideaId: idea.id, mode } : null)}
                picked={canMerge && idea.status === 'active' ? picked.has(idea.id) : undefined}
                pick={(on) => pick(idea.id, on)}
              />
            ))}
          </ul>
        )}
        <SelectionBar selected={selected} clear={() => setPicked(new Set())} />
      </section>
      <aside className="ideas-aside">
        {view.me.role === 'facilitator' && <WordList />}
        <RecentLog openLog={openLog} />
      </aside>
    </div>
  );
}

interface CardProps {
  idea: ConsoleIdea;
  priority: Priority | undefined;
  canModerate: boolean;
  commands: Commands;
  open: 'hide' | 'correct' | null;
  setOpen(mode: 'hide' | 'correct' | null): void;
  /** Whether it is ticked for a merge; undefined when it cannot be merged now. */
  picked: boolean | undefined;
  pick(on: boolean): void;
}

function IdeaCard({ idea, priority, canModerate, commands, open, setOpen, picked, pick }: CardProps) {
  const t = useT();
  const author = useAuthorName();
  const lang = useLang((s) => s.lang);
  const hidden = idea.status === 'hidden';
  const goal = goalTitle(priority, idea.goalCode);
  const close = () => {
    setOpen(null);
    focusIdea(idea.id);
  };

  const [asking, setAsking] = useState(false);
  const view = useView();
  const phase = view.forum.phase;
  const isHost = view.me.role === 'host';
  // Dots can go back on the idea only while voting, and only if it had some when hidden (a host
  // is not told whether it had: asked every time during voting).
  const mayPutBack = phase === 'voting' && (isHost || idea.hiddenDots !== undefined);

  const restore = async (dotsBack?: boolean) => {
    const ok = await commands.run(`restore:${idea.id}`, 'idea:restore', { ideaId: idea.id, ...(dotsBack === undefined ? {} : { dotsBack }) }, (data) =>
      [t('console.ideaRestored', { title: idea.title }), ...restoredDots(t, data, dotsBack === true)].join(' '),
    );
    setAsking(false);
    if (ok) focusIdea(idea.id);
  };

  return (
    <li className={`idea-card${hidden ? ' is-hidden' : ''}`} style={{ borderLeftColor: priority?.color ?? '#6e7781' }}>
      <div className="idea-head">
        {picked !== undefined && (
          <label className="pick">
            <input
              type="checkbox"
              checked={picked}
              aria-label={t('console.merge.pick', { title: idea.title })}
              onChange={(e) => pick(e.target.checked)}
            />
            <span aria-hidden="true">{t('console.merge.pickShort')}</span>
          </label>
        )}
        <h3 id={`idea-${idea.id}`} tabIndex={-1}>
          {idea.title}
        </h3>
        <span className={`status status-${idea.status}`}>{t(hidden ? 'console.status.hidden' : 'console.status.active')}</span>
        {idea.source === 'paper' && <PaperMark />}
        {idea.corrected && <span className="status status-corrected">{t('console.corrected')}</span>}
        {idea.flagged.length > 0 && (
          <span className="status status-flagged">
            {t(idea.flagged.length === 1 ? 'console.flag.word' : 'console.flag.words', { words: idea.flagged.map((w) => `«${w}»`).join(', ') })}
          </span>
        )}
      </div>
      <p className="idea-meta">
        {priority ? <PriorityName priority={priority} /> : <span>{idea.priorityCode}</span>}
        {goal && (
          <span>
            {t('common.goal')}: {goal}
          </span>
        )}
        {idea.place && (
          <span>
            {t('field.place')}: {idea.place}
          </span>
        )}
        <span>
          {t('console.author')}: {author(idea.authorName, idea.source)}
        </span>
        <span className="muted">{clock(lang, idea.createdAt)}</span>
      </p>
      {idea.description && <p className="idea-desc">{idea.description}</p>}
      <MergedFrom idea={idea} />
      <Nearest ideaId={idea.id} />
      {hidden && idea.hiddenReason && <p className="hidden-reason">{t('console.hiddenBecause', { reason: idea.hiddenReason })}</p>}

      {open === null && (
        <div className="idea-actions">
          {hidden ? (
            <button
              type="button"
              className="btn btn-secondary btn-small"
              disabled={!canModerate || commands.busy(`restore:${idea.id}`)}
              onClick={() => (mayPutBack ? setAsking(true) : void restore())}
            >
              {t('console.restore')}
            </button>
          ) : (
            <button type="button" className="btn btn-danger btn-small" disabled={!canModerate} onClick={() => setOpen('hide')}>
              {t('console.hide')}
            </button>
          )}
          <button type="button" className="btn btn-secondary btn-small" disabled={!canModerate} onClick={() => setOpen('correct')}>
            {t('console.correct')}
          </button>
        </div>
      )}
      {asking && (
        <RestoreDialog idea={idea} busy={commands.busy(`restore:${idea.id}`)} choose={(dotsBack) => void restore(dotsBack)} close={() => setAsking(false)} />
      )}
      {open === 'hide' && <HideForm idea={idea} commands={commands} close={close} />}
      {open === 'correct' && <CorrectForm idea={idea} priority={priority} commands={commands} close={close} />}
    </li>
  );
}

/** What a restore did with the dots given back at hiding, for the facilitator's toast (a host's ack has no figures). */
// Made once per view, not per card: a forum of thousands of ideas shows thousands of cards.
const lookupCache = new WeakMap<ConsoleView, { nearest: Map<string, NearestIdeas['matches']>; titles: Map<string, string> }>();
function lookups(view: ConsoleView) {
  let found = lookupCache.get(view);
  if (!found) {
    found = { nearest: new Map(view.nearest.map((n) => [n.id, n.matches])), titles: new Map(view.ideas.map((i) => [i.id, i.title])) };
    lookupCache.set(view, found);
  }
  return found;
}

/** The three ideas of its priority most like this one, to glance at while reviewing it. */
function Nearest({ ideaId }: { ideaId: string }) {
  const t = useT();
  const view = useView();
  const { nearest, titles } = lookups(view);
  const shown = (nearest.get(ideaId) ?? []).filter((m) => titles.has(m.ideaId));
  if (shown.length === 0) return null;
  return (
    <div className="idea-nearest">
      <p className="idea-nearest-heading" id={`nearest-${ideaId}`}>
        {t('console.nearest.heading')}
      </p>
      <ol aria-labelledby={`nearest-${ideaId}`}>
        {shown.map((m) => (
          <li key={m.ideaId}>
            <a href={`#idea-${m.ideaId}`} onClick={(e) => (e.preventDefault(), focusIdea(m.ideaId))}>
              {t('console.nearest.item', { title: titles.get(m.ideaId)!, percent: Math.round(m.score * 100) })}
            </a>
          </li>
        ))}
      </ol>
    </div>
  );
}

function restoredDots(t: ReturnType<typeof useT>, data: { voters?: number; dots?: number; reinstated?: number }, dotsBack: boolean): string[] {
  if (!data.voters || data.dots === undefined) return [];
  const dots = t('count.dots', { count: data.dots });
  if (!dotsBack) return [t('console.restored.kept', { dots })];
  const placed = data.reinstated ?? 0;
  return [t('console.restored.back', { placed, total: data.dots }), ...(placed < data.dots ? [t('console.restored.short')] : [])];
}

/**
 * Restoring an idea that had dots when hidden, during voting: with its dots put back where each
 * voter still has room, or without them (they stay with their owners). Each voter is told which.
 */
function RestoreDialog({ idea, busy, choose, close }: { idea: ConsoleIdea; busy: boolean; choose(dotsBack: boolean): void; close(): void }) {
  const t = useT();
  const back = useRef<HTMLButtonElement>(null);
  return (
    <Dialog title={t('console.restoreAsk.title', { title: idea.title })} onClose={close} describedBy={`restore-${idea.id}-what`} initialFocus={back}>
      <div className="dialog-body">
        <p id={`restore-${idea.id}-what`}>
          {idea.hiddenDots
            ? t('console.restoreAsk.figure', { voters: idea.hiddenDots.voters, dots: t('count.dots', { count: idea.hiddenDots.dots }) })
            : t('console.restoreAsk.host')}
        </p>
        <ul className="choice-list">
          <li>
            <button ref={back} type="button" className="btn" disabled={busy} aria-describedby={`restore-${idea.id}-back`} onClick={() => choose(true)}>
              {t('console.restoreAsk.back')}
            </button>
            <p id={`restore-${idea.id}-back`} className="muted small">
              {t('console.restoreAsk.backHelp')}
            </p>
          </li>
          <li>
            <button type="button" className="btn btn-secondary" disabled={busy} aria-describedby={`restore-${idea.id}-keep`} onClick={() => choose(false)}>
              {t('console.restoreAsk.keep')}
            </button>
            <p id={`restore-${idea.id}-keep`} className="muted small">
              {t('console.restoreAsk.keepHelp')}
            </p>
          </li>
        </ul>
      </div>
      <div className="form-actions dialog-actions">
        <button type="button" className="btn btn-secondary" onClick={close}>
          {t('common.cancel')}
        </button>
      </div>
    </Dialog>
  );
}

/**
 * The question before a voted idea is hidden: the figure the server gave (and, asked again, what
 * changed), or `host` for a host, who is asked with no figure.
 */
type HideAsk = { voters: number; dots: number; changed: string } | 'host';

function HideForm({ idea, commands, close }: { idea: ConsoleIdea; commands: Commands; close(): void }) {
  const t = useT();
  const view = useView();
  const [reason, setReason] = useState('');
  const [error, setError] = useState('');
  const [ask, setAsk] = useState<HideAsk>();
  const busy = commands.busy(`hide:${idea.id}`);
  const inputId = `hide-${idea.id}`;
  const isHost = view.me.role === 'host';

  /**
   * The facilitator's console sends the figure it has confirmed (0 at first): the server hides at
   * once when nobody voted for the idea, and otherwise refuses with the figure, which is then asked.
   */
  const send = async (voters: number | undefined) => {
    const ok = await commands.run(
      `hide:${idea.id}`,
      'idea:hide',
      { ideaId: idea.id, reason, ...(voters === undefined ? {} : { voters }) },
      (data) => {
        const text = t('console.ideaHidden', { title: idea.title });
        // A host's ack carries no count (server/handlers/idea/hide.ts).
        return data.voters ? `${text} ${t('console.dotsRefunded', { voters: data.voters, dots: t('count.dots', { count: data.dots ?? 0 }) })}` : text;
      },
      (refusal) => {
        if (refusal.code !== 'HIDE_CONFIRM') return false;
        const figure = { voters: Number(refusal.params?.voters ?? 0), dots: Number(refusal.params?.dots ?? 0) };
        // Asked the first time; asked again, with what changed, when votes moved while it was open.
        setAsk((now) => ({ ...figure, changed: now && now !== 'host' ? refusal.message : '' }));
        return true;
      },
    );
    if (ok) {
      setAsk(undefined);
      close();
    }
  };

  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (!reason.trim()) {
      setError(t('err.TEXT_REQUIRED', { fieldName: t('field.reason') }));
      return;
    }
    // A host is not told how many voted for an idea, so during voting a host is asked every time.
    if (isHost && view.forum.phase === 'voting') setAsk('host');
    else void send(isHost ? undefined : 0);
  };

  return (
    <form className="inline-form" onSubmit={submit} onKeyDown={(e) => e.key === 'Escape' && !ask && close()}>
      <RequiredText
        id={inputId}
        label={t('console.hideReason')}
        value={reason}
        maxLength={LIMITS.reason}
        error={error}
        autoFocus
        onChange={(value) => {
          setReason(value);
          setError('');
        }}
      />
      <div className="form-actions">
        <button type="submit" className="btn btn-danger-solid" disabled={busy}>
          {t('console.hide')}
        </button>
        <button type="button" className="btn btn-secondary" onClick={close}>
          {t('common.cancel')}
        </button>
      </div>
      {ask && (
        <ConfirmDialog
          title={t('console.hideAsk.title', { title: idea.title })}
          confirmLabel={t('console.hideAsk.confirm')}
          irreversible
          busy={busy}
          onConfirm={() => void send(ask === 'host' ? undefined : ask.voters)}
          onClose={() => setAsk(undefined)}
        >
          {ask !== 'host' && ask.changed && (
            <p className="note note-warn" role="alert">
              {ask.changed}
            </p>
          )}
          <p>{ask === 'host' ? t('console.hideAsk.host') : t('console.hideAsk.figure', { voters: ask.voters, dots: t('count.dots', { count: ask.dots }) })}</p>
          <p className="muted small">{t('console.hideAsk.undo')}</p>
        </ConfirmDialog>
      )}
    </form>
  );
}

function CorrectForm({
  idea,
  priority,
  commands,
  close,
}: {
  idea: ConsoleIdea;
  priority: Priority | undefined;
  commands: Commands;
  close(): void;
}) {
  const t = useT();
  const [title, setTitle] = useState(idea.title);
  const [description, setDescription] = useState(idea.description);
  const [place, setPlace] = useState(idea.place);
  const [goalCode, setGoalCode] = useState(idea.goalCode ?? '');
  const busy = commands.busy(`correct:${idea.id}`);
  const id = (name: string) => `correct-${idea.id}-${name}`;

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const ok = await commands.run(
      `correct:${idea.id}`,
      'idea:correct',
      { ideaId: idea.id, goalCode: goalCode || null, title, description, place },
      () => t('console.ideaCorrected', { title }),
    );
    if (ok) close();
  };

  return (
    <form className="inline-form" onSubmit={(e) => void submit(e)} onKeyDown={(e) => e.key === 'Escape' && close()}>
      <div className="field">
        <label htmlFor={id('title')}>{t('field.title')}</label>
        <input id={id('title')} value={title} maxLength={LIMITS.title} required autoFocus onChange={(e) => setTitle(e.target.value)} />
      </div>
      <div className="field">
        <label htmlFor={id('description')}>{t('field.description')}</label>
        <textarea
          id={id('description')}
          value={description}
          maxLength={LIMITS.description}
          rows={3}
          onChange={(e) => setDescription(e.target.value)}
        />
      </div>
      <div className="row">
        <div className="field field-grow">
          <label htmlFor={id('place')}>{t('field.place')}</label>
          <input id={id('place')} value={place} maxLength={LIMITS.place} onChange={(e) => setPlace(e.target.value)} />
        </div>
        <div className="field field-grow">
          <label htmlFor={id('goal')}>{t('common.goal')}</label>
          <select id={id('goal')} value={goalCode} onChange={(e) => setGoalCode(e.target.value)}>
            <option value="">{t('common.noGoal')}</option>
            {priority?.goals.map((g) => (
              <option key={g.code} value={g.code}>
                {g.code} {g.title}
              </option>
            ))}
          </select>
        </div>
      </div>
      <div className="form-actions">
        <button type="submit" className="btn" disabled={busy}>
          {busy ? t('common.saving') : t('common.save')}
        </button>
        <button type="button" className="btn btn-secondary" onClick={close}>
          {t('common.cancel')}
        </button>
      </div>
    </form>
  );
}
