// Paper: for residents without a phone. While ideas are open and during review, a table host types
// in the idea cards written on paper (they go on the wall marked as paper); in the results, before
// a priority is revealed, the sticker dots counted on its paper wall are entered per idea. Paper
// dots are kept apart from phone dots and added to them in the ranking. A host works within their
// priority. The facilitator says how many paper ballots were handed out; the stickers stay within
// what those can carry (shared/forum/facilitation.ts, paperBound). A host sees no phone dots here
// before the hall does, nor the ideas in the order of a ranking.

import { useRef, useState, type FormEvent } from 'react';
import { PAPER_IDEA_PHASES } from '../../shared/forum/facilitation.js';
import { LIMITS, PAPER_BALLOTS_MAX, PAPER_DOTS_MAX, type Priority } from '../../shared/forum/types.js';
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
      {phase !== 'closed' && <PaperBallots />}
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

/**
 * How many paper ballots were handed out: the facilitator types it in; a host reads it. It bounds
 * the stickers, so it sits above them.
 */
function PaperBallots() {
  const t = useT();
  const view = useView();
  const commands = useCommands();
  const stated = view.paperBallots;
  const [draft, setDraft] = useState<string | null>(null);
  const [error, setError] = useState('');
  const { dotsPerPriority: dots, maxDotsPerIdea: cap } = view.forum.rules;
  const value = draft ?? (stated === null ? '' : String(stated));

  if (view.me.role === 'host') {
    return (
      <p className="note note-info paper-ballots-note">
        {stated ? t('console.paper.ballotsShown', { count: stated }) : t('console.paper.ballotsNone')}
      </p>
    );
  }

  const save = async (e: FormEvent) => {
    e.preventDefault();
    const count = Number(value.trim());
    if (value.trim() === '' || !Number.isInteger(count) || count < 0 || count > PAPER_BALLOTS_MAX) {
      setError(t('console.paper.ballotsInvalid', { max: PAPER_BALLOTS_MAX }));
      document.getElementById('paper-ballots')?.focus();
      return;
    }
    setError('');
    const ok = await commands.run('ballots', 'paper:ballots', { count }, (data) => t('console.paper.ballotsSaved', { count: data.ballots }));
    if (ok) setDraft(null);
  };

  return (
    <section className="card paper-ballots" aria-labelledby="h-paper-ballots">
      <h3 id="h-paper-ballots">{t('console.paper.ballotsHeading')}</h3>
      <p id="paper-ballots-help" className="muted small">{t('console.paper.ballotsHelp', { dots, cap })}</p>
      <form className="paper-ballots-form" onSubmit={(e) => void save(e)} noValidate>
        <div className="field">
          <label htmlFor="paper-ballots">{t('console.paper.ballotsLabel')}</label>
          <div className="paper-ballots-entry">
            <input
              id="paper-ballots"
              className="paper-input"
              type="number"
              inputMode="numeric"
              min={0}
              max={PAPER_BALLOTS_MAX}
              value={value}
              aria-invalid={error ? true : undefined}
              aria-describedby={error ? 'paper-ballots-help paper-ballots-error' : 'paper-ballots-help'}
              onChange={(e) => {
                setDraft(e.target.value);
                setError('');
              }}
            />
            <button type="submit" className="btn btn-small" disabled={commands.busy('ballots')}>
              {commands.busy('ballots') ? t('common.saving') : t('common.save')}
            </button>
          </div>
        </div>
      </form>
      {error && (
        <p id="paper-ballots-error" className="error-text" role="alert">
          {error}
        </p>
      )}
    </section>
  );
}

