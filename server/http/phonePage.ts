// The phone page as the server sends it: the built page's script and styles around what a resident
// can use before that script has come, which on a hall's slow Wi-Fi is seconds later. A device
// not yet in the forum gets a working join form (it posts to /join, which sends the join down the
// socket's own path: realtime/socket.ts, joinFromPage); a device that joined gets its greeting, or
// the revealed results as plain HTML. The script mounts over it once it knows as much (main.tsx).
//
// The device's token travels in a cookie, `viche_token`, scoped to the forum's path: set here when
// a form joins, written by the script from its own store at every start, so that a join from the
// form and one from the script are the same device's (client/phone/token.ts).

import { randomBytes } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { join as joinPath } from 'node:path';
import express, { type Request, type Response, type Router } from 'express';
import { errorMessage } from '../../shared/i18n/all.js';
import { t, type MessageKey } from '../../shared/i18n/index.js';
import { LIMITS, type ForumState } from '../../shared/forum/types.js';
import type { RuleError } from '../../shared/forum/errors.js';
import type { PhoneResult } from '../../shared/protocol.js';
import { hashToken, TOKEN_PATTERN, type ForumRoom } from '../forum/room.js';
import { meView } from '../forum/views.js';
import { addressOf } from '../realtime/handshake.js';
import type { Realtime } from '../realtime/socket.js';
import { escapeHtml as esc } from './page.js';

export const TOKEN_COOKIE = 'viche_token';
/** As long as the script keeps its token in the phone's storage: for good. */
const COOKIE_MAX_AGE_S = 365 * 24 * 3600;

export interface PhonePageDeps {
  room: ForumRoom;
  clientDir: string;
  trustProxy: number;
  realtime: Pick<Realtime, 'joinFromPage' | 'phoneResults'>;
  /** What a device waiting for the facilitator's approval joined with. */
  waiting(tokenHash: string): { code: string; name: string } | undefined;
}

/** What the code field asks for depends on how the forum admits people (as the script's form: Join.tsx). */
const CODE_LABEL = { hall: 'phone.join.codeHall', tickets: 'phone.join.codeTickets', open: 'phone.join.code' } as const;

/** Refusals of the code typed, rather than of the device or the moment. */
const CODE_REFUSALS: ReadonlySet<string> = new Set(['WRONG_CODE', 'CODE_EXPIRED', 'TICKET_USED']);

/**
 * Inline, so the form is laid out before any stylesheet arrives; the same classes as the built
 * styles (base.css, phone.css), which take over when they come, so nothing jumps. It stays in the
 * page under the app: no rule here may set what the built styles leave unset on the app's own
 * elements (hence `.btn-wide`, not `.btn`, and the refusal's margin by its id).
 */
const STYLE =
  ":root{font-family:system-ui,-apple-system,'Segoe UI',Roboto,'Noto Sans','DejaVu Sans',sans-serif;color:#1b1f24;background:#f6f8fa;line-height:1.45;font-size:18px}" +
  'body{margin:0;overflow-wrap:anywhere}*{box-sizing:border-box}:focus-visible{outline:3px solid #ffbf47;outline-offset:2px}' +
  '.top{display:flex;padding:.5em .75em;background:#fff;border-bottom:1px solid #d0d7de}.top-title{display:flex;flex-direction:column;line-height:1.2;min-width:0}' +
  '.top-forum,.hint,.muted,.result-count,.en{color:#57606a;font-size:.9em}.en{display:block;font-weight:400}' +
  '.content{max-width:40rem;margin:0 auto;padding:.75em .75em 6em}.card{background:#fff;border:1px solid #d0d7de;border-radius:14px;padding:1em;margin:0 0 .9em}' +
  'h1{font-size:1.35rem;margin:0 0 .6em}h2{font-size:1.15rem;margin:0 0 .6em}' +
  '.field{display:flex;flex-direction:column;gap:.3em;margin-bottom:1em}.field label{font-weight:600}' +
  '.field input{min-height:48px;padding:.55em .7em;border:2px solid #d0d7de;border-radius:10px;font:inherit;font-size:1.05rem}' +
  '.btn-wide{width:100%;min-height:52px;border-radius:10px;border:2px solid #0b57d0;background:#0b57d0;color:#fff;font:inherit;font-size:1.05rem;font-weight:600}' +
  '.error-text{color:#cf222e;font-weight:600}#join-error{margin:0 0 1em}.refusal-other{display:block;margin-top:.6em;font-weight:400}' +
  '.result{border-top:6px solid #d0d7de}.result-list{list-style:none;margin:0;padding:0}' +
  '.result-list li{display:grid;grid-template-columns:2.4em 1fr;padding:.45em 0;border-bottom:1px solid #d0d7de}' +
  '.rank{font-weight:700;grid-row:span 2}.result-title{font-weight:600}' +
  '.visually-hidden{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0,0,0,0);white-space:nowrap}';

