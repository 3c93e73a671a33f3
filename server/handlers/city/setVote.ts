// city:setVote: the organiser defines a vote-only forum's city vote (budgets, projects, ballot,
// counting and tie rules) while the forum is in the lobby; once it opens, the definition stands.

import { decideSetCityVote } from '../../../shared/forum/city.js';
import { defineHandler } from '../define.js';

export const setVote = defineHandler({
  name: 'city:setVote',
  run(ctx, { vote }) {
    ctx.commit(ctx.decide(decideSetCityVote(ctx.room.state, vote, ctx.now())));
    return { vote: ctx.room.state.city.vote! };
  },
});
