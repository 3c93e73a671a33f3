// Structure and rules: the priority/goal/task tree and the voting rules, edited before the forum opens.
// Edits stay in a local draft until saved; a JSON file can be loaded into the draft, and the saved
// structure can be downloaded as JSON.

import { useEffect, useMemo, useRef, useState, type ChangeEvent, type FormEvent } from 'react';
import { normalizeStructure, PRIORITY_COLORS } from '../../shared/forum/rules.js';
import { LIMITS, type Goal, type Origin, type Rules, type Structure } from '../../shared/forum/types.js';
import { errorMessage } from '../../shared/i18n/errors.js';
import { useLang, useT } from '../lib/i18n.js';
import { useCommands } from './command.js';
import { shapeOf } from './forums/structureFile.js';
import { useView } from './store.js';

interface DraftTask {
  uid: number;
  title: string;
  /** Where a task carried from an earlier forum came from: shown, and kept as it is. */
  origin?: Origin;
}
interface DraftGoal {
  uid: number;
  code: string;
  title: string;
  tasks: DraftTask[];
  /** Kept as it is: where the goal came from in an earlier forum. */
  origin?: Goal['origin'];
}
interface DraftPriority {
  uid: number;
  code: string;
  title: string;
  subtitle: string;
  color: string;
  goals: DraftGoal[];
}
interface Draft {
  vision: string;
  priorities: DraftPriority[];
}

let nextUid = 1;
const COLOR = /^#[0-9a-fA-F]{6}$/;

function toDraft(structure: Structure): Draft {
  return {
    vision: structure.vision,
    priorities: structure.priorities.map((p, i) => ({
      uid: nextUid++,
      code: p.code,
      title: p.title,
      subtitle: p.subtitle ?? '',
      color: p.color && COLOR.test(p.color) ? p.color.toLowerCase() : PRIORITY_COLORS[i % PRIORITY_COLORS.length],
      goals: p.goals.map((g) => ({
        uid: nextUid++,
        code: g.code,
        title: g.title,
        tasks: (g.tasks ?? []).map((task) => ({ uid: nextUid++, title: task.title, ...(task.origin ? { origin: task.origin } : {}) })),
        origin: g.origin,
      })),
    })),
  };
}

function fromDraft(draft: Draft): Structure {
  return {
    vision: draft.vision,
    priorities: draft.priorities.map((p) => ({
      code: p.code.trim(),
      title: p.title,
      subtitle: p.subtitle,
      color: p.color,
      goals: p.goals.map((g) => ({
        code: g.code.trim(),
        title: g.title,
        ...(g.tasks.length ? { tasks: g.tasks.map((task) => (task.origin ? { title: task.title, origin: task.origin } : { title: task.title })) } : {}),
        ...(g.origin ? { origin: g.origin } : {}),
      })),
    })),
  };
}

