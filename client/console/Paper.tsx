// Paper: for residents without a phone. While ideas are open and during review, a table host types
// in the idea cards written on paper (they go on the wall marked as paper); in the results, before
// a priority is revealed, the sticker dots counted on its paper wall are entered per idea. Paper
// dots are kept apart from phone dots and added to them in the ranking. A host works within their
// priority.

import { useRef, useState, type FormEvent } from 'react';
import { PAPER_IDEA_PHASES } from '../../shared/forum/facilitation.js';
import { LIMITS, PAPER_DOTS_MAX, type Priority } from '../../shared/forum/types.js';
import type { MessageKey } from '../../shared/i18n/index.js';
import type { ConsoleIdea, ResultRow } from '../../shared/protocol.js';
import { send } from '../lib/connection.js';
import { useLang, useT } from '../lib/i18n.js';
import { useToasts } from '../lib/ui.js';
import { useCommands } from './command.js';
import { clock, PaperMark, PriorityName, priorityMap, RequiredText, scopedPriorities } from './parts.js';
import { useView } from './store.js';

export function Paper() {
  const t = useT();
  const view = useView();
  const phase = view.forum.phase;
  return (
    <div className="paper">
      <h2>{t('console.paper.heading')}</h2>
      {PAPER_IDEA_PHASES.includes(phase) ? (
        // While cards are typed in, the ones already in stay in view beside the form.
        <div className="paper-layout">
          <PaperIdeaForm />
          <PaperIdeas />
        </div>
      ) : (
        <>
          {phase === 'results' ? (
            <PaperDots />
          ) : (
            <p className="note note-info">{t(phase === 'lobby' ? 'console.paper.notYet' : 'console.paper.waitResults')}</p>
          )}
          <PaperIdeas />
        </>
      )}
    </div>
  );
}

function PaperIdeaForm() {
  const t = useT();
  const view = useView();
  const commands = useCommands();
  const priorities = scopedPriorities(view);
  const [priorityCode, setPriorityCode] = useState(priorities.length === 1 ? priorities[0].code : '');
  const [goalCode, setGoalCode] = useState('');
  const [title, setTitle] = useState('');
  const [description, setDescription] = useState('');
  const [place, setPlace] = useState('');
  const [author, setAuthor] = useState('');
  const [errors, setErrors] = useState<{ priority?: string; title?: string }>({});
  const priorityRef = useRef<HTMLSelectElement>(null);
  const titleRef = useRef<HTMLInputElement>(null);
  const priority = priorities.find((p) => p.code === priorityCode);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const found = {
      ...(priority ? {} : { priority: t('console.paper.choosePriority') }),
      ...(title.trim() ? {} : { title: t('err.TEXT_REQUIRED', { fieldName: t('field.title') }) }),
    };
    setErrors(found);
    if (found.priority) return priorityRef.current?.focus();
    if (found.title) return titleRef.current?.focus();
    const ok = await commands.run(
      'paper',
      'paper:idea',
      { priorityCode, goalCode: goalCode || null, title, description, place, author },
      () => t('console.paper.added', { title: title.trim() }),
    );
    if (!ok) return;
    // The next card of the pile is most likely for the same priority: it stays chosen.
    setGoalCode('');
    setTitle('');
    setDescription('');
    setPlace('');
    setAuthor('');
    titleRef.current?.focus();
  };

  return (
    <section className="card paper-form" aria-labelledby="h-paper-form">
      <h3 id="h-paper-form">{t('console.paper.formHeading')}</h3>
      <p className="muted small">{t('console.paper.formHelp')}</p>
      <form onSubmit={(e) => void submit(e)} noValidate>
        <div className="row">
          <div className="field field-grow">
            <label htmlFor="paper-priority">{t('common.priority')}</label>
            <select
              ref={priorityRef}
              id="paper-priority"
              value={priorityCode}
              aria-required="true"
              aria-invalid={errors.priority ? true : undefined}
              aria-describedby={errors.priority ? 'paper-priority-error' : undefined}
              onChange={(e) => {
                setPriorityCode(e.target.value);
                setGoalCode('');
                setErrors((x) => ({ ...x, priority: undefined }));
              }}
            >
              {priorities.length > 1 && <option value="">{t('phone.ideas.choosePriority')}</option>}
              {priorities.map((p) => (
                <option key={p.code} value={p.code}>
                  {p.code} {p.title}
                </option>
              ))}
            </select>
            {errors.priority && (
              <span id="paper-priority-error" className="error-text" role="alert">
                {errors.priority}
              </span>
            )}
          </div>
          <div className="field field-grow">
            <label htmlFor="paper-goal">{t('phone.ideas.goal')}</label>
            <select id="paper-goal" value={goalCode} disabled={!priority} onChange={(e) => setGoalCode(e.target.value)}>
              <option value="">{t('common.noGoal')}</option>
              {priority?.goals.map((g) => (
                <option key={g.code} value={g.code}>
                  {g.code} {g.title}
                </option>
              ))}
            </select>
          </div>
        </div>
        <RequiredText
          id="paper-title"
          label={t('field.title')}
          value={title}
          maxLength={LIMITS.title}
          error={errors.title}
          inputRef={titleRef}
          onChange={(value) => {
            setTitle(value);
            setErrors((x) => ({ ...x, title: undefined }));
          }}
        />
        <div className="field">
          <label htmlFor="paper-description">{t('phone.ideas.description')}</label>
          <textarea
            id="paper-description"
            value={description}
            maxLength={LIMITS.description}
            rows={3}
            onChange={(e) => setDescription(e.target.value)}
          />
        </div>
        <div className="row">
          <div className="field field-grow">
            <label htmlFor="paper-place">{t('phone.ideas.place')}</label>
            <input id="paper-place" value={place} maxLength={LIMITS.place} onChange={(e) => setPlace(e.target.value)} />
          </div>
          <div className="field field-grow">
            <label htmlFor="paper-author">{t('console.paper.author')}</label>
            <input id="paper-author" value={author} maxLength={LIMITS.name} onChange={(e) => setAuthor(e.target.value)} />
          </div>
        </div>
        <div className="form-actions">
          <button type="submit" className="btn" disabled={commands.busy('paper')}>
            {commands.busy('paper') ? t('common.saving') : t('console.paper.add')}
          </button>
        </div>
      </form>
    </section>
  );
}

