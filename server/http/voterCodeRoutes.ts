// A vote's voter codes to download: every code of a batch as CSV (`/console/voter-codes.csv?batch=2`)
// and a printable sheet of up to VOTER_CODES_PER_SHEET of them (`/console/voter-codes?batch=2&from=1`,
// from the batch's first code on). Facilitator's only, with the tickets' grant: they are the same
// kind of paper, a ballot each. Built in the documents' worker, off the event loop.

import type { IRouter, Request, Response } from 'express';
import type { Lang } from '../../shared/protocol.js';
import { PersonKeys } from '../forum/persons.js';
import type { ForumRoom } from '../forum/room.js';
import { buildDocument, sendDocument } from './documents.js';
import type { Download } from './grants.js';
import { refuse } from './refusal.js';
import { VOTER_CODES_PER_SHEET, type VoterCodeRange } from './voterCodes.js';

export interface VoterCodeRoutesOptions {
  room: ForumRoom;
  baseUrl: string;
  personKey: () => string;
  langOf: (req: Request) => Lang;
  facilitatorOnly: (req: Request, res: Response, what: Download) => Promise<boolean>;
}

const whole = (value: unknown): number | null => (typeof value === 'string' && /^\d{1,9}$/.test(value) ? Number(value) : null);

export function registerVoterCodeRoutes(app: IRouter, { room, baseUrl, personKey, langOf, facilitatorOnly }: VoterCodeRoutesOptions): void {
  /** The batch asked for (the first when none is named), or a refusal sent. */
  const batchOf = (req: Request, res: Response) => {
    // Under another server's key (a vote moved by its forum file) these would not be the codes sent out.
    const recorded = room.state.persons.key;
    if (recorded !== null && recorded !== new PersonKeys(personKey(), room.record.id).fingerprint()) {
      refuse(req, res, { status: 409, lang: langOf(req), error: { code: 'IDENTITY_KEY_ELSEWHERE' } });
      return undefined;
    }
    const batches = room.state.persons.codeBatches;
    const asked = req.query.batch === undefined ? 1 : whole(req.query.batch);
    const batch = batches.find((b) => b.batch === asked);
    if (!batch) refuse(req, res, { status: 404, lang: langOf(req), error: { code: 'BAD_INPUT', params: { field: 'batch' } } });
    return batch;
  };
  const range = (first: number, count: number): VoterCodeRange => ({ personKey: personKey(), forumId: room.record.id, first, count });

  app.get('/console/voter-codes.csv', async (req, res) => {
    if (!(await facilitatorOnly(req, res, 'tickets'))) return;
    const batch = batchOf(req, res);
    if (!batch) return;
    const file = await buildDocument({ kind: 'voterCodes', format: 'csv', range: range(batch.first, batch.count) });
    res.set('Content-Disposition', `attachment; filename="viche-voter-codes-${room.record.slug}-batch-${batch.batch}.csv"`).set('Cache-Control', 'no-store');
    sendDocument(res, 'text/csv; charset=utf-8', file);
  });

  app.get('/console/voter-codes', async (req, res) => {
    if (!(await facilitatorOnly(req, res, 'tickets'))) return;
    const batch = batchOf(req, res);
    if (!batch) return;
    const last = batch.first + batch.count - 1;
    const from = req.query.from === undefined ? batch.first : whole(req.query.from);
    if (from === null || from < batch.first || from > last) {
      refuse(req, res, { status: 404, lang: langOf(req), error: { code: 'BAD_INPUT', params: { field: 'from' } } });
      return;
    }
    const count = Math.min(VOTER_CODES_PER_SHEET, last - from + 1);
    const lang = langOf(req);
    const sheet = await buildDocument({ kind: 'voterCodes', format: 'sheet', range: { ...range(from, count), title: room.state.title, baseUrl, lang } });
    res.set('Cache-Control', 'no-store');
    sendDocument(res, 'text/html; charset=utf-8', sheet);
  });
}
