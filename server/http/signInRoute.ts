// GET /auth/oidc/callback: where a state or bank e-ID provider sends a phone back after sign-in.
// The code is exchanged for the person's issuer and subject (forum/signIn.ts); their keyed hash
// is the person, whose ballot the device that started the sign-in then holds: a new one, or the one
// they hold on another device. The phone is sent back to its forum, where its token now has a
// ballot. A refusal is a page in Ukrainian and English, with the way back to the vote.

import type { IRouter, Request } from 'express';
import { randomUUID } from 'node:crypto';
import { decidePersonJoin } from '../../shared/forum/identity.js';
import { t } from '../../shared/i18n/all.js';
import { isLang } from '../../shared/i18n/all.js';
import type { Lang } from '../../shared/protocol.js';
import { Refusal } from '../forum/room.js';
import { SignInExpired, type OidcSignIn } from '../forum/signIn.js';
import type { Forums } from '../forums/registry.js';
import type { OpenForum } from '../forums/openForum.js';
import type { Logger } from '../log.js';
import { refuse } from './refusal.js';

export function registerSignInRoute(app: IRouter, { forums, signIn, log }: { forums: Forums<OpenForum>; signIn: OidcSignIn; log: Logger }): void {
  const langOf = (req: Request): Lang => (isLang(req.query.lang) ? req.query.lang : 'uk');
  app.get('/auth/oidc/callback', async (req, res) => {
    const lang = langOf(req);
    const url = new URL(req.originalUrl, signIn.redirectUri);
    let signedIn;
    try {
      signedIn = await signIn.finish(url);
    } catch (err) {
      if (!(err instanceof SignInExpired)) log.warn({ err }, 'e-ID sign-in failed at the callback');
      refuse(req, res, { status: 400, lang, error: { code: err instanceof SignInExpired ? 'SIGN_IN_EXPIRED' : 'SIGN_IN_FAILED' } });
      return;
    }
    const back = { href: `/f/${signedIn.slug}/`, label: t(lang, 'refusal.toVote') };
    try {
      const forum = await forums.use(signedIn.forumId);
      if (!forum) throw new Refusal({ code: 'FORUM_NOT_FOUND' });
      const room = forum.room;
      // By the register number where the provider gives one, so that staff at a voting point who
      // type it from the resident's card reach the same person (staff/person.ts).
      const keys = forum.attached.admission.personKeysHere();
      const personId = signedIn.register ? keys.registerPerson(signedIn.register) : keys.contactPerson('oidc', `${signedIn.issuer}\u0000${signedIn.subject}`);
      // In the forum's order, as a command is: what its phones send meanwhile waits for this.
      await new Promise<void>((resolve, reject) =>
        room.whenFree(() => {
          try {
            const state = room.state;
            if (state.participantsByToken.has(signedIn.tokenHash)) return resolve();
            if (state.persons.method !== 'oidc') throw new Refusal({ code: 'IDENTITY_REQUIRED' });
            // Keyed by another setting than the vote began with, this person would be a new one:
            // refused (EID_SETTING_CHANGED) and, with the vote's first e-ID person, recorded.
            const eIdKey = forum.attached.admission.eIdKey();
            const decision = decidePersonJoin(state, { personId, participantId: randomUUID(), tokenHash: signedIn.tokenHash, name: '', at: Date.now(), address: '', eIdKey });
            if (!decision.ok) throw new Refusal(decision.error);
            room.commit(decision.value);
            resolve();
          } catch (err) {
            reject(err);
          }
        }),
      );
      const failure = await room.durable();
      if (failure) throw failure;
      res.redirect(303, back.href);
    } catch (err) {
      const error = err instanceof Refusal ? err.error : { code: 'INTERNAL' as const };
      if (!(err instanceof Refusal)) log.error({ err }, 'e-ID sign-in could not be recorded');
      refuse(req, res, { status: err instanceof Refusal ? 409 : 500, lang, error, next: back });
    }
  });
}
