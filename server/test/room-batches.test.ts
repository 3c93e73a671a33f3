// One batch in flight: what comes while a batch is written forms the next, and nothing of either is
// told before it is stored. A batch that fails takes every action decided on top of it down with
// it; the forum then catches up with what the store holds and takes actions again. A commit of
// unknown outcome is settled by reading the store back; another writer's batch that came first is
// a conflict the room catches up from. Stores that wait on demand (a store elsewhere, slow to
// answer) and fail on demand, the way the real ones fail.

import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { ForumEvent, ForumState } from '../../shared/forum/types.js';
import { applyEvent, emptyState } from '../../shared/forum/state.js';
import type { Ack, ConsoleView, ScreenView } from '../../shared/protocol.js';
import { SqliteStore } from '../db/sqlite.js';
import { MemoryStore, type BatchEntry, type ForumStore } from '../db/store.js';
import { StorageUnavailable } from '../errors.js';
import { ForumRoom } from '../forum/room.js';
import { StorageHealth } from '../forum/storage.js';
import { created, joined } from './storeEvents.js';
import { connectConsole, connectScreen, joinPhone, ok, startTestServer, tempDir, type TestClient, type TestServer } from './harness.js';

type Failure = 'notStored' | 'unknownButStored' | 'unknownNotStored';

/** What the failing stores share: a gate a batch waits at, and the way the next batch fails. */
interface Faults {
  gate: Promise<void> | null;
  next: Failure | null;
  batches: number;
  /** Reads of the log that fail from now on, as a disk not answering. */
  unreadable?: number;
}

/** Runs one batch through the faults around the store's own appendBatch. */
async function faulty(faults: Faults, write: () => Promise<number>): Promise<number> {
  faults.batches++;
  if (faults.gate) await faults.gate;
  const failure = faults.next;
  faults.next = null;
  if (failure === 'notStored') throw new StorageUnavailable('io', 'disk I/O error');
  if (failure === 'unknownNotStored') throw new StorageUnavailable('io', 'disk I/O error', 'unknown');
  const seq = await write();
  if (failure === 'unknownButStored') throw new StorageUnavailable('io', 'disk I/O error', 'unknown');
  return seq;
}

class FaultySqlite extends SqliteStore {
  faults: Faults = { gate: null, next: null, batches: 0 };
  override appendBatch(forumId: string, afterSeq: number, entries: readonly BatchEntry[]): Promise<number> {
    return faulty(this.faults, () => super.appendBatch(forumId, afterSeq, entries));
  }
}

class FaultyMemory extends MemoryStore {
  faults: Faults = { gate: null, next: null, batches: 0 };
  override appendBatch(forumId: string, afterSeq: number, entries: readonly BatchEntry[]): Promise<number> {
    return faulty(this.faults, () => super.appendBatch(forumId, afterSeq, entries));
  }
  override loadEventsAfter(forumId: string, seq: number, limit?: number) {
    if ((this.faults.unreadable ?? 0) > 0) {
      this.faults.unreadable!--;
      return Promise.reject(new StorageUnavailable('io', 'disk I/O error'));
    }
    return super.loadEventsAfter(forumId, seq, limit);
  }
  /** Another process's writer, which nothing here goes through. */
  writeBehindTheRoom(forumId: string, afterSeq: number, entries: readonly BatchEntry[]): Promise<number> {
    return super.appendBatch(forumId, afterSeq, entries);
  }
}

/** Holds the batches at the gate until the returned function is called. */
function holdBatches(faults: Faults): () => void {
  let open!: () => void;
  faults.gate = new Promise((resolve) => (open = resolve));
  return () => {
    faults.gate = null;
    open();
  };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function until(test: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 400; i++) {
    if (test()) return;
    await sleep(10);
  }
  throw new Error(`never: ${what}`);
}

const replayed = async (store: ForumStore, forumId: string): Promise<ForumState> => {
  const state = emptyState();
  for (const { event } of await store.loadEventsAfter(forumId, 0)) applyEvent(state, event);
  return state;
};

const storageRefusal = (ack: Ack<unknown>) => (ack.ok ? 'ok' : `${ack.error.code} ${String(ack.error.params?.cause)}`);

