// The phone page, in Chromium, when the server it reaches does not serve its forum (another server
// process took it while the phone was away): it says so in Ukrainian, then in English, instead of
// loading for ever.

import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemoryLease } from '../../server/forums/lease.js';
import { ROOT, startTestServer, tempDir, type TestServer } from '../../server/test/harness.js';
import { CHROMIUM, haveBrowser, launchChromium } from './chromium.js';

const ready = haveBrowser && existsSync(join(ROOT, 'dist/client/phone/index.html'));
if (process.env.CI === 'true' && !ready) throw new Error(`CI needs Chromium at ${CHROMIUM} and the built client`);

const SHOTS = process.env.SCREENSHOTS_DIR;

describe.skipIf(!ready)(`a phone whose forum another server process serves, in Chromium (needs ${CHROMIUM} and a built client)`, () => {
  let browser: Browser;
  const servers: TestServer[] = [];
  const dir = tempDir();
  beforeAll(async () => {
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    for (const s of servers) await s.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('the phone and the console show the refusal in both languages, Ukrainian first', async () => {
    const dbPath = join(dir, 'forum.db');
    const first = await startTestServer({ dbPath, loadForums: 'on-demand', idleUnloadMs: 60_000 });
    const { port, slug } = first;
    const page = await (await browser.newContext({ viewport: { width: 360, height: 640 } })).newPage();
    page.setDefaultTimeout(30_000);
    await page.goto(`${first.url}/f/${slug}/`);
    await page.getByRole('textbox').first().waitFor();
    const console = await (await browser.newContext({ viewport: { width: 1280, height: 720 } })).newPage();
    console.setDefaultTimeout(30_000);
    await console.goto(`${first.url}/f/${slug}/console?key=${encodeURIComponent(first.facilitatorKey)}`);
    await console.getByRole('tab', { name: 'Допуск' }).waitFor();
    const id = first.forums.bySlug(slug)!.room.record.id;
    await first.stop();

    // The server at the same address comes back, but another process holds the forum now.
    const lease = new MemoryLease();
    lease.takeAway(id);
    const second = await startTestServer({ dbPath, port, lease, loadForums: 'on-demand', idleUnloadMs: 60_000 });
    servers.push(second);
    const alert = page.getByRole('alert');
    await alert.filter({ hasText: 'Цей форум зараз відкритий на іншому сервері Віче' }).waitFor({ timeout: 60_000 });
    const text = await alert.filter({ hasText: 'Цей форум' }).innerText();
    expect(text.indexOf('Цей форум')).toBeLessThan(text.indexOf('This forum is open on another Viche server'));
    expect(await page.locator('[lang="en"]', { hasText: 'This forum is open on another Viche server' }).count()).toBe(1);
    expect(second.forums.openCount).toBe(0);
    // The console, whose view is gone with the forum, says the same in place of it.
    const onConsole = console.getByRole('alert').filter({ hasText: 'Цей форум зараз відкритий на іншому сервері Віче' });
    await onConsole.waitFor({ timeout: 60_000 });
    expect(await onConsole.locator('[lang="en"]').innerText()).toMatch(/^This forum is open on another Viche server/);
    if (SHOTS) {
      mkdirSync(SHOTS, { recursive: true });
      await page.screenshot({ path: join(SHOTS, 'phone-forum-elsewhere-360x640.png') });
      await console.screenshot({ path: join(SHOTS, 'console-forum-elsewhere-1280x720.png') });
    }
    await page.context().close();
    await console.context().close();
  });
});