/** In the results: the sticker counts, one table per priority, until the priority is revealed. */
function PaperDots() {
  const t = useT();
  const view = useView();
  // The facilitator's rankings (a host's view has only the revealed ones): phone dots beside.
  const rowsOf = new Map(view.results.map((r) => [r.priorityCode, r.rows]));
  const ideasOf = (code: string) => view.ideas.filter((i) => i.priorityCode === code && i.status === 'active');
  // A priority without ideas has nothing to count.
  const withIdeas = scopedPriorities(view).filter((p) => ideasOf(p.code).length > 0);
  const ballots = view.paperBallots ?? 0;
  return (
    <section aria-labelledby="h-paper-dots">
      <h3 id="h-paper-dots">{t('console.paper.dotsHeading')}</h3>
      <p className="muted small">{t('console.paper.dotsHelp')}</p>
      {/* A host reads it in the note above (PaperBallots). */}
      {ballots === 0 && view.me.role !== 'host' && (
        <p className="note note-warn" role="status">
          {t('console.paper.ballotsNoneFacilitator')}
        </p>
      )}
      {withIdeas.length === 0 ? (
        <p className="muted">{t('console.noIdeas')}</p>
      ) : (
        <div className="paper-dots-grid">
          {withIdeas.map((p) => (
            <PriorityDots key={p.code} priority={p} ideas={ideasOf(p.code)} rows={rowsOf.get(p.code) ?? null} />
          ))}
        </div>
      )}
    </section>
  );
}

/**
 * One priority's stickers. `rows`: its ranking, where this console has it (the facilitator, or a
 * host once revealed): the ideas in its order, with phone dots and the sum; otherwise the ideas in
 * the order they came, with the stickers alone.
 */
