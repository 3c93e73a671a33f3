// No text an attendee types can make a page wider than its screen. A forum where every free-text
// field holds what could break a layout — a run of letters with no place to break (the longest
// each field takes), a long address, "zalgo" text sent raw through the live commands (dozens of
// combining marks on every letter, which the server must cap) — walked through every phase: the
// phone at 360×640, the console's every tab at 1280, the projector at 1280×720 and 1920×1080 (each
// phase, the results chart with ties and the final slide), the public results page, the report
// and the poster at 360, and the server's chart pictures. On each, the page must not scroll
// sideways. Screenshots go to test-results/hostile/ for a person to look at.

import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Structure } from '../../shared/forum/types.js';
import { cleanLine, MARKS_PER_BASE, textLength } from '../../shared/forum/text.js';
import type { Ack } from '../../shared/protocol.js';
import { connect, connectConsole, joinPhone, ok, ROOT, screenKeyOf, startTestServer, tempDir, type TestClient, type TestPhone, type TestServer } from '../../server/test/harness.js';
import { CHROMIUM, haveBrowser, launchChromium } from './chromium.js';

const built = existsSync(join(ROOT, 'dist/client/phone/index.html'));
if (process.env.CI === 'true' && (!haveBrowser || !built)) throw new Error(`CI needs Chromium at ${CHROMIUM} and the built client`);

const SHOTS = join(ROOT, 'test-results/hostile');

/** A run of one letter with nowhere to break, as long as the field takes. */
const unbroken = (letter: string, length: number) => letter.repeat(length);
/** An address with nowhere to break either, `length` characters long. */
const address = (length: number) => `https://example.com/?q=${'x'.repeat(length - 'https://example.com/?q='.length)}`;
/** Every character of `text` under `marks` combining marks (U+0300–U+036F, then round again). */
const zalgo = (text: string, marks: number): string =>
  [...text].map((c, i) => c + Array.from({ length: marks }, (_, j) => String.fromCodePoint(0x300 + ((i * 11 + j) % 0x70))).join('')).join('');
/** The most combining marks on one character of `value`. */
const mostMarks = (value: string): number => Math.max(0, ...(value.match(/\p{M}+/gu) ?? []).map((run) => [...run].length));

const PRIORITY_1 = unbroken('П', 120);
/** Within the transport's bound (4 UTF-16 units a character of the limit), far beyond the cap. */
const PRIORITY_2 = zalgo('Зальго пріоритет', 25);
const IDEA = {
  unbroken: unbroken('А', 120),
  twin: `${unbroken('А', 119)}Я`,
  address: address(120),
  zalgo: zalgo('Лавки в парку біля річки', 15),
  phone: unbroken('Ж', 120),
  corrected: unbroken('Д', 120),
};
const NAME = { long: unbroken('Н', 60), zalgo: zalgo('Оксана', 35) };

interface Width {
  scrollWidth: number;
  width: number;
  /** What sticks out past the right edge, for the failure message. */
  over: string[];
}

/** How wide the page is against its viewport, and which elements reach past it. */
function measure(page: Page, width: number): Promise<Width> {
  return page.evaluate((width) => {
    const over: string[] = [];
    for (const el of document.querySelectorAll('body *')) {
      const r = el.getBoundingClientRect();
      if (r.width > 0 && r.right > width + 0.5) over.push(`${el.tagName.toLowerCase()}.${String(el.getAttribute('class') ?? '')} → ${Math.round(r.right)}`);
    }
    return { scrollWidth: Math.max(document.documentElement.scrollWidth, document.body.scrollWidth), width, over: over.slice(0, 6) };
  }, width);
}

