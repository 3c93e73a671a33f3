// Checks a forum's stored log against the forum's own rules, not only SQLite's: replays the events
// from an empty state and, before each one, asks the rule that decides such an event whether it
// could have been decided at that point, and whether it would have been recorded as stored. A log
// written only through the rules passes; a row appended by anything else (a second server on the
// same file, a hand edit) shows up with the refusal the rules give.
// Pure: no I/O, so the server, a script and the tests use it alike.

import { everyCaseHandled } from '../exhaustive.js';
import { cityVoteInput, decideCastCityBallot, decideSetCityVote, decideWithdrawCityBallot } from './city.js';
import { decideInPersonCast, decideInPersonJoin } from './channels.js';
import { decideAddressCap, decideAdmissionMode, decideIssueTickets, decideJoin, decideReleaseTicket, decideVoid } from './admission.js';
import { decideExpectedAttendance, decidePauseJoining, decideResumeJoining, decideVoidMany } from './attendance.js';
import { decideAnonymise, decideIdentityMethod, decideIssueVoterCodes, decideListEntries, decidePersonJoin } from './identity.js';
import { refuse, type Decision, type ErrorParams, type RuleError } from './errors.js';
import {
  decideExtendTimer,
  decideInviteHost,
  decideMerge,
  decidePaperBallots,
  decidePaperDots,
  decidePaperIdea,
  decideRevokeHost,
  decideTimer,
  decideUndoMerge,
  decideWordList,
  hostMayAct,
} from './facilitation.js';
import {
  checkRules,
  decideArchive,
  decideCorrectIdea,
  decideDisplay,
  decideEditIdea,
  decideHideIdea,
  decidePlaceDot,
  decidePublishResults,
  decideRemoveDot,
  decideRename,
  decideReveal,
  decideRestoreIdea,
  decideResultsTop,
  decideRules,
  decideStructure,
  decideSubmitIdea,
  decideTransition,
  decideWithdrawIdea,
  dotsSpent,
  findPriority,
  normalizeStructure,
  transitionsOf,
} from './rules.js';
import { applyEvent, emptyState } from './state.js';
import { keptByEarlierRules } from './text.js';
import { ADMISSION_MODES, FACILITATOR, type Actor, type ForumEvent, type ForumState, type Phase } from './types.js';

export interface LoggedEvent {
  seq: number;
  event: ForumEvent;
}

export interface LogProblem {
  seq: number;
  type: string;
  /** The refusal the rules give; BAD_INPUT (with a `reason` or `field`) for what no rule covers. */
  error: RuleError;
  /** One short English sentence saying what happened and why the rules would not have allowed it. */
  detail: string;
}

/** A beginning of the log already found clean, replayed: the check goes on from there. */
export interface CheckedPrefix {
  state: ForumState;
  events: number;
  /** The seq of its forumCreated. */
  firstCreated: number | null;
}

export interface LogReport {
  problems: LogProblem[];
  /** The forum as the server would load it from this log: every event applied, problems included. */
  state: ForumState;
  events: number;
}

interface Finding {
  error: RuleError;
  detail?: string;
}

/**
 * Replays the log and reports every event the rules would have refused. A refused event is still
 * applied, as the server applies it when it loads the file, so the replay goes on and the later
 * events are judged against the forum the server really holds.
 */
export function verifyLog(events: Iterable<LoggedEvent>, from?: CheckedPrefix): LogReport {
  const state = from?.state ?? emptyState();
  const problems: LogProblem[] = [];
  let count = from?.events ?? 0;
  let firstCreated: number | null = from?.firstCreated ?? null;
  for (const { seq, event } of events) {
    count++;
    const type = String((event as { type?: unknown } | null)?.type);
    let finding: Finding | null;
    try {
      if (type === 'forumCreated') finding = checkCreated(event as Extract<ForumEvent, { type: 'forumCreated' }>, count, firstCreated);
      else finding = count === 1 ? notCreated() : checkEvent(state, event);
    } catch (err) {
      finding = malformed(err);
    }
    if (finding) {
      problems.push({ seq, type, error: finding.error, detail: finding.detail ?? describeSafely(state, event, finding.error) });
    }
    if (type === 'forumCreated') firstCreated ??= seq;
    try {
      applyEvent(state, event);
    } catch (err) {
      // Only a malformed event can throw here; the forum goes on without it, as far as it can.
      if (!finding) {
        const broken = malformed(err);
        problems.push({ seq, type, error: broken.error, detail: broken.detail ?? '' });
      }
    }
  }
  return { problems, state, events: count };
}

// ---------------------------------------------------------------- checks

const problem = (code: RuleError['code'], params: ErrorParams, detail?: string): Finding => ({
  error: { code, params },
  ...(detail ? { detail } : {}),
});

function malformed(err: unknown): Finding {
  const message = err instanceof Error ? err.message : String(err);
  return problem('BAD_INPUT', { reason: 'malformed' }, `the stored event is malformed and no rule can judge it (${message})`);
}

function notCreated(): Finding {
  return problem('BAD_INPUT', { reason: 'noForum' }, 'the log does not begin with forumCreated, so this event belongs to no forum');
}

function checkCreated(event: Extract<ForumEvent, { type: 'forumCreated' }>, position: number, firstSeq: number | null): Finding | null {
  if (firstSeq !== null) return problem('BAD_INPUT', { reason: 'createdAgain' }, `the forum was created a second time (first at event ${firstSeq})`);
  if (position > 1) return problem('BAD_INPUT', { reason: 'notFirst' }, `the forum was created only at the ${ordinal(position)} event of its log, not the first`);
  // The tree comes from a template checked the same way, and the rules start at their defaults.
  const structure = normalizeStructure(event.structure);
  if (!structure.ok) return { error: structure.error };
  const rules = checkRules(event.rules);
  if (!rules.ok) return { error: rules.error };
  if (event.admission !== undefined && !ADMISSION_MODES.includes(event.admission)) return problem('BAD_INPUT', { field: 'admission' });
  return null;
}

