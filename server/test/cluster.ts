// The cluster the fault tests run, as `npm run cluster` runs it, on loopback: Debian's PostgreSQL,
// Viche processes on it (each, if asked, through a TCP proxy of its own that a test can cut) and
// HAProxy in front (scripts/haproxy.ts); and what those tests ask of it: a forum made through the
// proxy and opened in voting, each process's /health, the forum's export, and a dot placed with
// its action id until it is answered.

import { randomUUID } from 'node:crypto';
import { createServer } from 'node:net';
import { join } from 'node:path';
import type { ExportResults } from '../http/export.js';
import type { Ack, ConsoleView, ListCommandName, ListCommandPayload, ListCommandResults } from '../../shared/protocol.js';
import { haproxyMissing, startHaproxy, type RunningProxy } from '../../scripts/haproxy.js';
import { startServerProcess, type ServerProcess } from '../../scripts/process.js';
import { connect, joinPhone, ok, type TestClient, type TestPhone } from './harness.js';
import { postgresMissing, startPostgres, type TestPostgres } from './postgres.js';
import { startTcpProxy, type TcpProxy } from './tcpProxy.js';

/** Outside CI, a machine without HAProxy or PostgreSQL's programs cannot run them (under CI=true both are installed by .ci/run). */
export const clusterMissing = process.env.CI === 'true' ? null : (haproxyMissing() ?? postgresMissing());

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

export interface ProcessHealth {
  status: number;
  ok: boolean;
  store?: 'reachable' | 'unreachable';
  forums: number;
  owned?: string[];
}

export async function healthOf(p: ServerProcess): Promise<ProcessHealth> {
  const res = await fetch(`http://127.0.0.1:${p.port}/health`);
  return { status: res.status, ...((await res.json()) as Omit<ProcessHealth, 'status'>) };
}

