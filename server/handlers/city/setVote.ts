// city:setVote: the organiser defines a vote-only forum's city vote (budgets, projects, ballot,
// counting and tie rules) while the forum is in the lobby; once it opens, the definition stands.
// A console sends the revision it edited (`basedOn`), so that a save made over another console's
// newer one is refused rather than erasing it.

import { decideSetCityVote } from '../../../shared/forum/city.js';
import { defineHandler } from '../define.js';

export const setVote = defineHandler({
  name: 'city:setVote',
  run(ctx, { vote, basedOn }) {
    ctx.commit(ctx.decide(decideSetCityVote(ctx.room.state, vote, ctx.now(), basedOn)));
    return { vote: ctx.room.state.city.vote!, revision: ctx.room.state.city.revision };
  },
});
