// The facilitator's console in a real Chromium, driving a real server: the key kept out of the
// address bar, admission (mode, cap, tickets printed and released), voiding a participant by
// keyboard, rules, phases, moderation, reveal, export and changing the key, each checked in the
// server's state after the click.

import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type Locator, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MeView } from '../../shared/protocol.js';
import { joinPhone, ok, ROOT, startTestServer, type TestPhone, type TestServer } from '../../server/test/harness.js';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const ready = existsSync(CHROMIUM) && existsSync(join(ROOT, 'dist/client/console/index.html'));
if (process.env.CI === 'true' && !ready) throw new Error(`CI needs Chromium at ${CHROMIUM} and the built client`);

// Outside CI a machine without Chromium (or without a build) skips these, saying why.
describe.skipIf(!ready)(`the console in Chromium (needs ${CHROMIUM} and a built client)`, () => {
  let server: TestServer;
  let browser: Browser;
  let page: Page;
  const phones: TestPhone[] = [];
  /** Joins with a ticket and is voided; kept apart from the phones that vote later. */
  let guest: TestPhone | undefined;

  const state = () => server.room.state;
  const tab = (name: string) => page.getByRole('tab', { name }).click();
  const ideaCard = (title: string) => page.locator('li.idea-card', { hasText: title });
  const consoleUrl = (key = server.facilitatorKey) => `${server.url}/console?key=${encodeURIComponent(key)}`;
  /** expect.poll with room for a loaded machine: each step waits on a server round trip. */
  const eventually = <T>(value: () => T | Promise<T>) => expect.poll(value, { timeout: 10_000 });
  const isFocused = (target: Locator) => target.evaluate((el) => el === document.activeElement);
  /** Presses Tab until `target` has the focus, as a keyboard user would. */
  const tabTo = async (target: Locator) => {
    for (let i = 0; i < 80; i++) {
      if (await isFocused(target)) return;
      await page.keyboard.press('Tab');
    }
    throw new Error('Tab never reached the target');
  };

  beforeAll(async () => {
    server = await startTestServer();
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
    });
    page = await browser.newPage({ viewport: { width: 1366, height: 900 } });
    page.on('dialog', (dialog) => void dialog.accept());
    for (const name of ['Оксана', 'Тарас']) phones.push(await joinPhone(server, name));
  });
  afterAll(async () => {
    for (const p of phones) p.close();
    guest?.close();
    await browser?.close();
    await server?.stop();
  });

  it('refuses a wrong key with a clear message', async () => {
    const other = await browser.newPage();
    await other.goto(`${server.url}/console?key=wrong`);
    await other.getByText('Ключ фасилітатора не підходить').waitFor();
    await other.goto(`${server.url}/console`);
    await other.getByText('Пульт відкривається лише за посиланням із секретним ключем').waitFor();
    await other.close();
  });

  it('takes the key out of the address bar, and a reload in the same tab still works', async () => {
    await page.goto(consoleUrl());
    await page.getByText('Оксана').waitFor();
    expect(page.url()).not.toContain('key=');
    expect(await page.evaluate(() => sessionStorage.getItem('viche.consoleKey'))).toBe(server.facilitatorKey);
    await page.reload();
    await page.getByText('Оксана').waitFor();
  });

  it('switches to tickets in the lobby, creates three and prints them', async () => {
    await tab('Допуск');
    await page.getByRole('radio', { name: 'Друковані квитки' }).check();
    await eventually(() => state().admission).toBe('tickets');

    await page.getByLabel('Скільки квитків створити').fill('3');
    await page.getByRole('button', { name: 'Створити квитки' }).click();
    await page.getByText('Створено 3 квитки').waitFor();
    expect(state().tickets.size).toBe(3);

    // The sheet opens in a new tab through a grant; the key is in no link.
    const print = page.getByRole('link', { name: /Друкувати партію 1 \(3 шт\.\)/ });
    expect(await print.getAttribute('href')).toMatch(/^\/console\/tickets\?grant=[\w-]+&lang=uk&batch=1$/);
    const [sheet] = await Promise.all([page.context().waitForEvent('page'), print.click()]);
    await eventually(() => sheet.locator('.card').count()).toBe(3);
    await sheet.close();
  });

  it('sets the most participants per address', async () => {
    await page.getByText('Діє типове значення сервера.').waitFor();
    await page.getByRole('spinbutton', { name: 'Найбільше учасників з однієї адреси' }).fill('5');
    await page.getByRole('button', { name: 'Зберегти', exact: true }).click();
    await eventually(() => server.admission.maxPerAddress()).toBe(5);
    await eventually(() => page.getByText('Діє типове значення сервера.').count()).toBe(0);
    await page.locator('#cap-state', { hasText: 'Обмеження: 5 з однієї адреси' }).waitFor();
  });

  it('shows a ticket holder, releases the ticket, and voids the participant by keyboard alone', async () => {
    const ticket = [...state().tickets.values()].find((t) => t.number === 1)!;
    guest = await joinPhone({ url: server.url, joinCode: ticket.code }, 'Гість');

    await page.getByLabel('Код квитка').fill(`${ticket.code.slice(0, 5)} ${ticket.code.slice(5)}`);
    await page.getByRole('button', { name: 'Звільнити квиток' }).click();
    await page.getByText('Квиток № 1 звільнено').waitFor();
    expect(state().tickets.get(ticket.id)?.released).toBe(true);

    await tab('Огляд');
    const row = page.locator('tr', { hasText: 'Гість' });
    await row.getByText('квиток № 1').waitFor();
    const voidButton = row.getByRole('button', { name: 'Анулювати' });
    await tabTo(voidButton);
    await page.keyboard.press('Enter');
    const dialog = page.getByRole('dialog', { name: 'Анулювати учасника «Гість»?' });
    await dialog.waitFor();
    expect(await isFocused(dialog.getByLabel('Причина'))).toBe(true);

    // Escape closes it and gives the focus back.
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'hidden' });
    await eventually(() => isFocused(voidButton)).toBe(true);

    // A reason is required.
    await page.keyboard.press('Enter');
    await dialog.waitFor();
    await page.keyboard.press('Enter');
    await dialog.getByRole('alert').waitFor();
    expect(state().participants.get(guest.me.participantId)?.voided).toBeNull();

    await page.keyboard.type('Чужий телефон');
    await page.keyboard.press('Tab');
    await page.keyboard.press('Tab');
    expect(await isFocused(dialog.getByRole('button', { name: 'Анулювати' }))).toBe(true);
    await page.keyboard.press('Enter');
    await guest.next<MeView | null>('me', (me) => me?.voided?.reason === 'Чужий телефон');
    await page.getByText('Учасника анульовано').waitFor();
    await row.getByText('Анульовано: Чужий телефон').waitFor();
    expect(await row.getByRole('button', { name: 'Анулювати' }).count()).toBe(0);
  });

  it('edits the rules in the lobby and opens ideas', async () => {
    await page.goto(consoleUrl());
    await page.getByText('Оксана').waitFor();
    await tab('Структура і правила');
    await page.getByLabel('Крапок на пріоритет').fill('4');
    await page.getByRole('button', { name: 'Зберегти правила' }).click();
    await page.getByText('Правила збережено').waitFor();
    expect(state().rules.dotsPerPriority).toBe(4);

    await tab('Огляд');
    await page.getByRole('button', { name: /Далі: Подання ідей/ }).click();
    await eventually(() => state().phase).toBe('ideas');
  });

  it('sees ideas arrive live, hides one with a reason and corrects another', async () => {
    await tab('Ідеї');
    ok(await phones[0].send('idea:submit', { priorityCode: '3', title: 'Купити рекламу' }));
    ok(await phones[1].send('idea:submit', { priorityCode: '3', title: 'Скейтпарк на Польовій' }));
    await ideaCard('Скейтпарк на Польовій').waitFor();

    const spam = ideaCard('Купити рекламу');
    await spam.getByRole('button', { name: 'Приховати' }).click();
    await spam.getByRole('button', { name: 'Приховати' }).click(); // submit without a reason
    await spam.getByRole('alert').waitFor();
    expect([...state().ideas.values()].every((i) => i.status === 'active')).toBe(true);
    await spam.getByLabel('Причина приховування').fill('Реклама');
    await spam.getByRole('button', { name: 'Приховати' }).click();
    await eventually(() => [...state().ideas.values()].find((i) => i.title === 'Купити рекламу')?.hiddenReason).toBe('Реклама');

    const skate = ideaCard('Скейтпарк на Польовій');
    await skate.getByRole('button', { name: 'Виправити' }).click();
    await skate.getByLabel('Назва').fill('Скейт-парк на Польовій');
    await skate.getByRole('button', { name: 'Зберегти' }).click();
    await ideaCard('Скейт-парк на Польовій').waitFor();
    const corrected = [...state().ideas.values()].find((i) => i.title === 'Скейт-парк на Польовій');
    expect(corrected).toMatchObject({ corrected: true, authorId: phones[1].me.participantId });
  });

  it('moves to voting, follows progress, then reveals a priority and exports', async () => {
    await tab('Огляд');
    await page.getByRole('button', { name: /Далі: Модерація/ }).click();
    await page.getByRole('button', { name: /Далі: Голосування/ }).click();
    await eventually(() => state().phase).toBe('voting');
    const skate = [...state().ideas.values()].find((i) => i.status === 'active')!;
    for (const p of phones) ok(await p.send('dot:place', { ideaId: skate.id }));
    await page.getByText('2 з 2').first().waitFor();

    await page.getByRole('button', { name: /Далі: Результати/ }).click();
    await eventually(() => state().phase).toBe('results');
    await tab('Результати');
    const card = page.locator('section.result-card', { hasText: 'Активне місто' });
    await card.getByText('2 крапки').first().waitFor();
    await card.getByRole('button', { name: 'Показати результати' }).click();
    await eventually(() => state().revealed).toEqual(['3']);

    await tab('Експорт');
    const href = await page.getByRole('link', { name: 'Завантажити CSV (Excel)' }).getAttribute('href');
    const csv = await fetch(new URL(href!, server.url));
    expect(csv.status).toBe(200);
    expect(await csv.text()).toContain('Скейт-парк на Польовій');
    expect(href).not.toContain(server.facilitatorKey);
  });

  it('changes the key: this console carries on with the new one, the old link is refused', async () => {
    const oldKey = server.facilitatorKey;
    await tab('Допуск');
    await page.getByRole('button', { name: 'Змінити ключ' }).click();
    const dialog = page.getByRole('dialog', { name: 'Ключ фасилітатора' });
    await dialog.waitFor();
    await dialog.getByRole('button', { name: 'Змінити ключ' }).click();
    const link = page.getByLabel('Ключ змінено');
    await link.waitFor();
    const newKey = server.facilitatorKey;
    expect(newKey).not.toBe(oldKey);
    expect(await link.inputValue()).toBe(consoleUrl(newKey));
    await eventually(() => isFocused(link)).toBe(true);
    expect(await page.evaluate(() => sessionStorage.getItem('viche.consoleKey'))).toBe(newKey);

    // The server dropped this console; it is back with the new key and its commands go through.
    await page.getByLabel('Скільки квитків створити').fill('2');
    await page.getByRole('button', { name: 'Створити квитки' }).click();
    await eventually(() => state().tickets.size).toBe(5);
    // The old grants went with the old key; the export link carries a new one that works.
    await tab('Експорт');
    const href = await page.getByRole('link', { name: 'Завантажити CSV (Excel)' }).getAttribute('href');
    expect((await fetch(new URL(href!, server.url))).status).toBe(200);

    const other = await browser.newPage();
    await other.goto(consoleUrl(oldKey));
    await other.getByText('Ключ фасилітатора не підходить').waitFor();
    await other.close();
  });
});
