// The projector fits its screen: every slide, at 1920×1080 and at 1280×720, in a real Chromium, with
// the longest titles the server accepts, 40 ideas, and ties at rank 1 and at the cut of the top 10.
// Each slide must not scroll, every row must be on screen and whole, nothing of a priority not yet
// revealed may appear, and axe-core must find nothing serious. Screenshots go to
// test-results/screens/<slide>-<width>.png, to be looked at.

import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PRIORITY_COLORS } from '../../shared/forum/rules.js';
import { LIMITS } from '../../shared/forum/types.js';
import { connectConsole, joinPhone, ok, ROOT, screenKeyOf, startTestServer, type TestClient, type TestPhone, type TestServer } from '../../server/test/harness.js';
import { AA_LARGE, AA_TEXT, contrastRatio, readableOn, relativeLuminance } from '../../shared/color.js';
import { CHROMIUM, haveBrowser, launchChromium, violations } from './chromium.js';

const BACKGROUND = '#0d1117';

describe('readable colours (shared/color.ts)', () => {
  it('computes luminance and contrast as WCAG 2 defines them', () => {
    expect(relativeLuminance('#000000')).toBe(0);
    expect(relativeLuminance('#fff')).toBe(1);
    expect(contrastRatio('#000', '#ffffff')).toBeCloseTo(21, 5);
    expect(contrastRatio('#767676', '#ffffff')).toBeCloseTo(4.54, 2);
    expect(contrastRatio(BACKGROUND, '#ffffff')).toBe(contrastRatio('#ffffff', BACKGROUND));
  });

  it('lightens each priority colour just enough to read on the dark background', () => {
    for (const color of PRIORITY_COLORS) {
      for (const ratio of [AA_TEXT, AA_LARGE]) {
        const ink = readableOn(color, BACKGROUND, ratio);
        expect(contrastRatio(ink, BACKGROUND), `${color} → ${ink}`).toBeGreaterThanOrEqual(ratio);
        // No lighter than it needs to be: the priority keeps its hue.
        if (ink !== color) expect(contrastRatio(ink, BACKGROUND)).toBeLessThan(ratio + 0.15);
        expect(relativeLuminance(ink)).toBeGreaterThanOrEqual(relativeLuminance(color));
      }
    }
  });

  it('leaves a colour that already passes as it is, and darkens on a light background', () => {
    expect(readableOn('#7EE787', BACKGROUND)).toBe('#7ee787');
    const onWhite = readableOn('#ffbf47', '#ffffff');
    expect(contrastRatio(onWhite, '#ffffff')).toBeGreaterThanOrEqual(AA_TEXT);
    expect(relativeLuminance(onWhite)).toBeLessThan(relativeLuminance('#ffbf47'));
  });
});

const built = existsSync(join(ROOT, 'dist/client/screen/index.html'));
if (process.env.CI === 'true' && !(haveBrowser && built)) throw new Error(`CI needs Chromium at ${CHROMIUM} and the built client`);

const SHOTS = join(ROOT, 'test-results/screens');
const SIZES = [
  { width: 1920, height: 1080 },
  { width: 1280, height: 720 },
] as const;

const WORDS = (
  'облаштувати громадський простір для молоді біля набережної Тетерева з енергоефективним освітленням, ' +
  'велодоріжками, лавками й укриттям від дощу та безбар’єрним доступом для людей з інвалідністю й батьків ' +
  'із візочками, реконструкція міжквартальних проїздів, висадження дерев і створення багатофункціональних майданчиків'
).split(' ');

/** A title in whole words, as near the longest the server accepts as they go, tagged to be found on the page. */
function longTitle(tag: string, seed: number): string {
  let title = `${tag}:`;
  for (let i = seed; ; i++) {
    const next = `${title} ${WORDS[i % WORDS.length]}`;
    if (next.length > LIMITS.title) break;
    title = next;
  }
  return title.replace(/,$/, '');
}

/**
 * Ideas per priority and the dots each gets, best first. Priority 1: a tie at rank 1 and three ideas
 * tied at rank 10, the cut of the top 10. Priorities 4–6 are never revealed.
 */
const PLAN: Record<string, number[]> = {
  '1': [9, 9, 8, 7, 6, 5, 4, 3, 2, 1, 1, 1, 0, 0, 0],
  '2': [5, 4, 3, 2, 1, 0, 0],
  '3': [6, 3, 2, 1, 0, 0],
  '4': [3, 2, 1, 0],
  '5': [3, 2, 1, 0],
  '6': [3, 2, 1, 0],
};
const tagOf = (priority: string, i: number) => `Ідея ${priority}.${String(i + 1).padStart(2, '0')}`;
const UNREVEALED = ['4', '5', '6'].flatMap((p) => PLAN[p].map((_, i) => tagOf(p, i)));

