// One person, one channel, where persons prove who they are by e-ID, SMS or e-mail: staff at a
// voting point reach the same keyed person as the online proof. By e-ID through a real OpenID
// Connect provider (oidc-provider) giving the taxpayer number РНОКПП as `drfocode`, which staff type
// from the resident's card; by SMS through a local gateway and by e-mail through a real SMTP
// server, the code staff send read back from what the provider received, as the resident reads it
// on their own phone. A resident who voted online is refused at the voting point with
// CITY_CHANNEL_TAKEN, and one who voted at the point is refused online; wrong codes are refused in
// words and slowed as a phone's are.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CityBallot } from '../../shared/city/vote.js';
import type { CityVoteInput } from '../../shared/forum/city.js';
import type { ConsoleView, StaffMe } from '../../shared/protocol.js';
import type { ServerConfig } from '../main.js';
import { firstForum, forumAt, newCityForum } from './cityForum.js';
import { codeIn, readable, startGateway, startSmtp, waitFor } from './codeProviders.js';
import { connect, connectConsole, newToken, ok, refused, startTestServer, type TestClient, type TestServer } from './harness.js';
import { OIDC_SECRET, startOidcProvider, walkProvider, type TestProvider } from './oidc.js';

const vote = (ideaId: string): CityVoteInput => ({
  title: 'Громадський бюджет 2027',
  budgets: [{ id: 'north', name: 'Північ', amount: 1_000 }],
  projects: [
    { id: 'park', budgetId: 'north', cost: 600, ideaId },
    { id: 'lamps', budgetId: 'north', cost: 300, title: 'Ліхтарі' },
  ],
  ballot: { kind: 'approval', maxChoices: 2 },
  counting: { kind: 'greedy' },
  tie: { kind: 'cheaperThenListed' },
});
interface CityVote {
  server: TestServer;
  vote: { socketUrl: string; forumId: string };
  admin: TestClient;
  ideaIds: string[];
  close(): Promise<void>;
}

/** A server with a vote-only forum for a city vote, still in the lobby, and its console. */
async function startCityVote(overrides: Partial<ServerConfig>): Promise<CityVote> {
  const server = await startTestServer(overrides);
  const opened: TestClient[] = [];
  const keep = <T extends TestClient>(c: T): T => (opened.push(c), c);
  const { slug, ideas } = await newCityForum(server, keep, await firstForum(server, keep));
  const admin = keep(await connectConsole(forumAt(server, slug)));
  return {
    server,
    vote: { socketUrl: `${server.url}/f/${slug}`, forumId: server.forums.bySlug(slug)!.room.state.id },
    admin,
    ideaIds: Object.values(ideas),
    async close() {
      for (const c of opened) c.close();
      await server.stop();
    },
  };
}

const park: CityBallot = { kind: 'approval', budgetId: 'north', projectIds: ['park'] };

/** The vote open for voting with this way of proving who one is, and a voting point's staff page. */
async function openWithStaff(city: CityVote, method: 'oidc' | 'sms' | 'email', clients: TestClient[]) {
  ok(await city.admin.send('identity:setMethod', { method }));
  ok(await city.admin.send('city:setVote', { vote: vote(city.ideaIds[0]) }));
  const invited = ok(await city.admin.send('host:invite', { name: 'Олена', scope: null, point: 'ЦНАП Центр' }));
  const key = new URL(invited.link, 'http://x').searchParams.get('host')!;
  ok(await city.admin.send('phase:set', { to: 'voting' }));
  const staff = async () => {
    const c = await connect(city.vote.socketUrl, { role: 'staff', key });
    clients.push(c);
    return Object.assign(c, { me: await c.next<StaffMe>('staff') });
  };
  return { staff };
}

const phoneOf = async (city: CityVote, clients: TestClient[]) => {
  const token = newToken();
  const c = await connect(city.vote.socketUrl, { role: 'phone', token });
  clients.push(c);
  return Object.assign(c, { token });
};

