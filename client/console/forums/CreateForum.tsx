// "New forum": a title and what the forum starts from. The template's priority tree; a tree from
// a JSON file (read and checked here before anything is sent); an earlier forum of the series,
// with chosen ideas of its ranking carried on as new strategic goals or as tasks under their goal;
// or an earlier forum's shortlist, which makes a vote-only forum that opens straight into voting.

import { useId, useMemo, useRef, useState, type ChangeEvent, type FormEvent, type ReactNode } from 'react';
import { topWithTies } from '../../../shared/forum/tally.js';
import { ADMISSION_MODES, LIMITS, type AdmissionMode } from '../../../shared/forum/types.js';
import { countOf, type MessageKey } from '../../../shared/i18n/index.js';
import type { ForumSummary, ListCommandPayload } from '../../../shared/protocol.js';
import { useLang, useT } from '../../lib/i18n.js';
import { Dialog } from '../Dialog.js';
import { FileInput, RequiredText } from '../parts.js';
import { dateTime, newestFirst } from './ForumTable.js';
import { sendList } from './list.js';
import { readStructureFile, type StructureRead } from './structureFile.js';

type Source = 'template' | 'structure' | 'forum' | 'shortlist';
const SOURCES: readonly Source[] = ['template', 'structure', 'forum', 'shortlist'];
type From = ListCommandPayload<'forums:create'>['from'];
type RankedIdea = ForumSummary['ranked'][number]['ideas'][number];

/** How many of each priority's best ideas a shortlist takes unless told otherwise. */
const DEFAULT_TOP = 4;
const MAX_TOP = 50;

/**
 * The forum a series most likely continues from (of forums newest first): the newest whose results
 * have dots in them, else the newest with ranked ideas, else the newest of all. A forum still
 * running, or closed with nothing voted, has nothing to carry on or shortlist. The choice is
 * always shown and can be changed.
 */
export function likelyBase(sorted: readonly ForumSummary[]): ForumSummary | undefined {
  return (
    sorted.find((f) => f.ranked.some((p) => p.ideas.some((i) => i.dots > 0))) ??
    sorted.find((f) => hasRanked(f)) ??
    sorted[0]
  );
}

/** What a carried idea becomes unless changed: a task in the goal it was filed under, else a new goal. */
const defaultAs = (idea: RankedIdea): 'goal' | 'task' => (idea.goalCode ? 'task' : 'goal');

export interface CreateForumProps {
  forums: ForumSummary[];
  onClose(): void;
  onCreated(forumId: string, title: string): void;
  returnFocus(): HTMLElement | null;
}

