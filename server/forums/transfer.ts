// Moving a forum to another laptop: one file with the whole forum (its structure, ideas, dots,
// moderation log and participants) as its event log, without what would let anyone act as a
// participant or a host there, or trace a device: token hashes, addresses and invitation secrets
// are replaced. Imported, the log is replayed through the rules first, so a damaged or edited
// file is refused with the event at fault; the forum keeps its id, so its results hash is the same.

import { z } from 'zod';
import { verifyLog } from '../../shared/forum/verify.js';
import type { ForumEvent } from '../../shared/forum/types.js';
import { Refusal, type ForumRoom } from '../forum/room.js';

export const FORUM_FILE_FORMAT = 'viche-forum/1';

export interface ForumFile {
  format: typeof FORUM_FILE_FORMAT;
  exportedAt: string;
  forum: { id: string; title: string; createdAt: string };
  /** The forum's events, oldest first, with nothing that identifies a device. */
  events: ForumEvent[];
}

/** Stand-ins for what is left out; none of them can ever equal a real token's hash (64 hex digits). */
const movedToken = (n: number) => `moved-${n}`;

function anonymised(event: ForumEvent, n: number): ForumEvent {
  switch (event.type) {
    case 'participantJoined': {
      // Recorded without an address, as the rules record a join whose address is unknown.
      const { address: _address, ...rest } = event;
      return { ...rest, tokenHash: movedToken(n) };
    }
    case 'ballotMoved':
      return { ...event, tokenHash: movedToken(n), address: '' };
    case 'hostInvited':
      return { ...event, secretHash: movedToken(n) };
    default:
      return event;
  }
}

export function forumFile(room: ForumRoom, events: readonly ForumEvent[], now = new Date()): ForumFile {
  return {
    format: FORUM_FILE_FORMAT,
    exportedAt: now.toISOString(),
    forum: { id: room.state.id, title: room.state.title, createdAt: new Date(room.state.createdAt).toISOString() },
    events: events.map((e, i) => anonymised(e, i + 1)),
  };
}

const fileSchema = z.object({
  format: z.literal(FORUM_FILE_FORMAT),
  forum: z.object({ id: z.string().min(1).max(64), title: z.string().max(1000) }),
  events: z.array(z.object({ type: z.string() }).passthrough()).min(1).max(5_000_000),
});

/** The events of a forum file, checked: its format, and its log replayed through the rules. */
export function readForumFile(json: unknown): { id: string; title: string; events: ForumEvent[] } {
  const parsed = fileSchema.safeParse(json);
  if (!parsed.success) throw new Refusal({ code: 'BAD_FORUM_FILE', params: { reason: 'format' } });
  const events = parsed.data.events as unknown as ForumEvent[];
  const first = events[0];
  if (first.type !== 'forumCreated' || first.id !== parsed.data.forum.id) {
    throw new Refusal({ code: 'BAD_FORUM_FILE', params: { reason: 'format' } });
  }
  const report = verifyLog(events.map((event, i) => ({ seq: i + 1, event })));
  if (report.problems.length > 0) {
    const p = report.problems[0];
    throw new Refusal({ code: 'BAD_FORUM_FILE', params: { reason: 'log', seq: p.seq, detail: p.detail } });
  }
  return { id: first.id, title: report.state.title, events };
}
