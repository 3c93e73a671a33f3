// The results as an Excel workbook, for organisers who would rather not import a CSV: a summary sheet
// (turnout, ideas and dots per priority and per strategic goal) and one sheet per priority with its
// ideas ranked and grouped by goal, hidden ideas listed apart with their reasons. Built from the same
// ExportResults as the JSON and CSV, so every figure agrees with them.
// Every text goes in as a string cell: Excel shows it as text and never runs it, so a resident's
// "=HYPERLINK(…)" needs no apostrophe here, unlike in the CSV.
//
// Made to be printed as well as read: each sheet is one A4 page wide (landscape, scaled down as
// needed, as tall as it runs), the header row repeats on every page, the footer names the sheet
// and the page. Excel and LibreOffice do not grow a row for wrapped text on their own (LibreOffice
// printed the second line of a title over the next row or not at all), so each row is given the
// height its wrapped texts need, estimated with the character widths the pictures use (DejaVu Sans,
// server/results/chart.ts) scaled to Arial: a row may have a little room to spare, never too little. Every cell is
// Arial, which Excel has everywhere and LibreOffice draws with the metric-compatible Liberation Sans.

import ExcelJS from 'exceljs';
import type { Lang } from '../../shared/protocol.js';
import { textWidth } from '../results/chart.js';
import type { ExportIdea, ExportResults } from './export.js';

const WORDS = {
  uk: {
    summary: 'Підсумок',
    forum: 'Форум',
    exportedAt: 'Експортовано',
    provisional: 'попередня: оголошено не всі пріоритети',
    turnout: 'Явка',
    joined: 'Учасників',
    voted: 'Проголосували',
    voided: 'Анульовано учасників',
    perPriority: 'Пріоритети',
    perGoal: 'Стратегічні цілі',
    code: 'Код',
    priority: 'Пріоритет',
    goal: 'Стратегічна ціль',
    ideas: 'Ідей',
    hiddenCount: 'Приховано',
    votedIn: 'Проголосували',
    rank: 'Місце в рейтингу',
    title: 'Назва ідеї',
    description: 'Опис',
    place: 'Місце',
    author: 'Автор',
    phoneDots: 'Крапки з телефонів',
    paperDots: 'Наліпки на папері',
    dots: 'Усього крапок',
    supporters: 'Прихильники',
    source: 'Джерело',
    mergedFrom: 'Об’єднано з',
    noGoal: 'Без стратегічної цілі',
    hidden: 'Приховані ідеї (не в рейтингу)',
    hiddenReason: 'Причина приховування',
    phone: 'телефон',
    paper: 'паперова картка',
    shortlist: 'з короткого списку форуму «{title}»',
    page: 'сторінка &P з &N',
  },
  en: {
    summary: 'Summary',
    forum: 'Forum',
    exportedAt: 'Exported',
    provisional: 'provisional: not every priority revealed',
    turnout: 'Turnout',
    joined: 'Participants',
    voted: 'Voted',
    voided: 'Participants voided',
    perPriority: 'Priorities',
    perGoal: 'Strategic goals',
    code: 'Code',
    priority: 'Priority',
    goal: 'Strategic goal',
    ideas: 'Ideas',
    hiddenCount: 'Hidden',
    votedIn: 'Voted',
    rank: 'Rank',
    title: 'Idea title',
    description: 'Description',
    place: 'Place',
    author: 'Author',
    phoneDots: 'Phone dots',
    paperDots: 'Paper stickers',
    dots: 'Total dots',
    supporters: 'Supporters',
    source: 'Source',
    mergedFrom: 'Merged from',
    noGoal: 'No strategic goal',
    hidden: 'Hidden ideas (not ranked)',
    hiddenReason: 'Reason hidden',
    phone: 'phone',
    paper: 'paper card',
    shortlist: 'shortlisted from “{title}”',
    page: 'page &P of &N',
  },
} satisfies Record<Lang, Record<string, string>>;

type Cell = string | number | null;

