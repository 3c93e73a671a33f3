// The console's participants in pages, in Chromium at 1280×720 and 1920×1080: past the threshold
// (set low here) the panel shows a page of 50 with a search box and a pager, asks the server for
// each page and each search, and asks again when a row changes; axe-core finds nothing. Screenshots
// go to test-results/console-pages/.

import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { joinPhone, ok, ROOT, startTestServer, type TestPhone, type TestServer } from '../../server/test/harness.js';
import { CHROMIUM, haveBrowser, launchChromium, violations } from './chromium.js';

const built = existsSync(join(ROOT, 'dist/client/console/index.html'));
if (process.env.CI === 'true' && (!haveBrowser || !built)) throw new Error(`CI needs Chromium at ${CHROMIUM} and the built client`);

const SHOTS = join(ROOT, 'test-results/console-pages');

describe.skipIf(!haveBrowser || !built)(`the console's participants in pages (needs ${CHROMIUM} and a built client)`, () => {
  let server: TestServer;
  let browser: Browser;
  let page: Page;
  const phones: TestPhone[] = [];
  const errors: string[] = [];
  const panel = () => page.locator('section.participants');
  const names = async () => (await panel().locator('.participant-name').allTextContents()).map((s) => s.trim());

  beforeAll(async () => {
    rmSync(SHOTS, { recursive: true, force: true });
    mkdirSync(SHOTS, { recursive: true });
    server = await startTestServer({ consolePagedAbove: 20, displayThrottleMs: 0 });
    for (let i = 1; i <= 60; i++) phones.push(await joinPhone(server, `Мешканка ${i}`));
    browser = await launchChromium();
    page = await (await browser.newContext({ viewport: { width: 1280, height: 720 }, bypassCSP: true })).newPage();
    page.on('pageerror', (e) => errors.push(e.message));
  }, 120_000);
  afterAll(async () => {
    for (const c of phones) c.close();
    await browser?.close();
    await server?.stop();
  });

  it('shows the newest 50 with a pager, and the next page on asking', async () => {
    await page.goto(`${server.url}/f/1/console?key=${server.facilitatorKey}`);
    await panel().getByText('Показано 1–50 з 60').waitFor();
    expect((await names()).slice(0, 3)).toEqual(['Мешканка 60', 'Мешканка 59', 'Мешканка 58']);
    expect(await names()).toHaveLength(50);
    await panel().scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(SHOTS, '1-first-page-1280.png') });
    await panel().getByRole('button', { name: 'Наступна сторінка' }).click();
    await panel().getByText('Показано 51–60 з 60').waitFor();
    expect(await names()).toEqual(Array.from({ length: 10 }, (_, i) => `Мешканка ${10 - i}`));
    expect(await panel().getByRole('button', { name: 'Наступна сторінка' }).isDisabled()).toBe(true);
    expect(await violations(page)).toEqual([]);
  });

  it('searches on the server as one types, and shows a row changed meanwhile', async () => {
    await panel().getByLabel('Знайти учасника').fill('мешканка 7');
    await panel().getByText('Показано 1–1 з 1').waitFor();
    expect(await names()).toEqual(['Мешканка 7']);
    ok(await phones[6].send('participant:rename', { name: 'Мешканка 7, Оксана' }));
    await panel().getByText('Мешканка 7, Оксана').waitFor();
    await panel().getByLabel('Знайти учасника').fill('нікого такого');
    await panel().getByText('Нікого не знайдено.').waitFor();
    await panel().getByLabel('Знайти учасника').fill('мешканка 1');
    await panel().getByText('Показано 1–11 з 11').waitFor();
    await page.setViewportSize({ width: 1920, height: 1080 });
    await panel().scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(SHOTS, '2-search-1920.png') });
    expect(await violations(page)).toEqual([]);
    expect(errors).toEqual([]);
  });
});
