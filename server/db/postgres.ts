// The PostgreSQL store (DATABASE_URL=postgres://…): the same contract as SQLite's, for several
// Viche processes sharing one database. Each forum's events are rows keyed by (forum_id, seq): a
// batch is one INSERT that goes after the forum's last event or not at all, and two writers that
// both read event N cannot both store N+1 (the primary key refuses the second), so a stale writer
// is told so (StorageConflict) and catches up. A commit is durable in PostgreSQL before a batch's
// promise resolves (synchronous_commit as the server has it, on by default). A failure of the
// connection or of the server is a StorageUnavailable, "outcome unknown" when the write had been
// sent: the room reads the log back to learn which (forum/room.ts).

import pg from 'pg';
import type { ForumEvent } from '../../shared/forum/types.js';
import { StartupError, StorageConflict } from '../errors.js';
import { deletesPersonalData, Redaction, REDACTED_TYPES } from '../forum/redaction.js';
import { pgFailureOf, pgStorageError } from './pgErrors.js';
import { describeDatabase } from './databaseUrl.js';
import { checkSchemaName, EVENTS_CHANNEL, migrate, SUMMARIES_CHANNEL } from './pgSchema.js';
import { connectionOptions, readLog, type RunQuery } from './pgLog.js';
import { parseStoredEvent } from './sqlite.js';
import { snapshotInWorker } from './snapshotInWorker.js';
import {
  IMPORTING_SLUG,
  RECENT_BEFORE_SNAPSHOT,
  SNAPSHOTS_KEPT,
  type BatchEntry,
  type ForumRecord,
  type ForumSecrets,
  type ForumStore,
  type LoadedForum,
  type LoadOptions,
  type LogPage,
  type NewForum,
  type ServerLogEntry,
  type SettingName,
  type SnapshotSource,
  type StoredEvent,
  type StoredSnapshot,
  type StoredSummary,
} from './store.js';

/** Rows of personal data read and rewritten by one statement each when a closed vote is anonymised. */
const REDACT_PAGE = 500;

export interface PostgresStoreOptions {
  /** The schema Viche's tables live in, made if missing ('public' by default); tests take one each. */
  schema?: string;
  /** Connections kept open to the database (8 by default). */
  poolSize?: number;
  /** How long a statement waits for PostgreSQL's answer before it fails (15 s by default; tests of a cut network: less). */
  queryTimeoutMs?: number;
}

export class PostgresStore implements ForumStore {
  private readonly pool: pg.Pool;
  readonly schema: string;
  /** The migration, run once before the first query; a failed one is tried again by the next. */
  private ready: Promise<void> | null = null;
  private closed = false;
  /** The last forum being given an address (inTurn). */
  private slugTurn: Promise<unknown> = Promise.resolve();

  /** A store whose schema is up to date, or the reason it cannot be (a StartupError). */
  static async open(url: string, options: PostgresStoreOptions = {}): Promise<PostgresStore> {
    const store = new PostgresStore(url, options);
    try {
      await store.migrated();
    } catch (err) {
      await store.close();
      if (err instanceof StartupError) throw err;
      const where = describeDatabase(url);
      throw new StartupError(
        `Не вдається відкрити базу ${where} (${(err as Error).message}): перевірте, що PostgreSQL запущено, а DATABASE_URL вказує на нього з правильними користувачем і паролем і що цей користувач може створювати таблиці в базі (наприклад, є її власником).`,
        `Cannot open the database ${where} (${(err as Error).message}): check that PostgreSQL runs, that DATABASE_URL points at it with the right user and password, and that the user may create tables in the database (its owner, for one).`,
      );
    }
    return store;
  }

