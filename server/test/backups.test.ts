// Which backups the server keeps, with real servers and a real SQLite file: across twenty restarts
// the last five shutdowns and the latest backup of each phase of each forum; a database at an older
// schema kept as it was before it is migrated (and put back by `npm run restore`); hourly backups
// only while a forum runs and something changed; pruning by kind, never of a file not ours.

import Database from 'better-sqlite3';
import { readdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { ForumsView } from '../../shared/protocol.js';
import { BACKUPS_KEPT, backupDatabase, backupDatabaseNow, backupDirOf, listBackups, parseBackupName, type BackupReason } from '../db/backup.js';
import { SCHEMA_VERSION } from '../db/sqlite.js';
import { loadTemplate } from '../forum/template.js';
import type { ExportResults } from '../http/export.js';
import { filesIn, makeForum, oneSentence, runCli, runScript, sleep, TEMPLATE } from './cli.js';
import { connect, connectConsole, joinPhone, ok, startTestServer, tempDir, type TestClient, type TestServer } from './harness.js';
import { definition, firstForum, forumAt as cityForumAt, newCityForum } from './cityForum.js';

const dirs: string[] = [];
const newDir = () => {
  const dir = tempDir();
  dirs.push(dir);
  return dir;
};
const clients: TestClient[] = [];
const running: TestServer[] = [];
afterAll(async () => {
  for (const c of clients) c.close();
  for (const s of running) await s.close();
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

async function start(dbPath: string, overrides: Parameters<typeof startTestServer>[0] = {}): Promise<TestServer> {
  const server = await startTestServer({ dbPath, ...overrides });
  running.push(server);
  return server;
}

async function stop(server: TestServer): Promise<void> {
  for (const c of clients.splice(0)) c.close();
  await server.close();
  running.splice(running.indexOf(server), 1);
}

const forumAt = (server: TestServer, slug: string) => ({
  url: server.url,
  socketUrl: `${server.url}/f/${slug}`,
  facilitatorKey: server.facilitatorKey,
  get joinCode() {
    return server.forums.bySlug(slug)!.attached.admission.joinInfo(Date.now()).joinCode;
  },
});

/** The backups' names beside a database, oldest first. */
const namesIn = (dbPath: string) => listBackups(dbPath).map((b) => basename(b.file)).reverse();
const labelsIn = (dbPath: string) => namesIn(dbPath).map((n) => /Z-(.+)\.db$/.exec(n)![1]);

async function until(test: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 500; i++) {
    if (test()) return;
    await sleep(40);
  }
  throw new Error(`gave up waiting until ${what}`);
}

/** How many events of a type a database file holds, read without changing it. */
function eventsIn(path: string, type: string, forumId?: string): number {
  const db = new Database(path, { readonly: true, fileMustExist: true });
  try {
    const sql = `SELECT count(*) AS n FROM events WHERE type = ?${forumId ? ' AND forum_id = ?' : ''}`;
    return (db.prepare(sql).get(...(forumId ? [type, forumId] : [type])) as { n: number }).n;
  } finally {
    db.close();
  }
}

/** Everything a database file holds: its schema version, its tables and indexes, and every row. */
function contentOf(path: string) {
  const db = new Database(path, { readonly: true, fileMustExist: true });
  try {
    const schema = db.prepare("SELECT type, name, sql FROM sqlite_master WHERE name NOT LIKE 'sqlite_%' ORDER BY name").all() as { type: string; name: string }[];
    const tables = schema.filter((s) => s.type === 'table').map((s) => s.name);
    return {
      version: db.pragma('user_version', { simple: true }) as number,
      schema,
      rows: Object.fromEntries(tables.map((t) => [t, db.prepare(`SELECT * FROM "${t}" ORDER BY rowid`).all()])),
    };
  } finally {
    db.close();
  }
}

describe('backups kept', () => {
  it('across twenty restarts: the last five shutdowns and the latest backup of each phase of each forum', async () => {
    const dbPath = join(newDir(), 'forum.db');
    const shutdowns: string[] = [];
    let firstForum = '';
    let secondForum = '';
    // The phase moves made in restarts 0 to 6, forum 1's back and forth included.
    const moves: Record<number, { slug: string; to: 'ideas' | 'review' | 'voting' }> = {
      0: { slug: '1', to: 'ideas' },
      1: { slug: '1', to: 'review' },
      2: { slug: '1', to: 'ideas' },
      3: { slug: '1', to: 'review' },
      4: { slug: '1', to: 'voting' },
      6: { slug: '2', to: 'ideas' },
    };
    for (let restart = 0; restart < 20; restart++) {
      const server = await start(dbPath);
      firstForum ||= server.forums.bySlug('1')!.room.record.id;
      if (restart === 5) {
        const { title, structure } = loadTemplate(TEMPLATE);
        secondForum = (await server.forums.create({ title: `${title} (2)`, structure, admission: 'open', titled: true })).room.record.id;
      }
      const move = moves[restart];
      if (move) {
        const admin = await connectConsole(forumAt(server, move.slug));
        clients.push(admin);
        const since = Date.now();
        ok(await admin.send('phase:set', { to: move.to }));
        const label = `phase-${move.to}-forum-${move.slug}`;
        await until(() => listBackups(dbPath).some((b) => b.at >= since && b.file.endsWith(`-${label}.db`)), `the backup of restart ${restart}'s phase change`);
      }
      // Most evenings have someone joining; some restarts change nothing.
      if (restart % 3 !== 2) clients.push(await joinPhone(forumAt(server, '1'), `Мешканка ${restart}`));
      await stop(server);
      const newest = listBackups(dbPath)[0];
      expect(parseBackupName(newest.file)?.kind).toBe('shutdown');
      shutdowns.push(basename(newest.file));
    }

    const names = namesIn(dbPath);
    expect(names.filter((n) => n.endsWith('-shutdown.db'))).toEqual(shutdowns.slice(-BACKUPS_KEPT.shutdown));
    const phases = labelsIn(dbPath).filter((l) => l.startsWith('phase-')).sort();
    expect(phases).toEqual(['phase-ideas-forum-1', 'phase-ideas-forum-2', 'phase-review-forum-1', 'phase-voting-forum-1']);
    expect(names).toHaveLength(BACKUPS_KEPT.shutdown + 4);
    // Each is the latest of its phase: forum 1's ideas backup was taken at its second opening of ideas.
    const fileOf = (label: string) => join(backupDirOf(dbPath), names.find((n) => n.endsWith(`-${label}.db`))!);
    expect(eventsIn(fileOf('phase-ideas-forum-1'), 'phaseChanged', firstForum)).toBe(3);
    expect(eventsIn(fileOf('phase-review-forum-1'), 'phaseChanged', firstForum)).toBe(4);
    expect(eventsIn(fileOf('phase-voting-forum-1'), 'phaseChanged', firstForum)).toBe(5);
    expect(eventsIn(fileOf('phase-ideas-forum-2'), 'phaseChanged', secondForum)).toBe(1);
    // The last shutdown holds every phone that joined in the twenty evenings.
    const joined = Array.from({ length: 20 }, (_, r) => r).filter((r) => r % 3 !== 2).length;
    expect(eventsIn(join(backupDirOf(dbPath), shutdowns.at(-1)!), 'participantJoined', firstForum)).toBe(joined);
  }, 120_000);
});

describe('a backup before a migration', () => {
  const fixture = readFileSync(join(import.meta.dirname, 'fixtures/single-forum-v2.sql'), 'utf8');
  const hash = /results hash: ([0-9a-f]{64})/.exec(fixture)![1];
  const oldDatabase = (path: string) => {
    const db = new Database(path);
    db.exec(fixture);
    db.close();
  };
  const resultsHash = async (server: TestServer) => {
    const res = await fetch(`${server.url}/f/1/api/export.json`, { headers: { 'x-facilitator-key': server.facilitatorKey } });
    expect(res.status).toBe(200);
    return ((await res.json()) as ExportResults).resultsHash;
  };

  it('keeps a database of an older schema as it was, and `npm run restore` puts that version back', async () => {
    const dir = newDir();
    const dbPath = join(dir, 'viche.db');
    oldDatabase(dbPath);
    const original = join(dir, 'original.db');
    oldDatabase(original);
    expect(contentOf(original).version).toBe(2);

    const server = await start(dbPath, { facilitatorKey: undefined });
    expect(await resultsHash(server)).toBe(hash);
    expect(contentOf(dbPath).version).toBe(SCHEMA_VERSION);
    expect(labelsIn(dbPath)).toEqual(['pre-migration-v2']);
    const kept = listBackups(dbPath)[0].file;
    expect(contentOf(kept)).toEqual(contentOf(original));
    await stop(server);
    expect(labelsIn(dbPath)).toEqual(['pre-migration-v2', 'shutdown']);

    // Put back, the old version's file is the database again, byte for byte in content.
    const restore = await runScript('scripts/restore.ts', [kept], { VICHE_DB: dbPath });
    expect(restore.stderr).toBe('');
    expect(restore.code).toBe(0);
    expect(contentOf(dbPath)).toEqual(contentOf(original));

    // Started again, it is migrated again, with one more backup first; both are kept.
    const again = await start(dbPath, { facilitatorKey: undefined });
    expect(await resultsHash(again)).toBe(hash);
    await stop(again);
    const labels = labelsIn(dbPath);
    expect(labels.filter((l) => l === 'pre-migration-v2')).toHaveLength(2);
    expect(labels.filter((l) => l === 'before-restore')).toHaveLength(1);
    for (const b of listBackups(dbPath).filter((b) => b.file.endsWith('-pre-migration-v2.db'))) expect(contentOf(b.file)).toEqual(contentOf(original));
    // A database already at this version is not kept again.
    const current = await start(dbPath);
    await stop(current);
    expect(labelsIn(dbPath).filter((l) => l.startsWith('pre-migration'))).toHaveLength(2);
  }, 60_000);

  it('refuses to migrate when the copy cannot be written, in one sentence, and changes nothing', async () => {
    const dir = newDir();
    const dbPath = join(dir, 'viche.db');
    oldDatabase(dbPath);
    // Where the backups' folder would go there is a file: the copy cannot be made.
    writeFileSync(backupDirOf(dbPath), 'not a folder\n');
    const before = filesIn(dir);
    const sentence = oneSentence(await runCli({ VICHE_DB: dbPath }));
    expect(sentence).toContain(`Cannot keep a copy of ${dbPath}`);
    expect(sentence).toContain('from 2 to');
    expect(filesIn(dir)).toEqual(before);
    expect(contentOf(dbPath).version).toBe(2);
  }, 60_000);
});

describe('hourly backups', () => {
  it('are taken while a forum runs and something changed since the last, not otherwise', async () => {
    const dbPath = join(newDir(), 'forum.db');
    const intervalMs = 150;
    const server = await start(dbPath, { backupEveryMs: intervalMs });
    const hourly = () => labelsIn(dbPath).filter((l) => l === 'hourly').length;

    // A forum just opened, nothing done since the server started: nothing to back up.
    await sleep(10 * intervalMs);
    expect(hourly()).toBe(0);
    // Someone joins: the next tick backs it up, once.
    clients.push(await joinPhone(forumAt(server, '1'), 'Оксана'));
    await until(() => hourly() === 1, 'the first hourly backup');
    const first = listBackups(dbPath)[0].file;
    expect(eventsIn(first, 'participantJoined')).toBe(1);
    await sleep(10 * intervalMs);
    expect(hourly()).toBe(1);
    clients.push(await joinPhone(forumAt(server, '1'), 'Петро'));
    await until(() => hourly() === 2, 'the second hourly backup');
    expect(eventsIn(listBackups(dbPath)[0].file, 'participantJoined')).toBe(2);

    // Archived, the forum no longer runs: the archiving itself is not backed up hourly.
    const list = await connect(server.url, { role: 'console', key: server.facilitatorKey });
    clients.push(list);
    const view = await list.next<ForumsView>('forums');
    const ack = (await list.socket.timeout(10_000).emitWithAck('forums:archive', { forumId: view.forums[0].id, archived: true })) as { ok: boolean };
    expect(ack.ok).toBe(true);
    await sleep(10 * intervalMs);
    expect(hourly()).toBe(2);
    await stop(server);
  }, 60_000);
});

describe('pruning', () => {
  it('keeps the last of each kind as many as it keeps, each phase of each forum, and never a file not its own', async () => {
    const dbPath = join(newDir(), 'forum.db');
    await makeForum(dbPath);
    const db = new Database(dbPath);
    const t0 = Date.parse('2026-11-26T18:00:00.000Z');
    const made: { label: string; at: number }[] = [];
    // In one step on this thread, as before a migration; the last one as the server takes them.
    const take = async (reason: BackupReason, at: number, inWorker = false) => {
      const { file } = inWorker ? await backupDatabase(dbPath, reason, at) : backupDatabaseNow(db, dbPath, reason, at);
      made.push({ label: /Z-(.+)\.db$/.exec(file)![1], at });
    };
    // Taken out of order: what counts is the time in the name.
    for (let i = 29; i >= 0; i--) await take({ kind: 'hourly' }, t0 + i * 3_600_000);
    for (let i = 0; i < 7; i++) await take({ kind: 'shutdown' }, t0 + i * 86_400_000 + 1);
    for (let i = 0; i < 3; i++) await take({ kind: 'phase', phase: 'ideas', forum: '1' }, t0 + i * 60_000 + 2);
    for (let i = 0; i < 2; i++) await take({ kind: 'phase', phase: 'ideas', forum: '2' }, t0 + i * 60_000 + 3);
    await take({ kind: 'phase', phase: 'voting', forum: '1' }, t0 + 4);
    for (let i = 0; i < 4; i++) await take({ kind: 'pre-migration', fromVersion: i + 1 }, t0 + i * 60_000 + 5);
    for (let i = 0; i < 12; i++) await take({ kind: 'manual' }, t0 + i * 60_000 + 6);
    for (let i = 0; i < 6; i++) await take({ kind: 'before-restore' }, t0 + i * 60_000 + 7);
    // A copy put there by hand, and a phase backup named as before forums were named in them.
    const dir = backupDirOf(dbPath);
    writeFileSync(join(dir, 'before the council meeting.db'), readFileSync(dbPath));
    utimesSync(join(dir, 'before the council meeting.db'), new Date(t0 - 86_400_000), new Date(t0 - 86_400_000));
    writeFileSync(join(dir, 'forum-2026-11-20T10-00-00-000Z-phase-review.db'), readFileSync(dbPath));
    // A copy cut short by a kill -9 two hours ago, and one being written now (by `npm run backup`).
    const cut = join(dir, 'forum-2026-11-26T10-00-00-000Z-hourly.db.partial');
    writeFileSync(cut, 'half a database');
    utimesSync(cut, new Date(Date.now() - 7_200_000), new Date(Date.now() - 7_200_000));
    writeFileSync(join(dir, 'forum-2026-11-26T12-00-00-000Z-manual.db.partial'), 'a database being written');
    await take({ kind: 'shutdown' }, t0 + 7 * 86_400_000 + 1, true);
    db.close();

    const left = readdirSync(dir).sort();
    const newest = (label: string, n: number) =>
      made.filter((m) => m.label === label).sort((a, b) => b.at - a.at).slice(0, n).map((m) => m.at).sort((a, b) => a - b);
    const keptOf = (label: string) =>
      left.map((f) => parseBackupName(join(dir, f))).filter((b) => b && /Z-(.+)\.db$/.exec(basename(b.file))![1] === label).map((b) => b!.at).sort((a, b) => a - b);
    expect(keptOf('hourly')).toEqual(newest('hourly', 24));
    expect(keptOf('shutdown')).toEqual(newest('shutdown', 5));
    expect(keptOf('phase-ideas-forum-1')).toEqual(newest('phase-ideas-forum-1', 1));
    expect(keptOf('phase-ideas-forum-2')).toEqual(newest('phase-ideas-forum-2', 1));
    expect(keptOf('phase-voting-forum-1')).toEqual([t0 + 4]);
    expect(left.filter((f) => f.includes('-pre-migration-v'))).toHaveLength(4);
    expect(keptOf('manual')).toEqual(newest('manual', 10));
    expect(keptOf('before-restore')).toEqual(newest('before-restore', 5));
    expect(left).toContain('before the council meeting.db');
    expect(left).toContain('forum-2026-11-20T10-00-00-000Z-phase-review.db');
    expect(left).not.toContain(basename(cut));
    expect(left).toContain('forum-2026-11-26T12-00-00-000Z-manual.db.partial');
    expect(left).toHaveLength(24 + 5 + 1 + 1 + 1 + 4 + 10 + 5 + 2 + 1);
    // The newest of all is listed first, as the console shows it (a file not ours by its file's time).
    expect(basename(listBackups(dbPath)[0].file)).toBe(`forum-${new Date(t0 + 7 * 86_400_000 + 1).toISOString().replace(/:/g, '-').replace('.', '-')}-shutdown.db`);
  }, 60_000);
});

describe('backups while a city vote is open', () => {
  it('are taken at their interval while ballots come in, the last K kept, and the newest restores to the same log and turnout', async () => {
    const dbPath = join(newDir(), 'forum.db');
    const everyMs = 150;
    const server = await start(dbPath, { cityBackupEveryMs: everyMs, cityBackupsKept: 2, backupEveryMs: 0 });
    const keep = <T extends TestClient>(c: T): T => (clients.push(c), c);
    const cityBackups = () => listBackups(dbPath).filter((b) => b.file.endsWith('-city-vote.db'));
    const { slug, ideas } = await newCityForum(server, keep, await firstForum(server, keep));
    const forum = cityForumAt(server, slug);
    const forumId = server.forums.bySlug(slug)!.room.state.id;
    const admin = keep(await connectConsole(forum));
    ok(await admin.send('city:setVote', { vote: definition(ideas) }));
    // Before the vote opens, none.
    await sleep(6 * everyMs);
    expect(cityBackups()).toHaveLength(0);
    ok(await admin.send('phase:set', { to: 'voting' }));
    for (let i = 1; i <= 3; i++) {
      const voter = keep(await joinPhone(forum, `Виборець ${i}`));
      ok(await voter.send('city:cast', { ballot: { kind: 'knapsack', budgetId: 'centre', projectIds: ['lamps'] }, actionId: `act-backup-${i}-0000` }));
      await until(() => cityBackups().some((b) => eventsIn(b.file, 'cityBallotCast', forumId) === i), `a backup with ${i} ballots`);
    }
    // At least three taken, the last two kept, however many more come.
    expect(cityBackups()).toHaveLength(2);
    await sleep(6 * everyMs);
    expect(cityBackups()).toHaveLength(2);
    const newest = cityBackups()[0].file;

    const restoredPath = join(newDir(), 'restored.db');
    const restore = await runScript('scripts/restore.ts', [newest], { VICHE_DB: restoredPath });
    expect(restore.code).toBe(0);
    const restored = await start(restoredPath, { cityBackupEveryMs: 0 });
    const turnout = async (s: TestServer) =>
      (await (await fetch(`${s.url}/f/${slug}/api/city/turnout.json`, { headers: { 'X-Facilitator-Key': s.facilitatorKey } })).json()) as { voters: number };
    expect(await restored.forums.events(forumId)).toEqual(await server.forums.events(forumId));
    const live = await turnout(server);
    expect(live.voters).toBe(3);
    expect(await turnout(restored)).toEqual(live);
    await stop(restored);
    await stop(server);
  }, 60_000);
});
