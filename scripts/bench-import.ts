// `npm run bench` part `import`: what forum files cost a voting hall. The real server runs as a
// child process (bundled, as `npm start` runs it); 30 phones keep placing and taking off dots, and
// their acks are timed: calm, beside a stranger's keyless import flood (scripts/import-flood.ts),
// while the largest forum a file carries (scripts/largest-forum.ts) is imported with the key, and
// while that forum's files and exports are downloaded. The server's event loop cannot be watched
// from outside, so the hall's slowest ack during each step stands for its longest stall, beside
// the same figure taken calm in the same run.

import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { io, type Socket } from 'socket.io-client';
import { Recorder } from '../shared/forum/testing.js';
import { PROTOCOL_VERSION } from '../shared/version.js';
import { forumFileOf } from '../server/forums/transfer.js';
import { phoneAddress } from './fleet.js';
import { startImportFlood } from './import-flood.js';
import { largestForum } from './largest-forum.js';
import { percentileOf as pct } from './measure.js';
import { startServerProcess } from './process.js';

type Ack = { ok: boolean; data?: { ideaId?: string }; error?: { code: string } };

function connectOne(url: string, auth: Record<string, unknown>, localAddress?: string): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const s = io(url, { auth: { v: PROTOCOL_VERSION, ...auth }, transports: ['websocket'], forceNew: true, reconnection: false, ...(localAddress ? { localAddress } : {}) } as Parameters<typeof io>[1]);
    s.once('connect', () => resolve(s));
    s.once('connect_error', reject);
  });
}
const send = (s: Socket, event: string, payload: unknown) => s.timeout(60_000).emitWithAck(event, payload) as Promise<Ack>;

const line = (label: string, t: number[]) => `  ${label.padEnd(60)} dot acks ${String(t.length).padStart(5)}  p50 ${pct(t, 50).toFixed(1).padStart(6)}  p95 ${pct(t, 95).toFixed(1).padStart(6)}  max ${Math.max(...t).toFixed(1).padStart(7)} ms`;

export async function benchImport(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'viche-bench-import-'));
  const server = await startServerProcess({ VICHE_DB: join(dir, 'bench.db') });
  const base = `http://127.0.0.1:${server.port}`;
  const key = new URL(server.consoleUrl).searchParams.get('key')!;
  const sockets: Socket[] = [];
  try {
    const ns = `${base}/f/${server.slug}`;
    const admin = await connectOne(ns, { role: 'console', key });
    sockets.push(admin);
    const code = await new Promise<string>((resolve) => admin.once('console', (v: { joinCode: string }) => resolve(v.joinCode)));
    const phones = await Promise.all(
      Array.from({ length: 30 }, async (_, i) => {
        const token = randomBytes(16).toString('hex');
        const s = await connectOne(ns, { role: 'phone', token }, phoneAddress(i));
        sockets.push(s);
        const joined = await send(s, 'participant:join', { code, token });
        if (!joined.ok) throw new Error(`join: ${joined.error?.code}`);
        return s;
      }),
    );
    await send(admin, 'phase:set', { to: 'ideas' });
    const ideaIds: string[] = [];
    for (const s of phones.slice(0, 6)) ideaIds.push((await send(s, 'idea:submit', { priorityCode: '1', title: `Ідея ${ideaIds.length}`, actionId: randomBytes(8).toString('hex') })).data!.ideaId!);
    await send(admin, 'phase:set', { to: 'review' });
    await send(admin, 'phase:set', { to: 'voting' });

    /**
     * The hall votes until `work` settles: each phone a dot on, a dot off, five actions a second (a
     * quick thumb; far under the per-connection limit of 20 a second, which would cut a phone off).
     */
    const hallDuring = async <T>(work: () => Promise<T>): Promise<{ times: number[]; result: T; ms: number }> => {
      const times: number[] = [];
      let running = true;
      const hall = Promise.all(
        phones.map(async (s, i) => {
          for (let k = 0; running; k++) {
            const ideaId = ideaIds[(i + k) % ideaIds.length];
            for (const event of ['dot:place', 'dot:remove']) {
              const t = performance.now();
              await send(s, event, { ideaId, actionId: randomBytes(8).toString('hex') });
              const took = performance.now() - t;
              times.push(took);
              if (took < 200) await new Promise((r) => setTimeout(r, 200 - took));
            }
          }
        }),
      );
      const t0 = performance.now();
      const result = await work();
      const ms = performance.now() - t0;
      running = false;
      await hall;
      return { times, result, ms };
    };
    const wait = (ms: number) => () => new Promise((r) => setTimeout(r, ms));

    console.log('\nForum files beside a voting hall of 30 phones (each placing and taking off dots, acks timed)');
    await hallDuring(wait(1000));
    // Calm and flood alternate, calm first then flood first: with calm always first, the flooded
    // rounds looked ×1.5 slower in the test even at 1 request a second (an order effect, not the flood).
    const calm: number[] = [];
    const flooded: number[] = [];
    let sent = 0;
    let bytes = 0;
    const statuses: Record<string, number> = {};
    const floodedRound = async () => {
      const flood = await startImportFlood(`${base}/api/forums/import`);
      flooded.push(...(await hallDuring(wait(3000))).times);
      const c = await flood.stop();
      sent += c.sent;
      bytes = c.bytes;
      for (const [k, v] of Object.entries(c.statuses)) statuses[k] = (statuses[k] ?? 0) + v;
    };
    for (let r = 0; r < 4; r++) {
      if (r % 2 === 1) await floodedRound();
      calm.push(...(await hallDuring(wait(3000))).times);
      if (r % 2 === 0) await floodedRound();
    }
    console.log(line('calm', calm));
    console.log(line(`keyless import flood (${sent} × ${(bytes / 1024).toFixed(0)} KB gzip)`, flooded));
    console.log(`  flood answered ${JSON.stringify(statuses)}; p95 with the flood ×${(pct(flooded, 95) / pct(calm, 95)).toFixed(2)} of calm`);

    // The largest file, sealed with this server's key, imported with the key while the hall votes.
    const big = largestForum();
    const r = new Recorder();
    r.apply(big.events);
    const file = await forumFileOf(r.state, big.events, 'sealed', key);
    const imported = await hallDuring(async () => {
      const res = await fetch(`${base}/api/forums/import`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-facilitator-key': key }, body: file });
      return (await res.json()) as { ok: boolean; data?: { slug: string } };
    });
    if (!imported.result.ok) throw new Error(`the largest file was refused: ${JSON.stringify(imported.result)}`);
    console.log(line(`import of the largest file (${(Buffer.byteLength(file) / 1e6).toFixed(1)} MB, ${big.events.length} events) ${(imported.ms / 1000).toFixed(1)} s`, imported.times));
    const slug = imported.result.data!.slug;
    for (const path of ['api/forum.json', 'api/forum.json?kind=archive', 'api/export.json', 'api/export.csv', 'api/export.xlsx', 'console/report']) {
      const got = await hallDuring(async () => {
        const res = await fetch(`${base}/f/${slug}/${path}`, { headers: { 'x-facilitator-key': key } });
        return (await res.arrayBuffer()).byteLength;
      });
      console.log(line(`${path} of it (${(got.result / 1e6).toFixed(1)} MB) ${(got.ms / 1000).toFixed(1)} s`, got.times));
    }
  } finally {
    for (const s of sockets) s.close();
    server.child.kill('SIGTERM');
    await server.exited;
    rmSync(dir, { recursive: true, force: true });
  }
}
