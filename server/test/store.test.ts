// One contract for every store: what the room relies on, run against SQLite, memory and
// PostgreSQL alike (a real cluster, server/test/postgres.ts; each test a schema of its own).

import Database from 'better-sqlite3';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { ForumEvent } from '../../shared/forum/types.js';
import { created, joined, record } from './storeEvents.js';
import { PostgresStore } from '../db/postgres.js';
import { SqliteStore } from '../db/sqlite.js';
import { MemoryStore, type ForumRecord, type ForumStore, type ServerLogEntry } from '../db/store.js';
import { StorageConflict } from '../errors.js';
import { StorageHealth } from '../forum/storage.js';
import { ForumRoom } from '../forum/room.js';
import { tempDir } from './harness.js';
import { postgresMissing, startPostgres, type TestPostgres } from './postgres.js';

const entry = (action: ServerLogEntry['action'], forumId = 'f1'): ServerLogEntry => ({ at: 1, action, forumId, title: 'Т', detail: '' });

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

const pgMissing = postgresMissing();
let postgres: TestPostgres | null = null;
let schemas = 0;
beforeAll(async () => {
  if (!pgMissing) postgres = await startPostgres();
}, 120_000);
afterAll(async () => {
  await postgres?.stop();
});

type StoreKind = [string, () => { store: ForumStore; reopen: () => ForumStore }];
const kinds: StoreKind[] = [
  ['memory', () => {
    const store = new MemoryStore();
    return { store, reopen: () => store };
  }],
  ['sqlite', () => {
    const dir = tempDir();
    dirs.push(dir);
    const path = join(dir, 'nested', 'forum.db');
    return { store: new SqliteStore(path), reopen: () => new SqliteStore(path) };
  }],
  // Over PostgreSQL where its programs are installed: always in CI (postgresMissing is null under
  // CI=true, where .ci/run installs them).
  ...(pgMissing
    ? []
    : [['postgres', () => {
        const schema = `contract_${++schemas}`;
        return { store: new PostgresStore(postgres!.url, { schema }), reopen: () => new PostgresStore(postgres!.url, { schema }) };
      }] satisfies StoreKind]),
];

