// Deleting a city vote's personal data in a SQLite file is done by a worker thread
// (server/db/anonymiseWorker.ts), no longer on the server's: the log it leaves is the one the
// server's own thread leaves (a database in memory still anonymises there), stand-in for stand-in,
// and the backups taken before it that hold the forum's personal data are deleted with it, while a
// backup from before the forum existed stays. Real SQLite files in a temp folder, no server.

import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { ForumEvent } from '../../shared/forum/types.js';
import { backupDirOf } from '../db/backup.js';
import { StorageConflict } from '../errors.js';
import { SqliteStore, type PersonalDataDeleted } from '../db/sqlite.js';
import { created } from '../../scripts/bench-store.js';
import { tempDir } from './harness.js';

const VOTERS = 400;
const hex = (bytes: number) => randomBytes(bytes).toString('hex');

/** A closed city vote's log: joins with person ids and addresses, a second device for every tenth person, a renamed person, the list, a moved ballot, ballots. */
function voteEvents(): { events: ForumEvent[]; secrets: string[] } {
  const secrets: string[] = [];
  const events: ForumEvent[] = [{ type: 'eligibleListed', batch: 1, entries: Array.from({ length: 50 }, () => hex(16)), at: 2 }];
  secrets.push(...(events[0] as { entries: string[] }).entries);
  for (let i = 0; i < VOTERS; i++) {
    const personId = hex(32);
    const address = `10.9.${i >> 8}.${i & 255}`;
    secrets.push(personId);
    events.push({ type: 'participantJoined', participantId: `p${i}`, tokenHash: hex(32), name: `Мешканка ${i}`, at: 3, address, personId });
    if (i % 10 === 0) events.push({ type: 'deviceLinked', participantId: `p${i}`, personId, tokenHash: hex(32), at: 4 });
    if (i % 50 === 0) events.push({ type: 'participantRenamed', participantId: `p${i}`, name: `Інше ім’я ${i}` });
    events.push({ type: 'cityBallotCast', participantId: `p${i}`, budgetId: 'b', ballot: { kind: 'knapsack', budgetId: 'b', projectIds: [`x${i % 7}`] }, receiptHash: hex(32), at: 5 });
  }
  events.push({ type: 'participantJoined', participantId: 'hall', tokenHash: hex(32), name: 'Гість', at: 6, address: '192.168.7.7' });
  events.push({ type: 'ballotMoved', participantId: 'hall', ticketId: 't1', tokenHash: hex(32), address: '192.168.7.8', at: 7 });
  return { events, secrets };
}

const forum = { id: 'f1', joinCode: '123456', createdAt: 1, joinSecret: 's', screenKey: 'k' };
const entry = { at: 1, action: 'created' as const, forumId: 'f1', title: 'Bench', detail: '' };
const anonymised: ForumEvent = { type: 'personsAnonymised', at: 8, by: 'facilitator' };

/** The log with each stand-in renamed by its first appearance: two rewrites of one log compare equal when they differ only in their random stand-ins. */
function canonical(events: ForumEvent[]): string {
  const names = new Map<string, string>();
  const name = (s: string) => names.get(s) ?? (names.set(s, `#${names.size}`), names.get(s)!);
  return JSON.stringify(
    events.map((e) => {
      if ((e.type === 'participantJoined' || e.type === 'deviceLinked') && e.personId !== undefined) return { ...e, personId: name(e.personId) };
      if (e.type === 'eligibleListed') return { ...e, entries: e.entries.map(name) };
      return e;
    }),
  );
}

