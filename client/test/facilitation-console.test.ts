// Facilitating a full hall, in a real Chromium against a real server: a paper idea card typed in;
// two ideas that say the same thing in other words suggested as duplicates and merged while the
// phones with dots on them watch their dots move, then the merge undone; ideas picked by hand and
// merged; ideas flagged by the word list, and the list edited; a table host invited for one priority who moderates it, sees no phase controls and is
// told when revoked; the phase's timer on the console, the projector and a phone; the audit log
// filtered; sticker counts from the paper wall added to the ranking, within the paper ballots stated;
// a host of a priority not yet revealed, who enters its stickers without seeing a tally. axe-core on
// each new part.
// Screenshots (console 1366×768, projector 1920×1080 and 1280×720, phone 360×640) go to
// test-results/facilitation/, to be looked at.

import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MeView, Notice } from '../../shared/protocol.js';
import {
  connectConsole,
  joinPhone,
  ok,
  ROOT,
  screenKeyOf,
  startTestServer,
  type TestClient,
  type TestPhone,
  type TestServer,
} from '../../server/test/harness.js';
import { CHROMIUM, haveBrowser, launchChromium, violations } from './chromium.js';

const SHOTS = join(ROOT, 'test-results/facilitation');
const CONSOLE = { width: 1366, height: 768 };
const ready = haveBrowser && existsSync(join(ROOT, 'dist/client/console/index.html'));
if (process.env.CI === 'true' && !ready) throw new Error(`CI needs Chromium at ${CHROMIUM} and the built client`);

const BIKE = 'Велодоріжка на вулиці Київській';
const BIKE_AGAIN = 'Зробити велосипедну доріжку по Київській';
const BENCHES = 'Більше лавок у парку Гагаріна';