describe.skipIf(!haveBrowser || !built)(`hostile text widens no page (needs ${CHROMIUM} and a built client)`, () => {
  const dir = tempDir();
  let server: TestServer;
  let admin: TestClient;
  let browser: Browser;
  let phone: Page;
  let consolePage: Page;
  const projectors: Page[] = [];
  const phones: TestPhone[] = [];
  const ideas: Record<string, string> = {};
  const errors: string[] = [];

  /** The page fits its width; a screenshot is kept either way. */
  async function fits(page: Page, name: string) {
    await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
    await page.evaluate(() => document.querySelectorAll<HTMLButtonElement>('.toast-close').forEach((b) => b.click()));
    const width = page.viewportSize()!.width;
    const w = await measure(page, width);
    await page.screenshot({ path: join(SHOTS, `${name}-${width}.png`) });
    // Soft: one page too wide does not hide what the walk finds on the next.
    expect.soft(w.scrollWidth, `${name} at ${width}: ${w.over.join('; ')}`).toBeLessThanOrEqual(width);
  }
  const consoleTab = async (tab: string, name = tab) => {
    await consolePage.evaluate((t) => (window.location.hash = t), tab);
    await consolePage.locator(`[role="tabpanel"]#panel-${tab}`).waitFor();
    await fits(consolePage, `console-${name}`);
  };
  const onProjectors = async (name: string, ready: (page: Page) => Promise<unknown>) => {
    for (const page of projectors) {
      await ready(page);
      await fits(page, `screen-${name}`);
    }
  };

  beforeAll(async () => {
    rmSync(SHOTS, { recursive: true, force: true });
    mkdirSync(SHOTS, { recursive: true });
    // The forum's title comes from the template's vision: the longest it may be, unbroken.
    const templatePath = join(dir, 'template.json');
    writeFileSync(templatePath, JSON.stringify({ vision: unbroken('Ф', 200), priorities: [{ code: '1', title: 'Перший', subtitle: '', goals: [] }] }));
    server = await startTestServer({ templatePath });
    admin = await connectConsole(server);
    browser = await launchChromium();
    const context = await browser.newContext({ viewport: { width: 360, height: 640 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true });
    phone = await context.newPage();
    consolePage = await (await browser.newContext({ viewport: { width: 1280, height: 800 } })).newPage();
    for (const size of [{ width: 1280, height: 720 }, { width: 1920, height: 1080 }]) {
      const page = await (await browser.newContext({ viewport: size, reducedMotion: 'reduce' })).newPage();
      projectors.push(page);
    }
    for (const page of [phone, consolePage, ...projectors]) page.on('pageerror', (e) => errors.push(e.message));
  });
  afterAll(async () => {
    for (const p of phones) p.close();
    admin?.close();
    await browser?.close();
    await server?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('lobby: a hostile structure is taken, its zalgo capped; the phone joins under a long name', { timeout: 120_000 }, async () => {
    const structure: Structure = {
      vision: unbroken('В', 200),
      priorities: [
        {
          code: '1',
          title: PRIORITY_1,
          subtitle: address(300),
          color: '',
          goals: [{ code: '1.1', title: unbroken('Ц', 200), tasks: [{ title: unbroken('Т', 200) }] }],
        },
        { code: '2', title: PRIORITY_2, subtitle: zalgo('підзаголовок', 20), color: '', goals: [] },
        { code: '3', title: 'Комфортне місто', subtitle: '', color: '', goals: [] },
      ],
    };
    ok(await admin.send('forum:setStructure', { structure }));
    ok(await admin.send('forum:setRules', { rules: { ideasPerParticipant: 10, dotsPerPriority: 6, maxDotsPerIdea: 3 } }));
    const kept = server.room.state.structure.priorities[1];
    expect(mostMarks(kept.title)).toBeLessThanOrEqual(MARKS_PER_BASE);
    expect(mostMarks(kept.subtitle)).toBeLessThanOrEqual(MARKS_PER_BASE);
    expect(mostMarks(PRIORITY_2)).toBe(25);

    await phone.goto(`${server.url}/?c=${server.joinCode}`);
    await phone.getByLabel('Ваше ім’я (необов’язково)').fill(NAME.long);
    await fits(phone, 'phone-join');
    await phone.getByRole('button', { name: 'Приєднатися' }).click();
    await phone.getByText('Вітаємо', { exact: false }).waitFor();
    await fits(phone, 'phone-lobby');
    await consolePage.goto(`${server.url}/f/${server.slug}/console?key=${encodeURIComponent(server.facilitatorKey)}`);
    await consoleTab('structure');
    for (const page of projectors) await page.goto(`${server.url}/screen?key=${screenKeyOf(server.screenUrl)}`);
    await onProjectors('lobby', (page) => page.locator('img.qr').waitFor());
  });

  it('ideas: zalgo sent raw is capped; every hostile idea, name and reason fits the phone, the console and the projector', { timeout: 120_000 }, async () => {
    ok(await admin.send('phase:set', { to: 'ideas' }));
    phones.push(await joinPhone(server, NAME.zalgo), await joinPhone(server, NAME.long), await joinPhone(server, 'Марта'), await joinPhone(server, 'Остап'));
    const submit = async (p: TestPhone, key: string, priorityCode: string, title: string, extra: { description?: string; place?: string } = {}) => {
      ideas[key] = ok(await p.send('idea:submit', { priorityCode, title, description: extra.description ?? '', place: extra.place ?? '' })).ideaId;
    };
    await submit(phones[1], 'unbroken', '1', IDEA.unbroken, { description: unbroken('Б', 1000), place: unbroken('М', 200) });
    await submit(phones[0], 'zalgo', '1', IDEA.zalgo, { description: zalgo('Опис, у якому кожна літера під десятками знаків', 60), place: zalgo('Біля мосту', 40) });
    await submit(phones[2], 'twin', '1', IDEA.twin);
    await submit(phones[3], 'address', '1', IDEA.address, { description: address(1000) });
    await submit(phones[1], 'second', '2', unbroken('Е', 120));
    await submit(phones[2], 'plain', '2', 'Лавки в парку');
    for (const idea of server.room.state.ideas.values()) {
      for (const text of [idea.title, idea.description, idea.place]) expect(mostMarks(text)).toBeLessThanOrEqual(MARKS_PER_BASE);
    }
    expect(mostMarks([...server.room.state.participants.values()].find((p) => p.name.startsWith('О'))!.name)).toBeLessThanOrEqual(MARKS_PER_BASE);

    // The console's own free text: a table host, a paper card, the word list.
    ok(await admin.send('host:invite', { name: unbroken('Х', 60), scope: null }));
    ok(await admin.send('paper:idea', { priorityCode: '3', title: unbroken('Г', 120), description: zalgo('папір', 80), place: '', author: unbroken('К', 60) }));
    ok(await admin.send('wordList:set', { words: [unbroken('ш', 40), zalgo('слово', 30)] }));

    // The phone proposes in the long priority under the long goal, sees the tasks and the subtitle.
    await phone.getByLabel('Пріоритет').selectOption('1');
    await phone.getByLabel('Стратегічна ціль (необов’язково)').selectOption('1.1');
    await phone.locator('details.goal-tasks summary').click();
    await fits(phone, 'phone-ideas-form');
    // Zalgo typed on the phone: its counter counts what the server will keep, well within the limit.
    const typed = zalgo('Лавки біля річки', 30);
    await phone.getByLabel('Назва ідеї').fill(typed);
    const counter = phone.locator('.field', { has: phone.getByLabel('Назва ідеї') }).locator('.counter');
    expect(textLength(typed)).toBeGreaterThan(120);
    await expect.poll(() => counter.textContent()).toBe(`${textLength(cleanLine(typed))}/120`);
    expect(textLength(cleanLine(typed))).toBeLessThanOrEqual(3 * 16);
    await phone.getByLabel('Назва ідеї').fill(IDEA.phone);
    await phone.getByLabel('Де саме? (необов’язково)').fill(address(200));
    await phone.getByRole('button', { name: 'Надіслати ідею' }).click();
    await phone.getByText('Ідею збережено').waitFor();
    await phone.getByLabel('Назва ідеї').fill(unbroken('Щ', 120));
    await phone.getByRole('button', { name: 'Надіслати ідею' }).click();
    await expect.poll(() => [...server.room.state.ideas.values()].filter((i) => i.title === unbroken('Щ', 120)).length).toBe(1);
    const hidden = [...server.room.state.ideas.values()].find((i) => i.title === unbroken('Щ', 120))!.id;
    ok(await admin.send('idea:hide', { ideaId: hidden, reason: unbroken('Р', 300) }));
    ok(await admin.send('idea:correct', { ideaId: ideas.address, title: IDEA.corrected, description: address(1000), place: unbroken('Л', 200) }));
    await phone.locator('.error-text', { hasText: unbroken('Р', 20) }).waitFor();
    // The wall lists the priorities: the one holding the unbroken title opened.
    const unbrokenIn = [...server.room.state.ideas.values()].find((i) => i.title === IDEA.unbroken)!.priorityCode;
    await phone.locator(`button.wall-priority[data-priority="${unbrokenIn}"]`).click();
    await phone.locator('.idea-title', { hasText: IDEA.unbroken }).waitFor();
    await fits(phone, 'phone-ideas');
    await phone.locator('.idea', { hasText: IDEA.unbroken }).scrollIntoViewIfNeeded();
    await fits(phone, 'phone-ideas-others');

    for (const tab of ['overview', 'admission', 'hosts', 'ideas', 'duplicates', 'paper', 'log', 'export']) await consoleTab(tab);
    await onProjectors('ideas', (page) => page.locator('.newest-title').first().waitFor());
  });

  it('review and voting: merges, a voided ballot, the stepper, the lists and the summary', { timeout: 120_000 }, async () => {
    ok(await admin.send('phase:set', { to: 'review' }));
    await onProjectors('review', (page) => page.getByText('Модератори переглядають ідеї').waitFor());
    // The twins as the console offers them, then merged: the merge shows in its list and the log.
    await consolePage.evaluate(() => (window.location.hash = 'duplicates'));
    await consolePage.locator('#panel-duplicates').waitFor();
    await fits(consolePage, 'console-duplicates-review');
    await consolePage.getByRole('button', { name: /^Залишити цю/ }).first().click();
    await consolePage.locator('dialog[open]').waitFor();
    await fits(consolePage, 'console-merge-dialog');
    await consolePage.keyboard.press('Escape');
    await consolePage.locator('dialog[open]').waitFor({ state: 'detached' });
    ok(await admin.send('phase:set', { to: 'voting' }));
    const spare = await joinPhone(server, NAME.long);
    phones.push(spare);
    const dot = async (p: TestPhone, key: string, n = 1) => {
      for (let i = 0; i < n; i++) ok(await p.send('dot:place', { ideaId: ideas[key] }));
    };
    // A tie at rank 1 in priority 1, and one in priority 2.
    await dot(phones[0], 'unbroken', 3);
    await dot(phones[1], 'address', 3);
    await dot(phones[2], 'zalgo', 2);
    await dot(phones[3], 'twin', 1);
    await dot(phones[0], 'second', 2);
    await dot(phones[1], 'plain', 2);
    await dot(spare, 'unbroken', 1);
    ok(await admin.send('participant:void', { participantId: spare.me.participantId, reason: unbroken('Ч', 300) }));
    ok(await admin.send('idea:merge', { into: ideas.unbroken, ideas: [ideas.twin] }));

    await phone.getByRole('heading', { name: 'Голосування крапками' }).waitFor();
    await fits(phone, 'phone-voting-stepper');
    await phone.getByRole('navigation', { name: 'Пріоритети голосування' }).getByRole('button').first().click();
    await phone.locator('.idea-title', { hasText: IDEA.corrected }).waitFor();
    await phone.getByRole('button', { name: /^Додати крапку ідеї/ }).first().click();
    await phone.locator('.save-status', { hasText: 'Збережено' }).waitFor();
    await fits(phone, 'phone-voting-list');
    await phone.locator('.idea', { hasText: IDEA.corrected }).scrollIntoViewIfNeeded();
    await fits(phone, 'phone-voting-list-address');
    await phone.getByRole('navigation', { name: 'Пріоритети голосування' }).getByRole('button', { name: /Мої крапки/ }).click();
    await phone.getByRole('heading', { name: 'Мої крапки', level: 2 }).waitFor();
    await fits(phone, 'phone-voting-summary');

    for (const tab of ['overview', 'admission', 'ideas', 'duplicates', 'log']) await consoleTab(tab, `${tab}-voting`);
    await onProjectors('voting', (page) => page.getByText('Уже проголосували', { exact: false }).waitFor());
  });

  it('results: the phone, the projector’s charts and final slide, the console, the public page, the report, the poster and the pictures', { timeout: 120_000 }, async () => {
    ok(await admin.send('phase:set', { to: 'results' }));
    ok(await admin.send('priority:reveal', { priorityCode: '1' }));
    await onProjectors('results-1', (page) => page.locator('.chart h2', { hasText: PRIORITY_1.slice(0, 10) }).waitFor());
    ok(await admin.send('priority:reveal', { priorityCode: '2' }));
    await onProjectors('results-2', (page) => expect.poll(() => page.locator('.chart h2').textContent()).not.toContain(PRIORITY_1.slice(0, 10)));
    ok(await admin.send('display:show', { display: { slide: 'final' } }));
    await onProjectors('final', (page) => page.getByRole('heading', { name: 'Переможці за пріоритетами' }).waitFor());
    ok(await admin.send('display:show', { display: { slide: 'priority', priorityCode: '1' } }));

    await phone.locator('.result h2', { hasText: PRIORITY_1.slice(0, 10) }).waitFor();
    await fits(phone, 'phone-results');
    await expect.poll(() => phone.locator('.result').count()).toBe(2);
    await phone.locator('.result').last().scrollIntoViewIfNeeded();
    await fits(phone, 'phone-results-zalgo');

    await consoleTab('results');
    await consoleTab('export', 'export-results');

    ok(await admin.send('results:publish', { published: true }));
    await phone.goto(`${server.url}/f/${server.slug}/results`);
    await fits(phone, 'page-results');
    // Pages made for an A4 sheet are looked at on a laptop before printing: at the sheet's width.
    ok(await admin.send('tickets:issue', { count: 2 }));
    const grant = ok(await admin.send('export:grant', {})).grant;
    const sheet = await (await browser.newContext({ viewport: { width: 800, height: 1000 } })).newPage();
    for (const path of ['report', 'poster', 'tickets']) {
      await sheet.goto(`${server.url}/f/${server.slug}/console/${path}?grant=${grant}&lang=uk`);
      await fits(sheet, `page-${path}`);
    }
    await sheet.context().close();

    // The pictures the console offers: no line of text runs past the picture's edge.
    for (const size of ['slide', 'post']) {
      for (const code of ['1', '2']) {
        // Served as a download: drawn here inline, as the console draws it to make a PNG.
        const svg = await (await fetch(`${server.url}/f/${server.slug}/api/chart/${code}.svg?size=${size}&grant=${grant}`)).text();
        await consolePage.setContent(`<!doctype html><body style="margin:0">${svg}</body>`);
        const beyond = await consolePage.evaluate(() => {
          const svg = document.querySelector('svg')!;
          const width = svg.viewBox.baseVal.width;
          return [...svg.querySelectorAll('text')].filter((t) => t.getBBox().x + t.getBBox().width > width || t.getBBox().x < 0).map((t) => t.textContent);
        });
        expect(beyond, `chart ${code} ${size}`).toEqual([]);
        await consolePage.screenshot({ path: join(SHOTS, `chart-${code}-${size}.png`), fullPage: true });
      }
    }
    expect(errors).toEqual([]);
  });

  it('the chooser of forums and the console’s list of them, with a second forum under a long title', async () => {
    const list = await connect(server.url, { role: 'console', key: server.facilitatorKey });
    await list.next('forums');
    const created = (await list.socket.timeout(10_000).emitWithAck('forums:create', { title: unbroken('Ю', 200), from: { kind: 'template' } })) as Ack<unknown>;
    list.close();
    ok(created);
    await phone.goto(`${server.url}/`);
    await phone.getByRole('link', { name: unbroken('Ю', 200) }).waitFor();
    await fits(phone, 'page-chooser');
    // And the console's list of forums, with the forum log under it.
    await consolePage.goto(`${server.url}/console?key=${encodeURIComponent(server.facilitatorKey)}`);
    await consolePage.getByText(unbroken('Ю', 200)).first().waitFor();
    await fits(consolePage, 'console-forums');
  });
});
