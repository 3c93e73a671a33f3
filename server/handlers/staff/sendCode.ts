// staff:sendCode: in a vote where people prove who they are by e-mail or SMS, staff at a voting
// point send the one-time code to the resident's own address or number; the resident reads it on
// their phone and staff type it back in staff:check, which so reaches the same person as an online
// proof of that address or number. Sent and limited as a phone's request is (person/requestCode.ts).

import { Refusal } from '../../forum/room.js';
import { defineHandler } from '../define.js';
import { sendOneTimeCode } from '../person/requestCode.js';
import { staffId, staffProofKind } from './person.js';

export const sendCode = defineHandler({
  name: 'staff:sendCode',
  run(ctx, { to }) {
    staffId(ctx);
    const state = ctx.room.state;
    if (state.phase !== 'voting') throw new Refusal({ code: 'WRONG_PHASE', params: { phase: state.phase } });
    if (state.persons.anonymised) throw new Refusal({ code: 'PERSONS_ANONYMISED' });
    const method = state.persons.method;
    if (method === null) throw new Refusal({ code: 'IDENTITY_REQUIRED' });
    if (method !== 'email' && method !== 'sms') {
      throw new Refusal({ code: 'STAFF_PROOF_KIND', params: { expected: staffProofKind(method, Boolean(ctx.services.admission.signIn?.personClaim)) ?? 'document' } });
    }
    return sendOneTimeCode(ctx, method, to);
  },
});
