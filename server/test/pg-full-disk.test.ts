// PostgreSQL's disk full in the middle of a vote (a tmpfs of its own, filled by another program):
// the hall's dots are refused as STORAGE_UNAVAILABLE while it is, each phone resending its dot
// under the same action id as the page does; once space is freed (and PostgreSQL started again,
// should it have stopped), every dot acknowledged is in the log once, none refused is, and what
// each phone was last told of its dots is what the log holds.

import { randomUUID } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Ack, MeView } from '../../shared/protocol.js';
import { fillDisk, mountDisk } from '../../scripts/long-log-fault.js';
import { PostgresStore } from '../db/postgres.js';
import { connectConsole, joinPhone, ok, startTestServer, type TestClient, type TestPhone, type TestServer } from './harness.js';
import { postgresMissing, startPostgres, type TestPostgres } from './postgres.js';

const missing = postgresMissing();
const disk = mkdtempSync(join(tmpdir(), 'viche-pg-disk-'));
// A disk of its own, small enough to fill: a tmpfs, which only root may mount (CI runs as root).
const mounted = missing === null && mountDisk(disk, 256);
const why = missing ?? (mounted ? null : 'a tmpfs cannot be mounted here (not root)');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe.skipIf(why !== null)(`PostgreSQL's disk full mid-vote${why ? ` (skipped: ${why})` : ''}`, () => {
  let pg: TestPostgres;
  let server: TestServer;
  const clients: TestClient[] = [];
  beforeAll(async () => {
    pg = await startPostgres({ dir: join(disk, 'pg') });
    server = await startTestServer({ databaseUrl: pg.url });
  }, 120_000);
  afterAll(async () => {
    for (const c of clients) c.close();
    await server?.stop();
    await pg?.stop();
    if (mounted) execFileSync('umount', [disk]);
    rmSync(disk, { recursive: true, force: true });
  });

  it('refuses dots while the disk is full, then keeps every acknowledged one once and no refused one', { timeout: 240_000 }, async () => {
    const admin = await connectConsole(server);
    clients.push(admin);
    const phones: TestPhone[] = [];
    for (let i = 0; i < 8; i++) phones.push(await joinPhone(server, `Виборець ${i}`));
    clients.push(...phones);
    ok(await admin.send('phase:set', { to: 'ideas' }));
    const ideas: string[] = [];
    for (const [i, p] of phones.slice(0, 4).entries()) ideas.push(ok(await p.send('idea:submit', { priorityCode: String(i + 1), title: `Сквер ${i}`, actionId: randomUUID() })).ideaId);
    ok(await admin.send('phase:set', { to: 'review' }));
    ok(await admin.send('phase:set', { to: 'voting' }));

    // Each phone places and takes back a dot on its idea, an action at a time; a refused one is
    // sent again under its id until it is answered ok.
    const acked = new Set<string>();
    const refusals: string[] = [];
    const told = new Map<TestPhone, number>();
    let acting = true;
    let okSinceFreed = new Set<TestPhone>();
    const vote = async (p: TestPhone, ideaId: string) => {
      for (let placed = false; acting; ) {
        const actionId = randomUUID();
        const command = placed ? 'dot:remove' : 'dot:place';
        for (;;) {
          const ack = (await p.socket.timeout(15_000).emitWithAck(command, { ideaId, actionId }).catch(() => null)) as Ack<{ me: MeView }> | null;
          if (ack?.ok) {
            acked.add(`${p.me.participantId}:${actionId}`);
            told.set(p, ack.data.me.dots[ideaId] ?? 0);
            okSinceFreed.add(p);
            placed = !placed;
            break;
          }
          refusals.push(ack ? `${ack.error.code}:${String(ack.error.params?.cause ?? '')}` : 'timeout');
          await sleep(200);
        }
        await sleep(100);
      }
    };
    const voting = phones.map((p, i) => vote(p, ideas[i % ideas.length]));
    await sleep(1500);
    expect(refusals).toEqual([]);

    // Another program fills the disk; the hall's dots meet it.
    const filler = join(disk, 'filler');
    await fillDisk(filler);
    for (let waited = 0; waited < 60_000 && !refusals.some((r) => r.startsWith('STORAGE_UNAVAILABLE')); waited += 100) await sleep(100);
    expect(refusals.some((r) => r.startsWith('STORAGE_UNAVAILABLE'))).toBe(true);
    await sleep(2000);

    // Space again; PostgreSQL started again if the full disk stopped it.
    rmSync(filler);
    if ((await pg.sql('SELECT 1').catch(() => null)) === null) await pg.startServer();
    okSinceFreed = new Set();
    for (let waited = 0; waited < 90_000 && okSinceFreed.size < phones.length; waited += 100) await sleep(100);
    expect(okSinceFreed.size).toBe(phones.length);
    acting = false;
    await Promise.all(voting);

    // Refused only as the storage being unavailable, never anything else.
    for (const r of refusals) expect(r).toMatch(/^STORAGE_UNAVAILABLE:(full|io|unknown)?$/);
    const store = await PostgresStore.open(pg.url);
    try {
      const forumId = server.room.record.id;
      const { events } = await store.loadLog(forumId);
      const keys = events.flatMap((e) => (e.actionKey ? [e.actionKey] : []));
      // Every acknowledged dot once; an action never acknowledged was refused, so not stored.
      expect(new Set(keys).size).toBe(keys.length);
      for (const key of acked) expect(keys).toContain(key);
      const dotKeys = events.filter((e) => e.event.type === 'dotPlaced' || e.event.type === 'dotRemoved').map((e) => e.actionKey!);
      expect(new Set(dotKeys)).toEqual(acked);
      // What each phone was last told of its dots is what the log holds.
      for (const [p, dots] of told) {
        let n = 0;
        for (const e of events) {
          if (e.event.type === 'dotPlaced' && e.event.participantId === p.me.participantId) n++;
          if (e.event.type === 'dotRemoved' && e.event.participantId === p.me.participantId) n--;
        }
        expect(n).toBe(dots);
      }
      console.log(`PostgreSQL's disk full: ${acked.size} dots acknowledged and stored once; refusals ${JSON.stringify(Object.fromEntries([...new Set(refusals)].map((r) => [r, refusals.filter((x) => x === r).length])))}`);
    } finally {
      await store.close();
    }
  });
});
