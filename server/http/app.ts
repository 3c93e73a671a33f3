// The HTTP side. Each forum lives under /f/<slug>: its three built pages (phone at /f/<slug>/,
// projector at /f/<slug>/screen, console at /f/<slug>/console), its join QR, exports, ticket
// sheets and results pages, all from one router per forum (forumRouter). The server's own
// addresses: the console's forum list at /console, a forum file's import, a health check; and, for
// a server holding a single open forum, the short addresses (/, /screen, /api/…) lead to it.
// Everything is served from this laptop: no CDN, no outside fonts. Facilitator downloads take a
// short-lived grant (from the console's socket) or the key in a header, never the key in a link.

import compression from 'compression';
import express, { type Request, type Response } from 'express';
import { existsSync } from 'node:fs';
import { extname, join } from 'node:path';
import QRCode from 'qrcode';
import { EXPORT_PHASES } from '../../shared/forum/rules.js';
import { isLang, t } from '../../shared/i18n/all.js';
import type { Lang } from '../../shared/protocol.js';
import { Refusal, type ForumRoom } from '../forum/room.js';
import type { Forums } from '../forums/registry.js';
import type { ForumFileKind } from '../forums/transfer.js';
import type { OpenForum } from '../forums/openForum.js';
import { registerImportRoute } from './forumImport.js';
import { phoneChooserPage, resultsChooserPage, takesPhones } from './chooser.js';
import { httpErrors, notFound } from './errors.js';
import { StorageUnavailable } from '../errors.js';
import { refuse, wantsPage } from './refusal.js';
import { HOST_REFUSED, ORIGIN_REFUSED, type OriginCheck } from './origins.js';
import type { Logger } from '../log.js';
import { metricsAllowed, type ServerMetrics } from '../metrics.js';
import { addressOf } from '../realtime/handshake.js';
import type { KeyGuard } from '../realtime/keys.js';
import { exportResultsInTurns, resultsCsv } from './export.js';
import type { Download, Grants } from './grants.js';
import { registerResultsRoutes } from './report.js';
import { registerPublicRoutes, type ForumRecordInfo } from './public.js';
import { registerCityRoutes } from './cityVote.js';
import { registerPrivacyNotice } from './privacyNotice.js';
import { PRINT_SCRIPT } from './tickets.js';
import { buildDocument, sendDocument } from './documents.js';
import { registerVoterCodeRoutes } from './voterCodeRoutes.js';
import { registerSignInRoute } from './signInRoute.js';
import { registerPhonePage, type PhonePageDeps } from './phonePage.js';
import type { OidcSignIn } from '../forum/signIn.js';

export interface HttpOptions {
  forums: Forums<OpenForum>;
  clientDir: string;
  /** Who holds the forums and where (ORGANISER, PLACE): the chooser names the place. */
  record?: ForumRecordInfo;
  /** The address phones open, without a forum or a code. */
  baseUrl: string;
  keys: KeyGuard;
  grants: Grants;
  trustProxy: number;
  log: Logger;
  origins: OriginCheck;
  /** Whether the store answers now (PostgreSQL's, asked on each /health); without it, the store is taken as reachable. */
  storeReachable?: () => Promise<boolean>;
  /** GET /metrics, and the key that opens it (server/metrics.ts says who may read it). */
  metrics?: { metrics: ServerMetrics; key: string | undefined };
  /** Sign-in with an e-ID, when set up: its callback is the server's, whichever forum started it. */
  signIn?: OidcSignIn | null;
}

export interface ForumRouterOptions {
  room: ForumRoom;
  clientDir: string;
  /** The forum's own address: the server's base and /f/<slug>. */
  baseUrl: string;
  /** Who holds the forum and where, as the server's settings say: for the public results page. */
  record: ForumRecordInfo;
  keys: KeyGuard;
  grants: Grants;
  trustProxy: number;
  facilitatorKey: () => string;
  /** The server's person key: a city vote's voter codes are worked out under it (forum/persons.ts). */
  personKey: () => string;
  /** The whole forum as a file, in pieces of text: sealed to move it to another laptop, or an anonymised archive. */
  forumFile: (kind: ForumFileKind) => AsyncIterable<string>;
  /** The phone page's join form and what it shows before its script (phonePage.ts). */
  phone: Pick<PhonePageDeps, 'realtime' | 'waiting'>;
}

