// Who writes each forum when several Viche processes share one PostgreSQL database: a session
// advisory lock per forum, pg_try_advisory_lock(FORUM_LOCK_CLASS, hashtext(forum id)), held on one
// connection of this process's own for as long as it serves the forum.
//
// Why a lock and not a lease row with a fencing token: the fence is already there. Every batch
// says after which event it goes, and the events' primary key (forum_id, seq) refuses a writer
// that has not read the forum's last event (db/postgres.ts appendBatch). A process that lost the
// lock and writes anyway (paused, then woken) either still holds the forum's true end, so what it
// decided was decided on the whole log, or is refused and catches up; no rule is decided twice.
// The lock only keeps two processes from taking turns failing on one forum. What a lock gives
// that a row would not: PostgreSQL drops it the moment the holder's connection ends (a process
// killed, its machine gone once TCP keepalive notices), with no expiry to wait out or renew.
//
// The lock's connection lost (PostgreSQL restarted, a network cut) releases every lock on it.
// This process reconnects, trying again until it can, and takes its forums back; a forum another
// process took meanwhile is told to the listeners (onLost), and its room refuses changes; one taken
// back is told too (onRegained): another process may have written to it meanwhile. Two
// forum ids with the same hashtext would share a lock: the second is then served by the first's
// process only, which is wrong for nothing but its balance (ids are random UUIDs: for 1,000
// forums the chance of any pair is about 1 in 9,000).
//
// Handing a forum back: the proxy, not the lock, says which process a forum's phones reach, and
// the two part ways when the forum moves (its process restarted on its port, PostgreSQL restarted,
// the proxy reloaded with an empty stick table). A process asked for a forum another one holds
// says so on the lock's connection (want: NOTIFY viche_forum_wanted, at most every WANT_EVERY_MS
// per forum); every process LISTENs there (again on each new connection), and the holder is told
// (onWanted) and decides whether to let go (forums/registry.ts says when).

import pg from 'pg';
import { VICHE_LOCK_CLASS } from '../db/pgSchema.js';
import { pgFailureOf, pgStorageError } from '../db/pgErrors.js';
import { connectionOptions } from '../db/pgLog.js';
import type { ForumLease } from './lease.js';

/** The first key of a forum's lock: next to the migrations' (db/pgSchema.ts). */
export const FORUM_LOCK_CLASS = VICHE_LOCK_CLASS + 1;

/** The channel on which a process asks the holder of a forum (the payload, its id) to let it go. */
export const WANTED_CHANNEL = 'viche_forum_wanted';

/** A forum is asked for at most this often by one process: its phones retrying at once make one ask. */
const WANT_EVERY_MS = 500;

export interface PostgresLeaseOptions {
  /** How long after a lost connection the first attempt to reconnect is made; then every this long, up to 5 s. */
  retryMs?: number;
  /** How long a statement on the lock's connection waits for an answer before the connection is given up (5 s by default). */
  queryTimeoutMs?: number;
}

export class PostgresLease implements ForumLease {
  private client: pg.Client | null = null;
  private connecting: Promise<pg.Client> | null = null;
  /** Forums whose lock this process holds on `client`. */
  private readonly held = new Set<string>();
  /** Forums whose lock went with a lost connection: taken back, or told lost, on the next one. */
  private readonly regaining = new Set<string>();
  private readonly listeners = new Set<(forumId: string) => void>();
  private readonly wantedListeners = new Set<(forumId: string) => void>();
  private readonly regainedListeners = new Set<(forumId: string) => void>();
  /** When each forum was last asked for here (want), for the rate. */
  private readonly wantedAt = new Map<string, number>();
  /** Forums whose lock is being asked for now (tryAcquire). */
  private readonly asking = new Map<string, Promise<boolean>>();
  private retry: NodeJS.Timeout | null = null;
  /** Losses so far, for the metrics: the lock connection dropped while holding forums, and forums another process took. */
  readonly losses = { connections: 0, forums: 0 };
  /** The ping under way (ping): one at a time. */
  private pinging: Promise<void> | null = null;
  private closed = false;

