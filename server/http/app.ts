// The HTTP side: the three built pages (phone at /, projector at /screen, console at /console),
// the join QR as SVG, the facilitator's exports and ticket sheets, and a health check. Everything
// is served from this laptop: no CDN, no outside fonts. Facilitator downloads take a short-lived
// grant (from the console's socket) or the key in a header, never the key in a link.

import express, { type Request, type Response } from 'express';
import { existsSync } from 'node:fs';
import { extname, join } from 'node:path';
import QRCode from 'qrcode';
import { EXPORT_PHASES } from '../../shared/forum/rules.js';
import { errorMessage } from '../../shared/i18n/errors.js';
import { isLang } from '../../shared/i18n/index.js';
import type { Lang } from '../../shared/protocol.js';
import type { ForumRoom } from '../forum/room.js';
import { addressOf } from '../realtime/handshake.js';
import type { KeyGuard } from '../realtime/keys.js';
import { exportResults, resultsCsv } from './export.js';
import type { Grants } from './grants.js';
import { PRINT_SCRIPT, ticketSheet } from './tickets.js';
import { resultsXlsx } from './xlsx.js';

export interface HttpOptions {
  room: ForumRoom;
  clientDir: string;
  /** The address phones open, without a code. */
  baseUrl: string;
  keys: KeyGuard;
  grants: Grants;
  trustProxy: number;
}

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

export function createHttpApp({ room, clientDir, baseUrl, keys, grants, trustProxy }: HttpOptions): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.use((_req, res, next) => {
    res.set(SECURITY_HEADERS);
    next();
  });

  app.get('/health', (_req, res) => {
    res.json({ ok: true, phase: room.state.phase, joined: room.state.participants.size });
  });

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
  const facilitatorOnly = (req: Request, res: Response): boolean => {
    if (grants.valid(req.query.grant)) return true;
    // A link whose grant has expired (after ten minutes, a restart or a new key) is not a guess
    // at the key: it is refused without counting against the address's key attempts.
    if (req.query.grant !== undefined && req.get('x-facilitator-key') === undefined) {
      res.status(403).json({ ok: false, error: { code: 'GRANT_EXPIRED', message: errorMessage(langOf(req), { code: 'GRANT_EXPIRED' }) } });
      return false;
    }
    const address = addressOf(req.socket.remoteAddress, req.headers['x-forwarded-for'], trustProxy);
    const check = keys.check(req.get('x-facilitator-key'), [room.record.facilitatorKey], address, 'http');
    if (check.ok) return true;
    const lang = langOf(req);
    if (check.retryAfter) {
      const error = { code: 'RATE_LIMITED' as const, params: { seconds: check.retryAfter } };
      res.status(429).set('Retry-After', String(check.retryAfter)).json({ ok: false, error: { ...error, message: errorMessage(lang, error) } });
      return false;
    }
    res.status(403).json({ ok: false, error: { code: 'FORBIDDEN', message: errorMessage(lang, { code: 'FORBIDDEN' }) } });
    return false;
  };
  const exportable = (req: Request, res: Response): boolean => {
    if (EXPORT_PHASES.includes(room.state.phase)) return true;
    const error = { code: 'WRONG_PHASE' as const, params: { phase: room.state.phase } };
    res.status(409).json({ ok: false, error: { ...error, message: errorMessage(langOf(req), error) } });
    return false;
  };
  const fileName = (ext: string) => `viche-results-${new Date().toISOString().slice(0, 10)}.${ext}`;
  // `names=0`: a file to publish, without authors' names.
  const exportOptions = (req: Request) => ({ names: req.query.names !== '0' });

  app.get('/api/export.json', (req, res) => {
    if (!facilitatorOnly(req, res) || !exportable(req, res)) return;
    res.set('Content-Disposition', `attachment; filename="${fileName('json')}"`).set('Cache-Control', 'no-store');
    res.type('application/json').send(JSON.stringify(exportResults(room.state, new Date(), exportOptions(req)), null, 2));
  });

  app.get('/api/export.csv', (req, res) => {
    if (!facilitatorOnly(req, res) || !exportable(req, res)) return;
    res.set('Content-Disposition', `attachment; filename="${fileName('csv')}"`).set('Cache-Control', 'no-store');
    res.type('text/csv; charset=utf-8').send(resultsCsv(exportResults(room.state, new Date(), exportOptions(req)), langOf(req)));
  });

  app.get('/api/export.xlsx', async (req, res) => {
    if (!facilitatorOnly(req, res) || !exportable(req, res)) return;
    // Taken before the workbook is built, so the file shows the state at the moment it was asked for.
    const results = exportResults(room.state, new Date(), exportOptions(req));
    const file = await resultsXlsx(results, langOf(req));
    res.set('Content-Disposition', `attachment; filename="${fileName('xlsx')}"`).set('Cache-Control', 'no-store');
    res.type('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet').send(file);
  });

  // Ticket sheets to print: every ticket, or one batch (`?batch=2`).
  app.get('/console/tickets', async (req, res) => {
    if (!facilitatorOnly(req, res)) return;
    const batch = typeof req.query.batch === 'string' && /^\d+$/.test(req.query.batch) ? Number(req.query.batch) : null;
    res.set('Cache-Control', 'no-store').type('text/html; charset=utf-8');
    res.send(await ticketSheet(room.state, { baseUrl, batch, lang: langOf(req) }));
  });
  app.get('/tickets.js', (_req, res) => {
    res.type('text/javascript').set('Cache-Control', 'no-cache').send(PRINT_SCRIPT);
  });

  // The built client. Hashed assets are cached for good; the pages are always revalidated.
  app.use('/assets', precompressed(join(clientDir, 'assets')));
  app.use('/assets', express.static(join(clientDir, 'assets'), { immutable: true, maxAge: '1y', index: false }));
  const page = (name: string) => (_req: Request, res: Response) => {
    const file = join(clientDir, name, 'index.html');
    if (!existsSync(file)) {
      res.status(503).type('text/plain').send('The client is not built yet: run `npm run build`.');
      return;
    }
    res.set('Cache-Control', 'no-cache').sendFile(file);
  };
  app.get('/', page('phone'));
  app.get('/screen', page('screen'));
  app.get('/console', page('console'));
  app.use(express.static(join(clientDir, 'public'), { index: false }));

  app.use((_req, res) => {
    res.status(404).type('text/plain').send('Not found');
  });
  return app;
}
