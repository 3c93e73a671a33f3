// A forum's summary for the lists, kept in the store by the room that serves it: written again as
// the forum changes, a few times a minute at most while its counts move (not once per join or
// dot), and once more as it closes, so the store ends with it as it is.

import { describe, expect, it } from 'vitest';
import { DEFAULT_RULES, type ForumEvent } from '../../shared/forum/types.js';
import { MemoryStore, type NewForum, type ServerLogEntry } from '../db/store.js';
import { ForumRoom } from '../forum/room.js';
import { StorageHealth } from '../forum/storage.js';
import { listingFrom, SUMMARY_EVERY_MS, SummaryKeeper } from '../forums/summary.js';

/** The memory store, counting the summaries it is asked to keep. */
class CountingStore extends MemoryStore {
  summaryWrites = 0;
  override async saveSummary(forumId: string, seq: number, body: string): Promise<void> {
    this.summaryWrites++;
    return super.saveSummary(forumId, seq, body);
  }
}

const record: NewForum = { id: 'f1', joinCode: '123456', createdAt: 1, joinSecret: 's', screenKey: 'sk' };
const entry: ServerLogEntry = { at: 1, action: 'created', forumId: 'f1', title: 'Форум', detail: '' };
const created: ForumEvent = {
  type: 'forumCreated',
  id: 'f1',
  title: 'Форум',
  joinCode: '123456',
  structure: { vision: 'Бачення', priorities: [{ code: '1', title: 'Пріоритет', subtitle: '', color: '#000000', goals: [] }] },
  rules: DEFAULT_RULES,
  at: 1,
};

describe('a forum’s summary in the store', () => {
  it('is written far less often than the forum changes, and ends as the forum is', async () => {
    const store = new CountingStore();
    const room = await ForumRoom.create(store, record, [created], entry, new StorageHealth());
    const keeper = new SummaryKeeper(store, room);
    room.onChange(() => keeper.changed());
    await keeper.flush();
    expect(store.summaryWrites).toBe(1);

    const joins = 300;
    const started = Date.now();
    for (let i = 1; i <= joins; i++) {
      room.commit([{ type: 'participantJoined', participantId: `p${i}`, tokenHash: `h${i}`, name: `Учасник ${i}`, at: i }]);
      expect(await room.durable()).toBeNull();
    }
    const elapsed = Date.now() - started;
    // One write per interval at most, however fast the joins come, besides the one that opened it.
    expect(store.summaryWrites).toBeLessThanOrEqual(2 + Math.ceil(elapsed / SUMMARY_EVERY_MS));
    expect(store.summaryWrites).toBeLessThan(joins / 10);

    // A change of phase needs no interval to pass; closing writes what is left.
    room.commit([{ type: 'phaseChanged', from: 'lobby', to: 'ideas' }]);
    expect(await room.durable()).toBeNull();
    await room.close();
    await keeper.stop();
    const [kept] = await store.summaries();
    const listing = listingFrom({ ...record, slug: '1' }, kept.body);
    expect(listing).toMatchObject({ title: 'Форум', phase: 'ideas', participants: joins, slug: '1' });
    expect(kept.seq).toBe(joins + 2);
    // Nothing more is written once it has stopped.
    const writes = store.summaryWrites;
    keeper.changed();
    await keeper.flush();
    expect(store.summaryWrites).toBe(writes);
  });
});
