// `BENCH_ONLY=city npm run bench` (or `npx tsx scripts/bench-city-load.ts`): the load a city gives a
// vote open to everyone. BENCH_CITY voters (100,000) arrive over a day compressed into
// BENCH_CITY_DAY_S seconds (900), by an hourly curve whose evening peak is three times the day's
// average; each opens a connection from an address of its own, joins the vote-only forum (24
// projects, open admission, no per-address cap), places three dots on projects of one priority,
// and leaves (scripts/city-voters.ts). First through the cluster `npm run cluster` starts:
// PostgreSQL (durable, as a server runs it), BENCH_CITY_PROCESSES Viche processes (3) and HAProxy in
// front, with the forum's process killed with SIGKILL at 40 % of the day (and started again on its
// port, as a service manager would) and PostgreSQL restarted at 70 %. Then the same voters on one
// process with SQLite, nothing broken, for the ratio. For each: ack times (all day and in the peak
// hour), timeouts, refusals, and the export counted against the acknowledgements (lost, doubled);
// for PostgreSQL, its CPU time and WAL bytes per ballot, to project capacity on real servers.
// BENCH_CITY_LOG_LEVEL (`info`, say) with BENCH_SERVER_OUTPUT (a file) keeps what the cluster's
// processes log over the run: forums moved, opened, snapshots taken, storage lost and back.

import { randomUUID } from 'node:crypto';
import { fork } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { io } from 'socket.io-client';
import { Recorder } from '../shared/forum/testing.js';
import { DEFAULT_RULES, type ForumEvent } from '../shared/forum/types.js';
import { FORUM_QUERY, PROTOCOL_VERSION } from '../shared/version.js';
import { loadTemplate } from '../server/forum/template.js';
import { forumFileOf } from '../server/forums/transfer.js';
import type { ExportResults } from '../server/http/export.js';
import type { VoterFigures, VoterPlan } from './city-voters.js';
import { haproxyMissing, startHaproxy, type RunningProxy } from './haproxy.js';
import { ProcessSampler, spread } from './measure.js';
import { freePort, postgresMissing, startPostgres, type TestPostgres } from './postgres.js';
import { startServerProcess, type ServerProcess } from './process.js';

const TEMPLATE = fileURLToPath(new URL('../data/zhytomyr-2030.json', import.meta.url));
const VOTERS = Number(process.env.BENCH_CITY ?? 100_000);
const DAY_S = Number(process.env.BENCH_CITY_DAY_S ?? 900);
const PROCESSES = Number(process.env.BENCH_CITY_PROCESSES ?? 3);
/** Load processes the voters are spread over. */
const WORKERS = Number(process.env.BENCH_CITY_WORKERS ?? 2);
/** The faults inside the cluster's run: `kill` (the forum's process), `pg` (PostgreSQL restarted); `none` for neither. */
/** Which runs: `cluster`, `sqlite` (both by default; the ratio needs both). */
const RUNS = new Set((process.env.BENCH_CITY_RUNS ?? 'cluster,sqlite').split(','));
const FAULTS = new Set((process.env.BENCH_CITY_FAULTS ?? 'kill,pg').split(','));
const DOTS_PER_VOTER = 3;
const PROJECTS_PER_PRIORITY = 4;
/** Voters arriving per hour of the day, relative: a night, a morning, a lunchtime and an evening peak. */
const HOURLY = [0.15, 0.08, 0.05, 0.05, 0.08, 0.2, 0.5, 0.9, 1.1, 1.0, 1.0, 1.05, 1.25, 1.2, 1.05, 1.0, 1.1, 1.5, 2.2, 2.75, 2.2, 1.5, 0.8, 0.3];

