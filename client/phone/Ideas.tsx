// The ideas phase on a phone: propose an idea (told of similar ones already on the wall while the
// title is typed), edit one's own in its place or withdraw it, read everyone else's (Wall.tsx).

import { useEffect, useId, useRef, useState, type FormEvent, type ReactNode } from 'react';
import { LIMITS, type Task } from '../../shared/forum/types.js';
import { cleanLine, cleanText, textLength } from '../../shared/forum/text.js';
import type { AckError, PhoneForumInfo, MeView, MyIdea } from '../../shared/protocol.js';
import { send } from '../lib/connection.js';
import { ConfirmDialog } from '../lib/dialog.js';
import { useT } from '../lib/i18n.js';
import { useToasts } from '../lib/ui.js';
import { IdeaBody, priorityOf } from './parts.js';
import { usePhone } from './store.js';
import { OthersIdeas, SimilarIdeas } from './Wall.js';

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
  // One form at a time: while an idea is edited in its place, the new-idea form steps aside
  // (kept, hidden, so a draft begun there is still there after).
  const [chosen, setEditing] = useState<string | null>(null);
  // An idea gone meanwhile (withdrawn from another tab) is edited no more: the new-idea form comes back.
  const editing = me.ideas.some((i) => i.id === chosen) ? chosen : null;
  return (
    <>
      <div hidden={editing !== null}>
        {left > 0 ? (
          <IdeaForm forum={forum} left={left} />
        ) : (
          <section className="card">
            <p>{t('phone.ideas.limitReached')}</p>
          </section>
        )}
      </div>
      <MyIdeas forum={forum} me={me} editing={editing} onEdit={setEditing} />
      <OthersIdeas forum={forum} me={me} />
    </>
  );
}

/** Which field a refusal is about, so its message sits under that field. */
type FieldName = 'priority' | 'goal' | 'title' | 'description' | 'place';

interface FormError {
  field: FieldName | null;
  message: string;
}

