// `npm run verify-log`, run as a child process on a database a real server wrote: clean, it says
// so and exits 0; with rows appended by a second writer (dots over the budget, a dot after
// results) it names each bad event and exits 1; a file it cannot read is one line and exit 2. It
// never changes the file, and leaves no -wal or -shm behind.

import Database from 'better-sqlite3';
import { spawnSync } from 'node:child_process';
import { copyFileSync, readdirSync, readFileSync, rmSync, writeFileSync, type Dirent } from 'node:fs';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ForumEvent } from '../../shared/forum/types.js';
import { connectConsole, joinPhone, ok, ROOT, startTestServer, tempDir, type TestClient } from './harness.js';

interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** The script as `npm run verify-log` runs it, with the file named, or none (then VICHE_DB is used). */
function verifyLog(file: string | null, env: Record<string, string> = {}): Run {
  const { LOG_LEVEL: _level, VICHE_DB: _db, ...inherited } = process.env;
  const run = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/verify-log.ts', ...(file ? [file] : [])], {
    cwd: ROOT,
    env: { ...inherited, ...env },
    encoding: 'utf8',
  });
  return { status: run.status, stdout: run.stdout, stderr: run.stderr };
}

/**
 * Every file under the folder (the server may keep more beside its database, such as backups),
 * with its bytes: what a read-only check must leave exactly as it was.
 */
function folder(dir: string): Record<string, string> {
  const files = (readdirSync(dir, { recursive: true, withFileTypes: true }) as Dirent[]).filter((e) => e.isFile());
  return Object.fromEntries(
    files.map((e) => join(e.parentPath, e.name)).sort().map((path) => [relative(dir, path), readFileSync(path).toString('base64')]),
  );
}

/** SQLite's companions of a database in WAL mode, which a reader must not leave behind. */
const walFiles = (files: Record<string, string>) => Object.keys(files).filter((name) => /-(wal|shm)$/.test(name));

const dir = tempDir();
const dbPath = join(dir, 'forum.db');
/** What the evening left to build damage from. */
let forumId = '';
let olya = '';
let petro = '';
let ideasInOne: string[] = [];

