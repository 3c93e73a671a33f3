// Who is online: a phone that drops and comes back within the grace period never shows as gone;
// one that stays away is shown offline once the grace period is over.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConsoleView } from '../../shared/protocol.js';
import { connect, connectConsole, joinPhone, startTestServer, type TestClient, type TestServer } from './harness.js';

const GRACE_MS = 300;

describe('presence', () => {
  let server: TestServer;
  let admin: TestClient;

  beforeAll(async () => {
    server = await startTestServer({ presenceGraceMs: GRACE_MS, displayThrottleMs: 0 });
    admin = await connectConsole(server);
  });
  afterAll(async () => {
    admin?.close();
    await server?.stop();
  });

  const latest = () => admin.received.filter((r) => r.event === 'console').at(-1)!.args[0] as ConsoleView;

  it('a quick drop and return is not shown; staying away is, after the grace period', async () => {
    const phone = await joinPhone(server, 'Ліна');
    await admin.next<ConsoleView>('console', (v) => v.online === 1);
    const id = phone.me.participantId;

    const mark = admin.mark();
    phone.close();
    const back = await connect(server.socketUrl, { role: 'phone', token: phone.token });
    await back.next('me');
    await new Promise((r) => setTimeout(r, GRACE_MS * 2));
    const seen = admin.received.slice(mark).filter((r) => r.event === 'console').map((r) => (r.args[0] as ConsoleView).online);
    expect(seen.every((n) => n === 1)).toBe(true);
    expect(latest().participants.find((p) => p.id === id)?.online).toBe(true);

    const left = Date.now();
    back.close();
    await new Promise((r) => setTimeout(r, GRACE_MS / 3));
    expect(server.room.presence.isOnline(id)).toBe(true);
    const view = await admin.next<ConsoleView>('console', (v) => v.online === 0, mark);
    expect(Date.now() - left).toBeGreaterThanOrEqual(GRACE_MS - 20);
    expect(view.participants.find((p) => p.id === id)?.online).toBe(false);
  });
});