describe('e-ID: a person is their taxpayer number, online and at a voting point', () => {
  let city: CityVote;
  let idp: TestProvider;
  let desk: TestClient & { me: StaffMe };
  const clients: TestClient[] = [];
  /** Each test login's РНОКПП, as the provider gives it. */
  const REGISTER: Record<string, string> = { 'resident-1': '3012345678', 'resident-2': '3198765432' };
  const state = () => city.server.forums.get(city.vote.forumId)!.room.state;

  /** A phone that signs in online as `login`: the callback's answer. */
  const signIn = async (login: string) => {
    const p = await phoneOf(city, clients);
    const started = ok(await p.send('person:signIn', { token: p.token }));
    const callback = await walkProvider(started.url, login);
    const back = await fetch(callback, { redirect: 'manual', headers: { accept: 'text/html' } });
    return { p, back };
  };

  beforeAll(async () => {
    idp = await startOidcProvider((login): Record<string, string> => (REGISTER[login] ? { drfocode: REGISTER[login] } : {}));
    city = await startCityVote({
      publicUrl: 'http://127.0.0.1:{port}',
      oidc: { issuer: idp.issuer, clientId: 'viche', clientSecret: OIDC_SECRET, scope: 'openid tax', personClaim: 'drfocode' },
    });
    idp.serve(`http://127.0.0.1:${city.server.port}/auth/oidc/callback`);
    desk = await (await openWithStaff(city, 'oidc', clients)).staff();
  });
  afterAll(async () => {
    for (const c of clients) c.close();
    await city?.close();
    await idp?.close();
  });

  it('tells the staff page and the console that staff type the register number', async () => {
    expect(desk.me.eIdByRegister).toBe(true);
    const view = await city.admin.next<ConsoleView>('console');
    expect(view.admission.identity.oidcPersonClaim).toBe('drfocode');
    const kind = await desk.send('staff:check', { proof: { method: 'document', number: 'АВ 123456' }, channel: 'service-point' });
    expect(kind).toMatchObject({ ok: false, error: { code: 'STAFF_PROOF_KIND', params: { expected: 'register' } } });
    expect(kind.ok ? '' : kind.error.message).toMatch(/РНОКПП/);
    // No code is sent in a vote by e-ID.
    expect(await desk.send('staff:sendCode', { to: '0671234567' })).toMatchObject({ ok: false, error: { code: 'STAFF_PROOF_KIND', params: { expected: 'register' } } });
  });

  it('refuses at the voting point, by their РНОКПП, a resident who voted online by e-ID', async () => {
    const { p, back } = await signIn('resident-1');
    expect(back.status).toBe(303);
    const phone = await connect(city.vote.socketUrl, { role: 'phone', token: p.token });
    clients.push(phone);
    ok(await phone.send('city:cast', { ballot: park }));
    // Typed as it stands on the card, spaces and all.
    const check = await desk.send('staff:check', { proof: { method: 'register', number: '30123 45678' }, channel: 'service-point' });
    expect(check).toMatchObject({ ok: false, error: { code: 'CITY_CHANNEL_TAKEN', params: { channel: 'online' } } });
    expect(check.ok ? '' : check.error.message).toBe('Ця особа вже проголосувала онлайн. Голосують лише в один спосіб: інший бюлетень не приймається.');
    expect(refused(await desk.send('staff:cast', { proof: { method: 'register', number: '3012345678' }, channel: 'service-point', document: 'id-card', ballot: park }))).toBe('CITY_CHANNEL_TAKEN');
  });

  it('refuses online by e-ID a resident who voted at the voting point by their РНОКПП', async () => {
    const proof = { method: 'register' as const, number: '3198765432' };
    expect(ok(await desk.send('staff:check', { proof, channel: 'service-point' }))).toEqual({ fresh: true, voted: [] });
    ok(await desk.send('staff:cast', { proof, channel: 'service-point', document: 'id-card', ballot: park }));
    const participants = state().participants.size;
    const { back } = await signIn('resident-2');
    expect(back.status).toBe(409);
    const page = await back.text();
    expect(page).toContain('Ця особа вже проголосувала у центрі обслуговування');
    expect(page).toContain('This person has already voted at a service point');
    expect(state().participants.size).toBe(participants);
  });

  it('keys a resident the provider gives no number for by their subject, as before', async () => {
    const { back } = await signIn('resident-without-number');
    expect(back.status).toBe(303);
    expect(state().persons.byPerson.size).toBe(3);
  });
});

