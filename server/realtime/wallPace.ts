// How fast the wall of ideas may flow to phones. Every phone is sent the same patches, framed once
// for all of them, so a budget on that one stream is a budget per phone: whatever the number of
// identities editing, each phone receives at most `burstBytes` at once and `bytesPerSecond` after
// (a token bucket of bytes). Without it, 300 identities each editing at their own allowed rate put
// over a megabit per second into every listening phone. What does not fit waits, and while it
// waits further edits of the same idea collapse into it: the patch carries an idea as it is when
// sent. What goes first when the budget is short: ideas taken off the wall (a few bytes, and a
// ballot must not point at them), then ideas never sent, then changes of ideas already on phones;
// within each, those of the authors who changed ideas least of late.
// An idea sent often (its first version and `slowAfterEdits` edits) is in the slow lane: sent again
// at most every `slowLaneMs`, and at the next change of phase, so that one author cannot make
// every phone download the same card again and again. The author sees every edit at once in their
// own view (`me`, and the ack); a phone that connects gets the wall (wall.ts), then what was held
// with everyone.

/** The pacing of the wall's patches. */
export interface WallBudget {
  /** Bytes a second of idea patches into each phone, once the burst is spent. */
  bytesPerSecond: number;
  /** Bytes that may go at once. */
  burstBytes: number;
  /** Edits of one idea that go to phones as they come; its later edits go by the slow lane. */
  slowAfterEdits: number;
  /** Least time between two sends of an idea in the slow lane (a change of phase sends it sooner). */
  slowLaneMs: number;
}

// Chosen from a real hall: about 250 ideas in an evening, most in the first quarter of an hour,
// and a new idea's patch is 300-800 bytes on the wire (a title, a few sentences, a place and a
// name, in Cyrillic: two bytes a letter; the longest possible card is about 4 KB). That is a few
// hundred bytes a second on average and a few kilobytes in the busiest second; the budget is ten
// times that: 4 KiB/s (32 kbit/s, nothing for a phone, and 4 Mbit/s for a hall of 130 on one
// Wi-Fi), and 32 KiB at once (forty new ideas in the same second). A hall of thousands writing
// ideas faster raises it (WALL_BYTES_PER_SECOND).
export const WALL_BUDGET: WallBudget = {
  bytesPerSecond: 4096,
  burstBytes: 32 * 1024,
  slowAfterEdits: 3,
  slowLaneMs: 60_000,
};

/** The bytes a server message of `json` (a Socket.IO packet "2…" in a WebSocket frame) takes on the wire. */
export function wireBytes(json: string): number {
  const payload = Buffer.byteLength(json) + 1;
  return payload + (payload < 126 ? 2 : payload < 65_536 ? 4 : 10);
}

/** What the wall tells of a waiting idea: whether it is off the wall, and its bytes in a patch. */
export interface WallEntries {
  removed(id: string): boolean;
  bytes(id: string): number;
  /** How busy its author has been changing ideas lately: the quieter goes first. */
  authorActivity(id: string): number;
}

export class WallPace {
  private tokens: number;
  private at: number;
  /** Ideas changed and not yet sent, with when they first waited. */
  private readonly waiting = new Map<string, number>();
  /** How often each idea went to phones as it is (not its removals), and when last. */
  private readonly sent = new Map<string, { times: number; at: number }>();
  /** Changes made before this time are not held in the slow lane (set at a change of phase). */
  private releasedAt = -Infinity;

  constructor(
    readonly budget: WallBudget,
    now: number,
  ) {
    this.tokens = budget.burstBytes;
    this.at = now;
  }

  /** An idea changed: it waits for the next patch. */
  changed(id: string, now: number): void {
    if (!this.waiting.has(id)) this.waiting.set(id, now);
  }

  /** Every change made until now goes as soon as the budget allows, slow lane or not. */
  release(now: number): void {
    this.releasedAt = now;
  }

  /**
   * The ideas to send now, within the budget, and when to look again for those left (null: none
   * left). `overhead` is the bytes of an empty patch.
   */
  take(now: number, overhead: number, entries: WallEntries): { ids: string[]; next: number | null } {
    this.refill(now);
    const removed = new Set<string>();
    const fresh: string[] = [];
    const edits: string[] = [];
    let heldUntil = Infinity;
    for (const [id, since] of this.waiting) {
      const sent = this.sent.get(id);
      if (entries.removed(id)) removed.add(id);
      else if (!sent) fresh.push(id);
      else if (sent.times > this.budget.slowAfterEdits && since > this.releasedAt && now - sent.at < this.budget.slowLaneMs) {
        heldUntil = Math.min(heldUntil, sent.at + this.budget.slowLaneMs);
      } else edits.push(id);
    }
    // Among new ideas, and among edits, the quieter authors' first: 300 identities changing ideas as
    // fast as they may do not keep a resident's first idea waiting behind theirs. (Stable: in the
    // order they came otherwise.)
    const byActivity = (list: string[]) => {
      const activity = new Map(list.map((id) => [id, entries.authorActivity(id)]));
      return list.sort((a, b) => activity.get(a)! - activity.get(b)!);
    };
    byActivity(fresh);
    byActivity(edits);
    const ids: string[] = [];
    let bytes = overhead;
    /** The bytes the first idea left over needs in a patch of its own. */
    let needed: number | null = null;
    for (const id of [...removed, ...fresh, ...edits]) {
      // Measured only up to the first that does not fit: under a flood most wait, and stay unmeasured.
      const cost = entries.bytes(id);
      // A card larger than the whole burst still goes, alone, once the bucket is full.
      if (bytes + cost > this.tokens && !(ids.length === 0 && this.tokens >= this.budget.burstBytes)) {
        needed = Math.min(overhead + cost, this.budget.burstBytes);
        break;
      }
      ids.push(id);
      bytes += cost;
    }
    for (const id of ids) {
      this.waiting.delete(id);
      if (removed.has(id)) continue;
      const sent = this.sent.get(id);
      this.sent.set(id, { times: (sent?.times ?? 0) + 1, at: now });
    }
    const left = this.tokens - (ids.length > 0 ? bytes : 0);
    const refilled = needed === null ? Infinity : now + Math.ceil(((needed - left) / this.budget.bytesPerSecond) * 1000);
    const next = Math.min(refilled, heldUntil);
    return { ids, next: next === Infinity ? null : Math.max(next, now + 1) };
  }

  /** The patch of `bytes` went out. */
  spent(bytes: number): void {
    this.tokens -= bytes;
  }

  /** When the bucket will hold `bytes` (now if it does). */
  readyAt(now: number, bytes: number): number {
    this.refill(now);
    return this.tokens >= bytes ? now : now + Math.ceil(((bytes - this.tokens) / this.budget.bytesPerSecond) * 1000);
  }

  private refill(now: number): void {
    this.tokens = Math.min(this.budget.burstBytes, this.tokens + ((now - this.at) / 1000) * this.budget.bytesPerSecond);
    this.at = now;
  }
}
