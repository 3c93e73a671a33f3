// Ideas: every idea as it arrives, newest first, filtered by priority; hide (with a reason),
// restore and correct, each in a small form inside the idea's card. The moderation log beside.

import { useDeferredValue, useState, type FormEvent } from 'react';
import { LIMITS, type Priority } from '../../shared/forum/types.js';
import type { ConsoleIdea } from '../../shared/protocol.js';
import { useLang, useT } from '../lib/i18n.js';
import { useCommands, type Commands } from './command.js';
import { MODERATION_PHASES } from '../../shared/forum/rules.js';
import { clock, goalTitle, PriorityName, priorityMap, Swatch } from './parts.js';
import { useView } from './store.js';

type Open = { ideaId: string; mode: 'hide' | 'correct' } | null;

/** After a form closes, focus goes to the idea's title (or the list if the idea left it). */
function focusIdea(ideaId: string) {
  requestAnimationFrame(() => {
    (document.getElementById(`idea-${ideaId}`) ?? document.getElementById('h-ideas'))?.focus();
  });
}

export function Ideas() {
  const t = useT();
  const view = useView();
  const commands = useCommands();
  const [priority, setPriority] = useState('');
  const [showHidden, setShowHidden] = useState(false);
  const [query, setQuery] = useState('');
  const [open, setOpen] = useState<Open>(null);
  const search = useDeferredValue(query.trim().toLocaleLowerCase());
  const priorities = priorityMap(view);
  const canModerate = MODERATION_PHASES.includes(view.forum.phase);

  const hiddenCount = view.ideas.filter((i) => i.status === 'hidden').length;
  const inPriority = (code: string) => view.ideas.filter((i) => i.priorityCode === code && (showHidden || i.status === 'active')).length;
  const total = view.ideas.filter((i) => showHidden || i.status === 'active').length;

  const list = view.ideas
    .map((idea, order) => ({ idea, order }))
    .filter(({ idea }) => (showHidden || idea.status === 'active') && (!priority || idea.priorityCode === priority))
    .filter(({ idea }) =>
      !search ||
      [idea.title, idea.description, idea.place, idea.authorName].some((s) => s.toLocaleLowerCase().includes(search)),
    )
    .sort((a, b) => b.idea.createdAt - a.idea.createdAt || b.order - a.order)
    .map(({ idea }) => idea);

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
          <div className="filter-group" role="group" aria-label={t('common.priority')}>
            <button type="button" className="chip" aria-pressed={priority === ''} onClick={() => setPriority('')}>
              {t('console.filterAll')} <span className="chip-count">{total}</span>
            </button>
            {view.forum.priorities.map((p) => (
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
          <div className="toolbar-row">
            <div className="field field-inline field-grow">
              <label htmlFor="idea-search">{t('console.search')}</label>
              <input id="idea-search" type="search" value={query} onChange={(e) => setQuery(e.target.value)} />
            </div>
            <label className="check">
              <input type="checkbox" checked={showHidden} onChange={(e) => setShowHidden(e.target.checked)} />
              {t('console.showHidden')} ({hiddenCount})
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
              />
            ))}
          </ul>
        )}
      </section>
      <ModerationLog />
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
}

