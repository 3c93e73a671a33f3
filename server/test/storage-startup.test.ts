// Storage at start-up, with the real CLI as a child process: one server per database file (a
// second is refused by name, a kill -9 leaves no stale lock, a clean stop releases it), read-only
// files and folders, and every other start that cannot go on: each is refused in one sentence,
// exits 1, and leaves no new or changed file behind.

import Database from 'better-sqlite3';
import { spawnSync } from 'node:child_process';
import { chmodSync, chownSync, copyFileSync, existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConsoleView } from '../../shared/protocol.js';
import { startServerProcess } from '../../scripts/process.js';
import { filesIn, makeForum, oneSentence, runCli, stopServer, consoleKeyOf, type RunOptions } from './cli.js';
import { connectConsole, joinPhone, ROOT, tempDir } from './harness.js';

const dirs: string[] = [];
const newDir = () => {
  const dir = tempDir();
  dirs.push(dir);
  return dir;
};

/** A forum made once and copied wherever a test needs an existing one. */
let forumFile = '';
let forumTitle = '';
beforeAll(async () => {
  forumFile = join(newDir(), 'forum.db');
  forumTitle = (await makeForum(forumFile)).title;
});

afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

const serverOf = (proc: { port: number; slug: string; consoleUrl: string; joinCode: string }) => ({
  url: `http://127.0.0.1:${proc.port}`,
  socketUrl: `http://127.0.0.1:${proc.port}/f/${proc.slug}`,
  facilitatorKey: consoleKeyOf(proc.consoleUrl),
  joinCode: proc.joinCode,
});

describe('one server per database file', () => {
  it('refuses a second server on the same file by name, touching nothing; a kill -9 leaves no stale lock', async () => {
    const dir = newDir();
    const db = join(dir, 'forum.db');
    const first = await startServerProcess({ VICHE_DB: db, ADMISSION: 'open' });
    try {
      const before = filesIn(dir);
      expect(Object.keys(before)).toEqual(expect.arrayContaining(['forum.db', 'forum.db-wal']));

      const line = oneSentence(await runCli({ VICHE_DB: db }));
      expect(line).toContain(db);
      expect(line).toContain(`another Viche server (process ${first.child.pid} `);
      // The database, its write-ahead log and the lock are byte for byte as they were; nothing was added.
      expect(filesIn(dir)).toEqual(before);

      // The first server never noticed.
      const phone = await joinPhone(serverOf(first), 'Перша');
      phone.close();
    } finally {
      await stopServer(first, 'SIGKILL');
    }

    // The system dropped the dead server's lock with its process: a new one starts at once.
    const again = await startServerProcess({ VICHE_DB: db, ADMISSION: 'open' });
    try {
      const admin = await connectConsole(serverOf(again));
      const view = await admin.next<ConsoleView>('console');
      expect(view.participants.map((p) => p.name)).toEqual(['Перша']);
      admin.close();
    } finally {
      await stopServer(again);
    }
  });

  it('releases the lock at a clean stop: the lock file is gone and another server starts', async () => {
    const dir = newDir();
    const db = join(dir, 'forum.db');
    const first = await startServerProcess({ VICHE_DB: db });
    expect(existsSync(`${db}-lock`)).toBe(true);
    expect(await stopServer(first, 'SIGTERM')).toBe(0);
    expect(existsSync(`${db}-lock`)).toBe(false);
    const second = await startServerProcess({ VICHE_DB: db });
    expect(await stopServer(second, 'SIGTERM')).toBe(0);
  });
});

describe('a database that cannot be written', () => {
  // Root writes through any file permission, so the server runs as nobody to meet them as a user
  // would; not as root, the current user meets them the same way. Nobody must be able to read this
  // checkout to run the server from it: a checkout inside a private folder (mode 0700, as mktemp
  // makes) is out of reach, and then the server runs as root without the capabilities that let root
  // write through permissions (RunOptions.withoutOverride), meeting them as the files' owner.
  const asRoot = process.getuid?.() === 0;
  const nobodyCanRun =
    asRoot &&
    spawnSync(process.execPath, ['-e', `require('fs').accessSync(${JSON.stringify(join(ROOT, 'node_modules/socket.io/package.json'))})`], {
      uid: 65534,
      gid: 65534,
    }).status === 0;
  const user: RunOptions = !asRoot ? {} : nobodyCanRun ? { uid: 65534, gid: 65534 } : { withoutOverride: true };
  const own = (path: string) => {
    if (nobodyCanRun) chownSync(path, 65534, 65534);
  };
  let top = '';
  let env: Record<string, string> = {};

  beforeAll(() => {
    top = newDir();
    chmodSync(top, 0o755);
    // A temp folder the server's user may write, and nothing else sees.
    const tmp = join(top, 'tmp');
    mkdirSync(tmp);
    chmodSync(tmp, 0o777);
    env = { TMPDIR: tmp };
  });

  afterAll(() => {
    // Give the folders back so that they can be removed.
    for (const sub of ['file', 'folder']) if (existsSync(join(top, sub))) chmodSync(join(top, sub), 0o755);
  });

  /** A folder the server's user owns, holding a copy of a forum; `mode`s applied last. */
  function place(name: string, fileMode: number, folderMode: number): { folder: string; db: string } {
    const folder = join(top, name);
    mkdirSync(folder);
    const db = join(folder, 'forum.db');
    copyFileSync(forumFile, db);
    own(folder);
    own(db);
    chmodSync(db, fileMode);
    chmodSync(folder, folderMode);
    return { folder, db };
  }

  it('refuses a read-only database file, and writes nothing', async () => {
    const { folder, db } = place('file', 0o444, 0o755);
    const before = filesIn(folder);
    const line = oneSentence(await runCli({ ...env, VICHE_DB: db }, user));
    expect(line).toContain(`${db} is read-only`);
    expect(filesIn(folder)).toEqual(before);
  });

  it('refuses a writable file in a read-only folder, and writes nothing', async () => {
    const { folder, db } = place('folder', 0o644, 0o555);
    const before = filesIn(folder);
    const line = oneSentence(await runCli({ ...env, VICHE_DB: db }, user));
    expect(line).toContain(`The folder ${folder} is read-only`);
    expect(filesIn(folder)).toEqual(before);
  });
});

