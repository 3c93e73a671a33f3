// One priority's ranking as a picture: a standalone SVG the organisers can post (a 1080×1080
// square), put on a slide (1920×1080), or print in the report (sized for an A4 page's width, as
// tall as its rows). The same cut as the projector's chart: the top ideas, a tie at the cut kept
// whole, ranks shared by equal dots written "=2".
//
// Pure string building, no DOM and no image library: the server measures nothing, so text is
// fitted by an estimate of each character's width in DejaVu Sans (the widest of the fonts the
// picture names, so the narrower ones only leave more room). A PNG is made from this SVG in the
// console's browser (client/console/ResultPictures.tsx).

import { AA_LARGE, AA_TEXT, readableOn } from '../../shared/color.js';
import { RESULTS_TOP_DEFAULT } from '../../shared/forum/types.js';
import { leftLine, topWithTies, type TopCut } from '../../shared/forum/tally.js';
import { t } from '../../shared/i18n/all.js';
import type { Lang } from '../../shared/protocol.js';
import type { ExportIdea } from '../http/export.js';

export const CHART_SIZES = ['post', 'slide', 'report'] as const;
export type ChartSize = (typeof CHART_SIZES)[number];
/** The sizes offered as downloads; `report` is only drawn inside the printable report. */
export const PICTURE_SIZES = ['post', 'slide'] as const satisfies readonly ChartSize[];
export type PictureSize = (typeof PICTURE_SIZES)[number];

export const isPictureSize = (value: unknown): value is PictureSize => PICTURE_SIZES.includes(value as PictureSize);

/** A priority as the chart needs it: an exported priority (ideas ranked, hidden ones unranked) and its colour. */
export interface ChartPriority {
  code: string;
  title: string;
  color?: string;
  ideas: (Pick<ExportIdea, 'title' | 'dots' | 'rank'> & { paperDots?: number })[];
}

export interface ChartOptions {
  size: ChartSize;
  lang: Lang;
  /** The forum's title, above the priority's. */
  forumTitle: string;
  /** The day the picture stands for, in the footer. */
  date: Date;
  turnout: { joined: number; voted: number; votedHere: number };
  /** The results hash once final (every priority revealed); null leaves it off the picture. */
  resultsHash: string | null;
  /** How many top ideas to show (a tie at the cut is kept whole). */
  top?: number;
  /** Prefix for the ids inside the SVG, so that several charts can share one HTML page. */
  idPrefix?: string;
}

export const FONT_FAMILY = `'DejaVu Sans', 'Noto Sans', Arial, sans-serif`;

// ---------------------------------------------------------------- colour

/** On white: ink 15.8:1, muted 6.4:1 (both pass AA for body text); the empty part of a bar. */
const PAPER = '#ffffff';
const INK = '#1f2328';
const MUTED = '#57606a';
const TRACK = '#eef1f4';
const RULE = '#d0d7de';
const FALLBACK_COLOR = '#1f4fd1';

/** A priority's colour as text on white (4.5:1) and as a bar on its track (3:1; more against white). */
function colours(color: string | undefined): { ink: string; paint: string } {
  const base = color ?? FALLBACK_COLOR;
  try {
    return { ink: readableOn(base, PAPER, AA_TEXT), paint: readableOn(base, TRACK, AA_LARGE) };
  } catch {
    // Not a hex colour: the template and the structure editor give hex, but an old file might not.
    return { ink: readableOn(FALLBACK_COLOR, PAPER, AA_TEXT), paint: readableOn(FALLBACK_COLOR, TRACK, AA_LARGE) };
  }
}

// ---------------------------------------------------------------- text

/**
 * Text as XML character data or an attribute value: the five markup characters escaped, and the
 * characters XML 1.0 forbids (controls, lone surrogates, U+FFFE/FFFF) dropped, so a resident's
 * title can never break the document.
 */
export function escapeXml(text: string): string {
  return text
    .replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '')
    .replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/** One line of text: runs of white space (line breaks included) as one space. */
const oneLine = (text: string) => text.replace(/\s+/g, ' ').trim();

// Advance widths in em, measured for DejaVu Sans Book: most letters are 0.55–0.7 em, these differ.
const NARROW = new Set("'iljіїIJІЇ.,’ʼ:;/|!");
const SEMI = new Set('ftr()-"[]{}');
const WIDE = new Set('mwшщжюфMWМФЫы№%@—');
// The widest capitals: a title of nothing but Ж ran past the picture's edge at 0.98 (in Book, Ж is
// 1.08 em and Щ 1.09; in Bold, Щ is 1.33: measured in Chromium with canvas measureText).
const WIDEST = new Set('ЖШЩЮ');
const SYMBOL = new Set('=+<>#&~^');
/** DejaVu Sans Bold is about this much wider than Book. */
const BOLD = 1.14;