/** What the rules decide for the request this event records, or what no rule needs to decide. */
function checkEvent(state: ForumState, event: ForumEvent): Finding | null {
  // An archived forum takes no change but being taken out of the archive.
  if (state.archived && event.type !== 'forumUnarchived') return problem('ARCHIVED', {}, `${what(state, event)}, but the forum was archived`);
  const decided = decide(state, event);
  if (!decided || !('ok' in decided)) return decided;
  if (!decided.ok) return { error: decided.error };
  if (decided.value.length === 0) {
    return problem('BAD_INPUT', { reason: 'nothingToRecord' }, `${what(state, event)}, but that changed nothing and the rules record nothing for it`);
  }
  const expected = decided.value[0] as unknown as Record<string, unknown>;
  const stored = event as unknown as Record<string, unknown>;
  const differ = differences(decided.value[0], event).filter((k) => !cleanedSince(expected[k], stored[k]));
  if (differ.length === 0) return null;
  return problem('BAD_INPUT', { field: differ.join(',') }, `${what(state, event)}, but its ${differ.join(', ')} differ${differ.length === 1 ? 's' : ''} from what the rules would have recorded`);
}

/**
 * Whether a value differs from what the rules record now only in texts the earlier rules kept as
 * they are stored (keptByEarlierRules): a log written before characters were cleaned is judged as
 * it was then, while a text even those rules would have cleaned is still found.
 */
function cleanedSince(expected: unknown, stored: unknown): boolean {
  if (typeof expected === 'string' && typeof stored === 'string') {
    return keptByEarlierRules(expected, stored);
  }
  if (Array.isArray(expected) && Array.isArray(stored)) return expected.length === stored.length && expected.every((e, i) => cleanedSince(e, stored[i]));
  if (expected && stored && typeof expected === 'object' && typeof stored === 'object' && !Array.isArray(expected) && !Array.isArray(stored)) {
    const a = expected as Record<string, unknown>;
    const b = stored as Record<string, unknown>;
    return [...new Set([...Object.keys(a), ...Object.keys(b)])].every((k) => cleanedSince(a[k], b[k]));
  }
  return JSON.stringify(expected) === JSON.stringify(stored);
}

/** The top-level fields in which two events differ (values compared as JSON). */
function differences(expected: ForumEvent, stored: ForumEvent): string[] {
  const a = expected as unknown as Record<string, unknown>;
  const b = stored as unknown as Record<string, unknown>;
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  return [...keys].filter((k) => JSON.stringify(a[k]) !== JSON.stringify(b[k]));
}

