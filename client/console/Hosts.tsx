// Table hosts and co-facilitators: the facilitator invites one by name, for the whole forum or one
// priority, and hands over the link (shown once, with a QR of it to scan from this screen), sees who
// of them is connected, and revokes a host's access (through a dialog: the link stops working).
// In a city vote the same goes for a voting point's staff, named with their point: their link opens
// the staff page (client/staff/), where they take ballots in person and on paper.

import { useEffect, useId, useRef, useState, type FormEvent } from 'react';
import { LIMITS } from '../../shared/forum/types.js';
import type { ConsoleHost, ConsoleView } from '../../shared/protocol.js';
import { useT, type T } from '../lib/i18n.js';
import { useCommands } from './command.js';
import { ConfirmDialog } from './Dialog.js';
import { RequiredText } from './parts.js';
import { useView } from './store.js';

/** "пріоритет 1 «Зелене місто»", or "увесь форум". */
export function scopeText(t: T, view: ConsoleView, scope: string | null): string {
  if (scope === null) return t('console.hosts.wholeForum');
  const p = view.forum.priorities.find((x) => x.code === scope);
  return t('console.hosts.priority', { code: scope, title: p?.title ?? '' });
}

export function Hosts() {
  const t = useT();
  return (
    <div className="hosts">
      <h2>{t('console.hosts.heading')}</h2>
      <p className="muted hosts-help">{t('console.hosts.help')}</p>
      <div className="hosts-layout">
        <InviteCard />
        <HostList />
      </div>
    </div>
  );
}

function InviteCard() {
  const t = useT();
  const view = useView();
  const commands = useCommands();
  const [name, setName] = useState('');
  const [scope, setScope] = useState('');
  const [point, setPoint] = useState('');
  const [error, setError] = useState('');
  const [invited, setInvited] = useState<{ name: string; scope: string | null; point: string | null; link: string } | null>(null);
  const cityVote = view.forum.cityVote !== null;
  const nameRef = useRef<HTMLInputElement>(null);
  const closed = view.forum.phase === 'closed';

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!name.trim()) {
      setError(t('err.TEXT_REQUIRED', { fieldName: t('field.name') }));
      nameRef.current?.focus();
      return;
    }
    const atPoint = cityVote && point.trim() ? point.trim() : null;
    const chosen = atPoint === null ? scope || null : null;
    let link = '';
    const ok = await commands.run('invite', 'host:invite', { name, scope: chosen, ...(atPoint !== null ? { point: atPoint } : {}) }, (data) => {
      link = data.link;
      return t('console.hosts.invited', { name: name.trim() });
    });
    if (!ok) return;
    // On the server's public address, not this console's: a console opened on localhost would
    // otherwise hand the host's tablet a link that opens the tablet itself.
    setInvited({ name: name.trim(), scope: chosen, point: atPoint, link: `${view.admission.publicUrl}${link}` });
    setName('');
    setPoint('');
  };

  return (
    <section className="card" aria-labelledby="h-invite">
      <h3 id="h-invite">{t('console.hosts.invite')}</h3>
      {closed ? (
        <p className="muted">{t('console.hosts.closed')}</p>
      ) : (
        <form onSubmit={(e) => void submit(e)} noValidate>
          <RequiredText
            id="host-name"
            label={t('console.hosts.name')}
            value={name}
            maxLength={LIMITS.name}
            error={error}
            inputRef={nameRef}
            onChange={(value) => {
              setName(value);
              setError('');
            }}
          />
          {cityVote && (
            <div className="field">
              <label htmlFor="host-point">{t('console.hosts.point')}</label>
              <input id="host-point" maxLength={LIMITS.place} value={point} onChange={(e) => setPoint(e.target.value)} aria-describedby="host-point-help" />
              <span className="hint" id="host-point-help">
                {t('console.hosts.pointHelp')}
              </span>
            </div>
          )}
          {/* A point's staff serve the whole vote: no priority to choose. */}
          {!(cityVote && point.trim() !== '') && (
            <div className="field">
              <label htmlFor="host-scope">{t('console.hosts.scope')}</label>
              <select id="host-scope" value={scope} onChange={(e) => setScope(e.target.value)}>
                <option value="">{t('console.hosts.wholeForum')}</option>
                {view.forum.priorities.map((p) => (
                  <option key={p.code} value={p.code}>
                    {t('console.hosts.priority', { code: p.code, title: p.title })}
                  </option>
                ))}
              </select>
            </div>
          )}
          <button type="submit" className="btn" disabled={commands.busy('invite')}>
            {t('console.hosts.inviteButton')}
          </button>
        </form>
      )}
      {invited && <NewLink {...invited} />}
    </section>
  );
}

