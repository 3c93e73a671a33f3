// The city vote's definition as the organiser fills it in, while the forum is in the lobby: the
// vote's title, its budgets, its projects (typed in or grown from the forum's ideas), the ballot,
// the counting and tie rules, and the data-protection notice's words (prefilled with usual ones to
// edit). The server's checks are the only ones: a refusal is shown under the field it concerns,
// which takes focus. The whole definition stays editable as JSON behind "advanced", for the fields
// the form leaves out. Several facilitator consoles may have the form open: one that another saves
// over shows the new definition when nothing here was edited, and otherwise says so and lets the
// organiser take theirs or keep their own; a save names the revision it was made on, so the server
// refuses one made over a newer definition (CITY_DEFINITION_CHANGED) rather than erase it unseen.

import { useEffect, useRef, useState, type ReactNode } from 'react';
import { CITY_ID_PATTERN } from '../../shared/city/checkVote.js';
import { cityVoteInput, type CityVoteInput } from '../../shared/forum/city.js';
import type { AckError, ConsoleView } from '../../shared/protocol.js';
import { useT, type T } from '../lib/i18n.js';
import { useCommands } from './command.js';
import { useView } from './store.js';

interface BudgetRow {
  /** The row's own key: ids are typed, so a project names its budget by this. */
  key: string;
  id: string;
  name: string;
  amount: string;
}

interface ProjectRow {
  key: string;
  id: string;
  budgetKey: string;
  cost: string;
  title: string;
  description: string;
  place: string;
  /** '' when typed in whole. */
  ideaId: string;
}

interface Draft {
  title: string;
  budgets: BudgetRow[];
  projects: ProjectRow[];
  ballot: { kind: 'approval' | 'points' | 'knapsack'; maxChoices: string; points: string; maxPerProject: string };
  counting: { kind: 'greedy' | 'equalShares'; step: string };
  tie: { kind: 'cheaperThenListed' | 'cheaperThenLottery'; seed: string };
  privacy: { controller: string; contact: string; purpose: string; retainUntil: string };
  /** Not in the form: carried over from the JSON so that saving the form keeps it. */
  place?: CityVoteInput['place'];
}

/** Where a refusal belongs: the id of the field it names (null: the form as a whole) and the server's sentence. */
interface Refusal {
  target: string | null;
  message: string;
}

let rows = 0;
const rowKey = () => `r${++rows}`;

/** How long the personal data is kept by default: half a year, time enough for complaints about the count. */
const DEFAULT_RETENTION_DAYS = 183;

const dayAfter = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);

/** A first draft from the shortlist: one budget, a project per idea, costs to fill in. */
function draftOf(view: ConsoleView): CityVoteInput {
  const ideas = view.ideas.filter((i) => i.status === 'active');
  return {
    title: view.forum.title,
    budgets: [{ id: 'city', name: view.forum.title, amount: 1_000_000 }],
    projects: ideas.map((idea, i) => ({ id: `p${i + 1}`, budgetId: 'city', cost: 0, ideaId: idea.id })),
    ballot: { kind: 'knapsack' },
    counting: { kind: 'greedy' },
    tie: { kind: 'cheaperThenListed' },
  };
}

const shown = (n: number | undefined) => (n === undefined || n === 0 ? '' : String(n));

