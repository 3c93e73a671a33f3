// The facilitator's results to take away besides the files: a chart picture per revealed priority
// (`/api/chart/<code>.svg?size=post|slide`, the PNG is drawn from it in the console's browser) and
// the printable report (`/console/report`, printed to A4 or PDF by the browser). Both take the same
// grant as the exports and are offered from the same phases.

import type { IRouter, Request, Response } from 'express';
import type { RuleError } from '../../shared/forum/errors.js';
import { t } from '../../shared/i18n/all.js';
import type { Lang } from '../../shared/protocol.js';
import type { ForumRoom } from '../forum/room.js';
import { chartFileName, chartSvg, isPictureSize, PICTURE_SIZES } from '../results/chart.js';
import type { ReportInput } from '../results/report.js';
import { buildDocument, sendDocument } from './documents.js';
import { refuse as answerRefusal } from './refusal.js';
import { exportResultsInTurns } from './export.js';
import type { Download } from './grants.js';

export interface ResultsRoutesOptions {
  room: ForumRoom;
  /** Answers and returns false unless the request carries a valid grant or the facilitator's key. */
  facilitatorOnly: (req: Request, res: Response, what: Download) => Promise<boolean>;
  /** Answers and returns false outside the phases results can be taken from. */
  exportable: (req: Request, res: Response) => boolean;
  langOf: (req: Request) => Lang;
  /** The forum's own address (the public results page and its check are beneath it). */
  baseUrl: string;
}

/** A refusal: JSON to the console's fetch, a page to a browser that opened the address itself. */
function refuse(req: Request, res: Response, status: number, lang: Lang, error: RuleError, words?: (l: Lang) => string): void {
  answerRefusal(req, res, { status, lang, error, message: words });
}

export function registerResultsRoutes(app: IRouter, { room, facilitatorOnly, exportable, langOf, baseUrl }: ResultsRoutesOptions): void {
  // One priority's chart. Only a revealed priority: a picture is made to be shown or published,
  // and the hall must not learn a ranking from a post before it is announced.
  app.get('/api/chart/:file', async (req, res) => {
    if (!(await facilitatorOnly(req, res, 'results')) || !exportable(req, res)) return;
    const lang = langOf(req);
    const code = /^(.+)\.svg$/.exec(req.params.file)?.[1];
    const size = req.query.size ?? 'post';
    if (!isPictureSize(size)) {
      refuse(req, res, 400, lang, { code: 'BAD_INPUT', params: { field: 'size' } }, (l) => t(l, 'chart.badSize', { sizes: PICTURE_SIZES.join(', ') }));
      return;
    }
    const state = room.savedState;
    const index = state.structure.priorities.findIndex((p) => p.code === code);
    if (code === undefined || index < 0) {
      refuse(req, res, 404, lang, { code: 'UNKNOWN_PRIORITY', params: { code: code ?? req.params.file } });
      return;
    }
    const structure = state.structure.priorities[index];
    if (!state.revealed.includes(structure.code)) {
      refuse(req, res, 409, lang, { code: 'NOT_REVEALED', params: { code: structure.code } }, (l) => t(l, 'chart.notRevealed', { title: structure.title }));
      return;
    }
    const now = new Date();
    // Names never reach a picture, so the export is taken without them.
    const results = await exportResultsInTurns(room, now, { names: false });
    const priority = results.priorities[index];
    const svg = chartSvg(
      { ...priority, color: structure.color },
      {
        size,
        lang,
        forumTitle: results.forum.title,
        date: now,
        turnout: { joined: results.turnout.joined, voted: results.turnout.voted, votedHere: results.turnout.votedPerPriority[priority.code] ?? 0 },
        // Not before every priority is revealed: a picture is kept and shared, and the hash would still change.
        resultsHash: results.resultsFinal ? results.resultsHash : null,
        top: state.resultsTop,
      },
    );
    res.set('Content-Disposition', `attachment; filename="${chartFileName(priority.code, size, 'svg', index)}"`).set('Cache-Control', 'no-store');
    res.type('image/svg+xml; charset=utf-8').send(`<?xml version="1.0" encoding="UTF-8"?>\n${svg}\n`);
  });

  // The printable report, in the language asked for; `names=0` leaves authors' names out.
  app.get('/console/report', async (req, res) => {
    if (!(await facilitatorOnly(req, res, 'results')) || !exportable(req, res)) return;
    const now = new Date();
    const names = req.query.names !== '0';
    const state = room.savedState;
    const results = await exportResultsInTurns(room, now, { names });
    // Built in the documents' worker: the largest forum's report held the event loop up for 300 ms.
    const input: ReportInput = {
      results,
      colors: Object.fromEntries(state.structure.priorities.map((p) => [p.code, p.color])),
      top: state.resultsTop,
      lang: langOf(req),
      now,
      names,
      // The print button's script, shared with the ticket sheets (served at the server's root).
      script: '/tickets.js',
      checkUrl: `${baseUrl}/results-check`,
    };
    const html = await buildDocument({ kind: 'report', input });
    res.set('Cache-Control', 'no-store');
    sendDocument(res, 'text/html; charset=utf-8', html);
  });
}