/** The paper cards typed in so far, newest first. */
function PaperIdeas() {
  const t = useT();
  const lang = useLang((s) => s.lang);
  const view = useView();
  const priorities = priorityMap(view);
  const codes = new Set(scopedPriorities(view).map((p) => p.code));
  const cards = view.ideas.filter((i) => i.source === 'paper' && codes.has(i.priorityCode)).sort((a, b) => b.createdAt - a.createdAt);
  return (
    <section className="card" aria-labelledby="h-paper-list">
      <h3 id="h-paper-list">
        {t('console.paper.list')} <span className="muted heading-note">({cards.length})</span>
      </h3>
      {cards.length === 0 ? (
        <p className="muted">{t('console.paper.none')}</p>
      ) : (
        <div className="table-wrap">
          <table className="data-table">
            <thead>
              <tr>
                <th scope="col">{t('field.title')}</th>
                <th scope="col">{t('common.priority')}</th>
                <th scope="col">{t('console.status')}</th>
                <th scope="col">{t('console.audit.when')}</th>
              </tr>
            </thead>
            <tbody>
              {cards.map((i) => {
                const p = priorities.get(i.priorityCode);
                return (
                  <tr key={i.id}>
                    <td className="typed">{i.title}</td>
                    <td className="typed">{p ? <PriorityName priority={p} /> : i.priorityCode}</td>
                    <td>{t(`console.status.${i.status}` as MessageKey)}</td>
                    <td>{clock(lang, i.createdAt)}</td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

/** In the results: the sticker counts, one table per priority, until the priority is revealed. */
function PaperDots() {
  const t = useT();
  const view = useView();
  const rowsOf = new Map(view.results.map((r) => [r.priorityCode, r.rows]));
  const ideas = new Map(view.ideas.map((i) => [i.id, i]));
  // A priority without ideas has nothing to count.
  const withIdeas = scopedPriorities(view).filter((p) => (rowsOf.get(p.code)?.length ?? 0) > 0);
  return (
    <section aria-labelledby="h-paper-dots">
      <h3 id="h-paper-dots">{t('console.paper.dotsHeading')}</h3>
      <p className="muted small">{t('console.paper.dotsHelp')}</p>
      {withIdeas.length === 0 ? (
        <p className="muted">{t('console.noIdeas')}</p>
      ) : (
        <div className="paper-dots-grid">
          {withIdeas.map((p) => (
            <PriorityDots key={p.code} priority={p} rows={rowsOf.get(p.code) ?? []} ideas={ideas} />
          ))}
        </div>
      )}
    </section>
  );
}

function PriorityDots({ priority: p, rows, ideas }: { priority: Priority; rows: ResultRow[]; ideas: Map<string, ConsoleIdea> }) {
  const t = useT();
  const view = useView();
  const revealed = view.forum.revealed.includes(p.code);
  const [draft, setDraft] = useState<Record<string, string>>({});
  const [invalid, setInvalid] = useState<ReadonlySet<string>>(new Set());
  const [busy, setBusy] = useState(false);
  const paperOf = (id: string) => rows.find((r) => r.ideaId === id)?.paperDots ?? 0;
  const valueOf = (id: string) => draft[id] ?? String(paperOf(id));
  const headingId = `h-paper-${p.code}`;
  const columnId = `paper-col-${p.code}`;

  const save = async (e: FormEvent) => {
    e.preventDefault();
    const bad = new Set<string>();
    const changed: { ideaId: string; count: number }[] = [];
    for (const r of rows) {
      const text = valueOf(r.ideaId).trim();
      const count = Number(text);
      if (text === '' || !Number.isInteger(count) || count < 0 || count > PAPER_DOTS_MAX) bad.add(r.ideaId);
      else if (count !== paperOf(r.ideaId)) changed.push({ ideaId: r.ideaId, count });
    }
    setInvalid(bad);
    const { show } = useToasts.getState();
    if (bad.size > 0) {
      document.getElementById(`paper-${[...bad][0]}`)?.focus();
      return;
    }
    if (changed.length === 0) return show(t('console.paper.unchanged'), 'info');
    setBusy(true);
    const failed: string[] = [];
    // One at a time, in the table's order: each is its own logged step.
    for (const c of changed) {
      const ack = await send('paper:dots', c);
      if (!ack.ok) failed.push(`«${ideas.get(c.ideaId)?.title ?? ''}»: ${ack.error.message}`);
    }
    setBusy(false);
    setDraft({});
    if (failed.length > 0) show(failed.join(' '), 'error');
    else show(t('console.paper.dotsSaved', { title: p.title, ideas: changed.length }), 'ok');
  };

  return (
    <section className="card paper-dots" style={{ borderTopColor: p.color }} aria-labelledby={headingId}>
      <h4 id={headingId} className="paper-dots-heading">
        <PriorityName priority={p} />
      </h4>
      {revealed && <p className="note note-info small">{t('console.paper.revealed')}</p>}
      {rows.length === 0 ? (
        <p className="muted">{t('console.noIdeas')}</p>
      ) : (
        <form onSubmit={(e) => void save(e)} noValidate>
          <div className="table-wrap">
            <table className="data-table paper-table">
              <thead>
                <tr>
                  <th scope="col">{t('console.paper.idea')}</th>
                  <th scope="col" className="num">{t('console.paper.phone')}</th>
                  <th scope="col" className="num" id={columnId}>
                    {t('console.paper.stickers')}
                  </th>
                  <th scope="col" className="num">{t('console.total')}</th>
                </tr>
              </thead>
              <tbody>
                {rows.map((r) => {
                  const paper = r.paperDots;
                  const phone = r.phoneDots;
                  const typed = Number(valueOf(r.ideaId));
                  const sum = phone + (Number.isInteger(typed) && typed >= 0 ? typed : paper);
                  const bad = invalid.has(r.ideaId);
                  return (
                    <tr key={r.ideaId}>
                      <th scope="row">
                        <span id={`paper-title-${r.ideaId}`} className="typed">{r.title}</span>
                        {ideas.get(r.ideaId)?.source === 'paper' && <> <PaperMark /></>}
                      </th>
                      <td className="num">{phone}</td>
                      <td className="num">
                        <input
                          id={`paper-${r.ideaId}`}
                          className="paper-input"
                          type="number"
                          inputMode="numeric"
                          min={0}
                          max={PAPER_DOTS_MAX}
                          value={valueOf(r.ideaId)}
                          disabled={revealed || busy}
                          aria-labelledby={`${columnId} paper-title-${r.ideaId}`}
                          aria-invalid={bad ? true : undefined}
                          aria-describedby={bad ? `paper-invalid-${p.code}` : undefined}
                          onChange={(e) => setDraft((d) => ({ ...d, [r.ideaId]: e.target.value }))}
                        />
                      </td>
                      <td className="num">
                        <strong>{sum}</strong>
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
          {invalid.size > 0 && (
            <p id={`paper-invalid-${p.code}`} className="error-text" role="alert">
              {t('console.paper.invalid', { max: PAPER_DOTS_MAX })}
            </p>
          )}
          {!revealed && (
            <div className="form-actions paper-save">
              <button type="submit" className="btn btn-small" disabled={busy} aria-describedby={headingId}>
                {busy ? t('common.saving') : t('console.paper.saveDots')}
              </button>
            </div>
          )}
        </form>
      )}
    </section>
  );
}
