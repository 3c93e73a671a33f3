// The phone's screens, one per phase: join, wait, propose ideas, vote with dots, see results.

import { useEffect, useId, useMemo, useRef, useState, type FormEvent } from 'react';
import { LIMITS, type Priority } from '../../shared/forum/types.js';
import { textLength } from '../../shared/forum/text.js';
import type { MessageKey } from '../../shared/i18n/index.js';
import type { ForumInfo, MeView, MyIdea, PriorityResult, PublicIdea } from '../../shared/protocol.js';
import { send, useConnection } from '../lib/connection.js';
import { useT, type T } from '../lib/i18n.js';
import { ConnectionBanner, LanguageToggle, Toasts, useTitle, useToasts } from '../lib/ui.js';
import { usePhone } from './store.js';
import { deviceToken } from './token.js';

export function App() {
  const t = useT();
  const { forum, me } = usePhone();
  const refused = useConnection((s) => s.refused);
  useTitle(forum ? `${forum.title} — ${t('app.name')}` : t('phone.title'));

  let body;
  if (refused && refused.code !== 'PROTOCOL_MISMATCH') body = <p className="card error-text">{refused.message}</p>;
  else if (!forum || me === undefined) body = <p className="card" role="status">{t('common.loading')}</p>;
  // A forum that is over takes no one new, but its revealed results are for everyone.
  else if (me === null && forum.phase === 'closed') body = <Results forum={forum} />;
  else if (me === null) body = <JoinForm forum={forum} />;
  else if (me.voided) body = <Voided reason={me.voided.reason} />;
  else body = <PhaseView forum={forum} me={me} />;

  return (
    <>
      <header className="top">
        <div className="top-title">
          <strong>{t('app.name')}</strong>
          {forum && <span className="top-forum">{forum.title}</span>}
        </div>
        <LanguageToggle />
      </header>
      <ConnectionBanner />
      <main className="content">{body}</main>
      <Toasts />
    </>
  );
}

function PhaseView({ forum, me }: { forum: ForumInfo; me: MeView }) {
  const t = useT();
  const greeting = me.name ? t('phone.hello', { name: me.name }) : t('phone.helloAnon');
  return (
    <>
      <p className="phase-pill" aria-live="polite">
        {t(`phase.${forum.phase}` as MessageKey)}
      </p>
      {forum.phase === 'lobby' && (
        <section className="card">
          <h1>{greeting}</h1>
          <p>{t('phone.lobby')}</p>
          <NameForm me={me} />
        </section>
      )}
      {forum.phase === 'ideas' && <IdeasPhase forum={forum} me={me} />}
      {forum.phase === 'review' && (
        <>
          <section className="card">
            <p>{t('phone.review')}</p>
          </section>
          <MyIdeas forum={forum} me={me} editable={false} />
        </>
      )}
      {forum.phase === 'voting' && <Voting forum={forum} me={me} />}
      {(forum.phase === 'results' || forum.phase === 'closed') && <Results forum={forum} />}
    </>
  );
}

// ---------------------------------------------------------------- joining

/** The facilitator voided this ballot: say so plainly, and nothing else is offered. (The notice that comes with it is what is read aloud.) */
function Voided({ reason }: { reason: string }) {
  const t = useT();
  return (
    <section className="card">
      <h1>{t('phone.voided.heading')}</h1>
      <p>{t('phone.voided.text', { reason })}</p>
    </section>
  );
}

/** What the code field asks for depends on how the forum admits people. */
const CODE_LABEL = { hall: 'phone.join.codeHall', tickets: 'phone.join.codeTickets', open: 'phone.join.code' } as const;

