// What a server checks of its database before it opens, with the real CLI and the real restore
// as child processes: the one-writer lock holds for every name of the file (a symlink, a hard
// link), so neither a second server nor a restore gets past a running one; a log that breaks the
// rules, a row that is not an event, and an emptied file each stop the start in one sentence that
// names what is wrong and the way out; READ_ONLY=1 opens such a file to look at it, saving
// nothing; a disk full at start is one sentence too.

import Database from 'better-sqlite3';
import { execFileSync } from 'node:child_process';
import { closeSync, copyFileSync, existsSync, linkSync, lstatSync, openSync, readFileSync, rmSync, symlinkSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConsoleView } from '../../shared/protocol.js';
import { startServerProcess } from '../../scripts/process.js';
import { consoleKeyOf, filesIn, makeForum, oneSentence, runCli, runScript, stopServer } from './cli.js';
import { connectConsole, joinPhone, tempDir } from './harness.js';

const dirs: string[] = [];
const newDir = () => {
  const dir = tempDir();
  dirs.push(dir);
  return dir;
};
let mounted: string | null = null;

let forumFile = '';
let forumTitle = '';
beforeAll(async () => {
  forumFile = join(newDir(), 'forum.db');
  forumTitle = (await makeForum(forumFile)).title;
});

afterAll(() => {
  if (mounted) execFileSync('umount', [mounted]);
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

const serverOf = (proc: { port: number; slug: string; consoleUrl: string; joinCode: string }) => ({
  url: `http://127.0.0.1:${proc.port}`,
  socketUrl: `http://127.0.0.1:${proc.port}/f/${proc.slug}`,
  facilitatorKey: consoleKeyOf(proc.consoleUrl),
  joinCode: proc.joinCode,
});

/** A copy of the forum in a folder of its own. */
function copyOfForum(): { dir: string; db: string } {
  const dir = newDir();
  const db = join(dir, 'forum.db');
  copyFileSync(forumFile, db);
  return { dir, db };
}


/**
 * The start-up sentence says it in Ukrainian, then in English; the checks below read the English
 * half, after checking that the Ukrainian one comes first.
 */
function englishOf(line: string): string {
  expect(line).toMatch(/^Віче не може запуститися: .+ \/ Viche cannot start: /);
  return line.slice(line.indexOf(' / Viche cannot start: ') + ' / '.length);
}

describe('the one-writer lock holds for every name of the file', () => {
  /** Every file in `dir`, the running server's -wal and -shm only by name. */
  const namesAndForumOf = (dir: string) =>
    Object.fromEntries(Object.entries(filesIn(dir)).map(([name, hash]) => [name, /-(wal|shm)$/.test(name) ? 'running server’s' : hash]));

  it('refuses a second server through a symlink and through a hard link, naming the server and the file it opened', async () => {
    const { dir, db } = copyOfForum();
    const other = newDir();
    const viaSymlink = join(other, 'linked.db');
    symlinkSync(db, viaSymlink);
    const viaHardLink = join(other, 'same.db');
    linkSync(db, viaHardLink);
    const first = await startServerProcess({ VICHE_DB: db, ADMISSION: 'open' });
    try {
      // The running server's own -wal and -shm change as it reads and writes (a reader marks the -shm):
      // that they are there is compared, not their bytes.
      const before = namesAndForumOf(dir);
      for (const name of [viaSymlink, viaHardLink]) {
        const line = englishOf(oneSentence(await runCli({ VICHE_DB: name })));
        expect(line).toMatch(/^Viche cannot start: /);
        expect(line).toContain(`${name} is in use by another Viche server (process ${first.child.pid} `);
        expect(line).toContain(`the same file as ${db}, which it opened`);
      }
      // Neither refused server left a -wal of its own beside its name, nor touched the forum.
      expect(namesAndForumOf(dir)).toEqual(before);
      expect(existsSync(`${viaHardLink}-wal`)).toBe(false);
      expect(existsSync(`${viaSymlink}-wal`)).toBe(false);
      (await joinPhone(serverOf(first), 'Перша')).close();
    } finally {
      await stopServer(first);
    }
    // Stopped cleanly, the file is free by every name.
    const again = await startServerProcess({ VICHE_DB: viaHardLink });
    expect(await stopServer(again)).toBe(0);
  });

  it('locks a new forum by its inode as soon as the file is made', async () => {
    const dir = newDir();
    const db = join(dir, 'new.db');
    const first = await startServerProcess({ VICHE_DB: db });
    try {
      const link = join(dir, 'other-name.db');
      linkSync(db, link);
      const line = englishOf(oneSentence(await runCli({ VICHE_DB: link })));
      expect(line).toContain(`${link} is in use by another Viche server (process ${first.child.pid} `);
    } finally {
      await stopServer(first);
    }
  });

  it('refuses a restore through a symlink while the server runs; stopped, the restore replaces the file the link points to', async () => {
    const { dir, db } = copyOfForum();
    const backup = join(newDir(), 'backup.db');
    copyFileSync(forumFile, backup);
    const link = join(newDir(), 'linked.db');
    symlinkSync(db, link);
    const first = await startServerProcess({ VICHE_DB: db, ADMISSION: 'open' });
    try {
      (await joinPhone(serverOf(first), 'Жива')).close();
      const before = namesAndForumOf(dir);
      const refused = await runScript('scripts/restore.ts', [backup], { VICHE_DB: link });
      expect(refused.code).toBe(1);
      expect(refused.stderr.trim()).toContain(`${link} is in use by another Viche server (process ${first.child.pid} `);
      expect(refused.stderr.trim()).toContain('Stop that server first, then restore.');
      expect(namesAndForumOf(dir)).toEqual(before);
    } finally {
      await stopServer(first);
    }
    const restored = await runScript('scripts/restore.ts', [backup], { VICHE_DB: link });
    expect(restored.code).toBe(0);
    // The link is still a link, and the file behind it is the backup.
    expect(lstatSync(link).isSymbolicLink()).toBe(true);
    expect(readFileSync(db).equals(readFileSync(backup))).toBe(true);
  });
});

describe('a log that breaks the rules stops the start, naming the event', () => {
  /** The forum's file with one more row appended by something other than the server. */
  function damaged(type: string, payload: string): { dir: string; db: string; seq: number } {
    const { dir, db } = copyOfForum();
    const file = new Database(db);
    const { id } = file.prepare('SELECT id FROM forums').get() as { id: string };
    const seq = file.prepare('INSERT INTO events (forum_id, seq, type, payload, action_key, recorded_at) SELECT @forum, COALESCE(MAX(seq), 0) + 1, @type, @payload, NULL, @at FROM events WHERE forum_id = @forum RETURNING seq').pluck().get({ forum: id, type, payload, at: Date.now() }) as number;
    file.close();
    return { dir, db, seq };
  }

  async function refused(dir: string, env: Record<string, string>): Promise<string> {
    const before = filesIn(dir);
    const line = englishOf(oneSentence(await runCli(env)));
    expect(line).toMatch(/^Viche cannot start: /);
    expect(filesIn(dir)).toEqual(before);
    return line;
  }

  it('a garbled event: refused with the event and the way out; READ_ONLY=1 opens it, saving nothing', async () => {
    const { dir, db, seq } = damaged('dotPlaced', '{"type":"dotPlaced","participantId":"p1","id');
    const line = await refused(dir, { VICHE_DB: db });
    expect(line).toContain(`The log of forum 1 "${forumTitle}" in ${db} is damaged: event ${seq} (dotPlaced) cannot be read: its payload is not JSON;`);
    expect(line).toContain('put a backup in its place with npm run restore FILE, or start read-only with READ_ONLY=1');

    const before = readFileSync(db);
    const proc = await startServerProcess({ VICHE_DB: db, ADMISSION: 'open', READ_ONLY: '1' });
    try {
      expect(proc.output()).toContain('Started read-only (READ_ONLY=1): nothing is saved, every action is refused.');
      expect(proc.output()).toContain(`event ${seq} (dotPlaced) cannot be read`);
      const admin = await connectConsole(serverOf(proc));
      const view = await admin.next<ConsoleView>('console');
      expect(view.forum.title).toBe(forumTitle);
      // The console is told at once, as of any storage fault.
      expect(view.health.storage).toMatchObject({ ok: false, cause: 'readOnlyStart' });
      const ack = await admin.send('phase:set', { to: 'ideas' });
      expect(ack).toMatchObject({ ok: false, error: { code: 'STORAGE_UNAVAILABLE' } });
      expect(JSON.stringify(ack)).toContain('READ_ONLY=1');
      admin.close();
      // What was saved can still be taken away, as the forum's file.
      const server = serverOf(proc);
      const file = await fetch(`${server.socketUrl}/api/forum.json`, { headers: { 'x-facilitator-key': server.facilitatorKey } });
      expect(file.status).toBe(200);
      expect(await file.text()).toContain(forumTitle);
    } finally {
      await stopServer(proc);
    }
    expect(readFileSync(db).equals(before)).toBe(true);
  });

  it('an event the rules would have refused: refused, naming it and the rule', async () => {
    const { dir, db, seq } = damaged('dotPlaced', JSON.stringify({ type: 'dotPlaced', participantId: 'p-stranger', ideaId: 'i-nowhere' }));
    const line = await refused(dir, { VICHE_DB: db });
    expect(line).toContain(`in ${db} is damaged: event ${seq} (dotPlaced) breaks the rules with `);
    expect(line).toContain('npm run restore FILE');
  });

  it('a start leaves a mark the next checks from; an event added or changed after it is still found', async () => {
    const { dir, db } = copyOfForum();
    const clean = await startServerProcess({ VICHE_DB: db, LOG_LEVEL: 'debug' });
    expect(await stopServer(clean)).toBe(0);
    // The first start checked every event; the next, none: nothing was added since.
    expect(clean.output()).toMatch(/"checked":[1-9]\d*,"msg":"log checked against the rules"/);
    const next = await startServerProcess({ VICHE_DB: db, LOG_LEVEL: 'debug' });
    expect(await stopServer(next)).toBe(0);
    expect(next.output()).toMatch(/"checked":0,"msg":"log checked against the rules"/);
    const file = new Database(db);
    const mark = JSON.parse((file.prepare("SELECT value FROM settings WHERE name = 'log_checked'").get() as { value: string }).value) as Record<string, { seq: number }>;
    const { id, seq: last } = file.prepare('SELECT forum_id AS id, MAX(seq) AS seq FROM events').get() as { id: string; seq: number };
    expect(mark[id].seq).toBe(last);
    // Appended after the mark: checked.
    const added = file
      .prepare('INSERT INTO events (forum_id, seq, type, payload, action_key, recorded_at) SELECT @forum, COALESCE(MAX(seq), 0) + 1, @type, @payload, NULL, @at FROM events WHERE forum_id = @forum RETURNING seq')
      .pluck()
      .get({ forum: id, type: 'dotPlaced', payload: JSON.stringify({ type: 'dotPlaced', participantId: 'p-stranger', ideaId: 'i-nowhere' }), at: Date.now() }) as number;
    file.close();
    expect(await refused(dir, { VICHE_DB: db })).toContain(`event ${added} (dotPlaced) breaks the rules with `);

    // Changed before the mark: the digest no longer matches, and the whole log is checked again.
    const again = new Database(db);
    again.prepare('DELETE FROM events WHERE seq = ?').run(added);
    const first = again.prepare('SELECT seq, payload FROM events ORDER BY seq LIMIT 1').get() as { seq: number; payload: string };
    const created = JSON.parse(first.payload) as { rules: Record<string, number> };
    created.rules.maxDotsPerIdea = 99;
    again.prepare('UPDATE events SET payload = ? WHERE seq = ?').run(JSON.stringify(created), first.seq);
    again.close();
    expect(await refused(dir, { VICHE_DB: db })).toContain(`event ${first.seq} (forumCreated) breaks the rules with `);
  });

  it('a file damaged below the log (its pages overwritten) is one sentence with the way out', async () => {
    const { dir, db } = copyOfForum();
    const bytes = readFileSync(db);
    const pageSize = bytes.readUInt16BE(16);
    // The first page (the schema) stays whole; every table's pages become noise.
    for (let i = pageSize; i < bytes.length; i++) bytes[i] = (i * 131) & 0xff;
    writeFileSync(db, bytes);
    const line = await refused(dir, { VICHE_DB: db });
    expect(line).toMatch(new RegExp(`^Viche cannot start: ${db.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} is damaged \\(SQLite: [^)]+\\): put a backup in its place with npm run restore FILE, or start read-only with READ_ONLY=1 to see what can still be read\\.$`));
  });

  it('a 0-byte file is not a new forum: refused, and left as it is', async () => {
    const dir = newDir();
    const db = join(dir, 'forum.db');
    writeFileSync(db, '');
    const line = await refused(dir, { VICHE_DB: db });
    expect(line).toBe(`Viche cannot start: ${db} is empty (0 bytes), not a forum's database: put a backup in its place with npm run restore FILE, or remove the empty file to start a new forum.`);
  });

  it('READ_ONLY=1 on a file that does not exist is refused, creating nothing', async () => {
    const dir = newDir();
    const line = await refused(dir, { VICHE_DB: join(dir, 'forum.db'), READ_ONLY: '1' });
    expect(line).toContain('READ_ONLY=1 opens an existing forum');
  });

  it('a clean log starts as before', async () => {
    const { db } = copyOfForum();
    const proc = await startServerProcess({ VICHE_DB: db });
    expect(proc.output()).not.toContain('read-only');
    expect(await stopServer(proc)).toBe(0);
  });
});

/** A small disk of its own (tmpfs), when this machine lets the test mount one. */
function mountSmallDisk(): string | null {
  const dir = newDir();
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=2m', 'tmpfs', dir], { stdio: 'ignore' });
    mounted = dir;
    return dir;
  } catch {
    return null;
  }
}

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

describe('a full disk at start', () => {
  const disk = mountSmallDisk();
  it.skipIf(!disk)('is one sentence that says so (needs the right to mount a tmpfs)', async () => {
    const db = join(disk!, 'forum.db');
    copyFileSync(forumFile, db);
    fillDisk(join(disk!, 'filler'));
    const line = englishOf(oneSentence(await runCli({ VICHE_DB: db })));
    expect(line).toBe(`Viche cannot start: The disk holding ${db} is full, so the forum cannot be opened: free some space on it, then start again.`);
  });
});
