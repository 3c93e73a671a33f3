// Views that settle: after every phone of a hall drops at once and comes back (a reconnect storm),
// some not at all, some twice, some after the presence grace, while a few vote, the console's and
// the projector's views, held by applying every patch in order, equal the whole views a newcomer
// is sent, and say who is online as the room knows it. And a join that runs after its phone's
// connection closed, or that the disk refused, leaves nobody online in its name.

import Database from 'better-sqlite3';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConsoleView, ScreenView } from '../../shared/protocol.js';
import { connect, connectConsole, connectScreen, joinPhone, nextPhoneAddress, ok, startTestServer, type TestClient, type TestServer } from './harness.js';

const PHONES = 300;
const GRACE_MS = 600;
/** Rows a part of a console's first view: the hall of 5,000 goes in parts (1,000 a part); so does this one. */
const ROWS_PER_PART = 64;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Resident {
  token: string;
  address: string;
  participantId: string;
  sockets: TestClient[];
}

/** Drops a connection as a lost Wi-Fi does: the TCP connection goes, no goodbye is said. */
function drop(c: TestClient): void {
  const engine = c.socket.io.engine as unknown as { transport: { ws?: { terminate(): void } } };
  const ws = engine.transport.ws;
  if (ws) ws.terminate();
  else c.socket.io.engine.close();
}

/** The whole view a newly connected console holds once every part of it came. */
async function freshConsole(server: TestServer): Promise<{ client: TestClient; view: ConsoleView }> {
  const client = await connectConsole(server);
  const view = await client.next<ConsoleView>('console', () => {
    const last = client.received.filter((r) => r.event === 'console').at(-1)!;
    return Number(last.args[1]) > 0;
  });
  const last = client.received.filter((r) => r.event === 'console').at(-1)!;
  return { client, view: (last.args[0] as ConsoleView) ?? view };
}