function decide(state: ForumState, event: ForumEvent): Decision<ForumEvent[]> | Finding | null {
  switch (event.type) {
    case 'forumCreated':
      return null; // handled by checkCreated
    case 'ideaImported':
      // A shortlist comes in when the vote-only forum is created, before anyone has joined.
      if (!state.voteOnly) return problem('BAD_INPUT', { reason: 'notVoteOnly' }, `${what(state, event)}, but the forum is not a vote-only forum`);
      if (state.phase !== 'lobby' || state.participants.size > 0) return problem('WRONG_PHASE', { phase: state.phase }, `${what(state, event)} after the forum had opened`);
      if (!findPriority(state, event.priorityCode)) return problem('UNKNOWN_PRIORITY', { code: event.priorityCode });
      if (state.ideas.has(event.ideaId)) return problem('BAD_INPUT', { field: 'ideaId' }, `${what(state, event)}, but an idea with that id exists`);
      return null;
    case 'forumArchived':
      return decideArchive(state, true, event.at);
    case 'forumUnarchived':
      return decideArchive(state, false, event.at);
    case 'structureSet':
      return decideStructure(state, event.structure);
    case 'rulesSet':
      return decideRules(state, event.rules);
    case 'phaseChanged': {
      const decision = decideTransition(state, event.to);
      if (decision.ok && event.from !== state.phase) {
        return problem(
          'BAD_TRANSITION',
          { from: state.phase, to: event.to, recorded: event.from },
          `the phase changed from ${event.from} to ${event.to} according to the log, but the forum was in ${state.phase}`,
        );
      }
      return decision;
    }
    case 'participantJoined':
      if (event.channel !== undefined) {
        return decideInPersonJoin(state, {
          staffId: event.by ?? '',
          personId: event.personId ?? '',
          participantId: event.participantId,
          tokenHash: event.tokenHash,
          channel: event.channel,
          at: event.at,
          ...recordedEIdKey(state, event),
        });
      }
      return event.personId === undefined ? decideJoined(state, event) : decidePersonJoined(state, event);
    case 'participantRenamed':
      return decideRename(state, event.participantId, event.name);
    case 'ideaSubmitted':
      if (state.ideas.has(event.ideaId)) {
        return problem('BAD_INPUT', { field: 'ideaId' }, `${what(state, event)} under an id another idea already has`);
      }
      if (event.source === 'paper') {
        const input = { ...event, paperAuthor: event.paperAuthor ?? '' };
        return actorFinding(state, event, event.by, event.priorityCode) ?? decidePaperIdea(state, input, event.ideaId, event.at, event.by ?? FACILITATOR);
      }
      return decideSubmitIdea(state, event.authorId, event, event.ideaId, event.at);
    case 'ideaEdited': {
      const idea = state.ideas.get(event.ideaId);
      if (!idea) return refuse('IDEA_NOT_FOUND');
      if (event.by === 'author') return decideEditIdea(state, idea.authorId, event.ideaId, event, event.at);
      if (event.by === 'facilitator') {
        return actorFinding(state, event, event.actor, idea.priorityCode) ?? stamp(decideCorrectIdea(state, event.ideaId, event, event.at, false), 'actor', event.actor);
      }
      return problem('BAD_INPUT', { field: 'by' }, `idea ${short(event.ideaId)} was edited by "${String(event.by)}", who is neither its author nor a facilitator`);
    }
    case 'ideaWithdrawn': {
      const idea = state.ideas.get(event.ideaId);
      if (!idea) return refuse('IDEA_NOT_FOUND');
      return decideWithdrawIdea(state, idea.authorId, event.ideaId);
    }
    case 'ideaHidden':
      return actorFinding(state, event, event.by, state.ideas.get(event.ideaId)?.priorityCode) ?? stamp(decideHideIdea(state, event.ideaId, event.reason, event.at), 'by', event.by);
    case 'ideaRestored':
      return actorFinding(state, event, event.by, state.ideas.get(event.ideaId)?.priorityCode) ?? stamp(decideRestoreIdea(state, event.ideaId, event.at, event.reinstated !== undefined), 'by', event.by);
    case 'dotPlaced':
      return decidePlaceDot(state, event.participantId, event.ideaId);
    case 'dotRemoved':
      return decideRemoveDot(state, event.participantId, event.ideaId);
    case 'priorityRevealed':
      return decideReveal(state, event.priorityCode);
    case 'admissionSet':
      return decideAdmissionMode(state, event.mode);
    case 'addressCapSet':
      return decideAddressCap(state, event.max);
    case 'attendanceSet':
      return decideExpectedAttendance(state, event.expected);
    case 'joiningPaused':
      return (event.burst && burstFinding(state, event.burst)) || decidePauseJoining(state, event.at, event.burst);
    case 'joiningResumed':
      return decideResumeJoining(state, event.at);
    case 'ticketsIssued': {
      const ids = event.tickets.map((t) => t.id);
      const taken = ids.find((id, i) => state.tickets.has(id) || ids.indexOf(id) !== i);
      if (taken !== undefined) return problem('BAD_INPUT', { field: 'ticketId' }, `batch ${event.batch} of tickets gives ticket id ${short(taken)} a second time`);
      return decideIssueTickets(state, event.tickets.map((t) => t.code), ids, event.at);
    }
    case 'ticketReleased': {
      const ticket = state.tickets.get(event.ticketId);
      if (!ticket) return refuse('TICKET_NOT_FOUND');
      return decideReleaseTicket(state, ticket.code, event.at);
    }
    case 'ballotMoved':
      return decideMoved(state, event);
    case 'identitySet':
      return decideIdentityMethod(state, event.method, event.at, event.key);
    case 'voterCodesIssued':
      return decideIssueVoterCodes(state, event.count, event.at);
    case 'eligibleListed':
      return decideListEntries(state, event.entries, event.at);
    case 'deviceLinked': {
      const decision = decidePersonJoin(state, { personId: event.personId, participantId: event.participantId, tokenHash: event.tokenHash, name: '', at: event.at, ...recordedEIdKey(state, event) });
      if (decision.ok && decision.value[0]?.type !== 'deviceLinked') {
        return problem('BAD_INPUT', { field: 'personId' }, `${what(state, event)}, but that person held no ballot then`);
      }
      return decision;
    }
    case 'participantVoided':
      return decideVoid(state, event.participantId, event.reason, event.at);
    case 'participantsVoided':
      return decideVoidedMany(state, event);
    case 'displaySet':
      return decideDisplay(state, event.display);
    case 'resultsTopSet':
      return decideResultsTop(state, event.top);
    case 'resultsPublished':
      return decidePublishResults(state, event.published, event.at);
    case 'ideasMerged':
      if (state.merges.has(event.mergeId)) return problem('BAD_INPUT', { field: 'mergeId' }, `${what(state, event)} under an id another merge already has`);
      return actorFinding(state, event, event.by, state.ideas.get(event.into)?.priorityCode) ?? decideMerge(state, event.into, event.ideas, event.mergeId, event.at, event.by);
    case 'mergeUndone': {
      const merge = state.merges.get(event.mergeId);
      return actorFinding(state, event, event.by, merge && state.ideas.get(merge.into)?.priorityCode) ?? decideUndoMerge(state, event.mergeId, event.at, event.by);
    }
    case 'paperDotsSet':
      // No ballots ever stated: a log from before paper ballots were counted, judged as it was then.
      return (
        actorFinding(state, event, event.by, state.ideas.get(event.ideaId)?.priorityCode) ??
        decidePaperDots(state, event.ideaId, event.count, event.at, event.by, state.paperBallots !== null)
      );
    case 'paperBallotsSet':
      return decidePaperBallots(state, event.count, event.at);
    case 'hostInvited':
      return decideInviteHost(state, event.hostId, event.name, event.scope, event.secretHash, event.at, event.point);
    case 'hostRevoked':
      return decideRevokeHost(state, event.hostId, event.at);
    case 'timerSet': {
      // A new timer ends its duration after it was set; an extension moves the running one's end.
      if (event.endsAt === event.at + event.durationMs) return decideTimer(state, event.durationMs, event.at);
      if (!state.timer) return problem('BAD_INPUT', { field: 'endsAt' }, `${what(state, event)}, but it ends at another time than its duration says and no timer was running to extend`);
      return decideExtendTimer(state, event.endsAt - state.timer.endsAt, event.at);
    }
    case 'timerCleared':
      return decideTimer(state, null, event.at);
    case 'wordListSet':
      return decideWordList(state, event.words);
    case 'cityVoteSet':
      return decideSetCityVote(state, cityVoteInput(event.vote), event.at);
    case 'personsAnonymised':
      return decideAnonymise(state, event.by, event.at);
    case 'cityBallotCast':
      if (event.ballot === null) return decideWithdrawCityBallot(state, event.participantId, event.budgetId, event.at);
      if (event.receiptHash === null) return problem('BAD_INPUT', { field: 'receiptHash' }, `${what(state, event)} without the hash of its receipt`);
      if (event.channel !== undefined) {
        return decideInPersonCast(state, {
          staffId: event.by ?? '',
          participantId: event.participantId,
          channel: event.channel,
          ...(event.document !== undefined ? { document: event.document } : {}),
          ballot: event.ballot,
          receiptHash: event.receiptHash,
          at: event.at,
        });
      }
      return decideCastCityBallot(state, event.participantId, event.ballot, event.receiptHash, event.at);
    default: {
      everyCaseHandled(event);
      const type = (event as { type?: unknown }).type;
      return problem('BAD_INPUT', { reason: 'unknownType' }, `"${String(type)}" is not an event this version of Viche knows`);
    }
  }
}

