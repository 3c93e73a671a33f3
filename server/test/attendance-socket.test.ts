// Stuffing the count from many addresses, end to end: 250 addresses rush the hall's code (three
// devices each); joining pauses at the burst and the console raises the alert; an honest phone
// after the pause waits and gets its ballot on approval, even across a reconnect; the burst is
// voided in one step, with the export's tally exactly that of the honest hall; a restart replays
// the same forum, and the stored log passes the rules' check. Real server, sockets and SQLite.

import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JOIN_BURST_DEFAULT } from '../../shared/forum/attendance.js';
import { verifyLog } from '../../shared/forum/verify.js';
import type { ConsoleView, MeView, Notice } from '../../shared/protocol.js';
import { readLog } from '../db/readLog.js';
import { configFromEnv } from '../main.js';
import { parseCsv } from './csv.js';
import { connect, connectConsole, joinPhone, newToken, ok, refused, startTestServer, type TestClient, type TestPhone, type TestServer } from './harness.js';

const ADDRESSES = 250;
const DEVICES_PER_ADDRESS = 3;
/** The burst comes from a range of its own (127.9.x.y); the honest phones from the harness's 127.1.x.y. */
const burstAddress = (i: number) => `127.9.${Math.floor(i / 250)}.${(i % 250) + 1}`;

const settings = { admission: 'hall' as const, expectedAttendance: 150, joinBurst: JOIN_BURST_DEFAULT };

/** The console's latest view if it passes `test`, or the next one that does. */
function viewWhere(admin: TestClient, test: (v: ConsoleView) => boolean): Promise<ConsoleView> {
  let latest = admin.received.length - 1;
  while (latest > 0 && admin.received[latest].event !== 'console') latest--;
  return admin.next<ConsoleView>('console', test, Math.max(0, latest));
}

interface ExportJson {
  priorities: { ideas: { id: string; title: string; status: string; dots: number; supporters: number; rank: number | null }[] }[];
  turnout: { joined: number; voted: number; voided: number };
  voided: unknown[];
  moderation: { action: string; voided?: number; range?: string; window?: { from: string; to: string } }[];
}