  constructor(
    readonly url: string,
    options: PostgresStoreOptions = {},
  ) {
    this.schema = checkSchemaName(options.schema ?? 'public');
    this.pool = new pg.Pool({
      ...connectionOptions(url, this.schema),
      max: options.poolSize ?? 8,
      // A database that cannot be reached refuses the action within seconds, not never.
      connectionTimeoutMillis: 5000,
      // A network cut leaves a statement waiting for an answer that never comes: it fails instead,
      // outcome unknown for a write, and the connection is closed.
      query_timeout: options.queryTimeoutMs ?? 15_000,
      allowExitOnIdle: true,
    });
    // An idle connection that dropped (PostgreSQL restarted): the pool takes a new one next time.
    this.pool.on('error', () => {});
  }

  private migrated(): Promise<void> {
    this.ready ??= (async () => {
      const client = await this.checkOut();
      try {
        await migrate(client, this.schema);
        giveBack(client);
      } catch (err) {
        giveBack(client, true);
        throw err;
      }
    })().catch((err: unknown) => {
      this.ready = null;
      throw err;
    });
    return this.ready;
  }

  /** A connection from the pool, the schema migrated; a failure to get one stored nothing. */
  private async connect(): Promise<pg.PoolClient> {
    try {
      await this.migrated();
      return await this.checkOut();
    } catch (err) {
      throw pgStorageError(err, false);
    }
  }

  /**
   * A connection of the pool, held: one that drops between two statements of ours is then an
   * error of the next statement, not an 'error' event nobody listens to (node-postgres emits one
   * for a connection held out of the pool with no statement under way).
   */
  private async checkOut(): Promise<pg.PoolClient> {
    const client = await this.pool.connect();
    client.on('error', ignore);
    return client;
  }

  /** One statement; `write`: a lost connection after it was sent leaves its outcome unknown. */
  private async query<R extends pg.QueryResultRow>(sql: string, params: unknown[] = [], write = false): Promise<pg.QueryResult<R>> {
    const client = await this.connect();
    try {
      const result = await client.query<R>(sql, params);
      giveBack(client);
      return result;
    } catch (err) {
      giveBack(client, pgFailureOf(err)?.connection ?? false);
      throw pgStorageError(err, write);
    }
  }

  /** `work` in one transaction: all or nothing; a connection lost during COMMIT leaves it unknown. */
  private async transaction<T>(work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    const client = await this.connect();
    let committing = false;
    try {
      await client.query('BEGIN');
      const result = await work(client);
      committing = true;
      await client.query('COMMIT');
      giveBack(client);
      return result;
    } catch (err) {
      const lost = pgFailureOf(err)?.connection ?? false;
      if (!lost) await client.query('ROLLBACK').catch(() => {});
      giveBack(client, lost);
      throw pgStorageError(err, committing);
    }
  }

  async loadForums(options: LoadOptions = {}): Promise<LoadedForum[]> {
    const loaded: LoadedForum[] = [];
    for (const forum of await this.listForums()) loaded.push(await this.readForum(forum, options));
    return loaded;
  }

  async listForums(): Promise<ForumRecord[]> {
    const { rows } = await this.query<{ id: string; slug: string; join_code: string; created_at: number; join_secret: string; screen_key: string }>(
      "SELECT id, slug, join_code, created_at, join_secret, screen_key FROM forums WHERE slug NOT LIKE '~importing-%' ORDER BY created_at, made",
    );
    return rows.map((r) => ({ id: r.id, slug: r.slug, joinCode: r.join_code, createdAt: r.created_at, joinSecret: r.join_secret, screenKey: r.screen_key }));
  }

  async loadForum(forumId: string, options: LoadOptions = {}): Promise<LoadedForum | null> {
    const forum = (await this.listForums()).find((f) => f.id === forumId);
    return forum ? this.readForum(forum, options) : null;
  }

