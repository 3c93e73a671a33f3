// A resident's phone in Chromium at 360×640 whose connection drops while a priority's wall is open
// (the venue's Wi-Fi blinking): the page comes back on its own, says which page of the wall it
// holds in its handshake, is told in its greeting that page is still the one (not sent it again, nor the forum), keeps showing it, and then shows
// the facilitator's later changes to it. A screenshot goes to test-results/phone-wall-reconnect/.

import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WALL_PAGE_SIZE } from '../../shared/forum/wallOrder.js';
import type { AppSocket } from '../../server/realtime/connection.js';
import { connectConsole, ok, ROOT, startTestServer, type TestClient, type TestServer } from '../../server/test/harness.js';
import { CHROMIUM, haveBrowser, launchChromium } from './chromium.js';

const built = existsSync(join(ROOT, 'dist/client/phone/index.html'));
if (process.env.CI === 'true' && (!haveBrowser || !built)) throw new Error(`CI needs Chromium at ${CHROMIUM} and the built client`);

const SHOTS = join(ROOT, 'test-results/phone-wall-reconnect');
const CARDS = 25;

describe.skipIf(!haveBrowser || !built)(`a phone whose connection drops with the wall open (needs ${CHROMIUM} and a built client)`, () => {
  let server: TestServer;
  let admin: TestClient;
  let browser: Browser;
  let phone: Page;
  const errors: string[] = [];
  /** The text frames the page received on its connections, in order (binary ones as a mark). */
  const frames: string[] = [];

  const wall = () => phone.locator('section.wall');
  const visibleTitles = () => wall().locator('.idea-title:visible').allTextContents();
  /** The priority's first page as the server has it now: newest first. */
  const newestOnWall = () =>
    [...server.room.state.ideas.values()]
      .filter((i) => i.priorityCode === '1' && i.status === 'active')
      .sort((a, b) => b.createdAt - a.createdAt || (a.id < b.id ? 1 : -1))
      .slice(0, WALL_PAGE_SIZE)
      .map((i) => i.title);
  const wallPages = (since: number) => frames.slice(since).filter((f) => f.includes('"wall:page"'));
  /** The text frames the page sent, in order. */
  const sent: string[] = [];

  beforeAll(async () => {
    rmSync(SHOTS, { recursive: true, force: true });
    mkdirSync(SHOTS, { recursive: true });
    server = await startTestServer({ publicUrl: 'http://viche.test:{port}' });
    admin = await connectConsole(server);
    ok(await admin.send('phase:set', { to: 'ideas' }));
    for (let n = 1; n <= CARDS; n++) ok(await admin.send('paper:idea', { priorityCode: '1', title: `Ідея з паперової картки № ${n}` }));
    browser = await launchChromium(['--host-resolver-rules=MAP viche.test 127.0.0.1']);
    const context = await browser.newContext({ viewport: { width: 360, height: 640 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true });
    phone = await context.newPage();
    phone.on('pageerror', (e) => errors.push(e.message));
    phone.on('websocket', (ws) => {
      ws.on('framereceived', (f) => frames.push(typeof f.payload === 'string' ? f.payload : '<binary>'));
      ws.on('framesent', (f) => sent.push(typeof f.payload === 'string' ? f.payload : '<binary>'));
    });
    await phone.goto(`http://viche.test:${server.port}/?c=${server.joinCode}`);
    await phone.getByLabel('Ваше ім’я (необов’язково)').fill('Оксана');
    await phone.getByRole('button', { name: 'Приєднатися' }).click();
    await phone.getByRole('heading', { name: 'Запропонуйте ідею проєкту' }).waitFor();
  }, 120_000);
  afterAll(async () => {
    admin?.close();
    await browser?.close();
    await server?.stop();
  });

  it('keeps its page through the drop without being sent it again, and shows the changes made after', { timeout: 120_000 }, async () => {
    await wall().locator('button.wall-priority').first().click();
    await expect.poll(() => visibleTitles(), { timeout: 30_000 }).toEqual(newestOnWall());
    const before = await visibleTitles();

    // The connection dropped under the page, as a Wi-Fi blink does: not a refusal, so it comes back by itself.
    const mark = frames.length;
    const sentMark = sent.length;
    const namespace = server.io.of(`/f/${server.slug}`);
    const phones = [...namespace.sockets.values()].filter((s) => (s as AppSocket).data.session.role === 'phone');
    expect(phones).toHaveLength(1);
    const dropped = phones[0];
    dropped.conn.close();
    await expect.poll(() => [...namespace.sockets.values()].some((s) => s.id !== dropped.id && (s as AppSocket).data.session.role === 'phone'), { timeout: 60_000 }).toBe(true);
    // Named in the handshake, the wall is answered "the same" in the greeting, with the counts and
    // its own view, in one message of a few hundred bytes: no idea sent again, nothing asked apart.
    await expect.poll(() => frames.slice(mark).filter((f) => f.includes('["greeting",')).length, { timeout: 30_000 }).toBeGreaterThan(0);
    const greetings = frames.slice(mark).filter((f) => f.includes('["greeting",'));
    expect(greetings).toHaveLength(1);
    expect(greetings[0]).toContain('"same":true');
    expect(greetings[0]).not.toContain('"whole":true');
    expect(greetings[0].length).toBeLessThan(600);
    expect(wallPages(mark)).toEqual([]);
    expect(frames.slice(mark).some((f) => f.includes('["me",') || f.includes('["wall:counts",'))).toBe(false);
    expect(sent.slice(sentMark).some((f) => f.includes('"wall:watch"'))).toBe(false);
    await expect.poll(() => visibleTitles()).toEqual(before);
    // Nor is the forum sent again: the page said which it holds.
    expect(frames.slice(mark).some((f) => f.includes('["phone",'))).toBe(false);
    expect(frames.slice(0, mark).some((f) => f.includes('["phone",'))).toBe(true);
    await phone.screenshot({ path: join(SHOTS, '1-wall-kept-after-drop.png') });

    // Later changes reach it as differences to the page it kept.
    const changes = frames.length;
    const state = server.room.state;
    const onPage = (title: string) => [...state.ideas.values()].find((i) => i.title === title)!.id;
    ok(await admin.send('idea:correct', { ideaId: onPage(before[2]), title: 'Виправлена картка після обриву зв’язку' }));
    ok(await admin.send('idea:hide', { ideaId: onPage(before[4]), reason: 'Повтор' }));
    await expect.poll(() => visibleTitles(), { timeout: 30_000 }).toEqual(newestOnWall());
    expect(await visibleTitles()).toContain('Виправлена картка після обриву зв’язку');
    expect(await visibleTitles()).not.toContain(before[4]);
    expect(wallPages(changes).every((f) => f.includes('"whole":false'))).toBe(true);
    await phone.screenshot({ path: join(SHOTS, '2-wall-changed-after-drop.png') });
    expect(errors).toEqual([]);
  });
});
