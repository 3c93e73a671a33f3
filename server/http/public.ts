// The public, read-only results page the facilitator publishes after the reveal: /results (HTML,
// no script, readable on a phone), /results.json (the same data for programs) and a QR of the
// page's address. A page of record: when, where and by whom, the turnout, links to each priority,
// only priorities already revealed to the hall, and the results' SHA-256, provisional until every
// priority is revealed. Then the JSON also carries the canonical results document itself, and the
// page links to /results-check (client/check), which hashes it in the reader's browser.
//
// Built from the canonical results document (shared/forum/resultsHash.ts), which has no names,
// tokens, participant ids, addresses, hidden ideas, reasons or moderation log, and from nothing of
// the state beyond the priorities' colours and goals and how many voted in each; so none of those
// can reach the page. The join poster for the facilitator (/console/poster) is registered here
// too, as the other page printed from the console's links.

import type { IRouter, Request, Response } from 'express';
import QRCode from 'qrcode';
import { canonicalJson, resultsDocument, resultsFinal } from '../../shared/forum/resultsHash.js';
import { votingProgress } from '../../shared/forum/tally.js';
import type { ForumState, Phase } from '../../shared/forum/types.js';
import { errorMessage, t } from '../../shared/i18n/all.js';
import type { Lang } from '../../shared/protocol.js';
import { cleanLine } from '../../shared/forum/text.js';
import type { ForumRoom } from '../forum/room.js';
import { sha256Hex } from '../forum/resultsHash.js';
import type { Download } from './grants.js';
import { posterPage } from './poster.js';
import { escapeHtml, htmlPage } from './page.js';
import { wantsPage } from './refusal.js';

/**
 * Who holds the forums of this server and where (ORGANISER, PLACE): the forum itself records only
 * its title and times, and a page of record names its organiser and place. Per server, as a city's
 * laptop serves one organiser; a forum held elsewhere names its place in its title.
 */
export interface ForumRecordInfo {
  organiser?: string;
  place?: string;
}

/** The settings' text as a line of a page: invisible characters dropped, at most 200 characters. */
export function recordInfoFrom(env: NodeJS.ProcessEnv): ForumRecordInfo {
  const line = (value: string | undefined) => cleanLine(value ?? '').slice(0, 200);
  const organiser = line(env.ORGANISER);
  const place = line(env.PLACE);
  return { ...(organiser ? { organiser } : {}), ...(place ? { place } : {}) };
}

/** The JSON's format: a version, so that a program reading it can tell a later shape apart. */
export const PUBLIC_RESULTS_FORMAT = 'viche-public-results/1';

export interface PublicIdeaResult {
  id: string;
  title: string;
  /** The strategic goal's code, when the idea has one. */
  goalCode: string | null;
  /** Competition rank: 1, 2, 2, 4. */
  rank: number;
  /** Phone dots and paper stickers together: the ranking is by this. */
  dots: number;
  phoneDots: number;
  paperDots: number;
  /** Distinct participants with a phone dot on it. */
  supporters: number;
}

export type PublicPriority = { code: string; title: string; color: string } & (
  | { revealed: false }
  | { revealed: true; ideas: PublicIdeaResult[]; voters: number }
);

export interface PublicResults {
  format: typeof PUBLIC_RESULTS_FORMAT;
  /** publishedAt: when the page was first published (ISO 8601), the evening of the results. */
  forum: { title: string; phase: Phase; publishedAt: string | null; organiser?: string; place?: string };
  turnout: { participants: number; voted: number };
  priorities: PublicPriority[];
  /** SHA-256 of the canonical results document, as on the projector's final slide and in exports. */
  resultsHash: string;
  /** Every priority revealed: the hash can no longer change, and `canonical` is given. */
  final: boolean;
  /** The canonical results document, exactly the text that was hashed (only when final). */
  canonical?: string;
}

/** The public results of a forum's current state: revealed priorities only. */
export function publicResults(state: ForumState, record: ForumRecordInfo = {}): PublicResults {
  const document = resultsDocument(state);
  const canonical = canonicalJson(document);
  const voters = votingProgress(state).votedPerPriority;
  const colorOf = new Map(state.structure.priorities.map((p) => [p.code, p.color]));
  const priorities: PublicPriority[] = document.priorities.map((p) => {
    const head = { code: p.code, title: p.title, color: colorOf.get(p.code) ?? '' };
    if (!state.revealed.includes(p.code)) return { ...head, revealed: false };
    return {
      ...head,
      revealed: true,
      voters: voters[p.code] ?? 0,
      ideas: p.ideas.map((i) => ({
        id: i.id,
        title: i.title,
        goalCode: state.ideas.get(i.id)?.goalCode ?? null,
        rank: i.rank,
        dots: i.total,
        phoneDots: i.phoneDots,
        paperDots: i.paperDots,
        supporters: i.supporters,
      })),
    };
  });
  const final = resultsFinal(state);
  return {
    format: PUBLIC_RESULTS_FORMAT,
    forum: {
      title: state.title,
      phase: state.phase,
      publishedAt: state.resultsPublishedAt === null ? null : new Date(state.resultsPublishedAt).toISOString(),
      ...record,
    },
    turnout: document.turnout,
    priorities,
    resultsHash: sha256Hex(canonical),
    final,
    ...(final ? { canonical } : {}),
  };
}

