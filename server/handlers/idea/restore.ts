// idea:restore: a moderator shows a hidden idea again. The dots given back at hiding stay with
// their owners, or, asked for (dotsBack), are put back where each voter's budget still has room.

import { decideRestoreIdea } from '../../../shared/forum/rules.js';
import { defineHandler } from '../define.js';

export const restore = defineHandler({
  name: 'idea:restore',
  run(ctx, { ideaId, dotsBack }) {
    ctx.inScope(ctx.priorityOf(ideaId));
    const given = ctx.room.state.ideas.get(ideaId)?.hiddenDots ?? [];
    const events = ctx.stamped(ctx.decide(decideRestoreIdea(ctx.room.state, ideaId, ctx.now(), dotsBack ?? false)));
    ctx.commit(events);
    if (!ctx.seesTallies()) return {};
    const e = events[0];
    const sum = (moves: readonly { count: number }[]) => moves.reduce((n, m) => n + m.count, 0);
    return { voters: given.length, dots: sum(given), reinstated: e.type === 'ideaRestored' ? sum(e.reinstated ?? []) : 0 };
  },
});
