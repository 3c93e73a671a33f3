// The city vote's public addresses, open to anyone once the vote has closed and to nobody before
// (counts stay hidden until the close, even from the facilitator's downloads):
//   /api/city/results.json         the canonical results (viche-city-results/1), its SHA-256,
//                                  each budget's ballot list with its hash and address, and the
//                                  votes per channel (online, service point, paper);
//   /api/city/ballots/<budget>.pb  a budget's anonymised ballot list in the Pabulib format;
//   /api/city/receipt?code=…       a receipt's own line: JSON, or a small page with a form;
//   /api/city/results.csv          the results as a table: a row per project, for spreadsheets.
// And for the organiser alone (the facilitator's key or a download grant), at any time:
//   /api/city/turnout.json         how many voted, per budget, by day and by hour (no choices).

import type { IRouter, Request, Response } from 'express';
import { normaliseReceipt } from '../../shared/forum/city.js';
import type { RuleError } from '../../shared/forum/errors.js';
import { t } from '../../shared/i18n/all.js';
import type { Lang } from '../../shared/protocol.js';
import { CityPublications, type CityPublication } from '../city/publication.js';
import { cityTurnout } from '../city/turnout.js';
import type { ForumRoom } from '../forum/room.js';
import type { Download } from './grants.js';
import { receiptHash } from '../handlers/city/receipt.js';
import { escapeHtml, htmlPage } from './page.js';
import { otherLanguageLink, refuse, SMALL_PAGE_STYLE, wantsPage } from './refusal.js';

export interface CityRoutesOptions {
  room: ForumRoom;
  langOf(req: Request): Lang;
  facilitatorOnly(req: Request, res: Response, what: Download): Promise<boolean>;
}

/** A CSV field: quoted when it holds a comma, a quote or a line end, as RFC 4180 says. */
const csvField = (value: string | number): string => {
  const text = String(value);
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
};

export function registerCityRoutes(app: IRouter, { room, langOf, facilitatorOnly }: CityRoutesOptions): void {
  const publications = new CityPublications();

  /** The publication, or a refusal answered: no city vote (404), or not closed yet (409). */
  const published = async (req: Request, res: Response): Promise<CityPublication | null> => {
    const shown = room.shown;
    const lang = langOf(req);
    const fail = (status: number, error: RuleError) => {
      refuse(req, res, { status, lang, error });
      return null;
    };
    if (!shown.state.city.vote) return fail(404, { code: 'CITY_NO_VOTE' });
    const publication = await publications.of(shown);
    if (!publication) return fail(409, { code: 'CITY_NOT_CLOSED' });
    return publication;
  };

  app.get('/api/city/results.json', async (req, res) => {
    const publication = await published(req, res);
    if (!publication) return;
    res.set('Cache-Control', 'no-cache').type('application/json').send(
      JSON.stringify(
        {
          format: 'viche-city-publication/1',
          resultsHash: publication.resultsHash,
          ballotLists: publication.lists.map((l) => ({ budgetId: l.budgetId, sha256: l.sha256, url: `api/city/ballots/${l.budgetId}.pb` })),
          // The exact text hashed: a reader hashes this string, not a re-serialisation of it.
          canonical: publication.canonical,
          // Outside the hashed text: the same votes told apart by how they came in (the ballot
          // lists' channel column gives them again).
          byChannel: publication.byChannel,
        },
        null,
        2,
      ),
    );
  });

  app.get('/api/city/results.csv', async (req, res) => {
    const publication = await published(req, res);
    if (!publication) return;
    const doc = JSON.parse(publication.canonical) as {
      budgets: { id: string; name: string; amount: number; voters: number; projects: { id: string; title: string; cost: number; votes: number; fundedBy?: string; fundedOrder?: number }[] }[];
    };
    const rows = [
      ['budget_id', 'budget_name', 'budget_amount', 'budget_voters', 'project_id', 'title', 'cost', 'votes', 'funded_order', 'funded_by', 'votes_online', 'votes_service_point', 'votes_paper'],
    ];
    for (const b of doc.budgets) {
      const channels = publication.byChannel.find((c) => c.budgetId === b.id);
      for (const p of b.projects) {
        const by = channels?.projects.find((c) => c.projectId === p.id)?.votes;
        const perChannel = [by?.online ?? 0, by?.['service-point'] ?? 0, by?.paper ?? 0].map(String);
        rows.push([b.id, b.name, String(b.amount), String(b.voters), p.id, p.title, String(p.cost), String(p.votes), String(p.fundedOrder ?? ''), p.fundedBy ?? '', ...perChannel]);
      }
    }
    const text = rows.map((r) => r.map(csvField).join(',')).join('\r\n') + '\r\n';
    // A byte-order mark, so a spreadsheet opened by double-click reads the Cyrillic as UTF-8.
    res.set('Cache-Control', 'no-cache').set('Content-Disposition', 'attachment; filename="city-results.csv"').type('text/csv; charset=utf-8').send(`\ufeff${text}`);
  });

  app.get('/api/city/turnout.json', async (req, res) => {
    if (!(await facilitatorOnly(req, res, 'results'))) return;
    const state = room.shown.state;
    if (!state.city.vote) return void refuse(req, res, { status: 404, lang: langOf(req), error: { code: 'CITY_NO_VOTE' } });
    res.set('Cache-Control', 'no-store').json(cityTurnout(state));
  });

  app.get('/api/city/ballots/:file', async (req, res) => {
    const publication = await published(req, res);
    if (!publication) return;
    const name = String(req.params.file);
    const list = publication.lists.find((l) => `${l.budgetId}.pb` === name);
    if (!list) return void refuse(req, res, { status: 404, lang: langOf(req), error: { code: 'BAD_INPUT', params: { field: 'budgetId' } } });
    res.set('Cache-Control', 'no-cache').set('Content-Disposition', `attachment; filename="${list.budgetId}.pb"`).type('text/plain; charset=utf-8').send(list.text);
  });

  app.get('/api/city/receipt', async (req, res) => {
    const lang = langOf(req);
    const typed = typeof req.query.code === 'string' ? req.query.code : '';
    if (wantsPage(req) && typed === '') return void res.type('text/html; charset=utf-8').send(receiptPage(req, lang, null));
    const publication = await published(req, res);
    if (!publication) return;
    const code = normaliseReceipt(typed);
    const found = code ? publication.lines.get(receiptHash(code)) : undefined;
    const list = found && publication.lists.find((l) => l.budgetId === found.budgetId);
    const line = list && found ? list.text.split('\n').find((l) => l.startsWith(`${found.lineId};`)) : undefined;
    if (!found || !line) {
      return void refuse(req, res, { status: 404, lang, error: { code: 'RECEIPT_NOT_FOUND' } });
    }
    const answer = { ok: true, budgetId: found.budgetId, lineId: found.lineId, line, ballotList: list!.sha256 };
    if (wantsPage(req)) {
      const vote = room.shown.state.city.vote!;
      const ids = line.split(';')[1]?.split(',') ?? [];
      const shown = {
        ...answer,
        budgetName: vote.budgets.find((b) => b.id === found.budgetId)?.name ?? found.budgetId,
        projects: ids.map((id) => vote.projects.find((p) => p.id === id)?.title ?? id),
      };
      return void res.type('text/html; charset=utf-8').set('Cache-Control', 'no-store').send(receiptPage(req, lang, shown));
    }
    res.set('Cache-Control', 'no-store').json(answer);
  });
}