  constructor(
    private readonly url: string,
    private readonly options: PostgresLeaseOptions = {},
  ) {}

  /**
   * Asked twice at once for one forum, the lock is asked for once: PostgreSQL counts a session's
   * locks on one key, and a second one taken would outlive the release.
   */
  tryAcquire(forumId: string): Promise<boolean> {
    let asked = this.asking.get(forumId);
    if (!asked) {
      asked = this.take(forumId).finally(() => this.asking.delete(forumId));
      this.asking.set(forumId, asked);
    }
    return asked;
  }

  private async take(forumId: string): Promise<boolean> {
    if (this.closed) return false;
    if (this.held.has(forumId) && this.client) return true;
    let client: pg.Client;
    try {
      client = await this.connection();
    } catch (err) {
      throw pgStorageError(err, false);
    }
    if (this.held.has(forumId)) return true;
    try {
      const { rows } = await client.query<{ ok: boolean }>('SELECT pg_try_advisory_lock($1, hashtext($2)) AS ok', [FORUM_LOCK_CLASS, forumId]);
      if (!rows[0].ok) return false;
    } catch (err) {
      this.abandon(client, err);
      throw pgStorageError(err, false);
    }
    this.regaining.delete(forumId);
    this.held.add(forumId);
    return true;
  }

  async release(forumId: string): Promise<void> {
    this.regaining.delete(forumId);
    const client = this.client;
    if (!this.held.delete(forumId) || !client) return;
    // A connection that fails here takes the lock with it (abandon ends it).
    await client.query('SELECT pg_advisory_unlock($1, hashtext($2))', [FORUM_LOCK_CLASS, forumId]).catch((err: unknown) => this.abandon(client, err));
  }

  /**
   * A statement on the lock's connection that got no answer (a network gone quiet): the connection
   * is given up, as if it had dropped, and ended, so that PostgreSQL ends its session (and its
   * locks) once the end reaches it, or its keepalives find it gone.
   */
  private abandon(client: pg.Client, err: unknown): void {
    if (!pgFailureOf(err)?.connection) return;
    this.dropped(client);
    client.end().catch(() => {});
  }

