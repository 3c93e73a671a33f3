// The results check page in a real Chromium: it fetches the published results, writes their
// canonical document again with the code the server uses, hashes it in the browser, and says
// whether it matches. The hash it computes must be exactly the server's (server/forum/resultsHash.ts),
// titles with quotes, a backslash, emoji and combining accents included: through the browser's own
// SHA-256 at 127.0.0.1 (a secure context) and through the page's own at a LAN-like name over plain
// HTTP (where the browser offers none). Also the projector's final slide (1920×1080, 1280×720),
// provisional and final, and the public page at 360×640 with its jump links. Screenshots go to
// test-results/public/, to be looked at.

import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resultsHash } from '../../server/forum/resultsHash.js';
import { connectConsole, joinPhone, ok, ROOT, screenKeyOf, startTestServer, type TestClient, type TestPhone, type TestServer } from '../../server/test/harness.js';
import { CHROMIUM, haveBrowser, launchChromium, violations } from './chromium.js';

const built = existsSync(join(ROOT, 'dist/client/check/index.html'));
if (process.env.CI === 'true' && !(haveBrowser && built)) throw new Error(`CI needs Chromium at ${CHROMIUM} and the built client`);

const SHOTS = join(ROOT, 'test-results/public');
const TITLES = ['Сквер «Йорданський»'.normalize('NFD'), 'Кав’ярня "У мосту" \\ 🌳🚲', 'Ліхтарі <24/7> & лавки', 'Ярмарок майстрів'];

