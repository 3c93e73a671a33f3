// Accessibility of every page in each phase, checked by axe-core (the rules screen-reader and
// keyboard users depend on: names, labels, roles, contrast) in a real Chromium.

import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectConsole, joinPhone, ok, ROOT, screenKeyOf, startTestServer, type TestClient, type TestPhone, type TestServer } from '../../server/test/harness.js';
import { violations } from './chromium.js';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const ready = existsSync(CHROMIUM) && existsSync(join(ROOT, 'dist/client/phone/index.html'));
if (process.env.CI === 'true' && !ready) throw new Error(`CI needs Chromium at ${CHROMIUM} and the built client`);
// Outside CI a machine without Chromium (or without a build) skips these, saying why.
describe.skipIf(!ready)(`accessibility (axe-core; needs ${CHROMIUM} and a built client)`, () => {
  let server: TestServer;
  let browser: Browser;
  let admin: TestClient;
  let phone: Page;
  let screen: Page;
  let consolePage: Page;
  const others: TestPhone[] = [];

  beforeAll(async () => {
    server = await startTestServer({ publicUrl: 'http://viche.test:{port}' });
    admin = await connectConsole(server);
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
    });
    // The pages' CSP refuses injected scripts (as it should); the checker is let in past it.
    const page = async (width: number, height: number) => (await browser.newContext({ viewport: { width, height }, bypassCSP: true })).newPage();
    phone = await page(360, 740);
    screen = await page(1920, 1080);
    consolePage = await page(1366, 900);
    await phone.goto(`${server.url}/?c=${server.joinCode}`);
    await screen.goto(`${server.url}/screen?key=${screenKeyOf(server.screenUrl)}`);
    await consolePage.goto(`${server.url}/f/${server.slug}/console?key=${encodeURIComponent(server.facilitatorKey)}`);
    for (let i = 0; i < 3; i++) others.push(await joinPhone(server, `Учасник ${i}`));
  });
  afterAll(async () => {
    for (const p of others) p.close();
    admin?.close();
    await browser?.close();
    await server?.stop();
  });

  it('the checker finds what it should (a control with no name, text too faint to read)', async () => {
    const probe = await browser.newPage();
    await probe.setContent('<html lang="uk"><title>t</title><main><button></button><p style="color:#eee;background:#fff">Бліде</p></main></html>');
    const found = await violations(probe);
    expect(found.some((v) => v.startsWith('button-name'))).toBe(true);
    expect(found.some((v) => v.startsWith('color-contrast'))).toBe(true);
    await probe.close();
  });

  it('lobby: the join form, the projector and the console', async () => {
    await phone.getByRole('button', { name: 'Приєднатися' }).waitFor();
    await screen.locator('img.qr').waitFor();
    await consolePage.getByRole('tab', { name: 'Огляд' }).waitFor();
    expect(await violations(phone)).toEqual([]);
    expect(await violations(screen)).toEqual([]);
    expect(await violations(consolePage)).toEqual([]);
    await consolePage.getByRole('tab', { name: 'Структура і правила' }).click();
    expect(await violations(consolePage)).toEqual([]);
  });

  it('admission: the printable ticket sheet, and a phone whose participation was voided', async () => {
    ok(await admin.send('tickets:issue', { count: 3 }));
    const { grant } = ok(await admin.send('export:grant', {}));
    const sheet = await (await browser.newContext({ bypassCSP: true })).newPage();
    await sheet.goto(`${server.url}/console/tickets?grant=${grant}`);
    await sheet.getByRole('button', { name: 'Друкувати' }).waitFor();
    expect(await violations(sheet)).toEqual([]);
    await sheet.close();

    const voided = await (await browser.newContext({ viewport: { width: 360, height: 640 }, bypassCSP: true })).newPage();
    await voided.goto(`${server.url}/?c=${server.joinCode}`);
    await voided.getByRole('button', { name: 'Приєднатися' }).click();
    await voided.getByText('Вітаємо на форумі!').waitFor();
    const id = [...server.room.state.participants.values()].find((p) => !others.some((o) => o.me.participantId === p.id))!.id;
    ok(await admin.send('participant:void', { participantId: id, reason: 'Другий голос з одного телефона' }));
    await voided.getByRole('heading', { name: 'Вашу участь анульовано' }).waitFor();
    await voided.locator('.card', { hasText: 'Причина: Другий голос з одного телефона' }).waitFor();
    expect(await violations(voided)).toEqual([]);
    await voided.close();
  });

  it('ideas: the idea form and the console’s idea list', async () => {
    await phone.getByRole('button', { name: 'Приєднатися' }).click();
    ok(await admin.send('phase:set', { to: 'ideas' }));
    for (const [i, p] of others.entries()) ok(await p.send('idea:submit', { priorityCode: String(i + 1), title: `Ідея ${i}`, description: 'Опис', place: 'Центр' }));
    await phone.getByRole('button', { name: 'Надіслати ідею' }).waitFor();
    await screen.getByText('Ідея 2').waitFor();
    expect(await violations(phone)).toEqual([]);
    expect(await violations(screen)).toEqual([]);
    await consolePage.getByRole('tab', { name: 'Ідеї' }).click();
    await consolePage.getByText('Ідея 2').waitFor();
    expect(await violations(consolePage)).toEqual([]);
  });

  it('voting and results', async () => {
    ok(await admin.send('phase:set', { to: 'review' }));
    ok(await admin.send('phase:set', { to: 'voting' }));
    await phone.getByRole('heading', { name: 'Голосування крапками' }).waitFor();
    expect(await violations(phone)).toEqual([]);
    expect(await violations(screen)).toEqual([]);
    ok(await admin.send('phase:set', { to: 'results' }));
    ok(await admin.send('priority:reveal', { priorityCode: '1' }));
    await screen.locator('.chart').waitFor();
    await phone.getByRole('heading', { name: 'Результати' }).waitFor();
    expect(await violations(phone)).toEqual([]);
    expect(await violations(screen)).toEqual([]);
    await consolePage.getByRole('tab', { name: 'Результати' }).click();
    expect(await violations(consolePage)).toEqual([]);

    // Once the results are published, the phone links to their page, in the phone's language.
    const link = phone.getByRole('link', { name: 'Відкрити сторінку результатів' });
    expect(await link.count()).toBe(0);
    ok(await admin.send('results:publish', { published: true }));
    await link.waitFor();
    expect(await link.getAttribute('href')).toBe(`/f/${server.slug}/results`);
    expect(await violations(phone)).toEqual([]);
    mkdirSync(join(ROOT, 'test-results/phone'), { recursive: true });
    await phone.screenshot({ path: join(ROOT, 'test-results/phone/results-published-360.png') });
    await link.click();
    await phone.waitForURL(`${server.url}/f/${server.slug}/results`);
    await phone.getByRole('heading', { level: 1, name: 'Житомир 2030' }).waitFor();
    expect(await phone.getByText('Ідея 0').count()).toBe(1);
  });
});
