// Joins that wait for the facilitator: the gate a join passes after its code was found right (the
// hall full, joining paused, or a burst that pauses it now), and what approving or refusing a
// waiting device does. Shared by participant:join and the admission commands.

import { randomUUID } from 'node:crypto';
import { decideJoin } from '../../../shared/forum/admission.js';
import { decidePauseJoining, joinMustWait } from '../../../shared/forum/attendance.js';
import type { ForumEvent } from '../../../shared/forum/types.js';
import type { Waiting } from '../../forum/admission.js';
import { Refusal } from '../../forum/room.js';
import type { HandlerContext } from '../define.js';

type Joined = Extract<ForumEvent, { type: 'participantJoined' }>;

/** This connection waits on for a device already in the queue (a reload, the Wi-Fi back). */
export function waitOn(ctx: HandlerContext, waiting: Waiting): never {
  ctx.services.awaitApproval(waiting.tokenHash);
  ctx.session.waitingFor = waiting.tokenHash;
  throw new Refusal({ code: 'AWAITING_APPROVAL', params: { why: waiting.why } });
}

/**
 * Lets a join through, or puts the device in the queue and refuses with AWAITING_APPROVAL. A join
 * that makes a burst pauses joining first (one logged event), and waits like every one after it.
 */
export function gateJoin(ctx: HandlerContext, event: Joined, code: string, hallCodeValid: boolean): void {
  const state = ctx.room.state;
  const { admission } = ctx.services;
  if (state.admission === 'tickets') return;
  if (!state.joiningPaused) {
    const burst = admission.burstNow(event.at);
    if (burst) ctx.commit(ctx.decide(decidePauseJoining(state, event.at, burst)));
  }
  const why = joinMustWait(state, admission.expectedAttendance());
  if (!why) return;
  // A waiting device holds a place of its address's cap: approving more than the cap would refuse
  // them anyway, and one address must not fill the queue the hall's latecomers wait in.
  const cap = admission.maxPerAddress();
  const address = event.address ?? '';
  if (cap > 0 && address && (state.participantsByAddress.get(address) ?? 0) + admission.waitingFrom(address) >= cap) {
    admission.refused('addressLimit', event.at);
    throw new Refusal({ code: 'ADDRESS_LIMIT', params: { max: cap } });
  }
  const queued = admission.enqueue({ tokenHash: event.tokenHash, code, hallCodeValid, at: event.at, address: event.address ?? '', name: event.name, why });
  if (!queued) throw new Refusal({ code: 'WAITING_FULL' });
  const waiting = admission.waitingFor(event.tokenHash)!;
  waitOn(ctx, waiting);
}

/**
 * Joins a waiting device as its join would have joined it, without its code asked again. False
 * when the rules now refuse it (the per-address cap reached meanwhile, the forum closed): it is
 * then told it was not admitted. Approved joins are not counted towards a burst: the facilitator chose them.
 */
export function admitWaiting(ctx: HandlerContext, waiting: Waiting): boolean {
  const { admission } = ctx.services;
  const decision = decideJoin(ctx.room.state, {
    code: waiting.code,
    name: waiting.name,
    participantId: randomUUID(),
    tokenHash: waiting.tokenHash,
    at: ctx.now(),
    address: waiting.address,
    addressCap: admission.maxPerAddress(),
    hallCodeValid: waiting.hallCodeValid,
  });
  const event = decision.ok ? decision.value[0] : null;
  if (!event || event.type !== 'participantJoined') {
    refuseWaiting(ctx, waiting);
    return false;
  }
  ctx.commit([event]);
  admission.settle(waiting.tokenHash, false);
  ctx.services.admitWaiting(waiting.tokenHash, event.participantId);
  return true;
}

export function refuseWaiting(ctx: HandlerContext, waiting: Waiting): void {
  ctx.services.admission.settle(waiting.tokenHash, true);
  ctx.services.refuseWaiting(waiting.tokenHash);
}