function refusedField(error: AckError): FieldName | null {
  if (error.code === 'UNKNOWN_PRIORITY') return 'priority';
  if (error.code === 'UNKNOWN_GOAL') return 'goal';
  const field = error.params?.field;
  return field === 'title' || field === 'description' || field === 'place' ? field : null;
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
  const [error, setError] = useState<FormError | null>(null);
  const formRef = useRef<HTMLFormElement>(null);
  const priority = forum.priorities.find((p) => p.code === draft.priorityCode);
  const ids = { priority: useId(), goal: useId(), title: useId(), description: useId(), place: useId(), error: useId() };
  const set = (patch: Partial<IdeaDraft>) => setDraft((d) => ({ ...d, ...patch }));
  const errorAt = (field: FieldName | null) => (error && error.field === field ? { id: ids.error, message: error.message } : undefined);

  // An idea opened for editing is edited where it stands: the form comes into view, its title in focus.
  useEffect(() => {
    if (!editing) return;
    formRef.current?.scrollIntoView({ block: 'start' });
    document.getElementById(ids.title)?.focus({ preventScroll: true });
  }, []); // once, when the form opens

  // The field a message is about gets focus, so a screen reader reads the message with it.
  function refuse(field: FieldName | null, message: string) {
    setError({ field, message });
    if (field) requestAnimationFrame(() => document.getElementById(ids[field])?.focus());
  }

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (!draft.priorityCode) return refuse('priority', t('err.UNKNOWN_PRIORITY'));
    if (!draft.title.trim()) return refuse('title', t('err.TEXT_REQUIRED', { fieldName: t('field.title') }));
    setBusy(true);
    setError(null);
    const fields = { goalCode: draft.goalCode || null, title: draft.title, description: draft.description, place: draft.place };
    const ack = editing
      ? await send('idea:edit', { ideaId: editing.id, ...fields }, { idempotent: true })
      : await send('idea:submit', { priorityCode: draft.priorityCode, ...fields }, { idempotent: true });
    setBusy(false);
    if (!ack.ok) return refuse(refusedField(ack.error), ack.error.message);
    usePhone.setState({ me: ack.data.me });
    show(t('phone.ideas.saved'), 'ok');
    if (!editing) setDraft({ ...emptyDraft, priorityCode: draft.priorityCode });
    onDone?.();
  }

  return (
    <form
      ref={formRef}
      className={editing ? 'idea-edit' : 'card'}
      onSubmit={submit}
      noValidate
      aria-labelledby={`${ids.title}-h`}
    >
      {editing ? (
        <h3 id={`${ids.title}-h`} className="edit-h">
          {t('phone.ideas.editing')}
        </h3>
      ) : (
        <h1 id={`${ids.title}-h`}>{t('phone.ideas.heading')}</h1>
      )}
      {left !== undefined && <p className="muted">{t('count.ideasLeft', { count: left })}</p>}
      <div className="field">
        <label htmlFor={ids.priority}>{t('phone.ideas.priority')}</label>
        <select
          id={ids.priority}
          value={draft.priorityCode}
          disabled={!!editing}
          onChange={(e) => set({ priorityCode: e.target.value, goalCode: '' })}
          required
          aria-invalid={errorAt('priority') ? true : undefined}
          aria-describedby={errorAt('priority')?.id}
        >
          <option value="">{t('phone.ideas.choosePriority')}</option>
          {forum.priorities.map((p) => (
            <option key={p.code} value={p.code}>
              {p.title}
            </option>
          ))}
        </select>
        {priority?.subtitle && <span className="hint">{priority.subtitle}</span>}
        <FieldError error={errorAt('priority')} />
      </div>
      {priority && priority.goals.length > 0 && (
        <div className="field">
          <label htmlFor={ids.goal}>{t('phone.ideas.goal')}</label>
          <select
            id={ids.goal}
            value={draft.goalCode}
            onChange={(e) => set({ goalCode: e.target.value })}
            aria-invalid={errorAt('goal') ? true : undefined}
            aria-describedby={errorAt('goal')?.id}
          >
            <option value="">{t('common.noGoal')}</option>
            {priority.goals.map((g) => (
              <option key={g.code} value={g.code}>
                {g.code} {g.title}
              </option>
            ))}
          </select>
          <FieldError error={errorAt('goal')} />
          <GoalTasks tasks={priority.goals.find((g) => g.code === draft.goalCode)?.tasks} />
        </div>
      )}
      <TextField
        id={ids.title}
        label={t('phone.ideas.title')}
        value={draft.title}
        max={LIMITS.title}
        onChange={(title) => set({ title })}
        error={errorAt('title')}
        required
        wrapped
      >
        {/* Only while proposing: an idea already sent is on the wall, and its edits are its author's to make. */}
        {!editing && <SimilarIdeas forum={forum} draft={draft} />}
      </TextField>
      <TextField
        id={ids.description}
        label={t('phone.ideas.description')}
        value={draft.description}
        max={LIMITS.description}
        onChange={(description) => set({ description })}
        error={errorAt('description')}
        multiline
      />
      <TextField
        id={ids.place}
        label={t('phone.ideas.place')}
        value={draft.place}
        max={LIMITS.place}
        onChange={(place) => set({ place })}
        error={errorAt('place')}
      />
      <FieldError error={errorAt(null)} />
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

/** A refusal's message under what it is about; the field names it in its aria-describedby. */
function FieldError({ error }: { error: { id: string; message: string } | undefined }) {
  if (!error) return null;
  return (
    <p id={error.id} className="error-text field-error" role="alert">
      {error.message}
    </p>
  );
}

function TextField(props: {
  id: string;
  label: string;
  value: string;
  max: number;
  onChange(value: string): void;
  error?: { id: string; message: string };
  required?: boolean;
  multiline?: boolean;
  /**
   * One line of text shown wrapped over two rows, so a long title can be read back while typing
   * (an input would hide most of it). Enter adds no line break: the server keeps titles on one line.
   */
  wrapped?: boolean;
  /** Shown under the field, after its counter. */
  children?: ReactNode;
}) {
  // Counted as the server will count it: cleaned first (spaces tidied, marks capped, composed).
  const length = textLength(props.multiline ? cleanText(props.value) : cleanLine(props.value));
  const counterId = `${props.id}-count`;
  const common = {
    id: props.id,
    value: props.value,
    required: props.required,
    'aria-describedby': props.error ? `${props.error.id} ${counterId}` : counterId,
    'aria-invalid': length > props.max || props.error ? true : undefined,
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
      <FieldError error={props.error} />
      {props.children}
    </div>
  );
}

export function MyIdeas(props: { forum: PhoneForumInfo; me: MeView; editing?: string | null; onEdit?: (id: string | null) => void }) {
  const { forum, me, editing = null, onEdit } = props;
  const t = useT();
  const show = useToasts((s) => s.show);
  const [busy, setBusy] = useState<string | null>(null);
  const [asking, setAsking] = useState<MyIdea | null>(null);
  const listRef = useRef<HTMLUListElement>(null);
  /** After an edit ends, focus goes back to the idea's "Edit" button, where the resident was. */
  const [refocus, setRefocus] = useState<string | null>(null);
  useEffect(() => {
    if (!refocus || editing) return;
    listRef.current?.querySelector<HTMLElement>(`[data-edit="${CSS.escape(refocus)}"]`)?.focus();
    setRefocus(null);
  }, [refocus, editing]);

  async function withdraw(idea: MyIdea) {
    setBusy(idea.id);
    const ack = await send('idea:withdraw', { ideaId: idea.id }, { idempotent: true });
    setBusy(null);
    setAsking(null);
    if (!ack.ok) return show(ack.error.message, 'error');
    usePhone.setState({ me: ack.data.me });
    show(t('phone.ideas.withdrawn'), 'ok');
  }

  return (
    <section className="card" aria-labelledby="my-ideas">
      <h2 id="my-ideas" tabIndex={-1}>
        {t('phone.ideas.mine')} <span className="muted">({t('count.ideas', { count: me.ideas.length })})</span>
      </h2>
      {me.ideas.length === 0 && <p className="muted">{t('phone.ideas.none')}</p>}
      <ul className="idea-list" ref={listRef}>
        {me.ideas.map((idea) => {
          const p = priorityOf(forum, idea.priorityCode);
          return (
            <li key={idea.id} className="idea" style={{ borderLeftColor: p?.color }}>
              {editing === idea.id ? (
                <IdeaForm
                  forum={forum}
                  editing={idea}
                  onDone={() => {
                    onEdit?.(null);
                    setRefocus(idea.id);
                  }}
                />
              ) : (
                <>
                  <p className="idea-priority">{p?.title}</p>
                  <IdeaBody forum={forum} idea={idea} t={t} />
                  {idea.status === 'hidden' && <p className="error-text">{t('phone.ideas.hidden', { reason: idea.hiddenReason ?? '' })}</p>}
                  {idea.status === 'merged' && <p className="idea-meta">{t('phone.ideas.merged')}</p>}
                  {onEdit && idea.status === 'active' && (
                    <div className="row">
                      <button
                        type="button"
                        className="btn btn-secondary"
                        data-edit={idea.id}
                        aria-label={t('phone.ideas.editLabel', { title: idea.title })}
                        // Another idea's form left open would be a second form: it closes, unsaved.
                        onClick={() => onEdit(idea.id)}
                      >
                        {t('phone.ideas.edit')}
                      </button>
                      <button
                        type="button"
                        className="btn btn-danger"
                        data-withdraw={idea.id}
                        aria-label={t('phone.ideas.withdrawLabel', { title: idea.title })}
                        disabled={busy === idea.id}
                        onClick={() => setAsking(idea)}
                      >
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
      {asking && (
        <ConfirmDialog
          title={t('phone.ideas.withdrawTitle')}
          confirmLabel={t('phone.ideas.withdraw')}
          irreversible
          busy={busy === asking.id}
          onConfirm={() => void withdraw(asking)}
          onClose={() => setAsking(null)}
          // Kept, back to its button; withdrawn, the idea and its buttons are gone: to the list's heading.
          returnFocus={() => listRef.current?.querySelector<HTMLElement>(`[data-withdraw="${CSS.escape(asking.id)}"]`) ?? document.getElementById('my-ideas')}
        >
          <p>{t('phone.ideas.withdrawConfirm', { title: asking.title })}</p>
          <p className="muted">{t('phone.ideas.withdrawHint')}</p>
        </ConfirmDialog>
      )}
    </section>
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