describe('views that settle after a reconnect storm', () => {
  let server: TestServer;
  let admin: TestClient;
  let screen: TestClient;
  const residents: Resident[] = [];
  /** Connections opened by the test itself, closed at the end. */
  const extra: TestClient[] = [];
  let ideas: string[] = [];

  beforeAll(async () => {
    server = await startTestServer({ presenceGraceMs: GRACE_MS, consoleRowsPerPart: ROWS_PER_PART });
    admin = await connectConsole(server);
    screen = await connectScreen(server);
    for (let from = 0; from < PHONES; from += 50) {
      const batch = await Promise.all(
        Array.from({ length: Math.min(50, PHONES - from) }, async (_, i) => {
          const address = nextPhoneAddress();
          const phone = await joinPhone(server, `Мешканка ${from + i}`, false, address);
          return { token: phone.token, address, participantId: phone.me.participantId, sockets: [phone as TestClient] };
        }),
      );
      residents.push(...batch);
    }
    ok(await admin.send('phase:set', { to: 'ideas' }));
    ideas = await Promise.all(
      residents.slice(0, 9).map(async (r, i) => ok(await r.sockets[0].send('idea:submit', { priorityCode: String((i % 3) + 1), title: `Сквер біля школи ${i}`, actionId: randomUUID() })).ideaId),
    );
    ok(await admin.send('phase:set', { to: 'review' }));
    ok(await admin.send('phase:set', { to: 'voting' }));
  }, 120_000);

  afterAll(async () => {
    for (const c of [admin, screen, ...extra, ...residents.flatMap((r) => r.sockets)]) c?.close();
    await server?.stop();
  });

  const latest = <T>(c: TestClient, event: string): T => c.received.filter((r) => r.event === event).at(-1)!.args[0] as T;
  const back = (r: Resident) => connect(server.socketUrl, { role: 'phone', token: r.token }, { localAddress: r.address });

  it('after the storm and a short settle, the patched views are the fresh ones and the room’s presence', async () => {
    // Everyone drops at once, a few with a dot sent that nobody knows reached the server.
    const unsure = residents.slice(280, 290).map((r, i) => ({ r, ideaId: ideas[i % ideas.length], actionId: randomUUID() }));
    for (const u of unsure) void u.r.sockets[0].send('dot:place', { ideaId: u.ideaId, actionId: u.actionId }).catch(() => null);
    for (const r of residents) for (const s of r.sockets.splice(0)) drop(s);
    const gone = residents.slice(0, 30); // never come back
    const twice = residents.slice(30, 60); // come back with two connections
    const late = residents.slice(110, 260); // come back after the grace: shown offline, then online
    const flapping = residents.slice(90, 110); // come back, drop again, and stay away
    const rest = [...residents.slice(60, 90), ...residents.slice(260)];

    const voters = rest.slice(0, 12);
    await Promise.all([
      ...rest.map(async (r) => r.sockets.push(await back(r))),
      ...twice.map(async (r) => r.sockets.push(await back(r), await back(r))),
      ...flapping.map(async (r) => {
        const s = await back(r);
        await sleep(GRACE_MS / 4);
        drop(s);
      }),
    ]);
    // A console that opens while the storm goes on is sent its first view in parts meanwhile.
    const midStorm = freshConsole(server);
    // A few vote while the rest of the storm goes on.
    const votes = voters.map((r, i) => r.sockets[0].send('dot:place', { ideaId: ideas[i % ideas.length], actionId: randomUUID() }));
    await sleep(GRACE_MS + 200);
    await Promise.all(late.map(async (r) => r.sockets.push(await back(r))));
    // Newcomers join meanwhile; the unsure send their dot again, with the same id: placed once.
    const newcomers = await Promise.all(Array.from({ length: 10 }, (_, i) => joinPhone(server, `Новенька ${i}`)));
    extra.push(...newcomers);
    for (const u of unsure) ok(await u.r.sockets[0].send('dot:place', { ideaId: u.ideaId, actionId: u.actionId }));
    for (const ack of await Promise.all(votes)) ok(ack);
    const during = (await midStorm).client;
    // The last change: the flapping phones' grace ends, and the late ones came back; then a short settle.
    await sleep(GRACE_MS + 1500);

    const room = server.room;
    // The console's joins per minute slide with the clock (the consoles are sent again just after a
    // minute turns): compared away from a minute's turn, so that both views count the same minutes.
    const toTurn = 60_000 - (Date.now() % 60_000);
    if (toTurn < 4000) await new Promise((r) => setTimeout(r, toTurn + 1500));
    const patched = latest<ConsoleView>(admin, 'console');
    const patchedScreen = latest<ScreenView>(screen, 'screen');
    const patchedDuring = latest<ConsoleView>(during, 'console');
    // The truth, as the room knows it.
    const expectedOnline = residents.filter((r) => room.presence.isOnline(r.participantId));
    expect(expectedOnline.length).toBe(PHONES - gone.length - flapping.length);
    expect(newcomers.every((p) => room.presence.isOnline(p.me.participantId))).toBe(true);
    const online = expectedOnline.length + newcomers.length;
    expect(room.presence.onlineCount()).toBe(online);
    expect(patched.online).toBe(online);
    expect(patchedScreen.online).toBe(online);
    expect(patched.joined).toBe(PHONES + newcomers.length);
    expect(patchedScreen.joined).toBe(PHONES + newcomers.length);
    expect(patched.participants).toHaveLength(PHONES + newcomers.length);
    const wrong = patched.participants.filter((p) => p.online !== room.presence.isOnline(p.id)).map((p) => p.name);
    expect(wrong).toEqual([]);
    const dots = patched.participants.reduce((n, p) => n + (p.dots ?? 0), 0);
    expect(dots).toBe(voters.length + unsure.length);

    // A newcomer is sent the same, field for field.
    const fresh = await freshConsole(server);
    const freshScreen = await connectScreen(server);
    try {
      expect(fresh.view).toEqual(patched);
      expect(patchedDuring).toEqual(patched);
      expect(latest<ScreenView>(freshScreen, 'screen')).toEqual(patchedScreen);
      expect(admin.received.some((r) => r.event === 'patch:mismatch')).toBe(false);
      expect(screen.received.some((r) => r.event === 'patch:mismatch')).toBe(false);
    } finally {
      fresh.client.close();
      during.close();
      freshScreen.close();
    }
  }, 120_000);
});

