// Rewriting a forum's stored events once its vote's personal data is deleted (personsAnonymised),
// on whichever connection holds the write: the server's own for a database in memory, the
// anonymisation's worker thread for a file (anonymiseWorker.ts). Called inside the transaction
// that stores the event, so the rewrite and the event are on disk together or not at all.

import type Database from 'better-sqlite3';
import { Redaction, REDACTED_TYPES } from '../forum/redaction.js';
import { parseStoredEvent } from './storedEvent.js';

/** An event's new text, by its seq. */
export type RedactionPlan = { seq: number; payload: string }[];

/**
 * What the forum's events that carry a person id, a list entry or an address become
 * (forum/redaction.ts): read only, so it may be worked out before the write begins, on a forum
 * whose log does not grow meanwhile.
 */
export function planRedaction(db: Database.Database, forumId: string): RedactionPlan {
  const rows = db
    .prepare(`SELECT seq, type, payload FROM events WHERE forum_id = ? AND type IN (${REDACTED_TYPES.map(() => '?').join(', ')}) ORDER BY seq`)
    .all(forumId, ...REDACTED_TYPES) as { seq: number; type: string; payload: string }[];
  const redaction = new Redaction();
  const plan: RedactionPlan = [];
  for (const row of rows) {
    const event = parseStoredEvent(row.type, row.payload);
    if (typeof event === 'string') continue;
    const kept = redaction.redact(event);
    if (kept) plan.push({ seq: row.seq, payload: JSON.stringify(kept) });
  }
  return plan;
}

/** Writes the plan and removes the forum's snapshots, which hold the state before; inside the transaction that stores personsAnonymised. */
export function applyRedaction(db: Database.Database, forumId: string, plan: RedactionPlan): void {
  const update = db.prepare('UPDATE events SET payload = ? WHERE forum_id = ? AND seq = ?');
  for (const { seq, payload } of plan) update.run(payload, forumId, seq);
  db.prepare('DELETE FROM snapshot_parts WHERE forum_id = ?').run(forumId);
  db.prepare('DELETE FROM snapshots WHERE forum_id = ?').run(forumId);
}

/**
 * Both at once, inside the open transaction: rewrites the forum's events that carry a person id,
 * a list entry or an address, and removes its snapshots. Returns how many events were rewritten.
 */
export function redactPersonalData(db: Database.Database, forumId: string): number {
  const plan = planRedaction(db, forumId);
  applyRedaction(db, forumId, plan);
  return plan.length;
}
