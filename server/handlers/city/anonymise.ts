// city:anonymise: after the close, the facilitator deletes the vote's personal data for good: the
// person ids that tie ballots to people, the eligibility list, addresses, and the one-time codes
// still waiting. The store rewrites the events before it in the same transaction (forum/redaction.ts);
// the ballots, their receipts and the published results stay as they were.

import { decideAnonymise } from '../../../shared/forum/identity.js';
import { defineHandler } from '../define.js';

export const anonymise = defineHandler({
  name: 'city:anonymise',
  run(ctx) {
    ctx.commit(ctx.decide(decideAnonymise(ctx.room.state, 'facilitator', ctx.now())));
    ctx.services.admission.oneTimeCodes.forgetAll();
    return { at: ctx.room.state.persons.anonymised!.at };
  },
});
