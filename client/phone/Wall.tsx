// Other people's ideas on a phone while ideas are proposed: the wall priority by priority, each
// folded under its title and count, with a search over all of it (as voting has); and, under the
// title being typed, the ideas on the wall most like it, so a resident can check before posting.

import { useMemo, useState } from 'react';
import type { PhoneForumInfo, MeView, PublicIdea } from '../../shared/protocol.js';
import { useT } from '../lib/i18n.js';
import { matches, SEARCH_FROM } from './order.js';
import { IdeaBody, IdeaSearch, priorityOf } from './parts.js';
import { similarIdeas } from './similar.js';
import { usePhone } from './store.js';

export function OthersIdeas({ forum, me }: { forum: PhoneForumInfo; me: MeView }) {
  const t = useT();
  const ideas = usePhone((s) => s.ideas);
  const [query, setQuery] = useState('');
  const others = useMemo(() => {
    const mine = new Set(me.ideas.map((i) => i.id));
    // Newest first: what came in since one last looked is on top.
    return ideas.filter((i) => !mine.has(i.id)).reverse();
  }, [ideas, me.ideas]);
  if (others.length === 0) return null;

  const searching = others.length >= SEARCH_FROM && query.trim() !== '';
  const shown = searching ? others.filter((i) => matches(i, query)) : others;
  const groups = forum.priorities
    .map((p) => ({ priority: p, ideas: shown.filter((i) => i.priorityCode === p.code) }))
    .filter((g) => g.ideas.length > 0);
  const list = (list: PublicIdea[]) => (
    <ul className="idea-list">
      {list.map((idea) => (
        <li key={idea.id} className="idea">
          <IdeaBody forum={forum} idea={idea} t={t} author="name" />
        </li>
      ))}
    </ul>
  );

  return (
    <section className="card wall" aria-labelledby="others-h">
      <h2 id="others-h">
        {t('phone.ideas.others')} <span className="muted">({t('count.ideas', { count: others.length })})</span>
      </h2>
      <p className="muted">{t('phone.wall.help')}</p>
      {others.length >= SEARCH_FROM && <IdeaSearch query={query} onQuery={setQuery} shown={shown.length} total={others.length} t={t} />}
      {searching
        ? // What was found, open, under each priority's title: found is what one came to read.
          groups.map(({ priority, ideas: found }) => (
            <section key={priority.code} className="wall-group" style={{ borderLeftColor: priority.color }}>
              <h3 className="wall-group-title">
                {priority.title} <span className="muted">({t('count.ideas', { count: found.length })})</span>
              </h3>
              {list(found)}
            </section>
          ))
        : groups.map(({ priority, ideas: all }) => (
            <details key={priority.code} className="wall-group" style={{ borderLeftColor: priority.color }}>
              <summary>
                <span className="wall-group-title">{priority.title}</span>
                <span className="wall-count">{t('count.ideas', { count: all.length })}</span>
              </summary>
              {list(all)}
            </details>
          ))}
    </section>
  );
}

/**
 * Under the title being typed: ideas already on the wall like it. Announced politely, and only
 * when the list changes (not at every letter).
 */
export function SimilarIdeas({ forum, draft }: { forum: PhoneForumInfo; draft: { priorityCode: string; title: string; description: string; place: string } }) {
  const t = useT();
  const ideas = usePhone((s) => s.ideas);
  const mine = usePhone((s) => s.me?.ideas);
  const similar = useMemo(() => similarIdeas(draft, ideas), [draft, ideas]);
  return (
    <div className="similar" aria-live="polite">
      {similar.length > 0 && (
        <>
          <p className="similar-h">{t('phone.ideas.similar')}</p>
          <ul className="similar-list">
            {similar.map((idea) => (
              <li key={idea.id} style={{ borderLeftColor: priorityOf(forum, idea.priorityCode)?.color }}>
                <span className="similar-title">{idea.title}</span>
                <span className="similar-meta">
                  {priorityOf(forum, idea.priorityCode)?.title}
                  {mine?.some((i) => i.id === idea.id) && ` · ${t('phone.voting.yours')}`}
                </span>
              </li>
            ))}
          </ul>
          <p className="similar-hint">{t('phone.ideas.similarHint')}</p>
        </>
      )}
    </div>
  );
}