beforeAll(async () => {
  const server = await startTestServer({ dbPath });
  const clients: TestClient[] = [];
  try {
    const admin = await connectConsole(server);
    clients.push(admin);
    ok(await admin.send('admission:setAddressCap', { max: 5 }));
    const phones = [await joinPhone(server, 'Оля'), await joinPhone(server), await joinPhone(server, 'Марко'), await joinPhone(server)];
    clients.push(...phones);
    const [a, b, c, d] = phones;
    [olya, petro] = [a.me.participantId, b.me.participantId];
    ok(await b.send('participant:rename', { name: 'Петро' }));

    ok(await admin.send('phase:set', { to: 'ideas' }));
    ideasInOne = [
      ok(await b.send('idea:submit', { priorityCode: '1', title: 'Сквер біля річки' })).ideaId,
      ok(await b.send('idea:submit', { priorityCode: '1', title: 'Ліхтарі', place: 'Вул. Київська' })).ideaId,
      ok(await c.send('idea:submit', { priorityCode: '1', title: 'Лавки' })).ideaId,
    ];
    const inFive = ok(await c.send('idea:submit', { priorityCode: '5', goalCode: '5.4', title: 'Дерева' })).ideaId;
    const dropped = ok(await a.send('idea:submit', { priorityCode: '3', title: 'Передумала' })).ideaId;
    ok(await a.send('idea:withdraw', { ideaId: dropped }));
    ok(await c.send('idea:edit', { ideaId: inFive, goalCode: '5.4', title: 'Дерева вздовж вулиць' }));
    const offTopic = ok(await d.send('idea:submit', { priorityCode: '1', title: 'Не про місто' })).ideaId;

    ok(await admin.send('phase:set', { to: 'review' }));
    ok(await admin.send('idea:hide', { ideaId: offTopic, reason: 'Не за темою' }));
    ok(await admin.send('idea:restore', { ideaId: offTopic }));
    ok(await admin.send('idea:correct', { ideaId: ideasInOne[1], title: 'Ліхтарі на набережній', place: 'Вул. Київська' }));

    ok(await admin.send('phase:set', { to: 'voting' }));
    // Olya spends her whole budget in priority 1, one dot on each idea.
    for (const ideaId of ideasInOne) ok(await a.send('dot:place', { ideaId }));
    ok(await b.send('dot:place', { ideaId: inFive }));
    ok(await b.send('dot:place', { ideaId: inFive }));
    ok(await b.send('dot:remove', { ideaId: inFive }));
    ok(await d.send('dot:place', { ideaId: ideasInOne[0] }));
    ok(await admin.send('participant:void', { participantId: d.me.participantId, reason: 'Два телефони' }));

    forumId = server.room.state.id;
  } finally {
    for (const c of clients) c.close();
    await server.stop();
  }
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('verify-log on a database the server wrote', () => {
  it('finds no problems, exits 0, and leaves the folder exactly as it was', () => {
    const before = folder(dir);
    expect(before['forum.db']).toBeDefined();
    expect(walFiles(before)).toEqual([]);
    const run = verifyLog(dbPath);
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(run.stdout).toContain(`Checking ${dbPath}.`);
    expect(run.stdout).toMatch(new RegExp(`Forum ${forumId} \\("Житомир 2030"\\): checked \\d+ events\\.`));
    expect(run.stdout).toContain('No problems: every event is one the rules would have allowed at its point in the log.');
    expect(folder(dir)).toEqual(before);
  });

  it('checks the server’s own database (VICHE_DB) when no file is named', () => {
    const run = verifyLog(null, { VICHE_DB: dbPath });
    expect(run.status).toBe(0);
    expect(run.stdout).toContain(`Checking ${dbPath}.`);
  });
});

describe('verify-log on rows a second writer appended', () => {
  const damagedDir = tempDir();
  afterAll(() => rmSync(damagedDir, { recursive: true, force: true }));

  /** Appends events as a second writer would, straight into the table; returns their seqs. */
  function append(db: Database.Database, events: ForumEvent[]): number[] {
    const insert = db.prepare('INSERT INTO events (forum_id, seq, type, payload, action_key, recorded_at) SELECT @forum, COALESCE(MAX(seq), 0) + 1, @type, @payload, NULL, @at FROM events WHERE forum_id = @forum RETURNING seq').pluck();
    return events.map((e) => insert.get({ forum: forumId, type: e.type, payload: JSON.stringify(e), at: Date.now() }) as number);
  }

  const damage = (): ForumEvent[] => [
    // Olya's budget in priority 1 is spent: three more dots, each a second one on its idea (under the cap).
    ...ideasInOne.map((ideaId): ForumEvent => ({ type: 'dotPlaced', participantId: olya, ideaId })),
    { type: 'phaseChanged', from: 'voting', to: 'results' },
    { type: 'dotPlaced', participantId: petro, ideaId: ideasInOne[2] },
  ];

  function expectReported(run: Run, seqs: number[]): void {
    expect(run.stderr).toBe('');
    expect(run.status).toBe(1);
    const [d4, d5, d6, phase, late] = seqs;
    const who = `${olya.slice(0, 8)}…`;
    expect(run.stdout).toContain(`Event ${d4} (dotPlaced) breaks the rules with BUDGET_EXCEEDED: participant ${who} placed a 4th dot in priority 1, whose budget is 3.`);
    expect(run.stdout).toContain(`Event ${d5} (dotPlaced) breaks the rules with BUDGET_EXCEEDED: participant ${who} placed a 5th dot in priority 1, whose budget is 3.`);
    expect(run.stdout).toContain(`Event ${d6} (dotPlaced) breaks the rules with BUDGET_EXCEEDED: participant ${who} placed a 6th dot in priority 1, whose budget is 3.`);
    expect(run.stdout).toMatch(new RegExp(`Event ${late} \\(dotPlaced\\) breaks the rules with WRONG_PHASE: participant ${petro.slice(0, 8)}… placed a dot on idea \\S+, but the forum was in results`));
    // The phase change itself was a legal move, and nothing the server wrote is blamed.
    expect(run.stdout).not.toContain(`Event ${phase} `);
    expect(run.stdout.match(/^ {2}Event /gm)).toHaveLength(4);
    expect(run.stdout).toContain('Found 4 problems');
  }

  it('names each bad event with its seq and refusal, exits 1, and changes nothing', () => {
    const damaged = join(damagedDir, 'forum.db');
    copyFileSync(dbPath, damaged);
    const writer = new Database(damaged);
    const seqs = append(writer, damage());
    writer.close();
    const before = folder(damagedDir);
    expect(Object.keys(before)).toEqual(['forum.db']);
    expect(walFiles(before)).toEqual([]);
    expectReported(verifyLog(damaged), seqs);
    expect(folder(damagedDir)).toEqual(before);
  });

  it('reads commits still in the write-ahead log, while their writer holds the file open', () => {
    const liveDir = tempDir();
    const live = join(liveDir, 'forum.db');
    copyFileSync(dbPath, live);
    const writer = new Database(live);
    try {
      // As a running server (or one killed with -9) leaves it: the rows are only in forum.db-wal.
      writer.pragma('wal_autocheckpoint = 0');
      const seqs = append(writer, damage());
      const before = folder(liveDir);
      expect(Object.keys(before)).toEqual(['forum.db', 'forum.db-shm', 'forum.db-wal']);
      expectReported(verifyLog(live), seqs);
      expect(folder(liveDir)).toEqual(before);
    } finally {
      writer.close();
      rmSync(liveDir, { recursive: true, force: true });
    }
  });
});

describe('verify-log on a file it cannot read', () => {
  const otherDir = tempDir();
  afterAll(() => rmSync(otherDir, { recursive: true, force: true }));

  function expectOneLine(run: Run, line: RegExp): void {
    expect(run.status).toBe(2);
    expect(run.stdout).toBe('');
    const lines = run.stderr.trimEnd().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(line);
    expect(run.stderr).not.toMatch(/^\s+at /m);
  }

  it('a text file named .db: one line naming it, exit 2, the file untouched', () => {
    const notes = join(otherDir, 'notes.db');
    writeFileSync(notes, 'Віче, 12 травня: 130 учасників, 214 ідей.\n'.repeat(40));
    const before = folder(otherDir);
    expectOneLine(verifyLog(notes), new RegExp(`^${notes} is not an SQLite database\\.$`));
    expect(folder(otherDir)).toEqual(before);
  });

  it('a missing file: one line naming it, exit 2, nothing created', () => {
    const missing = join(otherDir, 'nowhere.db');
    const before = folder(otherDir);
    expectOneLine(verifyLog(missing), new RegExp(`^${missing} does not exist\\.$`));
    expect(folder(otherDir)).toEqual(before);
  });

  it('an SQLite database of something else: one line, exit 2', () => {
    const other = join(otherDir, 'other.db');
    const db = new Database(other);
    db.exec('CREATE TABLE notes (id INTEGER PRIMARY KEY, text TEXT)');
    db.close();
    expectOneLine(verifyLog(other), new RegExp(`^${other} is an SQLite database, but not a Viche one`));
  });
});
