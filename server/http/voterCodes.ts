// A city vote's voter codes as files: a CSV for a mail house (one row a code), and A4 sheets of
// eight cards printed by the browser as the tickets are (each card with a QR of the phone's address
// carrying the code, and the code to type). Codes are worked out here from their serials under the
// forum's person key (forum/persons.ts): the log holds none of them.

import QRCode from 'qrcode';
import { t } from '../../shared/i18n/all.js';
import type { Lang } from '../../shared/protocol.js';
import { groupVoterCode, PersonKeys } from '../forum/persons.js';
import { escapeHtml, htmlPage, printBar } from './page.js';
import { TICKET_SHEET_STYLE } from './tickets.js';

/** Most codes on one printable sheet: QR codes take seconds a thousand, and a print job stays a print job. */
export const VOTER_CODES_PER_SHEET = 2000;

/** Which codes, and whose key: plain data, so it crosses into the documents' worker. */
export interface VoterCodeRange {
  personKey: string;
  forumId: string;
  /** Serials first to first + count - 1. */
  first: number;
  count: number;
}

function* codesOf({ personKey, forumId, first, count }: VoterCodeRange): Generator<{ serial: number; code: string }> {
  const keys = new PersonKeys(personKey, forumId);
  // A part at a time, so a batch of a million is never a million strings at once.
  for (let start = first; start < first + count; start += 10_000) {
    const part = keys.voterCodes(start, Math.min(10_000, first + count - start));
    for (let i = 0; i < part.length; i++) yield { serial: start + i, code: part[i] };
  }
}

/** number,code: the serial printed on the card and the code as typed (four groups). Nothing in it starts like a formula. */
export function voterCodesCsv(range: VoterCodeRange): string {
  const rows = ['number,code'];
  for (const { serial, code } of codesOf(range)) rows.push(`${serial},${groupVoterCode(code)}`);
  return `${rows.join('\r\n')}\r\n`;
}

const STYLE = `${TICKET_SHEET_STYLE}
  .code { font: 700 11pt ui-monospace, "DejaVu Sans Mono", "Liberation Mono", monospace; letter-spacing: 0; white-space: nowrap; }
`;

export async function voterCodeSheet(range: VoterCodeRange & { title: string; baseUrl: string; lang: Lang }): Promise<string> {
  const { title, baseUrl, lang } = range;
  const host = (() => {
    try {
      return new URL(baseUrl).host;
    } catch {
      return baseUrl;
    }
  })();
  const cards: string[] = [];
  for (const { serial, code } of codesOf(range)) {
    const url = `${baseUrl}/?v=${code}`;
    const svg = await QRCode.toString(url, { type: 'svg', errorCorrectionLevel: 'M', margin: 1 });
    const number = t(lang, 'voterCodes.number', { number: serial });
    cards.push(`<article class="card" aria-label="${escapeHtml(number)}">
  ${svg.replace('<svg ', `<svg role="img" aria-label="QR: ${escapeHtml(url)}" `)}
  <div>
    <p class="forum">${escapeHtml(title)}</p>
    <p class="number">${escapeHtml(number)}</p>
    <p class="how">${escapeHtml(t(lang, 'voterCodes.how'))}</p>
    <p class="url">${escapeHtml(host)}</p>
    <p class="code-label">${escapeHtml(t(lang, 'voterCodes.code'))}</p>
    <p class="code">${groupVoterCode(code)}</p>
    <p class="once">${escapeHtml(t(lang, 'voterCodes.once'))}</p>
  </div>
</article>`);
  }
  const heading = t(lang, 'voterCodes.title', { count: cards.length });
  return htmlPage({
    lang,
    title: `${heading} — ${title}`,
    style: STYLE,
    script: '/tickets.js',
    body: `${printBar(t(lang, 'tickets.print'), `${heading}. ${t(lang, 'tickets.printHint')}`)}
${cards.length ? `<main class="sheet">${cards.join('\n')}</main>` : `<main class="empty"><p>${escapeHtml(t(lang, 'voterCodes.none'))}</p></main>`}`,
  });
}
