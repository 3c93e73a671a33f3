// dot:remove: a participant takes one of their dots off an idea.

import { decideRemoveDot } from '../../../shared/forum/rules.js';
import { defineHandler } from '../define.js';

export const remove = defineHandler({
  name: 'dot:remove',
  run(ctx, { ideaId }) {
    ctx.commit(ctx.decide(decideRemoveDot(ctx.room.state, ctx.participant(), ideaId)));
    return { me: ctx.me() };
  },
  resend: (ctx) => ({ me: ctx.me() }),
});