function charEm(ch: string): number {
  if (ch === ' ') return 0.32;
  if (NARROW.has(ch)) return 0.3;
  if (SEMI.has(ch)) return 0.42;
  if (WIDEST.has(ch)) return 1.17;
  if (WIDE.has(ch)) return 0.98;
  if (SYMBOL.has(ch)) return 0.86;
  if (ch >= '0' && ch <= '9') return 0.64;
  const code = ch.codePointAt(0)!;
  if (/\p{M}/u.test(ch)) return 0;
  // Ideographs, emoji and other wide symbols take about a full em in whatever font draws them.
  if (code >= 0x2e80) return 1.05;
  if (/\p{Lu}/u.test(ch)) return 0.82;
  return 0.64;
}

/** Estimated width of `text` in px at font size `size`. */
export function textWidth(text: string, size: number, bold = false): number {
  let em = 0;
  for (const ch of text) em += charEm(ch);
  return em * size * (bold ? BOLD : 1);
}

/** `text` cut to fit `width`, ending in an ellipsis when anything was cut. */
function ellipsize(text: string, width: number, size: number, bold: boolean): string {
  if (textWidth(text, size, bold) <= width) return text;
  const chars = [...text];
  while (chars.length > 0 && textWidth(chars.join('').trimEnd() + '…', size, bold) > width) chars.pop();
  let kept = chars.join('');
  // Cut at a word's end when one is near enough, rather than inside a word.
  const space = kept.lastIndexOf(' ');
  if (text[kept.length] !== ' ' && space > kept.length * 0.7) kept = kept.slice(0, space);
  return kept.replace(/[\s.,:;!?–—-]+$/u, '') + '…';
}

/**
 * `text` broken into lines no wider than `widths[i]` (the last width serves every later line), at
 * most `maxLines` of them; a word longer than a line is broken inside, and whatever does not fit
 * in the last line is cut with an ellipsis.
 */
export function wrapText(text: string, widths: number | readonly number[], size: number, maxLines: number, bold = false): string[] {
  const widthOf = (line: number) => (typeof widths === 'number' ? widths : widths[Math.min(line, widths.length - 1)]);
  const fits = (s: string, line: number) => textWidth(s, size, bold) <= widthOf(line);
  const lines: string[] = [];
  let current = '';
  for (const word of oneLine(text).split(' ').filter(Boolean)) {
    const candidate = current ? `${current} ${word}` : word;
    if (fits(candidate, lines.length)) {
      current = candidate;
      continue;
    }
    if (current) lines.push(current);
    current = '';
    // A word wider than a whole line (a long address, a run of letters) is broken where it must be.
    for (const ch of word) {
      if (current && !fits(current + ch, lines.length)) {
        lines.push(current);
        current = '';
      }
      current += ch;
    }
  }
  if (current || lines.length === 0) lines.push(current);
  if (lines.length <= maxLines) return lines;
  const kept = lines.slice(0, maxLines);
  const last = maxLines - 1;
  kept[last] = ellipsize(`${kept[last]} ${lines[maxLines]}`, widthOf(last), size, bold);
  return kept;
}

// ---------------------------------------------------------------- geometry

interface Geometry {
  width: number;
  /** null: as tall as the rows need. */
  height: number | null;
  pad: number;
  /** `stacked`: each title above its bar; `side`: titles in a column left of the bars. */
  layout: 'stacked' | 'side';
  /** A row's title size: the largest that fits, down to the smallest still read from afar. */
  font: [min: number, max: number];
  /** Lines a title may take, and (side by side) the share of the width the titles get. */
  titleLines: number;
  titleShare: number;
  /** Header and footer; the report's charts sit under the page's own heading. */
  frame: { forum: number; heading: number; sub: number; foot: number } | null;
}

const GEOMETRY: Record<ChartSize, Geometry> = {
  post: { width: 1080, height: 1080, pad: 56, layout: 'stacked', font: [22, 32], titleLines: 2, titleShare: 1, frame: { forum: 25, heading: 42, sub: 23, foot: 20 } },
  slide: { width: 1920, height: 1080, pad: 72, layout: 'side', font: [24, 34], titleLines: 2, titleShare: 0.56, frame: { forum: 28, heading: 46, sub: 26, foot: 22 } },
  // 1000 units across 180 mm of A4: a 20-unit title prints at about 10 pt. One line each: the
  // report lists every shown idea in full right below its chart.
  report: { width: 1000, height: null, pad: 4, layout: 'side', font: [20, 20], titleLines: 1, titleShare: 0.5, frame: null },
};

