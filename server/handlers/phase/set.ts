// phase:set: the facilitator moves the forum to its next phase (or back from review to ideas).

import { decideTransition } from '../../../shared/forum/rules.js';
import { defineHandler } from '../define.js';

export const setPhase = defineHandler({
  name: 'phase:set',
  run(ctx, { to }) {
    ctx.commit(ctx.decide(decideTransition(ctx.room.state, to)));
    return { phase: ctx.room.state.phase };
  },
});
