// dot:place: a participant puts one dot on an idea, within the priority's budget and the idea's cap.

import { decidePlaceDot } from '../../../shared/forum/rules.js';
import { defineHandler } from '../define.js';

export const place = defineHandler({
  name: 'dot:place',
  run(ctx, { ideaId }) {
    ctx.commit(ctx.decide(decidePlaceDot(ctx.room.state, ctx.participant(), ideaId)));
    return { me: ctx.me() };
  },
  resend: (ctx) => ({ me: ctx.me() }),
});
