// A forum's lease: the server opens a forum only with its lease, and once another process takes
// the lease (the memory lease plays that process), the forum refuses every change, clearly.

import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { MemoryLease } from '../forums/lease.js';
import { connectConsole, joinPhone, ok, startTestServer, tempDir, type TestClient, type TestServer } from './harness.js';

describe('forum leases', () => {
  const servers: TestServer[] = [];
  const clients: TestClient[] = [];
  const dirs: string[] = [];
  afterEach(async () => {
    for (const c of clients.splice(0)) c.close();
    for (const s of servers.splice(0)) await s.stop();
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });

  it('a forum whose lease is taken away refuses every change, saying it is served elsewhere, and keeps what it took before', async () => {
    const lease = new MemoryLease();
    const server = await startTestServer({ lease });
    servers.push(server);
    const id = server.room.record.id;
    expect(lease.holds(id)).toBe(true);
    const admin = await connectConsole(server);
    const phone = await joinPhone(server, 'Оля');
    clients.push(admin, phone);
    ok(await admin.send('phase:set', { to: 'ideas' }));
    const { ideaId } = ok(await phone.send('idea:submit', { priorityCode: '1', title: 'Лавки в парку' }));

    lease.takeAway(id);
    expect(lease.holds(id)).toBe(false);
    const ack = await phone.send('idea:submit', { priorityCode: '1', title: 'Ще одна ідея' });
    expect(ack.ok).toBe(false);
    if (ack.ok) return;
    expect(ack.error.code).toBe('FORUM_ELSEWHERE');
    expect(ack.error.message).toMatch(/інший процес сервера Віче|another Viche server process/);
    const phaseAck = await admin.send('phase:set', { to: 'review' });
    expect(phaseAck.ok ? 'ok' : phaseAck.error.code).toBe('FORUM_ELSEWHERE');
    // Nothing refused was applied; what was taken before stays.
    expect(server.room.state.phase).toBe('ideas');
    expect([...server.room.state.ideas.values()].map((i) => i.title)).toEqual(['Лавки в парку']);
    expect(server.room.state.ideas.get(ideaId)?.title).toBe('Лавки в парку');
  });

  it('a stored forum whose lease another process holds is not opened here', async () => {
    const dir = tempDir();
    dirs.push(dir);
    const dbPath = join(dir, 'forum.db');
    const first = await startTestServer({ dbPath });
    const id = first.room.record.id;
    const slug = first.slug;
    await first.stop();

    const lease = new MemoryLease();
    lease.takeAway(id);
    const second = await startTestServer({ dbPath, lease });
    servers.push(second);
    expect(second.forums.get(id)).toBeUndefined();
    expect(second.forums.bySlug(slug)).toBeUndefined();
    expect(lease.holds(id)).toBe(false);

    // Once given back, the next start opens it with its lease.
    await second.stop();
    servers.pop();
    lease.giveBack(id);
    const third = await startTestServer({ dbPath, lease });
    servers.push(third);
    expect(third.forums.get(id)?.room.record.slug).toBe(slug);
    expect(lease.holds(id)).toBe(true);
  });
});
