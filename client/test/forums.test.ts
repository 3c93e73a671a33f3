// The forum list at the server's own address (/console) in a real Chromium, driving a real server:
// the first forum listed; a forum created from the template, one from a JSON file refused with
// the reason, a vote-only forum made from the first one's shortlist and a forum carrying ideas on
// as goals and tasks, each checked in the server's state; archiving, a forum file downloaded,
// deleting (a wrong title refused with the server's message, then the right one), importing the
// file back (a duplicate refused), the log of whole forums, a forum's console opened from the
// list and the way back, the page for a host and without a key. axe-core checks the list and the
// new-forum dialog; screenshots at 1280×720 and 1920×1080 go to test-results/forums/.

import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { t } from '../../shared/i18n/all.js';
import { connectConsole, joinPhone, ok, ROOT, startTestServer, tempDir, type TestClient, type TestPhone, type TestServer } from '../../server/test/harness.js';
import { CHROMIUM, haveBrowser, launchChromium, violations } from './chromium.js';

const built = existsSync(join(ROOT, 'dist/client/console/index.html'));
if (process.env.CI === 'true' && !(haveBrowser && built)) throw new Error(`CI needs Chromium at ${CHROMIUM} and the built client`);

const SHOTS = join(ROOT, 'test-results/forums');
const VIEWPORT = { width: 1280, height: 720 };

