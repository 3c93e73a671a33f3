// timer:extend: more minutes on the running countdown (or a new one).

import { decideExtendTimer } from '../../../shared/forum/facilitation.js';
import { defineHandler } from '../define.js';

export const extendTimer = defineHandler({
  name: 'timer:extend',
  run(ctx, { minutes }) {
    ctx.commit(ctx.decide(decideExtendTimer(ctx.room.state, Math.round(minutes * 60_000), ctx.now())));
    return { timer: ctx.room.state.timer };
  },
});