describe("a city vote's personal data deleted by a worker thread", () => {
  const dir = tempDir();
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('leaves the log the server’s own thread leaves, and deletes the backups that held the data', async () => {
    const { events, secrets } = voteEvents();
    const reports: PersonalDataDeleted[] = [];
    const path = join(dir, 'forum.db');
    const file = new SqliteStore(path, { onPersonalDataDeleted: (r) => reports.push(r) });
    const memory = new SqliteStore(':memory:');
    // A backup from before the forum existed holds none of its data, and stays.
    await file.createForum({ ...forum, id: 'other' }, [{ ...(created as Extract<ForumEvent, { type: 'forumCreated' }>), id: 'other' }], { ...entry, forumId: 'other' });
    const early = await file.backup({ kind: 'manual' });
    const stores = [memory, file];
    const lasts: number[] = [];
    for (const store of stores) {
      await store.createForum(forum, [created], entry);
      lasts.push(await store.appendBatch('f1', 1, [{ events, actionKey: null }]));
    }
    const held = [await file.backup({ kind: 'hourly' }), await file.backup({ kind: 'city-vote', keep: 5 })];
    for (const backup of held) expect(readFileSync(backup.file).includes(secrets[60])).toBe(true);

    const after = await Promise.all(stores.map((store, i) => store.appendBatch('f1', lasts[i], [{ events: [anonymised], actionKey: 'a1' }])));
    expect(after).toEqual([events.length + 2, events.length + 2]);
    const [inThread, inWorker] = await Promise.all(stores.map(async (store) => (await store.loadLog('f1')).events.map((s) => s.event)));
    expect(canonical(inWorker)).toBe(canonical(inThread));
    // What the rewrite is for: none of it is left, and the same person's devices share a stand-in.
    const text = JSON.stringify(inWorker);
    for (const secret of secrets) expect(text.includes(secret)).toBe(false);
    expect(text).not.toContain('10.9.');
    expect(text).not.toContain('Мешканка');
    const joined = inWorker.find((e) => e.type === 'participantJoined' && e.participantId === 'p10') as { personId: string };
    const linked = inWorker.find((e) => e.type === 'deviceLinked' && e.participantId === 'p10') as { personId: string };
    expect(linked.personId).toBe(joined.personId);

    // The backups that held it are gone, and the log says so; the early one stays.
    expect(reports).toHaveLength(1);
    expect(reports[0]).toMatchObject({ forumId: 'f1', eventsRewritten: VOTERS + VOTERS / 10 + VOTERS / 50 + 1 + 2, backupsUnreadable: [] });
    expect(reports[0].backupsDeleted.sort()).toEqual(held.map((b) => b.file).sort());
    for (const backup of held) expect(existsSync(backup.file)).toBe(false);
    expect(readdirSync(backupDirOf(path))).toEqual([early.file.slice(backupDirOf(path).length + 1)]);
    // A backup taken after the deletion holds none of it, and a later write goes on from the worker's last event.
    const later = await file.backup({ kind: 'manual' });
    for (const secret of secrets.slice(0, 80)) expect(readFileSync(later.file).includes(secret)).toBe(false);
    expect(await file.appendBatch('f1', after[1], [{ events: [{ type: 'phaseChanged', from: 'results', to: 'closed' }], actionKey: null }])).toBe(after[1] + 1);
    await Promise.all(stores.map((s) => s.close()));
    // Reopened, the file holds what the worker stored.
    const reopened = new SqliteStore(path);
    expect(canonical((await reopened.loadLog('f1')).events.map((s) => s.event).slice(0, -1))).toBe(canonical(inThread));
    await reopened.close();
  });

  it('deletes two forums’ data at once, one write after the other, while a third forum goes on writing', async () => {
    const path = join(dir, 'two.db');
    const store = new SqliteStore(path);
    const ids = ['a', 'b', 'c'];
    const lasts = new Map<string, number>();
    const secrets = new Map<string, string[]>();
    for (const id of ids) {
      await store.createForum({ ...forum, id }, [{ ...(created as Extract<ForumEvent, { type: 'forumCreated' }>), id }], { ...entry, forumId: id });
      const vote = voteEvents();
      secrets.set(id, vote.secrets);
      lasts.set(id, await store.appendBatch(id, 1, [{ events: vote.events, actionKey: null }]));
    }
    // c's phases move on, a batch at a time, while a and b are anonymised.
    const phases = (async () => {
      let last = lasts.get('c')!;
      for (let i = 0; i < 20; i++) last = await store.appendBatch('c', last, [{ events: [{ type: 'phaseChanged', from: 'results', to: 'closed' }], actionKey: null }]);
      return last;
    })();
    const [a, b, c] = await Promise.all([
      store.appendBatch('a', lasts.get('a')!, [{ events: [anonymised], actionKey: null }]),
      store.appendBatch('b', lasts.get('b')!, [{ events: [anonymised], actionKey: null }]),
      phases,
    ]);
    expect([a, b, c]).toEqual([lasts.get('a')! + 1, lasts.get('b')! + 1, lasts.get('c')! + 20]);
    for (const id of ['a', 'b']) {
      const text = JSON.stringify((await store.loadLog(id)).events.map((e) => e.event));
      for (const secret of secrets.get(id)!) expect(text.includes(secret)).toBe(false);
    }
    // c kept its personal data: it was not anonymised.
    expect(JSON.stringify((await store.loadLog('c')).events.map((e) => e.event))).toContain(secrets.get('c')![60]);
    await store.close();
  });

  it('refuses a batch that does not follow the last event stored, and stores nothing', async () => {
    const path = join(dir, 'conflict.db');
    const store = new SqliteStore(path);
    await store.createForum(forum, [created], entry);
    const { events } = voteEvents();
    const last = await store.appendBatch('f1', 1, [{ events, actionKey: null }]);
    await expect(store.appendBatch('f1', last - 1, [{ events: [anonymised], actionKey: null }])).rejects.toBeInstanceOf(StorageConflict);
    const log = (await store.loadLog('f1')).events.map((s) => s.event);
    expect(log.some((e) => e.type === 'personsAnonymised')).toBe(false);
    expect(JSON.stringify(log)).toContain('Мешканка 1');
    await store.close();
  });
});
