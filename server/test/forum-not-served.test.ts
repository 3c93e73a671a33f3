// A connection to a forum this server does not serve (another process holds it, or there is no
// such forum) is refused with a sentence saying which, in the asker's language and then the other,
// not Socket.IO's bare "Invalid namespace"; once the forum is served here, it connects as ever.

import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { ConnectRefusal } from '../../shared/protocol.js';
import { MemoryLease } from '../forums/lease.js';
import { connect, startTestServer, tempDir, type TestClient, type TestServer } from './harness.js';

/** The refusal a connection to `url` meets (the test fails if it connects instead). */
async function refusalAt(url: string, auth: Parameters<typeof connect>[1]): Promise<ConnectRefusal & { text: string }> {
  const connected = await connect(url, auth).then(
    (c) => {
      c.close();
      return null;
    },
    (err: Error & { data?: ConnectRefusal }) => ({ ...err.data!, text: err.message }),
  );
  if (!connected) throw new Error(`${url} took the connection`);
  return connected;
}

describe('connections to a forum not served here', () => {
  const servers: TestServer[] = [];
  const clients: TestClient[] = [];
  const dirs: string[] = [];
  afterEach(async () => {
    for (const c of clients.splice(0)) c.close();
    for (const s of servers.splice(0)) await s.stop();
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });

  it('refuses a forum there is none of, in Ukrainian then English, or English then Ukrainian, whichever forums open', async () => {
    for (const loadForums of ['all', 'on-demand'] as const) {
      const server = await startTestServer({ loadForums });
      servers.push(server);
      const uk = await refusalAt(`${server.url}/f/99`, { role: 'phone', lang: 'uk' });
      expect(uk.text, loadForums).not.toBe('Invalid namespace');
      expect(uk).toMatchObject({
        code: 'FORUM_NOT_FOUND',
        message: expect.stringMatching(/^Такого форуму на цьому сервері немає/),
        other: { lang: 'en', message: expect.stringMatching(/^There is no such forum on this server/) },
      });
      const en = await refusalAt(`${server.url}/f/99`, { role: 'console', lang: 'en', key: server.facilitatorKey });
      expect(en).toMatchObject({ code: 'FORUM_NOT_FOUND', message: expect.stringMatching(/^There is no such forum/), other: { lang: 'uk' } });
      // A name no forum could have.
      expect((await refusalAt(`${server.url}/f/No_Such`, { role: 'phone' })).code).toBe('FORUM_NOT_FOUND');
      // The forum that is here still takes connections, and no namespace was left behind for the refused names.
      const phone = await connect(server.socketUrl, { role: 'phone' });
      clients.push(phone);
      expect([...server.io._nsps.keys()].filter((name) => name.startsWith('/f/'))).toEqual([`/f/${server.slug}`]);
    }
  });

  it('refuses a forum another process serves, says so, and connects once it is served here', async () => {
    const dir = tempDir();
    dirs.push(dir);
    const dbPath = join(dir, 'forum.db');
    const maker = await startTestServer({ dbPath });
    const id = maker.room.record.id;
    const slug = maker.slug;
    await maker.stop();

    // Opened at start: the forum stays another's until this server starts again.
    const held = new MemoryLease();
    held.takeAway(id);
    const all = await startTestServer({ dbPath, lease: held });
    servers.push(all);
    const refusal = await refusalAt(`${all.url}/f/${slug}`, { role: 'phone', lang: 'uk' });
    expect(refusal).toMatchObject({
      code: 'FORUM_ELSEWHERE',
      message: expect.stringMatching(/^Цей форум зараз відкритий на іншому сервері Віче/),
      other: { lang: 'en', message: expect.stringMatching(/^This forum is open on another Viche server now/) },
    });
    await all.stop();
    servers.pop();

    // On demand: refused while another process holds it, opened here as soon as it lets it go.
    const lease = new MemoryLease();
    lease.takeAway(id);
    const server = await startTestServer({ dbPath, lease, loadForums: 'on-demand', idleUnloadMs: 60_000 });
    servers.push(server);
    const screen = await refusalAt(`${server.url}/f/${slug}`, { role: 'screen', lang: 'en', key: 'x'.repeat(24) });
    expect(screen).toMatchObject({ code: 'FORUM_ELSEWHERE', message: expect.stringMatching(/^This forum is open on another Viche server/), other: { lang: 'uk' } });
    expect(server.forums.openCount).toBe(0);
    lease.giveBack(id);
    const phone = await connect(`${server.url}/f/${slug}`, { role: 'phone' });
    clients.push(phone);
    await phone.next('phone');
    expect(server.forums.openCount).toBe(1);
    expect(lease.holds(id)).toBe(true);
  });
});
