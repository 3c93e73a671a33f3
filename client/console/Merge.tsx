// Merging ideas that say the same thing: the dialog that says what a merge does before it is sent
// (which idea stays, whose texts join it, where the dots go), the bar for ideas picked by hand in
// the list, the texts a surviving idea carries, and the merges made, each undoable until results.

import { useEffect, useId, useState } from 'react';
import { MERGE_PHASES } from '../../shared/forum/facilitation.js';
import type { ConsoleIdea, ConsoleMerge } from '../../shared/protocol.js';
import { useLang, useT } from '../lib/i18n.js';
import { useCommands } from './command.js';
import { ConfirmDialog } from './Dialog.js';
import { clock, inScope, PriorityName, priorityMap } from './parts.js';
import { useView } from './store.js';

/**
 * The name a console shows for an author: theirs; for a paper card without one, that it is a
 * paper card; else that they gave none.
 */
export function useAuthorName(): (name: string, source?: ConsoleIdea['source']) => string {
  const t = useT();
  return (name, source) => name || t(source === 'paper' ? 'console.paper.card' : 'common.anonymous');
}

export interface MergeDialogProps {
  /** Every idea of the merge, the surviving one included, all of one priority. */
  ideas: ConsoleIdea[];
  into: string;
  onClose(): void;
  /** Called once the server accepted. */
  onMerged?(): void;
  returnFocus?: () => HTMLElement | null;
}

export function MergeDialog({ ideas, into, onClose, onMerged, returnFocus }: MergeDialogProps) {
  const t = useT();
  const view = useView();
  const commands = useCommands();
  const author = useAuthorName();
  // As the view has them now: another console may have merged or hidden one meanwhile.
  const live = new Map(view.ideas.map((i) => [i.id, i]));
  const current = ideas.map((i) => live.get(i.id)).filter((i): i is ConsoleIdea => i?.status === 'active');
  const survivor = current.find((i) => i.id === into);
  const others = current.filter((i) => i.id !== into);
  const voting = view.forum.phase === 'voting';
  const cap = t('count.dotsUpTo', { count: view.forum.rules.maxDotsPerIdea });
  const gone = !survivor || others.length === 0;

  // Nothing left to merge (done here or elsewhere): the question no longer applies.
  useEffect(() => {
    if (gone && !commands.busy('merge')) onClose();
  });
  if (!survivor || gone) return null;

  const confirm = async () => {
    const ok = await commands.run('merge', 'idea:merge', { into, ideas: others.map((i) => i.id) }, (data) =>
      // A host's ack carries no counts during voting (server/handlers/idea/merge.ts).
      data.moved !== undefined && data.refunded !== undefined && data.moved + data.refunded > 0
        ? t('console.merge.doneDots', { title: survivor.title, moved: data.moved, refunded: data.refunded })
        : t('console.merge.done', { title: survivor.title }),
    );
    if (ok) onMerged?.();
    onClose();
  };

  return (
    <ConfirmDialog
      title={t('console.merge.title', { title: survivor.title })}
      confirmLabel={t('console.merge.confirm')}
      busy={commands.busy('merge')}
      onConfirm={() => void confirm()}
      onClose={onClose}
      returnFocus={returnFocus}
    >
      <p>{t('console.merge.keeps', { title: survivor.title, author: author(survivor.authorName, survivor.source) })}</p>
      <ul className="dialog-list">
        {others.map((i) => (
          <li key={i.id}>
            «{i.title}» <span className="muted">({author(i.authorName, i.source)})</span>
          </li>
        ))}
      </ul>
      <p className="dialog-figure">{voting ? t('console.merge.dots', { title: survivor.title, cap }) : t('console.merge.noDots')}</p>
      <p className="muted small">{t('console.merge.undoable')}</p>
    </ConfirmDialog>
  );
}