interface Fit {
  scroll: { height: number; width: number; innerHeight: number; innerWidth: number };
  /** Rows (or their parts) off screen or spilling out of the row or card they belong to. */
  outside: string[];
}

/** Whether the slide fits: no scrolling, and every row and card whole and on screen. */
function measureFit(page: Page): Promise<Fit> {
  return page.evaluate(() => {
    const el = document.scrollingElement!;
    const outside: string[] = [];
    const name = (e: Element) => `${e.className || e.tagName}: ${(e.textContent ?? '').slice(0, 40)}`;
    const within = (inner: DOMRect, outer: { top: number; left: number; bottom: number; right: number }) =>
      inner.top >= outer.top - 1 && inner.left >= outer.left - 1 && inner.bottom <= outer.bottom + 1 && inner.right <= outer.right + 1;
    const viewport = { top: 0, left: 0, bottom: innerHeight, right: innerWidth };
    const rows = '.bars > li, .newest > li, .final-band, .final-winner, .final-more, .priority-grid > li, img.qr, .join-text > *, .chart h2, .big-total, .big-note';
    for (const row of document.querySelectorAll(rows)) {
      const box = row.getBoundingClientRect();
      if (!within(box, viewport)) outside.push(`off screen: ${name(row)}`);
      // What a row holds stays inside it: a title clamped to two lines, never cut through a line.
      for (const part of row.children) {
        const rect = part.getBoundingClientRect();
        // Screen-reader text and line-break hints take no room on screen.
        if (part.classList.contains('visually-hidden') || rect.width === 0 || rect.height === 0) continue;
        if (!within(rect, box)) outside.push(`spills out of its row: ${name(part)}`);
      }
    }
    for (const title of document.querySelectorAll('.bar-label, .newest-title, .final-title')) {
      const lines = title.getBoundingClientRect().height / parseFloat(getComputedStyle(title).lineHeight);
      if (lines > 2.05) outside.push(`more than two lines: ${name(title)}`);
    }
    return { scroll: { height: el.scrollHeight, width: el.scrollWidth, innerHeight, innerWidth }, outside };
  });
}