  private async readForum(forum: ForumRecord, options: LoadOptions): Promise<LoadedForum> {
    const seq = options.fromSnapshot ? await this.latestSnapshotSeq(forum.id) : undefined;
    const passedOver = seq !== undefined && options.useSnapshot && !options.useSnapshot(forum.id, seq) ? seq : undefined;
    const snapshot = seq !== undefined && passedOver === undefined ? { seq } : undefined;
    if (options.headOnly) return { forum, events: [], ...(snapshot ? { snapshot } : {}), ...(passedOver !== undefined ? { passedOver } : {}) };
    if (passedOver !== undefined) return { forum, ...(await this.readLog(forum.id, 0)), passedOver };
    if (!snapshot) return { forum, ...(await this.readLog(forum.id, 0)) };
    const keysBefore = (
      await this.query<{ action_key: string }>('SELECT action_key FROM events WHERE forum_id = $1 AND seq <= $2 AND action_key IS NOT NULL ORDER BY seq', [forum.id, snapshot.seq])
    ).rows.map((r) => r.action_key);
    const doneBefore = (await this.readLog(forum.id, Math.max(0, snapshot.seq - RECENT_BEFORE_SNAPSHOT), snapshot.seq, true)).events;
    return { forum, ...(await this.readLog(forum.id, snapshot.seq)), snapshot, keysBefore, doneBefore };
  }

  async loadLog(forumId: string, page?: LogPage): Promise<Pick<LoadedForum, 'events' | 'unreadable'>> {
    return page ? readLog(this.run, forumId, page.after, page.until, page.keyedOnly, page.limit) : this.readLog(forumId, 0);
  }

  async loadActionKeys(forumId: string, page: LogPage): Promise<{ seq: number; actionKey: string }[]> {
    const { rows } = await this.query<{ seq: number; action_key: string }>(
      'SELECT seq, action_key FROM events WHERE forum_id = $1 AND seq > $2 AND seq <= $3 AND action_key IS NOT NULL ORDER BY seq LIMIT $4',
      [forumId, page.after, page.until ?? Number.MAX_SAFE_INTEGER, page.limit],
    );
    return rows.map((r) => ({ seq: r.seq, actionKey: r.action_key }));
  }

  private readLog(forumId: string, after: number, until?: number, keyedOnly?: boolean): Promise<Required<Pick<LoadedForum, 'events' | 'unreadable'>>> {
    return readLog(this.run, forumId, after, until, keyedOnly);
  }

  private readonly run: RunQuery = async <R extends pg.QueryResultRow>(sql: string, params: unknown[]) => (await this.query<R>(sql, params)).rows;

  /** Rows that are not events are left out, as SQLite's store leaves them out; a page is empty only at the end. */
  async loadEventsAfter(forumId: string, seq: number, limit = Infinity): Promise<StoredEvent[]> {
    let after = seq;
    for (;;) {
      const { rows } = await this.query<{ seq: number; type: unknown; payload: unknown; action_key: string | null }>('SELECT seq, type, payload, action_key FROM events WHERE forum_id = $1 AND seq > $2 ORDER BY seq LIMIT $3', [
        forumId,
        after,
        Number.isFinite(limit) ? limit : null,
      ]);
      const events: StoredEvent[] = [];
      for (const r of rows) {
        const event = parseStoredEvent(r.type, r.payload);
        if (typeof event !== 'string') events.push({ seq: r.seq, event, actionKey: r.action_key });
      }
      if (events.length > 0 || rows.length === 0) return events;
      after = rows[rows.length - 1].seq;
    }
  }

  /**
   * Forums made by this process get their addresses in the order they were asked for: each waits
   * for the one before (on a pool, the later one's connection could reach the counter first).
   */
  private inTurn<T>(work: () => Promise<T>): Promise<T> {
    const turn = this.slugTurn.then(work);
    this.slugTurn = turn.catch(() => {});
    return turn;
  }

  async createForum(forum: NewForum, events: readonly ForumEvent[], entry: ServerLogEntry): Promise<ForumRecord> {
    const rows = eventRows([{ events, actionKey: null }]);
    return this.inTurn(() => this.transaction(async (client) => {
      const slug = await nextSlug(client);
      await insertForum(client, forum, slug);
      await insertEvents(client, forum.id, 0, rows);
      await insertLog(client, entry);
      return { ...forum, slug };
    }));
  }

