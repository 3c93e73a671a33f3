// `npm run bench`, part `identities` (also run with `flood`): many identities against the wall of
// ideas. A hall of phones, each with a priority's wall open (half the first, half the second),
// first writes an evening's ideas (250) at many times a real evening's pace, to show that each
// phone's budget (server/realtime/wallPace.ts) never holds a new idea back there;
// then N identities, each a participant joined from an address of its own, submit an idea and
// edit it at the rate their limits allow while the hall listens: what each phone reads on the wire
// against what the identities wrote. Then the hall votes while the wall's backlog drains, and
// again once it has: the dot acks' p95 beside each other.

import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { io, type Socket } from 'socket.io-client';
import type { WallPage } from '../shared/protocol.js';
import { PROTOCOL_VERSION } from '../shared/version.js';
import { ideaText, phoneAddress } from './fleet.js';
import { percentileOf as pct, wire } from './measure.js';
import { startServerProcess } from './process.js';

const IDENTITIES = Number(process.env.BENCH_IDENTITIES ?? 300);
/** The hall's evening of ideas, compressed into this many seconds. */
const WALL_S = Number(process.env.BENCH_WALL_S ?? 60);
const HALL_IDEAS = 250;
/** How long the identities edit. */
const ATTACK_S = Number(process.env.BENCH_ATTACK_S ?? 30);
/** Edits an identity may send at once (its burst of 12 less the idea it submitted), then one every 3 s. */
const EDIT_BURST = 11;
const EDIT_EVERY_MS = 3000;
/** Hall phones that note when each idea reaches them. */
const OBSERVERS = 10;

const actionId = () => randomBytes(8).toString('hex');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
type AckResult = { ok: boolean; data?: { ideaId?: string }; error?: { code: string } };


