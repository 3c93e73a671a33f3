// idea:withdraw: the author takes their own idea back while ideas are open.

import { decideWithdrawIdea } from '../../../shared/forum/rules.js';
import { defineHandler } from '../define.js';

export const withdraw = defineHandler({
  name: 'idea:withdraw',
  run(ctx, { ideaId }) {
    ctx.commit(ctx.decide(decideWithdrawIdea(ctx.room.state, ctx.participant(), ideaId)));
    return { me: ctx.me() };
  },
  resend: (ctx) => ({ me: ctx.me() }),
  changesIdeas: true,
});
