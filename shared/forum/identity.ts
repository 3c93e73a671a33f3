// Who may vote in a city's vote, as pure rules: the way a person proves who they are (chosen per
// vote), voter codes issued in batches, the eligibility list's entries, and one ballot per person
// across devices. The proofs themselves need the server's key (a code's check digits, a list
// entry's keyed hash, the person id), so the server checks them before these run and gives only
// the keyed person id here; everything that is recorded is decided here.

import { voterChannel } from './city.js';
import { accept, refuse, type Decision } from './errors.js';
import { checkLine } from './rules.js';
import { IDENTITY_METHODS, LIMITS, type AnonymisedBy, type ForumEvent, type ForumState, type IdentityMethod } from './types.js';

/** Most voter codes one batch makes, and one vote holds (serials are 24 bits inside the code). */
export const VOTER_CODES_PER_BATCH = 500_000;
export const VOTER_CODES_MAX = 2 ** 24 - 1;
/** Most eligibility-list entries one upload adds, and one vote holds. */
export const LIST_ENTRIES_PER_BATCH = 200_000;
export const LIST_ENTRIES_MAX = 5_000_000;

/** A keyed hash as the server writes it: HMAC-SHA256, hex. */
export const KEYED_HASH = /^[0-9a-f]{64}$/;
/**
 * An eligibility-list entry: the first 128 bits of its HMAC, hex. Half the bytes of a whole one in
 * the log (a city's list is millions of rows), and no two entries of any real list alike.
 */
export const LIST_ENTRY = /^[0-9a-f]{32}$/;

/**
 * Whether the way people prove who they are can change now: in a vote-only forum, before anyone
 * holds a ballot. Changing it later would leave some ballots tied to a person and some to a device.
 */
export function identityChangeable(state: Pick<ForumState, 'voteOnly' | 'phase' | 'participants'>): boolean {
  return state.voteOnly && state.phase !== 'closed' && state.participants.size === 0;
}

/** A key's fingerprint as the server writes it (persons.ts): 64 bits, hex. */
export const KEY_FINGERPRINT = /^[0-9a-f]{16}$/;

/**
 * What an e-ID person is keyed by, as the log records it: `claim:<name>` when the server takes a
 * register number from the provider's claim of that name (OIDC_PERSON_CLAIM), `subject` when it
 * takes the provider's subject. A claim's name is the provider's: printable ASCII, short.
 */
export const EID_KEY = /^(subject|claim:[\x21-\x7e]{1,64})$/;

/** The e-ID key a server set up with this OIDC_PERSON_CLAIM (null: unset) keys persons by. */
export const eIdKeyOf = (claim: string | null): string => (claim ? `claim:${claim}` : 'subject');

/** The claim an e-ID key names; null for the subject. */
export const claimOfEIdKey = (key: string): string | null => (key.startsWith('claim:') ? key.slice('claim:'.length) : null);

/**
 * Whether a server keying e-ID persons by `key` may take one in this vote. The key is recorded
 * with the vote's first e-ID person (eIdKeyRecorded): before that, changing OIDC_PERSON_CLAIM
 * changes no one; after it, a server keying otherwise would take a resident who signed in before
 * for a new person, with a second ballot, so its e-ID sign-ins and the staff's entries are refused
 * until the setting is restored. A vote whose persons prove who they are another way is not
 * concerned; `key` undefined is a log written before the key was recorded, judged as it was then.
 */
export function eIdKeyHeld(state: Pick<ForumState, 'persons'>, key: string | undefined): Decision<null> {
  if (state.persons.method !== 'oidc' || key === undefined) return accept(null);
  if (!EID_KEY.test(key)) return refuse('BAD_INPUT', { field: 'eIdKey' });
  const began = state.persons.eIdKey;
  if (began !== null && began !== key) return refuse('EID_SETTING_CHANGED', { began: claimOfEIdKey(began) ?? '', now: claimOfEIdKey(key) ?? '' });
  return accept(null);
}

/** What the event of a person's first ballot carries of the e-ID key: the key, when it is the vote's first e-ID person. */
export function eIdKeyRecorded(state: Pick<ForumState, 'persons'>, key: string | undefined): { eIdKey?: string } {
  return state.persons.method === 'oidc' && state.persons.eIdKey === null && key !== undefined ? { eIdKey: key } : {};
}

/** `key`: the fingerprint of the key this server hashes persons under, recorded with a way chosen. */
export function decideIdentityMethod(state: ForumState, method: IdentityMethod | null, at: number, key?: string): Decision<ForumEvent[]> {
  if (!state.voteOnly) return refuse('BAD_INPUT', { field: 'identity' });
  if (state.phase === 'closed') return refuse('WRONG_PHASE', { phase: state.phase });
  if (method !== null && !IDENTITY_METHODS.includes(method)) return refuse('BAD_INPUT', { field: 'identity' });
  if (key !== undefined && !KEY_FINGERPRINT.test(key)) return refuse('BAD_INPUT', { field: 'key' });
  if (state.persons.method === method) return accept([]);
  if (state.participants.size > 0) return refuse('IDENTITY_LOCKED', { count: state.participants.size });
  return accept([{ type: 'identitySet', method, at, ...(method && key ? { key } : {}) }]);
}

