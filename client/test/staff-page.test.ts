// A city vote's service point in Chromium, at 360×640 (a phone) and 800×1280 (a tablet): the staff
// link opens the desk and leaves the address bar; a resident who voted online is refused, worded;
// a resident checked in person is helped through a ballot and gets a receipt, and then cannot vote
// on their phone; a paper ballot is typed in; English; keyboard and axe-core; and a revoked link
// stops the page. In a vote by SMS, the desk sends the code to the resident's number (a local
// gateway) and a resident who voted online by SMS is refused; in an e-ID vote keyed by the taxpayer
// number, the desk asks for that number. Screenshots go to test-results/staff-page/ for a person to look at.

import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { firstForum, forumAt, newCityForum } from '../../server/test/cityForum.js';
import { codeIn, startGateway, waitFor } from '../../server/test/codeProviders.js';
import { connect, connectConsole, newToken, ok, ROOT, startTestServer, type TestClient, type TestServer } from '../../server/test/harness.js';
import type { ServerConfig } from '../../server/main.js';
import type { CityVoteInput } from '../../shared/forum/city.js';
import { CHROMIUM, haveBrowser, launchChromium, violations } from './chromium.js';

const built = existsSync(join(ROOT, 'dist/client/staff/index.html'));
if (process.env.CI === 'true' && (!haveBrowser || !built)) throw new Error(`CI needs Chromium at ${CHROMIUM} and the built client`);

const SHOTS = join(ROOT, 'test-results/staff-page');

const PARK = 'Відновити старий парк над Тетеревом: нові лавки, ліхтарі, доріжки для візків і тихе місце для відпочинку літніх людей';
const LIST = [
  { number: 'КА 204511', fact: '1958' }, // votes online
  { number: 'КА 204512', fact: '1987' }, // at the service point
  { number: 'КА 204513', fact: '1944' }, // on paper
];

