// The results as an Excel workbook, for organisers who would rather not import a CSV: a summary sheet
// (turnout, ideas and dots per priority and per strategic goal) and one sheet per priority with its
// ideas ranked and grouped by goal, hidden ideas listed apart with their reasons. Built from the same
// ExportResults as the JSON and CSV, so every figure agrees with them.
// Every text goes in as a string cell: Excel shows it as text and never runs it, so a resident's
// "=HYPERLINK(…)" needs no apostrophe here, unlike in the CSV.

import ExcelJS from 'exceljs';
import type { Lang } from '../../shared/protocol.js';
import type { ExportIdea, ExportResults } from './export.js';

const WORDS = {
  uk: {
    summary: 'Підсумок',
    forum: 'Форум',
    exportedAt: 'Експортовано',
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
  },
  en: {
    summary: 'Summary',
    forum: 'Forum',
    exportedAt: 'Exported',
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

function bold(row: ExcelJS.Row) {
  row.font = { bold: true };
}

export async function resultsXlsx(results: ExportResults, lang: Lang): Promise<Buffer> {
  const w = WORDS[lang];
  const book = new ExcelJS.Workbook();
  book.created = new Date(results.forum.exportedAt);
  const taken = new Set<string>();
  const all = results.priorities.flatMap((p) => p.ideas);
  // Paper columns only where the forum had paper at all, so a phones-only evening stays simple.
  const withPaper = all.some((i) => i.source === 'paper' || i.paperDots > 0);
  const withNames = all.some((i) => i.authorName !== undefined || i.mergedFrom.some((m) => m.authorName !== undefined));

  // ------------------------------------------------------------ summary
  const summary = book.addWorksheet(sheetName(w.summary, taken));
  summary.columns = [{ width: 28 }, { width: 60 }, { width: 12 }, { width: 12 }, { width: 16 }, { width: 16 }, { width: 16 }];
  const title = summary.addRow(cells([w.forum, results.forum.title]));
  title.font = { bold: true, size: 14 };
  summary.addRow(cells([w.exportedAt, results.forum.exportedAt]));
  summary.addRow(cells(['SHA-256', results.resultsHash]));
  summary.addRow([]);
  bold(summary.addRow(cells([w.turnout])));
  summary.addRow(cells([w.joined, null, results.turnout.joined]));
  summary.addRow(cells([w.voted, null, results.turnout.voted]));
  summary.addRow(cells([w.voided, null, results.turnout.voided]));
  summary.addRow([]);

  bold(summary.addRow(cells([w.perPriority])));
  const priorityHeader = [w.code, w.priority, w.ideas, w.hiddenCount, w.dots, ...(withPaper ? [w.phoneDots, w.paperDots] : []), w.votedIn];
  bold(summary.addRow(cells(priorityHeader)));
  const sum = (ideas: ExportIdea[], key: 'dots' | 'phoneDots' | 'paperDots') => ideas.reduce((n, i) => n + i[key], 0);
  for (const p of results.priorities) {
    const active = p.ideas.filter((i) => i.status === 'active');
    summary.addRow(
      cells([
        p.code,
        p.title,
        active.length,
        p.ideas.length - active.length,
        sum(active, 'dots'),
        ...(withPaper ? [sum(active, 'phoneDots'), sum(active, 'paperDots')] : []),
        results.turnout.votedPerPriority[p.code] ?? 0,
      ]),
    ).getCell(2).alignment = { wrapText: true, vertical: 'top' };
  }
  summary.addRow([]);

  bold(summary.addRow(cells([w.perGoal])));
  bold(summary.addRow(cells([w.code, w.goal, w.ideas, w.dots, ...(withPaper ? [w.phoneDots, w.paperDots] : [])])));
  for (const p of results.priorities) {
    for (const g of p.goals) {
      const ideas = p.ideas.filter((i) => i.status === 'active' && i.goalCode === g.code);
      summary.addRow(
        cells([g.code, g.title, ideas.length, sum(ideas, 'dots'), ...(withPaper ? [sum(ideas, 'phoneDots'), sum(ideas, 'paperDots')] : [])]),
      ).getCell(2).alignment = { wrapText: true, vertical: 'top' };
    }
  }

  // ------------------------------------------------------------ one sheet per priority
  type Column = { header: string; width: number; wrap?: boolean; value: (i: ExportIdea) => Cell };
  const columns: Column[] = [
    { header: w.rank, width: 10, value: (i) => i.rank },
    { header: w.title, width: 40, wrap: true, value: (i) => i.title },
    { header: w.description, width: 60, wrap: true, value: (i) => i.description },
    { header: w.place, width: 24, wrap: true, value: (i) => i.place },
    ...(withNames ? [{ header: w.author, width: 22, wrap: true, value: (i: ExportIdea) => i.authorName ?? '' }] : []),
    ...(withPaper
      ? [
          { header: w.phoneDots, width: 12, value: (i: ExportIdea) => i.phoneDots },
          { header: w.paperDots, width: 12, value: (i: ExportIdea) => i.paperDots },
        ]
      : []),
    { header: w.dots, width: 12, value: (i) => i.dots },
    { header: w.supporters, width: 13, value: (i) => i.supporters },
    ...(withPaper ? [{ header: w.source, width: 16, value: (i: ExportIdea) => (i.source === 'paper' ? w.paper : w.phone) }] : []),
    {
      header: w.mergedFrom,
      width: 40,
      wrap: true,
      value: (i) => i.mergedFrom.map((m) => (m.authorName ? `${m.title} (${m.authorName})` : m.title)).join('\n'),
    },
  ];
  const last = columns.length;

  for (const p of results.priorities) {
    const sheet = book.addWorksheet(sheetName(`${p.code} ${p.title}`, taken), {
      views: [{ state: 'frozen', xSplit: 0, ySplit: 1 }],
    });
    sheet.columns = columns.map((c) => ({ width: c.width }));
    const header = sheet.addRow(cells(columns.map((c) => c.header)));
    bold(header);
    header.alignment = { wrapText: true, vertical: 'top' };

    const ideaRow = (idea: ExportIdea) => {
      const row = sheet.addRow(cells(columns.map((c) => c.value(idea))));
      columns.forEach((c, n) => {
        row.getCell(n + 1).alignment = c.wrap ? { wrapText: true, vertical: 'top' } : { vertical: 'top' };
      });
    };

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
      if (headed) {
        const row = sheet.addRow(cells([null, group.heading]));
        bold(row);
        row.getCell(2).alignment = { wrapText: true, vertical: 'top' };
      }
      for (const idea of group.ideas) ideaRow(idea);
    }

    const hidden = p.ideas.filter((i) => i.status === 'hidden');
    if (hidden.length > 0) {
      sheet.addRow([]);
      bold(sheet.addRow(cells([null, w.hidden])));
      // The reason goes in the last, wide column; rank and dots stay empty, as the ideas are not ranked.
      const hiddenHeader: Cell[] = columns.map((c, n) => (n === last - 1 ? w.hiddenReason : [w.title, w.description, w.place, w.author].includes(c.header) ? c.header : null));
      bold(sheet.addRow(cells(hiddenHeader)));
      for (const idea of hidden) {
        const row = sheet.addRow(
          cells(columns.map((c, n) => (n === last - 1 ? (idea.hiddenReason ?? '') : [w.title, w.description, w.place, w.author].includes(c.header) ? c.value(idea) : null))),
        );
        columns.forEach((c, n) => {
          row.getCell(n + 1).alignment = c.wrap ? { wrapText: true, vertical: 'top' } : { vertical: 'top' };
        });
      }
    }
  }

  return Buffer.from((await book.xlsx.writeBuffer()) as ArrayBuffer);
}
