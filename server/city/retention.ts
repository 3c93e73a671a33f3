// The retention date the organiser set in a city vote's definition (privacy.retainUntil): once it
// has passed and the vote has closed, the server deletes the vote's personal data by itself, as the
// facilitator's city:anonymise would, logged as done by the retention date. Looked at when the
// forum opens here and every few minutes while it stays open.

import { retentionEnds } from '../../shared/forum/city.js';
import { decideAnonymise } from '../../shared/forum/identity.js';
import type { ForumRoom } from '../forum/room.js';

/** How often an open forum is looked at: the deletion comes within this much of the day's end. */
export const RETENTION_CHECK_MS = 5 * 60_000;

/** Deletes the personal data if it is due; whether it did. A refusal (the storage down, the forum elsewhere) waits for the next look. */
export function anonymiseIfDue(room: ForumRoom, forget: () => void, now = Date.now()): boolean {
  const state = room.state;
  const privacy = state.city.vote?.privacy;
  if (!privacy || state.persons.anonymised) return false;
  const ends = retentionEnds(privacy);
  if (ends === null || now < ends) return false;
  const decision = decideAnonymise(state, 'retention', now);
  if (!decision.ok) return false;
  try {
    room.commit(decision.value);
  } catch {
    return false;
  }
  forget();
  return true;
}

/** Looks now and then every RETENTION_CHECK_MS; returns the stop. */
export function watchRetention(room: ForumRoom, forget: () => void, everyMs = RETENTION_CHECK_MS): () => void {
  const look = () => anonymiseIfDue(room, forget);
  const first = setImmediate(look);
  const timer = setInterval(look, everyMs);
  timer.unref();
  return () => {
    clearImmediate(first);
    clearInterval(timer);
  };
}
