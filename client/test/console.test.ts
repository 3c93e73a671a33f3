// The facilitator's console in a real Chromium, driving a real server: the key kept out of the
// address bar, admission (mode, cap, tickets printed and released), voiding a participant by
// keyboard, rules, phases, moderation, reveal, export and changing the key, each checked in the
// server's state after the click. Every phase move and every reveal goes through a dialog that
// says what it does, with figures; each is driven by keyboard alone, cancelled first (nothing
// changes on the server) and then confirmed. Screenshots of the dialogs and the Results tab at
// 1366×768 go to test-results/console/.

import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type Locator, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MeView } from '../../shared/protocol.js';
import { joinPhone, ok, ROOT, startTestServer, type TestPhone, type TestServer } from '../../server/test/harness.js';
import { violations } from './chromium.js';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const SHOTS = join(ROOT, 'test-results/console');
const VIEWPORT = { width: 1366, height: 768 };
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
  /** Native confirm() and alert() boxes: the console must have none left. */
  let nativeDialogs = 0;

  const state = () => server.room.state;
  const tab = (name: string) => page.getByRole('tab', { name }).click();
  const ideaCard = (title: string) => page.locator('li.idea-card', { hasText: title });
  const consoleUrl = (key = server.facilitatorKey) => `${server.url}/f/${server.slug}/console?key=${encodeURIComponent(key)}`;
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
  const shoot = (name: string) => page.screenshot({ path: join(SHOTS, `${name}.png`) });
  /** Whether the whole of `target` is on screen, without scrolling. */
  const inViewport = async (target: Locator) => {
    const box = await target.boundingBox();
    return box !== null && box.y >= 0 && box.x >= 0 && box.y + box.height <= VIEWPORT.height && box.x + box.width <= VIEWPORT.width;
  };
  /**
   * Opens a phase move's dialog from its button by keyboard, checks that Escape closes it without
   * moving and gives the focus back, then opens it again and returns it (focus inside, as named).
   */
  const openGuarded = async (button: Locator, title: string) => {
    await tabTo(button);
    await page.keyboard.press('Enter');
    const dialog = page.getByRole('dialog', { name: title });
    await dialog.waitFor();
    expect(await dialog.evaluate((el) => el.contains(document.activeElement))).toBe(true);
    return dialog;
  };
  const cancelsByEscape = async (dialog: Locator, opener: Locator) => {
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'hidden' });
    await eventually(() => isFocused(opener)).toBe(true);
  };

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    // Forty ideas from three phones is more than the hall's rate of changes allows one phone.
    server = await startTestServer({ limits: { ideaChangesPerParticipant: { burst: 100, perSecond: 20 } } });
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
    });
    // The pages' CSP refuses injected scripts (as it should); axe-core is let in past it.
    page = await (await browser.newContext({ viewport: VIEWPORT, bypassCSP: true })).newPage();
    // A step that cannot happen fails by name, well inside the test's own time limit.
    page.setDefaultTimeout(10_000);
    page.on('dialog', (dialog) => {
      nativeDialogs++;
      void dialog.dismiss();
    });
    for (const name of ['Оксана', 'Тарас', 'Марія']) phones.push(await joinPhone(server, name));
  });
  afterAll(async () => {
    for (const p of phones) p.close();
    guest?.close();
    await browser?.close();
    await server?.stop();
  });

  it('refuses a wrong key with a clear message', async () => {
    const other = await browser.newPage();
    await other.goto(`${server.url}/f/${server.slug}/console?key=wrong`);
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
    expect(await print.getAttribute('href')).toMatch(/^\/f\/1\/console\/tickets\?grant=[\w-]+&lang=uk&batch=1$/);
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

  it('sets the expected attendance in a field that, like the cap’s, gives its range', async () => {
    const field = page.getByRole('spinbutton', { name: 'Очікувана кількість учасників' });
    expect(await field.getAttribute('aria-describedby')).toContain('attendance-input-range');
    await page.locator('#attendance-input-range', { hasText: 'Від 0 до 100000' }).waitFor();
    await field.fill('40');
    await page.getByRole('button', { name: 'Зберегти кількість' }).click();
    await eventually(() => server.room.state.expectedAttendance).toBe(40);
    await page.locator('#attendance-state', { hasText: 'з 40' }).waitFor();
    expect(await field.inputValue()).toBe('40');
  });

  it('shows a ticket holder, releases the ticket, and voids the participant by keyboard alone', async () => {
    const ticket = [...state().tickets.values()].find((t) => t.number === 1)!;
    guest = await joinPhone({ url: server.url, socketUrl: server.socketUrl, joinCode: ticket.code }, 'Гість');

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

  it('edits the rules in the lobby and opens ideas through a short confirmation, by keyboard', async () => {
    await page.goto(consoleUrl());
    await page.getByText('Оксана').waitFor();
    await tab('Структура і правила');
    await page.getByLabel('Ідей на учасника').fill('20');
    await page.getByLabel('Крапок на пріоритет').fill('4');
    await page.getByRole('button', { name: 'Зберегти правила' }).click();
    await page.getByText('Правила збережено').waitFor();
    expect(state().rules).toMatchObject({ ideasPerParticipant: 20, dotsPerPriority: 4, maxDotsPerIdea: 2 });

    await tab('Огляд');
    const next = page.getByRole('button', { name: /Далі: Подання ідей/ });
    const dialog = await openGuarded(next, 'Перейти до етапу «Подання ідей»?');
    await dialog.getByText('Пріоритети, правила й спосіб допуску змінити вже не вийде').waitFor();
    // A light step: focus starts on the button that names it.
    const confirm = dialog.getByRole('button', { name: 'Відкрити подання ідей' });
    expect(await isFocused(confirm)).toBe(true);
    await shoot('dialog-to-ideas');
    await cancelsByEscape(dialog, next);
    expect(state().phase).toBe('lobby');

    await page.keyboard.press('Enter');
    await dialog.waitFor();
    await page.keyboard.press('Enter');
    await eventually(() => state().phase).toBe('ideas');
    await dialog.waitFor({ state: 'hidden' });
    // The button went with the lobby; focus waits on the phase's heading.
    await eventually(() => isFocused(page.getByRole('heading', { name: 'Етап', exact: true }))).toBe(true);
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

  it('goes to review and to voting through short confirmations that count the ideas', async () => {
    // Forty more ideas, across all six priorities, so that the rankings run long below the controls.
    for (let i = 0; i < 40; i++) {
      const phone = phones[i % phones.length];
      ok(await phone.send('idea:submit', { priorityCode: String((i % 6) + 1), title: `Ідея номер ${i + 1} для перевірки` }));
    }
    const active = () => [...state().ideas.values()].filter((i) => i.status === 'active').length;
    expect(active()).toBe(41);
    await tab('Огляд');

    const toReview = page.getByRole('button', { name: /Далі: Модерація/ });
    let dialog = await openGuarded(toReview, 'Перейти до етапу «Модерація»?');
    await dialog.getByText('Подано ідей: 41.').waitFor();
    await cancelsByEscape(dialog, toReview);
    expect(state().phase).toBe('ideas');
    await page.keyboard.press('Enter');
    await dialog.getByRole('button', { name: 'Перейти до модерації' }).waitFor();
    await page.keyboard.press('Enter');
    await eventually(() => state().phase).toBe('review');

    // The step back: Escape leaves the forum in review.
    const back = page.getByRole('button', { name: /Назад: Подання ідей/ });
    dialog = await openGuarded(back, 'Перейти до етапу «Подання ідей»?');
    await dialog.getByRole('button', { name: 'Знову відкрити подання ідей' }).waitFor();
    await cancelsByEscape(dialog, back);
    expect(state().phase).toBe('review');

    const toVoting = page.getByRole('button', { name: /Далі: Голосування/ });
    dialog = await openGuarded(toVoting, 'Перейти до етапу «Голосування»?');
    await dialog.getByText('Повернутися до подання ідей після цього вже не вийде.').waitFor();
    await dialog.getByText('Ідей на голосуванні: 41.').waitFor();
    await shoot('dialog-to-voting');
    expect(await violations(page)).toEqual([]);
    await page.keyboard.press('Shift+Tab'); // from the confirm button back to Cancel…
    expect(await isFocused(dialog.getByRole('button', { name: 'Скасувати' }))).toBe(true);
    await page.keyboard.press('Tab'); // …and forth
    expect(await isFocused(dialog.getByRole('button', { name: 'Відкрити голосування' }))).toBe(true);
    await page.keyboard.press('Enter');
    await eventually(() => state().phase).toBe('voting');
  });

  it('closes voting only after saying who still has dots, by keyboard', async () => {
    const [oksana, taras] = phones;
    const ideas = [...state().ideas.values()].filter((i) => i.status === 'active');
    // Оксана spends all 24 (4 in each of six priorities, at most 2 on an idea), Тарас one, Марія none.
    for (let p = 1; p <= 6; p++) {
      const two = ideas.filter((i) => i.priorityCode === String(p)).slice(0, 2);
      for (const idea of two) for (let k = 0; k < 2; k++) ok(await oksana.send('dot:place', { ideaId: idea.id }));
    }
    const skate = ideas.find((i) => i.title === 'Скейт-парк на Польовій')!;
    ok(await taras.send('dot:place', { ideaId: skate.id }));
    await page.getByText('2 з 3').first().waitFor();

    const close = page.getByRole('button', { name: /Далі: Результати/ });
    const dialog = await openGuarded(close, 'Закрити голосування?');
    await dialog.getByText('Голосування закриється назавжди').waitFor();
    await dialog.getByText('Проголосували: 2 з 3.').waitFor();
    await dialog.getByText('Ще 2 учасники не витратили всіх крапок; 1 — не поставив жодної.').waitFor();
    await dialog.getByText('Усього кожен може поставити 24 крапки (лише в пріоритетах, де є ідеї).').waitFor();
    // It cannot be undone: focus starts on Cancel, so a stray Enter does nothing.
    const cancel = dialog.getByRole('button', { name: 'Скасувати' });
    expect(await isFocused(cancel)).toBe(true);
    await shoot('dialog-close-voting');
    expect(await violations(page)).toEqual([]);

    await cancelsByEscape(dialog, close);
    expect(state().phase).toBe('voting');
    await page.keyboard.press('Enter');
    await dialog.waitFor();
    await page.keyboard.press('Enter'); // on Cancel
    await dialog.waitFor({ state: 'hidden' });
    expect(state().phase).toBe('voting');

    await page.keyboard.press('Enter');
    await dialog.waitFor();
    await page.keyboard.press('Tab');
    expect(await isFocused(dialog.getByRole('button', { name: 'Закрити голосування' }))).toBe(true);
    await page.keyboard.press('Enter');
    await eventually(() => state().phase).toBe('results');
  });

  it('reveals a priority from the panel at the top, without scrolling, through a dialog with its figures', async () => {
    await tab('Результати');
    const panel = page.getByRole('region', { name: 'Показ результатів' });
    const row = (title: string) => panel.locator('tr', { hasText: title });
    const reveal = row('Активне місто').getByRole('button', { name: 'Показати на екрані' });
    await reveal.waitFor();
    await page.locator('section.result-card', { hasText: 'Активне місто' }).getByText('3 крапки').first().waitFor();
    // Every priority's reveal is within the first screen, with 41 ideas ranked below.
    expect(await page.evaluate(() => window.scrollY)).toBe(0);
    for (const button of await panel.getByRole('button', { name: 'Показати на екрані' }).all()) expect(await inViewport(button)).toBe(true);
    expect(await page.locator('ol.ranking > li').count()).toBe(41);
    // Nothing unrevealed can be put up on the projector, nor the final slide yet.
    expect(await panel.getByRole('button', { name: 'Вивести на екран' }).count()).toBe(0);
    expect(await page.getByRole('button', { name: 'Підсумок' }).isDisabled()).toBe(true);
    await shoot('results-tab');
    expect(await violations(page)).toEqual([]);

    const dialog = await openGuarded(reveal, 'Показати результати пріоритету 3?');
    await dialog.getByText('Результати пріоритету «Активне місто» побачать усі на екрані й телефонах. Скасувати це неможливо.').waitFor();
    const inThree = [...state().ideas.values()].filter((i) => i.priorityCode === '3' && i.status === 'active').length;
    await dialog.getByText(`Ідей у рейтингу: ${inThree}; крапок: 5; проголосували: 2.`).waitFor();
    expect(await isFocused(dialog.getByRole('button', { name: 'Скасувати' }))).toBe(true);
    await shoot('dialog-reveal');
    expect(await violations(page)).toEqual([]);

    await cancelsByEscape(dialog, reveal);
    expect(state().revealed).toEqual([]);
    await page.keyboard.press('Enter');
    await dialog.waitFor();
    await page.keyboard.press('Tab');
    expect(await isFocused(dialog.getByRole('button', { name: 'Показати результати всім' }))).toBe(true);
    await page.keyboard.press('Enter');
    await eventually(() => state().revealed).toEqual(['3']);
    await row('Активне місто').getByText('Показано на екрані').waitFor();
    await eventually(() => isFocused(panel.locator('#show-3'))).toBe(true);
    expect(await row('Активне місто').getByRole('button', { name: 'Показати на екрані' }).count()).toBe(0);
    expect(nativeDialogs).toBe(0);
  });

  it('drives the projector: a revealed priority again, the final slide, the join QR, back to the phase, and the chart’s length', async () => {
    const panel = page.getByRole('region', { name: 'Показ результатів' });
    const projector = page.getByRole('region', { name: 'Екран проєктора' });
    const pressed = (button: Locator) => button.getAttribute('aria-pressed');
    expect(state().display).toEqual({ slide: 'auto' });
    await projector.getByText('за етапом, останній показаний пріоритет «Активне місто»').waitFor();

    const putUp = panel.locator('tr', { hasText: 'Активне місто' }).getByRole('button', { name: 'Вивести на екран' });
    expect(await inViewport(putUp)).toBe(true);
    // Only the revealed priority has one.
    expect(await panel.getByRole('button', { name: 'Вивести на екран' }).count()).toBe(1);
    await putUp.click();
    await eventually(() => state().display).toEqual({ slide: 'priority', priorityCode: '3' });
    await eventually(() => pressed(putUp)).toBe('true');
    await projector.getByText('пріоритет «Активне місто»', { exact: true }).waitFor();

    const final = projector.getByRole('button', { name: 'Підсумок' });
    await final.click();
    await eventually(() => state().display).toEqual({ slide: 'final' });
    await eventually(() => pressed(final)).toBe('true');
    expect(await pressed(putUp)).toBe('false');

    const joinQr = projector.getByRole('button', { name: 'QR для входу' });
    await tabTo(joinQr);
    await page.keyboard.press('Enter');
    await eventually(() => state().display).toEqual({ slide: 'join' });
    await eventually(() => pressed(joinQr)).toBe('true');
    expect(await isFocused(joinQr)).toBe(true);
    await shoot('results-projector-join');

    const auto = projector.getByRole('button', { name: 'За етапом' });
    await auto.click();
    await eventually(() => state().display).toEqual({ slide: 'auto' });
    await eventually(() => pressed(auto)).toBe('true');

    // How many ideas the chart shows: typed and sent with Enter; out of range is refused here.
    const top = projector.getByRole('spinbutton', { name: 'Ідей на діаграмі екрана' });
    expect(await top.inputValue()).toBe('10');
    await top.fill('0');
    await top.press('Enter');
    await projector.getByRole('alert').getByText('Введіть ціле число від 1 до 20.').waitFor();
    expect(state().resultsTop).toBe(10);
    await top.fill('5');
    await top.press('Enter');
    await eventually(() => state().resultsTop).toBe(5);
    await projector.getByText('Від 1 до 20; зараз: 5.').waitFor();
    expect(await violations(page)).toEqual([]);

    // The rankings below fold away, all at once or one by one.
    const rankings = page.getByRole('region', { name: 'Рейтинги' });
    await rankings.getByRole('button', { name: 'Згорнути всі' }).click();
    await eventually(() => rankings.locator('ol.ranking:visible').count()).toBe(0);
    const three = rankings.getByRole('button', { name: /Активне місто/ });
    expect(await three.getAttribute('aria-expanded')).toBe('false');
    await three.press('Enter'); // by keyboard: toasts may sit over the right-hand column
    expect(await three.getAttribute('aria-expanded')).toBe('true');
    await rankings.getByText('Скейт-парк на Польовій').waitFor();
    expect(await rankings.locator('ol.ranking:visible').count()).toBe(1);
    // With some open, the one button folds them all; then it unfolds them all.
    await rankings.getByRole('button', { name: 'Згорнути всі' }).click();
    await eventually(() => rankings.locator('ol.ranking:visible').count()).toBe(0);
    await rankings.getByRole('button', { name: 'Розгорнути всі' }).click();
    await eventually(() => rankings.locator('ol.ranking:visible').count()).toBe(6);
  });

  it('exports the results', async () => {
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
    await page.getByRole('button', { name: 'Змінити ключ', exact: true }).click();
    const dialog = page.getByRole('dialog', { name: 'Ключ фасилітатора' });
    await dialog.waitFor();
    await dialog.getByRole('button', { name: 'Змінити ключ', exact: true }).click();
    const link = page.getByLabel('Ключ змінено');
    await link.waitFor();
    const newKey = server.facilitatorKey;
    expect(newKey).not.toBe(oldKey);
    // The key opens every forum: the new link is the console's home, the list of forums, on the
    // server's public address (PUBLIC_URL here), which a tablet reaches too.
    expect(await link.inputValue()).toBe(`http://viche.test:9/console?key=${encodeURIComponent(newKey)}`);
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

  it('closes the forum only after naming the priorities not yet revealed, by keyboard', async () => {
    await tab('Огляд');
    const close = page.getByRole('button', { name: /Далі: Форум завершено/ });
    const dialog = await openGuarded(close, 'Завершити форум?');
    await dialog.getByText('Форум завершиться: нові учасники не зможуть приєднатися').waitFor();
    await dialog.getByText('Ще не показано пріоритетів: 5 з 6.').waitFor();
    for (const title of ['Ефективне місто', 'Інклюзивне місто']) await dialog.getByRole('listitem').filter({ hasText: title }).waitFor();
    expect(await dialog.getByRole('listitem').filter({ hasText: 'Активне місто' }).count()).toBe(0);
    expect(await isFocused(dialog.getByRole('button', { name: 'Скасувати' }))).toBe(true);
    await shoot('dialog-close-forum');
    expect(await violations(page)).toEqual([]);

    await cancelsByEscape(dialog, close);
    expect(state().phase).toBe('results');
    await page.keyboard.press('Enter');
    await dialog.waitFor();
    await page.keyboard.press('Tab');
    await page.keyboard.press('Enter');
    await eventually(() => state().phase).toBe('closed');
    await page.getByText('Це останній етап: форум завершено.').waitFor();
    expect(nativeDialogs).toBe(0);
  });

  it('warns on Overview and Admission when phones cannot reach the server (loopback, no PUBLIC_URL)', async () => {
    const warning = 'Телефони не зможуть під’єднатися. Сервер слухає лише адресу 127.0.0.1';
    // This test's server has PUBLIC_URL: no warning.
    expect(await page.getByText(warning).count()).toBe(0);

    const loopback = await startTestServer({ publicUrl: undefined });
    const other = await (await browser.newContext({ viewport: VIEWPORT, bypassCSP: true })).newPage();
    try {
      await other.goto(`${loopback.url}/f/${loopback.slug}/console?key=${encodeURIComponent(loopback.facilitatorKey)}`);
      await other.getByText(warning).waitFor();
      await other.getByText('Перезапустіть його з HOST=0.0.0.0 (типове значення) або задайте PUBLIC_URL.').waitFor();
      await other.screenshot({ path: join(SHOTS, 'overview-unreachable.png') });
      await other.getByRole('tab', { name: 'Допуск' }).click();
      await other.getByRole('heading', { name: 'Як учасники отримують голос' }).waitFor();
      await other.getByText(warning).waitFor();
      expect(await violations(other)).toEqual([]);
    } finally {
      await other.close();
      await loopback.stop();
    }
  });
});
