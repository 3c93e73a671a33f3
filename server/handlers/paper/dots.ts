// paper:dots: after voting, the sticker dots counted on an idea's paper card; phone dots are never touched.

import { decidePaperDots } from '../../../shared/forum/facilitation.js';
import { defineHandler } from '../define.js';

export const paperDots = defineHandler({
  name: 'paper:dots',
  run(ctx, { ideaId, count }) {
    ctx.inScope(ctx.priorityOf(ideaId));
    ctx.commit(ctx.decide(decidePaperDots(ctx.room.state, ideaId, count, ctx.now(), ctx.actor())));
    return { count: ctx.room.state.ideas.get(ideaId)?.paperDots ?? count };
  },
});