function formOf(input: CityVoteInput, t: T): Draft {
  const budgets = input.budgets.map((b) => ({ key: rowKey(), id: b.id, name: b.name, amount: shown(b.amount) }));
  const keyOf = (id: string) => budgets.find((b) => b.id === id)?.key ?? '';
  const ballot = input.ballot;
  return {
    title: input.title,
    budgets,
    projects: input.projects.map((p) => ({
      key: rowKey(),
      id: p.id,
      budgetKey: keyOf(p.budgetId),
      cost: shown(p.cost),
      title: p.title ?? '',
      description: p.description ?? '',
      place: p.place ?? '',
      ideaId: p.ideaId ?? '',
    })),
    ballot: {
      kind: ballot.kind,
      maxChoices: ballot.kind === 'approval' ? String(ballot.maxChoices) : '3',
      points: ballot.kind === 'points' ? String(ballot.points) : '10',
      maxPerProject: ballot.kind === 'points' ? String(ballot.maxPerProject) : '5',
    },
    counting: { kind: input.counting.kind, step: input.counting.kind === 'equalShares' ? shown(input.counting.step) : '' },
    tie: { kind: input.tie.kind, seed: input.tie.kind === 'cheaperThenLottery' ? input.tie.seed : '' },
    privacy: input.privacy
      ? { purpose: '', ...input.privacy }
      : {
          controller: t('city.form.default.controller'),
          contact: t('city.form.default.contact'),
          purpose: t('city.form.default.purpose'),
          retainUntil: dayAfter(DEFAULT_RETENTION_DAYS),
        },
    ...(input.place ? { place: input.place } : {}),
  };
}

/**
 * A typed amount as a number. Spaces (1 000 000, as Ukrainian writes it) are forgiven; anything
 * else that is not a whole number goes as 0, which the rules refuse saying that it must be a whole
 * number above zero, under the very field.
 */
function whole(typed: string): number {
  const plain = typed.replace(/[\s\u00a0\u202f]/g, '');
  return /^\d{1,15}$/.test(plain) ? Number(plain) : 0;
}

function inputOf(d: Draft): CityVoteInput {
  const budgetId = (key: string) => d.budgets.find((b) => b.key === key)?.id.trim() ?? '';
  const ballot: CityVoteInput['ballot'] =
    d.ballot.kind === 'approval'
      ? { kind: 'approval', maxChoices: whole(d.ballot.maxChoices) }
      : d.ballot.kind === 'points'
        ? { kind: 'points', points: whole(d.ballot.points), maxPerProject: whole(d.ballot.maxPerProject) }
        : { kind: 'knapsack' };
  return {
    title: d.title,
    budgets: d.budgets.map((b) => ({ id: b.id.trim(), name: b.name, amount: whole(b.amount) })),
    projects: d.projects.map((p) => ({
      id: p.id.trim(),
      budgetId: budgetId(p.budgetKey),
      cost: whole(p.cost),
      title: p.title,
      description: p.description,
      place: p.place,
      ...(p.ideaId ? { ideaId: p.ideaId } : {}),
    })),
    ballot,
    counting: d.counting.kind === 'greedy' ? { kind: 'greedy' } : { kind: 'equalShares', ...(d.counting.step.trim() ? { step: whole(d.counting.step) } : {}) },
    tie: d.tie.kind === 'cheaperThenListed' ? { kind: 'cheaperThenListed' } : { kind: 'cheaperThenLottery', seed: d.tie.seed.trim() },
    ...(d.place ? { place: d.place } : {}),
    privacy: {
      controller: d.privacy.controller,
      contact: d.privacy.contact,
      retainUntil: d.privacy.retainUntil,
      ...(d.privacy.purpose.trim() ? { purpose: d.privacy.purpose } : {}),
    },
  };
}

const fieldId = (row: string, part: string) => `city-${row}-${part}`;

/**
 * The field a refusal of the server names. It names a field by kind ("title") or by the id typed
 * ("p3"), never by a row, so the row is found here in the order the server checks them in
 * (shared/forum/city.ts, shared/city/checkVote.ts): the first that fits is the one refused.
 */