describe('a start that cannot go on says why in one sentence and leaves no new or changed file', () => {
  /** Runs the CLI in `dir` and expects it refused, with the folder exactly as it was; returns the sentence. */
  async function refusedStart(dir: string, env: Record<string, string>): Promise<string> {
    const before = filesIn(dir);
    const line = oneSentence(await runCli(env));
    // Ukrainian first, then English, as the rest of the start-up text.
    expect(line).toMatch(/^Віче не може запуститися: .+ \/ Viche cannot start: /);
    expect(filesIn(dir)).toEqual(before);
    return line;
  }

  it('a port in use: names the port; neither the new database nor the folder made for it is left', async () => {
    const dir = newDir();
    const blocker: Server = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as { port: number }).port;
    try {
      const line = await refusedStart(dir, { PORT: String(port), VICHE_DB: join(dir, 'evening', 'forum.db') });
      expect(line).toContain(`Port ${port} is already in use`);
      expect(existsSync(join(dir, 'evening'))).toBe(false);
    } finally {
      await new Promise((resolve) => blocker.close(resolve));
    }
  });

  it('a new forum whose template is missing: names the template, no database created', async () => {
    const dir = newDir();
    const line = await refusedStart(dir, { VICHE_DB: join(dir, 'forum.db'), VICHE_TEMPLATE: '/nonexistent.json' });
    expect(line).toContain('/nonexistent.json');
    expect(line).toContain('there is no such file');
  });

  it('a new forum whose template is not JSON: names the template', async () => {
    const dir = newDir();
    const template = join(dir, 'broken.json');
    writeFileSync(template, '{ "vision": "Місто, ');
    const line = await refusedStart(dir, { VICHE_DB: join(dir, 'forum.db'), VICHE_TEMPLATE: template });
    expect(line).toContain(template);
  });

  it('VICHE_DB naming a folder', async () => {
    const dir = newDir();
    mkdirSync(join(dir, 'forum.db'));
    const line = await refusedStart(dir, { VICHE_DB: join(dir, 'forum.db') });
    expect(line).toContain('points to a folder');
  });

  it('a file that is not a database', async () => {
    const dir = newDir();
    writeFileSync(join(dir, 'forum.db'), 'Протокол зборів, чернетка.\n'.repeat(300));
    const line = await refusedStart(dir, { VICHE_DB: join(dir, 'forum.db') });
    expect(line).toContain(`${join(dir, 'forum.db')} is not a database`);
  });

  it("another program's SQLite database", async () => {
    const dir = newDir();
    const other = new Database(join(dir, 'birds.db'));
    other.exec("CREATE TABLE sightings (species TEXT, seen_at TEXT); INSERT INTO sightings VALUES ('лелека', '2026-05-01')");
    other.close();
    const line = await refusedStart(dir, { VICHE_DB: join(dir, 'birds.db') });
    expect(line).toContain("a SQLite database, but not Viche's");
  });

  it('a database from a newer Viche: refused before it is switched to WAL', async () => {
    const dir = newDir();
    const db = join(dir, 'forum.db');
    const newer = new Database(db);
    newer.exec('CREATE TABLE forums (id TEXT PRIMARY KEY); CREATE TABLE events (seq INTEGER PRIMARY KEY); PRAGMA user_version = 99');
    newer.close();
    const line = await refusedStart(dir, { VICHE_DB: db });
    expect(line).toContain('newer version of Viche (schema 99');
    expect(existsSync(`${db}-wal`)).toBe(false);
    const check = new Database(db, { readonly: true });
    expect(check.pragma('journal_mode', { simple: true })).toBe('delete');
    check.close();
  });

  it('an existing forum does not read the template: it starts with a broken VICHE_TEMPLATE and serves its forum', async () => {
    const dir = newDir();
    const db = join(dir, 'forum.db');
    copyFileSync(forumFile, db);
    const proc = await startServerProcess({ VICHE_DB: db, VICHE_TEMPLATE: '/nonexistent.json', ADMISSION: 'open' });
    try {
      const admin = await connectConsole(serverOf(proc));
      const view = await admin.next<ConsoleView>('console');
      expect(view.forum.title).toBe(forumTitle);
      admin.close();
      (await joinPhone(serverOf(proc))).close();
    } finally {
      await stopServer(proc);
    }
  });
});