// Outside CI a machine without Chromium (or without a build) skips these, saying why.
describe.skipIf(!haveBrowser || !built)(`the forum list in Chromium (needs ${CHROMIUM} and a built client)`, () => {
  let server: TestServer;
  let browser: Browser;
  let page: Page;
  let admin: TestClient;
  let dir: string;
  const phones: TestPhone[] = [];
  /** The first forum: the server's own, driven to its results over sockets. */
  let first: { id: string; title: string; slug: string };
  const ideas: Record<string, string> = {};

  const eventually = <T>(value: () => T | Promise<T>) => expect.poll(value, { timeout: 10_000 });
  const shoot = (name: string) => page.screenshot({ path: join(SHOTS, `${name}.png`) });
  const rows = () => page.locator('table.forum-table tbody tr');
  const row = (title: string) => page.locator('table.forum-table tbody tr', { has: page.locator('.forum-title', { hasText: new RegExp(`^${title}$`) }) });
  const forumNamed = (title: string) => server.forums.list().find((f) => f.room.state.title === title);
  const isFocused = (target: Locator) => target.evaluate((el) => el === document.activeElement);
  const listUrl = (key = server.facilitatorKey) => `${server.url}/console?key=${encodeURIComponent(key)}`;

  beforeAll(async () => {
    dir = tempDir();
    rmSync(SHOTS, { recursive: true, force: true });
    mkdirSync(SHOTS, { recursive: true });
    server = await startTestServer({ publicUrl: 'http://viche.test:{port}' });
    first = { id: server.room.state.id, title: server.room.state.title, slug: server.slug };

    // The first forum to its results: four ideas, dots on three of them.
    admin = await connectConsole(server);
    for (const name of ['Оксана', 'Тарас', 'Марія']) phones.push(await joinPhone(server, name));
    ok(await admin.send('phase:set', { to: 'ideas' }));
    const submit = async (phone: number, key: string, priorityCode: string, title: string, goalCode?: string) => {
      ideas[key] = ok(await phones[phone].send('idea:submit', { priorityCode, title, ...(goalCode ? { goalCode } : {}) })).ideaId;
    };
    await submit(0, 'cabinet', '1', 'Кабінет мешканця');
    await submit(1, 'tenders', '1', 'Прозорі закупівлі');
    await submit(2, 'data', '1', 'Відкриті дані міста');
    await submit(0, 'square', '5', 'Сквер біля річки', '5.4');
    ok(await admin.send('phase:set', { to: 'review' }));
    ok(await admin.send('phase:set', { to: 'voting' }));
    const dots: [number, string][] = [[0, 'cabinet'], [0, 'cabinet'], [1, 'cabinet'], [2, 'tenders'], [1, 'square'], [2, 'square']];
    for (const [phone, key] of dots) ok(await phones[phone].send('dot:place', { ideaId: ideas[key] }));
    ok(await admin.send('phase:set', { to: 'results' }));

    browser = await launchChromium();
    // The page's CSP refuses injected scripts (as it should); axe-core is let in past it.
    page = await (await browser.newContext({ viewport: VIEWPORT, bypassCSP: true, acceptDownloads: true })).newPage();
    page.setDefaultTimeout(10_000);
  });
  afterAll(async () => {
    for (const p of phones) p.close();
    admin?.close();
    await browser?.close();
    await server?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('refuses without a key and with a wrong one, and says so', async () => {
    const other = await browser.newPage();
    await other.goto(`${server.url}/console`);
    await other.getByRole('alert').filter({ hasText: t('uk', 'console.noKey') }).waitFor();
    expect(await other.getByRole('heading', { level: 1 }).textContent()).toBe('Форуми');
    await other.goto(`${server.url}/console?key=wrong-key-wrong-key`);
    await other.getByRole('alert').filter({ hasText: t('uk', 'console.badKey') }).waitFor();
    await other.close();
  });

  it('lists the first forum with its phase, participants, ideas and addresses', async () => {
    await page.goto(listUrl());
    await page.getByRole('heading', { level: 1, name: 'Форуми' }).waitFor();
    expect(await page.title()).toBe('Форуми');
    expect(page.url()).not.toContain('key=');
    await eventually(() => rows().count()).toBe(1);
    const r = row(first.title);
    expect(await r.locator('.phase-badge').textContent()).toBe('Результати');
    const cells = await r.locator('td.num').allTextContents();
    expect(cells).toEqual(['3', '4']);
    expect(await r.getByRole('link', { name: `Відкрити пульт «${first.title}»` }).getAttribute('href')).toBe(`/f/${first.slug}/console`);
    // The phones' address on the server's public address, whatever address this console was opened at.
    const phoneUrl = `http://viche.test:${server.port}/f/${first.slug}/`;
    expect(await r.getByRole('link', { name: phoneUrl }).getAttribute('href')).toBe(phoneUrl);
    // The download links carry a grant, never the key: the sealed file to move, and the anonymised archive.
    const file = r.getByRole('link', { name: `Файл для перенесення «${first.title}»` });
    await file.waitFor();
    expect(await file.getAttribute('href')).toMatch(new RegExp(`^/f/${first.slug}/api/forum\\.json\\?kind=sealed&grant=[\\w-]+$`));
    const archive = r.getByRole('link', { name: `Анонімний архів «${first.title}»` });
    expect(await archive.getAttribute('href')).toMatch(new RegExp(`^/f/${first.slug}/api/forum\\.json\\?kind=archive&grant=[\\w-]+$`));
    await page.getByText('Посилання для проєктора містить ключ показу').waitFor();
    await page.locator('.forum-log').getByRole('cell', { name: first.title }).waitFor();
    await shoot('list-one-1280');
    expect(await violations(page)).toEqual([]);
  });

  it('creates a forum from the template through the dialog, by keyboard and checked', async () => {
    const open = page.getByRole('button', { name: 'Новий форум' });
    await open.focus();
    await page.keyboard.press('Enter');
    const dialog = page.getByRole('dialog', { name: 'Новий форум' });
    await dialog.waitFor();
    expect(await isFocused(dialog.getByLabel('Назва форуму'))).toBe(true);
    // Escape closes it and gives the focus back.
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'hidden' });
    await eventually(() => isFocused(open)).toBe(true);

    await open.click();
    await dialog.waitFor();
    expect(await dialog.getByRole('radio', { name: 'Типове дерево пріоритетів' }).isChecked()).toBe(true);
    await shoot('create-template-1280');
    expect(await violations(page)).toEqual([]);
    // Without a title nothing is sent, and the field says why.
    await dialog.getByRole('button', { name: 'Створити форум' }).click();
    await dialog.getByRole('alert').filter({ hasText: 'Дайте форуму назву.' }).waitFor();
    expect(server.forums.list()).toHaveLength(1);

    await dialog.getByLabel('Назва форуму').fill('Форум 2');
    await dialog.getByRole('button', { name: 'Створити форум' }).click();
    await dialog.waitFor({ state: 'hidden' });
    await eventually(() => rows().count()).toBe(2);
    const created = forumNamed('Форум 2')!;
    expect(created.room.state.phase).toBe('lobby');
    expect(created.room.state.structure.priorities.map((p) => p.code)).toEqual(['1', '2', '3', '4', '5', '6']);
    await page.getByRole('status').filter({ hasText: 'Форум «Форум 2» створено.' }).waitFor();
    // The focus lands on the new forum's console link.
    await eventually(() => isFocused(page.getByRole('link', { name: 'Відкрити пульт «Форум 2»' }))).toBe(true);
    // Newest first.
    expect(await rows().first().locator('.forum-title').textContent()).toBe('Форум 2');
  });

  it('reads a JSON tree in the browser and says what is wrong with a bad one', async () => {
    await page.getByRole('button', { name: 'Новий форум' }).click();
    const dialog = page.getByRole('dialog', { name: 'Новий форум' });
    await dialog.getByLabel('Назва форуму').fill('Форум з файлу');
    await dialog.getByRole('radio', { name: 'Дерево з файлу JSON' }).check();
    const fileInput = dialog.getByLabel('Файл JSON із деревом пріоритетів');
    // Submitting without a file points at the field.
    await dialog.getByRole('button', { name: 'Створити форум' }).click();
    await dialog.getByRole('alert').filter({ hasText: 'Виберіть файл JSON із деревом пріоритетів.' }).waitFor();

    await fileInput.setInputFiles({ name: 'broken.json', mimeType: 'application/json', buffer: Buffer.from('{"vision": "Місто", ') });
    await dialog.getByRole('alert').filter({ hasText: 'Файл «broken.json» не вдалося прочитати як JSON' }).waitFor();
    await fileInput.setInputFiles({ name: 'shape.json', mimeType: 'application/json', buffer: Buffer.from('{"vision": "Місто", "priorities": {}}') });
    await dialog.getByRole('alert').filter({ hasText: 'Файл «shape.json» не схожий на структуру форуму: поле «priorities»' }).waitFor();
    const twice = { vision: 'Місто', priorities: [{ code: 'A', title: 'Перший' }, { code: 'A', title: 'Другий' }] };
    await fileInput.setInputFiles({ name: 'twice.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(twice)) });
    await dialog.getByRole('alert').filter({ hasText: 'код «A» повторюється' }).waitFor();
    await dialog.getByRole('button', { name: 'Створити форум' }).click();
    expect(server.forums.list()).toHaveLength(2);

    const tree = {
      _about: 'notes the server does not need',
      vision: 'Бердичів 2035',
      priorities: [
        { code: 'A', title: 'Чисте місто', goals: [{ code: 'A.1', title: 'Сортування' }] },
        { code: 'B', title: 'Безпечне місто', subtitle: 'Освітлення й переходи', color: '#0b57d0' },
      ],
    };
    await fileInput.setInputFiles({ name: 'tree.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(tree)) });
    await dialog.getByRole('status').filter({ hasText: 'Файл «tree.json» прочитано: «Бердичів 2035», 2 пріоритети, 1 ціль.' }).waitFor();
    await dialog.getByRole('button', { name: 'Створити форум' }).click();
    await dialog.waitFor({ state: 'hidden' });
    await eventually(() => rows().count()).toBe(3);
    const fromFile = forumNamed('Форум з файлу')!;
    expect(fromFile.room.state.structure.vision).toBe('Бердичів 2035');
    expect(fromFile.room.state.structure.priorities.map((p) => p.code)).toEqual(['A', 'B']);
  });

  it('makes a vote-only forum from the first forum’s shortlist', async () => {
    await page.getByRole('button', { name: 'Новий форум' }).click();
    const dialog = page.getByRole('dialog', { name: 'Новий форум' });
    await dialog.getByLabel('Назва форуму').fill('Голосування за найкращі');
    await dialog.getByRole('radio', { name: 'Короткий список' }).check();
    await dialog.getByText('Новий форум відкриється одразу голосуванням').waitFor();
    // Newer forums without results (one in its lobby, one from a file) are passed over.
    expect(await dialog.getByLabel('Форум, з рейтингу якого скласти список').inputValue()).toBe(first.id);
    const top = dialog.getByLabel('Скільки найкращих ідей узяти з кожного пріоритету');
    expect(await top.inputValue()).toBe('4');
    // Four per priority take every ranked idea of this forum.
    await dialog.getByRole('status').filter({ hasText: 'До короткого списку ввійдуть 4 ідеї.' }).waitFor();
    await top.fill('1');
    await dialog.getByRole('status').filter({ hasText: 'До короткого списку ввійдуть 2 ідеї.' }).waitFor();
    await dialog.getByRole('checkbox', { name: /Відкриті дані міста/ }).check();
    await dialog.getByRole('status').filter({ hasText: 'До короткого списку ввійдуть 3 ідеї.' }).waitFor();
    await shoot('create-shortlist-1280');
    expect(await violations(page)).toEqual([]);
    // A number out of range is caught here.
    await top.fill('0');
    await dialog.getByRole('button', { name: 'Створити форум' }).click();
    await dialog.getByRole('alert').filter({ hasText: 'Вкажіть ціле число від 1 до 50' }).waitFor();
    await top.fill('1');
    // How people get in is asked, never taken from the server's setting: the forum may run for days.
    await dialog.getByRole('button', { name: 'Створити форум' }).click();
    await dialog.getByRole('alert').filter({ hasText: 'Оберіть, як учасники отримають голос.' }).waitFor();
    await dialog.getByRole('radio', { name: 'Незмінний код' }).check();
    await dialog.getByRole('radio', { name: 'Незмінний код' }).scrollIntoViewIfNeeded();
    await shoot('create-shortlist-admission-1280');

    await dialog.getByRole('button', { name: 'Створити форум' }).click();
    await dialog.waitFor({ state: 'hidden' });
    await eventually(() => rows().count()).toBe(4);
    const r = row('Голосування за найкращі');
    await r.getByText('Лише голосування').waitFor();
    await r.getByText(`на основі: ${first.title}`).waitFor();
    expect(await r.locator('.phase-badge').textContent()).toBe('Голосування');
    const voteOnly = forumNamed('Голосування за найкращі')!.room.state;
    expect(voteOnly.voteOnly).toBe(true);
    expect(voteOnly.phase).toBe('voting');
    expect(voteOnly.admission).toBe('open');
    expect([...voteOnly.ideas.values()].map((i) => i.title).sort()).toEqual(['Відкриті дані міста', 'Кабінет мешканця', 'Сквер біля річки']);
  });

  it('carries ideas of the first forum on as a new goal and as a task under their goal', async () => {
    await page.getByRole('button', { name: 'Новий форум' }).click();
    const dialog = page.getByRole('dialog', { name: 'Новий форум' });
    await dialog.getByLabel('Назва форуму').fill('Форум 3');
    await dialog.getByRole('radio', { name: 'Попередній форум' }).check();
    // The newest forum with results, not the vote-only one still voting.
    expect(await dialog.getByRole('combobox', { name: 'Попередній форум', exact: true }).inputValue()).toBe(first.id);
    // The best of each priority ticked at once: Кабінет мешканця (1) and Сквер біля річки (5).
    await dialog.getByLabel('Позначити найкращі ідеї кожного пріоритету, скільки').fill('1');
    await dialog.getByRole('button', { name: 'Позначити найкращі' }).click();
    await dialog.getByRole('status').filter({ hasText: 'Вибрано 2 ідеї.' }).waitFor();
    expect(await dialog.getByRole('checkbox', { name: /Кабінет мешканця/ }).isChecked()).toBe(true);
    expect(await dialog.getByRole('checkbox', { name: /Сквер біля річки/ }).isChecked()).toBe(true);
    expect(await dialog.getByRole('checkbox', { name: /Прозорі закупівлі/ }).isChecked()).toBe(false);
    // An idea filed under a goal becomes a task in that goal unless told otherwise.
    expect(await dialog.getByRole('combobox', { name: 'Чим стане ідея «Сквер біля річки»' }).inputValue()).toBe('task');
    await shoot('create-carry-1280');
    await page.setViewportSize({ width: 1920, height: 1080 });
    await shoot('create-carry-1920');
    await page.setViewportSize(VIEWPORT);
    await dialog.getByRole('button', { name: 'Створити форум' }).click();
    await dialog.waitFor({ state: 'hidden' });
    await eventually(() => rows().count()).toBe(5);
    const structure = forumNamed('Форум 3')!.room.state.structure;
    const green = structure.priorities.find((p) => p.code === '5')!;
    expect(green.goals.find((g) => g.code === '5.4')!.tasks?.map((task) => task.title)).toEqual(['Сквер біля річки']);
    const efficient = structure.priorities.find((p) => p.code === '1')!;
    expect(efficient.goals.map((g) => [g.code, g.title, g.origin?.ideaId])).toEqual([['1.1', 'Кабінет мешканця', ideas.cabinet]]);
    await row('Форум 3').getByText(`на основі: ${first.title}`).waitFor();
  });

  it('archives a forum and takes it out of the archive', async () => {
    const r = row('Форум 2');
    await r.getByRole('button', { name: 'В архів «Форум 2»' }).click();
    const dialog = page.getByRole('dialog', { name: 'Перенести форум в архів?' });
    await dialog.getByRole('button', { name: 'Перенести в архів' }).click();
    await r.getByText('В архіві').waitFor();
    expect(forumNamed('Форум 2')!.room.state.archived).toBe(true);
    await r.getByRole('button', { name: 'Повернути з архіву «Форум 2»' }).click();
    await eventually(() => r.getByText('В архіві').count()).toBe(0);
    expect(forumNamed('Форум 2')!.room.state.archived).toBe(false);
    await r.getByRole('button', { name: 'В архів «Форум 2»' }).click();
    await dialog.getByRole('button', { name: 'Перенести в архів' }).click();
    await r.getByText('В архіві').waitFor();
    await shoot('list-archived-1280');
  });

  let forum2File = '';
  let firstFile = '';

  it('downloads a forum as one file through its link', async () => {
    const save = async (title: string, name: string) => {
      const [download] = await Promise.all([page.waitForEvent('download'), row(title).getByRole('link', { name: `Файл для перенесення «${title}»` }).click()]);
      const path = join(dir, name);
      await download.saveAs(path);
      return path;
    };
    forum2File = await save('Форум 2', 'forum-2.json');
    firstFile = await save(first.title, 'forum-1.json');
    const file = JSON.parse(readFileSync(forum2File, 'utf8')) as { format: string; forum: { title: string } };
    expect(file.format).toBe('viche-forum/2');
    expect(file.forum.title).toBe('Форум 2');
  });

  it('deletes a forum only when its title is typed exactly, showing the server’s refusal', async () => {
    const id = forumNamed('Форум 2')!.room.state.id;
    await row('Форум 2').getByRole('button', { name: 'Видалити «Форум 2»' }).click();
    const dialog = page.getByRole('dialog', { name: 'Видалити форум назавжди?' });
    const typed = dialog.getByLabel('Щоб підтвердити, введіть назву форуму: Форум 2');
    expect(await isFocused(typed)).toBe(true);
    await typed.fill('Форум');
    await dialog.getByRole('button', { name: 'Видалити форум' }).click();
    await dialog.getByRole('alert').filter({ hasText: t('uk', 'err.TITLE_MISMATCH') }).waitFor();
    expect(await typed.getAttribute('aria-invalid')).toBe('true');
    expect(server.forums.get(id)).toBeDefined();
    await shoot('delete-mismatch-1280');
    expect(await violations(page)).toEqual([]);

    await typed.fill('Форум 2');
    await dialog.getByRole('button', { name: 'Видалити форум' }).click();
    await dialog.waitFor({ state: 'hidden' });
    await eventually(() => row('Форум 2').count()).toBe(0);
    expect(server.forums.get(id)).toBeUndefined();
    await page.getByRole('status').filter({ hasText: 'Форум «Форум 2» видалено.' }).waitFor();
  });

  it('imports a forum file, and says why when it cannot', async () => {
    const section = page.locator('section.forum-import');
    const input = section.getByLabel('Файл форуму (JSON)');
    const submit = section.getByRole('button', { name: 'Імпортувати форум' });
    // The field speaks the page's language, not the browser's ("Choose file").
    const chosen = section.locator('.file-name');
    expect(await section.locator('label.btn').textContent()).toBe('Вибрати файл…');
    expect(await chosen.textContent()).toBe('Файл не вибрано');
    await submit.click();
    await section.getByRole('alert').filter({ hasText: 'Спершу виберіть файл форуму.' }).waitFor();
    // The hidden input the refusal focused shows its focus on the button drawn for it.
    expect(await input.evaluate((el) => el === document.activeElement)).toBe(true);
    expect(await section.locator('label.btn').evaluate((el) => getComputedStyle(el).outlineStyle)).toBe('solid');

    await input.setInputFiles({ name: 'notes.json', mimeType: 'application/json', buffer: Buffer.from('not json') });
    expect(await chosen.textContent()).toBe('notes.json');
    await section.scrollIntoViewIfNeeded();
    await shoot('import-file-chosen');
    await submit.click();
    await section.getByRole('alert').filter({ hasText: 'Файл «notes.json» не вдалося прочитати як JSON' }).waitFor();

    await input.setInputFiles({ name: 'other.json', mimeType: 'application/json', buffer: Buffer.from('{"format": "something-else"}') });
    await submit.click();
    await section.getByRole('alert').filter({ hasText: 'Файл не вдалося відкрити як форум: це не файл форуму Viche' }).waitFor();

    // The first forum is here already.
    await input.setInputFiles(firstFile);
    await submit.click();
    await section.getByRole('alert').filter({ hasText: t('uk', 'err.FORUM_EXISTS') }).waitFor();

    await input.setInputFiles(forum2File);
    await submit.click();
    // Sealed by this very server's key: its phones and hosts carry on, and the file's results hash is shown.
    const done = section.getByRole('status').filter({ hasText: 'Форум «Форум 2» імпортовано. Печатку перевірено: телефони й ведучі продовжать тут.' });
    await done.waitFor();
    expect(await done.locator('.results-hash').textContent()).toMatch(/^[0-9a-f]{64}$/);
    // The file imported is no longer shown as chosen.
    expect(await chosen.textContent()).toBe('Файл не вибрано');
    const link = section.getByRole('link', { name: 'Відкрити його пульт' });
    const back = forumNamed('Форум 2')!;
    expect(await link.getAttribute('href')).toBe(`/f/${back.room.record.slug}/console`);
    await row('Форум 2').getByText('В архіві').waitFor();
  });

  it('logs what happened to whole forums, newest first', async () => {
    const log = page.locator('.forum-log tbody tr');
    await eventually(() => log.first().locator('td').nth(1).textContent()).toBe('імпортовано');
    const entries = await log.evaluateAll((trs) => trs.map((tr) => [...tr.querySelectorAll('td')].slice(1).map((td) => td.textContent)));
    expect(entries.slice(0, 7)).toEqual([
      ['імпортовано', 'Форум 2'],
      ['видалено', 'Форум 2'],
      ['перенесено в архів', 'Форум 2'],
      ['повернуто з архіву', 'Форум 2'],
      ['перенесено в архів', 'Форум 2'],
      ['створено', 'Форум 3'],
      ['створено', 'Голосування за найкращі'],
    ]);
  });

  it('looks right at 1920×1080 and in English', async () => {
    await page.setViewportSize({ width: 1920, height: 1080 });
    await page.evaluate(() => window.scrollTo(0, 0));
    await shoot('list-1920');
    await page.getByRole('button', { name: 'Switch to English' }).click();
    await page.getByRole('heading', { level: 1, name: 'Forums' }).waitFor();
    expect(await page.title()).toBe('Forums');
    await page.getByRole('button', { name: 'New forum' }).click();
    await page.getByRole('dialog', { name: 'New forum' }).getByRole('radio', { name: 'A shortlist' }).check();
    await shoot('create-shortlist-en-1920');
    await page.keyboard.press('Escape');
    // A refusal comes in the page's language, though the connection was opened in Ukrainian.
    await row('Форум 3').getByRole('button', { name: 'Delete «Форум 3»' }).click();
    const dialog = page.getByRole('dialog', { name: 'Delete this forum for good?' });
    await dialog.getByLabel('To confirm, type the forum’s title: Форум 3').fill('Forum 3');
    await dialog.getByRole('button', { name: 'Delete forum' }).click();
    await dialog.getByRole('alert').filter({ hasText: t('en', 'err.TITLE_MISMATCH') }).waitFor();
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await dialog.waitFor({ state: 'hidden' });
    expect(forumNamed('Форум 3')).toBeDefined();
    await page.evaluate(() => window.scrollTo(0, 0));
    await shoot('list-en-1920');
    await page.locator('.lang-toggle').click();
    await page.getByRole('heading', { level: 1, name: 'Форуми' }).waitFor();
    await page.setViewportSize(VIEWPORT);
  });

  it('opens a forum’s console in the same tab, with the way back for the facilitator only', async () => {
    await row(first.title).getByRole('link', { name: `Відкрити пульт «${first.title}»` }).click();
    await page.waitForURL(`${server.url}/f/${first.slug}/console`);
    await page.getByRole('tab', { name: 'Огляд' }).waitFor();
    const back = page.getByRole('link', { name: 'Усі форуми' });
    expect(await back.getAttribute('href')).toBe('/console');
    await shoot('forum-console-back-1280');
    await back.click();
    await page.getByRole('heading', { level: 1, name: 'Форуми' }).waitFor();
    await eventually(() => rows().count()).toBe(5);

    // A host's console has no way to the list, and the list does not open for a host.
    const { link } = ok(await admin.send('host:invite', { name: 'Ведуча столу', scope: null }));
    const host = await browser.newPage({ viewport: VIEWPORT });
    await host.goto(`${server.url}${link}`);
    await host.getByRole('tab', { name: 'Ідеї' }).waitFor();
    expect(await host.getByRole('link', { name: 'Усі форуми' }).count()).toBe(0);
    await host.goto(`${server.url}/console`);
    await host.getByRole('alert').filter({ hasText: 'Список форумів відкривається лише фасилітатору.' }).waitFor();
    await host.close();
  });
});