interface RankedRow {
  title: string;
  dots: number;
  rank: number;
}

interface Row {
  rank: string;
  /** The whole title, and the lines drawn of it. */
  full: string;
  title: string[];
  value: string;
  dots: number;
  height: number;
}

interface Rows {
  font: number;
  rows: Row[];
  /** The line under the rows that counts the ideas of the cut left out, if any were. */
  more: string | null;
  height: number;
  rankWidth: number;
  valueWidth: number;
  titleWidth: number;
}

/** Line height and the parts of a row, in units of its title's font size. */
const LINE = 1.25;
const BAR = 0.75;
const BAR_GAP = 0.25;
const ROW_GAP = { stacked: 0.6, side: 0.5 } as const;
const RANK_SCALE = 1.1;

function layoutRows(shown: readonly RankedRow[], shared: Set<number>, more: string | null, font: number, g: Geometry, lang: Lang): Rows {
  const content = g.width - 2 * g.pad;
  const rankLabel = (r: RankedRow) => (shared.has(r.rank) ? `=${r.rank}` : String(r.rank));
  const value = (r: RankedRow) => t(lang, 'count.dots', { count: r.dots });
  const rankWidth = Math.max(textWidth('=20', font * RANK_SCALE, true), ...shown.map((r) => textWidth(rankLabel(r), font * RANK_SCALE, true))) + 0.6 * font;
  const valueWidth = Math.max(0, ...shown.map((r) => textWidth(value(r), font, true))) + 0.5 * font;
  const titleWidth = g.layout === 'stacked' ? content - rankWidth : Math.round((content - rankWidth) * g.titleShare);
  const rows = shown.map((r): Row => {
    const title = wrapText(r.title, titleWidth, font, g.titleLines);
    const block = title.length * LINE * font;
    const height = g.layout === 'stacked' ? block + (BAR_GAP + BAR) * font : Math.max(block, BAR * font);
    return { rank: rankLabel(r), full: oneLine(r.title), title, value: value(r), dots: r.dots, height: height + ROW_GAP[g.layout] * font };
  });
  const moreHeight = more ? (LINE + ROW_GAP[g.layout]) * font : 0;
  const height = rows.reduce((sum, r) => sum + r.height, 0) + moreHeight - (rows.length ? ROW_GAP[g.layout] * font : 0);
  return { font, rows, more, height, rankWidth, valueWidth, titleWidth };
}

/**
 * What the line under the rows says of the ideas of the cut left out: the rest of a tie at the
 * last drawn rank as the projector says it, else how many and at which ranks ("+2 ideas at ranks 8–9").
 */
function moreLine(left: readonly RankedRow[], lastShown: RankedRow | undefined, lang: Lang): string | null {
  if (left.length === 0) return null;
  const counted = { count: left.length, from: left[0].rank, to: left.at(-1)!.rank };
  const line = leftLine(counted, lastShown?.rank);
  if (line === 'tie') return t(lang, 'screen.tiedHidden', { count: counted.count, rank: counted.from });
  return line === 'rank' ? t(lang, 'screen.moreAt', { count: counted.count, rank: counted.from }) : t(lang, 'screen.moreRanks', counted);
}

/**
 * The rows as large as the room allows: the largest title size at which the whole cut (the top,
 * a tie at the cut kept whole) fits, else the smallest size and as many rows as fit there with a
 * line that counts the rest, so that no idea of the cut leaves the picture unsaid.
 */
function fitRows(ranked: readonly RankedRow[], top: number, room: number, g: Geometry, lang: Lang): Rows {
  const shared = new Set<number>();
  const seen = new Set<number>();
  for (const r of ranked) (seen.has(r.rank) ? shared : seen).add(r.rank);
  const [min, max] = g.font;
  const cut: TopCut<RankedRow> = topWithTies(ranked, top);
  for (let font = max; font >= min; font--) {
    const rows = layoutRows(cut.shown, shared, null, font, g, lang);
    if (rows.height <= room) return rows;
  }
  // As on the projector: the first `count` rows, never past the top into a tie, and a line for the rest.
  const partial = (count: number) => {
    const shown = cut.shown.slice(0, Math.min(count, top));
    return layoutRows(shown, shared, moreLine(cut.shown.slice(shown.length), shown.at(-1), lang), min, g, lang);
  };
  for (let count = Math.min(cut.shown.length - 1, top); count >= 1; count--) {
    const rows = partial(count);
    if (rows.height <= room) return rows;
  }
  return partial(0);
}

