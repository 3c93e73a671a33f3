// The two kinds of failure the server explains in words rather than stack traces: a start-up that
// cannot go on (a setting, a file, a port), and storage that cannot save right now.

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
 * A write that did not happen because of the disk, not the request: nothing was saved, and the
 * same action may succeed once the cause is gone.
 */
export class StorageUnavailable extends Error {
  constructor(
    readonly reason: StorageCause,
    readonly detail: string,
  ) {
    super(`storage unavailable (${reason}): ${detail}`);
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