/** The forum's part of an address, or null when it cannot be one: /f/<slug>. */
const SLUG = /^[0-9a-z-]{1,40}$/;
/** A forum's page refused for its store not answering is asked for again after this many seconds. */
const PAGE_RETRY_S = 5;

const SECURITY_HEADERS = {
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'X-Frame-Options': 'DENY',
  'Content-Security-Policy':
    "default-src 'self'; img-src 'self' data: blob:; style-src 'self' 'unsafe-inline'; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
};

const ENCODINGS = [
  { name: 'br', ext: '.br' },
  { name: 'gzip', ext: '.gz' },
] as const;

/**
 * Serves the build's .br or .gz twin of an asset when the browser accepts it (see vite.config.ts),
 * with the original's type; anything else falls through to the plain file.
 */
function precompressed(dir: string): express.RequestHandler {
  // Built file names are plain ([\w.-]), so the path needs no decoding; whether a twin exists is
  // looked up on disk once per name, not on every request.
  const twins = new Map<string, boolean>();
  const hasTwin = (file: string) => {
    let found = twins.get(file);
    if (found === undefined) twins.set(file, (found = existsSync(join(dir, file))));
    return found;
  };
  return (req, res, next) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return next();
    const name = req.path.replace(/^\/+/, '');
    if (!/^[\w.-]+\.(js|css|svg)$/.test(name)) return next();
    const accepted = req.acceptsEncodings(ENCODINGS.map((e) => e.name)) as string | false;
    const encoding = ENCODINGS.find((e) => e.name === accepted);
    if (!encoding || !hasTwin(name + encoding.ext)) return next();
    res.set({ 'Content-Encoding': encoding.name, Vary: 'Accept-Encoding', 'Cache-Control': 'public, max-age=31536000, immutable' });
    res.type(extname(name));
    res.sendFile(join(dir, name + encoding.ext));
  };
}

