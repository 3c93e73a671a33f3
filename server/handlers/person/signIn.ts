// person:signIn: in a vote where people sign in with a state or bank e-ID, the provider's address
// for this device: the phone goes there and comes back to the server's callback (http/signInRoute.ts),
// which gives the device its person's ballot.

import { eIdKeyHeld } from '../../../shared/forum/identity.js';
import { hashToken, Refusal } from '../../forum/room.js';
import { defineHandler } from '../define.js';

export const signIn = defineHandler({
  name: 'person:signIn',
  async run(ctx, { token }) {
    const state = ctx.room.state;
    if (state.phase === 'closed') throw new Refusal({ code: 'WRONG_PHASE', params: { phase: state.phase } });
    if (state.persons.anonymised) throw new Refusal({ code: 'PERSONS_ANONYMISED' });
    if (state.persons.method !== 'oidc') throw new Refusal({ code: 'IDENTITY_REQUIRED' });
    // Refused before the resident goes to the provider for nothing: the callback would refuse them.
    const keyHeld = eIdKeyHeld(state, ctx.services.admission.eIdKey());
    if (!keyHeld.ok) throw new Refusal(keyHeld.error);
    const tokenHash = hashToken(token);
    if (state.participantsByToken.has(tokenHash) || ctx.session.participantId) throw new Refusal({ code: 'ALREADY_JOINED' });
    // Each start holds a few hundred bytes for 10 minutes: counted with the proofs of its address.
    const address = ctx.session.address;
    const verdict = address ? ctx.services.limits.proofs.take(address, ctx.now()) : { ok: true as const };
    if (!verdict.ok) throw new Refusal({ code: 'RATE_LIMITED', params: { seconds: verdict.retryAfter } });
    const provider = ctx.services.admission.signIn;
    if (!provider) throw new Refusal({ code: 'SENDER_MISSING', params: { method: 'oidc' } });
    try {
      return { url: await provider.start(ctx.room.record.id, ctx.room.record.slug, tokenHash, ctx.now()) };
    } catch {
      throw new Refusal({ code: 'SIGN_IN_FAILED' });
    }
  },
});