  async beginImport(forum: NewForum): Promise<void> {
    await this.transaction((client) => insertForum(client, forum, IMPORTING_SLUG(forum.id)));
  }

  async importEvents(forumId: string, events: readonly ForumEvent[]): Promise<void> {
    const rows = eventRows([{ events, actionKey: null }]);
    await this.transaction(async (client) => insertEvents(client, forumId, await lastSeq(client, forumId), rows));
  }

  async finishImport(forumId: string, entry: ServerLogEntry): Promise<string> {
    return this.inTurn(() => this.transaction(async (client) => {
      const slug = await nextSlug(client);
      await client.query('UPDATE forums SET slug = $1 WHERE id = $2', [slug, forumId]);
      await insertLog(client, entry);
      return slug;
    }));
  }

  /**
   * Removes the forum being imported. Unlike SQLite's store, a forum whose import was cut short is
   * not removed when the store opens: another process sharing the database may be importing it.
   */
  async abortImport(forumId: string): Promise<void> {
    await this.transaction(async (client) => {
      await client.query('DELETE FROM forums WHERE id = $1', [forumId]);
    });
  }

  async deleteForum(forumId: string, entry: ServerLogEntry): Promise<void> {
    await this.transaction(async (client) => {
      // Its events and snapshots go with it (ON DELETE CASCADE).
      await client.query('DELETE FROM forums WHERE id = $1', [forumId]);
      await insertLog(client, entry);
    });
  }

  async saveSnapshot(forumId: string, seq: number, body: string): Promise<void> {
    await this.transaction(async (client) => {
      const last = await lastSeq(client, forumId);
      if (!Number.isInteger(seq) || seq < 1 || seq > last) throw new Error(`forum ${forumId} has no event ${seq} to take a snapshot at`);
      // Taken before the vote's personal data was deleted, it would hold it again.
      if ((await client.query("SELECT 1 FROM events WHERE forum_id = $1 AND seq > $2 AND type = 'personsAnonymised'", [forumId, seq])).rowCount) return;
      await client.query(
        'INSERT INTO snapshots (forum_id, seq, taken_at, body) VALUES ($1, $2, $3, $4) ON CONFLICT (forum_id, seq) DO UPDATE SET taken_at = excluded.taken_at, body = excluded.body',
        [forumId, seq, Date.now(), body],
      );
      await client.query('DELETE FROM snapshots WHERE forum_id = $1 AND seq NOT IN (SELECT seq FROM snapshots WHERE forum_id = $1 ORDER BY seq DESC LIMIT $2)', [
        forumId,
        SNAPSHOTS_KEPT,
      ]);
    });
  }

  async latestSnapshot(forumId: string): Promise<StoredSnapshot | null> {
    const { rows } = await this.query<StoredSnapshot>(
      'SELECT seq, body FROM snapshots WHERE forum_id = $1 AND seq <= (SELECT COALESCE(MAX(seq), 0) FROM events WHERE forum_id = $1) ORDER BY seq DESC LIMIT 1',
      [forumId],
    );
    return rows[0] ? { seq: rows[0].seq, body: rows[0].body } : null;
  }

  private async latestSnapshotSeq(forumId: string): Promise<number | undefined> {
    const { rows } = await this.query<{ seq: number }>(
      'SELECT seq FROM snapshots WHERE forum_id = $1 AND seq <= (SELECT COALESCE(MAX(seq), 0) FROM events WHERE forum_id = $1) ORDER BY seq DESC LIMIT 1',
      [forumId],
    );
    return rows[0]?.seq;
  }

  snapshotSource(forumId: string, seq: number): SnapshotSource {
    return { databaseUrl: this.url, schema: this.schema, forumId, seq };
  }

  async snapshotAt(forumId: string, seq: number): Promise<string | null> {
    const { rows } = await this.query<{ body: string }>('SELECT body FROM snapshots WHERE forum_id = $1 AND seq = $2', [forumId, seq]);
    return rows[0]?.body ?? null;
  }

