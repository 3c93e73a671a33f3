// identity:issueCodes: the organiser makes a batch of voter codes to print or send to a mail house.
// The log records only the batch's serials: each code is worked out from its serial under the
// forum's person key (forum/persons.ts), when the codes are printed or exported.

import { decideIssueVoterCodes } from '../../../shared/forum/identity.js';
import { defineHandler } from '../define.js';

export const issueCodes = defineHandler({
  name: 'identity:issueCodes',
  run(ctx, { count }) {
    // Codes made here under another server's key than the vote's persons were would open new ballots for them.
    ctx.services.admission.personKeysHere();
    const [event] = ctx.decide(decideIssueVoterCodes(ctx.room.state, count, ctx.now()));
    ctx.commit([event]);
    return event.type === 'voterCodesIssued' ? { batch: event.batch, first: event.first, count: event.count } : { batch: 0, first: 0, count: 0 };
  },
});
