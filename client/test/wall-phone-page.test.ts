// The wall of ideas on the phone page in Chromium: a large wall arrives gzipped and is unpacked
// (DecompressionStream), and a phone whose connection dropped is sent only what changed meanwhile,
// not the whole wall again, and shows it.

import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PHONES } from '../../server/realtime/rooms.js';
import { GZIP_FROM_BYTES } from '../../server/realtime/wall.js';
import { connect, connectConsole, joinPhone, ok, ROOT, startTestServer, type TestClient, type TestPhone, type TestServer } from '../../server/test/harness.js';
import { CHROMIUM, haveBrowser, launchChromium } from './chromium.js';

const built = existsSync(join(ROOT, 'dist/client/phone/index.html'));
if (process.env.CI === 'true' && (!haveBrowser || !built)) throw new Error(`CI needs Chromium at ${CHROMIUM} and the built client`);

const DESCRIPTION = 'Широка доріжка з освітленням, лавками й питними фонтанчиками для всіх мешканців району. '.repeat(9);

describe.skipIf(!haveBrowser || !built)(`the wall of ideas on the phone page (needs ${CHROMIUM} and a built client)`, () => {
  let server: TestServer;
  let admin: TestClient;
  let browser: Browser;
  let page: Page;
  const writers: TestPhone[] = [];
  const extra: TestClient[] = [];
  /** What the page received over its WebSocket: each frame's kind (binary, or the event's name). */
  const frames: string[] = [];
  const errors: string[] = [];

  beforeAll(async () => {
    server = await startTestServer({ publicUrl: 'http://viche.test:{port}' });
    admin = await connectConsole(server);
    ok(await admin.send('phase:set', { to: 'ideas' }));
    for (let w = 0; w < 3; w++) {
      const writer = await joinPhone(server, `Авторка ${w + 1}`);
      writers.push(writer);
      for (let n = 0; n < 4; n++) {
        ok(await writer.send('idea:submit', { priorityCode: String(1 + (n % 3)), title: `Ідея ${w * 4 + n + 1}: велодоріжка вздовж набережної`, description: DESCRIPTION, place: '' }));
      }
    }
    browser = await launchChromium(['--host-resolver-rules=MAP viche.test 127.0.0.1']);
    const context = await browser.newContext({ viewport: { width: 360, height: 640 }, isMobile: true, hasTouch: true });
    page = await context.newPage();
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('websocket', (ws) =>
      ws.on('framereceived', ({ payload }) => {
        if (typeof payload !== 'string') frames.push('binary');
        // An Engine.IO message (4), a Socket.IO event (2, or 5 with attachments), in the forum's namespace.
        else frames.push(/^4[25]\d*-?(?:\/[^,]*,)?\d*\["([^"]+)"/.exec(payload)?.[1] ?? payload.slice(0, 2));
      }),
    );
  });
  afterAll(async () => {
    for (const w of [...writers, ...extra]) w.close();
    admin?.close();
    await browser?.close();
    await server?.stop();
  });

  const others = () => page.locator('.idea', { hasText: 'велодоріжка вздовж набережної' });

  it('a large wall comes gzipped and shows whole', async () => {
    const wallBytes = Buffer.byteLength(JSON.stringify([...server.room.state.ideas.values()].map((i) => i.description)));
    expect(wallBytes).toBeGreaterThan(GZIP_FROM_BYTES);
    await page.goto(`http://viche.test:${server.port}/?c=${server.joinCode}`);
    await page.getByRole('button', { name: 'Приєднатися' }).click();
    // Folded per priority: each of the three opened.
    await expect.poll(() => page.locator('details.wall-group').count()).toBe(3);
    for (const summary of await page.locator('details.wall-group > summary').all()) await summary.click();
    await expect.poll(() => others().count()).toBe(12);
    expect(frames).toContain('binary');
    expect(errors).toEqual([]);
  });

  it('after a dropped connection, only what changed comes again, and the page shows it', async () => {
    const [first] = [...server.room.state.ideas.values()];
    const mark = frames.length;
    // The server drops every phone (the writers' too: they come back with their tokens); the page comes back by itself.
    server.io.of(`/f/${server.slug}`).in(PHONES).disconnectSockets(true);
    const [one, two] = await Promise.all(writers.slice(0, 2).map((w) => connect(server.socketUrl, { role: 'phone', token: w.token })));
    extra.push(one, two);
    ok(await one.send('idea:withdraw', { ideaId: first.id }));
    ok(await two.send('idea:edit', { ideaId: [...server.room.state.ideas.values()][4].id, title: 'Ідея 5: виправлена назва', description: '', place: '' }));
    await page.locator('.idea', { hasText: 'Ідея 5: виправлена назва' }).waitFor();
    await expect.poll(() => others().count()).toBe(10);
    const since = frames.slice(mark);
    expect(since).toContain('ideas:patch');
    expect(since).not.toContain('ideas:all');
    expect(since).not.toContain('binary');
    expect(errors).toEqual([]);
  });
});