/**
 * A step a host took (the log names them in `by` or `actor`): the host must have been invited, not
 * revoked since, and hold the priority acted on, as the server checks before the rule. The
 * facilitator's steps name nobody, or `facilitator` where the rule itself records who.
 */
function actorFinding(state: ForumState, event: ForumEvent, by: Actor | undefined, priorityCode: string | undefined): Finding | null {
  if (by === undefined || by === FACILITATOR) return null;
  const host = state.hosts.get(by);
  if (!host) return problem('HOST_NOT_FOUND', { hostId: by }, `${what(state, event)} by host ${short(by)}, who was never invited`);
  if (host.revoked) return problem('FORBIDDEN', { hostId: by }, `${what(state, event)} by host ${short(by)}, whose invitation had been revoked`);
  if (priorityCode !== undefined && !hostMayAct(state, by, priorityCode)) {
    return problem('OUT_OF_SCOPE', { scope: host.scope ?? '', priority: priorityCode }, `${what(state, event)} by host ${short(by)}, who hosts priority ${host.scope}, not ${priorityCode}`);
  }
  return null;
}

/** The rule's event as the server stores a host's step: with the host named in `field`. */
function stamp(decision: Decision<ForumEvent[]>, field: 'by' | 'actor', by: Actor | undefined): Decision<ForumEvent[]> {
  if (!decision.ok || by === undefined || by === FACILITATOR) return decision;
  return { ok: true, value: decision.value.map((e, i) => (i === 0 ? ({ ...e, [field]: by } as ForumEvent) : e)) };
}

/**
 * A join cannot be decided again in full: the hall's code depended on the time and a secret, and
 * the per-address cap on the server's settings until the console set one. What the log does show
 * is checked by decideJoin itself, given the code the server must have accepted: the fixed code,
 * the hall's (taken as valid), or the ticket's; and the cap when the console set it.
 */
function decideJoined(state: ForumState, event: Extract<ForumEvent, { type: 'participantJoined' }>): Decision<ForumEvent[]> | Finding {
  const p = short(event.participantId);
  if (state.phase === 'closed') return refuse('WRONG_PHASE', { phase: state.phase });
  const holder = state.participantsByToken.get(event.tokenHash);
  if (holder !== undefined) {
    return problem('ALREADY_JOINED', { participantId: holder }, `participant ${p} joined with a device token that participant ${short(holder)} already held`);
  }
  if (state.participants.has(event.participantId)) {
    return problem('ALREADY_JOINED', { participantId: event.participantId }, `participant ${p} joined a second time under the same id`);
  }
  let code = state.joinCode;
  if (event.ticketId !== undefined) {
    const ticket = state.tickets.get(event.ticketId);
    if (!ticket) return problem('TICKET_NOT_FOUND', { ticketId: event.ticketId }, `participant ${p} joined with ticket ${short(event.ticketId)}, which was never issued`);
    if (ticket.participantId) {
      return problem('TICKET_USED', { number: ticket.number }, `participant ${p} joined with ticket ${ticket.number}, which participant ${short(ticket.participantId)} had already used`);
    }
    if (state.admission !== 'tickets') {
      return problem('WRONG_CODE', { admission: state.admission }, `participant ${p} joined with ticket ${ticket.number} while the forum admitted by ${state.admission} code, not by tickets`);
    }
    code = ticket.code;
  } else if (state.admission === 'tickets') {
    return problem('WRONG_CODE', { admission: state.admission }, `participant ${p} joined without a ticket while the forum admitted only by tickets`);
  }
  return decideJoin(state, {
    code,
    hallCodeValid: true,
    name: event.name,
    participantId: event.participantId,
    tokenHash: event.tokenHash,
    at: event.at,
    address: event.address,
    addressCap: state.maxPerAddress ?? 0,
  });
}

/**
 * A burst's figures came from the server's clock, but the joins it counted are in the log: at
 * least that many participants joined within its window, from no more addresses than joins.
 */
function burstFinding(state: ForumState, burst: NonNullable<Extract<ForumEvent, { type: 'joiningPaused' }>['burst']>): Finding | null {
  let joined = 0;
  for (const p of state.participants.values()) if (p.joinedAt >= burst.from && p.joinedAt <= burst.to) joined++;
  if (burst.from <= burst.to && burst.addresses <= burst.joins && joined >= burst.joins) return null;
  return problem('BAD_INPUT', { field: 'burst' }, `joining was paused for a burst of ${burst.joins} joins, but ${joined} participants joined within its window`);
}

/**
 * The same window and range chose these participants then, so they choose the same ones now. A
 * forum file carries no addresses (forums/transfer.ts), so there a range chooses no one: what can
 * still be checked is that each participant listed was there to void, and joined within the window.
 */
function decideVoidedMany(state: ForumState, event: Extract<ForumEvent, { type: 'participantsVoided' }>): Decision<ForumEvent[]> | Finding {
  const window = event.window ? { window: event.window } : {};
  const addressesKnown = event.participantIds.every((id) => (state.participants.get(id)?.address ?? '') !== '');
  if (!event.range || addressesKnown) return decideVoidMany(state, { ...window, ...(event.range ? { range: event.range } : {}) }, event.reason, event.at);
  const within = decideVoidMany(state, { window: event.window ?? { from: 0, to: Number.MAX_SAFE_INTEGER } }, event.reason, event.at);
  if (!within.ok) return within;
  const first = within.value[0];
  const candidates = new Set(first.type === 'participantsVoided' ? first.participantIds : []);
  const stray = event.participantIds.find((id, i) => !candidates.has(id) || event.participantIds.indexOf(id) !== i);
  if (stray === undefined) return { ok: true, value: [event] };
  return problem('BAD_INPUT', { field: 'participantIds' }, `${what(state, event)}, but participant ${short(stray)} was not there to void within the window chosen`);
}

