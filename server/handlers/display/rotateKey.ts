// display:rotateKey: a new display key for the projector, when its link has reached the wrong
// hands; projectors opened with the old key are disconnected (one opened with the facilitator's
// key stays). The key is a secret of the forum's record, not an event of its log.

import { defineHandler } from '../define.js';

export const rotateScreenKey = defineHandler({
  name: 'display:rotateKey',
  async run(ctx) {
    return { screenUrl: await ctx.services.rotateScreenKey() };
  },
});
