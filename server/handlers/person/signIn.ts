// person:signIn: in a vote where people sign in with a state or bank e-ID, the provider's address
// for this device: the phone goes there and comes back to the server's callback (http/signInRoute.ts),
// which gives the device its person's ballot.

import { Refusal } from '../../forum/room.js';
import { hashToken } from '../../forum/room.js';
import { defineHandler } from '../define.js';

export const signIn = defineHandler({
  name: 'person:signIn',
  async run(ctx, { token }) {
    const state = ctx.room.state;
    if (state.phase === 'closed') throw new Refusal({ code: 'WRONG_PHASE', params: { phase: state.phase } });
    if (state.persons.method !== 'oidc') throw new Refusal({ code: 'IDENTITY_REQUIRED' });
    const tokenHash = hashToken(token);
    if (state.participantsByToken.has(tokenHash) || ctx.session.participantId) throw new Refusal({ code: 'ALREADY_JOINED' });
    const provider = ctx.services.admission.signIn;
    if (!provider) throw new Refusal({ code: 'SENDER_MISSING', params: { method: 'oidc' } });
    try {
      return { url: await provider.start(ctx.room.record.id, ctx.room.record.slug, tokenHash, ctx.now()) };
    } catch {
      throw new Refusal({ code: 'SIGN_IN_FAILED' });
    }
  },
});
