// PostgreSQL with a synchronous standby, as a city's deployment runs it (README, *A city's vote:
// the deployment*): a dot is acknowledged only once the standby has it, so the primary lost at
// once (stopped as a crash, its disk gone for all the forum cares) loses none; a server pointed at
// the promoted standby opens the forum with every acknowledged dot, and the phones' resent ones are
// done once. With the standby down, commits wait: refused as STORAGE_UNAVAILABLE, outcome unknown,
// and done once when resent after it is back.

import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Ack, MeView } from '../../shared/protocol.js';
import { PostgresStore } from '../db/postgres.js';
import { connect, connectConsole, joinPhone, ok, startTestServer, type TestClient, type TestPhone, type TestServer } from './harness.js';
import { postgresMissing, startPostgres, type TestPostgres } from './postgres.js';

const missing = postgresMissing();
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe.skipIf(missing !== null)(`PostgreSQL with a synchronous standby${missing ? ` (skipped: ${missing})` : ''}`, () => {
  let primary: TestPostgres;
  let standby: TestPostgres;
  const servers: TestServer[] = [];
  const clients: TestClient[] = [];
  beforeAll(async () => {
    primary = await startPostgres({ durable: true });
    standby = await startPostgres({ durable: true, standbyOf: primary });
    await primary.sql("ALTER SYSTEM SET synchronous_standby_names = '*'");
    await primary.sql('SELECT pg_reload_conf()');
    for (;;) {
      const rows = await primary.sql<{ sync_state: string }>('SELECT sync_state FROM pg_stat_replication');
      if (rows.some((r) => r.sync_state === 'sync')) break;
      await sleep(100);
    }
  }, 180_000);
  afterAll(async () => {
    for (const c of clients) c.close();
    for (const s of servers) await s.stop().catch(() => {});
    await primary?.stop();
    await standby?.stop();
  });

  const dotKeys = async (url: string, forumId: string) => {
    const store = await PostgresStore.open(url);
    try {
      const { events } = await store.loadLog(forumId);
      return events.filter((e) => e.event.type === 'dotPlaced' || e.event.type === 'dotRemoved').map((e) => e.actionKey!);
    } finally {
      await store.close();
    }
  };

  it('waits for the standby: refused while it is down, done once when resent after', { timeout: 180_000 }, async () => {
    const server = await startTestServer({ databaseUrl: primary.url });
    servers.push(server);
    const admin = await connectConsole(server);
    const phone = await joinPhone(server, 'Марта');
    clients.push(admin, phone);
    ok(await admin.send('phase:set', { to: 'ideas' }));
    const ideaId = ok(await phone.send('idea:submit', { priorityCode: '1', title: 'Сквер біля школи', actionId: randomUUID() })).ideaId;
    ok(await admin.send('phase:set', { to: 'review' }));
    ok(await admin.send('phase:set', { to: 'voting' }));
    ok(await phone.send('dot:place', { ideaId, actionId: randomUUID() }));

    await standby.stopServer('fast');
    const actionId = randomUUID();
    const waiting = (await phone.socket.timeout(60_000).emitWithAck('dot:place', { ideaId, actionId })) as Ack<{ me: MeView }>;
    expect(waiting.ok).toBe(false);
    if (!waiting.ok) {
      expect(waiting.error.code).toBe('STORAGE_UNAVAILABLE');
      expect(waiting.error.params?.cause).toBe('io');
    }
    await standby.startServer();
    // Resent under its id, as the page does, until answered: done once.
    let done: Ack<{ me: MeView }> | null = null;
    for (let i = 0; i < 120 && !done?.ok; i++) {
      done = (await phone.socket.timeout(20_000).emitWithAck('dot:place', { ideaId, actionId }).catch(() => null)) as Ack<{ me: MeView }> | null;
      if (!done?.ok) await sleep(500);
    }
    expect(done?.ok).toBe(true);
    if (done?.ok) expect(done.data.me.dots[ideaId]).toBe(2);
    const keys = await dotKeys(primary.url, server.room.record.id);
    expect(keys.filter((k) => k.endsWith(`:${actionId}`))).toHaveLength(1);
    expect(keys).toHaveLength(2);
    admin.close();
    phone.close();
    await server.stop();
    servers.splice(servers.indexOf(server), 1);
  });

  it('loses no acknowledged dot when the primary is lost and the standby promoted', { timeout: 180_000 }, async () => {
    const server = await startTestServer({ databaseUrl: primary.url });
    servers.push(server);
    // A forum of its own, made from the forum list.
    const list = await connect(server.url, { role: 'console', key: server.facilitatorKey });
    clients.push(list);
    const { forumId, slug } = ok((await list.socket.timeout(20_000).emitWithAck('forums:create', { title: 'Міське голосування', from: { kind: 'template' } })) as Ack<{ forumId: string; slug: string }>);
    const socketUrl = `${server.url}/f/${slug}`;
    const joinCode = server.forums.get(forumId)!.attached.admission.joinInfo(Date.now()).joinCode;
    const admin = await connectConsole({ socketUrl, url: server.url, facilitatorKey: server.facilitatorKey });
    clients.push(admin);
    const phones: TestPhone[] = [];
    for (let i = 0; i < 6; i++) phones.push(await joinPhone({ url: server.url, socketUrl, joinCode }, `Виборець ${i}`));
    clients.push(...phones);
    ok(await admin.send('phase:set', { to: 'ideas' }));
    const ideas: string[] = [];
    for (const [i, p] of phones.slice(0, 3).entries()) ideas.push(ok(await p.send('idea:submit', { priorityCode: String(i + 1), title: `Ідея ${i}`, actionId: randomUUID() })).ideaId);
    ok(await admin.send('phase:set', { to: 'review' }));
    ok(await admin.send('phase:set', { to: 'voting' }));

    // Dots without a pause from every phone; the primary stops as a crash in the middle.
    const acked = new Set<string>();
    const sent: { p: TestPhone; ideaId: string; actionId: string }[] = [];
    let crashed = false;
    const refusedEarly: string[] = [];
    const vote = async (p: TestPhone, ideaId: string) => {
      while (!crashed) {
        const actionId = randomUUID();
        sent.push({ p, ideaId, actionId });
        const ack = (await p.socket.timeout(20_000).emitWithAck('dot:place', { ideaId, actionId }).catch(() => null)) as Ack<{ me: MeView }> | null;
        if (ack?.ok) acked.add(`${p.me.participantId}:${actionId}`);
        else {
          if (!crashed) refusedEarly.push(ack ? ack.error.code : 'timeout');
          break;
        }
        if (ack.data.me.dots[ideaId] >= 2) {
          const back = (await p.socket.timeout(20_000).emitWithAck('dot:remove', { ideaId, actionId: randomUUID() }).catch(() => null)) as Ack<{ me: MeView }> | null;
          if (!back?.ok) break;
        }
      }
    };
    const voting = phones.map((p, i) => vote(p, ideas[i % ideas.length]));
    while (acked.size < 30 && refusedEarly.length === 0) await sleep(20);
    expect(refusedEarly).toEqual([]);
    await primary.stopServer('immediate');
    crashed = true;
    await Promise.all(voting);

    // The standby takes over; it holds every acknowledged dot.
    await standby.promote();
    const onStandby = new Set(await dotKeys(standby.url, forumId));
    for (const key of acked) expect(onStandby.has(key)).toBe(true);

    // A server on it (DATABASE_URL changed, as an operator or a proxy does) opens the forum; the
    // phones come back and resend their last dot under its id: done once.
    for (const c of [admin, ...phones]) c.close();
    await server.stop();
    servers.splice(servers.indexOf(server), 1);
    const after = await startTestServer({ databaseUrl: standby.url });
    servers.push(after);
    const resentTo = `${after.url}/f/${slug}`;
    const last = new Map<TestPhone, (typeof sent)[number]>();
    for (const s of sent) last.set(s.p, s);
    for (const [p, s] of last) {
      const back = await connect(resentTo, { role: 'phone', token: p.token });
      clients.push(back);
      await back.next('me');
      const ack = (await back.socket.timeout(20_000).emitWithAck('dot:place', { ideaId: s.ideaId, actionId: s.actionId })) as Ack<{ me: MeView }>;
      expect(ack.ok).toBe(true);
      acked.add(`${p.me.participantId}:${s.actionId}`);
    }
    const keys = await dotKeys(standby.url, forumId);
    expect(new Set(keys).size).toBe(keys.length);
    for (const key of acked) expect(keys).toContain(key);
    console.log(`Primary lost mid-vote: ${acked.size} dots acknowledged, all on the promoted standby and stored once`);
  });
});
