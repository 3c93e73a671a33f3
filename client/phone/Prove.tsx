// In a city vote, the step before the ballot: the resident proves who they are, by the voter code
// from their letter or card (the card's QR brings it in the address, `?v=`), by their number in
// the residents' list and a second fact, or by a one-time code sent to their e-mail or phone. The same proof on another phone opens the same ballot;
// a refusal says why in the resident's language, as the server words it.

import { useEffect, useId, useMemo, useState, type FormEvent } from 'react';
import type { PhoneForumInfo } from '../../shared/protocol.js';
import { send } from '../lib/connection.js';
import { useT } from '../lib/i18n.js';
import { NameField } from './Join.js';
import { usePhone } from './store.js';
import { deviceToken } from './token.js';

export function ProveForm({ forum }: { forum: PhoneForumInfo }) {
  const t = useT();
  const initialCode = useMemo(() => new URLSearchParams(window.location.search).get('v') ?? '', []);
  // The code leaves the address bar once read, so the browser's history and a shared screen keep none of it.
  useEffect(() => {
    const url = new URL(window.location.href);
    if (!url.searchParams.has('v')) return;
    url.searchParams.delete('v');
    window.history.replaceState(window.history.state, '', url.pathname + url.search + url.hash);
  }, []);
  const [code, setCode] = useState(initialCode);
  const [number, setNumber] = useState('');
  const [fact, setFact] = useState('');
  const [name, setName] = useState('');
  const [to, setTo] = useState('');
  const [sentTo, setSentTo] = useState<string | null>(null);
  const [oneTime, setOneTime] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const ids = { code: useId(), codeHint: useId(), number: useId(), fact: useId(), factHint: useId(), error: useId(), to: useId(), oneTime: useId(), sent: useId() };
  const method = forum.identity;
  const byCode = method === 'codes';
  const bySend = method === 'email' || method === 'sms';

  /** To the e-ID provider; the phone comes back to its forum holding a ballot. */
  async function signIn() {
    setBusy(true);
    setError(null);
    const ack = await send('person:signIn', { token: deviceToken() });
    if (!ack.ok) {
      setBusy(false);
      return setError(ack.error.message);
    }
    window.location.assign(ack.data.url);
  }

  async function requestCode() {
    if (method !== 'email' && method !== 'sms') return;
    setBusy(true);
    setError(null);
    const ack = await send('person:requestCode', { token: deviceToken(), method, to });
    setBusy(false);
    if (!ack.ok) return setError(ack.error.message);
    setSentTo(t('phone.prove.sent', { to: ack.data.sentTo, minutes: ack.data.minutes }));
  }

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (method === 'oidc') return void signIn();
    if (bySend && sentTo === null) return void requestCode();
    if (method === null) return;
    setBusy(true);
    setError(null);
    const proof =
      method === 'email' || method === 'sms'
        ? { method, to, code: oneTime }
        : byCode
          ? { method: 'codes' as const, code }
          : { method: 'list' as const, number, fact };
    const ack = await send('person:prove', { token: deviceToken(), name, proof });
    setBusy(false);
    if (ack.ok) usePhone.setState({ me: ack.data.me, joining: null });
    else setError(ack.error.message);
  }

  const invalid = error ? { 'aria-invalid': true, 'aria-errormessage': ids.error } : {};
  return (
    <form className="card" onSubmit={submit} noValidate>
      <h1>{t('phone.prove.heading')}</h1>
      <p>{t(method === 'oidc' ? 'phone.prove.introOidc' : bySend ? (method === 'email' ? 'phone.prove.introEmail' : 'phone.prove.introSms') : byCode ? 'phone.prove.introCodes' : 'phone.prove.introList')}</p>
      {method === 'oidc' ? null : bySend ? (
        <>
          <div className="field">
            <label htmlFor={ids.to}>{t(method === 'email' ? 'phone.prove.email' : 'phone.prove.phone')}</label>
            <input
              id={ids.to}
              type={method === 'email' ? 'email' : 'tel'}
              inputMode={method === 'email' ? 'email' : 'tel'}
              autoComplete={method === 'email' ? 'email' : 'tel'}
              maxLength={method === 'email' ? 254 : 40}
              value={to}
              readOnly={sentTo !== null}
              onChange={(e) => setTo(e.target.value)}
              required
              {...(sentTo === null ? invalid : {})}
            />
          </div>
          {sentTo !== null && (
            <>
              <p role="status" id={ids.sent}>
                {sentTo}
              </p>
              <div className="field">
                <label htmlFor={ids.oneTime}>{t('phone.prove.oneTime')}</label>
                <input id={ids.oneTime} inputMode="numeric" autoComplete="one-time-code" maxLength={8} value={oneTime} onChange={(e) => setOneTime(e.target.value)} aria-describedby={ids.sent} required {...invalid} />
              </div>
              <button
                type="button"
                className="btn btn-secondary"
                onClick={() => {
                  setSentTo(null);
                  setOneTime('');
                  setError(null);
                }}
              >
                {t('phone.prove.again')}
              </button>
            </>
          )}
        </>
      ) : byCode ? (
        <div className="field">
          <label htmlFor={ids.code}>{t('phone.prove.code')}</label>
          <input
            id={ids.code}
            className="code-input"
            autoComplete="one-time-code"
            autoCapitalize="characters"
            autoCorrect="off"
            spellCheck={false}
            maxLength={24}
            value={code}
            onChange={(e) => setCode(e.target.value)}
            aria-describedby={ids.codeHint}
            required
            {...invalid}
          />
          <span className="hint" id={ids.codeHint}>
            {t('phone.prove.codeHint')}
          </span>
        </div>
      ) : (
        <>
          <div className="field">
            <label htmlFor={ids.number}>{t('phone.prove.number')}</label>
            <input id={ids.number} autoComplete="off" autoCapitalize="characters" spellCheck={false} maxLength={40} value={number} onChange={(e) => setNumber(e.target.value)} required {...invalid} />
          </div>
          <div className="field">
            <label htmlFor={ids.fact}>{t('phone.prove.fact')}</label>
            <input id={ids.fact} autoComplete="off" maxLength={40} value={fact} onChange={(e) => setFact(e.target.value)} aria-describedby={ids.factHint} required {...invalid} />
            <span className="hint" id={ids.factHint}>
              {t('phone.prove.factHint')}
            </span>
          </div>
        </>
      )}
      {method !== 'oidc' && <NameField value={name} onChange={setName} />}
      {error && (
        <p className="error-text" role="alert" id={ids.error}>
          {error}
        </p>
      )}
      <button className="btn btn-wide" type="submit" disabled={busy}>
        {busy ? t('phone.prove.checking') : method === 'oidc' ? t('phone.prove.signIn') : bySend && sentTo === null ? t('phone.prove.send') : t('phone.prove.submit')}
      </button>
      <p className="muted small">{t('phone.prove.sameBallot')}</p>
      <p className="small">
        <a href="privacy">{t('phone.prove.privacy')}</a>
      </p>
    </form>
  );
}