// Characters XML 1.0 cannot carry would make the whole file unreadable, so they are dropped.
const clean = (s: string) => s.replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g, '');
const cells = (row: Cell[]) => row.map((c) => (typeof c === 'string' ? clean(c) : c));

/** A sheet name Excel accepts: no []:*?/\, not starting or ending with an apostrophe, at most 31 characters, unique. */
export function sheetName(wanted: string, taken: Set<string>): string {
  const base = clean(wanted).replace(/[[\]:*?/\\]/g, ' ').replace(/\s+/g, ' ').trim().replace(/^'+|'+$/g, '') || 'Sheet';
  for (let n = 1; ; n++) {
    const suffix = n === 1 ? '' : ` (${n})`;
    // Cut by code points, so a Cyrillic or emoji character is never split in half.
    const name = [...base].slice(0, 31 - suffix.length).join('').trimEnd() + suffix;
    if (!taken.has(name.toLowerCase())) {
      taken.add(name.toLowerCase());
      return name;
    }
  }
}

// ------------------------------------------------------------ print layout

const FONT: Partial<ExcelJS.Font> = { name: 'Arial', size: 10 };
const BOLD: Partial<ExcelJS.Font> = { ...FONT, bold: true };
/** Arial 10 in pixels, and the points a line of it takes in a row (Excel's own row height for it). */
const FONT_PX = (10 * 96) / 72;
const LINE_PT = 12.75;
/** Excel's tallest row. */
const MAX_ROW_PT = 409;
/**
 * Arial (and Liberation Sans) against the DejaVu Sans estimate: measured in Chromium on every title,
 * description and place of a 240-idea forum (server/test/eveningForum.ts), 0.78–0.86 of it, and
 * 0.74–0.81 in bold; a little above that keeps rows safe.
 */
const arial = (bold: boolean) => (bold ? 0.83 : 0.88);
/** The width of a text in columns' characters (7 px each, the workbook's default digit), padding included. */
const columnsFor = (text: string, bold: boolean) => (textWidth(text, FONT_PX, bold) * arial(bold) + 6) / 7;
/** exceljs leaves a column of width 9 (its default) out of the file, and a reader then uses its own default. */
const columnWidth = (width: number) => ({ width: width === 9 ? 9.1 : width });

/** Each character's width in em, as the pictures estimate it, measured once. */
const EM = new Map<string, number>();

/**
 * Lines `text` takes in a column `width` characters wide, each of its own lines wrapped at spaces
 * and a word wider than the column broken where it must (as the pictures' wrapText does, but in
 * one pass: wrapText measured a 1,000-character word again at every letter, 9 s for the largest forum).
 */
function linesIn(text: string, width: number, bold: boolean, size: number): number {
  const room = (width * 7 - 6) / arial(bold);
  // Pixels an em is here, bold's extra width included.
  const scale = textWidth('a', (FONT_PX * size) / 10, bold) / textWidth('a', 1);
  const charWidth = (ch: string) => {
    let em = EM.get(ch);
    if (em === undefined) EM.set(ch, (em = textWidth(ch, 1)));
    return em * scale;
  };
  const wordWidth = (word: string) => {
    let w = 0;
    for (const ch of word) w += charWidth(ch);
    return w;
  };
  const space = charWidth(' ');
  let lines = 0;
  for (const line of text.split('\n')) {
    lines++;
    let used = 0;
    for (const word of line.split(/\s+/).filter(Boolean)) {
      const wide = wordWidth(word);
      if (used > 0 && used + space + wide <= room) {
        used += space + wide;
        continue;
      }
      if (used > 0) lines++;
      used = 0;
      if (wide <= room) {
        used = wide;
        continue;
      }
      for (const ch of word) {
        const w = charWidth(ch);
        if (used > 0 && used + w > room) {
          lines++;
          used = 0;
        }
        used += w;
      }
    }
  }
  return lines;
}

