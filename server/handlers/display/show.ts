// display:show: the facilitator puts a slide on the projector: back to following the phase, a
// revealed priority again, the final slide of winners, or the join QR.

import { decideDisplay } from '../../../shared/forum/rules.js';
import { defineHandler } from '../define.js';

export const show = defineHandler({
  name: 'display:show',
  run(ctx, { display }) {
    ctx.commit(ctx.decide(decideDisplay(ctx.room.state, display)));
    return { display: ctx.room.state.display };
  },
});