// ---------------------------------------------------------------- the page

const STYLE = `
  :root { color-scheme: light; --ink: #111; --muted: #4a4f57; --line: #d0d7de; --soft: #f2f4f7; --link: #0b4fc4; }
  * { box-sizing: border-box; }
  html { -webkit-text-size-adjust: 100%; text-size-adjust: 100%; }
  body { margin: 0; font-family: system-ui, "DejaVu Sans", "Noto Sans", Arial, sans-serif; font-size: 1.125rem; line-height: 1.5; color: var(--ink); background: #fff; overflow-wrap: anywhere; }
  a { color: var(--link); text-underline-offset: .15em; }
  a:focus-visible { outline: 3px solid var(--ink); outline-offset: 2px; border-radius: 2px; }
  .wrap { max-width: 50rem; margin: 0 auto; padding: 0 1rem; }
  .top { border-bottom: 1px solid var(--line); }
  .top .wrap { display: flex; justify-content: space-between; align-items: center; gap: 1rem; min-height: 3.25rem; }
  .brand { font-weight: 800; letter-spacing: .02em; }
  .lang { display: inline-block; padding: .4rem .2rem; font-weight: 600; }
  main { padding-bottom: 3rem; }
  h1 { font-size: clamp(1.75rem, 6vw, 2.5rem); line-height: 1.15; margin: 1.25rem 0 .5rem; overflow-wrap: anywhere; }
  h2 { font-size: 1.45rem; line-height: 1.25; margin: 0 0 .25rem; overflow-wrap: anywhere; }
  p { margin: 0 0 .75rem; }
  .lead { font-size: 1.2rem; }
  .record { display: flex; flex-wrap: wrap; gap: .25rem 1.5rem; margin: 0 0 1rem; color: var(--muted); font-size: 1rem; }
  .record div { display: flex; gap: .4rem; }
  .record dt { flex: none; }
  .record dd { margin: 0; color: var(--ink); font-weight: 600; }
  .jump { margin: 0 0 2rem; }
  .jump-h { font-size: 1.15rem; margin-bottom: .4rem; }
  .jump ul { list-style: none; margin: 0; padding: 0; display: grid; grid-template-columns: repeat(auto-fill, minmax(15rem, 1fr)); gap: .35rem .75rem; }
  .jump a { display: flex; gap: .4rem; align-items: baseline; padding: .35rem .2rem; font-weight: 600; }
  .jump .code { flex: none; }
  .up { margin: .6rem 0 0; font-size: 1rem; }
  .check-link { display: inline-block; padding: .55rem 1rem; border: 2px solid var(--link); border-radius: 8px; font-weight: 700; text-decoration: none; }
  :target { scroll-margin-top: .5rem; }
  .phase { color: var(--muted); }
  .turnout { display: grid; grid-template-columns: repeat(3, minmax(0, max-content)); gap: .5rem 2.5rem; margin: 1.25rem 0 2rem; padding: .85rem 1.1rem; background: var(--soft); border-radius: 12px; }
  .turnout dt { color: var(--muted); font-size: 1rem; line-height: 1.3; }
  .turnout dd { margin: .15rem 0 0; font-size: 1.75rem; font-weight: 800; line-height: 1.2; font-variant-numeric: tabular-nums; }
  .priority { border-top: 6px solid var(--c, var(--line)); padding-top: .75rem; margin: 0 0 2.25rem; }
  .code { display: inline-block; min-width: 1.6em; margin-right: .35em; padding: 0 .3em; border-radius: 6px; background: var(--c, var(--ink)); color: #fff; text-align: center; }
  .meta { color: var(--muted); font-size: 1rem; }
  .pending { padding: .75rem 1rem; border: 2px dashed var(--line); border-radius: 10px; color: var(--muted); font-weight: 600; }
  .ranking { list-style: none; margin: 0; padding: 0; }
  .ranking li { display: grid; grid-template-columns: 3rem minmax(0, 1fr) 10rem; gap: .2rem .85rem; align-items: start; padding: .7rem 0; border-bottom: 1px solid var(--line); }
  .rank { font-size: 1.35rem; font-weight: 800; font-variant-numeric: tabular-nums; line-height: 1.2; }
  .idea { font-weight: 650; overflow-wrap: anywhere; }
  .goal { display: block; color: var(--muted); font-size: .95rem; font-weight: 400; }
  .bar { display: block; height: .6rem; margin-top: .4rem; background: var(--soft); border-radius: 99px; overflow: hidden; }
  .bar span { display: block; height: 100%; background: var(--c, var(--ink)); border-radius: 99px; }
  .nums { text-align: right; }
  .nums strong { display: block; font-size: 1.15rem; }
  .nums span { display: block; color: var(--muted); font-size: .95rem; }
  .nums .sep { display: none; }
  .check { margin-top: 2.5rem; padding-top: 1rem; border-top: 1px solid var(--line); }
  .hash { font-family: ui-monospace, "DejaVu Sans Mono", "Noto Sans Mono", monospace; font-size: 1.05rem; font-weight: 700; padding: .6rem .8rem; background: var(--soft); border-radius: 8px; overflow-wrap: anywhere; }
  .hash { display: flex; flex-wrap: wrap; gap: 0 .45em; }
  .hash span { white-space: nowrap; }
  code { font-family: ui-monospace, "DejaVu Sans Mono", "Noto Sans Mono", monospace; font-size: .95em; overflow-wrap: anywhere; }
  .visually-hidden { position: absolute; width: 1px; height: 1px; padding: 0; margin: -1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; border: 0; }
  @media (max-width: 32rem) {
    .ranking li { grid-template-columns: 2.4rem minmax(0, 1fr); }
    .turnout { grid-template-columns: minmax(0, 1fr); gap: .35rem; padding: .7rem .9rem; }
    .turnout div { display: flex; justify-content: space-between; align-items: baseline; gap: 1rem; }
    .turnout dd { font-size: 1.35rem; white-space: nowrap; }
    .nums { grid-column: 2; text-align: left; }
    .nums strong, .nums span { display: inline; font-size: 1rem; }
    .nums .sep { display: inline; }
  }
`;

