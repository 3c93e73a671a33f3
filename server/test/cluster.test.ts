// The cluster as `npm run cluster` runs it, on loopback: Debian's PostgreSQL, two Viche processes
// on it and HAProxy in front (scripts/haproxy.ts). A forum made through the proxy, phones joining
// and voting through it, the process holding the forum killed with SIGKILL in the middle of a
// burst of dots; the phones come back through the proxy to the other process, which takes the
// forum's lease, and resend every dot of the burst with its action id. The export through the
// proxy counts each dot exactly once: none acknowledged is lost, none is doubled. Then the proxy
// itself is restarted under them, and they vote on through it.

import { randomUUID } from 'node:crypto';
import { chmodSync, rmSync } from 'node:fs';
import { spawn } from 'node:child_process';
import { connect as netConnect, createServer } from 'node:net';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { ExportResults } from '../http/export.js';
import type { ConsoleView, ListCommandName, ListCommandPayload, ListCommandResults, MeView } from '../../shared/protocol.js';
import type { Ack } from '../../shared/protocol.js';
import { FORUM_LOCK_CLASS } from '../forums/pgLease.js';
import { haproxyMissing, processStates, startHaproxy, type RunningProxy } from '../../scripts/haproxy.js';
import { startServerProcess, type ServerProcess } from '../../scripts/process.js';
import { connect, joinPhone, ok, tempDir, type TestClient, type TestPhone } from './harness.js';
import { postgresMissing, startPostgres, type TestPostgres } from './postgres.js';

/** Outside CI, a machine without HAProxy or PostgreSQL's programs cannot run it (under CI=true both are installed by .ci/run). */
const missing = process.env.CI === 'true' ? null : (haproxyMissing() ?? postgresMissing());

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** Which processes serve a forum now, by their own /health. */
async function serving(processes: ServerProcess[]): Promise<number[]> {
  const open: number[] = [];
  for (const [i, p] of processes.entries()) {
    if (p.child.exitCode !== null || p.child.signalCode !== null) continue;
    const health = (await (await fetch(`http://127.0.0.1:${p.port}/health`)).json()) as { forums: number };
    if (health.forums > 0) open.push(i);
  }
  return open;
}

const dotsOn = (results: ExportResults, ideaId: string) => results.priorities.flatMap((p) => p.ideas).find((i) => i.id === ideaId)?.dots ?? 0;

