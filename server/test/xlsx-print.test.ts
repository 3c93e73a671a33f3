// The XLSX as an organiser prints it: a realistic evening (240 ideas in 6 priorities, about 1,800
// dots, server/test/eveningForum.ts) exported, printed to PDF through LibreOffice, and the PDF read
// back with poppler: how many pages, every sheet one page wide with its header row on each page,
// no line of text drawn over another, no text cut off, a readable export time. And a vote-only
// forum's shortlisted ideas say where they came from. The PDFs and pictures of their first pages go
// to test-results/xlsx/, to look at.

import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportResults, type ExportResults } from '../http/export.js';
import { resultsXlsx } from '../http/xlsx.js';
import { eveningForum, shortlistForum } from './eveningForum.js';
import { ROOT, tempDir } from './harness.js';

const SOFFICE = '/usr/bin/soffice';
/**
 * Carlito: LibreOffice sizes columns by the workbook's default font (Calibri, as in every exceljs
 * file); without Calibri or its metric twin it takes a wider one and prints every sheet smaller.
 * Organisers' LibreOffice has Carlito (it ships with it on Windows and macOS); a bare Linux may not.
 */
const haveCarlito = (() => {
  try {
    return execFileSync('fc-list', [':family=Carlito'], { encoding: 'utf8' }).trim() !== '';
  } catch {
    return false;
  }
})();
const haveTools = existsSync(SOFFICE) && existsSync('/usr/bin/pdftotext') && existsSync('/usr/bin/pdftoppm') && haveCarlito;
if (process.env.CI === 'true' && !haveTools) throw new Error(`CI needs LibreOffice (${SOFFICE}), the Carlito font and poppler-utils: .ci/run installs them`);

const SHOTS = join(ROOT, 'test-results/xlsx');

interface Word {
  text: string;
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}

/** The words of each page of a PDF with their boxes, as pdftotext -bbox gives them. */
function wordsOf(pdf: string): Word[][] {
  const html = execFileSync('pdftotext', ['-bbox', pdf, '-'], { encoding: 'utf8', maxBuffer: 64 << 20 });
  const unescape = (s: string) => s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&amp;/g, '&');
  return html
    .split('<page ')
    .slice(1)
    .map((page) =>
      [...page.matchAll(/<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)<\/word>/g)].map((m) => ({
        x0: Number(m[1]),
        y0: Number(m[2]),
        x1: Number(m[3]),
        y1: Number(m[4]),
        text: unescape(m[5]),
      })),
    );
}

