// The city vote's tab of the console in Chromium at 1280×720 (the form also at 1920×1080): the
// definition's form drafted from the shortlist, each refusal of the server under its field, the
// rules filled in (ballot, counting, tie, the notice's words) saved and holding once the vote
// opens, the JSON behind "advanced", the turnout by budget, day and hour while phones vote, and the open data
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

  it('drafts the definition from the shortlist as a form; refusals show under their fields; the vote opens with the rules filled in', async () => {
    await page.goto(`${server.url}/f/${slug}/console?key=${server.facilitatorKey}`);
    await page.getByRole('tab', { name: 'Міське голосування' }).click();
    const ideas = [...server.forums.bySlug(slug)!.room.state.ideas.values()];
    const project = (n: number) => page.getByRole('group', { name: `Проєкт ${n}`, exact: true });
    // A project per shortlisted idea, its costs left to fill in; the notice's words prefilled.
    for (const [i, idea] of ideas.entries()) {
      expect(await project(i + 1).getByLabel('З ідеї форуму').inputValue()).toBe(idea.id);
      expect(await project(i + 1).getByLabel('Вартість, грн').inputValue()).toBe('');
    }
    expect(await page.getByLabel('Володілець персональних даних').inputValue()).toBe('Виконавчий комітет міської ради');
    expect(await page.getByLabel('Мета обробки').inputValue()).toContain('громадського бюджету');
    const retain = await page.getByLabel('Зберігати до (включно)').inputValue();
    expect(Date.parse(`${retain}T00:00:00Z`)).toBeGreaterThan(Date.now() + 100 * 86_400_000);
    expect(await page.getByRole('group', { name: 'Хто і як голосує' }).textContent()).toContain('запрошено: 0');
    await shot('0-form-draft');

    const save = page.getByRole('button', { name: 'Зберегти визначення' });
    /** Saves, and waits for the server's refusal to show under the field with the id given, which has focus. */
    const refusedAt = async (id: string, text: string) => {
      await save.click();
      await page.locator(`#${id}-error`).filter({ hasText: text }).waitFor();
      expect(await page.locator(`#${id}`).getAttribute('aria-invalid')).toBe('true');
      expect(await page.evaluate(() => document.activeElement?.id)).toBe(id);
      expect(await page.getByRole('alert').filter({ hasText: 'Не збережено' }).textContent()).toContain(text);
      expect(server.forums.bySlug(slug)!.room.state.city.vote).toBeNull();
    };
    const costId = async (n: number) => (await project(n).getByLabel('Вартість, грн').getAttribute('id'))!;
    await refusedAt(await costId(1), 'сума або вартість «p1» має бути цілим числом гривень, більшим за нуль.');
    await shot('0-form-refused');
    for (let n = 1; n <= ideas.length; n++) await project(n).getByLabel('Вартість, грн').fill(`${100_000 + n * 100_000}`);
    await project(2).getByLabel('Вартість, грн').fill('300 000,5');
    await refusedAt(await costId(2), 'сума або вартість «p2»');
    await project(2).getByLabel('Вартість, грн').fill('300 000');
    const budget = page.getByRole('group', { name: 'Бюджет 1', exact: true });
    await budget.getByLabel('Сума, грн').fill('2 000 000');
    await budget.getByLabel('Назва бюджету').fill('Загальноміський');
    // The ballot chosen by keyboard: from the knapsack up twice to approval.
    await page.getByLabel('Кошик: обрати проєкти в межах суми бюджету').focus();
    await page.keyboard.press('ArrowUp');
    await page.keyboard.press('ArrowUp');
    expect(await page.getByLabel('Підтримка: обрати від 1 до K проєктів').isChecked()).toBe(true);
    await page.getByLabel('Скільки проєктів можна обрати (K)').fill('0');
    await refusedAt('city-maxChoices', 'параметр «maxChoices» поза допустимими межами.');
    await page.getByLabel('Скільки проєктів можна обрати (K)').fill('2');
    await page.getByLabel('Метод рівних часток: кожен виборець має рівну частку бюджету').check();
    await page.getByLabel('Крок доповнення, грн (порожнє — 1)').fill('10');
    await page.getByLabel('Дешевший, далі — жереб із числа, оприлюдненого до відкриття').check();
    await page.getByLabel('Число для жеребу').fill('2027-05-01');
    await page.getByLabel('Зберігати до (включно)').fill('2020-01-01');
    await refusedAt('city-retainUntil', 'Зберігати персональні дані до');
    await page.getByLabel('Зберігати до (включно)').fill('2031-12-31');
    await page.getByLabel('Володілець персональних даних').fill('Житомирська міська рада');
    await page.getByLabel('Контакт для звернень').fill('');
    await refusedAt('city-contact', 'Заповніть поле «Контакт володільця даних».');
    await page.getByLabel('Контакт для звернень').fill('privacy@zt-rada.gov.ua');
    await page.getByLabel('Мета обробки').fill('Обрати проєкти громадського бюджету 2027 року.');
    await shot('1-form-filled');
    // English second: the same form in the console's other language.
    await page.locator('.lang-toggle').click();
    await page.getByRole('group', { name: 'Data-protection notice' }).waitFor();
    await page.getByLabel('Approval: choose 1 to K projects').waitFor();
    await shot('1-form-english');
    await page.locator('.lang-toggle').click();
    await page.getByRole('group', { name: 'Повідомлення про персональні дані' }).waitFor();
    await page.setViewportSize({ width: 1920, height: 1080 });
    await shot('1-form-filled-1920');
    await page.setViewportSize({ width: 1280, height: 720 });

    await save.click();
    await page.getByText('Визначення голосування збережено.').first().waitFor();
    const vote = server.forums.bySlug(slug)!.room.state.city.vote!;
    expect(vote.budgets).toEqual([{ id: 'city', name: 'Загальноміський', amount: 2_000_000 }]);
    expect(vote.projects.map((p) => [p.id, p.cost, p.originIdeaId])).toEqual(ideas.map((idea, i) => [`p${i + 1}`, 200_000 + i * 100_000, idea.id]));
    expect(vote.ballot).toEqual({ kind: 'approval', maxChoices: 2 });
    expect(vote.counting).toEqual({ kind: 'equalShares', step: 10 });
    expect(vote.tie).toEqual({ kind: 'cheaperThenLottery', seed: '2027-05-01' });
    expect(vote.privacy).toEqual({ controller: 'Житомирська міська рада', contact: 'privacy@zt-rada.gov.ua', retainUntil: '2031-12-31', purpose: 'Обрати проєкти громадського бюджету 2027 року.' });
    const notice = await (await fetch(`${server.url}/f/${slug}/privacy`)).text();
    expect(notice).toContain('Житомирська міська рада');
    expect(notice).toContain('Обрати проєкти громадського бюджету 2027 року.');
    expect(await violations(page)).toEqual([]);

    // The JSON stays, behind "advanced": it shows the form's definition, and what it saves shows in the form.
    await page.getByText('Для досвідчених: визначення як JSON').click();
    // The details' toggle event, which fills the text, comes in a task after the click.
    await expect.poll(() => json().inputValue()).not.toBe('');
    const fromForm = JSON.parse(await json().inputValue()) as CityVoteInput;
    expect(fromForm.ballot).toEqual({ kind: 'approval', maxChoices: 2 });
    await json().fill('{ "title": ');
    await page.getByRole('button', { name: 'Зберегти JSON' }).click();
    await page.getByRole('alert').filter({ hasText: 'Це не JSON' }).waitFor();
    await json().fill(JSON.stringify({ ...fromForm, title: 'Бюджет участі Житомира 2027' }, null, 2));
    await page.getByRole('button', { name: 'Зберегти JSON' }).click();
    await page.waitForFunction(() => (document.getElementById('city-title') as HTMLInputElement | null)?.value === 'Бюджет участі Житомира 2027');
    expect(server.forums.bySlug(slug)!.room.state.city.vote?.title).toBe('Бюджет участі Житомира 2027');
    expect(await violations(page)).toEqual([]);
  });

  it('once open, shows the definition fixed and the turnout as phones vote', async () => {
    const admin = keep(await connectConsole(forumAt(server, slug)));
    ok(await admin.send('phase:set', { to: 'voting' }));
    await page.getByText('Голосування відкрито: його бюджети, проєкти й правила більше не змінюються.').waitFor();
    const phones = await Promise.all([1, 2, 3].map((i) => joinPhone(forumAt(server, slug), `Виборець ${i}`).then(keep)));
    // The rules filled in the form hold: an approval ballot of at most two projects.
    await page.getByText('У кожному бюджеті оберіть проєкти: від 1 до 2.').waitFor();
    const tooMany = await phones[0].send('city:cast', { ballot: { kind: 'approval', budgetId: 'city', projectIds: ['p1', 'p2', 'p3'] } });
    expect(!tooMany.ok && tooMany.error.params?.reason).toBe('BALLOT_TOO_MANY_CHOICES');
    for (const phone of phones) ok(await phone.send('city:cast', { ballot: { kind: 'approval', budgetId: 'city', projectIds: ['p1'] } }));
    ok(await phones[0].send('city:cast', { ballot: { kind: 'approval', budgetId: 'city', projectIds: ['p2'] } }));
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
