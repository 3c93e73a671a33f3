// staff:check: before helping a resident, staff learn whether this person may vote in their
// channel (not when they voted online or in the other in-person channel), and in which budgets
// they have voted there already. Nothing is recorded.

import { decideInPersonCheck } from '../../../shared/forum/channels.js';
import { Refusal } from '../../forum/room.js';
import { defineHandler } from '../define.js';
import { staffId, staffPerson } from './person.js';

export const check = defineHandler({
  name: 'staff:check',
  run(ctx, { proof, channel }) {
    const by = staffId(ctx);
    const personId = staffPerson(ctx, proof);
    const decision = decideInPersonCheck(ctx.room.state, by, personId, channel, ctx.services.admission.eIdKey());
    if (!decision.ok) throw new Refusal(decision.error);
    return { fresh: decision.value.participantId === null, voted: decision.value.voted };
  },
});