function fieldOfRefusal(error: AckError, d: Draft, activeIdeas: ReadonlySet<string>): string | null {
  const p = error.params ?? {};
  const items = [...d.budgets.map((b) => ({ key: b.key, id: b.id.trim(), budget: true })), ...d.projects.map((x) => ({ key: x.key, id: x.id.trim(), budget: false }))];
  switch (error.code) {
    // Another console's save came first: the notice above the form says so and holds the two ways on.
    case 'CITY_DEFINITION_CHANGED':
      return 'city-changed';
    case 'TEXT_REQUIRED':
    case 'TEXT_TOO_LONG': {
      const bad = (v: string) => (error.code === 'TEXT_REQUIRED' ? v.trim() === '' : [...v.trim()].length > Number(p.max));
      const field = String(p.field);
      if (field === 'title') {
        if (bad(d.title)) return 'city-title';
        const budget = d.budgets.find((b) => bad(b.name));
        if (budget) return fieldId(budget.key, 'name');
        // An empty title is the idea's: only a project typed in whole needs one.
        const project = d.projects.find((x) => (error.code === 'TEXT_REQUIRED' ? !x.ideaId && bad(x.title) : bad(x.title)));
        return project ? fieldId(project.key, 'title') : null;
      }
      if (field === 'description' || field === 'place') {
        const project = d.projects.find((x) => bad(x[field]));
        return project ? fieldId(project.key, field) : null;
      }
      return ['controller', 'contact', 'purpose'].includes(field) ? `city-${field}` : null;
    }
    case 'BAD_INPUT':
      if (p.field === 'retainUntil') return 'city-retainUntil';
      if (p.field === 'budgets' || p.field === 'projects') return `city-${p.field}`;
      return null;
    case 'IDEA_NOT_FOUND': {
      const project = d.projects.find((x) => x.ideaId && !activeIdeas.has(x.ideaId));
      return project ? fieldId(project.key, 'idea') : null;
    }
    case 'CITY_REFUSED': {
      const idField = (item: { key: string; budget: boolean } | undefined, budgetPart: string, projectPart: string) =>
        item ? fieldId(item.key, item.budget ? budgetPart : projectPart) : null;
      switch (p.reason) {
        case 'VOTE_BAD_ID':
          return idField(
            items.find((i) => !CITY_ID_PATTERN.test(i.id)),
            'id',
            'id',
          );
        case 'VOTE_DUPLICATE_ID':
          return idField(
            items.filter((i) => i.id === p.id)[1],
            'id',
            'id',
          );
        case 'VOTE_BAD_AMOUNT':
          return idField(
            items.find((i) => i.id === p.id),
            'amount',
            'cost',
          );
        case 'VOTE_UNKNOWN_BUDGET':
          return idField(
            items.find((i) => !i.budget && i.id === p.projectId),
            'name',
            'budget',
          );
        case 'VOTE_EMPTY_BUDGET':
          return idField(
            items.find((i) => i.budget && i.id === p.budgetId),
            'name',
            'name',
          );
        case 'VOTE_BAD_PARAMETER':
          return ['maxChoices', 'points', 'maxPerProject', 'step', 'seed', 'budgets'].includes(String(p.field)) ? `city-${p.field}` : null;
        default:
          return null;
      }
    }
    default:
      return null;
  }
}

