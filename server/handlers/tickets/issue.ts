// tickets:issue: the organisers make a batch of single-use tickets to print.

import { randomUUID } from 'node:crypto';
import { decideIssueTickets } from '../../../shared/forum/admission.js';
import { LIMITS } from '../../../shared/forum/types.js';
import { Refusal } from '../../forum/room.js';
import { defineHandler } from '../define.js';

export const issue = defineHandler({
  name: 'tickets:issue',
  run(ctx, { count }) {
    if (count < 1 || count > LIMITS.ticketsPerBatch) throw new Refusal({ code: 'BAD_INPUT', params: { field: 'count' } });
    const codes = ctx.services.admission.newTicketCodes(count);
    const events = ctx.decide(decideIssueTickets(ctx.room.state, codes, codes.map(() => randomUUID()), ctx.now()));
    ctx.commit(events);
    const issued = events[0];
    return { batch: issued.type === 'ticketsIssued' ? issued.batch : 0, count };
  },
});
