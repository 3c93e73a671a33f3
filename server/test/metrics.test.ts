// GET /metrics (server/metrics.ts): Prometheus's text format with what a process is doing, read
// only from this machine straight to the process or with METRICS_KEY, and nothing private in it.

import { afterEach, describe, expect, it } from 'vitest';
import { joinPhone, ok, startTestServer, type TestClient, type TestServer } from './harness.js';

/** A metric's value in a scrape: the first sample whose name and labels start so. */
function sample(text: string, name: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(name) && !l.startsWith('#'));
  return line === undefined ? undefined : Number(line.slice(line.lastIndexOf(' ') + 1));
}

describe('metrics', () => {
  let server: TestServer | null = null;
  const clients: TestClient[] = [];
  afterEach(async () => {
    for (const c of clients.splice(0)) c.close();
    await server?.stop();
    server = null;
  });

  it('counts forums, connections, answers by code and store writes, with the event loop’s delay, and names nobody', async () => {
    server = await startTestServer();
    const phone = await joinPhone(server, 'Оксана Мельник');
    clients.push(phone);
    ok(await phone.send('session:setLanguage', { lang: 'en' }));
    // A refusal: an idea outside the ideas phase.
    const refused = await phone.send('idea:submit', { priorityCode: '1', title: 'Велодоріжка' });
    expect(refused.ok).toBe(false);
    const code = refused.ok ? '' : refused.error.code;

    const res = await fetch(`${server.url}/metrics`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = await res.text();
    expect(sample(text, 'viche_forums_owned')).toBe(1);
    expect(sample(text, 'viche_connections')).toBe(1);
    // The join and the language, acknowledged; the idea, refused under its code.
    expect(sample(text, 'viche_commands_total{outcome="acked",code=""}')).toBe(2);
    expect(sample(text, `viche_commands_total{outcome="refused",code="${code}"}`)).toBe(1);
    // The join was stored: one batch at least, timed.
    expect(sample(text, 'viche_store_write_seconds_count{outcome="stored"}')).toBeGreaterThanOrEqual(1);
    expect(text).toMatch(/^viche_nodejs_eventloop_lag_p99_seconds \d/m);
    // The SQLite file has no server to ask, nor a lease to lose.
    expect(text).not.toContain('viche_store_up');
    // Nothing that names a person, a forum, or opens anything.
    for (const secret of ['Оксана', 'Велодоріжка', server.facilitatorKey, server.joinCode, phone.token, server.room.state.title]) {
      expect(text).not.toContain(secret);
    }
  });

  it('is refused through a proxy (a forwarding header) and, with METRICS_KEY, without the key', async () => {
    server = await startTestServer({ metricsKey: 'metrics-key-of-this-vote' });
    expect((await fetch(`${server.url}/metrics`)).status).toBe(403);
    expect((await fetch(`${server.url}/metrics`, { headers: { authorization: 'Bearer wrong' } })).status).toBe(403);
    const res = await fetch(`${server.url}/metrics`, { headers: { authorization: 'Bearer metrics-key-of-this-vote' } });
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('viche_forums_owned 1');
    await server.stop();

    server = await startTestServer();
    const proxied = await fetch(`${server.url}/metrics`, { headers: { 'x-forwarded-for': '203.0.113.7' } });
    expect(proxied.status).toBe(403);
    expect(await proxied.text()).toContain('METRICS_KEY');
    expect((await fetch(`${server.url}/metrics`, { headers: { forwarded: 'for=203.0.113.7' } })).status).toBe(403);
  });
});
