// One contract for every store: what the room relies on, run against SQLite and memory alike.

import Database from 'better-sqlite3';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { ForumEvent } from '../../shared/forum/types.js';
import { DEFAULT_RULES } from '../../shared/forum/types.js';
import { SqliteStore } from '../db/sqlite.js';
import { MemoryStore, type ForumRecord, type ForumStore, type ServerLogEntry } from '../db/store.js';
import { StorageHealth } from '../forum/storage.js';
import { ForumRoom } from '../forum/room.js';
import { tempDir } from './harness.js';

const record: ForumRecord = { id: 'f1', slug: '1', joinCode: '123456', createdAt: 1, joinSecret: 's', screenKey: 'sk' };
const entry = (action: ServerLogEntry['action'], forumId = 'f1'): ServerLogEntry => ({ at: 1, action, forumId, title: 'Т', detail: '' });
const created: ForumEvent = {
  type: 'forumCreated',
  id: 'f1',
  title: 'Т',
  joinCode: '123456',
  structure: { vision: 'Т', priorities: [{ code: '1', title: 'П', subtitle: '', color: '#000000', goals: [] }] },
  rules: DEFAULT_RULES,
  at: 1,
};
const joined = (n: number): ForumEvent => ({ type: 'participantJoined', participantId: `p${n}`, tokenHash: `h${n}`, name: `Ім’я ${n}`, at: n });

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

const kinds: [string, () => { store: ForumStore; reopen: () => ForumStore }][] = [
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
];

describe.each(kinds)('%s store', (_name, make) => {
  it('is empty at first, then gives back a created forum with its events in order', () => {
    const { store, reopen } = make();
    expect(store.loadForums()).toEqual([]);
    store.createForum(record, [created], entry('created'));
    store.appendBatch('f1', [{ events: [joined(1), joined(2)], actionKey: 'p1:action-1' }]);
    store.appendBatch('f1', [{ events: [joined(3)], actionKey: null }]);
    store.close();
    const again = reopen();
    const [loaded] = again.loadForums();
    expect(loaded.forum).toEqual(record);
    expect(loaded.events.map((e) => e.event)).toEqual([created, joined(1), joined(2), joined(3)]);
    expect(loaded.events.map((e) => e.actionKey)).toEqual([null, 'p1:action-1', null, null]);
    expect(loaded.events.map((e) => e.seq)).toEqual([...loaded.events.map((e) => e.seq)].sort((a, b) => a - b));
    expect(again.loadEvents('f1').map((e) => e.event)).toEqual(loaded.events.map((e) => e.event));
    expect(again.serverLog().map((e) => e.action)).toEqual(['created']);
    again.close();
  });

  it('keeps forums apart, deletes one whole with a log entry, and keeps the settings', () => {
    const { store, reopen } = make();
    store.createForum(record, [created], entry('created'));
    const second = { ...record, id: 'f2', slug: '2', joinCode: '654321' };
    store.createForum(second, [{ ...created, id: 'f2' } as ForumEvent, joined(9)], entry('created', 'f2'));
    store.appendBatch('f1', [{ events: [joined(1)], actionKey: null }]);
    store.setSetting('facilitator_key', 'a-key-of-sixteen-chars');
    expect(() => store.createForum({ ...second, id: 'f3' }, [created], entry('created', 'f3'))).toThrow();
    store.deleteForum('f1', entry('deleted'));
    store.close();
    const again = reopen();
    expect(again.loadForums().map((f) => [f.forum.id, f.events.length])).toEqual([['f2', 2]]);
    expect(again.loadEvents('f1')).toEqual([]);
    expect(again.getSetting('facilitator_key')).toBe('a-key-of-sixteen-chars');
    expect(again.serverLog().map((e) => `${e.action} ${e.forumId}`)).toEqual(['created f1', 'created f2', 'deleted f1']);
    again.close();
  });

  it('stores nothing of a batch that fails, and keeps action keys as given', () => {
    const { store } = make();
    store.createForum(record, [created], entry('created'));
    // An event that cannot be written, second in the batch's second action.
    const unwritable = { ...joined(3), toJSON: () => { throw new Error('unwritable'); } } as unknown as ForumEvent;
    expect(() => store.appendBatch('f1', [{ events: [joined(1)], actionKey: 'p1:a' }, { events: [joined(2), unwritable], actionKey: 'p2:b' }])).toThrow();
    expect(() => store.appendBatch('nope', [{ events: [joined(4)], actionKey: null }])).toThrow();
    expect(store.loadForums()[0].events).toHaveLength(1);
    // Action keys are the room's to check (forum/actionKeys.ts): the store keeps what it is given.
    store.appendBatch('f1', [{ events: [joined(1)], actionKey: 'p1:a' }, { events: [joined(2)], actionKey: 'p1:a' }]);
    expect(store.loadEvents('f1').map((e) => e.actionKey)).toEqual([null, 'p1:a', 'p1:a']);
    store.close();
  });

  it('lets a room replay the forum exactly, including which actions were done', () => {
    const { store, reopen } = make();
    const room = ForumRoom.create(store, { ...record }, [created], entry('created'), new StorageHealth());
    room.commit([joined(1)]);
    room.commit([{ type: 'participantRenamed', participantId: 'p1', name: 'Оля' }], 'p1:rename-1');
    room.commit([{ type: 'phaseChanged', from: 'lobby', to: 'ideas' }]);
    expect(room.flush()).toBeNull();
    store.close();
    const reopened = reopen();
    const again = ForumRoom.load(reopened, reopened.loadForums()[0], new StorageHealth());
    expect(again.record).toEqual(room.record);
    expect(again.state.phase).toBe('ideas');
    expect([...again.state.participants.keys()]).toEqual(['p1']);
    expect(again.findAction('p1:rename-1')).toEqual({ command: 'participant:rename', target: null, ideaId: null });
    expect(again.findAction('p1:other')).toBeUndefined();
  });
});

