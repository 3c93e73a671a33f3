// idea:merge: ideas that say the same thing become one. The surviving idea keeps every author and
// text; dots move to it within the per-idea cap, the excess goes back to its owners; all are told.
// How many moved goes back to the facilitator only: a host is told no tally.

import { randomUUID } from 'node:crypto';
import { decideMerge } from '../../../shared/forum/facilitation.js';
import { defineHandler } from '../define.js';

export const merge = defineHandler({
  name: 'idea:merge',
  run(ctx, { into, ideas }) {
    ctx.inScope(ctx.priorityOf(into));
    const mergeId = randomUUID();
    const events = ctx.decide(decideMerge(ctx.room.state, into, ideas, mergeId, ctx.now(), ctx.actor()));
    ctx.commit(events);
    const e = events[0];
    if (!ctx.seesTallies()) return { mergeId };
    const sum = (moves: { count: number }[]) => moves.reduce((a, m) => a + m.count, 0);
    return e.type === 'ideasMerged' ? { mergeId, moved: sum(e.moved), refunded: sum(e.refunded) } : { mergeId, moved: 0, refunded: 0 };
  },
});
