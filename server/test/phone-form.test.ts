// The phone page's join form, posted as a browser without the script posts it (server/http/phonePage.ts):
// a join there is the socket's participant:join, with its rules, caps, limits and wrong-code
// buckets, not a copy of them. Each simulated phone posts from a loopback address of its own.

import { Agent, request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConsoleView, MeView } from '../../shared/protocol.js';
import { connect, connectConsole, newToken, nextPhoneAddress, ok, refused, startTestServer, type TestClient, type TestServer } from './harness.js';

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** A phone's browser: its own address, one kept-alive connection, and its cookie once it has one. */
function formPhone(server: TestServer, address = nextPhoneAddress()) {
  const agent = new Agent({ keepAlive: true, maxSockets: 1, localAddress: address });
  let cookie: string | undefined;
  const post = (fields: Record<string, string>, origin = server.url): Promise<Answer> =>
    new Promise((resolve, reject) => {
      const body = new URLSearchParams(fields).toString();
      const req = request(
        `${server.url}/f/${server.slug}/join`,
        {
          method: 'POST',
          agent,
          headers: { origin, 'content-type': 'application/x-www-form-urlencoded', 'content-length': Buffer.byteLength(body), ...(cookie ? { cookie } : {}) },
        },
        (res) => {
          let text = '';
          res.setEncoding('utf8');
          res.on('data', (c: string) => (text += c));
          res.on('end', () => {
            const set = res.headers['set-cookie']?.[0];
            if (set) cookie = set.split(';')[0];
            resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text });
          });
        },
      );
      req.on('error', reject);
      req.end(body);
    });
  /** The phone page as this phone is sent it. */
  const page = async (): Promise<string> => {
    const res = await fetch(`${server.url}/f/${server.slug}/`, { headers: cookie ? { cookie } : {} });
    return res.text();
  };
  return { address, post, page, token: () => cookie?.split('=')[1], close: () => agent.destroy() };
}

