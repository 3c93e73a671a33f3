// tickets:release: a resident's phone died; the facilitator frees their ticket, and the next
// device that presents it takes the same ballot over (ideas and dots included).

import { decideReleaseTicket, findTicket } from '../../../shared/forum/admission.js';
import { defineHandler } from '../define.js';

export const release = defineHandler({
  name: 'tickets:release',
  run(ctx, { code }) {
    ctx.commit(ctx.decide(decideReleaseTicket(ctx.room.state, code, ctx.now())));
    return { number: findTicket(ctx.room.state, code)?.number ?? 0 };
  },
});