describe('SMS: staff check a resident by their phone number and the code texted to it', () => {
  let city: CityVote;
  let gateway: Awaited<ReturnType<typeof startGateway>>;
  let staff: () => Promise<TestClient & { me: StaffMe }>;
  let desk: TestClient & { me: StaffMe };
  const clients: TestClient[] = [];
  /** The code the gateway was last posted for this number, after `before` posts. */
  const textedCode = async (to: string, before: number) => codeIn((await waitFor(() => gateway.posts.slice(before).find((x) => x.body.to === to), `a text to ${to}`)).body.text)!;

  beforeAll(async () => {
    gateway = await startGateway();
    city = await startCityVote({ smsGateway: { url: `http://127.0.0.1:${gateway.port}/send`, token: 'gateway-token' } });
    ({ staff } = await openWithStaff(city, 'sms', clients));
    desk = await staff();
  });
  afterAll(async () => {
    for (const c of clients) c.close();
    await city?.close();
    await new Promise<void>((resolve) => gateway?.server.close(() => resolve()));
  });

  it('refuses at the voting point a resident who voted online by SMS', async () => {
    const p = await phoneOf(city, clients);
    let before = gateway.posts.length;
    ok(await p.send('person:requestCode', { token: p.token, method: 'sms', to: '067 123-45-67' }));
    ok(await p.send('person:prove', { token: p.token, proof: { method: 'sms', to: '0671234567', code: await textedCode('+380671234567', before) } }));
    ok(await p.send('city:cast', { ballot: park }));

    before = gateway.posts.length;
    expect(ok(await desk.send('staff:sendCode', { to: '+380 67 123 45 67' }))).toEqual({ sentTo: '+380•••67', minutes: 15 });
    const code = await textedCode('+380671234567', before);
    const check = await desk.send('staff:check', { proof: { method: 'sms', to: '0671234567', code }, channel: 'service-point' });
    expect(check).toMatchObject({ ok: false, error: { code: 'CITY_CHANNEL_TAKEN', params: { channel: 'online' } } });
    // Nor on paper, with the proof the desk holds for the number.
    expect(refused(await desk.send('staff:cast', { proof: { method: 'sms', to: '0671234567', code }, channel: 'paper', ballot: park }))).toBe('CITY_CHANNEL_TAKEN');
  });

  it('takes a ballot at the voting point, and refuses that number online', async () => {
    const before = gateway.posts.length;
    ok(await desk.send('staff:sendCode', { to: '0501112233' }));
    const proof = { method: 'sms' as const, to: '0501112233', code: await textedCode('+380501112233', before) };
    expect(ok(await desk.send('staff:check', { proof, channel: 'service-point' }))).toEqual({ fresh: true, voted: [] });
    // The code is used up by the check; the ballot after it names the same number on the same page.
    expect(ok(await desk.send('staff:cast', { proof, channel: 'service-point', document: 'passport', ballot: park })).voted).toEqual(['north']);
    // Another staff page did not check this resident: the used code opens nothing there.
    expect(refused(await (await staff()).send('staff:check', { proof, channel: 'service-point' }))).toBe('ONE_TIME_CODE_EXPIRED');

    const p = await phoneOf(city, clients);
    const sent = gateway.posts.length;
    ok(await p.send('person:requestCode', { token: p.token, method: 'sms', to: '050 111 22 33' }));
    const online = await p.send('person:prove', { token: p.token, proof: { method: 'sms', to: '0501112233', code: await textedCode('+380501112233', sent) } });
    expect(online).toMatchObject({ ok: false, error: { code: 'CITY_CHANNEL_TAKEN', params: { channel: 'service-point' } } });
  });

  it('refuses what staff type wrong, in words, and slows wrong codes per number as a phone’s are', async () => {
    const bad = await desk.send('staff:sendCode', { to: 'не номер' });
    expect(bad).toMatchObject({ ok: false, error: { code: 'BAD_CONTACT' } });
    expect(bad.ok ? '' : bad.error.message).toMatch(/^Не вдалося прочитати/);
    const kind = await desk.send('staff:check', { proof: { method: 'document', number: 'АВ 123456' }, channel: 'service-point' });
    expect(kind).toMatchObject({ ok: false, error: { code: 'STAFF_PROOF_KIND', params: { expected: 'sms' } } });
    expect(kind.ok ? '' : kind.error.message).toMatch(/номер телефону мешканця і код/);

    const before = gateway.posts.length;
    ok(await desk.send('staff:sendCode', { to: '0931234567' }));
    const code = await textedCode('+380931234567', before);
    const wrongCode = code === '000000' ? '111111' : '000000';
    const wrong = await desk.send('staff:check', { proof: { method: 'sms', to: '0931234567', code: wrongCode }, channel: 'service-point' });
    expect(wrong).toMatchObject({ ok: false, error: { code: 'ONE_TIME_CODE_WRONG' } });
    expect(wrong.ok ? '' : wrong.error.message).toMatch(/^Код не підходить/);
    for (let i = 0; i < 4; i++) await desk.send('staff:check', { proof: { method: 'sms', to: '0931234567', code: wrongCode }, channel: 'service-point' });
    // Five wrong ones for the number: the sixth try waits, from a fresh page too, the right code with it.
    const slowed = await (await staff()).send('staff:check', { proof: { method: 'sms', to: '0931234567', code }, channel: 'service-point' });
    expect(slowed).toMatchObject({ ok: false, error: { code: 'RATE_LIMITED' } });
    expect(city.server.forums.get(city.vote.forumId)!.room.state.persons.byPerson.size).toBe(2);
  });
});