/** Polls `test` every 100 ms until it holds; after `ms`, fails saying what did not happen. */
export async function until(test: () => Promise<boolean> | boolean, what = 'the condition', ms = 60_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await test())) {
    if (Date.now() > end) throw new Error(`waited ${ms / 1000} s for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

export const dotsOn = (results: ExportResults, ideaId: string) => results.priorities.flatMap((p) => p.ideas).find((i) => i.id === ideaId)?.dots ?? 0;

export interface Cluster {
  postgres: TestPostgres;
  processes: ServerProcess[];
  /** Each process's way to PostgreSQL, when asked for (`throughTcpProxy`): cut it to cut the process off. */
  links: TcpProxy[];
  proxy: RunningProxy;
  /** The proxy's address: what phones open. */
  base: string;
  key: string;
  clients: TestClient[];
  stop(): Promise<void>;
}

/** `env`: settings every process gets besides the cluster's own (an e-ID provider, say). */
export async function startCluster(dir: string, options: { processes?: number; checkEveryMs?: number; throughTcpProxy?: boolean; env?: Record<string, string> } = {}): Promise<Cluster> {
  const postgres = await startPostgres();
  const proxyPort = await freePort();
  const base = `http://127.0.0.1:${proxyPort}`;
  const links: TcpProxy[] = [];
  const processes: ServerProcess[] = [];
  for (let i = 0; i < (options.processes ?? 2); i++) {
    let url = postgres.url;
    if (options.throughTcpProxy) {
      const link = await startTcpProxy(postgres.port);
      links.push(link);
      url = `postgres://viche@127.0.0.1:${link.port}/postgres`;
    }
    processes.push(await startServerProcess({ ...options.env, DATABASE_URL: url, LOAD_FORUMS: 'on-demand', TRUST_PROXY: '1', PUBLIC_URL: base, ADMISSION: 'open' }));
  }
  const proxy = await startHaproxy(
    { host: '127.0.0.1', port: proxyPort, processes: processes.map((p) => p.port), checkEveryMs: options.checkEveryMs ?? 300, stats: join(dir, 'haproxy.sock') },
    join(dir, 'haproxy.cfg'),
  );
  const clients: TestClient[] = [];
  return {
    postgres,
    processes,
    links,
    proxy,
    base,
    key: new URL(processes[0].consoleUrl).searchParams.get('key')!,
    clients,
    async stop() {
      for (const c of clients) c.close();
      await proxy.stop();
      for (const p of processes) {
        if (p.child.exitCode === null && p.child.signalCode === null) p.child.kill('SIGKILL');
        await p.exited;
      }
      for (const l of links) await l.close();
      await postgres.stop();
    },
  };
}

/**
 * As the pages do (client/lib/connection.ts): a connection refused because another process holds
 * the forum, or because its database did not answer, is tried again shortly (Socket.IO does not,
 * after a refusal).
 */
export function retryElsewhere<C extends TestClient>(client: C): C {
  client.socket.on('connect_error', (err: Error & { data?: { code?: string } }) => {
    if (err.data?.code === 'FORUM_ELSEWHERE' || err.data?.code === 'STORAGE_UNAVAILABLE') setTimeout(() => client.socket.connect(), 300);
  });
  return client;
}

export interface VotingForum {
  slug: string;
  url: string;
  admin: TestClient;
  joinCode: string;
  /** Index of the process the proxy sent the forum to. */
  owner: number;
  /** Ideas in priority 1, then in priority 3, alternating. */
  ideaIds: string[];
  phones: TestPhone[];
}

/**
 * A forum made from the console's list through the proxy, `phones` phones joined through it (each
 * reconnecting by itself) and `ideas` ideas proposed, alternating between priorities 1 and 3; then voting.
 */
export async function votingForum(cluster: Cluster, phones: number, ideas: number): Promise<VotingForum> {
  const list = await connect(cluster.base, { role: 'console', key: cluster.key });
  cluster.clients.push(list);
  await list.next('forums');
  const send = <N extends ListCommandName>(name: N, payload: ListCommandPayload<N>) =>
    list.socket.timeout(10_000).emitWithAck(name, payload) as Promise<Ack<ListCommandResults[N]>>;
  const { slug } = ok(await send('forums:create', { title: 'Міське голосування', from: { kind: 'template' } }));
  const url = `${cluster.base}/f/${slug}`;
  const admin = retryElsewhere(await connect(url, { role: 'console', key: cluster.key }, { reconnection: true }));
  cluster.clients.push(admin);
  const first = await admin.next<ConsoleView>('console');
  const owners: number[] = [];
  for (const [i, p] of cluster.processes.entries()) if ((await healthOf(p)).owned?.includes(slug)) owners.push(i);
  if (owners.length !== 1) throw new Error(`the forum is owned by ${owners.length} processes`);
  const joined: TestPhone[] = [];
  for (let i = 0; i < phones; i++) joined.push(retryElsewhere(await joinPhone({ url, joinCode: first.joinCode }, `Мешканець ${i}`, true)));
  cluster.clients.push(...joined);
  ok(await admin.send('phase:set', { to: 'ideas' }));
  const ideaIds: string[] = [];
  for (let i = 0; i < ideas; i++) ideaIds.push(ok(await joined[i].send('idea:submit', { priorityCode: i % 2 ? '3' : '1', title: `Проєкт ${i}` })).ideaId);
  ok(await admin.send('phase:set', { to: 'review' }));
  ok(await admin.send('phase:set', { to: 'voting' }));
  return { slug, url, admin, joinCode: first.joinCode, owner: owners[0], ideaIds, phones: joined };
}

/** A dot a phone means to place, under its action id, and what the server last answered. */
export interface PlannedDot {
  phone: TestClient;
  ideaId: string;
  actionId: string;
  acked: boolean;
  /** Every refusal's code (with `:unknown` when the server could not tell whether it was stored). */
  refusals: string[];
  /** Each refusal's cause, if it gave one (a storage failure's). */
  causes: string[];
}

export function plan(into: PlannedDot[], phone: TestClient, ideaId: string): PlannedDot {
  const dot = { phone, ideaId, actionId: randomUUID(), acked: false, refusals: [], causes: [] };
  into.push(dot);
  return dot;
}

/** Sends the dot once (no answer within `timeoutMs`: none recorded). */
export async function place(dot: PlannedDot, timeoutMs = 3000): Promise<void> {
  const ack = (await dot.phone.socket
    .timeout(timeoutMs)
    .emitWithAck('dot:place', { ideaId: dot.ideaId, actionId: dot.actionId })
    .catch(() => null)) as Ack<unknown> | null;
  if (!ack) return;
  if (ack.ok) dot.acked = true;
  else dot.refusals.push(`${ack.error.code}${(ack.error.params as { outcome?: string } | undefined)?.outcome === 'unknown' ? ':unknown' : ''}`);
  if (!ack.ok) dot.causes.push(String((ack.error.params as { cause?: string } | undefined)?.cause ?? ''));
}

/** Sends the dot again, under its id, until it is acknowledged (a phone coming back may take a few tries). */
export async function placeUntilAcked(dot: PlannedDot): Promise<void> {
  dot.acked = false;
  for (let attempt = 0; !dot.acked; attempt++) {
    if (attempt > 0) await new Promise((r) => setTimeout(r, 200));
    if (attempt > 30) throw new Error(`${dot.actionId} was never acknowledged: ${dot.refusals.join(', ') || 'no answer'} (connected: ${dot.phone.socket.connected})`);
    await place(dot);
  }
}

/** The forum's export, with the facilitator's key, from `base` (the proxy, or one process). */
export async function exported(base: string, slug: string, key: string): Promise<ExportResults> {
  const res = await fetch(`${base}/f/${slug}/api/export.json`, { headers: { 'x-facilitator-key': key } });
  if (res.status !== 200) throw new Error(`export: ${res.status} ${await res.text()}`);
  return (await res.json()) as ExportResults;
}

/** Each idea's dots in the export are exactly the dots planned on it: none lost, none doubled. */
export function countsOf(results: ExportResults, ideaIds: string[], dots: PlannedDot[]): { exported: number[]; planned: number[] } {
  return {
    exported: ideaIds.map((id) => dotsOn(results, id)),
    planned: ideaIds.map((id) => dots.filter((d) => d.ideaId === id).length),
  };
}