/** How many voter codes have been issued: their serials are 1 to this. */
export function voterCodesIssued(state: Pick<ForumState, 'persons'>): number {
  const last = state.persons.codeBatches.at(-1);
  return last ? last.first + last.count - 1 : 0;
}

/** A new batch of voter codes: the next `count` serials. The codes are worked out from them by the server. */
export function decideIssueVoterCodes(state: ForumState, count: number, at: number): Decision<ForumEvent[]> {
  if (!state.voteOnly) return refuse('BAD_INPUT', { field: 'identity' });
  if (state.phase === 'closed') return refuse('WRONG_PHASE', { phase: state.phase });
  if (!Number.isInteger(count) || count < 1 || count > VOTER_CODES_PER_BATCH) return refuse('BAD_INPUT', { field: 'count' });
  const issued = voterCodesIssued(state);
  if (issued + count > VOTER_CODES_MAX) return refuse('IDENTITY_LIMIT', { max: VOTER_CODES_MAX });
  return accept([{ type: 'voterCodesIssued', batch: state.persons.codeBatches.length + 1, first: issued + 1, count, at }]);
}

/** Entries of the eligibility list, as keyed hashes the server made; one already listed is left out by the server. */
export function decideListEntries(state: ForumState, entries: readonly string[], at: number): Decision<ForumEvent[]> {
  if (!state.voteOnly) return refuse('BAD_INPUT', { field: 'identity' });
  if (state.phase === 'closed') return refuse('WRONG_PHASE', { phase: state.phase });
  if (entries.length < 1 || entries.length > LIST_ENTRIES_PER_BATCH) return refuse('BAD_INPUT', { field: 'count' });
  if (state.persons.listed.size + entries.length > LIST_ENTRIES_MAX) return refuse('IDENTITY_LIMIT', { max: LIST_ENTRIES_MAX });
  const seen = new Set<string>();
  for (const entry of entries) {
    if (!LIST_ENTRY.test(entry) || state.persons.listed.has(entry) || seen.has(entry)) return refuse('BAD_INPUT', { field: 'entry' });
    seen.add(entry);
  }
  return accept([{ type: 'eligibleListed', batch: state.persons.listBatches + 1, entries: [...entries], at }]);
}

export interface PersonJoinRequest {
  /** The keyed hash of who the server found the proof to name. */
  personId: string;
  participantId: string;
  tokenHash: string;
  name: string;
  at: number;
  address?: string;
  /** In an e-ID vote, what this server keys e-ID persons by (EID_KEY); see eIdKeyHeld. */
  eIdKey?: string;
}

/**
 * A device that proved a person: their ballot, whichever device they use. A person seen before gets
 * the ballot they hold (`deviceLinked`: this device sees and changes the same ballot); a new person
 * gets a new one. No per-address cap: in a city many honest voters share a carrier's address.
 */
export function decidePersonJoin(state: ForumState, req: PersonJoinRequest): Decision<ForumEvent[]> {
  if (state.phase === 'closed') return refuse('WRONG_PHASE', { phase: state.phase });
  // A proof after the deletion would record a person id again, with nothing to link it to.
  if (state.persons.anonymised) return refuse('PERSONS_ANONYMISED');
  if (!state.persons.method) return refuse('IDENTITY_REQUIRED');
  const keyHeld = eIdKeyHeld(state, req.eIdKey);
  if (!keyHeld.ok) return keyHeld;
  if (!KEYED_HASH.test(req.personId)) return refuse('BAD_INPUT', { field: 'personId' });
  if (state.participantsByToken.has(req.tokenHash)) return refuse('ALREADY_JOINED');
  const held = state.persons.byPerson.get(req.personId);
  if (held !== undefined) {
    const holder = state.participants.get(held);
    if (holder?.voided) return refuse('VOIDED', { reason: holder.voided.reason });
    // Voted at a service point or on paper: that was their ballot, and no phone takes it up.
    const channel = voterChannel(state, held);
    if (channel !== null && channel !== 'online') return refuse('CITY_CHANNEL_TAKEN', { channel });
    return accept([{ type: 'deviceLinked', participantId: held, personId: req.personId, tokenHash: req.tokenHash, at: req.at }]);
  }
  if (state.participants.has(req.participantId)) return refuse('ALREADY_JOINED');
  const name = checkLine('name', req.name, LIMITS.name, false);
  if (!name.ok) return name;
  const address = req.address ?? '';
  return accept([
    {
      type: 'participantJoined',
      participantId: req.participantId,
      tokenHash: req.tokenHash,
      name: name.value,
      at: req.at,
      ...(address ? { address } : {}),
      personId: req.personId,
      ...eIdKeyRecorded(state, req.eIdKey),
    },
  ]);
}

/**
 * Deleting a closed city vote's personal data, by the facilitator or when the retention date the
 * organiser set has passed: only once the vote has closed (its ballots and results stay as
 * published), and once.
 */
export function decideAnonymise(state: ForumState, by: AnonymisedBy, at: number): Decision<ForumEvent[]> {
  if (!state.city.vote) return refuse('CITY_NO_VOTE');
  if (state.phase !== 'results' && state.phase !== 'closed') return refuse('CITY_NOT_CLOSED');
  if (state.persons.anonymised) return refuse('PERSONS_ANONYMISED');
  return accept([{ type: 'personsAnonymised', at, by }]);
}