describe.each(kinds)('%s store', (_name, make) => {
  it('is empty at first, then gives back a created forum with its events in order', async () => {
    const { store, reopen } = make();
    expect(await store.loadForums()).toEqual([]);
    const stored: ForumRecord = await store.createForum(record, [created], entry('created'));
    expect(stored).toEqual({ ...record, slug: '1' });
    expect(await store.appendBatch('f1', 1, [{ events: [joined(1), joined(2)], actionKey: 'p1:action-1' }])).toBe(3);
    expect(await store.appendBatch('f1', 3, [{ events: [joined(3)], actionKey: null }])).toBe(4);
    await store.close();
    const again = reopen();
    const [loaded] = await again.loadForums();
    expect(loaded.forum).toEqual(stored);
    expect(loaded.events.map((e) => e.event)).toEqual([created, joined(1), joined(2), joined(3)]);
    expect(loaded.events.map((e) => e.actionKey)).toEqual([null, 'p1:action-1', null, null]);
    expect(loaded.events.map((e) => e.seq)).toEqual([1, 2, 3, 4]);
    expect((await again.loadEventsAfter('f1', 0)).map((e) => e.event)).toEqual(loaded.events.map((e) => e.event));
    expect((await again.serverLog()).map((e) => e.action)).toEqual(['created']);
    await again.close();
  });

  it('keeps forums apart, deletes one whole with a log entry, and keeps the settings', async () => {
    const { store, reopen } = make();
    await store.createForum(record, [created], entry('created'));
    const second = { ...record, id: 'f2', joinCode: '654321' };
    await store.createForum(second, [{ ...created, id: 'f2' } as ForumEvent, joined(9)], entry('created', 'f2'));
    await store.appendBatch('f1', 1, [{ events: [joined(1)], actionKey: null }]);
    await store.setSetting('facilitator_key', 'a-key-of-sixteen-chars');
    await expect(store.createForum({ ...second }, [created], entry('created', 'f3'))).rejects.toThrow();
    await store.deleteForum('f1', entry('deleted'));
    await store.close();
    const again = reopen();
    expect((await again.loadForums()).map((f) => [f.forum.id, f.events.length])).toEqual([['f2', 2]]);
    expect(await again.loadEventsAfter('f1', 0)).toEqual([]);
    expect(await again.getSetting('facilitator_key')).toBe('a-key-of-sixteen-chars');
    expect((await again.serverLog()).map((e) => `${e.action} ${e.forumId}`)).toEqual(['created f1', 'created f2', 'deleted f1']);
    await again.close();
  });

  it('rewrites the events that carry personal data in the batch that deletes it, and keeps no snapshot from before', async () => {
    const { store, reopen } = make();
    await store.createForum(record, [created], entry('created'));
    const person = 'a'.repeat(64);
    const other = 'b'.repeat(64);
    const before: ForumEvent[] = [
      { type: 'eligibleListed', batch: 1, entries: ['c'.repeat(32), 'd'.repeat(32)], at: 2 },
      { type: 'participantJoined', participantId: 'p1', tokenHash: 'e'.repeat(64), name: 'Олена Коваленко', at: 3, address: '10.1.2.3', personId: person },
      { type: 'participantJoined', participantId: 'p2', tokenHash: 'f'.repeat(64), name: 'Петро', at: 4, address: '10.1.2.4', personId: other },
      { type: 'deviceLinked', participantId: 'p1', personId: person, tokenHash: '1'.repeat(64), at: 5 },
      { type: 'participantRenamed', participantId: 'p2', name: 'Петро Шевчук' },
      joined(9),
    ];
    await store.appendBatch('f1', 1, [{ events: before, actionKey: null }]);
    await store.saveSnapshot('f1', 7, '{"a snapshot":"holding person ids"}');
    expect(await store.latestSnapshot('f1')).not.toBeNull();
    await store.appendBatch('f1', 7, [{ events: [{ type: 'personsAnonymised', at: 10, by: 'facilitator' }], actionKey: null }]);
    // A snapshot of an event before the deletion, finished after it, is not kept.
    await store.saveSnapshot('f1', 6, '{"a snapshot":"taken before"}');
    await store.close();
    const again = reopen();
    const events = (await again.loadEventsAfter('f1', 0)).map((e) => e.event);
    expect(await again.latestSnapshot('f1')).toBeNull();
    const text = JSON.stringify(events);
    for (const gone of [person, other, 'c'.repeat(32), '10.1.2.3', 'Олена Коваленко', 'Петро Шевчук']) expect(text.includes(gone), gone).toBe(false);
    const [listed, first, second, linked, renamed, plain, deleted] = events.slice(1) as Extract<ForumEvent, { type: string }>[];
    expect(listed).toMatchObject({ type: 'eligibleListed', batch: 1 });
    expect((listed as { entries: string[] }).entries).toHaveLength(2);
    expect(first).toMatchObject({ type: 'participantJoined', participantId: 'p1', name: '', tokenHash: 'e'.repeat(64) });
    expect('address' in first).toBe(false);
    // One person's stand-in wherever they recur; another's differs.
    expect((linked as { personId: string }).personId).toBe((first as { personId: string }).personId);
    expect((second as { personId: string }).personId).not.toBe((first as { personId: string }).personId);
    expect(renamed).toEqual({ type: 'participantRenamed', participantId: 'p2', name: '' });
    // A participant who joined without proving who they are keeps their name.
    expect(plain).toEqual(joined(9));
    expect(deleted).toEqual({ type: 'personsAnonymised', at: 10, by: 'facilitator' });
    await again.close();
  });

  it('rewrites every row of a vote of thousands when it deletes its personal data', async () => {
    const { store, reopen } = make();
    await store.createForum(record, [created], entry('created'));
    // More rows than the rewrite takes in one statement, so that the slices meet.
    const persons = Array.from({ length: 4_500 }, (_, i) => String(i).padStart(64, 'a'));
    const joins: ForumEvent[] = persons.map((personId, i) => ({ type: 'participantJoined', participantId: `p${i}`, tokenHash: 'e'.repeat(64), name: `Мешканка ${i}`, at: 3, address: `10.9.${i >> 8}.${i & 255}`, personId }));
    const last = await store.appendBatch('f1', 1, [{ events: joins, actionKey: null }]);
    await store.appendBatch('f1', last, [{ events: [{ type: 'personsAnonymised', at: 10, by: 'facilitator' }], actionKey: null }]);
    await store.close();
    const again = reopen();
    const events = (await again.loadEventsAfter('f1', 0)).map((e) => e.event);
    expect(events).toHaveLength(joins.length + 2);
    const stored = events.filter((e): e is Extract<ForumEvent, { type: 'participantJoined' }> => e.type === 'participantJoined');
    expect(stored.map((e) => e.participantId)).toEqual(joins.map((_, i) => `p${i}`));
    expect(stored.every((e) => e.name === '' && !('address' in e))).toBe(true);
    const standIns = new Set(stored.map((e) => e.personId));
    expect(standIns.size).toBe(persons.length);
    for (const person of persons) expect(standIns.has(person)).toBe(false);
    await again.close();
  }, 60_000);

  it('stores nothing of a batch that fails, and keeps action keys as given', async () => {
    const { store } = make();
    await store.createForum(record, [created], entry('created'));
    // An event that cannot be written, second in the batch's second action.
    const unwritable = { ...joined(3), toJSON: () => { throw new Error('unwritable'); } } as unknown as ForumEvent;
    await expect(store.appendBatch('f1', 1, [{ events: [joined(1)], actionKey: 'p1:a' }, { events: [joined(2), unwritable], actionKey: 'p2:b' }])).rejects.toThrow();
    await expect(store.appendBatch('nope', 0, [{ events: [joined(4)], actionKey: null }])).rejects.toThrow();
    expect((await store.loadForums())[0].events).toHaveLength(1);
    // Action keys are the room's to check (forum/actionKeys.ts): the store keeps what it is given.
    await store.appendBatch('f1', 1, [{ events: [joined(1)], actionKey: 'p1:a' }, { events: [joined(2)], actionKey: 'p1:a' }]);
    expect((await store.loadEventsAfter('f1', 0)).map((e) => e.actionKey)).toEqual([null, 'p1:a', 'p1:a']);
    await store.close();
  });

  it('refuses a stale writer with a conflict, storing nothing of its batch', async () => {
    const { store, reopen } = make();
    await store.createForum(record, [created], entry('created'));
    expect(await store.appendBatch('f1', 1, [{ events: [joined(1)], actionKey: 'p1:a' }])).toBe(2);
    // Another writer that still believes the forum ends at event 1, and one that runs ahead.
    for (const stale of [1, 0, 3]) {
      const refused = await store.appendBatch('f1', stale, [{ events: [joined(2)], actionKey: 'p2:b' }]).then(
        () => null,
        (err: unknown) => err,
      );
      expect(refused).toBeInstanceOf(StorageConflict);
      expect(refused).toMatchObject({ forumId: 'f1', expectedSeq: stale, storedSeq: 2 });
    }
    // The one that read the forum's end goes on.
    expect(await store.appendBatch('f1', 2, [{ events: [joined(3)], actionKey: null }])).toBe(3);
    await store.close();
    const again = reopen();
    expect((await again.loadEventsAfter('f1', 0)).map((e) => [e.seq, e.event])).toEqual([[1, created], [2, joined(1)], [3, joined(3)]]);
    await again.close();
  });

  it('reads the events after a seq, a page at a time, and none past the end or of an unknown forum', async () => {
    const { store } = make();
    await store.createForum(record, [created, joined(1)], entry('created'));
    await store.appendBatch('f1', 2, [{ events: [joined(2), joined(3)], actionKey: 'p2:a' }, { events: [joined(4)], actionKey: null }]);
    expect((await store.loadEventsAfter('f1', 2)).map((e) => e.seq)).toEqual([3, 4, 5]);
    expect(await store.loadEventsAfter('f1', 2, 2)).toEqual([
      { seq: 3, event: joined(2), actionKey: 'p2:a' },
      { seq: 4, event: joined(3), actionKey: null },
    ]);
    expect((await store.loadEventsAfter('f1', 4, 10)).map((e) => e.event)).toEqual([joined(4)]);
    expect(await store.loadEventsAfter('f1', 5)).toEqual([]);
    expect(await store.loadEventsAfter('nope', 0)).toEqual([]);
    // What is read is a copy: changing it changes nothing stored.
    const [first] = await store.loadEventsAfter('f1', 0, 1);
    (first.event as { title: string }).title = 'changed';
    expect((await store.loadEventsAfter('f1', 0, 1))[0].event).toEqual(created);
    await store.close();
  });

  it('numbers each forum\'s events from 1, apart from the others', async () => {
    const { store, reopen } = make();
    await store.createForum(record, [created, joined(1)], entry('created'));
    await store.createForum({ ...record, id: 'f2' }, [{ ...created, id: 'f2' } as ForumEvent], entry('created', 'f2'));
    expect(await store.appendBatch('f2', 1, [{ events: [joined(5)], actionKey: null }])).toBe(2);
    expect(await store.appendBatch('f1', 2, [{ events: [joined(2)], actionKey: null }])).toBe(3);
    await store.beginImport({ ...record, id: 'f3' });
    await store.importEvents('f3', [{ ...created, id: 'f3' } as ForumEvent, joined(7)]);
    await store.importEvents('f3', [joined(8)]);
    await store.finishImport('f3', entry('imported', 'f3'));
    await store.close();
    const again = reopen();
    const seqs = Object.fromEntries((await again.loadForums()).map((f) => [f.forum.id, f.events.map((e) => e.seq)]));
    expect(seqs).toEqual({ f1: [1, 2, 3], f2: [1, 2], f3: [1, 2, 3] });
    await again.close();
  });

  it('gives forums addresses 1, 2, 3… without a duplicate, never one a deleted forum had', async () => {
    const { store, reopen } = make();
    const slugs: string[] = [];
    for (const id of ['a', 'b', 'c']) slugs.push((await store.createForum({ ...record, id }, [created], entry('created', id))).slug);
    await store.deleteForum('c', entry('deleted', 'c'));
    await store.beginImport({ ...record, id: 'd' });
    slugs.push((await store.createForum({ ...record, id: 'e' }, [created], entry('created', 'e'))).slug);
    slugs.push(await store.finishImport('d', entry('imported', 'd')));
    // Asked for at once: each still gets its own.
    const many = await Promise.all(['f', 'g', 'h'].map(async (id) => (await store.createForum({ ...record, id }, [created], entry('created', id))).slug));
    slugs.push(...many);
    expect(slugs).toEqual(['1', '2', '3', '4', '5', '6', '7', '8']);
    await store.close();
    const again = reopen();
    expect((await again.createForum({ ...record, id: 'i' }, [created], entry('created', 'i'))).slug).toBe('9');
    expect(new Set((await again.loadForums()).map((f) => f.forum.slug)).size).toBe(8);
    await again.close();
  });

  it('keeps a forum\'s latest snapshots, gives back the newest, and deletes them with the forum', async () => {
    const { store, reopen } = make();
    await store.createForum(record, [created], entry('created'));
    await store.createForum({ ...record, id: 'f2' }, [{ ...created, id: 'f2' }], entry('created', 'f2'));
    await store.appendBatch('f1', 1, [{ events: [joined(1), joined(2), joined(3)], actionKey: null }]);
    expect(await store.latestSnapshot('f1')).toBeNull();
    await store.saveSnapshot('f1', 2, 'at 2');
    await store.saveSnapshot('f1', 3, 'at 3');
    await store.saveSnapshot('f1', 4, 'at 4');
    await store.saveSnapshot('f2', 1, 'other');
    await store.close();
    const again = reopen();
    expect(await again.latestSnapshot('f1')).toEqual({ seq: 4, body: 'at 4' });
    expect(await again.latestSnapshot('f2')).toEqual({ seq: 1, body: 'other' });
    expect(await again.latestSnapshot('nobody')).toBeNull();
    if (again instanceof SqliteStore) {
      const raw = new Database(again.path, { readonly: true });
      expect(raw.prepare("SELECT seq FROM snapshots WHERE forum_id = 'f1' ORDER BY seq").pluck().all()).toEqual([3, 4]);
      expect(raw.prepare("SELECT DISTINCT seq FROM snapshot_parts WHERE forum_id = 'f1' ORDER BY seq").pluck().all()).toEqual([3, 4]);
      raw.close();
    }
    await again.deleteForum('f1', entry('deleted'));
    expect(await again.latestSnapshot('f1')).toBeNull();
    expect(await again.latestSnapshot('f2')).toEqual({ seq: 1, body: 'other' });
    if (again instanceof SqliteStore) {
      const raw = new Database(again.path, { readonly: true });
      expect(raw.prepare("SELECT COUNT(*) FROM snapshots WHERE forum_id = 'f1'").pluck().get()).toBe(0);
      expect(raw.prepare("SELECT COUNT(*) FROM snapshot_parts WHERE forum_id = 'f1'").pluck().get()).toBe(0);
      raw.close();
    }
  });

  it('gives back a long snapshot whole, as it was saved', async () => {
    const { store } = make();
    await store.createForum(record, [created], entry('created'));
    const body = JSON.stringify({ text: Array.from({ length: 300_000 }, (_, i) => `є${i}`).join(' ') });
    await store.saveSnapshot('f1', 1, body);
    expect((await store.latestSnapshot('f1'))?.body).toBe(body);
  });

  it('reads a forum for opening by parts: where its snapshot is, its body apart, a passed-over one not read, its log and action ids a page at a time', async () => {
    const { store } = make();
    await store.createForum(record, [created], entry('created'));
    await store.appendBatch('f1', 1, [1, 2, 3, 4, 5].map((n) => ({ events: [joined(n)], actionKey: n % 2 ? `p${n}:a` : null })));
    await store.saveSnapshot('f1', 4, 'at 4');
    const head = await store.loadForum('f1', { fromSnapshot: true, headOnly: true });
    expect(head).toEqual({ forum: expect.objectContaining({ id: 'f1' }), events: [], snapshot: { seq: 4 } });
    expect(await store.snapshotAt('f1', 4)).toBe('at 4');
    expect(await store.snapshotAt('f1', 3)).toBeNull();
    const asked: [string, number][] = [];
    const passed = await store.loadForum('f1', { fromSnapshot: true, useSnapshot: (id, seq) => (asked.push([id, seq]), false) });
    expect(asked).toEqual([['f1', 4]]);
    expect(passed?.snapshot).toBeUndefined();
    expect(passed?.passedOver).toBe(4);
    expect(passed?.events.map((e) => e.seq)).toEqual([1, 2, 3, 4, 5, 6]);
    const page = await store.loadLog('f1', { after: 2, limit: 3 });
    expect(page.events.map((e) => e.seq)).toEqual([3, 4, 5]);
    expect((await store.loadLog('f1', { after: 0, limit: 10, until: 5, keyedOnly: true })).events.map((e) => e.actionKey)).toEqual(['p1:a', 'p3:a']);
    expect(await store.loadActionKeys('f1', { after: 2, limit: 1, until: 6 })).toEqual([{ seq: 4, actionKey: 'p3:a' }]);
    expect(await store.loadActionKeys('f1', { after: 4, limit: 10 })).toEqual([{ seq: 6, actionKey: 'p5:a' }]);
  });

  it('refuses a snapshot beyond the log\'s end, keeping the one before', async () => {
    const { store } = make();
    await store.createForum(record, [created], entry('created'));
    await store.appendBatch('f1', 1, [{ events: [joined(1)], actionKey: null }]);
    await store.saveSnapshot('f1', 2, 'at 2');
    await expect(store.saveSnapshot('f1', 3, 'beyond')).rejects.toThrow(/no event 3/);
    await expect(store.saveSnapshot('f1', 0, 'before')).rejects.toThrow(/no event 0/);
    await expect(store.saveSnapshot('nobody', 1, 'x')).rejects.toThrow();
    expect(await store.latestSnapshot('f1')).toEqual({ seq: 2, body: 'at 2' });
  });

  it('keeps each forum\'s summary for the lists, never putting an older one back, and deletes it with the forum', async () => {
    const { store, reopen } = make();
    await store.createForum(record, [created], entry('created'));
    await store.createForum({ ...record, id: 'f2' }, [{ ...created, id: 'f2' }], entry('created', 'f2'));
    expect(await store.summaries()).toEqual([]);
    await store.saveSummary('f1', 1, '{"phase":"lobby"}');
    await store.saveSummary('f2', 1, '{"phase":"ideas"}');
    await store.saveSummary('f1', 4, '{"phase":"voting"}');
    // A slower writer's summary of an earlier event is not kept; one of the same event replaces it.
    await store.saveSummary('f1', 3, '{"phase":"review"}');
    await store.saveSummary('f2', 1, '{"phase":"review"}');
    // None for a forum not stored.
    await store.saveSummary('nobody', 9, '{}');
    await store.close();
    const again = reopen();
    expect(await again.summaries()).toEqual([
      { forumId: 'f1', seq: 4, body: '{"phase":"voting"}' },
      { forumId: 'f2', seq: 1, body: '{"phase":"review"}' },
    ]);
    await again.deleteForum('f1', entry('deleted'));
    expect((await again.summaries()).map((s) => s.forumId)).toEqual(['f2']);
    // A forum made again under a deleted one's id starts without its summary.
    await again.createForum(record, [created], entry('created'));
    expect((await again.summaries()).map((s) => s.forumId)).toEqual(['f2']);
    await again.close();
  });

  it('lets a room replay the forum exactly, including which actions were done', async () => {
    const { store, reopen } = make();
    const room = await ForumRoom.create(store, record, [created], entry('created'), new StorageHealth());
    room.commit([joined(1)]);
    room.commit([{ type: 'participantRenamed', participantId: 'p1', name: 'Оля' }], 'p1:rename-1');
    room.commit([{ type: 'phaseChanged', from: 'lobby', to: 'ideas' }]);
    expect(await room.durable()).toBeNull();
    room.close();
    await store.close();
    const reopened = reopen();
    const again = await ForumRoom.load(reopened, (await reopened.loadForums())[0], new StorageHealth());
    expect(again.record).toEqual(room.record);
    expect(again.state.phase).toBe('ideas');
    expect([...again.state.participants.keys()]).toEqual(['p1']);
    expect(again.findAction('p1:rename-1')).toEqual({ command: 'participant:rename', target: null, ideaId: null });
    expect(again.findAction('p1:other')).toBeUndefined();
    again.close();
  });
});