/**
 * A person's first ballot: the proof needed the server's key, so what is checked is what the log
 * shows: a vote with a way of proving who one is, and a person who held no ballot yet.
 */
function decidePersonJoined(state: ForumState, event: Extract<ForumEvent, { type: 'participantJoined' }>): Decision<ForumEvent[]> | Finding {
  if (state.participants.has(event.participantId)) {
    return problem('ALREADY_JOINED', { participantId: event.participantId }, `participant ${short(event.participantId)} joined a second time under the same id`);
  }
  const decision = decidePersonJoin(state, {
    personId: event.personId ?? '',
    participantId: event.participantId,
    tokenHash: event.tokenHash,
    name: event.name,
    at: event.at,
    address: event.address,
    ...recordedEIdKey(state, event),
  });
  if (decision.ok && decision.value[0]?.type !== 'participantJoined') {
    return problem('ALREADY_JOINED', {}, `participant ${short(event.participantId)} joined as a person who already held a ballot`);
  }
  return decision;
}

/**
 * The e-ID key the server that wrote this event keyed persons by, as far as the log shows: the key
 * the event records (the vote's first e-ID person), else the one recorded before. The key itself
 * needs no server to judge: a later person under another key than the first is refused here too.
 */
function recordedEIdKey(state: ForumState, event: Extract<ForumEvent, { type: 'participantJoined' | 'deviceLinked' }>): { eIdKey?: string } {
  const key = (event.type === 'participantJoined' ? event.eIdKey : undefined) ?? state.persons.eIdKey;
  return key === null ? {} : { eIdKey: key };
}

/** A released ticket presented by a new device: decideJoin again, with that ticket's code. */
function decideMoved(state: ForumState, event: Extract<ForumEvent, { type: 'ballotMoved' }>): Decision<ForumEvent[]> | Finding {
  const ticket = state.tickets.get(event.ticketId);
  if (!ticket) return problem('TICKET_NOT_FOUND', { ticketId: event.ticketId }, `participant ${short(event.participantId)}'s ballot moved with ticket ${short(event.ticketId)}, which was never issued`);
  if (!ticket.participantId) return refuse('TICKET_NOT_USED');
  if (state.admission !== 'tickets') {
    return problem('WRONG_CODE', { admission: state.admission }, `participant ${short(event.participantId)}'s ballot moved with ticket ${ticket.number} while the forum admitted by ${state.admission} code, not by tickets`);
  }
  return decideJoin(state, { code: ticket.code, name: '', participantId: event.participantId, tokenHash: event.tokenHash, at: event.at, address: event.address });
}

// ---------------------------------------------------------------- details

/** Ids are UUIDs: their first characters are enough to find them, and keep a line readable. */
function short(id: unknown): string {
  const s = String(id);
  return s.length > 12 ? `${s.slice(0, 8)}…` : s;
}

export function ordinal(n: number): string {
  const teen = n % 100 >= 11 && n % 100 <= 13;
  const suffix = teen ? 'th' : ({ 1: 'st', 2: 'nd', 3: 'rd' } as Record<number, string>)[n % 10] ?? 'th';
  return `${n}${suffix}`;
}

/** What the event records, as the start of a sentence. */
function what(state: ForumState, event: ForumEvent): string {
  switch (event.type) {
    case 'forumCreated':
      return 'the forum was created';
    case 'ideaImported':
      return `shortlisted idea ${short(event.ideaId)} was brought in`;
    case 'forumArchived':
      return 'the forum was archived';
    case 'forumUnarchived':
      return 'the forum was taken out of the archive';
    case 'structureSet':
      return 'the priority tree was replaced';
    case 'rulesSet':
      return 'the rules were changed';
    case 'phaseChanged':
      return `the phase changed from ${event.from} to ${event.to}`;
    case 'participantJoined':
      return `participant ${short(event.participantId)} joined`;
    case 'participantRenamed':
      return `participant ${short(event.participantId)} was renamed`;
    case 'ideaSubmitted':
      return event.source === 'paper'
        ? `paper card ${short(event.ideaId)} was typed in`
        : `participant ${short(event.authorId)} submitted idea ${short(event.ideaId)}`;
    case 'ideaEdited':
      return event.by === 'facilitator' ? `a facilitator corrected idea ${short(event.ideaId)}` : `the author edited idea ${short(event.ideaId)}`;
    case 'ideaWithdrawn':
      return `idea ${short(event.ideaId)} was withdrawn`;
    case 'ideaHidden':
      return `idea ${short(event.ideaId)} was hidden`;
    case 'ideaRestored':
      return `idea ${short(event.ideaId)} was restored`;
    case 'dotPlaced':
      return `participant ${short(event.participantId)} placed a dot on idea ${short(event.ideaId)}`;
    case 'dotRemoved':
      return `participant ${short(event.participantId)} took a dot off idea ${short(event.ideaId)}`;
    case 'priorityRevealed':
      return `priority ${event.priorityCode} was revealed`;
    case 'admissionSet':
      return `admission was set to ${event.mode}`;
    case 'addressCapSet':
      return `the cap per address was set to ${event.max}`;
    case 'attendanceSet':
      return `the expected attendance was set to ${event.expected}`;
    case 'joiningPaused':
      return event.burst ? `joining was paused after a burst of ${event.burst.joins} joins` : 'joining was paused';
    case 'joiningResumed':
      return 'joining was resumed';
    case 'ticketsIssued':
      return `batch ${event.batch} of ${event.tickets.length} tickets was issued`;
    case 'ticketReleased':
      return `ticket ${state.tickets.get(event.ticketId)?.number ?? short(event.ticketId)} was released`;
    case 'ballotMoved':
      return `participant ${short(event.participantId)}'s ballot moved to another device`;
    case 'identitySet':
      return event.method ? `the vote was set to have people prove who they are by ${event.method}` : 'the vote was set to take devices as ballots';
    case 'voterCodesIssued':
      return `batch ${event.batch} of ${event.count} voter codes was issued`;
    case 'eligibleListed':
      return `${event.entries.length} entries were added to the eligibility list`;
    case 'deviceLinked':
      return `participant ${short(event.participantId)} proved who they are on another device`;
    case 'personsAnonymised':
      return `the vote's personal data was deleted${event.by === 'retention' ? ' when its retention date passed' : ''}`;
    case 'participantVoided':
      return `participant ${short(event.participantId)} was voided`;
    case 'participantsVoided':
      return `${event.participantIds.length} participants were voided together`;
    case 'displaySet':
      return `the projector was set to ${event.display.slide === 'priority' ? `priority ${event.display.priorityCode}` : `the ${event.display.slide} slide`}`;
    case 'resultsTopSet':
      return `the projector's chart was set to the top ${event.top}`;
    case 'resultsPublished':
      return event.published ? 'the public results page was published' : 'the public results page was taken down';
    case 'ideasMerged':
      return `idea${event.ideas.length === 1 ? '' : 's'} ${event.ideas.map(short).join(', ')} ${event.ideas.length === 1 ? 'was' : 'were'} merged into idea ${short(event.into)}`;
    case 'mergeUndone':
      return `merge ${short(event.mergeId)} was undone`;
    case 'paperDotsSet':
      return `the paper stickers on idea ${short(event.ideaId)} were set to ${event.count}`;
    case 'paperBallotsSet':
      return `the paper ballots handed out were set to ${event.count}`;
    case 'hostInvited':
      return `host ${short(event.hostId)} was invited`;
    case 'hostRevoked':
      return `host ${short(event.hostId)}'s invitation was revoked`;
    case 'timerSet':
      return `a timer of ${Math.round(event.durationMs / 60_000)} min was set`;
    case 'timerCleared':
      return 'the timer was cleared';
    case 'wordListSet':
      return 'the word list was replaced';
    case 'cityVoteSet':
      return 'the city vote was defined';
    case 'cityBallotCast':
      if (event.channel) return `staff ${short(event.by)} cast a ${event.channel} ballot for participant ${short(event.participantId)} in budget ${event.budgetId}`;
      return `participant ${short(event.participantId)} ${event.ballot ? 'cast' : 'withdrew'} a city ballot in budget ${event.budgetId}`;
    default:
      everyCaseHandled(event);
      return `a "${String((event as { type?: unknown }).type)}" event was recorded`;
  }
}

