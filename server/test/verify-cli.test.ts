// `npm run verify`, run as a child process: a real server runs an evening to results; the hash
// recomputed from its database and from its JSON export is the same, a published hash that agrees
// exits 0, one more dot stored afterwards changes the hash and exits 1, and a file that is neither
// a database nor an export is one line and exit 2.

import Database from 'better-sqlite3';
import { spawnSync } from 'node:child_process';
import { copyFileSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ForumEvent } from '../../shared/forum/types.js';
import type { ScreenView } from '../../shared/protocol.js';
import { connectConsole, connectScreen, joinPhone, ok, ROOT, startTestServer, tempDir, type TestClient } from './harness.js';

interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
}

function verify(...args: string[]): Run {
  const { LOG_LEVEL: _level, VICHE_DB: _db, ...inherited } = process.env;
  const run = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/verify.ts', ...args], { cwd: ROOT, env: inherited, encoding: 'utf8' });
  return { status: run.status, stdout: run.stdout, stderr: run.stderr };
}

const hashOf = (run: Run): string => {
  const found = run.stdout.match(/^SHA-256 ([0-9a-f]{64})$/m);
  if (!found) throw new Error(`no hash in: ${run.stdout}${run.stderr}`);
  return found[1];
};

const dir = tempDir();
const dbPath = join(dir, 'forum.db');
const exportPath = join(dir, 'export.json');
const publicExportPath = join(dir, 'export-no-names.json');
let forumId = '';
let voter = '';
let lastIdea = '';
let shownHash = '';

beforeAll(async () => {
  const server = await startTestServer({ dbPath });
  const clients: TestClient[] = [];
  try {
    const admin = await connectConsole(server);
    clients.push(admin);
    const phones = [await joinPhone(server, 'Оля'), await joinPhone(server, 'Петро'), await joinPhone(server)];
    clients.push(...phones);
    const [a, b, c] = phones;
    ok(await admin.send('phase:set', { to: 'ideas' }));
    const ideas = [
      ok(await a.send('idea:submit', { priorityCode: '1', title: 'Сквер біля річки' })).ideaId,
      ok(await b.send('idea:submit', { priorityCode: '1', title: 'Ліхтарі' })).ideaId,
      ok(await c.send('idea:submit', { priorityCode: '1', title: 'Лавки' })).ideaId,
      ok(await c.send('idea:submit', { priorityCode: '5', goalCode: '5.4', title: 'Дерева' })).ideaId,
    ];
    const offTopic = ok(await b.send('idea:submit', { priorityCode: '1', title: 'Не про місто' })).ideaId;
    ok(await admin.send('phase:set', { to: 'review' }));
    ok(await admin.send('idea:hide', { ideaId: offTopic, reason: 'Не за темою' }));
    ok(await admin.send('phase:set', { to: 'voting' }));
    ok(await a.send('dot:place', { ideaId: ideas[0] }));
    ok(await a.send('dot:place', { ideaId: ideas[1] }));
    ok(await b.send('dot:place', { ideaId: ideas[0] }));
    ok(await b.send('dot:place', { ideaId: ideas[0] }));
    ok(await b.send('dot:place', { ideaId: ideas[3] }));
    ok(await admin.send('phase:set', { to: 'results' }));
    ok(await admin.send('paper:ballots', { count: 1 }));
    ok(await admin.send('paper:dots', { ideaId: ideas[2], count: 2 }));
    // Every priority revealed: the projector shows the hash only once it is final.
    for (const p of server.room.state.structure.priorities) ok(await admin.send('priority:reveal', { priorityCode: p.code }));
    forumId = server.room.state.id;
    voter = c.me.participantId;
    const screen = await connectScreen(server);
    clients.push(screen);
    shownHash = (await screen.next<ScreenView>('screen')).resultsHash ?? '';
    lastIdea = ideas[2];

    for (const [path, query] of [[exportPath, ''], [publicExportPath, '?names=0']]) {
      const res = await fetch(`${server.url}/api/export.json${query}`, { headers: { 'x-facilitator-key': server.facilitatorKey } });
      expect(res.status).toBe(200);
      writeFileSync(path, await res.text());
    }
  } finally {
    for (const client of clients) client.close();
    await server.stop();
  }
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('verify', () => {
  let published = '';

  it('prints the results hash of a database and exits 0', () => {
    const run = verify(dbPath);
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(run.stdout).toContain(`Results of forum ${forumId} ("Житомир 2030") in ${dbPath}:`);
    published = hashOf(run);
  });

  it('gets the same hash from the JSON export, with names or without', () => {
    for (const path of [exportPath, publicExportPath]) {
      const run = verify(path);
      expect(run.stderr).toBe('');
      expect(run.status).toBe(0);
      expect(hashOf(run)).toBe(published);
    }
  });

  it('is the hash the projector showed and every export printed', () => {
    expect(shownHash).toBe(published);
    for (const path of [exportPath, publicExportPath]) {
      expect((JSON.parse(readFileSync(path, 'utf8')) as { resultsHash: string }).resultsHash).toBe(published);
    }
  });

  it('says a published hash matches and exits 0', () => {
    const run = verify(dbPath, published.toUpperCase());
    expect(run.status).toBe(0);
    expect(run.stdout).toContain('It matches the published hash');
  });

  it('exits 1 with a different hash, and shows the results part by part, after one more dot is stored', () => {
    const damagedDir = tempDir();
    try {
      const copy = join(damagedDir, 'forum.db');
      copyFileSync(dbPath, copy);
      const db = new Database(copy);
      const event: ForumEvent = { type: 'dotPlaced', participantId: voter, ideaId: lastIdea };
      db.prepare('INSERT INTO events (forum_id, seq, type, payload, action_key, recorded_at) SELECT @forum, COALESCE(MAX(seq), 0) + 1, @type, @payload, NULL, @at FROM events WHERE forum_id = @forum RETURNING seq').get({ forum: forumId, type: event.type, payload: JSON.stringify(event), at: Date.now() });
      db.close();
      const run = verify(copy, published);
      expect(run.stderr).toBe('');
      expect(run.status).toBe(1);
      expect(hashOf(run)).not.toBe(published);
      expect(run.stdout).toContain(`It does not match the published hash ${published}`);
      expect(run.stdout).toMatch(/^ {2}priority \{"code":"1",.*"id":"[^"]+","paperDots":2,"phoneDots":1,"rank":\d,"supporters":1,"title":"Лавки","total":3\}/m);
    } finally {
      rmSync(damagedDir, { recursive: true, force: true });
    }
  });

  it('names no one: no participant’s name appears in what it prints', () => {
    const run = verify(exportPath, '0'.repeat(64));
    expect(run.status).toBe(1);
    expect(run.stdout).toContain('  priority {"code":"1"');
    for (const name of ['Оля', 'Петро']) expect(run.stdout).not.toContain(name);
  });

  it('exits 2 with one sentence for a file that is neither a database nor an export', () => {
    const text = join(dir, 'notes.txt');
    writeFileSync(text, 'Протокол зборів\n');
    const run = verify(text);
    expect(run.status).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toBe(`${text} is neither a Viche database nor a JSON export of the results.\n`);
    const missing = verify(join(dir, 'nowhere.db'));
    expect(missing.status).toBe(2);
    expect(missing.stderr).toBe(`${join(dir, 'nowhere.db')} does not exist.\n`);
  });
});