const idle = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The same day on every run: each voter's arrival (ms into the day) and the ideas it picks (a 32-bit LCG). */
function cityDay(voters: number, dayMs: number, projects: string[][]): { arrivals: number[]; choices: string[][]; peakHour: number; peakRatio: number } {
  let s = 7;
  const next = () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 4294967296;
  const total = HOURLY.reduce((a, b) => a + b, 0);
  const cumulative = HOURLY.map((_, h) => HOURLY.slice(0, h + 1).reduce((a, b) => a + b, 0) / total);
  const hourMs = dayMs / 24;
  const arrivals: number[] = [];
  const choices: string[][] = [];
  for (let v = 0; v < voters; v++) {
    const u = next();
    const hour = cumulative.findIndex((c) => u <= c);
    arrivals.push((hour + next()) * hourMs);
    const list = projects[Math.floor(next() * projects.length)];
    const start = Math.floor(next() * list.length);
    choices.push(Array.from({ length: DOTS_PER_VOTER }, (_, k) => list[(start + k) % list.length]));
  }
  const peakHour = HOURLY.indexOf(Math.max(...HOURLY));
  return { arrivals, choices, peakHour, peakRatio: HOURLY[peakHour] / (total / 24) };
}

/** A vote-only forum of 24 projects (4 in each of the template's 6 priorities), open to anyone with its code, no per-address cap. */
export function cityForum(): { events: ForumEvent[]; state: Recorder['state']; projects: string[][] } {
  const { structure } = loadTemplate(TEMPLATE);
  const r = new Recorder();
  const id = randomUUID();
  const at = Date.UTC(2026, 11, 1, 9);
  r.apply([{ type: 'forumCreated', id, title: 'Громадський бюджет Житомира 2027: голосування', joinCode: '250127', structure, rules: { ...DEFAULT_RULES }, at, admission: 'open', titled: true, voteOnly: true }]);
  const projects: string[][] = [];
  for (const p of structure.priorities) {
    const ids: string[] = [];
    for (let k = 0; k < PROJECTS_PER_PRIORITY; k++) {
      const ideaId = randomUUID();
      ids.push(ideaId);
      r.apply([{
        type: 'ideaImported', ideaId, priorityCode: p.code, goalCode: p.goals[0]?.code ?? null,
        title: `Проєкт ${p.code}.${k + 1}: облаштування громадського простору`, description: 'Опис проєкту з форуму', place: 'Житомир', author: 'Форум',
        origin: { forumId: randomUUID(), forumTitle: 'Форум', ideaId: randomUUID() }, at,
      }]);
    }
    projects.push(ids);
  }
  r.apply([{ type: 'addressCapSet', max: 0 }, { type: 'phaseChanged', from: 'lobby', to: 'voting' }]);
  return { events: r.log, state: r.state, projects };
}

interface RunFigures {
  label: string;
  voters: number;
  figures: VoterFigures;
  exported: Record<string, number>;
  seconds: number;
  servers: { peakRssMiB: number; cpuSeconds: number }[];
  postgres?: { cpuMs: number; walBytes: number };
  faults: string[];
}

function merge(all: VoterFigures[]): VoterFigures {
  const out: VoterFigures = { dots: [], joins: [], timedOut: 0, dropped: 0, refused: {}, gaveUp: 0, notJoined: 0, acked: {}, duplicates: 0 };
  for (const f of all) {
    for (const d of f.dots) out.dots.push(d);
    for (const j of f.joins) out.joins.push(j);
    out.timedOut += f.timedOut;
    out.dropped += f.dropped;
    out.gaveUp += f.gaveUp;
    out.notJoined += f.notJoined;
    out.duplicates += f.duplicates;
    for (const [k, n] of Object.entries(f.refused)) out.refused[k] = (out.refused[k] ?? 0) + n;
    for (const [k, n] of Object.entries(f.acked)) out.acked[k] = (out.acked[k] ?? 0) + n;
  }
  return out;
}

/** The voters, spread over WORKERS forked processes, from `epoch`. */
async function vote(socketUrl: string, code: string, arrivals: number[], choices: string[][], epoch: number): Promise<VoterFigures> {
  const plans: VoterPlan[] = Array.from({ length: WORKERS }, () => ({ socketUrl, code, epoch, voters: [], choices: {}, ackTimeoutMs: 10_000, giveUpMs: 120_000 }));
  arrivals.forEach((at, index) => {
    const plan = plans[index % WORKERS];
    plan.voters.push({ index, at });
    plan.choices[index] = choices[index];
  });
  const results = await Promise.all(
    plans.map(
      (plan) =>
        new Promise<VoterFigures>((resolve, reject) => {
          const child = fork(fileURLToPath(new URL('./city-voters.ts', import.meta.url)), [], { execArgv: ['--import', 'tsx'], serialization: 'advanced' });
          child.once('message', (msg: { figures?: VoterFigures; error?: string }) => (msg.figures ? resolve(msg.figures) : reject(new Error(msg.error))));
          child.once('exit', (c) => c !== 0 && reject(new Error(`a voters' process exited with ${c}`)));
          child.send(plan);
        }),
    ),
  );
  return merge(results);
}

