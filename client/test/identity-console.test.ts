// Who may vote, in the console and on the phone, in Chromium: the organiser chooses voter codes in
// the Admission tab, makes a batch and finds its CSV and print links; chooses the residents' list
// instead (before anyone votes) and uploads a file of 2,500 rows, sent in parts; a listed resident
// proves their entry on a phone at 360 px. The console card and the phone's proof step pass axe
// (the pages' own CSP is bypassed only to let axe's script in, as in a11y.test.ts).

import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCityVote, type CityVote } from '../../server/test/cityVote.js';
import { ROOT } from '../../server/test/harness.js';
import { CHROMIUM, haveBrowser, launchChromium, violations } from './chromium.js';

const built = existsSync(join(ROOT, 'dist/client/console/index.html'));
if (process.env.CI === 'true' && !(haveBrowser && built)) throw new Error(`CI needs Chromium at ${CHROMIUM} and the built client`);

describe.skipIf(!haveBrowser || !built)('who may vote, in the console and on the phone (needs Chromium and a built client)', () => {
  let city: CityVote;
  let browser: Browser;

  beforeAll(async () => {
    city = await startCityVote();
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await city?.close();
  });
  const state = () => city.server.forums.get(city.vote.forumId)!.room.state;

  it('chooses voter codes, makes a batch, then the list instead, and uploads it in parts', { timeout: 180_000 }, async () => {
    const page = await (await browser.newContext({ viewport: { width: 1280, height: 720 }, bypassCSP: true })).newPage();
    await page.goto(`${city.vote.socketUrl}/console?key=${encodeURIComponent(city.server.facilitatorKey)}`);
    await page.getByRole('tab', { name: 'Допуск' }).click();
    const card = page.locator('section[aria-labelledby="h-identity"]');
    await card.getByRole('radio', { name: /Коди виборця/ }).check();
    await expect.poll(() => state().persons.method).toBe('codes');
    // Ways whose provider this server lacks are offered but cannot be chosen, saying why.
    await expect(card.getByRole('radio', { name: /Код у SMS/ }).isDisabled()).resolves.toBe(true);
    await card.getByLabel('Скільки кодів створити').fill('2500');
    await card.getByRole('button', { name: 'Створити коди' }).click();
    await card.getByRole('link', { name: 'CSV для розсилки' }).waitFor();
    expect(await card.getByRole('link', { name: /Друк №/ }).allTextContents()).toEqual(['Друк № 1–2000 (відкривається в новій вкладці)', 'Друк № 2001–2500 (відкривається в новій вкладці)']);
    expect(await violations(page)).toEqual([]);

    await card.getByRole('radio', { name: /Список мешканців/ }).check();
    await expect.poll(() => state().persons.method).toBe('list');
    const rows = Array.from({ length: 2500 }, (_, i) => `КМ${String(i).padStart(6, '0')};${1940 + (i % 60)}`);
    await card.getByLabel('Завантажити список (CSV)').setInputFiles({ name: 'list.csv', mimeType: 'text/csv', buffer: Buffer.from(`номер;рік народження\n${rows.join('\n')}\n`) });
    await page.getByText('Додано записів: 2500; уже були в списку: 0.').waitFor({ timeout: 60_000 });
    expect(state().persons.listed.size).toBe(2500);
    await card.getByText('У списку записів: 2500.').waitFor();

    // A resident listed on line 1,001 of the file proves their entry on a phone.
    const phone = await (await browser.newContext({ viewport: { width: 360, height: 640 }, isMobile: true, bypassCSP: true })).newPage();
    await phone.goto(`${city.vote.socketUrl}/`);
    await phone.getByLabel('Номер (як у документі)').fill('км 001000');
    await phone.getByLabel('Друга відомість').fill(String(1940 + (1000 % 60)));
    expect(await violations(phone)).toEqual([]);
    await phone.getByRole('button', { name: 'Перейти до голосування' }).click();
    await phone.getByText('Мої крапки').waitFor();
    expect(state().participants.size).toBe(1);
    // Once a ballot is held, the way is fixed.
    await card.getByText('Спосіб уже не змінити', { exact: false }).waitFor();
    await expect(card.getByRole('radio', { name: /Коди виборця/ }).isDisabled()).resolves.toBe(true);
  });
});
