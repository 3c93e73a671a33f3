// Storage while the forum runs, with the real CLI as a child process: a full disk and a database
// held by another program are refused by name (nothing saved, nothing half-saved), logged once,
// shown on the console, and cleared by the first write that succeeds; backups are taken at each
// phase change and by command, and a restore puts an earlier forum back, only while no server runs.

import Database from 'better-sqlite3';
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { closeSync, existsSync, mkdirSync, openSync, readdirSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import type { ForumEvent } from '../../shared/forum/types.js';
import type { Ack, ConsoleView } from '../../shared/protocol.js';
import { startServerProcess, type ServerProcess } from '../../scripts/process.js';
import { SqliteStore } from '../db/sqlite.js';
import { StorageUnavailable, storageCauseOf } from '../errors.js';
import { consoleKeyOf, filesIn, runScript, sleep, stopServer } from './cli.js';
import { connectConsole, joinPhone, ok, startTestServer, tempDir, type TestClient } from './harness.js';

const dirs: string[] = [];
const newDir = () => {
  const dir = tempDir();
  dirs.push(dir);
  return dir;
};
const clients: TestClient[] = [];
const servers: ServerProcess[] = [];
let mounted = '';

afterAll(async () => {
  for (const c of clients) c.close();
  for (const s of servers) await stopServer(s, 'SIGKILL');
  if (mounted) execFileSync('umount', [mounted]);
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

async function start(env: Record<string, string>): Promise<ServerProcess> {
  const proc = await startServerProcess({ ADMISSION: 'open', ...env });
  servers.push(proc);
  return proc;
}

const serverOf = (proc: ServerProcess) => ({
  url: `http://127.0.0.1:${proc.port}`,
  socketUrl: `http://127.0.0.1:${proc.port}/f/${proc.slug}`,
  facilitatorKey: consoleKeyOf(proc.consoleUrl),
  joinCode: proc.joinCode,
});

async function consoleOf(server: { url: string; facilitatorKey: string }) {
  const c = await connectConsole(server);
  clients.push(c);
  return c;
}

async function phonesOf(server: { url: string; joinCode: string }, n: number) {
  const phones = [];
  for (let i = 0; i < n; i++) phones.push(await joinPhone(server, `Мешканка ${i + 1}`));
  clients.push(...phones);
  return phones;
}

/** Waits (polling) until `test` holds: for what another process does in its own time. */
async function until(test: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 250; i++) {
    if (test()) return;
    await sleep(40);
  }
  throw new Error(`gave up waiting until ${what}`);
}

const count = (text: string, pattern: RegExp) => (text.match(new RegExp(pattern.source, 'g')) ?? []).length;

/** The ideas stored in a database file, read without changing it. */
function storedIdeas(path: string): { ideaId: string; title: string }[] {
  const db = new Database(path, { readonly: true, fileMustExist: true });
  try {
    return (db.prepare("SELECT payload FROM events WHERE type = 'ideaSubmitted' ORDER BY seq").all() as { payload: string }[]).map((r) => {
      const e = JSON.parse(r.payload) as Extract<ForumEvent, { type: 'ideaSubmitted' }>;
      return { ideaId: e.ideaId, title: e.title };
    });
  } finally {
    db.close();
  }
}

/** Expects a refusal because of the storage, with `cause`. */
function refusedForStorage(ack: Ack<unknown>, cause: string): string {
  if (ack.ok) throw new Error('expected STORAGE_UNAVAILABLE, got ok');
  expect(ack.error.code).toBe('STORAGE_UNAVAILABLE');
  expect(ack.error.params?.cause).toBe(cause);
  return ack.error.message;
}

/**
 * Tries `submit` until the storage takes it: for a while after a failed write (100 ms, doubled
 * with each failure up to 1 s) the server refuses without trying the disk, so the first try after
 * a fault is gone may still be refused.
 * Returns the titles refused on the way.
 */
async function submitOnceSaved(send: (title: string) => Promise<Ack<{ ideaId: string }>>, cause: string) {
  const refused: string[] = [];
  for (let i = 0; i < 100; i++) {
    const title = `Збережена ${i}`;
    const ack = await send(title);
    if (ack.ok) return { title, ideaId: ack.data.ideaId, refused };
    refusedForStorage(ack, cause);
    refused.push(title);
    await sleep(100);
  }
  throw new Error('the storage never came back');
}

// ---------------------------------------------------------------- a full disk

/** Writes to `path` until the disk has not one byte left. */
function fillDisk(path: string): void {
  const fd = openSync(path, 'w');
  try {
    for (const size of [1 << 20, 64 << 10, 4096, 1]) {
      const chunk = Buffer.alloc(size, 0x5a);
      for (;;) {
        try {
          writeSync(fd, chunk);
        } catch (err) {
          if ((err as NodeJS.ErrnoException).code === 'ENOSPC') break;
          throw err;
        }
      }
    }
  } finally {
    closeSync(fd);
  }
}

/** A server whose disk can be filled and freed, however it was made. */
interface FullDiskRig {
  server: { url: string; facilitatorKey: string; joinCode: string };
  dbPath: string;
  fill(): void;
  free(): void;
  /** Everything the server logged so far. */
  log(): string;
  stop(): Promise<void>;
}

/** A small disk of its own (tmpfs), when this machine lets the test mount one. */
function mountSmallDisk(): string | null {
  const dir = newDir();
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=3m', 'tmpfs', dir], { stdio: 'ignore' });
    mounted = dir;
    return dir;
  } catch {
    return null;
  }
}

async function cliOnSmallDisk(disk: string): Promise<FullDiskRig> {
  const dbPath = join(disk, 'forum.db');
  const filler = join(disk, 'filler');
  const proc = await start({ VICHE_DB: dbPath, LOG_LEVEL: 'info' });
  return {
    server: serverOf(proc),
    dbPath,
    fill: () => fillDisk(filler),
    free: () => rmSync(filler),
    log: proc.output,
    stop: async () => void (await stopServer(proc)),
  };
}

/**
 * Without the right to mount a disk, an in-process server whose store fails its writes the way
 * SQLite does on a full disk (SQLITE_FULL, "database or disk is full"), turned into what the real
 * store makes of it; everything above the store (the room, the storage's health, the refusals,
 * the log, the console) is the real thing.
 */
class DiskFullStore extends SqliteStore {
  full = false;
  override appendBatch(...args: Parameters<SqliteStore['appendBatch']>): ReturnType<SqliteStore['appendBatch']> {
    if (this.full) {
      const err = Object.assign(new Error('database or disk is full'), { code: 'SQLITE_FULL' });
      throw new StorageUnavailable(storageCauseOf(err)!, err.message);
    }
    return super.appendBatch(...args);
  }
}

async function inProcessFullDisk(): Promise<FullDiskRig> {
  const dbPath = join(newDir(), 'forum.db');
  const store = new DiskFullStore(dbPath);
  let log = '';
  const logger = pino({ level: 'info', base: undefined }, { write: (line: string) => void (log += line) });
  const server = await startTestServer({ dbPath, store, logger });
  return {
    server,
    dbPath,
    fill: () => void (store.full = true),
    free: () => void (store.full = false),
    log: () => log,
    stop: async () => {
      await server.close();
      await store.close();
    },
  };
}

describe('a full disk', () => {
  it('refuses actions as STORAGE_UNAVAILABLE (full), logs it once, tells the console, saves nothing refused, and recovers by itself', async () => {
    const disk = mountSmallDisk();
    const rig = disk ? await cliOnSmallDisk(disk) : await inProcessFullDisk();
    const admin = await consoleOf(rig.server);
    const phones = await phonesOf(rig.server, 3);
    ok(await admin.send('phase:set', { to: 'ideas' }));
    const saved = [ok(await phones[0].send('idea:submit', { priorityCode: '1', title: 'Лавки в парку' })).ideaId];
    // The phase change's backup goes to the same disk: let it finish before the disk fills.
    await until(() => rig.log().includes('backup taken (phase-ideas)'), 'the phase backup is written');

    const mark = admin.mark();
    rig.fill();
    const refused: string[] = [];
    for (let i = 0; i < 30; i++) {
      const title = `Не збережена ${i}`;
      const message = refusedForStorage(await phones[i % phones.length].send('idea:submit', { priorityCode: '1', title }), 'full');
      expect(message).toContain('Не збережено');
      refused.push(title);
      // Spread over a few of the half-second pauses, so that the disk is tried (and fails) again.
      await sleep(50);
    }
    const down = await admin.next<ConsoleView>('console', (v) => !v.health.storage.ok, mark);
    expect(down.health.storage).toMatchObject({ ok: false, cause: 'full' });
    expect(count(rig.log(), /storage unavailable/)).toBe(1);

    rig.free();
    const afterMark = admin.mark();
    const back = await submitOnceSaved((title) => phones[1].send('idea:submit', { priorityCode: '1', title }), 'full');
    refused.push(...back.refused);
    saved.push(back.ideaId);
    await admin.next<ConsoleView>('console', (v) => v.health.storage.ok, afterMark);
    await until(() => rig.log().includes('storage is back'), 'the log says storage is back');
    expect(count(rig.log(), /storage unavailable/)).toBe(1);

    await rig.stop();
    const stored = storedIdeas(rig.dbPath);
    expect(stored.map((i) => i.ideaId)).toEqual(saved);
    for (const title of refused) expect(stored.map((i) => i.title)).not.toContain(title);
  });
});

// ---------------------------------------------------------------- another program holds the database

describe('the database held by another program', () => {
  it('refuses actions as busy while the lock lasts, keeps answering the rest, and saves again once it is released', async () => {
    const dbPath = join(newDir(), 'forum.db');
    const proc = await start({ VICHE_DB: dbPath });
    const server = serverOf(proc);
    const admin = await consoleOf(server);
    const phones = await phonesOf(server, 2);
    ok(await admin.send('phase:set', { to: 'ideas' }));
    const saved = [ok(await phones[0].send('idea:submit', { priorityCode: '1', title: 'Велодоріжка' })).ideaId];

    // A backup tool, an antivirus or a sync client: it takes the write lock and keeps it.
    const other = new Database(dbPath);
    const refused: string[] = [];
    let answered = 0;
    const mark = admin.mark();
    try {
      other.exec('BEGIN IMMEDIATE');
      other.prepare('UPDATE forums SET created_at = created_at').run();
      const end = Date.now() + 2000;
      for (let i = 0; i < 3 || Date.now() < end; i++) {
        const title = `Під замком ${i}`;
        const [submit, language] = await Promise.all([
          phones[i % 2].send('idea:submit', { priorityCode: '1', title }),
          phones[(i + 1) % 2].send('session:setLanguage', { lang: i % 2 ? 'en' : 'uk' }),
        ]);
        refusedForStorage(submit, 'busy');
        refused.push(title);
        expect(ok(language).lang).toBe(i % 2 ? 'en' : 'uk');
        answered++;
        await sleep(100);
      }
      const view = await admin.next<ConsoleView>('console', (v) => !v.health.storage.ok, mark);
      expect(view.health.storage.cause).toBe('busy');
    } finally {
      if (other.inTransaction) other.exec('ROLLBACK');
      other.close();
    }
    expect(refused.length).toBeGreaterThanOrEqual(3);
    expect(answered).toBe(refused.length);

    const back = await submitOnceSaved((title) => phones[0].send('idea:submit', { priorityCode: '1', title }), 'busy');
    refused.push(...back.refused);
    saved.push(back.ideaId);
    await stopServer(proc);
    const stored = storedIdeas(dbPath);
    expect(stored.map((i) => i.ideaId)).toEqual(saved);
    for (const title of refused) expect(stored.map((i) => i.title)).not.toContain(title);
  });
});

/** The real store, counting each time a write meets the disk: a batch, or the probe's write of nothing. */
class CountingStore extends SqliteStore {
  tries = 0;
  override appendBatch(...args: Parameters<SqliteStore['appendBatch']>): Promise<number> {
    this.tries++;
    return super.appendBatch(...args);
  }
  override probeWrite(): Promise<void> {
    this.tries++;
    return super.probeWrite();
  }
}

describe('the disk tried again while another program holds the database', () => {
  it('less and less often, at most once a second, however often the hall acts; saving again once it is released', async () => {
    const dbPath = join(newDir(), 'forum.db');
    const store = new CountingStore(dbPath);
    const server = await startTestServer({ store, dbPath, backupEveryMs: 0 });
    try {
      const phones = await phonesOf(server, 4);
      const other = new Database(dbPath);
      let refused = 0;
      let tries: number;
      try {
        other.exec('BEGIN IMMEDIATE');
        other.prepare('UPDATE forums SET created_at = created_at').run();
        store.tries = 0;
        const end = Date.now() + 2500;
        await Promise.all(
          phones.map(async (phone, i) => {
            for (let k = 0; Date.now() < end; k++) {
              refusedForStorage(await phone.send('participant:rename', { name: `Мешканка ${i}.${k}`, actionId: randomUUID() }), 'busy');
              refused++;
              await sleep(100);
            }
          }),
        );
        tries = store.tries;
      } finally {
        if (other.inTransaction) other.exec('ROLLBACK');
        other.close();
      }
      // Every action meeting the disk would be as many tries as refusals. Refused without the disk
      // for 100 ms after the first failure, doubled with each further one up to 1 s: the tries
      // after 0, 0.1, 0.3, 0.7, 1.5 and 2.5 s, and one more for a slow machine's late turn.
      expect(refused).toBeGreaterThanOrEqual(20);
      expect(tries).toBeGreaterThanOrEqual(2);
      expect(tries).toBeLessThanOrEqual(7);
      let saved = false;
      for (let i = 0; i < 100 && !saved; i++) {
        const ack = await phones[0].send('participant:rename', { name: 'Мешканка знову', actionId: randomUUID() });
        saved = ack.ok;
        if (!saved) await sleep(100);
      }
      expect(saved).toBe(true);
    } finally {
      await server.stop();
      await store.close();
    }
  });
});

// ---------------------------------------------------------------- backups and restore

describe('backups', () => {
  it('are taken at each phase change (the last of each phase kept) and by command; a restore waits for the server to stop, keeps what it replaces, and refuses what is not a forum', async () => {
    const dir = newDir();
    const dbPath = join(dir, 'forum.db');
    const backups = `${dbPath}-backups`;
    const proc = await start({ VICHE_DB: dbPath, LOG_LEVEL: 'info' });
    const server = serverOf(proc);
    const admin = await consoleOf(server);
    const authors = await phonesOf(server, 2);

    // Twelve phase changes, ideas and review in turn, with an idea in each ideas phase. A backup is
    // taken just after its phase change, and holds the forum as it is then: each is waited for, so
    // that each holds one more idea than the one before.
    const ideaIds: string[] = [];
    for (let move = 0; move < 12; move++) {
      const to = move % 2 === 0 ? 'ideas' : 'review';
      ok(await admin.send('phase:set', { to }));
      await until(() => count(proc.output(), /backup taken \(phase-/) === move + 1, `the backup of phase change ${move + 1} is taken`);
      if (to === 'ideas') {
        ideaIds.push(ok(await authors[move % 4 === 0 ? 0 : 1].send('idea:submit', { priorityCode: '1', title: `Ідея після зміни ${move + 1}` })).ideaId);
      }
    }
    const names = readdirSync(backups).sort();
    expect(names).toHaveLength(2);
    expect(names[0]).toMatch(/^forum-.*-phase-ideas-forum-1\.db$/);
    expect(names[1]).toMatch(/^forum-.*-phase-review-forum-1\.db$/);

    // The console names the newest with its next update.
    const mark = admin.mark();
    clients.push(await joinPhone(server, 'Запізніла'));
    await admin.next<ConsoleView>('console', (v) => v.health.backup?.file === join(backups, names.at(-1)!), mark);

    // `npm run backup` while the server runs: a whole forum, every acknowledged action in it.
    const manual = await runScript('scripts/backup.ts', [], { VICHE_DB: dbPath });
    expect(manual.code).toBe(0);
    const manualFile = /Backup written to (.+)/.exec(manual.stdout)![1];
    expect(manualFile).toMatch(/-manual\.db$/);
    expect(storedIdeas(manualFile).map((i) => i.ideaId)).toEqual(ideaIds);
    const copy = new Database(manualFile, { readonly: true });
    const types = copy.prepare('SELECT type, count(*) AS n FROM events GROUP BY type').all() as { type: string; n: number }[];
    copy.close();
    expect(Object.fromEntries(types.map((t) => [t.type, t.n]))).toMatchObject({ participantJoined: 3, phaseChanged: 12, ideaSubmitted: 6 });
    expect(readdirSync(backups).filter((n) => n.endsWith('.db'))).toHaveLength(3);

    // A restore while the server runs is refused by name, and changes nothing.
    const oldest = join(backups, readdirSync(backups).sort()[0]);
    // The running server's own journal (-wal, -shm) may move meanwhile (a summary it writes): the
    // file, its lock and the backups are what a restore would have touched.
    const unmoved = () => Object.fromEntries(Object.entries(filesIn(dir)).filter(([name]) => !/-(wal|shm)$/.test(name)));
    const before = unmoved();
    const blocked = await runScript('scripts/restore.ts', [oldest], { VICHE_DB: dbPath });
    expect(blocked.code).toBe(1);
    expect(blocked.stderr).toContain(`another Viche server (process ${proc.child.pid} `);
    expect(blocked.stderr).not.toContain('    at ');
    expect(unmoved()).toEqual(before);

    // A clean stop takes a last backup and lets go of the file.
    for (const c of clients.splice(0)) c.close();
    expect(await stopServer(proc)).toBe(0);
    expect(proc.output()).toContain('backup taken (shutdown)');
    expect(existsSync(`${dbPath}-lock`)).toBe(false);

    // Files that are not a forum are refused, and change nothing.
    const strangers = join(dir, 'strangers');
    mkdirSync(strangers);
    writeFileSync(join(strangers, 'notes.db'), 'Список справ на вечір.\n'.repeat(200));
    const birds = new Database(join(strangers, 'birds.db'));
    birds.exec("CREATE TABLE sightings (species TEXT); INSERT INTO sightings VALUES ('лелека')");
    birds.close();
    for (const name of ['notes.db', 'birds.db']) {
      const unchanged = filesIn(dir);
      const refused = await runScript('scripts/restore.ts', [join(strangers, name)], { VICHE_DB: dbPath });
      expect(refused.code).toBe(1);
      expect(refused.stderr).toContain(join(strangers, name));
      expect(refused.stderr.trim().split('\n')).toHaveLength(1);
      expect(filesIn(dir)).toEqual(unchanged);
    }

    // Restoring the oldest backup kept puts that earlier forum back; the one it replaced is kept.
    const oldestNow = join(backups, readdirSync(backups).sort()[0]);
    const earlier = storedIdeas(oldestNow);
    expect(earlier.length).toBeLessThan(ideaIds.length);
    const restore = await runScript('scripts/restore.ts', [oldestNow], { VICHE_DB: dbPath });
    expect(restore.stderr).toBe('');
    expect(restore.code).toBe(0);
    const kept = readdirSync(backups).filter((n) => n.includes('before-restore'));
    expect(kept).toHaveLength(1);
    expect(storedIdeas(join(backups, kept[0])).map((i) => i.ideaId)).toEqual(ideaIds);

    const again = await start({ VICHE_DB: dbPath });
    const view = await (await consoleOf(serverOf(again))).next<ConsoleView>('console');
    expect(view.ideas.map((i) => i.id).sort()).toEqual(earlier.map((i) => i.ideaId).sort());
    expect(await stopServer(again)).toBe(0);
    // Seven processes one after another: more than the usual half minute on a busy machine.
  }, 90_000);
});
