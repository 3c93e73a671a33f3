// participant:join: a device asks for a ballot. A token that is already a participant gets that
// participant back (a reload, a second tab) without any code. A new device, on a connection that
// holds no ballot and waits for none, must pass the forum's admission: the hall's current code, an
// unused ticket, or the fixed code; and the per-address cap.
// Attempts are limited per address, wrong codes more strictly, and only where they come from (the
// connection, and the address while the per-address cap is on): somebody else's wrong guesses never
// refuse a right code, so a guessing script cannot lock the hall out. A right code past the hall's
// expected attendance, or while joining is paused, waits for the facilitator.

import { randomUUID } from 'node:crypto';
import { decideJoin } from '../../../shared/forum/admission.js';
import { hashToken, Refusal } from '../../forum/room.js';
import { fullBucket, take, type Verdict } from '../../realtime/limits.js';
import { defineHandler, type HandlerContext } from '../define.js';
import { gateJoin, waitOn } from './approval.js';

/** Whether this connection, and its address while addresses mean devices, may still try a code. */
function mayTryCode(ctx: HandlerContext, now: number): Verdict {
  const { admission, limits } = ctx.services;
  const own = ctx.session.wrongCodes;
  if (own) {
    const left = take({ ...own }, limits.settings.wrongCodesPerConnection, now);
    if (!left.ok) return left;
  }
  if (ctx.session.address && admission.maxPerAddress() > 0) return limits.wrongCodes.peek(ctx.session.address, now);
  return { ok: true };
}

/** Counts a wrong code against the connection and, while the cap is on, its address; then refuses. */
function wrongCode(ctx: HandlerContext, code: 'WRONG_CODE' | 'CODE_EXPIRED', now: number): never {
  const { admission, limits } = ctx.services;
  admission.refused('wrongCode', now);
  ctx.session.wrongCodes ??= fullBucket(limits.settings.wrongCodesPerConnection, now);
  take(ctx.session.wrongCodes, limits.settings.wrongCodesPerConnection, now);
  if (ctx.session.address && admission.maxPerAddress() > 0) limits.wrongCodes.take(ctx.session.address, now);
  throw new Refusal({ code });
}

export const join = defineHandler({
  name: 'participant:join',
  run(ctx, { code, name, token }) {
    const state = ctx.room.state;
    const { admission, limits } = ctx.services;
    const tokenHash = hashToken(token);
    const known = state.participantsByToken.get(tokenHash);
    if (known) {
      const p = state.participants.get(known)!;
      if (p.voided) throw new Refusal({ code: 'VOIDED', params: { reason: p.voided.reason } });
      if (ctx.session.participantId !== known) ctx.bindParticipant(known);
      return { me: ctx.me() };
    }
    const queued = admission.waitingFor(tokenHash);
    if (queued) waitOn(ctx, queued);
    if (admission.wasRefused(tokenHash)) throw new Refusal({ code: 'JOIN_REFUSED' });
    // One connection, one device: a page sends the token it was given for good, so a new token on a
    // connection that already holds a ballot, or waits for one, is a script making identities
    // without paying for a connection (and its limits) each.
    if (ctx.session.participantId || ctx.session.waitingFor) throw new Refusal({ code: 'CONNECTION_HAS_BALLOT' });
    // In a city vote a ballot is a person's: a device gets one only by proving who (person:prove).
    if (state.persons.method) throw new Refusal({ code: 'IDENTITY_REQUIRED' });

    ctx.limitAddress(limits.joins);
    // Once a connection (or its address) has used up its wrong codes, even a right guess from it is
    // refused until it has waited: that is what makes guessing slow where it comes from.
    const now = ctx.now();
    const waiting = mayTryCode(ctx, now);
    if (!waiting.ok) {
      admission.refused('rateLimited', now);
      throw new Refusal({ code: 'RATE_LIMITED', params: { seconds: waiting.retryAfter } });
    }

    let hallCodeValid = false;
    if (state.admission === 'hall') {
      const check = admission.checkHallCode(code, now);
      if (check !== 'valid') wrongCode(ctx, check === 'expired' ? 'CODE_EXPIRED' : 'WRONG_CODE', now);
      hallCodeValid = true;
    }
    const decision = decideJoin(state, {
      code,
      name: name ?? '',
      participantId: randomUUID(),
      tokenHash,
      at: now,
      address: ctx.session.address,
      addressCap: admission.maxPerAddress(),
      hallCodeValid,
    });
    if (!decision.ok) {
      if (decision.error.code === 'WRONG_CODE') wrongCode(ctx, 'WRONG_CODE', now);
      if (decision.error.code === 'ADDRESS_LIMIT') admission.refused('addressLimit');
      throw new Refusal(decision.error);
    }
    const [event] = decision.value;
    if (event.type !== 'participantJoined' && event.type !== 'ballotMoved') throw new Error(`unexpected ${event.type}`);
    if (event.type === 'participantJoined') gateJoin(ctx, event, code, hallCodeValid);
    ctx.commit(decision.value);
    if (event.type === 'participantJoined') admission.joined(now, event.address ?? '');
    if (event.type === 'ballotMoved') ctx.services.evict(event.participantId);
    ctx.bindParticipant(event.participantId);
    return { me: ctx.me() };
  },
});
