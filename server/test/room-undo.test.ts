// A batch the disk refuses is undone in memory: the forum becomes exactly what its log replays to,
// the refused actions' ids are free again, and the next batch after the saved copy is built again
// is undone the same way; the copy is made again without reading the log back, only what the
// store holds after the last event the forum knew. A store whose writes fail on demand, as a full
// disk fails them.

import { describe, expect, it } from 'vitest';
import { decidePlaceDot, decideRemoveDot } from '../../shared/forum/rules.js';
import { decideMerge, decideUndoMerge } from '../../shared/forum/facilitation.js';
import { applyEvent, emptyState } from '../../shared/forum/state.js';
import type { ForumEvent, ForumState } from '../../shared/forum/types.js';
import { join } from 'node:path';
import { largestForum } from '../../scripts/largest-forum.js';
import { SqliteStore } from '../db/sqlite.js';
import { MemoryStore, type BatchEntry, type StoredEvent } from '../db/store.js';
import { StorageUnavailable } from '../errors.js';
import { ForumRoom, hashToken } from '../forum/room.js';
import { consoleView, screenView } from '../forum/views.js';
import { decideIssueTickets, decideJoin } from '../../shared/forum/admission.js';
import { StorageHealth } from '../forum/storage.js';
import { tempDir } from './harness.js';

class FailingStore extends MemoryStore {
  full = false;
  override async appendBatch(forumId: string, afterSeq: number, entries: readonly BatchEntry[]): Promise<number> {
    if (this.full) throw new StorageUnavailable('full', 'database or disk is full');
    return super.appendBatch(forumId, afterSeq, entries);
  }
}

