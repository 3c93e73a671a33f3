// Every error an HTTP request can meet is answered by the project itself: a short sentence in
// Ukrainian and English (or JSON under /api/ and for .json addresses), never Express's default
// page, which shows a stack trace with the server's paths. Parse failures (a bad URI, broken JSON,
// a body too large, a type not taken) are the sender's; anything else is logged and answered 500.

import type { ErrorRequestHandler, Request, RequestHandler, Response } from 'express';
import { wantsPage } from './refusal.js';
import type { Logger } from '../log.js';

const SENTENCES: Record<number, string> = {
  400: 'Запит не вдалося прочитати. / The request could not be read.',
  403: 'Доступ заборонено. / Access denied.',
  404: 'Тут нічого немає. / Not found.',
  405: 'Цей запит тут не приймають. / This method is not allowed here.',
  413: 'Запит завеликий. / The request is too large.',
  415: 'Такий вміст тут не приймають. / This content type is not accepted here.',
  500: 'На сервері сталася помилка; спробуйте ще раз. / Something went wrong on the server; try again.',
};

const sentence = (status: number): string => SENTENCES[status] ?? SENTENCES[status < 500 ? 400 : 500];

/**
 * Whether the asker is a program that reads JSON rather than a person reading a page: an address
 * of the API or a .json file, unless a browser opened it (a typed or bookmarked address).
 */
const wantsJson = (req: Request): boolean => (req.path.includes('/api/') || req.path.endsWith('.json')) && !wantsPage(req);

function send(req: Request, res: Response, status: number): void {
  res.status(status).set('Cache-Control', 'no-store');
  if (wantsJson(req)) {
    res.json({ ok: false, error: { code: status >= 500 ? 'INTERNAL' : status === 404 ? 'NOT_FOUND' : 'BAD_INPUT', message: sentence(status) } });
  } else {
    res.type('text/plain; charset=utf-8').send(sentence(status));
  }
}

export const notFound: RequestHandler = (req, res) => send(req, res, 404);

export function httpErrors(log: Logger): ErrorRequestHandler {
  return (err, req, res, _next) => {
    const declared = (err as { status?: unknown; statusCode?: unknown })?.status ?? (err as { statusCode?: unknown })?.statusCode;
    const status = typeof declared === 'number' && declared >= 400 && declared < 600 ? declared : 500;
    if (status >= 500) log.error({ err, method: req.method, path: req.path }, 'request failed');
    // A response already under way cannot be turned into an error page: cut it instead.
    if (res.headersSent) {
      res.destroy();
      return;
    }
    send(req, res, status);
  };
}
