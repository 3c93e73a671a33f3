// export:grant: a short-lived grant for the console's download and print links, of this forum only.

import { DOWNLOADS } from '../../http/grants.js';
import { defineHandler } from '../define.js';

export const grant = defineHandler({
  name: 'export:grant',
  run(ctx) {
    return ctx.services.grants.issue(ctx.room.record.id, DOWNLOADS);
  },
});
