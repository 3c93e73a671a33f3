// The snapshot check's worker thread: a forum's stored snapshot is read (from the SQLite file or
// PostgreSQL, on a connection of its own, or given), parsed and checked whole here
// (shared/forum/snapshot.ts fromSnapshot: its shape against the schema, its indexes against its
// records), off the server's event loop: a city vote's took 1 s to parse and 2 to 7 s to check
// there, during which the process answered nothing. A snapshot that passes goes back in pieces
// (snapshotPieces.ts); one that fails, or is no longer kept, with why.

import Database from 'better-sqlite3';
import pg from 'pg';
import { parentPort, workerData } from 'node:worker_threads';
import { fromSnapshot } from '../../shared/forum/snapshot.js';
import { connectionOptions } from '../db/pgLog.js';
import { snapshotBodyOf } from '../db/sqlite.js';
import type { SnapshotSource } from '../db/store.js';
import { piecesOf, type SnapshotPieces } from './snapshotPieces.js';

export type SnapshotCheckJob = { body: string } | SnapshotSource;

export type SnapshotCheckOutcome = ({ ok: true } & SnapshotPieces) | { ok: false; why: string };

const NOT_KEPT = 'it is no longer kept';

/** The body, read where the job says; null when that snapshot is no longer kept. */
async function bodyOf(job: SnapshotCheckJob): Promise<string | null> {
  if ('body' in job) return job.body;
  if ('path' in job) {
    const db = new Database(job.path, { readonly: true, fileMustExist: true, timeout: 5000 });
    try {
      return db.transaction(() => {
        if (!db.prepare('SELECT 1 FROM snapshots WHERE forum_id = ? AND seq = ?').get(job.forumId, job.seq)) return null;
        return snapshotBodyOf(db, job.forumId, job.seq);
      })();
    } finally {
      db.close();
    }
  }
  const client = new pg.Client({ ...connectionOptions(job.databaseUrl, job.schema), application_name: 'viche-snapshot-check', connectionTimeoutMillis: 5000 });
  // A connection lost while reading: the read fails with it, and the forum opens from its log.
  client.on('error', () => {});
  try {
    await client.connect();
    const { rows } = await client.query<{ body: string }>('SELECT body FROM snapshots WHERE forum_id = $1 AND seq = $2', [job.forumId, job.seq]);
    return rows[0]?.body ?? null;
  } finally {
    await client.end().catch(() => {});
  }
}

const job = workerData as SnapshotCheckJob;
let outcome: SnapshotCheckOutcome;
let transfer: ArrayBuffer[] = [];
try {
  const body = await bodyOf(job);
  if (body === null) {
    outcome = { ok: false, why: NOT_KEPT };
  } else {
    const parsed: unknown = JSON.parse(body);
    // The state it builds is made of the parsed objects and changes none of them: those are sent.
    fromSnapshot(parsed);
    const pieces = piecesOf(parsed);
    outcome = { ok: true, ...pieces };
    transfer = [pieces.bytes.buffer as ArrayBuffer, pieces.starts.buffer as ArrayBuffer];
  }
} catch (err) {
  outcome = { ok: false, why: (err as Error).message };
}
parentPort!.postMessage(outcome, transfer);
