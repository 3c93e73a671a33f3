// The start-up check of a stored forum's log, as `npm run verify-log` makes it: every event is
// replayed through the rules (shared/forum/verify.ts), and a row that is not an event at all is
// found too. The replay is the one the forum opens with, so the check costs the rules' decisions
// on top of a plain replay, not a second pass over the log. A damaged log stops the start with
// one sentence naming the first bad event, unless the organiser starts read-only.

import { verifyLog } from '../../shared/forum/verify.js';
import type { ForumState } from '../../shared/forum/types.js';
import type { LoadedForum } from '../db/store.js';
import { StartupError } from '../errors.js';

export interface LogDamage {
  /** Events and rows the rules, or a reader, would not have taken. */
  count: number;
  /** The first of them, as one clause: "event 57 (dotPlaced) breaks the rules with DOT_LIMIT: …". */
  first: string;
}

/** The forum as the server holds it after replaying its log, and what is wrong with the log, if anything. */
export function checkForumLog(loaded: LoadedForum): { state: ForumState; damage: LogDamage | null } {
  const report = verifyLog(loaded.events);
  const found = [
    ...report.problems.map((p) => ({ seq: p.seq, text: `event ${p.seq} (${p.type}) breaks the rules with ${p.error.code}: ${p.detail}` })),
    ...(loaded.unreadable ?? []).map((u) => ({ seq: u.seq, text: `event ${u.seq} (${u.type}) cannot be read: ${u.reason}` })),
  ].sort((a, b) => a.seq - b.seq);
  if (report.events === 0 && found.length === 0) found.push({ seq: 0, text: 'it has no events at all, not even the forumCreated it was stored with' });
  return { state: report.state, damage: found.length === 0 ? null : { count: found.length, first: found[0].text } };
}

/** The sentence a damaged log stops the start with. */
export function damagedLogError(dbPath: string, loaded: LoadedForum, state: ForumState, damage: LogDamage): StartupError {
  const title = state.title ? ` "${state.title}"` : '';
  const more = damage.count > 1 ? ` and ${damage.count - 1} more (npm run verify-log lists them)` : '';
  return new StartupError(
    `The log of forum ${loaded.forum.slug}${title} in ${dbPath} is damaged: ${damage.first}${more}; put a backup in its place with npm run restore FILE, or start read-only with READ_ONLY=1 to look at it.`,
  );
}
