// What each phone is sent of the wall of ideas: the page of the one priority it opened (wall:watch),
// with its search done here, not every idea of every priority. While ideas are proposed a page is
// newest first; while dots are spent, in the phone's own order (shared/forum/wallOrder.ts), so
// that no idea is first on every phone. A page holds the ideas proposed until it was asked for:
// those proposed since are counted (the phone offers to show them, and asks again), not sent, so
// a list being read does not move under the reader's thumb and a busy hall's new ideas do not
// stream into every phone. Each phone is then sent the changes to the ideas on its page (edited,
// withdrawn, hidden, merged) as the difference between the page now and the page it holds, within
// a budget of bytes a second of its own: a phone that could not be sent a change for a while is sent the page as it is then, once,
// never the edits in between. One change at a time: the next waits until the phone has acked the
// last, so a phone on a slow network is never queued more than one page, and the heartbeat behind
// it is not held up. A large page goes gzipped to a phone that can unpack it (Cyrillic cards shrink
// to about a third). The phone's own ideas reach it at once in its own view (`me`).
// Each page sent carries a tag of the page the phone then holds; a phone whose connection dropped
// (the venue's Wi-Fi blinking: every phone at once) sends it back when it asks again, and when the
// page is unchanged it is told so in a few bytes instead of being sent the page whole.

import { randomBytes } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import type { Idea } from '../../shared/forum/types.js';
import { hash32, keyFrom, newestFirst, orderSeed, searchable } from '../../shared/forum/wallOrder.js';
import type { WallIdea, WallPage } from '../../shared/protocol.js';
import { WALL_PAGE_SIZE } from '../../shared/forum/wallOrder.js';
import type { ForumRoom } from '../forum/room.js';
import { publicIdea } from '../forum/views.js';
import { wireBytes, type WallBudget } from './wallPace.js';
import { tagOf } from './phoneTags.js';

/** What a phone asked to see. */
export interface WallWatch {
  priorityCode: string;
  query: string;
  pages: number;
}

/** One phone's watch and what it was last sent of it: each idea at the revision it was sent. */
interface Watcher {
  watch: WallWatch;
  /** The participant, for the order while dots are spent (null: the newest first). */
  participantId: () => string | undefined;
  /** Order, priority and search of the page held: a page held in another is sent whole again. */
  key: string;
  held: Map<string, number>;
  /** The page held, in short (WallPage.tag). */
  tag: string;
  total: number;
  /** The page holds the ideas proposed until then (createdAt): those since are counted, not sent. */
  anchor: number;
  tokens: number;
  at: number;
  dirty: boolean;
  /** When the page last sent went out, until the phone acks it (null: it has). */
  inFlight: number | null;
  /** The phone unpacks a gzipped page. */
  gz: boolean;
  /** Its budget holds its change back until then. */
  heldUntil: number;
  /** The wall (WallPages.wallAt) when the page held was the page it would be sent then; -1: not known to be. */
  currentAt: number;
}

/** A page held by a phone whose connection closed, as it was then (Watcher). */
interface LeftPage {
  key: string;
  pages: number;
  held: Map<string, number>;
  total: number;
}

/** Pages of closed connections kept for the phones coming back: a hall's phones, and then some. */
const LEFT_KEPT = 20_000;

/** A page's ideas of fewer bytes than this go as they are: packing them would save less than it costs. */
export const GZIP_FROM_BYTES = 4 * 1024;
/** Packed pages kept for phones sent the same (a priority's first page, opened by many). */
const PACKED_KEPT = 64;

/** A page not acked within this long (a phone that never does) no longer holds the next back. */
export const IN_FLIGHT_MS = 30_000;

