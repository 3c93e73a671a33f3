// Admission and limits on a real server, with every simulated phone on a loopback address of its
// own: the per-address cap against a script with fresh tokens, the hall's changing code, printed
// tickets and a ballot moved to another phone, code guessing slowed down, floods cut off, voiding,
// rotating the facilitator's key, a short key refused at start, an export that no spreadsheet
// runs as formulas, and action ids that do exactly what was asked, once.

import Database from 'better-sqlite3';
import { spawn } from 'node:child_process';
import { get as httpGet } from 'node:http';
import { readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ErrorCode } from '../../shared/forum/errors.js';
import type { Ack, AckError, ConnectRefusal, ConsoleView, Handshake, MeView, Notice, PublicIdea, ScreenView } from '../../shared/protocol.js';
import { bundled } from '../../scripts/process.js';
import { ACTIONS_REMEMBERED } from '../forum/room.js';
import type { ExportResults } from '../http/export.js';
import { DEFAULT_MAX_PER_ADDRESS, type ServerConfig } from '../main.js';
import { FLOOD_CUTOFF } from '../realtime/dispatch.js';
import { DEFAULT_LIMITS } from '../realtime/limits.js';
import { isFormula, parseCsv } from './csv.js';
import {
  ROOT,
  connect,
  connectConsole,
  connectScreen,
  joinPhone,
  newToken,
  ok,
  screenKeyOf,
  startTestServer,
  tempDir,
  type ConnectOptions,
  type TestClient,
  type TestPhone,
  type TestServer,
} from './harness.js';

// ---------------------------------------------------------------- helpers

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Waits (polling) until `test` holds; for what changes on the clock, such as the hall's code. */
async function until(test: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 500; i++) {
    if (test()) return;
    await sleep(20);
  }
  throw new Error(`gave up waiting until ${what}`);
}

/** Expects a refusal with one of `codes`, explained in a sentence; returns it. */
function refusedWith<T>(ack: Ack<T>, ...codes: ErrorCode[]): AckError {
  if (ack.ok) throw new Error(`expected ${codes.join(' or ')}, got ok: ${JSON.stringify(ack.data).slice(0, 200)}`);
  expect(codes).toContain(ack.error.code);
  expect(ack.error.message.length, `the message of ${ack.error.code}`).toBeGreaterThan(10);
  // A sentence, not a message key or a template with a blank left in it.
  expect(ack.error.message).not.toMatch(/^err\.|[{}]/);
  return ack.error;
}

/** Expects the connection to be refused; returns what the refusal carries. */
async function refusedConnection(url: string, auth: Partial<Handshake> & { role: Handshake['role'] }, options: ConnectOptions = {}) {
  let client: TestClient;
  try {
    client = await connect(url, auth, options);
  } catch (err) {
    const data = (err as { data?: ConnectRefusal }).data;
    if (!data) throw err;
    expect(data.message.length, `the message of ${data.code}`).toBeGreaterThan(10);
    return data;
  }
  client.close();
  throw new Error('expected the connection to be refused, it was accepted');
}

interface Device extends TestClient {
  token: string;
}

/**
 * One server for one part of the issue, started before its tests and stopped after them, with
 * every client opened through it closed at the end.
 */
function stage(config: Partial<ServerConfig> = {}) {
  const clients: TestClient[] = [];
  const keep = <T extends TestClient>(c: T): T => (clients.push(c), c);
  const s = {
    server: undefined as unknown as TestServer,
    keep,
    /** A phone that has connected (with a token of its own) but not joined. */
    async device(options: { localAddress?: string; lang?: Handshake['lang']; url?: string } = {}): Promise<Device> {
      const token = newToken();
      const c = keep(await connect(options.url ?? s.server.socketUrl, { role: 'phone', token, ...(options.lang ? { lang: options.lang } : {}) }, { localAddress: options.localAddress }));
      await c.next('me');
      return Object.assign(c, { token });
    },
    /** A phone that has joined with the code in force. */
    async phone(name = '', localAddress?: string): Promise<TestPhone> {
      return keep(await joinPhone(s.server, name, false, localAddress));
    },
    async console(): Promise<TestClient> {
      return keep(await connectConsole(s.server));
    },
    /** Moves the forum along the given phases, from the console. */
    async to(admin: TestClient, ...phases: ('ideas' | 'review' | 'voting' | 'results')[]) {
      for (const to of phases) ok(await admin.send('phase:set', { to }));
    },
  };
  beforeAll(async () => {
    s.server = await startTestServer(config);
  });
  afterAll(async () => {
    for (const c of clients) c.close();
    await s.server?.stop();
  });
  return s;
}

