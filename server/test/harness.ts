// Test harness: a real server on port 0 with a real SQLite file in a temp folder, and real
// Socket.IO clients that record every message they receive.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { io as connectClient, type Socket } from 'socket.io-client';
import { randomBytes } from 'node:crypto';
import {
  FORUM_QUERY,
  PROTOCOL_VERSION,
  type Ack,
  type CommandName,
  type CommandPayload,
  type CommandResults,
  type ConsoleView,
  type Handshake,
  type MeView,
  type PhoneGreeting,
  type ScreenView,
} from '../../shared/protocol.js';
import { HeldView, type ViewPatch } from '../../shared/viewPatch.js';
import { createLogger } from '../log.js';
import { startServer, type RunningServer, type ServerConfig } from '../main.js';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));

export interface TestServer extends RunningServer {
  dir: string;
  dbPath: string;
  /** The server's origin, for HTTP. */
  url: string;
  /** The primary forum's socket namespace: phones, its projector and its console connect here. */
  readonly socketUrl: string;
  stop(): Promise<void>;
}

export function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'viche-test-'));
}

/**
 * A server for tests. Unless a test is about admission, it admits with the fixed code (`open`), so
 * that no test depends on when a 30-second code changes, sends the idea wall on every change, and
 * neither caps the hall's size nor pauses joining for a burst: tests join hundreds of phones at once.
 */
export async function startTestServer(overrides: Partial<ServerConfig> = {}): Promise<TestServer> {
  const dir = overrides.dbPath ? '' : tempDir();
  const dbPath = overrides.dbPath ?? join(dir, 'forum.db');
  const server = await startServer({
    port: 0,
    host: '127.0.0.1',
    dbPath,
    publicUrl: 'http://viche.test:9',
    templatePath: join(ROOT, 'data/zhytomyr-2030.json'),
    clientDir: join(ROOT, 'dist/client'),
    logger: createLogger('silent'),
    admission: 'open',
    ideaPatchMs: 0,
    expectedAttendance: 0,
    joinBurst: { joins: 0, windowMs: 30_000 },
    ...overrides,
  });
  // The server's getters (the current join code, the keys) must stay live, so it is extended, not copied.
  return Object.assign(server, {
    dir,
    dbPath,
    url: `http://127.0.0.1:${server.port}`,
    get socketUrl() {
      return `http://127.0.0.1:${server.port}/f/${server.slug}`;
    },
    async stop() {
      await server.close();
      if (dir) rmSync(dir, { recursive: true, force: true });
    },
  });
}

let lastAddress = 0;
/**
 * A loopback address of its own for each simulated phone (127.1.0.1, 127.1.0.2, …): Linux routes
 * all of 127.0.0.0/8 to loopback, so phones look like separate devices on a LAN, as the
 * per-address limits expect. Consoles and projectors connect from 127.0.0.1.
 */
export function nextPhoneAddress(): string {
  const i = lastAddress++;
  return `127.1.${Math.floor(i / 254) % 256}.${(i % 254) + 1}`;
}

export interface Received {
  event: string;
  args: unknown[];
  /** Not a message of its own: a part of this one (a phone's `greeting`, a `wall:watch` ack). */
  from?: 'greeting' | 'wall:watch';
}

export interface TestClient {
  socket: Socket;
  received: Received[];
  send<N extends CommandName>(name: N, payload: CommandPayload<N>): Promise<Ack<CommandResults[N]>>;
  /** Resolves with the first `event` (already received after `since`, or arriving) that passes the test. */
  next<T = unknown>(event: string, test?: (payload: T) => boolean, since?: number): Promise<T>;
  mark(): number;
  close(): void;
}

export function newToken(): string {
  return randomBytes(16).toString('hex');
}

export interface ConnectOptions {
  reconnection?: boolean;
  /** The loopback address to connect from; phones get one of their own unless told. */
  localAddress?: string;
}

