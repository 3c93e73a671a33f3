// The embedded SQLite store: one better-sqlite3 connection in WAL mode with synchronous=FULL, so
// a commit is on disk before append() returns and survives kill -9 and power loss alike.

import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { ForumEvent } from '../../shared/forum/types.js';
import { ActionKeyTaken, type ForumRecord, type ForumSecrets, type ForumStore, type StoredEvent } from './store.js';

/** Each entry moves the schema one version up; PRAGMA user_version records how far a file is. */
const MIGRATIONS: string[] = [
  `CREATE TABLE forums (
     id TEXT PRIMARY KEY,
     join_code TEXT NOT NULL,
     facilitator_key TEXT NOT NULL,
     created_at INTEGER NOT NULL
   );
   CREATE TABLE events (
     seq INTEGER PRIMARY KEY AUTOINCREMENT,
     forum_id TEXT NOT NULL REFERENCES forums(id),
     type TEXT NOT NULL,
     payload TEXT NOT NULL,
     action_key TEXT,
     recorded_at INTEGER NOT NULL
   );
   CREATE INDEX events_forum ON events(forum_id, seq);
   CREATE UNIQUE INDEX events_action ON events(forum_id, action_key) WHERE action_key IS NOT NULL;`,
  // Admission: the secret behind the hall's rotating codes, and the projector's display key.
  `ALTER TABLE forums ADD COLUMN join_secret TEXT NOT NULL DEFAULT '';
   ALTER TABLE forums ADD COLUMN screen_key TEXT NOT NULL DEFAULT '';`,
];

export class SqliteStore implements ForumStore {
  private db: Database.Database;
  private insertEvent: Database.Statement;
  private appendTx: (forumId: string, events: readonly ForumEvent[], actionKey: string | null) => void;

  constructor(path: string) {
    if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
    this.db = new Database(path);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = FULL');
    this.db.pragma('foreign_keys = ON');
    this.db.pragma('busy_timeout = 5000');
    this.migrate();
    this.insertEvent = this.db.prepare(
      'INSERT INTO events (forum_id, type, payload, action_key, recorded_at) VALUES (?, ?, ?, ?, ?)',
    );
    this.appendTx = this.db.transaction((forumId: string, events: readonly ForumEvent[], actionKey: string | null) => {
      const now = Date.now();
      events.forEach((event, i) => {
        this.insertEvent.run(forumId, event.type, JSON.stringify(event), i === 0 ? actionKey : null, now);
      });
    });
  }

  private migrate(): void {
    const version = this.db.pragma('user_version', { simple: true }) as number;
    if (version > MIGRATIONS.length) {
      throw new Error(`The database was written by a newer version of Viche (schema ${version}).`);
    }
    for (let v = version; v < MIGRATIONS.length; v++) {
      this.db.transaction(() => {
        this.db.exec(MIGRATIONS[v]);
        this.db.pragma(`user_version = ${v + 1}`);
      })();
    }
  }

  loadLatestForum(): { forum: ForumRecord; events: StoredEvent[] } | null {
    const row = this.db
      .prepare('SELECT id, join_code, facilitator_key, created_at, join_secret, screen_key FROM forums ORDER BY created_at DESC, rowid DESC LIMIT 1')
      .get() as
      | { id: string; join_code: string; facilitator_key: string; created_at: number; join_secret: string; screen_key: string }
      | undefined;
    if (!row) return null;
    const rows = this.db
      .prepare('SELECT seq, payload, action_key FROM events WHERE forum_id = ? ORDER BY seq')
      .all(row.id) as { seq: number; payload: string; action_key: string | null }[];
    return {
      forum: {
        id: row.id,
        joinCode: row.join_code,
        facilitatorKey: row.facilitator_key,
        createdAt: row.created_at,
        joinSecret: row.join_secret,
        screenKey: row.screen_key,
      },
      events: rows.map((r) => ({ seq: r.seq, event: JSON.parse(r.payload) as ForumEvent, actionKey: r.action_key })),
    };
  }

  createForum(forum: ForumRecord, first: ForumEvent): void {
    this.db.transaction(() => {
      this.db
        .prepare('INSERT INTO forums (id, join_code, facilitator_key, created_at, join_secret, screen_key) VALUES (?, ?, ?, ?, ?, ?)')
        .run(forum.id, forum.joinCode, forum.facilitatorKey, forum.createdAt, forum.joinSecret, forum.screenKey);
      this.insertEvent.run(forum.id, first.type, JSON.stringify(first), null, Date.now());
    })();
  }

  append(forumId: string, events: readonly ForumEvent[], actionKey: string | null): void {
    try {
      this.appendTx(forumId, events, actionKey);
    } catch (err) {
      if (actionKey && (err as { code?: string }).code === 'SQLITE_CONSTRAINT_UNIQUE') throw new ActionKeyTaken(actionKey);
      throw err;
    }
  }

  updateSecrets(forumId: string, secrets: Partial<ForumSecrets>): void {
    const columns = { facilitatorKey: 'facilitator_key', joinSecret: 'join_secret', screenKey: 'screen_key' } as const;
    const set = (Object.keys(secrets) as (keyof ForumSecrets)[]).filter((k) => secrets[k] !== undefined);
    if (set.length === 0) return;
    this.db
      .prepare(`UPDATE forums SET ${set.map((k) => `${columns[k]} = ?`).join(', ')} WHERE id = ?`)
      .run(...set.map((k) => secrets[k]!), forumId);
  }

  close(): void {
    if (this.db.open) this.db.close();
  }
}