  /** Kept unless the one stored is of a later seq; none for a forum not stored (its summary goes with it: ON DELETE CASCADE). */
  async saveSummary(forumId: string, seq: number, body: string): Promise<void> {
    await this.query(
      // The poke goes with the write, in its statement: only once committed, and only if written.
      `WITH saved AS (
         INSERT INTO summaries (forum_id, seq, body, saved_at) SELECT $1, $2, $3, $4 WHERE EXISTS (SELECT 1 FROM forums WHERE id = $1)
         ON CONFLICT (forum_id) DO UPDATE SET seq = excluded.seq, body = excluded.body, saved_at = excluded.saved_at WHERE excluded.seq >= summaries.seq
         RETURNING forum_id)
       SELECT pg_notify('${SUMMARIES_CHANNEL}', forum_id) FROM saved`,
      [forumId, seq, body, Date.now()],
      true,
    );
  }

  async summaries(): Promise<StoredSummary[]> {
    const { rows } = await this.query<{ forum_id: string; seq: number; body: string }>(
      "SELECT s.forum_id, s.seq, s.body FROM summaries s JOIN forums f ON f.id = s.forum_id WHERE f.slug NOT LIKE '~importing-%' ORDER BY f.created_at, f.made",
    );
    return rows.map((r) => ({ forumId: r.forum_id, seq: r.seq, body: r.body }));
  }

  /** Built by a worker thread on a connection of its own: the hall is answered meanwhile. */
  async snapshotBody(forumId: string, seq: number): Promise<string> {
    await this.migrated();
    return snapshotInWorker({ databaseUrl: this.url, schema: this.schema, forumId, seq });
  }

  /**
   * One statement, so one round trip and its own transaction: the rows go in only if the forum's
   * last event is still `afterSeq`. A writer that read the same event as another and comes second
   * inserts nothing (it sees the other's rows) or fails on the primary key (both were at it at
   * once); both are a StorageConflict.
   */
  async appendBatch(forumId: string, afterSeq: number, entries: readonly BatchEntry[]): Promise<number> {
    const rows = eventRows(entries);
    if (entries.some((e) => deletesPersonalData(e.events))) return this.appendRedacting(forumId, afterSeq, rows);
    if (rows.types.length === 0) {
      const stored = await this.lastSeqOf(forumId);
      if (stored !== afterSeq) throw new StorageConflict(forumId, afterSeq, stored);
      return afterSeq;
    }
    let inserted: number;
    try {
      // The rows, and a poke to the processes following the forum's log (db/pgFollow.ts), which
      // PostgreSQL delivers only once the statement's transaction has committed.
      const result = await this.query<{ inserted: number }>(
        `WITH added AS (
           INSERT INTO events (forum_id, seq, type, payload, action_key, recorded_at)
           SELECT $1::text, $2::bigint + u.n, u.t, u.p, u.k, $6::bigint
           FROM unnest($3::text[], $4::text[], $5::text[]) WITH ORDINALITY AS u(t, p, k, n)
           WHERE (SELECT COALESCE(MAX(seq), 0) FROM events WHERE forum_id = $1::text) = $2::bigint
           RETURNING seq)
         SELECT count(*)::int AS inserted, CASE WHEN count(*) > 0 THEN pg_notify('${EVENTS_CHANNEL}', $1::text || ':' || max(seq)) END AS poked FROM added`,
        [forumId, afterSeq, rows.types, rows.payloads, rows.keys, Date.now()],
        true,
      );
      inserted = result.rows[0].inserted;
    } catch (err) {
      const code = (err as { code?: unknown }).code;
      if (code === '23505') throw new StorageConflict(forumId, afterSeq, await this.lastSeqOf(forumId));
      if (code === '23503') throw new Error(`no forum ${forumId}`);
      throw err;
    }
    if (inserted === 0) throw new StorageConflict(forumId, afterSeq, await this.lastSeqOf(forumId));
    return afterSeq + inserted;
  }

