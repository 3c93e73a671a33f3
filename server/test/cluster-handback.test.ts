// A forum handed to the process the proxy sends it to, through the cluster as `npm run cluster`
// runs it (HAProxy, two Viche processes, PostgreSQL), each run counted against the forum's export:
// every dot a phone meant to place, sent again under its action id until answered, is in it once.
//
// - The forum's process killed, started again on its port, then HAProxy restarted (its stick table
//   gone): the proxy hashes the forum back onto the restarted process while the other holds its
//   lock; asked for it, the holder lets it go and closes its connections, and every phone ends on
//   the restarted process, voting again.
// - A process that lost the forum's lock (its session ended, the lock taken meanwhile) closes the
//   forum's connections instead of refusing their every action; they come back through the proxy
//   and vote.

import { join } from 'node:path';
import { rmSync } from 'node:fs';
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { processStates, startHaproxy } from '../../scripts/haproxy.js';
import { startServerProcess } from '../../scripts/process.js';
import { FORUM_LOCK_CLASS } from '../forums/pgLease.js';
import { tempDir, type TestClient } from './harness.js';
import { clusterMissing, countsOf, exported, healthOf, place, plan, startCluster, until, votingForum, type Cluster, type PlannedDot } from './cluster.js';

const skipped = clusterMissing ? ` (skipped: ${clusterMissing})` : '';

/** Sends the dot again under its id until it is acknowledged, for up to `ms` (a move takes a few seconds). */
async function ackedWithin(dot: PlannedDot, ms = 60_000): Promise<void> {
  const end = Date.now() + ms;
  dot.acked = false;
  while (!dot.acked) {
    if (Date.now() > end) throw new Error(`${dot.actionId} not acknowledged in ${ms / 1000} s: ${dot.refusals.slice(-5).join(', ') || 'no answer'} (connected: ${dot.phone.socket.connected})`);
    await place(dot);
    if (!dot.acked) await new Promise((r) => setTimeout(r, 200));
  }
}

/** The index of each process that owns the forum now. */
async function owners(cluster: Cluster, slug: string): Promise<number[]> {
  const found: number[] = [];
  for (const [i, p] of cluster.processes.entries()) {
    if (p.child.exitCode !== null || p.child.signalCode !== null) continue;
    if ((await healthOf(p)).owned?.includes(slug)) found.push(i);
  }
  return found;
}