// ---------------------------------------------------------------- drawing

const num = (n: number) => String(Math.round(n * 10) / 10);

/** A line of text; `role` names what it is (a class), for styling and for checks. */
function text(
  x: number,
  y: number,
  content: string,
  attrs: { size: number; fill: string; bold?: boolean; anchor?: 'end' | 'middle'; italic?: boolean; role?: string },
): string {
  const extra = `${attrs.role ? ` class="${attrs.role}"` : ''}${attrs.bold ? ' font-weight="700"' : ''}${attrs.anchor ? ` text-anchor="${attrs.anchor}"` : ''}${attrs.italic ? ' font-style="italic"' : ''}`;
  return `<text x="${num(x)}" y="${num(y)}" font-size="${num(attrs.size)}" fill="${attrs.fill}"${extra}>${escapeXml(content)}</text>`;
}

function longDate(lang: Lang, date: Date): string {
  return new Intl.DateTimeFormat(lang === 'uk' ? 'uk-UA' : 'en-GB', { day: 'numeric', month: 'long', year: 'numeric' }).format(date);
}

/** The ideas of a priority in ranking order, hidden ones left out. */
function rankedOf(priority: ChartPriority): RankedRow[] {
  return priority.ideas.filter((i): i is typeof i & { rank: number } => i.rank !== null).map((i) => ({ title: i.title, dots: i.dots, rank: i.rank }));
}

/** A file name for the picture, ASCII only: viche-1.2-post.svg. */
export function chartFileName(code: string, size: ChartSize, ext: 'svg' | 'png', index = 0): string {
  const safe = code.replace(/[^A-Za-z0-9._-]/g, '').replace(/^[.-]+/, '');
  return `viche-${safe || `p${index + 1}`}-${size}.${ext}`;
}

