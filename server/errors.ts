// The failures the server explains in words rather than stack traces: a start-up that cannot go
// on (a setting, a file, a port), storage that cannot save right now (or cannot say whether it
// saved), and a write refused because another writer's events came first.

/**
 * The server cannot start: one sentence that says what to fix, in Ukrainian and in English (the
 * start-up text says both, Ukrainian first, as every other page of Viche does).
 */
export class StartupError extends Error {
  constructor(
    readonly uk: string,
    readonly en: string,
  ) {
    super(`${uk} / ${en}`);
  }
}

/** `readOnlyStart`: the server was started with READ_ONLY=1, to look at a forum, not a fault of the disk. */
export type StorageCause = 'full' | 'busy' | 'readonly' | 'io' | 'readOnlyStart';

/**
 * Whether a failed write may yet be in the store. `notStored`: it failed before its commit began
 * (a lock not taken in time, a full disk, a refused statement), so nothing of it was kept.
 * `unknown`: the commit itself began and then failed (an I/O error while syncing it): the store
 * may hold the write whole, or not at all, and only reading it back tells which.
 */
export type StorageOutcome = 'notStored' | 'unknown';

/**
 * A write that failed because of the disk, not the request: the same action may succeed once the
 * cause is gone. Nothing was saved unless `outcome` is 'unknown'.
 */
export class StorageUnavailable extends Error {
  constructor(
    readonly reason: StorageCause,
    readonly detail: string,
    readonly outcome: StorageOutcome = 'notStored',
  ) {
    super(`storage unavailable (${reason}${outcome === 'unknown' ? ', outcome unknown' : ''}): ${detail}`);
  }
}

/**
 * A batch refused because the forum's log had moved on since the writer last read it (another
 * process wrote to the same forum): nothing of it was written. The writer reads what it missed
 * (loadEventsAfter) and decides again.
 */
export class StorageConflict extends Error {
  constructor(
    readonly forumId: string,
    /** The last seq the writer knew of. */
    readonly expectedSeq: number,
    /** The forum's last seq in the store. */
    readonly storedSeq: number,
  ) {
    super(`forum ${forumId} is at seq ${storedSeq} in the store, not ${expectedSeq}: another writer came first`);
  }
}

/** SQLite's error codes as causes a facilitator can act on; null for errors that are not the disk's. */
export function storageCauseOf(err: unknown): StorageCause | null {
  const code = (err as { code?: unknown })?.code;
  if (typeof code !== 'string') return null;
  if (code === 'SQLITE_FULL' || (code.startsWith('SQLITE_IOERR') && /space/i.test(String((err as Error).message)))) return 'full';
  if (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED')) return 'busy';
  if (code.startsWith('SQLITE_READONLY')) return 'readonly';
  if (code.startsWith('SQLITE_IOERR') || code === 'SQLITE_CANTOPEN' || code === 'SQLITE_PROTOCOL') return 'io';
  return null;
}
