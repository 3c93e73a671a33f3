// idea:edit: the author changes their own idea while ideas are open.

import { decideEditIdea } from '../../../shared/forum/rules.js';
import { defineHandler } from '../define.js';

export const edit = defineHandler({
  name: 'idea:edit',
  run(ctx, p) {
    const input = { goalCode: p.goalCode ?? null, title: p.title, description: p.description ?? '', place: p.place ?? '' };
    ctx.commit(ctx.decide(decideEditIdea(ctx.room.state, ctx.participant(), p.ideaId, input, ctx.now())));
    return { me: ctx.me() };
  },
  resend: (ctx) => ({ me: ctx.me() }),
  changesIdeas: true,
});
