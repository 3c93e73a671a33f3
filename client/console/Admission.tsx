// Admission: how people get a ballot and signs that someone is stuffing the ballot box. The mode
// (before the forum opens, or while a vote-only forum's vote runs), the cap per client address, joins and refusals of the last ten
// minutes, addresses shared by several participants, printed tickets (create, print, release),
// the projector's link, and changing the facilitator key; the hall's size, its waiting devices and
// the void of a burst come from Attendance.tsx.

import { forumPath } from '../lib/forum.js';
import { useEffect, useRef, useState, type FormEvent } from 'react';
import { admissionChangeable } from '../../shared/forum/admission.js';
import { ADMISSION_MODES, LIMITS, type AdmissionMode } from '../../shared/forum/types.js';
import type { MessageKey } from '../../shared/i18n/index.js';
import type { AdmissionView } from '../../shared/protocol.js';
import { useLang, useT } from '../lib/i18n.js';
import { useCommands } from './command.js';
import { NumberSetting } from './NumberSetting.js';
import { Dialog } from './Dialog.js';
import { useGrant } from './grant.js';
import { clock, ReachableNote, screenLink } from './parts.js';
import { AttendanceCard, draftOf, JoiningAlert, VoidBurstCard, WaitingCard, type VoidDraft } from './Attendance.js';
import { IdentityCard } from './Identity.js';
import { useConsole, useView } from './store.js';

export function Admission() {
  const [voidDraft, setVoidDraft] = useState<VoidDraft>({ from: '', to: '', range: '' });
  return (
    <div className="admission">
      <div className="admission-notes">
        <ReachableNote />
        <JoiningAlert
          onVoidBurst={(window) => {
            setVoidDraft(draftOf(window));
            document.getElementById('h-void-many')?.scrollIntoView({ block: 'start' });
            document.getElementById('void-from')?.focus({ preventScroll: true });
          }}
        />
      </div>
      <div className="admission-col">
        <IdentityCard />
        <AttendanceCard />
        <WaitingCard />
        <ModeCard />
        <TicketsCard />
        <KeyCard />
      </div>
      <div className="admission-col">
        <VoidBurstCard draft={voidDraft} setDraft={setVoidDraft} />
        <CapCard />
        <ActivityCard />
        <ScreenCard />
      </div>
    </div>
  );
}

function ModeCard() {
  const t = useT();
  const view = useView();
  const commands = useCommands();
  // The choice shows at once; the server's view confirms it a moment later.
  const [pending, setPending] = useState<AdmissionMode | null>(null);
  const locked = !admissionChangeable(view.forum);
  const voteOnlyOpen = view.forum.voteOnly && !locked && view.forum.phase !== 'lobby';
  const shown = pending ?? view.admission.mode;
  const modeName = (mode: AdmissionMode) => t(`console.admission.mode.${mode}` as MessageKey);

  const choose = async (mode: AdmissionMode) => {
    if (commands.busy('mode')) return;
    setPending(mode);
    const ok = await commands.run('mode', 'admission:setMode', { mode }, (data) => t('console.admission.modeSaved', { mode: modeName(data.mode) }));
    if (!ok) setPending(null);
  };
  // The ack comes before the view (views are pushed at most every 200 ms): clearing the choice at
  // the ack would flick the old mode back for a moment. It goes once the view carries it.
  useEffect(() => {
    if (pending !== null && view.admission.mode === pending) setPending(null);
  }, [pending, view.admission.mode]);

  return (
    <section className="card" aria-labelledby="h-mode">
      <h2 id="h-mode">{t('console.admission.mode')}</h2>
      {locked && (
        <p className="note note-info" id="mode-locked">
          {t('console.admission.modeLocked')}
        </p>
      )}
      {voteOnlyOpen && <p className="note note-info">{t('console.admission.modeVoteOnly')}</p>}
      <fieldset className="plain mode-options" disabled={locked} aria-describedby={locked ? 'mode-locked' : undefined}>
        <legend className="visually-hidden">{t('console.admission.mode')}</legend>
        {ADMISSION_MODES.map((mode) => (
          <label key={mode} className={`mode-option${shown === mode ? ' is-chosen' : ''}`}>
            <input
              type="radio"
              name="admission-mode"
              value={mode}
              checked={shown === mode}
              aria-describedby={`mode-${mode}-help`}
              onChange={() => void choose(mode)}
            />
            <span className="mode-text">
              <span className="mode-name">{modeName(mode)}</span>
              <span id={`mode-${mode}-help`} className="hint">
                {t(`console.admission.mode.${mode}Help` as MessageKey)}
              </span>
            </span>
          </label>
        ))}
      </fieldset>
    </section>
  );
}

