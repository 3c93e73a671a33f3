// The facilitator's console in a real Chromium, driving a real server: rules, phases, moderation,
// reveal and export, each checked in the server's state after the click.

import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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

  const state = () => server.room.state;
  const tab = (name: string) => page.getByRole('tab', { name }).click();
  const ideaCard = (title: string) => page.locator('li.idea-card', { hasText: title });

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

  it('edits the rules in the lobby and opens ideas', async () => {
    await page.goto(`${server.url}/console?key=${encodeURIComponent(server.facilitatorKey)}`);
    await page.getByText('Оксана').waitFor();
    await tab('Структура і правила');
    await page.getByLabel('Крапок на пріоритет').fill('4');
    await page.getByRole('button', { name: 'Зберегти правила' }).click();
    await page.getByText('Правила збережено').waitFor();
    expect(state().rules.dotsPerPriority).toBe(4);

    await tab('Огляд');
    await page.getByRole('button', { name: /Далі: Подання ідей/ }).click();
    await expect.poll(() => state().phase).toBe('ideas');
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
    await expect.poll(() => [...state().ideas.values()].find((i) => i.title === 'Купити рекламу')?.hiddenReason).toBe('Реклама');

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
    await expect.poll(() => state().phase).toBe('voting');
    const skate = [...state().ideas.values()].find((i) => i.status === 'active')!;
    for (const p of phones) ok(await p.send('dot:place', { ideaId: skate.id }));
    await page.getByText('2 з 2').first().waitFor();

    await page.getByRole('button', { name: /Далі: Результати/ }).click();
    await expect.poll(() => state().phase).toBe('results');
    await tab('Результати');
    const card = page.locator('section.result-card', { hasText: 'Активне місто' });
    await card.getByText('2 крапки').first().waitFor();
    await card.getByRole('button', { name: 'Показати результати' }).click();
    await expect.poll(() => state().revealed).toEqual(['3']);

    await tab('Експорт');
    const href = await page.getByRole('link', { name: 'Завантажити CSV (Excel)' }).getAttribute('href');
    const csv = await fetch(new URL(href!, server.url));
    expect(csv.status).toBe(200);
    expect(await csv.text()).toContain('Скейт-парк на Польовій');
  });
});
