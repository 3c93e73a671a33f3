// Who may write a forum: one owner at a time. A server process asks for a forum's lease before it
// opens the forum's room and gives it back when it closes the room; a lease taken from it (another
// process took the forum over) is told to its listeners, and the forum's room then refuses every
// change (FORUM_ELSEWHERE) so that nothing is acknowledged that the new owner would not see; a
// forum opened on demand is then closed, its connections with it, to reconnect where it is served.
//
// SQLite (FileLease): the writer lock of db/lock.ts is the lease for every forum in the file. One
// process per file, so holding the file's lock means owning all of its forums: tryAcquire says
// true for any forum while the lock is held, and a lease is never taken away (the operating system
// drops the lock only when the process ends).
//
// PostgreSQL (forums/pgLease.ts): a session advisory lock per forum on a connection of its own;
// the events' primary key (forum_id, seq) is the fence that a lease row's token would have been,
// as that file explains.

import type { WriterLock } from '../db/lock.js';

export interface ForumLease {
  /** True when this process now owns the forum (or did already); false when another one does. */
  tryAcquire(forumId: string): Promise<boolean>;
  /** Gives the forum up: another process may take it. */
  release(forumId: string): Promise<void>;
  /** Told of each forum whose lease was taken from this process; returns the unsubscribe. */
  onLost(listener: (forumId: string) => void): () => void;
  /**
   * True while the forum's lease is neither held nor known lost: it went with a connection and is
   * being asked for again. Its room decides nothing meanwhile, as another process may hold it.
   */
  suspended?(forumId: string): boolean;
  /** Asks the process that holds the forum to let it go (this one was asked for it). */
  want?(forumId: string): void;
  /** Told of each forum held here that another process was asked for; returns the unsubscribe. */
  onWanted?(listener: (forumId: string) => void): () => void;
  /** Told of each forum whose lease was taken back after it went with a connection; returns the unsubscribe. */
  onRegained?(listener: (forumId: string) => void): () => void;
}

/**
 * Owning the database file (its writer lock, held for the server's life) is owning every forum in
 * it. Without a lock (a store given by the caller, which is then this process's alone), likewise.
 */
export class FileLease implements ForumLease {
  constructor(private readonly lock: WriterLock | null) {}

  async tryAcquire(): Promise<boolean> {
    return this.lock === null || this.lock.held;
  }

  async release(): Promise<void> {}

  onLost(): () => void {
    return () => {};
  }
}

/**
 * Leases per forum held in this process's memory, as a multi-process store would give them: for
 * tests, which play the other process by taking a forum (takeAway) or holding it (holdElsewhere).
 */
export class MemoryLease implements ForumLease {
  private readonly owned = new Set<string>();
  private readonly elsewhere = new Set<string>();
  private readonly listeners = new Set<(forumId: string) => void>();

  async tryAcquire(forumId: string): Promise<boolean> {
    if (this.elsewhere.has(forumId)) return false;
    this.owned.add(forumId);
    return true;
  }

  async release(forumId: string): Promise<void> {
    this.owned.delete(forumId);
  }

  onLost(listener: (forumId: string) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Whether this process holds the forum's lease now. */
  holds(forumId: string): boolean {
    return this.owned.has(forumId);
  }

  /** Another process takes the forum: this one loses it (its listeners are told) and cannot take it back. */
  takeAway(forumId: string): void {
    this.elsewhere.add(forumId);
    if (!this.owned.delete(forumId)) return;
    for (const listener of this.listeners) listener(forumId);
  }

  /** The other process gives the forum up: this one may take it again. */
  giveBack(forumId: string): void {
    this.elsewhere.delete(forumId);
  }
}