/** The status of a GET sent from a loopback address of the test's choosing (fetch cannot choose one). */
const statusFrom = (localAddress: string, url: string, headers: Record<string, string>) =>
  new Promise<number>((resolve, reject) => {
    const req = httpGet(url, { localAddress, headers }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', reject);
  });

const askToJoin = (device: Device, code: string, name?: string) =>
  device.send('participant:join', { code, token: device.token, ...(name === undefined ? {} : { name }) });

const exportJson = async (server: TestServer): Promise<ExportResults> => {
  const res = await fetch(`${server.url}/api/export.json`, { headers: { 'x-facilitator-key': server.facilitatorKey } });
  expect(res.status).toBe(200);
  return (await res.json()) as ExportResults;
};

// ---------------------------------------------------------------- 1. the per-address cap

describe('the per-address cap', () => {
  const s = stage();
  /** Crowd addresses, apart from the harness's own 127.1.x.y. */
  const crowdAddress = (i: number) => `127.3.${i >> 8}.${(i & 255) + 1}`;

  it('200 fresh tokens from one address join at most the cap; 200 phones from 200 addresses all join', async () => {
    const admin = await s.console();
    const script = '127.2.0.1';
    // A script reusing as many connections as the address may open at once, each asking to join
    // with a new token every time (one holding a ballot is then refused CONNECTION_HAS_BALLOT).
    const sockets = await Promise.all(Array.from({ length: 20 }, () => s.device({ localAddress: script })));
    const acks = await Promise.all(
      Array.from({ length: 200 }, (_, i) => sockets[i % sockets.length].send('participant:join', { code: s.server.joinCode, token: newToken() })),
    );
    expect(acks.filter((a) => a.ok)).toHaveLength(DEFAULT_MAX_PER_ADDRESS);
    const refusals = acks.filter((a) => !a.ok).map((a) => refusedWith(a, 'ADDRESS_LIMIT', 'RATE_LIMITED', 'CONNECTION_HAS_BALLOT'));
    expect(new Set(refusals.map((e) => e.code))).toEqual(new Set(['ADDRESS_LIMIT', 'RATE_LIMITED', 'CONNECTION_HAS_BALLOT']));
    const addressLimit = refusals.find((e) => e.code === 'ADDRESS_LIMIT')!;
    expect(addressLimit.params).toEqual({ max: DEFAULT_MAX_PER_ADDRESS });
    // In the phone's language, Ukrainian unless it asked for another.
    expect(addressLimit.message).toMatch(/[а-яіїєґ]/i);
    expect(addressLimit.message).toContain(String(DEFAULT_MAX_PER_ADDRESS));
    expect(refusals.find((e) => e.code === 'RATE_LIMITED')?.params?.seconds).toBeGreaterThan(0);

    const crowd = await Promise.all(Array.from({ length: 200 }, (_, i) => s.phone(`Мешканка ${i + 1}`, crowdAddress(i))));
    expect(new Set(crowd.map((p) => p.me.participantId)).size).toBe(200);

    const view = await admin.next<ConsoleView>('console', (v) => v.joined === 200 + DEFAULT_MAX_PER_ADDRESS);
    expect(view.participants.filter((p) => p.address === script)).toHaveLength(DEFAULT_MAX_PER_ADDRESS);
    expect(new Set(view.participants.filter((p) => p.address.startsWith('127.3.')).map((p) => p.address)).size).toBe(200);
    expect(view.admission.sharedAddresses).toEqual([{ address: script, participants: DEFAULT_MAX_PER_ADDRESS }]);
    expect(view.admission.refused.addressLimit).toBeGreaterThan(0);
    expect(view.admission.refused.rateLimited).toBeGreaterThan(0);
    expect(s.server.room.state.participants.size).toBe(200 + DEFAULT_MAX_PER_ADDRESS);
  });

  it('a connection holds one ballot: a new token on a joined connection, or on one that waits, makes no participant', async () => {
    const joined = s.keep(await joinPhone(s.server, 'Ліда'));
    const before = s.server.room.state.participants.size;
    const again = await joined.send('participant:join', { code: s.server.joinCode, token: newToken() });
    expect(refusedWith(again, 'CONNECTION_HAS_BALLOT').message).toMatch(/^Ця сторінка вже має голос або чекає на нього/);
    expect(s.server.room.state.participants.size).toBe(before);
    // Its own token still gets its ballot back, as a reload does.
    expect(ok(await joined.send('participant:join', { code: '', token: joined.token })).me.participantId).toBe(joined.me.participantId);

    // A device waiting for the facilitator (joining paused) cannot queue another token either.
    const admin = await s.console();
    ok(await admin.send('admission:pause', {}));
    try {
      const waiting = await s.device({ lang: 'en' });
      expect(refusedWith(await waiting.send('participant:join', { code: s.server.joinCode, token: waiting.token }), 'AWAITING_APPROVAL').code).toBe('AWAITING_APPROVAL');
      const other = await waiting.send('participant:join', { code: s.server.joinCode, token: newToken() });
      expect(refusedWith(other, 'CONNECTION_HAS_BALLOT').message).toMatch(/^This page already holds a ballot/);
      expect((await admin.next<ConsoleView>('console', (v) => v.admission.waitingCount === 1)).admission.waiting).toHaveLength(1);
    } finally {
      ok(await admin.send('admission:refuse', {}));
      ok(await admin.send('admission:resume', {}));
    }
  });
});

// ---------------------------------------------------------------- 2. the hall's changing code

describe('the hall mode', () => {
  const PERIOD_MS = 200;
  const s = stage({ admission: 'hall', hallCodePeriodMs: PERIOD_MS });

  /** The hall code of the period `ago` periods before the current one. */
  const codeFrom = (ago: number) => s.server.admission.hallCode(s.server.admission.period(Date.now()) - ago);

  /** A code from long before the codes still remembered, and equal to none of them. */
  function forgottenCode(): string {
    const recent = new Set(Array.from({ length: 130 }, (_, i) => codeFrom(i)));
    for (let ago = 200; ; ago++) if (!recent.has(codeFrom(ago))) return codeFrom(ago);
  }

  it('admits the code on the projector, and the last few; an old code has expired, a made-up one is wrong', async () => {
    expect(s.server.joinCode).toMatch(/^\d{6}$/);
    ok(await askToJoin(await s.device(), s.server.joinCode));
    ok(await askToJoin(await s.device(), codeFrom(1)));

    const late = await s.device({ lang: 'en' });
    const expired = refusedWith(await askToJoin(late, codeFrom(6)), 'CODE_EXPIRED');
    expect(expired.message).toMatch(/^This code has expired/);
    refusedWith(await askToJoin(await s.device(), codeFrom(100)), 'CODE_EXPIRED');
    // Beyond the codes remembered it is just wrong, as is a made-up code.
    refusedWith(await askToJoin(await s.device(), forgottenCode()), 'WRONG_CODE');
    refusedWith(await askToJoin(await s.device(), '012345'), 'WRONG_CODE');
    refusedWith(await askToJoin(await s.device(), '1234'), 'WRONG_CODE');
    expect(s.server.room.state.participants.size).toBe(2);
  });

  it('a phone that joined keeps its ballot after the code has changed', async () => {
    const code = s.server.joinCode;
    const phone = await s.device();
    const me = ok(await askToJoin(phone, code, 'Олена')).me;
    await until(() => s.server.admission.checkHallCode(code, Date.now()) === 'expired', 'the code has expired');

    expect(ok(await phone.send('participant:rename', { name: 'Олена К.' })).me).toMatchObject({ participantId: me.participantId, name: 'Олена К.' });
    // Asking again from the same device needs no code at all.
    expect(ok(await askToJoin(phone, code)).me.participantId).toBe(me.participantId);
    phone.close();
    const back = s.keep(await connect(s.server.socketUrl, { role: 'phone', token: phone.token }));
    expect(await back.next<MeView | null>('me')).toMatchObject({ participantId: me.participantId, name: 'Олена К.' });
    ok(await back.send('participant:rename', { name: 'Олена' }));
    // A newcomer with that code is too late.
    refusedWith(await askToJoin(await s.device(), code), 'CODE_EXPIRED');
  });

  it('the projector is sent each new code; without its key, nobody sees it', async () => {
    const screen = s.keep(await connectScreen(s.server));
    const first = await screen.next<ScreenView>('screen');
    expect(first.rotation).toEqual({ nextAt: expect.any(Number) as number, periodMs: PERIOD_MS });
    const next = await screen.next<ScreenView>('screen', (v) => v.joinCode !== first.joinCode);
    expect(next.joinCode).toMatch(/^\d{6}$/);
    expect(next.joinUrl).toBe(`http://viche.test:9/f/${s.server.slug}/?c=${next.joinCode}`);
    expect(s.server.admission.checkHallCode(next.joinCode, Date.now())).toBe('valid');

    // Other addresses than the consoles', so these failures slow no one else down.
    expect((await refusedConnection(s.server.socketUrl, { role: 'screen' }, { localAddress: '127.0.0.2' })).code).toBe('FORBIDDEN');
    const wrong = await refusedConnection(s.server.socketUrl, { role: 'screen', key: 'not-the-key', lang: 'en' }, { localAddress: '127.0.0.3' });
    expect(wrong.code).toBe('FORBIDDEN');
    expect(wrong.message).toMatch(/facilitator/);
  });

  it('a closed forum shows no code, on the projector or the console, and works none out', async () => {
    const admin = await s.console();
    const screen = s.keep(await connectScreen(s.server));
    const open = await screen.next<ScreenView>('screen');
    expect(open.joinCode).toMatch(/^\d{6}$/);
    await s.to(admin, 'ideas', 'review', 'voting', 'results');
    ok(await admin.send('phase:set', { to: 'closed' }));
    const closed = await screen.next<ScreenView>('screen', (v) => v.forum.phase === 'closed');
    expect(closed).toMatchObject({ joinCode: '', rotation: null, joinUrl: `http://viche.test:9/f/${s.server.slug}/` });
    const consoleView = await admin.next<ConsoleView>('console', (v) => v.forum.phase === 'closed');
    expect(consoleView).toMatchObject({ joinCode: '', rotation: null });
    // Periods go by: whatever the projector is sent still carries no code.
    const since = screen.mark();
    const period = s.server.admission.period(Date.now());
    await until(() => s.server.admission.period(Date.now()) >= period + 3, 'three periods have passed');
    await sleep(PERIOD_MS);
    const later = screen.received.slice(since).filter((r) => r.event === 'screen' || r.event === 'screen:patch');
    expect(JSON.stringify(later)).not.toMatch(/joinCode":"\d|rotation":\{/);
    expect(s.server.joinCode).toBe('');
    // The code the projector showed last is no way in now: the forum says it is closed.
    const late = refusedWith(await askToJoin(await s.device(), codeFrom(0)), 'WRONG_PHASE');
    expect(late.message).toMatch(/заверш/i);
  });
});

// ---------------------------------------------------------------- 3. printed tickets

describe('the tickets mode', () => {
  const s = stage({ admission: 'tickets' });
  let admin: TestClient;
  let codes: string[];
  let first: Device;
  let second: Device;
  let firstMe: MeView;

  it('the console issues tickets in batches; a ticket works once', async () => {
    admin = await s.console();
    expect(ok(await admin.send('tickets:issue', { count: 3 }))).toEqual({ batch: 1, count: 3 });
    expect(ok(await admin.send('tickets:issue', { count: 2 }))).toEqual({ batch: 2, count: 2 });
    refusedWith(await admin.send('tickets:issue', { count: 0 }), 'BAD_INPUT');
    const tickets = [...s.server.room.state.tickets.values()].sort((a, b) => a.number - b.number);
    expect(tickets.map((t) => [t.number, t.batch])).toEqual([[1, 1], [2, 1], [3, 1], [4, 2], [5, 2]]);
    codes = tickets.map((t) => t.code);
    expect(new Set(codes).size).toBe(5);
    for (const code of codes) expect(code).toMatch(/^[1-9]\d{9}$/);

    first = await s.device();
    firstMe = ok(await askToJoin(first, codes[0], 'Олена')).me;
    second = await s.device({ lang: 'en' });
    const used = refusedWith(await askToJoin(second, codes[0]), 'TICKET_USED');
    expect(used.message).toMatch(/used on another phone/);
    refusedWith(await askToJoin(second, s.server.room.state.joinCode), 'WRONG_CODE');
    refusedWith(await askToJoin(second, '9999999999'), 'WRONG_CODE');
    expect(s.server.room.state.participants.size).toBe(1);
  });

  it('released, the ticket moves the same ballot to the new phone, and the old phone is let go', async () => {
    const other = await s.device();
    ok(await askToJoin(other, codes[1]));
    await s.to(admin, 'ideas');
    const { ideaId: own } = ok(await first.send('idea:submit', { priorityCode: '1', title: 'Лавки в парку' }));
    const { ideaId: theirs } = ok(await other.send('idea:submit', { priorityCode: '1', title: 'Ліхтарі' }));
    await s.to(admin, 'review', 'voting');
    ok(await first.send('dot:place', { ideaId: theirs }));
    const before = ok(await first.send('dot:place', { ideaId: own })).me;
    expect(before.dots).toEqual({ [own]: 1, [theirs]: 1 });

    expect(ok(await admin.send('tickets:release', { code: codes[0] }))).toEqual({ number: 1 });
    const mark = first.mark();
    const moved = ok(await askToJoin(second, codes[0])).me;
    expect(moved).toEqual(before);
    expect(moved.participantId).toBe(firstMe.participantId);
    expect(moved.name).toBe('Олена');
    expect(moved.ideas.map((i) => i.id)).toEqual([own]);

    expect(await first.next<MeView | null>('me', (m) => m === null, mark)).toBeNull();
    refusedWith(await first.send('dot:place', { ideaId: theirs }), 'NOT_JOINED');
    refusedWith(await askToJoin(first, codes[0]), 'TICKET_USED');
    // The ballot carries on from the new phone.
    expect(ok(await second.send('dot:place', { ideaId: theirs })).me.dots).toEqual({ [own]: 1, [theirs]: 2 });
    // The old phone's token is nobody's any more.
    first.close();
    const oldPhone = s.keep(await connect(s.server.socketUrl, { role: 'phone', token: first.token }));
    expect(await oldPhone.next<MeView | null>('me')).toBeNull();

    const view = await admin.next<ConsoleView>('console', (v) => v.admission.tickets.used === 2 && v.participants.some((p) => p.dots === 3));
    expect(view.participants).toHaveLength(2);
    expect(view.participants.find((p) => p.id === firstMe.participantId)).toMatchObject({ ticketNumber: 1, dots: 3, voided: null });
    expect(view.admission.tickets).toMatchObject({ issued: 5, used: 2, released: 0 });
    expect(view.moderation.at(-1)).toMatchObject({ action: 'releaseTicket', participantId: firstMe.participantId });
  });
});

// ---------------------------------------------------------------- 4. guessing codes

describe('guessing codes', () => {
  const s = stage();

  it('a handful of wrong codes from one address, then RATE_LIMITED, even for the right code; other addresses still join', async () => {
    const address = '127.4.0.1';
    const right = Number(s.server.joinCode);
    let limited: AckError | undefined;
    let tries = 0;
    let guesser = await s.device({ localAddress: address, lang: 'en' });
    while (!limited && tries < 30) {
      tries++;
      // A fresh connection every third guess: the address is the guesser, not the connection.
      if (tries % 3 === 0) guesser = await s.device({ localAddress: address, lang: 'en' });
      const wrong = String(100000 + ((right - 100000 + tries) % 900000));
      const error = refusedWith(await askToJoin(guesser, wrong), 'WRONG_CODE', 'RATE_LIMITED');
      if (error.code === 'RATE_LIMITED') limited = error;
    }
    expect(limited, 'refused for going too fast').toBeDefined();
    expect(tries).toBeGreaterThan(3);
    expect(tries).toBeLessThanOrEqual(12);
    expect(limited!.params?.seconds).toBeGreaterThan(0);
    expect(limited!.message).toMatch(/^Too many attempts in a row\. Try again in \d+ s\.$/);

    refusedWith(await askToJoin(guesser, s.server.joinCode), 'RATE_LIMITED');
    // A new device at the same address is the same guesser.
    refusedWith(await askToJoin(await s.device({ localAddress: address }), s.server.joinCode), 'RATE_LIMITED');
    expect(s.server.room.state.participants.size).toBe(0);

    const neighbour = await s.phone('Сусідка');
    expect(neighbour.me.name).toBe('Сусідка');
    expect(s.server.room.state.participants.size).toBe(1);
  });

  describe('once the wait is over', () => {
    // Wrong codes earned back twice a second, so that the wait is short enough to sit out.
    const fast = stage({ limits: { wrongCodesPerAddress: { burst: 3, perSecond: 2 } } });

    it('the right code gets in', async () => {
      const guesser = await fast.device();
      let error: AckError;
      do error = refusedWith(await askToJoin(guesser, '000000'), 'WRONG_CODE', 'RATE_LIMITED');
      while (error.code === 'WRONG_CODE');
      refusedWith(await askToJoin(guesser, fast.server.joinCode), 'RATE_LIMITED');
      await sleep(Number(error.params?.seconds) * 1000 + 100);
      expect(ok(await askToJoin(guesser, fast.server.joinCode)).me.voided).toBeNull();
    });
  });
});

describe('250 guessing addresses beside an honest hall', () => {
  /**
   * Guessers on addresses of their own (127.5.x.y) send wrong codes to both forums of the server
   * until every one of them is slowed; meanwhile and afterwards honest phones, each on its own
   * address or all behind one shared address, join forum 1 with the code on its projector. Each
   * must get in at its first try: other people's wrong codes never refuse a right one.
   */
  const guessAndJoin = async (s: ReturnType<typeof stage>, honestAddress: (i: number) => string, guesserAddress: (i: number) => string, maxWrong: number) => {
    const first = s.server.forums.primary()!;
    const firstUrl = s.server.socketUrl;
    const second = await s.server.forums.create({ title: 'Форум 2', structure: first.room.state.structure, admission: 'hall' });
    const forum1 = { socketUrl: firstUrl, code: () => first.attached.admission.joinInfo(Date.now()).joinCode };
    const forum2 = { socketUrl: `${s.server.url}/f/${second.room.record.slug}`, code: () => second.attached.admission.joinInfo(Date.now()).joinCode };
    const guessers: Device[] = [];
    for (let i = 0; i < 250; i++) {
      const token = newToken();
      const url = i % 2 ? forum2.socketUrl : forum1.socketUrl;
      const c = s.keep(await connect(url, { role: 'phone', token }, { localAddress: guesserAddress(i) }));
      guessers.push(Object.assign(c, { token }));
    }
    /**
     * A wrong code for the forum a guesser is in: never one its projector showed in the last two
     * minutes (still valid or just expired) or shows next. The current code alone was not enough:
     * 3,000 guesses hit one of the three earlier codes about once in a hundred runs.
     */
    const wrongFor = (i: number, n: number) => {
      const forum = i % 2 ? second : first;
      const right = Number(forum.attached.admission.joinInfo(Date.now()).joinCode);
      let guess = 100000 + ((right - 100000 + 1000 + n * 7919 + i) % 900000);
      const known = (now: number) => forum.attached.admission.checkHallCode(String(guess), now) !== 'wrong';
      while (known(Date.now()) || known(Date.now() + forum.attached.admission.periodMs)) guess = 100000 + ((guess - 100000 + 1) % 900000);
      return String(guess);
    };
    const guessing = Promise.all(
      guessers.map(async (g, i) => {
        const codes: string[] = [];
        for (let n = 0; n < 12; n++) {
          const ack = await askToJoin(g, wrongFor(i, n));
          codes.push(ack.ok ? 'ok' : ack.error.code);
        }
        return codes;
      }),
    );
    const honest: Promise<Ack<{ me: MeView }>>[] = [];
    for (let i = 0; i < 20; i++) {
      const device = await s.device({ localAddress: honestAddress(i), url: firstUrl });
      honest.push(askToJoin(device, forum1.code(), `Мешканка ${i + 1}`) as Promise<Ack<{ me: MeView }>>);
    }
    const tried = await guessing;
    // Once the guessing is over and every guesser is slowed, honest phones still get in at once.
    for (let i = 20; i < 30; i++) {
      const device = await s.device({ localAddress: honestAddress(i), url: firstUrl });
      honest.push(askToJoin(device, forum1.code(), `Мешканка ${i + 1}`) as Promise<Ack<{ me: MeView }>>);
    }
    const acks = await Promise.all(honest);
    expect(acks.map((a) => (a.ok ? 'ok' : a.error.code))).toEqual(new Array(30).fill('ok'));
    // Every guesser was refused, and slowed after a few wrong codes.
    for (const codes of tried) {
      expect(codes).not.toContain('ok');
      expect(codes.at(-1)).toBe('RATE_LIMITED');
      expect(codes.filter((c) => c === 'WRONG_CODE').length).toBeLessThanOrEqual(maxWrong);
    }
    expect(first.room.state.participants.size).toBe(30);
    expect(second.room.state.participants.size).toBe(0);
    // The console counts what was tried against its forum.
    const admin = s.keep(await connectConsole({ url: s.server.url, socketUrl: firstUrl, facilitatorKey: s.server.facilitatorKey }));
    const view = await admin.next<ConsoleView>('console');
    expect(view.admission.refused.wrongCode).toBeGreaterThan(0);
  };

  describe('with the per-address cap on (the default), every phone on its own address', () => {
    const s = stage({ admission: 'hall' });
    it('the 30 honest phones all join at their first try; each guesser is slowed after at most 8 wrong codes', async () => {
      await guessAndJoin(
        s,
        (i) => `127.6.0.${i + 1}`,
        (i) => `127.5.${i >> 8}.${(i & 255) + 1}`,
        8,
      );
    });
  });

  describe('with the cap off (a venue behind one address), guessers and honest phones on one address', () => {
    const s = stage({ admission: 'hall', maxPerAddress: 0 });
    it('the 30 honest phones all join at their first try; each guessing connection is slowed after at most 5 wrong codes', async () => {
      // The venue's one address, shared by everybody: 250 guessing connections and the hall.
      await guessAndJoin(
        s,
        () => '127.7.0.1',
        () => '127.7.0.1',
        5,
      );
    });
  });
});

// ---------------------------------------------------------------- 5. floods

describe('a flood of commands', () => {
  const s = stage({ ideaPatchMs: 1000 });
  let admin: TestClient;
  let author: TestPhone;
  let ideaId: string;

  it('a participant’s accepted idea changes are limited: RATE_LIMITED after the burst', async () => {
    admin = await s.console();
    author = await s.phone('Авторка');
    await s.to(admin, 'ideas');
    ideaId = ok(await author.send('idea:submit', { priorityCode: '1', title: 'Сквер' })).ideaId;
    const acks = [];
    for (let i = 1; i <= 20; i++) acks.push(await author.send('idea:edit', { ideaId, title: `Сквер, редакція ${i}` }));
    const accepted = acks.findIndex((a) => !a.ok);
    expect(accepted).toBeGreaterThanOrEqual(8);
    expect(accepted).toBeLessThan(20);
    for (const a of acks.slice(accepted)) expect(refusedWith(a, 'RATE_LIMITED').params?.seconds).toBeGreaterThan(0);
    // What was refused changed nothing: the idea has the last accepted text.
    expect(s.server.room.state.ideas.get(ideaId)?.title).toBe(`Сквер, редакція ${accepted}`);
  });

  it('60 edits sent at once: exactly the burst is accepted, and refused attempts cost nothing', async () => {
    const writer = await s.phone('Одночасна');
    const burst = DEFAULT_LIMITS.ideaChangesPerParticipant.burst;
    const own = ok(await writer.send('idea:submit', { priorityCode: '1', title: 'Лавки' })).ideaId;
    // One attempt the rules refuse (someone else's idea) before the burst: it must not count.
    refusedWith(await writer.send('idea:edit', { ideaId, title: 'Чуже' }), 'FORBIDDEN', 'NOT_AUTHOR');
    const acks = await Promise.all(Array.from({ length: 60 }, (_, i) => writer.send('idea:edit', { ideaId: own, title: `Лавки ${i}` })));
    const accepted = acks.filter((a) => a.ok).length;
    // The submit took one token of the burst; the refused edit none.
    expect(accepted).toBe(burst - 1);
    for (const a of acks.filter((x) => !x.ok)) refusedWith(a, 'RATE_LIMITED');
  });

  it('one phone sending as fast as it can is refused and then cut off; another phone’s votes go through meanwhile', async () => {
    const flooder = await s.phone('Скрипт');
    const bystander = await s.phone('Виборець');
    await s.to(admin, 'review', 'voting');

    const codes = new Map<string, number>();
    let rateLimited: AckError | undefined;
    const cut = new Promise<string>((resolve) => flooder.socket.once('disconnect', (reason: string) => resolve(reason)));
    for (let i = 0; i < 2000; i++) {
      flooder.socket.emit('dot:place', { ideaId }, (ack: Ack<unknown>) => {
        const code = ack.ok ? 'ok' : ack.error.code;
        codes.set(code, (codes.get(code) ?? 0) + 1);
        if (!ack.ok && ack.error.code === 'RATE_LIMITED') rateLimited ??= ack.error;
      });
    }
    const vote = await bystander.send('dot:place', { ideaId });
    expect(ok(vote).me.dots).toEqual({ [ideaId]: 1 });

    expect(await cut).toBe('io server disconnect');
    expect(rateLimited?.params?.seconds).toBeGreaterThan(0);
    expect(rateLimited?.message.length).toBeGreaterThan(10);
    expect(codes.get('RATE_LIMITED')).toBeGreaterThanOrEqual(FLOOD_CUTOFF - 1);
    // The rules still held for what got through: at most two dots on one idea. (Acks wait for their
    // batch to reach the disk, so the connection may be cut before the last of them goes out.)
    expect(codes.get('ok') ?? 0).toBeLessThanOrEqual(2);
    expect(s.server.room.state.dots.get(flooder.me.participantId)?.get(ideaId)).toBe(2);
    expect(codes.get('CAP_EXCEEDED')).toBeGreaterThan(0);
    const total = [...codes.values()].reduce((a, b) => a + b, 0);
    expect(total).toBeLessThan(2000);
    expect(s.server.room.state.dots.get(flooder.me.participantId)).toEqual(new Map([[ideaId, 2]]));

    // The hall carries on.
    expect(ok(await bystander.send('dot:place', { ideaId })).me.dots).toEqual({ [ideaId]: 2 });
  });

  describe('the idea wall', () => {
    // Edits limited generously here, so that all 30 are accepted and only the coalescing is looked at.
    const wall = stage({ ideaPatchMs: 1000, limits: { ideaChangesPerParticipant: { burst: 100, perSecond: 1 } } });

    it('30 edits in a row reach another phone watching the priority as a few changes, the last with the final text', async () => {
      const admin = await wall.console();
      const writer = await wall.phone('Авторка');
      const reader = await wall.phone('Читач');
      await wall.to(admin, 'ideas');
      const { ideaId } = ok(await writer.send('idea:submit', { priorityCode: '2', title: 'Велодоріжка' }));
      ok(await reader.send('wall:watch', { priorityCode: '2', query: '', pages: 1 }));
      await reader.next<{ upserts: PublicIdea[] }>('wall:page', (p) => p.upserts.some((i) => i.id === ideaId));

      const mark = reader.mark();
      for (let i = 1; i <= 30; i++) ok(await writer.send('idea:edit', { ideaId, title: `Велодоріжка ${i}`, place: `Вулиця ${i}` }));
      await reader.next<{ upserts: PublicIdea[] }>('wall:page', (p) => p.upserts.some((i) => i.id === ideaId && i.title === 'Велодоріжка 30'), mark);

      const patches = reader.received
        .slice(mark)
        .filter((r) => r.event === 'wall:page')
        .map((r) => r.args[0] as { upserts: PublicIdea[]; removed: string[] });
      expect(patches.length).toBeGreaterThanOrEqual(1);
      expect(patches.length).toBeLessThanOrEqual(3);
      expect(patches.at(-1)?.upserts).toEqual([expect.objectContaining({ id: ideaId, title: 'Велодоріжка 30', place: 'Вулиця 30' })]);
      expect(patches.every((p) => p.removed.length === 0)).toBe(true);
    });
  });
});

// ---------------------------------------------------------------- 6. voiding

describe('voiding a participant', () => {
  const s = stage();

  it('takes their dots off, hides their ideas with the reason, refuses their phone, logs it and exports it', async () => {
    const admin = await s.console();
    const voter = await s.phone('Підозрілий');
    const anna = await s.phone('Анна');
    const borys = await s.phone('Борис');
    await s.to(admin, 'ideas');
    const { ideaId: theirs } = ok(await voter.send('idea:submit', { priorityCode: '1', title: 'Реклама магазину' }));
    const { ideaId: annas } = ok(await anna.send('idea:submit', { priorityCode: '1', title: 'Лавки' }));
    await s.to(admin, 'review', 'voting');
    ok(await borys.send('wall:watch', { priorityCode: '1', query: '', pages: 1 }));
    for (let i = 0; i < 2; i++) ok(await voter.send('dot:place', { ideaId: annas }));
    ok(await anna.send('dot:place', { ideaId: theirs }));
    ok(await anna.send('dot:place', { ideaId: annas }));
    for (let i = 0; i < 2; i++) ok(await borys.send('dot:place', { ideaId: theirs }));
    ok(await borys.send('dot:place', { ideaId: annas }));
    await admin.next<ConsoleView>('console', (v) => v.dotsPerPriority['1'] === 7);

    const marks = [voter, anna, borys, admin].map((c) => c.mark());
    const reason = 'Голосував за сусідів';
    const id = voter.me.participantId;
    expect(ok(await admin.send('participant:void', { participantId: id, reason }))).toEqual({ dotsRemoved: 2, ideasHidden: 1 });

    const view = await admin.next<ConsoleView>('console', (v) => v.participants.some((p) => p.voided === reason), marks[3]);
    // Their two dots on Anna's idea and the three others put on theirs are gone from the tallies.
    expect(view.dotsPerPriority['1']).toBe(2);
    expect(view.joined).toBe(2);
    expect(view.participants.find((p) => p.id === id)).toMatchObject({ voided: reason, dots: 0 });
    expect(view.participants.find((p) => p.id === anna.me.participantId)?.dots).toBe(1);
    expect(view.participants.find((p) => p.id === borys.me.participantId)?.dots).toBe(1);
    expect(view.ideas.find((i) => i.id === theirs)).toMatchObject({ status: 'hidden', hiddenReason: reason });
    expect(view.ideas.find((i) => i.id === annas)).toMatchObject({ status: 'active', hiddenReason: null });
    expect(view.moderation.at(-1)).toMatchObject({ action: 'void', participantId: id, reason, ideaId: null });

    // The voided phone is told, in a notice and in its own view.
    const notice = await voter.next<Notice>('notice', (n) => n.code === 'VOIDED', marks[0]);
    expect(notice.message).toContain(reason);
    const voidedMe = await voter.next<MeView | null>('me', (m) => m?.voided != null, marks[0]);
    expect(voidedMe?.voided).toEqual({ reason });
    expect(voidedMe?.dots).toEqual({});
    // The others are given their dots back, and the idea leaves every phone's wall.
    await anna.next<Notice>('notice', (n) => n.code === 'DOTS_REFUNDED', marks[1]);
    expect(await borys.next<MeView | null>('me', (m) => m !== null && !(theirs in m.dots), marks[2])).toMatchObject({ dots: { [annas]: 1 } });
    await borys.next<{ removed: string[] }>('wall:page', (p) => p.removed.includes(theirs), marks[2]);

    // Whatever the phone tries now is refused, joining again with its token included.
    for (const ack of [
      await voter.send('dot:place', { ideaId: annas }),
      await voter.send('participant:rename', { name: 'Інше імʼя' }),
      await voter.send('participant:join', { code: s.server.joinCode, token: voter.token }),
    ]) {
      expect(refusedWith(ack, 'VOIDED').params).toEqual({ reason });
    }
    voter.close();
    const back = s.keep(await connect(s.server.socketUrl, { role: 'phone', token: voter.token, lang: 'en' }));
    expect(await back.next<MeView | null>('me')).toMatchObject({ voided: { reason } });
    const inEnglish = refusedWith(await back.send('dot:place', { ideaId: annas }), 'VOIDED').message;
    expect(inEnglish).toMatch(/^The facilitator voided/);
    expect(inEnglish).toContain(reason);
    refusedWith(await admin.send('participant:void', { participantId: id, reason: 'Ще раз' }), 'ALREADY_VOIDED');

    const data = await exportJson(s.server);
    expect(data.voided).toEqual([{ name: 'Підозрілий', reason, at: expect.any(String) as string }]);
    expect(data.turnout).toMatchObject({ joined: 2, voided: 1 });
    const ideas = data.priorities.find((p) => p.code === '1')!.ideas;
    expect(ideas.find((i) => i.id === theirs)).toMatchObject({ status: 'hidden', hiddenReason: reason, dots: 0, rank: null });
    expect(ideas.find((i) => i.id === annas)).toMatchObject({ status: 'active', dots: 2, supporters: 2, rank: 1 });
  });
});

// ---------------------------------------------------------------- 7. the facilitator's key

describe('rotating the facilitator’s key', () => {
  const s = stage();

  it('disconnects every console with the old key; the old key and old grants stop working, the new key works', async () => {
    const admin = await s.console();
    const other = await s.console();
    await s.to(admin, 'ideas', 'review', 'voting');
    const { grant } = ok(await admin.send('export:grant', {}));
    expect((await fetch(`${s.server.url}/api/export.json?grant=${grant}`)).status).toBe(200);

    const oldKey = s.server.facilitatorKey;
    const dropped = [admin, other].map((c) => new Promise<string>((resolve) => c.socket.once('disconnect', (reason: string) => resolve(reason))));
    const { key } = ok(await admin.send('facilitator:rotateKey', {}));
    expect(key).not.toBe(oldKey);
    expect(key.length).toBeGreaterThanOrEqual(16);
    expect(s.server.facilitatorKey).toBe(key);
    expect(await Promise.all(dropped)).toEqual(['io server disconnect', 'io server disconnect']);

    expect((await refusedConnection(s.server.socketUrl, { role: 'console', key: oldKey })).code).toBe('FORBIDDEN');
    const renewed = s.keep(await connectConsole({ url: s.server.url, socketUrl: s.server.socketUrl, facilitatorKey: key }));
    expect((await renewed.next<ConsoleView>('console')).forum.phase).toBe('voting');

    const exportWith = (headers: Record<string, string>, query = '') => fetch(`${s.server.url}/api/export.json${query}`, { headers });
    expect((await exportWith({ 'x-facilitator-key': oldKey })).status).toBe(403);
    expect((await exportWith({ 'x-facilitator-key': key })).status).toBe(200);
    expect((await exportWith({}, `?grant=${grant}`)).status).toBe(403);
    const fresh = ok(await renewed.send('export:grant', {}));
    expect((await exportWith({}, `?grant=${fresh.grant}`)).status).toBe(200);
  });

  it('after 5 wrong keys from one address further wrong ones are slowed there, while the right key always passes', async () => {
    const guesser = { localAddress: '127.0.0.8' };
    for (let i = 0; i < 5; i++) {
      expect((await refusedConnection(s.server.socketUrl, { role: 'console', key: `guess-number-${i}` }, guesser)).code).toBe('FORBIDDEN');
    }
    const slowed = await refusedConnection(s.server.socketUrl, { role: 'console', key: 'guess-number-6', lang: 'en' }, guesser);
    expect(slowed.code).toBe('RATE_LIMITED');
    expect(slowed.retryAfter).toBeGreaterThan(0);
    expect(slowed.message).toMatch(/^Too many attempts/);
    // A wrong projector key or host invitation from there is slowed the same way.
    expect((await refusedConnection(s.server.socketUrl, { role: 'screen', key: 'guess-screen-key' }, guesser)).code).toBe('RATE_LIMITED');
    expect((await refusedConnection(s.server.socketUrl, { role: 'host', key: 'guess-host-secret' }, guesser)).code).toBe('RATE_LIMITED');
    expect(await statusFrom('127.0.0.8', `${s.server.url}/api/export.json`, { 'x-facilitator-key': 'guess-number-7' })).toBe(429);

    // The facilitator behind the same address (a venue's NAT) is never locked out: console,
    // projector, the forum list and a download all take the right key at once.
    const same = s.keep(await connect(s.server.socketUrl, { role: 'console', key: s.server.facilitatorKey }, guesser));
    expect((await same.next<ConsoleView>('console')).forum.phase).toBe('voting');
    const screen = s.keep(await connect(s.server.socketUrl, { role: 'screen', key: screenKeyOf(s.server.screenUrl) }, guesser));
    expect((await screen.next<ScreenView>('screen')).forum.phase).toBe('voting');
    const list = s.keep(await connect(`${s.server.url}/`, { role: 'console', key: s.server.facilitatorKey }, guesser));
    expect(await list.next('forums')).toBeTruthy();
    expect(await statusFrom('127.0.0.8', `${s.server.url}/api/export.json`, { 'x-facilitator-key': s.server.facilitatorKey })).toBe(200);
  });

  it('a right key passes from an address whose phones used up its new connections', async () => {
    // A guest network shared by the facilitator's laptop and a script opening phone connections.
    const shared = { localAddress: '127.0.0.10' };
    for (let i = 0; i < 20; i++) s.keep(await connect(s.server.socketUrl, { role: 'phone' }, shared));
    expect((await refusedConnection(s.server.socketUrl, { role: 'phone' }, shared)).code).toBe('RATE_LIMITED');
    const console = s.keep(await connect(s.server.socketUrl, { role: 'console', key: s.server.facilitatorKey }, shared));
    expect((await console.next<ConsoleView>('console')).forum.phase).toBeTruthy();
    const screen = s.keep(await connect(s.server.socketUrl, { role: 'screen', key: screenKeyOf(s.server.screenUrl) }, shared));
    expect((await screen.next<ScreenView>('screen')).forum.phase).toBeTruthy();
    // A wrong key from there is still refused as one.
    expect((await refusedConnection(s.server.socketUrl, { role: 'console', key: 'guess-number-1' }, shared)).code).toBe('FORBIDDEN');
  });

  it('a console’s commands pass while phones on its address have spent the address’s command budget', async () => {
    const shared = { localAddress: '127.0.0.11' };
    const console = s.keep(await connect(s.server.socketUrl, { role: 'console', key: s.server.facilitatorKey }, shared));
    await console.next('console');
    // Five phones there, 60 commands each at once: past the address's 200.
    const phones = await Promise.all(Array.from({ length: 5 }, () => connect(s.server.socketUrl, { role: 'phone' }, shared).then(s.keep)));
    // The facilitator, there too, pauses joining as the phones' commands arrive, and resumes it.
    const flood = Promise.all(phones.flatMap((p) => Array.from({ length: 60 }, () => p.send('session:setLanguage', { lang: 'uk' }))));
    const paused = console.send('admission:pause', {});
    const acks = await flood;
    expect(acks.filter((a) => !a.ok && a.error.code === 'RATE_LIMITED').length).toBeGreaterThan(0);
    ok(await paused);
    ok(await console.send('admission:resume', {}));
  });
});

// ---------------------------------------------------------------- 8. a short key

describe('starting with a short key', () => {
  it('refuses to start, in one sentence, before any database is made', async () => {
    const dir = tempDir();
    try {
      const child = spawn(process.execPath, [await bundled('server/cli.ts')], {
        cwd: ROOT,
        env: { ...process.env, FACILITATOR_KEY: '4711', VICHE_DB: join(dir, 'forum.db'), HOST: '127.0.0.1', PORT: '0', LOG_LEVEL: 'warn' },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      const code = await new Promise<number | null>((resolve) => child.once('close', (c) => resolve(c)));

      expect(code).not.toBeNull();
      expect(code).not.toBe(0);
      expect(stderr).toContain('FACILITATOR_KEY is 4 characters long');
      expect(stderr.trim().split('\n')).toHaveLength(1);
      expect(stderr).not.toContain('    at ');
      expect(stdout).not.toContain('VICHE_LISTENING');
      expect(readdirSync(dir)).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

// ---------------------------------------------------------------- 9. the CSV export

describe('the CSV export, opened in any spreadsheet', () => {
  const s = stage();
  /** Texts a spreadsheet could take for formulas, or that could break a row apart. */
  const HOSTILE = [
    '=1+1',
    '+cmd',
    '-2+3',
    '@SUM(A1)',
    ' =HYPERLINK("x")',
    'a;=1+1',
    'a,=1+1',
    'a\t=1+1',
    'x\n=1+1',
    '"quoted"',
    '\t=tab',
    "=cmd|' /C calc'!A0",
  ];
  const REASON = '=HYPERLINK("http://evil.example","клік")';

  /** A cell without the apostrophes the export puts in front of whatever could start a formula. */
  const unmarked = (cell: string) => cell.replace(/^'(?=\s*[=+\-@]|[\t\r\n])/, '').replace(/([,;\t\r\n]\s*)'(?=[=+\-@])/g, '$1');

  /** A text as a cell shows it: intact but for those apostrophes, and one in front if it would run as a formula. */
  function expectShown(cell: string | undefined, text: string, what: string) {
    expect(cell, what).toBeDefined();
    expect(unmarked(cell!), what).toBe(text);
    if (isFormula(text) || /^[\t\r\n]/.test(text)) expect(cell!.startsWith("'"), `${what}: ${JSON.stringify(cell)}`).toBe(true);
  }

  it('has no formula in any cell, with any separator, and its own separator gives every text back', async () => {
    const admin = await s.console();
    const phones = [];
    for (const name of HOSTILE) phones.push(await s.phone(name));
    await s.to(admin, 'ideas');
    const ideaIds: string[] = [];
    for (const [i, phone] of phones.entries()) {
      const n = HOSTILE.length;
      const description = i === 0 ? 'Перший рядок\n=1+1\n-2+3\n@SUM(A1)\n+7' : HOSTILE[(i + 1) % n];
      const fields = i % 2 ? { priorityCode: '5', goalCode: '5.4' } : { priorityCode: '1' };
      ideaIds.push(ok(await phone.send('idea:submit', { ...fields, title: HOSTILE[i], description, place: HOSTILE[(i + 2) % n] })).ideaId);
    }
    await s.to(admin, 'review', 'voting');
    const hidden = ideaIds[3];
    ok(await admin.send('idea:hide', { ideaId: hidden, reason: REASON }));
    const shown = ideaIds.filter((id) => id !== hidden);
    for (const [i, phone] of phones.entries()) ok(await phone.send('dot:place', { ideaId: shown[i % shown.length] }));

    const state = s.server.room.state;
    const stored = ideaIds.map((id) => state.ideas.get(id)!);
    // Guards the test: the texts are still hostile once cleaned as every text is.
    expect(stored.filter((i) => isFormula(i.title)).length).toBeGreaterThanOrEqual(6);
    expect(stored.some((i) => /[;,]=/.test(i.title))).toBe(true);
    expect(stored.some((i) => /\n=/.test(i.description))).toBe(true);

    const words = {
      uk: { sep: ';', joined: 'Учасників', voted: 'Проголосували', votedIn: 'Проголосували в пріоритеті' },
      en: { sep: ',', joined: 'Participants', voted: 'Voted', votedIn: 'Voted in priority' },
    } as const;
    for (const lang of ['uk', 'en'] as const) {
      const res = await fetch(`${s.server.url}/api/export.csv${lang === 'en' ? '?lang=en' : ''}`, {
        headers: { 'x-facilitator-key': s.server.facilitatorKey },
      });
      expect(res.status).toBe(200);
      const csv = new TextDecoder().decode(await res.arrayBuffer());

      for (const sep of [',', ';', '\t']) {
        const formulas = parseCsv(csv, sep).flat().filter(isFormula);
        expect(formulas, `the ${lang} export read with ${JSON.stringify(sep)} between cells`).toEqual([]);
      }

      const { sep, joined, voted, votedIn } = words[lang];
      const rows = parseCsv(csv, sep);
      const header = rows[0];
      expect(header).toHaveLength(17);
      const end = rows.findIndex((r) => r.length === 1 && r[0] === '');
      const ideaRows = rows.slice(1, end);
      expect(ideaRows).toHaveLength(HOSTILE.length);
      for (const row of ideaRows) expect(row).toHaveLength(header.length);
      for (const idea of stored) {
        const row = ideaRows.find((r) => unmarked(r[4]) === idea.title);
        expect(row, `the row of ${JSON.stringify(idea.title)}`).toBeDefined();
        expectShown(row![4], idea.title, 'title');
        expectShown(row![5], idea.description, 'description');
        expectShown(row![6], idea.place, 'place');
        expectShown(row![7], state.participants.get(idea.authorId)!.name, 'author');
        if (idea.id === hidden) expectShown(row![12], REASON, 'reason hidden');
      }
      expect(rows.find((r) => r[0] === joined)).toEqual([joined, String(HOSTILE.length)]);
      expect(rows.find((r) => r[0] === voted)).toEqual([voted, String(HOSTILE.length)]);
      expect(rows.find((r) => r[0] === `${votedIn} 1`)?.[2]).toMatch(/^\d+$/);
      expect(rows.find((r) => r[0] === `${votedIn} 5`)?.[2]).toMatch(/^\d+$/);

      // The moderation log below the turnout, after another empty line: the hostile reason is shown, never run.
      const logStart = rows.findIndex((r, i) => i > end && r.length === 1 && r[0] === '') + 1;
      expect(rows[logStart]).toEqual([lang === 'uk' ? 'Журнал модерації' : 'Moderation log']);
      const logHeader = rows[logStart + 1];
      expect(logHeader).toHaveLength(11);
      const logRows = rows.slice(logStart + 2).filter((r) => r.length > 1);
      for (const row of logRows) expect(row).toHaveLength(logHeader.length);
      const hideRow = logRows.find((r) => r[1] === (lang === 'uk' ? 'приховано' : 'hidden'));
      expect(hideRow, 'the hiding in the log').toBeDefined();
      expectShown(hideRow![3], state.ideas.get(hidden)!.title, 'the hidden idea in the log');
      expectShown(hideRow![4], REASON, 'the reason in the log');
    }
  });
});

// ---------------------------------------------------------------- 10. action ids

describe('action ids', () => {
  // High enough command limits that well over a hundred quick actions are not slowed.
  const fast = { burst: 1000, perSecond: 1000 };
  const s = stage({ limits: { commandsPerConnection: fast, commandsPerParticipant: fast, commandsPerAddress: fast } });
  let db: Database.Database;
  let voter: Device;
  let voterId: string;
  const ideas: string[] = [];
  const eventCount = () => (db.prepare('SELECT count(*) AS n FROM events').get() as { n: number }).n;
  const dotsOf = (participantId: string) => Object.fromEntries(s.server.room.state.dots.get(participantId) ?? []);

  beforeAll(async () => {
    db = new Database(s.server.dbPath, { readonly: true });
    const admin = await s.console();
    const author = await s.phone('Авторка');
    voter = await s.device({ lang: 'en' });
    voterId = ok(await askToJoin(voter, s.server.joinCode)).me.participantId;
    await s.to(admin, 'ideas');
    for (const priorityCode of ['1', '2', '3']) {
      ideas.push(ok(await author.send('idea:submit', { priorityCode, title: `Ідея ${priorityCode}` })).ideaId);
    }
    await s.to(admin, 'review', 'voting');
  });
  afterAll(() => db?.close());

  it('one id is one action: resent it is answered as done; used for anything else it is refused', async () => {
    const [a, b] = ideas;
    const actionId = 'action-0000001';
    expect(ok(await voter.send('dot:place', { ideaId: a, actionId })).me.dots).toEqual({ [a]: 1 });
    const events = eventCount();

    const again = await voter.send('dot:place', { ideaId: a, actionId });
    expect(again).toMatchObject({ ok: true, duplicate: true });
    expect(ok(again).me.dots).toEqual({ [a]: 1 });
    const reused = refusedWith(await voter.send('dot:remove', { ideaId: a, actionId }), 'ACTION_ID_REUSED');
    expect(reused.message).toMatch(/already used for another action/);
    refusedWith(await voter.send('dot:place', { ideaId: b, actionId }), 'ACTION_ID_REUSED');
    refusedWith(await voter.send('participant:rename', { name: 'Хтось', actionId }), 'ACTION_ID_REUSED');
    expect(eventCount()).toBe(events);
    expect(dotsOf(voterId)).toEqual({ [a]: 1 });
    expect(s.server.room.state.participants.get(voterId)?.name).toBe('');
  });

  it(`beyond the ${ACTIONS_REMEMBERED} ids remembered, an old id sent for another action is still refused`, async () => {
    const [, b, c] = ideas;
    const old = 'action-oldest-01';
    ok(await voter.send('dot:place', { ideaId: c, actionId: old }));
    for (let i = 0; i < ACTIONS_REMEMBERED + 2; i++) {
      ok(await voter.send(i % 2 ? 'dot:place' : 'dot:remove', { ideaId: c, actionId: `action-later-${i}` }));
    }
    // Guards the test: the room no longer remembers what it did, only that the id was taken.
    expect(s.server.room.findAction(`${voterId}:${old}`)).toBeUndefined();
    const events = eventCount();
    const before = dotsOf(voterId);
    expect(before[c]).toBe(1);

    refusedWith(await voter.send('dot:place', { ideaId: b, actionId: old }), 'ACTION_ID_REUSED');
    refusedWith(await voter.send('dot:remove', { ideaId: c, actionId: old }), 'ACTION_ID_REUSED');
    expect(eventCount()).toBe(events);
    expect(dotsOf(voterId)).toEqual(before);
    // A new id for the same thing is done as asked.
    expect(ok(await voter.send('dot:place', { ideaId: b, actionId: 'action-brand-new' })).me.dots[b]).toBe(1);
  });
});

describe('a resend when the budgets are spent', () => {
  // A connection's budget of a few commands and no refill within the test; the rest roomy.
  const roomy = { burst: 1000, perSecond: 1000 };
  const s = stage({ limits: { commandsPerConnection: { burst: 6, perSecond: 0.001 }, commandsPerParticipant: roomy, commandsPerAddress: roomy } });

  it('is answered as done, not RATE_LIMITED: a phone whose ack was lost can tell a saved tap from a refused one', async () => {
    const admin = await s.console();
    const author = await s.phone('Авторка');
    await s.to(admin, 'ideas');
    const ideaId = ok(await author.send('idea:submit', { priorityCode: '1', title: 'Сквер біля річки' })).ideaId;
    await s.to(admin, 'review', 'voting');
    const voter = await s.device();
    const voterId = ok(await askToJoin(voter, s.server.joinCode)).me.participantId;
    const first = 'resend-first-0001';
    expect(ok(await voter.send('dot:place', { ideaId, actionId: first })).me.dots).toEqual({ [ideaId]: 1 });
    // New actions until the connection's budget is spent.
    let limited = false;
    for (let i = 0; i < 10 && !limited; i++) {
      const res = await voter.send('session:setLanguage', { lang: 'uk' });
      limited = !res.ok && res.error.code === 'RATE_LIMITED';
    }
    expect(limited, 'the budget ran out').toBe(true);
    refusedWith(await voter.send('dot:place', { ideaId, actionId: 'resend-new-0002' }), 'RATE_LIMITED');
    const again = await voter.send('dot:place', { ideaId, actionId: first });
    expect(again).toMatchObject({ ok: true, duplicate: true });
    expect(ok(again).me.dots).toEqual({ [ideaId]: 1 });
    // An id never taken is still a new action, and still waits for the budget.
    refusedWith(await voter.send('dot:remove', { ideaId, actionId: 'resend-new-0003' }), 'RATE_LIMITED');
    expect(s.server.room.state.dots.get(voterId)?.get(ideaId)).toBe(1);
  });
});