describe('a burst of joins from 250 addresses', () => {
  let server: TestServer;
  let dir: string;
  let admin: TestClient;
  const honest: TestPhone[] = [];
  const attackers: TestClient[] = [];
  /** The burst's devices that got a ballot before joining paused: token → participant. */
  const admitted = new Map<string, string>();
  let waitingAcks = 0;
  let squareId = '';
  const parkingIds: string[] = [];

  const exportJson = async (s: TestServer): Promise<ExportJson> => {
    const res = await fetch(`${s.url}/api/export.json`, { headers: { 'x-facilitator-key': s.facilitatorKey } });
    return (await res.json()) as ExportJson;
  };
  const ideaDots = (e: ExportJson) => Object.fromEntries(e.priorities.flatMap((p) => p.ideas).map((i) => [i.title, { status: i.status, dots: i.dots }]));

  beforeAll(async () => {
    server = await startTestServer(settings);
    dir = server.dir;
    admin = await connectConsole(server);
    for (const name of ['Олена', 'Марко', 'Ірина', 'Богдан']) honest.push(await joinPhone(server, name));
    ok(await admin.send('phase:set', { to: 'ideas' }));
    const { me } = ok(await honest[0].send('idea:submit', { priorityCode: '5', title: 'Сквер біля річки' }));
    squareId = me.ideas[0].id;

    // The attack: every address at once, each sending its three devices' joins one after another
    // (a connection each: one connection holds one ballot).
    const byAddress: TestClient[][] = [];
    for (let i = 0; i < ADDRESSES; i++) {
      const devices: TestClient[] = [];
      for (let d = 0; d < DEVICES_PER_ADDRESS; d++) devices.push(await connect(server.socketUrl, { role: 'phone' }, { localAddress: burstAddress(i) }));
      byAddress.push(devices);
      attackers.push(...devices);
    }
    const code = server.joinCode;
    const acks = await Promise.all(
      byAddress.map(async (devices) => {
        const out: { token: string; ack: Awaited<ReturnType<TestClient['send']>> }[] = [];
        for (const [d, socket] of devices.entries()) {
          const token = newToken();
          out.push({ token, ack: await socket.send('participant:join', { code, name: `bot${d}`, token }) });
        }
        return out;
      }),
    );
    for (const { token, ack } of acks.flat()) {
      if (ack.ok) admitted.set(token, (ack.data as { me: MeView }).me.participantId);
      else if (ack.error.code === 'AWAITING_APPROVAL') waitingAcks++;
      else throw new Error(`unexpected refusal ${ack.error.code}`);
    }
  }, 120_000);

  afterAll(async () => {
    for (const c of [...honest, ...attackers]) c.close();
    admin?.close();
    await server?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('pauses joining at the burst: the burst’s first joins got in, every later one waits', async () => {
    expect(admitted.size + waitingAcks).toBe(ADDRESSES * DEVICES_PER_ADDRESS);
    const view = await viewWhere(admin, (v) => v.admission.paused !== null && v.admission.waitingCount === waitingAcks);
    const burst = view.admission.paused!.burst!;
    // The 61st join within 30 s paused joining: the 60 before it are the burst's window (the
    // honest four among them, if the attack came within 30 s of them).
    expect(burst.joins).toBe(JOIN_BURST_DEFAULT.joins);
    expect(view.participants.filter((p) => p.joinedAt >= burst.from && p.joinedAt <= burst.to)).toHaveLength(JOIN_BURST_DEFAULT.joins);
    expect(admitted.size).toBeGreaterThanOrEqual(JOIN_BURST_DEFAULT.joins - honest.length);
    expect(admitted.size).toBeLessThanOrEqual(JOIN_BURST_DEFAULT.joins);
    expect(burst.addresses).toBeGreaterThan(1);
    expect(view.admission.ballots).toBe(JOIN_BURST_DEFAULT.joins);
    expect(view.admission.expectedAttendance).toBe(150);
    expect(view.admission.waiting).toHaveLength(200);
    expect(view.admission.waiting[0]).toMatchObject({ why: 'paused', address: expect.stringMatching(/^127\.9\./) });
    // The alert is in the audit log too.
    expect(view.moderation.filter((m) => m.action === 'pauseJoining')).toEqual([expect.objectContaining({ burst })]);
  });

  it('an honest phone after the pause waits, keeps waiting across a reconnect, and gets its ballot on approval', async () => {
    const token = newToken();
    let phone = await connect(server.socketUrl, { role: 'phone', token });
    const ack = await phone.send('participant:join', { code: server.joinCode, name: 'Оксана', token });
    expect(refused(ack)).toBe('AWAITING_APPROVAL');
    expect(ack.ok ? '' : ack.error.message).toMatch(/Чекаємо, поки фасилітатор вас підтвердить/);
    // The Wi-Fi drops; back, the phone asks again, with a code long since changed: its token keeps its place.
    phone.close();
    phone = await connect(server.socketUrl, { role: 'phone', token });
    expect(refused(await phone.send('participant:join', { code: '000000', name: 'Оксана', token }))).toBe('AWAITING_APPROVAL');
    const view = await viewWhere(admin, (v) => v.admission.waiting.some((w) => w.name === 'Оксана'));
    const waiting = view.admission.waiting.find((w) => w.name === 'Оксана')!;
    const since = phone.mark();
    expect(ok(await admin.send('admission:approve', { ids: [waiting.id] }))).toEqual({ admitted: 1, failed: 0 });
    const me = await phone.next<MeView | null>('me', (m) => m !== null, since);
    expect(me).toMatchObject({ name: 'Оксана', voided: null });
    honest.push(Object.assign(phone, { token, me: me! }));
    expect(refused(await admin.send('admission:approve', { ids: [waiting.id] }))).toBe('WAITING_NOT_FOUND');
  });

  it('voids the burst in one step: previewed, one log entry, the honest tally exactly', async () => {
    // The burst's ballots propose and vote, as a script would.
    const bots: TestClient[] = [];
    let i = 0;
    for (const token of admitted.keys()) {
      const bot = await connect(server.socketUrl, { role: 'phone', token }, { localAddress: burstAddress(1000 + i++) });
      await bot.next<MeView | null>('me');
      bots.push(bot);
    }
    for (const bot of bots.slice(0, 3)) {
      const { me } = ok(await bot.send('idea:submit', { priorityCode: '5', title: `Парковка ${parkingIds.length}` }));
      parkingIds.push(me.ideas[0].id);
    }
    ok(await admin.send('phase:set', { to: 'review' }));
    ok(await admin.send('phase:set', { to: 'voting' }));
    // Honest dots: two on the square, one from the latecomer, and two on a burst's idea.
    ok(await honest[0].send('dot:place', { ideaId: squareId }));
    ok(await honest[2].send('dot:place', { ideaId: squareId }));
    ok(await honest[4].send('dot:place', { ideaId: squareId }));
    ok(await honest[1].send('dot:place', { ideaId: parkingIds[0] }));
    ok(await honest[1].send('dot:place', { ideaId: parkingIds[0] }));
    // The burst: two dots each on its idea, one on the square.
    for (const bot of bots) {
      ok(await bot.send('dot:place', { ideaId: parkingIds[0] }));
      ok(await bot.send('dot:place', { ideaId: parkingIds[0] }));
      ok(await bot.send('dot:place', { ideaId: squareId }));
    }
    const stuffed = ideaDots(await exportJson(server));
    expect(stuffed['Сквер біля річки'].dots).toBe(3 + bots.length);

    const view = await viewWhere(admin, () => true);
    const burst = view.admission.paused!.burst!;
    const selection = { from: burst.from, to: burst.to, range: '127.9.0.0/16' };
    const preview = ok(await admin.send('participant:previewVoidMany', selection));
    expect(preview).toEqual({ participants: admitted.size, dots: 3 * bots.length, ideas: 3, refunded: 2 });
    // A window alone takes in the honest who joined within it; the range keeps it to the burst.
    const honestInWindow = view.participants.filter((p) => !p.address.startsWith('127.9.') && p.joinedAt >= burst.from && p.joinedAt <= burst.to).length;
    expect(ok(await admin.send('participant:previewVoidMany', { from: burst.from, to: burst.to })).participants).toBe(admitted.size + honestInWindow);
    expect(refused(await admin.send('participant:voidMany', { range: '192.168.' , reason: 'Сплеск' }))).toBe('NONE_SELECTED');
    expect(refused(await admin.send('participant:voidMany', { range: 'не адреса', reason: 'Сплеск' }))).toBe('BAD_INPUT');

    const since = honest[1].mark();
    const done = ok(await admin.send('participant:voidMany', { ...selection, reason: 'Сплеск приєднань з 127.9.x.x' }));
    expect(done).toEqual(preview);
    const refund = await honest[1].next<Notice>('notice', (n) => n.code === 'DOTS_REFUNDED', since);
    expect(refund.params).toMatchObject({ count: 2 });
    for (const bot of bots) bot.close();

    const after = await viewWhere(admin, (v) => v.moderation.some((m) => m.action === 'voidMany'));
    expect(after.moderation.filter((m) => m.action === 'voidMany' || m.action === 'void')).toEqual([
      expect.objectContaining({ action: 'voidMany', voided: admitted.size, range: '127.9.0.0/16', window: { from: burst.from, to: burst.to } }),
    ]);

    // The tally is the honest hall's, as if the burst had never voted: 3 on the square, the burst's ideas hidden.
    const exported = await exportJson(server);
    const dots = ideaDots(exported);
    expect(dots['Сквер біля річки']).toEqual({ status: 'active', dots: 3 });
    for (let k = 0; k < 3; k++) expect(dots[`Парковка ${k}`]).toEqual({ status: 'hidden', dots: 0 });
    // Марко's only dots were on the burst's idea: given back, he has none placed.
    expect(exported.turnout).toMatchObject({ joined: honest.length, voted: 3, voided: admitted.size });
    expect(exported.voided).toHaveLength(admitted.size);
    expect(exported.moderation.filter((m) => m.action === 'voidMany')).toEqual([expect.objectContaining({ voided: admitted.size, range: '127.9.0.0/16' })]);
    // The CSV's log: one row for the whole burst, saying how many and which joins, naming no one.
    const csv = await (await fetch(`${server.url}/api/export.csv`, { headers: { 'x-facilitator-key': server.facilitatorKey } })).text();
    const rows = parseCsv(csv, ';').filter((r) => r[1] === 'анульовано групу учасників');
    expect(rows).toHaveLength(1);
    expect(rows[0][4]).toBe('Сплеск приєднань з 127.9.x.x');
    expect(rows[0][10]).toMatch(new RegExp(`^${admitted.size} · \\d{4}-.+ – \\d{4}-.+ · 127\\.9\\.0\\.0/16$`));
  });

  it('the forum moves to another laptop with its void of the burst: its archive file, without addresses, imports to the same tally', async () => {
    const text = await (await fetch(`${server.url}/api/forum.json?kind=archive`, { headers: { 'x-facilitator-key': server.facilitatorKey } })).text();
    // No device's address; the range the facilitator typed stays, as the void's own record.
    expect(text).not.toMatch(/"127\.\d+\.\d+\.\d+"/);
    expect(text).toContain('"range":"127.9.0.0/16"');
    const other = await startTestServer();
    try {
      const post = await fetch(`${other.url}/api/forums/import?lang=en`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-facilitator-key': other.facilitatorKey },
        body: text,
      });
      const imported = (await post.json()) as { ok: boolean; data: { slug: string } };
      expect(imported.ok, JSON.stringify(imported)).toBe(true);
      const there = (await (await fetch(`${other.url}/f/${imported.data.slug}/api/export.json`, { headers: { 'x-facilitator-key': other.facilitatorKey } })).json()) as ExportJson;
      expect(ideaDots(there)).toEqual(ideaDots(await exportJson(server)));
    } finally {
      await other.stop();
    }
  });

  it('the waiting burst is refused in one step, and each of its phones is told', async () => {
    const view = await viewWhere(admin, () => true);
    const last = attackers[attackers.length - 1];
    const since = last.mark();
    expect(ok(await admin.send('admission:refuse', {}))).toEqual({ refused: view.admission.waitingCount });
    const notice = await last.next<Notice>('notice', (n) => n.code === 'JOIN_REFUSED', since);
    expect(notice.message).toMatch(/не підтвердив/);
    await viewWhere(admin, (v) => v.admission.waitingCount === 0);
  });

  it('after a restart the forum is the same, still paused, and its log passes the rules', async () => {
    const before = await exportJson(server);
    const pausedBefore = (await viewWhere(admin, () => true)).admission.paused;
    admin.close();
    await server.close();
    for (const log of readLog(server.dbPath)) expect(verifyLog(log.events).problems).toEqual([]);

    server = await startTestServer({ ...settings, dbPath: server.dbPath });
    admin = await connectConsole(server);
    const again = await exportJson(server);
    const strip = (e: ExportJson) => ({ ...e, forum: undefined });
    expect(strip(again)).toEqual(strip(before));
    const view = await viewWhere(admin, () => true);
    expect(view.admission.paused).toEqual(pausedBefore);
    // Resumed, an honest latecomer joins at once again (the hall is below its size).
    ok(await admin.send('admission:resume', {}));
    const late = await joinPhone(server, 'Тарас');
    expect(late.me.name).toBe('Тарас');
    late.close();
  });
});

describe('a full hall, and joining resumed', () => {
  let server: TestServer;
  let admin: TestClient;
  const phones: TestClient[] = [];

  beforeAll(async () => {
    server = await startTestServer({ expectedAttendance: 2, joinBurst: { joins: 4, windowMs: 60_000 } });
    admin = await connectConsole(server);
  });
  afterAll(async () => {
    for (const p of phones) p.close();
    admin?.close();
    await server?.stop();
  });

  const device = async (name: string) => {
    const token = newToken();
    const phone = await connect(server.socketUrl, { role: 'phone', token });
    phones.push(phone);
    return { phone, token, join: () => phone.send('participant:join', { code: server.joinCode, name, token }) };
  };

  it('past the expected attendance a right code waits; raising it lets the waiting in, in order, up to the new size', async () => {
    phones.push(await joinPhone(server, 'Перша'), await joinPhone(server, 'Друга'));
    const third = await device('Третя');
    const fourth = await device('Четверта');
    const fifth = await device('П’ята');
    for (const d of [third, fourth, fifth]) {
      const ack = await d.join();
      expect(ack.ok ? null : ack.error).toMatchObject({ code: 'AWAITING_APPROVAL', params: { why: 'full' } });
    }
    const view = await viewWhere(admin, (v) => v.admission.waitingCount === 3);
    expect(view.admission.paused).toBeNull();
    expect(view.admission.waiting.map((w) => [w.name, w.why])).toEqual([['П’ята', 'full'], ['Четверта', 'full'], ['Третя', 'full']]);

    // A phone may not approve anyone; a bad size is refused in the sender's language.
    expect(refused(await third.phone.send('admission:approve' as never, {} as never))).toBe('FORBIDDEN');
    const bad = await admin.send('admission:setExpected', { expected: -1 });
    expect(bad.ok ? null : bad.error.code).toBe('BAD_INPUT');

    // Turned away: told at once, and again if it asks.
    const since = fifth.phone.mark();
    const fifthId = view.admission.waiting[0].id;
    expect(ok(await admin.send('admission:refuse', { ids: [fifthId] }))).toEqual({ refused: 1 });
    await fifth.phone.next<Notice>('notice', (n) => n.code === 'JOIN_REFUSED', since);
    expect(refused(await fifth.join())).toBe('JOIN_REFUSED');

    const thirdSince = third.phone.mark();
    expect(ok(await admin.send('admission:setExpected', { expected: 3 }))).toEqual({ expected: 3, admitted: 1 });
    expect(await third.phone.next<MeView | null>('me', (m) => m !== null, thirdSince)).toMatchObject({ name: 'Третя' });
    const after = await viewWhere(admin, (v) => v.admission.waitingCount === 1);
    expect(after.admission.waiting[0].name).toBe('Четверта');
    expect(after.admission.expectedAttendance).toBe(3);
    expect(after.admission.expectedAttendanceIsDefault).toBe(false);
  });

  it('a burst pauses joining; once resumed, the next honest join goes straight in', async () => {
    ok(await admin.send('admission:setExpected', { expected: 0 }));
    // No limit now: the fourth, still waiting for room, waits on for the facilitator (it may be the burst).
    ok(await admin.send('admission:approve', {}));
    // Перша, Друга, Шоста and Сьома joined within the minute (the approved are not counted): the fifth is a burst.
    phones.push(await joinPhone(server, 'Шоста'), await joinPhone(server, 'Сьома'));
    const eighth = await device('Восьма');
    const ack = await eighth.join();
    expect(ack.ok ? null : ack.error).toMatchObject({ code: 'AWAITING_APPROVAL', params: { why: 'paused' } });
    const view = await viewWhere(admin, (v) => v.admission.paused !== null);
    expect(view.admission.paused!.burst).toMatchObject({ joins: 4 });
    ok(await admin.send('admission:resume', {}));
    const late = await joinPhone(server, 'Дев’ята');
    expect(late.me.name).toBe('Дев’ята');
    phones.push(late);
    // The one that waited during the pause still waits: the facilitator decides.
    expect((await viewWhere(admin, (v) => v.admission.paused === null)).admission.waiting.map((w) => w.name)).toEqual(['Восьма']);
  });
});

describe('a queue filled by a script', () => {
  const QUEUE_ADDRESSES = 400;

  it('one address waits with no more devices than its cap: the fourth is refused ADDRESS_LIMIT, and a refused one frees its place', async () => {
    // The hall is full from the start, so every join waits.
    const server = await startTestServer({ ...settings, expectedAttendance: 1 });
    const sockets: TestClient[] = [];
    try {
      const admin = await connectConsole(server);
      sockets.push(admin);
      sockets.push(await joinPhone(server, 'Перша'));
      // A connection each (one connection holds one ballot), all from one address.
      const join = async () => {
        const device = await connect(server.socketUrl, { role: 'phone' }, { localAddress: burstAddress(0) });
        sockets.push(device);
        return device.send('participant:join', { code: server.joinCode, name: '', token: newToken() });
      };
      const acks = [];
      for (let d = 0; d < 5; d++) acks.push(await join());
      expect(acks.map((a) => (a.ok ? 'ok' : a.error.code))).toEqual(['AWAITING_APPROVAL', 'AWAITING_APPROVAL', 'AWAITING_APPROVAL', 'ADDRESS_LIMIT', 'ADDRESS_LIMIT']);
      expect(acks[3].ok ? null : acks[3].error).toMatchObject({ params: { max: 3 }, message: expect.stringMatching(/вже приєдналося або чекає на підтвердження стільки учасників, скільки дозволено \(3\)/) });
      const view = await viewWhere(admin, (v) => v.admission.waitingCount === 3);
      expect(view.admission.refused.addressLimit).toBe(2);
      ok(await admin.send('admission:refuse', { ids: [view.admission.waiting[0].id] }));
      expect(refused(await join())).toBe('AWAITING_APPROVAL');
      expect(refused(await join())).toBe('ADDRESS_LIMIT');
      // Approving all of them admits every one: none waited past its address's cap.
      expect(ok(await admin.send('admission:approve', {}))).toEqual({ admitted: 3, failed: 0 });
    } finally {
      for (const c of sockets) c.close();
      await server.stop();
    }
  }, 60_000);

  it('takes 1,000 waiting devices and refuses more with WAITING_FULL; refusing the queue makes room for a latecomer', async () => {
    const server = await startTestServer(settings);
    const sockets: TestClient[] = [];
    try {
      const admin = await connectConsole(server);
      sockets.push(admin);
      // Three devices an address (the cap): a waiting device holds a place of it, so more than
      // 1,000 waiting take more than 333 addresses.
      const byAddress: TestClient[][] = [];
      for (let i = 0; i < QUEUE_ADDRESSES; i++) {
        const devices: TestClient[] = [];
        for (let d = 0; d < 3; d++) devices.push(await connect(server.socketUrl, { role: 'phone' }, { localAddress: burstAddress(i) }));
        byAddress.push(devices);
        sockets.push(...devices);
      }
      const code = server.joinCode;
      const codes = (
        await Promise.all(
          byAddress.map(async (devices) => {
            const out: string[] = [];
            for (const socket of devices) {
              const ack = await socket.send('participant:join', { code, name: '', token: newToken() });
              out.push(ack.ok ? 'ok' : ack.error.code);
            }
            return out;
          }),
        )
      ).flat();
      const count = (c: string) => codes.filter((x) => x === c).length;
      expect(count('ok')).toBe(JOIN_BURST_DEFAULT.joins);
      expect(count('AWAITING_APPROVAL')).toBe(1000);
      expect(count('WAITING_FULL')).toBe(QUEUE_ADDRESSES * 3 - 1000 - JOIN_BURST_DEFAULT.joins);

      const latecomer = await connect(server.socketUrl, { role: 'phone' });
      sockets.push(latecomer);
      const token = newToken();
      const full = await latecomer.send('participant:join', { code: server.joinCode, name: 'Ганна', token });
      expect(full.ok ? null : full.error).toMatchObject({ code: 'WAITING_FULL', message: expect.stringMatching(/Черга тих, хто чекає на підтвердження, заповнена/) });
      expect(ok(await admin.send('admission:refuse', {}))).toEqual({ refused: 1000 });
      expect(refused(await latecomer.send('participant:join', { code: server.joinCode, name: 'Ганна', token }))).toBe('AWAITING_APPROVAL');
    } finally {
      for (const c of sockets) c.close();
      await server.stop();
    }
  }, 120_000);
});

describe('EXPECTED_ATTENDANCE and JOIN_BURST', () => {
  it('default to a hall of 150 and 60 joins within 30 s; 0 turns each off; anything else stops the start with a sentence', () => {
    expect(configFromEnv({})).toMatchObject({ expectedAttendance: 150, joinBurst: { joins: 60, windowMs: 30_000 } });
    expect(configFromEnv({ EXPECTED_ATTENDANCE: '0', JOIN_BURST: '0' })).toMatchObject({ expectedAttendance: 0, joinBurst: { joins: 0 } });
    expect(configFromEnv({ JOIN_BURST: '40/20' }).joinBurst).toEqual({ joins: 40, windowMs: 20_000 });
    expect(() => configFromEnv({ JOIN_BURST: 'many' })).toThrow('JOIN_BURST must be joins/seconds, such as 60/30, or 0 for none, not "many".');
    expect(() => configFromEnv({ JOIN_BURST: '60/0' })).toThrow(/JOIN_BURST/);
    expect(() => configFromEnv({ EXPECTED_ATTENDANCE: '-5' })).toThrow(/EXPECTED_ATTENDANCE must be a whole number from 0 to 100000/);
  });
});