function JoinForm({ forum }: { forum: ForumInfo }) {
  const t = useT();
  const initialCode = useMemo(() => new URLSearchParams(window.location.search).get('c') ?? '', []);
  const [code, setCode] = useState(initialCode);
  const [name, setName] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const codeId = useId();
  const nameId = useId();
  const hintId = useId();

  async function submit(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    const ack = await send('participant:join', { code, name, token: deviceToken() });
    setBusy(false);
    if (ack.ok) usePhone.setState({ me: ack.data.me });
    else setError(ack.error.message);
  }

  return (
    <form className="card" onSubmit={submit} noValidate>
      <h1>{t('phone.join.heading')}</h1>
      <div className="field">
        <label htmlFor={codeId}>{t(CODE_LABEL[forum.admission])}</label>
        <input
          id={codeId}
          inputMode="numeric"
          autoComplete="off"
          pattern="[0-9 ]*"
          maxLength={20}
          value={code}
          onChange={(e) => setCode(e.target.value)}
          aria-invalid={error ? true : undefined}
          required
        />
      </div>
      <div className="field">
        <label htmlFor={nameId}>{t('phone.join.name')}</label>
        <input
          id={nameId}
          autoComplete="given-name"
          maxLength={LIMITS.name}
          value={name}
          onChange={(e) => setName(e.target.value)}
          aria-describedby={hintId}
        />
        <span className="hint" id={hintId}>
          {t('phone.join.nameHint')}
        </span>
      </div>
      {error && (
        <p className="error-text" role="alert">
          {error}
        </p>
      )}
      <button className="btn btn-wide" type="submit" disabled={busy}>
        {busy ? t('phone.join.joining') : t('phone.join.submit')}
      </button>
    </form>
  );
}

/** The name shown beside this participant's ideas; it can be added or changed later. */
function NameForm({ me }: { me: MeView }) {
  const t = useT();
  const show = useToasts((s) => s.show);
  const [open, setOpen] = useState(false);
  const [name, setName] = useState(me.name);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const id = useId();

  if (!open) {
    return (
      <button type="button" className="btn btn-secondary" onClick={() => setOpen(true)}>
        {me.name ? t('phone.name.change') : t('phone.name.add')}
      </button>
    );
  }

  async function submit(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    const ack = await send('participant:rename', { name }, { idempotent: true });
    setBusy(false);
    if (!ack.ok) return setError(ack.error.message);
    usePhone.setState({ me: ack.data.me });
    show(t('common.saved'), 'ok');
    setOpen(false);
  }

  return (
    <form onSubmit={submit} noValidate>
      <div className="field">
        <label htmlFor={id}>{t('phone.join.name')}</label>
        <input id={id} autoComplete="given-name" maxLength={LIMITS.name} value={name} onChange={(e) => setName(e.target.value)} autoFocus />
      </div>
      {error && (
        <p className="error-text" role="alert">
          {error}
        </p>
      )}
      <div className="row">
        <button className="btn" type="submit" disabled={busy}>
          {busy ? t('common.saving') : t('common.save')}
        </button>
        <button className="btn btn-secondary" type="button" onClick={() => setOpen(false)}>
          {t('common.cancel')}
        </button>
      </div>
    </form>
  );
}

// ---------------------------------------------------------------- ideas

interface IdeaDraft {
  priorityCode: string;
  goalCode: string;
  title: string;
  description: string;
  place: string;
}

const emptyDraft: IdeaDraft = { priorityCode: '', goalCode: '', title: '', description: '', place: '' };

function IdeasPhase({ forum, me }: { forum: ForumInfo; me: MeView }) {
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

function IdeaForm({ forum, left, editing, onDone }: { forum: ForumInfo; left?: number; editing?: MyIdea; onDone?: () => void }) {
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
        </div>
      )}
      <TextField id={ids.title} label={t('phone.ideas.title')} value={draft.title} max={LIMITS.title} onChange={(title) => set({ title })} required />
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
}) {
  const length = textLength(props.value);
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
      ) : (
        <input {...common} onChange={(e) => props.onChange(e.target.value)} />
      )}
      <span id={counterId} className={`counter${length > props.max ? ' over' : ''}`}>
        {length}/{props.max}
      </span>
    </div>
  );
}

