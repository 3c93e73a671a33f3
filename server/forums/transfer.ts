// A forum as one file, and back. Two kinds of file:
//
// - `sealed`, to move a forum to another laptop: the whole log, device-token and host-invitation
//   hashes included, so phones and hosts carry on there. It ends with an HMAC-SHA256 of its bytes
//   under a key derived from this server's facilitator key; another server keeps those secrets
//   only when the seal verifies under its own key, that is, when it runs with the same facilitator
//   key (FACILITATOR_KEY) and so proves it is the facilitator's. A secret in a file nobody sealed
//   could have been planted: a hash whose token the planter holds would let them vote as someone.
// - `archive`, anonymised, to keep or hand over: no names of participants, authors or hosts, no
//   ticket codes (fresh random ones stand in), no token or invitation hashes, no addresses.
//
// Any file not sealed under this server's key (an archive file, an older viche-forum/1 file, an
// edited or foreign sealed one) imports read-only: archived, with every token and invitation hash
// replaced by a stand-in that no token can match, so participants and hosts must be re-admitted.
// Every event is first checked field by field as a live command is (fileEvents.ts), then the log
// is replayed through the rules (shared/forum/verify.ts); the forum keeps its id, so its results
// hash is the same, and the import says it.

import { createHmac, randomBytes, randomInt, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import { everyCaseHandled } from '../../shared/exhaustive.js';
import { wellFormed } from '../../shared/forum/text.js';
import { verifyLog } from '../../shared/forum/verify.js';
import type { ForumEvent, ForumState } from '../../shared/forum/types.js';
import { Refusal } from '../forum/room.js';
import { resultsHash } from '../forum/resultsHash.js';
import { checkFileEvent } from './fileEvents.js';

export const FORUM_FILE_FORMAT = 'viche-forum/2';
/** Files of the first format (no seal, secrets already left out) still import, read-only. */
const FORMATS = [FORUM_FILE_FORMAT, 'viche-forum/1'] as const;

export type ForumFileKind = 'sealed' | 'archive';

export interface ForumFileHead {
  format: typeof FORUM_FILE_FORMAT;
  kind: ForumFileKind;
  exportedAt: string;
  /** The results hash is not written here (taking it holds the server up ~50 ms for a large forum): the import takes it from the replay. */
  forum: { id: string; title: string; createdAt: string };
}

/** The seal's key: derived, so the facilitator key itself never signs anything else. */
export function sealKey(facilitatorKey: string): string {
  return createHmac('sha256', facilitatorKey).update('viche-forum-file-seal/1').digest('hex');
}

/** Stand-ins for what a file leaves out; none of them can ever equal a real hash (64 hex digits). */
const movedToken = (n: number) => `moved-${n}`;

/** One event as an archive file holds it: nobody named, no secret, no address, no ticket's code. */
function anonymised(event: ForumEvent, n: number, codes: Map<string, string>, used: Set<string>): ForumEvent | null {
  switch (event.type) {
    case 'participantJoined': {
      const { address: _address, ...rest } = event;
      return { ...rest, name: '', tokenHash: movedToken(n), ...(event.personId ? { personId: standIn(event.personId, codes) } : {}) };
    }
    case 'deviceLinked':
      return { ...event, tokenHash: movedToken(n), personId: standIn(event.personId, codes) };
    case 'eligibleListed':
      return { ...event, entries: event.entries.map((entry) => standIn(entry, codes).slice(0, 32)) };
    case 'participantRenamed':
      return null;
    case 'ballotMoved':
      return { ...event, tokenHash: movedToken(n), address: '' };
    case 'hostInvited':
      return { ...event, name: `host ${n}`, secretHash: movedToken(n) };
    case 'ideaSubmitted':
      return event.paperAuthor ? { ...event, paperAuthor: '' } : event;
    case 'ideaImported':
      return { ...event, author: '' };
    case 'ticketsIssued':
      return { ...event, tickets: event.tickets.map((t) => ({ ...t, code: codeFor(t.code, codes, used) })) };
    case 'forumCreated':
    case 'forumArchived':
    case 'forumUnarchived':
    case 'structureSet':
    case 'rulesSet':
    case 'phaseChanged':
    case 'ideaEdited':
    case 'ideaWithdrawn':
    case 'ideaHidden':
    case 'ideaRestored':
    case 'dotPlaced':
    case 'dotRemoved':
    case 'priorityRevealed':
    case 'displaySet':
    case 'resultsTopSet':
    case 'resultsPublished':
    case 'admissionSet':
    case 'addressCapSet':
    case 'attendanceSet':
    case 'joiningPaused':
    case 'joiningResumed':
    case 'ticketReleased':
    case 'participantVoided':
    case 'participantsVoided':
    case 'ideasMerged':
    case 'mergeUndone':
    case 'paperDotsSet':
    case 'paperBallotsSet':
    case 'hostRevoked':
    case 'timerSet':
    case 'timerCleared':
    case 'wordListSet':
    case 'cityVoteSet':
    // A cast keeps its receipt's hash: the published ballot lists are keyed by it, and an archive's
    // results must come out the same. The receipt itself was never stored.
    case 'cityBallotCast':
    case 'identitySet':
    case 'voterCodesIssued':
    case 'personsAnonymised':
      return event;
    default:
      everyCaseHandled(event);
      return event;
  }
}

/**
 * A random keyed-hash stand-in for a person id or a list entry, the same one each time it recurs in
 * the file (a person's devices stay one person's), so nothing made under the server's key leaves.
 */
function standIn(hash: string, codes: Map<string, string>): string {
  let fresh = codes.get(hash);
  if (fresh === undefined) codes.set(hash, (fresh = randomBytes(32).toString('hex')));
  return fresh;
}

/** A fresh random code for each ticket, never one already given. */
function codeFor(code: string, codes: Map<string, string>, used: Set<string>): string {
  let fresh = codes.get(code);
  if (fresh !== undefined) return fresh;
  do fresh = String(randomInt(1_000_000_000, 10_000_000_000));
  while (used.has(fresh));
  used.add(fresh);
  codes.set(code, fresh);
  return fresh;
}

/**
 * The forum's file, as pieces of text to send one after another: the log is read a page at a time
 * and written between turns of the event loop, so a forum of 95,000 events never holds the server
 * up (`pause` yields; the route gives setImmediate). The seal is taken over every byte before it.
 */
export async function* forumFileText(
  state: ForumState,
  events: (after: number, limit: number) => Promise<{ seq: number; event: ForumEvent }[]> | { seq: number; event: ForumEvent }[],
  options: { kind: ForumFileKind; facilitatorKey: string; now?: Date; pause: () => Promise<void> },
): AsyncGenerator<string> {
  const head: ForumFileHead = {
    format: FORUM_FILE_FORMAT,
    kind: options.kind,
    exportedAt: (options.now ?? new Date()).toISOString(),
    forum: { id: state.id, title: state.title, createdAt: new Date(state.createdAt).toISOString() },
  };
  const seal = createHmac('sha256', sealKey(options.facilitatorKey));
  const emit = (text: string) => {
    seal.update(text);
    return text;
  };
  yield emit(`${JSON.stringify(head).slice(0, -1)},"events":[`);
  const codes = new Map<string, string>();
  const used = new Set<string>();
  let after = 0;
  let n = 0;
  let wrote = false;
  for (;;) {
    const page = await events(after, PAGE);
    if (page.length === 0) break;
    after = page[page.length - 1].seq;
    const parts: string[] = [];
    for (const { event } of page) {
      const kept = options.kind === 'archive' ? anonymised(event, ++n, codes, used) : event;
      if (kept) parts.push(JSON.stringify(kept));
    }
    if (parts.length > 0) {
      yield emit((wrote ? ',' : '') + parts.join(','));
      wrote = true;
    }
    await options.pause();
  }
  yield emit(']');
  // The seal covers every byte before it; an archive file has none (it carries no secret to keep).
  yield options.kind === 'sealed' ? `,"seal":"${seal.digest('hex')}"}` : '}';
}

/** A whole file at once, for tests and the bench: the events given, in one piece of text. */
export async function forumFileOf(state: ForumState, events: readonly ForumEvent[], kind: ForumFileKind, facilitatorKey: string): Promise<string> {
  const pages = (after: number, limit: number) => events.slice(after, after + limit).map((event, i) => ({ seq: after + i + 1, event }));
  let text = '';
  for await (const piece of forumFileText(state, pages, { kind, facilitatorKey, pause: async () => {} })) text += piece;
  return text;
}

/**
 * Events read and written per slice of the file (about 40 KB of text, a few ms): at 2,000 a slice
 * the hall's dot acks waited 92 ms (p50) while the largest forum's file was downloaded.
 */
const PAGE = 250;

const headSchema = z.object({
  format: z.enum(FORMATS),
  kind: z.enum(['sealed', 'archive']).optional(),
  forum: z.object({ id: z.string().min(1).max(64), title: z.string().max(1000) }).passthrough(),
  events: z.array(z.unknown()).min(1).max(1_000_000),
});

export interface ReadForumFile {
  id: string;
  title: string;
  /** Whether the file's seal verified under this server's key: its secrets are kept. */
  sealed: boolean;
  /** The events to store, checked; secrets replaced and an archiving added when not sealed. */
  events: ForumEvent[];
  resultsHash: string;
}

/** A JSON escape of a surrogate (`\ud800`): half of a pair, or a pair written as two escapes. */
const SURROGATE_ESCAPE = /\\u[dD][89a-fA-F][0-9a-fA-F]{2}/;

/** The seal at the end of a sealed file, and the bytes it covers. */
const SEAL = /,"seal":"([0-9a-f]{64})"\}\s*$/;