describe.skipIf(!haveBrowser || !built)(`the projector fits every slide (needs ${CHROMIUM} and a built client)`, () => {
  let server: TestServer;
  let browser: Browser;
  let admin: TestClient;
  const phones: TestPhone[] = [];
  const pages: Page[] = [];
  /** Idea ids by priority, in the order of PLAN. */
  const ideas: Record<string, string[]> = {};

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    server = await startTestServer();
    admin = await connectConsole(server);
    ok(await admin.send('forum:setRules', { rules: { ideasPerParticipant: 10, dotsPerPriority: 20, maxDotsPerIdea: 10 } }));
    browser = await launchChromium();
    for (const size of SIZES) {
      // The smaller screen also stands for a projector that asks for less motion.
      const context = await browser.newContext({ viewport: size, bypassCSP: true, reducedMotion: size.width < 1920 ? 'reduce' : 'no-preference' });
      const page = await context.newPage();
      await page.clock.install();
      await page.goto(`${server.url}/screen?key=${screenKeyOf(server.screenUrl)}`);
      pages.push(page);
    }
    for (let i = 0; i < 5; i++) phones.push(await joinPhone(server, `Учасник ${i + 1}`));
  });
  afterAll(async () => {
    for (const p of phones) p.close();
    admin?.close();
    await browser?.close();
    await server?.stop();
  });

  /** Waits for every page to show what `ready` waits for, then checks, photographs and audits it. */
  async function slide(name: string, ready: (page: Page) => Promise<unknown>, audit = true) {
    for (const page of pages) {
      await ready(page);
      // Let measuring, the re-render it causes and any fade settle before looking.
      await page.waitForFunction(() => document.getAnimations().every((a) => (a as CSSAnimation).animationName !== 'newest-in' || a.playState !== 'running'));
      await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
      const width = page.viewportSize()!.width;
      const fit = await measureFit(page);
      expect(fit.scroll.height, `${name} at ${width}: scrolls down`).toBeLessThanOrEqual(fit.scroll.innerHeight);
      expect(fit.scroll.width, `${name} at ${width}: scrolls sideways`).toBeLessThanOrEqual(fit.scroll.innerWidth);
      expect(fit.outside, `${name} at ${width}`).toEqual([]);
      const text = await page.evaluate(() => document.body.textContent ?? '');
      if (name !== 'ideas') expect(UNREVEALED.filter((tag) => text.includes(tag)), `${name} at ${width}`).toEqual([]);
      await page.screenshot({ path: join(SHOTS, `${name}-${width}.png`) });
      if (audit) expect(await violations(page), `${name} at ${width}`).toEqual([]);
    }
  }

  const chartOf = (page: Page, priority: string) => page.locator('.chart h2', { hasText: priorityTitle(priority) }).waitFor();
  const priorityTitle = (code: string) => server.room.state.structure.priorities.find((p) => p.code === code)!.title;
  const labels = (page: Page, selector: string) => page.locator(selector).allTextContents();

  /** Priority 1's chart keeps both winners and, at the cut, all three tied at rank 10 or a line for what it leaves out. */
  async function expectTies(page: Page) {
    const shown = await labels(page, '.bar-label');
    expect(shown.some((t) => t.startsWith(`${tagOf('1', 0)}:`))).toBe(true);
    expect(shown.some((t) => t.startsWith(`${tagOf('1', 1)}:`))).toBe(true);
    expect(await page.locator('.bar-rank [aria-hidden]', { hasText: /^=1$/ }).count()).toBe(2);
    // The tie at rank 10 shown whole, or what the room leaves of it said in one line.
    await expectWholeCut(page, '1', 10);
    // Nothing below the cut of the top 10.
    expect(shown.some((t) => t.startsWith(`${tagOf('1', 12)}:`))).toBe(false);
  }

  /**
   * Whatever of priority `code`'s top `top` (its tie at the cut whole) the room leaves out is said in
   * one line with its count and ranks: rows drawn and ideas counted make the whole cut.
   */
  async function expectWholeCut(page: Page, code: string, top: number) {
    const dots = PLAN[code];
    const ranks = dots.map((d) => dots.indexOf(d) + 1);
    const cut = ranks.filter((r) => r <= ranks[Math.min(top, ranks.length) - 1]);
    const drawn = await page.locator('.bars > li:not(.bar-more)').count();
    const more = await labels(page, '.bar-more');
    const width = page.viewportSize()!.width;
    if (drawn === cut.length) return expect(more, `${code} at ${width}`).toEqual([]);
    expect(more, `${code} at ${width}`).toHaveLength(1);
    const left = cut.slice(drawn);
    const [from, to] = [left[0], left.at(-1)!];
    const count = `(Ще|\\+)${left.length} ід(ея|еї|ей)`;
    const said =
      from !== to ? `^Ще ${left.length} ід(ея|еї|ей) на місцях ${from}–${to}$`
      : ranks[drawn - 1] === from ? `^${count} з таким самим результатом \\(місце ${from}\\)$`
      : `^Ще ${left.length} ід(ея|еї|ей) на місці ${from}$`;
    expect(more[0], `${code} at ${width}`).toMatch(new RegExp(said));
    return more[0];
  }

  it('lobby, ideas, review and voting', async () => {
    await slide('lobby', async (page) => {
      const qr = page.locator('img.qr');
      await qr.waitFor();
      await expect.poll(() => qr.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth > 0)).toBe(true);
      await expect.poll(() => page.locator('.join-count strong').textContent()).toBe('5');
    });

    ok(await admin.send('phase:set', { to: 'ideas' }));
    // Each phone proposes eight, in turn across the priorities, so the newest are mixed.
    const queue = Object.entries(PLAN).flatMap(([priority, dots]) => dots.map((_, i) => ({ priority, i })));
    queue.sort((a, b) => a.i - b.i || Number(a.priority) - Number(b.priority));
    for (const [n, { priority, i }] of queue.entries()) {
      const { ideaId } = ok(await phones[n % phones.length].send('idea:submit', { priorityCode: priority, title: longTitle(tagOf(priority, i), n) }));
      (ideas[priority] ??= [])[i] = ideaId;
    }
    expect(queue).toHaveLength(40);
    const newest = queue.at(-1)!;
    await slide('ideas', async (page) => {
      await page.locator('.newest-title', { hasText: tagOf(newest.priority, newest.i) }).waitFor();
      await page.getByText('40 ідей').waitFor();
    });
    // More new ideas than one screenful: they take turns, a screenful every few seconds.
    for (const page of pages) {
      const first = await labels(page, '.newest-title');
      expect(first.length).toBeGreaterThanOrEqual(4);
      expect(await page.locator('.newest-pages span[aria-hidden]').count()).toBeGreaterThan(1);
      await page.clock.fastForward(8_500);
      await expect.poll(async () => (await labels(page, '.newest-title'))[0]).not.toBe(first[0]);
      const next = await labels(page, '.newest-title');
      expect(next.some((t) => first.includes(t))).toBe(false);
    }

    ok(await admin.send('phase:set', { to: 'review' }));
    await slide('review', (page) => page.getByText('Модератори переглядають ідеї').waitFor());

    ok(await admin.send('phase:set', { to: 'voting' }));
    // The dots of PLAN, spread over the phones round the table, within each phone's budget and cap.
    const perPhone: string[][] = phones.map(() => []);
    let turn = 0;
    for (const [priority, dots] of Object.entries(PLAN)) {
      dots.forEach((d, i) => {
        for (let k = 0; k < d; k++) perPhone[turn++ % phones.length].push(ideas[priority][i]);
      });
    }
    await Promise.all(phones.map(async (phone, i) => {
      for (const ideaId of perPhone[i]) ok(await phone.send('dot:place', { ideaId }));
    }));
    await slide('voting', (page) => page.getByText('Уже проголосували: 5 / 5').waitFor());
  });

  it('results priority by priority, the final slide, a priority again, the join slide, closed', async () => {
    ok(await admin.send('phase:set', { to: 'results' }));
    await slide('results-waiting', (page) => page.getByText('Результати показуватимемо по черзі', { exact: false }).waitFor());

    ok(await admin.send('priority:reveal', { priorityCode: '1' }));
    await slide('results-1', (page) => chartOf(page, '1'));
    for (const page of pages) await expectTies(page);

    ok(await admin.send('priority:reveal', { priorityCode: '2' }));
    ok(await admin.send('priority:reveal', { priorityCode: '3' }));
    await slide('results-3', (page) => chartOf(page, '3'));
    for (const page of pages) expect(await labels(page, '.bar-label')).toHaveLength(PLAN['3'].length);

    ok(await admin.send('display:show', { display: { slide: 'final' } }));
    await slide('final', (page) => page.getByRole('heading', { name: 'Переможці за пріоритетами' }).waitFor());
    for (const page of pages) {
      const winners = await labels(page, '.final-title');
      // Both ideas tied at rank 1 in priority 1, and the single winners of 2 and 3: nothing else.
      expect(winners.map((t) => t.split(':')[0]).sort()).toEqual([tagOf('1', 0), tagOf('1', 1), tagOf('2', 0), tagOf('3', 0)]);
      expect(await page.locator('.final-band.pending').count()).toBe(3);
      expect(await page.locator('.final-band.pending', { hasText: 'Ще не оголошено' }).count()).toBe(3);
      expect(await labels(page, '.final-dots')).toEqual(['9 крапок', '9 крапок', '5 крапок', '6 крапок']);
    }

    ok(await admin.send('display:show', { display: { slide: 'priority', priorityCode: '1' } }));
    await slide('priority-again', (page) => chartOf(page, '1'));
    for (const page of pages) await expectTies(page);

    // The top 20 asked for: as many as fit at a readable size, still without scrolling, and the
    // rest of all fifteen said in one line with their ranks.
    ok(await admin.send('display:setResultsTop', { top: 20 }));
    await slide(
      'top-20',
      (page) => expect.poll(async () => (await page.locator('.bar-label').count()) + (await page.locator('.bar-more').count())).toBeGreaterThanOrEqual(12),
      false,
    );
    for (const page of pages) await expectWholeCut(page, '1', 20);
    ok(await admin.send('display:setResultsTop', { top: 10 }));

    ok(await admin.send('display:show', { display: { slide: 'join' } }));
    await slide('join', (page) => page.locator('img.qr').waitFor());
    for (const page of pages) expect(await page.locator('.chart').count()).toBe(0);

    const code = server.joinCode;
    expect(code).toMatch(/^\d{6}$/);
    ok(await admin.send('phase:set', { to: 'closed' }));
    await slide('closed', async (page) => {
      await page.getByText('Дякуємо всім учасникам форуму!').waitFor();
      await chartOf(page, '3');
    });
    // A closed forum takes no one: no code anywhere, and a join slide put up gives way to the results.
    expect(server.joinCode).toBe('');
    ok(await admin.send('display:show', { display: { slide: 'join' } }));
    await slide('closed-join', (page) => page.getByText('Дякуємо всім учасникам форуму!').waitFor());
    for (const page of pages) {
      expect(await page.locator('.join, img.qr, .join-code').count()).toBe(0);
      expect(await page.evaluate(() => document.body.textContent ?? '')).not.toContain(code.slice(0, 3));
    }
    // A phone that opens the join address it had (the code in it) is told the forum is over.
    const context = await browser.newContext({ viewport: { width: 360, height: 640 } });
    const phone = await context.newPage();
    await phone.goto(`${server.url}/?c=${code}`);
    await phone.getByText('Форум завершено. Дякуємо за участь!').waitFor();
    expect(await phone.getByRole('button', { name: 'Приєднатися' }).count()).toBe(0);
    await phone.screenshot({ path: join(SHOTS, 'closed-phone-360.png') });
    await context.close();
  });
});
