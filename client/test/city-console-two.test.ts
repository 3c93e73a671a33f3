// Two facilitator consoles on one city vote's definition, in Chromium at 1280×720: a save by one
// shows in the other's form when nothing was edited there; with unsaved edits, the other says so
// (a notice read out, reachable by keyboard) and offers to show theirs or keep its own; its save
// made meanwhile is refused by the server (CITY_DEFINITION_CHANGED) and shown as the form's other
// refusals are, with nothing stored; kept, its save replaces theirs knowingly. The notice in
// Ukrainian and English, axe-core; screenshots in test-results/city-console-two/.

import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { firstForum, newCityForum } from '../../server/test/cityForum.js';
import { ROOT, startTestServer, type TestClient, type TestServer } from '../../server/test/harness.js';
import { CHROMIUM, haveBrowser, launchChromium, violations } from './chromium.js';

const built = existsSync(join(ROOT, 'dist/client/console/index.html'));
if (process.env.CI === 'true' && (!haveBrowser || !built)) throw new Error(`CI needs Chromium at ${CHROMIUM} and the built client`);

const SHOTS = join(ROOT, 'test-results/city-console-two');

describe.skipIf(!haveBrowser || !built)(`two consoles on one city vote's definition (needs ${CHROMIUM} and a built client)`, () => {
  let server: TestServer;
  let browser: Browser;
  let mine: Page;
  let theirs: Page;
  let slug: string;
  const clients: TestClient[] = [];
  const keep = <T extends TestClient>(c: T): T => (clients.push(c), c);
  const errors: string[] = [];
  const vote = () => server.forums.bySlug(slug)!.room.state.city.vote;
  const budgetName = (page: Page) => page.getByRole('group', { name: 'Бюджет 1', exact: true }).getByLabel('Назва бюджету');
  const notice = (page: Page) => page.locator('#city-changed');

  async function open(): Promise<Page> {
    const page = await (await browser.newContext({ viewport: { width: 1280, height: 720 }, bypassCSP: true })).newPage();
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`${server.url}/f/${slug}/console?key=${server.facilitatorKey}`);
    await page.getByRole('tab', { name: 'Міське голосування' }).click();
    await page.locator('#city-title').waitFor();
    return page;
  }

  beforeAll(async () => {
    rmSync(SHOTS, { recursive: true, force: true });
    mkdirSync(SHOTS, { recursive: true });
    server = await startTestServer();
    slug = (await newCityForum(server, keep, await firstForum(server, keep))).slug;
    browser = await launchChromium();
    [mine, theirs] = [await open(), await open()];
  });
  afterAll(async () => {
    for (const c of clients) c.close();
    await browser?.close();
    await server?.stop();
  });

  it('shows another console’s save in a form with nothing edited', async () => {
    const costs = theirs.getByLabel('Вартість, грн');
    for (let i = 0; i < (await costs.count()); i++) await costs.nth(i).fill(`${(i + 1) * 100_000}`);
    await budgetName(theirs).fill('Загальноміський');
    await theirs.getByRole('button', { name: 'Зберегти визначення' }).click();
    await theirs.getByText('Визначення голосування збережено.').first().waitFor();
    expect(vote()?.budgets[0].name).toBe('Загальноміський');
    // The other form had no edits: it shows the saved definition, and says so politely.
    await mine.waitForFunction(() => (document.querySelector('[id$="-cost"]') as HTMLInputElement | null)?.value === '100000');
    expect(await budgetName(mine).inputValue()).toBe('Загальноміський');
    expect(await mine.locator('#city-form-note').textContent()).toBe('Інша консоль зберегла визначення голосування: форма показує його.');
    expect(await notice(mine).count()).toBe(0);
  });

  it('with unsaved edits, says another console saved, and refuses a save made over it with nothing stored', async () => {
    await mine.locator('#city-title').fill('Мій заголовок');
    await budgetName(theirs).fill('Усе місто');
    await theirs.getByRole('button', { name: 'Зберегти визначення' }).click();
    await theirs.getByText('Визначення голосування збережено.').first().waitFor();
    // The notice is read out (an alert), does not take the focus from the field being typed in, and is reachable.
    await notice(mine).waitFor();
    expect(await notice(mine).getAttribute('role')).toBe('alert');
    expect(await notice(mine).textContent()).toContain('Поки ви редагували цю форму, інша консоль зберегла визначення голосування.');
    expect(await mine.evaluate(() => document.activeElement?.id)).toBe('city-title');
    expect(await mine.locator('#city-title').inputValue()).toBe('Мій заголовок');
    expect(await budgetName(mine).inputValue()).toBe('Загальноміський');
    await mine.screenshot({ path: join(SHOTS, '0-notice-uk.png') });
    expect(await violations(mine)).toEqual([]);
    await mine.locator('.lang-toggle').click();
    await notice(mine).getByRole('button', { name: 'Show the saved one' }).waitFor();
    expect(await notice(mine).textContent()).toContain('another console saved the vote’s definition');
    await mine.screenshot({ path: join(SHOTS, '1-notice-en.png') });
    expect(await violations(mine)).toEqual([]);
    await mine.locator('.lang-toggle').click();
    await notice(mine).getByRole('button', { name: 'Показати збережене' }).waitFor();

    // Saved anyway: the server refuses it in an alert, and the focus goes to the notice, which holds the two ways on.
    await mine.getByRole('button', { name: 'Зберегти визначення' }).click();
    const refusal = mine.locator('#city-form-refusal');
    await refusal.filter({ hasText: 'інша консоль зберегла визначення голосування, і ваше збереження стерло б її зміни' }).waitFor();
    expect(await refusal.getAttribute('role')).toBe('alert');
    expect(await mine.evaluate(() => document.activeElement?.id)).toBe('city-changed');
    expect([vote()?.title, vote()?.budgets[0].name]).toEqual(['Бюджет участі 2027', 'Усе місто']);
    await mine.screenshot({ path: join(SHOTS, '2-refused-uk.png') });
  });

  it('shows theirs, by keyboard: the form takes their definition and drops the edits', async () => {
    await notice(mine).getByRole('button', { name: 'Показати збережене' }).focus();
    await mine.keyboard.press('Enter');
    await notice(mine).waitFor({ state: 'detached' });
    expect(await budgetName(mine).inputValue()).toBe('Усе місто');
    expect(await mine.locator('#city-title').inputValue()).toBe('Бюджет участі 2027');
    expect(await mine.evaluate(() => document.activeElement?.id)).toBe('city-title');
    expect(await mine.locator('#city-form-refusal').count()).toBe(0);
  });

  it('keeps mine: the next save replaces theirs, knowingly', async () => {
    await mine.locator('#city-title').fill('Бюджет участі Житомира 2027');
    await theirs.locator('#city-title').fill('Їхній заголовок');
    await theirs.getByRole('button', { name: 'Зберегти визначення' }).click();
    await theirs.getByText('Визначення голосування збережено.').first().waitFor();
    await notice(mine).waitFor();
    await notice(mine).getByRole('button', { name: 'Залишити мої зміни' }).click();
    await notice(mine).waitFor({ state: 'detached' });
    expect(await mine.evaluate(() => document.activeElement?.id)).toBe('city-save');
    expect(await mine.locator('#city-form-note').textContent()).toBe('Ваші зміни залишено: збережіть їх, щоб замінити збережене іншою консоллю.');
    await mine.keyboard.press('Enter');
    await mine.getByText('Визначення голосування збережено.').first().waitFor();
    expect(vote()?.title).toBe('Бюджет участі Житомира 2027');
    // And the other console, with nothing edited since its save, shows it.
    await theirs.waitForFunction(() => (document.getElementById('city-title') as HTMLInputElement | null)?.value === 'Бюджет участі Житомира 2027');
    expect(errors).toEqual([]);
  });
});