/**
 * Reads a forum file's text (in the import's worker thread; fileWorker.ts): its seal, its shape,
 * every event's fields, then its log replayed through the rules. Throws a Refusal naming the
 * event and the field at fault.
 */
export function readForumFile(text: string, key: string, now = Date.now()): ReadForumFile {
  const tail = text.slice(-120);
  const sealMatch = SEAL.exec(tail);
  let body = text;
  let sealed = false;
  if (sealMatch) {
    const covered = text.slice(0, text.length - tail.length + sealMatch.index);
    body = `${covered}}`;
    sealed = timingSafeEqual(createHmac('sha256', key).update(covered).digest(), Buffer.from(sealMatch[1], 'hex'));
  }
  let json: unknown;
  try {
    // A lone surrogate can come only as a JSON escape (the bytes were decoded as UTF-8, which has
    // none): where the file has a surrogate's escape at all, every text is made valid Unicode, as a
    // live command's text is (shared/forum/text.ts wellFormed), before anything is checked.
    json = SURROGATE_ESCAPE.test(body) ? JSON.parse(body, (_key, value: unknown) => (typeof value === 'string' ? wellFormed(value) : value)) : JSON.parse(body);
  } catch {
    throw new Refusal({ code: 'BAD_FORUM_FILE', params: { reason: 'format' } });
  }
  const head = headSchema.safeParse(json);
  if (!head.success) throw new Refusal({ code: 'BAD_FORUM_FILE', params: { reason: 'format' } });
  const raw = head.data.events;
  sealed = sealed && head.data.kind === 'sealed';
  for (let i = 0; i < raw.length; i++) {
    const problem = checkFileEvent(raw[i]);
    if (problem) throw new Refusal({ code: 'BAD_FORUM_FILE', params: { reason: 'log', seq: i + 1, detail: `${typeOf(raw[i])}: ${problem.detail}` } });
  }
  const events = raw as ForumEvent[];
  const first = events[0];
  if (first.type !== 'forumCreated' || first.id !== head.data.forum.id) throw new Refusal({ code: 'BAD_FORUM_FILE', params: { reason: 'format' } });
  if (!sealed) {
    // Whatever hashes the file holds are dropped: nobody proved they were the forum's own.
    events.forEach((event, i) => {
      if (event.type === 'participantJoined' || event.type === 'ballotMoved') event.tokenHash = movedToken(i + 1);
      if (event.type === 'hostInvited') event.secretHash = movedToken(i + 1);
    });
  }
  const report = verifyLog(events.map((event, i) => ({ seq: i + 1, event })));
  if (report.problems.length > 0) {
    const p = report.problems[0];
    throw new Refusal({ code: 'BAD_FORUM_FILE', params: { reason: 'log', seq: p.seq, detail: p.detail } });
  }
  if (!sealed && !report.state.archived) events.push({ type: 'forumArchived', at: now });
  return { id: first.id, title: report.state.title, sealed, events, resultsHash: resultsHash(report.state) };
}

/** An event's type for a refusal's sentence: cut short, since a planted one may be of any length. */
const typeOf = (event: unknown) => String((event as { type?: unknown } | null)?.type ?? 'event').slice(0, 40);
