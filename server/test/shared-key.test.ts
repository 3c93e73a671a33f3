// The facilitator's key is the store's, not one process's: rotated through one server, it opens
// the consoles, the forum list and the downloads of another server reading the same database at
// once (a key that matches none held is read again), and the old key stops working there: at once
// after such a re-read, and within the poll's interval otherwise, when that server's consoles with
// the old key are disconnected too.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemoryStore } from '../db/store.js';
import { SqliteStore } from '../db/sqlite.js';
import { MISS_RELOAD_MS, ServerSecrets } from '../forums/secrets.js';
import { connect, connectConsole, ok, startTestServer, type TestClient, type TestServer } from './harness.js';

const disconnected = (c: TestClient) => new Promise<string>((resolve) => c.socket.once('disconnect', resolve));

/** The code a refused console connection was given, or 'connected'. */
async function consoleAt(url: string, key: string, clients: TestClient[]): Promise<string> {
  try {
    clients.push(await connect(url, { role: 'console', key }));
    return 'connected';
  } catch (err) {
    return (err as { data?: { code: string } }).data?.code ?? String(err);
  }
}

describe('a facilitator key rotated by another server on the same database', () => {
  let a: TestServer;
  /** Reads the keys again only when shown one it does not hold. */
  let b: TestServer;
  /** Also reads them every 50 ms. */
  let c: TestServer;
  const clients: TestClient[] = [];
  const forumFile = (server: TestServer, key: string) => fetch(`${server.url}/f/1/api/forum.json`, { headers: { 'x-facilitator-key': key } });

  beforeAll(async () => {
    a = await startTestServer({ secretsPollMs: 0 });
    // Second and third servers read the same file through stores of their own, as other processes would.
    b = await startTestServer({ store: new SqliteStore(a.dbPath), dbPath: a.dbPath, backupEveryMs: 0, secretsPollMs: 0 });
    c = await startTestServer({ store: new SqliteStore(a.dbPath), dbPath: a.dbPath, backupEveryMs: 0, secretsPollMs: 50 });
  });
  afterAll(async () => {
    for (const client of clients) client.close();
    await c?.close();
    await b?.close();
    await a?.stop();
  });

  it('is taken at once elsewhere, and the old one refused there, its consoles disconnected', async () => {
    const old = a.facilitatorKey;
    expect(b.facilitatorKey).toBe(old);
    const consoleB = await connectConsole({ url: b.url, socketUrl: `${b.url}/f/1`, facilitatorKey: old });
    const consoleC = await connectConsole({ url: c.url, socketUrl: `${c.url}/f/1`, facilitatorKey: old });
    clients.push(consoleB, consoleC);
    const consoleBGone = disconnected(consoleB);
    const consoleCGone = disconnected(consoleC);

    const consoleA = await connectConsole({ url: a.url, socketUrl: `${a.url}/f/1`, facilitatorKey: old });
    clients.push(consoleA);
    const key = ok(await consoleA.send('facilitator:rotateKey', {})).key;
    expect(key).not.toBe(old);

    // B has not looked at the store since it started: the new key makes it look.
    expect(await consoleAt(`${b.url}/f/1`, key, clients)).toBe('connected');
    expect(b.facilitatorKey).toBe(key);
    expect(await consoleBGone).toBe('io server disconnect');
    expect(await consoleAt(`${b.url}/f/1`, old, clients)).toBe('FORBIDDEN');
    expect(await consoleAt(`${b.url}/`, old, clients)).toBe('FORBIDDEN');
    expect(await consoleAt(`${b.url}/`, key, clients)).toBe('connected');
    expect((await forumFile(b, old)).status).toBe(403);
    expect((await forumFile(b, key)).status).toBe(200);

    // C is shown no key: its poll finds the rotation, and the old key stops opening anything there.
    expect(await consoleCGone).toBe('io server disconnect');
    expect(c.facilitatorKey).toBe(key);
    expect((await forumFile(c, old)).status).toBe(403);
    expect(await consoleAt(`${c.url}/f/1`, old, clients)).toBe('FORBIDDEN');
    expect((await forumFile(c, key)).status).toBe(200);
  });

  it('a wrong key reads the store again at most once a second', async () => {
    const store = new MemoryStore();
    const secrets = await ServerSecrets.load(store, (run) => run());
    const t0 = 1_000_000;
    expect(await secrets.reloadAfterMiss(t0)).toBe(false);
    await store.setSetting('facilitator_key', 'rotated-elsewhere-000001');
    // Within the second after the last re-read, what is held stands.
    expect(await secrets.reloadAfterMiss(t0 + MISS_RELOAD_MS - 1)).toBe(false);
    expect(secrets.facilitatorKey).not.toBe('rotated-elsewhere-000001');
    expect(await secrets.reloadAfterMiss(t0 + MISS_RELOAD_MS)).toBe(true);
    expect(secrets.facilitatorKey).toBe('rotated-elsewhere-000001');
  });
});
