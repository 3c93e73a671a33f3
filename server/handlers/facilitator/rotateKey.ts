// facilitator:rotateKey: a new facilitator key; consoles still holding the old one are disconnected.

import { defineHandler } from '../define.js';

export const rotateKey = defineHandler({
  name: 'facilitator:rotateKey',
  run(ctx) {
    return { key: ctx.services.rotateKey() };
  },
});