export function chartSvg(priority: ChartPriority, opts: ChartOptions): string {
  const g = GEOMETRY[opts.size];
  const { lang } = opts;
  const { ink, paint } = colours(priority.color);
  const id = (opts.idPrefix ?? `chart-${opts.size}`).replace(/[^A-Za-z0-9_-]/g, '_');
  const ranked = rankedOf(priority);
  const top = opts.top ?? RESULTS_TOP_DEFAULT;
  const content = g.width - 2 * g.pad;
  const parts: string[] = [];
  let y = g.pad;

  // Header: the forum, the priority (its code in its colour), what the bars count.
  const paper = priority.ideas.some((i) => i.rank !== null && (i.paperDots ?? 0) > 0);
  const subText = t(lang, paper ? 'chart.subPaper' : 'chart.sub');
  let footTop = g.height ?? 0;
  if (g.frame) {
    const f = g.frame;
    parts.push(`<rect x="0" y="0" width="${g.width}" height="${Math.round(g.pad * 0.2)}" fill="${paint}"/>`);
    y += f.forum;
    parts.push(text(g.pad, y, ellipsize(oneLine(opts.forumTitle), content, f.forum, false), { size: f.forum, fill: MUTED }));
    const codeText = priority.code;
    const codeWidth = textWidth(codeText, f.heading, true) + 0.4 * f.heading;
    const heading = wrapText(priority.title, [content - codeWidth, content], f.heading, 2, true);
    y += f.heading * 1.5;
    parts.push(text(g.pad, y, codeText, { size: f.heading, fill: ink, bold: true }));
    heading.forEach((line, i) => {
      parts.push(text(g.pad + (i === 0 ? codeWidth : 0), y + i * f.heading * 1.2, line, { size: f.heading, fill: INK, bold: true }));
    });
    y += (heading.length - 1) * f.heading * 1.2 + f.heading * 0.3 + f.sub * 1.5;
    for (const line of wrapText(subText, content, f.sub, 2)) {
      parts.push(text(g.pad, y, line, { size: f.sub, fill: MUTED }));
      y += f.sub * 1.3;
    }
    y += f.sub * 0.6;

    // Footer: turnout, the day, the start of the final results hash (the public page has it whole).
    const footLines = [
      t(lang, 'chart.turnout', opts.turnout),
      opts.resultsHash ? `${longDate(lang, opts.date)} · ${t(lang, 'chart.hash', { hash: opts.resultsHash.slice(0, 16) })}` : longDate(lang, opts.date),
    ];
    const footLine = f.foot * 1.45;
    const firstBaseline = g.height! - g.pad - (footLines.length - 1) * footLine;
    const ruleY = firstBaseline - f.foot * 1.8;
    parts.push(`<rect x="${g.pad}" y="${num(ruleY)}" width="${content}" height="2" fill="${RULE}"/>`);
    footLines.forEach((line, i) => {
      // A long forum name or language may need a little less than the footer's size; never much less.
      const size = Math.max(f.foot * 0.8, Math.min(f.foot, (0.995 * f.foot * content) / textWidth(line, f.foot)));
      parts.push(text(g.pad, firstBaseline + i * footLine, ellipsize(line, content, size, false), { size, fill: MUTED }));
    });
    footTop = ruleY - f.foot * 1.4;
  }

  // The rows between header and footer (the report's chart grows to hold them).
  const room = g.height === null ? Infinity : footTop - y;
  const rowsPart: string[] = [];
  let rowsHeight = 0;
  let descRows: string[] = [];
  if (ranked.length === 0) {
    const size = g.font[1];
    // Alone on a picture, the note sits in the middle of the room the rows would have taken.
    const at = Number.isFinite(room) ? y + Math.max(size, room / 2) : y + size;
    rowsPart.push(text(g.pad, at, t(lang, 'screen.final.noIdeas'), { size, fill: MUTED, role: 'empty' }));
    rowsHeight = size * 1.5;
  } else {
    const fit = fitRows(ranked, top, room, g, lang);
    const { font, rankWidth, valueWidth, titleWidth } = fit;
    const max = Math.max(1, ...fit.rows.map((r) => r.dots));
    const barX = g.layout === 'stacked' ? g.pad + rankWidth : g.pad + rankWidth + titleWidth + 0.8 * font;
    const barRoom = g.pad + content - valueWidth - barX;
    let rowY = y;
    for (const row of fit.rows) {
      const first = rowY + font;
      const rankFill = row.rank === '1' ? ink : INK;
      const block = row.title.length * LINE * font;
      const barY = g.layout === 'stacked' ? rowY + block + BAR_GAP * font : rowY + Math.max(0, (block - BAR * font) / 2);
      const titleY = g.layout === 'stacked' ? first : rowY + Math.max(0, (BAR * font - block) / 2) + font;
      rowsPart.push('<g class="row">');
      rowsPart.push(text(g.pad, titleY, row.rank, { size: font * RANK_SCALE, fill: rankFill, bold: true, role: 'rank' }));
      row.title.forEach((line, i) => rowsPart.push(text(g.pad + rankWidth, titleY + i * LINE * font, line, { size: font, fill: INK, role: 'title' })));
      const barH = BAR * font;
      const barW = (row.dots / max) * barRoom;
      rowsPart.push(`<rect class="bar" x="${num(barX)}" y="${num(barY)}" width="${num(barRoom)}" height="${num(barH)}" rx="${num(barH / 4)}" fill="${TRACK}"/>`);
      if (row.dots > 0) rowsPart.push(`<rect class="bar" x="${num(barX)}" y="${num(barY)}" width="${num(Math.max(barW, 3))}" height="${num(barH)}" rx="${num(barH / 4)}" fill="${paint}"/>`);
      rowsPart.push(text(g.pad + content, barY + barH / 2 + font * 0.36, row.value, { size: font, fill: INK, bold: true, anchor: 'end', role: 'value' }));
      rowsPart.push('</g>');
      rowY += row.height;
    }
    if (fit.more) rowsPart.push(text(g.pad + rankWidth, rowY + font, fit.more, { size: font, fill: MUTED, italic: true, role: 'more' }));
    rowsHeight = fit.height;
    descRows = fit.rows.map((r) => t(lang, 'chart.row', { rank: r.rank, title: r.full, dots: r.value }));
    if (fit.more) descRows.push(fit.more);
  }
  parts.push(...rowsPart);

  const width = g.width;
  const height = g.height ?? Math.ceil(y + rowsHeight + g.pad);
  const title = t(lang, 'chart.title', { code: priority.code, title: oneLine(priority.title) });
  const desc = [
    oneLine(opts.forumTitle),
    subText,
    ...descRows,
    ...(g.frame
      ? [t(lang, 'chart.turnout', opts.turnout), longDate(lang, opts.date), ...(opts.resultsHash ? [t(lang, 'chart.hash', { hash: opts.resultsHash.slice(0, 16) })] : [])]
      : []),
  ].join('. ');
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img" aria-labelledby="${id}-title ${id}-desc" font-family="${FONT_FAMILY}">`,
    `<title id="${id}-title">${escapeXml(title)}</title>`,
    `<desc id="${id}-desc">${escapeXml(desc)}</desc>`,
    `<rect width="${width}" height="${height}" fill="${PAPER}"/>`,
    ...parts,
    '</svg>',
  ].join('\n');
}
