// The shell of the pages the server writes itself (the ticket sheet, the join poster, the printable
// report, the public results page, the forum chooser): language, title, inline style, an optional
// deferred script, the body; and the screen-only bar above a page meant for printing.

import type { Lang } from '../../shared/protocol.js';

export const escapeHtml = (s: string): string =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

export function htmlPage(page: { lang: Lang; title: string; style: string; script?: string; body: string }): string {
  return `<!doctype html>
<html lang="${page.lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(page.title)}</title>
<style>${page.style}</style>
${page.script ? `<script src="${escapeHtml(page.script)}" defer></script>\n` : ''}</head>
<body>
${page.body}
</body>
</html>`;
}

/**
 * Above a printable page, on screen only: the print button and what to choose in the print dialog.
 * Its class is its own: a page's print rule hides it, and the charts' bars (`rect.bar`) must print.
 */
export const printBar = (button: string, hint: string): string =>
  `<div class="print-bar"><button type="button" id="print">${escapeHtml(button)}</button><span>${escapeHtml(hint)}</span></div>`;
