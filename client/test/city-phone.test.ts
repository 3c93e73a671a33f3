// The city vote's page on a phone in Chromium at 360×640: projects with long Ukrainian titles,
// their cost, description, place and origin; the running total as projects are chosen, a budget
// nearly spent, a ballot over it refused before sending; the receipt after sending, found again on
// the lookup page after the close; keyboard use, English, and axe-core. Screenshots go to
// test-results/city-phone/ for a person to look at.

import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { firstForum, forumAt, newCityForum } from '../../server/test/cityForum.js';
import { connectConsole, ok, ROOT, startTestServer, type TestClient, type TestServer } from '../../server/test/harness.js';
import { CHROMIUM, haveBrowser, launchChromium, violations } from './chromium.js';

const built = existsSync(join(ROOT, 'dist/client/phone/index.html'));
if (process.env.CI === 'true' && (!haveBrowser || !built)) throw new Error(`CI needs Chromium at ${CHROMIUM} and the built client`);

const SHOTS = join(ROOT, 'test-results/city-phone');

/** Titles as long as the rules allow (120 characters), as a city's projects are named. */
const PARK = 'Відновити старий парк над Тетеревом: нові лавки, ліхтарі, доріжки для візків і тихе місце для відпочинку літніх людей';
const CROSSING = 'Зробити безпечний перехід біля школи на Великій Бердичівській: світлофор з кнопкою, острівець посередині й нову розмітку';

