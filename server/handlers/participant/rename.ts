// participant:rename: a participant changes the name shown beside their ideas.

import { decideRename } from '../../../shared/forum/rules.js';
import { defineHandler } from '../define.js';

export const rename = defineHandler({
  name: 'participant:rename',
  run(ctx, { name }) {
    ctx.commit(ctx.decide(decideRename(ctx.room.state, ctx.participant(), name)));
    return { me: ctx.me() };
  },
  resend: (ctx) => ({ me: ctx.me() }),
  changesIdeas: true,
});
