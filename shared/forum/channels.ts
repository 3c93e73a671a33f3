// The in-person channels of a city vote as rules over the forum's state: a service point's staff
// (a host invited with a point's name) check a resident's document in person and cast the ballot
// the resident fills there, or type in a ballot filled on paper. The server turns what staff typed
// into the same keyed person id an online proof gives (server/handlers/staff), so one person has
// one ballot whatever the channel: a ballot is bound to the channel of its first cast. Online
// voters may change their ballot until the close (city.ts); a service-point or paper ballot is
// final, one per person and budget, and that person's phone can neither change it nor take it up.

import type { CheckedDocument, InPersonChannel } from '../city/channels.js';
import { checkBallot } from '../city/checkBallot.js';
import { receiptGiven, refuseCityRule, standingCasts, voterChannel } from './city.js';
import { accept, refuse, type Decision } from './errors.js';
import { eIdKeyHeld, eIdKeyRecorded, KEYED_HASH } from './identity.js';
import type { ForumEvent, ForumState, Host } from './types.js';

/** Whether `staffId` is a service point's staff whose access still stands. */
export function staffOf(state: ForumState, staffId: string): Decision<Host & { point: string }> {
  const host = state.hosts.get(staffId);
  if (!host || host.revoked || host.point === undefined) return refuse('FORBIDDEN');
  return accept(host as Host & { point: string });
}

/** What staff may do at all now: a city vote open, whose persons prove who they are. */
function mayServe(state: ForumState, staffId: string): Decision<null> {
  if (state.archived) return refuse('ARCHIVED');
  const staff = staffOf(state, staffId);
  if (!staff.ok) return staff;
  if (!state.city.vote) return refuse('CITY_NO_VOTE');
  if (state.phase !== 'voting') return refuse('WRONG_PHASE', { phase: state.phase });
  if (!state.persons.method) return refuse('IDENTITY_REQUIRED');
  return accept(null);
}

/**
 * Whether this person may vote in `channel` now, and the budgets they already voted in there.
 * Refused when they voted in another channel (online included), or were voided; in an e-ID vote,
 * when this server keys e-ID persons otherwise than the vote began with (`eIdKey`: identity.ts).
 */
export function decideInPersonCheck(
  state: ForumState,
  staffId: string,
  personId: string,
  channel: InPersonChannel,
  eIdKey?: string,
): Decision<{ participantId: string | null; voted: string[] }> {
  const may = mayServe(state, staffId);
  if (!may.ok) return may;
  const keyHeld = eIdKeyHeld(state, eIdKey);
  if (!keyHeld.ok) return keyHeld;
  if (!KEYED_HASH.test(personId)) return refuse('BAD_INPUT', { field: 'personId' });
  const held = state.persons.byPerson.get(personId);
  if (held === undefined) return accept({ participantId: null, voted: [] });
  const holder = state.participants.get(held);
  if (holder?.voided) return refuse('VOIDED', { reason: holder.voided.reason });
  // Proved on a phone but never voted: not yet bound to a channel, so the service point may serve them.
  const bound = voterChannel(state, held);
  if (bound !== null && bound !== channel) return refuse('CITY_CHANNEL_TAKEN', { channel: bound });
  return accept({ participantId: held, voted: [...standingCasts(state, held).keys()] });
}

export interface InPersonJoin {
  staffId: string;
  personId: string;
  participantId: string;
  /** A hash no device's token has: nobody joins with it, and it keeps the participants' index whole. */
  tokenHash: string;
  channel: InPersonChannel;
  at: number;
  /** In an e-ID vote, what this server keys e-ID persons by (identity.ts, EID_KEY). */
  eIdKey?: string;
}

