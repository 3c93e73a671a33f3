// person:requestCode: in a vote where people prove who they are by e-mail or SMS, a one-time code
// is sent to the address or number typed; it is typed back in person:prove. The address or number
// is one person: the same one again gets the same ballot, never a second. Sent without waiting for
// the provider, so the forum's order is never held by a mail server; a failed delivery is told to
// the resident when they type a code. Sends are limited per client address and per destination,
// each of which costs the organiser a message.

import { Refusal } from '../../forum/room.js';
import { CODE_LIFETIME_MS, mailbox, masked, phoneNumber } from '../../forum/oneTimeCodes.js';
import { t } from '../../../shared/i18n/all.js';
import { defineHandler, type HandlerContext } from '../define.js';

export const requestCode = defineHandler({
  name: 'person:requestCode',
  run(ctx, { method, to: typed }) {
    const state = ctx.room.state;
    if (state.phase === 'closed') throw new Refusal({ code: 'WRONG_PHASE', params: { phase: state.phase } });
    if (state.persons.anonymised) throw new Refusal({ code: 'PERSONS_ANONYMISED' });
    if (state.persons.method !== method) throw new Refusal({ code: 'IDENTITY_REQUIRED' });
    if (ctx.session.participantId) throw new Refusal({ code: 'CONNECTION_HAS_BALLOT' });
    return sendOneTimeCode(ctx, method, typed);
  },
});

/**
 * A code sent to the address or number typed, for the person it names; staff at a voting point
 * send one the same way (staff/sendCode.ts), read from the resident's own phone.
 */
export function sendOneTimeCode(ctx: HandlerContext, method: 'email' | 'sms', typed: string): { sentTo: string; minutes: number } {
  const state = ctx.room.state;
  const { admission, limits } = ctx.services;
  const to = method === 'email' ? mailbox(typed) : phoneNumber(typed);
  if (!to) throw new Refusal({ code: 'BAD_CONTACT', params: { method } });
  const sender = admission.codeSender(method);
  if (!sender) throw new Refusal({ code: 'CODE_NOT_SENT' });
  const now = ctx.now();
  const personId = admission.personKeysHere().contactPerson(method, to);
  for (const verdict of [ctx.session.address ? limits.codeSends.take(ctx.session.address, now) : { ok: true as const }, limits.codeSendsPerIdentity.take(personId, now)]) {
    if (!verdict.ok) {
      admission.refused('rateLimited', now);
      throw new Refusal({ code: 'RATE_LIMITED', params: { seconds: verdict.retryAfter } });
    }
  }
  const code = admission.oneTimeCodes.issue(personId, now);
  const lang = ctx.session.lang;
  const minutes = CODE_LIFETIME_MS / 60_000;
  sender
    .send({ to, subject: t(lang, 'oneTimeCode.subject', { title: state.title }), text: t(lang, 'oneTimeCode.text', { code, title: state.title, minutes }) })
    .catch(() => admission.oneTimeCodes.failed(personId));
  return { sentTo: masked(to), minutes };
}
