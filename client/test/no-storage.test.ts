// A phone whose browser refuses storage (a private mode, cookies blocked: localStorage throws)
// keeps its ballot for as long as the page is open: its connects and its join send one token, so
// a dropped connection brings it back to its own ballot, not to the join form. Real server, Chromium.

import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PHONES } from '../../server/realtime/rooms.js';
import { connectConsole, ok, ROOT, startTestServer, type TestClient, type TestServer } from '../../server/test/harness.js';
import { CHROMIUM, haveBrowser, launchChromium } from './chromium.js';

const built = existsSync(join(ROOT, 'dist/client/phone/index.html'));
if (process.env.CI === 'true' && !(haveBrowser && built)) throw new Error(`CI needs Chromium at ${CHROMIUM} and the built client`);

describe.skipIf(!haveBrowser || !built)(`a phone without storage (needs ${CHROMIUM} and a built client)`, () => {
  let server: TestServer;
  let admin: TestClient;
  let browser: Browser;
  let phone: Page;
  const errors: string[] = [];

  beforeAll(async () => {
    server = await startTestServer({ publicUrl: 'http://viche.test:{port}' });
    admin = await connectConsole(server);
    browser = await launchChromium(['--host-resolver-rules=MAP viche.test 127.0.0.1']);
    const ctx = await browser.newContext({ viewport: { width: 360, height: 640 }, isMobile: true, hasTouch: true });
    await ctx.addInitScript(() => {
      Object.defineProperty(window, 'localStorage', {
        get() {
          throw new DOMException('The user denied storage', 'SecurityError');
        },
      });
    });
    phone = await ctx.newPage();
    phone.on('pageerror', (e) => errors.push(e.message));
  });
  afterAll(async () => {
    admin?.close();
    await browser?.close();
    await server?.stop();
  });

  it('joins, loses its connection, and is back on its own ballot: one participant, who then submits an idea', async () => {
    await phone.goto(`http://viche.test:${server.port}/?c=${server.joinCode}`);
    await phone.getByLabel('Ваше ім’я (необов’язково)').fill('Приватна');
    await phone.getByRole('button', { name: 'Приєднатися' }).click();
    await phone.getByText('Вітаємо, Приватна!').waitFor();
    expect(server.room.state.participants.size).toBe(1);

    // The Wi-Fi drops: the server loses every phone, and the page connects again by itself.
    server.io.of(`/f/${server.slug}`).in(PHONES).disconnectSockets(true);
    ok(await admin.send('phase:set', { to: 'ideas' }));
    await phone.getByLabel('Пріоритет').selectOption({ index: 1 });
    await phone.getByLabel('Назва ідеї').fill('Лавки в парку');
    await phone.getByRole('button', { name: 'Надіслати ідею' }).click();
    await phone.getByText('Ідею збережено').waitFor();
    expect(server.room.state.participants.size).toBe(1);
    const [author] = server.room.state.participants.values();
    expect([...server.room.state.ideas.values()].map((i) => [i.title, i.authorId])).toEqual([['Лавки в парку', author.id]]);
    expect(errors).toEqual([]);
  });

  it('offline while voting: the banner says its taps are kept only while the page stays open, and they are saved once back', async () => {
    ok(await admin.send('phase:set', { to: 'review' }));
    ok(await admin.send('phase:set', { to: 'voting' }));
    const add = phone.getByRole('button', { name: 'Додати крапку ідеї «Лавки в парку»' });
    await add.waitFor();
    await phone.context().setOffline(true);
    server.io.of(`/f/${server.slug}`).in(PHONES).disconnectSockets(true);
    await phone.getByText('Немає зв’язку. Натискання дочекаються зв’язку', { exact: false }).waitFor();
    await add.click();
    // Nothing can be written down on this phone: the banner does not promise a reload keeps the tap.
    await phone
      .getByText(
        'Немає зв’язку. Натискань чекає надсилання: 1. Браузер не дає записати їх на телефоні: не закривайте й не оновлюйте сторінку, доки зв’язок не повернеться.',
      )
      .waitFor();
    await phone.screenshot({ path: join(ROOT, 'test-results/no-storage-offline-waiting.png') });
    await phone.context().setOffline(false);
    await phone.locator('.idea', { hasText: 'Лавки в парку' }).getByText('Збережено').waitFor({ timeout: 30_000 });
    const [voter] = server.room.state.participants.values();
    const [idea] = server.room.state.ideas.values();
    expect(server.room.state.dots.get(voter.id)?.get(idea.id)).toBe(1);
    expect(errors).toEqual([]);
  }, 90_000);
});
