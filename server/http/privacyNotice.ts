// A forum's data-protection notice, /f/<slug>/privacy: in plain Ukrainian (English by the toggle),
// what personal data the vote keeps for the way in it uses, why, for how long (the organiser's
// retention date), who the controller is and what for (the vote's definition names them) and
// residents' rights.
// Linked from the voting page and the proof step; public, small, no script.

import type { IRouter, Request } from 'express';
import { t, type MessageKey } from '../../shared/i18n/all.js';
import type { Lang } from '../../shared/protocol.js';
import type { ForumRoom } from '../forum/room.js';
import { escapeHtml, htmlPage } from './page.js';
import { otherLanguageLink, SMALL_PAGE_STYLE } from './refusal.js';

export function registerPrivacyNotice(app: IRouter, { room, langOf }: { room: ForumRoom; langOf(req: Request): Lang }): void {
  app.get('/privacy', (req, res) => {
    const lang = langOf(req);
    const state = room.shown.state;
    const vote = state.city.vote;
    const say = (key: MessageKey, params?: Record<string, string>) => `<p>${escapeHtml(t(lang, key, params))}</p>`;
    const date = (at: number) => new Date(at).toLocaleDateString(lang === 'uk' ? 'uk-UA' : 'en-GB', { dateStyle: 'long', timeZone: 'UTC' });
    const retainUntil = vote?.privacy?.retainUntil;
    const method = state.persons.method;
    const title = t(lang, 'privacy.title', { title: vote?.title ?? state.title });
    const body =
      `<main>${otherLanguageLink(req, lang)}<h1>${escapeHtml(title)}</h1>` +
      (vote?.privacy ? say('privacy.controller', { controller: vote.privacy.controller, contact: vote.privacy.contact }) : say('privacy.noController')) +
      (state.persons.anonymised ? `<p class="done">${escapeHtml(t(lang, 'privacy.deleted', { date: date(state.persons.anonymised.at) }))}</p>` : '') +
      `<h2>${escapeHtml(t(lang, 'privacy.whatHeading'))}</h2>` +
      (method ? say(`privacy.${method}` as MessageKey) : '') +
      (method !== 'oidc' ? say('privacy.name') : '') +
      say('privacy.device') +
      `<h2>${escapeHtml(t(lang, 'privacy.whyHeading'))}</h2>` +
      (vote?.privacy?.purpose ? `<p>${escapeHtml(vote.privacy.purpose)}</p>` : '') +
      say('privacy.why') +
      `<h2>${escapeHtml(t(lang, 'privacy.howLongHeading'))}</h2>` +
      (retainUntil ? say('privacy.until', { date: date(Date.parse(`${retainUntil}T00:00:00Z`)) }) : say('privacy.noDate')) +
      say('privacy.published') +
      `<h2>${escapeHtml(t(lang, 'privacy.rightsHeading'))}</h2>` +
      say('privacy.rights') +
      `</main>`;
    const style = `${SMALL_PAGE_STYLE}h2{font-size:1.2rem;margin:1.5rem 0 .5rem}.done{padding:.75rem 1rem;border-left:4px solid #1a7f37;background:#eef8f0}`;
    res.set('Cache-Control', 'no-cache').type('text/html; charset=utf-8').send(htmlPage({ lang, title, style, body }));
  });
}
