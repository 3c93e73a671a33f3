// staff:cast: staff cast a resident's ballot for one budget, filled at the service point or on
// paper, after checking who they are: the resident's person id (person.ts) holds it, bound to this
// channel, and it is final. The audit log names the staff member, their point, the channel, the
// kind of document and the budget; never what was chosen, never the person.

import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { decideInPersonBallot } from '../../../shared/forum/channels.js';
import { normaliseReceipt, standingCasts } from '../../../shared/forum/city.js';
import { Refusal } from '../../forum/room.js';
import { newReceipt, receiptHash } from '../city/receipt.js';
import { defineHandler } from '../define.js';
import { staffId, staffPerson } from './person.js';

export const cast = defineHandler({
  name: 'staff:cast',
  run(ctx, { proof, channel, document, ballot, receipt: given }) {
    const by = staffId(ctx);
    const personId = staffPerson(ctx, proof);
    let receipt = newReceipt();
    if (given !== undefined) {
      const typed = normaliseReceipt(given);
      if (!typed) throw new Refusal({ code: 'BAD_INPUT', params: { field: 'receipt' } });
      receipt = typed;
    }
    const person = {
      staffId: by,
      personId,
      participantId: randomUUID(),
      // No device ever holds this ballot: its token is random and thrown away.
      tokenHash: createHash('sha256').update(randomBytes(32)).digest('hex'),
      channel,
      at: ctx.now(),
      // Recorded with the vote's first e-ID person, should that be this resident (identity.ts).
      eIdKey: ctx.services.admission.eIdKey(),
    };
    ctx.commit(ctx.decide(decideInPersonBallot(ctx.room.state, person, { ...(document ? { document } : {}), ballot, receiptHash: receiptHash(receipt) })));
    const holder = ctx.room.state.persons.byPerson.get(personId)!;
    return { receipt, voted: [...standingCasts(ctx.room.state, holder).keys()] };
  },
});
