// The hall's size and what stands at its door: the alert while joining is paused (a burst of
// joins, or paused by hand), the expected attendance, the devices waiting for approval, and the
// void of everyone who joined in a burst (a time window and/or an address range), counted first.

import { useState, type FormEvent } from 'react';
import { canVoid } from '../../shared/forum/admission.js';
import { LIMITS, type JoinWindow } from '../../shared/forum/types.js';
import type { VoidManyResult } from '../../shared/protocol.js';
import { useLang, useT } from '../lib/i18n.js';
import { useCommands } from './command.js';
import { NumberSetting } from './NumberSetting.js';
import { ConfirmDialog } from './Dialog.js';
import { RequiredText } from './parts.js';
import { useView } from './store.js';

/** Time of day with seconds: a burst lasts seconds. */
function clockSeconds(lang: string, at: number): string {
  return new Intl.DateTimeFormat(lang === 'uk' ? 'uk-UA' : 'en-GB', { hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' }).format(new Date(at));
}

/**
 * Shown at the top of the Overview and Admission tabs while joining is paused or devices wait.
 * `onVoidBurst`: where the void form is on the page, the burst's window is put in it.
 */
export function JoiningAlert({ onVoidBurst }: { onVoidBurst?: (window: JoinWindow) => void }) {
  const t = useT();
  const lang = useLang((s) => s.lang);
  const view = useView();
  const commands = useCommands();
  const a = view.admission;
  if (!a.paused && a.waitingCount === 0) return null;
  const burst = a.paused?.burst ?? null;
  return (
    <section className={`note ${a.paused ? 'note-error' : 'note-warn'} joining-alert`} aria-labelledby="h-joining-alert">
      {/* Read out when it comes; the count of those waiting, which changes with every device, is not. */}
      <div role="alert">
        <h2 id="h-joining-alert">{a.paused ? t('console.joining.paused') : t('console.joining.full')}</h2>
        {burst && (
          <p>
            {t('console.joining.burst', {
              joins: burst.joins,
              addresses: burst.addresses,
              from: clockSeconds(lang, burst.from),
              to: clockSeconds(lang, burst.to),
            })}
          </p>
        )}
        {a.paused && !burst && <p>{t('console.joining.byHand', { at: clockSeconds(lang, a.paused.at) })}</p>}
      </div>
      <p>{t('console.joining.waiting', { count: a.waitingCount })}</p>
      <div className="row">
        {a.paused && (
          <button type="button" className="btn" disabled={commands.busy('resume')} onClick={() => void commands.run('resume', 'admission:resume', {}, () => t('console.joining.resumed'))}>
            {t('console.joining.resume')}
          </button>
        )}
        {burst &&
          (onVoidBurst ? (
            <button type="button" className="btn btn-danger" onClick={() => onVoidBurst({ from: burst.from, to: burst.to })}>
              {t('console.voidMany.fromBurst')}
            </button>
          ) : (
            <a className="btn btn-danger" href="#admission">
              {t('console.voidMany.fromBurst')}
            </a>
          ))}
        {!onVoidBurst && a.waitingCount > 0 && (
          <a className="btn btn-secondary" href="#admission">
            {t('console.joining.toWaiting')}
          </a>
        )}
      </div>
    </section>
  );
}

export function AttendanceCard() {
  const t = useT();
  const view = useView();
  const commands = useCommands();
  const a = view.admission;
  const locked = view.forum.phase === 'closed';

  const save = (expected: number) =>
    commands.run('expected', 'admission:setExpected', { expected }, (data) =>
      [data.expected === 0 ? t('console.attendance.off') : t('console.attendance.saved', { expected: data.expected }), data.admitted > 0 ? t('console.attendance.admitted', { count: data.admitted }) : '']
        .filter(Boolean)
        .join(' '),
    );

  return (
    <section className="card" aria-labelledby="h-attendance">
      <h2 id="h-attendance">{t('console.attendance')}</h2>
      <NumberSetting
        id="attendance-input"
        label={t('console.attendance')}
        value={a.expectedAttendance}
        max={LIMITS.expectedAttendance}
        saveLabel={t('console.attendance.save')}
        busyKey="expected"
        describedBy="attendance-state attendance-help"
        locked={locked}
        onSave={save}
      />
      <p id="attendance-state" className="cap-state">
        <strong>
          {a.expectedAttendance === 0
            ? t('console.attendance.off')
            : t('console.attendance.state', { ballots: a.ballots, expected: a.expectedAttendance })}
        </strong>
        {a.expectedAttendanceIsDefault && <> {t('console.attendance.default')}</>}
      </p>
      <p id="attendance-help" className="muted small">
        {t('console.attendance.help', { joins: a.burstRule.joins, seconds: Math.round(a.burstRule.windowMs / 1000) })}
      </p>
      {!a.paused && (
        <button type="button" className="btn btn-secondary" disabled={locked || commands.busy('pause')} onClick={() => void commands.run('pause', 'admission:pause', {}, () => t('console.joining.pausedSaved'))}>
          {t('console.joining.pause')}
        </button>
      )}
    </section>
  );
}

export function WaitingCard() {
  const t = useT();
  const lang = useLang((s) => s.lang);
  const view = useView();
  const commands = useCommands();
  const a = view.admission;
  const approve = (ids?: string[]) =>
    commands.run(ids ? `approve:${ids[0]}` : 'approve', 'admission:approve', ids ? { ids } : {}, (d) =>
      d.failed > 0 ? t('console.waiting.approvedSome', { count: d.admitted, failed: d.failed }) : t('console.waiting.approved', { count: d.admitted }),
    );
  const refuse = (ids?: string[]) => commands.run(ids ? `refuse:${ids[0]}` : 'refuse', 'admission:refuse', ids ? { ids } : {}, (d) => t('console.waiting.refused', { count: d.refused }));

  return (
    <section className="card" aria-labelledby="h-waiting">
      <h2 id="h-waiting">{t('console.waiting')}</h2>
      {a.waitingCount === 0 ? (
        <p className="muted">{t('console.waiting.none')}</p>
      ) : (
        <>
          <p>{t('console.joining.waiting', { count: a.waitingCount })}</p>
          <div className="row">
            <button type="button" className="btn" disabled={commands.busy('approve')} onClick={() => void approve()}>
              {t('console.waiting.approveAll')}
            </button>
            <button type="button" className="btn btn-danger" disabled={commands.busy('refuse')} onClick={() => void refuse()}>
              {t('console.waiting.refuseAll')}
            </button>
          </div>
          <table className="data-table waiting-table" aria-labelledby="h-waiting">
            <thead>
              <tr>
                <th scope="col">{t('console.waiting.at')}</th>
                <th scope="col">{t('console.admission.address')}</th>
                <th scope="col">{t('console.waiting.name')}</th>
                <th scope="col">
                  <span className="visually-hidden">{t('console.waiting.actions')}</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {a.waiting.map((w) => (
                <tr key={w.id}>
                  <td>{clockSeconds(lang, w.at)}</td>
                  <td className="address">{w.address || '—'}</td>
                  <th scope="row">{w.name || t('console.waiting.noName')}</th>
                  <td className="row-actions">
                    <button type="button" className="btn btn-small" disabled={commands.busy(`approve:${w.id}`)} onClick={() => void approve([w.id])}>
                      {t('console.waiting.approve')}
                      <span className="visually-hidden"> {w.name || w.address}</span>
                    </button>
                    <button type="button" className="btn btn-small btn-secondary" disabled={commands.busy(`refuse:${w.id}`)} onClick={() => void refuse([w.id])}>
                      {t('console.waiting.refuse')}
                      <span className="visually-hidden"> {w.name || w.address}</span>
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
    </section>
  );
}

/** "HH:MM:SS" on the day of `day` (epoch ms), in this computer's time zone. */
function atTime(day: number, time: string): number | undefined {
  const m = /^(\d{1,2}):(\d{2})(?::(\d{2}))?$/.exec(time);
  if (!m) return undefined;
  const d = new Date(day);
  d.setHours(Number(m[1]), Number(m[2]), Number(m[3] ?? 0), 0);
  return d.getTime();
}
const timeOf = (at: number): string => {
  const d = new Date(at);
  return [d.getHours(), d.getMinutes(), d.getSeconds()].map((n) => String(n).padStart(2, '0')).join(':');
};

/** The window as given by the alert: its ends to the second (the form's times drop the milliseconds). */
export interface VoidDraft {
  from: string;
  to: string;
  range: string;
}

export const draftOf = (window: JoinWindow): VoidDraft => ({ from: timeOf(window.from), to: timeOf(window.to), range: '' });

export function VoidBurstCard({ draft, setDraft }: { draft: VoidDraft; setDraft: (d: VoidDraft) => void }) {
  const t = useT();
  const view = useView();
  const commands = useCommands();
  const [reason, setReason] = useState('');
  const [preview, setPreview] = useState<VoidManyResult | null>(null);
  const [confirming, setConfirming] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const allowed = canVoid(view.forum);

  const selection = () => {
    const day = view.admission.paused?.burst?.from ?? Date.now();
    const from = draft.from ? atTime(day, draft.from) : undefined;
    // The form's times are whole seconds: the window's end takes in the whole of its last second.
    const to = draft.to ? (atTime(day, draft.to) ?? 0) + 999 : undefined;
    return { ...(from !== undefined ? { from } : {}), ...(to !== undefined ? { to } : {}), ...(draft.range.trim() ? { range: draft.range.trim() } : {}) };
  };
  const change = (d: VoidDraft) => {
    setDraft(d);
    setPreview(null);
  };

  const count = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    if (!draft.from && !draft.to && !draft.range.trim()) return setError(t('console.voidMany.chooseSome'));
    let shown: VoidManyResult | null = null;
    const ok = await commands.run('preview', 'participant:previewVoidMany', selection(), (d) => {
      shown = d;
      return t('console.voidMany.counted', { count: d.participants });
    });
    if (ok) setPreview(shown);
  };

  const voidThem = async () => {
    const ok = await commands.run('voidMany', 'participant:voidMany', { ...selection(), reason }, (d) =>
      t('console.voidMany.done', { count: d.participants, dots: d.dots, ideas: d.ideas }),
    );
    setConfirming(false);
    if (ok) {
      setPreview(null);
      setReason('');
    }
  };

  return (
    <section className="card" aria-labelledby="h-void-many">
      <h2 id="h-void-many">{t('console.voidMany')}</h2>
      <p className="muted small" id="void-many-help">
        {t('console.voidMany.help')}
      </p>
      {!allowed && <p className="note note-info">{t('console.voidMany.tooLate')}</p>}
      <form onSubmit={(e) => void count(e)} noValidate aria-describedby="void-many-help">
        <fieldset className="plain" disabled={!allowed}>
          <div className="row">
            <div className="field">
              <label htmlFor="void-from">{t('console.voidMany.from')}</label>
              <input id="void-from" type="time" step={1} value={draft.from} onChange={(e) => change({ ...draft, from: e.target.value })} />
            </div>
            <div className="field">
              <label htmlFor="void-to">{t('console.voidMany.to')}</label>
              <input id="void-to" type="time" step={1} value={draft.to} onChange={(e) => change({ ...draft, to: e.target.value })} />
            </div>
            <div className="field field-grow">
              <label htmlFor="void-range">{t('console.voidMany.range')}</label>
              <input
                id="void-range"
                spellCheck={false}
                autoComplete="off"
                maxLength={64}
                placeholder="192.168.1.0/24"
                value={draft.range}
                aria-describedby="void-range-help"
                onChange={(e) => change({ ...draft, range: e.target.value })}
              />
            </div>
          </div>
          <p id="void-range-help" className="hint form-hint">
            {t('console.voidMany.rangeHelp')}
          </p>
          {error && (
            <p className="error-text" role="alert">
              {error}
            </p>
          )}
          <button type="submit" className="btn btn-secondary" disabled={commands.busy('preview')}>
            {t('console.voidMany.count')}
          </button>
        </fieldset>
      </form>
      {preview && (
        <div className="void-preview" role="status">
          <p>
            <strong>{t('console.voidMany.preview', { count: preview.participants, dots: preview.dots, ideas: preview.ideas, refunded: preview.refunded })}</strong>
          </p>
          <RequiredText id="void-many-reason" label={t('console.void.reason')} value={reason} maxLength={LIMITS.reason} error={undefined} onChange={setReason} />
          <button type="button" className="btn btn-danger" disabled={preview.participants === 0 || !reason.trim()} onClick={() => setConfirming(true)}>
            {t('console.voidMany.confirm', { count: preview.participants })}
          </button>
        </div>
      )}
      {confirming && preview && (
        <ConfirmDialog
          title={t('console.voidMany.title', { count: preview.participants })}
          confirmLabel={t('console.voidMany.confirm', { count: preview.participants })}
          irreversible
          busy={commands.busy('voidMany')}
          onConfirm={() => void voidThem()}
          onClose={() => setConfirming(false)}
        >
          <p>{t('console.voidMany.preview', { count: preview.participants, dots: preview.dots, ideas: preview.ideas, refunded: preview.refunded })}</p>
          <p>{t('console.void.help')}</p>
        </ConfirmDialog>
      )}
    </section>
  );
}
