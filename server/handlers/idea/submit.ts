// idea:submit: a participant proposes an idea under a priority (and optionally a goal).

import { randomUUID } from 'node:crypto';
import { decideSubmitIdea } from '../../../shared/forum/rules.js';
import { defineHandler } from '../define.js';

export const submit = defineHandler({
  name: 'idea:submit',
  run(ctx, p) {
    const ideaId = randomUUID();
    const input = { priorityCode: p.priorityCode, goalCode: p.goalCode ?? null, title: p.title, description: p.description ?? '', place: p.place ?? '' };
    ctx.commit(ctx.decide(decideSubmitIdea(ctx.room.state, ctx.participant(), input, ideaId, ctx.now())));
    return { ideaId, me: ctx.me() };
  },
  resend: (ctx, done) => ({ ideaId: done.ideaId ?? '', me: ctx.me() }),
  changesIdeas: true,
});
