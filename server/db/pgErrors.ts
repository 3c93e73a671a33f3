// What a PostgreSQL failure means to the forum: the server cannot be reached or went away (a
// restart, a network cut), it refuses writes (a standby, a full disk), or it is too busy; each a
// StorageUnavailable the console can explain. Anything else (a refused statement, a bug) stays the
// error it was.

import { StorageUnavailable, type StorageCause, type StorageOutcome } from '../errors.js';

/** Socket errors of Node's net module: the connection could not be made, or was cut. */
const SOCKET_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN', 'ECONNABORTED']);

/** node-postgres says these in words, without a code, when its connection ends or times out. */
const LOST_CONNECTION = /Connection terminated|connection error and is not queryable|Client was closed|timeout exceeded when trying to connect|Query read timeout|Connection ended/i;

/**
 * Whether the connection itself failed (nothing says what became of a statement sent on it) or
 * the server answered with an error about itself, and which cause a facilitator is told.
 */
export function pgFailureOf(err: unknown): { cause: StorageCause; connection: boolean } | null {
  const code = String((err as { code?: unknown })?.code ?? '');
  const message = String((err as Error)?.message ?? '');
  if (SOCKET_CODES.has(code) || (code === '' && LOST_CONNECTION.test(message))) return { cause: 'io', connection: true };
  // Class 08: connection exceptions; 57P01-57P03: the server shuts down, crashed, or is starting.
  if (code.startsWith('08') || code === '57P01' || code === '57P02' || code === '57P03') return { cause: 'io', connection: true };
  if (code === '53100') return { cause: 'full', connection: false };
  // A standby (hot_standby) or a database set read-only takes reads and refuses every write.
  if (code === '25006') return { cause: 'readonly', connection: false };
  // Serialization failures, deadlocks, locks not taken in time, too many connections, a statement timed out.
  if (['40001', '40P01', '55P03', '53300', '57014'].includes(code)) return { cause: 'busy', connection: false };
  // Class 58: the server's own disk failed; XX: an internal error. The statement failed there.
  if (code.startsWith('58') || code.startsWith('XX')) return { cause: 'io', connection: false };
  return null;
}

/**
 * A failure of PostgreSQL as a StorageUnavailable, anything else as it was. `sent`: the write had
 * reached the server when the connection failed, so it may have committed (outcome unknown); an
 * error the server answered with aborted its transaction, so nothing of it was stored.
 */
export function pgStorageError(err: unknown, sent: boolean): unknown {
  if (err instanceof StorageUnavailable) return err;
  const failure = pgFailureOf(err);
  if (!failure) return err;
  const outcome: StorageOutcome = failure.connection && sent ? 'unknown' : 'notStored';
  return new StorageUnavailable(failure.cause, `PostgreSQL: ${(err as Error).message || String((err as { code?: unknown }).code)}`, outcome);
}