export function CityDefinition() {
  const t = useT();
  const view = useView();
  const { run, busy } = useCommands();
  const [draft, setDraft] = useState<Draft>(() => formOf(view.forum.cityVote ? cityVoteInput(view.forum.cityVote) : draftOf(view), t));
  const [refusal, setRefusal] = useState<Refusal | null>(null);
  const [json, setJson] = useState('');
  const [jsonProblem, setJsonProblem] = useState<string | null>(null);
  const ideas = view.ideas.filter((i) => i.status === 'active');
  const saving = busy('city:setVote');
  // The server's definition as this console last took it (its revision), whether the form or the
  // JSON was edited since, and what was last said of another console's save (read out politely).
  const revision = view.forum.cityVoteRevision;
  const [base, setBase] = useState(revision);
  const [edited, setEdited] = useState(false);
  const [note, setNote] = useState('');
  const theirs = useRef<CityVoteInput | null>(null);
  theirs.current = view.forum.cityVote ? cityVoteInput(view.forum.cityVote) : null;
  // Another console saved, and this one is not saving (its own save is taken from its answer, and
  // the view of it may come after: a revision below the form's alone is not another's save).
  const newer = revision > base && !saving && theirs.current !== null;
  const stale = newer && edited;

  /** The server's definition becomes the form: nothing of this console's is left unsaved. */
  function takeTheirs(vote: CityVoteInput, at: number) {
    setDraft(formOf(vote, t));
    setJson(JSON.stringify(vote, null, 2));
    setBase(at);
    setEdited(false);
    setRefusal(null);
    setJsonProblem(null);
  }

  // The server's revision went down (a backup restored, an older snapshot): what it holds now is
  // not what the form was made on, so it is taken as another console's save (base below it), or,
  // with no definition left there, the form's next save is made on what the server holds.
  const seen = useRef(revision);
  useEffect(() => {
    if (revision < seen.current) setBase(theirs.current ? -1 : revision);
    seen.current = revision;
  }, [revision]);

  // With nothing edited here, another console's save simply shows.
  useEffect(() => {
    if (newer && !edited && theirs.current) {
      takeTheirs(theirs.current, revision);
      setNote(t('city.form.updated'));
    }
    // The form follows the revision; `t` and takeTheirs are each render's own and change nothing here.
  }, [newer, edited, revision]);

  function showTheirs() {
    if (!theirs.current) return;
    takeTheirs(theirs.current, revision);
    setNote(t('city.form.updated'));
    document.getElementById('city-title')?.focus();
  }

  function keepMine() {
    // This console's edits stand on the new revision: its next save replaces the other's, knowingly.
    setBase(revision);
    setRefusal(null);
    setNote(t('city.form.keptMine'));
    document.getElementById('city-save')?.focus();
  }

  // A refusal takes focus to the field it names (or its own sentence), so it is read out and fixed there.
  useEffect(() => {
    if (refusal) (document.getElementById(refusal.target ?? 'city-form-refusal') ?? document.getElementById('city-form-refusal'))?.focus();
  }, [refusal]);

  /**
   * Sends a definition made on revision `base`; the vote the server kept becomes the form (a JSON
   * save shows in it), taken in the same turn as the answer, so that the view of the new revision,
   * come before or after it, is not taken for another console's save.
   */
  async function send(vote: CityVoteInput, onRefused: (error: AckError) => void): Promise<void> {
    setNote('');
    await run(
      'city:setVote',
      'city:setVote',
      { vote, basedOn: base },
      (data) => (takeTheirs(cityVoteInput(data.vote), data.revision), t('city.console.saved')),
      (error) => (onRefused(error), true),
    );
  }

  async function saveForm() {
    setRefusal(null);
    // The one thing the server cannot name: a project whose budget was removed has no budget to send.
    const homeless = draft.projects.find((p) => !draft.budgets.some((b) => b.key === p.budgetKey));
    if (homeless) {
      setRefusal({ target: fieldId(homeless.key, 'budget'), message: t('err.TEXT_REQUIRED', { fieldName: t('city.form.projectBudget') }) });
      return;
    }
    await send(inputOf(draft), (error) => setRefusal({ target: fieldOfRefusal(error, draft, new Set(ideas.map((i) => i.id))), message: error.message }));
  }

  async function saveJson() {
    let vote: CityVoteInput;
    try {
      vote = JSON.parse(json) as CityVoteInput;
    } catch (e) {
      setJsonProblem(t('city.console.notJson', { detail: e instanceof Error ? e.message : String(e) }));
      return;
    }
    setJsonProblem(null);
    await send(vote, (error) => {
      setJsonProblem(error.message);
      // Saved over by another console: its notice holds the two ways on.
      if (error.code === 'CITY_DEFINITION_CHANGED') document.getElementById('city-changed')?.focus();
    });
  }

  // A refusal stands for what was sent: once the form changes, it no longer does.
  const edit = (change: (d: Draft) => Draft) => (setRefusal(null), setNote(''), setEdited(true), setDraft((d) => change(d)));
  const budgetRow = (key: string, part: keyof Omit<BudgetRow, 'key'>, value: string) =>
    edit((d) => ({ ...d, budgets: d.budgets.map((b) => (b.key === key ? { ...b, [part]: value } : b)) }));
  const projectRow = (key: string, part: keyof Omit<ProjectRow, 'key'>, value: string) =>
    edit((d) => ({ ...d, projects: d.projects.map((p) => (p.key === key ? { ...p, [part]: value } : p)) }));
  const field = (id: string) => ({ id, refusal });
  const method = view.admission.identity.method;
  const staff = view.hosts.filter((h) => h.point !== null && !h.revoked).length;

  return (
    <section className="card" aria-labelledby="h-city-define">
      <h2 id="h-city-define">{t('city.console.define')}</h2>
      <p role="status" className="muted small" id="city-form-note">
        {note}
      </p>
      {stale && (
        // Not given focus by itself: the organiser may be typing. It is read out, and the
        // refusal of a save made meanwhile takes focus and names its two ways.
        <div className="city-changed" role="alert" id="city-changed" tabIndex={-1} aria-labelledby="city-changed-title" aria-describedby="city-changed-text">
          <p className="city-changed-title" id="city-changed-title">
            {t('city.form.changedTitle')}
          </p>
          <p id="city-changed-text">{t('city.form.changed')}</p>
          <div className="row">
            <button type="button" className="btn" onClick={showTheirs}>
              {t('city.form.showTheirs')}
            </button>
            <button type="button" className="btn btn-secondary" onClick={keepMine}>
              {t('city.form.keepMine')}
            </button>
          </div>
        </div>
      )}
      <form
        className="city-form"
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          void saveForm();
        }}
      >
        <TextField {...field('city-title')} label={t('city.form.title')} value={draft.title} onChange={(v) => edit((d) => ({ ...d, title: v }))} />

        <fieldset className="city-group">
          <legend id="city-budgets" tabIndex={-1}>
            {t('city.form.budgets')}
          </legend>
          <p className="muted small">{t('city.form.budgetsHelp')}</p>
          <FieldError id="city-budgets" refusal={refusal} />
          {draft.budgets.map((b, i) => (
            <fieldset key={b.key} className="city-row">
              <legend>{t('city.form.budgetN', { n: i + 1 })}</legend>
              <div className="row">
                <TextField {...field(fieldId(b.key, 'name'))} className="field-grow" label={t('city.form.budgetName')} value={b.name} onChange={(v) => budgetRow(b.key, 'name', v)} />
                <TextField {...field(fieldId(b.key, 'id'))} className="city-id" label={t('city.form.id')} value={b.id} onChange={(v) => budgetRow(b.key, 'id', v)} code />
                <TextField {...field(fieldId(b.key, 'amount'))} className="city-money" label={t('city.form.amount')} value={b.amount} onChange={(v) => budgetRow(b.key, 'amount', v)} numeric />
                {draft.budgets.length > 1 && (
                  <button type="button" className="btn btn-secondary btn-small city-remove" onClick={() => edit((d) => ({ ...d, budgets: d.budgets.filter((x) => x.key !== b.key) }))}>
                    {t('city.form.removeBudget', { n: i + 1 })}
                  </button>
                )}
              </div>
            </fieldset>
          ))}
          <button
            type="button"
            className="btn btn-secondary btn-small"
            onClick={() => edit((d) => ({ ...d, budgets: [...d.budgets, { key: rowKey(), id: `b${d.budgets.length + 1}`, name: '', amount: '' }] }))}
          >
            {t('city.form.addBudget')}
          </button>
        </fieldset>

        <fieldset className="city-group">
          <legend id="city-projects" tabIndex={-1}>
            {t('city.form.projects')}
          </legend>
          <p className="muted small">{t('city.form.projectsHelp')}</p>
          <FieldError id="city-projects" refusal={refusal} />
          {draft.projects.map((p, i) => {
            const idea = ideas.find((x) => x.id === p.ideaId);
            return (
              <fieldset key={p.key} className="city-row">
                <legend>{t('city.form.projectN', { n: i + 1 })}</legend>
                <div className="row">
                  <SelectField
                    {...field(fieldId(p.key, 'idea'))}
                    className="field-grow"
                    label={t('city.form.fromIdea')}
                    value={p.ideaId}
                    onChange={(v) => projectRow(p.key, 'ideaId', v)}
                    options={[{ value: '', label: t('city.form.noIdea') }, ...ideas.map((x) => ({ value: x.id, label: x.title }))]}
                  />
                  <TextField {...field(fieldId(p.key, 'id'))} className="city-id" label={t('city.form.id')} value={p.id} onChange={(v) => projectRow(p.key, 'id', v)} code />
                </div>
                <div className="row">
                  <TextField
                    {...field(fieldId(p.key, 'title'))}
                    className="field-grow"
                    label={t('city.form.projectTitle')}
                    value={p.title}
                    placeholder={idea?.title}
                    hint={p.ideaId ? t('city.form.fromIdeaHint') : undefined}
                    onChange={(v) => projectRow(p.key, 'title', v)}
                  />
                  <SelectField
                    {...field(fieldId(p.key, 'budget'))}
                    label={t('city.form.projectBudget')}
                    value={draft.budgets.some((b) => b.key === p.budgetKey) ? p.budgetKey : ''}
                    onChange={(v) => projectRow(p.key, 'budgetKey', v)}
                    options={[...(draft.budgets.some((b) => b.key === p.budgetKey) ? [] : [{ value: '', label: '—' }]), ...draft.budgets.map((b, n) => ({ value: b.key, label: b.name || b.id || t('city.form.budgetN', { n: n + 1 }) }))]}
                  />
                  <TextField {...field(fieldId(p.key, 'cost'))} className="city-money" label={t('city.form.cost')} value={p.cost} onChange={(v) => projectRow(p.key, 'cost', v)} numeric />
                </div>
                <div className="row">
                  <TextField
                    {...field(fieldId(p.key, 'description'))}
                    className="field-grow"
                    label={t('city.form.description')}
                    value={p.description}
                    placeholder={idea?.description}
                    onChange={(v) => projectRow(p.key, 'description', v)}
                    multiline
                  />
                  <TextField {...field(fieldId(p.key, 'place'))} className="field-grow" label={t('city.form.place')} value={p.place} placeholder={idea?.place} onChange={(v) => projectRow(p.key, 'place', v)} />
                </div>
                <button type="button" className="btn btn-secondary btn-small" onClick={() => edit((d) => ({ ...d, projects: d.projects.filter((x) => x.key !== p.key) }))}>
                  {t('city.form.removeProject', { n: i + 1 })}
                </button>
              </fieldset>
            );
          })}
          <button
            type="button"
            className="btn btn-secondary btn-small"
            onClick={() =>
              edit((d) => ({
                ...d,
                projects: [...d.projects, { key: rowKey(), id: `p${d.projects.length + 1}`, budgetKey: d.budgets[0]?.key ?? '', cost: '', title: '', description: '', place: '', ideaId: '' }],
              }))
            }
          >
            {t('city.form.addProject')}
          </button>
        </fieldset>

        <Choice
          legend={t('city.form.ballot')}
          name="city-ballot"
          value={draft.ballot.kind}
          onChange={(kind) => edit((d) => ({ ...d, ballot: { ...d.ballot, kind } }))}
          options={[
            { value: 'approval', label: t('city.form.ballot.approval') },
            { value: 'points', label: t('city.form.ballot.points') },
            { value: 'knapsack', label: t('city.form.ballot.knapsack') },
          ]}
        >
          {draft.ballot.kind === 'approval' && (
            <TextField {...field('city-maxChoices')} className="city-money" label={t('city.form.maxChoices')} value={draft.ballot.maxChoices} onChange={(v) => edit((d) => ({ ...d, ballot: { ...d.ballot, maxChoices: v } }))} numeric />
          )}
          {draft.ballot.kind === 'points' && (
            <div className="row">
              <TextField {...field('city-points')} className="city-money" label={t('city.form.points')} value={draft.ballot.points} onChange={(v) => edit((d) => ({ ...d, ballot: { ...d.ballot, points: v } }))} numeric />
              <TextField
                {...field('city-maxPerProject')}
                className="city-money"
                label={t('city.form.maxPerProject')}
                value={draft.ballot.maxPerProject}
                onChange={(v) => edit((d) => ({ ...d, ballot: { ...d.ballot, maxPerProject: v } }))}
                numeric
              />
            </div>
          )}
        </Choice>

        <Choice
          legend={t('city.form.counting')}
          name="city-counting"
          value={draft.counting.kind}
          onChange={(kind) => edit((d) => ({ ...d, counting: { ...d.counting, kind } }))}
          options={[
            { value: 'greedy', label: t('city.form.counting.greedy') },
            { value: 'equalShares', label: t('city.form.counting.equalShares') },
          ]}
        >
          {draft.counting.kind === 'equalShares' && (
            <TextField {...field('city-step')} className="city-money" label={t('city.form.step')} value={draft.counting.step} onChange={(v) => edit((d) => ({ ...d, counting: { ...d.counting, step: v } }))} numeric />
          )}
        </Choice>

        <Choice
          legend={t('city.form.tie')}
          name="city-tie"
          value={draft.tie.kind}
          onChange={(kind) => edit((d) => ({ ...d, tie: { ...d.tie, kind } }))}
          options={[
            { value: 'cheaperThenListed', label: t('city.form.tie.listed') },
            { value: 'cheaperThenLottery', label: t('city.form.tie.lottery') },
          ]}
        >
          {draft.tie.kind === 'cheaperThenLottery' && (
            <TextField {...field('city-seed')} className="city-money" label={t('city.form.seed')} value={draft.tie.seed} onChange={(v) => edit((d) => ({ ...d, tie: { ...d.tie, seed: v } }))} code />
          )}
        </Choice>

        <fieldset className="city-group">
          <legend>{t('city.form.ways')}</legend>
          <p>{method ? t('city.form.wayIn', { method: t(`console.identity.${method}`) }) : t('city.form.wayNone')}</p>
          <p>{t('city.form.channels', { count: staff })}</p>
        </fieldset>

        <fieldset className="city-group">
          <legend>{t('city.form.privacy')}</legend>
          <p className="muted small">{t('city.form.privacyHelp')}</p>
          <div className="row">
            <TextField
              {...field('city-controller')}
              className="field-grow"
              label={t('city.form.controller')}
              value={draft.privacy.controller}
              onChange={(v) => edit((d) => ({ ...d, privacy: { ...d.privacy, controller: v } }))}
            />
            <TextField
              {...field('city-contact')}
              className="field-grow"
              label={t('city.form.contact')}
              value={draft.privacy.contact}
              onChange={(v) => edit((d) => ({ ...d, privacy: { ...d.privacy, contact: v } }))}
            />
          </div>
          <TextField
            {...field('city-purpose')}
            label={t('city.form.purpose')}
            value={draft.privacy.purpose}
            onChange={(v) => edit((d) => ({ ...d, privacy: { ...d.privacy, purpose: v } }))}
            multiline
          />
          <TextField
            {...field('city-retainUntil')}
            className="city-date"
            label={t('city.form.retainUntil')}
            value={draft.privacy.retainUntil}
            hint={t('city.form.retainHelp')}
            onChange={(v) => edit((d) => ({ ...d, privacy: { ...d.privacy, retainUntil: v } }))}
            type="date"
          />
        </fieldset>

        {refusal && (
          <p className="error-text" role="alert" id="city-form-refusal" tabIndex={-1}>
            {t('city.form.refused', { message: refusal.message })}
          </p>
        )}
        <div className="city-save">
          <button type="submit" className="btn" id="city-save" aria-disabled={saving} disabled={saving}>
            {t('city.console.save')}
          </button>
          <span role="status" className="muted">
            {saving ? t('city.form.saving') : ''}
          </span>
        </div>
        {view.forum.cityVote && <p className="note note-info">{t('city.console.openHint')}</p>}
      </form>

      <details className="city-advanced" onToggle={(e) => e.currentTarget.open && setJson(JSON.stringify(inputOf(draft), null, 2))}>
        <summary>{t('city.form.advanced')}</summary>
        <p className="muted small" id="city-json-help">
          {t('city.form.advancedHelp')}
        </p>
        <div className="field">
          <label htmlFor="city-json">{t('city.console.json')}</label>
          <textarea
            id="city-json"
            className="city-json"
            rows={20}
            spellCheck={false}
            value={json}
            onChange={(e) => (setEdited(true), setJson(e.target.value))}
            aria-describedby="city-json-help"
          />
        </div>
        {jsonProblem && (
          <p className="error-text" role="alert">
            {jsonProblem}
          </p>
        )}
        <button type="button" className="btn btn-secondary" disabled={saving} onClick={() => void saveJson()}>
          {t('city.form.saveJson')}
        </button>
      </details>
    </section>
  );
}

