// results:publish: opens or closes the public, read-only results page (/results), which shows only
// the priorities already revealed to the hall. Logged as an event, so it survives a restart.

import { decidePublishResults } from '../../../shared/forum/rules.js';
import { defineHandler } from '../define.js';

export const publish = defineHandler({
  name: 'results:publish',
  run(ctx, { published }) {
    ctx.commit(ctx.decide(decidePublishResults(ctx.room.state, published, ctx.now())));
    return { published: ctx.room.state.publicResults };
  },
});
