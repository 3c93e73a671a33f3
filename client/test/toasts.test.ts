// The phone's notices at 360×640 when several come at once (dots given back for four ideas hidden
// in a row): at most two on screen, newest first, the rest counted in one line; never more than a
// third of the screen; each closable; each read out once, politely, and not again when the toasts
// fold, unfold or close. Screenshots go to test-results/toasts/, to be looked at.

import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect, connectConsole, joinPhone, newToken, ok, ROOT, startTestServer, type TestClient, type TestPhone, type TestServer } from '../../server/test/harness.js';
import { CHROMIUM, haveBrowser, launchChromium, violations } from './chromium.js';

const built = existsSync(join(ROOT, 'dist/client/phone/index.html'));
const SHOTS = join(ROOT, 'test-results/toasts');
const TITLES = ['Лавки біля Тетерева', 'Ліхтарі на набережній', 'Сквер на Михайлівській', 'Велодоріжка до вокзалу'];

describe.skipIf(!haveBrowser || !built)(`the phone's notices at 360×640 (needs ${CHROMIUM} and a built client)`, () => {
  let server: TestServer;
  let admin: TestClient;
  let author: TestPhone;
  let voter: TestClient;
  let browser: Browser;
  let page: Page;
  const ideas: string[] = [];

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    server = await startTestServer();
    admin = await connectConsole(server);
    ok(await admin.send('forum:setRules', { rules: { ideasPerParticipant: 10, dotsPerPriority: 10, maxDotsPerIdea: 3 } }));
    author = await joinPhone(server, 'Автор');
    // The phone in the browser returns to a ballot joined from this token.
    const token = newToken();
    voter = await connect(server.socketUrl, { role: 'phone', token });
    await voter.next('me');
    ok(await voter.send('participant:join', { code: server.joinCode, name: 'Оксана', token }));
    ok(await admin.send('phase:set', { to: 'ideas' }));
    for (const title of TITLES) ideas.push(ok(await author.send('idea:submit', { priorityCode: '1', title })).ideaId);
    ok(await admin.send('phase:set', { to: 'review' }));
    ok(await admin.send('phase:set', { to: 'voting' }));
    for (const ideaId of ideas) ok(await voter.send('dot:place', { ideaId }));

    browser = await launchChromium();
    const context = await browser.newContext({ viewport: { width: 360, height: 640 }, isMobile: true, hasTouch: true, bypassCSP: true });
    await context.addInitScript((t) => localStorage.setItem('viche.token', t), token);
    await context.addInitScript(() => {
      const spoken: string[] = [];
      (window as unknown as { spoken: string[] }).spoken = spoken;
      new MutationObserver((records) => {
        for (const r of records) {
          const live = (r.target as Element).closest?.('[aria-live], [role="status"], [role="alert"]');
          if (!live || (live.getAttribute('aria-live') ?? (live.getAttribute('role') === 'alert' ? 'assertive' : 'polite')) === 'off') continue;
          for (const n of r.addedNodes) if (n.textContent) spoken.push(n.textContent);
        }
      }).observe(document, { childList: true, subtree: true });
    });
    page = await context.newPage();
    await page.goto(`${server.url}/`);
    await page.getByRole('navigation', { name: 'Пріоритети голосування' }).waitFor();
  });
  afterAll(async () => {
    voter?.close();
    author?.close();
    admin?.close();
    await browser?.close();
    await server?.stop();
  });

  const notice = (title: string) => `Ідею «${title}» у пріоритеті «`;
  const visible = () => page.locator('.toasts .toast:not(.toast-more):not(.folded) .toast-text').allTextContents();
  /**
   * What was put into a live region, node by node, since the page opened: what a screen reader
   * reads out. A notice put in twice (folded and unfolded, moved, counted again) would be read twice.
   */
  const spoken = () => page.evaluate(() => (window as unknown as { spoken: string[] }).spoken);

  it('four at once: two shown, newest first, the rest in a line, within a third of the screen, each read once', async () => {
    for (const ideaId of ideas) ok(await admin.send('idea:hide', { ideaId, reason: 'Дублікат' }));
    await page.locator('.toast-more', { hasText: 'Ще 2 сповіщення' }).waitFor();
    const shown = await visible();
    expect(shown).toHaveLength(2);
    expect(shown[0]).toContain(notice(TITLES[3]));
    expect(shown[1]).toContain(notice(TITLES[2]));
    const box = (await page.locator('.toasts').boundingBox())!;
    expect(box.height).toBeLessThanOrEqual(640 / 3);
    // All of it in sight, the "+N" line too: nothing to scroll inside the toasts.
    expect(await page.locator('.toasts').evaluate((el) => el.scrollHeight <= el.clientHeight)).toBe(true);
    // The page above stays usable: what is at the top is not under a toast.
    expect(await page.evaluate(() => document.elementFromPoint(180, 100)?.closest('.toasts'))).toBeNull();
    const said = await spoken();
    expect(said.filter((s) => s.startsWith('Ідею «'))).toHaveLength(4);
    for (const title of TITLES) expect(said.filter((s) => s.startsWith(notice(title)))).toHaveLength(1);
    // Politely: the notices' region is a polite one.
    expect(await page.locator('.toasts [role="status"]').getAttribute('aria-live')).toBe('polite');
    await page.screenshot({ path: join(SHOTS, 'folded-360.png') });
    // A tap on a toast's text shows all of it, still within a third of the screen.
    await page.locator('.toast .toast-text').first().click();
    await page.locator('.toast.open').waitFor();
    expect((await page.locator('.toasts').boundingBox())!.height).toBeLessThanOrEqual(640 / 3);
    await page.screenshot({ path: join(SHOTS, 'opened-360.png') });
    await page.locator('.toast .toast-text').first().click();
    expect(await violations(page)).toEqual([]);
  });

  it('closing one unfolds the next without reading anything again; all close at once', async () => {
    await page.locator('.toast', { hasText: TITLES[3] }).getByRole('button', { name: 'Закрити' }).click();
    await expect.poll(visible).toHaveLength(2);
    const shown = await visible();
    expect(shown[0]).toContain(notice(TITLES[2]));
    expect(shown[1]).toContain(notice(TITLES[1]));
    await page.locator('.toast-more', { hasText: 'Ще 1 сповіщення' }).waitFor();
    // Nothing new for a screen reader: each of the four said once, none again on unfolding.
    const said = await spoken();
    for (const title of TITLES) expect(said.filter((s) => s.startsWith(notice(title)))).toHaveLength(1);
    await page.screenshot({ path: join(SHOTS, 'unfolded-360.png') });
    await page.getByRole('button', { name: 'Закрити всі' }).click();
    await expect.poll(() => page.locator('.toasts .toast').count()).toBe(0);
  });

  it('the same notice again while it is up is counted on it, and not read out a second time', async () => {
    ok(await admin.send('idea:restore', { ideaId: ideas[0], dotsBack: true }));
    await page.locator('.toast', { hasText: 'знову показано' }).waitFor();
    await page.getByRole('button', { name: 'Закрити' }).click();
    await expect.poll(() => page.locator('.toasts .toast').count()).toBe(0);
    ok(await admin.send('idea:hide', { ideaId: ideas[0], reason: 'Дублікат' }));
    await page.locator('.toast', { hasText: TITLES[0] }).waitFor();
    ok(await admin.send('idea:restore', { ideaId: ideas[0], dotsBack: true }));
    await page.locator('.toast', { hasText: 'знову показано' }).waitFor();
    const before = (await spoken()).filter((s) => s.startsWith(notice(TITLES[0]))).length;
    ok(await admin.send('idea:hide', { ideaId: ideas[0], reason: 'Дублікат' }));
    await page.locator('.toast', { hasText: TITLES[0] }).locator('.toast-count', { hasText: '×2' }).waitFor();
    expect((await spoken()).filter((s) => s.startsWith(notice(TITLES[0])))).toHaveLength(before);
    await page.screenshot({ path: join(SHOTS, 'counted-360.png') });
  });
});