interface RowStyle {
  bold?: boolean;
  /** In points; 10 unless said. */
  size?: number;
  /** Which cells wrap (all of them: true); the row is as tall as its tallest wrapped text. */
  wrap?: boolean | readonly boolean[];
  /** The last value's cell runs on to the last column: a heading across the table. */
  span?: boolean;
}

/** A row of the sheet, every cell in Arial, top-aligned, with the height its wrapped texts need. */
function addRow(sheet: ExcelJS.Worksheet, widths: readonly number[], values: Cell[], style: RowStyle = {}): ExcelJS.Row {
  const row = sheet.addRow(cells(values));
  const bold = style.bold ?? false;
  const size = style.size ?? 10;
  const font = { ...(bold ? BOLD : FONT), size };
  let lines = 1;
  row.eachCell({ includeEmpty: true }, (cell, col) => {
    const wraps = typeof style.wrap === 'boolean' ? style.wrap : (style.wrap?.[col - 1] ?? false);
    cell.font = font;
    const value = cell.value;
    // Figures centred under their headings, away from the texts beside them.
    cell.alignment = wraps ? { wrapText: true, vertical: 'top' } : typeof value === 'number' ? { vertical: 'top', horizontal: 'center' } : { vertical: 'top' };
    if (!wraps || typeof value !== 'string' || value === '') return;
    const width = style.span && col === values.length ? widths.slice(col - 1).reduce((a, b) => a + b, 0) : widths[col - 1];
    lines = Math.max(lines, linesIn(value, width, bold, size));
  });
  if (style.span && values.length < widths.length) sheet.mergeCells(row.number, values.length, row.number, widths.length);
  row.height = Math.min(MAX_ROW_PT, (lines * LINE_PT * size) / 10 + 3);
  return row;
}

/** An A4 page wide, landscape, as many pages tall as it runs; the footer names the sheet and the page. */
function printable(sheet: ExcelJS.Worksheet, widths: readonly number[], page: string, headerRow: boolean): void {
  sheet.pageSetup = {
    paperSize: 9,
    orientation: 'landscape',
    fitToPage: true,
    fitToWidth: 1,
    fitToHeight: 0,
    margins: { left: 0.4, right: 0.4, top: 0.5, bottom: 0.6, header: 0.25, footer: 0.3 },
    printArea: `A1:${sheet.getColumn(widths.length).letter}${Math.max(1, sheet.rowCount)}`,
    ...(headerRow ? { printTitlesRow: '1:1' } : {}),
  };
  sheet.headerFooter = { oddFooter: `&L&A&R${page}` };
}

/** The moment of the export as people read it, in the server's time zone (the hall's). */
function readableTime(iso: string, lang: Lang): string {
  return new Intl.DateTimeFormat(lang === 'uk' ? 'uk-UA' : 'en-GB', { dateStyle: 'long', timeStyle: 'short', hourCycle: 'h23' }).format(new Date(iso));
}

