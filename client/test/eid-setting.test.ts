// The e-ID key held for the whole vote, with a real OpenID Connect provider (oidc-provider) giving
// the taxpayer number РНОКПП as `drfocode`: a vote begun under OIDC_PERSON_CLAIM=drfocode records
// that with its first e-ID person; the server restarted on the same SQLite file without the setting
// refuses the phone's sign-in and the staff's entries with EID_SETTING_CHANGED in words, and the
// console (Chromium, 1280×720, Ukrainian and English, axe-core) says above every tab which setting
// the vote began with and which the server has now; restored, sign-ins and staff work again and the
// resident who voted holds one ballot. Screenshots in test-results/eid-setting/.

import Database from 'better-sqlite3';
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CityBallot } from '../../shared/city/vote.js';
import { verifyLog } from '../../shared/forum/verify.js';
import type { ForumEvent } from '../../shared/forum/types.js';
import type { ConsoleView, StaffMe } from '../../shared/protocol.js';
import { definition, firstForum, forumAt, newCityForum } from '../../server/test/cityForum.js';
import { connect, connectConsole, newToken, ok, refused, ROOT, startTestServer, tempDir, type TestClient, type TestServer } from '../../server/test/harness.js';
import { OIDC_SECRET, startOidcProvider, walkProvider, type TestProvider } from '../../server/test/oidc.js';
import { CHROMIUM, haveBrowser, launchChromium, violations } from './chromium.js';

const built = existsSync(join(ROOT, 'dist/client/console/index.html'));
if (process.env.CI === 'true' && (!haveBrowser || !built)) throw new Error(`CI needs Chromium at ${CHROMIUM} and the built client`);

const SHOTS = join(ROOT, 'test-results/eid-setting');
/** The address the provider sends phones back to: one for every start of the server, whatever its port. */
const PUBLIC = 'http://viche.test:1';
/** Each test login's РНОКПП, as the provider gives it. */
const REGISTER: Record<string, string> = { 'resident-1': '3012345678', 'resident-2': '3198765432' };

