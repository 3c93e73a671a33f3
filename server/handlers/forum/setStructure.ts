// forum:setStructure: the organiser replaces the vision, priorities and goals before the forum opens.

import { decideStructure } from '../../../shared/forum/rules.js';
import { defineHandler } from '../define.js';

export const setStructure = defineHandler({
  name: 'forum:setStructure',
  run(ctx, { structure }) {
    ctx.commit(ctx.decide(decideStructure(ctx.room.state, structure)));
    return { structure: ctx.room.state.structure };
  },
});