/** A text in Ukrainian, then the same in English, less loudly. */
const both = (key: MessageKey, params?: Record<string, string | number>) =>
  `${esc(t('uk', key, params))}<span class="en" lang="en">${esc(t('en', key, params))}</span>`;

// ---------------------------------------------------------------- the built page's assets

interface Assets {
  /** The module script: in the head, fetched at once, run after parsing. */
  script: string;
  /**
   * Its imports, fetched beside it rather than after it, saving a round trip, except under the
   * join form: there the post of a resident quick to tap waits for a free connection among the
   * browser's six, and the script's five requests with the two stylesheets are seven. Without them
   * the form's join is answered 0.2 s sooner at 400 kbit/s and 400 ms round trips, and the app
   * comes 0.3 to 0.4 s later (`BENCH_ONLY=slowjoin npm run bench`), while the form already works.
   */
  preloads: string;
  /** The stylesheets: after the content, so that they do not hold its first paint. */
  styles: string;
}

let built: { file: string; mtimeMs: number; assets: Assets } | null = null;

/** The script and style tags of the built phone page, read again when the build changes. */
function assetsOf(clientDir: string): Assets | null {
  const file = joinPath(clientDir, 'phone', 'index.html');
  let mtimeMs: number;
  try {
    mtimeMs = statSync(file).mtimeMs;
  } catch {
    return null;
  }
  if (built?.file === file && built.mtimeMs === mtimeMs) return built.assets;
  const html = readFileSync(file, 'utf8');
  const tags = (pattern: RegExp) => [...html.matchAll(pattern)].map((m) => m[0]).join('');
  const assets = {
    script: tags(/<script\b[^>]*><\/script>/g),
    preloads: tags(/<link\b[^>]*rel="modulepreload"[^>]*>/g),
    styles: tags(/<link\b[^>]*rel="stylesheet"[^>]*>/g),
  };
  built = { file, mtimeMs, assets };
  return assets;
}

// ---------------------------------------------------------------- what the root holds

interface Typed {
  code: string;
  name: string;
}

function joinForm(state: ForumState, typed: Typed, refusal: RuleError | null): string {
  const error = refusal
    ? `<p class="error-text" role="alert" id="join-error">${esc(errorMessage('uk', refusal))}<span class="refusal-other" lang="en">${esc(errorMessage('en', refusal))}</span></p>`
    : '';
  // The code was what was wrong: the field says so, and has the focus to be typed again.
  const invalid = refusal && CODE_REFUSALS.has(refusal.code) ? ' aria-invalid="true" aria-describedby="join-error" autofocus' : '';
  // The refusal above the fields, where a phone's screen shows it without scrolling.
  return `<form class="card" method="post" action="join" novalidate>
<h1>${both('phone.join.heading')}</h1>
${error}<div class="field"><label for="join-code">${both(CODE_LABEL[state.admission])}</label><input id="join-code" name="code" inputmode="numeric" autocomplete="off" maxlength="20" value="${esc(typed.code)}"${invalid}></div>
<div class="field"><label for="join-name">${both('phone.join.name')}</label><input id="join-name" name="name" autocomplete="given-name" maxlength="${LIMITS.name}" value="${esc(typed.name)}" aria-describedby="join-name-hint"><span class="hint" id="join-name-hint">${esc(t('uk', 'phone.join.nameHint'))}</span></div>
<button class="btn btn-wide" type="submit">${esc(t('uk', 'phone.join.submit'))}<span lang="en"> / ${esc(t('en', 'phone.join.submit'))}</span></button>
</form>`;
}

/** Ranks held by more than one row, and the last row's when the tie goes on past the rows sent (as Results.tsx). */
function sharedRanks(result: PhoneResult): Set<number> {
  const seen = new Set<number>();
  const shared = new Set<number>();
  for (const r of result.rows) (seen.has(r.rank) ? shared : seen).add(r.rank);
  const last = result.rows.at(-1);
  if (last && result.tiedAfter) shared.add(last.rank);
  return shared;
}

