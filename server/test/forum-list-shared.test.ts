// The forum list over several server processes on one store: each forum's owner keeps its summary
// in the store, and every list (the console's, the phones' chooser) reads the forums from there,
// so a server lists a forum another one made and serves, with its phase, without opening it.

import Database from 'better-sqlite3';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Ack, ConnectRefusal, ForumSummary, ForumsView, ListCommandPayload, ListCommandResults } from '../../shared/protocol.js';
import { SqliteStore } from '../db/sqlite.js';
import type { ForumLease } from '../forums/lease.js';
import { connect, connectConsole, joinPhone, ok, startTestServer, tempDir, type TestClient, type TestServer } from './harness.js';

/** Leases of one store shared by the servers of a test, as a store's own would be by its processes. */
class SharedLeases {
  private readonly owners = new Map<string, string>();
  of(owner: string): ForumLease {
    return {
      tryAcquire: async (forumId) => {
        const held = this.owners.get(forumId);
        if (held !== undefined && held !== owner) return false;
        this.owners.set(forumId, owner);
        return true;
      },
      release: async (forumId) => {
        if (this.owners.get(forumId) === owner) this.owners.delete(forumId);
      },
      onLost: () => () => {},
    };
  }
  owner(forumId: string): string | undefined {
    return this.owners.get(forumId);
  }
}

describe('the forum list over two server processes on one store', () => {
  const servers: TestServer[] = [];
  const clients: TestClient[] = [];
  const dirs: string[] = [];
  afterEach(async () => {
    for (const c of clients.splice(0)) c.close();
    for (const s of servers.splice(0)) await s.stop();
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });

  const start = async (dbPath: string, leases: SharedLeases, owner: string) => {
    const server = await startTestServer({ dbPath, store: new SqliteStore(dbPath), lease: leases.of(owner), loadForums: 'on-demand', idleUnloadMs: 60_000, listPollMs: 100 });
    servers.push(server);
    return server;
  };
  const listConsole = async (server: TestServer) => {
    const c = await connect(server.url, { role: 'console', key: server.facilitatorKey });
    clients.push(c);
    return c;
  };
  const forumIn = (view: ForumsView, slug: string): ForumSummary | undefined => view.forums.find((f) => f.slug === slug);

  it('lists a forum made and moved to voting on the other, with its phase and counts, without opening it', async () => {
    const dir = tempDir();
    dirs.push(dir);
    const dbPath = join(dir, 'forum.db');
    const leases = new SharedLeases();
    const a = await start(dbPath, leases, 'a');
    const b = await start(dbPath, leases, 'b');
    const listOnB = await listConsole(b);
    const first = await listOnB.next<ForumsView>('forums');
    expect(first.forums.map((f) => f.slug)).toEqual(['1']);

    const listOnA = await listConsole(a);
    await listOnA.next<ForumsView>('forums');
    const create: ListCommandPayload<'forums:create'> = { title: 'Весняний форум', from: { kind: 'template' } };
    const { forumId, slug } = ok((await listOnA.socket.timeout(10_000).emitWithAck('forums:create', create)) as Ack<ListCommandResults['forums:create']>);
    const admin = await connectConsole({ socketUrl: `${a.url}/f/${slug}`, url: a.url, facilitatorKey: a.facilitatorKey });
    clients.push(admin);
    const socketUrl = `${a.url}/f/${slug}`;
    const phone = await joinPhone({ url: a.url, socketUrl, joinCode: a.forums.get(forumId)!.attached.admission.joinInfo(Date.now()).joinCode }, 'Оля');
    clients.push(phone);
    for (const to of ['ideas', 'review', 'voting'] as const) ok(await admin.send('phase:set', { to }));

    // The console already on b's list sees it move, read from the store.
    const moved = await listOnB.next<ForumsView>('forums', (v) => forumIn(v, slug)?.phase === 'voting');
    expect(forumIn(moved, slug)).toMatchObject({ id: forumId, title: 'Весняний форум', phase: 'voting', participants: 1, archived: false, voteOnly: false });
    expect(moved.log.map((e) => `${e.action} ${e.title}`)).toContain('created Весняний форум');
    // A console that connects to b now is sent it as it is.
    const fresh = await listConsole(b);
    expect(forumIn(await fresh.next<ForumsView>('forums'), slug)?.phase).toBe('voting');
    // b never opened it: a serves it, and holds its lease.
    expect(b.forums.get(forumId)).toBeUndefined();
    expect(b.forums.openCount).toBe(0);
    expect(leases.owner(forumId)).toBe('a');
    // A phone reaching b for it is told that another process serves it (b learned of it from the store).
    const refusal = await connect(`${b.url}/f/${slug}`, { role: 'phone' }).then(
      (c) => (c.close(), null),
      (err: Error & { data?: ConnectRefusal }) => err.data,
    );
    expect(refusal?.code).toBe('FORUM_ELSEWHERE');

    // The phones' chooser at b's own address lists both forums, each with its phase.
    const page = await (await fetch(`${b.url}/`, { headers: { accept: 'text/html' } })).text();
    expect(page).toContain('Весняний форум');
    expect(page).toMatch(/href="\/f\/2\/"[^]*Голосування/i);
    expect(b.forums.openCount).toBe(0);
  });

  it('summarises from its log, once, a forum whose summary no owner kept (a database from before)', async () => {
    const dir = tempDir();
    dirs.push(dir);
    const dbPath = join(dir, 'forum.db');
    const leases = new SharedLeases();
    const a = await start(dbPath, leases, 'a');
    const admin = await connectConsole(a);
    clients.push(admin);
    ok(await admin.send('phase:set', { to: 'ideas' }));
    await a.stop();
    servers.splice(servers.indexOf(a), 1);
    const raw = new Database(dbPath);
    raw.prepare('DELETE FROM summaries').run();
    raw.close();

    const b = await start(dbPath, leases, 'b');
    const list = await listConsole(b);
    const view = await list.next<ForumsView>('forums');
    expect(view.forums.map((f) => [f.slug, f.phase])).toEqual([['1', 'ideas']]);
    expect(b.forums.openCount).toBe(0);
    const check = new Database(dbPath, { readonly: true });
    expect(check.prepare('SELECT COUNT(*) FROM summaries').pluck().get()).toBe(1);
    check.close();
  });
});