/** Ranks shared by more than one idea, to be shown as "=2". */
function sharedRanks(ideas: readonly PublicIdeaResult[]): Set<number> {
  const seen = new Set<number>();
  const shared = new Set<number>();
  for (const i of ideas) (seen.has(i.rank) ? shared : seen).add(i.rank);
  return shared;
}

/**
 * The link to the same page in the other language. Links are relative, so that they stay within the
 * forum's own address (/f/<slug>/results) as well as the short one (/results).
 */
function languageLink(lang: Lang): string {
  const other: Lang = lang === 'uk' ? 'en' : 'uk';
  const href = other === 'uk' ? 'results' : 'results?lang=en';
  // The link's name is the language's own name, in that language: what a reader of it looks for.
  return `<a class="lang" href="${href}" lang="${other}" hreflang="${other}">${escapeHtml(t(lang, 'common.language'))}</a>`;
}

function page(lang: Lang, title: string, body: string): string {
  return htmlPage({
    lang,
    title,
    style: STYLE,
    body: `<header class="top"><div class="wrap"><span class="brand">${escapeHtml(t(lang, 'app.name'))}</span>${languageLink(lang)}</div></header>
<main class="wrap">
${body}
</main>`,
  });
}

/** A priority's place on the page, for the jump links. */
const priorityAnchor = (code: string): string => `p-${code.replace(/[^\w-]/g, '_')}`;