/** The phases in which each kind of event may happen, for a WRONG_PHASE sentence. */
const ALLOWED_IN: Partial<Record<ForumEvent['type'], string>> = {
  structureSet: 'only in the lobby',
  rulesSet: 'only in the lobby',
  admissionSet: 'only in the lobby',
  ideaSubmitted: 'only in the ideas phase',
  ideaEdited: 'only while ideas are open (or under review and voting, by a facilitator)',
  ideaWithdrawn: 'only in the ideas phase',
  ideaHidden: 'only in ideas, review or voting',
  ideaRestored: 'only in ideas, review or voting',
  dotPlaced: 'only in voting',
  dotRemoved: 'only in voting',
  priorityRevealed: 'only in results',
  participantJoined: 'in any phase but closed',
  ballotMoved: 'in any phase but closed',
  deviceLinked: 'in any phase but closed',
  identitySet: 'in any phase but closed, before anyone holds a ballot',
  voterCodesIssued: 'in any phase but closed',
  eligibleListed: 'in any phase but closed',
  addressCapSet: 'in any phase but closed',
  attendanceSet: 'in any phase but closed',
  joiningPaused: 'in any phase but closed',
  ticketsIssued: 'in any phase but closed',
  ticketReleased: 'in any phase but closed',
  participantVoided: 'only until the first priority is revealed',
  participantsVoided: 'only until the first priority is revealed',
  ideasMerged: 'only in review or voting',
  mergeUndone: 'only in review or voting',
  paperDotsSet: 'only in results',
  paperBallotsSet: 'in any phase but closed',
  resultsPublished: 'only in results or closed',
  hostInvited: 'in any phase but closed',
  timerSet: 'in any phase but closed',
  timerCleared: 'in any phase but closed',
  cityBallotCast: 'only in voting',
  personsAnonymised: 'only in results or closed',
};

function describeSafely(state: ForumState, event: ForumEvent, error: RuleError): string {
  try {
    return describe(state, event, error);
  } catch {
    return `the rules refuse this ${String((event as { type?: unknown } | null)?.type)} event with ${error.code}`;
  }
}

