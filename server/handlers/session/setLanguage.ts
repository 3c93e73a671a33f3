// session:setLanguage: the language this connection's messages and refusals come in.

import { defineHandler } from '../define.js';

export const setLanguage = defineHandler({
  name: 'session:setLanguage',
  run(ctx, { lang }) {
    ctx.session.lang = lang;
    return { lang };
  },
});
