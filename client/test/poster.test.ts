// The join poster and the public results page in a real Chromium. The poster is printed to an A4
// PDF, read back as text (pdftotext) and as pixels (pdftoppm), and its QR decoded as a phone's
// camera would: with the fixed code it opens the join page with the code, with the hall's code or
// tickets it opens the join page alone and says where the code is. Then the console publishes the
// results page from the Results tab, and the page is checked on a 360 px phone (no sideways
// scroll) and by axe-core. Screenshots go to test-results/public/, to be looked at.

import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { groupCode } from '../lib/format.js';
import { connectConsole, joinPhone, ok, ROOT, startTestServer, tempDir, type TestClient, type TestPhone, type TestServer } from '../../server/test/harness.js';
import { CHROMIUM, decodeQr, haveBrowser, launchChromium, violations } from './chromium.js';

const built = existsSync(join(ROOT, 'dist/client/console/index.html'));
const havePoppler = existsSync('/usr/bin/pdftoppm') && existsSync('/usr/bin/pdftotext');
if (process.env.CI === 'true' && !(haveBrowser && built && havePoppler)) {
  throw new Error(`CI needs Chromium at ${CHROMIUM}, poppler-utils and the built client: .ci/run installs them`);
}

const SHOTS = join(ROOT, 'test-results/public');
const LONG_TITLE = 'Реконструкція пішохідної зони вздовж вулиці Великої Бердичівської з новим освітленням і лавками';