describe('a join that runs after its connection closed', () => {
  let server: TestServer;
  let admin: TestClient;

  beforeAll(async () => {
    server = await startTestServer({ presenceGraceMs: GRACE_MS, displayThrottleMs: 0 });
    admin = await connectConsole(server);
  });
  afterAll(async () => {
    admin?.close();
    await server?.stop();
  });

  it('joins the forum, but does not count the gone phone as online', async () => {
    // A merge of thousands of ballots holds the forum's order across turns; a phone's join waits
    // behind it, and the phone's Wi-Fi drops meanwhile.
    const release = server.room.hold();
    const token = randomUUID().replaceAll('-', '');
    const phone = await connect(server.socketUrl, { role: 'phone', token });
    await phone.next('me');
    void phone.send('participant:join', { code: server.joinCode, name: 'Оксана', token }).catch(() => null);
    await sleep(200);
    drop(phone);
    await sleep(200);
    release();
    // The join is taken (the phone sends it again when it is back, and is answered as joined).
    await admin.next<ConsoleView>('console', (v) => v.participants.length === 1);
    const id = server.room.participantByToken(token)!;
    expect(id).toBeDefined();
    await sleep(GRACE_MS * 2);
    expect(server.room.presence.isOnline(id)).toBe(false);
    const view = await admin.next<ConsoleView>('console', (v) => v.participants.length === 1 && v.online === 0);
    expect(view.participants[0].online).toBe(false);

    // Back with the same token: online again, and offline after the grace once gone for good.
    const again = await connect(server.socketUrl, { role: 'phone', token });
    await again.next('me');
    ok(await again.send('participant:join', { code: server.joinCode, name: 'Оксана', token }));
    expect(server.room.presence.isOnline(id)).toBe(true);
    again.close();
    await sleep(GRACE_MS * 2);
    expect(server.room.presence.isOnline(id)).toBe(false);
    expect(latest(admin).online).toBe(0);
  });

  const latest = (c: TestClient) => c.received.filter((r) => r.event === 'console').at(-1)!.args[0] as ConsoleView;
});

describe('a join the disk refused', () => {
  let server: TestServer;

  beforeAll(async () => {
    server = await startTestServer({ presenceGraceMs: GRACE_MS, displayThrottleMs: 0 });
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('leaves its connection free to join again, and nobody online in its name', async () => {
    const token = randomUUID().replaceAll('-', '');
    const phone = await connect(server.socketUrl, { role: 'phone', token });
    try {
      await phone.next('me');
      // A backup tool or a sync client holds the database's write lock.
      const other = new Database(server.dbPath);
      try {
        other.exec('BEGIN IMMEDIATE');
        other.prepare('UPDATE forums SET created_at = created_at').run();
        const refusedJoin = await phone.send('participant:join', { code: server.joinCode, name: 'Марта', token });
        expect(refusedJoin.ok).toBe(false);
      } finally {
        if (other.inTransaction) other.exec('ROLLBACK');
        other.close();
      }
      expect(server.room.state.participants.size).toBe(0);
      // Let go of: counted in presence no longer than a dropped phone is, through its grace.
      await sleep(GRACE_MS + 200);
      expect(server.room.presence.onlineCount()).toBe(0);
      // Sent again on the same connection once the disk is back: joined, and online.
      let again = await phone.send('participant:join', { code: server.joinCode, name: 'Марта', token });
      for (let i = 0; i < 50 && !again.ok && again.error.code !== 'CONNECTION_HAS_BALLOT'; i++) {
        await sleep(100);
        again = await phone.send('participant:join', { code: server.joinCode, name: 'Марта', token });
      }
      const me = ok(again).me;
      expect(server.room.presence.isOnline(me.participantId)).toBe(true);
      expect(server.room.presence.onlineCount()).toBe(1);
    } finally {
      phone.close();
    }
  });
});
