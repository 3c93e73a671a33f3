// The console's moderation and its details in a real Chromium, driving a real server: the
// participants table with its void button in view and the counters on one line at 1280 and 1920
// px; hiding a voted idea asks first with the figure (and again when votes moved meanwhile), a
// restore offers to put the dots back, a correction that changes nothing is refused; a closed forum's header shows no join code; a goal's tasks
// edited in the structure; a vote-only forum's admission changed while it votes. Screenshots go
// to test-results/moderation/ for a person to look at.

import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Ack, ForumsView, ListCommandName, ListCommandPayload, ListCommandResults } from '../../shared/protocol.js';
import { connect, connectConsole, joinPhone, ok, ROOT, startTestServer, type TestClient, type TestPhone, type TestServer } from '../../server/test/harness.js';
import { CHROMIUM, haveBrowser, launchChromium, violations } from './chromium.js';

const built = existsSync(join(ROOT, 'dist/client/console/index.html'));
if (process.env.CI === 'true' && !(haveBrowser && built)) throw new Error(`CI needs Chromium at ${CHROMIUM} and the built client`);

const SHOTS = join(ROOT, 'test-results/moderation');
const SIZES = [
  { width: 1280, height: 720 },
  { width: 1920, height: 1080 },
] as const;

function listSend<N extends ListCommandName>(c: TestClient, name: N, payload: ListCommandPayload<N>): Promise<Ack<ListCommandResults[N]>> {
  return c.socket.timeout(10_000).emitWithAck(name, payload) as Promise<Ack<ListCommandResults[N]>>;
}

/** Per row of the participants table: whether its void button, its cell or the table itself overflows what is shown. */
const clipped = (page: Page) =>
  page.evaluate(() => {
    const wrap = document.querySelector('.participants .table-wrap') as HTMLElement;
    // The visible right edge: the wrap's inner box, short of a vertical scrollbar.
    const right = wrap.getBoundingClientRect().left + wrap.clientLeft + wrap.clientWidth;
    const bad: string[] = [];
    if (wrap.scrollWidth > wrap.clientWidth) bad.push(`table ${wrap.scrollWidth} > ${wrap.clientWidth}`);
    for (const td of document.querySelectorAll<HTMLElement>('.participants td.row-actions')) {
      const button = td.querySelector('button');
      if (td.scrollWidth > td.clientWidth) bad.push(`cell ${td.scrollWidth} > ${td.clientWidth}`);
      if (!button) continue;
      if (button.scrollWidth > button.clientWidth) bad.push(`button ${button.scrollWidth} > ${button.clientWidth}`);
      if (button.getBoundingClientRect().right > right + 0.5) bad.push(`button ends at ${button.getBoundingClientRect().right}, shown to ${right}`);
    }
    return { rows: document.querySelectorAll('.participants tbody tr').length, bad };
  });