/** The sentence for a refusal no check above worded itself: what happened, and why the rules say no. */
function describe(state: ForumState, event: ForumEvent, error: RuleError): string {
  const p = (error.params ?? {}) as Record<string, string | number | undefined>;
  const participantId = 'participantId' in event ? event.participantId : event.type === 'ideaSubmitted' ? event.authorId : undefined;
  const ideaId = 'ideaId' in event ? event.ideaId : undefined;
  const idea = ideaId ? state.ideas.get(ideaId) : undefined;
  switch (error.code) {
    case 'BUDGET_EXCEEDED':
      if (event.type === 'dotPlaced' && idea) {
        const spent = dotsSpent(state, event.participantId, idea.priorityCode);
        return `participant ${short(event.participantId)} placed a ${ordinal(spent + 1)} dot in priority ${idea.priorityCode}, whose budget is ${p.budget}`;
      }
      break;
    case 'CAP_EXCEEDED':
      if (event.type === 'dotPlaced') {
        const onIdea = state.dots.get(event.participantId)?.get(event.ideaId) ?? 0;
        return `participant ${short(event.participantId)} placed a ${ordinal(onIdea + 1)} dot on idea ${short(event.ideaId)}, over the cap of ${p.max} dots on one idea`;
      }
      break;
    case 'BAD_TRANSITION': {
      const from = String(p.from) as Phase;
      const next = transitionsOf(state)[from]?.length ? transitionsOf(state)[from].join(' or ') : 'nothing';
      return `${what(state, event)}, but ${from} can move only to ${next}`;
    }
    case 'PROTOCOL_MISMATCH':
    case 'BAD_INPUT':
    case 'FORBIDDEN':
    case 'NOT_JOINED':
    case 'ALREADY_JOINED':
    case 'WRONG_CODE':
    case 'INVALID_TOKEN':
    case 'WRONG_PHASE':
    case 'IDEA_LIMIT':
    case 'IDEA_NOT_FOUND':
    case 'NOT_AUTHOR':
    case 'IDEA_NOT_ACTIVE':
    case 'IDEA_NOT_HIDDEN':
    case 'IDEA_UNCHANGED':
    case 'HIDE_CONFIRM':
    case 'TEXT_REQUIRED':
    case 'TEXT_TOO_LONG':
    case 'UNKNOWN_PRIORITY':
    case 'UNKNOWN_GOAL':
    case 'NO_DOT_TO_REMOVE':
    case 'ALREADY_REVEALED':
    case 'MERGE_ACROSS_PRIORITIES':
    case 'IDEA_HAS_MERGED':
    case 'MERGE_NOT_FOUND':
    case 'MERGE_NOT_UNDOABLE':
    case 'HOST_NOT_FOUND':
    case 'PAPER_NO_BALLOTS':
    case 'PAPER_IDEA_OVER_BALLOTS':
    case 'PAPER_PRIORITY_OVER_BALLOTS':
    case 'PAPER_BALLOTS_BELOW':
    case 'OUT_OF_SCOPE':
    case 'NOT_REVEALED':
    case 'NOTHING_REVEALED':
    case 'RESULTS_NOT_PUBLISHED':
    case 'BAD_STRUCTURE':
    case 'ARCHIVED':
    case 'NOT_ARCHIVED':
    case 'FORUM_NOT_FOUND':
    case 'FORUM_ELSEWHERE':
    case 'TITLE_MISMATCH':
    case 'FORUM_EXISTS':
    case 'BAD_FORUM_FILE':
    case 'BAD_SHORTLIST':
    case 'RATE_LIMITED':
    case 'CODE_EXPIRED':
    case 'TICKET_USED':
    case 'TICKET_NOT_FOUND':
    case 'TICKET_NOT_USED':
    case 'TICKET_LIMIT':
    case 'ADDRESS_LIMIT':
    case 'IDENTITY_REQUIRED':
    case 'IDENTITY_LOCKED':
    case 'WRONG_VOTER_CODE':
    case 'IDENTITY_LIMIT':
    case 'NOT_LISTED':
    case 'LIST_ROW_EMPTY':
    case 'BAD_CONTACT':
    case 'ONE_TIME_CODE_WRONG':
    case 'ONE_TIME_CODE_EXPIRED':
    case 'CODE_NOT_SENT':
    case 'SENDER_MISSING':
    case 'IDENTITY_KEY_ELSEWHERE':
    case 'EID_SETTING_CHANGED':
    case 'SIGN_IN_EXPIRED':
    case 'SIGN_IN_FAILED':
    case 'AWAITING_APPROVAL':
    case 'JOIN_REFUSED':
    case 'WAITING_FULL':
    case 'CONNECTION_HAS_BALLOT':
    case 'WAITING_NOT_FOUND':
    case 'NONE_SELECTED':
    case 'CONNECTION_LIMIT':
    case 'VOIDED':
    case 'ALREADY_VOIDED':
    case 'RESULTS_SHOWN':
    case 'ACTION_ID_REUSED':
    case 'GRANT_EXPIRED':
    case 'GRANT_REVOKED':
    case 'GRANT_INVALID':
    case 'GRANT_NOT_HERE':
    case 'CITY_NO_VOTE':
    case 'CITY_VOTE_OPEN':
    case 'CITY_DEFINITION_CHANGED':
    case 'CITY_REFUSED':
    case 'CITY_NO_BALLOT':
    case 'CITY_RECEIPT_USED':
    case 'CITY_CHANNEL_TAKEN':
    case 'CITY_ALREADY_VOTED':
    case 'STAFF_PROOF_KIND':
    case 'CITY_BALLOTS_ONLY':
    case 'CITY_NOT_CLOSED':
    case 'RECEIPT_NOT_FOUND':
    case 'PERSONS_ANONYMISED':
    case 'STORAGE_UNAVAILABLE':
    case 'INTERNAL':
    case 'TIMEOUT':
      break;
    default:
      everyCaseHandled(error.code);
  }
  return `${what(state, event)}, but ${why(state, error, p, participantId, ideaId, event)}`;
}

