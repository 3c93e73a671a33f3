// The closed city vote's results on a phone in Chromium at 360×640 give the votes by channel, as
// the console does: each budget's voters and each project's votes online, at voting points and on
// paper, as published (results.json's byChannel) and against a count made here of ballots cast
// online by phones, at a voting point and on paper by staff; English too, and axe-core.
// Screenshots go to test-results/city-phone-channels/.

import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CityBallot } from '../../shared/city/vote.js';
import type { StaffMe } from '../../shared/protocol.js';
import { firstForum, forumAt, newCityForum } from '../../server/test/cityForum.js';
import { connect, connectConsole, newToken, ok, ROOT, startTestServer, type TestClient, type TestServer } from '../../server/test/harness.js';
import { CHROMIUM, haveBrowser, launchChromium, violations } from './chromium.js';

const built = existsSync(join(ROOT, 'dist/client/phone/index.html'));
if (process.env.CI === 'true' && (!haveBrowser || !built)) throw new Error(`CI needs Chromium at ${CHROMIUM} and the built client`);

const SHOTS = join(ROOT, 'test-results/city-phone-channels');

const LIST = [
  { number: 'АВ 200001', fact: '1980' }, // online: the square
  { number: 'АВ 200002', fact: '1975' }, // at a voting point: the square and the lamps
  { number: 'АВ 200003', fact: '1990' }, // on paper: the lamps
  { number: 'АВ 200004', fact: '1961' }, // online: the square and the lamps
  { number: 'АВ 200005', fact: '2002' }, // the phone in Chromium, who only looks
];

const approval = (...projectIds: string[]): CityBallot => ({ kind: 'approval', budgetId: 'city', projectIds });

describe.skipIf(!haveBrowser || !built)(`a closed city vote's results by channel on a phone (needs ${CHROMIUM} and a built client)`, () => {
  let server: TestServer;
  let browser: Browser;
  let phone: Page;
  let slug: string;
  const clients: TestClient[] = [];
  const keep = <T extends TestClient>(c: T): T => (clients.push(c), c);
  const errors: string[] = [];
  const shot = (name: string, fullPage = false) => phone.screenshot({ path: join(SHOTS, `${name}.png`), fullPage });

  beforeAll(async () => {
    rmSync(SHOTS, { recursive: true, force: true });
    mkdirSync(SHOTS, { recursive: true });
    server = await startTestServer();
    slug = (await newCityForum(server, keep, await firstForum(server, keep))).slug;
    const admin = keep(await connectConsole(forumAt(server, slug)));
    ok(await admin.send('identity:setMethod', { method: 'list' }));
    ok(await admin.send('identity:addListed', { rows: LIST, firstLine: 2 }));
    ok(
      await admin.send('city:setVote', {
        vote: {
          title: 'Громадський бюджет 2027',
          budgets: [{ id: 'city', name: 'Загальноміський', amount: 1_000 }],
          projects: [
            { id: 'square', budgetId: 'city', cost: 300, title: 'Сквер на Польовій' },
            { id: 'lamps', budgetId: 'city', cost: 200, title: 'Ліхтарі у дворах' },
            { id: 'pool', budgetId: 'city', cost: 900, title: 'Басейн' },
          ],
          ballot: { kind: 'approval', maxChoices: 2 },
          counting: { kind: 'greedy' },
          tie: { kind: 'cheaperThenListed' },
        },
      }),
    );
    const invited = ok(await admin.send('host:invite', { name: 'Олена', scope: null, point: 'ЦНАП Центр' }));
    ok(await admin.send('phase:set', { to: 'voting' }));
    const url = `${server.url}/f/${slug}`;
    const staff = keep(await connect(url, { role: 'staff', key: new URL(invited.link, 'http://x').searchParams.get('host')! }));
    await staff.next<StaffMe>('staff');
    const online = async (person: number, ballot: CityBallot) => {
      const token = newToken();
      const c = keep(await connect(url, { role: 'phone', token }));
      ok(await c.send('person:prove', { token, proof: { method: 'list', ...LIST[person] } }));
      ok(await c.send('city:cast', { ballot }));
    };
    await online(0, approval('square'));
    await online(3, approval('square', 'lamps'));
    ok(await staff.send('staff:cast', { proof: { method: 'list', ...LIST[1] }, channel: 'service-point', document: 'passport', ballot: approval('square', 'lamps') }));
    ok(await staff.send('staff:cast', { proof: { method: 'list', ...LIST[2] }, channel: 'paper', ballot: approval('lamps') }));
    browser = await launchChromium();
    const ctx = await browser.newContext({ viewport: { width: 360, height: 640 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true, bypassCSP: true });
    phone = await ctx.newPage();
    phone.on('pageerror', (e) => errors.push(e.message));
    // The fifth resident proves who they are on this phone while the vote is open, and votes nowhere.
    await phone.goto(`${url}/`);
    await phone.getByLabel('Номер (як у документі)').fill(LIST[4].number);
    await phone.getByLabel('Друга відомість').fill(LIST[4].fact);
    await phone.getByRole('button', { name: 'Перейти до голосування' }).click();
    await phone.getByRole('heading', { name: 'Громадський бюджет 2027' }).waitFor();
    ok(await admin.send('phase:set', { to: 'results' }));
  });
  afterAll(async () => {
    for (const c of clients) c.close();
    await browser?.close();
    await server?.stop();
  });

  it('gives each budget’s voters and each project’s votes online, at voting points and on paper, as published', async () => {
    await phone.getByRole('heading', { name: 'Голосування завершено. Дякуємо!' }).waitFor();
    await phone.getByText('Виборців у цьому бюджеті: 4').waitFor();
    const lines = async () =>
      phone.locator('.card').evaluateAll((cards) =>
        cards.flatMap((card) => [...card.querySelectorAll('h2, .city-project h3, .city-by-channel')].map((el) => (el.textContent ?? '').replace(/\s+/g, ' '))),
      );
    // Counted here: online the square twice and the lamps once; at the point both; on paper the lamps.
    expect(await lines()).toEqual([
      'Загальноміський',
      'За способом голосування: онлайн 2, на пунктах голосування 1, паперовим бюлетенем 1',
      // Three votes each: the cheaper lamps first, as the tie rule and the published results order them.
      'Ліхтарі у дворах',
      'За способом голосування: онлайн 1, на пунктах голосування 1, паперовим бюлетенем 1',
      'Сквер на Польовій',
      'За способом голосування: онлайн 2, на пунктах голосування 1, паперовим бюлетенем 0',
      'Басейн',
      'За способом голосування: онлайн 0, на пунктах голосування 0, паперовим бюлетенем 0',
    ]);
    // The same figures as the published results.json.
    const published = (await (await fetch(`${server.url}/f/${slug}/api/city/results.json`)).json()) as { byChannel: { projects: { projectId: string; votes: Record<string, number> }[] }[] };
    expect(published.byChannel[0].projects.map((p) => [p.projectId, p.votes.online, p.votes['service-point'], p.votes.paper])).toEqual([
      ['square', 2, 1, 0],
      ['lamps', 1, 1, 1],
      ['pool', 0, 0, 0],
    ]);
    await shot('1-results');
    await shot('1-results-full', true);
    expect(await violations(phone)).toEqual([]);
  });

  it('says it in English too', async () => {
    await phone.locator('.lang-toggle').click();
    await phone.getByText('By channel: online 1, at voting points 1, on paper 1').waitFor();
    await shot('2-english', true);
    expect(errors).toEqual([]);
  });
});
