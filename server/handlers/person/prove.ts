// person:prove: in a city vote, a device proves who its person is (a voter code, an entry of the
// eligibility list, or a one-time code sent to an e-mail address or phone number) and gets that person's ballot: a new one the first time, the same one on every
// further device. The proof is turned into a keyed person id here (forum/persons.ts); the rule
// (shared/forum/identity.ts) decides from that id alone.
// No per-address cap: the identity is the defence. Attempts are limited per address (loosely: a
// carrier's address is shared by thousands), wrong proofs per connection, per address and, for the
// list, per listed number, so a second fact cannot be worked through from many addresses.

import { randomUUID } from 'node:crypto';
import { decidePersonJoin, voterCodesIssued } from '../../../shared/forum/identity.js';
import type { ErrorCode } from '../../../shared/forum/errors.js';
import { mailbox, phoneNumber } from '../../forum/oneTimeCodes.js';
import { hashToken, Refusal } from '../../forum/room.js';
import { fullBucket, take, type Verdict } from '../../realtime/limits.js';
import { defineHandler, type HandlerContext } from '../define.js';

function rateLimited(ctx: HandlerContext, verdict: Verdict & { ok: false }): never {
  ctx.services.admission.refused('rateLimited');
  throw new Refusal({ code: 'RATE_LIMITED', params: { seconds: verdict.retryAfter } });
}

/** Whether this connection and its address may still try a proof, and (the list) this identity. Staff's checks (staff/person.ts) too. */
export function mayTry(ctx: HandlerContext, now: number, identity: string | null): void {
  const { limits } = ctx.services;
  const own = ctx.session.wrongCodes;
  if (own) {
    const left = take({ ...own }, limits.settings.wrongCodesPerConnection, now);
    if (!left.ok) rateLimited(ctx, left);
  }
  const address = ctx.session.address;
  if (address) {
    const all = limits.proofs.take(address, now);
    if (!all.ok) rateLimited(ctx, all);
    const wrong = limits.wrongProofs.peek(address, now);
    if (!wrong.ok) rateLimited(ctx, wrong);
  }
  if (identity) {
    const wrong = limits.wrongProofsPerIdentity.peek(identity, now);
    if (!wrong.ok) rateLimited(ctx, wrong);
  }
}

/** Counts a wrong proof where it came from (and against the identity it named), then refuses. */
export function wrongProof(ctx: HandlerContext, code: ErrorCode, now: number, identity: string | null): never {
  const { admission, limits } = ctx.services;
  admission.refused('wrongCode', now);
  ctx.session.wrongCodes ??= fullBucket(limits.settings.wrongCodesPerConnection, now);
  take(ctx.session.wrongCodes, limits.settings.wrongCodesPerConnection, now);
  if (ctx.session.address) limits.wrongProofs.take(ctx.session.address, now);
  if (identity) limits.wrongProofsPerIdentity.take(identity, now);
  throw new Refusal({ code });
}

/** Uses up the one-time code sent to this person's address or number, or refuses it (counted as a wrong proof). */
export function oneTimeCodeRight(ctx: HandlerContext, personId: string, code: string, now: number): void {
  const check = ctx.services.admission.oneTimeCodes.check(personId, code, now);
  if (check === 'failed') throw new Refusal({ code: 'CODE_NOT_SENT' });
  if (check === 'wrong') wrongProof(ctx, 'ONE_TIME_CODE_WRONG', now, personId);
  if (check !== 'right') wrongProof(ctx, 'ONE_TIME_CODE_EXPIRED', now, personId);
}

export const prove = defineHandler({
  name: 'person:prove',
  run(ctx, { token, name, proof }) {
    const state = ctx.room.state;
    const keys = ctx.services.admission.personKeysHere();
    const tokenHash = hashToken(token);
    const known = state.participantsByToken.get(tokenHash);
    if (known) {
      const p = state.participants.get(known)!;
      if (p.voided) throw new Refusal({ code: 'VOIDED', params: { reason: p.voided.reason } });
      if (ctx.session.participantId !== known) ctx.bindParticipant(known);
      return { me: ctx.me() };
    }
    if (ctx.session.participantId || ctx.session.waitingFor) throw new Refusal({ code: 'CONNECTION_HAS_BALLOT' });
    if (state.phase === 'closed') throw new Refusal({ code: 'WRONG_PHASE', params: { phase: state.phase } });
    if (state.persons.anonymised) throw new Refusal({ code: 'PERSONS_ANONYMISED' });
    if (!state.persons.method) throw new Refusal({ code: 'BAD_INPUT', params: { field: 'identity' } });
    if (proof.method !== state.persons.method) throw new Refusal({ code: 'IDENTITY_REQUIRED' });

    const now = ctx.now();
    let personId: string;
    if (proof.method === 'codes') {
      mayTry(ctx, now, null);
      const serial = keys.readVoterCode(proof.code);
      if (serial === null || serial > voterCodesIssued(state)) wrongProof(ctx, 'WRONG_VOTER_CODE', now, null);
      personId = keys.codePerson(serial);
    } else if (proof.method === 'list') {
      personId = keys.listPerson(proof.number);
      mayTry(ctx, now, personId);
      if (!state.persons.listed.has(keys.listEntry(proof.number, proof.fact))) wrongProof(ctx, 'NOT_LISTED', now, personId);
    } else {
      const to = proof.method === 'email' ? mailbox(proof.to) : phoneNumber(proof.to);
      if (!to) throw new Refusal({ code: 'BAD_CONTACT', params: { method: proof.method } });
      personId = keys.contactPerson(proof.method, to);
      mayTry(ctx, now, personId);
      oneTimeCodeRight(ctx, personId, proof.code, now);
    }

    const events = ctx.decide(
      decidePersonJoin(state, { personId, participantId: randomUUID(), tokenHash, name: name ?? '', at: now, address: ctx.session.address }),
    );
    ctx.commit(events);
    const [event] = events;
    if (event.type !== 'participantJoined' && event.type !== 'deviceLinked') throw new Error(`unexpected ${event.type}`);
    if (event.type === 'participantJoined') ctx.services.admission.joined(now, event.address ?? '');
    ctx.bindParticipant(event.participantId);
    return { me: ctx.me() };
  },
});