export function connect(url: string, auth: Partial<Handshake> & { role: Handshake['role'] }, options: ConnectOptions = {}): Promise<TestClient> {
  const localAddress = options.localAddress ?? (auth.role === 'phone' ? nextPhoneAddress() : undefined);
  // As the pages do: a forum's connection names the forum in the handshake's address too.
  const forum = /\/f\/([0-9a-z-]+)$/.exec(new URL(url).pathname)?.[1];
  const socket = connectClient(url, {
    ...(forum ? { query: { [FORUM_QUERY]: forum } } : {}),
    auth: { v: PROTOCOL_VERSION, ...auth },
    transports: ['websocket'],
    forceNew: true,
    reconnection: options.reconnection ?? false,
    reconnectionDelay: 100,
    reconnectionDelayMax: 300,
    ...(localAddress ? { localAddress } : {}),
  } as Parameters<typeof connectClient>[1]);
  const received: Received[] = [];
  const waiters = new Set<() => void>();
  // The console and the projector are sent their view whole, then as patches: each patch is
  // applied here to the view held, and the result recorded as if the whole view had been sent,
  // so every test that reads views checks the patches too. A patch that does not fit the version
  // held is recorded as `patch:mismatch`, and the whole view asked for again, as the pages do.
  const views = { console: new HeldView<object>(), screen: new HeldView<object>() };
  socket.onAny((event: string, ...given: unknown[]) => {
    // A message the server asks to be acked (a page of the wall) is acked as it arrives, as the pages do.
    const ack = given.at(-1);
    const args = typeof ack === 'function' ? given.slice(0, -1) : given;
    if (typeof ack === 'function') (ack as () => void)();
    received.push({ event, args });
    // A phone's greeting is taken apart as the phone page takes it, and its parts recorded as if each
    // had come on its own (after the greeting itself), so tests read a phone's counts, rankings and
    // view whether they came at connect or later.
    if (event === 'greeting') {
      const { counts, results, me, wall } = args[0] as PhoneGreeting;
      received.push({ event: 'wall:counts', args: [counts], from: 'greeting' });
      if (results) received.push({ event: 'results', args: [results], from: 'greeting' });
      received.push({ event: 'me', args: [me], from: 'greeting' });
      if (wall?.page) received.push({ event: 'wall:page', args: [wall.page], from: 'greeting' });
    }
    if (event === 'console' || event === 'screen') views[event].whole(args[0] as object, Number(args[1] ?? 0));
    const stream = event === 'console:patch' ? 'console' : event === 'screen:patch' ? 'screen' : null;
    if (stream) {
      const patch = args[0] as ViewPatch;
      const held = views[stream].v;
      const next = views[stream].patch(patch);
      if (next === 'resync') {
        received.push({ event: 'patch:mismatch', args: [{ stream, held, patch: { base: patch.base, v: patch.v } }] });
        socket.emit('view:resync');
      } else if (next) received.push({ event: stream, args: [next, patch.v] });
    }
    for (const w of [...waiters]) w();
  });
  const client: TestClient = {
    socket,
    received,
    async send(name, payload) {
      const ack = (await socket.timeout(10_000).emitWithAck(name, payload)) as Ack<never>;
      // The page held, told in wall:watch's ack, recorded as a page received, as the phone page applies it.
      const page = name === 'wall:watch' && ack.ok ? (ack.data as CommandResults['wall:watch']).page : undefined;
      if (page) {
        received.push({ event: 'wall:page', args: [page], from: 'wall:watch' });
        for (const w of [...waiters]) w();
      }
      return ack;
    },
    next<T>(event: string, test: (payload: T) => boolean = () => true, since = 0) {
      return new Promise<T>((resolve, reject) => {
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`timed out waiting for "${event}"`));
        }, 10_000);
        function check() {
          for (let i = since; i < received.length; i++) {
            const r = received[i];
            if (r.event === event && test(r.args[0] as T)) {
              clearTimeout(timer);
              waiters.delete(check);
              resolve(r.args[0] as T);
              return;
            }
          }
        }
        waiters.add(check);
        check();
      });
    },
    mark: () => received.length,
    close: () => socket.close(),
  };
  return new Promise((resolve, reject) => {
    socket.once('connect', () => resolve(client));
    socket.once('connect_error', (err) => reject(err));
  });
}

/** A forum's address for sockets: its namespace (/f/<slug>), or the server's origin for a bare URL. */
const socketUrlOf = (server: { url: string; socketUrl?: string }): string => server.socketUrl ?? server.url;

export async function connectConsole(server: { url: string; socketUrl?: string; facilitatorKey: string }, reconnection = false) {
  const c = await connect(socketUrlOf(server), { role: 'console', key: server.facilitatorKey }, { reconnection });
  await c.next<ConsoleView>('console');
  return c;
}

/** The display key in a projector link. */
export const screenKeyOf = (screenUrl: string): string => new URL(screenUrl).searchParams.get('key') ?? '';

export async function connectScreen(server: { url: string; socketUrl?: string; screenUrl: string }, reconnection = false) {
  const c = await connect(socketUrlOf(server), { role: 'screen', key: screenKeyOf(server.screenUrl) }, { reconnection });
  await c.next<ScreenView>('screen');
  return c;
}

export interface TestPhone extends TestClient {
  token: string;
  me: MeView;
}

/** A phone that has joined the forum under `name`. */
export async function joinPhone(
  server: { url: string; socketUrl?: string; joinCode: string },
  name = '',
  reconnection = false,
  localAddress = nextPhoneAddress(),
): Promise<TestPhone> {
  const token = newToken();
  const c = await connect(socketUrlOf(server), { role: 'phone', token }, { reconnection, localAddress });
  await c.next('me');
  const ack = await c.send('participant:join', { code: server.joinCode, name, token });
  if (!ack.ok) throw new Error(`join failed: ${ack.error.code}`);
  return Object.assign(c, { token, me: ack.data.me });
}

export function ok<T>(ack: Ack<T>): T {
  if (!ack.ok) throw new Error(`expected ok, got ${ack.error.code}: ${ack.error.message}`);
  return ack.data;
}

export function refused<T>(ack: Ack<T>): string {
  if (ack.ok) throw new Error('expected a refusal, got ok');
  return ack.error.code;
}
