// LOAD_FORUMS=on-demand: a server with several forums opens none of their rooms until one is used
// (a phone or console connecting, an export), and closes a forum left idle, which opens again on
// the next connection just as it was.

import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Ack, ForumsView, MeView } from '../../shared/protocol.js';
import { MemoryLease } from '../forums/lease.js';
import { connect, connectConsole, joinPhone, ok, startTestServer, tempDir, type TestClient, type TestServer } from './harness.js';

describe('forums opened on demand', () => {
  const servers: TestServer[] = [];
  const clients: TestClient[] = [];
  const dirs: string[] = [];
  afterEach(async () => {
    for (const c of clients.splice(0)) c.close();
    for (const s of servers.splice(0)) await s.stop();
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });

  /** A file with three forums, made by a server that opens all of them. */
  async function threeForums(): Promise<{ dbPath: string; slugs: string[]; facilitatorKey: string }> {
    const dir = tempDir();
    dirs.push(dir);
    const dbPath = join(dir, 'forum.db');
    const maker = await startTestServer({ dbPath });
    const list = await connect(maker.url, { role: 'console', key: maker.facilitatorKey });
    await list.next('forums');
    for (const title of ['Другий форум', 'Третій форум']) {
      const ack = (await list.socket.timeout(10_000).emitWithAck('forums:create', { title, from: { kind: 'template' } })) as Ack<unknown>;
      ok(ack);
    }
    list.close();
    const slugs = maker.forums.list().map((f) => f.room.record.slug);
    const facilitatorKey = maker.facilitatorKey;
    await maker.stop();
    return { dbPath, slugs, facilitatorKey };
  }

  it('opens no forum until asked, then each on its first connection or forum-file download', async () => {
    const { dbPath, slugs } = await threeForums();
    expect(slugs).toHaveLength(3);
    const server = await startTestServer({ dbPath, loadForums: 'on-demand', idleUnloadMs: 60_000 });
    servers.push(server);
    expect(server.forums.records()).toHaveLength(3);
    expect(server.forums.openCount).toBe(0);

    const admin = await connectConsole({ url: server.url, socketUrl: `${server.url}/f/${slugs[0]}`, facilitatorKey: server.facilitatorKey });
    clients.push(admin);
    expect(server.forums.openCount).toBe(1);
    expect(server.forums.bySlug(slugs[0])).toBeDefined();

    const res = await fetch(`${server.url}/f/${slugs[1]}/api/forum.json`, { headers: { 'x-facilitator-key': server.facilitatorKey } });
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('Другий форум');
    expect(server.forums.openCount).toBe(2);
    expect(server.forums.bySlug(slugs[1])).toBeDefined();
    expect(server.forums.bySlug(slugs[2])).toBeUndefined();
  });

  it('closes a forum left idle, giving up its lease, and opens it again on the next connection with its votes', async () => {
    const { dbPath, slugs } = await threeForums();
    const lease = new MemoryLease();
    const server = await startTestServer({ dbPath, loadForums: 'on-demand', idleUnloadMs: 150, lease });
    servers.push(server);
    const at = { url: server.url, socketUrl: `${server.url}/f/${slugs[2]}`, facilitatorKey: server.facilitatorKey, joinCode: '' };
    const admin = await connectConsole(at);
    const forum = server.forums.bySlug(slugs[2])!;
    const id = forum.room.record.id;
    expect(lease.holds(id)).toBe(true);
    at.joinCode = forum.attached.admission.joinInfo(Date.now()).joinCode;
    const phone = await joinPhone(at, 'Марта');
    ok(await admin.send('phase:set', { to: 'ideas' }));
    const { ideaId } = ok(await phone.send('idea:submit', { priorityCode: '1', title: 'Велодоріжка' }));
    ok(await admin.send('phase:set', { to: 'review' }));
    ok(await admin.send('phase:set', { to: 'voting' }));
    ok(await phone.send('dot:place', { ideaId }));
    ok(await phone.send('dot:place', { ideaId }));

    // Connected, it stays open however long it is idle.
    await new Promise((r) => setTimeout(r, 400));
    expect(server.forums.openCount).toBe(1);

    // A request still running (a long export) keeps it open too, connections gone.
    const endRequest = server.forums.hold(id);
    admin.close();
    phone.close();
    await vi.waitFor(() => expect(forum.attached.nsp.sockets.size).toBe(0), { timeout: 10_000, interval: 50 });
    await new Promise((r) => setTimeout(r, 400));
    expect(server.forums.openCount).toBe(1);
    endRequest();
    await vi.waitFor(() => expect(server.forums.openCount).toBe(0), { timeout: 10_000, interval: 50 });
    expect(server.forums.bySlug(slugs[2])).toBeUndefined();
    expect(lease.holds(id)).toBe(false);

    // The console's forum list still shows it as it closed, and the forums never opened here as
    // the store holds them: none is opened for it.
    const list = await connect(server.url, { role: 'console', key: server.facilitatorKey });
    clients.push(list);
    const view = await list.next<ForumsView>('forums');
    expect(view.forums.map((f) => [f.slug, f.phase, f.ideas])).toEqual([
      [slugs[0], 'lobby', 0],
      [slugs[1], 'lobby', 0],
      [slugs[2], 'voting', 1],
    ]);
    expect(server.forums.openCount).toBe(0);

    const back = await connect(at.socketUrl, { role: 'phone', token: phone.token });
    clients.push(back);
    const me = await back.next<MeView>('me');
    expect(me.dots).toEqual({ [ideaId]: 2 });
    expect(server.forums.openCount).toBe(1);
    expect(lease.holds(id)).toBe(true);
    expect(server.forums.bySlug(slugs[2])!.room.state.phase).toBe('voting');
  });

  it('refuses a page of a forum another process serves, in both languages', async () => {
    const { dbPath, slugs } = await threeForums();
    const lease = new MemoryLease();
    const server = await startTestServer({ dbPath, loadForums: 'on-demand', idleUnloadMs: 60_000, lease });
    servers.push(server);
    const record = server.forums.records().find((r) => r.slug === slugs[0])!;
    lease.takeAway(record.id);
    const res = await fetch(`${server.url}/f/${slugs[0]}/`, { headers: { accept: 'text/html' } });
    expect(res.status).toBe(503);
    const page = await res.text();
    expect(page).toContain('інший процес сервера Віче');
    expect(page).toContain('another Viche server process');
    expect(server.forums.openCount).toBe(0);
  });

  it('opens the only forum of a server for its short addresses', async () => {
    const dir = tempDir();
    dirs.push(dir);
    const dbPath = join(dir, 'forum.db');
    const maker = await startTestServer({ dbPath });
    const slug = maker.slug;
    await maker.stop();
    const server = await startTestServer({ dbPath, loadForums: 'on-demand', idleUnloadMs: 60_000 });
    servers.push(server);
    expect(server.forums.openCount).toBe(0);
    const res = await fetch(`${server.url}/screen`, { redirect: 'manual' });
    expect(res.status).toBe(302);
    expect(res.headers.get('location')).toBe(`/f/${slug}/screen`);
    expect(server.forums.openCount).toBe(1);
  });
});
