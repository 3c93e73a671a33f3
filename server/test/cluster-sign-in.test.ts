// Sign-in with an e-ID through the cluster as `npm run cluster` runs it (HAProxy, two Viche
// processes, PostgreSQL) and a real OpenID Connect provider (oidc-provider, its development log-in
// pages standing in for id.gov.ua's, walked here as a browser would: redirects and cookies). What
// waits between a sign-in's start and its return is held by the process that started it, the
// forum's; the return (/auth/oidc/callback) names no forum in its address, and HAProxy sends it
// by the forum at the head of its state. Two forums held by different processes: a sign-in to
// each comes back through HAProxy to its own process, and its phone holds a ballot. Routed as any
// request naming no forum (by the client's address), one of the two would reach the other process
// and be refused as not started there.

import { randomUUID } from 'node:crypto';
import { rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import Provider from 'oidc-provider';
import { afterEach, describe, expect, it } from 'vitest';
import type { Ack, CommandResults } from '../../shared/protocol.js';
import { Recorder } from '../../shared/forum/testing.js';
import { DEFAULT_RULES } from '../../shared/forum/types.js';
import { loadTemplate } from '../forum/template.js';
import { forumFileOf } from '../forums/transfer.js';
import { connect, newToken, ok, refused, tempDir, type TestClient } from './harness.js';
import { walkProvider } from './oidc.js';
import { clusterMissing, healthOf, retryElsewhere, startCluster, until, type Cluster } from './cluster.js';

const skipped = clusterMissing ? ` (skipped: ${clusterMissing})` : '';
const SECRET = 'a-client-secret-long-enough-for-tests';
const TEMPLATE = fileURLToPath(new URL('../../data/zhytomyr-2030.json', import.meta.url));

/** A vote-only forum's file, sealed with the facilitator's key, as the console imports one. */
async function voteFile(key: string): Promise<string> {
  const r = new Recorder();
  const { structure } = loadTemplate(TEMPLATE);
  r.apply([{ type: 'forumCreated', id: randomUUID(), title: 'Громадський бюджет: голосування', joinCode: '250127', structure, rules: { ...DEFAULT_RULES }, at: Date.now(), admission: 'open', titled: true, voteOnly: true }]);
  return forumFileOf(r.state, r.log, 'sealed', key);
}

/** Connected through HAProxy, tried again while refused (the forum on its way to the process HAProxy picks). */
async function connectThrough(url: string, auth: Parameters<typeof connect>[1]): Promise<TestClient> {
  let client: TestClient | null = null;
  await until(async () => (client = await connect(url, auth, { reconnection: true }).catch(() => null)) !== null, `a connection to ${url}`);
  return retryElsewhere(client!);
}

describe.skipIf(clusterMissing !== null)(`sign-in with an e-ID through the cluster${skipped}`, () => {
  let dir = '';
  let cluster: Cluster | null = null;
  let idp: Server | null = null;
  afterEach(async (context) => {
    if (context.task.result?.state === 'fail') for (const p of cluster?.processes ?? []) console.log(p.output().slice(-4000));
    await cluster?.stop();
    cluster = null;
    await new Promise<void>((resolve) => (idp ? idp.close(() => resolve()) : resolve()));
    idp = null;
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('returns each sign-in through HAProxy to the process holding its forum, which gives its phone a ballot', { timeout: 300_000 }, async () => {
    dir = tempDir();
    const server = createServer();
    idp = server;
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    cluster = await startCluster(dir, { env: { OIDC_ISSUER: issuer, OIDC_CLIENT_ID: 'viche', OIDC_CLIENT_SECRET: SECRET } });
    const provider = new Provider(issuer, {
      clients: [{ client_id: 'viche', client_secret: SECRET, redirect_uris: [`${cluster.base}/auth/oidc/callback`], response_types: ['code'], grant_types: ['authorization_code'] }],
      findAccount: (_ctx, id) => ({ accountId: id, claims: () => ({ sub: id }) }),
      cookies: { keys: ['a-cookie-key-for-tests'] },
    });
    server.on('request', provider.callback());

    // Vote-only forums imported through HAProxy, each then opened by a phone through it, until two
    // are held by different processes (HAProxy hashes each forum's address onto one).
    const byOwner = new Map<number, { slug: string; phone: TestClient }>();
    for (let made = 0; byOwner.size < 2; made++) {
      if (made === 8) throw new Error('eight forums, every one on the same process');
      const res = await fetch(`${cluster.base}/api/forums/import`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-facilitator-key': cluster.key }, body: await voteFile(cluster.key) });
      const { slug } = ((await res.json()) as { data: { slug: string } }).data;
      const admin = await connectThrough(`${cluster.base}/f/${slug}`, { role: 'console', key: cluster.key });
      cluster.clients.push(admin);
      await admin.next('console');
      ok(await admin.send('identity:setMethod', { method: 'oidc' }));
      let owner = -1;
      await until(async () => {
        const owners: number[] = [];
        for (const [i, p] of cluster!.processes.entries()) if ((await healthOf(p)).owned?.includes(slug)) owners.push(i);
        owner = owners.length === 1 ? owners[0] : -1;
        return owner >= 0;
      }, `forum ${slug} held by one process`);
      if (byOwner.has(owner)) continue;
      const token = newToken();
      const phone = await connectThrough(`${cluster.base}/f/${slug}`, { role: 'phone', token });
      cluster.clients.push(phone);
      await phone.next('me');
      byOwner.set(owner, { slug, phone: Object.assign(phone, { token }) });
    }

    for (const [owner, { slug, phone }] of byOwner) {
      const token = (phone as TestClient & { token: string }).token;
      const started = ok((await phone.send('person:signIn', { token })) as Ack<CommandResults['person:signIn']>);
      const state = new URL(started.url).searchParams.get('state') ?? '';
      expect(state.startsWith(`${slug}.`)).toBe(true);
      const callback = await walkProvider(started.url, `resident-of-${slug}`);
      // The provider sends the browser back to the vote's public address: HAProxy.
      expect(callback.origin).toBe(cluster.base);
      expect(callback.searchParams.get('state')).toBe(state);
      const back = await fetch(callback, { redirect: 'manual', headers: { accept: 'text/html' } });
      expect(back.status, `forum ${slug} on process ${owner}: ${back.status === 303 ? '' : await back.text()}`).toBe(303);
      expect(back.headers.get('location')).toBe(`/f/${slug}/`);
      // The device holds a ballot now: it cannot start another sign-in.
      expect(refused(await phone.send('person:signIn', { token }))).toBe('ALREADY_JOINED');
    }
    // A made-up return is refused, and moves no forum.
    const madeUp = await fetch(`${cluster.base}/auth/oidc/callback?code=x&state=${[...byOwner.values()][0].slug}.made-up`, { redirect: 'manual', headers: { accept: 'text/html' } });
    expect(madeUp.status).toBe(400);
    expect(await madeUp.text()).toContain('Вхід не завершено вчасно');
  });
});