function CapCard() {
  const t = useT();
  const view = useView();
  const commands = useCommands();
  const { maxPerAddress: max, maxPerAddressIsDefault: isDefault } = view.admission;
  const locked = view.forum.phase === 'closed';

  const save = (value: number) =>
    commands.run('cap', 'admission:setAddressCap', { max: value }, (data) =>
      data.max === 0 ? t('console.admission.capOff') : t('console.admission.capSaved', { max: data.max }),
    );

  return (
    <section className="card" aria-labelledby="h-cap">
      <h2 id="h-cap">{t('console.admission.cap')}</h2>
      <NumberSetting
        id="cap-input"
        label={t('console.admission.cap')}
        value={max}
        max={LIMITS.maxPerAddress}
        saveLabel={t('common.save')}
        busyKey="cap"
        describedBy="cap-state cap-help"
        locked={locked}
        onSave={save}
      />
      <p id="cap-state" className="cap-state">
        <strong>{max === 0 ? t('console.admission.capOff') : t('console.admission.capSaved', { max })}.</strong>
        {view.admission.identity.method ? <> {t('console.admission.capIdentity')}</> : isDefault && <> {t('console.admission.capDefault')}</>}
      </p>
      <p id="cap-help" className="muted small">
        {t('console.admission.capHelp')}
      </p>
    </section>
  );
}

/** Participants on one address from which the NAT warning shows whatever the cap. */
const MANY_ON_ONE_ADDRESS = 5;

/**
 * A venue whose phones all leave through one address (NAT) shows up as addresses filling to the
 * cap, one address holding many, or one address at the cap while more are refused there.
 */
function looksLikeNat(a: AdmissionView): boolean {
  if (a.maxPerAddress === 0) return false;
  const atCap = a.sharedAddresses.filter((s) => s.participants >= a.maxPerAddress).length;
  return atCap >= 2 || a.sharedAddresses.some((s) => s.participants >= MANY_ON_ONE_ADDRESS) || (atCap >= 1 && a.refused.addressLimit >= 3);
}

