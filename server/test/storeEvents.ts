// The smallest forum the store's tests write and read: its record, its first event, and
// participants joining one by one (the store contract suite, PostgreSQL's own tests, the room's
// batches).

import type { NewForum } from '../db/store.js';
import { DEFAULT_RULES, type ForumEvent } from '../../shared/forum/types.js';

export const record: NewForum = { id: 'f1', joinCode: '123456', createdAt: 1, joinSecret: 's', screenKey: 'sk' };

export const created: Extract<ForumEvent, { type: 'forumCreated' }> = {
  type: 'forumCreated',
  id: 'f1',
  title: 'Т',
  joinCode: '123456',
  structure: { vision: 'Т', priorities: [{ code: '1', title: 'П', subtitle: '', color: '#000000', goals: [] }] },
  rules: DEFAULT_RULES,
  at: 1,
};

export const joined = (n: number): ForumEvent => ({ type: 'participantJoined', participantId: `p${n}`, tokenHash: `h${n}`, name: `Ім’я ${n}`, at: n });