export async function benchIdentities(hall: number, label = 'this version', root?: string) {
  const dir = mkdtempSync(join(tmpdir(), 'viche-bench-'));
  const viche = await startServerProcess({ VICHE_DB: join(dir, 'bench.db'), ADMISSION: 'open' }, 'server/cli.ts', root);
  const url = `http://127.0.0.1:${viche.port}/f/${viche.slug}`;
  const sockets: Socket[] = [];
  const connect = (auth: Record<string, unknown>, localAddress?: string) =>
    new Promise<Socket>((resolve, reject) => {
      const s = io(url, { auth: { v: PROTOCOL_VERSION, ...auth }, transports: ['websocket'], forceNew: true, reconnection: false, ...(localAddress ? { localAddress } : {}) } as Parameters<typeof io>[1]);
      sockets.push(s);
      s.once('connect', () => resolve(s));
      s.once('connect_error', reject);
    });
  const ack = (s: Socket, event: string, payload: unknown) => s.timeout(60_000).emitWithAck(event, payload) as Promise<AckResult>;
  /** Phones joined from addresses of their own, a hundred at a time. */
  const joined = async (n: number, first: number) => {
    const out: Socket[] = [];
    for (let i = 0; i < n; i += 100) {
      out.push(
        ...(await Promise.all(
          Array.from({ length: Math.min(100, n - i) }, async (_, k) => {
            const token = randomBytes(16).toString('hex');
            const s = await connect({ role: 'phone', token }, phoneAddress(first + i + k));
            const res = await ack(s, 'participant:join', { code: viche.joinCode, token, name: `Учасник ${first + i + k}` });
            if (!res.ok) throw new Error(`join refused: ${res.error?.code}`);
            return s;
          }),
        )),
      );
    }
    return out;
  };

  try {
    const key = new URL(viche.consoleUrl).searchParams.get('key')!;
    const admin = await connect({ role: 'console', key });
    const phones = await joined(hall, 0);
    await ack(admin, 'phase:set', { to: 'ideas' });
    // Each phone has a priority's wall open: the observers the first's (an earlier Viche refuses
    // the command, and sends every phone everything).
    await Promise.all(phones.map((s, i) => ack(s, 'wall:watch', { priorityCode: i < OBSERVERS ? '1' : String((i % 2) + 1), query: '', pages: 1 })));
    // When each idea first reached each observing phone.
    const arrived = phones.slice(0, OBSERVERS).map((s) => {
      const at = new Map<string, number>();
      const note = (p: Pick<WallPage, 'upserts'>) => {
        const now = performance.now();
        for (const i of p.upserts) if (!at.has(i.id)) at.set(i.id, now);
      };
      s.on('wall:page', note);
      s.on('ideas:patch', note);
      return at;
    });
    const read = () => phones.map((s) => wire(s).read);
    const perPhoneKbit = (before: number[], seconds: number) => {
      const after = read();
      const rates = after.map((b, i) => ((b - before[i]) * 8) / 1000 / seconds);
      return { mean: rates.reduce((a, b) => a + b, 0) / rates.length, max: Math.max(...rates), total: after.reduce((a, b, i) => a + b - before[i], 0) };
    };
    /** Ideas sent at `sentAt`: how long until they reached the observers (never: Infinity). */
    const delays = (sentAt: Map<string, number>) => [...sentAt].flatMap(([id, t]) => arrived.map((at) => (at.get(id) ?? Infinity) - t));

    // 1. An evening's ideas, spread over WALL_S.
    const calmBytes = read();
    const calmSent = new Map<string, number>();
    await Promise.all(
      Array.from({ length: HALL_IDEAS }, async (_, i) => {
        await sleep((i * WALL_S * 1000) / HALL_IDEAS);
        const t = performance.now();
        const res = await ack(phones[i % hall], 'idea:submit', { priorityCode: String((i % 2) + 1), ...ideaText(i), actionId: actionId() });
        // The observers watch the first priority: its ideas' delays.
        if (res.data?.ideaId && i % 2 === 0) calmSent.set(res.data.ideaId, t);
      }),
    );
    await sleep(3000);
    const calm = delays(calmSent);
    const calmRate = perPhoneKbit(calmBytes, WALL_S + 3);

    // 2. The identities: joined, each with an idea, then editing at their allowed rate; the hall
    // writes a few ideas meanwhile.
    const attackBytes = read();
    const t0 = performance.now();
    const identities = await joined(IDENTITIES, 100_000);
    const written = () => identities.reduce((sum, s) => sum + wire(s).written, 0);
    const acks: Record<string, number> = {};
    const count = (res: AckResult) => {
      const k = res.ok ? 'ok' : (res.error?.code ?? '?');
      acks[k] = (acks[k] ?? 0) + 1;
    };
    const hallSent = new Map<string, number>();
    let n = 0;
    const edit = (s: Socket, ideaId: string) => ack(s, 'idea:edit', { ideaId, ...ideaText(HALL_IDEAS + n++), actionId: actionId() }).then(count);
    await Promise.all([
      ...identities.map(async (s, k) => {
        const res = await ack(s, 'idea:submit', { priorityCode: String((k % 2) + 1), ...ideaText(10_000 + k), actionId: actionId() });
        count(res);
        const ideaId = res.data?.ideaId;
        if (!ideaId) return;
        await Promise.all(Array.from({ length: EDIT_BURST }, () => edit(s, ideaId)));
        while (performance.now() - t0 < ATTACK_S * 1000) {
          await sleep(EDIT_EVERY_MS + 50);
          await edit(s, ideaId);
        }
      }),
      ...Array.from({ length: 20 }, async (_, i) => {
        await sleep(((i + 1) * ATTACK_S * 1000) / 22);
        const t = performance.now();
        const res = await ack(phones[(i * 7) % hall], 'idea:submit', { priorityCode: '1', ...ideaText(20_000 + i), actionId: actionId() });
        if (res.data?.ideaId) hallSent.set(res.data.ideaId, t);
      }),
    ]);
    const attackS = (performance.now() - t0) / 1000;
    const sent = written();
    const attack = perPhoneKbit(attackBytes, attackS);
    await sleep(3000);
    const during = delays(hallSent);

    // 3. Voting while the backlog drains, then once nothing has come for 5 s.
    await ack(admin, 'phase:set', { to: 'review' });
    await ack(admin, 'phase:set', { to: 'voting' });
    const view = await new Promise<{ ideas: { id: string; priorityCode: string; status: string }[] }>((resolve) => {
      const c = io(url, { auth: { v: PROTOCOL_VERSION, role: 'console', key }, transports: ['websocket'], forceNew: true, reconnection: false });
      c.once('console', (v: { ideas: { id: string; priorityCode: string; status: string }[] }) => {
        c.close();
        resolve(v);
      });
    });
    const inPriority = (p: string) => view.ideas.filter((i) => i.priorityCode === p && i.status === 'active').map((i) => i.id);
    let lastPatch = performance.now();
    phones[0].on('ideas:patch', () => (lastPatch = performance.now()));
    const vote = async (p: string) => {
      const list = inPriority(p);
      const latencies: number[] = [];
      await Promise.all(
        phones.map(async (s, i) => {
          for (let k = 0; k < 3; k++) {
            const t = performance.now();
            const res = await ack(s, 'dot:place', { ideaId: list[(i * 3 + k) % list.length], actionId: actionId() });
            if (res.ok) latencies.push(performance.now() - t);
          }
        }),
      );
      return latencies;
    };
    const draining = await vote('1');
    const drainStart = performance.now();
    while (performance.now() - lastPatch < 5000 && performance.now() - drainStart < 300_000) await sleep(500);
    const drained = await vote('2');

    const s = (ms: number) => (Number.isFinite(ms) ? `${(ms / 1000).toFixed(2)} s` : 'never');
    console.log(`\n${label}: the wall of ideas, ${hall} phones listening`);
    console.log(
      `  an evening's ${HALL_IDEAS} ideas over ${WALL_S} s: each reached ${OBSERVERS} phones in p50 ${s(pct(calm, 50))}, p95 ${s(pct(calm, 95))}, slowest ${s(Math.max(...calm))}; ${calmRate.mean.toFixed(1)} kbit/s into a phone`,
    );
    console.log(
      `  ${IDENTITIES} identities editing at their allowed rate for ${attackS.toFixed(0)} s: they wrote ${(sent / 1024).toFixed(0)} KiB; each phone read ${attack.mean.toFixed(1)} kbit/s (the most ${attack.max.toFixed(1)}), the hall ${(attack.total / 1024).toFixed(0)} KiB: ×${(attack.total / Math.max(1, sent)).toFixed(2)} what they wrote; acks ${JSON.stringify(acks)}`,
    );
    console.log(`  the hall's 20 new ideas meanwhile reached ${OBSERVERS} phones in p50 ${s(pct(during, 50))}, p95 ${s(pct(during, 95))}, slowest ${s(Math.max(...during))}`);
    console.log(
      `  ${hall} phones × 3 dots: p95 ${pct(draining, 95).toFixed(1)} ms while the wall's backlog drains, ${pct(drained, 95).toFixed(1)} ms after (×${(pct(draining, 95) / Math.max(0.01, pct(drained, 95))).toFixed(2)}); the last patch came ${Math.max(0, (lastPatch - drainStart) / 1000).toFixed(0)} s after the first round`,
    );
  } finally {
    for (const s of sockets) s.close();
    viche.child.kill('SIGTERM');
    await viche.exited;
    rmSync(dir, { recursive: true, force: true });
  }
}
