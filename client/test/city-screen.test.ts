// The projector in a city vote, in Chromium at 1920×1080 and 1280×720: before the vote opens, its
// title, rules and budgets and that it has not opened; while open, the QR and address to vote by;
// once closed, that it is, with no priority slide, no dots and no count of votes at any time.
// Screenshots go to test-results/city-screen/ for a person to look at.

import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { firstForum, forumAt, newCityForum } from '../../server/test/cityForum.js';
import { connectConsole, ok, ROOT, startTestServer, type TestClient, type TestServer } from '../../server/test/harness.js';
import { CHROMIUM, haveBrowser, launchChromium, violations } from './chromium.js';

const built = existsSync(join(ROOT, 'dist/client/screen/index.html'));
if (process.env.CI === 'true' && (!haveBrowser || !built)) throw new Error(`CI needs Chromium at ${CHROMIUM} and the built client`);

const SHOTS = join(ROOT, 'test-results/city-screen');
const TITLE = 'Громадський бюджет Житомира 2027: проєкти мешканців для центру, Богунії та Корольовського району';

describe.skipIf(!haveBrowser || !built)(`the projector in a city vote (needs ${CHROMIUM} and a built client)`, () => {
  let server: TestServer;
  let browser: Browser;
  let slug: string;
  let admin: TestClient;
  const clients: TestClient[] = [];
  const keep = <T extends TestClient>(c: T): T => (clients.push(c), c);
  const pages: Page[] = [];

  beforeAll(async () => {
    rmSync(SHOTS, { recursive: true, force: true });
    mkdirSync(SHOTS, { recursive: true });
    server = await startTestServer({ publicUrl: 'http://viche.test:{port}' });
    const made = await newCityForum(server, keep, await firstForum(server, keep));
    slug = made.slug;
    admin = keep(await connectConsole(forumAt(server, slug)));
    ok(
      await admin.send('city:setVote', {
        vote: {
          title: TITLE,
          budgets: [
            { id: 'centre', name: 'Центр і Богунія', amount: 1_000_000 },
            { id: 'city', name: 'Загальноміські проєкти для всіх районів Житомира', amount: 2_500_000 },
          ],
          projects: [
            { id: 'park', budgetId: 'centre', cost: 480_000, title: 'Відновити старий парк над Тетеревом' },
            { id: 'crossing', budgetId: 'centre', cost: 490_000, title: 'Безпечний перехід біля школи' },
            { id: 'library', budgetId: 'city', cost: 300_000, title: 'Книги для бібліотек' },
          ],
          ballot: { kind: 'approval', maxChoices: 2 },
          counting: { kind: 'greedy' },
          tie: { kind: 'cheaperThenListed' },
        },
      }),
    );
    browser = await launchChromium(['--host-resolver-rules=MAP viche.test 127.0.0.1']);
    for (const [width, height] of [
      [1920, 1080],
      [1280, 720],
    ]) {
      const page = await (await browser.newContext({ viewport: { width, height }, bypassCSP: true })).newPage();
      await page.goto(forumAt(server, slug).screenUrl.replace('viche.test:9', `viche.test:${server.port}`));
      pages.push(page);
    }
  });
  afterAll(async () => {
    for (const c of clients) c.close();
    await browser?.close();
    await server?.stop();
  });

  const shoot = async (name: string) => {
    for (const page of pages) {
      const { width, height } = page.viewportSize()!;
      await page.screenshot({ path: join(SHOTS, `${name}-${width}x${height}.png`) });
      // Nothing leaves the screen: the slide fits the projector.
      const overflow = await page.evaluate(() => document.documentElement.scrollHeight - window.innerHeight);
      expect(overflow).toBeLessThanOrEqual(0);
    }
  };

  it('shows the vote, its rules and budgets before it opens, and that it has not', async () => {
    for (const page of pages) {
      await page.getByRole('heading', { name: TITLE }).waitFor();
      await page.getByText('Голосування ще не відкрито.').waitFor();
      await page.getByText('1 000 000 грн').waitFor();
      await page.getByText('Загальноміські проєкти для всіх районів Житомира').waitFor();
      await page.getByText('У кожному бюджеті оберіть проєкти: від 1 до 2.').waitFor();
      expect(await page.locator('.qr').count()).toBe(0);
      expect(await violations(page)).toEqual([]);
    }
    await shoot('1-lobby');
  });

  it('while open, the QR and the address to vote by, and no priorities nor dots', async () => {
    ok(await admin.send('phase:set', { to: 'voting' }));
    for (const page of pages) {
      await page.getByText('Голосуйте з телефона').waitFor();
      await page.locator('.qr').waitFor();
      expect(await page.locator('.voting, .priority-count, .bar-label').count()).toBe(0);
      expect(await violations(page)).toEqual([]);
    }
    await shoot('2-voting');
    // In English.
    await pages[0].locator('.lang-toggle').click();
    await pages[0].getByText('Vote on your phone').waitFor();
    await pages[0].getByText('UAH 1,000,000').waitFor();
    await pages[0].screenshot({ path: join(SHOTS, '2-voting-en-1920x1080.png') });
    await pages[0].locator('.lang-toggle').click();
  });

  it('once closed, says so, without the QR', async () => {
    ok(await admin.send('phase:set', { to: 'results' }));
    for (const page of pages) {
      await page.getByText('Голосування завершено. Дякуємо!').waitFor();
      expect(await page.locator('.qr').count()).toBe(0);
    }
    await shoot('3-closed');
  });
});
