// The storage interface: everything the server keeps is a forum's ordered list of events. A store
// only has to append them durably and give them back; the rules and handlers never see SQL.

import type { ForumEvent } from '../../shared/forum/types.js';

export interface ForumRecord {
  id: string;
  joinCode: string;
  facilitatorKey: string;
  createdAt: number;
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
    if (actionKey && f.events.some((e) => e.actionKey === actionKey)) throw new Error(`action ${actionKey} is stored`);
    events.forEach((event, i) => {
      f.events.push({ seq: ++this.seq, event: structuredClone(event), actionKey: i === 0 ? actionKey : null });
    });
  }

  close(): void {}
}
