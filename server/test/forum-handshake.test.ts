// A forum's connections name the forum in the handshake's own address (/socket.io/?forum=<slug>),
// where a proxy in front of several server processes can route by it (HAProxy on the query string,
// nginx on $arg_forum): phones, the projector and the console alike, read here from the HTTP request
// the server received. A connection naming one forum and asking for another is refused, saying so.

import type { IncomingMessage } from 'node:http';
import { io as connectClient } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROTOCOL_VERSION, type ConnectRefusal } from '../../shared/protocol.js';
import { connect, connectConsole, connectScreen, newToken, startTestServer, type TestClient, type TestServer } from './harness.js';

describe('the forum in the handshake address', () => {
  let server: TestServer;
  const clients: TestClient[] = [];
  /** The address of every Engine.IO connection's first request, as the server received it. */
  const handshakes: string[] = [];
  const onConnection = (raw: { request: IncomingMessage }) => handshakes.push(raw.request.url ?? '');

  beforeAll(async () => {
    server = await startTestServer();
    server.forums.create({ title: 'Житомир 2030: Богунія', structure: server.room.state.structure, admission: 'open', titled: true });
    server.io.engine.on('connection', onConnection);
  });
  afterAll(async () => {
    server.io.engine.off('connection', onConnection);
    for (const c of clients) c.close();
    await server?.stop();
  });

  it('phones, the projector and the console of forum 2 name it in the address of their handshake', async () => {
    const forum2 = { url: server.url, socketUrl: `${server.url}/f/2`, facilitatorKey: server.facilitatorKey, screenUrl: server.forums.bySlug('2')!.attached.admission.screenUrl() };
    const from = handshakes.length;
    clients.push(await connect(forum2.socketUrl, { role: 'phone', token: newToken() }));
    clients.push(await connectScreen(forum2));
    clients.push(await connectConsole(forum2));
    const seen = handshakes.slice(from).map((u) => new URL(u, server.url));
    expect(seen).toHaveLength(3);
    for (const url of seen) {
      expect(url.pathname).toBe('/socket.io/');
      expect(url.searchParams.get('forum')).toBe('2');
    }
  });

  it('refuses a connection that names one forum and asks for another, in the sender’s language', async () => {
    for (const [lang, message] of [
      ['uk', 'Сторінка з’єднується не з тим форумом, що в її адресі. Оновіть сторінку.'],
      ['en', 'This page is connecting to another forum than the one in its address. Reload the page.'],
    ] as const) {
      const socket = connectClient(`${server.url}/f/1`, {
        query: { forum: '2' },
        auth: { v: PROTOCOL_VERSION, role: 'phone', token: newToken(), lang },
        transports: ['websocket'],
        forceNew: true,
        reconnection: false,
      });
      const refusal = await new Promise<ConnectRefusal>((resolve, reject) => {
        socket.once('connect', () => reject(new Error('connected to forum 1 while naming forum 2')));
        socket.once('connect_error', (err: Error & { data?: ConnectRefusal }) => resolve(err.data!));
      });
      socket.close();
      expect(refusal).toMatchObject({ code: 'WRONG_FORUM', message });
    }
    // Named right, the same connection is taken.
    const phone = await connect(`${server.url}/f/1`, { role: 'phone', token: newToken() });
    clients.push(phone);
    expect(phone.socket.connected).toBe(true);
  });
});
