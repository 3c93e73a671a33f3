// The wall of ideas on a phone: while ideas are proposed, the priorities with how many ideas each
// holds, and the one opened a page at a time (newest first) with a search done by the server; the
// same page, search and "more" serve voting (Voting.tsx). Under the title being typed, the ideas
// already on the wall most like it, so a resident can check before posting.

import { useEffect, useRef, useState, type ReactNode } from 'react';
import type { PhoneForumInfo, MeView, PublicIdea, WallIdea } from '../../shared/protocol.js';
import { WALL_MAX_PAGES } from '../../shared/forum/wallOrder.js';
import { SUGGEST_AFTER_CHARS } from '../../shared/forum/suggestLimits.js';
import { textLength } from '../../shared/forum/text.js';
import { send } from '../lib/connection.js';
import { useT } from '../lib/i18n.js';
import { IdeaBody, IdeaSearch, priorityOf } from './parts.js';
import { usePhone } from './store.js';
import { ordered, watchWall } from './wall.js';

/** How long typing pauses before the search is asked of the server. */
const SEARCH_AFTER_MS = 300;

export function OthersIdeas({ forum, me }: { forum: PhoneForumInfo; me: MeView }) {
  const t = useT();
  const counts = usePhone((s) => s.counts);
  const wall = usePhone((s) => s.wall);
  const open = wall ? priorityOf(forum, wall.priorityCode) : undefined;
  const total = forum.priorities.reduce((n, p) => n + (counts[p.code] ?? 0), 0);
  const back = useRef<HTMLButtonElement>(null);
  const chosen = useRef<string | null>(null);
  // Back on the list of priorities: focus on the one just closed, for a keyboard or a screen reader.
  useEffect(() => {
    if (open) back.current?.focus();
    else if (chosen.current) document.querySelector<HTMLElement>(`[data-priority="${CSS.escape(chosen.current)}"]`)?.focus();
  }, [open]);

  return (
    <section className="card wall" aria-labelledby="others-h">
      <h2 id="others-h">
        {t('phone.wall.heading')} <span className="muted">({t('count.ideas', { count: total })})</span>
      </h2>
      {open ? (
        <>
          <button
            type="button"
            ref={back}
            className="btn btn-secondary wall-back"
            onClick={() => {
              chosen.current = open.code;
              watchWall(null);
            }}
          >
            ← {t('phone.wall.back')}
          </button>
          <section className="wall-group" style={{ borderLeftColor: open.color }} aria-labelledby="wall-open-h">
            <h3 id="wall-open-h" className="wall-group-title">
              {open.title} <span className="muted">({t('count.ideas', { count: counts[open.code] ?? 0 })})</span>
            </h3>
            <WallPageView
              forum={forum}
              me={me}
              priorityCode={open.code}
              row={(idea) => (
                <li key={idea.id} className="idea">
                  <IdeaBody forum={forum} idea={idea} t={t} author={me.ideas.some((i) => i.id === idea.id) ? 'mine' : 'name'} />
                </li>
              )}
            />
          </section>
        </>
      ) : (
        <>
          <p className="muted">{t('phone.wall.help')}</p>
          <ul className="wall-priorities">
            {forum.priorities.map((p) => (
              <li key={p.code}>
                <button type="button" className="wall-priority" data-priority={p.code} style={{ borderLeftColor: p.color }} onClick={() => watchWall(p.code)}>
                  <span className="wall-group-title">{p.title}</span>
                  <span className="wall-count">{t('count.ideas', { count: counts[p.code] ?? 0 })}</span>
                </button>
              </li>
            ))}
          </ul>
        </>
      )}
    </section>
  );
}

/**
 * The page of a priority's wall this phone holds, in the phase's order, with the search over the
 * whole priority (asked of the server as typing pauses), a button for the next page, and what to
 * say while it loads, when it fails, and when nothing is found.
 */
