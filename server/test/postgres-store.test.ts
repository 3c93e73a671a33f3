// What only PostgreSQL's store and lease are asked to do, on a real cluster: two processes' stores
// racing on one forum, the database restarted under a writer, migrations run by several
// processes at once, one lock per forum across processes, and a whole server on DATABASE_URL.

import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { created, joined, record } from './storeEvents.js';
import { PostgresStore } from '../db/postgres.js';
import { PG_SCHEMA_VERSION } from '../db/pgSchema.js';
import { MemoryStore, type ServerLogEntry } from '../db/store.js';
import { StartupError, StorageConflict, StorageUnavailable } from '../errors.js';
import { FORUM_LOCK_CLASS, PostgresLease } from '../forums/pgLease.js';
import { configFromEnv } from '../main.js';
import { connectConsole, joinPhone, ok, startTestServer, type TestClient, type TestServer } from './harness.js';
import { postgresMissing, startPostgres, type TestPostgres } from './postgres.js';
import { startTcpProxy } from './tcpProxy.js';
import { startServerProcess } from '../../scripts/process.js';

const entry: ServerLogEntry = { at: 1, action: 'created', forumId: 'f1', title: 'Т', detail: '' };
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const missing = postgresMissing();
// Skipped only on a machine without PostgreSQL's programs, never in CI (postgresMissing is null
// under CI=true, where .ci/run installs them): the title then says why.
describe.skipIf(missing !== null)(`postgres${missing ? ` (skipped: ${missing})` : ''}`, () => {
  let pg: TestPostgres;
  let schemas = 0;
  const stores: PostgresStore[] = [];
  const leases: PostgresLease[] = [];
  /** A store of a schema of its own, as a new process would open it. */
  const open = async (schema = `t${++schemas}`) => {
    const store = await PostgresStore.open(pg.url, { schema });
    stores.push(store);
    return store;
  };
  beforeAll(async () => {
    pg = await startPostgres();
  }, 120_000);
  afterEach(async () => {
    for (const s of stores.splice(0)) await s.close();
    for (const l of leases.splice(0)) await l.close();
  });
  afterAll(async () => {
    await pg?.stop();
  });

  it('two processes appending to one forum at once: one batch goes in each time, the other is refused, nothing doubled', async () => {
    const one = await open('race');
    const two = await open('race');
    await one.createForum(record, [created], entry);
    let last = 1;
    const kept: string[] = [];
    for (let round = 0; round < 40; round++) {
      const attempts = [one, two].map((store, i) =>
        store.appendBatch('f1', last, [{ events: [joined(round * 2 + i), joined(1000 + round * 2 + i)], actionKey: `p${i}:r${round}` }]),
      );
      const settled = await Promise.allSettled(attempts);
      const won = settled.flatMap((s, i) => (s.status === 'fulfilled' ? [i] : []));
      expect(won).toHaveLength(1);
      const lost = settled.find((s) => s.status === 'rejected') as PromiseRejectedResult;
      expect(lost.reason).toBeInstanceOf(StorageConflict);
      expect(lost.reason).toMatchObject({ expectedSeq: last, storedSeq: last + 2 });
      last = (settled[won[0]] as PromiseFulfilledResult<number>).value;
      kept.push(`p${won[0]}:r${round}`);
    }
    const stored = await two.loadEventsAfter('f1', 0);
    expect(stored.map((e) => e.seq)).toEqual(stored.map((_, i) => i + 1));
    expect(stored).toHaveLength(1 + 40 * 2);
    expect(stored.flatMap((e) => (e.actionKey ? [e.actionKey] : []))).toEqual(kept);
  });

  it('a writer that read the same last event as another, both inserting at once, fails on the primary key as a conflict', async () => {
    const store = await open();
    await store.createForum(record, [created], entry);
    // The other process: its row for event 2 is in, not yet committed.
    const { default: pgDriver } = await import('pg');
    const other = new pgDriver.Client({ connectionString: pg.url, options: `-c search_path=${store.schema}` });
    await other.connect();
    try {
      await other.query('BEGIN');
      await other.query("INSERT INTO events (forum_id, seq, type, payload, action_key, recorded_at) VALUES ('f1', 2, 'participantJoined', $1, 'p9:x', 0)", [JSON.stringify(joined(9))]);
      const ours = store.appendBatch('f1', 1, [{ events: [joined(1)], actionKey: 'p1:a' }]).then(
        () => null,
        (err: unknown) => err,
      );
      // Ours waits on the other's row of the same key until that one commits.
      for (;;) {
        const [waiting] = await pg.sql<{ n: number }>("SELECT COUNT(*)::int AS n FROM pg_stat_activity WHERE application_name = 'viche' AND wait_event_type = 'Lock'");
        if (waiting.n > 0) break;
        await sleep(10);
      }
      await other.query('COMMIT');
      expect(await ours).toBeInstanceOf(StorageConflict);
      expect(await ours).toMatchObject({ expectedSeq: 1, storedSeq: 2 });
    } finally {
      await other.end();
    }
    expect((await store.loadEventsAfter('f1', 0)).map((e) => e.actionKey)).toEqual([null, 'p9:x']);
  });

  it('PostgreSQL restarted while a writer appends: refused as unavailable, then every acknowledged batch is there once', async () => {
    const store = await open();
    await store.createForum(record, [created], entry);
    let last = 1;
    const acked: string[] = [];
    const failures: StorageUnavailable[] = [];
    let restart: Promise<void> | null = null;
    let restarted = false;
    let ackedAfter = 0;
    for (let i = 0; !restarted || ackedAfter < 20; i++) {
      if (acked.length === 20 && !restart) {
        // As a crash would: no clean end of the connections, recovery from the WAL at start.
        restart = pg.stopServer('immediate').then(() => pg.startServer()).then(() => {
          restarted = true;
        });
      }
      const key = `p1:a${i}`;
      try {
        last = await store.appendBatch('f1', last, [{ events: [joined(i)], actionKey: key }]);
        acked.push(key);
        if (restarted) ackedAfter++;
        continue;
      } catch (err) {
        expect(err).toBeInstanceOf(StorageUnavailable);
        failures.push(err as StorageUnavailable);
      }
      // As the room does after a failed batch: read what the store holds after the last seq known.
      for (;;) {
        try {
          const after = await store.loadEventsAfter('f1', last);
          if (failures.at(-1)!.outcome === 'notStored') expect(after).toEqual([]);
          if (after.length > 0) {
            expect(after.map((e) => e.actionKey)).toEqual([key]);
            last = after[0].seq;
            acked.push(key);
          }
          break;
        } catch (err) {
          expect(err).toBeInstanceOf(StorageUnavailable);
          await sleep(50);
        }
      }
    }
    await restart;
    expect(failures.length).toBeGreaterThan(0);
    expect(failures.every((f) => f.reason === 'io')).toBe(true);
    const stored = await store.loadEventsAfter('f1', 0);
    expect(stored.map((e) => e.seq)).toEqual(stored.map((_, i) => i + 1));
    expect(stored.slice(1).map((e) => e.actionKey)).toEqual(acked);
    await store.probeWrite();
  }, 120_000);

  it('builds a snapshot\'s body in a worker thread, from the snapshot before and the events since, or the whole log when that one is damaged', async () => {
    const store = await open();
    const memory = new MemoryStore();
    const events = [created, ...Array.from({ length: 30 }, (_, i) => joined(i + 1))];
    for (const s of [store, memory] as const) {
      await s.createForum(record, events.slice(0, 10), entry);
      await s.appendBatch('f1', 10, [{ events: events.slice(10), actionKey: 'p1:a' }]);
      await s.saveSnapshot('f1', 10, await s.snapshotBody('f1', 10));
    }
    const expected = await memory.snapshotBody('f1', 25);
    expect(JSON.parse(expected).state.participants).toHaveLength(24);
    expect(await store.snapshotBody('f1', 25)).toBe(expected);
    await pg.sql(`UPDATE ${store.schema}.snapshots SET body = 'not json'`);
    expect(await store.snapshotBody('f1', 25)).toBe(expected);
  });

  it('opens a forum from its snapshot as the memory store does, passing over one beyond the log and setting garbled rows apart', async () => {
    const store = await open();
    const memory = new MemoryStore();
    for (const s of [store, memory] as const) {
      await s.createForum(record, [created], entry);
      await s.appendBatch('f1', 1, [1, 2, 3, 4].map((n) => ({ events: [joined(n)], actionKey: `p${n}:a` })));
      await s.saveSnapshot('f1', 3, 'at 3');
      await s.appendBatch('f1', 5, [{ events: [joined(5)], actionKey: 'p5:a' }]);
    }
    const [fromPg, fromMemory] = await Promise.all([store.loadForum('f1', { fromSnapshot: true }), memory.loadForum('f1', { fromSnapshot: true })]);
    expect(fromPg).toEqual({ ...fromMemory, unreadable: [] });
    expect(fromPg!.keysBefore).toEqual(['p1:a', 'p2:a']);
    // Another program's rows: a snapshot past the log's end, and an event that is not JSON.
    await pg.sql(`INSERT INTO ${store.schema}.snapshots (forum_id, seq, taken_at, body) VALUES ('f1', 99, 0, 'beyond')`);
    await pg.sql(`INSERT INTO ${store.schema}.events (forum_id, seq, type, payload, recorded_at) VALUES ('f1', 7, 'participantJoined', '{oops', 0)`);
    expect(await store.latestSnapshot('f1')).toEqual({ seq: 3, body: 'at 3' });
    const log = await store.loadLog('f1');
    expect(log.events.map((e) => e.seq)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(log.unreadable).toEqual([{ seq: 7, type: 'participantJoined', reason: 'its payload is not JSON' }]);
    expect((await store.loadEventsAfter('f1', 6)).length).toBe(0);
  });

  it('a process cut off from PostgreSQL by the network: a stalled or cut write fails as unavailable, and once through again each action is stored once', async () => {
    const proxy = await startTcpProxy(pg.port);
    try {
      const store = await PostgresStore.open(`postgres://viche@127.0.0.1:${proxy.port}/postgres`, { schema: 'cut', queryTimeoutMs: 1000 });
      stores.push(store);
      await store.createForum(record, [created], entry);
      let last = 1;
      let n = 0;
      const acked: string[] = [];
      /** Keys found in the log that this writer was not told were stored: a write that went in late. */
      const late: (string | null)[] = [];
      /** As the room does: a conflict is caught up from the log, then the action is decided again. */
      const append = async (key: string) => {
        for (;;) {
          try {
            last = await store.appendBatch('f1', last, [{ events: [joined(n++)], actionKey: key }]);
            acked.push(key);
            return;
          } catch (err) {
            if (!(err instanceof StorageConflict)) throw err;
            for (const e of await store.loadEventsAfter('f1', last)) {
              late.push(e.actionKey);
              last = e.seq;
            }
          }
        }
      };
      for (let i = 0; i < 5; i++) await append(`p1:before${i}`);

      // The network goes quiet: the batch was sent, and no answer comes.
      proxy.stall();
      const stalled = await append('p1:stalled').then(
        () => null,
        (err: unknown) => err,
      );
      expect(stalled).toBeInstanceOf(StorageUnavailable);
      expect(stalled).toMatchObject({ reason: 'io', outcome: 'unknown' });
      proxy.restore();
      // What the stall held reaches PostgreSQL late, if at all: before the next batch (which is
      // then refused and catches up), or after it (and then its seq is taken: refused by the key).
      for (let i = 0; i < 5; i++) await append(`p1:after-stall${i}`);

      proxy.cut();
      const cut = await append('p1:cut').then(
        () => null,
        (err: unknown) => err,
      );
      expect(cut).toBeInstanceOf(StorageUnavailable);
      expect(cut).toMatchObject({ reason: 'io' });
      proxy.restore();
      for (;;) {
        try {
          for (const e of await store.loadEventsAfter('f1', last)) {
            late.push(e.actionKey);
            last = e.seq;
          }
          break;
        } catch (err) {
          expect(err).toBeInstanceOf(StorageUnavailable);
          await sleep(50);
        }
      }
      for (let i = 0; i < 5; i++) await append(`p1:after-cut${i}`);

      const keys = (await store.loadEventsAfter('f1', 0)).flatMap((e) => (e.actionKey ? [e.actionKey] : []));
      expect(new Set(keys).size).toBe(keys.length);
      expect(keys.filter((k) => !late.includes(k))).toEqual(acked);
      expect(late.every((k) => k === 'p1:stalled' || k === 'p1:cut')).toBe(true);
    } finally {
      await proxy.close();
    }
  }, 60_000);

  it('migrates a new database once when several processes start at once, and refuses one from a newer version', async () => {
    const started = await Promise.all([0, 1, 2, 3].map(() => open('together')));
    expect(await pg.sql("SELECT version FROM together.viche_schema")).toEqual([{ version: PG_SCHEMA_VERSION }]);
    await started[0].createForum(record, [created], entry);
    for (const store of started) expect((await store.listForums()).map((f) => f.slug)).toEqual(['1']);
    // Started again: nothing to do, nothing lost.
    expect((await (await open('together')).loadForums())[0].events).toHaveLength(1);
    await pg.sql('UPDATE together.viche_schema SET version = 99');
    const refused = await PostgresStore.open(pg.url, { schema: 'together' }).then(
      () => null,
      (err: unknown) => err,
    );
    expect(refused).toBeInstanceOf(StartupError);
    expect((refused as StartupError).en).toMatch(/newer version of Viche \(schema version 99/);
  });

  it('a database out of reach, or a user who may not create tables: opening says so in a sentence; a write out of reach is refused as unavailable, stored nowhere', async () => {
    const nowhere = `postgres://viche@127.0.0.1:1/postgres`;
    const refused = await PostgresStore.open(nowhere).then(
      () => null,
      (err: unknown) => err,
    );
    expect(refused).toBeInstanceOf(StartupError);
    expect((refused as StartupError).en).toMatch(/^Cannot open the database PostgreSQL 127\.0\.0\.1:1\/postgres .*DATABASE_URL/);
    // A user who may not create tables: told so, with what to check.
    await pg.sql('CREATE ROLE guest LOGIN');
    const notAllowed = await PostgresStore.open(pg.url.replace('viche@', 'guest@'), { schema: 'public' }).then(
      () => null,
      (err: unknown) => err,
    );
    expect((notAllowed as StartupError).en).toMatch(/permission denied for schema public.*may create tables in the database/);
    // Given its schema only, it may.
    await pg.sql('GRANT CREATE ON SCHEMA public TO guest');
    stores.push(await PostgresStore.open(pg.url.replace('viche@', 'guest@'), { schema: 'public' }));
    const store = new PostgresStore(nowhere);
    stores.push(store);
    const failed = await store.appendBatch('f1', 1, [{ events: [joined(1)], actionKey: 'p1:a' }]).then(
      () => null,
      (err: unknown) => err,
    );
    expect(failed).toBeInstanceOf(StorageUnavailable);
    expect(failed).toMatchObject({ reason: 'io', outcome: 'notStored' });
  });

  it('one process holds a forum\'s lock at a time; a process whose connection dropped takes its forums back, or is told one was taken', async () => {
    const a = new PostgresLease(pg.url, { retryMs: 600_000 });
    const b = new PostgresLease(pg.url);
    leases.push(a, b);
    // Asked for twice at once, then given up once: the forum is free for another process.
    expect(await Promise.all([a.tryAcquire('f1'), a.tryAcquire('f1')])).toEqual([true, true]);
    expect(await a.tryAcquire('f1')).toBe(true);
    expect(await b.tryAcquire('f1')).toBe(false);
    expect(await b.tryAcquire('f2')).toBe(true);
    await a.release('f1');
    expect(await b.tryAcquire('f1')).toBe(true);
    await b.release('f1');
    expect(await a.tryAcquire('f1')).toBe(true);
    expect(await a.tryAcquire('f4')).toBe(true);
    const lost: string[] = [];
    a.onLost((id) => lost.push(id));

    // A's connection is cut (its backend ended), and with it its locks: B takes f1 meanwhile.
    await pg.sql(
      `SELECT pg_terminate_backend(pid) FROM pg_locks WHERE locktype = 'advisory' AND classid = $1 AND objid::bigint = (hashtext('f1')::bigint & 4294967295)`,
      [FORUM_LOCK_CLASS],
    );
    while (a.holds('f4')) await sleep(10);
    while (!(await b.tryAcquire('f1'))) await sleep(10);
    // A's next use connects again: f4 is its own again, f1 is told lost.
    expect(await a.tryAcquire('f3')).toBe(true);
    expect(lost).toEqual(['f1']);
    expect(a.holds('f4')).toBe(true);
    expect(a.holds('f1')).toBe(false);
    expect(await b.tryAcquire('f4')).toBe(false);
    // Closing gives every forum up.
    await a.close();
    expect(await b.tryAcquire('f4')).toBe(true);
  });

  it('a lock\'s connection that gets no answer is given up: once the network is back its session ends, and the forum another process took is told lost', async () => {
    const proxy = await startTcpProxy(pg.port);
    try {
      const a = new PostgresLease(`postgres://viche@127.0.0.1:${proxy.port}/postgres`, { queryTimeoutMs: 1000, retryMs: 600_000 });
      const b = new PostgresLease(pg.url);
      leases.push(a, b);
      const lost: string[] = [];
      a.onLost((id) => lost.push(id));
      expect(await a.tryAcquire('quiet')).toBe(true);
      proxy.stall();
      // A's session is alive in PostgreSQL's eyes: the lock is still A's.
      expect(await b.tryAcquire('quiet')).toBe(false);
      await expect(a.tryAcquire('other')).rejects.toBeInstanceOf(StorageUnavailable);
      expect(a.holds('quiet')).toBe(false);
      proxy.restore();
      // A's end reaches PostgreSQL, which ends the session and its lock: B takes the forum.
      while (!(await b.tryAcquire('quiet'))) await sleep(20);
      // A's next use connects again, and finds it taken.
      expect(await a.tryAcquire('other')).toBe(true);
      expect(lost).toEqual(['quiet']);
      expect(a.holds('quiet')).toBe(false);
    } finally {
      await proxy.close();
    }
  }, 30_000);

  describe('a server on DATABASE_URL', () => {
    const servers: TestServer[] = [];
    const clients: TestClient[] = [];
    afterEach(async () => {
      for (const c of clients.splice(0)) c.close();
      for (const s of servers.splice(0)) await s.stop();
    });

    it('takes DATABASE_URL only as a PostgreSQL address, and refuses READ_ONLY=1 with it', async () => {
      expect(configFromEnv({}).databaseUrl).toBeUndefined();
      expect(configFromEnv({ DATABASE_URL: pg.url }).databaseUrl).toBe(pg.url);
      expect(() => configFromEnv({ DATABASE_URL: 'mysql://viche@127.0.0.1/viche' })).toThrow(/DATABASE_URL must be a PostgreSQL address/);
      expect(() => configFromEnv({ DATABASE_URL: '/var/run/postgresql' })).toThrow(StartupError);
      const refused = await startTestServer({ databaseUrl: pg.url, readOnly: true }).then(
        () => null,
        (err: unknown) => err,
      );
      expect((refused as StartupError).en).toMatch(/READ_ONLY=1 opens a SQLite file/);
    });

    it('PostgreSQL restarted under a running server: a phone\'s action is refused as unavailable, then done once when resent, the forum still its own', async () => {
      await pg.sql('CREATE DATABASE restarts');
      const databaseUrl = pg.urlOf('restarts');
      const lease = new PostgresLease(databaseUrl);
      leases.push(lease);
      const server = await startTestServer({ databaseUrl, lease });
      servers.push(server);
      const id = server.room.record.id;
      const admin = await connectConsole(server);
      const phone = await joinPhone(server, 'Оля');
      clients.push(admin, phone);
      ok(await admin.send('phase:set', { to: 'ideas' }));
      ok(await phone.send('idea:submit', { priorityCode: '1', title: 'Лавки в парку', actionId: 'first-idea-1' }));

      await pg.stopServer('fast');
      const refused = await phone.send('idea:submit', { priorityCode: '1', title: 'Фонтан', actionId: 'second-idea-1' });
      expect(refused.ok ? 'ok' : refused.error.code).toBe('STORAGE_UNAVAILABLE');
      await pg.startServer();
      // The phone resends with the same id, as it does, until the server takes it.
      for (;;) {
        const ack = await phone.send('idea:submit', { priorityCode: '1', title: 'Фонтан', actionId: 'second-idea-1' });
        if (ack.ok) break;
        expect(ack.error.code).toBe('STORAGE_UNAVAILABLE');
        await sleep(200);
      }
      ok(await phone.send('idea:submit', { priorityCode: '1', title: 'Фонтан', actionId: 'second-idea-1' }));
      // Its lock, gone with the connection PostgreSQL closed, is taken back on a new one.
      while (!lease.holds(id)) await sleep(50);
      expect(server.room.servedElsewhere).toBe(false);
      expect([...server.room.state.ideas.values()].map((i) => i.title)).toEqual(['Лавки в парку', 'Фонтан']);
      const stored = await pg.sql<{ n: number }>("SELECT COUNT(*)::int AS n FROM events WHERE type = 'ideaSubmitted'", [], 'restarts');
      expect(stored[0].n).toBe(2);
    }, 60_000);

    it('a server whose lock connection alone dropped decides nothing until it has the lock back; taken meanwhile, the forum is elsewhere', async () => {
      await pg.sql('CREATE DATABASE lockless');
      const databaseUrl = pg.urlOf('lockless');
      // No retry within the test: the lock comes back only when asked for (ping).
      const lease = new PostgresLease(databaseUrl, { retryMs: 600_000 });
      const other = new PostgresLease(databaseUrl);
      leases.push(lease, other);
      const server = await startTestServer({ databaseUrl, lease });
      servers.push(server);
      const id = server.room.record.id;
      const admin = await connectConsole(server);
      const phone = await joinPhone(server, 'Оля');
      clients.push(admin, phone);
      ok(await admin.send('phase:set', { to: 'ideas' }));
      ok(await phone.send('idea:submit', { priorityCode: '1', title: 'Лавки в парку', actionId: 'first-idea-2' }));

      // The lock's session ended (the pool's are untouched): the room must not go on deciding.
      await pg.sql("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'viche-lease' AND datname = 'lockless'");
      while (!lease.suspended(id)) await sleep(20);
      const refused = await phone.send('idea:submit', { priorityCode: '1', title: 'Фонтан', actionId: 'second-idea-2' });
      expect(refused.ok ? 'ok' : refused.error.code).toBe('STORAGE_UNAVAILABLE');
      // Another process takes the forum meanwhile; asked again, this one learns it is elsewhere.
      expect(await other.tryAcquire(id)).toBe(true);
      await lease.ping();
      expect(lease.suspended(id)).toBe(false);
      expect(server.room.servedElsewhere).toBe(true);
      const elsewhere = await phone.send('idea:submit', { priorityCode: '1', title: 'Фонтан', actionId: 'second-idea-2' });
      expect(elsewhere.ok ? 'ok' : elsewhere.error.code).toBe('FORUM_ELSEWHERE');
      const stored = await pg.sql<{ n: number }>("SELECT COUNT(*)::int AS n FROM events WHERE type = 'ideaSubmitted'", [], 'lockless');
      expect(stored[0].n).toBe(1);
    }, 60_000);

    it('a server process killed with -9 leaves its forum to the next: PostgreSQL ends its session, and the lock with it', async () => {
      await pg.sql('CREATE DATABASE killed');
      const databaseUrl = pg.urlOf('killed');
      const first = await startServerProcess({ DATABASE_URL: databaseUrl });
      const [forum] = await pg.sql<{ id: string }>('SELECT id FROM forums', [], 'killed');
      const other = new PostgresLease(databaseUrl);
      leases.push(other);
      expect(await other.tryAcquire(forum.id)).toBe(false);
      first.child.kill('SIGKILL');
      await first.exited;
      while (!(await other.tryAcquire(forum.id))) await sleep(20);
      await other.release(forum.id);
      const second = await startServerProcess({ DATABASE_URL: databaseUrl });
      try {
        expect(second.slug).toBe('1');
        expect(second.output()).toMatch(/\/f\/1\//);
        expect(await other.tryAcquire(forum.id)).toBe(false);
      } finally {
        second.child.kill('SIGTERM');
        await second.exited;
      }
    }, 90_000);

    it('keeps its forum in PostgreSQL; a second process leaves it to the one holding its lock, and a later one opens it with everything', async () => {
      await pg.sql('CREATE DATABASE servers');
      const databaseUrl = pg.urlOf('servers');
      const first = await startTestServer({ databaseUrl });
      servers.push(first);
      const id = first.room.record.id;
      const admin = await connectConsole(first);
      const phone = await joinPhone(first, 'Оля');
      clients.push(admin, phone);
      ok(await admin.send('phase:set', { to: 'ideas' }));
      ok(await phone.send('idea:submit', { priorityCode: '1', title: 'Лавки в парку' }));

      const second = await startTestServer({ databaseUrl });
      servers.push(second);
      expect(second.forums.records().map((r) => r.id)).toEqual([id]);
      expect(second.forums.get(id)).toBeUndefined();

      await first.stop();
      servers.splice(servers.indexOf(first), 1);
      const third = await startTestServer({ databaseUrl });
      servers.push(third);
      expect(third.room.record.id).toBe(id);
      expect(third.room.state.phase).toBe('ideas');
      expect([...third.room.state.ideas.values()].map((i) => i.title)).toEqual(['Лавки в парку']);
      const rows = await pg.sql<{ n: number }>('SELECT COUNT(*)::int AS n FROM events', [], 'servers');
      expect(rows[0].n).toBeGreaterThan(2);
    }, 60_000);
  });
});
