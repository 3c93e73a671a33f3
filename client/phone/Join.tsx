// Joining and one's name: the join form, the wait for the facilitator's approval, the name that
// can be added or changed later, and what a phone shows when the facilitator voided its ballot.

import { useId, useMemo, useState, type FormEvent } from 'react';
import { LIMITS } from '../../shared/forum/types.js';
import type { PhoneForumInfo, MeView } from '../../shared/protocol.js';
import { send } from '../lib/connection.js';
import { join } from './approval.js';
import { useT } from '../lib/i18n.js';
import { useToasts } from '../lib/ui.js';
import { usePhone } from './store.js';
import { typedBefore } from './served.js';

/** The facilitator voided this ballot: say so plainly, and nothing else is offered. (The notice that comes with it is what is read aloud.) */
export function Voided({ reason }: { reason: string }) {
  const t = useT();
  return (
    <section className="card">
      <h1>{t('phone.voided.heading')}</h1>
      <p>{t('phone.voided.text', { reason })}</p>
    </section>
  );
}

/**
 * The code was right, but the hall is full or joining is paused: the phone waits, and its ballot
 * appears by itself once the facilitator approves. The line is a live region, read out when it comes.
 */
export function Waiting() {
  const t = useT();
  return (
    <section className="card waiting" aria-labelledby="waiting-heading">
      <h1 id="waiting-heading">{t('phone.waiting.heading')}</h1>
      <p role="status" aria-live="polite">
        <span className="waiting-dot" aria-hidden="true" />
        {t('phone.waiting.text')}
      </p>
      <p className="muted">{t('phone.waiting.hint')}</p>
    </section>
  );
}

/** The facilitator turned this device's join away. */
export function JoinRefused({ message }: { message: string }) {
  const t = useT();
  return (
    <section className="card" aria-labelledby="refused-heading">
      <h1 id="refused-heading">{t('phone.joinRefused.heading')}</h1>
      <p role="alert">{message}</p>
      <button type="button" className="btn btn-secondary" onClick={() => usePhone.setState({ joining: null })}>
        {t('phone.joinRefused.again')}
      </button>
    </section>
  );
}

/** The optional name, with a line saying who will see it. */
export function NameField({ value, onChange, autoFocus }: { value: string; onChange(name: string): void; autoFocus?: boolean }) {
  const t = useT();
  const id = useId();
  const hintId = useId();
  return (
    <div className="field">
      <label htmlFor={id}>{t('phone.join.name')}</label>
      <input
        id={id}
        name="name"
        autoComplete="given-name"
        maxLength={LIMITS.name}
        value={value}
        onChange={(e) => onChange(e.target.value)}
        aria-describedby={hintId}
        autoFocus={autoFocus}
      />
      <span className="hint" id={hintId}>
        {t('phone.join.nameHint')}
      </span>
    </div>
  );
}

/** What the code field asks for depends on how the forum admits people. */
const CODE_LABEL = { hall: 'phone.join.codeHall', tickets: 'phone.join.codeTickets', open: 'phone.join.code' } as const;

export function JoinForm({ forum }: { forum: PhoneForumInfo }) {
  const t = useT();
  // What was typed into the server's form before this one replaced it, or the code the QR carried.
  const before = useMemo(() => typedBefore(), []);
  const initialCode = useMemo(() => before?.code ?? new URLSearchParams(window.location.search).get('c') ?? '', [before]);
  const [code, setCode] = useState(initialCode);
  const [name, setName] = useState(before?.name ?? '');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const codeId = useId();

  async function submit(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    const message = await join(code, name);
    setBusy(false);
    setError(message);
  }

  return (
    <form className="card" onSubmit={submit} noValidate>
      <h1>{t('phone.join.heading')}</h1>
      <div className="field">
        <label htmlFor={codeId}>{t(CODE_LABEL[forum.admission])}</label>
        <input
          id={codeId}
          name="code"
          inputMode="numeric"
          autoComplete="off"
          pattern="[0-9 ]*"
          maxLength={20}
          value={code}
          onChange={(e) => setCode(e.target.value)}
          aria-invalid={error ? true : undefined}
          required
        />
      </div>
      <NameField value={name} onChange={setName} />
      {error && (
        <p className="error-text" role="alert">
          {error}
        </p>
      )}
      <button className="btn btn-wide" type="submit" disabled={busy}>
        {busy ? t('phone.join.joining') : t('phone.join.submit')}
      </button>
    </form>
  );
}

/** The name shown beside this participant's ideas; it can be added or changed later. */
export function NameForm({ me }: { me: MeView }) {
  const t = useT();
  const show = useToasts((s) => s.show);
  const [open, setOpen] = useState(false);
  const [name, setName] = useState(me.name);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  if (!open) {
    return (
      <button type="button" className="btn btn-secondary" onClick={() => setOpen(true)}>
        {me.name ? t('phone.name.change') : t('phone.name.add')}
      </button>
    );
  }

  async function submit(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    const ack = await send('participant:rename', { name }, { idempotent: true });
    setBusy(false);
    if (!ack.ok) return setError(ack.error.message);
    usePhone.setState({ me: ack.data.me });
    show(t('common.saved'), 'ok');
    setOpen(false);
  }

  return (
    <form onSubmit={submit} noValidate>
      <NameField value={name} onChange={setName} autoFocus />
      {error && (
        <p className="error-text" role="alert">
          {error}
        </p>
      )}
      <div className="row">
        <button className="btn" type="submit" disabled={busy}>
          {busy ? t('common.saving') : t('common.save')}
        </button>
        <button className="btn btn-secondary" type="button" onClick={() => setOpen(false)}>
          {t('common.cancel')}
        </button>
      </div>
    </form>
  );
}