  onLost(listener: (forumId: string) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * Asks the process holding the forum's lock to let it go (this one was asked for it): a
   * notification on the lock's connection, once per WANT_EVERY_MS per forum; nothing if there is
   * no connection now (the next ask goes once there is).
   */
  want(forumId: string): void {
    const now = Date.now();
    if (this.closed || now - (this.wantedAt.get(forumId) ?? -Infinity) < WANT_EVERY_MS) return;
    const client = this.client;
    if (!client) return;
    this.wantedAt.set(forumId, now);
    if (this.wantedAt.size > 10_000) for (const [id, at] of this.wantedAt) if (now - at >= WANT_EVERY_MS) this.wantedAt.delete(id);
    client.query('SELECT pg_notify($1, $2)', [WANTED_CHANNEL, forumId]).catch((err: unknown) => this.abandon(client, err));
  }

  /** Told of each forum held here that another process was asked for. */
  onWanted(listener: (forumId: string) => void): () => void {
    this.wantedListeners.add(listener);
    return () => this.wantedListeners.delete(listener);
  }

  /**
   * Told of each forum whose lock was taken back on a new connection: another process may have
   * held it meanwhile and written to its log, which the room here has not read.
   */
  onRegained(listener: (forumId: string) => void): () => void {
    this.regainedListeners.add(listener);
    return () => this.regainedListeners.delete(listener);
  }

  /** A notification on the lock's connection: a forum held here wanted by another process. */
  private heard(client: pg.Client, message: pg.Notification): void {
    // Its own asks come back to the asker too.
    if (message.channel !== WANTED_CHANNEL || message.processId === (client as pg.Client & { processID?: number }).processID) return;
    const id = message.payload ?? '';
    if (!this.held.has(id)) return;
    for (const listener of this.wantedListeners) listener(id);
  }

  /** The forum's lock went with a lost connection and has not been taken back (or told lost) yet. */
  suspended(forumId: string): boolean {
    return this.regaining.has(forumId);
  }

  /**
   * Whether PostgreSQL answers on the lock's connection within `timeoutMs` (made if there is none,
   * which takes back the forums a lost one took): what /health says of the store. On a connection of
   * its own, so a busy pool does not make a live process look dead.
   */
  ping(timeoutMs = 2000): Promise<void> {
    this.pinging ??= (async () => {
      let client: pg.Client;
      try {
        client = await this.connection();
      } catch (err) {
        throw pgStorageError(err, false);
      }
      try {
        await client.query({ text: 'SELECT 1', query_timeout: timeoutMs } as pg.QueryConfig);
      } catch (err) {
        this.abandon(client, err);
        throw pgStorageError(err, false);
      }
    })().finally(() => (this.pinging = null));
    return this.pinging;
  }

  /** Whether this process holds the forum's lock now. */
  holds(forumId: string): boolean {
    return this.held.has(forumId) && this.client !== null;
  }

  /** Gives every forum up (the connection ends, and its locks with it). */
  async close(): Promise<void> {
    this.closed = true;
    if (this.retry) clearTimeout(this.retry);
    this.held.clear();
    this.regaining.clear();
    const client = this.client;
    this.client = null;
    await client?.end().catch(() => {});
  }

  private connection(): Promise<pg.Client> {
    if (this.client) return Promise.resolve(this.client);
    this.connecting ??= (async () => {
      const client = new pg.Client({ ...connectionOptions(this.url, 'public'), connectionTimeoutMillis: 5000, query_timeout: this.options.queryTimeoutMs ?? 5000, application_name: 'viche-lease' });
      client.on('error', () => this.dropped(client));
      client.on('end', () => this.dropped(client));
      client.on('notification', (message) => this.heard(client, message));
      try {
        await client.connect();
        await client.query(`LISTEN ${WANTED_CHANNEL}`);
      } catch (err) {
        await client.end().catch(() => {});
        throw err;
      } finally {
        this.connecting = null;
      }
      if (this.closed) {
        await client.end().catch(() => {});
        throw new Error('the lease was closed');
      }
      this.client = client;
      await this.regain(client);
      return client;
    })();
    return this.connecting;
  }

  /** The connection ended: its locks are gone; they are asked for again on a new one. */
  private dropped(client: pg.Client): void {
    if (client !== this.client) return;
    this.client = null;
    if (this.held.size > 0) this.losses.connections++;
    for (const id of this.held) this.regaining.add(id);
    this.held.clear();
    if (!this.closed && this.regaining.size > 0) this.scheduleRetry(this.options.retryMs ?? 500);
  }

  private scheduleRetry(ms: number): void {
    if (this.retry) return;
    this.retry = setTimeout(() => {
      this.retry = null;
      if (this.closed || this.client || this.regaining.size === 0) return;
      this.connection().catch(() => this.scheduleRetry(Math.min(5000, ms * 2)));
    }, ms);
    this.retry.unref();
  }

  /** Takes back the forums whose locks a lost connection took; one another process holds now is lost here. */
  private async regain(client: pg.Client): Promise<void> {
    for (const id of [...this.regaining]) {
      const { rows } = await client.query<{ ok: boolean }>('SELECT pg_try_advisory_lock($1, hashtext($2)) AS ok', [FORUM_LOCK_CLASS, id]);
      // Given up meanwhile (release) or already taken again: nothing to do for it.
      if (!this.regaining.delete(id)) {
        if (rows[0].ok && !this.held.has(id)) await client.query('SELECT pg_advisory_unlock($1, hashtext($2))', [FORUM_LOCK_CLASS, id]);
        continue;
      }
      if (rows[0].ok) {
        this.held.add(id);
        for (const listener of this.regainedListeners) listener(id);
      } else {
        this.losses.forums++;
        for (const listener of this.listeners) listener(id);
      }
    }
  }
}