  /**
   * A batch that deletes a closed vote's personal data: in one transaction, the forum's events that
   * carry it rewritten (forum/redaction.ts), its snapshots removed, the batch stored. The old row
   * versions stay in the table's pages until PostgreSQL vacuums them (autovacuum, or VACUUM events).
   */
  private async appendRedacting(forumId: string, afterSeq: number, rows: ReturnType<typeof eventRows>): Promise<number> {
    return this.transaction(async (client) => {
      await client.query('SELECT id FROM forums WHERE id = $1 FOR UPDATE', [forumId]);
      const stored = await lastSeq(client, forumId);
      if (stored !== afterSeq) throw new StorageConflict(forumId, afterSeq, stored);
      const redaction = new Redaction();
      // Read through a cursor (one scan) and rewritten a page at a time, each page one UPDATE:
      // 100,000 voters' rows are neither 100,000 round trips nor one result held whole (whose parse
      // and collection would hold the event loop); each page is a few milliseconds of this thread.
      await client.query('DECLARE redacted NO SCROLL CURSOR FOR SELECT seq, type, payload FROM events WHERE forum_id = $1 AND type = ANY($2::text[]) ORDER BY seq', [
        forumId,
        [...REDACTED_TYPES],
      ]);
      for (;;) {
        const page = await client.query<{ seq: number; type: string; payload: string }>(`FETCH ${REDACT_PAGE} FROM redacted`);
        if (page.rows.length === 0) break;
        const seqs: number[] = [];
        const payloads: string[] = [];
        for (const row of page.rows) {
          const event = parseStoredEvent(row.type, row.payload);
          if (typeof event === 'string') continue;
          const kept = redaction.redact(event);
          if (kept) {
            seqs.push(row.seq);
            payloads.push(JSON.stringify(kept));
          }
        }
        if (seqs.length > 0) {
          await client.query('UPDATE events SET payload = v.payload FROM unnest($2::bigint[], $3::text[]) AS v(seq, payload) WHERE events.forum_id = $1 AND events.seq = v.seq', [
            forumId,
            seqs,
            payloads,
          ]);
        }
      }
      await client.query('CLOSE redacted');
      await client.query('DELETE FROM snapshots WHERE forum_id = $1', [forumId]);
      await insertEvents(client, forumId, afterSeq, rows);
      await client.query(`SELECT pg_notify('${EVENTS_CHANNEL}', $1::text || ':' || $2::text)`, [forumId, afterSeq + rows.types.length]);
      return afterSeq + rows.types.length;
    });
  }

  private async lastSeqOf(forumId: string): Promise<number> {
    return (await this.query<{ seq: number }>('SELECT COALESCE(MAX(seq), 0)::bigint AS seq FROM events WHERE forum_id = $1', [forumId])).rows[0].seq;
  }

  async updateSecrets(forumId: string, secrets: Partial<ForumSecrets>): Promise<void> {
    const columns = { joinSecret: 'join_secret', screenKey: 'screen_key' } as const;
    const set = (Object.keys(secrets) as (keyof ForumSecrets)[]).filter((k) => secrets[k] !== undefined);
    if (set.length === 0) return;
    await this.query(`UPDATE forums SET ${set.map((k, i) => `${columns[k]} = $${i + 1}`).join(', ')} WHERE id = $${set.length + 1}`, [...set.map((k) => secrets[k]!), forumId], true);
  }

  async getSetting(name: SettingName): Promise<string | null> {
    return (await this.query<{ value: string }>('SELECT value FROM settings WHERE name = $1', [name])).rows[0]?.value ?? null;
  }

  async setSetting(name: SettingName, value: string): Promise<void> {
    await this.query('INSERT INTO settings (name, value) VALUES ($1, $2) ON CONFLICT (name) DO UPDATE SET value = excluded.value', [name, value], true);
  }

