// The phone page before its script: a resident on a slow network joins through the server's own
// form (server/http/phonePage.ts), in a Chromium with JavaScript off; then, with it on, the app
// takes over as the same participant. Refusals are worded and change nothing; a post from another
// site is refused; what was typed before the script came is still there after. Screenshots of the
// form and of a refusal at 360×640 go to test-results/phone-scriptless/.

import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectConsole, joinPhone, ok, ROOT, startTestServer, type TestClient, type TestServer } from '../../server/test/harness.js';
import type { ConsoleView } from '../../shared/protocol.js';
import { CHROMIUM, haveBrowser, launchChromium, violations } from './chromium.js';

const built = existsSync(join(ROOT, 'dist/client/phone/index.html'));
if (process.env.CI === 'true' && !haveBrowser) throw new Error(`CI needs Chromium at ${CHROMIUM}: .ci/run installs it`);
if (process.env.CI === 'true' && !built) throw new Error('CI needs the built client: npm test builds it first');

const SHOTS = join(ROOT, 'test-results/phone-scriptless');
const PHONE = { width: 360, height: 640 };

describe.skipIf(!haveBrowser || !built)(`the phone page without its script (needs ${CHROMIUM} and a built client)`, () => {
  let server: TestServer;
  let browser: Browser;
  let admin: TestClient;
  let page: string;

  /** The participants the console sees, by name. */
  const participants = async () => {
    const mark = admin.mark();
    admin.socket.emit('view:resync');
    const view = await admin.next<ConsoleView>('console', undefined, mark);
    return view.participants.map((p) => p.name);
  };

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    // The hall's changing code, as a forum admits by default; the cap off, since every phone here is 127.0.0.1.
    server = await startTestServer({ admission: 'hall', maxPerAddress: 0 });
    page = `${server.url}/f/${server.slug}/`;
    admin = await connectConsole(server);
    browser = await launchChromium();
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    admin?.close();
    await server?.stop();
  });

  it('joins through the form with JavaScript off; with it on, the app shows the same participant joined', async () => {
    const scriptless = await browser.newContext({ viewport: PHONE, javaScriptEnabled: false });
    const phone = await scriptless.newPage();
    await phone.goto(page);
    // The form as the server wrote it: Ukrainian first, English under it; one h1; labelled fields.
    expect(await phone.getAttribute('html', 'lang')).toBe('uk');
    expect(await phone.locator('h1').count()).toBe(1);
    await phone.getByRole('heading', { name: /Приєднатися до форуму.*Join the forum/ }).waitFor();
    const code = phone.getByLabel(/Код з екрана/);
    const name = phone.getByLabel(/Ваше ім’я/);
    expect(await code.getAttribute('inputmode')).toBe('numeric');
    await phone.screenshot({ path: join(SHOTS, 'form-360x640.png') });

    // An empty code: the worded refusal, what was typed kept, nobody joined.
    await name.fill('Оля');
    await phone.getByRole('button', { name: /Приєднатися/ }).click();
    await phone.getByRole('alert').getByText('Неправильний код', { exact: false }).waitFor();
    expect(await phone.getByRole('alert').textContent()).toContain('Wrong code');
    expect(await phone.getByLabel(/Ваше ім’я/).inputValue()).toBe('Оля');
    expect(await participants()).toEqual([]);

    // A wrong hall code: the same, and no cookie handed out.
    await phone.getByLabel(/Код з екрана/).fill('000000');
    await phone.getByRole('button', { name: /Приєднатися/ }).click();
    await phone.getByRole('alert').getByText('Неправильний код', { exact: false }).waitFor();
    expect(await phone.getByLabel(/Код з екрана/).getAttribute('aria-invalid')).toBe('true');
    await phone.screenshot({ path: join(SHOTS, 'refused-360x640.png') });
    expect(await participants()).toEqual([]);
    expect(await scriptless.cookies()).toEqual([]);

    // The right code: joined, greeted by the server's page, the device's token in its cookie.
    await phone.getByLabel(/Код з екрана/).fill(server.joinCode);
    await phone.getByRole('button', { name: /Приєднатися/ }).click();
    await phone.getByRole('heading', { name: 'Вітаємо, Оля!' }).waitFor();
    expect(new URL(phone.url()).pathname).toBe(`/f/${server.slug}/`);
    expect(await participants()).toEqual(['Оля']);
    const [cookie] = await scriptless.cookies();
    expect(cookie.name).toBe('viche_token');
    await phone.screenshot({ path: join(SHOTS, 'joined-360x640.png') });

    // The same phone, its script now running: the app adopts the token and shows the ballot.
    const withScript = await browser.newContext({ viewport: PHONE, storageState: await scriptless.storageState() });
    const app = await withScript.newPage();
    await app.goto(page);
    // Only the app offers to change one's name.
    await app.getByRole('button', { name: 'Змінити ім’я' }).waitFor({ timeout: 30_000 });
    await app.getByRole('heading', { name: 'Вітаємо, Оля!' }).waitFor();
    expect(await app.evaluate(() => localStorage.getItem('viche.token'))).toBe(cookie.value);
    expect(await participants()).toEqual(['Оля']);
    await withScript.close();
    await scriptless.close();
  }, 120_000);

  it('a post from another site is refused and joins nobody', async () => {
    const before = await participants();
    const res = await fetch(`${page}join`, {
      method: 'POST',
      headers: { origin: 'http://elsewhere.example', 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ code: server.joinCode, name: 'Чужий' }),
      redirect: 'manual',
    });
    expect(res.status).toBe(403);
    expect(await res.text()).toContain('Запит з іншого сайту відхилено');
    expect(res.headers.get('set-cookie')).toBeNull();
    expect(await participants()).toEqual(before);
  });

  it('the app, mounting over the form, keeps what was typed there', async () => {
    const context: BrowserContext = await browser.newContext({ viewport: PHONE });
    const phone = await context.newPage();
    // The script held back, as on a slow network, until the resident has typed.
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    await phone.route(/\/assets\/phone-[^/]*\.js$/, async (route) => {
      await held;
      await route.continue();
    });
    await phone.goto(page, { waitUntil: 'commit' });
    await phone.getByLabel(/Ваше ім’я/).fill('Марко');
    await phone.getByLabel(/Код з екрана/).fill('12');
    await phone.getByLabel(/Код з екрана/).pressSequentially('34');
    release();
    // The app's form (its own heading carries no English line) with the same values, the field still focused.
    await phone.getByRole('heading', { name: 'Приєднатися до форуму', exact: true }).waitFor({ timeout: 30_000 });
    expect(await phone.locator('#root').getAttribute('data-served')).toBe('form');
    expect(await phone.getByLabel(/Ваше ім’я/).inputValue()).toBe('Марко');
    expect(await phone.getByLabel(/Код з екрана/).inputValue()).toBe('1234');
    expect(await phone.evaluate(() => (document.activeElement as HTMLInputElement | null)?.name)).toBe('code');
    // And the app's form joins as ever.
    await phone.getByLabel(/Код з екрана/).fill(server.joinCode);
    await phone.getByRole('button', { name: 'Приєднатися' }).click();
    await phone.getByRole('heading', { name: 'Вітаємо, Марко!' }).waitFor();
    expect((await participants()).sort()).toEqual(['Марко', 'Оля']);
    await context.close();
  }, 120_000);

  it('the form, as the server writes it, passes axe-core', async () => {
    // The script held off, so that what is checked is the server's page alone; axe needs the CSP bypassed.
    const context = await browser.newContext({ viewport: PHONE, bypassCSP: true });
    const phone = await context.newPage();
    await phone.route(/\/assets\/.*\.js$/, (route) => route.abort());
    await phone.goto(page);
    expect(await phone.locator('#root').getAttribute('data-served')).toBe('form');
    expect(await violations(phone)).toEqual([]);
    await context.close();
  }, 60_000);

  it('a phone that joined reads the revealed results before its script comes', async () => {
    const author = await joinPhone(server, 'Авторка');
    ok(await admin.send('phase:set', { to: 'ideas' }));
    const { ideaId } = ok(await author.send('idea:submit', { priorityCode: '1', title: 'Велодоріжка на Київській' }));
    ok(await author.send('idea:submit', { priorityCode: '1', title: 'Лавки в сквері' }));
    ok(await admin.send('phase:set', { to: 'review' }));
    ok(await admin.send('phase:set', { to: 'voting' }));
    ok(await author.send('dot:place', { ideaId }));
    ok(await admin.send('phase:set', { to: 'results' }));
    ok(await admin.send('priority:reveal', { priorityCode: '1' }));
    const context = await browser.newContext({ viewport: PHONE, javaScriptEnabled: false });
    await context.addCookies([{ name: 'viche_token', value: author.token, url: page }]);
    const phone = await context.newPage();
    await phone.goto(page);
    await phone.getByRole('heading', { level: 1, name: /Результати/ }).waitFor();
    const rows = phone.locator('.result-list li');
    expect(await rows.count()).toBe(2);
    // First, with its dot, and marked as hers.
    expect(await rows.first().textContent()).toContain('Велодоріжка на Київській');
    expect(await rows.first().getAttribute('class')).toBe('own');
    expect(await phone.locator('h1').count()).toBe(1);
    await phone.screenshot({ path: join(SHOTS, 'results-360x640.png') });
    await context.close();
    author.close();
  }, 60_000);

  it('a device the form put in the queue waits there in the app too, and gets its ballot when approved', async () => {
    const full = await startTestServer({ admission: 'hall', maxPerAddress: 0, expectedAttendance: 1 });
    const console_ = await connectConsole(full);
    try {
      const fullPage = `${full.url}/f/${full.slug}/`;
      const first = await joinPhone(full, 'Перший');
      const scriptless = await browser.newContext({ viewport: PHONE, javaScriptEnabled: false });
      const phone = await scriptless.newPage();
      await phone.goto(fullPage);
      await phone.getByLabel(/Код з екрана/).fill(full.joinCode);
      await phone.getByLabel(/Ваше ім’я/).fill('Друга');
      await phone.getByRole('button', { name: /Приєднатися/ }).click();
      await phone.getByRole('heading', { name: /Майже готово/ }).waitFor();
      // The script comes: it keeps the place in the queue rather than offer the form again.
      const withScript = await browser.newContext({ viewport: PHONE, storageState: await scriptless.storageState() });
      const app = await withScript.newPage();
      await app.goto(fullPage);
      await app.locator('.waiting-dot').waitFor({ timeout: 30_000 });
      expect(await app.getByRole('button', { name: 'Приєднатися' }).count()).toBe(0);
      ok(await console_.send('admission:approve', {}));
      await app.getByRole('heading', { name: 'Вітаємо, Друга!' }).waitFor({ timeout: 30_000 });
      first.close();
      await withScript.close();
      await scriptless.close();
    } finally {
      console_.close();
      await full.stop();
    }
  }, 120_000);
});
