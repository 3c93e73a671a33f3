// identity:setMethod: the organiser chooses how each person proves who they are in a vote-only
// forum (a voter code, the eligibility list), or that a device is a ballot again; before anyone holds one.

import { decideIdentityMethod } from '../../../shared/forum/identity.js';
import { defineHandler } from '../define.js';

export const setMethod = defineHandler({
  name: 'identity:setMethod',
  run(ctx, { method }) {
    ctx.commit(ctx.decide(decideIdentityMethod(ctx.room.state, method, ctx.now())));
    return { method: ctx.room.state.persons.method };
  },
});
