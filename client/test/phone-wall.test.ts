// A resident's phone at 360×640 on a busy evening, in Chromium: a wall of a hundred ideas with long
// Ukrainian titles, listed by priority with counts, one priority opened a page at a time with
// "more" and a search done by the server; ideas like the title being typed suggested under it; a refused title's message by its field; one's own idea edited in its place and
// withdrawn through the page's own dialog; the dots counted only where there are ideas; and the
// results with jump links, shared ranks read "=2" and one's own idea marked. Screenshots go to
// test-results/phone-wall/ for a person to look at.

import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadLabelledIdeas } from '../../scripts/bench-duplicates.js';
import { LIMITS } from '../../shared/forum/types.js';
import type { PublicIdea } from '../../shared/protocol.js';
import { WALL_PAGE_SIZE } from '../../shared/forum/wallOrder.js';
import { similarIdeas, SUGGEST_MAX } from '../../shared/forum/suggest.js';
import { connect, connectConsole, joinPhone, ok, ROOT, startTestServer, type TestClient, type TestPhone, type TestServer } from '../../server/test/harness.js';
import { phoneResults } from '../../server/forum/views.js';
import { GZIP_FROM_BYTES } from '../../server/realtime/wallPages.js';
import { CHROMIUM, haveBrowser, launchChromium, violations } from './chromium.js';

// ---------------------------------------------------------------- the suggestions, pure

describe('ideas suggested while a title is typed', () => {
  const cards = loadLabelledIdeas();
  const wall: PublicIdea[] = cards.map((c) => ({ ...c, goalCode: null, authorName: '', corrected: false }));
  const draft = (title: string, priorityCode = '') => ({ priorityCode, title, description: '', place: '' });

  it('on the labelled cards, a card’s title alone finds a card of its own group for most cards that have one', () => {
    let withGroup = 0;
    let found = 0;
    let shown = 0;
    let right = 0;
    for (const card of cards) {
      const suggested = similarIdeas(draft(card.title), wall, card.id);
      expect(suggested.length).toBeLessThanOrEqual(SUGGEST_MAX);
      const group = (id: string) => cards.find((c) => c.id === id)!.group;
      shown += suggested.length;
      right += suggested.filter((s) => group(s.id) === card.group).length;
      if (cards.some((c) => c.id !== card.id && c.group === card.group)) {
        withGroup++;
        if (suggested.some((s) => group(s.id) === card.group)) found++;
      }
    }
    // The figures in suggest.ts: 0.84 of the cards with a group, 0.43 of what is shown.
    expect(found / withGroup).toBeGreaterThan(0.73);
    expect(right / shown).toBeGreaterThan(0.36);
  });

  it('waits for a title long enough, keeps to the priority chosen, and leaves out the card it is asked to', () => {
    const [first] = cards;
    expect(similarIdeas(draft('Інфо'), wall)).toEqual([]);
    const some = similarIdeas(draft(first.title), wall);
    expect(some.map((i) => i.id)).toContain(first.id);
    expect(similarIdeas(draft(first.title), wall, first.id).map((i) => i.id)).not.toContain(first.id);
    const other = first.priorityCode === '1' ? '2' : '1';
    for (const idea of similarIdeas(draft(first.title, other), wall)) expect(idea.priorityCode).toBe(other);
    for (const idea of similarIdeas(draft(first.title, first.priorityCode), wall)) expect(idea.priorityCode).toBe(first.priorityCode);
  });
});

// ---------------------------------------------------------------- the page

const built = existsSync(join(ROOT, 'dist/client/phone/index.html'));
if (process.env.CI === 'true' && (!haveBrowser || !built)) throw new Error(`CI needs Chromium at ${CHROMIUM} and the built client`);

const SHOTS = join(ROOT, 'test-results/phone-wall');
const PRIORITIES = ['Ефективне місто', 'Інноваційне місто', 'Активне місто', 'Комфортне місто', 'Зелене місто', 'Інклюзивне місто'];