/** The revealed rankings, as the script's results view shows them (Results.tsx), without its bars and links. */
function resultsView(state: ForumState, results: PhoneResult[], participantId: string | undefined): string {
  const me = participantId ? meView(state, participantId) : null;
  const mine = new Set((me?.ideas ?? []).map((i) => i.mergedInto ?? i.id));
  const cards = results.map((result) => {
    const p = state.structure.priorities.find((x) => x.code === result.priorityCode);
    const shared = sharedRanks(result);
    const id = `result-${result.priorityCode.replace(/[^\w-]/g, '_')}`;
    const rows = result.rows
      .map((row) => {
        const tied = shared.has(row.rank);
        const own = mine.has(row.ideaId);
        return `<li${own ? ' class="own"' : ''}><span class="rank" aria-hidden="true">${tied ? '=' : ''}${row.rank}</span><span class="result-title"><span class="visually-hidden">${esc(t('uk', tied ? 'screen.rankShared' : 'screen.rankOf', { rank: row.rank }))}. </span>${esc(row.title)}${own ? ` <span class="own-badge">${esc(t('uk', 'phone.voting.yours'))}</span>` : ''}</span><span class="result-count">${esc(t('uk', 'count.dots', { count: row.dots }))} · ${esc(t('uk', 'count.supporters', { count: row.supporters }))}</span></li>`;
      })
      .join('');
    const more = result.more ? `<p class="muted">${esc(t('uk', state.publicResults ? 'phone.results.morePublic' : 'phone.results.more', { count: result.more }))}</p>` : '';
    return `<section class="card result" style="border-top-color:${esc(p?.color ?? '')}" aria-labelledby="${id}"><h2 id="${id}">${esc(p?.title ?? result.priorityCode)}</h2><ol class="result-list">${rows}</ol>${more}</section>`;
  });
  const closed = state.phase === 'closed' ? `<section class="card"><p>${both('phone.closed')}</p></section>` : '';
  const waiting = results.length === 0 ? `<p class="card">${both('phone.results.waiting')}</p>` : '';
  return `${closed}<section aria-labelledby="results-h"><h1 id="results-h" class="section-h">${both('phone.results.heading')}</h1>${waiting}${cards.join('')}</section>`;
}

/** What the page shows before its script, and which of the script's views that is (`data-served`). */
function rootOf(deps: PhonePageDeps, token: string | null, typed: Typed, refusal: RuleError | null): { served: string; html: string; attrs?: string } {
  const state = deps.room.state;
  const participantId = token ? state.participantsByToken.get(hashToken(token)) : undefined;
  const participant = participantId ? state.participants.get(participantId) : undefined;
  const loading = { served: 'loading', html: `<p class="card" role="status">${both('common.loading')}</p>` };
  // What only the script does (a city vote's proof of who one is, a voided ballot's notice) waits for it.
  if (state.persons.method || participant?.voided) return loading;
  const showsResults = state.phase === 'results' || state.phase === 'closed';
  if (participant) {
    if (showsResults && !state.city.vote) return { served: 'results', html: resultsView(state, deps.realtime.phoneResults(), participantId) };
    const greeting = participant.name ? t('uk', 'phone.hello', { name: participant.name }) : t('uk', 'phone.helloAnon');
    return { served: 'joined', html: `<section class="card"><h1>${esc(greeting)}</h1><p role="status">${both('phone.join.joinedLoading')}</p></section>` };
  }
  // A forum that is over takes no one new, but its revealed results are for everyone.
  if (state.phase === 'closed') return { served: 'results', html: resultsView(state, deps.realtime.phoneResults(), undefined) };
  const waiting = token ? deps.waiting(hashToken(token)) : undefined;
  if (waiting) {
    return {
      served: 'waiting',
      // The script keeps asking for the place in the queue with what the device joined with (approval.ts).
      attrs: ` data-code="${esc(waiting.code)}" data-name="${esc(waiting.name)}"`,
      html: `<section class="card" aria-labelledby="waiting-heading"><h1 id="waiting-heading">${both('phone.waiting.heading')}</h1><p role="status">${both('phone.waiting.text')}</p><p class="muted">${esc(t('uk', 'phone.waiting.hint'))}</p></section>`,
    };
  }
  return { served: 'form', html: joinForm(state, typed, refusal) };
}

