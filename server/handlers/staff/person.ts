// What staff typed about a resident they check in person, turned into the person id an online proof
// of the same resident gives (forum/persons.ts), so that one person has one ballot in whichever
// channel: the voter code from their letter where the vote is by codes; the listed number and
// second fact, checked against the list, where it is by the list; and where persons prove who they
// are by e-mail, SMS or e-ID, the identity document's number, hashed as a listed number is (such
// ids meet only other in-person ones: the README says what that leaves open).

import type { StaffProof } from '../../../shared/protocol.js';
import { voterCodesIssued } from '../../../shared/forum/identity.js';
import { listNumber } from '../../forum/persons.js';
import { Refusal } from '../../forum/room.js';
import type { HandlerContext } from '../define.js';
import { mayTry, wrongProof } from '../person/prove.js';

/** The kind of proof staff type in for this vote's way of proving who one is. */
export function staffProofKind(method: string | null): 'codes' | 'list' | 'document' | null {
  if (method === null) return null;
  return method === 'codes' ? 'codes' : method === 'list' ? 'list' : 'document';
}

/** Shortest document number taken: shorter ones are typing slips, and would make persons collide. */
const DOCUMENT_NUMBER_MIN = 4;

/**
 * Wrong codes and list entries are slowed as a phone's are (person/prove.ts): per connection, per
 * address and, for the list, per listed number, so a staff link that fell into other hands cannot
 * work through the list's second facts any faster than a phone could.
 */
export function staffPerson(ctx: HandlerContext, proof: StaffProof): string {
  const state = ctx.room.state;
  const expected = staffProofKind(state.persons.method);
  if (expected === null) throw new Refusal({ code: 'IDENTITY_REQUIRED' });
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
