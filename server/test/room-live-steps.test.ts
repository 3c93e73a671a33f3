// A merge or a void of many is applied to the live state a few ballots a step, a few steps a turn
// of the event loop (ForumRoom.commitInSteps). Meanwhile the hall is shown the forum as it was;
// whatever reads the live state or commits makes the change whole first and comes after it; a
// batch refused meanwhile takes it with it; a room closed meanwhile stores it. A store in memory,
// whose writes fail on demand as a full disk fails them.

import { describe, expect, it } from 'vitest';
import { decideVoidMany, voidPlan } from '../../shared/forum/attendance.js';
import { decidePlaceDot, decideRemoveDot } from '../../shared/forum/rules.js';
import { applyEvent, emptyState } from '../../shared/forum/state.js';
import { countVotingProgress, votingProgress } from '../../shared/forum/tally.js';
import type { ForumEvent, ForumState } from '../../shared/forum/types.js';
import { largestForum } from '../../scripts/largest-forum.js';
import { MemoryStore, type BatchEntry } from '../db/store.js';
import { StorageUnavailable } from '../errors.js';
import { ForumRoom } from '../forum/room.js';
import { StorageHealth } from '../forum/storage.js';

class FailingStore extends MemoryStore {
  full = false;
  override async appendBatch(forumId: string, afterSeq: number, entries: readonly BatchEntry[]): Promise<number> {
    if (this.full) throw new StorageUnavailable('full', 'database or disk is full');
    return super.appendBatch(forumId, afterSeq, entries);
  }
}

const nextTurn = () => new Promise((resolve) => setImmediate(resolve));

const decided = (d: { ok: boolean; value?: ForumEvent[]; error?: { code: string } }): ForumEvent[] => {
  if (!d.ok) throw new Error(`refused by the rules: ${d.error?.code}`);
  return d.value!;
};

/** 40 ballots, every one spent; the first 12 people wrote an idea each, from 10.0.0.0 up. */
async function voting(): Promise<{ room: ForumRoom; store: FailingStore; id: string; people: string[] }> {
  const big = largestForum({ participants: 40, ideas: 12, phase: 'voting' });
  const store = new FailingStore();
  const record = { id: big.id, joinCode: '482913', createdAt: 1, joinSecret: 's', screenKey: 'k' };
  await store.createForum(record, big.events, { at: 1, action: 'created', forumId: big.id, title: '', detail: '' });
  const room = await ForumRoom.load(store, (await store.loadForums())[0], new StorageHealth());
  // A ballot a step, a step a turn: the void of 8 writers (their ideas held by every ballot) takes dozens of turns.
  room.liveTurnMs = 0;
  room.liveBallotsPerStep = 1;
  return { room, store, id: big.id, people: [...big.tokens.keys()] };
}

const replayed = async (store: MemoryStore, forumId: string): Promise<ForumState> => {
  const state = emptyState();
  for (const { event } of await store.loadEventsAfter(forumId, 0)) applyEvent(state, event);
  return state;
};

/** The void of the 8 who joined from 10.0.0.0 to 10.0.0.7, each the writer of an idea, with the dots it gives back. */
function voidOfWriters(room: ForumRoom) {
  const events = decided(decideVoidMany(room.state, { range: '10.0.0.0/29' }, 'Одна мережа за хвилину', 5));
  const e = events[0];
  const plan = voidPlan(room.state, e.type === 'participantsVoided' ? e.participantIds : []);
  expect(plan.held.size).toBeGreaterThan(20);
  return { events, held: plan.held };
}

describe('a void of many applied to the live state in steps', () => {
  it('leaves the hall shown the forum as it was until it is whole, then as the log replays it', async () => {
    const { room, store, id } = await voting();
    try {
      const before = room.shown;
      const { events, held } = voidOfWriters(room);
      let whole = false;
      const applied = room.commitInSteps(events, null, held, undefined).then(() => (whole = true));
      let turns = 0;
      while (!whole) {
        // Shown meanwhile: the forum as it was, whole, its tallies those its ballots count.
        const shown = room.shown;
        expect(shown.state.voidedCount).toBe(0);
        expect(votingProgress(shown.state)).toEqual(countVotingProgress(shown.state));
        expect(shown.version).toBe(before.version);
        turns++;
        await nextTurn();
      }
      await applied;
      expect(turns).toBeGreaterThan(20);
      expect(await room.durable()).toBeNull();
      expect(room.shown.state.voidedCount).toBe(8);
      expect(room.state).toEqual(await replayed(store, id));
      expect(votingProgress(room.state)).toEqual(countVotingProgress(room.state));
    } finally {
      await room.close();
    }
  });

  it('is made whole by a reader of the live state, and a commit meanwhile is decided and stored after it', async () => {
    const { room, store, id, people } = await voting();
    try {
      const { events, held } = voidOfWriters(room);
      const applied = room.commitInSteps(events, null, held, undefined);
      await nextTurn();
      await nextTurn();
      // Read in the middle: the void is whole, its dots given back, the tallies exact.
      const state = room.state;
      expect(state.voidedCount).toBe(8);
      expect(votingProgress(state)).toEqual(countVotingProgress(state));
      const hidden = [...state.ideas.values()].filter((i) => i.status === 'hidden').map((i) => i.id);
      expect(hidden).toHaveLength(8);
      for (const mine of state.dots.values()) for (const ideaId of hidden) expect(mine.has(ideaId)).toBe(false);
      // A dot on a hidden idea is refused on the forum after the void; a dot taken off another idea is taken after it.
      const voter = people[20];
      expect(decidePlaceDot(state, voter, hidden[0])).toMatchObject({ ok: false, error: { code: 'IDEA_NOT_ACTIVE' } });
      const kept = [...state.dots.get(voter)!.keys()][0];
      room.commit(decided(decideRemoveDot(state, voter, kept)), `${voter}:after`);
      await applied;
      expect(await room.durable()).toBeNull();
      const stored = (await store.loadEventsAfter(id, 0)).map((s) => s.event.type).slice(-2);
      expect(stored).toEqual(['participantsVoided', 'dotRemoved']);
      expect(room.state).toEqual(await replayed(store, id));
    } finally {
      await room.close();
    }
  });

  it('is undone with a batch the disk refuses before it is whole, to what the log holds', async () => {
    const { room, store, id, people } = await voting();
    try {
      const voter = people[30];
      store.full = true;
      // A batch on its way to the disk when the void begins: refused, and the void taken after it with it.
      room.commit(decided(decideRemoveDot(room.state, voter, [...room.state.dots.get(voter)!.keys()][0])), `${voter}:refused`);
      const { events, held } = voidOfWriters(room);
      const applied = room.commitInSteps(events, null, held, undefined);
      expect(await room.durable()).toBeInstanceOf(StorageUnavailable);
      await applied;
      expect(room.state).toEqual(await replayed(store, id));
      expect(room.state.voidedCount).toBe(0);
      expect(room.actionKeyUsed(`${voter}:refused`)).toBe(false);
    } finally {
      store.full = false;
      await room.close();
    }
  });

  it('is stored whole when the room closes before it is', async () => {
    const { room, store, id } = await voting();
    const { events, held } = voidOfWriters(room);
    const applied = room.commitInSteps(events, null, held, undefined);
    await room.close();
    await applied;
    const log = await replayed(store, id);
    expect(log.voidedCount).toBe(8);
    expect(room.state).toEqual(log);
  });
});