function phonePage(deps: PhonePageDeps, assets: Assets, token: string | null, typed: Typed, refusal: RuleError | null): string {
  const state = deps.room.state;
  const root = rootOf(deps, token, typed, refusal);
  const title = state.title ? `${state.title} — ${t('uk', 'app.name')}` : t('uk', 'phone.title');
  return `<!doctype html>
<html lang="uk">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="theme-color" content="#0b57d0">
<title>${esc(title)}</title>
<style>${STYLE}</style>
${assets.script}${root.served === 'form' ? '' : assets.preloads}
</head>
<body>
<div id="root" data-served="${root.served}"${root.attrs ?? ''}><div class="top-bar"><header class="top"><div class="top-title"><strong>${esc(t('uk', 'app.name'))}</strong>${state.title ? `<span class="top-forum">${esc(state.title)}</span>` : ''}</div></header></div><main class="content">
${root.html}
</main></div>
${root.served === 'loading' ? `<noscript>Увімкніть JavaScript, щоб узяти участь у форумі. / Please enable JavaScript to take part.</noscript>\n` : ''}${assets.styles}
</body>
</html>`;
}

// ---------------------------------------------------------------- the routes

/** The device's token from its cookie, when it is one a page could have made. */
function tokenOf(req: Request): string | null {
  for (const part of (req.get('cookie') ?? '').split(';')) {
    const [name, value] = part.trim().split('=');
    if (name === TOKEN_COOKIE && value && TOKEN_PATTERN.test(value)) return value;
  }
  return null;
}

/** The HTTP status a form's refusal is answered with; the page says the rest. */
function statusOf(code: string): number {
  if (code === 'RATE_LIMITED') return 429;
  if (code === 'STORAGE_UNAVAILABLE') return 503;
  if (code === 'INTERNAL') return 500;
  return 422;
}

export function registerPhonePage(app: Router, deps: PhonePageDeps): void {
  const send = (res: Response, status: number, html: string) =>
    res
      .status(status)
      // The page is this device's own (its greeting, its form's answer); and its form's post must carry
      // its Origin, which a browser leaves out ("null") under the server's usual no-referrer.
      .set({ 'Cache-Control': 'no-store', 'Referrer-Policy': 'same-origin' })
      .type('text/html; charset=utf-8')
      .send(html);
  const notBuilt = (res: Response) => res.status(503).type('text/plain').send('The client is not built yet: run `npm run build`.');

  app.get('/', (req, res) => {
    const assets = assetsOf(deps.clientDir);
    if (!assets) return notBuilt(res);
    const code = typeof req.query.c === 'string' && /^[\d ]{1,20}$/.test(req.query.c) ? req.query.c : '';
    send(res, 200, phonePage(deps, assets, tokenOf(req), { code, name: '' }, null));
  });

  // The join form's post. Its Origin was checked before it came here (app.ts, origins.ts), as every
  // post's is: a page of another site cannot join on a phone's behalf.
  app.post('/join', express.urlencoded({ extended: false, limit: '2kb', parameterLimit: 8 }), async (req, res) => {
    const assets = assetsOf(deps.clientDir);
    if (!assets) return notBuilt(res);
    const body = (req.body ?? {}) as Record<string, unknown>;
    const typed = { code: typeof body.code === 'string' ? body.code : '', name: typeof body.name === 'string' ? body.name : '' };
    const token = tokenOf(req) ?? randomBytes(16).toString('hex');
    const ack = await deps.realtime.joinFromPage({
      connection: req.socket,
      address: addressOf(req.socket.remoteAddress, req.headers['x-forwarded-for'], deps.trustProxy),
      token,
      code: typed.code,
      name: typed.name,
    });
    // Joined, or in the queue for the facilitator: the device is known by its token from now on.
    if (ack.ok || ack.error.code === 'AWAITING_APPROVAL') {
      const path = `/f/${deps.room.record.slug}/`;
      res.set('Set-Cookie', `${TOKEN_COOKIE}=${token}; Path=${path}; Max-Age=${COOKIE_MAX_AGE_S}; SameSite=Lax`);
      res.set({ 'Cache-Control': 'no-store' }).redirect(303, './');
      return;
    }
    const refusal: RuleError = { code: ack.error.code, ...(ack.error.params ? { params: ack.error.params } : {}) } as RuleError;
    if (ack.error.code === 'RATE_LIMITED' && ack.error.params?.seconds) res.set('Retry-After', String(ack.error.params.seconds));
    send(res, statusOf(ack.error.code), phonePage(deps, assets, tokenOf(req), typed, refusal));
  });
}