describe.skipIf(missing !== null)(`two Viche processes behind HAProxy on PostgreSQL${missing ? ` (skipped: ${missing})` : ''}`, () => {
  const dir = tempDir();
  const clients: TestClient[] = [];
  const processes: ServerProcess[] = [];
  let postgres: TestPostgres | null = null;
  let proxy: RunningProxy | null = null;

  afterAll(async () => {
    for (const c of clients) c.close();
    await proxy?.stop();
    for (const p of processes) {
      if (p.child.exitCode === null && p.child.signalCode === null) p.child.kill('SIGKILL');
      await p.exited;
    }
    await postgres?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('routes a forum to one process, and after that process is killed, to the other, losing and doubling nothing; the proxy restarted changes nothing', { timeout: 180_000 }, async () => {
    postgres = await startPostgres();
    const proxyPort = await freePort();
    const base = `http://127.0.0.1:${proxyPort}`;
    const env = { DATABASE_URL: postgres.url, LOAD_FORUMS: 'on-demand', TRUST_PROXY: '1', PUBLIC_URL: base, ADMISSION: 'open' };
    for (let i = 0; i < 2; i++) processes.push(await startServerProcess(env));
    proxy = await startHaproxy({ host: '127.0.0.1', port: proxyPort, processes: processes.map((p) => p.port), checkEveryMs: 300, stats: join(dir, 'haproxy.sock') }, join(dir, 'haproxy.cfg'));
    const key = new URL(processes[0].consoleUrl).searchParams.get('key')!;
    // Each process let go of the forum it opened for its start-up text.
    expect(await serving(processes)).toEqual([]);

    // A forum made from the console's list, through the proxy: its maker lets it go at once.
    const list = await connect(base, { role: 'console', key });
    clients.push(list);
    await list.next('forums');
    const send = <N extends ListCommandName>(name: N, payload: ListCommandPayload<N>) =>
      list.socket.timeout(10_000).emitWithAck(name, payload) as Promise<Ack<ListCommandResults[N]>>;
    const { slug } = ok(await send('forums:create', { title: 'Міське голосування', from: { kind: 'template' } }));
    expect(await serving(processes)).toEqual([]);

    const url = `${base}/f/${slug}`;
    const admin = await connect(url, { role: 'console', key }, { reconnection: true });
    clients.push(admin);
    const first = await admin.next<ConsoleView>('console');
    // The process the proxy hashed the forum onto opened it, and only it.
    const owners = await serving(processes);
    expect(owners).toHaveLength(1);
    const owner = owners[0];

    const phones: TestPhone[] = [];
    for (let i = 0; i < 10; i++) phones.push(await joinPhone({ url, joinCode: first.joinCode }, `Мешканець ${i}`, true));
    clients.push(...phones);
    // Every connection of the forum went to its owner: the other still serves nothing.
    expect(await serving(processes)).toEqual([owner]);

    ok(await admin.send('phase:set', { to: 'ideas' }));
    const ideaIds: string[] = [];
    for (const [i, p] of phones.entries()) {
      if (i < 5) ideaIds.push(ok(await p.send('idea:submit', { priorityCode: i % 2 ? '1' : '3', title: `Проєкт ${i}` })).ideaId);
    }
    ok(await admin.send('phase:set', { to: 'review' }));
    ok(await admin.send('phase:set', { to: 'voting' }));

    // Every dot a phone means to place, with its action id, and whether it was acknowledged.
    const actions: { phone: TestPhone; ideaId: string; actionId: string; acked: boolean }[] = [];
    const place = async (a: (typeof actions)[number]) => {
      const ack = await a.phone.socket.timeout(3000).emitWithAck('dot:place', { ideaId: a.ideaId, actionId: a.actionId }).catch(() => null);
      if (ack?.ok) a.acked = true;
    };
    const plan = (phone: TestPhone, ideaId: string) => {
      const a = { phone, ideaId, actionId: randomUUID(), acked: false };
      actions.push(a);
      return a;
    };
    for (const [i, p] of phones.entries()) await place(plan(p, ideaIds[i % ideaIds.length]));
    expect(actions.every((a) => a.acked)).toBe(true);

    // A burst from every phone at once, the owner killed as soon as the first of it is acknowledged.
    const burst = phones.flatMap((p, i) => [plan(p, ideaIds[(i + 1) % ideaIds.length]), plan(p, ideaIds[(i + 2) % ideaIds.length])]);
    let firstAck: () => void = () => {};
    const landed = new Promise<void>((resolve) => (firstAck = resolve));
    const sent = burst.map((a) => place(a).then(() => a.acked && firstAck()));
    await landed;
    const marks = new Map<TestClient, number>(clients.map((c) => [c, c.mark()]));
    processes[owner].child.kill('SIGKILL');
    await processes[owner].exited;
    await Promise.all(sent);
    const ackedBeforeResend = actions.filter((a) => a.acked).length;
    expect(ackedBeforeResend).toBeGreaterThan(phones.length);

    // Each phone is back through the proxy, on the other process, as itself.
    await Promise.all(
      phones.map(async (p) => {
        const me = await p.next<MeView | null>('me', () => true, marks.get(p));
        expect(me?.participantId).toBe(p.me.participantId);
      }),
    );
    expect(await serving(processes)).toEqual([1 - owner]);
    // The forum's lock in PostgreSQL: one, held by the process left.
    const locks = await postgres.sql<{ pid: number; app: string }>(
      "SELECT l.pid, a.application_name AS app FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid WHERE l.locktype = 'advisory' AND l.classid = $1 AND l.granted",
      [FORUM_LOCK_CLASS],
    );
    expect(locks).toHaveLength(1);
    expect(locks[0].app).toBe('viche-lease');

    // Every dot of the burst sent again with its action id, acknowledged or not: each is taken once.
    for (const a of burst) {
      a.acked = false;
      await place(a);
      expect(a.acked, `${a.actionId} was not acknowledged after the phone came back`).toBe(true);
    }

    // The proxy restarted: every connection through it drops, and comes back to the same process.
    const beforeProxy = new Map<TestClient, number>(clients.map((c) => [c, c.mark()]));
    const beforeIds = phones.map((p) => p.socket.id);
    expect(beforeIds.every(Boolean)).toBe(true);
    await proxy.stop();
    await Promise.all(phones.map((p) => (p.socket.connected ? new Promise((resolve) => p.socket.once('disconnect', resolve)) : null)));
    proxy = await startHaproxy({ host: '127.0.0.1', port: proxyPort, processes: processes.map((p) => p.port), checkEveryMs: 300, stats: join(dir, 'haproxy.sock') }, join(dir, 'haproxy.cfg'));
    await Promise.all(phones.map((p) => p.next<MeView | null>('me', (me) => me?.participantId === p.me.participantId, beforeProxy.get(p))));
    // Each on a new connection (a socket's id changes when it connects again).
    for (const [i, p] of phones.entries()) expect(p.socket.id).not.toBe(beforeIds[i]);
    for (const [i, p] of phones.entries()) {
      const a = plan(p, ideaIds[(i + 3) % ideaIds.length]);
      await place(a);
      expect(a.acked).toBe(true);
    }
    expect(await serving(processes)).toEqual([1 - owner]);

    // The killed process started again on its port, and back in the proxy's rotation. A newcomer
    // joins: through the stick table on the process that holds the forum, or, where the proxy sends
    // it to the one back (the forum hashes there), refused FORUM_ELSEWHERE at first and tried again
    // as the pages do, while the holder hands the forum back (registry.ts). Either way one process
    // serves it, and the newcomer is in.
    const killedPort = processes[owner].port;
    processes.push(await startServerProcess({ ...env, PORT: String(killedPort) }));
    for (;;) {
      if ((await processStates(join(dir, 'haproxy.sock')))[`viche${owner + 1}`] === 'up') break;
      await new Promise((r) => setTimeout(r, 100));
    }
    let newcomer: TestPhone | null = null;
    for (let attempt = 0; !newcomer; attempt++) {
      try {
        newcomer = await joinPhone({ url, joinCode: first.joinCode }, 'Новенька', true);
      } catch (err) {
        if (attempt >= 40 || !String(err).includes('FORUM_ELSEWHERE')) throw err;
        await new Promise((r) => setTimeout(r, 500));
      }
    }
    clients.push(newcomer);
    expect((await serving(processes)).length).toBe(1);

    let res = await fetch(`${url}/api/export.json`, { headers: { 'x-facilitator-key': key } });
    for (let attempt = 0; res.status === 503 && attempt < 40; attempt++) {
      await new Promise((r) => setTimeout(r, 500));
      res = await fetch(`${url}/api/export.json`, { headers: { 'x-facilitator-key': key } });
    }
    expect(res.status).toBe(200);
    const results = (await res.json()) as ExportResults;
    for (const ideaId of ideaIds) expect(dotsOn(results, ideaId), ideaId).toBe(actions.filter((a) => a.ideaId === ideaId).length);
    const exported = ideaIds.reduce((n, id) => n + dotsOn(results, id), 0);
    expect(exported).toBe(actions.length);
  });
});

describe.skipIf(missing !== null)(`npm run cluster${missing ? ` (skipped: ${missing})` : ''}`, () => {
  const dir = tempDir();
  // As root, PostgreSQL runs as another user (scripts/postgres.ts), who must be able to reach its folder inside this one.
  chmodSync(dir, 0o755);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('starts PostgreSQL, the processes and HAProxy, prints the addresses on the proxy, and stops them all on Ctrl-C', { timeout: 180_000 }, async () => {
    const port = await freePort();
    const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/cluster.ts'], {
      env: { ...process.env, HOST: '127.0.0.1', PORT: String(port), CLUSTER_PROCESSES: '2', CLUSTER_DIR: dir },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr.on('data', (c: Buffer) => (out += c.toString()));
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    try {
      // Up once its last line is out; or it stopped, and says why.
      await new Promise<void>((resolve, reject) => {
        const check = setInterval(() => {
          if (out.includes('Ctrl-C') || child.exitCode !== null) {
            clearInterval(check);
            if (child.exitCode === null) resolve();
            else reject(new Error(out));
          }
        }, 100);
      });
      const base = `http://127.0.0.1:${port}`;
      expect(out).toContain(`${base}/console?key=`);
      expect(out).toMatch(new RegExp(`${base}/f/1/screen\\?key=`));
      const processPorts = [...out.matchAll(/127\.0\.0\.1:(\d+)/g)].map((m) => Number(m[1])).filter((p) => p !== port);
      const pgPort = Number(/postgres:\/\/viche@127\.0\.0\.1:(\d+)/.exec(out)![1]);
      expect(processPorts).toContain(pgPort);
      // The forum the start-up text names, through the proxy: a phone's socket reaches the process that opens it.
      const key = new URL(/(http:\S+\/console\?key=\S+)/.exec(out)![1]).searchParams.get('key')!;
      const admin = await connect(`${base}/f/1`, { role: 'console', key });
      const view = await admin.next<ConsoleView>('console');
      expect(view.forum.phase).toBeDefined();
      admin.close();

      child.kill('SIGINT');
      expect(await exited).toBe(0);
      // Nothing is left listening: the proxy, each process, PostgreSQL.
      for (const p of [port, ...processPorts]) expect(await listening(p), `port ${p}`).toBe(false);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  });
});

function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = netConnect(port, '127.0.0.1');
    s.once('connect', () => (s.destroy(), resolve(true)));
    s.once('error', () => resolve(false));
  });
}
