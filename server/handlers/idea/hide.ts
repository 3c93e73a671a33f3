// idea:hide: a facilitator hides an off-topic idea with a reason; its dots go back to their owners.

import { decideHideIdea } from '../../../shared/forum/rules.js';
import { dotOwnersOf } from '../../../shared/forum/state.js';
import { defineHandler } from '../define.js';

export const hide = defineHandler({
  name: 'idea:hide',
  run(ctx, { ideaId, reason }) {
    ctx.inScope(ctx.priorityOf(ideaId));
    const events = ctx.stamped(ctx.decide(decideHideIdea(ctx.room.state, ideaId, reason, ctx.now())));
    const refunded = dotOwnersOf(ctx.room.state, ideaId).length;
    ctx.commit(events);
    // How many voters get dots back is a count of supporters: the facilitator's to know, not a host's.
    return ctx.seesTallies() ? { refunded } : {};
  },
});