function priorityHtml(lang: Lang, state: ForumState, p: PublicPriority): string {
  const headingId = priorityAnchor(p.code);
  const head = `<h2 id="${headingId}"><span class="code">${escapeHtml(p.code)}</span> ${escapeHtml(p.title)}</h2>`;
  const open = `<section class="priority" aria-labelledby="${headingId}" style="--c: ${escapeHtml(p.color || '#111')}">`;
  const up = `<p class="up"><a href="#priorities">${escapeHtml(t(lang, 'public.up'))}</a></p>`;
  if (!p.revealed) return `${open}\n${head}\n<p class="pending">${escapeHtml(t(lang, 'public.notYet'))}</p>\n</section>`;
  const meta = `<p class="meta">${escapeHtml(t(lang, 'count.ideas', { count: p.ideas.length }))} · ${escapeHtml(t(lang, 'count.voters', { count: p.voters }))}</p>`;
  if (p.ideas.length === 0) return `${open}\n${head}\n${meta}\n<p>${escapeHtml(t(lang, 'public.noIdeas'))}</p>\n</section>`;
  const priority = state.structure.priorities.find((x) => x.code === p.code);
  const shared = sharedRanks(p.ideas);
  const max = Math.max(1, ...p.ideas.map((i) => i.dots));
  const withPaper = p.ideas.some((i) => i.paperDots > 0);
  const rows = p.ideas.map((i) => {
    const tied = shared.has(i.rank);
    const goal = i.goalCode ? priority?.goals.find((g) => g.code === i.goalCode) : undefined;
    const width = Math.round((i.dots / max) * 1000) / 10;
    return `<li>
<span class="rank" aria-hidden="true">${tied ? `=${i.rank}` : i.rank}</span>
<span><span class="visually-hidden">${escapeHtml(t(lang, tied ? 'screen.rankShared' : 'screen.rankOf', { rank: i.rank }))}. </span><span class="idea">${escapeHtml(i.title)}</span>${
      goal ? `<span class="goal">${escapeHtml(`${goal.code} ${goal.title}`)}</span>` : ''
    }<span class="bar" aria-hidden="true"><span style="width: ${width}%"></span></span></span>
<span class="nums"><strong>${escapeHtml(t(lang, 'count.dots', { count: i.dots }))}</strong><span class="sep" aria-hidden="true"> · </span><span>${escapeHtml(
      t(lang, 'count.supporters', { count: i.supporters }),
    )}</span>${withPaper ? `<span class="sep" aria-hidden="true"> · </span><span>${escapeHtml(t(lang, 'console.results.split', { phone: i.phoneDots, paper: i.paperDots }))}</span>` : ''}</span>
</li>`;
  });
  return `${open}\n${head}\n${meta}\n<ol class="ranking" role="list">\n${rows.join('\n')}\n</ol>\n${up}\n</section>`;
}

/** The hash in groups of eight for the eye; copied, it is one unbroken string. */
const hashHtml = (hash: string): string => (hash.match(/.{1,8}/g) ?? []).map((g) => `<span>${g}</span>`).join('');

const longDate = (lang: Lang, at: number): string =>
  new Intl.DateTimeFormat(lang === 'uk' ? 'uk-UA' : 'en-GB', { day: 'numeric', month: 'long', year: 'numeric' }).format(new Date(at));

/** What makes the page one of record: when the results were announced, where, and by whom. */
function recordHtml(lang: Lang, state: ForumState, record: ForumRecordInfo): string {
  const items: [string, string][] = [];
  if (state.resultsPublishedAt !== null) items.push([t(lang, 'public.record.date'), longDate(lang, state.resultsPublishedAt)]);
  if (record.place) items.push([t(lang, 'public.record.place'), record.place]);
  if (record.organiser) items.push([t(lang, 'public.record.organiser'), record.organiser]);
  if (items.length === 0) return '';
  return `<dl class="record">${items.map(([k, v]) => `<div><dt>${escapeHtml(k)}:</dt><dd>${escapeHtml(v)}</dd></div>`).join('')}</dl>`;
}

/** Links to each priority: on a phone the page runs to tens of thousands of pixels. */
function jumpHtml(lang: Lang, priorities: readonly PublicPriority[]): string {
  const items = priorities.map(
    (p) =>
      `<li><a href="#${priorityAnchor(p.code)}" style="--c: ${escapeHtml(p.color || '#111')}"><span class="code">${escapeHtml(p.code)}</span> <span>${escapeHtml(p.title)}</span></a></li>`,
  );
  return `<nav class="jump" id="priorities" aria-labelledby="jump-h">
<h2 id="jump-h" class="jump-h">${escapeHtml(t(lang, 'public.jump'))}</h2>
<ul role="list">${items.join('')}</ul>
</nav>`;
}

