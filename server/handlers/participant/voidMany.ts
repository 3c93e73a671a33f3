// participant:previewVoidMany and participant:voidMany: everyone who joined within a time window
// and/or an address range (a burst), first counted (participants, their dots, their ideas, others'
// dots on those), then voided in one step: one event, one entry in the log, one commit.

import { canVoid, voidRefusal } from '../../../shared/forum/admission.js';
import { decideVoidMany, selectJoined, voidImpact, type JoinSelection } from '../../../shared/forum/attendance.js';
import { Refusal } from '../../forum/room.js';
import { defineHandler, type HandlerContext } from '../define.js';

/** A window with one end given runs from the forum's start, or up to now. */
function selection(ctx: HandlerContext, p: { from?: number; to?: number; range?: string }): JoinSelection {
  const window = p.from === undefined && p.to === undefined ? undefined : { from: p.from ?? 0, to: p.to ?? ctx.now() };
  return { ...(window ? { window } : {}), ...(p.range?.trim() ? { range: p.range } : {}) };
}

export const previewVoidMany = defineHandler({
  name: 'participant:previewVoidMany',
  run(ctx, payload) {
    const state = ctx.room.state;
    if (!canVoid(state)) throw new Refusal(voidRefusal(state));
    const chosen = selectJoined(state, selection(ctx, payload));
    if (!chosen.ok) throw new Refusal(chosen.error);
    return voidImpact(state, chosen.value);
  },
});

export const voidMany = defineHandler({
  name: 'participant:voidMany',
  run(ctx, payload) {
    const state = ctx.room.state;
    const events = ctx.decide(decideVoidMany(state, selection(ctx, payload), payload.reason, ctx.now()));
    const first = events[0];
    const impact = voidImpact(state, first.type === 'participantsVoided' ? first.participantIds : []);
    ctx.commit(events);
    return impact;
  },
});
