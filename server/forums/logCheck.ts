// The start-up check of a stored forum's log, as `npm run verify-log` makes it: every event is
// replayed through the rules (shared/forum/verify.ts), and a row that is not an event at all is
// found too. The replay is the one the forum opens with, so the check costs the rules' decisions
// on top of a plain replay, not a second pass over the log. Only from where the last start found
// the log clean: that start left a mark (the seq and a digest of the events up to it), and the
// events up to the mark are replayed plainly when their digest still matches; any change to them,
// and the whole log is checked again. A forum opened from a snapshot is checked from it, the events
// after it only, when the mark reaches the snapshot's seq. A damaged log stops the start with one
// sentence naming the first bad event, unless the organiser starts read-only.

import { createHash } from 'node:crypto';
import { applyEvent, emptyState } from '../../shared/forum/state.js';
import { verifyLog, type CheckedPrefix } from '../../shared/forum/verify.js';
import type { ForumState } from '../../shared/forum/types.js';
import type { LoadedForum, StoredEvent } from '../db/store.js';
import { StartupError } from '../errors.js';
import { Turns } from './turns.js';

/** Where a forum's log was last found clean. */
export interface CheckedMark {
  seq: number;
  digest: string;
}

/** The marks of every forum, as kept in the store's `log_checked` setting. */
export function marksFrom(setting: string | null): Map<string, CheckedMark> {
  try {
    const parsed = JSON.parse(setting ?? '{}') as Record<string, CheckedMark>;
    return new Map(Object.entries(parsed).filter(([, m]) => Number.isInteger(m?.seq) && typeof m?.digest === 'string'));
  } catch {
    return new Map();
  }
}

export const marksSetting = (marks: Map<string, CheckedMark>): string => JSON.stringify(Object.fromEntries(marks));

/**
 * In one pass, the digest of the whole log (each event as the server writes it) and of its events
 * up to and including `markSeq` (null when the log has no event with that seq).
 */
async function digests(events: readonly StoredEvent[], markSeq: number | null, turns: Turns): Promise<{ atMark: { digest: string; count: number } | null; whole: string }> {
  const hash = createHash('sha256');
  let atMark: { digest: string; count: number } | null = null;
  for (let i = 0; i < events.length; i++) {
    const e = events[i];
    hash.update(`${e.seq}\n${JSON.stringify(e.event)}\n`);
    if (e.seq === markSeq) atMark = { digest: hash.copy().digest('hex'), count: i + 1 };
    if (i % SLICE === 0 && turns.due()) await turns.pass();
  }
  return { atMark, whole: hash.digest('hex') };
}

/** Events checked or replayed between two looks at the time. */
const SLICE = 256;

/** verifyLog over `events` from `start`, a slice at a time, a pass of the event loop whenever due. */
async function verifyInTurns(events: readonly StoredEvent[], start: CheckedPrefix | undefined, turns: Turns): Promise<ReturnType<typeof verifyLog>> {
  let from = start;
  const problems: ReturnType<typeof verifyLog>['problems'] = [];
  let report: ReturnType<typeof verifyLog> | null = null;
  for (let i = 0; i < events.length || report === null; i += SLICE) {
    const slice = events.slice(i, i + SLICE);
    report = verifyLog(slice, from);
    for (const p of report.problems) problems.push(p);
    const created = from?.firstCreated ?? slice.find((e) => (e.event as { type?: unknown } | null)?.type === 'forumCreated')?.seq ?? null;
    from = { state: report.state, events: report.events, firstCreated: created };
    if (turns.due()) await turns.pass();
  }
  return { ...report, problems };
}

export interface LogDamage {
  /** Events and rows the rules, or a reader, would not have taken. */
  count: number;
  /** The first of them, as one clause: "event 57 (dotPlaced) breaks the rules with DOT_LIMIT: …". */
  first: string;
}

/**
 * The forum as the server holds it after replaying its log, what is wrong with the log, if anything,
 * and, when nothing is, the mark the next start checks from.
 */
