// Sign-in with an e-ID, end to end: a real OpenID Connect provider started by the test
// (oidc-provider, its development log-in pages standing in for id.gov.ua's), phones in Chromium
// that go to it from the vote's proof step and come back holding a ballot; the same person on a
// second phone gets the same ballot, another person another; a callback the server did not start
// is refused with a page in Ukrainian; the console, with no OIDC_PERSON_CLAIM, warns that staff at a
// voting point cannot tell an e-ID voter apart.

import { existsSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import Provider from 'oidc-provider';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCityVote, type CityVote } from '../../server/test/cityVote.js';
import { ok, ROOT } from '../../server/test/harness.js';
import { CHROMIUM, haveBrowser, launchChromium } from './chromium.js';

const built = existsSync(join(ROOT, 'dist/client/phone/index.html'));
if (process.env.CI === 'true' && !(haveBrowser && built)) throw new Error(`CI needs Chromium at ${CHROMIUM} and the built client`);

const SECRET = 'a-client-secret-long-enough-for-tests';

describe.skipIf(!haveBrowser || !built)('sign-in with an e-ID through a real OpenID Connect provider (needs Chromium and a built client)', () => {
  let city: CityVote;
  let browser: Browser;
  let idp: Server;
  let origin: string;

  beforeAll(async () => {
    idp = createServer();
    await new Promise<void>((resolve) => idp.listen(0, '127.0.0.1', resolve));
    const issuer = `http://127.0.0.1:${(idp.address() as AddressInfo).port}`;
    city = await startCityVote({ publicUrl: 'http://viche.test:{port}', oidc: { issuer, clientId: 'viche', clientSecret: SECRET } });
    origin = `http://viche.test:${city.server.port}`;
    const provider = new Provider(issuer, {
      clients: [{ client_id: 'viche', client_secret: SECRET, redirect_uris: [`${origin}/auth/oidc/callback`], response_types: ['code'], grant_types: ['authorization_code'] }],
      findAccount: (_ctx, id) => ({ accountId: id, claims: () => ({ sub: id }) }),
      cookies: { keys: ['a-cookie-key-for-tests'] },
    });
    idp.on('request', provider.callback());
    browser = await launchChromium(['--host-resolver-rules=MAP viche.test 127.0.0.1']);
  });
  afterAll(async () => {
    await browser?.close();
    await city?.close();
    await new Promise<void>((resolve) => (idp ? idp.close(() => resolve()) : resolve()));
  });

  const state = () => city.server.forums.get(city.vote.forumId)!.room.state;

  /** A phone of its own (its own token) signing in as `login` at the provider's log-in page. */
  async function signInAs(login: string): Promise<Page> {
    const page = await (await browser.newContext({ viewport: { width: 360, height: 640 }, isMobile: true })).newPage();
    await page.goto(`${origin}/f/${city.vote.slug}/`);
    await page.getByRole('button', { name: 'Увійти через ID.GOV.UA' }).click();
    await page.locator('input[name="login"]').fill(login);
    await page.locator('input[name="password"]').fill('anything');
    await page.locator('button[type="submit"]').click();
    // The provider asks once for consent to share the sign-in with the vote.
    await page.locator('button[type="submit"]').click();
    await page.getByText('Мої крапки').waitFor({ timeout: 30_000 });
    expect(new URL(page.url()).pathname).toBe(`/f/${city.vote.slug}/`);
    return page;
  }

  it('is chosen where the server has the provider, and a phone that signs in comes back with a ballot', { timeout: 120_000 }, async () => {
    expect(ok(await city.admin.send('identity:setMethod', { method: 'oidc' })).method).toBe('oidc');
    const first = await signInAs('resident-1');
    expect(state().participants.size).toBe(1);
    expect(state().persons.byPerson.size).toBe(1);
    await first.context().close();
  });

  it('the same person on a second phone gets the same ballot; another person another', { timeout: 120_000 }, async () => {
    const second = await signInAs('resident-1');
    expect(state().participants.size).toBe(1);
    expect(state().persons.devices.size).toBe(1);
    const other = await signInAs('resident-2');
    expect(state().participants.size).toBe(2);
    await second.context().close();
    await other.context().close();
  });

  it('tells the console that, without OIDC_PERSON_CLAIM, staff at a voting point cannot tell an e-ID voter apart', { timeout: 120_000 }, async () => {
    for (const [width, height] of [[1920, 1080], [1280, 720]]) {
      const page = await (await browser.newContext({ viewport: { width, height }, bypassCSP: true })).newPage();
      await page.goto(`${city.vote.socketUrl}/console?key=${encodeURIComponent(city.server.facilitatorKey)}`);
      await page.getByRole('tab', { name: 'Допуск' }).click();
      const note = page.getByText('Провайдер не дає реєстраційного номера (OIDC_PERSON_CLAIM не задано)', { exact: false });
      await note.scrollIntoViewIfNeeded();
      expect(await note.isVisible()).toBe(true);
      await page.screenshot({ path: join(ROOT, `test-results/oidc-console-${width}.png`) });
      await page.context().close();
    }
  });

  it('refuses a callback it did not start, with a page in Ukrainian and English', async () => {
    const res = await fetch(`${city.server.url}/auth/oidc/callback?code=x&state=made-up`, { headers: { accept: 'text/html' } });
    expect(res.status).toBe(400);
    const html = await res.text();
    expect(html).toContain('Вхід не завершено вчасно');
    expect(html).toContain('The sign-in was not finished in time');
    expect(state().participants.size).toBe(2);
  });
});