describe('e-mail: staff check a resident by their address and the code mailed to it', () => {
  let city: CityVote;
  let smtp: Awaited<ReturnType<typeof startSmtp>>;
  let desk: TestClient & { me: StaffMe };
  const clients: TestClient[] = [];
  const mailedCode = async (to: string, before: number) =>
    codeIn(readable((await waitFor(() => smtp.mails.slice(before).find((m) => m.to.includes(to)), `a mail to ${to}`)).text))!;

  beforeAll(async () => {
    smtp = await startSmtp();
    city = await startCityVote({ smtp: { url: `smtp://127.0.0.1:${smtp.port}`, from: 'Громадський бюджет <vote@city.test>' } });
    desk = await (await openWithStaff(city, 'email', clients)).staff();
  });
  afterAll(async () => {
    for (const c of clients) c.close();
    await city?.close();
    await new Promise<void>((resolve) => smtp?.server.close(() => resolve()));
  });

  it('refuses at the voting point a resident who voted online by e-mail, and online one who voted at the point', async () => {
    const p = await phoneOf(city, clients);
    let before = smtp.mails.length;
    ok(await p.send('person:requestCode', { token: p.token, method: 'email', to: 'olena.koval@example.com' }));
    ok(await p.send('person:prove', { token: p.token, proof: { method: 'email', to: 'olena.koval@example.com', code: await mailedCode('olena.koval@example.com', before) } }));
    ok(await p.send('city:cast', { ballot: park }));
    before = smtp.mails.length;
    // Typed at the desk as the resident says it: the same mailbox.
    expect(ok(await desk.send('staff:sendCode', { to: 'Olena.Koval+vote@Example.com' })).sentTo).toBe('o•••@example.com');
    const check = await desk.send('staff:check', { proof: { method: 'email', to: 'olena.koval@example.com', code: await mailedCode('olena.koval@example.com', before) }, channel: 'service-point' });
    expect(check).toMatchObject({ ok: false, error: { code: 'CITY_CHANNEL_TAKEN', params: { channel: 'online' } } });

    before = smtp.mails.length;
    ok(await desk.send('staff:sendCode', { to: 'petro@example.org' }));
    const proof = { method: 'email' as const, to: 'petro@example.org', code: await mailedCode('petro@example.org', before) };
    ok(await desk.send('staff:cast', { proof, channel: 'paper', ballot: park }));
    const q = await phoneOf(city, clients);
    before = smtp.mails.length;
    ok(await q.send('person:requestCode', { token: q.token, method: 'email', to: 'petro@example.org' }));
    const online = await q.send('person:prove', { token: q.token, proof: { method: 'email', to: 'petro@example.org', code: await mailedCode('petro@example.org', before) } });
    expect(online).toMatchObject({ ok: false, error: { code: 'CITY_CHANNEL_TAKEN', params: { channel: 'paper' } } });
  });
});