describe('sqlite file', () => {
  it('passes over a snapshot beyond the log\'s end, as another program could leave one', async () => {
    const dir = tempDir();
    dirs.push(dir);
    const store = new SqliteStore(join(dir, 'forum.db'));
    await store.createForum(record, [created], entry('created'));
    await store.saveSnapshot('f1', 1, 'at 1');
    const raw = new Database(store.path);
    raw.prepare("INSERT INTO snapshots (forum_id, seq, taken_at) VALUES ('f1', 9, 0)").run();
    raw.prepare("INSERT INTO snapshot_parts (forum_id, seq, part, body) VALUES ('f1', 9, 0, 'beyond')").run();
    raw.close();
    expect(await store.latestSnapshot('f1')).toEqual({ seq: 1, body: 'at 1' });
    await store.close();
  });

  it('runs in WAL mode with full sync, and refuses a file from a newer schema', async () => {
    const dir = tempDir();
    dirs.push(dir);
    const path = join(dir, 'forum.db');
    await new SqliteStore(path).close();
    const raw = new Database(path);
    expect(raw.pragma('journal_mode', { simple: true })).toBe('wal');
    raw.pragma('user_version = 99');
    raw.close();
    expect(() => new SqliteStore(path)).toThrow(/newer version/);
  });

  it('gives two connections to one file, writing in turns, addresses without a duplicate, and refuses the one behind', async () => {
    const dir = tempDir();
    dirs.push(dir);
    const path = join(dir, 'forum.db');
    const one = new SqliteStore(path);
    const two = new SqliteStore(path);
    const slugs: string[] = [];
    for (let i = 0; i < 6; i++) slugs.push((await (i % 2 ? two : one).createForum({ ...record, id: `f${i}` }, [created], entry('created', `f${i}`))).slug);
    expect(slugs).toEqual(['1', '2', '3', '4', '5', '6']);
    // Both read the forum at event 1; the first to write wins, the other is told it is behind.
    expect(await one.appendBatch('f0', 1, [{ events: [joined(1)], actionKey: null }])).toBe(2);
    await expect(two.appendBatch('f0', 1, [{ events: [joined(2)], actionKey: null }])).rejects.toBeInstanceOf(StorageConflict);
    expect((await two.loadEventsAfter('f0', 1)).map((e) => e.event)).toEqual([joined(1)]);
    expect(await two.appendBatch('f0', 2, [{ events: [joined(2)], actionKey: null }])).toBe(3);
    await one.close();
    await two.close();
  });

  it('opens a file of the schema before per-forum numbering with every event in order, and numbers on', async () => {
    const dir = tempDir();
    dirs.push(dir);
    const path = join(dir, 'old.db');
    const made = new Database(path);
    made.exec(readFileSync(join(import.meta.dirname, 'fixtures', 'schema-4.sql'), 'utf8'));
    made.close();
    const before = new Database(path, { readonly: true });
    expect(before.pragma('user_version', { simple: true })).toBe(4);
    /** Each forum's events in the old file, in their global order. */
    const old = before.prepare('SELECT forum_id, payload FROM events ORDER BY seq').all() as { forum_id: string; payload: string }[];
    const oldLog = (before.prepare("SELECT detail FROM server_log WHERE action = 'deleted'").all() as { detail: string }[]).map((r) => r.detail);
    before.close();
    const store = new SqliteStore(path);
    const forums = await store.loadForums();
    expect(forums.length).toBeGreaterThan(1);
    for (const f of forums) {
      expect(f.events.map((e) => e.seq)).toEqual(f.events.map((_, i) => i + 1));
      expect(f.events.map((e) => JSON.stringify(e.event))).toEqual(old.filter((r) => r.forum_id === f.forum.id).map((r) => r.payload));
    }
    const [first] = forums;
    expect(await store.appendBatch(first.forum.id, first.events.length, [{ events: [joined(99)], actionKey: 'p99:a' }])).toBe(first.events.length + 1);
    await expect(store.appendBatch(first.forum.id, first.events.length, [{ events: [joined(98)], actionKey: null }])).rejects.toBeInstanceOf(StorageConflict);
    // The next address is after every address given before, a deleted forum's included.
    const taken = [...forums.map((f) => Number(f.forum.slug)), ...oldLog.map((d) => Number(/\d+$/.exec(d)![0]))];
    const next = await store.createForum({ ...record, id: 'new' }, [created], entry('created', 'new'));
    expect(Number(next.slug)).toBe(Math.max(...taken) + 1);
    await store.close();
  });
});

