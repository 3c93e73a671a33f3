// The city vote's tab of the console in Chromium at 1280×720: the definition drafted from the
// shortlist, a draft the rules refuse (no costs yet) saying why, the definition saved and fixed
// once the vote opens, the turnout by budget, day and hour while phones vote, and the open data
// after the close; axe-core on each. Screenshots go to test-results/city-console/.

import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CityVoteInput } from '../../shared/forum/city.js';
import { firstForum, forumAt, newCityForum } from '../../server/test/cityForum.js';
import { connectConsole, joinPhone, ok, ROOT, startTestServer, type TestClient, type TestServer } from '../../server/test/harness.js';
import { CHROMIUM, haveBrowser, launchChromium, violations } from './chromium.js';

const built = existsSync(join(ROOT, 'dist/client/console/index.html'));
if (process.env.CI === 'true' && (!haveBrowser || !built)) throw new Error(`CI needs Chromium at ${CHROMIUM} and the built client`);

const SHOTS = join(ROOT, 'test-results/city-console');

describe.skipIf(!haveBrowser || !built)(`the city vote's console tab (needs ${CHROMIUM} and a built client)`, () => {
  let server: TestServer;
  let browser: Browser;
  let page: Page;
  let slug: string;
  const clients: TestClient[] = [];
  const keep = <T extends TestClient>(c: T): T => (clients.push(c), c);
  const errors: string[] = [];
  const shot = async (name: string) => {
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });
  };
  const json = () => page.getByLabel('Визначення (JSON)');

  beforeAll(async () => {
    rmSync(SHOTS, { recursive: true, force: true });
    mkdirSync(SHOTS, { recursive: true });
    server = await startTestServer();
    slug = (await newCityForum(server, keep, await firstForum(server, keep))).slug;
    browser = await launchChromium();
    page = await (await browser.newContext({ viewport: { width: 1280, height: 720 }, bypassCSP: true })).newPage();
    page.on('pageerror', (e) => errors.push(e.message));
  });
  afterAll(async () => {
    for (const c of clients) c.close();
    await browser?.close();
    await server?.stop();
  });

  it('drafts the definition from the shortlist; a draft without costs is refused, saying which', async () => {
    await page.goto(`${server.url}/f/${slug}/console?key=${server.facilitatorKey}`);
    await page.getByRole('tab', { name: 'Міське голосування' }).click();
    const draft = JSON.parse(await json().inputValue()) as CityVoteInput;
    const ideas = [...server.forums.bySlug(slug)!.room.state.ideas.values()];
    expect(draft.projects.map((p) => p.ideaId)).toEqual(ideas.map((i) => i.id));
    expect(draft.projects.every((p) => p.cost === 0)).toBe(true);
    await page.getByRole('button', { name: 'Зберегти визначення' }).click();
    await page.getByText('Не прийнято: сума або вартість «p1» має бути цілим числом гривень, більшим за нуль.').waitFor();
    await json().fill('{ "title": ');
    await page.getByRole('button', { name: 'Зберегти визначення' }).click();
    await page.getByRole('alert').filter({ hasText: 'Це не JSON' }).waitFor();
    expect(server.forums.bySlug(slug)!.room.state.city.vote).toBeNull();
    await json().fill(JSON.stringify({ ...draft, projects: draft.projects.map((p, i) => ({ ...p, cost: 200_000 + i * 100_000 })) }, null, 2));
    await page.getByRole('button', { name: 'Зберегти визначення' }).click();
    await page.getByText('Визначення голосування збережено.').first().waitFor();
    expect(server.forums.bySlug(slug)!.room.state.city.vote?.projects.map((p) => p.cost)).toEqual([200_000, 300_000, 400_000]);
    await shot('1-definition');
    expect(await violations(page)).toEqual([]);
  });

  it('once open, shows the definition fixed and the turnout as phones vote', async () => {
    const admin = keep(await connectConsole(forumAt(server, slug)));
    ok(await admin.send('phase:set', { to: 'voting' }));
    await page.getByText('Голосування відкрито: його бюджети, проєкти й правила більше не змінюються.').waitFor();
    const phones = await Promise.all([1, 2, 3].map((i) => joinPhone(forumAt(server, slug), `Виборець ${i}`).then(keep)));
    for (const phone of phones) ok(await phone.send('city:cast', { ballot: { kind: 'knapsack', budgetId: 'city', projectIds: ['p1'] } }));
    ok(await phones[0].send('city:cast', { ballot: { kind: 'knapsack', budgetId: 'city', projectIds: ['p2'] } }));
    // The turnout is asked for when the tab opens: open it again to see the casts now.
    await page.getByRole('tab', { name: 'Огляд' }).click();
    await page.getByRole('tab', { name: 'Міське голосування' }).click();
    await page.getByText('Проголосували: 3').waitFor();
    const hourRow = page.locator('.turnout-table').nth(1).locator('tbody tr').last();
    expect(await hourRow.locator('td').nth(0).textContent()).toBe('4');
    expect(await hourRow.locator('td').nth(1).textContent()).toBe('3');
    await shot('2-turnout');
    expect(await violations(page)).toEqual([]);
  });

  it('after the close, links to the open data, each of which answers', async () => {
    const admin = keep(await connectConsole(forumAt(server, slug)));
    ok(await admin.send('phase:set', { to: 'results' }));
    await page.getByRole('heading', { name: 'Відкриті дані' }).waitFor();
    // The count as published: p1 has three votes (one voter changed to p2), and both fit the budget.
    await page.getByRole('heading', { name: 'Підсумки голосування' }).waitFor();
    const rows = page.locator('section[aria-labelledby="h-city-results"] tbody tr');
    await rows.first().waitFor();
    expect(await rows.evaluateAll((trs) => trs.map((tr) => [...tr.children].map((c) => (c.textContent ?? '').replace(/\s/g, ' '))))).toEqual([
      // Votes, then online, at a voting point and on paper: every phone's ballot here is online.
      ['Сквер на Польовій з лавками, деревами й освітленням для вечірніх прогулянок', '200 000', '2', '2', '0', '0', 'так, 1-й'],
      ['Велодоріжка до Гідропарку', '300 000', '1', '1', '0', '0', 'так, 2-й'],
      ['Курси для старших', '400 000', '0', '0', '0', '0', '—'],
    ]);
    const hrefs = await page.locator('.city-links a').evaluateAll((links) => links.map((a) => (a as HTMLAnchorElement).href));
    expect(hrefs.map((h) => new URL(h).pathname)).toEqual([`/f/${slug}/api/city/results.json`, `/f/${slug}/api/city/results.csv`, `/f/${slug}/api/city/ballots/city.pb`, `/f/${slug}/api/city/receipt`]);
    // As a browser opens them (the lookup is a page with a form there).
    for (const href of hrefs) expect((await fetch(href, { headers: { accept: 'text/html,*/*;q=0.8' } })).status, href).toBe(200);
    await shot('3-open-data');
    expect(await violations(page)).toEqual([]);
    expect(errors).toEqual([]);
  });
});