export function CreateForum({ forums, onClose, onCreated, returnFocus }: CreateForumProps) {
  const t = useT();
  const lang = useLang((s) => s.lang);
  const uid = useId();
  const titleInput = useRef<HTMLInputElement>(null);
  const fileInput = useRef<HTMLInputElement>(null);
  const forumSelect = useRef<HTMLSelectElement>(null);
  const topInput = useRef<HTMLInputElement>(null);

  const sorted = useMemo(() => newestFirst(forums), [forums]);
  const [title, setTitle] = useState('');
  const [titleError, setTitleError] = useState<string>();
  const [source, setSource] = useState<Source>('template');
  const [file, setFile] = useState<{ name: string; read: StructureRead } | null>(null);
  const [fileMissing, setFileMissing] = useState(false);
  const [forumId, setForumId] = useState(() => likelyBase(sorted)?.id ?? '');
  const [carry, setCarry] = useState<ReadonlyMap<string, 'goal' | 'task'>>(new Map());
  const [top, setTop] = useState(String(DEFAULT_TOP));
  const [topError, setTopError] = useState(false);
  const [picked, setPicked] = useState<ReadonlySet<string>>(new Set());
  const [carryTop, setCarryTop] = useState(String(DEFAULT_TOP));
  const [admission, setAdmission] = useState<AdmissionMode | null>(null);
  const [admissionMissing, setAdmissionMissing] = useState(false);
  const admissionGroup = useRef<HTMLFieldSetElement>(null);
  const [error, setError] = useState<{ text: string; n: number } | null>(null);
  const [busy, setBusy] = useState(false);

  const base = forums.find((f) => f.id === forumId) ?? null;
  const topNumber = top.trim() === '' ? null : Number(top);
  const topValid = topNumber === null || (Number.isInteger(topNumber) && topNumber >= 1 && topNumber <= MAX_TOP);
  const carryTopNumber = Number(carryTop);
  const carryTopValid = carryTop.trim() !== '' && Number.isInteger(carryTopNumber) && carryTopNumber >= 1 && carryTopNumber <= MAX_TOP;

  // The shortlist as the server will take it: the top N of every priority (ties at the cut taken
  // whole), and the ideas ticked by hand.
  const inTop = useMemo(() => {
    const ids = new Set<string>();
    if (!base || topNumber === null || !topValid) return ids;
    for (const p of base.ranked) for (const idea of topWithTies(p.ideas, topNumber).shown) ids.add(idea.id);
    return ids;
  }, [base, topNumber, topValid]);
  const shortlistSize = useMemo(() => {
    if (!base) return 0;
    let n = 0;
    for (const p of base.ranked) for (const idea of p.ideas) if (inTop.has(idea.id) || picked.has(idea.id)) n++;
    return n;
  }, [base, inTop, picked]);

  const chooseForum = (id: string) => {
    setForumId(id);
    setCarry(new Map());
    setPicked(new Set());
  };

  const readFile = async (e: ChangeEvent<HTMLInputElement>) => {
    const chosen = e.target.files?.[0];
    setFileMissing(false);
    if (!chosen) {
      setFile(null);
      return;
    }
    setFile({ name: chosen.name, read: readStructureFile(t, lang, chosen.name, await chosen.text()) });
  };

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (busy) return;
    setError(null);
    if (!title.trim()) {
      setTitleError(t('forums.create.nameMissing'));
      titleInput.current?.focus();
      return;
    }
    let from: From;
    if (source === 'template') {
      from = { kind: 'template' };
    } else if (source === 'structure') {
      if (!file || !file.read.ok) {
        setFileMissing(!file);
        fileInput.current?.focus();
        return;
      }
      from = { kind: 'structure', structure: file.read.structure };
    } else {
      if (!base) {
        forumSelect.current?.focus();
        return;
      }
      if (source === 'forum') {
        // In the ranking's order, so that the new goals are numbered as the ideas were ranked.
        const chosen = base.ranked.flatMap((p) => p.ideas.filter((i) => carry.has(i.id)).map((i) => ({ ideaId: i.id, as: carry.get(i.id)! })));
        from = { kind: 'forum', forumId: base.id, carry: chosen };
      } else {
        if (!topValid) {
          setTopError(true);
          topInput.current?.focus();
          return;
        }
        // A vote-only forum may stay open for days: how people get in is asked, never inherited.
        if (!admission) {
          setAdmissionMissing(true);
          admissionGroup.current?.querySelector('input')?.focus();
          return;
        }
        from = {
          kind: 'shortlist',
          forumId: base.id,
          ...(topNumber !== null ? { top: topNumber } : {}),
          ...(picked.size > 0 ? { ideaIds: [...picked] } : {}),
          admission,
        };
      }
    }
    setBusy(true);
    const ack = await sendList('forums:create', { title, from });
    setBusy(false);
    if (ack.ok) onCreated(ack.data.forumId, title.trim());
    else setError((old) => ({ text: ack.error.message, n: (old?.n ?? 0) + 1 }));
  };

  const forumChoice = (
    <div className="field">
      <label htmlFor={`${uid}-forum`}>{t(source === 'shortlist' ? 'forums.create.shortlistFrom' : 'forums.create.previousForum')}</label>
      <select ref={forumSelect} id={`${uid}-forum`} value={forumId} onChange={(e) => chooseForum(e.target.value)}>
        {sorted.map((f) => (
          <option key={f.id} value={f.id}>
            {t('forums.create.forumOption', { title: f.title, date: dateTime(lang, f.createdAt), phase: t(`phase.${f.phase}` as MessageKey) })}
          </option>
        ))}
      </select>
    </div>
  );

  let panel: ReactNode = null;
  if (source === 'template') {
    panel = <p className="muted">{t('forums.create.templateHelp')}</p>;
  } else if (source === 'structure') {
    const fileState = file && (file.read.ok ? 'ok' : 'error');
    panel = (
      <div className="field">
        <label htmlFor={`${uid}-file`}>{t('forums.create.fileLabel')}</label>
        <FileInput
          inputRef={fileInput}
          id={`${uid}-file`}
          accept="application/json,.json"
          aria-invalid={fileState === 'error' || fileMissing ? true : undefined}
          aria-describedby={`${uid}-file-help ${uid}-file-message`}
          onChange={(e) => void readFile(e)}
        />
        <span id={`${uid}-file-help`} className="hint">
          {t('console.importHint')}
        </span>
        <div id={`${uid}-file-message`}>
          {fileMissing && (
            <p className="note note-error" role="alert">
              {t('forums.create.fileMissing')}
            </p>
          )}
          {file?.read.ok === true && (
            <p className="note note-info" role="status">
              {t('forums.create.fileRead', {
                file: file.name,
                vision: file.read.structure.vision,
                priorities: countOf(lang, 'forums.count.priorities', file.read.priorities),
                goals: countOf(lang, 'forums.count.goals', file.read.goals),
              })}
            </p>
          )}
          {file?.read.ok === false && (
            <p className="note note-error" role="alert">
              {file.read.message}
            </p>
          )}
        </div>
      </div>
    );
  } else if (source === 'forum') {
    panel = (
      <>
        <p className="muted">{t('forums.create.previousHelp')}</p>
        {forumChoice}
        {base && (
          <>
            <h3 id={`${uid}-carry`} className="picker-heading">
              {t('forums.create.carryHeading')}
            </h3>
            <p className="muted small">{t('forums.create.carryHelp')}</p>
            {hasRanked(base) && (
              <div className="row picker-top">
                <div className="field field-top">
                  <label htmlFor={`${uid}-carry-top`}>{t('forums.create.carryTop')}</label>
                  <input
                    id={`${uid}-carry-top`}
                    type="number"
                    inputMode="numeric"
                    min={1}
                    max={MAX_TOP}
                    value={carryTop}
                    aria-describedby={`${uid}-carry-top-help`}
                    onChange={(e) => setCarryTop(e.target.value)}
                  />
                  <span id={`${uid}-carry-top-help`} className="hint">
                    {t('forums.create.carryTopHelp')}
                  </span>
                </div>
                <button
                  type="button"
                  className="btn btn-secondary"
                  disabled={!carryTopValid}
                  onClick={() => {
                    // The top N of every priority, ties at the cut taken whole, as a shortlist takes them.
                    const next = new Map<string, 'goal' | 'task'>();
                    for (const p of base.ranked) for (const idea of topWithTies(p.ideas, Number(carryTop)).shown) next.set(idea.id, carry.get(idea.id) ?? defaultAs(idea));
                    setCarry(next);
                  }}
                >
                  {t('forums.create.carryTopApply')}
                </button>
                <button type="button" className="btn btn-secondary" disabled={carry.size === 0} onClick={() => setCarry(new Map())}>
                  {t('forums.create.carryNone')}
                </button>
              </div>
            )}
            <IdeaPicker
              forum={base}
              idPrefix={`${uid}-carry`}
              labelledBy={`${uid}-carry`}
              checked={(idea) => carry.has(idea.id)}
              onToggle={(idea, on) =>
                setCarry((old) => {
                  const next = new Map(old);
                  if (on) next.set(idea.id, defaultAs(idea));
                  else next.delete(idea.id);
                  return next;
                })
              }
              extra={(idea) =>
                carry.has(idea.id) && (
                  <CarryAs idea={idea} value={carry.get(idea.id)!} onChange={(as) => setCarry((old) => new Map(old).set(idea.id, as))} />
                )
              }
            />
            {hasRanked(base) && (
              <p className="picker-summary" role="status">
                {countOf(lang, 'forums.create.carryCount', carry.size)}
              </p>
            )}
          </>
        )}
      </>
    );
  } else {
    panel = (
      <>
        <p className="note note-info">{t('forums.create.shortlistHelp')}</p>
        {forumChoice}
        <fieldset ref={admissionGroup} className="plain mode-options admission-choice" aria-describedby={admissionMissing ? `${uid}-admission-missing` : undefined}>
          <legend>{t('forums.create.admission')}</legend>
          <p className="hint">{t('forums.create.admissionHelp')}</p>
          {ADMISSION_MODES.map((mode) => (
            <div key={mode} className={admission === mode ? 'mode-option is-chosen' : 'mode-option'}>
              <input
                type="radio"
                id={`${uid}-admission-${mode}`}
                name={`${uid}-admission`}
                value={mode}
                checked={admission === mode}
                aria-describedby={`${uid}-admission-${mode}-help`}
                onChange={() => {
                  setAdmission(mode);
                  setAdmissionMissing(false);
                }}
              />
              <span className="mode-text">
                <label htmlFor={`${uid}-admission-${mode}`} className="mode-name">
                  {t(`console.admission.mode.${mode}` as MessageKey)}
                </label>
                <span id={`${uid}-admission-${mode}-help`} className="hint">
                  {t(`forums.create.admission.${mode}` as MessageKey)}
                </span>
              </span>
            </div>
          ))}
          {admissionMissing && (
            <p id={`${uid}-admission-missing`} className="error-text" role="alert">
              {t('forums.create.admissionMissing')}
            </p>
          )}
        </fieldset>
        <div className="field field-top">
          <label htmlFor={`${uid}-top`}>{t('forums.create.top')}</label>
          <input
            ref={topInput}
            id={`${uid}-top`}
            type="number"
            inputMode="numeric"
            min={1}
            max={MAX_TOP}
            value={top}
            aria-invalid={topError ? true : undefined}
            aria-describedby={`${uid}-top-help${topError ? ` ${uid}-top-error` : ''}`}
            onChange={(e) => {
              setTop(e.target.value);
              setTopError(false);
            }}
          />
          <span id={`${uid}-top-help`} className="hint">
            {t('forums.create.topHelp')}
          </span>
          {topError && (
            <span id={`${uid}-top-error`} className="error-text" role="alert">
              {t('forums.create.badTop', { max: MAX_TOP })}
            </span>
          )}
        </div>
        {base && (
          <>
            <h3 id={`${uid}-pick`} className="picker-heading">
              {t('forums.create.pickHeading')}
            </h3>
            <IdeaPicker
              forum={base}
              idPrefix={`${uid}-pick`}
              labelledBy={`${uid}-pick`}
              checked={(idea) => picked.has(idea.id)}
              onToggle={(idea, on) =>
                setPicked((old) => {
                  const next = new Set(old);
                  if (on) next.add(idea.id);
                  else next.delete(idea.id);
                  return next;
                })
              }
              extra={(idea) =>
                inTop.has(idea.id) && <span className="status status-top">{t('forums.create.inTop')}</span>
              }
            />
            {hasRanked(base) && (
              <p className="picker-summary" role="status">
                {countOf(lang, 'forums.create.shortlistCount', shortlistSize)}
              </p>
            )}
          </>
        )}
      </>
    );
  }

  return (
    <Dialog title={t('forums.create.title')} onClose={onClose} initialFocus={titleInput} returnFocus={returnFocus}>
      <form className="forum-create" onSubmit={(e) => void submit(e)} noValidate>
        <RequiredText
          id={`${uid}-title`}
          label={t('forums.create.name')}
          value={title}
          maxLength={LIMITS.vision}
          error={titleError}
          inputRef={titleInput}
          onChange={(value) => {
            setTitle(value);
            setTitleError(undefined);
          }}
        />
        <fieldset className="source-choice">
          <legend>{t('forums.create.source')}</legend>
          <div className="source-options">
            {SOURCES.map((s) => {
              const needsForum = s === 'forum' || s === 'shortlist';
              return (
                <div key={s} className={source === s ? 'source-option is-chosen' : 'source-option'}>
                  <input
                    type="radio"
                    id={`${uid}-source-${s}`}
                    name={`${uid}-source`}
                    value={s}
                    checked={source === s}
                    disabled={needsForum && forums.length === 0}
                    aria-describedby={`${uid}-source-${s}-help`}
                    onChange={() => setSource(s)}
                  />
                  <label htmlFor={`${uid}-source-${s}`}>{t(`forums.source.${s}` as MessageKey)}</label>
                  <span id={`${uid}-source-${s}-help`} className="source-help">
                    {t(`forums.source.${s}Help` as MessageKey)}
                  </span>
                </div>
              );
            })}
          </div>
        </fieldset>

        <div className="source-panel">{panel}</div>

        {error && (
          <p key={error.n} className="note note-error" role="alert">
            {error.text}
          </p>
        )}
        <div className="form-actions dialog-actions">
          <button type="button" className="btn btn-secondary" onClick={onClose}>
            {t('common.cancel')}
          </button>
          <button type="submit" className="btn" disabled={busy}>
            {t('forums.create.submit')}
          </button>
        </div>
      </form>
    </Dialog>
  );
}

