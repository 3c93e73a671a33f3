// The pages at the server's short addresses when more than one forum could be meant: the phone's
// address (/) lists the forums a phone can join now, and /results the forums whose results are
// published. A projector shows only the host to type, so a resident lands here: each forum says
// when it was created and what is happening in it, newest first, so that two forums of a series
// with near-identical titles are told apart at a glance.

import type { Request } from 'express';
import { t, type MessageKey } from '../../shared/i18n/all.js';
import type { ForumState } from '../../shared/forum/types.js';
import type { Lang } from '../../shared/protocol.js';
import type { ForumListing } from '../forums/summary.js';
import { escapeHtml, htmlPage } from './page.js';
import { otherLanguageLink, SMALL_PAGE_STYLE } from './refusal.js';

/** What a chooser needs of a forum: the lists' summary, read from the store, whichever process serves it. */
export type ChooserForum = Pick<ForumListing, 'slug' | 'createdAt' | 'title' | 'phase' | 'archived' | 'voteOnly' | 'publicResults'>;

/** Whether a phone can join the forum now: neither archived nor closed. */
export const takesPhones = (forum: Pick<ForumState, 'archived' | 'phase'>): boolean => !forum.archived && forum.phase !== 'closed';

const dates = new Map<Lang, Intl.DateTimeFormat>();
/** "7 грудня 2026 р." / "7 December 2026", in the server's time zone (the venue's). */
function dateOf(lang: Lang, at: number): string {
  let format = dates.get(lang);
  if (!format) dates.set(lang, (format = new Intl.DateTimeFormat(lang === 'uk' ? 'uk-UA' : 'en-GB', { day: 'numeric', month: 'long', year: 'numeric' })));
  return format.format(new Date(at));
}

const STYLE =
  SMALL_PAGE_STYLE +
  'ul{list-style:none;padding:0;margin:0}li{margin:.75rem 0}' +
  'li a{display:block;padding:.9rem 1rem;border:2px solid #1f4fd1;border-radius:.5rem;color:#111;text-decoration:none}' +
  'li a:hover{background:#f0f4ff}.forum-title{display:block;color:#1f4fd1;font-weight:700;font-size:1.25rem}' +
  '.forum-meta{display:block;margin-top:.35rem;font-size:1rem;color:#333}.phase{font-weight:600;white-space:nowrap}' +
  '.place{margin-top:-.5rem;font-size:1.1rem;font-weight:600;color:#333}';

/** One forum as a link: its title, then its date and its phase (and that it is a vote only). */
function item(lang: Lang, forum: ChooserForum, href: string): string {
  const meta = [
    `<time datetime="${new Date(forum.createdAt).toISOString().slice(0, 10)}">${escapeHtml(t(lang, 'chooser.created', { date: dateOf(lang, forum.createdAt) }))}</time>`,
    `<span class="phase">${escapeHtml(t(lang, `phase.${forum.phase}` as MessageKey))}</span>`,
    ...(forum.voteOnly ? [escapeHtml(t(lang, 'chooser.voteOnly'))] : []),
  ].join(' · ');
  return `<li><a href="${escapeHtml(href)}"><span class="forum-title">${escapeHtml(forum.title)}</span><span class="forum-meta">${meta}</span></a></li>`;
}

function chooserPage(req: Request, lang: Lang, title: string, lead: string, list: string, none: string, place?: string): string {
  const body = list ? `<p>${escapeHtml(lead)}</p><ul>${list}</ul>` : `<p>${escapeHtml(none)}</p>`;
  // The server's place (PLACE) once under the title: every forum of a server is held there.
  const where = place ? `<p class="place">${escapeHtml(place)}</p>` : '';
  return htmlPage({ lang, title, style: STYLE, body: `<main>${otherLanguageLink(req, lang)}<h1>${escapeHtml(title)}</h1>${where}${body}</main>` });
}

const newestFirst = (forums: readonly ChooserForum[]) => [...forums].sort((a, b) => b.createdAt - a.createdAt);

/** The phone's address when several forums take phones (or none does): which one is yours? */
export function phoneChooserPage(req: Request, lang: Lang, forums: readonly ChooserForum[], place?: string): string {
  const open = newestFirst(forums.filter(takesPhones));
  // The phone's page keeps the language its device chose, whatever this one was read in.
  const list = open.map((f) => item(lang, f, `/f/${f.slug}/`)).join('');
  return chooserPage(req, lang, t(lang, 'chooser.title'), t(lang, 'chooser.lead'), list, t(lang, 'chooser.none'), place);
}

/** /results when the server holds several forums: the ones whose results the facilitator published. */
export function resultsChooserPage(req: Request, lang: Lang, forums: readonly ChooserForum[], place?: string): string {
  const published = newestFirst(forums.filter((f) => f.publicResults));
  const list = published.map((f) => item(lang, f, `/f/${f.slug}/results${lang === 'uk' ? '' : `?lang=${lang}`}`)).join('');
  return chooserPage(req, lang, t(lang, 'chooser.resultsTitle'), t(lang, 'chooser.resultsLead'), list, t(lang, 'chooser.resultsNone'), place);
}