/** Everything of one forum, as served under /f/<slug> (and at the short addresses of a single forum). */
export function forumRouter({ room, clientDir, baseUrl, record, keys, grants, trustProxy, facilitatorKey, personKey, forumFile, phone }: ForumRouterOptions): express.Router {
  const app = express.Router();

  // The join QR: of the join address alone, or with a code (`?c=`, digits only). The projector
  // asks for the code it shows; a few recent ones are kept so the 30-second change costs nothing.
  const qrCache = new Map<string, Promise<string>>();
  app.get('/qr.svg', async (req, res) => {
    const code = typeof req.query.c === 'string' && /^\d{1,20}$/.test(req.query.c) ? req.query.c : '';
    const url = code ? `${baseUrl}/?c=${code}` : `${baseUrl}/`;
    let svg = qrCache.get(url);
    if (!svg) {
      svg = QRCode.toString(url, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 });
      qrCache.set(url, svg);
      if (qrCache.size > 32) qrCache.delete(qrCache.keys().next().value!);
    }
    res.type('image/svg+xml').set('Cache-Control', 'no-cache').send(await svg);
  });

  const langOf = (req: Request): Lang => (isLang(req.query.lang) ? req.query.lang : 'uk');
  // A facilitator's link opened in a browser and refused is answered with a page that leads back
  // to the console, where a fresh link is one click away; a program gets JSON (refusal.ts).
  const toConsole = (lang: Lang) => ({ href: `/f/${room.record.slug}/console`, label: t(lang, 'refusal.toConsole') });
  const facilitatorOnly = async (req: Request, res: Response, what: Download): Promise<boolean> => {
    const lang = langOf(req);
    if (req.query.grant !== undefined) {
      const grant = await grants.check(req.query.grant, room.record.id, what);
      if (grant.ok) return true;
      // A link whose grant has expired (after ten minutes or a new key), was altered, or is for
      // something else is not a guess at the key: it is refused, saying which, without counting
      // against the address's key attempts.
      if (req.get('x-facilitator-key') === undefined) {
        refuse(req, res, { status: 403, lang, error: { code: grant.code }, next: toConsole(lang) });
        return false;
      }
    }
    const address = addressOf(req.socket.remoteAddress, req.headers['x-forwarded-for'], trustProxy);
    const check = await keys.check(req.get('x-facilitator-key'), () => [facilitatorKey()], address, 'http');
    if (check.ok) return true;
    if (check.retryAfter) {
      const error = { code: 'RATE_LIMITED' as const, params: { seconds: check.retryAfter } };
      refuse(req, res, { status: 429, lang, error, headers: { 'Retry-After': String(check.retryAfter) } });
      return false;
    }
    refuse(req, res, { status: 403, lang, error: { code: 'FORBIDDEN' }, next: toConsole(lang) });
    return false;
  };
  const exportable = (req: Request, res: Response): boolean => {
    if (EXPORT_PHASES.includes(room.state.phase)) return true;
    const lang = langOf(req);
    refuse(req, res, { status: 409, lang, error: { code: 'WRONG_PHASE', params: { phase: room.state.phase } }, next: toConsole(lang) });
    return false;
  };
  const fileName = (ext: string) => `viche-results-${new Date().toISOString().slice(0, 10)}.${ext}`;
  // `names=0`: a file to publish, without authors' names.
  const exportOptions = (req: Request) => ({ names: req.query.names !== '0' });

  // The results taken in turns of the event loop, the text made in the next, sent without an ETag's
  // hash of the whole body: on the largest forum no turn holds the hall up for over 20 ms
  // (`BENCH_ONLY=stalls npm run bench`), where the whole in one took 30 to 40.
  app.get('/api/export.json', async (req, res) => {
    if (!(await facilitatorOnly(req, res, 'results')) || !exportable(req, res)) return;
    const results = await exportResultsInTurns(room, new Date(), exportOptions(req));
    await new Promise((r) => setImmediate(r));
    res.set('Content-Disposition', `attachment; filename="${fileName('json')}"`).set('Cache-Control', 'no-store');
    sendDocument(res, 'application/json; charset=utf-8', Buffer.from(JSON.stringify(results, null, 2)));
  });

  app.get('/api/export.csv', async (req, res) => {
    if (!(await facilitatorOnly(req, res, 'results')) || !exportable(req, res)) return;
    const results = await exportResultsInTurns(room, new Date(), exportOptions(req));
    await new Promise((r) => setImmediate(r));
    res.set('Content-Disposition', `attachment; filename="${fileName('csv')}"`).set('Cache-Control', 'no-store');
    sendDocument(res, 'text/csv; charset=utf-8', Buffer.from(resultsCsv(results, langOf(req))));
  });

  app.get('/api/export.xlsx', async (req, res) => {
    if (!(await facilitatorOnly(req, res, 'results')) || !exportable(req, res)) return;
    // Taken before the workbook is built, so the file shows the state at the moment it was asked for.
    const results = await exportResultsInTurns(room, new Date(), exportOptions(req));
    const file = await buildDocument({ kind: 'xlsx', results, lang: langOf(req) });
    res.set('Content-Disposition', `attachment; filename="${fileName('xlsx')}"`).set('Cache-Control', 'no-store');
    sendDocument(res, 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', file);
  });

  // Ticket sheets to print: every ticket, or one batch (`?batch=2`).
  app.get('/console/tickets', async (req, res) => {
    if (!(await facilitatorOnly(req, res, 'tickets'))) return;
    const batch = typeof req.query.batch === 'string' && /^\d+$/.test(req.query.batch) ? Number(req.query.batch) : null;
    const { title, tickets } = room.state;
    const sheet = await buildDocument({ kind: 'tickets', forum: { title, tickets }, options: { baseUrl, batch, lang: langOf(req) } });
    res.set('Cache-Control', 'no-store');
    sendDocument(res, 'text/html; charset=utf-8', sheet);
  });
  registerVoterCodeRoutes(app, { room, baseUrl, personKey, langOf, facilitatorOnly });
  // The whole forum as one file: sealed, to open on another laptop (the forum list imports it), or
  // `?kind=archive`, anonymised. Written a page of the log at a time (forums/transfer.ts), so a large
  // forum's file never holds up the hall.
  app.get('/api/forum.json', async (req, res) => {
    if (!(await facilitatorOnly(req, res, 'forumFile'))) return;
    const kind: ForumFileKind = req.query.kind === 'archive' ? 'archive' : 'sealed';
    const name = `viche-forum-${room.record.slug}-${kind === 'archive' ? 'archive-' : ''}${new Date().toISOString().slice(0, 10)}.json`;
    res.set('Content-Disposition', `attachment; filename="${name}"`).set('Cache-Control', 'no-store');
    res.type('application/json');
    // One listener for the whole file: under compression a 'drain' listener sits on the zlib
    // stream, where a `once` per piece would never be taken off again.
    let drained: (() => void) | null = null;
    res.on('drain', () => {
      drained?.();
      drained = null;
    });
    for await (const piece of forumFile(kind)) {
      if (res.destroyed) return;
      // Waits for the socket to take the piece when it is behind, so memory stays one page deep.
      if (!res.write(piece)) await new Promise<void>((r) => (drained = r));
    }
    res.end();
  });
  // The public results page (once published), its QR, and the join poster.
  registerPublicRoutes(app, { room, baseUrl, record, langOf, facilitatorOnly });

  registerResultsRoutes(app, { room, facilitatorOnly, exportable, langOf, baseUrl });
  registerCityRoutes(app, { room, langOf, facilitatorOnly });
  registerPrivacyNotice(app, { room, langOf });

  registerPhonePage(app, { room, clientDir, trustProxy, ...phone });
  app.get('/screen', page(clientDir, 'screen'));
  app.get('/console', page(clientDir, 'console'));
  // A city vote's service point: its staff open it from the link the organiser issued for it.
  app.get('/staff', page(clientDir, 'staff'));
  // The results check: its script hashes the published results in the reader's own browser.
  app.get('/results-check', page(clientDir, 'check'));
  return app;
}