export async function resultsXlsx(results: ExportResults, lang: Lang): Promise<Buffer> {
  const w = WORDS[lang];
  const book = new ExcelJS.Workbook();
  book.created = new Date(results.forum.exportedAt);
  const taken = new Set<string>();
  const all = results.priorities.flatMap((p) => p.ideas);
  // Paper columns only where the forum had paper at all, so a phones-only evening stays simple.
  const withPaper = all.some((i) => i.source === 'paper' || i.paperDots > 0);
  // Where ideas came from, only where not all came from phones.
  const withSource = all.some((i) => i.source !== 'phone');
  const withNames = all.some((i) => i.authorName !== undefined || i.mergedFrom.some((m) => m.authorName !== undefined));
  const withMerged = all.some((i) => i.mergedFrom.length > 0);

  // ------------------------------------------------------------ summary
  const summary = book.addWorksheet(sheetName(w.summary, taken));
  const priorityHeader = [w.code, w.priority, w.ideas, w.hiddenCount, w.dots, ...(withPaper ? [w.phoneDots, w.paperDots] : []), w.votedIn];
  const goalHeader = [w.code, w.goal, w.ideas, w.dots, ...(withPaper ? [w.phoneDots, w.paperDots] : [])];
  // Labels in the first column, names in the second, figures after: each wide enough for its heading's longest word.
  const labels = [w.forum, w.exportedAt, 'SHA-256', w.turnout, w.joined, w.voted, w.voided, w.perPriority, w.perGoal];
  const summaryWidths = [
    Math.ceil(Math.max(8, ...labels.map((l) => Math.min(24, columnsFor(l, true))))),
    50,
    ...priorityHeader.slice(2).map((h, n) => Math.max(10, widestWord(h), widestWord(goalHeader[n + 2] ?? ''))),
  ];
  summary.columns = summaryWidths.map(columnWidth);
  addRow(summary, summaryWidths, [w.forum, results.forum.title], { bold: true, size: 13, wrap: [false, true], span: true });
  addRow(summary, summaryWidths, [w.exportedAt, readableTime(results.forum.exportedAt, lang)]);
  // Marked in words until every priority is revealed, as the CSV, the report and the public page are.
  addRow(summary, summaryWidths, ['SHA-256', results.resultsFinal ? results.resultsHash : `${results.resultsHash} (${w.provisional})`], { span: true });
  summary.addRow([]);
  addRow(summary, summaryWidths, [w.turnout], { bold: true });
  addRow(summary, summaryWidths, [w.joined, null, results.turnout.joined]);
  addRow(summary, summaryWidths, [w.voted, null, results.turnout.voted]);
  addRow(summary, summaryWidths, [w.voided, null, results.turnout.voided]);
  summary.addRow([]);

  addRow(summary, summaryWidths, [w.perPriority], { bold: true });
  addRow(summary, summaryWidths, priorityHeader, { bold: true, wrap: true });
  const sum = (ideas: ExportIdea[], key: 'dots' | 'phoneDots' | 'paperDots') => ideas.reduce((n, i) => n + i[key], 0);
  for (const p of results.priorities) {
    const active = p.ideas.filter((i) => i.status === 'active');
    addRow(
      summary,
      summaryWidths,
      [
        p.code,
        p.title,
        active.length,
        p.ideas.length - active.length,
        sum(active, 'dots'),
        ...(withPaper ? [sum(active, 'phoneDots'), sum(active, 'paperDots')] : []),
        results.turnout.votedPerPriority[p.code] ?? 0,
      ],
      { wrap: [false, true] },
    );
  }
  summary.addRow([]);

  addRow(summary, summaryWidths, [w.perGoal], { bold: true });
  addRow(summary, summaryWidths, goalHeader, { bold: true, wrap: true });
  for (const p of results.priorities) {
    for (const g of p.goals) {
      const ideas = p.ideas.filter((i) => i.status === 'active' && i.goalCode === g.code);
      addRow(summary, summaryWidths, [g.code, g.title, ideas.length, sum(ideas, 'dots'), ...(withPaper ? [sum(ideas, 'phoneDots'), sum(ideas, 'paperDots')] : [])], {
        wrap: [false, true],
      });
    }
  }
  printable(summary, summaryWidths, w.page, false);

  // ------------------------------------------------------------ one sheet per priority
  type Column = { header: string; width: number; wrap?: boolean; value: (i: ExportIdea) => Cell };
  const sourceOf = (i: ExportIdea) =>
    i.source === 'paper' ? w.paper : i.source === 'shortlist' ? w.shortlist.replace('{title}', i.origin?.forumTitle ?? '') : w.phone;
  const columns: Column[] = [
    { header: w.rank, width: 7, value: (i) => i.rank },
    { header: w.title, width: 30, wrap: true, value: (i) => i.title },
    { header: w.description, width: 40, wrap: true, value: (i) => i.description },
    { header: w.place, width: 16, wrap: true, value: (i) => i.place },
    ...(withNames ? [{ header: w.author, width: 14, wrap: true, value: (i: ExportIdea) => i.authorName ?? '' }] : []),
    ...(withPaper
      ? [
          { header: w.phoneDots, width: 7, value: (i: ExportIdea) => i.phoneDots },
          { header: w.paperDots, width: 7, value: (i: ExportIdea) => i.paperDots },
        ]
      : []),
    { header: w.dots, width: 7, value: (i) => i.dots },
    { header: w.supporters, width: 7, value: (i) => i.supporters },
    ...(withSource ? [{ header: w.source, width: 14, wrap: true, value: sourceOf }] : []),
    ...(withMerged
      ? [
          {
            header: w.mergedFrom,
            width: 22,
            wrap: true,
            value: (i: ExportIdea) => i.mergedFrom.map((m) => (m.authorName ? `${m.title} (${m.authorName})` : m.title)).join('\n'),
          },
        ]
      : []),
  ];
  // A heading's longest word is never broken across lines.
  const widths = columns.map((c) => Math.max(c.width, widestWord(c.header)));
  const wraps = columns.map((c) => c.wrap ?? false);
  // Hidden ideas have their texts and, from the first figure's column on, the reason they were hidden.
  const texts = [w.title, w.description, w.place, ...(withNames ? [w.author] : [])];

  for (const p of results.priorities) {
    const sheet = book.addWorksheet(sheetName(`${p.code} ${p.title}`, taken), {
      views: [{ state: 'frozen', xSplit: 0, ySplit: 1 }],
    });
    sheet.columns = widths.map(columnWidth);
    addRow(sheet, widths, columns.map((c) => c.header), { bold: true, wrap: true });

    // Ranked ideas grouped by goal, in the tree's order; each group keeps the ranking order.
    const ranked = p.ideas.filter((i) => i.status === 'active');
    const groups: { heading: string; ideas: ExportIdea[] }[] = p.goals.map((g) => ({
      heading: `${g.code} ${g.title}`,
      ideas: ranked.filter((i) => i.goalCode === g.code),
    }));
    const known = new Set(p.goals.map((g) => g.code));
    // A goal the tree no longer has still shows by its code rather than vanish.
    for (const code of new Set(ranked.map((i) => i.goalCode).filter((c): c is string => c !== null && !known.has(c)))) {
      groups.push({ heading: code, ideas: ranked.filter((i) => i.goalCode === code) });
    }
    groups.push({ heading: w.noGoal, ideas: ranked.filter((i) => i.goalCode === null) });
    const used = groups.filter((g) => g.ideas.length > 0);
    // Headings only help where there is more than "no goal" to tell apart.
    const headed = used.some((g) => g.heading !== w.noGoal);
    for (const group of used) {
      if (headed) addRow(sheet, widths, [null, group.heading], { bold: true, wrap: true, span: true });
      for (const idea of group.ideas) addRow(sheet, widths, columns.map((c) => c.value(idea)), { wrap: wraps });
    }

    const hidden = p.ideas.filter((i) => i.status === 'hidden');
    if (hidden.length > 0) {
      sheet.addRow([]);
      addRow(sheet, widths, [null, w.hidden], { bold: true, wrap: true, span: true });
      // Rank and dots stay empty, as the ideas are not ranked.
      addRow(sheet, widths, [null, ...texts, w.hiddenReason], { bold: true, wrap: true, span: true });
      for (const idea of hidden) {
        const text = columns.filter((c) => texts.includes(c.header)).map((c) => c.value(idea));
        addRow(sheet, widths, [null, ...text, idea.hiddenReason ?? ''], { wrap: true, span: true });
      }
    }
    printable(sheet, widths, w.page, true);
  }

  return Buffer.from((await book.xlsx.writeBuffer()) as ArrayBuffer);
}

/** The column width (in characters) a heading's longest word needs, in bold. */
function widestWord(text: string): number {
  return Math.ceil(Math.max(0, ...text.split(/\s+/).map((word) => columnsFor(word, true))));
}
