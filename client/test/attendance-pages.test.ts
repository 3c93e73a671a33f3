// A burst seen in Chromium: the console's alert on the Overview and Admission tabs (1280 wide), a
// phone at 360×640 waiting for approval (kept across a reload), the void of the burst previewed
// from the alert, and the phone's ballot appearing by itself once approved. Screenshots go to
// test-results/attendance/ for a person to look at.

import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConsoleView } from '../../shared/protocol.js';
import { connectConsole, joinPhone, ok, ROOT, startTestServer, type TestClient, type TestPhone, type TestServer } from '../../server/test/harness.js';
import { CHROMIUM, haveBrowser, launchChromium, violations } from './chromium.js';

const built = existsSync(join(ROOT, 'dist/client/phone/index.html'));
if (process.env.CI === 'true' && !(haveBrowser && built)) throw new Error(`CI needs Chromium at ${CHROMIUM} and the built client`);

const SHOTS = join(ROOT, 'test-results/attendance');
/** A small burst rule, so that six phones make a burst. */
const BURST = { joins: 5, windowMs: 30_000 };

describe.skipIf(!haveBrowser || !built)('a burst on the console and a waiting phone (needs Chromium and a built client)', () => {
  let server: TestServer;
  let admin: TestClient;
  let browser: Browser;
  let phone: Page;
  let desk: Page;
  let origin: string;
  const burst: TestPhone[] = [];
  const errors: string[] = [];
  /** The first server's folder, kept when it restarts on the same file. */
  let firstDir = '';

  beforeAll(async () => {
    rmSync(SHOTS, { recursive: true, force: true });
    mkdirSync(SHOTS, { recursive: true });
    server = await startTestServer({ publicUrl: 'http://viche.test:{port}', expectedAttendance: 150, joinBurst: BURST });
    origin = `http://viche.test:${server.port}`;
    admin = await connectConsole(server);
    browser = await launchChromium(['--host-resolver-rules=MAP viche.test 127.0.0.1']);
    const phoneCtx = await browser.newContext({ viewport: { width: 360, height: 640 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true, bypassCSP: true });
    phone = await phoneCtx.newPage();
    desk = await (await browser.newContext({ viewport: { width: 1280, height: 900 }, bypassCSP: true })).newPage();
    for (const page of [phone, desk]) page.on('pageerror', (e) => errors.push(e.message));
    // Five joins, then the sixth makes the burst and waits.
    for (let i = 0; i < BURST.joins; i++) burst.push(await joinPhone(server, `Бот ${i}`));
    const sixth = await joinPhone(server, 'Бот 5').catch((err: Error) => err);
    expect(String(sixth)).toContain('AWAITING_APPROVAL');
  });
  afterAll(async () => {
    for (const p of burst) p.close();
    admin?.close();
    await browser?.close();
    await server?.stop();
    if (firstDir) rmSync(firstDir, { recursive: true, force: true });
  });

  it('the phone waits, says so in a live region, and still waits after a reload', async () => {
    await phone.goto(`${origin}/?c=${server.joinCode}`);
    await phone.getByLabel('Ваше ім’я (необов’язково)').fill('Оксана Мельник');
    await phone.getByRole('button', { name: 'Приєднатися' }).click();
    const status = phone.getByRole('status').filter({ hasText: 'Чекаємо, поки фасилітатор вас підтвердить.' });
    await status.waitFor();
    expect(await status.getAttribute('aria-live')).toBe('polite');
    await phone.screenshot({ path: join(SHOTS, 'phone-waiting.png') });
    expect(await violations(phone)).toEqual([]);
    await phone.reload();
    await status.waitFor();
    await phone.locator('.lang-toggle').click();
    await phone.getByText('Waiting for the facilitator to approve you.').waitFor();
    await phone.screenshot({ path: join(SHOTS, 'phone-waiting-en.png') });
    await phone.locator('.lang-toggle').click();
    await status.waitFor();
  });

  it('the console shows the alert on the Overview, and on Admission the waiting and the void of the burst', async () => {
    await desk.goto(`${server.url}/f/${server.slug}/console?key=${encodeURIComponent(server.facilitatorKey)}`);
    const alert = desk.getByRole('alert').filter({ hasText: 'Приєднання призупинено' });
    await alert.waitFor();
    await alert.getByText('приєднань — 5', { exact: false }).waitFor();
    await desk.screenshot({ path: join(SHOTS, 'console-overview-alert.png') });

    await desk.getByRole('tab', { name: 'Допуск' }).click();
    await desk.getByRole('cell', { name: /Оксана Мельник/ }).or(desk.getByRole('rowheader', { name: /Оксана Мельник/ })).first().waitFor();
    await desk.getByText('Чекають на підтвердження: 2').first().waitFor();
    await desk.screenshot({ path: join(SHOTS, 'console-admission-alert.png') });

    // From the alert: the burst's window goes into the void form, and it is counted first.
    await desk.locator('.joining-alert').getByRole('button', { name: 'Анулювати цей сплеск…' }).click();
    expect(await desk.getByLabel('Від (час)').inputValue()).toMatch(/^\d\d:\d\d:\d\d$/);
    await desk.getByLabel('Діапазон адрес (необов’язково)').fill('127.1.');
    await desk.getByRole('button', { name: 'Порахувати' }).click();
    await desk.getByText('Буде анульовано учасників: 5.', { exact: false }).waitFor();
    await desk.locator('#h-void-many').scrollIntoViewIfNeeded();
    await desk.screenshot({ path: join(SHOTS, 'console-void-preview.png') });
    expect(await violations(desk)).toEqual([]);
  });

  it('approved on the console, the waiting phone gets its ballot without a rescan', async () => {
    const row = desk.getByRole('row', { name: /Оксана Мельник/ });
    await row.getByRole('button', { name: /Підтвердити/ }).click();
    await phone.getByText('Вітаємо, Оксана Мельник!').waitFor();
    const view = server.room.state;
    expect([...view.participants.values()].some((p) => p.name === 'Оксана Мельник')).toBe(true);
    // Voiding the burst from the console: one step, one entry in the log.
    await desk.getByLabel(/Причина/).fill('Сплеск приєднань');
    await desk.getByRole('button', { name: 'Анулювати учасників: 5' }).click();
    await desk.getByRole('dialog').getByRole('button', { name: 'Анулювати учасників: 5' }).click();
    await desk.getByText('Анульовано учасників: 5; знято крапок: 0; приховано ідей: 0.').waitFor();
    expect(view.moderation.filter((m) => m.action === 'voidMany')).toHaveLength(1);
    expect(view.voidedCount).toBe(5);
    await desk.getByRole('tab', { name: 'Журнал' }).click();
    await desk.getByText('Анульовано учасників: 5 (', { exact: false }).first().waitFor();
    await desk.screenshot({ path: join(SHOTS, 'console-log.png') });
    ok(await admin.send('admission:resume', {}));
    expect(errors).toEqual([]);
  });

  it('a phone waiting when the server restarts asks again by itself, and waits again while joining is paused', async () => {
    ok(await admin.send('admission:pause', {}));
    const page = await (await browser.newContext({ viewport: { width: 360, height: 640 }, isMobile: true, hasTouch: true })).newPage();
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`${origin}/?c=${server.joinCode}`);
    await page.getByLabel('Ваше ім’я (необов’язково)').fill('Тарас');
    await page.getByRole('button', { name: 'Приєднатися' }).click();
    await page.getByText('Чекаємо, поки фасилітатор вас підтвердить.').waitFor();
    // The queue is in memory: a restart loses it, the pause (in the log) stays.
    const { port, dbPath } = server;
    firstDir = server.dir;
    admin.close();
    await server.close();
    server = await startTestServer({ port, dbPath, publicUrl: 'http://viche.test:{port}', expectedAttendance: 150, joinBurst: BURST });
    admin = await connectConsole(server);
    const view = await admin.next<ConsoleView>('console', (v) => v.admission.waiting.some((w) => w.name === 'Тарас'));
    expect(view.admission.paused).not.toBeNull();
    await page.getByText('Чекаємо, поки фасилітатор вас підтвердить.').waitFor();
    ok(await admin.send('admission:approve', { ids: [view.admission.waiting.find((w) => w.name === 'Тарас')!.id] }));
    await page.getByText('Вітаємо, Тарас!').waitFor();
    expect(errors).toEqual([]);
  });
});