export class WallPages {
  /**
   * Mixed into every tag: revisions are counted from this server's start, so a page held from before
   * a restart never matches, and is sent whole.
   */
  private readonly epoch = randomBytes(9).toString('base64url');
  /** Each idea's revision: raised at each change, so a page held is compared idea by idea. */
  private readonly revs = new Map<string, number>();
  private rev = 0;
  /** The active ideas of each priority, newest first; rebuilt after a change. */
  private lists: Map<string, Idea[]> | null = null;
  /** Searches made within one look at the pages: phones with the same search share it. */
  private found = new Map<string, Idea[]>();
  private readonly watchers = new Map<string, Watcher>();
  /** The hash of each idea's id, for the phones' own orders. */
  private readonly idHashes = new Map<string, number>();
  /** Searchable text of each idea as it is (a changed idea is a new object). */
  private readonly texts = new WeakMap<Idea, string>();
  /** The phones to look at in the round under way (flush), from `roundAt` on. */
  private round: string[] = [];
  private roundAt = 0;
  private readonly inRound = new Set<string>();
  /** Pages' ideas gzipped, by their JSON, until an idea changes. */
  private readonly packed = new Map<string, Buffer>();
  /** Raised whenever any page may have changed (an idea stored, a new phase). */
  private wallAt = 0;
  /**
   * The pages held by phones whose connection closed, by tag, while the wall is as it was then: a
   * phone back after the Wi-Fi blinked, sending its tag, is told its page is the same without the
   * page worked out again in its own order (5,000 phones coming back at once each asked for it).
   */
  private readonly left = new Map<string, LeftPage>();

  constructor(
    private readonly room: ForumRoom,
    private readonly budget: WallBudget,
  ) {}

  /** Ideas changed that are not yet stored: taken in at the next flush, once they are. */
  private readonly unstored = new Set<string>();

  /** Ideas changed: the pages showing their priority are looked at again at the next flush. */
  changed(ids: Iterable<string>): void {
    for (const id of ids) this.unstored.add(id);
  }

  /**
   * The changes now stored become revisions: a page sent meanwhile showed each idea as stored, at
   * its revision then, and is sent the change as a difference after.
   */
  private takeIn(): void {
    if (this.unstored.size === 0) return;
    const state = this.room.shown.state;
    const touched = new Set<string>();
    for (const id of this.unstored) {
      this.revs.set(id, ++this.rev);
      const idea = state.ideas.get(id);
      if (idea) touched.add(idea.priorityCode);
    }
    this.unstored.clear();
    this.wallMoved();
    for (const w of this.watchers.values()) if (touched.has(w.watch.priorityCode)) w.dirty = true;
  }

  /** The phase changed: every page is sent again whole when its order changed (at voting), with every idea proposed until now. */
  phaseChanged(now: number): void {
    this.wallMoved();
    for (const w of this.watchers.values()) {
      w.dirty = true;
      w.anchor = now;
    }
  }

  /** Any page may have changed: nothing worked out from the wall as it was is used again. */
  private wallMoved(): void {
    this.lists = null;
    this.packed.clear();
    this.wallAt++;
    this.left.clear();
  }

  /** Active ideas per priority code, as stored. */
  counts(): Record<string, number> {
    this.takeIn();
    const counts: Record<string, number> = {};
    for (const p of this.room.shown.state.structure.priorities) counts[p.code] = 0;
    for (const [code, list] of this.byPriority()) counts[code] = list.length;
    return counts;
  }

  /**
   * A phone asks for a page: what it is sent now, at once (the whole page at a new priority or
   * search, the added ideas at a further page). Null: it watches nothing.
   */
  watch(socketId: string, watch: WallWatch | null, participantId: () => string | undefined, now: number, gz = false, tag?: string): WallPage | null {
    if (!watch) {
      this.watchers.delete(socketId);
      return null;
    }
    let w = this.watchers.get(socketId);
    if (!w) {
      w = { watch, participantId, key: '', held: new Map(), tag: '', total: 0, anchor: now, tokens: this.budget.burstBytes, at: now, dirty: true, inFlight: null, gz, heldUntil: 0, currentAt: -1 };
      this.watchers.set(socketId, w);
    }
    w.watch = watch;
    // Asked again: the ideas proposed meanwhile join the page.
    w.anchor = now;
    this.found.clear();
    const same = tag === undefined ? null : this.same(w, tag);
    if (same) {
      this.sent(w, same, pageBytes(same), now);
      // Nothing for the phone to unpack: it is not waited for (sent without asking for an ack).
      w.inFlight = null;
      return same;
    }
    const page = this.diff(w, true)!;
    const { message, bytes } = this.pack(page, w.gz);
    message.tag = this.sent(w, page, bytes, now);
    return message;
  }

