// The printable sheet of tickets: A4 pages of eight cards, each with a QR of the join address
// carrying its one-time code, the code itself to type, and a line on how to use it. Printed by
// the browser (Ctrl+P, or the button), so Cyrillic prints exactly as on screen with the laptop's
// own fonts, and no PDF library or font file has to ship with the server.

import QRCode from 'qrcode';
import { t } from '../../shared/i18n/all.js';
import type { ForumState, Ticket } from '../../shared/forum/types.js';
import type { Lang } from '../../shared/protocol.js';
import { escapeHtml, htmlPage, printBar } from './page.js';

/** "4821993017" → "48219 93017": two halves are easier to read out and type. */
export const groupTicketCode = (code: string): string => `${code.slice(0, 5)} ${code.slice(5)}`;

export const PRINT_SCRIPT = `document.getElementById('print')?.addEventListener('click', () => window.print());\n`;

export const TICKET_SHEET_STYLE = `
  @page { size: A4; margin: 8mm; }
  * { box-sizing: border-box; }
  body { margin: 0; font-family: system-ui, "DejaVu Sans", "Noto Sans", Arial, sans-serif; color: #111; background: #fff; overflow-wrap: anywhere; }
  .print-bar { display: flex; gap: 1rem; align-items: center; padding: 1rem; border-bottom: 1px solid #ccc; }
  .print-bar button { font: inherit; font-size: 1.1rem; padding: .6rem 1.2rem; border-radius: .4rem; border: 0; background: #1f4fd1; color: #fff; cursor: pointer; }
  .print-bar button:focus-visible { outline: 3px solid #111; outline-offset: 2px; }
  .sheet { display: grid; grid-template-columns: 97mm 97mm; grid-auto-rows: 70mm; width: 194mm; margin: 0 auto; }
  .card { border: 1px dashed #999; padding: 4mm; display: grid; grid-template-columns: 38mm 1fr; gap: 3mm; align-items: center; break-inside: avoid; overflow: hidden; }
  .card svg { width: 38mm; height: 38mm; display: block; }
  .forum { font-size: 9pt; font-weight: 600; margin: 0 0 1.5mm; line-height: 1.2; max-height: 3.6em; overflow: hidden; }
  .number { font-size: 8pt; color: #444; margin: 0 0 2mm; }
  .how { font-size: 8pt; line-height: 1.3; margin: 0 0 2mm; }
  .url { font-size: 9pt; font-weight: 600; margin: 0 0 1mm; word-break: break-all; }
  .code-label { font-size: 7.5pt; color: #444; margin: 0; }
  .code { font-size: 15pt; font-weight: 700; letter-spacing: .08em; margin: 0; font-variant-numeric: tabular-nums; }
  .once { font-size: 7pt; color: #444; margin: 1.5mm 0 0; }
  .empty { padding: 2rem; font-size: 1.2rem; }
  @media print { .print-bar { display: none; } }
`;

export interface TicketSheetOptions {
  baseUrl: string;
  /** One batch, or every ticket. */
  batch: number | null;
  lang: Lang;
}

/** Built in the documents' worker (documentWorker.ts): 5,000 QR codes take seconds. */
export async function ticketSheet(state: Pick<ForumState, 'title' | 'tickets'>, { baseUrl, batch, lang }: TicketSheetOptions): Promise<string> {
  const tickets: Ticket[] = [...state.tickets.values()]
    .filter((ticket) => batch === null || ticket.batch === batch)
    .sort((a, b) => a.number - b.number);
  const host = (() => {
    try {
      return new URL(baseUrl).host;
    } catch {
      return baseUrl;
    }
  })();
  const cards = await Promise.all(
    tickets.map(async (ticket) => {
      const url = `${baseUrl}/?c=${ticket.code}`;
      const svg = await QRCode.toString(url, { type: 'svg', errorCorrectionLevel: 'M', margin: 1 });
      return `<article class="card" aria-label="${escapeHtml(t(lang, 'tickets.number', { number: ticket.number }))}">
  ${svg.replace('<svg ', `<svg role="img" aria-label="QR: ${escapeHtml(url)}" `)}
  <div>
    <p class="forum">${escapeHtml(state.title)}</p>
    <p class="number">${escapeHtml(t(lang, 'tickets.number', { number: ticket.number }))}</p>
    <p class="how">${escapeHtml(t(lang, 'tickets.how'))}</p>
    <p class="url">${escapeHtml(host)}</p>
    <p class="code-label">${escapeHtml(t(lang, 'tickets.code'))}</p>
    <p class="code">${groupTicketCode(ticket.code)}</p>
    <p class="once">${escapeHtml(t(lang, 'tickets.once'))}</p>
  </div>
</article>`;
    }),
  );
  const title = t(lang, 'tickets.title', { count: tickets.length });
  return htmlPage({
    lang,
    title: `${title} — ${state.title}`,
    style: TICKET_SHEET_STYLE,
    script: '/tickets.js',
    body: `${printBar(t(lang, 'tickets.print'), `${title}. ${t(lang, 'tickets.printHint')}`)}
${tickets.length ? `<main class="sheet">${cards.join('\n')}</main>` : `<main class="empty"><p>${escapeHtml(t(lang, 'tickets.none'))}</p></main>`}`,
  });
}