export function resultsPage(state: ForumState, lang: Lang, record: ForumRecordInfo = {}): string {
  const data = publicResults(state, record);
  const revealed = data.priorities.filter((p) => p.revealed).length;
  const jsonLink = '<a href="results.json">results.json</a>';
  const checkHref = lang === 'uk' ? 'results-check' : 'results-check?lang=en';
  // No word of reloading once nothing more is to come.
  const phase = state.phase === 'closed' ? 'public.phase.closed' : data.final ? 'public.phase.final' : 'public.phase.results';
  const body = `<h1>${escapeHtml(state.title)}</h1>
${recordHtml(lang, state, record)}
<p class="lead">${escapeHtml(t(lang, 'public.lead'))}</p>
<p class="phase">${escapeHtml(t(lang, phase))}</p>
<dl class="turnout" aria-label="${escapeHtml(t(lang, 'public.turnout'))}">
<div><dt>${escapeHtml(t(lang, 'public.participants'))}</dt><dd>${data.turnout.participants}</dd></div>
<div><dt>${escapeHtml(t(lang, 'public.voted'))}</dt><dd>${data.turnout.voted}</dd></div>
<div><dt>${escapeHtml(t(lang, 'public.revealed'))}</dt><dd>${escapeHtml(t(lang, 'public.revealedOf', { revealed, total: data.priorities.length }))}</dd></div>
</dl>
${jumpHtml(lang, data.priorities)}
${data.priorities.map((p) => priorityHtml(lang, state, p)).join('\n')}
<section class="check" id="check-results" aria-labelledby="check">
<h2 id="check">${escapeHtml(t(lang, 'public.check.heading'))}</h2>
<p>${escapeHtml(t(lang, 'public.check.hash'))}${data.final ? '' : ` (${escapeHtml(t(lang, 'public.provisional'))})`}:</p>
<p class="hash" translate="no">${hashHtml(data.resultsHash)}</p>
<p>${escapeHtml(t(lang, data.final ? 'public.check.final' : 'public.check.notFinal'))}</p>
<p>${escapeHtml(t(lang, 'public.check.what'))}</p>
${data.final ? `<p><a class="check-link" href="${checkHref}">${escapeHtml(t(lang, 'public.check.link'))}</a></p>\n<p>${escapeHtml(t(lang, 'public.check.linkHelp'))}</p>` : ''}
<p class="meta">${escapeHtml(t(lang, 'public.json')).replace('{json}', jsonLink)}</p>
</section>`;
  return page(lang, t(lang, 'public.pageTitle', { title: state.title }), body);
}

export function notPublishedPage(state: ForumState, lang: Lang): string {
  const body = `<h1>${escapeHtml(state.title)}</h1>
<p class="lead"><strong>${escapeHtml(t(lang, 'public.notPublished'))}</strong></p>
<p>${escapeHtml(t(lang, 'public.notPublishedHelp'))}</p>`;
  return page(lang, t(lang, 'public.pageTitle', { title: state.title }), body);
}

// ---------------------------------------------------------------- routes

export interface PublicRoutesOptions {
  room: ForumRoom;
  /** The address phones open, without a code. */
  baseUrl: string;
  /** Who holds the forum and where (ORGANISER, PLACE). */
  record: ForumRecordInfo;
  langOf(req: Request): Lang;
  /** Lets a facilitator's request through (a grant or the key), or answers it with the refusal. */
  facilitatorOnly(req: Request, res: Response, what: Download): Promise<boolean>;
}

export function registerPublicRoutes(app: IRouter, { room, baseUrl, record, langOf, facilitatorOnly }: PublicRoutesOptions): void {
  // Short-lived: a newly revealed priority must show on the next reload.
  const fresh = (res: Response) => res.set('Cache-Control', 'no-cache');

  app.get('/results', (req, res) => {
    const lang = langOf(req);
    // What is saved only: an action still being written may yet be refused.
    const state = room.savedState;
    fresh(res).type('text/html; charset=utf-8');
    if (!state.publicResults) {
      res.status(404).send(notPublishedPage(state, lang));
      return;
    }
    res.send(resultsPage(state, lang, record));
  });

  app.get('/results.json', (req, res) => {
    fresh(res);
    const state = room.savedState;
    if (!state.publicResults) {
      // A person who typed the address reads why, as on /results.
      if (wantsPage(req)) return void res.status(404).type('text/html; charset=utf-8').send(notPublishedPage(state, langOf(req)));
      const error = { code: 'RESULTS_NOT_PUBLISHED' as const };
      res.status(404).json({ ok: false, error: { ...error, message: errorMessage(langOf(req), error) } });
      return;
    }
    res.type('application/json').send(JSON.stringify(publicResults(state, record), null, 2));
  });

  // The page's address as a QR, for the console to show or print; the address alone, public.
  const resultsUrl = `${baseUrl}/results`;
  let qr: Promise<string> | null = null;
  app.get('/results-qr.svg', async (_req, res) => {
    qr ??= QRCode.toString(resultsUrl, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 });
    res.type('image/svg+xml').set('Cache-Control', 'no-cache').send(await qr);
  });

  // The join poster: A4, printed by the browser like the ticket sheets.
  app.get('/console/poster', async (req, res) => {
    if (!(await facilitatorOnly(req, res, 'poster'))) return;
    res.set('Cache-Control', 'no-store').type('text/html; charset=utf-8');
    res.send(await posterPage(room.state, { baseUrl, lang: langOf(req) }));
  });
}