const hasRanked = (forum: ForumSummary) => forum.ranked.some((p) => p.ideas.length > 0);

/** The ranked ideas of an earlier forum, priority by priority, each with a checkbox. */
function IdeaPicker({
  forum,
  idPrefix,
  labelledBy,
  checked,
  onToggle,
  extra,
}: {
  forum: ForumSummary;
  idPrefix: string;
  labelledBy: string;
  checked(idea: RankedIdea): boolean;
  onToggle(idea: RankedIdea, on: boolean): void;
  extra(idea: RankedIdea): ReactNode;
}) {
  const t = useT();
  const lang = useLang((s) => s.lang);
  const priorities = forum.ranked.filter((p) => p.ideas.length > 0);
  if (!hasRanked(forum)) return <p className="muted">{t('forums.create.noRanked')}</p>;
  return (
    <div className="idea-picker" role="group" aria-labelledby={labelledBy}>
      {priorities.map((p) => (
        <fieldset key={p.priorityCode} className="idea-picker-priority">
          <legend>
            <span className="priority-code">{p.priorityCode}</span> {p.priorityTitle}
          </legend>
          <ul>
            {p.ideas.map((idea) => {
              const id = `${idPrefix}-${idea.id}`;
              return (
                <li key={idea.id}>
                  <input type="checkbox" id={id} checked={checked(idea)} onChange={(e) => onToggle(idea, e.target.checked)} />
                  <label htmlFor={id}>
                    <span className="pick-title">{idea.title}</span>{' '}
                    <span className="pick-figures">
                      {t('forums.create.rankDots', { rank: idea.rank, dots: countOf(lang, 'count.dots', idea.dots) })}
                    </span>
                  </label>
                  <span className="pick-extra">{extra(idea)}</span>
                </li>
              );
            })}
          </ul>
        </fieldset>
      ))}
    </div>
  );
}

/** What a carried idea becomes: a new strategic goal, or a task under the goal it was filed under. */
function CarryAs({ idea, value, onChange }: { idea: RankedIdea; value: 'goal' | 'task'; onChange(as: 'goal' | 'task'): void }) {
  const t = useT();
  if (!idea.goalCode) return <span className="pick-as">{t('forums.create.asGoalOnly')}</span>;
  return (
    <select
      className="pick-as-select"
      aria-label={t('forums.create.carryAs', { title: idea.title })}
      value={value}
      onChange={(e) => onChange(e.target.value as 'goal' | 'task')}
    >
      <option value="goal">{t('forums.create.asGoal')}</option>
      <option value="task">{t('forums.create.asTask', { code: idea.goalCode })}</option>
    </select>
  );
}
