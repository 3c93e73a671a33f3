// Every event of a forum file, checked field by field before the log is replayed: the file comes
// from outside (a laptop, a USB stick, anyone with the key), so it is held to what a live command
// may carry. The shape of each event is fixed here (no unknown fields, ids and codes of the forms
// the server makes, times and counts in range, colours #rrggbb only, texts no longer than a live
// command's); what the rules would have written differently (a title full of zero-width spaces, a
// tree not as normalizeStructure keeps it) is refused with the event's number and the field.
// The replay (shared/forum/verify.ts) then asks the rule that decides each event whether it could
// have been decided, and compares what that rule would have recorded, field by field.
// Pure: runs in the import's worker thread (fileWorker.ts).

import { z } from 'zod';
import { CHECKED_DOCUMENTS, IN_PERSON_CHANNELS } from '../../shared/city/channels.js';
import { cityBallotSchema, cityVoteSchema } from '../../shared/city/schema.js';
import { everyCaseHandled } from '../../shared/exhaustive.js';
import { checkLine, checkText, normalizeStructure } from '../../shared/forum/rules.js';
import { EID_KEY, KEY_FINGERPRINT, KEYED_HASH, LIST_ENTRIES_MAX, LIST_ENTRY, LIST_ENTRIES_PER_BATCH, VOTER_CODES_MAX, VOTER_CODES_PER_BATCH } from '../../shared/forum/identity.js';
import { keptByEarlierRules } from '../../shared/forum/text.js';
import { ADMISSION_MODES, IDENTITY_METHODS, LIMITS, PAPER_BALLOTS_MAX, PAPER_DOTS_MAX, PHASES, RESULTS_TOP_MAX, TICKET_CODE_DIGITS, TIMER_MAX_MS, type ForumEvent } from '../../shared/forum/types.js';

