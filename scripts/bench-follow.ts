// `npm run bench` part `follow` (or `tsx scripts/bench-follow.ts`): how long after a writer's
// commit returns another process following the forum's log (server/db/pgFollow.ts) has the event:
// the poke (NOTIFY, sent by the batch's own statement) and the follower's read of the log by seq.
// One action per commit, one at a time with a pause between, as a quiet vote stores them; on
// Debian's PostgreSQL in a temp folder with its own defaults for durability.

import { randomBytes } from 'node:crypto';
import { pathToFileURL } from 'node:url';
import { io, type Socket } from 'socket.io-client';
import type { ForumsView } from '../shared/protocol.js';
import { PROTOCOL_VERSION } from '../shared/version.js';
import { startServerProcess, type ServerProcess } from './process.js';
import { created, dot } from './bench-store.js';
import { LogFollower } from '../server/db/pgFollow.js';
import { PostgresStore } from '../server/db/postgres.js';
import { postgresMissing, startPostgres, type TestPostgres } from './postgres.js';

const ACTIONS = 500;

const pct = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))];

export async function benchFollow(): Promise<void> {
  const missing = postgresMissing();
  console.log(`\nA change reaching another process that follows the forum's log, ${ACTIONS} actions one at a time:`);
  if (missing) {
    console.log(`  not run (${missing})`);
    return;
  }
  let pg: TestPostgres | null = null;
  const closing: { close(): Promise<void> }[] = [];
  try {
    pg = await startPostgres({ durable: true });
    const writer = await PostgresStore.open(pg.url);
    const reader = await PostgresStore.open(pg.url);
    const follower = new LogFollower(pg.url, reader, { pollMs: 60_000 });
    closing.push(writer, reader, follower);
    await writer.createForum({ id: 'f1', joinCode: '123456', createdAt: 1, joinSecret: 's', screenKey: 'sk' }, [created], { at: 1, action: 'created', forumId: 'f1', title: 'Bench', detail: '' });
    const arrived = new Map<number, number>();
    follower.follow('f1', 1, (events) => {
      const now = performance.now();
      for (const e of events) arrived.set(e.seq, now);
    });
    // Listening before the first action.
    for (;;) {
      if ((await pg.sql("SELECT 1 FROM pg_stat_activity WHERE application_name = 'viche-follow' AND query LIKE 'LISTEN%'")).length > 0) break;
      await new Promise((r) => setTimeout(r, 20));
    }
    const committed = new Map<number, number>();
    let seq = 1;
    for (let i = 0; i < ACTIONS; i++) {
      seq = await writer.appendBatch('f1', seq, [{ events: [dot(i)], actionKey: `a${i}` }]);
      committed.set(seq, performance.now());
      await new Promise((r) => setTimeout(r, 5));
    }
    while (arrived.size < ACTIONS) await new Promise((r) => setTimeout(r, 10));
    const lags = [...committed].map(([s, at]) => arrived.get(s)! - at).sort((a, b) => a - b);
    console.log(`  commit returned → the follower has it: p50 ${pct(lags, 50).toFixed(1)} ms, p95 ${pct(lags, 95).toFixed(1)} ms, max ${lags.at(-1)!.toFixed(1)} ms`);
    await listsAcross(pg);
  } finally {
    for (const c of closing.reverse()) await c.close();
    await pg?.stop();
  }
}

const LIST_FORUMS = 8;
const LIST_JOINS = 40;

/**
 * Two Viche processes on the database: a forum served by one, its phase moved and phones joined
 * there, and the forum list of a console on the other, which learns of it from the summary's poke
 * (server/db/pgListen.ts), with its 5 s poll behind it.
 */