/** A real SQLite file whose writes fail on demand, noting the room's reads of the log (by pages: a test's own reads are whole). */
class FailingSqlite extends SqliteStore {
  full = false;
  reads: { after: number; got: number }[] = [];
  override async appendBatch(forumId: string, afterSeq: number, entries: readonly BatchEntry[]): Promise<number> {
    if (this.full) throw new StorageUnavailable('full', 'database or disk is full');
    return super.appendBatch(forumId, afterSeq, entries);
  }
  override async loadEventsAfter(forumId: string, seq: number, limit?: number): Promise<StoredEvent[]> {
    const events = await super.loadEventsAfter(forumId, seq, limit);
    if (limit !== undefined) this.reads.push({ after: seq, got: events.length });
    return events;
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const replayed = async (store: Pick<MemoryStore, 'loadEventsAfter'>, forumId: string): Promise<ForumState> => {
  const state = emptyState();
  for (const { event } of await store.loadEventsAfter(forumId, 0)) applyEvent(state, event);
  return state;
};

/** Commits as soon as the room takes actions again (after the storage's pause and the saved copy's rebuild). */
async function commitWhenTaken(room: ForumRoom, decide: () => ForumEvent[], actionKey: string): Promise<void> {
  for (let i = 0; i < 200; i++) {
    try {
      room.commit(decide(), actionKey);
      return;
    } catch (err) {
      if (!(err instanceof StorageUnavailable)) throw err;
      await sleep(25);
    }
  }
  throw new Error('the room never took actions again');
}

describe('a refused batch', () => {
  it('is undone to what the log holds, twice in a row, its ids free again', async () => {
    const big = largestForum({ participants: 40, ideas: 12, phase: 'voting' });
    const store = new FailingStore();
    const record = { id: big.id, joinCode: '482913', createdAt: 1, joinSecret: 's', screenKey: 'k' };
    await store.createForum(record, big.events, { at: 1, action: 'created', forumId: big.id, title: '', detail: '' });
    const room = await ForumRoom.load(store, (await store.loadForums())[0], new StorageHealth());
    const people = [...big.tokens.keys()];
    const dotOf = (p: string) => [...room.state.dots.get(p)!.keys()][0];
    const decided = (d: { ok: boolean; value?: ForumEvent[] }) => {
      if (!d.ok) throw new Error('refused by the rules');
      return d.value!;
    };

    // Saved: a voter takes a dot off.
    room.commit(decided(decideRemoveDot(room.state, people[0], dotOf(people[0]))), `${people[0]}:saved-1`);
    expect(await room.durable()).toBeNull();

    for (const round of [1, 2]) {
      store.full = true;
      const before = structuredClone(room.state);
      // Several actions in one batch, one of them deciding on another's effect: all undone.
      const keys: string[] = [];
      for (const p of people.slice(1, 6)) {
        const ideaId = dotOf(p);
        room.commit(decided(decideRemoveDot(room.state, p, ideaId)), `${p}:r${round}`);
        room.commit(decided(decidePlaceDot(room.state, p, ideaId)), `${p}:p${round}`);
        room.commit(decided(decideRemoveDot(room.state, p, ideaId)), `${p}:x${round}`);
        keys.push(`${p}:r${round}`, `${p}:p${round}`, `${p}:x${round}`);
      }
      expect(room.savedState).toEqual(before);
      expect(await room.durable()).toBeInstanceOf(StorageUnavailable);
      expect(room.state).toEqual(before);
      expect(room.state).toEqual(await replayed(store, big.id));
      for (const key of keys) {
        expect(room.actionKeyUsed(key)).toBe(false);
        expect(room.findAction(key)).toBeUndefined();
      }
      expect(room.findAction(`${people[0]}:saved-1`)).toMatchObject({ command: 'dot:remove' });

      // Back: the same id, sent again, is taken and saved.
      store.full = false;
      const p = people[1];
      await commitWhenTaken(room, () => decided(decideRemoveDot(room.state, p, dotOf(p))), `${p}:r${round}`);
      expect(await room.durable()).toBeNull();
      expect(room.findAction(`${p}:r${round}`)).toMatchObject({ command: 'dot:remove' });
      expect(room.state).toEqual(await replayed(store, big.id));
      expect(room.savedState).toBe(room.state);
    }
    await room.close();
  });

  it('is caught up without reading the log back: only what the store holds after the last event the forum knew', async () => {
    const big = largestForum({ participants: 200, ideas: 12, phase: 'voting' });
    const store = new FailingSqlite(join(tempDir(), 'forum.db'));
    const record = { id: big.id, joinCode: '482913', createdAt: 1, joinSecret: 's', screenKey: 'k' };
    await store.createForum(record, big.events, { at: 1, action: 'created', forumId: big.id, title: '', detail: '' });
    const room = await ForumRoom.load(store, (await store.loadForums())[0], new StorageHealth());
    const people = [...big.tokens.keys()];
    const dotOf = (p: string) => [...room.state.dots.get(p)!.keys()][0];
    const decided = (d: { ok: boolean; value?: ForumEvent[] }) => {
      if (!d.ok) throw new Error('refused by the rules');
      return d.value!;
    };
    try {
      room.commit(decided(decideRemoveDot(room.state, people[0], dotOf(people[0]))), `${people[0]}:saved`);
      expect(await room.durable()).toBeNull();
      const stored = big.events.length + 1;
      for (const round of [1, 2, 3]) {
        store.reads = [];
        store.full = true;
        const p = people[round];
        room.commit(decided(decideRemoveDot(room.state, p, dotOf(p))), `${p}:refused`);
        expect(await room.durable()).toBeInstanceOf(StorageUnavailable);
        // Undone to the copy made, in the round before, from the live state: the forum as stored.
        expect(room.state).toEqual(await replayed(store, big.id));
        store.full = false;
        await commitWhenTaken(room, () => decided(decideRemoveDot(room.state, p, dotOf(p))), `${p}:taken`);
        expect(await room.durable()).toBeNull();
        // Every read began at the forum's last stored event: nothing before it was read again.
        expect(store.reads.length).toBeGreaterThan(0);
        for (const read of store.reads) expect(read.after).toBeGreaterThanOrEqual(stored + round - 1);
        expect(store.reads.reduce((n, r) => n + r.got, 0)).toBe(0);
        expect(room.state).toEqual(await replayed(store, big.id));
      }
    } finally {
      await room.close();
      await store.close();
    }
  });

  it('right after a stored batch whose events the saved copy has not yet taken, is undone to the log with that batch in it', async () => {
    const big = largestForum({ participants: 40, ideas: 12, phase: 'voting' });
    const store = new FailingStore();
    const record = { id: big.id, joinCode: '482913', createdAt: 1, joinSecret: 's', screenKey: 'k' };
    await store.createForum(record, big.events, { at: 1, action: 'created', forumId: big.id, title: '', detail: '' });
    const room = await ForumRoom.load(store, (await store.loadForums())[0], new StorageHealth());
    const people = [...big.tokens.keys()];
    const dotOf = (p: string) => [...room.state.dots.get(p)!.keys()][0];
    const decided = (d: { ok: boolean; value?: ForumEvent[] }) => {
      if (!d.ok) throw new Error('refused by the rules');
      return d.value!;
    };
    // Stored; the saved copy takes it in a later turn of the event loop, which has not come yet
    // when the next batch is refused: nothing reads the copy in between.
    room.commit(decided(decideRemoveDot(room.state, people[0], dotOf(people[0]))), `${people[0]}:stored`);
    expect(await room.durable()).toBeNull();
    store.full = true;
    room.commit(decided(decideRemoveDot(room.state, people[1], dotOf(people[1]))), `${people[1]}:refused`);
    expect(await room.durable()).toBeInstanceOf(StorageUnavailable);
    expect(room.state).toEqual(await replayed(store, big.id));
    expect(room.findAction(`${people[0]}:stored`)).toMatchObject({ command: 'dot:remove' });
    expect(room.actionKeyUsed(`${people[1]}:refused`)).toBe(false);
    store.full = false;
    await room.close();
  });
  it('while the saved copy takes a stored merge a ballot a turn, is undone to the log with the whole merge in it', async () => {
    const big = largestForum({ participants: 40, ideas: 12, phase: 'voting' });
    const store = new FailingStore();
    const record = { id: big.id, joinCode: '482913', createdAt: 1, joinSecret: 's', screenKey: 'k' };
    await store.createForum(record, big.events, { at: 1, action: 'created', forumId: big.id, title: '', detail: '' });
    const room = await ForumRoom.load(store, (await store.loadForums())[0], new StorageHealth());
    room.savedTurnMs = 0;
    room.savedBallotsPerStep = 1;
    const people = [...big.tokens.keys()];
    const decided = (d: { ok: boolean; value?: ForumEvent[] }) => {
      if (!d.ok) throw new Error('refused by the rules');
      return d.value!;
    };
    try {
      const ideas = [...room.state.ideas.values()];
      const same = ideas.filter((i) => i.priorityCode === ideas[0].priorityCode).map((i) => i.id);
      const merge = decided(decideMerge(room.state, same[0], same.slice(1), 'merge-1', 2, 'facilitator'));
      const e = merge[0];
      // Enough ballots that the saved copy needs many turns for it.
      expect(e.type === 'ideasMerged' && e.moved.length + e.refunded.length).toBeGreaterThan(10);
      room.commit(merge, null);
      expect(await room.durable()).toBeNull();
      await new Promise((resolve) => setImmediate(resolve));
      store.full = true;
      const someone = people.find((p) => (room.state.dots.get(p)?.size ?? 0) > 0)!;
      room.commit(decided(decideRemoveDot(room.state, someone, [...room.state.dots.get(someone)!.keys()][0])), `${someone}:refused`);
      expect(await room.durable()).toBeInstanceOf(StorageUnavailable);
      expect(room.state).toEqual(await replayed(store, big.id));
      expect(room.state.merges.has('merge-1')).toBe(true);
    } finally {
      store.full = false;
      await room.close();
    }
  });
});

describe('a commit prepared a turn ahead', () => {
  it('takes whom it tells as worked out then, unless the forum changed meanwhile', async () => {
    const big = largestForum({ participants: 40, ideas: 12, phase: 'voting' });
    const store = new MemoryStore();
    const record = { id: big.id, joinCode: '482913', createdAt: 1, joinSecret: 's', screenKey: 'k' };
    await store.createForum(record, big.events, { at: 1, action: 'created', forumId: big.id, title: '', detail: '' });
    const room = await ForumRoom.load(store, (await store.loadForums())[0], new StorageHealth());
    const decided = (d: { ok: boolean; value?: ForumEvent[] }) => {
      if (!d.ok) throw new Error('refused by the rules');
      return d.value!;
    };
    try {
      const ideas = [...room.state.ideas.values()];
      const same = ideas.filter((i) => i.priorityCode === ideas[0].priorityCode).map((i) => i.id);
      const mergeOf = (id: string) => decided(decideMerge(room.state, same[0], same.slice(1), id, 2, 'facilitator'));
      // Unchanged: the effects worked out ahead are the commit's.
      const first = mergeOf('merge-1');
      const ahead = room.prepare(first);
      expect(room.commit(first, null, undefined, ahead)).toBe(ahead.effects);
      expect(await room.durable()).toBeNull();
      taken(decided(decideUndoMerge(room.state, 'merge-1', 3, 'facilitator')), room);
      expect(await room.durable()).toBeNull();
      // A voter takes a dot off a merged idea in between: the merge is decided again and whom it tells worked out again.
      const stale = room.prepare(mergeOf('merge-2'));
      const voter = [...room.state.dots].find(([, mine]) => same.slice(1).some((id) => mine.has(id)))![0];
      const dot = same.slice(1).find((id) => room.state.dots.get(voter)!.has(id))!;
      taken(decided(decideRemoveDot(room.state, voter, dot)), room);
      const again = mergeOf('merge-2');
      const effects = room.commit(again, null, undefined, stale);
      expect(effects).not.toBe(stale.effects);
      const told = (e: typeof effects) => e.notices.filter((n) => n.participantId === voter);
      expect(told(effects)).not.toEqual(told(stale.effects));
      expect(await room.durable()).toBeNull();
      expect(room.state).toEqual(await replayed(store, big.id));
    } finally {
      await room.close();
    }
  });
});

/** Commits events decided by the test, with no action id. */
function taken(events: ForumEvent[], room: ForumRoom): void {
  room.commit(events, null);
}

describe('a refused join of a phone still connected', () => {
  it('is not counted online by the projector or the console, whose rows no longer hold it', async () => {
    const big = largestForum({ participants: 40, ideas: 12, phase: 'voting' });
    const store = new FailingStore();
    const record = { id: big.id, joinCode: '482913', createdAt: 1, joinSecret: 's', screenKey: 'k' };
    await store.createForum(record, big.events, { at: 1, action: 'created', forumId: big.id, title: '', detail: '' });
    const room = await ForumRoom.load(store, (await store.loadForums())[0], new StorageHealth());
    const join = { joinUrl: '', joinCode: '', rotation: null };
    const views = () => {
      const { state } = room.shown;
      const admin = consoleView(state, room.presence, join, { mode: 'open' } as never, { storage: { ok: true } } as never);
      return { screen: screenView(state, room.presence, join).online, console: admin.online, rows: admin.participants.filter((p) => p.online).length };
    };
    try {
      const people = [...big.tokens.keys()];
      room.connected(people[0]);
      expect(views()).toEqual({ screen: 1, console: 1, rows: 1 });

      const issued = decideIssueTickets(room.state, ['2000000001'], ['ticket-new'], 2);
      if (!issued.ok) throw new Error(issued.error.code);
      room.commit(issued.value, null);
      expect(await room.durable()).toBeNull();
      // The phone is bound at its join, before the join is stored (socket.ts): the disk refuses it.
      store.full = true;
      const decision = decideJoin(room.state, { code: '2000000001', name: 'Тарас', participantId: 'new-one', tokenHash: hashToken('f'.repeat(32)), at: 2, address: '' });
      if (!decision.ok) throw new Error(decision.error.code);
      room.commit(decision.value, null);
      room.connected('new-one');
      expect(views()).toEqual({ screen: 1, console: 1, rows: 1 });
      expect(await room.durable()).toBeInstanceOf(StorageUnavailable);
      expect(room.state.participants.has('new-one')).toBe(false);
      // Its connection is still open (presence holds it until it closes); the hall is one online.
      expect(room.presence.isOnline('new-one')).toBe(true);
      expect(views()).toEqual({ screen: 1, console: 1, rows: 1 });
    } finally {
      await room.close();
    }
  });
});