const page = (clientDir: string, name: string) => (_req: Request, res: Response) => {
  const file = join(clientDir, name, 'index.html');
  if (!existsSync(file)) {
    res.status(503).type('text/plain').send('The client is not built yet: run `npm run build`.');
    return;
  }
  res.set('Cache-Control', 'no-cache').sendFile(file);
};

/** Addresses of a forum that a server holding a single open forum also answers at its root. */
const SHORT_ADDRESSES = /^\/(api\/|qr\.svg$|results(\.json|-qr\.svg|-check)?$|console\/(tickets|report|poster)$)/;

/** Who is refused /metrics is told how to read it (server/metrics.ts). */
const METRICS_REFUSED =
  'Метрики читає лише Prometheus: з цього комп’ютера напряму до процесу або з ключем METRICS_KEY (Authorization: Bearer …). / Metrics are for Prometheus only: from this machine straight to the process, or with METRICS_KEY (Authorization: Bearer …).';

export function createHttpApp({ forums, clientDir, baseUrl, record = {}, keys, grants, trustProxy, log, origins, storeReachable, metrics, signIn }: HttpOptions): express.Express {
  const app = express();
  app.disable('x-powered-by');
  const langOf = (req: Request): Lang => (isLang(req.query.lang) ? req.query.lang : 'uk');
  app.use((req, res, next) => {
    res.set(SECURITY_HEADERS);
    // Under a name of the server's own only; and what changes something, from its own pages only.
    const host = req.get('host');
    const reading = req.method === 'GET' || req.method === 'HEAD';
    if (!origins.hostAllowed(host)) {
      res.status(421).type('text/plain; charset=utf-8').set('Cache-Control', 'no-store').send(HOST_REFUSED);
      return;
    }
    if (!reading && !origins.originAllowed(req.get('origin'), host)) {
      res.status(403).type('text/plain; charset=utf-8').set('Cache-Control', 'no-store').send(ORIGIN_REFUSED);
      return;
    }
    next();
  });

  // The pages and data the server writes itself, compressed as they go out: the public results
  // page of a large forum is 140 KB of HTML that gzip makes about 15 KB, on the venue's Wi-Fi. The
  // `compression` middleware (Express's own) negotiates br or gzip, leaves alone what is small,
  // already encoded (the built assets' .br and .gz twins), or not text (XLSX, PNG), and streams
  // what is written in pieces (a forum file) without holding it whole. Socket.IO answers on the
  // HTTP server before Express sees a request, and is skipped here besides.
  app.use(
    compression({
      filter: (req, res) => !req.path.startsWith('/socket.io/') && compression.filter(req, res),
    }),
  );

  // What a proxy in front asks every second. On a shared store (PostgreSQL) a process that cannot
  // reach it answers 503, so that the proxy sends its phones to another (scripts/haproxy.ts), and
  // says which forums it decides for now (`owned`: open here, their lease held; public, as the
  // forum list is). On the SQLite file, as ever: the process is the store's only user.
  app.get('/health', async (_req, res) => {
    const forum = forums.primary();
    const basic = { forums: forums.list().length, phase: forum?.room.state.phase ?? null, joined: forum?.room.state.participants.size ?? 0 };
    if (!storeReachable) {
      res.json({ ok: true, ...basic });
      return;
    }
    const reachable = await storeReachable().catch(() => false);
    const storage = forums.storage.status();
    res
      .status(reachable ? 200 : 503)
      .set('Cache-Control', 'no-store')
      .json({
        ok: reachable,
        store: reachable ? 'reachable' : 'unreachable',
        storage: storage.ok ? 'ok' : storage.cause,
        ...basic,
        owned: forums
          .list()
          .filter((f) => !f.room.servedElsewhere && !f.room.leaseSuspended())
          .map((f) => f.room.record.slug),
      });
  });

  app.get('/metrics', async (req, res) => {
    if (!metrics || !metricsAllowed(req, metrics.key)) {
      res.status(403).type('text/plain; charset=utf-8').set('Cache-Control', 'no-store').send(METRICS_REFUSED);
      return;
    }
    res.type(metrics.metrics.contentType).set('Cache-Control', 'no-store').send(await metrics.metrics.text());
  });

  app.get('/tickets.js', (_req, res) => {
    res.type('text/javascript').set('Cache-Control', 'no-cache').send(PRINT_SCRIPT);
  });

  // A forum file from another laptop: the key before the body, then checked off the event loop.
  registerImportRoute(app, { forums, keys, trustProxy });
  if (signIn) registerSignInRoute(app, { forums, signIn, log });

  // The built client. Hashed assets are cached for good; the pages are always revalidated.
  app.use('/assets', precompressed(join(clientDir, 'assets')));
  app.use('/assets', express.static(join(clientDir, 'assets'), { immutable: true, maxAge: '1y', index: false }));

  // One forum's addresses. /f/2 without the slash is the same page as /f/2/ for a phone typing it.
  app.use('/f/:slug', async (req, res, next) => {
    const slug = String(req.params.slug);
    let forum;
    try {
      forum = SLUG.test(slug) ? await forums.useSlug(slug) : undefined;
    } catch (err) {
      // The store not answering (PostgreSQL restarting): said so, and the browser asks again by
      // itself a few seconds later (Refresh), as the pages' connections do.
      if (err instanceof StorageUnavailable) {
        const lang = langOf(req);
        const headers = { 'Retry-After': String(PAGE_RETRY_S), Refresh: String(PAGE_RETRY_S) };
        refuse(req, res, { status: 503, lang, error: { code: 'STORAGE_UNAVAILABLE', params: { cause: err.reason } }, message: (l) => t(l, 'refusal.page.storage'), headers });
        return;
      }
      // Served by another process (or unreadable here): said in both languages, not a 404.
      if (!(err instanceof Refusal)) return next(err);
      const lang = langOf(req);
      refuse(req, res, { status: 503, lang, error: err.error, next: { href: '/', label: t(lang, 'chooser.toChooser') } });
      return;
    }
    if (!forum) {
      const lang = langOf(req);
      refuse(req, res, { status: 404, lang, error: { code: 'FORUM_NOT_FOUND' }, message: (l) => t(l, 'chooser.noSuchForum'), next: { href: '/', label: t(lang, 'chooser.toChooser') } });
      return;
    }
    // Open until the response is done: a forum is not closed for being idle under a long export.
    res.on('close', forums.hold(forum.room.record.id));
    if (req.originalUrl === `/f/${slug}` || req.originalUrl.startsWith(`/f/${slug}?`)) {
      res.redirect(302, `/f/${slug}/${req.originalUrl.slice(`/f/${slug}`.length)}`);
      return;
    }
    forum.attached.router(req, res, next);
  });

  // The short addresses: with a single open forum they are that forum's; otherwise the phone's
  // address lists the forums that take phones, /results the published ones, and the rest say
  // whose they are: a page to a browser, JSON to a program.
  // The lists are read from the store (forums/summary.ts): a forum another server process serves, or
  // none has opened yet, is listed as one open here is.
  const single = () => forums.sole();
  app.get('/', async (req, res) => {
    const query = req.originalUrl.slice(1);
    const listed = await forums.listing({ ranked: false });
    // The one forum a phone can join now is the one meant, even beside closed ones.
    const joinable = listed.filter(takesPhones);
    const slug = joinable.length === 1 ? joinable[0].slug : joinable.length === 0 ? (await single())?.room.record.slug : undefined;
    if (slug !== undefined) return res.redirect(302, `/f/${slug}/${query}`);
    res.set('Cache-Control', 'no-cache').type('text/html; charset=utf-8').send(phoneChooserPage(req, langOf(req), listed, record.place));
  });
  app.get('/screen', async (req, res) => {
    const forum = await single();
    if (forum) return res.redirect(302, `/f/${forum.room.record.slug}/screen${req.originalUrl.slice('/screen'.length)}`);
    const lang = langOf(req);
    refuse(req, res, {
      status: 404,
      lang,
      error: { code: 'FORUM_NOT_FOUND' },
      message: (l) => t(l, 'chooser.screen'),
      next: { href: '/console', label: t(lang, 'chooser.toForums') },
    });
  });
  // The console's home: the list of forums.
  app.get('/console', page(clientDir, 'console'));
  app.use(async (req, res, next) => {
    if (!SHORT_ADDRESSES.test(req.path)) return next();
    const forum = await single();
    if (forum) return forum.attached.router(req, res, next);
    const lang = langOf(req);
    if (req.path === '/results' && wantsPage(req)) {
      const listed = await forums.listing({ ranked: false });
      const page = resultsChooserPage(req, lang, listed, record.place);
      const any = listed.some((f) => f.publicResults);
      res.status(any ? 200 : 404).set('Cache-Control', 'no-cache').type('text/html; charset=utf-8').send(page);
      return;
    }
    refuse(req, res, {
      status: 409,
      lang,
      error: { code: 'FORUM_NOT_FOUND' },
      message: (l) => t(l, 'chooser.oneForum'),
      next: { href: '/console', label: t(lang, 'chooser.toForums') },
    });
  });
  app.use(express.static(join(clientDir, 'public'), { index: false }));

  app.use(notFound);
  app.use(httpErrors(log));
  return app;
}
