// `npm run bench` part `cityballots` (or `npx tsx scripts/bench-city-ballots.ts`): a city vote on
// one Viche process with its SQLite file, cast by BENCH_CITY_BALLOTS voters (10,000) over
// BENCH_CITY_BALLOTS_S seconds (120). A vote-only forum of 24 projects in two budgets, approval of
// up to 5 in each (shared/city), made as the console makes one: from a forum's shortlist, its vote
// defined and opened. Each voter arrives at its own moment from an address of its own, joins with
// the open code, casts a ballot in each budget (a receipt each) and leaves; a tenth change their
// first ballot before leaving. The facilitator's console stays connected throughout. Prints the
// ballot acks (p50 / p95 / max), the server's peak RSS and CPU, and what the console received.

import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { io, type Socket } from 'socket.io-client';
import { FORUM_QUERY, PROTOCOL_VERSION } from '../shared/version.js';
import { phoneAddress } from './fleet.js';
import { ProcessSampler } from './measure.js';
import { startServerProcess } from './process.js';

const VOTERS = Number(process.env.BENCH_CITY_BALLOTS ?? 10_000);
const SECONDS = Number(process.env.BENCH_CITY_BALLOTS_S ?? 120);
const PROJECTS = 24;

type Ack = { ok: boolean; data?: Record<string, unknown>; error?: { code: string } };
const pct = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))];