/** A resident checked in person who never proved who they are online: a ballot held by no device. */
export function decideInPersonJoin(state: ForumState, req: InPersonJoin): Decision<ForumEvent[]> {
  const check = decideInPersonCheck(state, req.staffId, req.personId, req.channel, req.eIdKey);
  if (!check.ok) return check;
  if (check.value.participantId !== null || state.participants.has(req.participantId) || state.participantsByToken.has(req.tokenHash)) {
    return refuse('ALREADY_JOINED');
  }
  return accept([
    {
      type: 'participantJoined',
      participantId: req.participantId,
      tokenHash: req.tokenHash,
      name: '',
      at: req.at,
      personId: req.personId,
      channel: req.channel,
      by: req.staffId,
      ...eIdKeyRecorded(state, req.eIdKey),
    },
  ]);
}

export interface InPersonCast {
  staffId: string;
  participantId: string;
  channel: InPersonChannel;
  /** At a service point, the kind of document staff checked; a paper ballot's identity comes on the paper. */
  document?: CheckedDocument;
  ballot: unknown;
  receiptHash: string;
  at: number;
}

/** A ballot staff cast for a participant (who exists by now): final, once per budget, in one channel. */
export function decideInPersonCast(state: ForumState, req: InPersonCast): Decision<ForumEvent[]> {
  const may = mayServe(state, req.staffId);
  if (!may.ok) return may;
  const participant = state.participants.get(req.participantId);
  if (!participant) return refuse('NOT_JOINED');
  if (participant.voided) return refuse('VOIDED', { reason: participant.voided.reason });
  const bound = voterChannel(state, req.participantId);
  if (bound !== null && bound !== req.channel) return refuse('CITY_CHANNEL_TAKEN', { channel: bound });
  if ((req.channel === 'service-point') !== (req.document !== undefined)) return refuse('BAD_INPUT', { field: 'document' });
  const checked = checkBallot(state.city.vote!, req.ballot);
  if (!checked.ok) return refuseCityRule(checked.error);
  const ballot = checked.value;
  if (standingCasts(state, req.participantId).has(ballot.budgetId)) return refuse('CITY_ALREADY_VOTED', { budgetId: ballot.budgetId });
  if (receiptGiven(state, req.receiptHash)) return refuse('CITY_RECEIPT_USED');
  return accept([
    {
      type: 'cityBallotCast',
      participantId: req.participantId,
      budgetId: ballot.budgetId,
      ballot,
      receiptHash: req.receiptHash,
      at: req.at,
      channel: req.channel,
      by: req.staffId,
      ...(req.document ? { document: req.document } : {}),
    },
  ]);
}

/**
 * Staff's whole step for one budget: the resident's ballot, joined first when the person holds
 * none. `participantId` and `tokenHash` are used only for a newcomer.
 */
export function decideInPersonBallot(state: ForumState, person: InPersonJoin, cast: Omit<InPersonCast, 'participantId' | 'staffId' | 'channel' | 'at'>): Decision<ForumEvent[]> {
  const check = decideInPersonCheck(state, person.staffId, person.personId, person.channel, person.eIdKey);
  if (!check.ok) return check;
  const common = { staffId: person.staffId, channel: person.channel, at: person.at, ...cast };
  if (check.value.participantId !== null) return decideInPersonCast(state, { ...common, participantId: check.value.participantId });
  const joined = decideInPersonJoin(state, person);
  if (!joined.ok) return joined;
  // The cast is checked as it will be once the join is applied: a newcomer holds nothing, in no channel.
  if ((person.channel === 'service-point') !== (cast.document !== undefined)) return refuse('BAD_INPUT', { field: 'document' });
  const checked = checkBallot(state.city.vote!, cast.ballot);
  if (!checked.ok) return refuseCityRule(checked.error);
  if (receiptGiven(state, cast.receiptHash)) return refuse('CITY_RECEIPT_USED');
  const ballot = checked.value;
  return accept([
    ...joined.value,
    {
      type: 'cityBallotCast',
      participantId: person.participantId,
      budgetId: ballot.budgetId,
      ballot,
      receiptHash: cast.receiptHash,
      at: person.at,
      channel: person.channel,
      by: person.staffId,
      ...(cast.document ? { document: cast.document } : {}),
    },
  ]);
}