describe('a batch that fails while the next is gathered, over sockets', () => {
  let server: TestServer | undefined;
  const clients: TestClient[] = [];
  afterEach(async () => {
    for (const c of clients.splice(0)) c.close();
    await server?.stop();
    server = undefined;
  });

  it('refuses both batches to every phone, stores neither, and the forum catches up and takes the same actions again', async () => {
    const store = new FaultySqlite(join(tempDir(), 'forum.db'));
    server = await startTestServer({ store });
    const s = server;
    const admin = await connectConsole(s);
    clients.push(admin);
    ok(await admin.send('phase:set', { to: 'ideas' }));
    const phones: TestClient[] = [];
    for (let i = 0; i < 3; i++) phones.push(await joinPhone(s, `Мешканка ${i + 1}`));
    clients.push(...phones);
    const room = s.room;
    const before = structuredClone(room.state);
    const stored = (await store.loadEventsAfter(room.record.id, 0)).length;

    // The first phone's idea is being written (held at the gate) while two more are taken on top of it.
    const release = holdBatches(store.faults);
    const batches = store.faults.batches;
    const submit = (i: number) => phones[i].send('idea:submit', { priorityCode: '1', title: `Ідея ${i + 1}`, actionId: `idea-${i + 1}-action` });
    const first = submit(0);
    await until(() => store.faults.batches === batches + 1, 'the first batch is at the store');
    const onTop = [submit(1), submit(2)];
    await until(() => room.pendingCount === 3, 'two more actions taken on top of it');
    expect(room.state.ideas.size).toBe(before.ideas.size + 3);
    // What is read as stored (exports, the public page) has none of them yet.
    expect(room.savedState.ideas.size).toBe(before.ideas.size);

    store.faults.next = 'notStored';
    release();
    const acks = await Promise.all([first, ...onTop]);
    expect(acks.map(storageRefusal)).toEqual(['STORAGE_UNAVAILABLE io', 'STORAGE_UNAVAILABLE io', 'STORAGE_UNAVAILABLE io']);
    // The second batch never reached the store: it was refused with the first.
    expect(store.faults.batches).toBe(batches + 1);
    expect(room.state).toEqual(before);
    expect(await store.loadEventsAfter(room.record.id, 0)).toHaveLength(stored);

    // Caught up and taking actions again: the same ids, sent again, are taken once each.
    for (const i of [0, 1, 2]) {
      let ack = await submit(i);
      for (let n = 0; !ack.ok && n < 100; n++) {
        expect(storageRefusal(ack)).toBe('STORAGE_UNAVAILABLE io');
        await sleep(50);
        ack = await submit(i);
      }
      ok(ack);
    }
    expect(await store.loadEventsAfter(room.record.id, stored)).toHaveLength(3);
    expect(room.state).toEqual(await replayed(store, room.record.id));
    expect([...room.state.ideas.values()].filter((idea) => idea.title.startsWith('Ідея ')).map((idea) => idea.title).sort()).toEqual(['Ідея 1', 'Ідея 2', 'Ідея 3']);
  });

  it('shows no view a batch still at the store: the console and the projector, sent while it waits, hold only what is stored', async () => {
    const store = new FaultySqlite(join(tempDir(), 'forum.db'));
    server = await startTestServer({ store, displayThrottleMs: 0 });
    const s = server;
    const admin = await connectConsole(s);
    const screen = await connectScreen(s);
    clients.push(admin, screen);
    ok(await admin.send('phase:set', { to: 'ideas' }));
    const [author, first, second] = [await joinPhone(s, 'Авторка'), await joinPhone(s, 'Перша'), await joinPhone(s, 'Друга')];
    clients.push(author, first, second);
    const { ideaId } = ok(await author.send('idea:submit', { priorityCode: '1', title: 'Фонтан' }));
    ok(await admin.send('phase:set', { to: 'review' }));
    ok(await admin.send('phase:set', { to: 'voting' }));
    const room = s.room;
    const dots = (v: ConsoleView) => Object.values(v.dotsPerPriority).reduce((n, d) => n + d, 0);

    // The first voter's dot is at the store (held); the displays are due to be sent (the storage's
    // health told them something changed) and wait for that batch; the second voter's dot is taken
    // on top of it, into the next batch, which the store then holds too.
    const release = holdBatches(store.faults);
    const batches = store.faults.batches;
    const mark = [admin.mark(), screen.mark()];
    const placed = first.send('dot:place', { ideaId, actionId: 'first-dot' });
    await until(() => store.faults.batches === batches + 1, 'the first batch is at the store');
    room.changed();
    await sleep(30);
    const onTop = second.send('dot:place', { ideaId, actionId: 'second-dot' });
    await until(() => room.pendingCount === 2, 'the second dot taken on top of it');
    release();
    const releaseNext = holdBatches(store.faults);
    ok(await placed);
    await until(() => store.faults.batches === batches + 2, 'the second batch is at the store');
    // Sent once the first batch was stored: one dot and one voter, never the second's.
    await admin.next<ConsoleView>('console', (v) => dots(v) === 1, mark[0]);
    await screen.next<ScreenView>('screen', (v) => v.voted === 1, mark[1]);
    await sleep(50);

    store.faults.next = 'notStored';
    releaseNext();
    expect(storageRefusal(await onTop)).toBe('STORAGE_UNAVAILABLE io');
    await sleep(50);
    const consoles = admin.received.slice(mark[0]).filter((r) => r.event === 'console').map((r) => r.args[0] as ConsoleView);
    const screens = screen.received.slice(mark[1]).filter((r) => r.event === 'screen').map((r) => r.args[0] as ScreenView);
    expect(consoles.map(dots)).not.toContain(2);
    expect(screens.map((v) => v.voted)).not.toContain(2);
    expect(dots(consoles.at(-1)!)).toBe(1);
  });
});

