// In a city vote, the step before the ballot: the resident proves who they are, by the voter code
// from their letter or card (the card's QR brings it in the address, `?v=`), or by their number in
// the residents' list and a second fact. The same proof on another phone opens the same ballot;
// a refusal says why in the resident's language, as the server words it.

import { useId, useMemo, useState, type FormEvent } from 'react';
import type { PhoneForumInfo } from '../../shared/protocol.js';
import { send } from '../lib/connection.js';
import { useT } from '../lib/i18n.js';
import { NameField } from './Join.js';
import { usePhone } from './store.js';
import { deviceToken } from './token.js';

export function ProveForm({ forum }: { forum: PhoneForumInfo }) {
  const t = useT();
  const initialCode = useMemo(() => new URLSearchParams(window.location.search).get('v') ?? '', []);
  const [code, setCode] = useState(initialCode);
  const [number, setNumber] = useState('');
  const [fact, setFact] = useState('');
  const [name, setName] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const ids = { code: useId(), codeHint: useId(), number: useId(), fact: useId(), factHint: useId(), error: useId() };
  const byCode = forum.identity === 'codes';

  async function submit(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    const proof = byCode ? { method: 'codes' as const, code } : { method: 'list' as const, number, fact };
    const ack = await send('person:prove', { token: deviceToken(), name, proof });
    setBusy(false);
    if (ack.ok) usePhone.setState({ me: ack.data.me, joining: null });
    else setError(ack.error.message);
  }

  const invalid = error ? { 'aria-invalid': true, 'aria-errormessage': ids.error } : {};
  return (
    <form className="card" onSubmit={submit} noValidate>
      <h1>{t('phone.prove.heading')}</h1>
      <p>{t(byCode ? 'phone.prove.introCodes' : 'phone.prove.introList')}</p>
      {byCode ? (
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
      <NameField value={name} onChange={setName} />
      {error && (
        <p className="error-text" role="alert" id={ids.error}>
          {error}
        </p>
      )}
      <button className="btn btn-wide" type="submit" disabled={busy}>
        {busy ? t('phone.prove.checking') : t('phone.prove.submit')}
      </button>
      <p className="muted small">{t('phone.prove.sameBallot')}</p>
    </form>
  );
}
