// paper:ballots: the facilitator says how many paper ballots were handed out; the stickers entered
// later stay within what they can carry.

import { decidePaperBallots } from '../../../shared/forum/facilitation.js';
import { defineHandler } from '../define.js';

export const paperBallots = defineHandler({
  name: 'paper:ballots',
  run(ctx, { count }) {
    ctx.commit(ctx.decide(decidePaperBallots(ctx.room.state, count, ctx.now())));
    return { ballots: ctx.room.state.paperBallots ?? count };
  },
});
