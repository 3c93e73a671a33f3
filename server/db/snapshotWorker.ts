// The snapshots' worker thread: builds a forum's snapshot as of one of its events on a read-only
// connection of its own (the previous snapshot and the events since, one read transaction, a
// consistent view while the server keeps writing), so that neither the replay nor the
// serialisation (a quarter of a second for the largest forum) holds up the hall. It only reads:
// the server writes the body it sends back, on its own connection, so no write waits for a lock.

import Database from 'better-sqlite3';
import { parentPort, workerData } from 'node:worker_threads';
import { snapshotBody } from './snapshotBody.js';
import { parseStoredEvent, snapshotBodyOf } from './sqlite.js';
import type { ForumEvent } from '../../shared/forum/types.js';
import type { SnapshotJob, SnapshotOutcome } from './snapshotInWorker.js';


const { path, forumId, seq } = workerData as SnapshotJob;
let outcome: SnapshotOutcome;
try {
  const db = new Database(path, { readonly: true, fileMustExist: true, timeout: 5000 });
  try {
    outcome = db.transaction((): SnapshotOutcome => {
      const before = db.prepare('SELECT seq FROM snapshots WHERE forum_id = ? AND seq <= ? ORDER BY seq DESC LIMIT 1').pluck().get(forumId, seq) as number | undefined;
      const previous = before === undefined ? undefined : { seq: before, body: snapshotBodyOf(db, forumId, before) };
      const rows = db.prepare('SELECT type, payload FROM events WHERE forum_id = ? AND seq > ? AND seq <= ? ORDER BY seq');
      function* eventsAfter(from: number): Iterable<ForumEvent> {
        // Rows that are not events are left out, as the replay leaves them out.
        for (const r of rows.iterate(forumId, from, seq) as Iterable<{ type: unknown; payload: unknown }>) {
          const event = parseStoredEvent(r.type, r.payload);
          if (typeof event !== 'string') yield event;
        }
      }
      return { ok: true, body: snapshotBody(previous ?? null, eventsAfter) };
    })();
  } finally {
    db.close();
  }
} catch (err) {
  outcome = { ok: false, message: (err as Error).message };
}
parentPort!.postMessage(outcome);