/** Ideas ticked in the list: which one stays, and the merge. */
export function SelectionBar({ selected, clear }: { selected: ConsoleIdea[]; clear(): void }) {
  const t = useT();
  const [into, setInto] = useState('');
  const [asking, setAsking] = useState(false);
  const selectId = useId();
  const hintId = useId();
  if (selected.length === 0) return null;
  const priorities = new Set(selected.map((i) => i.priorityCode));
  const chosen = selected.some((i) => i.id === into) ? into : selected[0].id;
  const hint = priorities.size > 1 ? t('err.MERGE_ACROSS_PRIORITIES') : selected.length < 2 ? t('console.merge.pickMore') : '';

  return (
    <div className="selection-bar" role="region" aria-label={t('console.merge.selection')}>
      <strong>{t('console.merge.selected', { count: selected.length })}</strong>
      {selected.length >= 2 && priorities.size === 1 && (
        <div className="field field-inline">
          <label htmlFor={selectId}>{t('console.merge.keep')}</label>
          <select id={selectId} value={chosen} onChange={(e) => setInto(e.target.value)}>
            {selected.map((i) => (
              <option key={i.id} value={i.id}>
                {i.title}
              </option>
            ))}
          </select>
        </div>
      )}
      {hint && (
        <span id={hintId} className="selection-hint">
          {hint}
        </span>
      )}
      <div className="form-actions">
        <button
          type="button"
          className="btn btn-small"
          disabled={hint !== ''}
          aria-describedby={hint ? hintId : undefined}
          onClick={() => setAsking(true)}
        >
          {t('console.merge.open')}
        </button>
        <button type="button" className="btn btn-small btn-secondary" onClick={clear}>
          {t('console.merge.clear')}
        </button>
      </div>
      {asking && (
        <MergeDialog
          ideas={selected}
          into={chosen}
          onClose={() => setAsking(false)}
          onMerged={clear}
          returnFocus={() => document.getElementById(`idea-${chosen}`)}
        />
      )}
    </div>
  );
}

/** The ideas merged into this one, as their authors wrote them. */
export function MergedFrom({ idea }: { idea: ConsoleIdea }) {
  const t = useT();
  const author = useAuthorName();
  if (idea.merged.length === 0) return null;
  return (
    <div className="merged-from">
      <span className="merged-label">{t('console.merge.from')}</span>
      <ul>
        {idea.merged.map((m) => (
          <li key={m.ideaId}>
            «{m.title}» ({author(m.authorName)})
            {m.description && <span className="muted"> — {m.description}</span>}
            {m.place && <span className="muted"> · {t('phone.place', { place: m.place })}</span>}
          </li>
        ))}
      </ul>
    </div>
  );
}

/** The merges made in this console's scope, newest first; each can be undone until results. */
export function MergesList() {
  const t = useT();
  const lang = useLang((s) => s.lang);
  const view = useView();
  const commands = useCommands();
  const ideas = new Map(view.ideas.map((i) => [i.id, i]));
  const priorities = priorityMap(view);
  const canUndo = MERGE_PHASES.includes(view.forum.phase);
  const merges = view.merges
    .filter((m) => {
      const into = ideas.get(m.into);
      return into && inScope(view, into.priorityCode);
    })
    .sort((a, b) => b.at - a.at);
  const title = (id: string) => ideas.get(id)?.title ?? id;

  const undo = (m: ConsoleMerge) =>
    void commands.run(`unmerge:${m.id}`, 'idea:unmerge', { mergeId: m.id }, (data) =>
      data.restored === undefined || data.reinstated === undefined
        ? t('console.merge.undoneQuiet', { title: title(m.into) })
        : t('console.merge.undoneToast', { title: title(m.into), dots: data.restored + data.reinstated }),
    );

  return (
    <section className="card merges" aria-labelledby="h-merges">
      <h2 id="h-merges">{t('console.merge.list')}</h2>
      {merges.length === 0 ? (
        <p className="muted">{t('console.merge.none')}</p>
      ) : (
        <ul className="merge-list">
          {merges.map((m) => {
            const into = ideas.get(m.into)!;
            const lineId = `merge-${m.id}`;
            const priority = priorities.get(into.priorityCode);
            return (
              <li key={m.id} className={m.undone ? 'is-undone' : undefined}>
                <p id={lineId} className="merge-line">
                  <strong>«{into.title}»</strong> ← {m.ideas.map((id) => `«${title(id)}»`).join(', ')}
                </p>
                <p className="muted small merge-meta">
                  {priority && <PriorityName priority={priority} />}
                  <span>{clock(lang, m.at)}</span>
                  <span>{m.by || t('console.log.facilitator')}</span>
                  {m.moved !== undefined && m.refunded !== undefined && (m.moved > 0 || m.refunded > 0) && <span>{t('console.merge.figures', { moved: m.moved, refunded: m.refunded })}</span>}
                  {m.undone && <span className="status status-pending">{t('console.merge.undoneMark')}</span>}
                </p>
                {!m.undone && canUndo && (
                  <button
                    type="button"
                    className="btn btn-secondary btn-small"
                    aria-describedby={lineId}
                    disabled={commands.busy(`unmerge:${m.id}`)}
                    onClick={() => undo(m)}
                  >
                    {t('console.merge.undo')}
                  </button>
                )}
              </li>
            );
          })}
        </ul>
      )}
      {!canUndo && merges.some((m) => !m.undone) && <p className="muted small">{t('console.merge.undoLocked')}</p>}
    </section>
  );
}
