// The real pages, in Chromium, name their forum in the address of their Socket.IO handshake
// (/socket.io/?forum=<slug>), which a proxy in front of several server processes routes by: the
// phone page, the projector and the console of forum 2 on a server of two forums, read both from
// the WebSocket the page opened and from the request the server received.

import { existsSync } from 'node:fs';
import type { IncomingMessage } from 'node:http';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT, startTestServer, type TestServer } from '../../server/test/harness.js';
import { CHROMIUM, haveBrowser, launchChromium } from './chromium.js';

const ready = haveBrowser && existsSync(join(ROOT, 'dist/client/phone/index.html'));
if (process.env.CI === 'true' && !ready) throw new Error(`CI needs Chromium at ${CHROMIUM} and the built client`);

describe.skipIf(!ready)(`the pages name their forum in the handshake, in Chromium (needs ${CHROMIUM} and a built client)`, () => {
  let server: TestServer;
  let browser: Browser;
  const handshakes: string[] = [];
  const onConnection = (raw: { request: IncomingMessage }) => handshakes.push(raw.request.url ?? '');

  beforeAll(async () => {
    server = await startTestServer();
    server.forums.create({ title: 'Житомир 2030: Богунія', structure: server.room.state.structure, admission: 'open', titled: true });
    server.io.engine.on('connection', onConnection);
    browser = await launchChromium();
  });
  afterAll(async () => {
    server?.io.engine.off('connection', onConnection);
    await browser?.close();
    await server?.stop();
  });

  it('the phone, the projector and the console of forum 2 connect with ?forum=2', async () => {
    const forum2 = server.forums.bySlug('2')!;
    const screenKey = new URL(forum2.attached.admission.screenUrl()).searchParams.get('key')!;
    const pages = {
      phone: `${server.url}/f/2/`,
      screen: `${server.url}/f/2/screen?key=${encodeURIComponent(screenKey)}`,
      console: `${server.url}/f/2/console?key=${encodeURIComponent(server.facilitatorKey)}`,
    };
    for (const [role, address] of Object.entries(pages)) {
      const page = await (await browser.newContext({ viewport: { width: 360, height: 640 } })).newPage();
      page.setDefaultTimeout(30_000);
      const opened = page.waitForEvent('websocket', (ws) => ws.url().includes('/socket.io/'));
      const from = handshakes.length;
      await page.goto(address);
      const pageSide = new URL((await opened).url());
      expect(pageSide.pathname, role).toBe('/socket.io/');
      expect(pageSide.searchParams.get('forum'), role).toBe('2');
      await expect.poll(() => handshakes.length, { timeout: 30_000 }).toBeGreaterThan(from);
      const serverSide = new URL(handshakes[from], server.url);
      expect(serverSide.pathname, role).toBe('/socket.io/');
      expect(serverSide.searchParams.get('forum'), role).toBe('2');
      // And the page is in: its connection was taken, not refused.
      if (role === 'phone') await page.getByRole('textbox').first().waitFor();
      if (role === 'console') await page.getByRole('tab', { name: 'Допуск' }).waitFor();
      if (role === 'screen') await page.locator('img[src*="qr.svg"]').first().waitFor();
      await page.context().close();
    }
  });
});
