// participant:page: a page of a paged console's participants (a forum of many, or a city vote):
// newest first, searched on the server by name, ticket number, a ballot's receipt or a voter code,
// so that a console of 100,000 voters holds fifty rows, not 100,000. A host's rows carry no address.

import { normaliseReceipt } from '../../../shared/forum/city.js';
import { participantPage } from '../../forum/views.js';
import { defineHandler } from '../define.js';
import { receiptHash } from '../city/receipt.js';

export const pageOfParticipants = defineHandler({
  name: 'participant:page',
  run(ctx, { query, page }) {
    const { room, services } = ctx;
    const state = room.shown.state;
    const find = (typed: string): string | undefined => {
      const receipt = state.city.vote ? normaliseReceipt(typed) : null;
      if (receipt) {
        const hash = receiptHash(receipt);
        for (const cast of state.city.casts) if (cast.receiptHash === hash) return cast.voterId;
      }
      if (state.persons.method === 'codes') {
        const serial = services.admission.personKeysHere().readVoterCode(typed);
        if (serial !== null) return state.persons.byPerson.get(services.admission.personKeysHere().codePerson(serial));
      }
      return undefined;
    };
    const result = participantPage(state, room.presence, query, page, find);
    if (ctx.session.role !== 'host') return result;
    return { ...result, rows: result.rows.map((row) => ({ ...row, address: '', dots: undefined })) };
  },
});