/** Imports the forum through `origin` and reads its open code from the console's first view. */
async function openForum(origin: string, key: string, events: ForumEvent[], state: Recorder['state']): Promise<{ slug: string; code: string }> {
  const file = await forumFileOf(state, events, 'sealed', key);
  const res = await fetch(`${origin}/api/forums/import`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-facilitator-key': key }, body: file });
  const body = (await res.json()) as { ok: boolean; data?: { slug: string }; error?: unknown };
  if (!body.ok) throw new Error(`the vote's forum was refused: ${JSON.stringify(body)}`);
  const slug = body.data!.slug;
  const s = io(`${origin}/f/${slug}`, { query: { [FORUM_QUERY]: slug }, auth: { v: PROTOCOL_VERSION, role: 'console', key }, transports: ['websocket'], forceNew: true, reconnection: false });
  const view = await new Promise<{ joinCode: string }>((resolve, reject) => {
    s.once('console', resolve);
    s.once('connect_error', reject);
  });
  s.close();
  return { slug, code: view.joinCode };
}

async function exported(origin: string, slug: string, key: string): Promise<Record<string, number>> {
  // Asked again for a while: the forum may still be on its way to another process.
  let res = await fetch(`${origin}/f/${slug}/api/export.json`, { headers: { 'x-facilitator-key': key } });
  for (let attempt = 0; res.status !== 200 && attempt < 30; attempt++) {
    await idle(1000);
    res = await fetch(`${origin}/f/${slug}/api/export.json`, { headers: { 'x-facilitator-key': key } });
  }
  if (res.status !== 200) throw new Error(`the export was refused: ${res.status} ${await res.text()}`);
  const results = (await res.json()) as ExportResults;
  const out: Record<string, number> = {};
  for (const idea of results.priorities.flatMap((p) => p.ideas)) out[idea.id] = idea.dots;
  return out;
}

async function clusterRun(day: ReturnType<typeof cityDay>, forum: ReturnType<typeof cityForum>): Promise<RunFigures> {
  const dir = mkdtempSync(join(tmpdir(), 'viche-bench-city-'));
  let postgres: TestPostgres | null = null;
  let proxy: RunningProxy | null = null;
  const processes: ServerProcess[] = [];
  const samplers: ProcessSampler[] = [];
  const faults: string[] = [];
  try {
    postgres = await startPostgres({ durable: true });
    const proxyPort = await freePort();
    const origin = `http://127.0.0.1:${proxyPort}`;
    const env = { DATABASE_URL: postgres.url, LOAD_FORUMS: 'on-demand', TRUST_PROXY: '1', PUBLIC_URL: origin, ADMISSION: 'open', LOG_LEVEL: process.env.BENCH_CITY_LOG_LEVEL ?? 'error' };
    for (let i = 0; i < PROCESSES; i++) processes.push(await startServerProcess(env));
    for (const p of processes) samplers.push(new ProcessSampler(p.child.pid));
    proxy = await startHaproxy({ host: '127.0.0.1', port: proxyPort, processes: processes.map((p) => p.port), checkEveryMs: 300, stats: join(dir, 'haproxy.sock') }, join(dir, 'haproxy.cfg'));
    const key = new URL(processes[0].consoleUrl).searchParams.get('key')!;
    const { slug, code } = await openForum(origin, key, forum.events, forum.state);

    const walAt = async () => (await postgres!.sql<{ lsn: string }>('select pg_current_wal_lsn()::text as lsn'))[0].lsn;
    const walBefore = await walAt();
    const pgCpuBefore = postgres.cpuMs();
    const dayMs = DAY_S * 1000;
    const epoch = Date.now() + 1000;
    const voting = vote(`${origin}/f/${slug}`, code, day.arrivals, day.choices, epoch);

    // The forum's process killed at 40 % of the day, started again on its port 5 s later.
    await idle(epoch + 0.4 * dayMs - Date.now());
    const owner = FAULTS.has('kill') ? await ownerOf(processes) : -1;
    if (!FAULTS.has('kill')) faults.push('no process killed');
    else if (owner >= 0) {
      const killed = processes[owner];
      killed.child.kill('SIGKILL');
      await killed.exited;
      faults.push(`process ${owner + 1} of ${PROCESSES} (the forum's) killed at ${((Date.now() - epoch) / 1000).toFixed(0)} s`);
      await idle(5000);
      const again = await startServerProcess({ ...env, PORT: String(killed.port) });
      processes[owner] = again;
      samplers.push(new ProcessSampler(again.child.pid));
    } else faults.push('no process held the forum at 40 %: none killed');

    // PostgreSQL restarted at 70 %: down for 3 s.
    await idle(epoch + 0.7 * dayMs - Date.now());
    if (FAULTS.has('pg')) {
      const downAt = (Date.now() - epoch) / 1000;
      await postgres.stopServer('fast');
      await idle(3000);
      await postgres.startServer();
      faults.push(`PostgreSQL stopped at ${downAt.toFixed(0)} s and started again ${((Date.now() - epoch) / 1000 - downAt).toFixed(1)} s later`);
    } else faults.push('PostgreSQL not restarted');

    const figures = await voting;
    const seconds = (Date.now() - epoch) / 1000;
    const pgCpu = postgres.cpuMs() - pgCpuBefore;
    const walRow = await postgres.sql<{ bytes: string }>(`select pg_wal_lsn_diff(pg_current_wal_lsn(), '${walBefore}')::text as bytes`);
    await idle(1000);
    return {
      label: `cluster: ${PROCESSES} processes, HAProxy, PostgreSQL`,
      voters: VOTERS,
      figures,
      exported: await exported(origin, slug, key),
      seconds,
      servers: samplers.map((s) => s.stop()),
      postgres: { cpuMs: pgCpu, walBytes: Number(walRow[0].bytes) },
      faults,
    };
  } finally {
    await proxy?.stop();
    for (const p of processes) {
      if (p.child.exitCode === null && p.child.signalCode === null) p.child.kill('SIGKILL');
      await p.exited;
    }
    await postgres?.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Which process holds a forum now, by each one's /health; -1 if none does. */
async function ownerOf(processes: ServerProcess[]): Promise<number> {
  for (const [i, p] of processes.entries()) {
    try {
      const health = (await (await fetch(`http://127.0.0.1:${p.port}/health`)).json()) as { forums: number };
      if (health.forums > 0) return i;
    } catch {
      // Gone: not the owner.
    }
  }
  return -1;
}

async function sqliteRun(day: ReturnType<typeof cityDay>, forum: ReturnType<typeof cityForum>): Promise<RunFigures> {
  const dir = mkdtempSync(join(tmpdir(), 'viche-bench-city-sqlite-'));
  const server = await startServerProcess({ VICHE_DB: join(dir, 'city.db'), ADMISSION: 'open', LOG_LEVEL: 'error' });
  const sampler = new ProcessSampler(server.child.pid);
  try {
    const origin = `http://127.0.0.1:${server.port}`;
    const key = new URL(server.consoleUrl).searchParams.get('key')!;
    const { slug, code } = await openForum(origin, key, forum.events, forum.state);
    const epoch = Date.now() + 1000;
    const figures = await vote(`${origin}/f/${slug}`, code, day.arrivals, day.choices, epoch);
    const seconds = (Date.now() - epoch) / 1000;
    await idle(1000);
    return { label: 'one process, SQLite', voters: VOTERS, figures, exported: await exported(origin, slug, key), seconds, servers: [sampler.stop()], faults: [] };
  } finally {
    server.child.kill('SIGTERM');
    await server.exited;
    rmSync(dir, { recursive: true, force: true });
  }
}

function report(r: RunFigures, day: ReturnType<typeof cityDay>): { p95: number; cpu: number } {
  const f = r.figures;
  const hourS = DAY_S / 24;
  const all = spread(f.dots.map((d) => d.ms));
  const peak = spread(f.dots.filter((d) => d.atS >= day.peakHour * hourS && d.atS < (day.peakHour + 1) * hourS).map((d) => d.ms));
  const joins = spread(f.joins);
  let lost = 0;
  let doubled = 0;
  for (const id of new Set([...Object.keys(f.acked), ...Object.keys(r.exported)])) {
    const diff = (r.exported[id] ?? 0) - (f.acked[id] ?? 0);
    if (diff > 0) doubled += diff;
    else lost -= diff;
  }
  const acked = Object.values(f.acked).reduce((a, b) => a + b, 0);
  const cpu = r.servers.reduce((a, s) => a + (Number.isNaN(s.cpuSeconds) ? 0 : s.cpuSeconds), 0);
  console.log(`\n  ${r.label}${r.faults.length ? `; ${r.faults.join('; ')}` : ''}`);
  console.log(`    ${r.voters.toLocaleString('en')} voters in ${r.seconds.toFixed(0)} s: ${(r.voters - f.notJoined).toLocaleString('en')} joined (${f.notJoined} did not), join ack p50 ${joins.p50.toFixed(0)} ms, p95 ${joins.p95.toFixed(0)} ms, max ${joins.max.toFixed(0)} ms (resends included)`);
  console.log(`    dot acks, all day: p50 ${all.p50.toFixed(0)} ms, p95 ${all.p95.toFixed(0)} ms, p99 ${all.p99.toFixed(0)} ms, max ${all.max.toFixed(0)} ms (resends included)`);
  console.log(`    dot acks, peak hour (${day.peakHour}:00, ×${day.peakRatio.toFixed(1)} the average): p50 ${peak.p50.toFixed(0)} ms, p95 ${peak.p95.toFixed(0)} ms, max ${peak.max.toFixed(0)} ms`);
  console.log(`    attempts timed out (10 s) on a live connection: ${f.timedOut}; attempts whose connection dropped (sent again once connected): ${f.dropped}; refusals: ${JSON.stringify(f.refused)}; dots given up after 120 s: ${f.gaveUp}; resends answered as already done: ${f.duplicates}`);
  console.log(`    export against the acks: ${acked.toLocaleString('en')} acked, ${Object.values(r.exported).reduce((a, b) => a + b, 0).toLocaleString('en')} in the export: ${lost} lost, ${doubled} doubled`);
  console.log(`    Viche processes: ${cpu.toFixed(1)} CPU s (${((cpu * 1000) / Math.max(1, r.voters)).toFixed(2)} ms a ballot), peak RSS ${r.servers.map((s) => s.peakRssMiB.toFixed(0)).join(', ')} MiB`);
  if (r.postgres) {
    console.log(
      `    PostgreSQL: ${(r.postgres.cpuMs / 1000).toFixed(1)} CPU s (${(r.postgres.cpuMs / r.voters).toFixed(2)} ms a ballot of a join and ${DOTS_PER_VOTER} dots), ` +
        `WAL ${(r.postgres.walBytes / 2 ** 20).toFixed(0)} MiB (${(r.postgres.walBytes / r.voters / 1024).toFixed(1)} KiB a ballot)`,
    );
  }
  return { p95: peak.p95, cpu };
}

export async function benchCityLoad(): Promise<void> {
  console.log(
    `\n## The city's vote: ${VOTERS.toLocaleString('en')} voters over a day compressed into ${DAY_S} s, each a join and ${DOTS_PER_VOTER} dots in a vote-only forum of ${PROJECTS_PER_PRIORITY * 6} projects (${WORKERS} load processes, ${cpus().length} cores)`,
  );
  const missing = haproxyMissing() ?? postgresMissing();
  const forum = cityForum();
  const day = cityDay(VOTERS, DAY_S * 1000, forum.projects);
  let cluster: { p95: number; cpu: number } | null = null;
  if (missing) console.log(`  the cluster is left out: ${missing}`);
  else if (RUNS.has('cluster')) cluster = report(await clusterRun(day, forum), day);
  const single = RUNS.has('sqlite') ? report(await sqliteRun(day, forum), day) : null;
  if (cluster && single) console.log(`\n  cluster against one process on SQLite: peak-hour dot ack p95 ×${(cluster.p95 / single.p95).toFixed(2)}, Viche CPU ×${(cluster.cpu / single.cpu).toFixed(2)}`);
  console.log(`  (load average at the end: ${loadavg().map((n) => n.toFixed(2)).join(', ')})`);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  await benchCityLoad();
  process.exit(0);
}
