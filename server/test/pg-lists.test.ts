// The forum list across processes on one PostgreSQL: a change made through one process reaches the
// console lists of the others by a poke (db/pgSchema.ts SUMMARIES_CHANNEL), not by their poll,
// which these servers have set to ten minutes so that it cannot be what carries it.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ForumsView } from '../../shared/protocol.js';
import { connect, connectConsole, joinPhone, ok, startTestServer, type TestClient, type TestServer } from './harness.js';
import { postgresMissing, startPostgres, type TestPostgres } from './postgres.js';

const missing = postgresMissing();

describe.skipIf(missing !== null)(`the forum list over processes on PostgreSQL${missing ? ` (skipped: ${missing})` : ''}`, () => {
  let pg: TestPostgres;
  let a: TestServer;
  let b: TestServer;
  const clients: TestClient[] = [];
  beforeAll(async () => {
    pg = await startPostgres();
    const config = { databaseUrl: pg.url, loadForums: 'on-demand' as const, idleUnloadMs: 600_000, listPollMs: 600_000 };
    a = await startTestServer(config);
    b = await startTestServer(config);
  }, 120_000);
  afterAll(async () => {
    for (const c of clients) c.close();
    await a?.stop();
    await b?.stop();
    await pg?.stop();
  });

  it('shows on the other process’s list a phase changed and a phone joined, without its poll', async () => {
    const list = await connect(b.url, { role: 'console', key: b.facilitatorKey });
    clients.push(list);
    const first = await list.next<ForumsView>('forums');
    expect(first.forums.map((f) => [f.slug, f.phase, f.participants])).toEqual([['1', 'lobby', 0]]);

    // The forum opens on a, at its console's connection.
    const socketUrl = `${a.url}/f/1`;
    const admin = await connectConsole({ socketUrl, url: a.url, facilitatorKey: a.facilitatorKey });
    clients.push(admin);
    expect(a.forums.list().map((f) => f.room.record.slug)).toEqual(['1']);
    expect(b.forums.list()).toEqual([]);
    const mark = list.mark();
    ok(await admin.send('phase:set', { to: 'ideas' }));
    const moved = await list.next<ForumsView>('forums', (v) => v.forums[0]?.phase === 'ideas', mark);
    expect(moved.forums[0].participants).toBe(0);

    // Counts, written at most twice a second on a shared store, reach it too.
    const phone = await joinPhone({ url: a.url, socketUrl, joinCode: a.forums.get(a.forums.list()[0].room.record.id)!.attached.admission.joinInfo(Date.now()).joinCode }, 'Оля');
    clients.push(phone);
    const joined = await list.next<ForumsView>('forums', (v) => v.forums[0]?.participants === 1, mark);
    expect(joined.forums[0].phase).toBe('ideas');
    // Still served by a alone: b read it from the store.
    expect(b.forums.list()).toEqual([]);
  });
});