export async function benchCityBallots(): Promise<void> {
  console.log(`\nA city vote on one process (SQLite): ${VOTERS.toLocaleString('en')} voters over ${SECONDS} s, ${PROJECTS} projects in two budgets, a ballot in each`);
  const dir = mkdtempSync(join(tmpdir(), 'viche-bench-cityballots-'));
  const server = await startServerProcess({ VICHE_DB: join(dir, 'bench.db'), ADMISSION: 'open', MAX_PARTICIPANTS_PER_ADDRESS: '0' });
  const base = `http://127.0.0.1:${server.port}`;
  const key = new URL(server.consoleUrl).searchParams.get('key')!;
  const sockets: Socket[] = [];
  const open = (path: string, auth: Record<string, unknown>, localAddress?: string) => {
    const forum = /^\/f\/(.+)$/.exec(path)?.[1];
    const socket = io(`${base}${path}`, {
      auth: { v: PROTOCOL_VERSION, lang: 'uk', ...auth },
      transports: ['websocket'],
      forceNew: true,
      reconnection: false,
      ...(forum ? { query: { [FORUM_QUERY]: forum } } : {}),
      ...(localAddress ? { localAddress } : {}),
    });
    sockets.push(socket);
    return socket;
  };
  const send = async (s: Socket, name: string, payload: unknown): Promise<Ack> => (await s.timeout(30_000).emitWithAck(name, payload)) as Ack;
  const must = async (s: Socket, name: string, payload: unknown) => {
    const ack = await send(s, name, payload);
    if (!ack.ok) throw new Error(`${name} refused: ${JSON.stringify(ack.error)}`);
    return ack.data!;
  };
  try {
    // Forum 1's evening, short: its shortlist is the vote's first projects.
    const first = open(`/f/${server.slug}`, { role: 'console', key });
    const firstView = await new Promise<{ joinCode: string }>((r) => first.once('console', r));
    const author = open(`/f/${server.slug}`, { role: 'phone', token: randomBytes(16).toString('hex') }, phoneAddress(VOTERS + 1));
    await new Promise((r) => author.once('greeting', r));
    await must(author, 'participant:join', { code: firstView.joinCode, name: 'Автор', token: (author.auth as { token: string }).token });
    await must(first, 'phase:set', { to: 'ideas' });
    const ideaIds: string[] = [];
    for (let i = 0; i < 4; i++) ideaIds.push((await must(author, 'idea:submit', { priorityCode: String(i + 1), title: `Проєкт з форуму ${i + 1}`, actionId: randomUUID() })).ideaId as string);
    for (const to of ['review', 'voting', 'results']) await must(first, 'phase:set', { to });
    const list = open('/', { role: 'console', key });
    const listed = await new Promise<{ forums: { id: string; slug: string }[] }>((r) => list.once('forums', r));
    const firstId = listed.forums.find((f) => f.slug === server.slug)!.id;
    const made = await must(list, 'forums:create', { title: 'Громадський бюджет 2027', from: { kind: 'shortlist', forumId: firstId, ideaIds, cityVote: true, admission: 'open' } });
    const path = `/f/${made.slug as string}`;
    const admin = open(path, { role: 'console', key });
    let consoleBytes = 0;
    let consoleMessages = 0;
    const count = (...args: unknown[]) => {
      consoleMessages++;
      consoleBytes += Buffer.byteLength(JSON.stringify(args));
    };
    admin.on('console', count);
    admin.on('console:patch', count);
    const view = await new Promise<{ joinCode: string; ideas: { id: string }[] }>((r) => admin.once('console', r));
    // The vote-only forum's own copies of the shortlisted ideas.
    const voteIdeas = view.ideas.map((i) => i.id);
    const projects = Array.from({ length: PROJECTS }, (_, i) => ({
      id: `p${i + 1}`,
      budgetId: i % 2 ? 'south' : 'north',
      cost: (100 + ((i * 37) % 400)) * 1000,
      ...(i < voteIdeas.length ? { ideaId: voteIdeas[i] } : { title: `Проєкт ${i + 1}: облаштування скверу, лавки й освітлення`, description: 'Опис проєкту для голосування мешканців міста.', place: `вул. Київська, ${i + 1}` }),
    }));
    await must(admin, 'city:setVote', {
      vote: {
        title: 'Громадський бюджет Житомира 2027',
        budgets: [
          { id: 'north', name: 'Північ', amount: 2_000_000 },
          { id: 'south', name: 'Південь', amount: 2_000_000 },
        ],
        projects,
        ballot: { kind: 'approval', maxChoices: 5 },
        counting: { kind: 'greedy' },
        tie: { kind: 'cheaperThenListed' },
      },
    });
    await must(admin, 'phase:set', { to: 'voting' });
    consoleBytes = 0;
    consoleMessages = 0;

    const sampler = new ProcessSampler(server.child.pid);
    const acks: number[] = [];
    const joins: number[] = [];
    const refused: Record<string, number> = {};
    let timedOut = 0;
    let seed = 7;
    const rnd = () => (seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0) / 4294967296;
    const ballotOf = (budgetId: string) => {
      const own = projects.filter((p) => p.budgetId === budgetId);
      const n = 1 + Math.floor(rnd() * 5);
      const picked = new Set<string>();
      while (picked.size < n) picked.add(own[Math.floor(rnd() * own.length)].id);
      return { kind: 'approval', budgetId, projectIds: [...picked] };
    };
    const voter = async (i: number) => {
      const token = randomBytes(16).toString('hex');
      const phone = open(path, { role: 'phone', token }, phoneAddress(i));
      try {
        await new Promise((r, j) => {
          phone.once('greeting', r);
          phone.once('connect_error', j);
        });
        let t = performance.now();
        const joined = await send(phone, 'participant:join', { code: view.joinCode, name: '', token });
        if (!joined.ok) return void (refused[joined.error!.code] = (refused[joined.error!.code] ?? 0) + 1);
        joins.push(performance.now() - t);
        const casts = [ballotOf('north'), ballotOf('south')];
        if (rnd() < 0.1) casts.push(ballotOf('north'));
        for (const ballot of casts) {
          t = performance.now();
          const ack = await send(phone, 'city:cast', { ballot, actionId: randomUUID() });
          if (ack.ok) acks.push(performance.now() - t);
          else refused[ack.error!.code] = (refused[ack.error!.code] ?? 0) + 1;
        }
      } catch {
        timedOut++;
      } finally {
        phone.close();
        sockets.splice(sockets.indexOf(phone), 1);
      }
    };
    const t0 = performance.now();
    const running: Promise<void>[] = [];
    for (let i = 0; i < VOTERS; i++) {
      const at = (i / VOTERS) * SECONDS * 1000;
      const wait = at - (performance.now() - t0);
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      running.push(voter(i));
    }
    await Promise.all(running);
    const seconds = (performance.now() - t0) / 1000;
    const { peakRssMiB, cpuSeconds } = sampler.stop();
    acks.sort((x, y) => x - y);
    joins.sort((x, y) => x - y);
    console.log(`  ${acks.length.toLocaleString('en')} ballots acknowledged in ${seconds.toFixed(0)} s; refused ${JSON.stringify(refused)}; voters timed out ${timedOut}`);
    console.log(`  ballot ack p50 ${pct(acks, 50).toFixed(1)} ms, p95 ${pct(acks, 95).toFixed(1)} ms, max ${acks.at(-1)!.toFixed(1)} ms; join p50 ${pct(joins, 50).toFixed(1)} ms, p95 ${pct(joins, 95).toFixed(1)} ms`);
    console.log(`  server: peak RSS ${peakRssMiB.toFixed(0)} MiB, ${cpuSeconds.toFixed(1)} CPU s (${((cpuSeconds * 1000) / VOTERS).toFixed(2)} ms a voter)`);
    console.log(`  the facilitator's console: ${consoleMessages.toLocaleString('en')} views and patches, ${(consoleBytes / 1024).toFixed(0)} KiB of JSON (${(consoleBytes / 1024 / seconds).toFixed(1)} KiB/s)`);
    const tally = (await must(admin, 'phase:set', { to: 'results' }).then(() => true).catch(() => false));
    if (!tally) console.log('  (the vote could not be closed)');
  } finally {
    for (const s of sockets) s.close();
    server.child.kill('SIGTERM');
    await server.exited;
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) await benchCityBallots();