export function WallPageView({ forum, me, priorityCode, row }: { forum: PhoneForumInfo; me: MeView; priorityCode: string; row: (idea: WallIdea) => ReactNode }) {
  const t = useT();
  const wall = usePhone((s) => s.wall);
  const count = usePhone((s) => s.counts[priorityCode] ?? 0);
  const [query, setQuery] = useState(wall?.priorityCode === priorityCode ? wall.query : '');
  // Opened here: this priority's page, if it is not the one held.
  useEffect(() => {
    const held = usePhone.getState().wall;
    if (held?.priorityCode !== priorityCode) watchWall(priorityCode, '');
  }, [priorityCode]);
  // The search goes to the server once typing pauses.
  useEffect(() => {
    const held = usePhone.getState().wall;
    if (!held || held.priorityCode !== priorityCode || held.query === query.trim()) return;
    const timer = setTimeout(() => watchWall(priorityCode, query.trim()), SEARCH_AFTER_MS);
    return () => clearTimeout(timer);
  }, [query, priorityCode]);
  if (!wall || wall.priorityCode !== priorityCode) return <p role="status">{t('phone.wall.loading')}</p>;
  const ideas = ordered(wall.ideas, forum.phase, me.participantId, priorityCode);
  const searching = wall.query !== '';
  const settled = !wall.loading && !wall.error;
  // Proposed since the page was asked for: shown when the resident asks.
  const newer = searching ? wall.newer : Math.max(0, count - wall.total);
  return (
    <div className="wall-page" aria-busy={wall.loading}>
      {count > 0 && <IdeaSearch query={query} onQuery={setQuery} shown={wall.total} total={count} t={t} />}
      {wall.error && (
        <div className="wall-error" role="alert">
          <p className="error-text">{t('phone.wall.error', { message: wall.error })}</p>
          <button type="button" className="btn btn-secondary" onClick={() => watchWall(priorityCode, wall.query, wall.pages)}>
            {t('phone.wall.retry')}
          </button>
        </div>
      )}
      {wall.loading && ideas.length === 0 && <p role="status">{t('phone.wall.loading')}</p>}
      <div aria-live="polite">
        {settled && newer > 0 && (
          <button type="button" className="btn wall-newer" onClick={() => watchWall(priorityCode, wall.query, wall.pages)}>
            {t('phone.wall.newer', { count: newer })}
          </button>
        )}
      </div>
      {settled && wall.total === 0 && !searching && <p className="muted">{t('phone.wall.empty')}</p>}
      <ul className="idea-list">{ideas.map(row)}</ul>
      {ideas.length > 0 && ideas.length < wall.total && (
        <div className="wall-more">
          <p className="muted">{t('phone.wall.shown', { shown: ideas.length, total: wall.total })}</p>
          <button
            type="button"
            className="btn btn-secondary btn-wide"
            disabled={wall.loading || wall.pages >= WALL_MAX_PAGES}
            onClick={() => watchWall(priorityCode, wall.query, wall.pages + 1)}
          >
            {wall.loading ? t('phone.wall.loading') : t('phone.wall.more')}
          </button>
        </div>
      )}
    </div>
  );
}

/**
 * Under the title being typed: ideas already on the wall like it, in the priority chosen, asked of
 * the server as typing pauses. Announced politely, and only when the list changes (not at every
 * letter).
 */
export function SimilarIdeas({ forum, draft }: { forum: PhoneForumInfo; draft: { priorityCode: string; title: string; description: string; place: string } }) {
  const t = useT();
  const mine = usePhone((s) => s.me?.ideas);
  const [similar, setSimilar] = useState<PublicIdea[]>([]);
  const { priorityCode, title, description, place } = draft;
  useEffect(() => {
    if (!priorityCode || textLength(title.trim()) < SUGGEST_AFTER_CHARS) {
      setSimilar([]);
      return;
    }
    let current = true;
    const timer = setTimeout(() => {
      void send('wall:similar', { priorityCode, title, description, place }).then((ack) => {
        // A suggestion that could not be had is no loss: the form works without it.
        if (current && ack.ok) setSimilar(ack.data.ideas);
      });
    }, SEARCH_AFTER_MS);
    return () => {
      current = false;
      clearTimeout(timer);
    };
  }, [priorityCode, title, description, place]);
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
