// The ideas phase on a phone: propose an idea, edit or withdraw one's own, read everyone else's.

import { useId, useState, type FormEvent } from 'react';
import { LIMITS, type Task } from '../../shared/forum/types.js';
import { cleanLine, cleanText, textLength } from '../../shared/forum/text.js';
import type { PhoneForumInfo, MeView, MyIdea } from '../../shared/protocol.js';
import { send } from '../lib/connection.js';
import { useT } from '../lib/i18n.js';
import { useToasts } from '../lib/ui.js';
import { IdeaBody, priorityOf } from './parts.js';
import { usePhone } from './store.js';

interface IdeaDraft {
  priorityCode: string;
  goalCode: string;
  title: string;
  description: string;
  place: string;
}

const emptyDraft: IdeaDraft = { priorityCode: '', goalCode: '', title: '', description: '', place: '' };

export function IdeasPhase({ forum, me }: { forum: PhoneForumInfo; me: MeView }) {
  const t = useT();
  const left = forum.rules.ideasPerParticipant - me.ideas.length;
  return (
    <>
      {left > 0 ? (
        <IdeaForm forum={forum} left={left} />
      ) : (
        <section className="card">
          <p>{t('phone.ideas.limitReached')}</p>
        </section>
      )}
      <MyIdeas forum={forum} me={me} editable />
      <OthersIdeas forum={forum} me={me} />
    </>
  );
}

function IdeaForm({ forum, left, editing, onDone }: { forum: PhoneForumInfo; left?: number; editing?: MyIdea; onDone?: () => void }) {
  const t = useT();
  const show = useToasts((s) => s.show);
  const [draft, setDraft] = useState<IdeaDraft>(
    editing
      ? { priorityCode: editing.priorityCode, goalCode: editing.goalCode ?? '', title: editing.title, description: editing.description, place: editing.place }
      : emptyDraft,
  );
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const priority = forum.priorities.find((p) => p.code === draft.priorityCode);
  const ids = { priority: useId(), goal: useId(), title: useId(), description: useId(), place: useId() };
  const set = (patch: Partial<IdeaDraft>) => setDraft((d) => ({ ...d, ...patch }));

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (!draft.priorityCode) return setError(t('err.UNKNOWN_PRIORITY'));
    if (!draft.title.trim()) return setError(t('err.TEXT_REQUIRED', { fieldName: t('field.title') }));
    setBusy(true);
    setError(null);
    const fields = { goalCode: draft.goalCode || null, title: draft.title, description: draft.description, place: draft.place };
    const ack = editing
      ? await send('idea:edit', { ideaId: editing.id, ...fields }, { idempotent: true })
      : await send('idea:submit', { priorityCode: draft.priorityCode, ...fields }, { idempotent: true });
    setBusy(false);
    if (!ack.ok) return setError(ack.error.message);
    usePhone.setState({ me: ack.data.me });
    show(t('phone.ideas.saved'), 'ok');
    if (!editing) setDraft({ ...emptyDraft, priorityCode: draft.priorityCode });
    onDone?.();
  }

  return (
    <form className="card" onSubmit={submit} noValidate aria-labelledby={editing ? undefined : `${ids.title}-h`}>
      {!editing && <h1 id={`${ids.title}-h`}>{t('phone.ideas.heading')}</h1>}
      {left !== undefined && <p className="muted">{t('count.ideasLeft', { count: left })}</p>}
      <div className="field">
        <label htmlFor={ids.priority}>{t('phone.ideas.priority')}</label>
        <select
          id={ids.priority}
          value={draft.priorityCode}
          disabled={!!editing}
          onChange={(e) => set({ priorityCode: e.target.value, goalCode: '' })}
          required
        >
          <option value="">{t('phone.ideas.choosePriority')}</option>
          {forum.priorities.map((p) => (
            <option key={p.code} value={p.code}>
              {p.title}
            </option>
          ))}
        </select>
        {priority?.subtitle && <span className="hint">{priority.subtitle}</span>}
      </div>
      {priority && priority.goals.length > 0 && (
        <div className="field">
          <label htmlFor={ids.goal}>{t('phone.ideas.goal')}</label>
          <select id={ids.goal} value={draft.goalCode} onChange={(e) => set({ goalCode: e.target.value })}>
            <option value="">{t('common.noGoal')}</option>
            {priority.goals.map((g) => (
              <option key={g.code} value={g.code}>
                {g.code} {g.title}
              </option>
            ))}
          </select>
          <GoalTasks tasks={priority.goals.find((g) => g.code === draft.goalCode)?.tasks} />
        </div>
      )}
      <TextField
        id={ids.title}
        label={t('phone.ideas.title')}
        value={draft.title}
        max={LIMITS.title}
        onChange={(title) => set({ title })}
        required
        wrapped
      />
      <TextField
        id={ids.description}
        label={t('phone.ideas.description')}
        value={draft.description}
        max={LIMITS.description}
        onChange={(description) => set({ description })}
        multiline
      />
      <TextField id={ids.place} label={t('phone.ideas.place')} value={draft.place} max={LIMITS.place} onChange={(place) => set({ place })} />
      {error && (
        <p className="error-text" role="alert">
          {error}
        </p>
      )}
      <div className="row">
        <button className="btn btn-wide" type="submit" disabled={busy}>
          {busy ? t('common.saving') : editing ? t('common.save') : t('phone.ideas.submit')}
        </button>
        {editing && (
          <button className="btn btn-secondary" type="button" onClick={onDone}>
            {t('common.cancel')}
          </button>
        )}
      </div>
    </form>
  );
}

