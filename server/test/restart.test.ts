// Durability: the server process is killed with SIGKILL in the middle of voting and started again
// on the same SQLite file. Every acknowledged dot is there, and the console, the projector and the
// phones reconnect and resync by themselves.

import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { ConsoleView, MeView, ScreenView } from '../../shared/protocol.js';
import { connect, joinPhone, ok, screenKeyOf, tempDir, type TestClient, type TestPhone } from './harness.js';
import { startServerProcess, type ServerProcess } from '../../scripts/process.js';

describe('kill -9 mid-vote, then restart on the same file', () => {
  const dir = tempDir();
  const dbPath = join(dir, 'forum.db');
  const clients: TestClient[] = [];
  let proc: ServerProcess | null = null;

  afterAll(async () => {
    for (const c of clients) c.close();
    if (proc && proc.child.exitCode === null) {
      proc.child.kill('SIGKILL');
      await proc.exited;
    }
    rmSync(dir, { recursive: true, force: true });
  });

  it('loses no acknowledged action and every client resyncs without a reload', async () => {
    proc = await startServerProcess({ PORT: '0', VICHE_DB: dbPath });
    const port = proc.port;
    const url = `http://127.0.0.1:${port}/f/${proc.slug}`;
    const key = new URL(proc.consoleUrl).searchParams.get('key')!;
    const server = { url, joinCode: proc.joinCode };

    const admin = await connect(url, { role: 'console', key }, { reconnection: true });
    const screen = await connect(url, { role: 'screen', key: screenKeyOf(proc.screenUrl) }, { reconnection: true });
    clients.push(admin, screen);
    const phones: TestPhone[] = [];
    for (let i = 0; i < 12; i++) phones.push(await joinPhone(server, `Ж${i}`, true));
    clients.push(...phones);

    ok(await admin.send('phase:set', { to: 'ideas' }));
    const ideaIds: string[] = [];
    for (const [i, p] of phones.entries()) {
      if (i < 6) ideaIds.push(ok(await p.send('idea:submit', { priorityCode: i % 2 ? '1' : '3', title: `Ідея ${i}` })).ideaId);
    }
    ok(await admin.send('phase:set', { to: 'review' }));
    ok(await admin.send('phase:set', { to: 'voting' }));

    // Acknowledged dots, per phone: idea → count.
    const acked = new Map<TestPhone, Record<string, number>>(phones.map((p) => [p, {}]));
    const attempted = new Map<TestPhone, Record<string, number>>(phones.map((p) => [p, {}]));
    const place = async (p: TestPhone, ideaId: string) => {
      attempted.get(p)![ideaId] = (attempted.get(p)![ideaId] ?? 0) + 1;
      const ack = await p.socket.timeout(3000).emitWithAck('dot:place', { ideaId }).catch(() => null);
      if (ack?.ok) acked.get(p)![ideaId] = (acked.get(p)![ideaId] ?? 0) + 1;
      return ack;
    };
    // A first round, all acknowledged.
    for (const [i, p] of phones.entries()) expect((await place(p, ideaIds[i % ideaIds.length]))?.ok).toBe(true);

    // A burst from every phone at once, with the kill landing in the middle of it: as soon as the
    // first of the burst is acknowledged, so that the rest is in flight when the process dies.
    let firstAck: () => void = () => {};
    const landed = new Promise<void>((resolve) => (firstAck = resolve));
    const burst = phones.flatMap((p, i) =>
      [ideaIds[(i + 1) % ideaIds.length], ideaIds[(i + 2) % ideaIds.length]].map((id) => place(p, id).then(firstAck)),
    );
    await landed;
    proc.child.kill('SIGKILL');
    await proc.exited;
    await Promise.all(burst);
    const ackedCount = [...acked.values()].reduce((n, m) => n + Object.values(m).reduce((a, b) => a + b, 0), 0);
    expect(ackedCount).toBeGreaterThanOrEqual(phones.length);

    const marks = new Map<TestClient, number>(clients.map((c) => [c, c.mark()]));
    proc = await startServerProcess({ PORT: String(port), VICHE_DB: dbPath });

    // Each phone reconnects with its token and gets its own ballot back: every acknowledged dot,
    // and nothing it never tried.
    await Promise.all(
      phones.map(async (p) => {
        const me = await p.next<MeView | null>('me', () => true, marks.get(p));
        expect(me?.participantId).toBe(p.me.participantId);
        for (const [ideaId, n] of Object.entries(acked.get(p)!)) expect(me!.dots[ideaId] ?? 0).toBeGreaterThanOrEqual(n);
        for (const [ideaId, n] of Object.entries(me!.dots)) expect(n).toBeLessThanOrEqual(attempted.get(p)![ideaId] ?? 0);
      }),
    );
    const view = await admin.next<ConsoleView>('console', () => true, marks.get(admin));
    expect(view.forum.phase).toBe('voting');
    expect(view.participants).toHaveLength(phones.length);
    expect(view.ideas).toHaveLength(ideaIds.length);
    expect(view.voted).toBe(phones.length);
    const total = Object.values(view.dotsPerPriority).reduce((a, b) => a + b, 0);
    expect(total).toBeGreaterThanOrEqual(ackedCount);
    const screenView = await screen.next<ScreenView>('screen', () => true, marks.get(screen));
    expect(screenView.joined).toBe(phones.length);

    // Voting carries on where it stopped.
    const again = ok(await phones[0].send('dot:remove', { ideaId: ideaIds[0] }));
    expect(again.me.participantId).toBe(phones[0].me.participantId);

    // The hall's code comes from a secret kept with the forum: the code shown before the crash still
    // lets a newcomer in (it stays valid for two minutes), so the projector's QR did not change under the hall.
    clients.push(await joinPhone({ url, joinCode: server.joinCode }));
    ok(await admin.send('phase:set', { to: 'results' }));
  });
});
