// POST /api/forums/import: a forum file from another laptop (or an archive), opened here.
//
// The facilitator key is checked from the request's head before a single byte of its
// body is read: a request without one is answered 403 (or 429) and its connection closed, so a
// stranger cannot make the server inflate or parse anything. The body is then read as a stream
// and bounded by what a real forum file needs: the largest forum measured (scripts/largest-forum.ts:
// 250 ideas with every text at its limit, 5,000 participants admitted by tickets with full-length
// names, every ballot spent in all six priorities of the Zhytomyr tree: 95,266 events) gives a file
// of 14.2 MB, 1.7 MB gzipped; the limit is 32 MB, over twice that. A gzip body is inflated as it
// comes and refused as soon as its inflated size passes the same 32 MB, so a small bomb costs
// nothing; other encodings are refused. The file is parsed, checked and replayed in a worker
// thread (forums/fileReader.ts), one file at a time.

import type { Request, Response, Express } from 'express';
import { createGunzip } from 'node:zlib';
import { errorMessage, isLang } from '../../shared/i18n/all.js';
import type { RuleError } from '../../shared/forum/errors.js';
import { StorageUnavailable } from '../errors.js';
import { Refusal } from '../forum/room.js';
import type { Forums } from '../forums/registry.js';
import { pause, readForumFileOffThread } from '../forums/fileReader.js';
import { sealKey } from '../forums/transfer.js';
import type { OpenForum } from '../forums/openForum.js';
import { addressOf } from '../realtime/handshake.js';
import type { KeyGuard } from '../realtime/keys.js';

/** The most a forum file may be, as sent and once inflated (the largest measured is 14.2 MB). */
export const FORUM_FILE_MAX_BYTES = 32 * 1024 * 1024;

interface ImportOptions {
  forums: Forums<OpenForum>;
  keys: KeyGuard;
  trustProxy: number;
}

/**
 * Answers, then closes the connection without reading what is left of the body. Kept open instead
 * (Node discarding the body), a stranger's flood of 29 KB requests ran at 2,900 requests a second
 * against 1,760 closed, for about the same cost to the hall (BENCH_ONLY=import).
 */
function refuse(req: Request, res: Response, status: number, error: RuleError, headers: Record<string, string> = {}): void {
  const lang = isLang(req.query.lang) ? req.query.lang : 'uk';
  const close = !req.complete;
  if (close) headers.Connection = 'close';
  res.status(status).set(headers).json({ ok: false, error: { ...error, message: errorMessage(lang, error) } });
  if (close) {
    // Whatever of the body is still on its way is not read: the socket is closed once the answer is
    // out (a moment later, so the answer is not cut short by a reset).
    res.once('finish', () => {
      req.socket.end();
      setTimeout(() => req.socket.destroy(), 1000).unref();
    });
  }
}

class TooLarge extends Error {}

/**
 * The body's bytes, inflated if gzip, or a refusal as soon as it passes the limit. Copied as they
 * come into one buffer, of the declared length when there is one (else grown by doubling): joined
 * at the end instead, a 14 MB file was one copy of 14 MB in a single turn of the event loop.
 */
function readBody(req: Request, declared: number): Promise<Uint8Array> {
  return new Promise((resolve, reject) => {
    const encoding = (req.get('content-encoding') ?? 'identity').toLowerCase();
    const source = encoding === 'gzip' ? req.pipe(createGunzip()) : req;
    // A buffer of its own (never a slice of Node's shared pool), so it can be handed to the worker.
    let bytes = new Uint8Array(encoding === 'identity' && declared > 0 ? declared : 1024 * 1024);
    let size = 0;
    let done = false;
    const fail = (err: Error) => {
      if (done) return;
      done = true;
      if (source !== req) source.destroy();
      req.unpipe();
      reject(err);
    };
    let received = 0;
    req.on('data', (chunk: Buffer) => {
      received += chunk.length;
      if (received > FORUM_FILE_MAX_BYTES) fail(new TooLarge());
    });
    source.on('data', (chunk: Buffer) => {
      if (done) return;
      if (size + chunk.length > FORUM_FILE_MAX_BYTES) return fail(new TooLarge());
      if (size + chunk.length > bytes.length) {
        const grown = new Uint8Array(Math.min(FORUM_FILE_MAX_BYTES, Math.max(2 * bytes.length, size + chunk.length)));
        grown.set(bytes.subarray(0, size));
        bytes = grown;
      }
      bytes.set(chunk, size);
      size += chunk.length;
    });
    source.once('error', (err) => fail(err));
    req.once('aborted', () => fail(new Error('aborted')));
    source.once('end', () => {
      if (done) return;
      done = true;
      resolve(bytes.subarray(0, size));
    });
  });
}

