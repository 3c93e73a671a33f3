// Rewriting a forum's stored events once its vote's personal data is deleted (personsAnonymised),
// on whichever connection holds the write: the server's own for a database in memory, the
// anonymisation's worker thread for a file (anonymiseWorker.ts). Called inside the transaction
// that stores the event, so the rewrite and the event are on disk together or not at all.

import type Database from 'better-sqlite3';
import { Redaction, REDACTED_TYPES } from '../forum/redaction.js';
import { parseStoredEvent } from './storedEvent.js';

/**
 * Rewrites the forum's events that carry a person id, a list entry or an address
 * (forum/redaction.ts), and removes its snapshots, which hold the state before. Returns how many
 * events were rewritten.
 */
export function redactPersonalData(db: Database.Database, forumId: string): number {
  const rows = db
    .prepare(`SELECT seq, type, payload FROM events WHERE forum_id = ? AND type IN (${REDACTED_TYPES.map(() => '?').join(', ')}) ORDER BY seq`)
    .all(forumId, ...REDACTED_TYPES) as { seq: number; type: string; payload: string }[];
  const update = db.prepare('UPDATE events SET payload = ? WHERE forum_id = ? AND seq = ?');
  const redaction = new Redaction();
  let rewritten = 0;
  for (const row of rows) {
    const event = parseStoredEvent(row.type, row.payload);
    if (typeof event === 'string') continue;
    const kept = redaction.redact(event);
    if (kept) (update.run(JSON.stringify(kept), forumId, row.seq), rewritten++);
  }
  db.prepare('DELETE FROM snapshot_parts WHERE forum_id = ?').run(forumId);
  db.prepare('DELETE FROM snapshots WHERE forum_id = ?').run(forumId);
  return rewritten;
}