describe.skipIf(!haveBrowser || !built)('the results check page and the final slide (needs Chromium and a built client)', () => {
  let server: TestServer;
  let admin: TestClient;
  let browser: Browser;
  const phones: TestPhone[] = [];
  let lanBase = '';
  let localBase = '';

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    server = await startTestServer({ admission: 'open', publicUrl: 'http://viche.test:{port}', record: { organiser: 'Житомирська міська рада', place: 'Житомир, Палац культури' } });
    lanBase = `http://viche.test:${server.port}/f/${server.slug}`;
    localBase = `${server.url}/f/${server.slug}`;
    admin = await connectConsole(server);
    browser = await launchChromium(['--host-resolver-rules=MAP viche.test 127.0.0.1']);
    for (const name of ['Оля', 'Петро', 'Марія']) phones.push(await joinPhone(server, name));
    ok(await admin.send('phase:set', { to: 'ideas' }));
    const ids: string[] = [];
    for (const [i, title] of TITLES.entries()) ids.push(ok(await phones[i % 3].send('idea:submit', { priorityCode: i < 3 ? '1' : '5', title })).ideaId);
    ok(await admin.send('phase:set', { to: 'review' }));
    ok(await admin.send('phase:set', { to: 'voting' }));
    for (const [p, i] of [[0, 0], [1, 0], [2, 1], [0, 2], [1, 3]] as const) ok(await phones[p].send('dot:place', { ideaId: ids[i] }));
    ok(await admin.send('phase:set', { to: 'results' }));
    for (const code of ['1', '2', '3', '4', '5']) ok(await admin.send('priority:reveal', { priorityCode: code }));
    ok(await admin.send('results:publish', { published: true }));
    ok(await admin.send('display:show', { display: { slide: 'final' } }));
  });
  afterAll(async () => {
    await browser?.close();
    for (const p of phones) p.close();
    admin?.close();
    await server?.stop();
  });

  async function finalSlide(size: { width: number; height: number }, name: string): Promise<string> {
    const context = await browser.newContext({ viewport: size, bypassCSP: true, reducedMotion: 'reduce' });
    const page = await context.newPage();
    await page.goto(`${lanBase}/screen?key=${screenKeyOf(server.screenUrl)}`);
    const note = page.locator('.final-hash');
    await note.waitFor({ timeout: 20_000 });
    await page.waitForTimeout(300);
    await page.screenshot({ path: join(SHOTS, `final-slide-${name}-${size.width}.png`) });
    const text = (await note.textContent()) ?? '';
    await context.close();
    return text;
  }

  const openCheck = async (base: string, query = ''): Promise<Page> => {
    const page = await (await browser.newContext({ viewport: { width: 360, height: 640 }, isMobile: true, hasTouch: true, bypassCSP: true })).newPage();
    const res = await page.goto(`${base}/results-check${query}`);
    expect(res?.status()).toBe(200);
    return page;
  };

  it('with a priority still to reveal: the slide shows no hash and says when it will, and the check page waits', async () => {
    for (const size of [{ width: 1920, height: 1080 }, { width: 1280, height: 720 }]) {
      const text = await finalSlide(size, 'provisional');
      expect(text).toBe('Контрольну суму результатів буде показано, коли оголосять усі пріоритети.');
    }
    const page = await openCheck(lanBase);
    await page.getByText('Оголошено ще не всі пріоритети', { exact: false }).waitFor();
    await page.screenshot({ path: join(SHOTS, 'check-360-not-final.png') });
    await page.context().close();
  });

  it('once every priority is revealed: the slide shows the final hash and where to check it, in words a resident reads', async () => {
    ok(await admin.send('priority:reveal', { priorityCode: '6' }));
    // A reveal puts its priority's chart up; the facilitator brings the final slide back.
    ok(await admin.send('display:show', { display: { slide: 'final' } }));
    const hash = resultsHash(server.room.state);
    // Not yet published: the slide asks the hall to note the checksum down.
    ok(await admin.send('results:publish', { published: false }));
    const unpublished = await finalSlide({ width: 1280, height: 720 }, 'final-unpublished');
    expect(unpublished.replace(/\s/g, '')).toContain(hash);
    expect(unpublished).toContain('Запишіть її: з нею кожен зможе звірити результати, коли їх оприлюднять.');
    ok(await admin.send('results:publish', { published: true }));
    for (const size of [{ width: 1920, height: 1080 }, { width: 1280, height: 720 }]) {
      const text = await finalSlide(size, 'final');
      expect(text.replace(/\s/g, '')).toContain(hash);
      expect(text).toContain('Контрольна сума остаточних результатів:');
      expect(text).toContain(`Звірити її з оприлюдненими результатами може кожен: viche.test:${server.port}/f/${server.slug}/results`);
      expect(text).not.toMatch(/npm|sha256sum|\bjq\b|SHA-256/);
    }
  });

  it('computes in the browser exactly the server’s hash, with the browser’s SHA-256 at 127.0.0.1 and its own over plain HTTP', async () => {
    const hash = resultsHash(server.room.state);
    for (const [base, source] of [
      [localBase, 'Пораховано вбудованим у браузер алгоритмом SHA-256.'],
      [lanBase, 'Пораховано алгоритмом SHA-256 цієї сторінки: на адресі без https браузер не дає свого.'],
    ] as const) {
      const page = await openCheck(base);
      await page.locator('.verdict.ok').waitFor();
      expect(await page.locator('#verdict').getAttribute('data-computed')).toBe(hash);
      expect(await page.locator('#verdict strong').textContent()).toBe('Збігається');
      await page.getByText(source).waitFor();
      expect(await page.locator('#forum').textContent()).toBe('Житомир 2030');
      const widths = await page.evaluate(() => ({ scroll: document.documentElement.scrollWidth, client: document.documentElement.clientWidth }));
      expect(widths.scroll).toBeLessThanOrEqual(widths.client);
      expect(await violations(page)).toEqual([]);
      await page.screenshot({ path: join(SHOTS, `check-360-${base === lanBase ? 'lan' : 'local'}.png`), fullPage: true });
      await page.context().close();
    }
  });

  it('compares a hash typed from the hall, in groups or cut short, and says when it differs', async () => {
    const hash = resultsHash(server.room.state);
    const page = await openCheck(lanBase);
    await page.locator('.verdict.ok').waitFor();
    const input = page.getByLabel('Контрольна сума з екрана в залі або з картинки', { exact: false });
    await input.fill(hash.replace(/(.{8})(?=.)/g, '$1 ').toUpperCase());
    await page.getByRole('button', { name: 'Порівняти' }).click();
    await page.getByText('Збігається з тією, що пораховано тут.').waitFor();
    await input.fill(`${hash.slice(0, 16)}…`);
    await input.press('Enter');
    await page.getByText('Збігається з тією, що пораховано тут.').waitFor();
    await input.fill(`${hash.slice(0, 15)}${hash[15] === '0' ? '1' : '0'}`);
    await input.press('Enter');
    await page.getByText('Не збігається з тією, що пораховано тут.', { exact: false }).waitFor();
    await input.fill('abc');
    await input.press('Enter');
    await page.getByText('Введіть щонайменше 8 знаків', { exact: false }).waitFor();
    await page.screenshot({ path: join(SHOTS, 'check-360-compare.png'), fullPage: true });
    await page.context().close();
    // In English, from a link that carries the hash.
    const en = await openCheck(lanBase, `?lang=en&hash=${hash.slice(0, 12)}`);
    await en.getByText('It matches the one computed here.').waitFor();
    expect(await en.locator('html').getAttribute('lang')).toBe('en');
    await en.context().close();
  });

  it('the public page at 360 × 640: the record, the jump links that land on their priority, and the link to the check', async () => {
    const page = await (await browser.newContext({ viewport: { width: 360, height: 640 }, isMobile: true, hasTouch: true, bypassCSP: true })).newPage();
    await page.goto(`${lanBase}/results`);
    await page.getByText('Житомирська міська рада').waitFor();
    await page.screenshot({ path: join(SHOTS, 'results-360-record-first-screen.png') });
    await page.screenshot({ path: join(SHOTS, 'results-360-record.png'), fullPage: true });
    const nav = page.getByRole('navigation', { name: 'Пріоритети' });
    await nav.getByRole('link', { name: /Зелене місто/ }).click();
    await expect.poll(() => page.evaluate(() => Math.round(document.getElementById('p-5')!.getBoundingClientRect().top))).toBeLessThan(40);
    await page.screenshot({ path: join(SHOTS, 'results-360-jumped.png') });
    await page.getByRole('link', { name: 'Перевірити у своєму браузері' }).click();
    await page.waitForURL(`${lanBase}/results-check`);
    await page.locator('.verdict.ok').waitFor();
    expect(await violations(page)).toEqual([]);
    await page.context().close();
  });
});