describe.each(kinds)('%s store, a forum moved here from a file', (name, make) => {
  it('is stored a slice at a time under a hidden address, and gets its address and log entry at the end', async () => {
    const { store, reopen } = make();
    await store.beginImport(record);
    await store.importEvents('f1', [created, joined(1)]);
    await store.importEvents('f1', [joined(2), joined(3)]);
    expect(await store.loadForums()).toEqual([]);
    expect(await store.finishImport('f1', entry('imported'))).toBe('1');
    await store.close();
    const again = reopen();
    const [loaded] = await again.loadForums();
    expect(loaded.forum.slug).toBe('1');
    expect(loaded.events.map((e) => e.event)).toEqual([created, joined(1), joined(2), joined(3)]);
    expect((await again.serverLog()).map((e) => e.action)).toEqual(['imported']);
    // Read back a page at a time, as a forum file is written.
    const first = await again.loadEventsAfter('f1', 0, 2);
    expect(first.map((e) => e.event)).toEqual([created, joined(1)]);
    expect((await again.loadEventsAfter('f1', first[1].seq, 2)).map((e) => e.event)).toEqual([joined(2), joined(3)]);
  });

  it('leaves nothing of an import given up, or (on disk) of one cut short by a stop', async () => {
    const { store, reopen } = make();
    await store.beginImport(record);
    await store.importEvents('f1', [created, joined(1)]);
    await store.abortImport('f1');
    expect(await store.loadForums()).toEqual([]);
    if (name !== 'sqlite') return;
    await store.beginImport(record);
    await store.importEvents('f1', [created, joined(1)]);
    await store.close();
    const again = reopen();
    expect(await again.loadForums()).toEqual([]);
    expect(await again.loadEventsAfter('f1', 0)).toEqual([]);
  });
});