export function registerImportRoute(app: Express, { forums, keys, trustProxy }: ImportOptions): void {
  let importing = false;
  app.post('/api/forums/import', async (req, res) => {
    // The key first, from the request's head: nothing of the body is read before it passes. Only
    // the key: a grant is made for the console's download links, which a browser's history or a
    // proxy's log may keep for its ten minutes, and a link to read a file must not write a forum.
    // A request with a grant and no key is no guess at the key: refused without counting.
    if (req.query.grant !== undefined && req.get('x-facilitator-key') === undefined) return refuse(req, res, 403, { code: 'FORBIDDEN' });
    const address = addressOf(req.socket.remoteAddress, req.headers['x-forwarded-for'], trustProxy);
    const check = await keys.check(req.get('x-facilitator-key'), () => [forums.facilitatorKey], address, 'http');
    if (!check.ok) {
      if (check.retryAfter) return refuse(req, res, 429, { code: 'RATE_LIMITED', params: { seconds: check.retryAfter } }, { 'Retry-After': String(check.retryAfter) });
      return refuse(req, res, 403, { code: 'FORBIDDEN' });
    }
    const encoding = (req.get('content-encoding') ?? 'identity').toLowerCase();
    if (encoding !== 'identity' && encoding !== 'gzip') return refuse(req, res, 415, { code: 'BAD_FORUM_FILE', params: { reason: 'encoding' } });
    const declared = Number(req.get('content-length') ?? 0);
    const tooLarge: RuleError = { code: 'BAD_FORUM_FILE', params: { reason: 'tooLarge', max: FORUM_FILE_MAX_BYTES / 1024 / 1024 } };
    if (declared > FORUM_FILE_MAX_BYTES) return refuse(req, res, 413, tooLarge);
    let bytes: Uint8Array;
    try {
      bytes = await readBody(req, declared);
    } catch (err) {
      if (err instanceof TooLarge) return refuse(req, res, 413, tooLarge);
      if (!res.headersSent && !req.destroyed) refuse(req, res, 400, { code: 'BAD_FORUM_FILE', params: { reason: 'format' } });
      return;
    }
    // One file at a time: the worker holds a whole file's forum in memory while it checks it.
    if (importing) return refuse(req, res, 503, { code: 'BAD_FORUM_FILE', params: { reason: 'busy' } }, { 'Retry-After': '30' });
    importing = true;
    try {
      const file = await readForumFileOffThread(bytes, sealKey(forums.facilitatorKey));
      const created = await forums.importForum(file, pause);
      res.json({ ok: true, data: { forumId: created.room.record.id, slug: created.room.record.slug, title: created.room.state.title, sealed: file.sealed, resultsHash: file.resultsHash } });
    } catch (err) {
      if (err instanceof Refusal) {
        const status = err.error.code === 'FORUM_EXISTS' ? 409 : err.error.code === 'STORAGE_UNAVAILABLE' ? 503 : 400;
        return refuse(req, res, status, err.error);
      }
      // The disk failed half-way: what was stored of the forum is gone again (Forums.importForum).
      if (err instanceof StorageUnavailable) return refuse(req, res, 503, { code: 'STORAGE_UNAVAILABLE', params: { cause: err.reason } });
      throw err;
    } finally {
      importing = false;
    }
  });
}