describe('the join form of the phone page', () => {
  let server: TestServer;
  let admin: TestClient;

  const participants = async () => {
    const mark = admin.mark();
    admin.socket.emit('view:resync');
    const view = await admin.next<ConsoleView>('console', undefined, mark);
    return view.participants;
  };

  beforeAll(async () => {
    // The hall's changing code and the per-address cap of three, as an evening has them.
    server = await startTestServer({ admission: 'hall', maxPerAddress: 3 });
    admin = await connectConsole(server);
  });
  afterAll(async () => {
    admin?.close();
    await server?.stop();
  });

  it('joins as the socket joins: stored, answered 303 with the token in a cookie; the same cookie is the same participant', async () => {
    const phone = formPhone(server);
    const joined = await phone.post({ code: server.joinCode, name: 'Ганна' });
    expect(joined.status).toBe(303);
    expect(joined.headers.location).toBe('./');
    expect(String(joined.headers['set-cookie'])).toMatch(new RegExp(`^viche_token=[0-9a-f]{32}; Path=/f/${server.slug}/; Max-Age=\\d+; SameSite=Lax$`));
    const [ganna] = (await participants()).filter((p) => p.name === 'Ганна');
    expect(ganna).toBeDefined();
    // Posted again (a second tap, a reload of the answer): the same device, no second ballot.
    expect((await phone.post({ code: server.joinCode, name: 'Ганна' })).status).toBe(303);
    expect((await participants()).filter((p) => p.name === 'Ганна')).toHaveLength(1);
    // The script connects with the cookie's token and holds the same ballot.
    const socket = await connect(server.socketUrl, { role: 'phone', token: phone.token()! }, { localAddress: phone.address });
    const me = await socket.next<MeView | null>('me');
    expect(me?.participantId).toBe(ganna.id);
    socket.close();
    phone.close();
  });

  it('wrong codes from the form are counted where the socket counts them (its connection, its address): then even a right code waits', async () => {
    const before = (await participants()).length;
    const guesser = formPhone(server);
    let answer: Answer | undefined;
    for (let i = 0; i < 12; i++) {
      answer = await guesser.post({ code: '000000', name: '' });
      if (answer.status !== 422) break;
      expect(answer.body).toContain('Неправильний код');
      expect(answer.body).toContain('Wrong code');
    }
    expect(answer!.status).toBe(429);
    expect(Number(answer!.headers['retry-after'])).toBeGreaterThan(0);
    const right = await guesser.post({ code: server.joinCode, name: 'Вгадав' });
    expect(right.status).toBe(429);
    expect(right.body).toContain('role="alert"');
    expect(right.headers['set-cookie']).toBeUndefined();
    // That was the connection's bucket (5). A new connection from the same address has what is left
    // of the address's (8): three more wrong codes, then it waits too.
    const again = formPhone(server, guesser.address);
    const statuses: number[] = [];
    for (let i = 0; i < 6 && statuses.at(-1) !== 429; i++) statuses.push((await again.post({ code: '000000', name: '' })).status);
    expect(statuses).toEqual([422, 422, 422, 429]);
    again.close();
    // The same address's socket is held too; another address is not.
    const token = newToken();
    const socket = await connect(server.socketUrl, { role: 'phone', token }, { localAddress: guesser.address });
    await socket.next('me');
    expect(refused(await socket.send('participant:join', { code: server.joinCode, name: '', token }))).toBe('RATE_LIMITED');
    socket.close();
    const neighbour = formPhone(server);
    expect((await neighbour.post({ code: server.joinCode, name: 'Сусідка' })).status).toBe(303);
    expect((await participants()).length).toBe(before + 1);
    guesser.close();
    neighbour.close();
  });

  it('refuses what the socket refuses, in both languages, keeping what was typed: a name too long, the address full', async () => {
    const phone = formPhone(server);
    const before = (await participants()).length;
    const long = 'я'.repeat(61);
    const tooLong = await phone.post({ code: server.joinCode, name: long });
    expect(tooLong.status).toBe(422);
    expect(tooLong.body).toContain('role="alert"');
    expect(tooLong.body).toContain(`value="${long}"`);
    expect((await participants()).length).toBe(before);
    // Three devices of one address join (each post without a cookie is a new device); the fourth is the cap's.
    const address = nextPhoneAddress();
    for (let i = 0; i < 3; i++) {
      const device = formPhone(server, address);
      expect((await device.post({ code: server.joinCode, name: `Пристрій ${i}` })).status).toBe(303);
      device.close();
    }
    const fourth = formPhone(server, address);
    const full = await fourth.post({ code: server.joinCode, name: 'Четвертий' });
    expect(full.status).toBe(422);
    expect(full.body).toContain('3');
    expect(full.body).toContain('value="Четвертий"');
    expect((await participants()).length).toBe(before + 3);
    fourth.close();
    phone.close();
  });

  it('a post from another site is refused before it reaches the form', async () => {
    const phone = formPhone(server);
    const before = (await participants()).length;
    const answer = await phone.post({ code: server.joinCode, name: 'Чужий' }, 'http://elsewhere.example');
    expect(answer.status).toBe(403);
    expect(answer.headers['set-cookie']).toBeUndefined();
    expect((await participants()).length).toBe(before);
    phone.close();
  });
});

describe('the join form when the hall is full', () => {
  let server: TestServer;
  let admin: TestClient;

  beforeAll(async () => {
    // One expected: the second device waits for the facilitator.
    server = await startTestServer({ admission: 'hall', expectedAttendance: 1 });
    admin = await connectConsole(server);
  });
  afterAll(async () => {
    admin?.close();
    await server?.stop();
  });

  it('a form that joins past the hall’s size waits for the facilitator, and is greeted once approved', async () => {
    const first = formPhone(server);
    expect((await first.post({ code: server.joinCode, name: 'Перша' })).status).toBe(303);
    const second = formPhone(server);
    const queued = await second.post({ code: server.joinCode, name: 'Друга' });
    // In the queue: the device is known by its cookie from now on, and its page says it waits.
    expect(queued.status).toBe(303);
    expect(second.token()).toMatch(/^[0-9a-f]{32}$/);
    const waiting = await second.page();
    expect(waiting).toContain('data-served="waiting"');
    expect(waiting).toContain(`data-code="${server.joinCode}"`);
    expect(waiting).toContain('Чекаємо, поки фасилітатор вас підтвердить.');
    ok(await admin.send('admission:approve', {}));
    expect(await second.page()).toContain('Вітаємо, Друга!');
    first.close();
    second.close();
  });
});
