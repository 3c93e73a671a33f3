// The city vote's personal data in Chromium: the phone's proof step links to the data-protection
// notice, which reads at 360×640 in Ukrainian and English; after the close the console's city tab
// deletes the data behind a confirmation and says who did it and when; axe-core on each.
// Screenshots go to test-results/city-privacy/.

import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { definition, firstForum, forumAt, newCityForum } from '../../server/test/cityForum.js';
import { connectConsole, ok, ROOT, startTestServer, type TestClient, type TestServer } from '../../server/test/harness.js';
import { CHROMIUM, haveBrowser, launchChromium, violations } from './chromium.js';

const built = existsSync(join(ROOT, 'dist/client/console/index.html'));
if (process.env.CI === 'true' && (!haveBrowser || !built)) throw new Error(`CI needs Chromium at ${CHROMIUM} and the built client`);

const SHOTS = join(ROOT, 'test-results/city-privacy');

describe.skipIf(!haveBrowser || !built)(`the city vote's personal data (needs ${CHROMIUM} and a built client)`, () => {
  let server: TestServer;
  let browser: Browser;
  let slug: string;
  let admin: TestClient;
  const clients: TestClient[] = [];
  const keep = <T extends TestClient>(c: T): T => (clients.push(c), c);

  beforeAll(async () => {
    rmSync(SHOTS, { recursive: true, force: true });
    mkdirSync(SHOTS, { recursive: true });
    server = await startTestServer();
    const made = await newCityForum(server, keep, await firstForum(server, keep));
    slug = made.slug;
    admin = keep(await connectConsole(forumAt(server, slug)));
    ok(await admin.send('identity:setMethod', { method: 'codes' }));
    const privacy = { controller: 'Виконавчий комітет Житомирської міської ради', contact: 'вул. Героїв Майдану, 1, Житомир; privacy@zt-rada.gov.ua', retainUntil: '2099-01-31' };
    ok(await admin.send('city:setVote', { vote: definition(made.ideas, { privacy }) }));
    ok(await admin.send('phase:set', { to: 'voting' }));
    browser = await launchChromium();
  }, 120_000);
  afterAll(async () => {
    for (const c of clients) c.close();
    await browser?.close();
    await server?.stop();
  });

  it('links the notice from the proof step, and the notice reads on a phone', async () => {
    const phone = await (await browser.newContext({ viewport: { width: 360, height: 640 }, isMobile: true, bypassCSP: true })).newPage();
    await phone.goto(`${server.url}/f/${slug}/`);
    await phone.getByRole('link', { name: 'Які персональні дані збирає голосування і навіщо' }).click();
    await phone.getByRole('heading', { name: 'Персональні дані в голосуванні «Громадський бюджет Житомира 2027»' }).waitFor();
    await phone.getByText('Код виборця сервер не записує', { exact: false }).waitFor();
    await phone.getByText('До 31 січня 2099 р. включно', { exact: false }).waitFor();
    expect(await violations(phone)).toEqual([]);
    await phone.screenshot({ path: join(SHOTS, '1-notice-360.png'), fullPage: true });
    await phone.getByRole('link', { name: 'English' }).click();
    await phone.getByRole('heading', { name: 'Personal data in the vote “Громадський бюджет Житомира 2027”' }).waitFor();
    expect(await violations(phone)).toEqual([]);
    await phone.screenshot({ path: join(SHOTS, '2-notice-en-360.png'), fullPage: true });
  });

  it('deletes the data from the console after the close, behind a confirmation', async () => {
    ok(await admin.send('phase:set', { to: 'results' }));
    const page = await (await browser.newContext({ viewport: { width: 1280, height: 720 }, bypassCSP: true })).newPage();
    await page.goto(`${server.url}/f/${slug}/console?key=${server.facilitatorKey}`);
    await page.getByRole('tab', { name: 'Міське голосування' }).click();
    const card = page.locator('section', { has: page.getByRole('heading', { name: 'Персональні дані голосування' }) });
    await card.getByText('Персональні дані зберігаються до 2099-01-31 включно', { exact: false }).waitFor();
    await card.getByRole('button', { name: 'Видалити персональні дані' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.waitFor();
    expect(await violations(page)).toEqual([]);
    await page.screenshot({ path: join(SHOTS, '3-confirm-1280.png') });
    await dialog.getByRole('button', { name: 'Видалити назавжди' }).click();
    await card.getByText('Персональні дані видалив фасилітатор', { exact: false }).waitFor();
    expect(server.forums.bySlug(slug)!.room.state.persons.anonymised?.by).toBe('facilitator');
    await card.scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(SHOTS, '4-deleted-1280.png') });
    expect(await violations(page)).toEqual([]);
  });
});
