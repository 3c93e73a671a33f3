// Following a forum's log from another process: the first slice of carrying a change made through
// one Viche process to the connections of another. The process that writes a forum pokes the
// others (NOTIFY viche_events '<forum id>:<last seq>', sent by the batch's own statement, so only
// once it has committed: db/postgres.ts appendBatch); a follower reads what it has not seen from the
// log itself, by seq, in order, exactly once. The poke is not the data: a poke lost (the follower's
// connection down while PostgreSQL restarted) costs nothing but time, because every (re)connection
// reads the log from the last seq seen, and a slow poll (every `pollMs`) catches what a lost
// notification would otherwise leave behind until the next change.

import { PgListener } from './pgListen.js';
import { EVENTS_CHANNEL } from './pgSchema.js';
import type { PostgresStore } from './postgres.js';
import type { StoredEvent } from './store.js';

export interface FollowOptions {
  /** How often the log is read even without a poke (5 s by default). */
  pollMs?: number;
  /** How long after a lost connection the next one is tried (500 ms by default). */
  retryMs?: number;
}

interface Followed {
  seq: number;
  onEvents: (events: StoredEvent[]) => void;
  /** A read under way; a poke meanwhile asks for one more after it. */
  reading: Promise<void> | null;
  again: boolean;
}

export class LogFollower {
  private readonly listener: PgListener;
  private readonly followed = new Map<string, Followed>();
  private readonly poll: NodeJS.Timeout;
  private closed = false;

  constructor(
    url: string,
    private readonly store: PostgresStore,
    options: FollowOptions = {},
  ) {
    this.poll = setInterval(() => this.readAll(), options.pollMs ?? 5000);
    this.poll.unref();
    this.listener = new PgListener(
      url,
      store.schema,
      [EVENTS_CHANNEL],
      {
        notified: (_, payload) => {
          const [forumId, seq] = payload.split(':');
          const f = this.followed.get(forumId);
          if (f && Number(seq) > f.seq) this.read(forumId, f);
        },
        // Whatever was stored while nobody listened.
        connected: () => this.readAll(),
      },
      options.retryMs ?? 500,
      'viche-follow',
    );
  }

  /**
   * Tells `onEvents` every event of the forum after `seq`, in order and once each, as they are
   * stored; returns what stops it.
   */
  follow(forumId: string, seq: number, onEvents: (events: StoredEvent[]) => void): () => void {
    const f: Followed = { seq, onEvents, reading: null, again: false };
    this.followed.set(forumId, f);
    this.read(forumId, f);
    return () => {
      if (this.followed.get(forumId) === f) this.followed.delete(forumId);
    };
  }

  async close(): Promise<void> {
    this.closed = true;
    clearInterval(this.poll);
    await this.listener.close();
    await Promise.all([...this.followed.values()].map((f) => f.reading));
  }

  private readAll(): void {
    for (const [id, f] of this.followed) this.read(id, f);
  }

  /** Reads the forum's events after the last seen, one read at a time; a failed read waits for the next poke or poll. */
  private read(forumId: string, f: Followed): void {
    if (f.reading) {
      f.again = true;
      return;
    }
    f.reading = (async () => {
      do {
        f.again = false;
        let events: StoredEvent[];
        try {
          events = await this.store.loadEventsAfter(forumId, f.seq, 1000);
        } catch {
          return;
        }
        if (events.length === 0 || this.followed.get(forumId) !== f) continue;
        f.seq = events[events.length - 1].seq;
        f.onEvents(events);
        // A full page: there may be more.
        if (events.length === 1000) f.again = true;
      } while (f.again && !this.closed);
    })().finally(() => (f.reading = null));
  }
}
