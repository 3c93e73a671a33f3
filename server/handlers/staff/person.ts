// What staff typed about a resident they check in person, turned into the person id an online proof
// of the same resident gives (forum/persons.ts), so that one person has one ballot in whichever
// channel: the voter code from their letter where the vote is by codes; the listed number and
// second fact, checked against the list, where it is by the list; where persons prove who they are
// by e-mail or SMS, the address or number with the one-time code sent to it, which the resident
// reads from their own phone; in an e-ID vote, the register number (РНОКПП) the provider gives,
// typed from the resident's card, or where the provider gives none (OIDC_PERSON_CLAIM unset), the
// identity document's number, hashed as a listed number is (such ids meet only other in-person
// ones: the README says what that leaves open).

import type { StaffProof, StaffProofKind } from '../../../shared/protocol.js';
import { eIdKeyHeld, voterCodesIssued } from '../../../shared/forum/identity.js';
import { CODE_LIFETIME_MS, mailbox, phoneNumber } from '../../forum/oneTimeCodes.js';
import { listNumber } from '../../forum/persons.js';
import { Refusal } from '../../forum/room.js';
import type { HandlerContext } from '../define.js';
import { mayTry, oneTimeCodeRight, wrongProof } from '../person/prove.js';

/** The kind of proof staff type in for this vote's way of proving who one is (`eIdByRegister`: OIDC_PERSON_CLAIM is set). */
export function staffProofKind(method: string | null, eIdByRegister: boolean): StaffProofKind | null {
  switch (method) {
    case null:
      return null;
    case 'codes':
    case 'list':
    case 'email':
    case 'sms':
      return method;
    default:
      return eIdByRegister ? 'register' : 'document';
  }
}

/** Residents proved by a code kept per staff page at once: a desk serves one or two at a time. */
const PROVED_HERE_MAX = 20;

/** Shortest document number taken: shorter ones are typing slips, and would make persons collide. */
const DOCUMENT_NUMBER_MIN = 4;

/**
 * Wrong codes and list entries are slowed as a phone's are (person/prove.ts): per connection, per
 * address and, for the list, per listed number, so a staff link that fell into other hands cannot
 * work through the list's second facts any faster than a phone could.
 */
export function staffPerson(ctx: HandlerContext, proof: StaffProof): string {
  const state = ctx.room.state;
  const expected = staffProofKind(state.persons.method, Boolean(ctx.services.admission.signIn?.personClaim));
  if (expected === null) throw new Refusal({ code: 'IDENTITY_REQUIRED' });
  // Before the kind of proof is asked: under another OIDC_PERSON_CLAIM than the vote began with,
  // whatever staff type names other persons than the residents' e-ID sign-ins did.
  const keyHeld = eIdKeyHeld(state, ctx.services.admission.eIdKey());
  if (!keyHeld.ok) throw new Refusal(keyHeld.error);
  if (proof.method !== expected) throw new Refusal({ code: 'STAFF_PROOF_KIND', params: { expected } });
  const keys = ctx.services.admission.personKeysHere();
  const now = ctx.now();
  switch (proof.method) {
    case 'codes': {
      mayTry(ctx, now, null);
      const serial = keys.readVoterCode(proof.code);
      if (serial === null || serial > voterCodesIssued(state)) wrongProof(ctx, 'WRONG_VOTER_CODE', now, null);
      return keys.codePerson(serial);
    }
    case 'list': {
      const personId = keys.listPerson(proof.number);
      mayTry(ctx, now, personId);
      if (!state.persons.listed.has(keys.listEntry(proof.number, proof.fact))) wrongProof(ctx, 'NOT_LISTED', now, personId);
      return personId;
    }
    case 'email':
    case 'sms': {
      const to = proof.method === 'email' ? mailbox(proof.to) : phoneNumber(proof.to);
      if (!to) throw new Refusal({ code: 'BAD_CONTACT', params: { method: proof.method } });
      const personId = keys.contactPerson(proof.method, to);
      const proved = (ctx.session.provedHere ??= new Map());
      const until = proved.get(personId);
      if (until !== undefined && now <= until) return personId;
      mayTry(ctx, now, personId);
      oneTimeCodeRight(ctx, personId, proof.code, now);
      proved.delete(personId);
      if (proved.size >= PROVED_HERE_MAX) proved.delete(proved.keys().next().value!);
      proved.set(personId, now + CODE_LIFETIME_MS);
      return personId;
    }
    case 'register':
      if (listNumber(proof.number).length < DOCUMENT_NUMBER_MIN) throw new Refusal({ code: 'BAD_INPUT', params: { field: 'number' } });
      return keys.registerPerson(proof.number);
    case 'document':
      if (listNumber(proof.number).length < DOCUMENT_NUMBER_MIN) throw new Refusal({ code: 'BAD_INPUT', params: { field: 'number' } });
      return keys.listPerson(proof.number);
  }
}

/** The staff member this connection is: refused when their access was revoked meanwhile. */
export function staffId(ctx: HandlerContext): string {
  const id = ctx.session.role === 'staff' ? ctx.session.hostId : undefined;
  const host = id === undefined ? undefined : ctx.room.state.hosts.get(id);
  if (!id || !host || host.revoked || host.point === undefined) throw new Refusal({ code: 'FORBIDDEN' });
  return id;
}