// Outside CI a machine without Chromium, poppler-utils or a build skips these, saying why.
describe.skipIf(!haveBrowser || !built || !havePoppler)('the join poster and the public results page (needs Chromium, poppler-utils and a built client)', () => {
  let server: TestServer;
  let admin: TestClient;
  let browser: Browser;
  let dir: string;
  let origin: string;
  /** The forum's own address: the server's and /f/<slug>. */
  let forumBase: string;
  const phones: TestPhone[] = [];

  beforeAll(async () => {
    dir = tempDir();
    mkdirSync(SHOTS, { recursive: true });
    server = await startTestServer({ admission: 'open', publicUrl: 'http://viche.test:{port}' });
    origin = `http://viche.test:${server.port}`;
    forumBase = `${origin}/f/${server.slug}`;
    admin = await connectConsole(server);
    browser = await launchChromium(['--host-resolver-rules=MAP viche.test 127.0.0.1']);
  });
  afterAll(async () => {
    await browser?.close();
    for (const p of phones) p.close();
    admin?.close();
    await server?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  /** Prints the poster to A4; gives its text, its pages and the QR read from the first page's pixels. */
  async function printPoster(name: string): Promise<{ text: string; pages: number; qr: string | null }> {
    const { grant } = ok(await admin.send('export:grant', {}));
    const page = await browser.newPage({ viewport: { width: 820, height: 1160 } });
    const res = await page.goto(`${server.url}/f/${server.slug}/console/poster?grant=${grant}`);
    expect(res?.status()).toBe(200);
    await page.screenshot({ path: join(SHOTS, `poster-${name}-screen.png`), fullPage: true });
    const pdf = join(dir, `poster-${name}.pdf`);
    writeFileSync(pdf, await page.pdf({ format: 'A4', printBackground: true }));
    await page.close();
    const text = execFileSync('pdftotext', ['-layout', pdf, '-'], { encoding: 'utf8' });
    const pages = text.split('\f').filter((p) => p.trim()).length;
    execFileSync('pdftoppm', ['-r', '150', '-png', pdf, join(dir, name)]);
    const images = readdirSync(dir).filter((f) => f.startsWith(`${name}-`) && f.endsWith('.png')).sort();
    const png = readFileSync(join(dir, images[0]));
    writeFileSync(join(SHOTS, `poster-${name}-print.png`), png);
    return { text, pages, qr: decodeQr(png) };
  }

  it('open mode: one A4 page with the title, the short address, the grouped code, and a QR that carries the code', async () => {
    const poster = await printPoster('open');
    expect(poster.pages).toBe(1);
    expect(poster.text).toContain('Житомир 2030');
    expect(poster.text).toContain(`viche.test:${server.port}/f/${server.slug}`);
    expect(poster.text).toContain(groupCode(server.joinCode));
    expect(poster.text).toContain('Код форуму');
    expect(poster.text).not.toContain('Друкувати');
    expect(poster.qr).toBe(`${forumBase}/?c=${server.joinCode}`);
  });

  it('hall and tickets modes: the QR opens the join page without a code, and the poster says where the code is', async () => {
    ok(await admin.send('admission:setMode', { mode: 'hall' }));
    const hall = await printPoster('hall');
    expect(hall.pages).toBe(1);
    expect(hall.qr).toBe(`${forumBase}/`);
    expect(hall.text).toContain('Код — на екрані в залі');
    expect(hall.text).toContain(`viche.test:${server.port}/f/${server.slug}`);
    expect(hall.text).not.toContain(groupCode(server.joinCode));

    ok(await admin.send('admission:setMode', { mode: 'tickets' }));
    const tickets = await printPoster('tickets');
    expect(tickets.pages).toBe(1);
    expect(tickets.qr).toBe(`${forumBase}/`);
    expect(tickets.text).toContain('Код — на вашому квитку');
    ok(await admin.send('admission:setMode', { mode: 'open' }));
  });

  it('a long title still leaves the poster one page, its QR whole', async () => {
    const structure = server.room.state.structure;
    const long = 'Житомир 2030 — місто, де кожен мешканець може запропонувати ідею й проголосувати за зміни на своїй вулиці, у своєму дворі та парку';
    // The longest a vision may be, in words of Ukrainian length.
    const longest = `${long}, а також у школі, бібліотеці, на ринку й зупинці ${'а'.repeat(200)}`.slice(0, 200);
    for (const [name, vision] of [['long-title', long], ['longest-title', longest]] as const) {
      ok(await admin.send('forum:setStructure', { structure: { ...structure, vision } }));
      const poster = await printPoster(name);
      expect(poster.pages, name).toBe(1);
      expect(poster.text.replace(/\s+/g, ' ')).toContain('Житомир 2030 — місто, де кожен мешканець');
      expect(poster.qr, name).toBe(`${forumBase}/?c=${server.joinCode}`);
    }
    ok(await admin.send('forum:setStructure', { structure }));
  });

  it('refuses the poster without a grant or the key', async () => {
    expect((await fetch(`${server.url}/f/${server.slug}/console/poster`)).status).toBe(403);
  });

  let consolePage: Page;

  it('the console: the poster link in Export; publishing waits for a reveal, then shows the state, the link and its QR', async () => {
    const context = await browser.newContext({ viewport: { width: 1366, height: 900 }, bypassCSP: true });
    consolePage = await context.newPage();
    await consolePage.goto(`${server.url}/f/${server.slug}/console?key=${encodeURIComponent(server.facilitatorKey)}`);
    await consolePage.getByRole('tab', { name: 'Експорт' }).click();
    const posterLink = consolePage.getByRole('link', { name: /Плакат для входу \(A4\)/ });
    await posterLink.waitFor();
    await posterLink.scrollIntoViewIfNeeded();
    await consolePage.screenshot({ path: join(SHOTS, 'console-export-poster.png') });
    expect(await posterLink.getAttribute('href')).toMatch(new RegExp(`^/f/${server.slug}/console/poster\\?grant=[^&]+&lang=uk$`));

    // A forum voted on, in the results phase, nothing revealed yet.
    for (const name of ['Оксана Тестова', 'Петро', 'Марія']) phones.push(await joinPhone(server, name));
    ok(await admin.send('phase:set', { to: 'ideas' }));
    const ids: string[] = [];
    for (const [i, title] of [LONG_TITLE, 'Кабінет мешканця', 'Прозорі закупівлі', 'Велодоріжка на Київській'].entries()) {
      ids.push(ok(await phones[i % phones.length].send('idea:submit', { priorityCode: '1', title })).ideaId);
    }
    ok(await phones[0].send('idea:submit', { priorityCode: '5', title: 'Сквер біля річки', goalCode: '5.4' }));
    ok(await admin.send('phase:set', { to: 'review' }));
    ok(await admin.send('phase:set', { to: 'voting' }));
    for (const [phone, idea] of [[0, 0], [1, 0], [2, 0], [0, 1], [1, 1], [2, 2], [2, 2]] as const) ok(await phones[phone].send('dot:place', { ideaId: ids[idea] }));
    ok(await admin.send('phase:set', { to: 'results' }));

    await consolePage.getByRole('tab', { name: 'Результати' }).click();
    const section = consolePage.getByRole('region', { name: 'Публічна сторінка результатів' });
    await section.waitFor();
    const publish = section.getByRole('button', { name: 'Оприлюднити результати' });
    expect(await publish.isDisabled()).toBe(true);
    expect(await section.getByText('Оприлюднити сторінку можна на етапі «Результати», щойно буде оголошено хоча б один пріоритет.').isVisible()).toBe(true);
    expect(await publish.getAttribute('aria-describedby')).toContain('publish-locked');

    ok(await admin.send('priority:reveal', { priorityCode: '1' }));
    await expect.poll(() => publish.isEnabled(), { timeout: 10_000 }).toBe(true);
    await publish.focus();
    await consolePage.keyboard.press('Enter');
    await section.getByText('✓ Оприлюднено: сторінка відкрита для всіх.').waitFor();
    await consolePage.getByText('Результати оприлюднено.').waitFor();
    expect(server.room.state.publicResults).toBe(true);
    // The same button now takes the page down, and kept the keyboard's focus.
    const unpublish = section.getByRole('button', { name: 'Зняти з публікації' });
    expect(await unpublish.evaluate((el) => el === document.activeElement)).toBe(true);
    expect(await section.getByText('На сторінці лише оголошені пріоритети (1 з 6)', { exact: false }).isVisible()).toBe(true);

    const link = section.getByRole('link', { name: /Відкрити сторінку/ });
    expect(await link.getAttribute('href')).toBe(`${forumBase}/results`);
    expect(await section.getByLabel('Посилання').inputValue()).toBe(`${forumBase}/results`);
    const qr = section.getByRole('img', { name: 'QR-код публічної сторінки результатів' });
    await expect.poll(() => qr.evaluate((img) => (img as HTMLImageElement).naturalWidth), { timeout: 10_000 }).toBeGreaterThan(0);
    expect(decodeQr(await qr.screenshot())).toBe(`${forumBase}/results`);
    await section.scrollIntoViewIfNeeded();
    await consolePage.screenshot({ path: join(SHOTS, 'console-publish.png') });
    expect(await violations(consolePage)).toEqual([]);
  });

  it('the page on a 360 px phone: no sideways scroll, axe finds nothing; and at 1280 × 720', async () => {
    for (const [lang, query] of [['uk', ''], ['en', '?lang=en']] as const) {
      const phone = await (await browser.newContext({ viewport: { width: 360, height: 640 }, isMobile: true, hasTouch: true, bypassCSP: true })).newPage();
      const res = await phone.goto(`${forumBase}/results${query}`);
      expect(res?.status()).toBe(200);
      await phone.getByRole('heading', { level: 1, name: 'Житомир 2030' }).waitFor();
      const widths = await phone.evaluate(() => ({ scroll: document.documentElement.scrollWidth, client: document.documentElement.clientWidth }));
      expect(widths.scroll).toBeLessThanOrEqual(widths.client);
      expect(await violations(phone)).toEqual([]);
      await phone.screenshot({ path: join(SHOTS, `results-360-${lang}.png`), fullPage: true });
      await phone.screenshot({ path: join(SHOTS, `results-360-${lang}-first-screen.png`) });
      // The other language's link stays within the forum's own address.
      await phone.getByRole('link', { name: lang === 'uk' ? 'English' : 'Українська' }).click();
      await phone.waitForURL(lang === 'uk' ? `${forumBase}/results?lang=en` : `${forumBase}/results`);
      expect(await phone.locator('html').getAttribute('lang')).toBe(lang === 'uk' ? 'en' : 'uk');
      await phone.context().close();
    }
    const wide = await (await browser.newContext({ viewport: { width: 1280, height: 720 }, bypassCSP: true })).newPage();
    await wide.goto(`${forumBase}/results`);
    expect(await violations(wide)).toEqual([]);
    await wide.screenshot({ path: join(SHOTS, 'results-1280.png'), fullPage: true });
    await wide.screenshot({ path: join(SHOTS, 'results-1280-first-screen.png') });
    await wide.context().close();
  });

  it('taken down from the console, the page says so, readably', async () => {
    const section = consolePage.getByRole('region', { name: 'Публічна сторінка результатів' });
    await section.getByRole('button', { name: 'Зняти з публікації' }).click();
    await section.getByText('Не оприлюднено', { exact: false }).waitFor();
    expect(server.room.state.publicResults).toBe(false);
    const phone = await (await browser.newContext({ viewport: { width: 360, height: 640 }, isMobile: true, bypassCSP: true })).newPage();
    const res = await phone.goto(`${forumBase}/results`);
    expect(res?.status()).toBe(404);
    await phone.getByText('Результати ще не оприлюднено.').waitFor();
    expect(await violations(phone)).toEqual([]);
    await phone.screenshot({ path: join(SHOTS, 'results-not-published-360.png') });
    await phone.context().close();
    await consolePage.context().close();
  });
});