// Long titles as residents write them, made from a few projects and places: a hundred different
// cards, none of them a copy of another.
const PROJECTS = [
  'Облаштувати безпечну велодоріжку з окремою смугою, освітленням і стоянками для велосипедів',
  'Відновити старий сквер: нові лавки, ліхтарі, доріжки для дитячих візків і тихе місце для літніх людей',
  'Зробити безпечний перехід зі світлофором з кнопкою, острівцем посередині й новою розміткою',
  'Посадити двісті нових лип і кленів, щоб улітку на зупинках і тротуарах була густа тінь',
  'Відкрити молодіжний простір з коворкінгом, кімнатою для репетицій і безкоштовним Wi-Fi',
  'Встановити питні фонтанчики й громадські вбиральні, доступні для людей на кріслах колісних',
  'Облаштувати майданчик для вуличних тренажерів і воркауту з гумовим покриттям',
  'Провести щосуботній ярмарок місцевих виробників із наметами, музикою та дитячою зоною',
  'Зробити пандуси й тактильну плитку біля поліклініки та аптек для людей з інвалідністю',
  'Поставити контейнери для роздільного збору скла, паперу й пластику в кожному дворі',
];
const PLACES = ['на Богунії', 'біля Михайлівської', 'на Польовій', 'вздовж Тетерева', 'на Малікова', 'біля парку Гагаріна', 'на Корбутівці', 'у Смоківці', 'біля вокзалу', 'на Мальованці'];
const titleOf = (n: number) => `${PROJECTS[n % PROJECTS.length]} ${PLACES[Math.floor(n / PROJECTS.length) % PLACES.length]}`.slice(0, LIMITS.title);
/** Five priorities take ideas; the sixth stays empty, to show that the count of dots leaves it out. */
const priorityOf = (n: number) => String(1 + (n % 5));
const WRITERS = 20;
/** The resident's own idea, that ties for second place. */
const OWN = 'Лавки з навісами біля озера на Богунії';
/** The resident's idea that the facilitator merges into the first cycle path. */
const MERGED = 'Велодоріжка на Богунії з освітленням і стоянками';
const PER_WRITER = 5;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe.skipIf(!haveBrowser || !built)(`a resident's phone on a busy evening (needs ${CHROMIUM} and a built client)`, () => {
  let server: TestServer;
  let admin: TestClient;
  let browser: Browser;
  let phone: Page;
  const writers: TestPhone[] = [];
  const errors: string[] = [];
  const nativeDialogs: string[] = [];

  const shot = async (name: string, fullPage = false) => {
    await phone.evaluate(() => document.querySelectorAll<HTMLButtonElement>('.toast-close').forEach((b) => b.click()));
    await phone.screenshot({ path: join(SHOTS, `${name}.png`), fullPage });
  };
  const wall = () => phone.locator('section.wall');
  const visibleTitles = (scope = wall()) => scope.locator('.idea-title:visible').allTextContents();
  const pageHeight = () => phone.evaluate(() => document.documentElement.scrollHeight);
  const state = () => server.room.state;

  beforeAll(async () => {
    rmSync(SHOTS, { recursive: true, force: true });
    mkdirSync(SHOTS, { recursive: true });
    server = await startTestServer({ publicUrl: 'http://viche.test:{port}' });
    admin = await connectConsole(server);
    ok(await admin.send('phase:set', { to: 'ideas' }));
    for (let w = 0; w < WRITERS; w++) writers.push(await joinPhone(server, w % 3 === 0 ? '' : `Мешканка ${w + 1}`));
    for (let n = 0; n < WRITERS * PER_WRITER; n++) {
      const description = n % 4 === 0 ? 'Щоб діти, батьки й літні люди могли безпечно дістатися до школи, парку та крамниць.' : '';
      ok(await writers[n % WRITERS].send('idea:submit', { priorityCode: priorityOf(n), title: titleOf(n), description, place: '' }));
    }
    browser = await launchChromium(['--host-resolver-rules=MAP viche.test 127.0.0.1']);
    const context = await browser.newContext({ viewport: { width: 360, height: 640 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true, bypassCSP: true });
    phone = await context.newPage();
    phone.on('pageerror', (e) => errors.push(e.message));
    // The page asks in its own dialog: a native confirm() or alert() would show up here.
    phone.on('dialog', (d) => {
      nativeDialogs.push(d.message());
      void d.dismiss();
    });
    await phone.goto(`http://viche.test:${server.port}/?c=${server.joinCode}`);
    await phone.getByLabel('Ваше ім’я (необов’язково)').fill('Галина Петрівна');
    await phone.getByRole('button', { name: 'Приєднатися' }).click();
    await phone.getByRole('heading', { name: 'Запропонуйте ідею проєкту' }).waitFor();
  }, 120_000);
  afterAll(async () => {
    for (const w of writers) w.close();
    admin?.close();
    await browser?.close();
    await server?.stop();
  });

  it('the wall lists the priorities with their counts; one opened shows a page, newest first, with more and a search done by the server', { timeout: 120_000 }, async () => {
    await wall().getByRole('heading', { name: /Ідеї на стіні \(100 ідей\)/ }).waitFor();
    // A button per priority with its count; no idea on the page until one is opened.
    const priorities = wall().locator('button.wall-priority');
    await expect.poll(() => priorities.count()).toBe(6);
    for (let p = 0; p < 5; p++) expect(await priorities.nth(p).textContent()).toBe(`${PRIORITIES[p]}20 ідей`);
    expect(await priorities.nth(5).textContent()).toBe(`${PRIORITIES[5]}0 ідей`);
    expect(await visibleTitles()).toEqual([]);
    expect(await pageHeight()).toBeLessThan(4 * 640);
    await shot('1-ideas-form');
    await wall().scrollIntoViewIfNeeded();
    await shot('2-wall-priorities');

    // One priority opened: its first page (PAGE ideas), newest first, and no other priority's.
    await priorities.nth(2).click();
    await wall().getByRole('button', { name: 'Усі пріоритети' }).waitFor();
    await expect.poll(() => visibleTitles().then((t) => t.length)).toBe(WALL_PAGE_SIZE);
    const third = [...state().ideas.values()].filter((i) => i.priorityCode === '3').map((i) => i.title);
    expect(await visibleTitles()).toEqual([...third].reverse().slice(0, WALL_PAGE_SIZE));
    await wall().locator('.idea').nth(1).scrollIntoViewIfNeeded();
    await shot('3-wall-priority-open');
    expect(await violations(phone)).toEqual([]);
    // Back: the list again, focus on the priority just closed.
    await wall().getByRole('button', { name: 'Усі пріоритети' }).click();
    await expect.poll(() => phone.evaluate(() => document.activeElement?.getAttribute('data-priority'))).toBe('3');

    // A priority with more ideas on the wall than a page: "more" brings the rest.
    const many = [...state().ideas.values()].filter((i) => i.priorityCode === '4');
    for (let k = 0; k < 12; k++) ok(await admin.send('paper:idea', { priorityCode: '4', title: `Ще одна ідея з паперової картки, номер ${k + 1}` }));
    await priorities.nth(3).click();
    await expect.poll(() => visibleTitles().then((t) => t.length)).toBe(WALL_PAGE_SIZE);
    expect((await visibleTitles())[0]).toBe('Ще одна ідея з паперової картки, номер 12');
    await wall().getByText(`Показано ${WALL_PAGE_SIZE} з ${many.length + 12}`).waitFor();
    await wall().getByRole('button', { name: 'Показати ще' }).scrollIntoViewIfNeeded();
    await shot('4-wall-more');
    await wall().getByRole('button', { name: 'Показати ще' }).click();
    await expect.poll(() => visibleTitles().then((t) => t.length)).toBe(many.length + 12);
    expect(await wall().getByRole('button', { name: 'Показати ще' }).count()).toBe(0);
    // An idea proposed while the page is read does not move it: the page offers it, on top when asked.
    ok(await admin.send('paper:idea', { priorityCode: '4', title: 'Найсвіжіша ідея з паперової картки' }));
    const newer = wall().getByRole('button', { name: 'Показати нові ідеї (1)' });
    await newer.waitFor();
    expect(await visibleTitles()).not.toContain('Найсвіжіша ідея з паперової картки');
    await newer.scrollIntoViewIfNeeded();
    await shot('4-wall-newer');
    await newer.click();
    await expect.poll(() => visibleTitles().then((t) => t[0])).toBe('Найсвіжіша ідея з паперової картки');
    expect(await newer.count()).toBe(0);

    // The search looks through the whole priority, on the server.
    const search = wall().getByRole('searchbox', { name: 'Пошук серед ідей' });
    await search.fill('лип богунії');
    await wall().getByText(`Знайдено ідей: 1 з ${many.length + 13}.`).waitFor();
    expect(await visibleTitles()).toEqual([titleOf(3)]);
    await search.fill('богунії');
    await wall().getByText(`Знайдено ідей: 2 з ${many.length + 13}.`).waitFor();
    const found = await visibleTitles();
    expect(found).toHaveLength(2);
    for (const title of found) expect(title).toContain('на Богунії');
    await search.scrollIntoViewIfNeeded();
    await shot('5-wall-search');
    expect(await violations(phone)).toEqual([]);
    await search.fill('марсохід');
    await wall().getByText('Нічого не знайдено. Спробуйте інше слово.').waitFor();
    await expect.poll(() => visibleTitles()).toEqual([]);
    await search.scrollIntoViewIfNeeded();
    await shot('6-wall-search-nothing');
    await wall().getByRole('button', { name: 'Очистити пошук' }).click();
    await expect.poll(() => visibleTitles().then((t) => t.length)).toBe(WALL_PAGE_SIZE);
    expect(await violations(phone)).toEqual([]);
    await wall().getByRole('button', { name: 'Усі пріоритети' }).click();
  });

  it('ideas like the title being typed are suggested under it, from the priority chosen', { timeout: 60_000 }, async () => {
    await phone.evaluate(() => window.scrollTo(0, 0));
    const title = phone.getByLabel('Назва ідеї');
    const similar = phone.locator('.similar');
    const priority = phone.getByLabel('Пріоритет');
    await priority.selectOption({ label: PRIORITIES[0] });
    // Too short to say anything: nothing suggested.
    await title.fill('Велодор');
    await sleep(600);
    expect(await similar.locator('li').count()).toBe(0);
    // Not "з освітленням": lights are one word with ліхтарі now, and the square with new lamps
    // would be suggested too.
    await title.fill('Велодоріжка з окремою смугою на Богунії');
    // Ten cards propose a cycle path, one per district: three of them are shown, with their priority.
    await similar.locator('li').first().waitFor();
    const suggested = await similar.locator('.similar-title').allTextContents();
    expect(suggested).toHaveLength(3);
    for (const t of suggested) expect(t).toContain('велодоріжку');
    expect(await similar.locator('.similar-meta').first().textContent()).toBe(PRIORITIES[0]);
    await similar.getByText('Якщо це та сама ідея, подавати її вдруге не треба', { exact: false }).waitFor();
    // Read out politely, as part of the field's neighbourhood.
    expect(await similar.getAttribute('aria-live')).toBe('polite');
    await similar.evaluate((el) => el.scrollIntoView({ block: 'end' }));
    await shot('7-suggestion');
    // Another priority: only its ideas, and every cycle path was proposed under the first.
    await priority.selectOption({ label: PRIORITIES[1] });
    await expect.poll(() => similar.locator('li').count()).toBe(0);
    await priority.selectOption({ label: PRIORITIES[0] });
    await expect.poll(() => similar.locator('li').count()).toBe(3);
    // Something no one has proposed: the suggestions go.
    await title.fill('Планетарій для школярів у старій обсерваторії');
    await expect.poll(() => similar.locator('li').count()).toBe(0);
    await priority.selectOption('');
    expect(await violations(phone)).toEqual([]);
  });

  it('a title too long is refused by its field, tied to it for screen readers', { timeout: 60_000 }, async () => {
    await phone.getByLabel('Пріоритет').selectOption({ label: PRIORITIES[0] });
    const title = phone.getByLabel('Назва ідеї');
    await title.fill('Д'.repeat(LIMITS.title + 5));
    await phone.getByRole('button', { name: 'Надіслати ідею' }).click();
    const field = phone.locator('.field', { has: title });
    const message = field.locator('.field-error');
    await message.waitFor();
    expect(await message.textContent()).toContain(`${LIMITS.title + 5} з ${LIMITS.title}`);
    expect((await title.getAttribute('aria-describedby'))!.split(' ')).toContain(await message.getAttribute('id'));
    expect(await title.getAttribute('aria-invalid')).toBe('true');
    // The field has focus, so its message is read with it; nothing sits by the send button.
    expect(await title.evaluate((el) => el === document.activeElement)).toBe(true);
    expect(await phone.locator('form > .field-error').count()).toBe(0);
    await title.scrollIntoViewIfNeeded();
    await shot('8-title-too-long');

    await title.fill('Тінь над дитячими майданчиками на Мальованці');
    await phone.getByRole('button', { name: 'Надіслати ідею' }).click();
    await phone.getByText('Ідею збережено').waitFor();
    expect(await message.count()).toBe(0);
  });

  it('an idea is edited in its place, one form at a time, and focus comes back to it', { timeout: 60_000 }, async () => {
    // A draft begun in the new-idea form outlives an edit of another idea.
    await phone.getByLabel('Назва ідеї').fill('Чернетка: лавки біля озера');
    const mine = phone.locator('section', { has: phone.getByRole('heading', { name: /Мої ідеї/ }) });
    const edit = mine.getByRole('button', { name: 'Змінити ідею «Тінь над дитячими майданчиками на Мальованці»' });
    await edit.click();
    const form = mine.locator('li form');
    await form.getByRole('heading', { name: 'Зміна ідеї' }).waitFor();
    // One form on the page: the new-idea form stepped aside.
    expect(await phone.locator('form:visible').count()).toBe(1);
    expect(await phone.getByRole('heading', { name: 'Запропонуйте ідею проєкту' }).isVisible()).toBe(false);
    const title = form.getByLabel('Назва ідеї');
    expect(await title.evaluate((el) => el === document.activeElement)).toBe(true);
    expect(await title.inputValue()).toBe('Тінь над дитячими майданчиками на Мальованці');
    // No suggestions while editing: the idea is on the wall already.
    expect(await form.locator('.similar').count()).toBe(0);
    await shot('9-edit-in-place');

    await title.fill('Тінь і навіси над дитячими майданчиками на Мальованці');
    await form.getByRole('button', { name: 'Зберегти' }).click();
    await mine.locator('.idea-title', { hasText: 'Тінь і навіси над дитячими майданчиками на Мальованці' }).waitFor();
    expect([...state().ideas.values()].some((i) => i.title === 'Тінь і навіси над дитячими майданчиками на Мальованці')).toBe(true);
    expect(await phone.locator('form:visible').count()).toBe(1);
    expect(await phone.getByLabel('Назва ідеї').inputValue()).toBe('Чернетка: лавки біля озера');
    const again = mine.getByRole('button', { name: 'Змінити ідею «Тінь і навіси над дитячими майданчиками на Мальованці»' });
    await expect.poll(() => again.evaluate((el) => el === document.activeElement)).toBe(true);

    // Cancel closes the form without saving.
    await again.click();
    await mine.locator('li form').getByLabel('Назва ідеї').fill('Не збережеться');
    await mine.locator('li form').getByRole('button', { name: 'Скасувати' }).click();
    await expect.poll(() => phone.locator('form:visible').count()).toBe(1);
    expect(await mine.getByText('Не збережеться').count()).toBe(0);
    await phone.getByLabel('Назва ідеї').fill('');
  });

  it('withdrawing asks in the page’s own dialog: Escape keeps the idea and returns focus', { timeout: 60_000 }, async () => {
    const title = 'Тінь і навіси над дитячими майданчиками на Мальованці';
    const withdraw = phone.getByRole('button', { name: `Відкликати ідею «${title}»` });
    await withdraw.click();
    const dialog = phone.getByRole('dialog', { name: 'Відкликати ідею?' });
    await dialog.waitFor();
    await dialog.getByText(`Відкликати ідею «${title}»?`).waitFor();
    // Focus starts on Cancel: an Enter pressed out of habit withdraws nothing.
    expect(await dialog.getByRole('button', { name: 'Скасувати' }).evaluate((el) => el === document.activeElement)).toBe(true);
    await shot('10-withdraw-dialog');
    expect(await violations(phone)).toEqual([]);
    await phone.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
    await expect.poll(() => withdraw.evaluate((el) => el === document.activeElement)).toBe(true);
    const idea = [...state().ideas.values()].find((i) => i.title === title)!;
    expect(idea.status).toBe('active');

    // Tab stays in the dialog, and its own button withdraws.
    await withdraw.click();
    await dialog.waitFor();
    await phone.keyboard.press('Tab');
    const confirm = dialog.getByRole('button', { name: 'Відкликати' });
    expect(await confirm.evaluate((el) => el === document.activeElement)).toBe(true);
    await phone.keyboard.press('Enter');
    await phone.getByText('Ідею відкликано').waitFor();
    await dialog.waitFor({ state: 'detached' });
    await expect.poll(() => state().ideas.get(idea.id)?.status).toBe('withdrawn');
    // The idea and its buttons are gone: focus is on the list's heading, not lost.
    await expect.poll(() => phone.evaluate(() => document.activeElement?.id)).toBe('my-ideas');
    expect(nativeDialogs).toEqual([]);

    // An idea withdrawn from another tab while its form is open: the new-idea form comes back.
    await phone.getByLabel('Назва ідеї').fill('Тимчасова ідея про лавки');
    await phone.getByRole('button', { name: 'Надіслати ідею' }).click();
    await phone.getByRole('button', { name: 'Змінити ідею «Тимчасова ідея про лавки»' }).click();
    await phone.getByRole('heading', { name: 'Зміна ідеї' }).waitFor();
    const token = await phone.evaluate(() => localStorage.getItem(Object.keys(localStorage).find((k) => k.startsWith('viche.token'))!)!);
    const tab = await connect(server.socketUrl, { role: 'phone', token });
    const temporary = [...state().ideas.values()].find((i) => i.title === 'Тимчасова ідея про лавки')!.id;
    ok(await tab.send('idea:withdraw', { ideaId: temporary }));
    tab.close();
    await phone.getByRole('heading', { name: 'Запропонуйте ідею проєкту' }).waitFor();
    expect(await phone.getByRole('heading', { name: 'Зміна ідеї' }).count()).toBe(0);

    // Two more of one's own, for the results: one to tie for second place, one to be merged.
    for (const title of [OWN, MERGED]) {
      await phone.getByLabel('Назва ідеї').fill(title);
      await phone.getByRole('button', { name: 'Надіслати ідею' }).click();
      await phone.locator('.idea-title', { hasText: title }).waitFor();
    }
  });

  it('voting counts the dots of priorities with ideas only', { timeout: 60_000 }, async () => {
    ok(await admin.send('phase:set', { to: 'review' }));
    // The facilitator merges the resident's cycle path into the first one proposed.
    const ideaNamed = (title: string) => [...state().ideas.values()].find((i) => i.title === title)!.id;
    ok(await admin.send('idea:merge', { into: ideaNamed(titleOf(0)), ideas: [ideaNamed(MERGED)] }));
    await phone.getByText('Об’єднано з подібною ідеєю', { exact: false }).waitFor();
    ok(await admin.send('phase:set', { to: 'voting' }));
    const steps = phone.getByRole('navigation', { name: 'Пріоритети голосування' });
    await steps.waitFor();
    // Five priorities have ideas, three dots each; the sixth has none.
    expect(await steps.getByRole('button', { name: /Інклюзивне місто/ }).textContent()).toContain('Немає ідей для голосування');
    expect(await steps.getByRole('button', { name: /Мої крапки/ }).textContent()).toContain('Поставлено крапок: 0 з 15.');
    await steps.getByRole('button', { name: /Мої крапки/ }).click();
    await phone.locator('.summary').getByText('Поставлено крапок: 0 з 15.').waitFor();
    await phone.locator('.summary-priority', { hasText: 'Інклюзивне місто' }).getByText('У цьому пріоритеті немає ідей.').waitFor();
    await steps.scrollIntoViewIfNeeded();
    await shot('11-voting-count', true);
  });

  it('results: jump links to each priority, "=2" for a shared rank, one’s own idea marked', { timeout: 120_000 }, async () => {
    // In priority 1: one idea 3 dots, the resident's own and another 2 each, the rest none.
    const ideasOf1 = [...state().ideas.values()].filter((i) => i.priorityCode === '1' && i.status === 'active');
    const own = ideasOf1.find((i) => i.title === OWN)!;
    const first = ideasOf1.find((i) => i.title === titleOf(0))!;
    const other = ideasOf1.find((i) => i.title === titleOf(10))!;
    const place = (p: TestPhone, id: string) => p.send('dot:place', { ideaId: id }).then(ok);
    await place(writers[0], first.id);
    await place(writers[0], first.id);
    await place(writers[1], first.id);
    await place(writers[1], other.id);
    await place(writers[1], other.id);
    await place(writers[2], own.id);
    await place(writers[2], own.id);
    ok(await admin.send('phase:set', { to: 'results' }));
    for (const code of ['1', '2', '3']) ok(await admin.send('priority:reveal', { priorityCode: code }));
    // Priority 1's ranking is long enough to come gzipped to this browser, which unpacks it: what
    // follows reads it unpacked.
    const rowsOf1 = phoneResults(state()).find((r) => r.priorityCode === '1')!.rows;
    expect(Buffer.byteLength(JSON.stringify(rowsOf1))).toBeGreaterThanOrEqual(GZIP_FROM_BYTES);
    const nav = phone.getByRole('navigation', { name: 'Перейти до пріоритету' });
    await nav.waitFor();
    await expect.poll(() => nav.getByRole('link').allTextContents()).toEqual(PRIORITIES.slice(0, 3));
    const card = phone.locator('section.result', { has: phone.getByRole('heading', { name: PRIORITIES[0] }) });
    const ranks = await card.locator('.rank').allTextContents();
    // Written as every other surface writes them: an unshared rank bare, a shared one "=N".
    expect(ranks.slice(0, 3)).toEqual(['1', '=2', '=2']);
    // Everything with no dot shares the next rank.
    expect(new Set(ranks.slice(3))).toEqual(new Set(['=4']));
    // Screen readers hear the rank in words, shared or not.
    expect(await card.locator('li').nth(1).locator('.visually-hidden').textContent()).toBe('Місце 2, спільне з іншими ідеями. ');
    // One's own ideas, and only they, are marked in words: the one that ties, and the one one's
    // merged idea lives on in.
    const mine = card.locator('li', { hasText: OWN });
    expect(await mine.locator('.rank').textContent()).toBe('=2');
    await mine.getByText('Ваша ідея').waitFor();
    await card.locator('li', { hasText: titleOf(0) }).getByText('Ваша ідея').waitFor();
    expect(await card.getByText('Ваша ідея').count()).toBe(2);
    await phone.evaluate(() => window.scrollTo(0, 0));
    await shot('12-results-top');
    await card.locator('li').nth(1).evaluate((el) => el.scrollIntoView({ block: 'center' }));
    await shot('12-results-ties');

    // A jump link lands on its priority's heading, in view and focused.
    await nav.getByRole('link', { name: PRIORITIES[2] }).click();
    const heading = phone.getByRole('heading', { name: PRIORITIES[2], level: 2 });
    await expect.poll(() => heading.evaluate((el) => el === document.activeElement)).toBe(true);
    const box = (await heading.boundingBox())!;
    expect(box.y).toBeGreaterThan(0);
    expect(box.y + box.height).toBeLessThan(640);
    await shot('13-results-jumped');
    // And back to the list of priorities.
    await phone.locator('section.result', { has: heading }).getByRole('link', { name: '↑ До списку пріоритетів' }).click();
    await expect.poll(async () => (await nav.boundingBox())!.y).toBeLessThan(640);
    expect(await violations(phone)).toEqual([]);

    // In English, the same.
    await phone.locator('.lang-toggle').click();
    const navEn = phone.getByRole('navigation', { name: 'Go to a priority' });
    await navEn.waitFor();
    expect(await card.locator('li', { hasText: OWN }).locator('.visually-hidden').textContent()).toBe('Rank 2, shared with other ideas. ');
    await card.locator('li', { hasText: OWN }).getByText('Your idea').waitFor();
    await card.getByRole('link', { name: '↑ Back to the list of priorities' }).waitFor();
    await card.locator('li', { hasText: OWN }).evaluate((el) => el.scrollIntoView({ block: 'center' }));
    await shot('14-results-en');
    expect(errors).toEqual([]);
  });
});
