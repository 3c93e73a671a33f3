// A stored forum's rows read for its opening a page at a time, with a pass of the event loop
// whenever a turn has had its time: a city vote's 400,000 events read in one go held the loop
// for over a second (a SQLite read is synchronous; PostgreSQL's rows are parsed as one batch).

import { RECENT_BEFORE_SNAPSHOT, type ForumStore, type LoadedForum, type StoredEvent } from '../db/store.js';
import type { Turns } from './turns.js';

/** Rows read per page: a few milliseconds of reading and parsing. */
const PAGE = 1000;

type Rows = Required<Pick<LoadedForum, 'events' | 'unreadable'>>;

/** The forum's rows after `after` (up to `until`; only keyed ones with `keyedOnly`), events apart from rows that are not. */
export async function readRows(store: ForumStore, forumId: string, turns: Turns, after = 0, until?: number, keyedOnly = false): Promise<Rows> {
  const read: Rows = { events: [], unreadable: [] };
  for (let from = after; ; ) {
    const page = await store.loadLog(forumId, { after: from, limit: PAGE, until, keyedOnly });
    const unreadable = page.unreadable ?? [];
    for (const e of page.events) read.events.push(e);
    for (const u of unreadable) read.unreadable.push(u);
    if (page.events.length + unreadable.length < PAGE) return read;
    from = Math.max(page.events.at(-1)?.seq ?? 0, unreadable.at(-1)?.seq ?? 0);
    await turns.check();
  }
}

/** The action ids stored up to `until`, in order. */
async function readKeys(store: ForumStore, forumId: string, until: number, turns: Turns): Promise<string[]> {
  const keys: string[] = [];
  for (let from = 0; ; ) {
    const page = await store.loadActionKeys(forumId, { after: from, limit: 10 * PAGE, until });
    for (const k of page) keys.push(k.actionKey);
    if (page.length < 10 * PAGE) return keys;
    from = page[page.length - 1].seq;
    await turns.check();
  }
}

/**
 * The forum a store gave with its head only (LoadOptions.headOnly), with its rows: those after its
 * snapshot and what the snapshot's own events did for resends, or its whole log.
 */
export async function withRows(store: ForumStore, head: LoadedForum, turns: Turns): Promise<LoadedForum> {
  const id = head.forum.id;
  if (!head.snapshot) return { ...head, ...(await readRows(store, id, turns)) };
  const { seq } = head.snapshot;
  const keysBefore = await readKeys(store, id, seq, turns);
  const doneBefore: StoredEvent[] = (await readRows(store, id, turns, Math.max(0, seq - RECENT_BEFORE_SNAPSHOT), seq, true)).events;
  return { ...head, ...(await readRows(store, id, turns, seq)), keysBefore, doneBefore };
}
