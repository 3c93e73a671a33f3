// Addresses handed from one device to another, in a real Chromium: a console opened on this
// laptop's localhost invites a table host, and the link and its QR (read from the pixels, as the
// host's tablet camera would) carry the server's public address, as do the projector's link and
// the phones' address; the host's tablet opens the link. A projector opened on localhost shows the
// phones the public address too. Then the phone's address with several forums (the chooser, with
// the server's place) and an expired download link, each a page a person can read, at 360 × 640
// and 1280 × 720. Screenshots go to test-results/addresses/, to be looked at.

import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectConsole, ok, ROOT, startTestServer, type TestClient, type TestServer } from '../../server/test/harness.js';
import { DOWNLOADS, Grants } from '../../server/http/grants.js';
import { CHROMIUM, decodeQr, haveBrowser, launchChromium, violations } from './chromium.js';

const SHOTS = join(ROOT, 'test-results/addresses');
const ready = haveBrowser && existsSync(join(ROOT, 'dist/client/console/index.html'));
if (process.env.CI === 'true' && !ready) throw new Error(`CI needs Chromium at ${CHROMIUM} and the built client`);

const PHONE = { width: 360, height: 640 };
const LAPTOP = { width: 1280, height: 720 };
const WIDE = { width: 1920, height: 1080 };
/** The server's place (PLACE), where every forum it holds meets. */
const PLACE = 'Житомир, Палац культури';

