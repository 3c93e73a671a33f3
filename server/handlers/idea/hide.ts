// idea:hide: a moderator hides an off-topic idea with a reason; its dots go back to their owners.
// A console that sends the figure it asked the moderator about is refused when the figure has
// changed, with the new one, so nobody's dots go back on a number the moderator did not see.

import { decideHideIdea, hideCost } from '../../../shared/forum/rules.js';
import { Refusal } from '../../forum/room.js';
import { defineHandler } from '../define.js';

export const hide = defineHandler({
  name: 'idea:hide',
  run(ctx, { ideaId, reason, voters }) {
    ctx.inScope(ctx.priorityOf(ideaId));
    const events = ctx.stamped(ctx.decide(decideHideIdea(ctx.room.state, ideaId, reason, ctx.now())));
    const cost = hideCost(ctx.room.state, ideaId);
    // A host is told no tally, so a host's console asks without a figure and sends none.
    if (voters !== undefined && ctx.seesTallies() && voters !== cost.voters) {
      throw new Refusal({ code: 'HIDE_CONFIRM', params: { voters: cost.voters, dots: cost.dots } });
    }
    ctx.commit(events);
    return ctx.seesTallies() ? cost : {};
  },
});