describe('a room writing one batch at a time', () => {
  const renamed = (n: number, name: string): ForumEvent => ({ type: 'participantRenamed', participantId: `p${n}`, name });

  async function forum() {
    const store = new FaultyMemory();
    const health = new StorageHealth();
    health.probe = async () => {};
    const room = await ForumRoom.create(store, { id: 'f1', joinCode: '123456', createdAt: 1, joinSecret: 's', screenKey: 'k' }, [created, joined(1), joined(2)], { at: 1, action: 'created', forumId: 'f1', title: 'Т', detail: '' }, health);
    return { store, room };
  }

  /** Commits as soon as the room takes actions again (after the storage's pause and the catching up). */
  async function commitWhenTaken(room: ForumRoom, events: ForumEvent[], actionKey: string): Promise<void> {
    for (let i = 0; i < 200; i++) {
      try {
        room.commit(events, actionKey);
        return;
      } catch (err) {
        if (!(err instanceof StorageUnavailable)) throw err;
        await sleep(20);
      }
    }
    throw new Error('the room never took actions again');
  }

  it('gathers what comes while a batch is written into the next, and tells each only once stored', async () => {
    const { store, room } = await forum();
    const told: string[] = [];
    room.onChange((effects) => told.push([...effects.me].join(',')));
    const release = holdBatches(store.faults);
    room.commit([renamed(1, 'Оля')], 'p1:a');
    await until(() => store.faults.batches === 1, 'the first batch is at the store');
    room.commit([renamed(2, 'Ігор')], 'p2:a');
    room.commit([renamed(1, 'Ольга')], 'p1:b');
    await sleep(30);
    // One batch at a time: the two later actions wait for the first; nobody is told of any yet.
    expect(store.faults.batches).toBe(1);
    expect(told).toEqual([]);
    release();
    expect(await room.durable()).toBeNull();
    expect(store.faults.batches).toBe(2);
    expect(told).toEqual(['p1', 'p2', 'p1']);
    expect((await store.loadEventsAfter('f1', 3)).map((e) => [e.seq, e.actionKey])).toEqual([[4, 'p1:a'], [5, 'p2:a'], [6, 'p1:b']]);
  });

  it('settles a commit of unknown outcome by reading the store back: stored, the actions stand', async () => {
    const { store, room } = await forum();
    store.faults.next = 'unknownButStored';
    room.commit([renamed(1, 'Оля')], 'p1:a');
    room.commit([renamed(2, 'Ігор')], 'p2:a');
    expect(await room.durable()).toBeNull();
    expect(room.findAction('p1:a')).toMatchObject({ command: 'participant:rename' });
    expect(room.state.participants.get('p2')?.name).toBe('Ігор');
    expect(room.state).toEqual(await replayed(store, 'f1'));
    // The room knows where the log ends: its next batch follows on, not refused as behind.
    room.commit([renamed(1, 'Ольга')], 'p1:b');
    expect(await room.durable()).toBeNull();
    expect((await store.loadEventsAfter('f1', 0)).map((e) => e.seq)).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('settles a commit of unknown outcome by reading the store back: not stored, the actions are refused', async () => {
    const { store, room } = await forum();
    const before = structuredClone(room.state);
    store.faults.next = 'unknownNotStored';
    room.commit([renamed(1, 'Оля')], 'p1:a');
    const failure = await room.durable();
    expect(failure).toBeInstanceOf(StorageUnavailable);
    expect(failure).toMatchObject({ reason: 'io', outcome: 'notStored' });
    expect(room.state).toEqual(before);
    expect(room.actionKeyUsed('p1:a')).toBe(false);
    await commitWhenTaken(room, [renamed(1, 'Оля')], 'p1:a');
    expect(await room.durable()).toBeNull();
    expect(room.state).toEqual(await replayed(store, 'f1'));
  });

  it('tells a batch of unknown outcome that cannot be read back as unknown, an action on top of it as not stored; caught up, the batch stands', async () => {
    const { store, room } = await forum();
    const release = holdBatches(store.faults);
    room.commit([renamed(1, 'Оля')], 'p1:a');
    const first = room.durable();
    await until(() => store.faults.batches === 1, 'the first batch is at the store');
    room.commit([renamed(2, 'Ігор')], 'p2:a');
    const onTop = room.durable();
    store.faults.next = 'unknownButStored';
    store.faults.unreadable = 2;
    release();
    expect(await first).toMatchObject({ reason: 'io', outcome: 'unknown' });
    expect(await onTop).toMatchObject({ reason: 'io', outcome: 'notStored' });
    // Refused on the spot while the forum catches up: certainly not stored.
    expect(() => room.commit([renamed(2, 'Ігор')], 'p2:b')).toThrow(expect.objectContaining({ outcome: 'notStored' }));
    await commitWhenTaken(room, [renamed(2, 'Ігор')], 'p2:a');
    expect(await room.durable()).toBeNull();
    // The batch was stored after all: caught up, its action stands and a resend of it is answered as done.
    expect(room.findAction('p1:a')).toMatchObject({ command: 'participant:rename' });
    expect(room.state.participants.get('p1')?.name).toBe('Оля');
    expect(room.state).toEqual(await replayed(store, 'f1'));
    expect((await store.loadEventsAfter('f1', 3)).map((e) => e.actionKey)).toEqual(['p1:a', 'p2:a']);
  });

  it('refuses a batch another writer came before, catches up with that writer\'s events, and goes on', async () => {
    const { store, room } = await forum();
    const told: string[] = [];
    room.onChange((effects) => told.push([...effects.me].join(',')));
    await store.writeBehindTheRoom('f1', 3, [{ events: [renamed(2, 'Ігор')], actionKey: 'p2:elsewhere' }]);
    room.commit([renamed(1, 'Оля')], 'p1:a');
    const failure = await room.durable();
    expect(failure).toMatchObject({ reason: 'busy' });
    await commitWhenTaken(room, [renamed(1, 'Оля')], 'p1:a');
    // Caught up: the other writer's rename is here, told, and its id known.
    expect(room.state.participants.get('p2')?.name).toBe('Ігор');
    expect(room.findAction('p2:elsewhere')).toMatchObject({ command: 'participant:rename' });
    expect(told).toContain('p2');
    expect(await room.durable()).toBeNull();
    expect(room.state).toEqual(await replayed(store, 'f1'));
    expect((await store.loadEventsAfter('f1', 3)).map((e) => e.actionKey)).toEqual(['p2:elsewhere', 'p1:a']);
  });
});
