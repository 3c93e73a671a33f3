// A phone on a slow network (reading 5 KB/s, through a throttling proxy on loopback) while the
// ideas on its page change faster than it can read: it stays connected (the heartbeat is never
// queued behind a backlog of pages, since the next page waits for the phone's ack of the last, and
// a whole page of long cards is read within the heartbeat's timeout), and once the changes stop it
// holds exactly the page a fresh phone is sent.

import { createServer, connect as tcpConnect, type Server, type Socket as TcpSocket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WallIdea, WallPage } from '../../shared/protocol.js';
import { connect, connectConsole, joinPhone, ok, type TestClient, startTestServer, type TestServer } from './harness.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * A TCP proxy that passes what the client sends at once, and what the server sends at `bytesPerSecond`:
 * it reads the server only as fast as it lets bytes through, so the backlog builds in the server's
 * socket as it would for a phone on a crowded access point.
 */
function throttlingProxy(target: number, bytesPerSecond: number): Promise<{ port: number; read: () => number; close: () => void }> {
  let passed = 0;
  const sockets = new Set<TcpSocket>();
  const proxy: Server = createServer((client) => {
    const upstream = tcpConnect(target, '127.0.0.1');
    sockets.add(client).add(upstream);
    client.pipe(upstream);
    upstream.on('data', (chunk: Buffer) => {
      upstream.pause();
      // A chunk at a time, then as long a pause as the rate asks for it.
      client.write(chunk);
      passed += chunk.length;
      setTimeout(() => upstream.resume(), (chunk.length / bytesPerSecond) * 1000);
    });
    const end = () => {
      client.destroy();
      upstream.destroy();
    };
    client.on('close', end).on('error', end);
    upstream.on('close', end).on('error', end);
  });
  return new Promise((resolve) =>
    proxy.listen(0, '127.0.0.1', () => {
      const port = (proxy.address() as { port: number }).port;
      resolve({
        port,
        read: () => passed,
        close: () => {
          for (const s of sockets) s.destroy();
          proxy.close();
        },
      });
    }),
  );
}

/** The page a phone holds, from what it received since `since`. */
function held(phone: TestClient, since = 0): Map<string, WallIdea> {
  const ideas = new Map<string, WallIdea>();
  for (const r of phone.received.slice(since)) {
    if (r.event !== 'wall:page') continue;
    const page = r.args[0] as WallPage;
    if (page.whole) ideas.clear();
    for (const id of page.removed) ideas.delete(id);
    for (const idea of page.upserts) ideas.set(idea.id, idea);
  }
  return ideas;
}

describe('a phone reading at 5 KB/s while its priority’s wall changes fast', () => {
  let server: TestServer;
  let admin: TestClient;
  let proxy: Awaited<ReturnType<typeof throttlingProxy>>;

  beforeAll(async () => {
    // A budget of bytes too large to slow anything: only the acks pace the slow phone.
    server = await startTestServer({ ideaPatchMs: 250, wallBudget: { bytesPerSecond: 1_000_000, burstBytes: 1_000_000 } });
    admin = await connectConsole(server);
    ok(await admin.send('phase:set', { to: 'ideas' }));
    proxy = await throttlingProxy(server.port, 5 * 1024);
  });
  afterAll(async () => {
    admin?.close();
    proxy?.close();
    await server?.stop();
  });

  it('stays connected through the heartbeats and ends with the exact page', { timeout: 180_000 }, async () => {
    const quick = await joinPhone(server, 'Швидка');
    const joined = await joinPhone(server, 'Повільна');
    joined.close();
    // The same participant again, through the proxy: everything the server sends it comes at 5 KB/s.
    const slow = await connect(`http://127.0.0.1:${proxy.port}/f/${server.slug}`, { role: 'phone', token: joined.token }, { localAddress: '127.0.0.1' });
    let drops = 0;
    slow.socket.on('disconnect', () => drops++);
    try {
      await slow.next('me');
      // 60 cards of about a kilobyte each on the wall, then both phones open it: three pages, some
      // 60 KB, twelve seconds of reading at 5 KB/s.
      const description = 'Щоб діти, батьки й літні люди могли безпечно дістатися до школи, парку та крамниць. '.repeat(5);
      const ids: string[] = [];
      for (let i = 1; i <= 60; i++) ids.push(ok(await admin.send('paper:idea', { priorityCode: '1', title: `Картка ${i}`, description })).ideaId);
      ok(await slow.send('wall:watch', { priorityCode: '1', query: '', pages: 3 }));
      ok(await quick.send('wall:watch', { priorityCode: '1', query: '', pages: 3 }));
      // Then every card edited again and again for 25 s: some 250 KB of changes to the page, close
      // to a minute of reading at 5 KB/s.
      const started = Date.now();
      for (let n = 1; Date.now() - started < 25_000; n++) {
        ok(await admin.send('idea:correct', { ideaId: ids[n % ids.length], title: `Картка ${(n % ids.length) + 1}, редакція ${n}`, description }));
        await sleep(100);
      }
      // What a fresh phone is sent now: the page as it is.
      const fresh = await joinPhone(server, 'Нова');
      const mark = fresh.mark();
      ok(await fresh.send('wall:watch', { priorityCode: '1', query: '', pages: 3 }));
      const expected = held(fresh, mark);
      fresh.close();
      expect(expected.size).toBe(60);
      // The slow phone catches up: the same ideas, each as it is now.
      const same = () => {
        const mine = held(slow);
        return mine.size === expected.size && [...expected].every(([id, idea]) => JSON.stringify(mine.get(id)) === JSON.stringify(idea));
      };
      const end = Date.now() + 90_000;
      while (!same() && Date.now() < end) await sleep(250);
      expect(same()).toBe(true);
      expect(drops).toBe(0);
      expect(slow.socket.connected).toBe(true);
      // It was sent far less than the fast phone, which got each change as it came.
      const pages = (c: TestClient) => c.received.filter((r) => r.event === 'wall:page').length;
      expect(pages(slow)).toBeLessThan(pages(quick) / 2);
    } finally {
      slow.close();
      quick.close();
    }
  });
});