describe('sqlite file', () => {
  it('runs in WAL mode with full sync, and refuses a file from a newer schema', () => {
    const dir = tempDir();
    dirs.push(dir);
    const path = join(dir, 'forum.db');
    new SqliteStore(path).close();
    const raw = new Database(path);
    expect(raw.pragma('journal_mode', { simple: true })).toBe('wal');
    raw.pragma('user_version = 99');
    raw.close();
    expect(() => new SqliteStore(path)).toThrow(/newer version/);
  });
});

describe.each(kinds)('%s store, a forum moved here from a file', (name, make) => {
  it('is stored a slice at a time under a hidden address, and gets its address and log entry at the end', () => {
    const { store, reopen } = make();
    store.beginImport({ ...record, slug: '' });
    store.importEvents('f1', [created, joined(1)]);
    store.importEvents('f1', [joined(2), joined(3)]);
    store.finishImport('f1', '4', entry('imported'));
    store.close();
    const again = reopen();
    const [loaded] = again.loadForums();
    expect(loaded.forum.slug).toBe('4');
    expect(loaded.events.map((e) => e.event)).toEqual([created, joined(1), joined(2), joined(3)]);
    expect(again.serverLog().map((e) => e.action)).toEqual(['imported']);
    // Read back a page at a time, as a forum file is written.
    const first = again.loadEvents('f1', 0, 2);
    expect(first.map((e) => e.event)).toEqual([created, joined(1)]);
    expect(again.loadEvents('f1', first[1].seq, 2).map((e) => e.event)).toEqual([joined(2), joined(3)]);
  });

  it('leaves nothing of an import given up, or (on disk) of one cut short by a stop', () => {
    const { store, reopen } = make();
    store.beginImport({ ...record, slug: '' });
    store.importEvents('f1', [created, joined(1)]);
    store.abortImport('f1');
    expect(store.loadForums()).toEqual([]);
    if (name !== 'sqlite') return;
    store.beginImport({ ...record, slug: '' });
    store.importEvents('f1', [created, joined(1)]);
    store.close();
    const again = reopen();
    expect(again.loadForums()).toEqual([]);
    expect(again.loadEvents('f1')).toEqual([]);
  });
});