  /**
   * The page held by a phone asking again (its `tag`), when it is the page it would be sent now: it
   * is held as if sent, and the phone told so. Null: it is sent the page whole.
   */
  private same(w: Watcher, tag: string): WallPage | null {
    const { priorityCode, query } = w.watch;
    const key = this.keyOf(w);
    // Held when its connection closed, and the wall has not moved since: the page it would be sent.
    const left = this.left.get(tag);
    if (left && left.key === key && left.pages === w.watch.pages) {
      // Its phone has it again: kept no longer than the phones are away.
      this.left.delete(tag);
      w.held = left.held;
      w.key = key;
      return { priorityCode, query, whole: false, total: left.total, newer: 0, upserts: [], removed: [], tag, same: true };
    }
    const { shown, total, newer } = this.current(w);
    const held = new Map<string, number>();
    for (const idea of shown) held.set(idea.id, this.revs.get(idea.id) ?? 0);
    if (this.tagOf(key, held) !== tag) return null;
    w.held = held;
    w.key = key;
    return { priorityCode, query, whole: false, total, newer, upserts: [], removed: [], tag, same: true };
  }

  /** A page held, in short: its order, priority and search, and each idea on it at its revision. */
  private tagOf(key: string, held: ReadonlyMap<string, number>): string {
    return tagOf(this.epoch, key, ...[...held.keys()].sort().map((id) => `${id} ${held.get(id)}`));
  }

  forget(socketId: string): void {
    const w = this.watchers.get(socketId);
    this.watchers.delete(socketId);
    // Kept only while it is the page the phone would be sent now: none newer than it was asked for.
    if (!w || w.currentAt !== this.wallAt || w.tag === '') return;
    if (this.left.size >= LEFT_KEPT) this.left.delete(this.left.keys().next().value!);
    this.left.set(w.tag, { key: w.key, pages: w.watch.pages, held: w.held, total: w.total });
  }

  /** The phone has the page last sent: the next change may go (true: one waits). */
  received(socketId: string): boolean {
    const w = this.watchers.get(socketId);
    if (!w) return false;
    w.inFlight = null;
    return w.dirty;
  }

  /**
   * The changes each phone may be sent now, within its budget; and when to look again for those
   * the budget held (null: none held).
   */
  flush(now: number, send: (socketId: string, page: WallPage) => void, sliceMs = Infinity): { next: number | null; more: boolean } {
    this.takeIn();
    this.found.clear();
    let next: number | null = null;
    // A round goes over every phone whose page changed, a slice of time per turn of the event loop:
    // at the start of voting every page of 5,000 phones is sent again in its own order, seconds of
    // work that would otherwise hold up every ack and heartbeat.
    // Every phone whose page changed joins the round, once, however it came to (a change, its ack,
    // its budget refilled).
    for (const [socketId, w] of this.watchers) {
      if (!w.dirty || this.inRound.has(socketId) || (w.inFlight !== null && now - w.inFlight < IN_FLIGHT_MS)) continue;
      // Held by its budget: looked at again once it may go.
      if (now < w.heldUntil) next = next === null ? w.heldUntil : Math.min(next, w.heldUntil);
      else {
        this.round.push(socketId);
        this.inRound.add(socketId);
      }
    }
    const start = performance.now();
    while (this.roundAt < this.round.length && performance.now() - start < sliceMs) {
      const socketId = this.round[this.roundAt++];
      this.inRound.delete(socketId);
      const w = this.watchers.get(socketId);
      if (!w?.dirty) continue;
      // The last page is still on its way: this change goes once it has arrived (received).
      if (w.inFlight !== null && now - w.inFlight < IN_FLIGHT_MS) continue;
      this.refill(w, now);
      const page = this.diff(w, false);
      if (!page) {
        w.dirty = false;
        continue;
      }
      const { message, bytes } = this.pack(page, w.gz);
      // A change larger than the whole burst still goes, once the bucket is full.
      if (bytes > w.tokens && w.tokens < this.budget.burstBytes) {
        const wait = now + Math.ceil(((Math.min(bytes, this.budget.burstBytes) - w.tokens) / this.budget.bytesPerSecond) * 1000);
        w.heldUntil = wait;
        next = next === null ? wait : Math.min(next, wait);
        continue;
      }
      message.tag = this.sent(w, page, bytes, now);
      send(socketId, message);
    }
    this.found.clear();
    const more = this.roundAt < this.round.length;
    if (!more) {
      this.round = [];
      this.roundAt = 0;
    }
    return { next, more };
  }