/** The lookup's page: a form for the code and, when found, the voter's line as published. */
function receiptPage(
  req: Request,
  lang: Lang,
  found: { budgetName: string; projects: string[]; line: string; ballotList: string } | null,
): string {
  const body =
    `<main>${otherLanguageLink(req, lang)}<h1>${escapeHtml(t(lang, 'city.lookup'))}</h1>` +
    `<form method="get"><label for="code">${escapeHtml(t(lang, 'city.receipt'))}</label>` +
    `<input id="code" name="code" autocomplete="off" autocapitalize="characters" spellcheck="false" required value="">` +
    `<input type="hidden" name="lang" value="${lang}"><button>${escapeHtml(t(lang, 'city.lookup.find'))}</button></form>` +
    (found
      ? `<h2>${escapeHtml(t(lang, 'city.lookup.found', { budget: found.budgetName }))}</h2>` +
        `<ul>${found.projects.map((p) => `<li>${escapeHtml(p)}</li>`).join('')}</ul>` +
        `<p>${escapeHtml(t(lang, 'city.lookup.line'))}<br><code>${escapeHtml(found.line)}</code></p>` +
        `<p class="other">${escapeHtml(t(lang, 'city.lookup.hash'))}<br><code>${escapeHtml(found.ballotList)}</code></p>`
      : '') +
    `</main>`;
  const style = `${SMALL_PAGE_STYLE}form{display:flex;flex-direction:column;gap:.5rem;max-width:22rem}input,button{font:inherit;min-height:48px;padding:.4rem .7rem;border:2px solid #57606a;border-radius:10px}button{background:#0b57d0;color:#fff;border-color:#0b57d0;font-weight:600}h2{font-size:1.2rem;margin:1.5rem 0 .5rem}code{overflow-wrap:anywhere}`;
  return htmlPage({ lang, title: t(lang, 'city.lookup'), style, body });
}
