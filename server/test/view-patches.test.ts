// The console and the projector are sent their views as patches after the first: here, through a
// whole evening of real phones, the views a console and a projector hold by applying every patch in
// order equal the whole views a newcomer is sent; the patches are a small part of the views'
// size; and a console that lost a patch asks again and is given the whole view.

import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConsoleView, ScreenView } from '../../shared/protocol.js';
import type { ViewPatch } from '../../shared/viewPatch.js';
import { connect, connectConsole, connectScreen, joinPhone, ok, startTestServer, type TestClient, type TestPhone, type TestServer } from './harness.js';

describe('views sent as patches', () => {
  let server: TestServer;
  let admin: TestClient;
  let screen: TestClient;
  const phones: TestPhone[] = [];

  beforeAll(async () => {
    server = await startTestServer({ displayThrottleMs: 0 });
    admin = await connectConsole(server);
    screen = await connectScreen(server);
    for (let i = 0; i < 12; i++) phones.push(await joinPhone(server, `Учасниця ${i}`));
    ok(await admin.send('phase:set', { to: 'ideas' }));
    const ideas: string[] = [];
    for (const [i, p] of phones.entries()) {
      ideas.push(ok(await p.send('idea:submit', { priorityCode: String((i % 3) + 1), title: `Ідея номер ${i}`, actionId: randomUUID() })).ideaId);
    }
    ok(await admin.send('idea:hide', { ideaId: ideas[0], reason: 'Повтор' }));
    ok(await admin.send('phase:set', { to: 'review' }));
    ok(await admin.send('phase:set', { to: 'voting' }));
    await Promise.all(phones.map((p, i) => p.send('dot:place', { ideaId: ideas[1 + ((i * 3) % 11)], actionId: randomUUID() })));
    ok(await admin.send('phase:set', { to: 'results' }));
    ok(await admin.send('priority:reveal', { priorityCode: '2' }));
    phones[3].close();
  });
  afterAll(async () => {
    for (const c of [admin, screen, ...phones]) c?.close();
    await server?.stop();
  });

  const latest = <T>(c: TestClient, event: string): T => c.received.filter((r) => r.event === event).at(-1)!.args[0] as T;
  const sizeOf = (c: TestClient, event: string) => c.received.filter((r) => r.event === event).reduce((n, r) => n + JSON.stringify(r.args[0]).length, 0);

  it('the console and the projector, patched along the evening, hold what a newcomer is sent whole', async () => {
    // Quiet: every pending change has gone out.
    await new Promise((r) => setTimeout(r, 300));
    const freshConsole = await connectConsole(server);
    const freshScreen = await connectScreen(server);
    try {
      const whole = latest<ConsoleView>(freshConsole, 'console');
      const patched = latest<ConsoleView>(admin, 'console');
      expect(patched.ideas.length).toBe(12);
      expect(patched.results.length).toBeGreaterThan(0);
      expect(patched).toEqual(whole);
      expect(latest<ScreenView>(screen, 'screen')).toEqual(latest<ScreenView>(freshScreen, 'screen'));
      expect(admin.received.some((r) => r.event === 'patch:mismatch')).toBe(false);
      // Patches carry far less than the whole views would have.
      const patches = admin.received.filter((r) => r.event === 'console:patch');
      expect(patches.length).toBeGreaterThan(10);
      const wholeViews = patches.length * JSON.stringify(whole).length;
      expect(sizeOf(admin, 'console:patch') * 5).toBeLessThan(wholeViews);
    } finally {
      freshConsole.close();
      freshScreen.close();
    }
  });

  it('a console that asks again is given the whole view at the current version, and the patches that follow fit it', async () => {
    const c = await connect(server.socketUrl, { role: 'console', key: server.facilitatorKey });
    try {
      await c.next<ConsoleView>('console');
      // A page whose version does not fit a patch (one was lost on a dropped connection) asks again.
      const at = c.mark();
      c.socket.emit('view:resync');
      const again = await c.next<ConsoleView>('console', () => true, at);
      expect(again.ideas.length).toBe(12);
      const fresh = c.received.filter((r) => r.event === 'console').at(-1)!;
      expect(typeof fresh.args[1]).toBe('number');
      // The patches that follow fit the version sent.
      const mark = c.mark();
      ok(await admin.send('priority:reveal', { priorityCode: '3' }));
      const patched = await c.next<ConsoleView>('console', (v) => v.forum.revealed.includes('3'), mark);
      expect(patched.forum.revealed).toContain('3');
      const patch = c.received.slice(mark).find((r) => r.event === 'console:patch')!.args[0] as ViewPatch;
      expect(patch.base).toBe(fresh.args[1]);
      expect(c.received.some((r) => r.event === 'patch:mismatch')).toBe(false);
    } finally {
      c.close();
    }
  });
});
