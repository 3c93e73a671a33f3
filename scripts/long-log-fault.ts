// A storage fault on a forum with a long log, as the hall lives it: the forum (the largest forum's
// shape, stopped in voting, with as many participants as it takes to reach the log's length) is
// written straight into a database file, the real server is started on it as a child process, and
// while a few voters place and take back dots, another program holds the database's write lock,
// then the disk fills up. A probe (a phone setting its language, which stores nothing) is sent
// again as soon as it is answered, throughout: how often it is answered shows whether the server
// stays with the hall while the disk fails. Used by server/test/long-log-fault.test.ts, which
// checks what was saved, and by `BENCH_ONLY=faults npm run bench`, which prints the figures.

import Database from 'better-sqlite3';
import { randomUUID } from 'node:crypto';
import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ForumEvent } from '../shared/forum/types.js';
import type { Ack, MeView } from '../shared/protocol.js';
import { SqliteStore } from '../server/db/sqlite.js';
import { connect, type TestClient } from '../server/test/harness.js';
import { largestForum } from './largest-forum.js';
import { startServerProcess, type ServerProcess } from './process.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Participants in the forum: the largest forum's 5,000 (a join and 18 dots each, and a ticket's share). */
const PARTICIPANTS = 5_000;

export interface LongForum {
  events: number;
  /** A few participants' ids and device tokens, to act as them. */
  voters: { participantId: string; token: string }[];
}

/**
 * Writes a forum of about `events` events into a new database at `path`, in a few large
 * transactions: the largest forum in voting (95,000 events), and beyond that, voters taking a dot
 * off and putting it back, as a hall changing its mind over a long evening does.
 */
export async function writeLongForum(path: string, events: number, voters = 8): Promise<LongForum> {
  const big = largestForum({ participants: Math.min(PARTICIPANTS, Math.max(voters, Math.round(events / 19))), ideas: 250, phase: 'voting' });
  const log: ForumEvent[] = big.events;
  const firstDot = new Map<string, string>();
  for (const e of log) if (e.type === 'dotPlaced' && !firstDot.has(e.participantId)) firstDot.set(e.participantId, e.ideaId);
  const toggles = [...firstDot];
  for (let i = 0; log.length < events; i++) {
    const [participantId, ideaId] = toggles[i % toggles.length];
    log.push({ type: 'dotRemoved', participantId, ideaId }, { type: 'dotPlaced', participantId, ideaId });
  }
  const store = new SqliteStore(path);
  try {
    const [created, ...rest] = log;
    const record = { id: big.id, joinCode: '482913', createdAt: Date.now(), joinSecret: '', screenKey: '' };
    await store.createForum(record, [created], { at: Date.now(), action: 'created', forumId: big.id, title: 'long log', detail: '' });
    for (let i = 0; i < rest.length; i += 50_000) await store.importEvents(big.id, rest.slice(i, i + 50_000));
  } finally {
    await store.close();
  }
  return { events: log.length, voters: [...big.tokens].slice(0, voters).map(([participantId, token]) => ({ participantId, token })) };
}

/** A small disk of its own, so that it can be filled: a tmpfs, when this machine lets us mount one. */
export function mountDisk(dir: string, megabytes: number): boolean {
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${megabytes}m`, 'tmpfs', dir], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/**
 * Writes to `path` until the disk has not one byte left, in another process (dd): hundreds of
 * megabytes written here would hold up this process, and the probe's figures with it.
 */
export async function fillDisk(path: string): Promise<void> {
  for (const bs of ['1M', '64K', '4K', '1']) {
    const dd = spawn('dd', ['if=/dev/zero', `of=${path}`, `bs=${bs}`, 'oflag=append', 'conv=notrunc', 'status=none'], { stdio: 'ignore' });
    // dd ends with an error at the disk's end: that is the point.
    await new Promise((resolve) => dd.once('exit', resolve));
  }
}

export interface VoterAction {
  participantId: string;
  actionId: string;
  command: 'dot:place' | 'dot:remove';
  ideaId: string;
  /** 'ok', or the refusal's code and cause. */
  outcome: string;
  /** When it was answered (performance.now()). */
  at: number;
}

export interface FaultRun {
  events: number;
  /** The probe's round trips (ms) while the disk failed, and how many; the same before, calm, over as long. */
  fault: number[];
  calm: number[];
  actions: VoterAction[];
  /** Each voter's dots on their idea as the server last told them. */
  told: Map<string, number>;
  /** From the end of the fault to the first action saved again (ms). */
  savingAgainAfter: number;
  /** The calm window and the fault, as epoch ms from and to: for the server's own lines (LOOP_DELAY_LOG). */
  windows: { calm: [number, number]; fault: [number, number] };
  /** Whether the disk was filled too (a tmpfs could be mounted), besides the lock. */
  filled: boolean;
  dbPath: string;
  output: string;
  /** Unmounts and removes what the run made. */
  cleanUp(): void;
}

/**
 * The whole run: the forum written, the server started, a calm window, then `lockMs` of another
 * program's write lock followed by `fullMs` of a full disk, then the disk freed and every voter
 * acting until saved again. The server is stopped cleanly before it returns.
 */
export async function runLongLogFault({ events, lockMs = 4_000, fullMs = 4_000, env = {} }: { events: number; lockMs?: number; fullMs?: number; env?: Record<string, string> }): Promise<FaultRun> {
  const dir = mkdtempSync(join(tmpdir(), 'viche-fault-'));
  const disk = join(dir, 'disk');
  mkdirSync(disk);
  // Room for the forum (under 700 bytes an event), its journal and the backup taken at shutdown;
  // the filler takes the rest while the disk is full.
  const filled = mountDisk(disk, Math.ceil((events * 2_000) / 2 ** 20) + 64);
  const dbPath = join(disk, 'forum.db');
  const cleanUp = () => {
    if (filled) execFileSync('umount', [disk]);
    rmSync(dir, { recursive: true, force: true });
  };
  let proc: ServerProcess | null = null;
  const clients: TestClient[] = [];
  try {
    const forum = await writeLongForum(dbPath, events);
    proc = await startServerProcess({ VICHE_DB: dbPath, ...env });
    const socketUrl = `http://127.0.0.1:${proc.port}/f/${proc.slug}`;
    const voters: { participantId: string; token: string; phone: TestClient; ideaId: string; dots: number }[] = [];
    for (const v of forum.voters) {
      const phone = await connect(socketUrl, { role: 'phone', token: v.token });
      clients.push(phone);
      const me = await phone.next<MeView>('me');
      // An idea the voter has a dot on: each of them takes it off and puts it back, over and over.
      const ideaId = Object.keys(me.dots)[0];
      voters.push({ ...v, phone, ideaId, dots: me.dots[ideaId] });
    }
    const probe = clients[0];
    await sleep(500);

    const actions: VoterAction[] = [];
    const told = new Map<string, number>();
    let acting = true;
    const act = async (v: (typeof voters)[number]) => {
      let placed = true;
      while (acting) {
        const command = placed ? 'dot:remove' : 'dot:place';
        const actionId = randomUUID();
        const ack = (await v.phone.send(command, { ideaId: v.ideaId, actionId })) as Ack<{ me: MeView }>;
        const outcome = ack.ok ? 'ok' : `${ack.error.code}:${String(ack.error.params?.cause ?? '')}`;
        actions.push({ participantId: v.participantId, actionId, command, ideaId: v.ideaId, outcome, at: performance.now() });
        if (ack.ok) {
          placed = !placed;
          told.set(v.participantId, ack.data.me.dots[v.ideaId] ?? 0);
        }
        await sleep(150);
      }
    };
    const probing = { on: true, times: [] as number[] };
    const probeLoop = (async () => {
      for (let i = 0; probing.on; i++) {
        const start = performance.now();
        await probe.send('session:setLanguage', { lang: i % 2 ? 'en' : 'uk' });
        probing.times.push(performance.now() - start);
        // Under the per-connection limit (20 a second), so that every answer is a real one.
        await sleep(60);
      }
    })();
    const voting = voters.map(act);

    const window = lockMs + (filled ? fullMs : 0);
    const calmFrom = Date.now();
    await sleep(window);
    const calm = probing.times.splice(0);
    const faultFrom = Date.now();

    // Another program (a backup tool, a sync client) takes the write lock and keeps it...
    const other = new Database(dbPath);
    other.exec('BEGIN IMMEDIATE');
    other.prepare('UPDATE forums SET created_at = created_at').run();
    await sleep(lockMs);
    other.exec('ROLLBACK');
    // ...then the disk fills up. The journal is emptied first: a write into journal space already
    // on the disk needs no more of it, and would be saved, full disk or not.
    if (filled) other.pragma('wal_checkpoint(TRUNCATE)');
    other.close();
    const filler = join(disk, 'filler');
    if (filled) {
      await fillDisk(filler);
      await sleep(fullMs);
      // On a loaded machine the server may still be reading its log back after the lock when the
      // window ends: the disk stays full until an action has met it (at most 30 s more).
      for (let waited = 0; waited < 30_000 && !actions.some((a) => a.outcome === 'STORAGE_UNAVAILABLE:full'); waited += 100) await sleep(100);
    }
    const fault = probing.times.splice(0);
    const faultTo = Date.now();
    if (filled) rmSync(filler);
    const over = performance.now();

    // Every voter acts until an action of theirs is saved again.
    const mark = actions.length;
    for (let i = 0; i < 200; i++) {
      const savedSince = new Set(actions.slice(mark).filter((a) => a.outcome === 'ok').map((a) => a.participantId));
      if (voters.every((v) => savedSince.has(v.participantId))) break;
      await sleep(100);
    }
    acting = false;
    probing.on = false;
    await Promise.all([...voting, probeLoop]);
    for (const c of clients.splice(0)) c.close();
    const stopped = proc;
    proc = null;
    stopped.child.kill('SIGTERM');
    await stopped.exited;
    const savingAgainAfter = (actions.find((a) => a.at > over && a.outcome === 'ok')?.at ?? NaN) - over;
    const windows = { calm: [calmFrom, faultFrom] as [number, number], fault: [faultFrom, faultTo] as [number, number] };
    return { events: forum.events, fault, calm, actions, told, savingAgainAfter, windows, filled, dbPath, output: stopped.output(), cleanUp };
  } catch (err) {
    for (const c of clients) c.close();
    if (proc) {
      proc.child.kill('SIGKILL');
      await proc.exited;
    }
    cleanUp();
    throw err;
  }
}
