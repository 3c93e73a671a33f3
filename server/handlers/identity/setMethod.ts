// identity:setMethod: the organiser chooses how each person proves who they are in a vote-only
// forum (a voter code, the eligibility list, a one-time code by e-mail or SMS), or that a device is
// a ballot again; before anyone holds one. A way whose provider the server lacks is refused, saying
// what to set up, rather than found out by the first resident.

import { decideIdentityMethod } from '../../../shared/forum/identity.js';
import { Refusal } from '../../forum/room.js';
import { defineHandler } from '../define.js';

export const setMethod = defineHandler({
  name: 'identity:setMethod',
  run(ctx, { method }) {
    const admission = ctx.services.admission;
    if (((method === 'email' || method === 'sms') && !admission.codeSender(method)) || (method === 'oidc' && !admission.signIn)) {
      throw new Refusal({ code: 'SENDER_MISSING', params: { method } });
    }
    ctx.commit(ctx.decide(decideIdentityMethod(ctx.room.state, method, ctx.now(), admission.personKeysHere().fingerprint())));
    return { method: ctx.room.state.persons.method };
  },
});