function priorityOf(forum: ForumInfo, code: string): Priority | undefined {
  return forum.priorities.find((p) => p.code === code);
}

function goalTitle(forum: ForumInfo, idea: PublicIdea): string | null {
  if (!idea.goalCode) return null;
  const goal = priorityOf(forum, idea.priorityCode)?.goals.find((g) => g.code === idea.goalCode);
  return goal ? `${goal.code} ${goal.title}` : null;
}

function IdeaBody({ forum, idea, t }: { forum: ForumInfo; idea: PublicIdea; t: T }) {
  const goal = goalTitle(forum, idea);
  return (
    <>
      <h3 className="idea-title">{idea.title}</h3>
      {goal && <p className="idea-meta">{goal}</p>}
      {idea.description && <p className="idea-desc">{idea.description}</p>}
      {idea.place && <p className="idea-meta">{t('phone.place', { place: idea.place })}</p>}
    </>
  );
}

function MyIdeas({ forum, me, editable }: { forum: ForumInfo; me: MeView; editable: boolean }) {
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

function OthersIdeas({ forum, me }: { forum: ForumInfo; me: MeView }) {
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
            <IdeaBody forum={forum} idea={idea} t={t} />
          </li>
        ))}
      </ul>
    </details>
  );
}

// ---------------------------------------------------------------- voting

function Voting({ forum, me }: { forum: ForumInfo; me: MeView }) {
  const t = useT();
  const ideas = usePhone((s) => s.ideas);
  const [current, setCurrent] = useState(forum.priorities[0]?.code ?? '');
  const [status, setStatus] = useState('');
  const [busy, setBusy] = useState(false);
  const show = useToasts((s) => s.show);
  const priority = priorityOf(forum, current) ?? forum.priorities[0];
  const headingRef = useRef<HTMLHeadingElement>(null);

  const spent = (code: string) =>
    ideas.filter((i) => i.priorityCode === code).reduce((n, i) => n + (me.dots[i.id] ?? 0), 0);
  const { dotsPerPriority: budget, maxDotsPerIdea: cap } = forum.rules;
  const list = ideas.filter((i) => i.priorityCode === priority?.code);
  const left = priority ? budget - spent(priority.code) : 0;

  // After choosing another priority, focus its heading so a screen reader says where it landed;
  // not on first showing, which would pull focus away from wherever the person was.
  const chosen = useRef(false);
  useEffect(() => {
    if (chosen.current) headingRef.current?.focus({ preventScroll: true });
    chosen.current = true;
  }, [current]);

  async function change(idea: PublicIdea, add: boolean) {
    setBusy(true);
    setStatus(t('common.saving'));
    const ack = add
      ? await send('dot:place', { ideaId: idea.id }, { idempotent: true })
      : await send('dot:remove', { ideaId: idea.id }, { idempotent: true });
    setBusy(false);
    if (!ack.ok) {
      setStatus(t('common.notSaved', { message: ack.error.message }));
      show(ack.error.message, 'error');
      return;
    }
    usePhone.setState({ me: ack.data.me });
    setStatus(t('common.saved'));
  }

  if (!priority) return null;
  return (
    <section aria-labelledby="voting-h">
      <div className="card">
        <h1 id="voting-h">{t('phone.voting.heading')}</h1>
        <p>
          {t('phone.voting.help', { dots: t('count.dots', { count: budget }), cap: t('count.dots', { count: cap }) })}
        </p>
      </div>
      <nav className="priority-tabs" aria-label={t('common.priority')}>
        {forum.priorities.map((p) => {
          const pLeft = budget - spent(p.code);
          return (
            <button
              key={p.code}
              type="button"
              className={`priority-tab${p.code === priority.code ? ' current' : ''}`}
              style={{ borderColor: p.color }}
              aria-current={p.code === priority.code ? 'true' : undefined}
              onClick={() => setCurrent(p.code)}
            >
              <span className="tab-title">{p.title}</span>
              <Dots total={budget} filled={pLeft} color={p.color} label={t('count.dotsLeft', { count: pLeft })} />
            </button>
          );
        })}
      </nav>
      <div className="dots-left" style={{ borderColor: priority.color }}>
        <h2 ref={headingRef} tabIndex={-1}>
          {priority.title}
        </h2>
        <p className="left-count" aria-live="polite">
          <strong>{t('count.dotsLeft', { count: left })}</strong>
          <span className="save-status"> {status}</span>
        </p>
      </div>
      {list.length === 0 && <p className="card muted">{t('phone.voting.noIdeas')}</p>}
      <ul className="idea-list">
        {list.map((idea) => {
          const mine = me.dots[idea.id] ?? 0;
          return (
            <li key={idea.id} className={`idea card${mine > 0 ? ' has-dots' : ''}`} style={{ borderLeftColor: priority.color }}>
              <IdeaBody forum={forum} idea={idea} t={t} />
              <div className="vote-row">
                <button
                  type="button"
                  className="btn btn-secondary vote-btn"
                  aria-label={t('phone.voting.removeLabel', { title: idea.title })}
                  disabled={busy || mine === 0}
                  onClick={() => change(idea, false)}
                >
                  −
                </button>
                <span className="my-dots">
                  <Dots total={cap} filled={mine} color={priority.color} label={t('phone.voting.mine', { count: mine })} />
                  <span aria-hidden="true">{mine}</span>
                </span>
                <button
                  type="button"
                  className="btn vote-btn"
                  aria-label={t('phone.voting.addLabel', { title: idea.title })}
                  disabled={busy || left <= 0 || mine >= cap}
                  onClick={() => change(idea, true)}
                >
                  +
                </button>
              </div>
            </li>
          );
        })}
      </ul>
    </section>
  );
}

