// admission:setAddressCap: the facilitator sets how many participants one client address may
// hold (0: no limit, for a venue whose phones all share one NAT address). Any time.

import { decideAddressCap } from '../../../shared/forum/admission.js';
import { defineHandler } from '../define.js';

export const setAddressCap = defineHandler({
  name: 'admission:setAddressCap',
  run(ctx, { max }) {
    ctx.commit(ctx.decide(decideAddressCap(ctx.room.state, max)));
    return { max: ctx.services.admission.maxPerAddress() };
  },
});
