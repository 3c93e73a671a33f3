// Reading a forum's log from PostgreSQL, shared by the store (db/postgres.ts) and the snapshots'
// worker thread (db/pgSnapshotWorker.ts): how a connection is set up, the log read a page at a
// time, and a snapshot's body built from the snapshot before and the events since.

import pg from 'pg';
import { parseStoredEvent } from './sqlite.js';
import { snapshotBody } from './snapshotBody.js';
import type { LoadedForum, StoredSnapshot } from './store.js';

/** Rows read per query from a forum's log: a million events are never one result held in memory twice. */
const LOG_PAGE = 20_000;

/**
 * bigint columns (seq, times) come back as numbers: every one Viche stores is below 2^53, and
 * node-postgres would otherwise give strings.
 */
const types = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === pg.types.builtins.INT8 ? (value: string) => Number(value) : pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser,
};

/**
 * PostgreSQL's TCP keepalives on each of Viche's connections (seconds): a process whose machine
 * vanished is noticed by the server within about 10 + 5 × 3 s, and its session ended, its locks
 * with it (forums/pgLease.ts), where the system's defaults would take over two hours.
 */
const KEEPALIVES = '-c tcp_keepalives_idle=10 -c tcp_keepalives_interval=5 -c tcp_keepalives_count=3';

/** What every connection of Viche's to the database is set up with: its schema first in the search path, numbers as numbers. */
export const connectionOptions = (url: string, schema: string): pg.ClientConfig => ({
  connectionString: url,
  keepAlive: true,
  keepAliveInitialDelayMillis: 10_000,
  application_name: 'viche',
  options: `-c search_path=${schema} ${KEEPALIVES}`,
  types,
});

/** Runs one statement and gives its rows (on a pool, a client, a transaction). */
export type RunQuery = <R extends pg.QueryResultRow>(sql: string, params: unknown[]) => Promise<R[]>;

type Row = { seq: number; type: unknown; payload: unknown; action_key: string | null };

/** A forum's rows after `after` (up to `until`), a page at a time; rows that are not events set apart, as SQLite's are. */
export async function readLog(
  run: RunQuery,
  forumId: string,
  after: number,
  until = Number.MAX_SAFE_INTEGER,
  keyedOnly = false,
  /** At most this many rows, in one page. */
  limit?: number,
): Promise<Required<Pick<LoadedForum, 'events' | 'unreadable'>>> {
  const read: Required<Pick<LoadedForum, 'events' | 'unreadable'>> = { events: [], unreadable: [] };
  const page = limit ?? LOG_PAGE;
  for (let from = after; ; ) {
    const rows = await run<Row>(
      `SELECT seq, type, payload, action_key FROM events WHERE forum_id = $1 AND seq > $2 AND seq <= $3${keyedOnly ? ' AND action_key IS NOT NULL' : ''} ORDER BY seq LIMIT ${Math.trunc(page)}`,
      [forumId, from, until],
    );
    for (const r of rows) {
      const event = parseStoredEvent(r.type, r.payload);
      if (typeof event === 'string') read.unreadable.push({ seq: r.seq, type: String(r.type), reason: event });
      else read.events.push({ seq: r.seq, event, actionKey: r.action_key });
    }
    if (rows.length < page || limit !== undefined) return read;
    from = rows[rows.length - 1].seq;
  }
}

/**
 * The JSON of the forum's state after its event `seq`: from the snapshot before it and the events
 * since, read first (snapshotBody replays synchronously); the whole log when that snapshot is refused.
 */
export async function buildSnapshotBody(run: RunQuery, forumId: string, seq: number): Promise<string> {
  const [previous] = await run<StoredSnapshot>('SELECT seq, body FROM snapshots WHERE forum_id = $1 AND seq <= $2 ORDER BY seq DESC LIMIT 1', [forumId, seq]);
  const since = (await readLog(run, forumId, previous?.seq ?? 0, seq)).events.map((e) => e.event);
  let refused = false;
  const body = snapshotBody(previous ?? null, (from) => {
    if (from === (previous?.seq ?? 0)) return since;
    refused = true;
    return [];
  });
  if (!refused) return body;
  const all = (await readLog(run, forumId, 0, seq)).events.map((e) => e.event);
  return snapshotBody(null, () => all);
}
