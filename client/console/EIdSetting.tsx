// What an e-ID vote's persons are keyed by, for the organiser: the log records it with the vote's
// first e-ID person (shared/forum/identity.ts), and a server started since with another
// OIDC_PERSON_CLAIM refuses e-ID sign-ins and staff entries (EID_SETTING_CHANGED). The alert says
// which setting the vote began with, which the server has now, and what to restore; it stands
// above every tab, since the organiser who restarted the server may open any.

import { eIdKeyText } from '../../shared/i18n/errors.js';
import { useLang, useT } from '../lib/i18n.js';
import { useView } from './store.js';

/** The recorded and the present setting, when the vote is an e-ID one and they differ; null otherwise. */
function mismatch(view: ReturnType<typeof useView>): { began: string | null; now: string | null } | null {
  const identity = view.admission.identity;
  if (identity.method !== 'oidc' || identity.oidcRecorded === null) return null;
  // A vote that takes no more sign-ins is not stopped by the setting: the organiser may have set
  // it for the next vote, and restoring it for this one would stop that one.
  if (view.forum.phase === 'results' || view.forum.phase === 'closed' || view.forum.archived || identity.anonymised) return null;
  if (identity.oidcRecorded.claim === identity.oidcPersonClaim) return null;
  return { began: identity.oidcRecorded.claim, now: identity.oidcPersonClaim };
}

export function EIdSettingAlert() {
  const t = useT();
  const lang = useLang((s) => s.lang);
  const differ = mismatch(useView());
  if (!differ) return null;
  return (
    <div className="setting-alert" role="alert" id="eid-setting-alert">
      <strong>{t('console.identity.eIdSettingHeading')}</strong>{' '}
      {t('console.identity.eIdSettingChanged', {
        beganText: eIdKeyText(lang, differ.began ?? ''),
        nowText: eIdKeyText(lang, differ.now ?? ''),
        restore: differ.began ? t('console.identity.eIdRestoreClaim', { claim: differ.began }) : t('console.identity.eIdRestoreSubject'),
      })}
    </div>
  );
}

/** Under the e-ID way in the Admission tab: what the vote's persons are keyed by, once recorded, and that it must stay. */
export function EIdSettingRecorded() {
  const t = useT();
  const lang = useLang((s) => s.lang);
  const view = useView();
  const identity = view.admission.identity;
  if (identity.method !== 'oidc' || identity.oidcRecorded === null || mismatch(view)) return null;
  return <p className="note note-info">{t('console.identity.eIdSettingRecorded', { keyText: eIdKeyText(lang, identity.oidcRecorded.claim ?? '') })}</p>;
}
