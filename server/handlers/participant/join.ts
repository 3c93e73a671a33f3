// participant:join: a device asks for a ballot. A token that is already a participant gets that
// participant back (a reload, a second tab) without any code. A new device must pass the forum's
// admission: the hall's current code, an unused ticket, or the fixed code; and the per-address cap.
// Attempts are limited per address, wrong codes more strictly, so codes cannot be guessed. A right
// code past the hall's expected attendance, or while joining is paused, waits for the facilitator.

import { randomUUID } from 'node:crypto';
import { decideJoin } from '../../../shared/forum/admission.js';
import { hashToken, Refusal } from '../../forum/room.js';
import { defineHandler, type HandlerContext } from '../define.js';
import { gateJoin, waitOn } from './approval.js';

/** Counts a wrong code against the address and the whole server, then refuses. */
function wrongCode(ctx: HandlerContext, code: 'WRONG_CODE' | 'CODE_EXPIRED'): never {
  const { admission, limits } = ctx.services;
  admission.refused('wrongCode');
  limits.wrongCodesOverall.take('all');
  if (ctx.session.address && admission.maxPerAddress() > 0) limits.wrongCodes.take(ctx.session.address);
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

    ctx.limitAddress(limits.joins);
    // Once an address (or the server as a whole) has used up its wrong codes, even a right guess
    // is refused until it has waited: that is what makes guessing hopeless.
    const overall = limits.wrongCodesOverall.peek('all');
    const here = ctx.session.address && admission.maxPerAddress() > 0 ? limits.wrongCodes.peek(ctx.session.address) : { ok: true as const };
    const waiting = !here.ok ? here : !overall.ok ? overall : null;
    if (waiting) {
      admission.refused('rateLimited');
      throw new Refusal({ code: 'RATE_LIMITED', params: { seconds: waiting.retryAfter } });
    }

    const now = ctx.now();
    let hallCodeValid = false;
    if (state.admission === 'hall') {
      const check = admission.checkHallCode(code, now);
      if (check !== 'valid') wrongCode(ctx, check === 'expired' ? 'CODE_EXPIRED' : 'WRONG_CODE');
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
      if (decision.error.code === 'WRONG_CODE') wrongCode(ctx, 'WRONG_CODE');
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
