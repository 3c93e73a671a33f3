// paper:idea: a table host types in a paper idea card; it goes on the wall marked as paper.

import { randomUUID } from 'node:crypto';
import { decidePaperIdea } from '../../../shared/forum/facilitation.js';
import { defineHandler } from '../define.js';

export const paperIdea = defineHandler({
  name: 'paper:idea',
  run(ctx, p) {
    ctx.inScope(p.priorityCode);
    const ideaId = randomUUID();
    const input = {
      priorityCode: p.priorityCode,
      goalCode: p.goalCode ?? null,
      title: p.title,
      description: p.description ?? '',
      place: p.place ?? '',
      paperAuthor: p.author ?? '',
    };
    ctx.commit(ctx.decide(decidePaperIdea(ctx.room.state, input, ideaId, ctx.now(), ctx.actor())));
    return { ideaId };
  },
});