function Dots({ total, filled, color, label }: { total: number; filled: number; color: string; label: string }) {
  return (
    <span className="dots" role="img" aria-label={label}>
      {Array.from({ length: Math.min(total, 12) }, (_, i) => (
        <span key={i} className="dot" style={i < filled ? { background: color, borderColor: color } : { borderColor: color }} />
      ))}
    </span>
  );
}

// ---------------------------------------------------------------- results

function Results({ forum }: { forum: ForumInfo }) {
  const t = useT();
  const results = usePhone((s) => s.results);
  return (
    <>
      {forum.phase === 'closed' && (
        <section className="card">
          <p>{t('phone.closed')}</p>
        </section>
      )}
      <section aria-labelledby="results-h">
        <h1 id="results-h" className="section-h">
          {t('phone.results.heading')}
        </h1>
        {results.length === 0 && <p className="card">{t('phone.results.waiting')}</p>}
        {results.map((r) => (
          <ResultCard key={r.priorityCode} forum={forum} result={r} />
        ))}
      </section>
    </>
  );
}

function ResultCard({ forum, result }: { forum: ForumInfo; result: PriorityResult }) {
  const t = useT();
  const p = priorityOf(forum, result.priorityCode);
  const max = Math.max(1, ...result.rows.map((r) => r.dots));
  return (
    <div className="card result" style={{ borderTopColor: p?.color }}>
      <h2>{p?.title}</h2>
      <ol className="result-list">
        {result.rows.map((row) => (
          <li key={row.ideaId}>
            <span className="rank">{row.rank}.</span>
            <span className="result-title">{row.title}</span>
            <span className="bar" aria-hidden="true">
              <span style={{ width: `${(row.dots / max) * 100}%`, background: p?.color }} />
            </span>
            <span className="result-count">
              {t('count.dots', { count: row.dots })} · {t('count.supporters', { count: row.supporters })}
            </span>
          </li>
        ))}
      </ol>
    </div>
  );
}
