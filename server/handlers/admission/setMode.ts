// admission:setMode: the facilitator chooses how people get a ballot (hall code, tickets, open): before the forum opens, or while a vote-only forum runs.

import { decideAdmissionMode } from '../../../shared/forum/admission.js';
import { defineHandler } from '../define.js';

export const setMode = defineHandler({
  name: 'admission:setMode',
  run(ctx, { mode }) {
    ctx.commit(ctx.decide(decideAdmissionMode(ctx.room.state, mode)));
    return { mode: ctx.room.state.admission };
  },
});