describe.skipIf(!ready)(`facilitation in Chromium (needs ${CHROMIUM} and a built client)`, () => {
  let server: TestServer;
  let browser: Browser;
  let page: Page;
  let admin: TestClient;
  const phones: TestPhone[] = [];
  let nativeDialogs = 0;

  const state = () => server.room.state;
  const ideaBy = (title: string) => [...state().ideas.values()].find((i) => i.title === title)!;
  const tab = (name: string) => page.getByRole('tab', { name }).click();
  const eventually = <T>(value: () => T | Promise<T>) => expect.poll(value, { timeout: 10_000 });
  const shoot = (target: Page, name: string) => target.screenshot({ path: join(SHOTS, `${name}.png`) });
  const consoleUrl = () => `${server.url}/f/${server.slug}/console?key=${encodeURIComponent(server.facilitatorKey)}`;
  const screenUrl = () => `${server.url}/screen?key=${screenKeyOf(server.screenUrl)}`;
  const newPage = async (viewport: { width: number; height: number }) => {
    const p = await (await browser.newContext({ viewport, bypassCSP: true })).newPage();
    p.setDefaultTimeout(10_000);
    return p;
  };
  /** Whether the page fits its window without scrolling. */
  const fits = (target: Page) =>
    target.evaluate(() => {
      const el = document.scrollingElement!;
      return el.scrollHeight <= innerHeight && el.scrollWidth <= innerWidth;
    });

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    // The public address is a name of its own, so an invitation link built from it is told apart
    // from the console's origin; Chromium reaches it on this machine.
    server = await startTestServer({ publicUrl: 'http://viche.test:{port}' });
    browser = await launchChromium(['--host-resolver-rules=MAP viche.test 127.0.0.1']);
    page = await newPage(CONSOLE);
    page.on('dialog', (dialog) => {
      nativeDialogs++;
      void dialog.dismiss();
    });
    admin = await connectConsole(server);
    for (const name of ['Оксана', 'Тарас', 'Марія']) phones.push(await joinPhone(server, name));
    ok(await admin.send('phase:set', { to: 'ideas' }));
  });
  afterAll(async () => {
    for (const p of phones) p.close();
    admin?.close();
    await browser?.close();
    await server?.stop();
  });

  it('types in a paper idea card, marked as paper on the wall', async () => {
    await page.goto(consoleUrl());
    await tab('Папір');
    const form = page.getByRole('region', { name: 'Внести паперову картку' });
    await form.getByLabel('Пріоритет').selectOption('1');
    // Without a title it is refused here, by name.
    await form.getByRole('button', { name: 'Додати ідею' }).click();
    await form.getByRole('alert').getByText('Заповніть поле «Назва»').waitFor();
    await form.getByLabel('Назва').fill('Питні фонтанчики на майдані');
    await form.getByLabel('Короткий опис').fill('Два фонтанчики біля зупинки');
    await form.getByLabel('Ім’я на картці').fill('Ганна');
    await shoot(page, 'paper-form');
    expect(await violations(page)).toEqual([]);
    await form.getByRole('button', { name: 'Додати ідею' }).click();
    await eventually(() => ideaBy('Питні фонтанчики на майдані')?.source).toBe('paper');
    expect(ideaBy('Питні фонтанчики на майдані')).toMatchObject({ paperAuthor: 'Ганна', authorId: '', priorityCode: '1' });
    // Ready for the next card of the pile: the title is empty and has the focus, the priority stays.
    await eventually(() => form.getByLabel('Назва').evaluate((el) => el === document.activeElement)).toBe(true);
    expect(await form.getByLabel('Пріоритет').inputValue()).toBe('1');
    await page.getByRole('region', { name: /Внесені паперові картки/ }).getByText('Питні фонтанчики на майдані').waitFor();

    await tab('Ідеї');
    await page.locator('li.idea-card', { hasText: 'Питні фонтанчики на майдані' }).locator('.status-paper', { hasText: 'папір' }).waitFor();
  });

  it('suggests two ideas that say the same thing, merges them while the phones watch their dots move, and undoes it', async () => {
    const [oksana, taras, maria] = phones;
    ok(await oksana.send('idea:submit', { priorityCode: '1', title: BIKE }));
    ok(await taras.send('idea:submit', { priorityCode: '1', title: BIKE_AGAIN, description: 'Окрема смуга для велосипедів' }));
    ok(await maria.send('idea:submit', { priorityCode: '1', title: BENCHES }));
    ok(await oksana.send('idea:submit', { priorityCode: '2', title: 'Безкоштовний Wi-Fi у трамваях' }));
    ok(await taras.send('idea:submit', { priorityCode: '2', title: 'Вайфай у громадському транспорті' }));
    ok(await maria.send('idea:submit', { priorityCode: '3', title: 'Казино біля стадіону' }));
    ok(await admin.send('phase:set', { to: 'review' }));
    ok(await admin.send('phase:set', { to: 'voting' }));
    const a = ideaBy(BIKE).id;
    const b = ideaBy(BIKE_AGAIN).id;
    // Оксана: one dot on the second. Марія: one on the first, two (the cap) on the second, so one
    // of those two fits on the first and the other goes back to her.
    ok(await oksana.send('dot:place', { ideaId: b }));
    ok(await maria.send('dot:place', { ideaId: a }));
    ok(await maria.send('dot:place', { ideaId: b }));
    ok(await maria.send('dot:place', { ideaId: b }));
    const since = { oksana: oksana.mark(), maria: maria.mark() };

    await tab('Дублікати');
    const section = page.getByRole('region', { name: /Схожі ідеї/ });
    const priority1 = section.getByRole('region', { name: /Ефективне місто/ });
    const group = priority1.locator('li.dup-group', { hasText: BIKE_AGAIN });
    await group.getByText(BIKE, { exact: true }).waitFor();
    await group.getByText('Окрема смуга для велосипедів').waitFor();
    expect(await group.getByText(BENCHES).count()).toBe(0);
    await shoot(page, 'duplicates');
    expect(await violations(page)).toEqual([]);

    // Keep the first: the dialog says where the dots go, and the cap.
    await group.locator('li.dup-idea', { hasText: BIKE }).filter({ hasNotText: BIKE_AGAIN }).getByRole('button', { name: 'Залишити цю' }).click();
    const dialog = page.getByRole('dialog', { name: `Об’єднати в ідею «${BIKE}»?` });
    await dialog.getByText(`Крапки з цих ідей перейдуть на «${BIKE}». Одному учасникові на одній ідеї можна мати до 2 крапок`).waitFor();
    await dialog.getByText(`«${BIKE_AGAIN}»`).waitFor();
    await shoot(page, 'dialog-merge');
    expect(await violations(page)).toEqual([]);
    await dialog.getByRole('button', { name: 'Об’єднати' }).click();
    await eventually(() => state().ideas.get(b)?.status).toBe('merged');
    await page.getByText('Перенесено крапок: 2; повернуто власникам: 1.').waitFor();

    // The phones: the dots are on the surviving idea, and each was told.
    const oksanaMe = await oksana.next<MeView>('me', (me) => me.dots[a] === 1 && !me.dots[b], since.oksana);
    expect(oksanaMe.dots[a]).toBe(1);
    const moved = await oksana.next<Notice>('notice', (n) => n.code === 'DOTS_MOVED', since.oksana);
    expect(moved.message).toContain(BIKE);
    await maria.next<MeView>('me', (me) => me.dots[a] === 2 && !me.dots[b], since.maria);
    await maria.next<Notice>('notice', (n) => n.code === 'DOTS_MOVED', since.maria);
    await maria.next<Notice>('notice', (n) => n.code === 'MERGE_REFUNDED', since.maria);
    await taras.next<Notice>('notice', (n) => n.code === 'IDEA_MERGED');

    // The surviving idea carries the other's text and author, on the console.
    await tab('Ідеї');
    const card = page.locator('li.idea-card', { hasText: BIKE });
    await card.locator('.merged-from').getByText(`«${BIKE_AGAIN}» (Тарас)`).waitFor();
    expect(await page.locator('li.idea-card h3', { hasText: BIKE_AGAIN }).count()).toBe(0);
    await card.scrollIntoViewIfNeeded();
    await shoot(page, 'ideas-merged');
    expect(await violations(page)).toEqual([]);

    // Undone from the list of merges: the dots go back where they were.
    const again = { oksana: oksana.mark(), maria: maria.mark() };
    await tab('Дублікати');
    const merges = page.getByRole('region', { name: 'Об’єднання' });
    await merges.getByText(`«${BIKE}» ← «${BIKE_AGAIN}»`).waitFor();
    await merges.getByRole('button', { name: 'Скасувати об’єднання' }).click();
    await eventually(() => state().ideas.get(b)?.status).toBe('active');
    await oksana.next<MeView>('me', (me) => me.dots[b] === 1 && !me.dots[a], again.oksana);
    await oksana.next<Notice>('notice', (n) => n.code === 'MERGE_UNDONE', again.oksana);
    await maria.next<MeView>('me', (me) => me.dots[a] === 1 && me.dots[b] === 2, again.maria);
    await merges.getByText('скасовано').waitFor();
    expect(nativeDialogs).toBe(0);
  });

  it('merges ideas picked by hand in the list', async () => {
    await tab('Ідеї');
    const wifi = 'Безкоштовний Wi-Fi у трамваях';
    const wifiAgain = 'Вайфай у громадському транспорті';
    await page.getByRole('checkbox', { name: `Вибрати для об’єднання: «${wifi}»` }).check();
    const bar = page.getByRole('region', { name: 'Вибрані ідеї' });
    await bar.getByText('Виберіть ще хоча б одну ідею того самого пріоритету.').waitFor();
    await page.getByRole('checkbox', { name: `Вибрати для об’єднання: «${wifiAgain}»` }).check();
    await bar.getByLabel('Залишити').selectOption({ label: wifi });
    await shoot(page, 'ideas-picked');
    await bar.getByRole('button', { name: 'Об’єднати…' }).click();
    const dialog = page.getByRole('dialog', { name: `Об’єднати в ідею «${wifi}»?` });
    await dialog.getByRole('button', { name: 'Об’єднати' }).click();
    await eventually(() => ideaBy(wifiAgain).status).toBe('merged');
    expect(ideaBy(wifiAgain).mergedInto).toBe(ideaBy(wifi).id);
    await expect.poll(() => bar.count()).toBe(0);
  });

  it('flags ideas with a word from the list, hides nothing, and the list can be edited', async () => {
    await tab('Ідеї');
    const cards = page.locator('li.idea-card');
    await cards.filter({ hasText: 'Казино біля стадіону' }).getByText('Перевірте: слово «казино»').waitFor();
    expect(ideaBy('Казино біля стадіону').status).toBe('active');
    await page.getByRole('checkbox', { name: /Лише позначені/ }).check();
    await eventually(() => cards.count()).toBe(1);

    const words = page.getByRole('region', { name: 'Слова для перевірки' });
    await words.getByText('Діє типовий список').waitFor();
    await words.getByRole('button', { name: 'Змінити список' }).click();
    const list = words.getByLabel('Слова, по одному в рядку');
    expect(await list.inputValue()).toContain('казино');
    await list.fill(`${await list.inputValue()}\nлавок`);
    await words.getByRole('button', { name: 'Зберегти' }).click();
    await eventually(() => state().wordList?.includes('лавок')).toBe(true);
    await cards.filter({ hasText: BENCHES }).getByText('Перевірте: слово «лавок»').waitFor();
    await eventually(() => cards.count()).toBe(2);
    await words.getByText('Діє ваш список').waitFor();
    await shoot(page, 'ideas-flagged');
    expect(await violations(page)).toEqual([]);

    // Back to the default, as the server sent it.
    const defaults = [...(state().wordList ?? [])].filter((w) => w !== 'лавок');
    await words.getByRole('button', { name: 'Змінити список' }).click();
    await words.getByRole('button', { name: 'Відновити типовий' }).click();
    await words.getByRole('button', { name: 'Зберегти' }).click();
    await eventually(() => state().wordList).toEqual(defaults);
    await eventually(() => cards.count()).toBe(1);
    await page.getByRole('checkbox', { name: /Лише позначені/ }).uncheck();
  });

  it('invites a host for priority 1, who moderates it, has no phase controls, and is told when revoked', async () => {
    await tab('Ведучі');
    await page.getByLabel('Ім’я ведучого').fill('Ірина');
    await page.getByLabel('Що веде').selectOption('1');
    await page.getByRole('button', { name: 'Запросити', exact: true }).click();
    const link = page.getByLabel('Посилання для «Ірина» (Пріоритет 1 «Ефективне місто»)');
    await link.waitFor();
    const url = await link.inputValue();
    // On the server's public address, not the console's origin (server.url).
    expect(url).toMatch(new RegExp(`^http://viche\\.test:${server.port}/f/${server.slug}/console\\?host=[\\w-]+$`));
    await page.getByRole('img', { name: 'QR-код посилання для «Ірина»' }).waitFor();
    await shoot(page, 'hosts');
    expect(await violations(page)).toEqual([]);

    const host = await newPage(CONSOLE);
    await host.goto(url);
    await host.getByRole('tab', { name: 'Ідеї' }).waitFor();
    // The secret left the address bar for this tab's storage, apart from the facilitator's key.
    expect(host.url()).not.toContain('host=');
    expect(await host.evaluate(() => [sessionStorage.getItem('viche.hostSecret'), sessionStorage.getItem('viche.consoleKey')])).toEqual([
      url.split('host=')[1],
      null,
    ]);
    await host.getByRole('banner').getByText('Ірина').waitFor();
    await host.getByRole('banner').getByText('Пріоритет 1 «Ефективне місто»').waitFor();
    const tabs = await host.getByRole('tab').allTextContents();
    expect(tabs.map((s) => s.replace(/\d+$/, '').trim())).toEqual(['Ідеї', 'Дублікати', 'Папір', 'Результати']);
    expect(await host.getByRole('button', { name: /Далі:|Назад:/ }).count()).toBe(0);
    // Only priority 1's ideas.
    await host.locator('li.idea-card', { hasText: BENCHES }).waitFor();
    expect(await host.locator('li.idea-card', { hasText: 'Безкоштовний Wi-Fi у трамваях' }).count()).toBe(0);

    const benches = host.locator('li.idea-card', { hasText: BENCHES });
    await benches.getByRole('button', { name: 'Приховати' }).click();
    await benches.getByLabel('Причина приховування').fill('Не стосується пріоритету');
    await benches.getByRole('button', { name: 'Приховати' }).click();
    // During voting a host is asked first, without a figure: hosts are told no tally.
    const ask = host.getByRole('dialog', { name: `Приховати ідею «${BENCHES}»?` });
    await ask.getByText('Скільки їх, ведучим столів не показуємо.', { exact: false }).waitFor();
    expect(await ask.textContent()).not.toMatch(/\d/);
    await ask.getByRole('button', { name: 'Приховати й повернути крапки' }).click();
    await eventually(() => ideaBy(BENCHES).status).toBe('hidden');
    const hostId = [...state().hosts.values()].find((h) => h.name === 'Ірина')!.id;
    expect(state().moderation.at(-1)).toMatchObject({ action: 'hide', by: hostId });
    await shoot(host, 'host-console');
    expect(await violations(host)).toEqual([]);

    // The facilitator sees Ірина connected, and revokes her access through a dialog.
    const row = page.locator('tr', { hasText: 'Ірина' });
    await row.getByText('на зв’язку').waitFor();
    await row.getByRole('button', { name: 'Відкликати доступ' }).click();
    const dialog = page.getByRole('dialog', { name: 'Відкликати доступ ведучого «Ірина»?' });
    await dialog.getByText('посилання перестане діяти').waitFor();
    expect(await violations(page)).toEqual([]);
    await dialog.getByRole('button', { name: 'Відкликати доступ' }).click();
    await eventually(() => state().hosts.get(hostId)?.revoked).toBe(true);
    await host.getByText('Ваш доступ ведучого скасовано').waitFor();
    await row.getByText('Доступ відкликано').waitFor();
    await shoot(host, 'host-revoked');
    // A reload in that tab does not try the secret again, and still says why.
    await host.reload();
    await host.getByText('Це посилання ведучого не діє').waitFor();
    expect(await host.evaluate(() => sessionStorage.getItem('viche.hostSecret'))).toBeNull();
    await host.context().close();
  });

  it('sets the phase’s timer on the console; the projector and a phone count it down', async () => {
    await tab('Огляд');
    const card = page.getByRole('region', { name: /Таймер етапу/ });
    await card.getByText('Таймер не запущено.').waitFor();
    // Per priority, who still has dots to spend.
    await page.getByRole('columnheader', { name: 'Не витратили крапок' }).waitFor();
    await card.getByRole('button', { name: '10 хв' }).click();
    await eventually(() => state().timer?.durationMs).toBe(10 * 60_000);
    await eventually(() => card.getByRole('timer').textContent()).toMatch(/^(10:00|09:5\d)$/);
    await card.getByRole('button', { name: '+5 хв' }).click();
    await eventually(() => state().timer?.durationMs).toBe(15 * 60_000);
    await eventually(() => page.getByRole('banner').getByRole('timer').textContent()).toMatch(/^1[45]:\d\d$/);
    await shoot(page, 'overview-timer');
    expect(await violations(page)).toEqual([]);

    const projector = await newPage({ width: 1920, height: 1080 });
    await projector.goto(screenUrl());
    const figure = projector.locator('.screen-timer [role="timer"]');
    await eventually(() => figure.textContent()).toMatch(/^1[45]:\d\d$/);
    const header = await projector.locator('.screen-head').boundingBox();
    await shoot(projector, 'projector-timer-1920');
    expect(await fits(projector)).toBe(true);
    expect(await violations(projector)).toEqual([]);
    // A timer in the header takes no more height than the title did.
    ok(await admin.send('timer:set', { minutes: null }));
    await figure.waitFor({ state: 'detached' });
    expect((await projector.locator('.screen-head').boundingBox())?.height).toBe(header?.height);

    // The last minute: the warning colour.
    ok(await admin.send('timer:set', { minutes: 1 }));
    await projector.locator('.screen-timer.warning').waitFor();
    await shoot(projector, 'projector-timer-warning-1920');
    await projector.setViewportSize({ width: 1280, height: 720 });
    await projector.locator('.screen-timer.warning').waitFor();
    expect(await fits(projector)).toBe(true);
    await shoot(projector, 'projector-timer-1280');
    await projector.context().close();

    ok(await admin.send('timer:set', { minutes: 12 }));
    const phone = await newPage({ width: 360, height: 640 });
    await phone.goto(`${server.url}/?c=${server.joinCode}`);
    await phone.getByLabel('Ваше ім’я').fill('Петро');
    await phone.getByRole('button', { name: 'Приєднатися' }).click();
    await phone.getByRole('heading', { name: 'Голосування крапками' }).waitFor();
    await eventually(() => phone.locator('.phase-timer').getByRole('timer').textContent()).toMatch(/^1[12]:\d\d$/);
    await phone.locator('.phase-timer', { hasText: 'Залишилося' }).waitFor();
    await shoot(phone, 'phone-timer');
    expect(await violations(phone)).toEqual([]);
    await phone.context().close();
  });

  it('keeps an audit log that filters by action, by who, by priority and by text', async () => {
    const bike = ideaBy(BIKE).id;
    ok(await admin.send('idea:correct', { ideaId: bike, title: 'Велодоріжка на вулиці Київській від центру', description: '', place: '' }));
    await tab('Журнал');
    const log = page.getByRole('region', { name: /Журнал модерації/ });
    const rows = log.locator('tbody tr');
    await eventually(() => rows.count()).toBe(state().moderation.length);
    // The host's step is theirs by name; the correction shows the text before and after.
    await rows.filter({ hasText: 'Ірина' }).getByText('Не стосується пріоритету').waitFor();
    const correction = rows.filter({ hasText: 'виправлено' });
    await correction.locator('del', { hasText: BIKE }).waitFor();
    await correction.locator('ins', { hasText: 'Велодоріжка на вулиці Київській від центру' }).waitFor();

    await log.getByLabel('Дія').selectOption({ label: 'ідеї об’єднано' });
    await eventually(() => rows.count()).toBe(2);
    await rows.first().getByText('Приєднано: «Вайфай у громадському транспорті»').waitFor();
    await log.getByLabel('Пріоритет').selectOption('1');
    await eventually(() => rows.count()).toBe(1);
    await rows.first().getByText(`Приєднано: «${BIKE_AGAIN}»`).waitFor();
    await log.getByLabel('Дія').selectOption({ label: 'Усі дії' });
    await log.getByLabel('Хто').selectOption({ label: 'Ірина' });
    await eventually(() => rows.count()).toBe(1);
    await log.getByLabel('Хто').selectOption({ label: 'Усі' });
    await log.getByLabel('Пошук у журналі').fill('фонтанчики');
    await eventually(() => rows.count()).toBe(1);
    await rows.first().getByText('паперову картку внесено').waitFor();
    await log.getByLabel('Пошук у журналі').fill('');
    await log.getByLabel('Пріоритет').selectOption('');
    await shoot(page, 'audit-log');
    expect(await violations(page)).toEqual([]);
  });

  it('adds sticker counts from the paper wall before a priority is revealed; the ranking shows phones, paper and the sum', async () => {
    ok(await admin.send('phase:set', { to: 'results' }));
    await tab('Папір');
    // Until the facilitator says how many paper ballots went out, no sticker can be entered.
    await page.getByText('Спершу вкажіть вище, скільки паперових бюлетенів роздано').waitFor();
    await page.getByLabel('Скільки паперових бюлетенів роздано').fill('2');
    await page.getByRole('region', { name: 'Паперові бюлетені' }).getByRole('button', { name: 'Зберегти' }).click();
    await page.getByText('Роздано паперових бюлетенів: 2. Межу наліпок оновлено.').waitFor();
    await shoot(page, 'paper-ballots');
    const table = page.getByRole('region', { name: /Ефективне місто/ });
    await table.getByText('Межа бюлетенів: до 4 на одну ідею, до 6 на весь пріоритет.').waitFor();
    const fountains = table.getByRole('spinbutton', { name: /Питні фонтанчики на майдані/ });
    // Over the ballots' limit on one idea: said at once, nothing sent.
    await fountains.fill('5');
    await table.getByRole('button', { name: 'Зберегти наліпки' }).click();
    await table.getByText('Кількість наліпок — ціле число від 0 до 4.').waitFor();
    await fountains.fill('4');
    await table.getByRole('button', { name: 'Зберегти наліпки' }).click();
    await eventually(() => ideaBy('Питні фонтанчики на майдані').paperDots).toBe(4);
    await page.getByText('Наліпки пріоритету «Ефективне місто» збережено (ідей: 1).').waitFor();
    await shoot(page, 'paper-dots');
    expect(await violations(page)).toEqual([]);

    await tab('Результати');
    const ranking = page.locator('section.result-card', { hasText: 'Ефективне місто' });
    const first = ranking.locator('ol.ranking > li').first();
    await first.getByText('Питні фонтанчики на майдані').waitFor();
    await first.getByText('4 крапки').waitFor();
    await first.getByText('телефони: 0 · папір: 4').waitFor();
    await ranking.locator('ol.ranking > li', { hasText: 'Велодоріжка' }).getByText('телефони: 1 · папір: 0').waitFor();
    await ranking.scrollIntoViewIfNeeded();
    await shoot(page, 'results-paper');
    expect(await violations(page)).toEqual([]);

    // Once the hall has seen the ranking, the stickers stay as shown.
    ok(await admin.send('priority:reveal', { priorityCode: '1' }));
    await tab('Папір');
    await table.getByText('Результати цього пріоритету вже показано').waitFor();
    expect(await fountains.isDisabled()).toBe(true);
  });

  it('a host of a priority not yet revealed enters its stickers without phone dots or a ranking, and reads the ballots the facilitator stated', async () => {
    const { link } = ok(await admin.send('host:invite', { name: 'Ліна', scope: '2' }));
    for (const [size, viewport] of [
      ['1920', { width: 1920, height: 1080 }],
      ['1280', { width: 1280, height: 720 }],
      ['360', { width: 360, height: 640 }],
    ] as const) {
      const host = await newPage(viewport);
      await host.goto(`${server.url}${link}`);
      await host.getByRole('tab', { name: 'Папір' }).click();
      await host.getByText('Роздано паперових бюлетенів: 2 (це число вказує фасилітатор).').waitFor();
      // The ballots are the facilitator's to state: no field for them here.
      expect(await host.getByLabel('Скільки паперових бюлетенів роздано').count()).toBe(0);
      const table = host.locator('section.paper-dots').first();
      await table.getByRole('spinbutton', { name: /Wi-Fi|Вайфай/ }).first().waitFor();
      await table.getByText('Межа бюлетенів: до 4 на одну ідею, до 6 на весь пріоритет.').waitFor();
      // No phone dots and no sum before the hall has seen the ranking.
      expect(await table.getByRole('columnheader', { name: 'З телефонів' }).count()).toBe(0);
      expect(await table.getByRole('columnheader', { name: 'Разом' }).count()).toBe(0);
      await shoot(host, `host-paper-${size}`);
      expect(await violations(host)).toEqual([]);

      await host.getByRole('tab', { name: 'Результати' }).click();
      await host.getByText('Рейтинг цього пріоритету з’явиться тут, щойно фасилітатор покаже його залі.').waitFor();
      expect(await host.locator('ol.ranking').count()).toBe(0);
      await shoot(host, `host-results-${size}`);
      expect(await violations(host)).toEqual([]);
      await host.context().close();
    }
  });
});
