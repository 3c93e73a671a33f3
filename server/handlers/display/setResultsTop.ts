// display:setResultsTop: how many of a priority's top ideas the projector's chart shows.

import { decideResultsTop } from '../../../shared/forum/rules.js';
import { defineHandler } from '../define.js';

export const setResultsTop = defineHandler({
  name: 'display:setResultsTop',
  run(ctx, { top }) {
    ctx.commit(ctx.decide(decideResultsTop(ctx.room.state, top)));
    return { top: ctx.room.state.resultsTop };
  },
});