describe.skipIf(!haveBrowser || !built)(`the service point's staff page (needs ${CHROMIUM} and a built client)`, () => {
  let server: TestServer;
  let browser: Browser;
  let page: Page;
  let slug: string;
  let admin: TestClient;
  let staffId: string;
  let link: string;
  const clients: TestClient[] = [];
  const keep = <T extends TestClient>(c: T): T => (clients.push(c), c);
  const errors: string[] = [];
  const state = () => server.forums.bySlug(slug)!.room.state;
  const shot = (name: string, fullPage = false) => page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage });

  /** Types a resident's listed number and birth year into the check form, and checks. */
  async function check(person: number, document: string | null) {
    if (document) await page.getByRole('radio', { name: document }).check();
    await page.getByLabel('Номер документа').fill(LIST[person].number);
    await page.getByLabel('Рік народження').fill(LIST[person].fact);
    await page.getByRole('button', { name: 'Перевірити' }).click();
  }

  beforeAll(async () => {
    rmSync(SHOTS, { recursive: true, force: true });
    mkdirSync(SHOTS, { recursive: true });
    server = await startTestServer({ publicUrl: 'http://viche.test:{port}' });
    const made = await newCityForum(server, keep, await firstForum(server, keep));
    slug = made.slug;
    admin = keep(await connectConsole(forumAt(server, slug)));
    ok(await admin.send('identity:setMethod', { method: 'list' }));
    ok(await admin.send('identity:addListed', { rows: LIST, firstLine: 2 }));
    ok(
      await admin.send('city:setVote', {
        vote: {
          title: 'Громадський бюджет Житомира 2027',
          budgets: [
            { id: 'centre', name: 'Центр і Богунія', amount: 1_000_000 },
            { id: 'city', name: 'Загальноміський', amount: 500_000 },
          ],
          projects: [
            { id: 'park', budgetId: 'centre', cost: 480_000, title: PARK, place: 'Парк над Тетеревом' },
            { id: 'benches', budgetId: 'centre', cost: 30_000, title: 'Лавки біля зупинок' },
            { id: 'lamps', budgetId: 'centre', cost: 150_000, title: 'Ліхтарі у дворах' },
            { id: 'books', budgetId: 'city', cost: 100_000, title: 'Книги для бібліотек' },
            { id: 'pool', budgetId: 'city', cost: 400_000, title: 'Басейн для шкіл' },
          ],
          ballot: { kind: 'approval', maxChoices: 2 },
          counting: { kind: 'greedy' },
          tie: { kind: 'cheaperThenListed' },
        },
      }),
    );
    const invited = ok(await admin.send('host:invite', { name: 'Олена Коваль', scope: null, point: 'ЦНАП «Центр», вул. Київська, 11' }));
    staffId = invited.hostId;
    link = invited.link;
    ok(await admin.send('phase:set', { to: 'voting' }));
    // Resident 0 votes online, on their own phone.
    const token = newToken();
    const phone = keep(await connect(`${server.url}/f/${slug}`, { role: 'phone', token }));
    ok(await phone.send('person:prove', { token, proof: { method: 'list', ...LIST[0] } }));
    ok(await phone.send('city:cast', { ballot: { kind: 'approval', budgetId: 'centre', projectIds: ['park'] } }));
    browser = await launchChromium(['--host-resolver-rules=MAP viche.test 127.0.0.1']);
    const ctx = await browser.newContext({ viewport: { width: 360, height: 640 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true, bypassCSP: true });
    page = await ctx.newPage();
    page.on('pageerror', (e) => errors.push(e.message));
  });
  afterAll(async () => {
    for (const c of clients) c.close();
    await browser?.close();
    await server?.stop();
  });

  it('opens the desk from the staff link, which leaves the address bar, naming the staff member and the point', async () => {
    await page.goto(`http://viche.test:${server.port}${link}`);
    await page.getByRole('heading', { name: 'Громадський бюджет Житомира 2027' }).waitFor();
    await page.getByText('Олена Коваль · ЦНАП «Центр», вул. Київська, 11').waitFor();
    expect(new URL(page.url()).search).toBe('');
    expect(await page.getByRole('radio', { name: 'Допомога на місці' }).isChecked()).toBe(true);
    await shot('1-desk');
    expect(await violations(page)).toEqual([]);
  });

  it('refuses a resident who voted online, in words, with focus on the refusal, and asks which document was checked', async () => {
    await check(0, null);
    const alert = page.locator('.staff-refused[role="alert"]');
    await alert.waitFor();
    expect(await alert.textContent()).toBe('Позначте, який документ ви перевірили.');
    await check(0, 'ID-картка');
    await page.getByText('Ця особа вже проголосувала онлайн. Голосують лише в один спосіб: інший бюлетень не приймається.').waitFor();
    expect(await alert.evaluate((el) => el === document.activeElement)).toBe(true);
    expect(await page.getByRole('button', { name: 'Прийняти бюлетень' }).count()).toBe(0);
    await shot('2-refused-online');
    expect(await violations(page)).toEqual([]);
  });

  it('helps a resident checked in person through the ballot, gives the receipt, and their phone is refused afterwards', async () => {
    await check(1, 'Паспорт');
    await page.getByText('Ця особа може голосувати.').waitFor();
    await page.getByLabel(`Обрати «${PARK}»`).check();
    // By keyboard, as staff at a desk may work.
    await page.getByLabel('Обрати «Лавки біля зупинок»').focus();
    await page.keyboard.press('Space');
    await page.getByText('Обрано: 2 з 2').waitFor();
    await shot('3-ballot', true);
    await page.locator('.city-budget').first().getByRole('button', { name: 'Прийняти бюлетень' }).click();
    const accepted = page.getByRole('heading', { name: 'Бюлетень прийнято: Центр і Богунія' });
    await accepted.waitFor();
    expect(await accepted.evaluate((el) => el === document.activeElement)).toBe(true);
    const receipt = await page.locator('.city-receipt .receipt-code').textContent();
    expect(receipt).toMatch(/^[0-9A-HJKMNP-TV-Z]{5}-[0-9A-HJKMNP-TV-Z]{5}$/);
    await shot('4-receipt');
    const cast = state().city.casts.at(-1)!;
    expect(cast).toMatchObject({ channel: 'service-point', ballot: { budgetId: 'centre', projectIds: ['park', 'benches'] } });
    expect(state().moderation.at(-1)).toMatchObject({ action: 'inPersonBallot', by: staffId, channel: 'service-point', document: 'passport', budgetId: 'centre' });
    // On another device, their own phone: refused, worded by the server.
    const token = newToken();
    const phone = keep(await connect(`${server.url}/f/${slug}`, { role: 'phone', token }));
    const ack = await phone.send('person:prove', { token, proof: { method: 'list', ...LIST[1] } });
    expect(ack).toMatchObject({ ok: false, error: { code: 'CITY_CHANNEL_TAKEN', params: { channel: 'service-point' } } });
    expect(await violations(page)).toEqual([]);
    await page.getByRole('button', { name: 'Наступний мешканець' }).click();
    expect(await page.getByLabel('Номер документа').inputValue()).toBe('');
  });

  it('types in a paper ballot at tablet width, and refuses that person at the service point', async () => {
    await page.setViewportSize({ width: 800, height: 1280 });
    await page.getByRole('radio', { name: 'Паперовий бюлетень' }).check();
    expect(await page.getByRole('radio', { name: 'Паспорт' }).count()).toBe(0);
    await check(2, null);
    await page.getByText('Ця особа може голосувати.').waitFor();
    await page.getByLabel('Обрати «Книги для бібліотек»').check();
    await page.locator('.city-budget').nth(1).getByRole('button', { name: 'Прийняти бюлетень' }).click();
    await page.getByRole('heading', { name: 'Бюлетень прийнято: Загальноміський' }).waitFor();
    expect(state().city.casts.at(-1)).toMatchObject({ channel: 'paper', ballot: { budgetId: 'city', projectIds: ['books'] } });
    await shot('5-paper-tablet', true);
    expect(await violations(page)).toEqual([]);
    await page.getByRole('button', { name: 'Наступний мешканець' }).click();
    await page.getByRole('radio', { name: 'Допомога на місці' }).check();
    await check(2, 'Посвідка на проживання');
    await page.getByText('Ця особа вже проголосувала паперовим бюлетенем. Голосують лише в один спосіб: інший бюлетень не приймається.').waitFor();
  });

  it('speaks English by the toggle, refusals included, at 360 px', async () => {
    await page.setViewportSize({ width: 360, height: 640 });
    await page.getByRole('button', { name: 'Switch to English' }).click();
    await page.getByRole('radio', { name: 'Helped in person' }).waitFor();
    await page.getByRole('button', { name: 'Check' }).click();
    await page.getByText('This person has already voted on a paper ballot. A person votes one way only: no other ballot is taken.').waitFor();
    await shot('6-english');
    expect(await violations(page)).toEqual([]);
  });

  it('stops the page when the organiser revokes the staff link, and says so', async () => {
    ok(await admin.send('host:revoke', { hostId: staffId }));
    await page.getByText('The organiser revoked your access. This page takes no more ballots.').waitFor();
    await shot('7-revoked');
    expect(errors).toEqual([]);
  });
});

