// Small pieces the phone's phases share: finding a priority, an idea's text, a row of dots, the
// search over a list of ideas.

import { useId } from 'react';
import type { Priority } from '../../shared/forum/types.js';
import type { PhoneForumInfo, PublicIdea } from '../../shared/protocol.js';
import type { T } from '../lib/i18n.js';

export function priorityOf(forum: PhoneForumInfo, code: string): Priority | undefined {
  return forum.priorities.find((p) => p.code === code);
}

function goalTitle(forum: PhoneForumInfo, idea: PublicIdea): string | null {
  if (!idea.goalCode) return null;
  const goal = priorityOf(forum, idea.priorityCode)?.goals.find((g) => g.code === idea.goalCode);
  return goal ? `${goal.code} ${goal.title}` : null;
}

/**
 * An idea's title, goal, description and place. `author` adds the line under it: the author's name
 * (when they gave one), or that the idea is this phone's own.
 */
export function IdeaBody({ forum, idea, t, author }: { forum: PhoneForumInfo; idea: PublicIdea; t: T; author?: 'name' | 'mine' }) {
  const goal = goalTitle(forum, idea);
  return (
    <>
      <h3 className="idea-title">{idea.title}</h3>
      {goal && <p className="idea-meta">{goal}</p>}
      {idea.description && <p className="idea-desc">{idea.description}</p>}
      {idea.place && <p className="idea-meta">{t('phone.place', { place: idea.place })}</p>}
      {author === 'mine' && <p className="idea-meta idea-author">{t('phone.voting.yours')}</p>}
      {author === 'name' && idea.authorName && <p className="idea-meta idea-author">{t('phone.by', { name: idea.authorName })}</p>}
    </>
  );
}

/**
 * A row of dots, `filled` of `total` in the priority's colour, the next `pending` ones dashed
 * (tapped, not yet saved). Read out by its label, or hidden when the text beside it says it all.
 */
export function Dots(props: { total: number; filled: number; pending?: number; color: string; label?: string }) {
  const { total, filled, pending = 0, color, label } = props;
  const a11y = label ? { role: 'img', 'aria-label': label } : { 'aria-hidden': true };
  return (
    <span className="dots" {...a11y}>
      {Array.from({ length: Math.min(total, 12) }, (_, i) => (
        <span
          key={i}
          className={`dot${i >= filled && i < filled + pending ? ' dot-pending' : ''}`}
          style={i < filled ? { background: color, borderColor: color } : { borderColor: color }}
        />
      ))}
    </span>
  );
}

/**
 * The search box over a list of ideas, and once something is typed, how many it found and a way
 * to clear it. Filtering is the caller's (order.ts `matches`): it knows which list it shows.
 */
export function IdeaSearch(props: { query: string; onQuery(query: string): void; shown: number; total: number; t: T }) {
  const { query, onQuery, shown, total, t } = props;
  const searchId = useId();
  const hintId = useId();
  return (
    <div className="search">
      <div className="field">
        <label htmlFor={searchId}>{t('phone.voting.search')}</label>
        <input id={searchId} type="search" value={query} onChange={(e) => onQuery(e.target.value)} aria-describedby={hintId} autoComplete="off" />
        <span className="hint" id={hintId}>
          {t('phone.voting.searchHint')}
        </span>
      </div>
      {query.trim() && (
        <div className="search-result">
          <span role="status">{shown > 0 ? t('phone.voting.found', { shown, total }) : t('phone.voting.notFound')}</span>
          <button type="button" className="btn btn-secondary" onClick={() => onQuery('')}>
            {t('phone.voting.clearSearch')}
          </button>
        </div>
      )}
    </div>
  );
}
