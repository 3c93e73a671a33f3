// idea:unmerge: a merge undone until results: the ideas come back, and each dot goes back where it was.

import { decideUndoMerge } from '../../../shared/forum/facilitation.js';
import { defineHandler } from '../define.js';

export const unmerge = defineHandler({
  name: 'idea:unmerge',
  run(ctx, { mergeId }) {
    const merge = ctx.room.state.merges.get(mergeId);
    if (merge) ctx.inScope(ctx.priorityOf(merge.into));
    const events = ctx.decide(decideUndoMerge(ctx.room.state, mergeId, ctx.now(), ctx.actor()));
    ctx.commit(events);
    const e = events[0];
    // Counts for the facilitator only: a host's merge and undo would otherwise read a tally.
    if (!ctx.seesTallies()) return {};
    const sum = (moves: { count: number }[]) => moves.reduce((a, m) => a + m.count, 0);
    return e.type === 'mergeUndone' ? { restored: sum(e.restored), reinstated: sum(e.reinstated) } : { restored: 0, reinstated: 0 };
  },
});