const SMALL_VOTE: CityVoteInput = {
  title: 'Громадський бюджет Житомира 2027',
  budgets: [{ id: 'centre', name: 'Центр і Богунія', amount: 1_000_000 }],
  projects: [
    { id: 'benches', budgetId: 'centre', cost: 30_000, title: 'Лавки біля зупинок' },
    { id: 'lamps', budgetId: 'centre', cost: 150_000, title: 'Ліхтарі у дворах' },
  ],
  ballot: { kind: 'approval', maxChoices: 2 },
  counting: { kind: 'greedy' },
  tie: { kind: 'cheaperThenListed' },
};

describe.skipIf(!haveBrowser || !built)(`the staff page in votes by SMS and by e-ID (needs ${CHROMIUM} and a built client)`, () => {
  let gateway: Awaited<ReturnType<typeof startGateway>>;
  let browser: Browser;
  const running: { server: TestServer; clients: TestClient[] }[] = [];

  /** A server whose vote proves persons by `method`, open for voting, and a 360×640 page on its staff link. */
  async function deskFor(method: 'sms' | 'oidc', overrides: Partial<ServerConfig>) {
    const server = await startTestServer({ publicUrl: 'http://viche.test:{port}', ...overrides });
    const clients: TestClient[] = [];
    running.push({ server, clients });
    const keep = <T extends TestClient>(c: T): T => (clients.push(c), c);
    const { slug } = await newCityForum(server, keep, await firstForum(server, keep));
    const admin = keep(await connectConsole(forumAt(server, slug)));
    ok(await admin.send('identity:setMethod', { method }));
    ok(await admin.send('city:setVote', { vote: SMALL_VOTE }));
    const invited = ok(await admin.send('host:invite', { name: 'Олена Коваль', scope: null, point: 'ЦНАП «Центр»' }));
    ok(await admin.send('phase:set', { to: 'voting' }));
    const ctx = await browser.newContext({ viewport: { width: 360, height: 640 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true, bypassCSP: true });
    const page = await ctx.newPage();
    await page.goto(`http://viche.test:${server.port}${invited.link}`);
    await page.getByRole('heading', { name: SMALL_VOTE.title }).waitFor();
    return { server, slug, page, keep };
  }

  beforeAll(async () => {
    gateway = await startGateway();
    browser = await launchChromium(['--host-resolver-rules=MAP viche.test 127.0.0.1']);
  });
  afterAll(async () => {
    await browser?.close();
    for (const { server, clients } of running) {
      for (const c of clients) c.close();
      await server.stop();
    }
    await new Promise<void>((resolve) => gateway?.server.close(() => resolve()));
  });

  it('sends the code to the resident’s number, takes it back, and refuses one who voted online by SMS', { timeout: 120_000 }, async () => {
    const { server, slug, page, keep } = await deskFor('sms', { smsGateway: { url: `http://127.0.0.1:${gateway.port}/send`, token: 't' } });
    // The resident votes online by SMS first, on their own phone.
    const token = newToken();
    const phone = keep(await connect(`${server.url}/f/${slug}`, { role: 'phone', token }));
    let before = gateway.posts.length;
    ok(await phone.send('person:requestCode', { token, method: 'sms', to: '0671234567' }));
    const online = codeIn((await waitFor(() => gateway.posts.slice(before).find((x) => x.body.to === '+380671234567'), 'the text')).body.text)!;
    ok(await phone.send('person:prove', { token, proof: { method: 'sms', to: '0671234567', code: online } }));
    ok(await phone.send('city:cast', { ballot: { kind: 'approval', budgetId: 'centre', projectIds: ['lamps'] } }));

    await page.getByRole('radio', { name: 'ID-картка' }).check();
    expect(await page.getByRole('button', { name: 'Перевірити' }).isDisabled()).toBe(true);
    await page.getByLabel('Номер телефону мешканця').fill('067 123 45 67');
    before = gateway.posts.length;
    await page.getByRole('button', { name: 'Надіслати код' }).click();
    await page.getByText('Код надіслано на +380•••67. Він діє 15 хв.', { exact: false }).waitFor();
    const code = codeIn((await waitFor(() => gateway.posts.slice(before).find((x) => x.body.to === '+380671234567'), 'the desk’s text')).body.text)!;
    await page.getByLabel('Код з листа чи SMS (6 цифр)').fill(code);
    await page.screenshot({ path: join(SHOTS, '8-sms-code.png') });
    expect(await violations(page)).toEqual([]);
    await page.getByRole('button', { name: 'Перевірити' }).click();
    const alert = page.getByText('Ця особа вже проголосувала онлайн. Голосують лише в один спосіб: інший бюлетень не приймається.');
    await alert.waitFor();
    expect(await alert.evaluate((el) => el === document.activeElement)).toBe(true);
    await page.screenshot({ path: join(SHOTS, '9-sms-refused.png') });

    // A number that cannot be one is refused in words.
    await page.getByLabel('Номер телефону мешканця').fill('не номер');
    await page.getByRole('button', { name: 'Надіслати код' }).click();
    await page.getByText('Не вдалося прочитати адресу пошти чи номер телефону', { exact: false }).waitFor();
  });

  it('asks for the taxpayer number in an e-ID vote whose provider gives it', { timeout: 120_000 }, async () => {
    // The provider is only asked at a phone's sign-in: an address nobody answers is enough here.
    const { page } = await deskFor('oidc', { oidc: { issuer: 'http://127.0.0.1:9', clientId: 'viche', clientSecret: 's', personClaim: 'drfocode' } });
    await page.getByRole('radio', { name: 'ID-картка' }).check();
    await page.getByLabel('РНОКПП (реєстраційний номер облікової картки платника податків)').fill('3012345678');
    await page.getByRole('button', { name: 'Перевірити' }).click();
    await page.getByText('Ця особа може голосувати.').waitFor();
    await page.screenshot({ path: join(SHOTS, '10-register.png') });
    expect(await violations(page)).toEqual([]);
  });
});
