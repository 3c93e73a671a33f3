// A city vote's "who may vote": how each person proves who they are (chosen before anyone holds a
// ballot, and explained in plain words: what each way keeps out and what it does not), then its
// tools: voter codes to issue, download as CSV for a mail house and print; the eligibility list to
// upload (read here, sent in parts, kept by the server only as keyed hashes). Vote-only forums only.

import { useEffect, useState, type ChangeEvent, type FormEvent } from 'react';
import { VOTER_CODES_PER_BATCH } from '../../shared/forum/identity.js';
import { IDENTITY_METHODS, type IdentityMethod } from '../../shared/forum/types.js';
import type { MessageKey } from '../../shared/i18n/index.js';
import { send } from '../lib/connection.js';
import { forumPath } from '../lib/forum.js';
import { useLang, useT } from '../lib/i18n.js';
import { useToasts } from '../lib/ui.js';
import { useCommands } from './command.js';
import { EIdSettingRecorded } from './EIdSetting.js';
import { useGrant } from './grant.js';
import { clock } from './parts.js';
import { useView } from './store.js';

/** As the server prints them: a sheet holds at most this many codes (server/http/voterCodes.ts). */
const CODES_PER_SHEET = 2000;
/** Rows sent in one command (the server takes up to 2,000). */
const ROWS_PER_PART = 1000;

type Choice = IdentityMethod | 'none';

export function IdentityCard() {
  const t = useT();
  const view = useView();
  const commands = useCommands();
  const identity = view.admission.identity;
  const [pending, setPending] = useState<Choice | null>(null);
  // The ack comes before the view (pushed at most every 200 ms): the choice stays shown until the
  // view carries it, or the old way would flick back for a moment (as the admission mode's does).
  const carried = identity.method ?? 'none';
  useEffect(() => {
    if (pending !== null && carried === pending) setPending(null);
  }, [pending, carried]);
  if (!view.forum.voteOnly) return null;
  const shown: Choice = pending ?? identity.method ?? 'none';
  const locked = !identity.changeable;

  const choose = async (choice: Choice) => {
    if (commands.busy('identity')) return;
    setPending(choice);
    const ok = await commands.run('identity', 'identity:setMethod', { method: choice === 'none' ? null : choice }, (data) =>
      t('console.identity.saved', { method: t(`console.identity.${data.method ?? 'none'}` as MessageKey) }),
    );
    if (!ok) setPending(null);
  };

  return (
    <section className="card" aria-labelledby="h-identity">
      <h2 id="h-identity">{t('console.identity')}</h2>
      <p className="hint">{t('console.identity.intro')}</p>
      {locked && (
        <p className="note note-info" id="identity-locked">
          {t('console.identity.locked')}
        </p>
      )}
      <fieldset className="plain mode-options" disabled={locked} aria-describedby={locked ? 'identity-locked' : undefined}>
        <legend className="visually-hidden">{t('console.identity')}</legend>
        {(['none', ...IDENTITY_METHODS] as Choice[]).map((choice) => {
          // A way whose provider the server lacks cannot be chosen; it says so rather than failing later.
          const missing = (choice === 'email' || choice === 'sms' || choice === 'oidc') && !identity.senders[choice];
          return (
            <label key={choice} className={`mode-option${shown === choice ? ' is-chosen' : ''}`}>
              <input type="radio" name="identity-method" value={choice} checked={shown === choice} disabled={missing} aria-describedby={`identity-${choice}-help`} onChange={() => void choose(choice)} />
              <span className="mode-text">
                <span className="mode-name">{t(`console.identity.${choice}` as MessageKey)}</span>
                <span id={`identity-${choice}-help`} className="hint">
                  {t(`console.identity.${choice}Help` as MessageKey)}
                  {missing && ` ${t('console.identity.noSender')}`}
                </span>
              </span>
            </label>
          );
        })}
      </fieldset>
      {shown === 'oidc' && identity.senders.oidc && (
        // Whether a resident who signed in online can be told apart at a voting point: the README's "Channels".
        <p className={`note ${identity.oidcPersonClaim ? 'note-info' : 'note-warn'}`}>
          {identity.oidcPersonClaim ? t('console.identity.oidcByRegister', { claim: identity.oidcPersonClaim }) : t('console.identity.oidcBySubject')}
        </p>
      )}
      <EIdSettingRecorded />
      {identity.method && <p className="tickets-summary">{t('console.identity.summary', { persons: identity.persons, devices: identity.devices })}</p>}
      {identity.method === 'codes' && <VoterCodes />}
      {identity.method === 'list' && <EligibilityList />}
    </section>
  );
}

