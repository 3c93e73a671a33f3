// timer:set: a countdown for the current phase (minutes), shown on the projector and phones; null clears it.

import { decideTimer } from '../../../shared/forum/facilitation.js';
import { defineHandler } from '../define.js';

export const setTimer = defineHandler({
  name: 'timer:set',
  run(ctx, { minutes }) {
    ctx.commit(ctx.decide(decideTimer(ctx.room.state, minutes === null ? null : Math.round(minutes * 60_000), ctx.now())));
    return { timer: ctx.room.state.timer };
  },
});
