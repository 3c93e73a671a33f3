// A connection to a forum that its process has not opened, made while PostgreSQL is down, through
// the cluster as `npm run cluster` runs it (HAProxy, two Viche processes, PostgreSQL): the forum
// cannot be opened (its lock, its record cannot be read), and the connection is refused in words,
// as STORAGE_UNAVAILABLE, not with Socket.IO's bare "Invalid namespace" that no client tries again
// after. Tried again as the pages try (client/lib/connection.ts), the same socket gets in once
// PostgreSQL is back, and the phone joins: no reload. The forum's page, asked for meanwhile, says
// so too, and has the browser ask again by itself.

import { rmSync } from 'node:fs';
import { io, type Socket } from 'socket.io-client';
import { afterEach, describe, expect, it } from 'vitest';
import type { Ack, ConnectRefusal, ConsoleView, ListCommandResults, MeView } from '../../shared/protocol.js';
import { FORUM_QUERY, PROTOCOL_VERSION } from '../../shared/version.js';
import { connect, newToken, nextPhoneAddress, ok, tempDir } from './harness.js';
import { clusterMissing, healthOf, startCluster, until, type Cluster } from './cluster.js';

const skipped = clusterMissing ? ` (skipped: ${clusterMissing})` : '';

describe.skipIf(clusterMissing !== null)(`a forum that cannot be opened while PostgreSQL is down${skipped}`, () => {
  let dir = '';
  let cluster: Cluster | null = null;
  const sockets: Socket[] = [];
  afterEach(async (context) => {
    if (context.task.result?.state === 'fail') for (const p of cluster?.processes ?? []) console.log(p.output().slice(-4000));
    for (const s of sockets.splice(0)) s.close();
    await cluster?.stop();
    cluster = null;
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('refuses a connection in words as STORAGE_UNAVAILABLE, and the same socket, tried again, joins once PostgreSQL is back', { timeout: 240_000 }, async () => {
    dir = tempDir();
    cluster = await startCluster(dir);
    const [holder, other] = cluster.processes;
    // A forum made on the first process, which holds it from then on; the second has not opened it.
    const list = await connect(`http://127.0.0.1:${holder.port}`, { role: 'console', key: cluster.key });
    cluster.clients.push(list);
    await list.next('forums');
    const made = (await list.socket.timeout(10_000).emitWithAck('forums:create', { title: 'Міське голосування', from: { kind: 'template' } })) as Ack<ListCommandResults['forums:create']>;
    const { slug } = ok(made);
    const admin = await connect(`http://127.0.0.1:${holder.port}/f/${slug}`, { role: 'console', key: cluster.key });
    cluster.clients.push(admin);
    const { joinCode } = await admin.next<ConsoleView>('console');
    expect((await healthOf(holder)).owned).toContain(slug);
    expect((await healthOf(other)).owned).not.toContain(slug);

    await cluster.postgres.stopServer('fast');
    // A phone reaching the second process, as one would through the proxy before its checks take
    // the process out: the forum cannot be opened there now.
    const token = newToken();
    const socket = io(`http://127.0.0.1:${other.port}/f/${slug}`, {
      query: { [FORUM_QUERY]: slug },
      auth: { v: PROTOCOL_VERSION, role: 'phone', token, lang: 'uk' },
      transports: ['websocket'],
      forceNew: true,
      reconnection: true,
      reconnectionDelay: 100,
      reconnectionDelayMax: 300,
      localAddress: nextPhoneAddress(),
    } as Parameters<typeof io>[1]);
    sockets.push(socket);
    const refusals: (ConnectRefusal | string)[] = [];
    socket.on('connect_error', (err: Error & { data?: ConnectRefusal }) => {
      refusals.push(err.data ?? err.message);
      // As the pages do: tried again after a refusal the page is told is for now.
      if (err.data?.code === 'STORAGE_UNAVAILABLE' || err.data?.code === 'FORUM_ELSEWHERE') setTimeout(() => socket.connect(), 300);
    });
    // Refused, tried again, refused again while PostgreSQL is down.
    await until(() => refusals.length >= 3, 'three refusals while PostgreSQL is down');
    expect(socket.connected).toBe(false);
    for (const refusal of refusals.slice(0, 3)) {
      expect(refusal).toMatchObject({
        code: 'STORAGE_UNAVAILABLE',
        message: expect.stringMatching(/^Сервер Віче зараз не може дістатися до бази даних форуму\. Під’єднуємося знову/),
        other: { lang: 'en', message: expect.stringMatching(/^This Viche server cannot reach the forum’s database just now\. Connecting again/) },
      });
    }

    // The forum's page asked of that process meanwhile: a page saying so, which the browser asks for again by itself.
    const page = await fetch(`http://127.0.0.1:${other.port}/f/${slug}/`, { headers: { accept: 'text/html' } });
    expect(page.status).toBe(503);
    expect(page.headers.get('refresh')).toBe('5');
    const html = await page.text();
    expect(html).toContain('Сервер Віче зараз не може дістатися до бази даних форуму. Сторінка спробує знову сама');
    expect(html.indexOf('Сервер Віче')).toBeLessThan(html.indexOf('This Viche server cannot reach the forum’s database just now. The page tries again by itself'));

    await cluster.postgres.startServer();
    await until(() => socket.connected, 'the same socket connected once PostgreSQL is back');
    // In between, at most the first process letting the forum go to the second (it is asked for there).
    const codes = new Set(refusals.map((r) => (typeof r === 'string' ? r : r.code)));
    expect([...codes].filter((c) => c !== 'STORAGE_UNAVAILABLE' && c !== 'FORUM_ELSEWHERE')).toEqual([]);
    const joined = (await socket.timeout(10_000).emitWithAck('participant:join', { code: joinCode, name: '', token })) as Ack<{ me: MeView }>;
    expect(ok(joined).me.participantId).toBeTruthy();
    expect((await healthOf(other)).owned).toContain(slug);
    expect((await fetch(`http://127.0.0.1:${other.port}/f/${slug}/`, { headers: { accept: 'text/html' } })).status).toBe(200);
    console.log(`PostgreSQL down then back: ${refusals.length} refusals (${[...codes].join(', ')}) before the phone got in`);
  });
});
