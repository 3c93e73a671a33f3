// idea:merge: ideas that say the same thing become one. The surviving idea keeps every author and
// text; dots move to it within the per-idea cap, the excess goes back to its owners; all are told.
// How many moved goes back to the facilitator only: a host is told no tally.

import { randomUUID } from 'node:crypto';
import { decideMerge, decideMergeInSteps } from '../../../shared/forum/facilitation.js';
import { defineHandler } from '../define.js';

const BALLOTS_PER_TURN = 1000;

export const merge = defineHandler({
  name: 'idea:merge',
  async run(ctx, { into, ideas }) {
    ctx.inScope(ctx.priorityOf(into));
    const mergeId = randomUUID();
    const at = ctx.now();
    // Every ballot is looked at: a thousand a turn of the event loop (on the largest forum, 5,000
    // ballots with dots on the ideas merged took 30 ms or more in one turn).
    const decided = ctx.decide(await ctx.inTurns(() => decideMergeInSteps(ctx.room.state, into, ideas, mergeId, at, ctx.actor(), BALLOTS_PER_TURN)));
    // Whom it tells, then the merge itself (15,000 dots moved or given back), each over a few turns.
    const events = await ctx.commitInTurns(decided, undefined, () => ({ events: ctx.decide(decideMerge(ctx.room.state, into, ideas, mergeId, at, ctx.actor())) }));
    const e = events[0];
    if (!ctx.seesTallies()) return { mergeId };
    const sum = (moves: { count: number }[]) => moves.reduce((a, m) => a + m.count, 0);
    return e.type === 'ideasMerged' ? { mergeId, moved: sum(e.moved), refunded: sum(e.refunded) } : { mergeId, moved: 0, refunded: 0 };
  },
});
