// participant:previewVoidMany and participant:voidMany: everyone who joined within a time window
// and/or an address range (a burst), first counted (participants, their dots, their ideas, others'
// dots on those), then voided in one step: one event, one entry in the log, one commit.

import { canVoid, voidRefusal } from '../../../shared/forum/admission.js';
import { decideVoidMany, selectJoined, voidPlan, voidPlanInSteps, type JoinSelection } from '../../../shared/forum/attendance.js';
import type { ForumEvent } from '../../../shared/forum/types.js';
import { Refusal } from '../../forum/room.js';
import { defineHandler, type HandlerContext } from '../define.js';

/** A window with one end given runs from the forum's start, or up to now. */
function selection(ctx: HandlerContext, p: { from?: number; to?: number; range?: string }): JoinSelection {
  const window = p.from === undefined && p.to === undefined ? undefined : { from: p.from ?? 0, to: p.to ?? ctx.now() };
  return { ...(window ? { window } : {}), ...(p.range?.trim() ? { range: p.range } : {}) };
}

const BALLOTS_PER_TURN = 1000;

export const previewVoidMany = defineHandler({
  name: 'participant:previewVoidMany',
  async run(ctx, payload) {
    const state = ctx.room.state;
    if (!canVoid(state)) throw new Refusal(voidRefusal(state));
    const chosen = selectJoined(state, selection(ctx, payload));
    if (!chosen.ok) throw new Refusal(chosen.error);
    // Counted as the void itself counts, a thousand ballots a turn: the others' dots on 64 authors'
    // ideas, counted over every ballot in one turn, held the loop 24 ms of CPU (scripts/stalls.ts).
    const plan = await ctx.inTurns(() => voidPlanInSteps(ctx.room.state, chosen.value, BALLOTS_PER_TURN));
    return plan.impact;
  },
});

export const voidMany = defineHandler({
  name: 'participant:voidMany',
  async run(ctx, payload) {
    const decided = () => ctx.decide(decideVoidMany(ctx.room.state, selection(ctx, payload), payload.reason, ctx.now()));
    const voidingOf = (events: ForumEvent[]) => (events[0].type === 'participantsVoided' ? events[0].participantIds : []);
    const version = ctx.room.version;
    let events = decided();
    // What it takes away is counted over every ballot, a thousand a turn of the event loop, with
    // the forum's order held (as a merge is decided); all of it again if the forum changed meanwhile.
    // The dots it gives back, found on the way, are all the void then touches (state.ts HeldDots).
    let plan = await ctx.inTurns(() => voidPlanInSteps(ctx.room.state, voidingOf(events), BALLOTS_PER_TURN));
    const again = () => {
      events = decided();
      plan = voidPlan(ctx.room.state, voidingOf(events));
      return { events, held: plan.held };
    };
    if (ctx.room.version !== version) again();
    // Whom it tells (nearly every ballot, of the dots it gives back), then the void itself, each over a few turns.
    await ctx.commitInTurns(events, plan.held, again);
    return plan.impact;
  },
});
