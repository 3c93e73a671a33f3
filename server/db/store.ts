// The storage interface: everything the server keeps is a forum's ordered list of events. A store
// only has to append them durably and give them back; the rules and handlers never see SQL.

import type { ForumEvent } from '../../shared/forum/types.js';

export interface ForumRecord {
  id: string;
  joinCode: string;
  facilitatorKey: string;
  createdAt: number;
  /** The secret the hall's rotating join codes are drawn from; '' until first set. */
  joinSecret: string;
  /** The projector's display key: it sees the current join code, so it is not public. */
  screenKey: string;
}

/** The secrets kept beside a forum (never in its event log), which the server may change. */
export type ForumSecrets = Pick<ForumRecord, 'facilitatorKey' | 'joinSecret' | 'screenKey'>;

/** Thrown by append() when an action key is stored already: the same id used for another action. */
export class ActionKeyTaken extends Error {
  constructor(readonly actionKey: string) {
    super(`action ${actionKey} is stored`);
  }
}

export interface StoredEvent {
  seq: number;
  event: ForumEvent;
  /** "participantId:actionId" of the phone action that caused it, for exactly-once resends. */
  actionKey: string | null;
}

export interface ForumStore {
  /** The most recently created forum with all its events in order, or null for an empty store. */
  loadLatestForum(): { forum: ForumRecord; events: StoredEvent[] } | null;
  /** Creates a forum with its first event, atomically. */
  createForum(forum: ForumRecord, first: ForumEvent): void;
  /**
   * Appends events in one transaction. When it returns, they are committed: an acknowledged
   * action must never be lost. Throws (and stores nothing) if the commit fails.
   */
  append(forumId: string, events: readonly ForumEvent[], actionKey: string | null): void;
  /** Changes a forum's secrets (a rotated key, a first join secret); durable on return. */
  updateSecrets(forumId: string, secrets: Partial<ForumSecrets>): void;
  /** A copy of everything stored, kept beside it; stores that keep nothing on disk have none. */
  backup?(reason: string): Promise<{ file: string; at: number }>;
  close(): void;
}

/** A store in memory only, for tests and throwaway demos; the same contract as SQLite's. */
export class MemoryStore implements ForumStore {
  private forums: { forum: ForumRecord; events: StoredEvent[] }[] = [];
  private seq = 0;

  loadLatestForum() {
    const last = this.forums.at(-1);
    return last ? { forum: { ...last.forum }, events: last.events.map((e) => structuredClone(e)) } : null;
  }

  createForum(forum: ForumRecord, first: ForumEvent): void {
    if (this.forums.some((f) => f.forum.id === forum.id)) throw new Error(`forum ${forum.id} exists`);
    this.forums.push({ forum: { ...forum }, events: [{ seq: ++this.seq, event: structuredClone(first), actionKey: null }] });
  }

  append(forumId: string, events: readonly ForumEvent[], actionKey: string | null): void {
    const f = this.forums.find((x) => x.forum.id === forumId);
    if (!f) throw new Error(`no forum ${forumId}`);
    if (actionKey && f.events.some((e) => e.actionKey === actionKey)) throw new ActionKeyTaken(actionKey);
    events.forEach((event, i) => {
      f.events.push({ seq: ++this.seq, event: structuredClone(event), actionKey: i === 0 ? actionKey : null });
    });
  }

  updateSecrets(forumId: string, secrets: Partial<ForumSecrets>): void {
    const f = this.forums.find((x) => x.forum.id === forumId);
    if (!f) throw new Error(`no forum ${forumId}`);
    Object.assign(f.forum, secrets);
  }

  close(): void {}
}
