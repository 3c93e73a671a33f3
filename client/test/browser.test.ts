// The pages in a real Chromium. The phone is opened as a phone on the venue's LAN sees it: under a
// name mapped to loopback, over plain http, so the page is not a secure context. The forum admits
// as it does by default, with the hall's changing code: the phone opens what the projector's QR says.

import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectConsole, ok, ROOT, screenKeyOf, startTestServer, tempDir, type TestClient, type TestServer } from '../../server/test/harness.js';
import { CHROMIUM, decodeQr, haveBrowser, launchChromium } from './chromium.js';

const built = existsSync(join(ROOT, 'dist/client/phone/index.html'));
if (process.env.CI === 'true' && !haveBrowser) throw new Error(`CI needs Chromium at ${CHROMIUM}: .ci/run installs it`);
if (process.env.CI === 'true' && !built) throw new Error('CI needs the built client: npm test builds it first');

// Outside CI a machine without Chromium (or without a build) skips these, saying why.
describe.skipIf(!haveBrowser || !built)(`pages in Chromium (needs ${CHROMIUM} and a built client)`, () => {
  let server: TestServer;
  let browser: Browser;
  let admin: TestClient;
  let origin: string;

  beforeAll(async () => {
    server = await startTestServer({ publicUrl: 'http://viche.test:{port}', admission: 'hall' });
    origin = `http://viche.test:${server.port}`;
    admin = await connectConsole(server);
    browser = await launchChromium(['--host-resolver-rules=MAP viche.test 127.0.0.1']);
  });
  afterAll(async () => {
    await browser?.close();
    admin?.close();
    await server?.stop();
  });

  it('the projector keeps its key out of the address bar, and the console can change it', async () => {
    const oldKey = screenKeyOf(server.screenUrl);
    // One projector opened with the display key, one with the facilitator's (the console's own link).
    const byKey = await browser.newPage({ viewport: { width: 1280, height: 720 } });
    await byKey.goto(`${origin}/f/${server.slug}/screen?key=${oldKey}`);
    await byKey.locator('.join-code').waitFor();
    expect(byKey.url()).toBe(`${origin}/f/${server.slug}/screen`);
    // A reload in the same tab still opens: the key was kept for the tab, not in the address.
    await byKey.reload();
    await byKey.locator('.join-code').waitFor();
    expect(byKey.url()).not.toContain('key=');
    const byFacilitator = await browser.newPage({ viewport: { width: 1280, height: 720 } });
    await byFacilitator.goto(`${origin}/f/${server.slug}/screen?key=${encodeURIComponent(server.facilitatorKey)}`);
    await byFacilitator.locator('.join-code').waitFor();

    const { screenUrl } = ok(await admin.send('display:rotateKey', {}));
    const newKey = screenKeyOf(screenUrl);
    expect(newKey).not.toBe(oldKey);
    expect(screenKeyOf(server.screenUrl)).toBe(newKey);
    // The projector with the old key is disconnected and says how to open it again; the other stays.
    await byKey.getByText('Ключ екрана не підходить', { exact: false }).waitFor();
    expect(await byKey.locator('.join-code').count()).toBe(0);
    expect(await byFacilitator.locator('.join-code').count()).toBe(1);
    // The refused key was forgotten: a reload does not send it again.
    await byKey.reload();
    await byKey.getByText('Екран відкривається за посиланням із ключем', { exact: false }).waitFor();
    await byKey.goto(`${origin}/f/${server.slug}/screen?key=${newKey}`);
    await byKey.locator('.join-code').waitFor();
    await byKey.close();
    await byFacilitator.close();
  });

  it('a phone joins, proposes an idea and votes; the projector shows the QR, then the result', async () => {
    // Without its key the projector page shows no code, only how to open it properly.
    const stranger = await browser.newPage();
    await stranger.goto(`${origin}/screen`);
    await stranger.getByText('Екран відкривається за посиланням із ключем', { exact: false }).waitFor();
    expect(await stranger.locator('.join-code').count()).toBe(0);
    await stranger.close();

    const screenPage = await browser.newPage({ viewport: { width: 1920, height: 1080 } });
    await screenPage.goto(`${origin}/screen?key=${screenKeyOf(server.screenUrl)}`);
    const qr = screenPage.locator('img.qr');
    await qr.waitFor();
    await expect.poll(() => qr.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth > 0)).toBe(true);
    const grouped = () => server.joinCode.replace(/(\d{3})(?=\d)/g, '$1 ');
    await expect.poll(async () => (await screenPage.locator('.join-code').textContent()) === grouped()).toBe(true);
    expect(await screenPage.locator('.join-url').textContent()).toBe(`viche.test:${server.port}`);
    await screenPage.getByText('Код змінюється кожні 30 с').waitFor();
    // The phone scans the QR: what the projector shows is read back from its pixels.
    const scanned = decodeQr(await qr.screenshot());
    expect(scanned).toMatch(new RegExp(`^${origin.replace(/\./g, '\\.')}/f/${server.slug}/\\?c=\\d{6}$`));

    const context = await browser.newContext({ viewport: { width: 360, height: 740 }, isMobile: true, hasTouch: true });
    const phone = await context.newPage();
    const errors: string[] = [];
    phone.on('pageerror', (e) => errors.push(e.message));
    await phone.goto(scanned!);
    await phone.getByLabel('Код з екрана (6 цифр, змінюється кожні 30 с)').waitFor();
    expect(await phone.evaluate(() => window.isSecureContext)).toBe(false);
    expect(await phone.evaluate(() => typeof crypto.randomUUID)).toBe('undefined');

    await phone.getByLabel('Ваше ім’я (необов’язково)').fill('Олена');
    await phone.getByRole('button', { name: 'Приєднатися' }).click();
    await phone.getByText('Вітаємо, Олена!').waitFor();
    await phone.getByRole('button', { name: 'Змінити ім’я' }).click();
    await phone.getByLabel('Ваше ім’я (необов’язково)').fill('Олена К.');
    await phone.getByRole('button', { name: 'Зберегти' }).click();
    await phone.getByText('Вітаємо, Олена К.!').waitFor();
    await expect.poll(() => screenPage.locator('.join-count strong').textContent()).toBe('1');

    ok(await admin.send('phase:set', { to: 'ideas' }));
    await phone.getByLabel('Пріоритет').selectOption({ label: 'Зелене місто' });
    await phone.getByLabel('Стратегічна ціль (необов’язково)').selectOption('5.4');
    await phone.getByLabel('Назва ідеї').fill('Парк над Тетеревом');
    await phone.getByLabel('Де саме? (необов’язково)').fill('Берег Тетерева');
    await phone.getByRole('button', { name: 'Надіслати ідею' }).click();
    await phone.getByText('Ідею збережено').waitFor();
    const idea = [...server.room.state.ideas.values()][0];
    expect(idea).toMatchObject({ title: 'Парк над Тетеревом', priorityCode: '5', goalCode: '5.4', place: 'Берег Тетерева' });
    await screenPage.getByText('Парк над Тетеревом').waitFor();

    ok(await admin.send('phase:set', { to: 'review' }));
    ok(await admin.send('phase:set', { to: 'voting' }));
    const steps = phone.getByRole('navigation', { name: 'Пріоритети голосування' });
    // The dots left show in every step too: the count for the priority open is the one at the top of its list.
    const left = (text: string) => phone.locator('.left-count', { hasText: text });
    await steps.getByRole('button', { name: /Зелене місто/ }).click();
    await left('Залишилося 3 крапки').waitFor();
    await phone.getByRole('button', { name: 'Додати крапку ідеї «Парк над Тетеревом»' }).click();
    await left('Залишилося 2 крапки').waitFor();
    await phone.locator('.save-status', { hasText: 'Збережено' }).waitFor();
    await expect.poll(() => server.room.state.dots.get(idea.authorId)?.get(idea.id)).toBe(1);
    // Changing one's mind: take the dot off, put it back.
    await phone.getByRole('button', { name: 'Зняти крапку з ідеї «Парк над Тетеревом»' }).click();
    await left('Залишилося 3 крапки').waitFor();
    // The phone shows the change at the tap and saves it a moment later.
    await expect.poll(() => server.room.state.dots.get(idea.authorId)?.get(idea.id)).toBeUndefined();
    await phone.getByRole('button', { name: 'Додати крапку ідеї «Парк над Тетеревом»' }).click();
    await left('Залишилося 2 крапки').waitFor();

    // A reload returns to the same ballot: the token stayed on the device.
    await phone.reload();
    await steps.getByRole('button', { name: /Зелене місто/ }).click();
    await left('Залишилося 2 крапки').waitFor();
    expect(server.room.state.participants.size).toBe(1);

    ok(await admin.send('phase:set', { to: 'results' }));
    await phone.getByText('Голосування завершено. Результати з’являться, щойно фасилітатор їх покаже.').waitFor();
    expect(await screenPage.locator('.bar-label').count()).toBe(0);
    ok(await admin.send('priority:reveal', { priorityCode: '5' }));
    await screenPage.locator('.chart h2', { hasText: 'Зелене місто' }).waitFor();
    expect(await screenPage.locator('.bar-label').first().textContent()).toContain('Парк над Тетеревом');
    expect(await screenPage.locator('.bar-sub').first().textContent()).toBe('1 прихильник');
    expect(await screenPage.locator('.bar-value').first().innerText()).toMatch(/^1\b/);
    await phone.getByText('1 крапка · 1 прихильник').waitFor();
    expect(errors).toEqual([]);
  });

  it('the phone switches to English and keeps it per device', async () => {
    const phone = await browser.newPage();
    await phone.goto(`${origin}/?c=${server.joinCode}`);
    await phone.getByRole('button', { name: 'Switch to English' }).click();
    await phone.getByRole('heading', { name: 'Join the forum' }).waitFor();
    await phone.reload();
    await phone.getByRole('heading', { name: 'Join the forum' }).waitFor();
    expect(await phone.evaluate(() => document.documentElement.lang)).toBe('en');
    await phone.getByLabel('Code on the screen (6 digits, changes every 30 s)').fill('000000');
    await phone.getByRole('button', { name: 'Join' }).click();
    await phone.getByText('Wrong code. Check the digits on the screen or on your ticket.').waitFor();

    // Once the forum is closed, a newcomer sees the revealed results instead of a join form.
    ok(await admin.send('phase:set', { to: 'closed' }));
    await phone.getByText('The forum is over. Thank you for taking part!').waitFor();
    await phone.getByText('Парк над Тетеревом').waitFor();
    expect(await phone.getByRole('button', { name: 'Join' }).count()).toBe(0);
  });

  it('a phone page rides out a server restart: it says it is offline, then resyncs by itself', async () => {
    const dir = tempDir();
    const dbPath = join(dir, 'forum.db');
    let own = await startTestServer({ dbPath, publicUrl: 'http://viche.test:{port}' });
    const port = own.port;
    try {
      const ownAdmin = await connectConsole(own);
      const page = await browser.newPage({ viewport: { width: 360, height: 740 } });
      await page.goto(`http://viche.test:${port}/?c=${own.joinCode}`);
      await page.getByRole('button', { name: 'Приєднатися' }).click();
      ok(await ownAdmin.send('phase:set', { to: 'ideas' }));
      await page.getByLabel('Пріоритет').selectOption({ label: 'Активне місто' });
      await page.getByLabel('Назва ідеї').fill('Скейт-парк');
      await page.getByRole('button', { name: 'Надіслати ідею' }).click();
      await page.getByText('Ідею збережено').waitFor();
      ok(await ownAdmin.send('phase:set', { to: 'review' }));
      ok(await ownAdmin.send('phase:set', { to: 'voting' }));
      ownAdmin.close();
      const left = (text: string) => page.locator('.left-count', { hasText: text });
      await page.getByRole('navigation', { name: 'Пріоритети голосування' }).getByRole('button', { name: /Активне місто/ }).click();
      await page.getByRole('button', { name: 'Додати крапку ідеї «Скейт-парк»' }).click();
      await left('Залишилося 2 крапки').waitFor();

      await own.close();
      await page.getByText('Немає зв’язку.', { exact: false }).waitFor();
      own = await startTestServer({ dbPath, port, publicUrl: 'http://viche.test:{port}' });
      await page.getByText('Немає зв’язку.', { exact: false }).waitFor({ state: 'detached', timeout: 15_000 });
      await left('Залишилося 2 крапки').waitFor();
      await page.getByRole('button', { name: 'Додати крапку ідеї «Скейт-парк»' }).click();
      await left('Залишилася 1 крапка').waitFor();
      const [participant] = [...own.room.state.dots.values()];
      expect([...participant.values()]).toEqual([2]);
      await page.close();
    } finally {
      await own.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