describe.skipIf(!haveBrowser || !built)(`the e-ID key held for the whole vote (needs ${CHROMIUM} and a built client)`, () => {
  const dir = tempDir();
  const dbPath = join(dir, 'forum.db');
  let idp: TestProvider;
  let server: TestServer;
  let browser: Browser;
  let slug: string;
  let staffKey: string;
  let ballot: CityBallot;
  const clients: TestClient[] = [];
  const keep = <T extends TestClient>(c: T): T => (clients.push(c), c);
  const state = () => server.forums.bySlug(slug)!.room.state;

  /** The server on the vote's SQLite file, with OIDC_PERSON_CLAIM as given (undefined: unset). */
  async function restart(personClaim: string | undefined): Promise<void> {
    for (const c of clients.splice(0)) c.close();
    await server?.close();
    server = await startTestServer({
      dbPath,
      publicUrl: PUBLIC,
      oidc: { issuer: idp.issuer, clientId: 'viche', clientSecret: OIDC_SECRET, scope: 'openid tax', ...(personClaim ? { personClaim } : {}) },
    });
  }

  /** A phone of its own signing in as `login`: the start's answer, and the callback's when it was started. */
  async function signIn(login: string) {
    const token = newToken();
    const phone = keep(await connect(`${server.url}/f/${slug}`, { role: 'phone', token }));
    const started = await phone.send('person:signIn', { token });
    if (!started.ok) return { token, started, back: null };
    const callback = await walkProvider(started.data.url, login);
    const back = await fetch(`${server.url}${callback.pathname}${callback.search}`, { redirect: 'manual', headers: { accept: 'text/html' } });
    return { token, started, back };
  }

  const staff = async () => {
    const c = keep(await connect(`${server.url}/f/${slug}`, { role: 'staff', key: staffKey }));
    return Object.assign(c, { me: await c.next<StaffMe>('staff') });
  };

  const stored = () => {
    const db = new Database(dbPath, { readonly: true });
    const rows = db.prepare('SELECT seq, payload FROM events WHERE forum_id = ? ORDER BY seq').all(state().id) as { seq: number; payload: string }[];
    db.close();
    return rows.map((r) => ({ seq: r.seq, event: JSON.parse(r.payload) as ForumEvent }));
  };

  beforeAll(async () => {
    rmSync(SHOTS, { recursive: true, force: true });
    mkdirSync(SHOTS, { recursive: true });
    idp = await startOidcProvider((login): Record<string, string> => (REGISTER[login] ? { drfocode: REGISTER[login] } : {}));
    idp.serve(`${PUBLIC}/auth/oidc/callback`);
    await restart('drfocode');
    const created = await newCityForum(server, keep, await firstForum(server, keep));
    slug = created.slug;
    const admin = keep(await connectConsole(forumAt(server, slug)));
    ok(await admin.send('identity:setMethod', { method: 'oidc' }));
    const vote = ok(await admin.send('city:setVote', { vote: definition(created.ideas) })).vote;
    ballot = { kind: 'knapsack', budgetId: vote.budgets[0].id, projectIds: [vote.projects.find((p) => p.budgetId === vote.budgets[0].id)!.id] };
    const invited = ok(await admin.send('host:invite', { name: 'Олена', scope: null, point: 'ЦНАП Центр' }));
    staffKey = new URL(invited.link, 'http://x').searchParams.get('host')!;
    ok(await admin.send('phase:set', { to: 'voting' }));
    browser = await launchChromium();
  });
  afterAll(async () => {
    for (const c of clients) c.close();
    await browser?.close();
    await server?.close();
    await idp?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('records, with the vote’s first e-ID person, that its persons are keyed by the claim', async () => {
    const { token, back } = await signIn('resident-1');
    expect(back?.status).toBe(303);
    const phone = keep(await connect(`${server.url}/f/${slug}`, { role: 'phone', token }));
    ok(await phone.send('city:cast', { ballot }));
    expect(state().persons.eIdKey).toBe('claim:drfocode');
    const joined = stored().filter((e) => e.event.type === 'participantJoined');
    expect(joined.map((e) => e.event.type === 'participantJoined' && e.event.eIdKey)).toEqual(['claim:drfocode']);
    // A second person records nothing more: the key is the vote's, recorded once.
    expect((await signIn('resident-2')).back?.status).toBe(303);
    expect(stored().filter((e) => e.event.type === 'participantJoined' && e.event.eIdKey !== undefined)).toHaveLength(1);
  });

  it('restarted without OIDC_PERSON_CLAIM, refuses the sign-in and the staff’s entries in words, and the console says why', async () => {
    await restart(undefined);
    const participants = state().participants.size;
    const { started } = await signIn('resident-1');
    expect(refused(started)).toBe('EID_SETTING_CHANGED');
    expect(!started.ok && started.error.params).toEqual({ began: 'drfocode', now: '' });
    const message = !started.ok ? started.error.message : '';
    expect(message).toContain('реєстраційний номер з поля «drfocode» (OIDC_PERSON_CLAIM=drfocode)');
    expect(message).toContain('ідентифікатор особи в провайдера (OIDC_PERSON_CLAIM не задано)');
    expect(message).toContain('Організатор має повернути налаштування, як було');
    const english = keep(await connect(`${server.url}/f/${slug}`, { role: 'phone', token: newToken(), lang: 'en' }));
    const inEnglish = await english.send('person:signIn', { token: newToken() });
    expect(!inEnglish.ok && inEnglish.error.message).toMatch(/^e-ID sign-in on the server is set up differently than when this vote began/);

    // Staff type a document's number now (no claim): it would name another person than the sign-in did.
    const desk = await staff();
    expect(desk.me.eIdByRegister).toBe(false);
    const check = await desk.send('staff:check', { proof: { method: 'document', number: 'АВ 123456' }, channel: 'service-point' });
    expect(refused(check)).toBe('EID_SETTING_CHANGED');
    expect(!check.ok && check.error.message).toBe(message);
    expect(refused(await desk.send('staff:cast', { proof: { method: 'document', number: 'АВ 123456' }, channel: 'service-point', document: 'passport', ballot }))).toBe('EID_SETTING_CHANGED');
    expect(refused(await desk.send('staff:cast', { proof: { method: 'register', number: REGISTER['resident-1'] }, channel: 'paper', ballot }))).toBe('EID_SETTING_CHANGED');
    expect(state().participants.size).toBe(participants);

    const admin = keep(await connectConsole(forumAt(server, slug)));
    const view = await admin.next<ConsoleView>('console');
    expect(view.admission.identity).toMatchObject({ oidcPersonClaim: null, oidcRecorded: { claim: 'drfocode' } });

    const page = await (await browser.newContext({ viewport: { width: 1280, height: 720 }, bypassCSP: true })).newPage();
    await page.goto(`${server.url}/f/${slug}/console?key=${server.facilitatorKey}`);
    const alert = page.locator('#eid-setting-alert');
    await alert.waitFor();
    expect(await alert.getAttribute('role')).toBe('alert');
    const text = await alert.textContent();
    expect(text).toContain('Вхід через e-ID зупинено.');
    expect(text).toContain('Голосування почалося, коли особу визначав реєстраційний номер з поля «drfocode» (OIDC_PERSON_CLAIM=drfocode)');
    expect(text).toContain('ідентифікатор особи в провайдера (OIDC_PERSON_CLAIM не задано)');
    expect(text).toContain('Поверніть налаштування, як було (OIDC_PERSON_CLAIM=drfocode)');
    await page.screenshot({ path: join(SHOTS, '0-console-uk.png') });
    expect(await violations(page)).toEqual([]);
    // Above every tab, the Admission tab's included.
    await page.getByRole('tab', { name: 'Допуск' }).click();
    expect(await alert.isVisible()).toBe(true);
    await page.locator('.lang-toggle').click();
    await alert.filter({ hasText: 'e-ID sign-in is stopped.' }).waitFor();
    expect(await alert.textContent()).toContain('Restore the setting as it was (OIDC_PERSON_CLAIM=drfocode)');
    await page.screenshot({ path: join(SHOTS, '1-console-en.png') });
    expect(await violations(page)).toEqual([]);
    await page.context().close();
  });

  it('restored, takes sign-ins and staff again, and a resident who voted holds one ballot', async () => {
    await restart('drfocode');
    const participants = state().participants.size;
    const devices = state().persons.devices.size;
    // resident-1 on another phone: the same ballot, no second one.
    const { token, back } = await signIn('resident-1');
    expect(back?.status).toBe(303);
    expect([state().participants.size, state().persons.devices.size]).toEqual([participants, devices + 1]);
    const phone = keep(await connect(`${server.url}/f/${slug}`, { role: 'phone', token }));
    ok(await phone.send('city:cast', { ballot }));
    const desk = await staff();
    expect(desk.me.eIdByRegister).toBe(true);
    const check = await desk.send('staff:check', { proof: { method: 'register', number: REGISTER['resident-1'] }, channel: 'service-point' });
    expect(refused(check)).toBe('CITY_CHANNEL_TAKEN');
    // A resident new to the vote, checked at the point by their РНОКПП.
    ok(await desk.send('staff:cast', { proof: { method: 'register', number: '3111111111' }, channel: 'service-point', document: 'id-card', ballot }));
    expect(state().participants.size).toBe(participants + 1);
    const admin = keep(await connectConsole(forumAt(server, slug)));
    expect((await admin.next<ConsoleView>('console')).admission.identity).toMatchObject({ oidcPersonClaim: 'drfocode', oidcRecorded: { claim: 'drfocode' } });
    // The log, replayed by its rules, holds: one key, recorded once.
    expect(verifyLog(stored()).problems).toEqual([]);
    const page = await (await browser.newContext({ viewport: { width: 1280, height: 720 }, bypassCSP: true })).newPage();
    await page.goto(`${server.url}/f/${slug}/console?key=${server.facilitatorKey}`);
    await page.getByRole('tab', { name: 'Допуск' }).click();
    await page.getByText('Особу в цьому голосуванні визначає реєстраційний номер з поля «drfocode»').waitFor();
    expect(await page.locator('#eid-setting-alert').count()).toBe(0);
    await page.context().close();
  });

  it('once the vote takes no more sign-ins, a server set up for the next one raises no alarm over it', async () => {
    const admin = keep(await connectConsole(forumAt(server, slug)));
    ok(await admin.send('phase:set', { to: 'results' }));
    await restart(undefined);
    const page = await (await browser.newContext({ viewport: { width: 1280, height: 720 }, bypassCSP: true })).newPage();
    await page.goto(`${server.url}/f/${slug}/console?key=${server.facilitatorKey}`);
    await page.getByRole('tab', { name: 'Допуск' }).click();
    // The setting differs (the view says so), but restoring it for a vote that is over would stop the next one.
    const view = await keep(await connectConsole(forumAt(server, slug))).next<ConsoleView>('console');
    expect(view.admission.identity).toMatchObject({ oidcPersonClaim: null, oidcRecorded: { claim: 'drfocode' } });
    await page.getByText('Особу в цьому голосуванні визначає реєстраційний номер з поля «drfocode»').waitFor();
    expect(await page.locator('#eid-setting-alert').count()).toBe(0);
    await page.context().close();
  });
});
