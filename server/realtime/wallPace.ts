// How fast a phone's page of the wall may change on it (wallPages.ts): a budget of bytes per phone,
// a token bucket, whatever the number of people writing and editing. What does not fit waits, and
// while it waits further changes collapse into it: the phone is sent its page as it is when sent.

/** The pacing of each phone's page of the wall. */
export interface WallBudget {
  /** Bytes a second of page changes into each phone, once the burst is spent. */
  bytesPerSecond: number;
  /** Bytes that may go at once. */
  burstBytes: number;
}

// Chosen for the air of a crowded hall: a page is 20 ideas, a new idea 300-800 bytes on the wire
// (a title, a few sentences, a place and a name in Cyrillic; the longest card about 4 KB). A real
// hall of 130 writes a few ideas a minute into one priority, far below 1 KiB/s (8 kbit/s); a hall
// of thousands writing faster sees its page change once a second or so, not each idea as it comes,
// and no phone is sent more than 16 kbit/s on average over a phase. The burst is a whole page of
// long cards. A venue with air to spare may raise it (WALL_BYTES_PER_SECOND).
export const WALL_BUDGET: WallBudget = {
  bytesPerSecond: 1024,
  burstBytes: 16 * 1024,
};

/** The bytes a server message of `json` (a Socket.IO packet "2…" in a WebSocket frame) takes on the wire. */
export function wireBytes(json: string): number {
  const payload = Buffer.byteLength(json) + 1;
  return payload + (payload < 126 ? 2 : payload < 65_536 ? 4 : 10);
}