/** Ids as the server makes them (UUIDs; tests use short ones). */
const id = z.string().regex(/^[A-Za-z0-9_.:-]{1,64}$/);
/** A priority's or goal's code, as normalizeStructure allows it. */
const code = z.string().min(1).max(LIMITS.code * 4);
/** A typed text: at most four UTF-16 units per allowed character, as shared/protocol.ts bounds a command. */
const text = (max: number) => z.string().max(max * 4);
const time = z.number().int().min(0).max(8_640_000_000_000_000);
const count = (max: number) => z.number().int().min(0).max(max);
/** A device token's or an invitation's hash (SHA-256, hex), or the stand-in of a file that carries none. */
export const SECRET_HASH = /^([0-9a-f]{64}|moved-\d{1,7})$/;
const secretHash = z.string().regex(SECRET_HASH);
/** A person id or an eligibility-list entry: HMAC-SHA256 under a key no file carries, hex. */
const keyedHash = z.string().regex(KEYED_HASH);
const actor = z.union([z.literal('facilitator'), id]);
const color = z.string().regex(/^#[0-9a-fA-F]{6}$/);
const origin = z.strictObject({ forumId: id, forumTitle: text(LIMITS.vision), ideaId: id });
const structure = z.strictObject({
  vision: text(LIMITS.vision),
  priorities: z
    .array(
      z.strictObject({
        code,
        title: text(LIMITS.priorityTitle),
        subtitle: text(LIMITS.prioritySubtitle),
        color,
        goals: z
          .array(
            z.strictObject({
              code,
              title: text(LIMITS.goalTitle),
              tasks: z.array(z.strictObject({ title: text(LIMITS.goalTitle), origin: origin.optional() })).max(LIMITS.tasksPerGoal).optional(),
              origin: origin.optional(),
            }),
          )
          .max(LIMITS.goalsPerPriority),
      }),
    )
    .max(LIMITS.priorities),
});
const rules = z.strictObject({ ideasPerParticipant: count(LIMITS.ideasPerParticipantMax), dotsPerPriority: count(LIMITS.dotsPerPriorityMax), maxDotsPerIdea: count(LIMITS.dotsPerPriorityMax) });
const phase = z.enum(PHASES);
/** A merge moves at most every dot of an idea: bounded by the participants a file can hold. */
const dotMoves = z.array(z.strictObject({ participantId: id, ideaId: id, count: count(LIMITS.dotsPerPriorityMax) })).max(100_000);
const address = z.string().max(64);
const ideaText = { title: text(LIMITS.title), description: text(LIMITS.description), place: text(LIMITS.place) };

const eventSchema = z.discriminatedUnion('type', [
  z.strictObject({
    type: z.literal('forumCreated'),
    id,
    title: text(LIMITS.vision),
    joinCode: z.string().regex(/^\d{6}$/),
    structure,
    rules,
    at: time,
    admission: z.enum(ADMISSION_MODES).optional(),
    titled: z.boolean().optional(),
    voteOnly: z.boolean().optional(),
    basedOn: z.strictObject({ forumId: id, title: text(LIMITS.vision) }).optional(),
  }),
  z.strictObject({ type: z.literal('ideaImported'), ideaId: id, priorityCode: code, goalCode: code.nullable(), ...ideaText, author: text(LIMITS.name), origin, at: time }),
  z.strictObject({ type: z.literal('forumArchived'), at: time }),
  z.strictObject({ type: z.literal('forumUnarchived'), at: time }),
  z.strictObject({ type: z.literal('structureSet'), structure }),
  z.strictObject({ type: z.literal('rulesSet'), rules }),
  z.strictObject({ type: z.literal('phaseChanged'), from: phase, to: phase }),
  z.strictObject({ type: z.literal('participantJoined'), participantId: id, tokenHash: secretHash, name: text(LIMITS.name), at: time, address: address.optional(), ticketId: id.optional(), personId: keyedHash.optional(), channel: z.enum(IN_PERSON_CHANNELS).optional(), by: id.optional(), eIdKey: z.string().regex(EID_KEY).optional() }),
  z.strictObject({ type: z.literal('participantRenamed'), participantId: id, name: text(LIMITS.name) }),
  z.strictObject({
    type: z.literal('ideaSubmitted'),
    ideaId: id,
    authorId: z.union([z.literal(''), id]),
    priorityCode: code,
    goalCode: code.nullable(),
    ...ideaText,
    at: time,
    source: z.literal('paper').optional(),
    paperAuthor: text(LIMITS.name).optional(),
    by: actor.optional(),
  }),
  z.strictObject({ type: z.literal('ideaEdited'), ideaId: id, goalCode: code.nullable(), ...ideaText, by: z.enum(['author', 'facilitator']), at: time, actor: actor.optional() }),
  z.strictObject({ type: z.literal('ideaWithdrawn'), ideaId: id }),
  z.strictObject({ type: z.literal('ideaHidden'), ideaId: id, reason: text(LIMITS.reason), at: time, by: actor.optional() }),
  z.strictObject({ type: z.literal('ideaRestored'), ideaId: id, at: time, by: actor.optional(), reinstated: dotMoves.optional() }),
  z.strictObject({ type: z.literal('dotPlaced'), participantId: id, ideaId: id }),
  z.strictObject({ type: z.literal('dotRemoved'), participantId: id, ideaId: id }),
  z.strictObject({ type: z.literal('priorityRevealed'), priorityCode: code }),
  z.strictObject({
    type: z.literal('displaySet'),
    display: z.discriminatedUnion('slide', [
      z.strictObject({ slide: z.literal('auto') }),
      z.strictObject({ slide: z.literal('priority'), priorityCode: code }),
      z.strictObject({ slide: z.literal('final') }),
      z.strictObject({ slide: z.literal('join') }),
    ]),
  }),
  z.strictObject({ type: z.literal('resultsTopSet'), top: count(RESULTS_TOP_MAX) }),
  z.strictObject({ type: z.literal('resultsPublished'), published: z.boolean(), at: time }),
  z.strictObject({ type: z.literal('admissionSet'), mode: z.enum(ADMISSION_MODES) }),
  z.strictObject({ type: z.literal('addressCapSet'), max: count(LIMITS.maxPerAddress) }),
  z.strictObject({ type: z.literal('attendanceSet'), expected: count(LIMITS.expectedAttendance) }),
  z.strictObject({ type: z.literal('joiningPaused'), at: time, burst: z.strictObject({ from: time, to: time, joins: count(1_000_000), addresses: count(1_000_000) }).optional() }),
  z.strictObject({ type: z.literal('joiningResumed'), at: time }),
  z.strictObject({
    type: z.literal('ticketsIssued'),
    batch: count(LIMITS.tickets),
    tickets: z.array(z.strictObject({ id, code: z.string().regex(new RegExp(`^\\d{6,${Math.max(20, TICKET_CODE_DIGITS)}}$`)), number: count(LIMITS.tickets) })).max(LIMITS.ticketsPerBatch),
    at: time,
  }),
  z.strictObject({ type: z.literal('ticketReleased'), ticketId: id, at: time }),
  z.strictObject({ type: z.literal('ballotMoved'), participantId: id, ticketId: id, tokenHash: secretHash, address, at: time }),
  z.strictObject({ type: z.literal('participantVoided'), participantId: id, reason: text(LIMITS.reason), at: time }),
  z.strictObject({
    type: z.literal('participantsVoided'),
    participantIds: z.array(id).max(1_000_000),
    reason: text(LIMITS.reason),
    at: time,
    window: z.strictObject({ from: time, to: time }).optional(),
    range: z.string().max(64).optional(),
  }),
  z.strictObject({ type: z.literal('ideasMerged'), mergeId: id, into: id, ideas: z.array(id).max(1000), moved: dotMoves, refunded: dotMoves, at: time, by: actor }),
  z.strictObject({ type: z.literal('mergeUndone'), mergeId: id, restored: dotMoves, reinstated: dotMoves, at: time, by: actor }),
  z.strictObject({ type: z.literal('paperDotsSet'), ideaId: id, count: count(PAPER_DOTS_MAX), at: time, by: actor }),
  z.strictObject({ type: z.literal('paperBallotsSet'), count: count(PAPER_BALLOTS_MAX), at: time }),
  z.strictObject({ type: z.literal('hostInvited'), hostId: id, name: text(LIMITS.name), scope: code.nullable(), secretHash, at: time, point: text(LIMITS.place).optional() }),
  z.strictObject({ type: z.literal('hostRevoked'), hostId: id, at: time }),
  z.strictObject({ type: z.literal('timerSet'), phase, endsAt: time, durationMs: count(TIMER_MAX_MS), at: time }),
  z.strictObject({ type: z.literal('timerCleared'), at: time }),
  z.strictObject({ type: z.literal('wordListSet'), words: z.array(z.string().max(160)).max(1000) }),
  z.strictObject({ type: z.literal('cityVoteSet'), vote: cityVoteSchema, at: time }),
  z.strictObject({
    type: z.literal('cityBallotCast'),
    participantId: id,
    budgetId: z.string().max(64),
    ballot: cityBallotSchema.nullable(),
    receiptHash: z.string().regex(/^[0-9a-f]{64}$/).nullable(),
    at: time,
    channel: z.enum(IN_PERSON_CHANNELS).optional(),
    by: id.optional(),
    document: z.enum(CHECKED_DOCUMENTS).optional(),
  }),
  z.strictObject({ type: z.literal('identitySet'), method: z.enum(IDENTITY_METHODS).nullable(), at: time, key: z.string().regex(KEY_FINGERPRINT).optional() }),
  z.strictObject({ type: z.literal('voterCodesIssued'), batch: count(VOTER_CODES_MAX), first: count(VOTER_CODES_MAX), count: count(VOTER_CODES_PER_BATCH), at: time }),
  z.strictObject({ type: z.literal('eligibleListed'), batch: count(LIST_ENTRIES_MAX), entries: z.array(z.string().regex(LIST_ENTRY)).max(LIST_ENTRIES_PER_BATCH), at: time }),
  z.strictObject({ type: z.literal('deviceLinked'), participantId: id, personId: keyedHash, tokenHash: secretHash, at: time }),
  z.strictObject({ type: z.literal('personsAnonymised'), at: time, by: z.enum(['facilitator', 'retention']) }),
]);

/** Every kind of event has its shape here: one the server can write that a file could not carry fails to compile. */
type Unchecked = Exclude<ForumEvent['type'], z.infer<typeof eventSchema>['type']>;
const everyEventChecked: [Unchecked] extends [never] ? true : Unchecked = true;
void everyEventChecked;

export interface FieldProblem {
  /** The field at fault, as a path: `structure.priorities.0.color`. */
  field: string;
  detail: string;
}

/**
 * The event's shape, and the texts the rules check only when a live command writes them (the forum's
 * title and tree at creation, a shortlisted idea's texts): a problem naming the field, or null.
 */
export function checkFileEvent(event: unknown): FieldProblem | null {
  const parsed = eventSchema.safeParse(event);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const field = issue.path.map(String).join('.') || 'type';
    return { field, detail: `its field "${field}" is not valid (${issue.message})` };
  }
  const e = parsed.data as ForumEvent;
  switch (e.type) {
    case 'forumCreated': {
      const title = checkLine('forumTitle', e.title, LIMITS.vision, true);
      if (!title.ok || !keptByEarlierRules(title.value, e.title)) return textProblem('title', title);
      if (e.basedOn) {
        const based = checkLine('forumTitle', e.basedOn.title, LIMITS.vision, false);
        if (!based.ok || !keptByEarlierRules(based.value, e.basedOn.title)) return textProblem('basedOn.title', based);
      }
      return treeProblem(e.structure);
    }
    case 'structureSet':
      return treeProblem(e.structure);
    case 'ideaImported': {
      const fields = [
        ['title', checkLine('title', e.title, LIMITS.title, true)],
        ['description', checkText('description', e.description, LIMITS.description, false)],
        ['place', checkLine('place', e.place, LIMITS.place, false)],
        ['author', checkLine('name', e.author, LIMITS.name, false)],
        ['origin.forumTitle', checkLine('forumTitle', e.origin.forumTitle, LIMITS.vision, false)],
      ] as const;
      const raw = { title: e.title, description: e.description, place: e.place, author: e.author, 'origin.forumTitle': e.origin.forumTitle };
      for (const [field, check] of fields) if (!check.ok || !keptByEarlierRules(check.value, raw[field])) return textProblem(field, check);
      return null;
    }
    case 'forumArchived':
    case 'forumUnarchived':
    case 'rulesSet':
    case 'phaseChanged':
    case 'participantJoined':
    case 'participantRenamed':
    case 'ideaSubmitted':
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
    case 'ticketsIssued':
    case 'ticketReleased':
    case 'ballotMoved':
    case 'participantVoided':
    case 'participantsVoided':
    case 'ideasMerged':
    case 'mergeUndone':
    case 'paperDotsSet':
    case 'paperBallotsSet':
    case 'hostInvited':
    case 'hostRevoked':
    case 'timerSet':
    case 'timerCleared':
    case 'wordListSet':
    case 'cityVoteSet':
    case 'cityBallotCast':
    case 'identitySet':
    case 'voterCodesIssued':
    case 'eligibleListed':
    case 'deviceLinked':
    case 'personsAnonymised':
      return null;
    default:
      everyCaseHandled(e);
      return null;
  }
}