function PriorityDots({ priority: p, ideas, rows }: { priority: Priority; ideas: ConsoleIdea[]; rows: ResultRow[] | null }) {
  const t = useT();
  const view = useView();
  const revealed = view.forum.revealed.includes(p.code);
  const [draft, setDraft] = useState<Record<string, string>>({});
  const [invalid, setInvalid] = useState<ReadonlySet<string>>(new Set());
  const [over, setOver] = useState<{ sum: number; max: number } | null>(null);
  const [busy, setBusy] = useState(false);
  const byId = new Map(ideas.map((i) => [i.id, i]));
  const order = rows ? rows.map((r) => byId.get(r.ideaId)).filter((i): i is ConsoleIdea => i !== undefined) : ideas;
  const phoneOf = new Map(rows?.map((r) => [r.ideaId, r.phoneDots]) ?? []);
  const paperOf = (id: string) => byId.get(id)?.paperDots ?? 0;
  const valueOf = (id: string) => draft[id] ?? String(paperOf(id));
  const ballots = view.paperBallots ?? 0;
  const perIdea = Math.min(PAPER_DOTS_MAX, ballots * view.forum.rules.maxDotsPerIdea);
  const perPriority = ballots * view.forum.rules.dotsPerPriority;
  const headingId = `h-paper-${p.code}`;
  const columnId = `paper-col-${p.code}`;

  const save = async (e: FormEvent) => {
    e.preventDefault();
    const bad = new Set<string>();
    const changed: { ideaId: string; count: number }[] = [];
    let sum = 0;
    for (const idea of order) {
      const text = valueOf(idea.id).trim();
      const count = Number(text);
      // Lowering a count is always allowed; raising one stays within the ballots (as the server checks).
      const limit = count > paperOf(idea.id) ? perIdea : PAPER_DOTS_MAX;
      if (text === '' || !Number.isInteger(count) || count < 0 || count > limit) bad.add(idea.id);
      else {
        sum += count;
        if (count !== paperOf(idea.id)) changed.push({ ideaId: idea.id, count });
      }
    }
    setInvalid(bad);
    const raised = changed.some((c) => c.count > paperOf(c.ideaId));
    const tooMany = bad.size === 0 && raised && sum > perPriority ? { sum, max: perPriority } : null;
    setOver(tooMany);
    const { show } = useToasts.getState();
    if (bad.size > 0 || tooMany) {
      document.getElementById(`paper-${bad.size > 0 ? [...bad][0] : changed[0].ideaId}`)?.focus();
      return;
    }
    if (changed.length === 0) return show(t('console.paper.unchanged'), 'info');
    setBusy(true);
    const failed: string[] = [];
    // Lowered counts first, so that room freed in the priority is there for those raised; then in
    // the table's order. Each is its own logged step.
    changed.sort((a, b) => Number(a.count > paperOf(a.ideaId)) - Number(b.count > paperOf(b.ideaId)));
    for (const c of changed) {
      const ack = await send('paper:dots', c);
      if (!ack.ok) failed.push(`«${byId.get(c.ideaId)?.title ?? ''}»: ${ack.error.message}`);
    }
    setBusy(false);
    setDraft({});
    if (failed.length > 0) show(failed.join(' '), 'error');
    else show(t('console.paper.dotsSaved', { title: p.title, ideas: changed.length }), 'ok');
  };

  const problemId = `paper-invalid-${p.code}`;
  return (
    <section className="card paper-dots" style={{ borderTopColor: p.color }} aria-labelledby={headingId}>
      <h4 id={headingId} className="paper-dots-heading">
        <PriorityName priority={p} />
      </h4>
      {revealed ? (
        <p className="note note-info small">{t('console.paper.revealed')}</p>
      ) : (
        ballots > 0 && (
          <p id={`paper-bound-${p.code}`} className="muted small">
            {t('console.paper.bound', { perIdea, perPriority })}
          </p>
        )
      )}
      <form onSubmit={(e) => void save(e)} noValidate>
        <div className="table-wrap">
          <table className="data-table paper-table">
            <thead>
              <tr>
                <th scope="col">{t('console.paper.idea')}</th>
                {rows && <th scope="col" className="num">{t('console.paper.phone')}</th>}
                <th scope="col" className="num" id={columnId}>
                  {t('console.paper.stickers')}
                </th>
                {rows && <th scope="col" className="num">{t('console.total')}</th>}
              </tr>
            </thead>
            <tbody>
              {order.map((idea) => {
                const paper = paperOf(idea.id);
                const phone = phoneOf.get(idea.id) ?? 0;
                const typed = Number(valueOf(idea.id));
                const sum = phone + (Number.isInteger(typed) && typed >= 0 ? typed : paper);
                const bad = invalid.has(idea.id);
                return (
                  <tr key={idea.id}>
                    <th scope="row">
                      <span id={`paper-title-${idea.id}`} className="typed">{idea.title}</span>
                      {idea.source === 'paper' && <> <PaperMark /></>}
                    </th>
                    {rows && <td className="num">{phone}</td>}
                    <td className="num">
                      <input
                        id={`paper-${idea.id}`}
                        className="paper-input"
                        type="number"
                        inputMode="numeric"
                        min={0}
                        max={Math.max(perIdea, paper)}
                        value={valueOf(idea.id)}
                        disabled={revealed || busy}
                        aria-labelledby={`${columnId} paper-title-${idea.id}`}
                        aria-invalid={bad || over ? true : undefined}
                        aria-describedby={bad || over ? problemId : ballots > 0 && !revealed ? `paper-bound-${p.code}` : undefined}
                        onChange={(e) => setDraft((d) => ({ ...d, [idea.id]: e.target.value }))}
                      />
                    </td>
                    {rows && (
                      <td className="num">
                        <strong>{sum}</strong>
                      </td>
                    )}
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
        {(invalid.size > 0 || over) && (
          <p id={problemId} className="error-text" role="alert">
            {invalid.size > 0
              ? ballots === 0
                ? t(view.me.role === 'host' ? 'console.paper.ballotsNone' : 'console.paper.ballotsNoneFacilitator')
                : t('console.paper.invalid', { max: perIdea })
              : t('console.paper.overPriority', { sum: over!.sum, max: over!.max })}
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
    </section>
  );
}
