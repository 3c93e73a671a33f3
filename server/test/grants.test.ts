// Download grants are signed tokens, not one process's memory: a grant made by one server is taken
// by another reading the same database, for the forum and the downloads it names, until it expires
// or the facilitator's key (and with it the grant key's epoch) is rotated by either of them; an
// altered one is refused. Each refusal says which, in Ukrainian and English.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SqliteStore } from '../db/sqlite.js';
import { DOWNLOADS, GRANT_TTL_MS, Grants } from '../http/grants.js';
import { connect, connectConsole, ok, startTestServer, type TestClient, type TestServer } from './harness.js';
import { PROTOCOL_VERSION, type Ack, type ListCommandResults } from '../../shared/protocol.js';

describe('download grants shared by two servers on one database', () => {
  let a: TestServer;
  let b: TestServer;
  let consoleA: TestClient;
  const clients: TestClient[] = [];
  const get = (server: TestServer, path: string, lang = 'uk') => fetch(`${server.url}${path}${path.includes('?') ? '&' : '?'}lang=${lang}`);
  const refusal = async (res: Response) => ({ status: res.status, ...((await res.json()) as { error: { code: string; message: string } }).error });

  beforeAll(async () => {
    a = await startTestServer();
    a.forums.create({ title: 'Житомир 2030: Богунія', structure: a.room.state.structure, admission: 'open', titled: true });
    // The second server reads the same file through a store of its own (as a second process would);
    // the writer lock is the first's. Both hold the same forums here: only downloads are asked of them.
    b = await startTestServer({ store: new SqliteStore(a.dbPath), dbPath: a.dbPath, backupEveryMs: 0 });
    consoleA = await connectConsole({ url: a.url, socketUrl: `${a.url}/f/1`, facilitatorKey: a.facilitatorKey });
    clients.push(consoleA);
  });
  afterAll(async () => {
    for (const c of clients) c.close();
    await b?.close();
    await a?.stop();
  });

  it('a grant made by one server opens its forum’s files at the other, and nothing else', async () => {
    const { grant } = ok(await consoleA.send('export:grant', {}));
    // One run of URL-safe characters: nothing in a link to escape.
    expect(grant).toMatch(/^[\w-]+$/);
    expect(b.facilitatorKey).toBe(a.facilitatorKey);
    expect((await get(b, `/f/1/api/forum.json?grant=${grant}`)).status).toBe(200);
    expect((await get(b, `/f/1/console/poster?grant=${grant}`)).status).toBe(200);
    // Forum 1's grant is no grant for forum 2.
    const other = await refusal(await get(b, `/f/2/api/forum.json?grant=${grant}`));
    expect(other).toMatchObject({ status: 403, code: 'GRANT_NOT_HERE' });
    expect(other.message).toBe('Це посилання створене для іншого форуму чи іншого файлу. Відкрийте потрібне посилання з пульта фасилітатора.');

    // The forum list's grant opens every forum's file, and only that.
    const list = await connect(`${a.url}/`, { role: 'console', key: a.facilitatorKey });
    clients.push(list);
    const listGrant = ok((await list.socket.timeout(10_000).emitWithAck('forums:grant', {})) as Ack<ListCommandResults['forums:grant']>).grant;
    for (const slug of ['1', '2']) expect((await get(b, `/f/${slug}/api/forum.json?grant=${listGrant}`)).status, slug).toBe(200);
    expect(await refusal(await get(b, `/f/1/console/tickets?grant=${listGrant}`, 'en'))).toMatchObject({
      code: 'GRANT_NOT_HERE',
      message: 'This link was made for another forum or another file. Open the link you need from the facilitator’s console.',
    });
  });

  it('refuses a grant altered in any part, or past its time, saying which', async () => {
    const { grant } = ok(await consoleA.send('export:grant', {}));
    const [body, signature] = [grant.slice(0, -43), grant.slice(-43)];
    const claims = JSON.parse(Buffer.from(body, 'base64url').toString()) as { f: string; x: number };
    const altered = [
      // Another forum's id, a later expiry, a flipped signature, no signature, not a grant at all.
      `${Buffer.from(JSON.stringify({ ...claims, f: '*' })).toString('base64url')}${signature}`,
      `${Buffer.from(JSON.stringify({ ...claims, x: claims.x + 86_400_000 })).toString('base64url')}${signature}`,
      `${body}${signature.startsWith('A') ? 'B' : 'A'}${signature.slice(1)}`,
      body,
      `${grant}.`,
      'forged',
    ];
    for (const g of altered) {
      const r = await refusal(await get(b, `/f/1/api/forum.json?grant=${encodeURIComponent(g)}`));
      expect(r, g).toMatchObject({ status: 403, code: 'GRANT_INVALID', message: 'Це посилання пошкоджене або змінене, тож воно не діє. Відкрийте його ще раз із пульта фасилітатора.' });
    }
    // Signed with the server's own key, but its ten minutes are over.
    const stale = new Grants(a.forums.secrets).issue(a.forums.bySlug('1')!.room.record.id, DOWNLOADS, Date.now() - GRANT_TTL_MS - 1).grant;
    expect(await refusal(await get(b, `/f/1/api/forum.json?grant=${stale}`, 'en'))).toMatchObject({
      status: 403,
      code: 'GRANT_EXPIRED',
      message: 'This link has expired. Open it again from the facilitator’s console.',
    });
  });

  it('after a key rotation at one server, the other takes the new grants and refuses the old', async () => {
    const { grant: before } = ok(await consoleA.send('export:grant', {}));
    const key = ok(await consoleA.send('facilitator:rotateKey', {})).key;
    const renewed = await connect(`${a.url}/f/1`, { role: 'console', key, v: PROTOCOL_VERSION });
    clients.push(renewed);
    const { grant: after } = ok(await renewed.send('export:grant', {}));
    // The server that made neither learns the new epoch from the store when it first sees it.
    expect((await get(b, `/f/1/api/forum.json?grant=${after}`)).status).toBe(200);
    for (const server of [a, b]) {
      const r = await refusal(await get(server, `/f/1/api/forum.json?grant=${before}`));
      expect(r).toMatchObject({ status: 403, code: 'GRANT_REVOKED' });
      expect(r.message).toBe('Ключ фасилітатора змінили після того, як створили це посилання, тож воно більше не діє. Відкрийте його ще раз із пульта фасилітатора.');
    }
  });
});
