// The organiser's side of a city vote's channels in Chromium at 1280×720: a voting point's staff
// invited from the hosts' tab with the point's name (the link opens the staff page), listed with
// their point; ballots then taken online, at the point and on paper; the city tab's voters per
// channel and its chart of new voters by hour and channel; the journal's in-person entries with the
// staff, point, document and budget and nothing of the ballot; after the close, each project's votes
// per channel; axe-core on each. Screenshots go to test-results/channels-console/.

import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { firstForum, forumAt, newCityForum } from '../../server/test/cityForum.js';
import { connect, connectConsole, newToken, ok, ROOT, startTestServer, type TestClient, type TestServer } from '../../server/test/harness.js';
import { CHROMIUM, haveBrowser, launchChromium, violations } from './chromium.js';

const built = existsSync(join(ROOT, 'dist/client/console/index.html'));
if (process.env.CI === 'true' && (!haveBrowser || !built)) throw new Error(`CI needs Chromium at ${CHROMIUM} and the built client`);

const SHOTS = join(ROOT, 'test-results/channels-console');
const LIST = ['ЕН 300001', 'ЕН 300002', 'ЕН 300003', 'ЕН 300004', 'ЕН 300005'].map((number) => ({ number, fact: '1970' }));

describe.skipIf(!haveBrowser || !built)(`a city vote's channels on the console (needs ${CHROMIUM} and a built client)`, () => {
  let server: TestServer;
  let browser: Browser;
  let page: Page;
  let slug: string;
  let admin: TestClient;
  const clients: TestClient[] = [];
  const keep = <T extends TestClient>(c: T): T => (clients.push(c), c);
  const errors: string[] = [];
  const shot = async (name: string) => {
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });
  };
  const proof = (i: number) => ({ method: 'list' as const, ...LIST[i] });

  beforeAll(async () => {
    rmSync(SHOTS, { recursive: true, force: true });
    mkdirSync(SHOTS, { recursive: true });
    server = await startTestServer();
    slug = (await newCityForum(server, keep, await firstForum(server, keep))).slug;
    admin = keep(await connectConsole(forumAt(server, slug)));
    ok(await admin.send('identity:setMethod', { method: 'list' }));
    ok(await admin.send('identity:addListed', { rows: LIST, firstLine: 2 }));
    ok(
      await admin.send('city:setVote', {
        vote: {
          title: 'Громадський бюджет 2027',
          budgets: [{ id: 'city', name: 'Загальноміський', amount: 500_000 }],
          projects: [
            { id: 'books', budgetId: 'city', cost: 100_000, title: 'Книги для бібліотек' },
            { id: 'pool', budgetId: 'city', cost: 400_000, title: 'Басейн для шкіл' },
          ],
          ballot: { kind: 'approval', maxChoices: 1 },
          counting: { kind: 'greedy' },
          tie: { kind: 'cheaperThenListed' },
        },
      }),
    );
    browser = await launchChromium();
    page = await (await browser.newContext({ viewport: { width: 1280, height: 720 }, bypassCSP: true })).newPage();
    page.on('pageerror', (e) => errors.push(e.message));
  });
  afterAll(async () => {
    for (const c of clients) c.close();
    await browser?.close();
    await server?.stop();
  });

  it('invites a voting point’s staff from the hosts’ tab: the link opens the staff page, and the list names the point', async () => {
    await page.goto(`${server.url}/f/${slug}/console?key=${server.facilitatorKey}`);
    await page.getByRole('tab', { name: 'Ведучі' }).click();
    await page.getByLabel('Ім’я ведучого').fill('Олена Коваль');
    await page.getByLabel('Пункт голосування (для працівника пункту)').fill('ЦНАП «Центр»');
    // A point's staff serve the whole vote: the priority choice goes.
    expect(await page.getByLabel('Що веде').isVisible()).toBe(false);
    await page.getByRole('button', { name: 'Запросити', exact: true }).click();
    const link = await page.getByLabel('Посилання для «Олена Коваль» (Пункт «ЦНАП «Центр»»)').inputValue();
    expect(link).toMatch(new RegExp(`/f/${slug}/staff\\?host=`));
    await page.getByRole('cell', { name: 'Пункт «ЦНАП «Центр»»' }).waitFor();
    await shot('1-staff-invited');
    expect(await violations(page)).toEqual([]);

    // The vote opens; ballots come in by each channel.
    ok(await admin.send('phase:set', { to: 'voting' }));
    const staff = keep(await connect(`${server.url}/f/${slug}`, { role: 'staff', key: new URL(link).searchParams.get('host')! }));
    for (const i of [0, 1]) {
      const token = newToken();
      const phone = keep(await connect(`${server.url}/f/${slug}`, { role: 'phone', token }));
      ok(await phone.send('person:prove', { token, proof: proof(i) }));
      ok(await phone.send('city:cast', { ballot: { kind: 'approval', budgetId: 'city', projectIds: ['books'] } }));
    }
    ok(await staff.send('staff:cast', { proof: proof(2), channel: 'service-point', document: 'id-card', ballot: { kind: 'approval', budgetId: 'city', projectIds: ['pool'] } }));
    for (const i of [3, 4]) ok(await staff.send('staff:cast', { proof: proof(i), channel: 'paper', ballot: { kind: 'approval', budgetId: 'city', projectIds: ['books'] } }));
  });

  it('shows the voters per channel and a chart of new voters by hour and channel, and no count of the vote', async () => {
    await page.getByRole('tab', { name: 'Міське голосування' }).click();
    const perChannel = page.locator('table').filter({ has: page.locator('caption', { hasText: 'Виборці за способом голосування' }) });
    await perChannel.waitFor();
    expect(await perChannel.locator('tbody tr').evaluateAll((rows) => rows.map((r) => r.textContent?.trim()))).toEqual(['Онлайн2', 'Пункт голосування1', 'Папір2']);
    const chart = page.getByRole('img', { name: /^Стовпчикова діаграма: нові виборці за кожну годину, онлайн 2, на пунктах 1, папером 2\./ });
    await chart.waitFor();
    expect(await chart.locator('rect').count()).toBe(3);
    // Votes per project stay hidden until the close.
    expect(await page.getByText('Книги для бібліотек').count()).toBeGreaterThan(0);
    expect(await page.locator('main').textContent()).not.toMatch(/голос(ів|и):\s*\d/);
    await shot('2-turnout-by-channel');
    expect(await violations(page)).toEqual([]);
  });

  it('lists each in-person ballot in the journal with the staff, point, document and budget, never the choice', async () => {
    await page.getByRole('tab', { name: 'Журнал' }).click();
    await page.getByText('Бюджет «Загальноміський»; перевірено: ID-картку').waitFor();
    expect(await page.getByText('Паперовий бюлетень; бюджет «Загальноміський»').count()).toBe(2);
    expect(await page.locator('table tbody').getByText('Олена Коваль · ЦНАП «Центр»').count()).toBe(3);
    expect(await page.locator('main').textContent()).not.toMatch(/Басейн|Книги/);
    await shot('3-journal');
    expect(await violations(page)).toEqual([]);
  });

  it('after the close, shows each project’s votes per channel beside its total', async () => {
    ok(await admin.send('phase:set', { to: 'results' }));
    await page.getByRole('tab', { name: 'Міське голосування' }).click();
    const row = (title: string) => page.locator('section[aria-labelledby="h-city-results"]').getByRole('row', { name: new RegExp(`^${title}`) });
    await row('Книги для бібліотек').waitFor();
    // Votes, online, voting point, paper: two online and two on paper for the books, one at the point for the pool.
    const cells = async (title: string) => (await row(title).locator('td').allTextContents()).slice(1, 5);
    expect(await cells('Книги для бібліотек')).toEqual(['4', '2', '0', '2']);
    expect(await cells('Басейн для шкіл')).toEqual(['1', '0', '1', '0']);
    await shot('4-results-by-channel');
    expect(await violations(page)).toEqual([]);
    expect(errors).toEqual([]);
  });
});
