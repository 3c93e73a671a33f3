// participant:join: a phone joins with the forum's code and its own device token. Joining again
// with a token that is already a participant returns that participant: one participant per token.

import { randomUUID } from 'node:crypto';
import { decideJoin, joinCodeMatches } from '../../../shared/forum/rules.js';
import { hashToken, Refusal } from '../../forum/room.js';
import { defineHandler } from '../define.js';

export const join = defineHandler({
  name: 'participant:join',
  run(ctx, { code, name, token }) {
    const tokenHash = hashToken(token);
    const known = ctx.room.state.participantsByToken.get(tokenHash);
    if (!known) {
      const participantId = randomUUID();
      ctx.commit(ctx.decide(decideJoin(ctx.room.state, { code, name: name ?? '', participantId, tokenHash, at: ctx.now() })));
      ctx.bindParticipant(participantId);
    } else {
      // The same device joining again (a resend, or a second tab): the same participant.
      if (!joinCodeMatches(ctx.room.state, code)) throw new Refusal({ code: 'WRONG_CODE' });
      if (ctx.session.participantId !== known) ctx.bindParticipant(known);
    }
    return { me: ctx.me() };
  },
});
