// Likely duplicates, suggested live by the server as ideas arrive (server/forum/duplicates.ts):
// per priority, the closest groups first, each idea's title, author and text side by side, and one
// button under each idea that keeps it and merges the others into it (through a dialog that says
// where the dots go). The merges made are listed beside, each undoable until results. Below, the
// themes: the same project proposed at places apart, shown with their places and no merge button.

import { useState } from 'react';
import { MERGE_PHASES } from '../../shared/forum/facilitation.js';
import type { ConsoleIdea, DuplicateGroup } from '../../shared/protocol.js';
import { useT } from '../lib/i18n.js';
import { MergeDialog, MergesList, useAuthorName } from './Merge.js';
import { PaperMark, PriorityName, scopedPriorities } from './parts.js';
import { useView } from './store.js';

export function Duplicates() {
  const t = useT();
  const view = useView();
  const [asking, setAsking] = useState<{ group: DuplicateGroup; into: string } | null>(null);
  const ideas = new Map(view.ideas.map((i) => [i.id, i]));
  const canMerge = MERGE_PHASES.includes(view.forum.phase);
  const priorities = scopedPriorities(view);
  const groupsOf = (code: string) => view.duplicates.filter((g) => g.priorityCode === code).sort((a, b) => b.score - a.score);
  const total = priorities.reduce((n, p) => n + groupsOf(p.code).length, 0);
  const ideasOf = (g: DuplicateGroup) => g.ideaIds.map((id) => ideas.get(id)).filter((i): i is ConsoleIdea => !!i);

  return (
    <div className="ideas-layout duplicates">
      <section aria-labelledby="h-duplicates" className="ideas-main">
        <h2 id="h-duplicates" tabIndex={-1}>
          {t('console.dup.heading')} <span className="muted heading-note">{t('console.dup.count', { count: total })}</span>
        </h2>
        <p className="muted dup-help">{t('console.dup.help')}</p>
        {!canMerge && (
          <p className="note note-info" role="note">
            {t('console.merge.locked')}
          </p>
        )}
        {total === 0 && <p className="muted empty">{t('console.dup.none')}</p>}
        {priorities.map((p) => {
          const groups = groupsOf(p.code);
          if (groups.length === 0) return null;
          return (
            <section key={p.code} className="dup-priority" aria-labelledby={`h-dup-${p.code}`} style={{ ['--pcolor' as string]: p.color }}>
              <h3 id={`h-dup-${p.code}`}>
                <PriorityName priority={p} /> <span className="muted heading-note">{t('console.dup.count', { count: groups.length })}</span>
              </h3>
              <ol className="dup-groups">
                {groups.map((g) => (
                  <GroupCard
                    key={g.ideaIds.join()}
                    group={g}
                    ideas={ideasOf(g)}
                    canMerge={canMerge}
                    keep={(into) => setAsking({ group: g, into })}
                  />
                ))}
              </ol>
            </section>
          );
        })}
        <Themes />
      </section>
      <MergesList />
      {asking && (
        <MergeDialog
          ideas={ideasOf(asking.group)}
          into={asking.into}
          onClose={() => setAsking(null)}
          // The group and its buttons go with the merge: focus waits on the section's heading.
          returnFocus={() => document.getElementById(`dup-${asking.into}`) ?? document.getElementById('h-duplicates')}
        />
      )}
    </div>
  );
}

function GroupCard({ group, ideas, canMerge, keep }: { group: DuplicateGroup; ideas: ConsoleIdea[]; canMerge: boolean; keep(into: string): void }) {
  const t = useT();
  const author = useAuthorName();
  const percent = Math.round(group.score * 100);
  const headingId = `dup-group-${group.ideaIds[0]}`;
  return (
    <li className="dup-group">
      <h4 id={headingId} className="dup-score">
        {t('console.dup.score', { percent })}
      </h4>
      <ul className="dup-ideas" aria-labelledby={headingId}>
        {ideas.map((idea) => (
          <li key={idea.id} className="dup-idea">
            <p id={`dup-${idea.id}`} className="dup-title" tabIndex={-1}>
              {idea.title}
            </p>
            <p className="dup-meta">
              {idea.source === 'paper' && <PaperMark />} {t('console.author')}: {author(idea.authorName, idea.source)}
            </p>
            {idea.description && <p className="dup-desc">{idea.description}</p>}
            {idea.place && <p className="dup-meta">{t('phone.place', { place: idea.place })}</p>}
            <button
              type="button"
              className="btn btn-small btn-secondary dup-keep"
              disabled={!canMerge}
              aria-describedby={`dup-${idea.id}`}
              onClick={() => keep(idea.id)}
            >
              {t('console.dup.keep')}
            </button>
          </li>
        ))}
      </ul>
    </li>
  );
}

/** The same project at places apart: read together, never merged, so no button under its ideas. */
function Themes() {
  const t = useT();
  const view = useView();
  const ideas = new Map(view.ideas.map((i) => [i.id, i]));
  const priorities = scopedPriorities(view);
  const inScope = new Set(priorities.map((p) => p.code));
  const themes = view.themes.filter((g) => inScope.has(g.priorityCode)).sort((a, b) => b.score - a.score);
  if (themes.length === 0) return null;
  const colour = new Map(priorities.map((p) => [p.code, p.color]));
  return (
    <section aria-labelledby="h-themes" className="dup-themes">
      <h3 id="h-themes">
        {t('console.dup.themes')} <span className="muted heading-note">{t('console.dup.count', { count: themes.length })}</span>
      </h3>
      <p className="muted dup-help">{t('console.dup.themesHelp')}</p>
      <ol className="dup-groups">
        {themes.map((g) => {
          const headingId = `theme-group-${g.ideaIds[0]}`;
          const members = g.ideaIds.map((id) => ideas.get(id)).filter((i): i is ConsoleIdea => !!i);
          return (
            <li key={g.id} className="dup-group dup-theme" style={{ ['--pcolor' as string]: colour.get(g.priorityCode) }}>
              <h4 id={headingId} className="dup-score">
                {t('console.dup.themeScore', { percent: Math.round(g.score * 100) })}{' '}
                <span className="status status-theme">{t('console.dup.noMerge')}</span>
              </h4>
              <ul className="dup-ideas" aria-labelledby={headingId}>
                {members.map((idea) => (
                  <li key={idea.id} className="dup-idea">
                    <p className="dup-title">{idea.title}</p>
                    {idea.place && <p className="dup-place">{t('phone.place', { place: idea.place })}</p>}
                    {idea.description && <p className="dup-desc">{idea.description}</p>}
                  </li>
                ))}
              </ul>
            </li>
          );
        })}
      </ol>
    </section>
  );
}
