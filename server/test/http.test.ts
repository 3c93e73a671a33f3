// The HTTP side and start-up settings: pages, QR, health, headers, and the address phones get.

import { readFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { io as connectClient } from 'socket.io-client';
import { PROTOCOL_VERSION } from '../../shared/protocol.js';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIST, isBuilt, pageFiles } from '../../scripts/pages.js';
import { configFromEnv } from '../main.js';
import { lanAddress, phoneBaseUrl } from '../net.js';
import type { ConsoleView } from '../../shared/protocol.js';
import { connectConsole, newToken, startTestServer, type TestServer } from './harness.js';

describe('the address phones are given', () => {
  it('is PUBLIC_URL when set, with {port} filled in and no trailing slash', () => {
    expect(phoneBaseUrl(3000, 'http://forum.local:{port}/').url).toBe('http://forum.local:3000');
    expect(phoneBaseUrl(3000, 'https://viche.example.org').url).toBe('https://viche.example.org');
  });

  it('is never localhost otherwise', () => {
    const { url, warning } = phoneBaseUrl(4321);
    expect(url).not.toMatch(/localhost|127\.0\.0\.1|\[::1\]/);
    expect(url).toMatch(/:4321$/);
    if (lanAddress()) expect(url).toBe(`http://${lanAddress()}:4321`);
    else expect(warning).toMatch(/PUBLIC_URL/);
  });

  it('settings come from the environment, and a bad port is refused', () => {
    const key = 'a-key-of-16-chars';
    const config = configFromEnv({ PORT: '8080', VICHE_DB: '/tmp/x.db', PUBLIC_URL: 'http://a:1', FACILITATOR_KEY: key });
    expect(config).toMatchObject({ port: 8080, dbPath: '/tmp/x.db', publicUrl: 'http://a:1', facilitatorKey: key, host: '0.0.0.0' });
    expect(configFromEnv({})).toMatchObject({ admission: 'hall', maxPerAddress: 3, trustProxy: 0, wsCompression: false });
    expect(configFromEnv({ WS_COMPRESSION: '1' }).wsCompression).toBe(true);
    expect(() => configFromEnv({ WS_COMPRESSION: 'yes' })).toThrow(/WS_COMPRESSION must be a whole number from 0 to 1/);
    expect(configFromEnv({}).dbPath).toMatch(/data\/viche\.db$/);
    expect(configFromEnv({ ADMISSION: 'tickets', MAX_PARTICIPANTS_PER_ADDRESS: '0', TRUST_PROXY: 'true' })).toMatchObject({
      admission: 'tickets',
      maxPerAddress: 0,
      trustProxy: 1,
    });
    expect(() => configFromEnv({ PORT: 'eighty' })).toThrow(/PORT/);
    expect(() => configFromEnv({ PORT: '70000' })).toThrow(/PORT/);
    expect(() => configFromEnv({ ADMISSION: 'everyone' })).toThrow(/ADMISSION must be one of hall, tickets, open/);
    expect(() => configFromEnv({ MAX_PARTICIPANTS_PER_ADDRESS: '-1' })).toThrow(/MAX_PARTICIPANTS_PER_ADDRESS/);
    // A claim's name the log can record, or no start: not every e-ID sign-in of a vote refused later.
    const oidc = { OIDC_ISSUER: 'http://127.0.0.1:1', OIDC_CLIENT_ID: 'viche', OIDC_CLIENT_SECRET: 's' };
    expect(configFromEnv({ ...oidc, OIDC_PERSON_CLAIM: 'drfocode' }).oidc?.personClaim).toBe('drfocode');
    for (const bad of ['РНОКПП', 'drfo code', 'x'.repeat(65)]) {
      expect(() => configFromEnv({ ...oidc, OIDC_PERSON_CLAIM: bad })).toThrow(/OIDC_PERSON_CLAIM must be the name of a provider's claim/);
    }
  });

  it('refuses a facilitator key shorter than 16 characters, in a sentence', () => {
    expect(() => configFromEnv({ FACILITATOR_KEY: '4711' })).toThrow(
      'FACILITATOR_KEY is 4 characters long; use at least 16 (or leave it unset and a strong key is made for you).',
    );
  });

  it('is marked unreachable, and says what to change, when the server listens on loopback only', async () => {
    for (const host of ['127.0.0.1', '::1', 'localhost']) {
      const base = phoneBaseUrl(3000, undefined, host);
      expect(base.reachable).toEqual({ ok: false, why: 'loopback', host });
      expect(base.warning).toBe(
        `Телефони не дістануться до цього сервера: він слухає лише ${host}. Задайте HOST=0.0.0.0 (типове значення) або PUBLIC_URL. / Phones cannot reach this server: it listens on ${host} only. Set HOST=0.0.0.0 (the default) or PUBLIC_URL.`,
      );
      // Never a LAN address the server does not listen on.
      const lan = lanAddress();
      if (lan) expect(base.url).not.toContain(lan);
    }
    expect(phoneBaseUrl(3000, undefined, '::1').url).toBe('http://[::1]:3000');
    expect(phoneBaseUrl(3000, undefined, '127.0.0.1').url).toBe('http://127.0.0.1:3000');
    // PUBLIC_URL is the way in that its author knows (a proxy in front, say): trusted as it is.
    expect(phoneBaseUrl(3000, 'http://forum.local:{port}', '127.0.0.1')).toEqual({ url: 'http://forum.local:3000', reachable: { ok: true } });
    // One address of this computer: that one, the only one the server answers on.
    expect(phoneBaseUrl(3000, undefined, '192.168.7.20')).toEqual({ url: 'http://192.168.7.20:3000', reachable: { ok: true } });
    expect(phoneBaseUrl(3000, undefined, 'fe80::1').url).toBe('http://[fe80::1]:3000');
    expect(phoneBaseUrl(3000, undefined, '0.0.0.0').reachable.ok).toBe(lanAddress() !== null);

    // The console is told; a server with PUBLIC_URL (as every other test runs) is not warned.
    const loopback = await startTestServer({ publicUrl: undefined });
    const other = await startTestServer();
    try {
      expect(loopback.reachable).toEqual({ ok: false, why: 'loopback', host: '127.0.0.1' });
      expect(loopback.baseUrl).toBe(`http://127.0.0.1:${loopback.port}`);
      const consoles = await Promise.all([connectConsole(loopback), connectConsole(other)]);
      const [warned, fine] = consoles.map((c) => c.received.find((r) => r.event === 'console')!.args[0] as ConsoleView);
      expect(warned.reachable).toEqual({ ok: false, why: 'loopback', host: '127.0.0.1' });
      expect(fine.reachable).toEqual({ ok: true });
      for (const c of consoles) c.close();
    } finally {
      await loopback.stop();
      await other.stop();
    }
  });
});

describe('HTTP', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ facilitatorKey: 'secret-key-from-env' });
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('a key from the environment replaces the stored one', () => {
    expect(server.facilitatorKey).toBe('secret-key-from-env');
    expect(server.consoleUrl).toContain('key=secret-key-from-env');
  });

  it('serves the QR of the join address as SVG, and a health check', async () => {
    const qr = await fetch(`${server.url}/qr.svg`);
    expect(qr.headers.get('content-type')).toContain('image/svg+xml');
    expect(await qr.text()).toMatch(/^<svg/);
    expect(server.joinUrl).toBe(`http://viche.test:9/f/${server.slug}/?c=${server.joinCode}`);
    // With a code, the QR carries it; digits only.
    const withCode = await (await fetch(`${server.url}/qr.svg?c=123456`)).text();
    expect(withCode).toMatch(/^<svg/);
    expect(withCode).not.toBe(await (await fetch(`${server.url}/qr.svg?c=<script>`)).text());
    const health = await (await fetch(`${server.url}/health`)).json();
    expect(health).toEqual({ ok: true, forums: 1, phase: 'lobby', joined: 0 });
  });

  it('sends pages with headers that keep them to this origin', async () => {
    for (const path of ['/', '/screen', '/console']) {
      const res = await fetch(`${server.url}${path}`);
      expect([200, 503]).toContain(res.status);
      expect(res.headers.get('content-security-policy')).toContain("default-src 'self'");
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      expect(res.headers.get('x-powered-by')).toBeNull();
    }
    expect((await fetch(`${server.url}/nope`)).status).toBe(404);
  });

  // Needs the build (npm test makes one); without it there are no assets to serve.
  it.skipIf(!isBuilt())('sends assets precompressed (brotli, else gzip), identical once decoded', async () => {
    const script = pageFiles('phone/index.html').find((f) => f.endsWith('.js'))!;
    const plain = readFileSync(join(DIST, script), 'utf8');
    for (const [accept, encoding] of [['br, gzip', 'br'], ['gzip', 'gzip'], ['identity', null]] as const) {
      const res = await fetch(`${server.url}/${script}`, { headers: { 'Accept-Encoding': accept } });
      expect(res.status).toBe(200);
      expect(res.headers.get('content-encoding')).toBe(encoding);
      expect(res.headers.get('content-type')).toContain('javascript');
      expect(await res.text()).toBe(plain);
    }
    const raw = await fetch(`${server.url}/${script}`, { headers: { 'Accept-Encoding': 'br' } });
    expect(Number(raw.headers.get('content-length'))).toBeLessThan(plain.length / 2);
  });

  it('answers every error with a page of its own, without a stack trace or the server’s paths', async () => {
    const key = { 'x-facilitator-key': 'secret-key-from-env' };
    const cases: [string, RequestInit, number][] = [
      ['/f/%E0%A4%A/', {}, 400],
      ['/assets/%E0%A4%A.js', {}, 404],
      ['/%E0%A4%A', {}, 404],
      ['/api/forums/import', { method: 'POST', headers: { ...key, 'content-type': 'application/json' }, body: '{"broken' }, 400],
      ['/api/forums/import', { method: 'POST', headers: { ...key, 'content-type': 'application/json', 'content-encoding': 'x-unknown' }, body: '{}' }, 415],
      ['/api/forums/import', { method: 'POST', headers: { ...key, 'content-type': 'application/json; charset=koi8-r' }, body: '{"\xff' }, 400],
      ['/nope', {}, 404],
      ['/api/nope.json', {}, 404],
    ];
    for (const [path, init, status] of cases) {
      const res = await fetch(`${server.url}${path}`, init);
      const body = await res.text();
      expect(res.status, path).toBe(status);
      expect(body, path).not.toMatch(/\bat \S+ \(|node_modules|\/work\/|\/home\/|\/tmp\/|Error:|<pre>/);
      expect(res.headers.get('x-powered-by')).toBeNull();
      if (path.includes('/api/')) {
        const json = JSON.parse(body) as { ok: boolean; error: { message: string } };
        expect(json.ok).toBe(false);
        expect(json.error.message.length).toBeGreaterThan(10);
      } else {
        expect(body).toMatch(/ \/ /);
      }
    }
  });

  it('answers only under its own names, and takes connections only from its own pages', async () => {
    const port = server.port;
    const status = (headers: Record<string, string>, method = 'GET') =>
      new Promise<number>((resolve, reject) => {
        const req = httpRequest({ host: '127.0.0.1', port, path: '/health', method, headers }, (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        });
        req.on('error', reject);
        req.end();
      });
    expect(await status({ host: `127.0.0.1:${port}` })).toBe(200);
    expect(await status({ host: `localhost:${port}` })).toBe(200);
    expect(await status({ host: `[::1]:${port}` })).toBe(200);
    // PUBLIC_URL's name (the harness gives viche.test), on any port: a proxy may change it.
    expect(await status({ host: 'viche.test' })).toBe(200);
    // A name of somebody else's that resolves to the laptop (DNS rebinding) is not served.
    expect(await status({ host: 'evil.example' })).toBe(421);
    expect(await status({ host: `evil.example:${port}` })).toBe(421);
    // Changes from another site's page are refused; from the server's own pages they pass on.
    expect(await status({ host: `127.0.0.1:${port}`, origin: 'http://evil.example' }, 'POST')).toBe(403);
    expect(await status({ host: `127.0.0.1:${port}`, origin: `http://127.0.0.1:${port}` }, 'POST')).toBe(404);

    const tryConnect = (headers: Record<string, string>) =>
      new Promise<string>((resolve) => {
        const socket = connectClient(server.socketUrl, {
          auth: { v: PROTOCOL_VERSION, role: 'phone', token: newToken() },
          transports: ['websocket'],
          forceNew: true,
          reconnection: false,
          extraHeaders: headers,
        });
        socket.once('connect', () => (socket.close(), resolve('connected')));
        socket.once('connect_error', () => (socket.close(), resolve('refused')));
      });
    expect(await tryConnect({})).toBe('connected');
    expect(await tryConnect({ origin: `http://127.0.0.1:${port}` })).toBe('connected');
    expect(await tryConnect({ origin: 'http://viche.test:9' })).toBe('connected');
    expect(await tryConnect({ origin: 'http://evil.example' })).toBe('refused');
    expect(await tryConnect({ origin: 'null' })).toBe('refused');
    expect(await tryConnect({ origin: 'http://evil.example', host: 'evil.example' })).toBe('refused');
  });

  it('answers to the names listed in ALLOWED_HOSTS too', async () => {
    expect(configFromEnv({ ALLOWED_HOSTS: 'forum.city.ua, viche.lan' }).allowedHosts).toEqual(['forum.city.ua', 'viche.lan']);
    const other = await startTestServer({ allowedHosts: ['viche.lan'] });
    try {
      const res = await new Promise<number>((resolve, reject) => {
        const req = httpRequest({ host: '127.0.0.1', port: other.port, path: '/health', headers: { host: 'viche.lan' } }, (r) => {
          r.resume();
          resolve(r.statusCode ?? 0);
        });
        req.on('error', reject);
        req.end();
      });
      expect(res).toBe(200);
    } finally {
      await other.stop();
    }
  });

  it('refuses exports before voting, in the asked language', async () => {
    const res = await fetch(`${server.url}/api/export.json?lang=en`, { headers: { 'x-facilitator-key': 'secret-key-from-env' } });
    expect(res.status).toBe(409);
    const body = (await res.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe('WRONG_PHASE');
    expect(body.error.message).toMatch(/^Not available right now/);
  });
});