function IdeaCard({ idea, priority, canModerate, commands, open, setOpen }: CardProps) {
  const t = useT();
  const lang = useLang((s) => s.lang);
  const hidden = idea.status === 'hidden';
  const goal = goalTitle(priority, idea.goalCode);
  const close = () => {
    setOpen(null);
    focusIdea(idea.id);
  };

  const restore = async () => {
    const ok = await commands.run(`restore:${idea.id}`, 'idea:restore', { ideaId: idea.id }, () =>
      t('console.ideaRestored', { title: idea.title }),
    );
    if (ok) focusIdea(idea.id);
  };

  return (
    <li className={`idea-card${hidden ? ' is-hidden' : ''}`} style={{ borderLeftColor: priority?.color ?? '#6e7781' }}>
      <div className="idea-head">
        <h3 id={`idea-${idea.id}`} tabIndex={-1}>
          {idea.title}
        </h3>
        <span className={`status status-${idea.status}`}>{t(hidden ? 'console.status.hidden' : 'console.status.active')}</span>
        {idea.corrected && <span className="status status-corrected">{t('console.corrected')}</span>}
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
          {t('console.author')}: {idea.authorName || t('common.anonymous')}
        </span>
        <span className="muted">{clock(lang, idea.createdAt)}</span>
      </p>
      {idea.description && <p className="idea-desc">{idea.description}</p>}
      {hidden && idea.hiddenReason && <p className="hidden-reason">{t('console.hiddenBecause', { reason: idea.hiddenReason })}</p>}

      {open === null && (
        <div className="idea-actions">
          {hidden ? (
            <button
              type="button"
              className="btn btn-secondary btn-small"
              disabled={!canModerate || commands.busy(`restore:${idea.id}`)}
              onClick={() => void restore()}
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
      {open === 'hide' && <HideForm idea={idea} commands={commands} close={close} />}
      {open === 'correct' && <CorrectForm idea={idea} priority={priority} commands={commands} close={close} />}
    </li>
  );
}

function HideForm({ idea, commands, close }: { idea: ConsoleIdea; commands: Commands; close(): void }) {
  const t = useT();
  const [reason, setReason] = useState('');
  const [error, setError] = useState('');
  const busy = commands.busy(`hide:${idea.id}`);
  const inputId = `hide-${idea.id}`;

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!reason.trim()) {
      setError(t('err.TEXT_REQUIRED', { fieldName: t('field.reason') }));
      return;
    }
    const ok = await commands.run(`hide:${idea.id}`, 'idea:hide', { ideaId: idea.id, reason }, (data) => {
      const text = t('console.ideaHidden', { title: idea.title });
      return data.refunded > 0 ? `${text} ${t('console.dotsRefunded', { dots: t('count.dots', { count: data.refunded }) })}` : text;
    });
    if (ok) close();
  };

  return (
    <form className="inline-form" onSubmit={(e) => void submit(e)} onKeyDown={(e) => e.key === 'Escape' && close()}>
      <div className="field">
        <label htmlFor={inputId}>{t('console.hideReason')}</label>
        <input
          id={inputId}
          value={reason}
          maxLength={LIMITS.reason}
          aria-required="true"
          autoFocus
          aria-invalid={error ? true : undefined}
          aria-describedby={error ? `${inputId}-error` : undefined}
          onChange={(e) => {
            setReason(e.target.value);
            setError('');
          }}
        />
        {error && (
          <span id={`${inputId}-error`} className="error-text" role="alert">
            {error}
          </span>
        )}
      </div>
      <div className="form-actions">
        <button type="submit" className="btn btn-danger-solid" disabled={busy}>
          {t('console.hide')}
        </button>
        <button type="button" className="btn btn-secondary" onClick={close}>
          {t('common.cancel')}
        </button>
      </div>
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

function ModerationLog() {
  const t = useT();
  const lang = useLang((s) => s.lang);
  const view = useView();
  const titles = new Map(view.ideas.map((i) => [i.id, i.title]));
  const names = new Map(view.participants.map((p) => [p.id, p.name || t('common.anonymous')]));
  const subject = (m: (typeof view.moderation)[number]) =>
    m.ideaId ? `«${titles.get(m.ideaId) ?? m.ideaId}»` : m.participantId ? (names.get(m.participantId) ?? '') : '';
  const entries = [...view.moderation].reverse();
  return (
    <section className="card moderation-log" aria-labelledby="h-log">
      <h2 id="h-log">{t('console.moderationLog')}</h2>
      {entries.length === 0 ? (
        <p className="muted">{t('console.logEmpty')}</p>
      ) : (
        <ol className="log-list">
          {entries.map((m, i) => (
            <li key={`${m.at}-${m.ideaId}-${i}`}>
              <span className="muted">{clock(lang, m.at)}</span> <strong>{t(`console.log.${m.action}`)}</strong>{' '}
              {subject(m)}
              {m.reason ? ` — ${m.reason}` : ''}
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}
