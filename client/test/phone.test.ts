// The phone page in Chromium at 360×640, the size of a cheap Android: joining, proposing, and voting
// led priority by priority (the stepper, the "next" button, the summary of one's dots), each
// device's own order of ideas, the search, the offline banner and the taps it keeps, and axe-core.
// Screenshots of each phase go to test-results/phone/ for a person to look at.

import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deviceOrder, hash32, matches, mulberry32, searchable } from '../../shared/forum/wallOrder.js';
import {
  connectConsole,
  joinPhone,
  ok,
  ROOT,
  startTestServer,
  tempDir,
  type TestClient,
  type TestPhone,
  type TestServer,
} from '../../server/test/harness.js';
import { CHROMIUM, haveBrowser, launchChromium, violations } from './chromium.js';

// ---------------------------------------------------------------- the order and the search, pure

describe('each device’s order of ideas, and the search', () => {
  const ideas = Array.from({ length: 14 }, (_, i) => ({ id: `idea-${String(i).padStart(2, '0')}` }));
  const ids = (list: { id: string }[]) => list.map((i) => i.id);

  it('is the same for the same token, another for another token, and holds every idea once', () => {
    const a = deviceOrder(ideas, 'a'.repeat(32), '5');
    expect(ids(deviceOrder(ideas, 'a'.repeat(32), '5'))).toEqual(ids(a));
    expect(ids(deviceOrder([...ideas].reverse(), 'a'.repeat(32), '5'))).toEqual(ids(a));
    expect(ids(deviceOrder(ideas, 'b'.repeat(32), '5'))).not.toEqual(ids(a));
    expect(ids(deviceOrder(ideas, 'a'.repeat(32), '4'))).not.toEqual(ids(a));
    expect([...ids(a)].sort()).toEqual(ids(ideas));
  });

  it('an idea that appears later leaves the others in their order', () => {
    const token = 'c'.repeat(32);
    const before = ids(deviceOrder(ideas, token, '1'));
    const after = ids(deviceOrder([...ideas, { id: 'idea-late' }], token, '1'));
    expect(after.filter((id) => id !== 'idea-late')).toEqual(before);
  });

  it('spreads the first place evenly over the ideas (no idea is first on most phones)', () => {
    const first = new Map<string, number>();
    for (let i = 0; i < 2800; i++) {
      const top = deviceOrder(ideas, i.toString(16).padStart(32, '0'), '5')[0].id;
      first.set(top, (first.get(top) ?? 0) + 1);
    }
    expect(first.size).toBe(ideas.length);
    // 200 expected for each; a fair draw stays well within 120–280.
    for (const n of first.values()) {
      expect(n).toBeGreaterThan(120);
      expect(n).toBeLessThan(280);
    }
  });

  it('mulberry32 and the hash are deterministic', () => {
    expect(hash32('abc')).toBe(hash32('abc'));
    expect(hash32('abc')).not.toBe(hash32('abd'));
    const r = mulberry32(42);
    const values = [r(), r(), r()];
    const again = mulberry32(42);
    expect([again(), again(), again()]).toEqual(values);
    for (const v of values) expect(v >= 0 && v < 1).toBe(true);
  });

  it('search ignores case and which apostrophe was typed, and looks in title, description and place', () => {
    const idea = { title: 'Пам’ятник Огієнку', description: 'Біля сім’ї дерев', place: 'Михайлівська вулиця' };
    expect(searchable("ПАМ'ЯТНИК")).toBe(searchable('пам’ятник'));
    for (const q of ["пам'ятник", 'ПАМʼЯТНИК', 'пам’ятник', 'сім`ї', 'михайлівська', '  огієнку   пам’ят ', '']) expect(matches(idea, q), q).toBe(true);
    for (const q of ['памятник', 'Богунія', 'огієнку богунія']) expect(matches(idea, q), q).toBe(false);
  });
});

// ---------------------------------------------------------------- the page

const built = existsSync(join(ROOT, 'dist/client/phone/index.html'));
if (process.env.CI === 'true' && (!haveBrowser || !built)) throw new Error(`CI needs Chromium at ${CHROMIUM} and the built client`);