function why(
  state: ForumState,
  error: RuleError,
  p: Record<string, string | number | undefined>,
  participantId: string | undefined,
  ideaId: string | undefined,
  event: ForumEvent,
): string {
  const who = `participant ${short(participantId ?? '?')}`;
  const idea = `idea ${short(ideaId ?? '?')}`;
  switch (error.code) {
    case 'WRONG_PHASE': {
      const allowed = event.type === 'ideaSubmitted' && event.source === 'paper' ? 'only in ideas or review' : ALLOWED_IN[event.type];
      return `the forum was in ${p.phase}${allowed ? `, and that is allowed ${allowed}` : ''}`;
    }
    case 'NOT_JOINED':
      return `${who} had not joined`;
    case 'VOIDED':
      return `${who} had been voided`;
    case 'ALREADY_VOIDED':
      return `${who} had already been voided`;
    case 'IDEA_NOT_FOUND':
      return `${idea} did not exist or had been withdrawn`;
    case 'IDEA_NOT_ACTIVE':
      return `${idea} was hidden or merged`;
    case 'MERGE_ACROSS_PRIORITIES':
      return 'the ideas were in different priorities';
    case 'MERGE_NOT_FOUND':
      return 'there was no such merge, or it had been undone';
    case 'MERGE_NOT_UNDOABLE':
      return 'the idea they were merged into had since been merged again or hidden';
    case 'HOST_NOT_FOUND':
      return 'no such host was invited';
    case 'IDEA_NOT_HIDDEN':
      return `${idea} was not hidden`;
    case 'NOT_AUTHOR':
      return `${who} is not its author`;
    case 'IDEA_LIMIT':
      return `${who} already had ${p.limit} ideas, the most allowed`;
    case 'NO_DOT_TO_REMOVE':
      return `${who} had no dot on ${idea}`;
    case 'TEXT_REQUIRED':
      return `its ${p.field} was empty`;
    case 'TEXT_TOO_LONG':
      return `its ${p.field} was ${p.length} characters long, over the limit of ${p.max}`;
    case 'UNKNOWN_PRIORITY':
      return `there is no priority ${p.code}`;
    case 'UNKNOWN_GOAL':
      return `priority ${p.priority} has no goal ${p.code}`;
    case 'ALREADY_REVEALED':
      return 'that priority had already been revealed';
    case 'PAPER_NO_BALLOTS':
      return 'no paper ballots had been stated as handed out';
    case 'PAPER_IDEA_OVER_BALLOTS':
      return `${p.ballots} paper ballots allow at most ${p.max} stickers on one idea`;
    case 'PAPER_PRIORITY_OVER_BALLOTS':
      return `${p.ballots} paper ballots allow at most ${p.max} stickers in the priority, and ${p.left} were left`;
    case 'PAPER_BALLOTS_BELOW':
      return `the stickers already entered needed at least ${p.min} ballots`;
    case 'NOTHING_REVEALED':
      return 'no priority had been revealed yet';
    case 'BAD_STRUCTURE':
      return `the tree is not valid (${p.reason}${p.code ? ` ${p.code}` : ''})`;
    case 'ALREADY_JOINED':
      return 'that device already held a ballot';
    case 'ADDRESS_LIMIT':
      return `its address already had ${p.max} participants, the cap the console set`;
    case 'WRONG_CODE':
      return 'it presented no code the forum accepted';
    case 'TICKET_USED':
      return 'the ticket was in use and had not been released';
    case 'TICKET_NOT_FOUND':
      return 'no such ticket was issued';
    case 'TICKET_NOT_USED':
      return 'nobody had used that ticket yet';
    case 'TICKET_LIMIT':
      return `the forum may hold at most ${p.max} tickets`;
    case 'IDENTITY_REQUIRED':
      return 'the vote had no way set for people to prove who they are';
    case 'IDENTITY_LOCKED':
      return `${p.count} participants already held ballots`;
    case 'IDENTITY_LIMIT':
      return `the vote may hold at most ${p.max} of them`;
    case 'WRONG_VOTER_CODE':
    case 'NOT_LISTED':
    case 'LIST_ROW_EMPTY':
    case 'BAD_CONTACT':
    case 'ONE_TIME_CODE_WRONG':
    case 'ONE_TIME_CODE_EXPIRED':
    case 'CODE_NOT_SENT':
    case 'SENDER_MISSING':
    case 'IDENTITY_KEY_ELSEWHERE':
    case 'SIGN_IN_EXPIRED':
    case 'SIGN_IN_FAILED':
      return 'its proof of who they are did not match';
    case 'EID_SETTING_CHANGED':
      return `its e-ID person was keyed by ${p.now ? `the claim ${p.now}` : 'the provider\'s subject'}, where the vote's first e-ID person was keyed by ${p.began ? `the claim ${p.began}` : 'the provider\'s subject'}`;
    case 'BAD_INPUT':
      return `its ${p.field ?? 'content'} is not valid`;
    case 'PROTOCOL_MISMATCH':
    case 'FORBIDDEN':
    case 'INVALID_TOKEN':
    case 'BAD_TRANSITION':
    case 'IDEA_UNCHANGED':
    case 'HIDE_CONFIRM':
    case 'BUDGET_EXCEEDED':
    case 'CAP_EXCEEDED':
    case 'IDEA_HAS_MERGED':
    case 'OUT_OF_SCOPE':
    case 'NOT_REVEALED':
    case 'RESULTS_NOT_PUBLISHED':
    case 'ARCHIVED':
    case 'NOT_ARCHIVED':
    case 'FORUM_NOT_FOUND':
    case 'FORUM_ELSEWHERE':
    case 'TITLE_MISMATCH':
    case 'FORUM_EXISTS':
    case 'BAD_FORUM_FILE':
    case 'BAD_SHORTLIST':
    case 'RATE_LIMITED':
    case 'CODE_EXPIRED':
    case 'AWAITING_APPROVAL':
    case 'JOIN_REFUSED':
    case 'WAITING_FULL':
    case 'CONNECTION_HAS_BALLOT':
    case 'WAITING_NOT_FOUND':
    case 'NONE_SELECTED':
    case 'CONNECTION_LIMIT':
    case 'RESULTS_SHOWN':
    case 'ACTION_ID_REUSED':
    case 'GRANT_EXPIRED':
    case 'GRANT_REVOKED':
    case 'GRANT_INVALID':
    case 'GRANT_NOT_HERE':
    case 'CITY_NO_VOTE':
    case 'CITY_VOTE_OPEN':
    case 'CITY_DEFINITION_CHANGED':
    case 'CITY_REFUSED':
    case 'CITY_NO_BALLOT':
    case 'CITY_RECEIPT_USED':
    case 'CITY_CHANNEL_TAKEN':
    case 'CITY_ALREADY_VOTED':
    case 'STAFF_PROOF_KIND':
    case 'CITY_BALLOTS_ONLY':
    case 'CITY_NOT_CLOSED':
    case 'RECEIPT_NOT_FOUND':
    case 'PERSONS_ANONYMISED':
    case 'STORAGE_UNAVAILABLE':
    case 'INTERNAL':
    case 'TIMEOUT':
      return `the rules refuse it with ${error.code} in ${state.phase}`;
    default:
      everyCaseHandled(error.code);
      return `the rules refuse it with ${error.code} in ${state.phase}`;
  }
}
