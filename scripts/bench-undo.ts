// `npm run bench` part `undo` (or `npx tsx scripts/bench-undo.ts`): what a batch the disk refuses
// costs a forum with a long log, in the room itself (server/forum/room.ts) on a real SQLite file
// in a temp folder. The forum (scripts/long-log-fault.ts's: the largest forum in voting, then
// voters changing their minds) is opened, one voter's dot is refused by a full disk, and the room
// is asked for an action every turn of the event loop until it takes one again. Printed: how long
// that took, how many stored events the room read meanwhile, and the longest turn of the event
// loop. The storage's own pause after a failure (server/forum/storage.ts) is left out, so that
// only the room's catching up is measured.

import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { decidePlaceDot, decideRemoveDot } from '../shared/forum/rules.js';
import type { ForumEvent } from '../shared/forum/types.js';
import { SqliteStore } from '../server/db/sqlite.js';
import type { BatchEntry, StoredEvent } from '../server/db/store.js';
import { StorageUnavailable } from '../server/errors.js';
import { ForumRoom } from '../server/forum/room.js';
import { StorageHealth } from '../server/forum/storage.js';
import { writeLongForum } from './long-log-fault.js';

const LENGTHS = (process.env.BENCH_UNDO_EVENTS ?? '36000,300000').split(',').map(Number);

class RefusingStore extends SqliteStore {
  full = false;
  /** Stored events handed to the room since the count was last reset. */
  read = 0;
  override async appendBatch(forumId: string, afterSeq: number, entries: readonly BatchEntry[]): Promise<number> {
    if (this.full) throw new StorageUnavailable('full', 'database or disk is full');
    return super.appendBatch(forumId, afterSeq, entries);
  }
  override async loadEventsAfter(forumId: string, seq: number, limit?: number): Promise<StoredEvent[]> {
    const events = await super.loadEventsAfter(forumId, seq, limit);
    this.read += events.length;
    return events;
  }
}

/** Storage that never pauses: the room's own catching up is all that refuses actions. */
class NeverPausing extends StorageHealth {
  override failed(): void {}
}

const decided = (d: { ok: boolean; value?: ForumEvent[] }): ForumEvent[] => {
  if (!d.ok) throw new Error('refused by the rules');
  return d.value!;
};

export async function benchUndo(): Promise<void> {
  console.log(`\nA batch refused by a full disk, in the room on a real SQLite file (load average ${loadavg().map((n) => n.toFixed(2)).join(', ')}):`);
  for (const events of LENGTHS) {
    const dir = mkdtempSync(join(tmpdir(), 'viche-undo-'));
    const store = new RefusingStore(join(dir, 'forum.db'));
    try {
      const forum = await writeLongForum(join(dir, 'forum.db'), events);
      const room = await ForumRoom.load(store, (await store.loadForums())[0], new NeverPausing());
      const { participantId } = forum.voters[0];
      const ideaId = [...room.state.dots.get(participantId)!.keys()][0];
      await room.durable();
      await new Promise((resolve) => setTimeout(resolve, 200));

      store.full = true;
      store.read = 0;
      room.commit(decided(decideRemoveDot(room.state, participantId, ideaId)), `${participantId}:refused`);
      const start = performance.now();
      let longest = 0;
      let last = start;
      const failure = await room.durable();
      if (!(failure instanceof StorageUnavailable)) throw new Error('the batch was not refused');
      store.full = false;
      // An action every turn, until one is taken; the longest turn meanwhile.
      await new Promise<void>((resolve) => {
        const turn = () => {
          const now = performance.now();
          longest = Math.max(longest, now - last);
          last = now;
          try {
            room.commit(decided(decideRemoveDot(room.state, participantId, ideaId)), `${participantId}:taken`);
            resolve();
          } catch (err) {
            if (!(err instanceof StorageUnavailable)) throw err;
            setImmediate(turn);
          }
        };
        setImmediate(turn);
      });
      const took = performance.now() - start;
      const read = store.read;
      if ((await room.durable()) !== null) throw new Error('the action after was not stored');
      room.commit(decided(decidePlaceDot(room.state, participantId, ideaId)), `${participantId}:back`);
      await room.durable();
      await room.close();
      console.log(
        `  ${forum.events.toLocaleString('en')} events: actions taken again ${took.toFixed(0)} ms after the refusal, ${read.toLocaleString('en')} stored events read meanwhile, longest turn of the event loop ${longest.toFixed(1)} ms`,
      );
    } finally {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    }
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await benchUndo();
