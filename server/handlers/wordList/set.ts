// wordList:set: the words that flag an idea for review on the console; nothing is hidden by them.

import { decideWordList } from '../../../shared/forum/facilitation.js';
import { defineHandler } from '../define.js';

export const setWordList = defineHandler({
  name: 'wordList:set',
  run(ctx, { words }) {
    ctx.commit(ctx.decide(decideWordList(ctx.room.state, words)));
    return { words: [...(ctx.room.state.wordList ?? [])] };
  },
});