  /** Ideas by id as on the wall: those still on it. */
  ideas(ids: readonly string[]): WallIdea[] {
    const state = this.room.shown.state;
    const out: WallIdea[] = [];
    for (const id of new Set(ids)) {
      const idea = state.ideas.get(id);
      if (idea?.status === 'active') out.push(wallIdea(this.room, idea));
    }
    return out;
  }

  /** A priority's active ideas, newest first. */
  list(priorityCode: string): readonly Idea[] {
    return this.byPriority().get(priorityCode) ?? [];
  }

  /** The page as it goes to the phone (its ideas gzipped when large and the phone unpacks them), and its bytes on the wire. */
  private pack(page: WallPage, gz: boolean): { message: WallPage; bytes: number } {
    const plain = { message: page, bytes: pageBytes(page) };
    if (!gz || plain.bytes < GZIP_FROM_BYTES) return plain;
    const json = JSON.stringify(page.upserts);
    let packed = this.packed.get(json);
    if (!packed) {
      packed = gzipSync(json, { level: 1 });
      if (this.packed.size >= PACKED_KEPT) this.packed.delete(this.packed.keys().next().value!);
      this.packed.set(json, packed);
    }
    const message = { ...page, upserts: [], gz: packed };
    // The packet's text with a placeholder for the attachment, then the attachment's own frame.
    return { message, bytes: pageBytes({ ...page, upserts: [] }) + 30 + packed.length + 4 };
  }

  /** The page is on its way to the phone: what it will hold then, and its tag. */
  private sent(w: Watcher, page: WallPage, bytes: number, now: number): string {
    this.refill(w, now);
    w.tokens -= bytes;
    w.dirty = false;
    w.inFlight = now;
    if (page.whole) w.held = new Map();
    for (const id of page.removed) w.held.delete(id);
    for (const idea of page.upserts) w.held.set(idea.id, this.revs.get(idea.id) ?? 0);
    w.total = page.total;
    w.key = this.keyOf(w);
    // A `same` answer leaves the page held, and its tag, as they were.
    w.tag = page.same && page.tag ? page.tag : this.tagOf(w.key, w.held);
    // The page held is the page as it is now, unless ideas newer than it were left out (counted).
    w.currentAt = page.newer === 0 ? this.wallAt : -1;
    return w.tag;
  }

  private refill(w: Watcher, now: number): void {
    w.tokens = Math.min(this.budget.burstBytes, w.tokens + ((now - w.at) / 1000) * this.budget.bytesPerSecond);
    w.at = now;
  }

  private keyOf(w: Watcher): string {
    const { priorityCode, query } = w.watch;
    return `${this.ordered(w) ?? ''}\n${priorityCode}\n${searchable(query)}`;
  }

  /** Whose order the page is in: the participant's while dots are spent, none (newest first) otherwise. */
  private ordered(w: Watcher): string | null {
    return this.room.shown.state.phase === 'voting' ? (w.participantId() ?? null) : null;
  }

