// A forum's snapshot as of one of its events, built from the snapshot before it (when that one is
// still good) and the events since: the same work whether a worker thread does it beside a SQLite
// file (snapshotWorker.ts) or the memory store does it in place.

import { applyEvent, emptyState } from '../../shared/forum/state.js';
import { fromSnapshot, toSnapshot } from '../../shared/forum/snapshot.js';
import type { ForumEvent, ForumState } from '../../shared/forum/types.js';

/**
 * The JSON of the forum's state after its event `seq`. `previous` (at or before `seq`) saves
 * replaying what it holds; a refused one is replayed over. `eventsAfter(from)` gives the events
 * after `from` up to `seq`, in order.
 */
export function snapshotBody(previous: { seq: number; body: string } | null, eventsAfter: (from: number) => Iterable<ForumEvent>): string {
  let state: ForumState | null = null;
  let from = 0;
  if (previous) {
    try {
      state = fromSnapshot(JSON.parse(previous.body));
      from = previous.seq;
    } catch {
      state = null;
    }
  }
  state ??= emptyState();
  for (const event of eventsAfter(from)) applyEvent(state, event);
  return JSON.stringify(toSnapshot(state));
}