describe.skipIf(!haveTools)('the XLSX printed through LibreOffice (needs LibreOffice, the Carlito font and poppler-utils)', () => {
  let dir: string;
  let results: ExportResults;
  let pages: Word[][];

  /** The workbook printed to PDF by LibreOffice, with a profile of its own (another run may hold the default one). */
  function print(name: string, bytes: Uint8Array): string {
    const xlsx = join(dir, `${name}.xlsx`);
    writeFileSync(xlsx, bytes);
    execFileSync(SOFFICE, [`-env:UserInstallation=file://${join(dir, 'profile')}`, '--headless', '--convert-to', 'pdf', '--outdir', dir, xlsx], { stdio: 'ignore', timeout: 120_000 });
    const pdf = join(dir, `${name}.pdf`);
    copyFileSync(pdf, join(SHOTS, `${name}.pdf`));
    return pdf;
  }

  beforeAll(() => {
    dir = tempDir();
    mkdirSync(SHOTS, { recursive: true });
    for (const old of readdirSync(SHOTS)) rmSync(join(SHOTS, old));
    results = exportResults(eveningForum().state, new Date(Date.UTC(2026, 10, 26, 18, 40)));
  }, 30_000);
  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('prints a forum of 240 ideas on 25 landscape pages or fewer, each sheet one page wide, its header row on every page', async () => {
    const ideas = results.priorities.reduce((n, p) => n + p.ideas.length, 0);
    const dots = results.priorities.reduce((n, p) => n + p.ideas.reduce((m, i) => m + i.dots, 0), 0);
    expect(ideas).toBe(239); // 240 less the one merged into another
    expect(dots).toBeGreaterThan(1_700);
    const pdf = print('evening', await resultsXlsx(results, 'uk'));
    execFileSync('pdftoppm', ['-r', '60', '-png', '-l', '3', pdf, join(SHOTS, 'evening-page')]);
    pages = wordsOf(pdf);
    expect(pages.length).toBeLessThanOrEqual(25);
    const text = pages.map((words) => words.map((w) => w.text).join(' '));
    // The summary first, then each priority's sheet: every one of its pages starts with the header
    // row, first column to last, and ends with the sheet's name and the page's number.
    expect(text[0]).toContain('Житомир 2030: громадський форум');
    const header = ['Місце', 'рейтингу', 'Назва', 'ідеї', 'Опис', 'Автор', 'телефонів', 'папері', 'Усього', 'Прихильники', 'Джерело', 'Об’єднано'];
    for (const [n, words] of pages.entries()) {
      if (n === 0) continue;
      const top = Math.min(...words.map((w) => w.y0));
      const band = words.filter((w) => w.y0 < top + 25).map((w) => w.text);
      expect(band, `page ${n + 1}`).toEqual(expect.arrayContaining(header));
      expect(text[n], `page ${n + 1}`).toMatch(new RegExp(`сторінка ${n + 1} з ${pages.length}$`));
    }
    // Landscape A4.
    const size = execFileSync('pdfinfo', [pdf], { encoding: 'utf8' });
    expect(size).toMatch(/Page size:\s+841\.\d+ x 595\.\d+ pts \(A4\)/);
  }, 180_000);

  it('draws no line of text over another, and cuts none off', () => {
    for (const [n, words] of pages.entries()) {
      for (let i = 0; i < words.length; i++) {
        for (let j = i + 1; j < words.length; j++) {
          const a = words[i];
          const b = words[j];
          const across = Math.min(a.x1, b.x1) - Math.max(a.x0, b.x0);
          const down = Math.min(a.y1, b.y1) - Math.max(a.y0, b.y0);
          // A word's box holds its line's ascent and descent: lines a row apart touch, never cross by a third.
          if (across > 0.5 && down > (a.y1 - a.y0) / 3) expect.fail(`page ${n + 1}: «${a.text}» over «${b.text}»`);
        }
      }
    }
    // Every word of every idea's texts is on paper: a row too short for its wrapped text would lose lines.
    const printed = new Map<string, number>();
    // LibreOffice may break a line after a hyphen (Wi-/Fi), so words are counted in parts split there.
    const parts = (text: string) => text.split(/\s+|(?<=-)/).filter(Boolean);
    for (const w of pages.flat()) for (const part of parts(w.text)) printed.set(part, (printed.get(part) ?? 0) + 1);
    const needed = new Map<string, number>();
    for (const idea of results.priorities.flatMap((p) => p.ideas)) {
      const texts = [idea.title, idea.description, idea.place, idea.authorName ?? '', ...idea.mergedFrom.map((m) => (m.authorName ? `${m.title} (${m.authorName})` : m.title))];
      for (const word of parts(texts.join(' '))) needed.set(word, (needed.get(word) ?? 0) + 1);
    }
    const missing = [...needed].filter(([word, n]) => (printed.get(word) ?? 0) < n).map(([word, n]) => `${word} ×${n - (printed.get(word) ?? 0)}`);
    expect(missing).toEqual([]);
  });

  it('prints its text large enough to read, and the export time as people write it', () => {
    // pdftotext's word boxes: 9.5 pt tall where the sheet prints at about 70 %; 7.5 where it shrank to half.
    const heights = pages.slice(1).flatMap((words) => words.map((w) => w.y1 - w.y0)).sort((a, b) => a - b);
    expect(heights[heights.length >> 1]).toBeGreaterThanOrEqual(9);
    const summary = pages[0].map((w) => w.text).join(' ');
    expect(summary).toContain('Експортовано 26 листопада 2026 р. о 18:40');
    expect(summary).not.toMatch(/\d{4}-\d\d-\d\dT/);
  });

  it('says where a shortlisted idea came from, and prints it whole', async () => {
    const bytes = await resultsXlsx(exportResults(shortlistForum(eveningForum().state)), 'uk');
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(bytes as unknown as ExcelJS.Buffer);
    const sheet = book.getWorksheet('5 Зелене місто')!;
    const header = (sheet.getRow(1).values as ExcelJS.CellValue[]).slice(1);
    const source = header.indexOf('Джерело') + 1;
    expect(source).toBeGreaterThan(0);
    const sources: ExcelJS.CellValue[] = [];
    sheet.eachRow((row, n) => {
      if (n > 1 && typeof row.getCell(1).value === 'number') sources.push(row.getCell(source).value);
    });
    expect(sources).toEqual(Array(4).fill('з короткого списку форуму «Житомир 2030: громадський форум»'));
    const pdf = print('shortlist', bytes);
    const words = wordsOf(pdf).flat().map((w) => w.text);
    expect(words.filter((w) => w === 'короткого')).toHaveLength(4);
    expect(words.filter((w) => w === '«Житомир')).toHaveLength(4);
    expect(words).not.toContain('телефон');
  }, 180_000);
});