  async log(entry: ServerLogEntry): Promise<void> {
    const client = await this.connect();
    try {
      await insertLog(client, entry);
      giveBack(client);
    } catch (err) {
      giveBack(client, pgFailureOf(err)?.connection ?? false);
      throw pgStorageError(err, true);
    }
  }

  async serverLog(): Promise<ServerLogEntry[]> {
    const { rows } = await this.query<{ at: number; action: ServerLogEntry['action']; forum_id: string; title: string; detail: string }>(
      'SELECT at, action, forum_id, title, detail FROM server_log ORDER BY seq',
    );
    return rows.map((r) => ({ at: r.at, action: r.action, forumId: r.forum_id, title: r.title, detail: r.detail }));
  }

  /** A row put and taken away in one committed transaction: PostgreSQL takes writes again. */
  async probeWrite(): Promise<void> {
    await this.transaction(async (client) => {
      await client.query("INSERT INTO settings (name, value) VALUES ('~probe', '') ON CONFLICT (name) DO NOTHING");
      await client.query("DELETE FROM settings WHERE name = '~probe'");
    });
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.pool.end();
  }
}

const ignore = () => {};

/** Back to the pool; `broken`: a connection that failed is closed instead. */
function giveBack(client: pg.PoolClient, broken = false): void {
  client.removeListener('error', ignore);
  client.release(broken ? true : undefined);
}

/** A batch's events as the columns of one INSERT; the first event of each action carries its key. */
function eventRows(entries: readonly BatchEntry[]): { types: string[]; payloads: string[]; keys: (string | null)[] } {
  const rows = { types: [] as string[], payloads: [] as string[], keys: [] as (string | null)[] };
  for (const { events, actionKey, payloads } of entries) {
    events.forEach((event, i) => {
      rows.types.push(event.type);
      rows.payloads.push(payloads?.[i] ?? JSON.stringify(event));
      rows.keys.push(i === 0 ? actionKey : null);
    });
  }
  return rows;
}

async function insertEvents(client: pg.ClientBase, forumId: string, afterSeq: number, rows: ReturnType<typeof eventRows>): Promise<void> {
  if (rows.types.length === 0) return;
  await client.query(
    `INSERT INTO events (forum_id, seq, type, payload, action_key, recorded_at)
     SELECT $1::text, $2::bigint + u.n, u.t, u.p, u.k, $6::bigint FROM unnest($3::text[], $4::text[], $5::text[]) WITH ORDINALITY AS u(t, p, k, n)`,
    [forumId, afterSeq, rows.types, rows.payloads, rows.keys, Date.now()],
  );
}

async function lastSeq(client: pg.ClientBase, forumId: string): Promise<number> {
  return (await client.query<{ seq: number }>('SELECT COALESCE(MAX(seq), 0)::bigint AS seq FROM events WHERE forum_id = $1', [forumId])).rows[0].seq;
}

/** The next address part, from a counter row: taken in the creating transaction, so none is skipped or given twice. */
async function nextSlug(client: pg.ClientBase): Promise<string> {
  return String((await client.query<{ last: number }>('UPDATE slug_counter SET last = last + 1 WHERE id = 1 RETURNING last')).rows[0].last);
}

async function insertForum(client: pg.ClientBase, forum: NewForum, slug: string): Promise<void> {
  await client.query('INSERT INTO forums (id, slug, join_code, created_at, join_secret, screen_key) VALUES ($1, $2, $3, $4, $5, $6)', [
    forum.id,
    slug,
    forum.joinCode,
    forum.createdAt,
    forum.joinSecret,
    forum.screenKey,
  ]);
}

async function insertLog(client: pg.ClientBase, entry: ServerLogEntry): Promise<void> {
  await client.query('INSERT INTO server_log (at, action, forum_id, title, detail) VALUES ($1, $2, $3, $4, $5)', [entry.at, entry.action, entry.forumId, entry.title, entry.detail]);
}