describe.skipIf(!haveBrowser || !built)(`moderating from the console in Chromium (needs ${CHROMIUM} and a built client)`, () => {
  let server: TestServer;
  let admin: TestClient;
  let list: TestClient;
  let browser: Browser;
  const phones: TestPhone[] = [];
  const pages: Page[] = [];
  const errors: string[] = [];
  const id = { benches: '', lights: '', square: '' };
  const consoleUrl = (slug: string) => `${server.url}/f/${slug}/console?key=${encodeURIComponent(server.facilitatorKey)}`;
  /** The first forum's slug: the server's `slug` follows whichever forum was created last. */
  let firstSlug = '';
  const state = () => server.forums.bySlug(firstSlug)!.room.state;

  /** Points of the console's sticky top where nothing opaque covers the page scrolled under it. */
  const seeThrough = () => {
    const top = document.querySelector('.console-top')!;
    const box = top.getBoundingClientRect();
    const holes: string[] = [];
    for (let y = box.top + 1; y < box.bottom - 1; y += 3) {
      for (const x of [3, innerWidth / 2, innerWidth - 20]) {
        let el = document.elementFromPoint(x, y);
        let opaque = false;
        for (; el && !opaque; el = el === top ? null : el.parentElement) opaque = !/rgba\(.*, 0\)|transparent/.test(getComputedStyle(el).backgroundColor);
        if (!opaque) holes.push(`${Math.round(x)},${Math.round(y)}`);
      }
    }
    return holes;
  };

  async function open(size: { width: number; height: number }, slug = firstSlug): Promise<Page> {
    const page = await (await browser.newContext({ viewport: size, bypassCSP: true })).newPage();
    page.setDefaultTimeout(15_000);
    page.on('pageerror', (e) => errors.push(e.message));
    pages.push(page);
    await page.goto(consoleUrl(slug));
    await page.getByRole('tab', { name: 'Огляд' }).waitFor();
    return page;
  }

  beforeAll(async () => {
    rmSync(SHOTS, { recursive: true, force: true });
    mkdirSync(SHOTS, { recursive: true });
    server = await startTestServer({ expectedAttendance: 130 });
    firstSlug = server.slug;
    admin = await connectConsole(server);
    list = await connect(server.url, { role: 'console', key: server.facilitatorKey });
    await list.next<ForumsView>('forums');
    // A hall as it is: long names with and without spaces, a few short ones, one voided.
    const names = ['Оксана', 'Олександра-Вікторія Костянтинопольська-Вишнівецька', 'ВолодимирОлександровичКостянтинопольський', 'Тарас'];
    for (let i = 0; i < 40; i++) phones.push(await joinPhone(server, i < names.length ? names[i] : `Учасниця Олександра Костянтинівна ${i}`));
    ok(await admin.send('participant:void', { participantId: phones[39].me.participantId, reason: 'Повторна реєстрація з іншого телефона' }));
    browser = await launchChromium();
  }, 120_000);
  afterAll(async () => {
    for (const p of phones) p.close();
    admin?.close();
    list?.close();
    await browser?.close();
    await server?.stop();
  });

  it('the participants table keeps «Анулювати» in view and the counters read on one line, at 1280 and 1920 px', async () => {
    for (const size of SIZES) {
      const page = await open(size);
      await page.getByRole('heading', { name: /Учасники/ }).waitFor();
      await page.getByRole('button', { name: 'Анулювати' }).first().waitFor();
      const measured = await clipped(page);
      expect(measured.rows).toBe(40);
      expect(measured.bad).toEqual([]);
      // "39 з 130": one line, as tall as the counters with a bare number.
      const counters = page.locator('.counter-card dd');
      expect(await counters.first().textContent()).toBe('39 з 130');
      const heights = await counters.evaluateAll((dds) => dds.map((d) => d.getBoundingClientRect().height));
      expect(Math.max(...heights) / Math.min(...heights)).toBeLessThan(1.1);
      await page.screenshot({ path: join(SHOTS, `overview-${size.width}.png`) });
      if (size.width === 1920) {
        await page.locator('.lang-toggle').click();
        await page.getByRole('button', { name: 'Void' }).first().waitFor();
        expect((await clipped(page)).bad).toEqual([]);
        await page.screenshot({ path: join(SHOTS, `overview-en-${size.width}.png`) });
        await page.locator('.lang-toggle').click();
        await page.getByRole('button', { name: 'Анулювати' }).first().waitFor();
      }
      expect(await violations(page)).toEqual([]);
    }
  });

  it('hiding a voted idea asks first with the figure, asks again when votes moved, and a restore offers the dots back', async () => {
    ok(await admin.send('phase:set', { to: 'ideas' }));
    id.benches = ok(await phones[0].send('idea:submit', { priorityCode: '1', title: 'Лавки в парку' })).ideaId;
    id.lights = ok(await phones[1].send('idea:submit', { priorityCode: '1', title: 'Ліхтарі на набережній' })).ideaId;
    id.square = ok(await phones[2].send('idea:submit', { priorityCode: '5', title: 'Сквер біля річки', goalCode: '5.4' })).ideaId;
    ok(await admin.send('phase:set', { to: 'review' }));
    ok(await admin.send('phase:set', { to: 'voting' }));
    ok(await phones[3].send('dot:place', { ideaId: id.lights }));
    ok(await phones[3].send('dot:place', { ideaId: id.lights }));
    ok(await phones[4].send('dot:place', { ideaId: id.lights }));
    ok(await phones[5].send('dot:place', { ideaId: id.square }));

    // The phone of a voter with two dots on the idea, at 360×640: its own device token, so the page is that ballot.
    const phoneCtx = await browser.newContext({ viewport: { width: 360, height: 640 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true });
    await phoneCtx.addInitScript((token) => window.localStorage.setItem('viche.token', token), phones[3].token);
    const phone = await phoneCtx.newPage();
    phone.on('pageerror', (e) => errors.push(e.message));
    pages.push(phone);
    await phone.goto(`${server.url}/f/${firstSlug}/`);
    await phone.getByText('Ліхтарі на набережній').first().waitFor();

    const page = await open(SIZES[0]);
    await page.getByRole('tab', { name: 'Ідеї' }).click();
    const card = page.locator('li.idea-card', { has: page.getByRole('heading', { name: 'Ліхтарі на набережній' }) });
    await card.getByRole('button', { name: 'Приховати' }).click();
    await card.getByLabel('Причина приховування').fill('Дублікат');
    await card.getByRole('button', { name: 'Приховати' }).click();
    const ask = page.getByRole('dialog', { name: 'Приховати ідею «Ліхтарі на набережній»?' });
    await ask.getByText('На ній крапки учасників: 2 (3 крапки).', { exact: false }).waitFor();
    // Asked, nothing done yet.
    expect(state().ideas.get(id.lights)?.status).toBe('active');
    await page.screenshot({ path: join(SHOTS, 'hide-ask-1280.png') });
    expect(await violations(page)).toEqual([]);

    // Someone votes while the dialog is open: confirming the old figure asks again with the new one.
    ok(await phones[6].send('dot:place', { ideaId: id.lights }));
    await ask.getByRole('button', { name: 'Приховати й повернути крапки' }).click();
    await ask.getByRole('alert').filter({ hasText: 'голоси змінилися' }).waitFor();
    await ask.getByText('На ній крапки учасників: 3 (4 крапки).', { exact: false }).waitFor();
    expect(state().ideas.get(id.lights)?.status).toBe('active');
    await page.screenshot({ path: join(SHOTS, 'hide-ask-again-1280.png') });
    await ask.getByRole('button', { name: 'Приховати й повернути крапки' }).click();
    await page.getByRole('status').filter({ hasText: 'Ідею «Ліхтарі на набережній» приховано. Учасників, яким повернуто крапки: 3 (4 крапки).' }).waitFor();
    expect(state().ideas.get(id.lights)?.status).toBe('hidden');

    // An idea nobody voted for hides without a question.
    const benches = page.locator('li.idea-card', { has: page.getByRole('heading', { name: 'Лавки в парку' }) });
    await benches.getByRole('button', { name: 'Приховати' }).click();
    await benches.getByLabel('Причина приховування').fill('Поза темою');
    await benches.getByRole('button', { name: 'Приховати' }).click();
    await page.getByRole('status').filter({ hasText: 'Ідею «Лавки в парку» приховано.' }).waitFor();
    expect(await page.getByRole('dialog').count()).toBe(0);
    expect(state().ideas.get(id.benches)?.status).toBe('hidden');

    // The restore says what happened to the dots, and offers them back.
    await page.getByLabel('Показувати приховані').check();
    await card.getByRole('button', { name: 'Повернути' }).click();
    const restore = page.getByRole('dialog', { name: 'Повернути ідею «Ліхтарі на набережній»?' });
    await restore.getByText('Коли її приховали, крапки повернули учасникам: 3 (4 крапки).').waitFor();
    await page.screenshot({ path: join(SHOTS, 'restore-ask-1280.png') });
    expect(await violations(page)).toEqual([]);
    await restore.getByRole('button', { name: 'Повернути з крапками' }).click();
    await page.getByRole('status').filter({ hasText: 'Ідею «Ліхтарі на набережній» знову показано. Крапок поставлено назад: 4 з 4.' }).waitFor();
    expect(state().ideas.get(id.lights)?.status).toBe('active');
    expect(state().dots.get(phones[3].me.participantId)?.get(id.lights)).toBe(2);
    // The voter's phone says so.
    await phone.getByText('Ідею «Ліхтарі на набережній» знову показано, і 2 ваші крапки, повернуті, коли її приховали, знову поставлено на неї.').waitFor();
    await phone.screenshot({ path: join(SHOTS, 'phone-dots-back-360.png') });

    // Saving a correction that changes nothing is refused, said plainly, and nothing is logged.
    const logged = state().moderation.length;
    const square = page.locator('li.idea-card', { has: page.getByRole('heading', { name: 'Сквер біля річки' }) });
    await square.getByRole('button', { name: 'Виправити' }).click();
    await square.getByRole('button', { name: 'Зберегти' }).click();
    await page.getByRole('alert').filter({ hasText: 'Ви нічого не змінили: текст, місце й ціль ідеї такі самі.' }).waitFor();
    expect(state().moderation.length).toBe(logged);
    expect(state().ideas.get(id.square)?.corrected).toBe(false);
    await square.getByRole('button', { name: 'Скасувати' }).click();

    // The dialogs at 1920 px too.
    const wide = await open(SIZES[1]);
    await wide.getByRole('tab', { name: 'Ідеї' }).click();
    const wideCard = wide.locator('li.idea-card', { has: wide.getByRole('heading', { name: 'Ліхтарі на набережній' }) });
    await wideCard.getByRole('button', { name: 'Приховати' }).click();
    await wideCard.getByLabel('Причина приховування').fill('Дублікат');
    await wideCard.getByRole('button', { name: 'Приховати' }).click();
    await wide.getByRole('dialog').getByText('На ній крапки учасників: 3 (4 крапки).', { exact: false }).waitFor();
    await wide.screenshot({ path: join(SHOTS, 'hide-ask-1920.png') });
    await wide.getByRole('dialog').getByRole('button', { name: 'Приховати й повернути крапки' }).click();
    await wide.getByRole('status').filter({ hasText: 'Учасників, яким повернуто крапки: 3 (4 крапки).' }).waitFor();
    // Restored without its dots this time: they stay with their owners, and the toast says so.
    await wide.getByLabel('Показувати приховані').check();
    await wideCard.getByRole('button', { name: 'Повернути' }).click();
    const wideRestore = wide.getByRole('dialog', { name: 'Повернути ідею «Ліхтарі на набережній»?' });
    await wideRestore.getByText('Коли її приховали, крапки повернули учасникам: 3 (4 крапки).').waitFor();
    await wide.screenshot({ path: join(SHOTS, 'restore-ask-1920.png') });
    await wideRestore.getByRole('button', { name: 'Повернути без крапок' }).click();
    await wide.getByRole('status').filter({ hasText: 'Ідею «Ліхтарі на набережній» знову показано. Крапки (4 крапки) лишилися в учасників; їм повідомлено.' }).waitFor();
    expect(state().ideas.get(id.lights)?.status).toBe('active');
    expect(state().dots.get(phones[3].me.participantId)?.get(id.lights)).toBeUndefined();
    await phone.getByText('Ідею «Ліхтарі на набережній» знову показано. 2 крапки, які вам повернули, коли її приховали, лишаються у вас', { exact: false }).waitFor();
    await phone.screenshot({ path: join(SHOTS, 'phone-dots-kept-360.png') });
  });

  it('a closed forum’s header shows no join code', async () => {
    const page = await open(SIZES[0]);
    await page.locator('.console-status').getByText('Код форуму').waitFor();
    ok(await admin.send('phase:set', { to: 'results' }));
    for (const code of state().structure.priorities.map((p) => p.code)) ok(await admin.send('priority:reveal', { priorityCode: code }));
    ok(await admin.send('phase:set', { to: 'closed' }));
    await page.locator('.console-status .phase-badge', { hasText: 'Форум завершено' }).waitFor();
    expect(await page.locator('.console-status').getByText('Код форуму').count()).toBe(0);
    expect(await page.locator('.console-status .join-code').count()).toBe(0);
    await page.screenshot({ path: join(SHOTS, 'closed-header-1280.png') });
    const wide = await open(SIZES[1]);
    await wide.locator('.console-status .phase-badge', { hasText: 'Форум завершено' }).waitFor();
    expect(await wide.locator('.console-status .join-code').count()).toBe(0);
    await wide.screenshot({ path: join(SHOTS, 'closed-header-1920.png') });
  });

  it('a goal’s tasks are seen and edited in the structure', async () => {
    const created = ok(
      await listSend(list, 'forums:create', {
        title: 'Житомир 2030: завдання',
        from: { kind: 'forum', forumId: state().id, carry: [{ ideaId: id.square, as: 'task' }] },
      }),
    );
    const next = () => server.forums.get(created.forumId)!.room.state;
    // Looked at wide first, then edited at 1280.
    for (const size of [SIZES[1], SIZES[0]]) {
      const page = await open(size, created.slug);
      await page.getByRole('tab', { name: 'Структура і правила' }).click();
      const tasks = page.getByRole('group', { name: /Завдання цілі 5\.4/ });
      const carried = tasks.getByLabel('Завдання 1');
      expect(await carried.inputValue()).toBe('Сквер біля річки');
      await tasks.getByText(`Ідея з форуму «${state().title}»`).waitFor();
      await carried.scrollIntoViewIfNeeded();
      await page.screenshot({ path: join(SHOTS, `structure-tasks-${size.width}.png`) });
      if (size.width !== 1280) continue;
      expect(await violations(page)).toEqual([]);
      await carried.fill('Сквер біля річки з лавками');
      await tasks.getByRole('button', { name: 'Додати завдання' }).click();
      await tasks.getByLabel('Завдання 2').fill('Освітлення скверу');
      await page.getByRole('button', { name: 'Зберегти структуру' }).click();
      await page.getByRole('status').filter({ hasText: 'Структуру збережено' }).waitFor();
      const goal = next().structure.priorities.find((p) => p.code === '5')!.goals.find((g) => g.code === '5.4')!;
      // The carried task keeps where it came from; the new one has no origin.
      expect(goal.tasks).toEqual([
        { title: 'Сквер біля річки з лавками', origin: { forumId: state().id, forumTitle: state().title, ideaId: id.square } },
        { title: 'Освітлення скверу' },
      ]);
      await tasks.getByRole('button', { name: 'Видалити завдання «Освітлення скверу»' }).click();
      await page.getByRole('button', { name: 'Зберегти структуру' }).click();
      await expect.poll(() => next().structure.priorities.find((p) => p.code === '5')!.goals.find((g) => g.code === '5.4')!.tasks?.length).toBe(1);
    }
  });

  it('a vote-only forum’s admission can be changed while it votes', async () => {
    const created = ok(
      await listSend(list, 'forums:create', { title: 'Голосування тижня', from: { kind: 'shortlist', forumId: state().id, top: 2, admission: 'tickets' } }),
    );
    const voteOnly = () => server.forums.get(created.forumId)!.room.state;
    expect(voteOnly().phase).toBe('voting');
    const page = await open(SIZES[0], created.slug);
    await page.getByRole('tab', { name: 'Допуск' }).click();
    await page.getByText('Форум лише для голосування: спосіб допуску можна змінити, поки триває голосування.', { exact: false }).waitFor();
    const open_ = page.getByRole('radio', { name: /^Незмінний код/ });
    expect(await open_.isEnabled()).toBe(true);
    await open_.check();
    await page.getByRole('status').filter({ hasText: 'Спосіб допуску: «Незмінний код»' }).waitFor();
    expect(voteOnly().admission).toBe('open');
    await page.getByRole('heading', { name: 'Як учасники отримують голос' }).scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(SHOTS, 'admission-vote-only-1280.png') });
    // Scrolled: the sticky top with the vote-only banner is opaque all over, no gap above the tabs.
    await page.getByRole('tab', { name: 'Огляд' }).click();
    await page.evaluate(() => window.scrollTo(0, document.scrollingElement!.scrollHeight));
    await expect.poll(() => page.evaluate(() => scrollY)).toBeGreaterThan(100);
    await page.locator('.forum-kind').waitFor();
    expect(await page.evaluate(seeThrough)).toEqual([]);
    await page.screenshot({ path: join(SHOTS, 'vote-only-scrolled-1280.png') });
    const wide = await open(SIZES[1], created.slug);
    await wide.getByRole('tab', { name: 'Допуск' }).click();
    await wide.getByRole('radio', { name: /^Незмінний код/ }).waitFor();
    await wide.screenshot({ path: join(SHOTS, 'admission-vote-only-1920.png') });
    expect(errors).toEqual([]);
  });
});