const SHOTS = join(ROOT, 'test-results/phone');
const GREEN = 'Зелене місто';
const PRIORITIES = ['Ефективне місто', 'Інноваційне місто', 'Активне місто', 'Комфортне місто', GREEN, 'Інклюзивне місто'];

/** Titles as long as the rules allow (120 characters), as residents do write them. */
const LONG = [
  'Відновити старий парк над Тетеревом: нові лавки, ліхтарі, доріжки для візків і тихе місце для відпочинку літніх людей',
  'Зробити безпечний перехід біля школи на Великій Бердичівській: світлофор з кнопкою, острівець посередині й нову розмітку',
  'Облаштувати велодоріжку від центру до Богунії вздовж річки, з окремою смугою, стоянками для велосипедів і питною водою',
  'Посадити вздовж вулиці Київської двісті нових лип і кленів, щоб улітку в спеку на зупинках і тротуарах була густа тінь',
];
const GREEN_IDEAS = [
  ...LONG,
  'Пам’ятник Огієнку в сквері',
  'Сортування сміття у дворах',
  'Квіти на балконах',
  'Питні фонтанчики в парках',
  'Сад каменів на Смокових',
  'Городи на дахах шкіл',
  'Лавки з навісами',
  'Зелені зупинки',
];

describe.skipIf(!haveBrowser || !built)(`the phone at 360×640 (needs ${CHROMIUM} and a built client)`, () => {
  const dir = tempDir();
  const dbPath = join(dir, 'forum.db');
  let server: TestServer;
  let port: number;
  let admin: TestClient;
  let browser: Browser;
  let context: BrowserContext;
  let phone: Page;
  const others: TestPhone[] = [];
  const errors: string[] = [];
  let origin: string;

  /** A screenshot of what the phone shows, toasts closed so they hide nothing. */
  const shot = async (name: string, fullPage = false) => {
    await phone.evaluate(() => document.querySelectorAll<HTMLButtonElement>('.toast-close').forEach((b) => b.click()));
    await phone.screenshot({ path: join(SHOTS, `${name}.png`), fullPage });
  };
  const steps = () => phone.getByRole('navigation', { name: 'Пріоритети голосування' });
  const step = (title: string) => steps().getByRole('button', { name: new RegExp(title) });
  const current = () => steps().locator('[aria-current="step"]');
  const titles = (page: Page) => page.locator('.idea-list .idea-title').allTextContents();
  const newPhone = async () => {
    const ctx = await browser.newContext({ viewport: { width: 360, height: 640 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true, bypassCSP: true });
    const page = await ctx.newPage();
    page.on('pageerror', (e) => errors.push(e.message));
    return { ctx, page };
  };

  beforeAll(async () => {
    rmSync(SHOTS, { recursive: true, force: true });
    mkdirSync(SHOTS, { recursive: true });
    server = await startTestServer({ dbPath, publicUrl: 'http://viche.test:{port}' });
    port = server.port;
    origin = `http://viche.test:${port}`;
    admin = await connectConsole(server);
    browser = await launchChromium(['--host-resolver-rules=MAP viche.test 127.0.0.1']);
    ({ ctx: context, page: phone } = await newPhone());
  });
  afterAll(async () => {
    for (const p of others) p.close();
    admin?.close();
    await browser?.close();
    await server?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('joins, saying who will see the name', async () => {
    await phone.goto(`${origin}/?c=${server.joinCode}`);
    await phone.getByText('Ім’я побачать інші учасники поруч із вашими ідеями, а організатори — у підсумках форуму.', { exact: false }).waitFor();
    await phone.getByLabel('Ваше ім’я (необов’язково)').fill('Галина Петрівна');
    await shot('1-join');
    await phone.getByRole('button', { name: 'Приєднатися' }).click();
    await phone.getByText('Вітаємо, Галина Петрівна!').waitFor();
    await shot('2-lobby');
  });

  it('ideas: others’ ideas show their authors’ names', async () => {
    // As in a later forum of a series: goal 5.4 already holds tasks made from an earlier one's ideas.
    const structure = structuredClone(server.room.state.structure);
    structure.priorities.find((p) => p.code === '5')!.goals.find((g) => g.code === '5.4')!.tasks = [
      { title: 'Озеленити набережну Тетерева від мосту на Київській до парку імені Гагаріна' },
      { title: 'Нові сквери в кожному мікрорайоні' },
    ];
    ok(await admin.send('forum:setStructure', { structure }));
    ok(await admin.send('phase:set', { to: 'ideas' }));
    const names = ['Марта', 'Остап', 'Ірина', '', 'Богдан'];
    for (const name of names) others.push(await joinPhone(server, name));
    const submit = (p: TestPhone, priorityCode: string, title: string, extra: { description?: string; place?: string } = {}) =>
      p.send('idea:submit', { priorityCode, title, description: extra.description ?? '', place: extra.place ?? '' }).then(ok);
    // Twelve ideas in Зелене місто from others, one from this phone; a few in the other priorities.
    for (const [i, title] of GREEN_IDEAS.entries()) {
      expect(title.length).toBeLessThanOrEqual(120);
      const extra = i === 5 ? { description: 'Контейнери для скла, паперу й пластику в кожному дворі' } : i === 6 ? { place: 'Богунія, біля озера' } : {};
      await submit(others[i % 4], '5', title, extra);
    }
    await submit(others[4], '1', 'Ярмарок місцевих виробників щосуботи');
    await submit(others[4], '1', 'Коворкінг для підприємців-початківців у бібліотеці');
    await submit(others[4], '3', 'Скейт-парк біля стадіону');
    await submit(others[4], '4', LONG[1].replace('школи', 'ліцею'));

    await phone.getByLabel('Пріоритет').selectOption({ label: GREEN });
    // A goal with tasks shows them folded; one without shows nothing more.
    const goal = phone.getByLabel('Стратегічна ціль (необов’язково)');
    await goal.selectOption('5.4');
    const tasks = phone.locator('details.goal-tasks');
    await tasks.getByText('Що вже заплановано в цій цілі (2)').click();
    await tasks.getByText('Нові сквери в кожному мікрорайоні').waitFor();
    expect(await tasks.evaluate((d) => (d as HTMLDetailsElement).open)).toBe(true);
    await tasks.scrollIntoViewIfNeeded();
    await shot('3-ideas-goal-tasks');
    await goal.selectOption('5.1');
    expect(await tasks.count()).toBe(0);
    await goal.selectOption('');
    await phone.getByLabel('Назва ідеї').fill('Тінь над дитячими майданчиками');
    await phone.getByLabel('Де саме? (необов’язково)').fill('Мікрорайон Мальованка');
    await shot('3-ideas-form');
    await phone.getByRole('button', { name: 'Надіслати ідею' }).click();
    await phone.getByText('Ідею збережено').waitFor();
    // The wall lists the priorities: Зелене місто opened.
    await phone.locator('button.wall-priority', { hasText: GREEN }).click();
    const martaIdea = phone.locator('.idea', { hasText: LONG[0] });
    await martaIdea.getByText('Автор: Марта').waitFor();
    // Someone who gave no name is not shown as anyone.
    expect(await phone.locator('.idea', { hasText: LONG[3] }).getByText('Автор:').count()).toBe(0);
    await shot('3-ideas');
    await martaIdea.scrollIntoViewIfNeeded();
    await shot('3-ideas-others');
  });

  it('voting: a stepper of every priority leads from one to the next, then to the summary', async () => {
    ok(await admin.send('phase:set', { to: 'review' }));
    ok(await admin.send('phase:set', { to: 'voting' }));
    await phone.getByRole('heading', { name: 'Голосування крапками' }).waitFor();
    await phone.getByText('На одну ідею можна поставити до 2 крапок.', { exact: false }).waitFor();

    // Every step fits the width: no hidden horizontal scrolling.
    expect(await steps().getByRole('button').count()).toBe(PRIORITIES.length + 1);
    for (const title of PRIORITIES) {
      const box = (await step(title).boundingBox())!;
      expect(box.x).toBeGreaterThanOrEqual(0);
      expect(box.x + box.width).toBeLessThanOrEqual(360);
      // Інноваційне and Інклюзивне місто have no ideas: no dots to place there.
      expect(await step(title).textContent()).toContain([PRIORITIES[1], PRIORITIES[5]].includes(title) ? 'Немає ідей для голосування' : 'Залишилося 3 крапки');
    }
    expect(await phone.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);
    expect(await current().textContent()).toContain(PRIORITIES[0]);
    expect(await phone.evaluate(() => window.scrollY)).toBe(0);
    await shot('4-voting-stepper');
    await shot('4-voting-full', true);
    expect(await violations(phone)).toEqual([]);

    // Through every priority by the button at the end of its list.
    for (let i = 0; i < PRIORITIES.length; i++) {
      await expect.poll(() => current().textContent()).toContain(PRIORITIES[i]);
      await phone.locator('.dots-left h2', { hasText: PRIORITIES[i] }).waitFor();
      if (i === 0) {
        await phone.getByRole('button', { name: 'Додати крапку ідеї «Ярмарок місцевих виробників щосуботи»' }).click();
        await phone.locator('.left-count', { hasText: 'Залишилося 2 крапки' }).waitFor();
        expect(await step(PRIORITIES[0]).textContent()).toContain('Залишилося 2 крапки');
      }
      if (PRIORITIES[i] === GREEN) {
        // Two dots on one long idea, one on another: that is the budget, and + stops there.
        const add = (title: string) => phone.getByRole('button', { name: `Додати крапку ідеї «${title}»` });
        await add(LONG[0]).click();
        await add(LONG[0]).click();
        await phone.locator('.left-count', { hasText: 'Залишилася 1 крапка' }).waitFor();
        expect(await add(LONG[0]).isDisabled()).toBe(true); // the cap of 2
        await add(LONG[2]).click();
        await phone.locator('.left-count', { hasText: 'Залишилося 0 крапок' }).waitFor();
        await phone.locator('.save-status', { hasText: 'Збережено' }).waitFor();
        expect(await add(LONG[1]).isDisabled()).toBe(true); // the budget
        await phone.locator('.idea', { hasText: 'Тінь над дитячими майданчиками' }).getByText('Ваша ідея').waitFor();
        await phone.locator('.idea', { hasText: LONG[1] }).getByText('Автор: Остап').waitFor();
        await phone.locator('.idea', { hasText: LONG[0] }).scrollIntoViewIfNeeded();
        await shot('5-voting-list');
      }
      const next = i + 1 < PRIORITIES.length ? `Далі: ${PRIORITIES[i + 1]}` : 'Далі: мої крапки';
      const button = phone.getByRole('button', { name: next });
      await button.scrollIntoViewIfNeeded();
      if (i === PRIORITIES.length - 2) await shot('6-voting-next');
      await button.click();
    }

    await phone.getByRole('heading', { name: 'Мої крапки', level: 2 }).waitFor();
    expect(await current().textContent()).toContain('Мої крапки');
    const summary = phone.locator('.summary');
    // Three dots in each of the four priorities that have ideas.
    await summary.getByText('Поставлено крапок: 4 з 12.').waitFor();
    const green = summary.locator('.summary-priority', { hasText: GREEN });
    await green.locator('li', { hasText: LONG[0] }).getByText('2 крапки').waitFor();
    await green.locator('li', { hasText: LONG[2] }).getByText('1 крапка').waitFor();
    await summary.locator('.summary-priority', { hasText: PRIORITIES[0] }).getByText('Ярмарок місцевих виробників щосуботи').waitFor();
    await summary.locator('.summary-priority', { hasText: 'Активне місто' }).getByText('Тут ви ще не поставили жодної крапки.').waitFor();
    await shot('7-summary');
    expect(await violations(phone)).toEqual([]);

    // A dot taken off in the summary is taken off on the server.
    const me = [...server.room.state.participants.values()].find((p) => p.name === 'Галина Петрівна')!.id;
    const lavky = [...server.room.state.ideas.values()].find((i) => i.title === LONG[2])!.id;
    expect(server.room.state.dots.get(me)?.get(lavky)).toBe(1);
    await phone.getByRole('button', { name: `Зняти крапку з ідеї «${LONG[2]}»` }).click();
    await summary.getByText('Поставлено крапок: 3 з 12.').waitFor();
    await expect.poll(() => server.room.state.dots.get(me)?.get(lavky)).toBeUndefined();
    // The list follows the ack's view, which may come a moment after the server has the change.
    await expect.poll(() => green.locator('li', { hasText: LONG[2] }).count()).toBe(0);
    expect(await step(GREEN).textContent()).toContain('Залишилася 1 крапка');

    // A priority from the summary, and back to its list.
    await green.getByRole('button', { name: `До ідей: ${GREEN}` }).click();
    await expect.poll(() => current().textContent()).toContain(GREEN);
    expect(errors).toEqual([]);
  });

  it('each phone has its own order of ideas, the same after a reload', async () => {
    await step(GREEN).click();
    const mine = await titles(phone);
    expect(mine).toHaveLength(GREEN_IDEAS.length + 1);
    await phone.reload();
    await step(GREEN).click();
    await phone.locator('.dots-left h2', { hasText: GREEN }).waitFor();
    expect(await titles(phone)).toEqual(mine);

    const { ctx, page } = await newPhone();
    await page.goto(`${origin}/?c=${server.joinCode}`);
    await page.getByRole('button', { name: 'Приєднатися' }).click();
    await page.getByRole('navigation', { name: 'Пріоритети голосування' }).getByRole('button', { name: new RegExp(GREEN) }).click();
    await page.locator('.dots-left h2', { hasText: GREEN }).waitFor();
    const theirs = await titles(page);
    expect([...theirs].sort()).toEqual([...mine].sort());
    expect(theirs).not.toEqual(mine);
    await ctx.close();
  });

  it('the search filters the list by title, description and place, whatever apostrophe is typed', async () => {
    const search = phone.getByRole('searchbox', { name: 'Пошук серед ідей' });
    await search.fill("ПАМ'ЯТНИК");
    await expect.poll(() => titles(phone)).toEqual(['Пам’ятник Огієнку в сквері']);
    await phone.getByText('Знайдено ідей: 1 з 13.').waitFor();
    const toSearch = () => phone.locator('.search').evaluate((el) => el.scrollIntoView({ block: 'start' }));
    await toSearch();
    await shot('8-search');
    await search.fill('пластику');
    await expect.poll(() => titles(phone)).toEqual(['Сортування сміття у дворах']);
    await search.fill('богуні');
    await expect.poll(async () => (await titles(phone)).sort()).toEqual([LONG[2], 'Квіти на балконах'].sort());
    await search.fill('марсохід');
    await phone.getByText('Нічого не знайдено. Спробуйте інше слово.').waitFor();
    expect(await titles(phone)).toEqual([]);
    await toSearch();
    await shot('8-search-none');
    await phone.getByRole('button', { name: 'Очистити пошук' }).click();
    await expect.poll(async () => (await titles(phone)).length).toBe(13);
  });

  it('offline: the banner stays in view at the bottom of the list, and a dot tapped then is saved once back', async () => {
    await phone.evaluate(() => window.scrollTo(0, document.body.scrollHeight));
    expect(await phone.evaluate(() => window.scrollY)).toBeGreaterThan(500);
    admin.close();
    for (const p of others.splice(0)) p.close();
    await server.close();

    const banner = phone.locator('.banner', { hasText: 'Немає зв’язку.' });
    await phone.getByText('Немає зв’язку. Натискання дочекаються зв’язку й будуть надіслані, щойно він повернеться.').waitFor();
    await phone.evaluate(() => window.scrollTo(0, document.body.scrollHeight));
    const box = (await banner.boundingBox())!;
    expect(box.y).toBeGreaterThanOrEqual(0);
    expect(box.y + box.height).toBeLessThan(640 / 2);
    // The header's controls are not covered: the language switch is still what a tap there hits.
    expect(
      await phone.evaluate(() => {
        const toggle = document.querySelector('.lang-toggle')!;
        const r = toggle.getBoundingClientRect();
        return document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2) === toggle;
      }),
    ).toBe(true);
    // The sticky count of dots left sits below the banner, not under it.
    const left = (await phone.locator('.dots-left').boundingBox())!;
    expect(left.y).toBeGreaterThanOrEqual(box.y + box.height - 1);
    await shot('9-offline');

    // A tap while offline: counted at once, marked as waiting, and nothing else greyed out.
    const idea = phone.locator('.idea', { hasText: 'Зелені зупинки' });
    await idea.getByRole('button', { name: 'Додати крапку ідеї «Зелені зупинки»' }).click();
    await idea.getByText('Чекає надсилання').waitFor();
    // The banner says how many taps wait, and that the phone keeps them through a reload.
    await banner.getByText('Немає зв’язку. Натискань чекає надсилання: 1. Вони записані на цьому телефоні', { exact: false }).waitFor();
    await phone.locator('.left-count', { hasText: 'Залишилося 0 крапок' }).waitFor();
    expect(await phone.locator('.vote-btn:enabled').count()).toBeGreaterThan(0);
    await idea.scrollIntoViewIfNeeded();
    await shot('10-offline-pending');
    // Longer than a send waits for its answer (8 s): the tap outlives that wait and goes on
    // reconnecting, then is sent again under the same action id.
    await new Promise((resolve) => setTimeout(resolve, 9000));
    await idea.getByText('Чекає надсилання').waitFor();

    server = await startTestServer({ dbPath, port, publicUrl: 'http://viche.test:{port}' });
    admin = await connectConsole(server);
    await banner.waitFor({ state: 'detached', timeout: 15_000 });
    await idea.getByText('Збережено').waitFor({ timeout: 15_000 });
    const me = [...server.room.state.participants.values()].find((p) => p.name === 'Галина Петрівна')!.id;
    const stop = [...server.room.state.ideas.values()].find((i) => i.title === 'Зелені зупинки')!.id;
    expect(server.room.state.dots.get(me)?.get(stop)).toBe(1);
    await phone.locator('.left-count', { hasText: 'Залишилося 0 крапок' }).waitFor();
  });

  it('results: the revealed rankings', async () => {
    ok(await admin.send('phase:set', { to: 'results' }));
    await phone.getByText('Голосування завершено.', { exact: false }).waitFor();
    ok(await admin.send('priority:reveal', { priorityCode: '5' }));
    ok(await admin.send('priority:reveal', { priorityCode: '1' }));
    await phone.locator('.result h2', { hasText: GREEN }).waitFor();
    await phone.locator('.result h2', { hasText: PRIORITIES[0] }).waitFor();
    await phone.evaluate(() => window.scrollTo(0, 0));
    await shot('11-results');
    expect(await violations(phone)).toEqual([]);
    expect(errors).toEqual([]);
    await context.close();
  });

  it('the console’s Export tab links to files without authors’ names when asked', async () => {
    const page = await (await browser.newContext({ viewport: { width: 1366, height: 900 }, bypassCSP: true })).newPage();
    await page.goto(`${server.url}/f/${server.slug}/console?key=${encodeURIComponent(server.facilitatorKey)}`);
    await page.getByRole('tab', { name: 'Експорт' }).click();
    const csvLink = page.getByRole('link', { name: 'Завантажити CSV (Excel)' });
    await csvLink.waitFor();
    const withNames = await (await fetch(new URL((await csvLink.getAttribute('href'))!, server.url))).text();
    expect(withNames).toContain('Марта');
    await page.getByRole('checkbox', { name: 'Без імен авторів (для публікації)' }).check();
    for (const name of ['Завантажити CSV (Excel)', 'Завантажити JSON']) {
      const href = (await page.getByRole('link', { name }).getAttribute('href'))!;
      expect(href).toContain('names=0');
      const text = await (await fetch(new URL(href, server.url))).text();
      expect(text).toContain(LONG[0]);
      for (const author of ['Марта', 'Остап', 'Галина Петрівна']) expect(text).not.toContain(author);
    }
    expect(await violations(page)).toEqual([]);
    await page.context().close();
  });
});