async function listsAcross(pg: TestPostgres): Promise<void> {
  const env = { DATABASE_URL: pg.url, LOAD_FORUMS: 'on-demand', ADMISSION: 'open', MAX_PARTICIPANTS_PER_ADDRESS: '0' };
  const servers: ServerProcess[] = [];
  const sockets: Socket[] = [];
  // The servers' store, without the forum made above by hand (its dots have no participants).
  await pg.sql('DROP SCHEMA public CASCADE');
  await pg.sql('CREATE SCHEMA public');
  try {
    servers.push(await startServerProcess(env));
    servers.push(await startServerProcess(env));
    const [a, b] = servers;
    const key = new URL(a.consoleUrl).searchParams.get('key')!;
    const connect = (url: string, auth: Record<string, unknown>) => {
      const socket = io(url, { auth: { v: PROTOCOL_VERSION, ...auth }, transports: ['websocket'] });
      sockets.push(socket);
      return socket;
    };
    const list = connect(`http://127.0.0.1:${b.port}/`, { role: 'console', key });
    const seen: { at: number; view: ForumsView }[] = [];
    list.on('forums', (view: ForumsView) => seen.push({ at: performance.now(), view }));
    const onA = connect(`http://127.0.0.1:${a.port}/`, { role: 'console', key });
    await new Promise((r) => list.once('forums', r));
    const lags: { phase: number[]; join: number[] } = { phase: [], join: [] };
    const until = async (since: number, test: (v: ForumsView) => boolean) => {
      for (;;) {
        const hit = seen.find((s) => s.at >= since && test(s.view));
        if (hit) return hit.at - since;
        await new Promise((r) => setTimeout(r, 2));
      }
    };
    for (let f = 0; f < LIST_FORUMS; f++) {
      const made = (await onA.timeout(10_000).emitWithAck('forums:create', { title: `Форум ${f}`, from: { kind: 'template' } })) as { ok: boolean; data: { slug: string } };
      const slug = made.data.slug;
      const admin = connect(`http://127.0.0.1:${a.port}/f/${slug}`, { role: 'console', key });
      await new Promise((r) => admin.once('console', r));
      for (const to of ['ideas', 'review', 'voting', 'results']) {
        await new Promise((r) => setTimeout(r, 300 + Math.random() * 700));
        const t0 = performance.now();
        const ack = (await admin.timeout(10_000).emitWithAck('phase:set', { to })) as { ok: boolean };
        if (!ack.ok) throw new Error(`phase:set ${to} refused`);
        lags.phase.push(await until(t0, (v) => v.forums.find((x) => x.slug === slug)?.phase === to));
      }
      admin.close();
    }
    // Joins: a count, written to the summary at most every SUMMARY_SHARED_EVERY_MS.
    const made = (await onA.timeout(10_000).emitWithAck('forums:create', { title: 'Форум для входів', from: { kind: 'template' } })) as { ok: boolean; data: { slug: string } };
    const slug = made.data.slug;
    const admin = connect(`http://127.0.0.1:${a.port}/f/${slug}`, { role: 'console', key });
    const view = await new Promise<{ joinCode: string }>((r) => admin.once('console', r));
    await admin.timeout(10_000).emitWithAck('phase:set', { to: 'ideas' });
    for (let j = 0; j < LIST_JOINS; j++) {
      await new Promise((r) => setTimeout(r, 300 + Math.random() * 1200));
      const token = randomBytes(16).toString('hex');
      const phone = connect(`http://127.0.0.1:${a.port}/f/${slug}`, { role: 'phone', token });
      await new Promise((r) => phone.once('greeting', r));
      const t0 = performance.now();
      const ack = (await phone.timeout(10_000).emitWithAck('participant:join', { name: `Мешканець ${j}`, code: view.joinCode, token })) as { ok: boolean; error?: unknown };
      if (!ack.ok) throw new Error(`join refused: ${JSON.stringify(ack.error)}`);
      lags.join.push(await until(t0, (v) => (v.forums.find((x) => x.slug === slug)?.participants ?? 0) >= j + 1));
    }
    for (const [what, values] of Object.entries(lags)) {
      const sorted = values.sort((x, y) => x - y);
      console.log(`  a ${what === 'phase' ? 'phase moved' : 'phone joined'} on one process → the forum list of a console on another shows it (${sorted.length}): p50 ${pct(sorted, 50).toFixed(0)} ms, p95 ${pct(sorted, 95).toFixed(0)} ms, max ${sorted.at(-1)!.toFixed(0)} ms`);
    }
  } finally {
    for (const s of sockets) s.close();
    for (const s of servers) {
      s.child.kill('SIGTERM');
      await s.exited;
    }
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) await benchFollow();
