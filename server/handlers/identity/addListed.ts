// identity:addListed: a part of the organiser's eligibility list (a resident-card number and a
// second fact a row), kept only as keyed hashes: what was typed is never stored or logged. Rows
// listed before are left as they are; a row without a number or a fact refuses the whole part,
// naming the file's line, so a part is added whole or not at all.

import { decideListEntries, LIST_ENTRIES_PER_BATCH } from '../../../shared/forum/identity.js';
import { Refusal } from '../../forum/room.js';
import { listFact, listNumber } from '../../forum/persons.js';
import { defineHandler } from '../define.js';

export const addListed = defineHandler({
  name: 'identity:addListed',
  run(ctx, { rows, firstLine }) {
    const state = ctx.room.state;
    if (!state.voteOnly) throw new Refusal({ code: 'BAD_INPUT', params: { field: 'identity' } });
    if (rows.length > LIST_ENTRIES_PER_BATCH) throw new Refusal({ code: 'BAD_INPUT', params: { field: 'count' } });
    const keys = ctx.services.admission.personKeysHere();
    const fresh = new Set<string>();
    rows.forEach((row, i) => {
      const number = listNumber(row.number);
      const fact = listFact(row.fact);
      if (!number || !fact) throw new Refusal({ code: 'LIST_ROW_EMPTY', params: { row: firstLine + i } });
      const entry = keys.listEntry(number, fact);
      if (!state.persons.listed.has(entry)) fresh.add(entry);
    });
    if (fresh.size > 0) ctx.commit(ctx.decide(decideListEntries(state, [...fresh], ctx.now())));
    return { added: fresh.size, already: rows.length - fresh.size, listed: state.persons.listed.size };
  },
});