describe.skipIf(!haveBrowser || !built)(`the city vote on a phone at 360×640 (needs ${CHROMIUM} and a built client)`, () => {
  let server: TestServer;
  let browser: Browser;
  let phone: Page;
  let slug: string;
  let admin: TestClient;
  const clients: TestClient[] = [];
  const keep = <T extends TestClient>(c: T): T => (clients.push(c), c);
  const errors: string[] = [];
  let receipt = '';

  const shot = (name: string, fullPage = false) => phone.screenshot({ path: join(SHOTS, `${name}.png`), fullPage });

  beforeAll(async () => {
    rmSync(SHOTS, { recursive: true, force: true });
    mkdirSync(SHOTS, { recursive: true });
    server = await startTestServer({ publicUrl: 'http://viche.test:{port}' });
    const first = await firstForum(server, keep);
    const made = await newCityForum(server, keep, first);
    slug = made.slug;
    admin = keep(await connectConsole(forumAt(server, slug)));
    const square = made.ideas['Сквер на Польовій з лавками, деревами й освітленням для вечірніх прогулянок'];
    ok(
      await admin.send('city:setVote', {
        vote: {
          title: 'Громадський бюджет Житомира 2027',
          budgets: [{ id: 'centre', name: 'Центр і Богунія', amount: 1_000_000 }],
          projects: [
            { id: 'park', budgetId: 'centre', cost: 480_000, title: PARK, description: 'Сорок нових лавок, сто ліхтарів і доріжки без сходинок.', place: 'Парк над Тетеревом' },
            { id: 'crossing', budgetId: 'centre', cost: 490_000, title: CROSSING, place: 'Велика Бердичівська, 40' },
            { id: 'square', budgetId: 'centre', cost: 250_000, ideaId: square },
            { id: 'benches', budgetId: 'centre', cost: 30_000, title: 'Лавки біля зупинок' },
          ],
          ballot: { kind: 'knapsack' },
          counting: { kind: 'greedy' },
          tie: { kind: 'cheaperThenListed' },
        },
      }),
    );
    ok(await admin.send('phase:set', { to: 'voting' }));
    browser = await launchChromium(['--host-resolver-rules=MAP viche.test 127.0.0.1']);
    const ctx = await browser.newContext({ viewport: { width: 360, height: 640 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true, bypassCSP: true });
    phone = await ctx.newPage();
    phone.on('pageerror', (e) => errors.push(e.message));
  });
  afterAll(async () => {
    for (const c of clients) c.close();
    await browser?.close();
    await server?.stop();
  });

  it('joins and shows each project with its cost, description, place and origin, and the rules', async () => {
    const code = forumAt(server, slug).joinCode;
    await phone.goto(`http://viche.test:${server.port}/f/${slug}/?c=${code}`);
    await phone.getByRole('button', { name: 'Приєднатися' }).click();
    await phone.getByRole('heading', { name: 'Громадський бюджет Житомира 2027' }).waitFor();
    await phone.getByText('Оберіть проєкти, вартість яких разом не перевищує бюджету.').waitFor();
    // The counting and tie rules, fixed before the vote, said before voting.
    await phone.getByText(/За рівних голосів перемагає дешевший проєкт, а за рівної ціни — той, що вище в списку\.$/).waitFor();
    await phone.getByRole('heading', { name: PARK }).waitFor();
    expect(await phone.getByText('Вартість: 480 000 грн').count()).toBe(1);
    await phone.getByText('Де: Парк над Тетеревом').waitFor();
    await phone.getByText(/^З ідеї «Сквер на Польовій з лавками/).waitFor();
    await phone.getByText('Обрано на 0 грн з 1 000 000 грн').waitFor();
    await shot('1-projects');
    await shot('1-projects-full', true);
    expect(await violations(phone)).toEqual([]);
  });

  it('keeps the running total as projects are chosen, by touch or keyboard: a budget nearly spent', async () => {
    // Read out as the project it chooses, though it shows only the word beside the title above it.
    expect(await phone.getByRole('checkbox', { name: `Обрати «${PARK}»`, exact: true }).count()).toBe(1);
    await phone.getByLabel(`Обрати «${PARK}»`).check();
    // The keyboard: focus on the checkbox, Space ticks it.
    await phone.getByLabel(`Обрати «${CROSSING}»`).focus();
    await phone.keyboard.press('Space');
    expect(await phone.getByLabel(`Обрати «${CROSSING}»`).isChecked()).toBe(true);
    await phone.getByText('Обрано на 970 000 грн з 1 000 000 грн').waitFor();
    await phone.getByText('Залишок: 30 000 грн').waitFor();
    await phone.getByLabel(`Обрати «${CROSSING}»`).scrollIntoViewIfNeeded();
    await shot('2-nearly-spent');
    expect(await violations(phone)).toEqual([]);
  });

  it('a ballot over the budget is refused before it is sent, saying by how much and why', async () => {
    await phone.getByLabel(/Обрати «Сквер на Польовій/).check();
    await phone.getByText('Перевищено на 220 000 грн').waitFor();
    await phone.getByRole('button', { name: 'Надіслати бюлетень' }).click();
    const alert = phone.locator('.city-budget [role="alert"]');
    await alert.waitFor();
    expect((await alert.textContent())?.replace(/\s/g, ' ')).toBe('Не прийнято: обрані проєкти коштують 1 220 000 грн, а бюджет — 1 000 000 грн.');
    // The alert takes focus, so a screen reader reads it at once.
    expect(await alert.evaluate((el) => el === document.activeElement)).toBe(true);
    await shot('3-refused');
    expect(server.forums.bySlug(slug)!.room.state.city.casts).toHaveLength(0);
    expect(await violations(phone)).toEqual([]);
  });

  it('sends the ballot and shows the receipt, whose hash is what the forum keeps', async () => {
    await phone.getByLabel(/Обрати «Сквер на Польовій/).uncheck();
    await phone.getByRole('button', { name: 'Надіслати бюлетень' }).click();
    const confirmed = phone.getByRole('heading', { name: 'Ваш бюлетень прийнято' });
    await confirmed.waitFor();
    expect(await confirmed.evaluate((el) => el === document.activeElement)).toBe(true);
    receipt = (await phone.locator('.city-receipt .receipt-code').textContent()) ?? '';
    expect(receipt).toMatch(/^[0-9A-HJKMNP-TV-Z]{5}-[0-9A-HJKMNP-TV-Z]{5}$/);
    const casts = server.forums.bySlug(slug)!.room.state.city.casts;
    expect(casts).toHaveLength(1);
    expect(casts[0].receiptHash).toBe(createHash('sha256').update(receipt).digest('hex'));
    expect(casts[0].ballot).toEqual({ kind: 'knapsack', budgetId: 'centre', projectIds: ['park', 'crossing'] });
    // Sent: the button now changes the ballot, and it may be withdrawn.
    await phone.getByRole('button', { name: 'Змінити бюлетень' }).waitFor();
    await shot('4-receipt');
    // After a reload the phone says its ballot counts, with the receipt it keeps, and offers a change.
    await phone.reload();
    await phone.getByText('Ваш бюлетень у цьому бюджеті враховано.', { exact: false }).waitFor();
    expect(await phone.locator('.city-counted .receipt-code').textContent()).toBe(receipt);
    await phone.getByRole('button', { name: 'Змінити бюлетень' }).waitFor();
    expect(await phone.getByLabel(`Обрати «${PARK}»`).isChecked()).toBe(true);
    expect(await violations(phone)).toEqual([]);
  });

  it('withdraws the ballot and votes again, with a new receipt', async () => {
    await phone.getByRole('button', { name: 'Відкликати бюлетень' }).click();
    await phone.getByText('Бюлетень відкликано. Ви можете проголосувати знову до завершення.').waitFor();
    expect(server.forums.bySlug(slug)!.room.state.city.casts.at(-1)?.ballot).toBeNull();
    expect(await phone.getByLabel(`Обрати «${PARK}»`).isChecked()).toBe(false);
    await phone.getByText('Обрано на 0 грн з 1 000 000 грн').waitFor();
    await phone.getByLabel(`Обрати «${PARK}»`).check();
    await phone.getByLabel(`Обрати «${CROSSING}»`).check();
    await phone.getByRole('button', { name: 'Надіслати бюлетень' }).click();
    await phone.getByRole('heading', { name: 'Ваш бюлетень прийнято' }).waitFor();
    const again = (await phone.locator('.city-receipt .receipt-code').textContent()) ?? '';
    expect(again).toMatch(/^[0-9A-HJKMNP-TV-Z]{5}-[0-9A-HJKMNP-TV-Z]{5}$/);
    expect(again).not.toBe(receipt);
    receipt = again;
  });

  it('speaks English when asked', async () => {
    await phone.locator('.lang-toggle').click();
    await phone.getByRole('button', { name: 'Change the ballot' }).waitFor();
    await phone.getByText('UAH 970,000 of UAH 1,000,000 chosen').waitFor();
    await shot('5-english');
    await phone.locator('.lang-toggle').click();
    await phone.getByRole('button', { name: 'Змінити бюлетень' }).waitFor();
  });

  it('after the close the phone says so, and the receipt finds its own line on the lookup page', async () => {
    ok(await admin.send('phase:set', { to: 'results' }));
    await phone.getByRole('heading', { name: 'Голосування завершено. Дякуємо!' }).waitFor();
    // The results as published: one voter chose the park and the crossing, both funded (970,000 of 1,000,000).
    await phone.getByText('Виборців у цьому бюджеті: 1').waitFor();
    const results = await phone.locator('.city-project').evaluateAll((items) => items.map((li) => [li.querySelector('h3')?.textContent, li.querySelector('strong')?.textContent]));
    expect(results).toEqual([
      [PARK, 'фінансується'],
      [CROSSING, 'фінансується'],
      ['Лавки біля зупинок', 'не фінансується'],
      ['Сквер на Польовій з лавками, деревами й освітленням для вечірніх прогулянок', 'не фінансується'],
    ]);
    await shot('6-results');
    expect(await violations(phone)).toEqual([]);
    await phone.getByRole('link', { name: 'Знайти свій бюлетень за кодом квитанції' }).click();
    await phone.getByLabel('Код квитанції').fill(receipt.toLowerCase().replace('-', ''));
    await phone.getByRole('button', { name: 'Знайти' }).click();
    await phone.getByRole('heading', { name: 'Ваш бюлетень у бюджеті «Центр і Богунія» враховано так:' }).waitFor();
    expect(await phone.locator('li').allTextContents()).toEqual([PARK, CROSSING]);
    const line = await phone.locator('code').first().textContent();
    expect(line).toMatch(/^[0-9a-f]{16};park,crossing$/);
    await shot('7-lookup');
    expect(await violations(phone)).toEqual([]);
    expect(errors).toEqual([]);
  });
});
