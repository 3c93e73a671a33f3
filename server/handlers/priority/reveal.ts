// priority:reveal: the facilitator shows one priority's ranking to the hall and the phones.

import { decideReveal } from '../../../shared/forum/rules.js';
import { defineHandler } from '../define.js';

export const reveal = defineHandler({
  name: 'priority:reveal',
  run(ctx, { priorityCode }) {
    ctx.commit(ctx.decide(decideReveal(ctx.room.state, priorityCode)));
    return { revealed: [...ctx.room.state.revealed] };
  },
});