function TextField(props: {
  id: string;
  label: string;
  value: string;
  max: number;
  onChange(value: string): void;
  required?: boolean;
  multiline?: boolean;
  /**
   * One line of text shown wrapped over two rows, so a long title can be read back while typing
   * (an input would hide most of it). Enter adds no line break: the server keeps titles on one line.
   */
  wrapped?: boolean;
}) {
  // Counted as the server will count it: cleaned first (spaces tidied, marks capped, composed).
  const length = textLength(props.multiline ? cleanText(props.value) : cleanLine(props.value));
  const counterId = `${props.id}-count`;
  const common = {
    id: props.id,
    value: props.value,
    required: props.required,
    'aria-describedby': counterId,
    'aria-invalid': length > props.max ? true : undefined,
  };
  return (
    <div className="field">
      <label htmlFor={props.id}>{props.label}</label>
      {props.multiline ? (
        <textarea {...common} rows={4} onChange={(e) => props.onChange(e.target.value)} />
      ) : props.wrapped ? (
        <textarea
          {...common}
          className="one-line"
          rows={2}
          onKeyDown={(e) => e.key === 'Enter' && e.preventDefault()}
          onChange={(e) => props.onChange(e.target.value.replace(/[\r\n]+/g, ' '))}
        />
      ) : (
        <input {...common} onChange={(e) => props.onChange(e.target.value)} />
      )}
      <span id={counterId} className={`counter${length > props.max ? ' over' : ''}`}>
        {length}/{props.max}
      </span>
    </div>
  );
}

export function MyIdeas({ forum, me, editable }: { forum: PhoneForumInfo; me: MeView; editable: boolean }) {
  const t = useT();
  const show = useToasts((s) => s.show);
  const [editing, setEditing] = useState<string | null>(null);
  const [busy, setBusy] = useState<string | null>(null);

  async function withdraw(idea: MyIdea) {
    if (!window.confirm(t('phone.ideas.withdrawConfirm', { title: idea.title }))) return;
    setBusy(idea.id);
    const ack = await send('idea:withdraw', { ideaId: idea.id }, { idempotent: true });
    setBusy(null);
    if (!ack.ok) return show(ack.error.message, 'error');
    usePhone.setState({ me: ack.data.me });
    show(t('phone.ideas.withdrawn'), 'ok');
  }

  return (
    <section className="card" aria-labelledby="my-ideas">
      <h2 id="my-ideas">
        {t('phone.ideas.mine')} <span className="muted">({t('count.ideas', { count: me.ideas.length })})</span>
      </h2>
      {me.ideas.length === 0 && <p className="muted">{t('phone.ideas.none')}</p>}
      <ul className="idea-list">
        {me.ideas.map((idea) => {
          const p = priorityOf(forum, idea.priorityCode);
          return (
            <li key={idea.id} className="idea" style={{ borderLeftColor: p?.color }}>
              {editing === idea.id ? (
                <IdeaForm forum={forum} editing={idea} onDone={() => setEditing(null)} />
              ) : (
                <>
                  <p className="idea-priority">{p?.title}</p>
                  <IdeaBody forum={forum} idea={idea} t={t} />
                  {idea.status === 'hidden' && <p className="error-text">{t('phone.ideas.hidden', { reason: idea.hiddenReason ?? '' })}</p>}
                  {idea.status === 'merged' && <p className="idea-meta">{t('phone.ideas.merged')}</p>}
                  {editable && idea.status === 'active' && (
                    <div className="row">
                      <button type="button" className="btn btn-secondary" onClick={() => setEditing(idea.id)}>
                        {t('phone.ideas.edit')}
                      </button>
                      <button type="button" className="btn btn-danger" disabled={busy === idea.id} onClick={() => withdraw(idea)}>
                        {t('phone.ideas.withdraw')}
                      </button>
                    </div>
                  )}
                </>
              )}
            </li>
          );
        })}
      </ul>
    </section>
  );
}

function OthersIdeas({ forum, me }: { forum: PhoneForumInfo; me: MeView }) {
  const t = useT();
  const ideas = usePhone((s) => s.ideas);
  const mine = new Set(me.ideas.map((i) => i.id));
  const others = ideas.filter((i) => !mine.has(i.id));
  if (others.length === 0) return null;
  return (
    <details className="card">
      <summary>
        <h2 className="inline-h">
          {t('phone.ideas.others')} ({t('count.ideas', { count: others.length })})
        </h2>
      </summary>
      <ul className="idea-list">
        {[...others].reverse().map((idea) => (
          <li key={idea.id} className="idea" style={{ borderLeftColor: priorityOf(forum, idea.priorityCode)?.color }}>
            <p className="idea-priority">{priorityOf(forum, idea.priorityCode)?.title}</p>
            <IdeaBody forum={forum} idea={idea} t={t} author="name" />
          </li>
        ))}
      </ul>
    </details>
  );
}

/**
 * What a series of forums already put under the goal chosen (tasks made from earlier ideas), folded:
 * a resident sees what is planned before proposing it again.
 */
function GoalTasks({ tasks }: { tasks: readonly Task[] | undefined }) {
  const t = useT();
  if (!tasks || tasks.length === 0) return null;
  return (
    <details className="goal-tasks">
      <summary>{t('phone.ideas.goalTasks', { count: tasks.length })}</summary>
      <ul>
        {tasks.map((task, i) => (
          <li key={i}>{task.title}</li>
        ))}
      </ul>
    </details>
  );
}