export async function checkForumLog(
  loaded: LoadedForum,
  mark?: CheckedMark,
  /**
   * The forum as of its snapshot (loaded.events are then those after it), taken on trust only when
   * `mark` reaches the snapshot's seq: a start found every event up to there clean. Changed in place.
   */
  from?: { seq: number; state: ForumState },
  /** The turns of the event loop the check is spread over (a city vote's log once took one of 4.9 s). */
  turns = new Turns(),
): Promise<{ state: ForumState; damage: LogDamage | null; mark: CheckedMark | null; checked: number }> {
  const events = loaded.events;
  const unreadable = loaded.unreadable ?? [];
  if (from) {
    if (!mark || mark.seq < from.seq) throw new Error(`the snapshot at ${from.seq} is beyond the log's checked mark`);
    // Events between the snapshot and the mark are checked again: fewer than a snapshot interval.
    const report = await verifyInTurns(events, { state: from.state, events: from.seq, firstCreated: 1 }, turns);
    const damage = damageOf(report, unreadable);
    // The digest of the events before the snapshot is not known here: a start that replays the
    // whole log finds it differs, and checks it all, as it should.
    const last = Math.max(from.seq, events.at(-1)?.seq ?? 0);
    return { state: report.state, damage, mark: damage ? null : { seq: last, digest: FROM_SNAPSHOT }, checked: events.length };
  }
  // Rows that are not events are looked for in the whole log, every time: it costs nothing more.
  const digest = await digests(events, mark?.seq ?? null, turns);
  const prefix = unreadable.length === 0 ? digest.atMark : null;
  let report: ReturnType<typeof verifyLog>;
  let checked = events.length;
  if (prefix && prefix.digest === mark!.digest) {
    const state = emptyState();
    for (let i = 0; i < prefix.count; i++) {
      applyEvent(state, events[i].event);
      if (i % SLICE === 0 && turns.due()) await turns.pass();
    }
    report = await verifyInTurns(events.slice(prefix.count), { state, events: prefix.count, firstCreated: events[0].seq }, turns);
    checked = events.length - prefix.count;
  } else {
    report = await verifyInTurns(events, undefined, turns);
  }
  const damage = damageOf(report, unreadable);
  if (damage) return { state: report.state, damage, mark: null, checked };
  return { state: report.state, damage: null, mark: { seq: events[events.length - 1].seq, digest: digest.whole }, checked };
}

/** A mark left by a start that opened the forum from a snapshot, whose digest matches no log. */
const FROM_SNAPSHOT = 'from-snapshot';

/**
 * The mark a server leaves as it stores a snapshot at `seq`: the next start may take that snapshot
 * on trust. A start that replays the whole log finds its digest differs, and checks it all.
 */
export const snapshotMark = (seq: number): CheckedMark => ({ seq, digest: FROM_SNAPSHOT });

function damageOf(report: ReturnType<typeof verifyLog>, unreadable: NonNullable<LoadedForum['unreadable']>): LogDamage | null {
  const found = [
    ...report.problems.map((p) => ({ seq: p.seq, text: `event ${p.seq} (${p.type}) breaks the rules with ${p.error.code}: ${p.detail}` })),
    ...unreadable.map((u) => ({ seq: u.seq, text: `event ${u.seq} (${u.type}) cannot be read: ${u.reason}` })),
  ].sort((a, b) => a.seq - b.seq);
  if (report.events === 0 && found.length === 0) found.push({ seq: 0, text: 'it has no events at all, not even the forumCreated it was stored with' });
  return found.length > 0 ? { count: found.length, first: found[0].text } : null;
}

/** The sentence a damaged log stops the start with. */
export function damagedLogError(dbPath: string, loaded: LoadedForum, state: ForumState, damage: LogDamage): StartupError {
  const title = state.title ? ` "${state.title}"` : '';
  const more = damage.count > 1 ? ` and ${damage.count - 1} more (npm run verify-log lists them)` : '';
  const moreUk = damage.count > 1 ? ` і ще ${damage.count - 1} (їх перелічує npm run verify-log)` : '';
  return new StartupError(
    `Журнал форуму ${loaded.forum.slug}${title} у ${dbPath} пошкоджений: ${damage.first}${moreUk}; покладіть на місце файлу резервну копію (npm run restore ФАЙЛ) або запустіть лише для читання з READ_ONLY=1, щоб його переглянути.`,
    `The log of forum ${loaded.forum.slug}${title} in ${dbPath} is damaged: ${damage.first}${more}; put a backup in its place with npm run restore FILE, or start read-only with READ_ONLY=1 to look at it.`,
  );
}