function VoterCodes() {
  const t = useT();
  const lang = useLang((s) => s.lang);
  const view = useView();
  const commands = useCommands();
  const grant = useGrant();
  const [count, setCount] = useState('1000');
  const { codes } = view.admission.identity;
  const link = (path: string, query: string) => `${forumPath(path)}?grant=${encodeURIComponent(grant ?? '')}&lang=${lang}&${query}`;

  const issue = async (e: FormEvent) => {
    e.preventDefault();
    await commands.run('codes', 'identity:issueCodes', { count: Number(count) }, (data) => t('console.identity.codesIssued', { count: data.count, batch: data.batch }));
  };

  let first = 1;
  const batches = codes.batches.map((b) => {
    const from = first;
    first += b.count;
    const sheets = Array.from({ length: Math.ceil(b.count / CODES_PER_SHEET) }, (_, i) => from + i * CODES_PER_SHEET);
    return { ...b, from, sheets };
  });

  return (
    <>
      <h3 id="h-codes">{t('console.identity.codes')}</h3>
      <p className="muted small">{t('console.identity.codesIssuedSoFar', { count: codes.issued })}</p>
      <form onSubmit={(e) => void issue(e)} aria-labelledby="h-codes">
        <fieldset className="plain" disabled={view.forum.phase === 'closed'}>
          <div className="row">
            <div className="field">
              <label htmlFor="codes-count">{t('console.identity.codesCount')}</label>
              <input id="codes-count" type="number" inputMode="numeric" min={1} max={VOTER_CODES_PER_BATCH} step={1} required value={count} aria-describedby="codes-count-range" onChange={(e) => setCount(e.target.value)} />
            </div>
            <div className="field">
              <button type="submit" className="btn" disabled={commands.busy('codes')}>
                {t('console.identity.codesIssue')}
              </button>
            </div>
          </div>
          <p id="codes-count-range" className="hint form-hint">
            {t('console.range', { min: 1, max: VOTER_CODES_PER_BATCH })}
          </p>
        </fieldset>
      </form>
      {batches.length > 0 && !grant && (
        <p className="muted" role="status">
          {t('console.grantWaiting')}
        </p>
      )}
      {grant && (
        <ul className="print-list">
          {batches.map((b) => (
            <li key={b.batch}>
              <span>{t('console.identity.batch', { batch: b.batch, count: b.count })}</span>{' '}
              <span className="muted small">{clock(lang, b.at)}</span>
              <a className="btn btn-secondary btn-small" href={link('/console/voter-codes.csv', `batch=${b.batch}`)} download>
                {t('console.identity.codesCsv')}
              </a>
              {b.sheets.map((from) => (
                <a key={from} className="btn btn-secondary btn-small" href={link('/console/voter-codes', `batch=${b.batch}&from=${from}`)} target="_blank" rel="noreferrer">
                  {t('console.identity.codesSheet', { from, to: Math.min(from + CODES_PER_SHEET, b.from + b.count) - 1 })} <span className="visually-hidden">{t('console.newTab')}</span>
                </a>
              ))}
            </li>
          ))}
        </ul>
      )}
    </>
  );
}

/** The rows of a list file: a number and a second fact each; a first line without a digit is its header. */
export function listRows(text: string): { rows: { number: string; fact: string }[]; firstLine: number } {
  const lines = text.replace(/^\uFEFF/, '').split(/\r\n|\n|\r/);
  const sep = [';', '\t', ','].find((s) => lines[0]?.includes(s)) ?? ',';
  const cells = (line: string) => line.split(sep).map((c) => c.trim().replace(/^"(.*)"$/, '$1'));
  const header = lines.length > 0 && !/\d/.test(lines[0]);
  const firstLine = header ? 2 : 1;
  const body = lines.slice(header ? 1 : 0);
  while (body.length > 0 && body[body.length - 1].trim() === '') body.pop();
  return { rows: body.map((line) => { const [number = '', fact = ''] = cells(line); return { number, fact }; }), firstLine };
}

function EligibilityList() {
  const t = useT();
  const view = useView();
  const [progress, setProgress] = useState<{ sent: number; of: number } | null>(null);

  const upload = async (e: ChangeEvent<HTMLInputElement>) => {
    const file = e.target.files?.[0];
    e.target.value = '';
    if (!file || progress) return;
    const { show } = useToasts.getState();
    const { rows, firstLine } = listRows(await file.text());
    if (rows.length === 0) return show(t('console.identity.listEmpty'), 'error');
    let added = 0;
    let already = 0;
    setProgress({ sent: 0, of: rows.length });
    try {
      for (let i = 0; i < rows.length; i += ROWS_PER_PART) {
        const ack = await send('identity:addListed', { rows: rows.slice(i, i + ROWS_PER_PART), firstLine: firstLine + i });
        if (!ack.ok) {
          show(`${ack.error.message} ${t('console.identity.listStopped', { added })}`, 'error');
          return;
        }
        added += ack.data.added;
        already += ack.data.already;
        setProgress({ sent: Math.min(i + ROWS_PER_PART, rows.length), of: rows.length });
      }
      show(t('console.identity.listAdded', { added, already }), 'ok');
    } finally {
      setProgress(null);
    }
  };

  return (
    <>
      <h3 id="h-list">{t('console.identity.list')}</h3>
      <p className="muted small">{t('console.identity.listed', { count: view.admission.identity.listed })}</p>
      <p className="hint" id="list-help">
        {t('console.identity.listFormat')}
      </p>
      <div className="field">
        <label htmlFor="list-file">{t('console.identity.listFile')}</label>
        <input id="list-file" type="file" accept=".csv,text/csv,text/plain" aria-describedby="list-help" disabled={progress !== null || view.forum.phase === 'closed'} onChange={(e) => void upload(e)} />
      </div>
      {progress && (
        <p role="status">
          {t('console.identity.listProgress', { sent: progress.sent, of: progress.of })} <progress max={progress.of} value={progress.sent} />
        </p>
      )}
    </>
  );
}