function textProblem(field: string, check: ReturnType<typeof checkLine>): FieldProblem {
  if (!check.ok) return { field, detail: `its field "${field}" is refused by the rules (${check.error.code})` };
  return { field, detail: `its field "${field}" is not as the rules keep it (invisible or control characters, or extra spaces)` };
}

/** The tree as normalizeStructure keeps it, or the first place where it is not. */
function treeProblem(tree: ForumEvent & { type: 'structureSet' } extends { structure: infer S } ? S : never): FieldProblem | null {
  const normal = normalizeStructure(tree);
  if (!normal.ok) return { field: 'structure', detail: `its field "structure" is refused by the rules (${normal.error.code}${normal.error.params?.field ? ` ${normal.error.params.field}` : ''}${normal.error.params?.code ? ` ${normal.error.params.code}` : ''})` };
  const where = firstDifference(normal.value, tree, 'structure');
  return where ? { field: where, detail: `its field "${where}" is not as the rules keep it (invisible or control characters, extra spaces, or a colour's case)` } : null;
}

function firstDifference(a: unknown, b: unknown, path: string): string | null {
  if (a === b || (typeof a === 'string' && typeof b === 'string' && keptByEarlierRules(a, b))) return null;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return path;
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  for (const k of keys) {
    const d = firstDifference((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], `${path}.${k}`);
    if (d) return d;
  }
  return null;
}
