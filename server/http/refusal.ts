// A refusal over HTTP, answered as its asker reads it: a page to a person whose browser opened the
// address (a download link whose grant has expired, a short address typed in, a bookmark), JSON
// to a program (the console's own fetches, scripts, curl). Browsers say so in Accept: a page
// navigation asks for text/html first, a fetch or a script for anything (*/*) or for JSON.

import type { Request, Response } from 'express';
import type { RuleError } from '../../shared/forum/errors.js';
import { errorMessage, t } from '../../shared/i18n/all.js';
import type { Lang } from '../../shared/protocol.js';
import { escapeHtml, htmlPage } from './page.js';

/** Whether a person's browser asked (a page is wanted) rather than a program (JSON). */
export function wantsPage(req: Request): boolean {
  // Listed JSON first: an Accept of */* or none at all is a program's, and gets JSON.
  return req.accepts(['json', 'html']) === 'html';
}

/** The look of the server's small pages (the forum chooser, a refusal): large type, one column, no outside font. */
export const SMALL_PAGE_STYLE =
  'body{font-family:system-ui,"DejaVu Sans",Arial,sans-serif;margin:0;padding:1.25rem;font-size:1.2rem;line-height:1.4;color:#111;background:#fff;overflow-wrap:anywhere}' +
  'main{max-width:40rem;margin:0 auto}h1{font-size:1.5rem;margin:.5rem 0 1rem}p{margin:.75rem 0}.other{color:#444}' +
  'a{color:#1f4fd1}a:focus-visible{outline:3px solid #111;outline-offset:2px}.langs{font-size:1rem;text-align:right;margin:0}';

/** A link to the same address in the other language, for the top of a small page. */
export function otherLanguageLink(req: Request, lang: Lang): string {
  const other: Lang = lang === 'uk' ? 'en' : 'uk';
  const query = new URLSearchParams(req.query as Record<string, string>);
  query.set('lang', other);
  // The whole path: under a forum's router req.path has lost its /f/<slug>.
  const path = req.originalUrl.split('?')[0];
  return `<p class="langs"><a href="${escapeHtml(`${path}?${query}`)}" lang="${other}" hreflang="${other}">${escapeHtml(t(other, 'refusal.language'))}</a></p>`;
}

export interface RefusalOptions {
  status: number;
  lang: Lang;
  error: RuleError;
  /** The route's own words for it, in a given language; the catalogue's message for `error` otherwise. */
  message?: (lang: Lang) => string;
  /** For a page: where to go from here (the console, the list of forums), with its words. */
  next?: { href: string; label: string };
  headers?: Record<string, string>;
}

/**
 * Answers a refusal: a page in the asker's language with the same sentence in the other one below
 * it (Ukrainian first unless English was asked for), or `{ ok: false, error }` for a program.
 */
export function refuse(req: Request, res: Response, { status, lang, error, message, next, headers }: RefusalOptions): void {
  const say = message ?? ((l: Lang) => errorMessage(l, error));
  const said = say(lang);
  res.status(status).set('Cache-Control', 'no-store');
  if (headers) res.set(headers);
  if (!wantsPage(req)) {
    res.json({ ok: false, error: { ...error, message: said } });
    return;
  }
  const other: Lang = lang === 'uk' ? 'en' : 'uk';
  const otherSaid = say(other);
  const body = `<main>${otherLanguageLink(req, lang)}<h1>${escapeHtml(said)}</h1>${otherSaid ? `<p class="other" lang="${other}">${escapeHtml(otherSaid)}</p>` : ''}${
    next ? `<p><a href="${escapeHtml(next.href)}">${escapeHtml(next.label)}</a></p>` : ''
  }</main>`;
  res.type('text/html; charset=utf-8').send(htmlPage({ lang, title: said, style: SMALL_PAGE_STYLE, body }));
}
