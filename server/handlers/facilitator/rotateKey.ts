// facilitator:rotateKey: a new facilitator key; consoles still holding the old one are disconnected.

import { defineHandler } from '../define.js';

export const rotateKey = defineHandler({
  name: 'facilitator:rotateKey',
  async run(ctx) {
    return { key: await ctx.services.rotateKey() };
  },
});
