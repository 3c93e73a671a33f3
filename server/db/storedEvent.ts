// A stored row read back as an event, or why it is not one: shared by the SQLite store, its
// worker threads and the PostgreSQL store, which keep events as JSON text beside their type.

import type { ForumEvent } from '../../shared/forum/types.js';

/** Why a stored row is not an event the server can replay, or its event. */
export function parseStoredEvent(type: unknown, payload: unknown): ForumEvent | string {
  if (typeof payload !== 'string') return 'its payload is not text';
  let value: unknown;
  try {
    value = JSON.parse(payload);
  } catch {
    return 'its payload is not JSON';
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return 'its payload is not a JSON object';
  const stored = (value as { type?: unknown }).type;
  if (stored !== type) return `its payload is a ${String(stored)} event, not a ${String(type)}`;
  return value as ForumEvent;
}