describe.skipIf(clusterMissing !== null)(`a forum handed to the process the proxy sends it to${skipped}`, () => {
  let dir = '';
  let cluster: Cluster | null = null;
  afterEach(async (context) => {
    if (context.task.result?.state === 'fail') for (const p of cluster?.processes ?? []) console.log(p.output().slice(-4000));
    await cluster?.stop();
    cluster = null;
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('its process killed and started again, then the proxy restarted: the forum goes back to the process the proxy hashes it to, every phone votes there', { timeout: 300_000 }, async () => {
    dir = tempDir();
    cluster = await startCluster(dir);
    const forum = await votingForum(cluster, 8, 4);
    const dots: PlannedDot[] = [];
    for (const [i, p] of forum.phones.entries()) await ackedWithin(plan(dots, p, forum.ideaIds[i % 4]));

    // Killed: its phones come back through the proxy on the other process, which takes the forum.
    const killed = cluster.processes[forum.owner];
    killed.child.kill('SIGKILL');
    await killed.exited;
    for (const [i, p] of forum.phones.entries()) await ackedWithin(plan(dots, p, forum.ideaIds[(i + 1) % 4]));
    expect(await owners(cluster, forum.slug)).toEqual([1 - forum.owner]);

    // Started again on its port, and back in the rotation: the stick table keeps the forum where it is.
    const env = { DATABASE_URL: cluster.postgres.url, LOAD_FORUMS: 'on-demand', TRUST_PROXY: '1', PUBLIC_URL: cluster.base, ADMISSION: 'open' };
    cluster.processes[forum.owner] = await startServerProcess({ ...env, PORT: String(killed.port) });
    const stats = join(dir, 'haproxy.sock');
    await until(async () => (await processStates(stats))[`viche${forum.owner + 1}`] === 'up', 'the restarted process up in the proxy');

    // The proxy restarted: its stick table is gone, and the forum hashes onto the restarted process
    // again, while the other holds its lock.
    const ids = forum.phones.map((p) => p.socket.id);
    await cluster.proxy.stop();
    const port = Number(new URL(cluster.base).port);
    cluster.proxy = await startHaproxy({ host: '127.0.0.1', port, processes: cluster.processes.map((p) => p.port), checkEveryMs: 300, stats }, join(dir, 'haproxy.cfg'));

    // Every phone is answered again, each on the process the proxy hashes the forum onto, which alone owns it.
    const after = forum.phones.map((p, i) => plan(dots, p, forum.ideaIds[(i + 2) % 4]));
    await Promise.all(after.map((d) => ackedWithin(d)));
    expect(await owners(cluster, forum.slug)).toEqual([forum.owner]);
    for (const [i, p] of forum.phones.entries()) expect(p.socket.id).not.toBe(ids[i]);
    // And stays there: another round, all accepted at once.
    const settled = forum.phones.map((p, i) => plan(dots, p, forum.ideaIds[(i + 3) % 4]));
    await Promise.all(settled.map((d) => place(d)));
    expect(settled.filter((d) => !d.acked).map((d) => d.refusals)).toEqual([]);
    expect(await owners(cluster, forum.slug)).toEqual([forum.owner]);

    const results = await exported(cluster.base, forum.slug, cluster.key);
    const { exported: got, planned } = countsOf(results, forum.ideaIds, dots);
    expect(got).toEqual(planned);
    const refused = dots.flatMap((d) => d.refusals);
    console.log(`handed back after the proxy restarted: ${dots.length} dots exported exactly; refusals on the way: ${refused.length} (${[...new Set(refused)].join(', ')})`);
  });

  it('a process that lost the forum’s lock closes its connections, and its phones come back through the proxy and vote', { timeout: 300_000 }, async () => {
    dir = tempDir();
    cluster = await startCluster(dir);
    const forum = await votingForum(cluster, 6, 4);
    const owner = cluster.processes[forum.owner];
    const dots: PlannedDot[] = [];
    for (const [i, p] of forum.phones.entries()) await ackedWithin(plan(dots, p, forum.ideaIds[i % 4]));
    const [{ id }] = await cluster.postgres.sql<{ id: string }>('SELECT id FROM forums WHERE slug = $1', [forum.slug]);

    // Its lock's session ended, and the lock taken at once by another session (as another process
    // would): when its process reconnects, the forum is lost to it.
    const other = new pg.Client({ connectionString: cluster.postgres.url });
    other.on('error', () => {});
    await other.connect();
    const closed = forum.phones.map((p) => new Promise<void>((resolve) => p.socket.once('disconnect', () => resolve())));
    const [holder] = await cluster.postgres.sql<{ pid: number }>("SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND classid = $1 AND granted", [FORUM_LOCK_CLASS]);
    await cluster.postgres.sql('SELECT pg_terminate_backend($1)', [holder.pid]);
    await until(async () => (await other.query<{ ok: boolean }>('SELECT pg_try_advisory_lock($1, hashtext($2)) AS ok', [FORUM_LOCK_CLASS, id])).rows[0].ok, 'the lock taken by the other session');

    // The process learns it lost the forum, and closes every one of its phones' connections.
    await Promise.all(closed);
    await until(async () => /^viche_lease_losses_total\{kind="forum"\} 1$/m.test(await (await fetch(`http://127.0.0.1:${owner.port}/metrics`)).text()), 'the loss counted');
    expect((await healthOf(owner)).owned).toEqual([]);

    // The other holder lets it go: the phones, retrying through the proxy, reach a process that takes it, and vote.
    await other.end();
    const phones: TestClient[] = forum.phones;
    const after = phones.map((p, i) => plan(dots, p, forum.ideaIds[(i + 1) % 4]));
    await Promise.all(after.map((d) => ackedWithin(d)));
    expect(await owners(cluster, forum.slug)).toHaveLength(1);

    const results = await exported(cluster.base, forum.slug, cluster.key);
    const { exported: got, planned } = countsOf(results, forum.ideaIds, dots);
    expect(got).toEqual(planned);
  });
});
