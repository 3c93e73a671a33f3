// idea:correct: a facilitator fixes an idea's text (typos); the author stays, the change is logged.

import { decideCorrectIdea } from '../../../shared/forum/rules.js';
import { defineHandler } from '../define.js';

export const correct = defineHandler({
  name: 'idea:correct',
  run(ctx, p) {
    const input = { goalCode: p.goalCode ?? null, title: p.title, description: p.description ?? '', place: p.place ?? '' };
    ctx.inScope(ctx.priorityOf(p.ideaId));
    ctx.commit(ctx.stamped(ctx.decide(decideCorrectIdea(ctx.room.state, p.ideaId, input, ctx.now()))));
    return {};
  },
});