/** The invitation's link, once: the server keeps only a hash of its secret. */
function NewLink({ name, scope, point, link }: { name: string; scope: string | null; point: string | null; link: string }) {
  const t = useT();
  const view = useView();
  const inputId = useId();
  const inputRef = useRef<HTMLInputElement>(null);
  const [qr, setQr] = useState<string | null>(null);
  const [copied, setCopied] = useState(false);

  useEffect(() => {
    inputRef.current?.focus();
    inputRef.current?.select();
    let live = true;
    // The QR library is fetched only when a host is invited, not with the console.
    void import('qrcode')
      .then(({ default: QRCode }) => QRCode.toString(link, { type: 'svg', margin: 2, errorCorrectionLevel: 'M' }))
      .then((svg) => live && setQr(`data:image/svg+xml;charset=utf-8,${encodeURIComponent(svg)}`))
      .catch(() => live && setQr(null));
    return () => {
      live = false;
    };
  }, [link]);

  const copy = async () => {
    try {
      await navigator.clipboard.writeText(link);
      setCopied(true);
    } catch {
      // Plain http on the LAN has no clipboard API: the link is selected for Ctrl+C instead.
      inputRef.current?.select();
    }
  };

  return (
    <div className="new-link host-link">
      <div className="field">
        <label htmlFor={inputId}>{t('console.hosts.linkFor', { name, scope: point !== null ? t('console.hosts.atPoint', { point }) : scopeText(t, view, scope) })}</label>
        <input ref={inputRef} id={inputId} readOnly value={link} onFocus={(e) => e.target.select()} />
      </div>
      <div className="host-link-row">
        {qr && <img className="host-qr" src={qr} alt={t('console.hosts.qrAlt', { name })} />}
        <div>
          <button type="button" className="btn btn-secondary btn-small" onClick={() => void copy()}>
            {t(copied ? 'console.hosts.copied' : 'console.hosts.copy')}
          </button>
          <p className="muted small">{t('console.hosts.once')}</p>
        </div>
      </div>
    </div>
  );
}

function HostList() {
  const t = useT();
  const view = useView();
  const commands = useCommands();
  const [asking, setAsking] = useState<ConsoleHost | null>(null);
  const hosts = [...view.hosts].sort((a, b) => Number(a.revoked) - Number(b.revoked) || Number(b.online) - Number(a.online));

  const revoke = async (host: ConsoleHost) => {
    await commands.run(`revoke:${host.id}`, 'host:revoke', { hostId: host.id }, () => t('console.hosts.revoked', { name: host.name }));
    setAsking(null);
  };

  return (
    <section className="card" aria-labelledby="h-host-list">
      <h3 id="h-host-list">{t('console.hosts.list')}</h3>
      {hosts.length === 0 ? (
        <p className="muted">{t('console.hosts.none')}</p>
      ) : (
        <div className="table-wrap">
          <table className="data-table">
            <thead>
              <tr>
                <th scope="col">{t('field.name')}</th>
                <th scope="col">{t('console.hosts.scope')}</th>
                <th scope="col">{t('console.status')}</th>
                <th scope="col">
                  <span className="visually-hidden">{t('console.actions')}</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {hosts.map((h) => (
                <tr key={h.id} className={h.revoked ? 'is-voided' : undefined}>
                  <td className="typed">
                    <span id={`host-${h.id}`} className="participant-name" tabIndex={-1}>
                      {h.name}
                    </span>
                  </td>
                  <td className="typed">{h.point !== null ? t('console.hosts.atPoint', { point: h.point }) : scopeText(t, view, h.scope)}</td>
                  <td>
                    {h.revoked ? (
                      <span className="voided-mark">{t('console.hosts.revokedMark')}</span>
                    ) : (
                      <span className={`presence ${h.online ? 'on' : 'off'}`}>
                        <span className="presence-dot" aria-hidden="true" />
                        {t(h.online ? 'console.isOnline' : 'console.isOffline')}
                      </span>
                    )}
                  </td>
                  <td className="row-actions">
                    {!h.revoked && (
                      <button
                        type="button"
                        className="btn btn-danger btn-small"
                        aria-describedby={`host-${h.id}`}
                        disabled={commands.busy(`revoke:${h.id}`)}
                        onClick={() => setAsking(h)}
                      >
                        {t('console.hosts.revoke')}
                      </button>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {asking && (
        <ConfirmDialog
          title={t('console.hosts.revokeTitle', { name: asking.name })}
          confirmLabel={t('console.hosts.revoke')}
          irreversible
          busy={commands.busy(`revoke:${asking.id}`)}
          onConfirm={() => void revoke(asking)}
          onClose={() => setAsking(null)}
          returnFocus={() => document.getElementById(`host-${asking.id}`)}
        >
          <p className="note note-warn">{t('console.hosts.revokeText', { name: asking.name })}</p>
        </ConfirmDialog>
      )}
    </section>
  );
}