interface FieldProps {
  id: string;
  label: string;
  value: string;
  onChange(value: string): void;
  refusal: Refusal | null;
  className?: string;
  hint?: string;
}

/** The server's refusal, under the field it names. */
function FieldError({ id, refusal }: { id: string; refusal: Refusal | null }) {
  if (refusal?.target !== id) return null;
  return (
    <p className="error-text small" id={`${id}-error`}>
      {refusal.message}
    </p>
  );
}

/** What a field's aria attributes say: its hint and, when refused, the refusal. */
function described(id: string, refusal: Refusal | null, hint?: string) {
  const refused = refusal?.target === id;
  const ids = [hint ? `${id}-hint` : '', refused ? `${id}-error` : ''].filter(Boolean).join(' ');
  return { 'aria-invalid': refused || undefined, 'aria-describedby': ids || undefined };
}

function TextField({
  id,
  label,
  value,
  onChange,
  refusal,
  className,
  hint,
  placeholder,
  numeric,
  code,
  multiline,
  type,
}: FieldProps & { placeholder?: string; numeric?: boolean; code?: boolean; multiline?: boolean; type?: 'date' }) {
  const aria = described(id, refusal, hint);
  return (
    <div className={`field ${className ?? ''}`}>
      <label htmlFor={id}>{label}</label>
      {multiline ? (
        <textarea id={id} rows={2} value={value} placeholder={placeholder} onChange={(e) => onChange(e.target.value)} {...aria} />
      ) : (
        <input
          id={id}
          type={type ?? 'text'}
          value={value}
          placeholder={placeholder}
          inputMode={numeric ? 'numeric' : undefined}
          spellCheck={code ? false : undefined}
          autoCapitalize={code ? 'off' : undefined}
          onChange={(e) => onChange(e.target.value)}
          {...aria}
        />
      )}
      {hint && (
        <span className="hint" id={`${id}-hint`}>
          {hint}
        </span>
      )}
      <FieldError id={id} refusal={refusal} />
    </div>
  );
}

function SelectField({ id, label, value, onChange, refusal, className, options }: FieldProps & { options: { value: string; label: string }[] }) {
  return (
    <div className={`field ${className ?? ''}`}>
      <label htmlFor={id}>{label}</label>
      <select id={id} value={value} onChange={(e) => onChange(e.target.value)} {...described(id, refusal)}>
        {options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
      <FieldError id={id} refusal={refusal} />
    </div>
  );
}

/** One of a few rules, as radio buttons under a legend, with the chosen rule's parameters beneath. */
function Choice<V extends string>({
  legend,
  name,
  value,
  onChange,
  options,
  children,
}: {
  legend: string;
  name: string;
  value: V;
  onChange(value: V): void;
  options: { value: V; label: string }[];
  children?: ReactNode;
}) {
  return (
    <fieldset className="city-group">
      <legend>{legend}</legend>
      {options.map((o) => (
        <label key={o.value} className="city-choice">
          <input type="radio" name={name} value={o.value} checked={value === o.value} onChange={() => onChange(o.value)} /> {o.label}
        </label>
      ))}
      {children}
    </fieldset>
  );
}