describe.skipIf(!ready)(`addresses handed to other devices, in Chromium (needs ${CHROMIUM} and a built client)`, () => {
  let server: TestServer;
  let browser: Browser;
  let admin: TestClient;
  /** The server's public address: a name of its own (PUBLIC_URL), which Chromium maps to this machine. */
  let publicBase: string;

  const newPage = async (viewport: { width: number; height: number }) => {
    const page = await (await browser.newContext({ viewport, bypassCSP: true })).newPage();
    page.setDefaultTimeout(15_000);
    return page;
  };
  /** Whether the page is no wider than its window. */
  const noSidewaysScroll = (page: Page) => page.evaluate(() => document.scrollingElement!.scrollWidth <= innerWidth);

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    server = await startTestServer({ publicUrl: 'http://viche.test:{port}', record: { place: PLACE } });
    publicBase = `http://viche.test:${server.port}`;
    browser = await launchChromium(['--host-resolver-rules=MAP viche.test 127.0.0.1']);
    admin = await connectConsole(server);
  });
  afterAll(async () => {
    admin?.close();
    await browser?.close();
    await server?.stop();
  });

  it('a console on localhost invites a host by a link and QR on the public address, which the host’s tablet opens', async () => {
    const page = await newPage(LAPTOP);
    await page.goto(`http://localhost:${server.port}/f/${server.slug}/console?key=${encodeURIComponent(server.facilitatorKey)}`);
    await page.getByRole('tab', { name: 'Ведучі' }).click();
    await page.getByLabel('Ім’я ведучого').fill('Ірина');
    await page.getByRole('button', { name: 'Запросити', exact: true }).click();
    const field = page.getByLabel(/^Посилання для «Ірина»/);
    await field.waitFor();
    const link = await field.inputValue();
    expect(link).toMatch(new RegExp(`^http://viche\\.test:${server.port}/f/${server.slug}/console\\?host=[\\w-]{20,}$`));
    expect(link).not.toContain('localhost');
    const qr = page.getByRole('img', { name: 'QR-код посилання для «Ірина»' });
    await expect.poll(() => qr.evaluate((img) => (img as HTMLImageElement).naturalWidth), { timeout: 15_000 }).toBeGreaterThan(0);
    expect(decodeQr(await qr.screenshot())).toBe(link);
    await page.screenshot({ path: join(SHOTS, 'console-host-invitation-1280.png') });
    await page.setViewportSize(WIDE);
    await page.screenshot({ path: join(SHOTS, 'console-host-invitation-1920.png') });
    await page.setViewportSize(LAPTOP);

    // The projector's link and the phones' address: the public address too.
    await page.getByRole('tab', { name: 'Допуск' }).click();
    const screenLink = page.getByRole('region', { name: 'Для проєктора' }).getByRole('link');
    expect(await screenLink.getAttribute('href')).toMatch(new RegExp(`^http://viche\\.test:${server.port}/f/${server.slug}/screen\\?key=`));
    await page.getByRole('tab', { name: 'Експорт' }).click();
    const hrefs = await page.locator('a[href^="http"]').evaluateAll((links) => links.map((a) => (a as HTMLAnchorElement).href));
    expect(hrefs.length).toBeGreaterThan(0);
    for (const href of hrefs) expect(href.startsWith(`${publicBase}/`), href).toBe(true);

    // The host's tablet opens the link and is in, as the host.
    const tablet = await newPage(LAPTOP);
    await tablet.goto(link);
    await tablet.getByRole('banner').getByText('Ірина').waitFor();
    expect(new URL(tablet.url()).host).toBe(`viche.test:${server.port}`);
  });

  it('a projector opened on localhost shows the phones the public address, in its QR and in words, at 1920 and 1280 px', async () => {
    // The start-up text's second projector link, for the laptop's own screen.
    const local = new URL(server.localScreenUrl);
    expect(local.hostname).toBe('localhost');
    for (const [name, viewport] of [
      ['1920', WIDE],
      ['1280', LAPTOP],
    ] as const) {
      const screen = await newPage(viewport);
      await screen.goto(local.href);
      const qr = screen.locator('img.qr');
      await qr.waitFor();
      await expect.poll(() => qr.evaluate((img) => (img as HTMLImageElement).complete && (img as HTMLImageElement).naturalWidth > 0), { timeout: 15_000 }).toBe(true);
      // What a phone's camera reads from the pixels, and what a resident types from the words.
      expect(decodeQr(await qr.screenshot())).toMatch(new RegExp(`^http://viche\\.test:${server.port}/f/${server.slug}/\\?c=\\d{6}$`));
      expect(await screen.locator('.join-url').textContent()).toBe(`viche.test:${server.port}`);
      await screen.screenshot({ path: join(SHOTS, `projector-on-localhost-${name}.png`) });
      await screen.context().close();
    }
  });

  it('the chooser, with two forums taking phones and a closed one, at 360 × 640 and 1280 × 720', async () => {
    const { structure } = server.room.state;
    await server.forums.create({ title: 'Житомир 2030: район Богунія', structure, admission: 'open', titled: true });
    const closed = await server.forums.create({ title: 'Житомир 2030: район Корбутівка', structure, admission: 'open', titled: true });
    const c3 = await connectConsole({ url: server.url, socketUrl: `${server.url}/f/${closed.room.record.slug}`, facilitatorKey: server.facilitatorKey });
    for (const to of ['ideas', 'review', 'voting', 'results', 'closed'] as const) ok(await c3.send('phase:set', { to }));
    c3.close();
    const c2 = await connectConsole({ url: server.url, socketUrl: `${server.url}/f/2`, facilitatorKey: server.facilitatorKey });
    ok(await c2.send('phase:set', { to: 'ideas' }));
    c2.close();

    for (const [name, viewport] of [
      ['360', PHONE],
      ['1280', LAPTOP],
    ] as const) {
      const page = await newPage(viewport);
      const res = await page.goto(`${publicBase}/`);
      expect(res?.status()).toBe(200);
      await page.getByRole('heading', { name: 'Оберіть свій форум' }).waitFor();
      // Date, place and phase: the place once, under the heading, as every forum here meets there.
      expect(await page.locator('h1 + p').textContent()).toBe(PLACE);
      const links = page.getByRole('main').getByRole('listitem').getByRole('link');
      expect(await links.allInnerTexts()).toEqual([
        expect.stringMatching(/^Житомир 2030: район Богунія\s+створено \d{1,2} \S+ \d{4} р\. · Подання ідей$/),
        expect.stringMatching(/^Житомир 2030\s+створено \d{1,2} \S+ \d{4} р\. · Збір учасників$/),
      ]);
      expect(await noSidewaysScroll(page)).toBe(true);
      expect(await violations(page)).toEqual([]);
      await page.screenshot({ path: join(SHOTS, `chooser-${name}.png`), fullPage: true });
      // In English on asking, the same forums.
      await page.goto(`${publicBase}/?lang=en`);
      await page.getByRole('heading', { name: 'Choose your forum' }).waitFor();
      expect(await links.allInnerTexts()).toEqual([
        expect.stringMatching(/^Житомир 2030: район Богунія\s+created \d{1,2} [A-Z][a-z]+ \d{4} · Ideas$/),
        expect.stringMatching(/^Житомир 2030\s+created \d{1,2} [A-Z][a-z]+ \d{4} · Gathering$/),
      ]);
      await page.screenshot({ path: join(SHOTS, `chooser-${name}-en.png`), fullPage: true });
      // A phone picks its forum and lands on its join page.
      if (name === '360') {
        await page.goto(`${publicBase}/`);
        await links.first().click();
        await page.waitForURL(`${publicBase}/f/2/`);
      }
    }
  });

  it('an expired download link opens as a page that leads back to the console', async () => {
    const page = await newPage(PHONE);
    // Signed by this server for this forum, its ten minutes over long ago.
    const expired = new Grants(server.forums.secrets).issue(server.forums.bySlug('1')!.room.record.id, DOWNLOADS, Date.now() - 24 * 3_600_000).grant;
    const res = await page.goto(`${publicBase}/f/1/console/report?grant=${expired}`);
    expect(res?.status()).toBe(403);
    await page.getByRole('heading', { name: 'Посилання застаріло. Відкрийте його ще раз із пульта фасилітатора.' }).waitFor();
    await page.getByText('This link has expired. Open it again from the facilitator’s console.').waitFor();
    expect(await page.getByRole('link', { name: 'Відкрити пульт форуму' }).getAttribute('href')).toBe('/f/1/console');
    expect(await noSidewaysScroll(page)).toBe(true);
    expect(await violations(page)).toEqual([]);
    await page.screenshot({ path: join(SHOTS, 'expired-link-360.png'), fullPage: true });
  });
});