function ActivityCard() {
  const t = useT();
  const view = useView();
  const a = view.admission;
  const peak = Math.max(1, ...a.joinsPerMinute);
  const last = a.joinsPerMinute.length - 1;
  const minuteLabel = (ago: number) => (ago === 0 ? t('console.admission.thisMinute') : t('console.admission.minutesAgo', { n: ago }));
  const causes = ['addressLimit', 'wrongCode', 'rateLimited', 'connectionLimit'] as const;

  return (
    <section className="card" aria-labelledby="h-activity">
      <h2 id="h-activity">{t('console.admission.joinsPerMinute')}</h2>
      <div className="joins">
        <ol className="joins-bars" aria-labelledby="h-activity">
          {a.joinsPerMinute.map((n, i) => (
            <li key={i}>
              <span className="visually-hidden">
                {minuteLabel(last - i)}: {t('count.participants', { count: n })}
              </span>
              <span className="joins-count" aria-hidden="true">
                {n}
              </span>
              <span className="joins-bar" aria-hidden="true" style={{ height: `${(n / peak) * 100}%` }} />
            </li>
          ))}
        </ol>
        <div className="joins-axis" aria-hidden="true">
          <span>{minuteLabel(last)}</span>
          <span>{minuteLabel(0)}</span>
        </div>
      </div>

      <h3>{t('console.admission.refused')}</h3>
      <dl className="refusals">
        {causes.map((cause) => (
          <div key={cause} className={a.refused[cause] > 0 ? 'has-some' : undefined}>
            <dt>{t(`console.admission.refused.${cause}`)}</dt>
            <dd>{a.refused[cause]}</dd>
          </div>
        ))}
      </dl>

      <h3 id="h-shared">{t('console.admission.shared')}</h3>
      {looksLikeNat(a) && (
        <p className="note note-warn" role="note">
          {t('console.admission.natWarning')}
        </p>
      )}
      {a.sharedAddresses.length === 0 ? (
        <p className="muted">{t('console.admission.sharedNone')}</p>
      ) : (
        <table className="data-table shared-table" aria-labelledby="h-shared">
          <thead>
            <tr>
              <th scope="col">{t('console.admission.address')}</th>
              <th scope="col" className="num">
                {t('console.participants')}
              </th>
            </tr>
          </thead>
          <tbody>
            {a.sharedAddresses.map((s) => {
              const atCap = a.maxPerAddress > 0 && s.participants >= a.maxPerAddress;
              return (
                <tr key={s.address} className={atCap ? 'at-cap' : undefined}>
                  <th scope="row" className="address">
                    {s.address}
                  </th>
                  <td className="num">
                    {atCap && <span className="status status-hidden">{t('console.admission.atCap')}</span>} {s.participants}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
    </section>
  );
}

function TicketsCard() {
  const t = useT();
  const lang = useLang((s) => s.lang);
  const view = useView();
  const commands = useCommands();
  const grant = useGrant();
  const [count, setCount] = useState('10');
  const [code, setCode] = useState('');
  const { tickets, mode } = view.admission;
  const locked = view.forum.phase === 'closed';
  const sheet = (batch?: number) =>
    `${forumPath('/console/tickets')}?grant=${encodeURIComponent(grant ?? '')}&lang=${lang}${batch === undefined ? '' : `&batch=${batch}`}`;

  const issue = async (e: FormEvent) => {
    e.preventDefault();
    await commands.run('issue', 'tickets:issue', { count: Number(count) }, (data) => t('console.tickets.issued', { count: data.count }));
  };

  const release = async (e: FormEvent) => {
    e.preventDefault();
    const ok = await commands.run('release', 'tickets:release', { code: code.trim() }, (data) =>
      t('console.tickets.released', { number: data.number }),
    );
    if (ok) setCode('');
  };

  const prints = [
    ...tickets.batches.map((b) => ({
      key: `batch-${b.batch}`,
      href: sheet(b.batch),
      label: t('console.tickets.print', { batch: b.batch, count: b.count }),
      at: b.at,
    })),
    { key: 'all', href: sheet(), label: t('console.tickets.printAll'), at: null },
  ];

  return (
    <section className="card" aria-labelledby="h-tickets">
      <h2 id="h-tickets">{t('console.tickets')}</h2>
      {mode !== 'tickets' && <p className="note note-info">{t('console.tickets.unused')}</p>}
      <p className="tickets-summary">
        {t('console.tickets.summary', { issued: tickets.issued, used: tickets.used, released: tickets.released })}
      </p>

      <form onSubmit={(e) => void issue(e)}>
        <fieldset className="plain" disabled={locked}>
          <div className="row">
            <div className="field">
              <label htmlFor="tickets-count">{t('console.tickets.count')}</label>
              <input
                id="tickets-count"
                type="number"
                inputMode="numeric"
                min={1}
                max={LIMITS.ticketsPerBatch}
                step={1}
                required
                value={count}
                aria-describedby="tickets-count-range"
                onChange={(e) => setCount(e.target.value)}
              />
            </div>
            <div className="field">
              <button type="submit" className="btn" disabled={commands.busy('issue')}>
                {t('console.tickets.issue')}
              </button>
            </div>
          </div>
          <p id="tickets-count-range" className="hint form-hint">
            {t('console.range', { min: 1, max: LIMITS.ticketsPerBatch })}
          </p>
        </fieldset>
      </form>

      {tickets.issued === 0 ? (
        <p className="muted">{t('console.tickets.none')}</p>
      ) : (
        <>
          {!grant && (
            <p className="muted" id="tickets-waiting" role="status">
              {t('console.grantWaiting')}
            </p>
          )}
          <ul className="print-list">
            {prints.map((p) => (
              <li key={p.key}>
                {grant ? (
                  <a className="btn btn-secondary btn-small" href={p.href} target="_blank" rel="noreferrer">
                    {p.label} <span className="visually-hidden">{t('console.newTab')}</span>
                  </a>
                ) : (
                  <button type="button" className="btn btn-secondary btn-small" disabled aria-describedby="tickets-waiting">
                    {p.label}
                  </button>
                )}
                {p.at !== null && <span className="muted small">{clock(lang, p.at)}</span>}
              </li>
            ))}
          </ul>
        </>
      )}

      <h3 id="h-release">{t('console.tickets.release')}</h3>
      <p className="muted small" id="release-help">
        {t('console.tickets.releaseHelp')}
      </p>
      <form onSubmit={(e) => void release(e)} aria-labelledby="h-release">
        <fieldset className="plain" disabled={locked}>
          <div className="row">
            <div className="field field-grow">
              <label htmlFor="release-code">{t('console.tickets.releaseCode')}</label>
              <input
                id="release-code"
                inputMode="numeric"
                autoComplete="off"
                spellCheck={false}
                maxLength={40}
                required
                value={code}
                aria-describedby="release-help"
                // A ticket code is digits, grouped by a space as printed; nothing else can be typed.
                onChange={(e) => setCode(e.target.value.replace(/[^\d ]/g, ''))}
              />
            </div>
            <div className="field">
              <button type="submit" className="btn btn-secondary" disabled={commands.busy('release')}>
                {t('console.tickets.release')}
              </button>
            </div>
          </div>
        </fieldset>
      </form>
    </section>
  );
}

function ScreenCard() {
  const t = useT();
  const view = useView();
  const commands = useCommands();
  const url = screenLink(view);
  const [confirming, setConfirming] = useState(false);
  const cancelRef = useRef<HTMLButtonElement>(null);
  const rotate = async () => {
    // The new link comes with the next view of the console; the message says what to do with it.
    const ok = await commands.run('screenKey', 'display:rotateKey', {}, () => t('console.screenKey.changed'));
    if (ok) setConfirming(false);
  };
  return (
    <section className="card" aria-labelledby="h-screen-link">
      <h2 id="h-screen-link">{t('console.screenLink')}</h2>
      <p className="link-line">
        <a href={url} target="_blank" rel="noreferrer" aria-describedby="screen-link-help">
          {url} <span className="visually-hidden">{t('console.newTab')}</span>
        </a>
      </p>
      <p id="screen-link-help" className="muted small">
        {t('console.screenLinkHelp')} {t('console.screenKey.help')}
      </p>
      <button type="button" className="btn btn-secondary" onClick={() => setConfirming(true)}>
        {t('console.screenKey.rotate')}
      </button>
      {confirming && (
        <Dialog title={t('console.screenKey.rotate')} describedBy="screen-key-confirm" initialFocus={cancelRef} onClose={() => setConfirming(false)}>
          <p id="screen-key-confirm">{t('console.screenKey.confirm')}</p>
          <div className="form-actions dialog-actions">
            <button ref={cancelRef} type="button" className="btn btn-secondary" onClick={() => setConfirming(false)}>
              {t('common.cancel')}
            </button>
            <button type="button" className="btn btn-danger-solid" disabled={commands.busy('screenKey')} onClick={() => void rotate()}>
              {t('console.screenKey.rotate')}
            </button>
          </div>
        </Dialog>
      )}
    </section>
  );
}

function KeyCard() {
  const t = useT();
  const view = useView();
  const commands = useCommands();
  const setKey = useConsole((s) => s.setKey);
  const [confirming, setConfirming] = useState(false);
  const [newLink, setNewLink] = useState<string | null>(null);
  const cancelRef = useRef<HTMLButtonElement>(null);
  const linkRef = useRef<HTMLInputElement>(null);
  const rotated = useRef(false);

  const rotate = async () => {
    let key = '';
    const ok = await commands.run('rotate', 'facilitator:rotateKey', {}, (data) => {
      key = data.key;
      return t('console.key.changed');
    });
    if (!ok) return;
    // The server drops this console right after the ack; the reconnect that follows takes the key from the store.
    rotated.current = true;
    setKey(key);
    // The public address, as for every link that may be opened on another device (a tablet).
    setNewLink(`${view.admission.publicUrl}/console?key=${encodeURIComponent(key)}`);
    setConfirming(false);
  };

  return (
    <section className="card" aria-labelledby="h-key">
      <h2 id="h-key">{t('console.key')}</h2>
      <p className="muted small">{t('console.key.help')}</p>
      {view.admission.keyFromEnv && <p className="note note-info">{t('console.key.envNote')}</p>}
      {newLink && (
        <div className="field new-link">
          <label htmlFor="new-console-link">{t('console.key.rotated')}</label>
          <input
            ref={linkRef}
            id="new-console-link"
            readOnly
            value={newLink}
            spellCheck={false}
            onFocus={(e) => e.currentTarget.select()}
          />
        </div>
      )}
      <button
        type="button"
        className="btn btn-danger"
        onClick={() => {
          rotated.current = false;
          setConfirming(true);
        }}
      >
        {t('console.key.rotate')}
      </button>
      {confirming && (
        <Dialog
          title={t('console.key')}
          describedBy="key-confirm"
          initialFocus={cancelRef}
          onClose={() => setConfirming(false)}
          // After a change, to the new link, ready to copy.
          returnFocus={() => (rotated.current ? linkRef.current : null)}
        >
          <p id="key-confirm">{t('console.key.confirm')}</p>
          <div className="form-actions dialog-actions">
            <button ref={cancelRef} type="button" className="btn btn-secondary" onClick={() => setConfirming(false)}>
              {t('common.cancel')}
            </button>
            <button type="button" className="btn btn-danger-solid" disabled={commands.busy('rotate')} onClick={() => void rotate()}>
              {t('console.key.rotate')}
            </button>
          </div>
        </Dialog>
      )}
    </section>
  );
}