function download(fileName: string, text: string): void {
  const url = URL.createObjectURL(new Blob([text], { type: 'application/json' }));
  const a = document.createElement('a');
  a.href = url;
  a.download = fileName;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

export function StructureTab() {
  const t = useT();
  const view = useView();
  const locked = view.forum.phase !== 'lobby';
  return (
    <div className="structure">
      {locked && (
        <p className="note note-warn" role="note">
          {t('console.structureLocked')}
        </p>
      )}
      <RulesForm locked={locked} />
      <StructureForm locked={locked} />
    </div>
  );
}

function StructureForm({ locked }: { locked: boolean }) {
  const t = useT();
  const lang = useLang((s) => s.lang);
  const view = useView();
  const commands = useCommands();
  // Every push brings new objects; keyed by content, the form's rows keep their identity (and
  // focus) while participants join and ideas arrive.
  const savedJson = JSON.stringify({ vision: view.forum.vision, priorities: view.forum.priorities });
  const saved = useMemo<Structure>(() => JSON.parse(savedJson) as Structure, [savedJson]);
  const base = useMemo(() => toDraft(saved), [saved]);
  const [draft, setDraft] = useState<Draft | null>(null);
  const [message, setMessage] = useState<{ kind: 'error' | 'info'; text: string } | null>(null);
  const [focusUid, setFocusUid] = useState<number | null>(null);
  const fileInput = useRef<HTMLInputElement>(null);
  const shown = draft ?? base;
  const dirty = draft !== null;

  useEffect(() => {
    if (!dirty) return;
    const warn = (e: BeforeUnloadEvent) => e.preventDefault();
    window.addEventListener('beforeunload', warn);
    return () => window.removeEventListener('beforeunload', warn);
  }, [dirty]);

  const edit = (fn: (d: Draft) => Draft) => setDraft((d) => fn(d ?? base));
  const editPriority = (uid: number, fn: (p: DraftPriority) => DraftPriority) =>
    edit((d) => ({ ...d, priorities: d.priorities.map((p) => (p.uid === uid ? fn(p) : p)) }));

  const addPriority = () => {
    const uid = nextUid++;
    edit((d) => {
      const used = new Set(d.priorities.map((p) => p.code));
      let n = d.priorities.length + 1;
      while (used.has(String(n))) n++;
      const color = PRIORITY_COLORS[d.priorities.length % PRIORITY_COLORS.length];
      return { ...d, priorities: [...d.priorities, { uid, code: String(n), title: '', subtitle: '', color, goals: [] }] };
    });
    setFocusUid(uid);
  };

  const addGoal = (priorityUid: number) => {
    const uid = nextUid++;
    editPriority(priorityUid, (p) => {
      const used = new Set(p.goals.map((g) => g.code));
      let n = p.goals.length + 1;
      while (used.has(`${p.code}.${n}`)) n++;
      return { ...p, goals: [...p.goals, { uid, code: `${p.code}.${n}`, title: '', tasks: [] }] };
    });
    setFocusUid(uid);
  };

  const editGoal = (priorityUid: number, goalUid: number, fn: (g: DraftGoal) => DraftGoal) =>
    editPriority(priorityUid, (p) => ({ ...p, goals: p.goals.map((g) => (g.uid === goalUid ? fn(g) : g)) }));

  const addTask = (priorityUid: number, goalUid: number) => {
    const uid = nextUid++;
    editGoal(priorityUid, goalUid, (g) => ({ ...g, tasks: [...g.tasks, { uid, title: '' }] }));
    setFocusUid(uid);
  };

  const save = async (e: FormEvent) => {
    e.preventDefault();
    setMessage(null);
    const ok = await commands.run('structure', 'forum:setStructure', { structure: fromDraft(shown) }, () =>
      t('console.structureSaved'),
    );
    if (ok) setDraft(null);
  };

  const importFile = async (e: ChangeEvent<HTMLInputElement>) => {
    const file = e.target.files?.[0];
    e.target.value = '';
    if (!file) return;
    let json: unknown;
    try {
      json = JSON.parse(await file.text());
    } catch (err) {
      setMessage({ kind: 'error', text: t('console.importNotJson', { file: file.name, detail: (err as Error).message }) });
      return;
    }
    const read = shapeOf(json);
    if (!read.ok) {
      const detail = t('console.importField', { path: read.path });
      setMessage({ kind: 'error', text: t('console.importBadShape', { file: file.name, detail }) });
      return;
    }
    // Loaded even when a rule fails (say, a repeated code), so that it can be fixed in the form.
    setDraft(toDraft(read.value));
    const checked = normalizeStructure(read.value);
    const loaded = t('console.importLoaded', { file: file.name });
    setMessage(checked.ok ? { kind: 'info', text: loaded } : { kind: 'error', text: `${loaded} ${errorMessage(lang, checked.error)}` });
  };

  const downloadSaved = () => download('viche-structure.json', JSON.stringify(saved, null, 2) + '\n');

  return (
    <section className="card" aria-labelledby="h-structure">
      <div className="card-head">
        <h2 id="h-structure">{t('console.structure')}</h2>
        <div className="card-tools">
          <button type="button" className="btn btn-secondary" onClick={downloadSaved}>
            {t('console.exportStructure')}
          </button>
          <button
            type="button"
            className="btn btn-secondary"
            disabled={locked}
            aria-describedby="import-hint"
            onClick={() => fileInput.current?.click()}
          >
            {t('console.importJson')}
          </button>
          <input
            ref={fileInput}
            type="file"
            accept="application/json,.json"
            className="visually-hidden"
            tabIndex={-1}
            aria-hidden="true"
            onChange={(e) => void importFile(e)}
          />
        </div>
      </div>
      <p id="import-hint" className="muted small">
        {t('console.importHint')}
      </p>
      {message && (
        <p className={message.kind === 'error' ? 'note note-error' : 'note note-info'} role={message.kind === 'error' ? 'alert' : 'status'}>
          {message.text}
        </p>
      )}

      <form onSubmit={(e) => void save(e)}>
        <fieldset className="plain" disabled={locked}>
          <div className="field">
            <label htmlFor="vision">{t('field.vision')}</label>
            <input
              id="vision"
              value={shown.vision}
              maxLength={LIMITS.vision}
              required
              onChange={(e) => {
                const vision = e.target.value;
                edit((d) => ({ ...d, vision }));
              }}
            />
          </div>

          <h3>{t('console.priorities')}</h3>
          {shown.priorities.map((p, index) => {
            const pid = `p${p.uid}`;
            return (
              <fieldset key={p.uid} className="priority-editor" style={{ borderLeftColor: p.color }}>
                <legend>
                  {t('console.priorityN', { n: index + 1 })}
                  {p.title ? ` — ${p.title}` : ''}
                </legend>
                <div className="row">
                  <div className="field field-code">
                    <label htmlFor={`${pid}-code`}>{t('console.code')}</label>
                    <input
                      id={`${pid}-code`}
                      value={p.code}
                      maxLength={LIMITS.code}
                      required
                      autoFocus={focusUid === p.uid}
                      onChange={(e) => {
                        const code = e.target.value;
                        editPriority(p.uid, (x) => ({ ...x, code }));
                      }}
                    />
                  </div>
                  <div className="field field-grow">
                    <label htmlFor={`${pid}-title`}>{t('field.priorityTitle')}</label>
                    <input
                      id={`${pid}-title`}
                      value={p.title}
                      maxLength={LIMITS.priorityTitle}
                      required
                      onChange={(e) => {
                        const title = e.target.value;
                        editPriority(p.uid, (x) => ({ ...x, title }));
                      }}
                    />
                  </div>
                  <div className="field field-color">
                    <label htmlFor={`${pid}-color`}>{t('console.color')}</label>
                    <input
                      id={`${pid}-color`}
                      type="color"
                      value={p.color}
                      onChange={(e) => {
                        const color = e.target.value;
                        editPriority(p.uid, (x) => ({ ...x, color }));
                      }}
                    />
                  </div>
                </div>
                <div className="field">
                  <label htmlFor={`${pid}-subtitle`}>{t('field.prioritySubtitle')}</label>
                  <input
                    id={`${pid}-subtitle`}
                    value={p.subtitle}
                    maxLength={LIMITS.prioritySubtitle}
                    onChange={(e) => {
                      const subtitle = e.target.value;
                      editPriority(p.uid, (x) => ({ ...x, subtitle }));
                    }}
                  />
                </div>

                <h4>{t('console.goals')}</h4>
                {p.goals.length === 0 && <p className="muted small">{t('console.noGoals')}</p>}
                {p.goals.map((g) => {
                  const gid = `g${g.uid}`;
                  return (
                    <div key={g.uid} className="goal-block">
                      <div className="row goal-row">
                        <div className="field field-code">
                          <label htmlFor={`${gid}-code`}>{t('console.code')}</label>
                          <input
                            id={`${gid}-code`}
                            value={g.code}
                            maxLength={LIMITS.code}
                            required
                            autoFocus={focusUid === g.uid}
                            onChange={(e) => {
                              const code = e.target.value;
                              editPriority(p.uid, (x) => ({
                                ...x,
                                goals: x.goals.map((y) => (y.uid === g.uid ? { ...y, code } : y)),
                              }));
                            }}
                          />
                        </div>
                        <div className="field field-grow">
                          <label htmlFor={`${gid}-title`}>{t('field.goalTitle')}</label>
                          <input
                            id={`${gid}-title`}
                            value={g.title}
                            maxLength={LIMITS.goalTitle}
                            required
                            onChange={(e) => {
                              const title = e.target.value;
                              editPriority(p.uid, (x) => ({
                                ...x,
                                goals: x.goals.map((y) => (y.uid === g.uid ? { ...y, title } : y)),
                              }));
                            }}
                          />
                        </div>
                        <button
                          type="button"
                          className="btn btn-danger btn-small"
                          aria-label={t('console.removeGoalLabel', { title: g.title || g.code })}
                          onClick={() => editPriority(p.uid, (x) => ({ ...x, goals: x.goals.filter((y) => y.uid !== g.uid) }))}
                        >
                          {t('console.remove')}
                        </button>
                      </div>
                      <GoalTasks
                        goal={g}
                        focusUid={focusUid}
                        setTitle={(taskUid, title) =>
                          editGoal(p.uid, g.uid, (x) => ({ ...x, tasks: x.tasks.map((task) => (task.uid === taskUid ? { ...task, title } : task)) }))
                        }
                        remove={(taskUid) => editGoal(p.uid, g.uid, (x) => ({ ...x, tasks: x.tasks.filter((task) => task.uid !== taskUid) }))}
                        add={() => addTask(p.uid, g.uid)}
                      />
                    </div>
                  );
                })}
                <div className="priority-tools">
                  <button
                    type="button"
                    className="btn btn-secondary btn-small"
                    disabled={p.goals.length >= LIMITS.goalsPerPriority}
                    onClick={() => addGoal(p.uid)}
                  >
                    + {t('console.addGoal')}
                  </button>
                  <button
                    type="button"
                    className="btn btn-danger btn-small"
                    aria-label={t('console.removePriorityLabel', { title: p.title || p.code })}
                    onClick={() => edit((d) => ({ ...d, priorities: d.priorities.filter((x) => x.uid !== p.uid) }))}
                  >
                    {t('console.remove')}
                  </button>
                </div>
              </fieldset>
            );
          })}
          <button
            type="button"
            className="btn btn-secondary"
            disabled={shown.priorities.length >= LIMITS.priorities}
            onClick={addPriority}
          >
            + {t('console.addPriority')}
          </button>

          <div className="save-bar">
            {dirty && <span className="unsaved">{t('console.unsaved')}</span>}
            {dirty && (
              <button
                type="button"
                className="btn btn-secondary"
                onClick={() => {
                  setDraft(null);
                  setMessage(null);
                }}
              >
                {t('console.discard')}
              </button>
            )}
            <button type="submit" className="btn" disabled={commands.busy('structure')}>
              {commands.busy('structure') ? t('common.saving') : t('console.saveStructure')}
            </button>
          </div>
        </fieldset>
      </form>
    </section>
  );
}

/**
 * A goal's tasks: a later forum of a series brings them from the ideas it carried on. Each can be
 * renamed or removed, and tasks added; one carried from an earlier forum says which.
 */
function GoalTasks({
  goal,
  focusUid,
  setTitle,
  remove,
  add,
}: {
  goal: DraftGoal;
  focusUid: number | null;
  setTitle(taskUid: number, title: string): void;
  remove(taskUid: number): void;
  add(): void;
}) {
  const t = useT();
  const headingId = `g${goal.uid}-tasks`;
  return (
    <div className="task-list" role="group" aria-labelledby={headingId}>
      <p id={headingId} className="task-heading">
        {t('console.tasksOf', { code: goal.code || '…' })}
        {goal.tasks.length === 0 && <span className="muted"> {t('console.noTasks')}</span>}
      </p>
      {goal.tasks.map((task, i) => {
        const id = `task${task.uid}`;
        return (
          <div key={task.uid} className="row task-row">
            <div className="field field-grow">
              <label htmlFor={id}>{t('console.taskN', { n: i + 1 })}</label>
              <input
                id={id}
                value={task.title}
                maxLength={LIMITS.goalTitle}
                required
                autoFocus={focusUid === task.uid}
                aria-describedby={task.origin ? `${id}-origin` : undefined}
                onChange={(e) => setTitle(task.uid, e.target.value)}
              />
              {task.origin && (
                <span id={`${id}-origin`} className="hint">
                  {t('console.taskOrigin', { forum: task.origin.forumTitle })}
                </span>
              )}
            </div>
            <button type="button" className="btn btn-danger btn-small" aria-label={t('console.removeTaskLabel', { title: task.title || String(i + 1) })} onClick={() => remove(task.uid)}>
              {t('console.remove')}
            </button>
          </div>
        );
      })}
      <button type="button" className="btn btn-secondary btn-small" disabled={goal.tasks.length >= LIMITS.tasksPerGoal} onClick={add}>
        + {t('console.addTask')}
      </button>
    </div>
  );
}

type RulesDraft = Record<keyof Rules, string>;

function RulesForm({ locked }: { locked: boolean }) {
  const t = useT();
  const view = useView();
  const commands = useCommands();
  const [draft, setDraft] = useState<RulesDraft | null>(null);
  const rules = view.forum.rules;
  const shown: RulesDraft = draft ?? {
    ideasPerParticipant: String(rules.ideasPerParticipant),
    dotsPerPriority: String(rules.dotsPerPriority),
    maxDotsPerIdea: String(rules.maxDotsPerIdea),
  };
  const dots = Number(shown.dotsPerPriority) || 1;
  const fields: { name: keyof Rules; max: number }[] = [
    { name: 'ideasPerParticipant', max: LIMITS.ideasPerParticipantMax },
    { name: 'dotsPerPriority', max: LIMITS.dotsPerPriorityMax },
    { name: 'maxDotsPerIdea', max: dots },
  ];

  const save = async (e: FormEvent) => {
    e.preventDefault();
    const next: Rules = {
      ideasPerParticipant: Number(shown.ideasPerParticipant),
      dotsPerPriority: Number(shown.dotsPerPriority),
      maxDotsPerIdea: Number(shown.maxDotsPerIdea),
    };
    const ok = await commands.run('rules', 'forum:setRules', { rules: next }, () => t('console.rulesSaved'));
    if (ok) setDraft(null);
  };

  return (
    <section className="card" aria-labelledby="h-rules">
      <h2 id="h-rules">{t('console.rules')}</h2>
      <form onSubmit={(e) => void save(e)}>
        <fieldset className="plain" disabled={locked}>
          <div className="row rules-row">
            {fields.map(({ name, max }) => (
              <div key={name} className="field">
                <label htmlFor={`rule-${name}`}>{t(`field.${name}`)}</label>
                <input
                  id={`rule-${name}`}
                  type="number"
                  inputMode="numeric"
                  min={1}
                  max={max}
                  step={1}
                  required
                  value={shown[name]}
                  aria-describedby={`rule-${name}-hint`}
                  onChange={(e) => {
                    const value = e.target.value;
                    setDraft((d) => ({ ...(d ?? shown), [name]: value }));
                  }}
                />
                <span id={`rule-${name}-hint`} className="hint">
                  {t('console.range', { min: 1, max })}
                </span>
              </div>
            ))}
          </div>
          <div className="save-bar">
            {draft && <span className="unsaved">{t('console.unsaved')}</span>}
            {draft && (
              <button type="button" className="btn btn-secondary" onClick={() => setDraft(null)}>
                {t('console.discard')}
              </button>
            )}
            <button type="submit" className="btn" disabled={commands.busy('rules')}>
              {commands.busy('rules') ? t('common.saving') : t('console.saveRules')}
            </button>
          </div>
        </fieldset>
      </form>
    </section>
  );
}
