// The join poster: one A4 portrait page to put up at the hall's door, with the forum's title, a
// large QR of the join address, the short address to type, and where the join code is. With the
// fixed code (`open`) the QR carries the code and the poster prints it; with the hall's changing
// code or printed tickets the QR opens the join page without one, and the poster says where to
// find it. Printed by the browser, like the ticket sheets (tickets.ts), and for the same reasons.

import QRCode from 'qrcode';
import { t, type MessageKey } from '../../shared/i18n/all.js';
import type { ForumState } from '../../shared/forum/types.js';
import type { Lang } from '../../shared/protocol.js';
import { escapeHtml, htmlPage, printBar } from './page.js';

/** "482913" → "482 913", as the projector and the console show it. */
const groupCode = (code: string): string => code.replace(/(\d{3})(?=\d)/g, '$1 ');

/** The address to type: host and path, without the scheme ("192.168.1.20:3000"). */
export function shortAddress(baseUrl: string): string {
  try {
    const url = new URL(baseUrl);
    return `${url.host}${url.pathname.replace(/\/+$/, '')}`;
  } catch {
    return baseUrl.replace(/^[a-z]+:\/\//i, '');
  }
}

/** What the poster's QR opens: the join page, with the code only when the code never changes. */
export function posterUrl(state: ForumState, baseUrl: string): string {
  return state.admission === 'open' ? `${baseUrl}/?c=${state.joinCode}` : `${baseUrl}/`;
}

// 297 mm less 2 × 12 mm of margins leaves 273 mm: the page is laid out to fit in it with room to
// spare, so that it never spills onto a second sheet.
/**
 * A title longer than a line or two is set smaller and the QR a little smaller (still over 120 mm),
 * so that even the 200 characters a vision may have leave the poster one page.
 */
const LONG_TITLE = 48;
const LONGER_TITLE = 120;

const STYLE = `
  @page { size: A4 portrait; margin: 12mm; }
  * { box-sizing: border-box; }
  body { margin: 0; font-family: system-ui, "DejaVu Sans", "Noto Sans", Arial, sans-serif; color: #000; background: #fff; overflow-wrap: anywhere; }
  .print-bar { display: flex; gap: 1rem; align-items: center; flex-wrap: wrap; padding: 1rem; border-bottom: 1px solid #ccc; }
  .print-bar button { font: inherit; font-size: 1.1rem; padding: .6rem 1.2rem; border-radius: .4rem; border: 0; background: #1f4fd1; color: #fff; cursor: pointer; }
  .print-bar button:focus-visible { outline: 3px solid #111; outline-offset: 2px; }
  .poster { width: 186mm; margin: 0 auto; padding: 2mm 0 0; display: flex; flex-direction: column; align-items: center; text-align: center; break-inside: avoid; }
  h1 { font-size: 28pt; line-height: 1.15; margin: 0 0 2mm; overflow-wrap: anywhere; }
  .title-long h1 { font-size: 20pt; }
  .title-longer h1 { font-size: 16pt; }
  .title-long .qr, .title-longer .qr { width: 122mm; height: 122mm; }
  .lead { font-size: 16pt; margin: 0 0 4mm; }
  .qr { width: 136mm; height: 136mm; display: block; }
  .scan { font-size: 13pt; margin: 3mm 0 1mm; }
  .address { font-size: 32pt; font-weight: 800; line-height: 1.15; margin: 0 0 4mm; overflow-wrap: anywhere; font-variant-numeric: tabular-nums; }
  .code-box { border: .8mm solid #000; border-radius: 4mm; padding: 2.5mm 10mm 3mm; margin: 0 0 4mm; max-width: 170mm; }
  .code-label { font-size: 13pt; margin: 0; }
  .code { font-size: 40pt; font-weight: 800; letter-spacing: .08em; margin: 0; line-height: 1.15; font-variant-numeric: tabular-nums; }
  .where { font-size: 22pt; font-weight: 800; margin: 0; line-height: 1.2; }
  .code-help { font-size: 12pt; margin: 1mm 0 0; }
  .steps { text-align: left; width: 150mm; }
  .steps h2 { font-size: 13pt; margin: 0 0 1mm; }
  .steps ol { font-size: 12.5pt; line-height: 1.35; margin: 0; padding-left: 7mm; }
  @media print { .print-bar { display: none; } }
`;

export interface PosterOptions {
  /** The address phones open, without a code. */
  baseUrl: string;
  lang: Lang;
}

export async function posterPage(state: ForumState, { baseUrl, lang }: PosterOptions): Promise<string> {
  const url = posterUrl(state, baseUrl);
  const address = shortAddress(baseUrl);
  const svg = await QRCode.toString(url, { type: 'svg', errorCorrectionLevel: 'M', margin: 1 });
  const qr = svg.replace('<svg ', `<svg class="qr" role="img" aria-label="${escapeHtml(t(lang, 'poster.qrAlt', { url }))}" `);
  const mode = state.admission;
  const code =
    mode === 'open'
      ? `<p class="code-label">${escapeHtml(t(lang, 'poster.code'))}</p>
<p class="code">${escapeHtml(groupCode(state.joinCode))}</p>
<p class="code-help">${escapeHtml(t(lang, 'poster.codeInQr'))}</p>`
      : `<p class="where">${escapeHtml(t(lang, mode === 'hall' ? 'poster.codeHall' : 'poster.codeTickets'))}</p>
<p class="code-help">${escapeHtml(t(lang, mode === 'hall' ? 'poster.codeHallHelp' : 'poster.codeTicketsHelp'))}</p>`;
  const steps: MessageKey[] = ['poster.step.wifi', 'poster.step.open', `poster.step.join.${mode}` as MessageKey];
  const title = t(lang, 'poster.pageTitle', { title: state.title });
  return htmlPage({
    lang,
    title,
    style: STYLE,
    script: '/tickets.js',
    body: `${printBar(t(lang, 'tickets.print'), t(lang, 'poster.printHint'))}
<main class="poster${state.title.length > LONGER_TITLE ? ' title-longer' : state.title.length > LONG_TITLE ? ' title-long' : ''}">
<h1>${escapeHtml(state.title)}</h1>
<p class="lead">${escapeHtml(t(lang, 'poster.lead'))}</p>
${qr}
<p class="scan">${escapeHtml(t(lang, 'poster.scan'))}</p>
<p class="address">${escapeHtml(address)}</p>
<div class="code-box">
${code}
</div>
<section class="steps" aria-labelledby="steps">
<h2 id="steps">${escapeHtml(t(lang, 'poster.steps'))}</h2>
<ol>${steps.map((k) => `<li>${escapeHtml(t(lang, k))}</li>`).join('')}</ol>
</section>
</main>`,
  });
}
