// The PostgreSQL store's schema and its migrations: each entry moves it one version up, run at
// start in one transaction under an advisory lock, so that several Viche processes started at
// once migrate it once, and one that meets a half-done migration waits for it instead.

import type pg from 'pg';
import { StartupError } from '../errors.js';

/**
 * The first key of the advisory lock around migrations ("Vich" in ASCII), so that it never meets
 * another program's lock in the same database; the second is the schema's hashtext. A forum's
 * lease (forums/pgLease.ts) takes the next first key.
 */
export const VICHE_LOCK_CLASS = 0x56696368;

/** The channel each stored batch pokes the processes following its forum's log on (db/pgFollow.ts). */
export const EVENTS_CHANNEL = 'viche_events';

/**
 * The channel a stored summary pokes the other processes on ('<forum id>', by the write's own
 * statement): their consoles' forum lists are read again at once rather than at their next poll.
 */
export const SUMMARIES_CHANNEL = 'viche_summaries';

/**
 * Like SQLite's schema (db/sqlite.ts) at its latest version, with two differences: events are
 * deleted with their forum (ON DELETE CASCADE), and a snapshot's body is one row (PostgreSQL sends
 * it over the network; nothing here waits on a disk while it is written).
 *
 * Action ids (events.action_key) have no unique index, as in SQLite: the forum's room checks them
 * (forum/actionKeys.ts) and its writer is fenced by seq (a batch goes after the forum's last
 * event or not at all), so a room that decides has read every id before; an index of random keys
 * would dirty a random page of it per action (the SQLite schema dropped it for that cost).
 */
const MIGRATIONS: string[] = [
  `CREATE TABLE forums (
     id text PRIMARY KEY,
     slug text NOT NULL UNIQUE,
     join_code text NOT NULL,
     created_at bigint NOT NULL,
     join_secret text NOT NULL DEFAULT '',
     screen_key text NOT NULL DEFAULT '',
     made bigint GENERATED ALWAYS AS IDENTITY
   );
   CREATE TABLE events (
     forum_id text NOT NULL REFERENCES forums(id) ON DELETE CASCADE,
     seq bigint NOT NULL,
     type text NOT NULL,
     payload text NOT NULL,
     action_key text,
     recorded_at bigint NOT NULL,
     PRIMARY KEY (forum_id, seq)
   );
   CREATE TABLE slug_counter (id integer PRIMARY KEY CHECK (id = 1), last bigint NOT NULL);
   INSERT INTO slug_counter (id, last) VALUES (1, 0);
   CREATE TABLE settings (name text PRIMARY KEY, value text NOT NULL);
   CREATE TABLE server_log (
     seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
     at bigint NOT NULL,
     action text NOT NULL,
     forum_id text NOT NULL,
     title text NOT NULL,
     detail text NOT NULL DEFAULT ''
   );
   CREATE TABLE snapshots (
     forum_id text NOT NULL REFERENCES forums(id) ON DELETE CASCADE,
     seq bigint NOT NULL,
     taken_at bigint NOT NULL,
     body text NOT NULL,
     PRIMARY KEY (forum_id, seq)
   );`,
  // What the forum list shows of each forum, kept by the process serving it (forums/summary.ts).
  `CREATE TABLE summaries (
     forum_id text PRIMARY KEY REFERENCES forums(id) ON DELETE CASCADE,
     seq bigint NOT NULL,
     body text NOT NULL,
     saved_at bigint NOT NULL
   );`,
];

export const PG_SCHEMA_VERSION = MIGRATIONS.length;

/** A schema name Viche puts in SQL as it is: lower-case letters, digits and underscores. */
export function checkSchemaName(schema: string): string {
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(schema)) throw new Error(`"${schema}" is not a schema name Viche uses (a-z, 0-9, _)`);
  return schema;
}

/**
 * Brings the schema up to date on `client` (search_path already set to it), creating it if need
 * be, and returns the version it was at. Refuses one written by a newer Viche.
 */
export async function migrate(client: pg.ClientBase, schema: string): Promise<number> {
  await client.query('BEGIN');
  try {
    // Held until the transaction ends: a second process waits here and then finds nothing to do.
    await client.query('SELECT pg_advisory_xact_lock($1, hashtext($2))', [VICHE_LOCK_CLASS, schema]);
    // Made only when missing: CREATE SCHEMA asks for the right to create in the whole database even
    // when the schema exists, which a user given only its schema (GRANT CREATE ON SCHEMA) lacks.
    const exists = (await client.query('SELECT 1 FROM pg_namespace WHERE nspname = $1', [schema])).rowCount! > 0;
    if (!exists) await client.query(`CREATE SCHEMA ${schema}`);
    await client.query(`SET LOCAL search_path TO ${schema}`);
    await client.query(`CREATE TABLE IF NOT EXISTS ${schema}.viche_schema (version integer NOT NULL)`);
    const rows = (await client.query<{ version: number }>(`SELECT version FROM ${schema}.viche_schema`)).rows;
    const version = rows[0]?.version ?? 0;
    if (version > MIGRATIONS.length) {
      throw new StartupError(
        `Базу PostgreSQL (схема ${schema}) записала новіша версія Віче (версія схеми ${version}; ця версія читає до ${MIGRATIONS.length}). Оновіть Віче або вкажіть у DATABASE_URL іншу базу.`,
        `The PostgreSQL database (schema ${schema}) was written by a newer version of Viche (schema version ${version}; this version reads up to ${MIGRATIONS.length}). Update Viche, or point DATABASE_URL at another database.`,
      );
    }
    for (let v = version; v < MIGRATIONS.length; v++) await client.query(MIGRATIONS[v]);
    if (rows.length === 0) await client.query(`INSERT INTO ${schema}.viche_schema (version) VALUES ($1)`, [MIGRATIONS.length]);
    else if (version < MIGRATIONS.length) await client.query(`UPDATE ${schema}.viche_schema SET version = $1`, [MIGRATIONS.length]);
    await client.query('COMMIT');
    return version;
  } catch (err) {
    await client.query('ROLLBACK').catch(() => {});
    throw err;
  }
}
