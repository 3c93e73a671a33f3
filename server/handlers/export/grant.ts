// export:grant: a short-lived grant for the console's download and print links.

import { defineHandler } from '../define.js';

export const grant = defineHandler({
  name: 'export:grant',
  run(ctx) {
    return ctx.services.grants.issue();
  },
});