  /** The page now against the page held: null when they are the same. */
  private diff(w: Watcher, asked: boolean): WallPage | null {
    const { priorityCode, query } = w.watch;
    const { shown, total, newer } = this.current(w);
    const whole = w.key !== this.keyOf(w);
    const held = whole ? new Map<string, number>() : w.held;
    const upserts: WallIdea[] = [];
    const on = new Set<string>();
    for (const idea of shown) {
      on.add(idea.id);
      if (held.get(idea.id) !== (this.revs.get(idea.id) ?? 0) || !held.has(idea.id)) upserts.push(wallIdea(this.room, idea));
    }
    const removed = [...held.keys()].filter((id) => !on.has(id));
    if (!whole && !asked && upserts.length === 0 && removed.length === 0 && w.total === total) return null;
    return { priorityCode, query, whole, total, newer, upserts, removed };
  }

  /** The ideas on the watcher's page now, in its order; how many match its search; how many of those are newer than the page. */
  private current(w: Watcher): { shown: Idea[]; total: number; newer: number } {
    const { priorityCode, query, pages } = w.watch;
    const found = this.search(priorityCode, query);
    // Newest first: those newer than the anchor lead the list.
    let newer = 0;
    while (newer < found.length && found[newer].createdAt > w.anchor) newer++;
    const all = newer === 0 ? found : found.slice(newer);
    const by = this.ordered(w);
    const shown = by === null ? all.slice(0, pages * WALL_PAGE_SIZE) : this.firstInOrder(all, by, priorityCode, pages * WALL_PAGE_SIZE);
    return { shown, total: all.length, newer };
  }

  /**
   * The first `count` ideas in a participant's order (shared/forum/wallOrder.ts deviceOrder), kept
   * as they come rather than sorting the whole priority: thousands of phones each ask for it.
   */
  private firstInOrder(ideas: readonly Idea[], participantId: string, priorityCode: string, count: number): Idea[] {
    const seed = orderSeed(participantId, priorityCode);
    const best: { idea: Idea; key: number }[] = [];
    const before = (key: number, id: string, than: { idea: Idea; key: number }) => key < than.key || (key === than.key && id < than.idea.id);
    for (const idea of ideas) {
      let hash = this.idHashes.get(idea.id);
      if (hash === undefined) this.idHashes.set(idea.id, (hash = hash32(idea.id)));
      const key = keyFrom(seed, hash);
      if (best.length === count && !before(key, idea.id, best[count - 1])) continue;
      let lo = 0;
      let hi = best.length;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (before(key, idea.id, best[mid])) hi = mid;
        else lo = mid + 1;
      }
      best.splice(lo, 0, { idea, key });
      if (best.length > count) best.pop();
    }
    return best.map((b) => b.idea);
  }

  private search(priorityCode: string, query: string): Idea[] {
    const words = searchable(query).split(' ').filter(Boolean);
    const list = this.list(priorityCode) as Idea[];
    if (words.length === 0) return list;
    const key = `${priorityCode}\n${words.join(' ')}`;
    let found = this.found.get(key);
    if (!found) {
      found = list.filter((idea) => {
        const text = this.textOf(idea);
        return words.every((word) => text.includes(word));
      });
      this.found.set(key, found);
    }
    return found;
  }

  private textOf(idea: Idea): string {
    let text = this.texts.get(idea);
    if (text === undefined) this.texts.set(idea, (text = searchable(`${idea.title}\n${idea.description}\n${idea.place}`)));
    return text;
  }

  private byPriority(): Map<string, Idea[]> {
    if (this.lists) return this.lists;
    const lists = new Map<string, Idea[]>();
    for (const idea of this.room.shown.state.ideas.values()) {
      if (idea.status !== 'active') continue;
      let list = lists.get(idea.priorityCode);
      if (!list) lists.set(idea.priorityCode, (list = []));
      list.push(idea);
    }
    for (const list of lists.values()) list.sort(newestFirst);
    this.lists = lists;
    return lists;
  }
}


const wallIdea = (room: ForumRoom, idea: Idea): WallIdea => ({ ...publicIdea(room.shown.state, idea), at: idea.createdAt });

/** The bytes a page takes on the wire, as the phone receives it. */
export const pageBytes = (page: WallPage): number => wireBytes(JSON.stringify(['wall:page', page]));
