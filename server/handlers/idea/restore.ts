// idea:restore: a facilitator shows a hidden idea again. Dots given back at hiding stay with their owners.

import { decideRestoreIdea } from '../../../shared/forum/rules.js';
import { defineHandler } from '../define.js';

export const restore = defineHandler({
  name: 'idea:restore',
  run(ctx, { ideaId }) {
    ctx.inScope(ctx.priorityOf(ideaId));
    ctx.commit(ctx.stamped(ctx.decide(decideRestoreIdea(ctx.room.state, ideaId, ctx.now()))));
    return {};
  },
});
