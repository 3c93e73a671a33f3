// The console's review of similar ideas in Chromium: duplicates to merge, themes (the same project
// at places apart) shown apart with their places and no merge button, and the three nearest ideas
// under each idea in the ideas' review. Screenshots at 1280×720 and 1920×1080.

import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  connectConsole,
  joinPhone,
  ok,
  ROOT,
  startTestServer,
  type TestClient,
  type TestPhone,
  type TestServer,
} from '../../server/test/harness.js';
import { CHROMIUM, haveBrowser, launchChromium, violations } from './chromium.js';

const SHOTS = join(ROOT, 'test-results/duplicates');
const ready = haveBrowser && existsSync(join(ROOT, 'dist/client/console/index.html'));
if (process.env.CI === 'true' && !ready) throw new Error(`CI needs Chromium at ${CHROMIUM} and the built client`);

const IDEAS: [title: string, place: string][] = [
  ['Відремонтувати тротуари на Київській', ''],
  ['Ремонт тротуарів', 'вул. Київська'],
  ['Відремонтувати тротуари на Чуднівській', ''],
  ['Прибрати мусор біля остановки', ''],
  ['Вивезти сміття біля зупинки', ''],
  ['Басейн для дітей', 'Богунія'],
];

describe.skipIf(!ready)(`similar ideas in the console (needs ${CHROMIUM} and a built client)`, () => {
  let server: TestServer;
  let browser: Browser;
  let admin: TestClient;
  const phones: TestPhone[] = [];

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    server = await startTestServer();
    browser = await launchChromium();
    admin = await connectConsole(server);
    ok(await admin.send('forum:setRules', { rules: { ideasPerParticipant: 5, dotsPerPriority: 4, maxDotsPerIdea: 2 } }));
    ok(await admin.send('phase:set', { to: 'ideas' }));
    for (const [n, [title, place]] of IDEAS.entries()) {
      const phone = await joinPhone(server, `Мешканець ${n + 1}`);
      phones.push(phone);
      ok(await phone.send('idea:submit', { priorityCode: '1', title, place }));
    }
  });
  afterAll(async () => {
    for (const p of phones) p.close();
    admin?.close();
    await browser?.close();
    await server?.stop();
  });

  const open = async (viewport: { width: number; height: number }): Promise<Page> => {
    const page = await (await browser.newContext({ viewport, bypassCSP: true })).newPage();
    page.setDefaultTimeout(20_000);
    await page.goto(`${server.url}/f/${server.slug}/console?key=${encodeURIComponent(server.facilitatorKey)}`);
    return page;
  };

  it.each([
    { width: 1280, height: 720 },
    { width: 1920, height: 1080 },
  ])('shows duplicates to merge and themes apart, never to merge, at $width×$height', { timeout: 90_000 }, async (viewport) => {
    const page = await open(viewport);
    await page.getByRole('tab', { name: /Дублікати/ }).click();
    const themes = page.getByRole('region', { name: /Той самий задум у різних місцях/ });
    await themes.waitFor();
    // The theme holds the three pavement repairs, each with its place, and no button to merge.
    const theme = themes.locator('li.dup-theme');
    await expect.poll(() => theme.count(), { timeout: 20_000 }).toBe(1);
    expect(await theme.locator('.dup-title').allTextContents()).toEqual(IDEAS.slice(0, 3).map(([t]) => t));
    expect(await theme.getByText('Не об’єднувати').count()).toBe(1);
    expect(await themes.getByRole('button').count()).toBe(0);
    expect(await theme.locator('.dup-place').allTextContents()).toContain('Місце: вул. Київська');
    // The groups to merge: the two on Київська, and the rubbish by the stop (surzhyk and Ukrainian).
    const groups = page.locator('.dup-priority li.dup-group');
    await expect.poll(() => groups.count()).toBe(2);
    const merged = await groups.locator('.dup-title').allTextContents();
    expect(merged).toContain('Прибрати мусор біля остановки');
    expect(merged).not.toContain('Відремонтувати тротуари на Чуднівській');
    expect(await violations(page)).toEqual([]);
    await page.screenshot({ path: join(SHOTS, `duplicates-${viewport.width}.png`), fullPage: false });
    await themes.scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(SHOTS, `themes-${viewport.width}.png`) });
    await page.context().close();
  });

  it('names the three nearest ideas under an idea under review, and goes to one', { timeout: 90_000 }, async () => {
    const page = await open({ width: 1280, height: 720 });
    await page.getByRole('tab', { name: 'Ідеї' }).click();
    const card = page.locator('li.idea-card', { has: page.getByRole('heading', { name: IDEAS[0][0] }) });
    const nearest = card.locator('.idea-nearest');
    await nearest.getByText('Найсхожіші ідеї').waitFor();
    const items = nearest.locator('li');
    await expect.poll(() => items.count()).toBe(2);
    expect(await items.first().textContent()).toMatch(/^Ремонт тротуарів \(\d+ %\)$/);
    expect(await items.nth(1).textContent()).toContain('Відремонтувати тротуари на Чуднівській');
    // Nothing like the pool was proposed: nothing under it.
    const pool = page.locator('li.idea-card', { has: page.getByRole('heading', { name: 'Басейн для дітей' }) });
    expect(await pool.locator('.idea-nearest').count()).toBe(0);
    expect(await violations(page)).toEqual([]);
    await card.scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(SHOTS, 'nearest-1280.png') });
    await items.first().getByRole('link').click();
    await expect.poll(() => page.evaluate(() => document.activeElement?.textContent)).toBe('Ремонт тротуарів');
    await page.context().close();
  });
});
