// The snapshots' worker thread for PostgreSQL: builds a forum's snapshot as of one of its events
// on a connection of its own, in one read-only REPEATABLE READ transaction (a consistent view while
// the server keeps writing), so that neither the replay nor the serialisation holds up the hall,
// as db/snapshotWorker.ts does beside a SQLite file. The server writes the body it sends back.

import pg from 'pg';
import { parentPort, workerData } from 'node:worker_threads';
import { buildSnapshotBody, connectionOptions, type RunQuery } from './pgLog.js';
import type { PgSnapshotJob, SnapshotOutcome } from './snapshotInWorker.js';

const { databaseUrl, schema, forumId, seq } = workerData as PgSnapshotJob;
let outcome: SnapshotOutcome;
const client = new pg.Client({ ...connectionOptions(databaseUrl, schema), application_name: 'viche-snapshot', connectionTimeoutMillis: 5000 });
// A connection lost between two reads: the next read fails with it, and so does the snapshot.
client.on('error', () => {});
try {
  await client.connect();
  const run: RunQuery = async (sql, params) => (await client.query(sql, params)).rows;
  await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
  const body = await buildSnapshotBody(run, forumId, seq);
  await client.query('COMMIT');
  outcome = { ok: true, body };
} catch (err) {
  outcome = { ok: false, message: (err as Error).message };
} finally {
  await client.end().catch(() => {});
}
parentPort!.postMessage(outcome);
