// forum:setRules: ideas per participant, dots per priority and the cap per idea, before the forum opens.

import { decideRules } from '../../../shared/forum/rules.js';
import { defineHandler } from '../define.js';

export const setRules = defineHandler({
  name: 'forum:setRules',
  run(ctx, { rules }) {
    ctx.commit(ctx.decide(decideRules(ctx.room.state, rules)));
    return { rules: ctx.room.state.rules };
  },
});
