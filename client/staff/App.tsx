// The service point's desk: which way the resident votes (helped in person, or a paper ballot typed
// in), then who they are (checked by the server against every channel: a person who voted online
// or elsewhere is refused, in words; in a vote by e-mail or SMS by a code sent to the resident's
// own address or number, which they read out; in an e-ID vote by their taxpayer number), then a ballot per budget they have not voted in yet, built
// with the phone's own ballot pieces (lib/cityBallot.tsx), and the receipt to hand over. Every refusal is shown as the server words it, and takes
// focus; nothing is kept on the device but the link's secret, for a reload.

import { useEffect, useId, useRef, useState, type FormEvent, type ReactNode } from 'react';
import { CHECKED_DOCUMENTS, type CheckedDocument, type InPersonChannel } from '../../shared/city/channels.js';
import type { CityBudget, CityVote } from '../../shared/city/vote.js';
import type { PhoneForumInfo, StaffProof, StaffProofKind } from '../../shared/protocol.js';
import { ballotOf, BudgetTotal, money, newReceipt, ProjectItem, type Marks } from '../lib/cityBallot.js';
import { send, useConnection } from '../lib/connection.js';
import { useLang, useT } from '../lib/i18n.js';
import { ConnectionBanner, LanguageToggle, RefusalText, useTitle, useTopBarHeight } from '../lib/ui.js';
import { useStaff } from './store.js';

export function App() {
  const t = useT();
  useTitle(t('staff.title'));
  const { secret, me, forum } = useStaff();
  const refused = useConnection((s) => s.refused);
  const barRef = useTopBarHeight();
  let body: ReactNode;
  if (!secret) body = <Message text={t('staff.noKey')} error />;
  else if (refused?.code === 'FORBIDDEN') body = <Message text={t(me ? 'staff.revoked' : 'staff.badLink')} error />;
  else if (refused && refused.code !== 'PROTOCOL_MISMATCH') body = <Message text={<RefusalText refused={refused} />} error />;
  else if (!me || !forum) body = <Message text={t('common.loading')} />;
  else if (!forum.cityVote || forum.phase !== 'voting') body = <Message text={t(forum.phase === 'results' || forum.phase === 'closed' ? 'staff.closed' : 'staff.notOpen')} />;
  else if (forum.identity === null) body = <Message text={t('staff.noIdentity')} error />;
  else body = <Desk forum={forum} vote={forum.cityVote} />;
  return (
    <>
      <div className="top-bar" ref={barRef}>
        <header className="top">
          <div className="top-title">
            <strong>{t('staff.title')}</strong>
            {me && <span className="staff-who">{t('staff.who', { name: me.name, point: me.point })}</span>}
          </div>
          <LanguageToggle />
        </header>
        <ConnectionBanner offlineText={t('staff.offline')} />
      </div>
      <main className="content staff">{body}</main>
    </>
  );
}

function Message({ text, error = false }: { text: ReactNode; error?: boolean }) {
  return (
    <p className={`card${error ? ' staff-refused' : ''}`} role={error ? 'alert' : 'status'}>
      {text}
    </p>
  );
}

function Desk({ forum, vote }: { forum: PhoneForumInfo; vote: CityVote }) {
  const t = useT();
  const [channel, setChannel] = useState<InPersonChannel>('service-point');
  // A new resident starts afresh: every field, check and ballot of the last one goes.
  const [visit, setVisit] = useState(0);
  return (
    <>
      <h1 className="section-h">{vote.title}</h1>
      <fieldset className="staff-channel">
        <legend>{t('staff.channel')}</legend>
        {(['service-point', 'paper'] as const).map((c) => (
          <label key={c}>
            <input type="radio" name="channel" value={c} checked={channel === c} onChange={() => (setChannel(c), setVisit((v) => v + 1))} />
            {t(`staff.channel.${c}`)}
          </label>
        ))}
      </fieldset>
      <Visit key={`${channel}:${visit}`} channel={channel} forum={forum} vote={vote} onNext={() => setVisit((v) => v + 1)} />
    </>
  );
}

/** What staff type for this vote's way of proving who one is (server/handlers/staff/person.ts decides the same). */
function proofKind(identity: PhoneForumInfo['identity'], eIdByRegister: boolean): StaffProofKind {
  if (identity === 'codes' || identity === 'list' || identity === 'email' || identity === 'sms') return identity;
  return identity === 'oidc' && eIdByRegister ? 'register' : 'document';
}

function Visit({ channel, forum, vote, onNext }: { channel: InPersonChannel; forum: PhoneForumInfo; vote: CityVote; onNext(): void }) {
  const t = useT();
  const kind = proofKind(forum.identity, useStaff((s) => s.me?.eIdByRegister ?? false));
  const [code, setCode] = useState('');
  const [to, setTo] = useState('');
  const [sent, setSent] = useState<{ to: string; text: string } | null>(null);
  const [sending, setSending] = useState(false);
  const [number, setNumber] = useState('');
  const [fact, setFact] = useState('');
  const [document, setDocument] = useState<CheckedDocument | null>(null);
  const [busy, setBusy] = useState(false);
  const [refusal, setRefusal] = useState<string | null>(null);
  const [voted, setVoted] = useState<string[] | null>(null);
  const ids = { code: useId(), number: useId(), fact: useId(), to: useId(), hint: useId(), help: useId(), error: useId() };
  const resultRef = useRef<HTMLParagraphElement>(null);
  // Each answer to a check takes focus once: a ballot taken later changes `voted`, and its receipt
  // must keep the focus it takes.
  const [answered, setAnswered] = useState(0);

  useEffect(() => {
    if (answered > 0) resultRef.current?.focus();
  }, [answered]);

  const proof: StaffProof =
    kind === 'codes' || kind === 'list' || kind === 'register' || kind === 'document'
      ? kind === 'codes'
        ? { method: 'codes', code }
        : kind === 'list'
          ? { method: 'list', number, fact }
          : { method: kind, number }
      : { method: kind, to, code };
  const contact = kind === 'email' || kind === 'sms';
  const edited = (set: (v: string) => void) => (v: string) => {
    set(v);
    setVoted(null);
    setRefusal(null);
  };

  // The code goes to the resident's own phone or mailbox; they read it out, and staff type it back.
  async function sendCode() {
    setAnswered((n) => n + 1);
    setSending(true);
    setRefusal(null);
    const ack = await send('staff:sendCode', { to });
    setSending(false);
    setAnswered((n) => n + 1);
    if (!ack.ok) return setRefusal(ack.error.message);
    setSent({ to, text: t('staff.codeSent', { sentTo: ack.data.sentTo, minutes: ack.data.minutes }) });
  }

  async function check(e: FormEvent) {
    e.preventDefault();
    setAnswered((n) => n + 1);
    if (channel === 'service-point' && document === null) return setRefusal(t('staff.chooseDocument'));
    if (contact && sent?.to !== to) return setRefusal(t('staff.sendFirst'));
    setBusy(true);
    setRefusal(null);
    const ack = await send('staff:check', { proof, channel });
    setBusy(false);
    setAnswered((n) => n + 1);
    if (!ack.ok) return setRefusal(ack.error.message);
    setVoted(ack.data.voted);
  }

  const open = voted === null ? [] : vote.budgets.filter((b) => !voted.includes(b.id));
  const budgetName = (id: string) => vote.budgets.find((b) => b.id === id)?.name ?? id;
  const invalid = refusal ? { 'aria-invalid': true, 'aria-errormessage': ids.error } : {};
  return (
    <div className="staff-steps">
      <form className="card" onSubmit={check} noValidate>
        <h2>{t('staff.step.check')}</h2>
        <p className="muted" id={ids.help}>
          {t(`staff.checkHelp.${channel}`)}
        </p>
        {channel === 'service-point' && (
          <fieldset className="staff-documents">
            <legend>{t('staff.document')}</legend>
            {CHECKED_DOCUMENTS.map((d) => (
              <label key={d}>
                <input type="radio" name="document" value={d} checked={document === d} onChange={() => (setDocument(d), setRefusal(null))} />
                {t(`staff.document.${d}`)}
              </label>
            ))}
          </fieldset>
        )}
        {contact ? (
          <>
            <div className="field">
              <label htmlFor={ids.to}>{t(`staff.${kind}`)}</label>
              <p className="hint form-hint" id={ids.hint}>
                {t(`staff.contactHelp.${kind}`)}
              </p>
              <input
                id={ids.to}
                type={kind === 'email' ? 'email' : 'tel'}
                inputMode={kind === 'email' ? 'email' : 'tel'}
                autoComplete="off"
                spellCheck={false}
                maxLength={kind === 'email' ? 254 : 32}
                value={to}
                aria-describedby={ids.hint}
                onChange={(e) => (edited(setTo)(e.target.value), setSent(null), setCode(''))}
                {...invalid}
              />
            </div>
            <button className="btn btn-secondary btn-wide" type="button" disabled={sending || to.trim() === ''} onClick={() => void sendCode()}>
              {sending ? t('staff.sendingCode') : t('staff.sendCode')}
            </button>
            {sent && (
              <>
                <p className="staff-ok" role="status">
                  {sent.text}
                </p>
                <div className="field">
                  <label htmlFor={ids.code}>{t('staff.contactCode')}</label>
                  <input id={ids.code} autoComplete="off" inputMode="numeric" maxLength={12} value={code} onChange={(e) => edited(setCode)(e.target.value)} {...invalid} />
                </div>
              </>
            )}
          </>
        ) : kind === 'codes' ? (
          <div className="field">
            <label htmlFor={ids.code}>{t('staff.code')}</label>
            <input id={ids.code} autoComplete="off" autoCapitalize="characters" spellCheck={false} maxLength={24} value={code} onChange={(e) => edited(setCode)(e.target.value)} aria-describedby={ids.help} {...invalid} />
          </div>
        ) : (
          <div className="field">
            <label htmlFor={ids.number}>{t(kind === 'register' ? 'staff.register' : 'staff.number')}</label>
            {kind === 'register' && (
              <p className="hint form-hint" id={ids.hint}>
                {t('staff.registerHelp')}
              </p>
            )}
            <input id={ids.number} autoComplete="off" autoCapitalize="characters" inputMode={kind === 'register' ? 'numeric' : undefined} spellCheck={false} maxLength={40} value={number} onChange={(e) => edited(setNumber)(e.target.value)} aria-describedby={kind === 'register' ? `${ids.hint} ${ids.help}` : ids.help} {...invalid} />
          </div>
        )}
        {kind === 'list' && (
          <div className="field">
            <label htmlFor={ids.fact}>{t('staff.fact')}</label>
            <input id={ids.fact} autoComplete="off" inputMode="numeric" maxLength={40} value={fact} onChange={(e) => edited(setFact)(e.target.value)} {...invalid} />
          </div>
        )}
        {refusal && (
          <p className="staff-refused" role="alert" id={ids.error} tabIndex={-1} ref={resultRef}>
            {refusal}
          </p>
        )}
        {voted !== null && (
          <p className="staff-ok" role="status" tabIndex={-1} ref={resultRef}>
            {open.length === 0 ? t('staff.allVoted') : t('staff.mayVote')}
            {voted.length > 0 && open.length > 0 && <> {t('staff.votedHere', { budgets: voted.map(budgetName).join(', ') })}</>}
          </p>
        )}
        <button className="btn btn-wide" type="submit" disabled={busy || (contact && !sent)}>
          {busy ? t('staff.checking') : t('staff.check')}
        </button>
      </form>
      {voted !== null && (
        <section aria-label={t('staff.step.ballot')}>
          <h2 className="section-h">{t('staff.step.ballot')}</h2>
          <p className="muted section-h">{t(`staff.ballotHelp.${channel}`)}</p>
          {vote.budgets.map((b) => (
            <StaffBallot
              key={b.id}
              vote={vote}
              budget={b}
              channel={channel}
              proof={proof}
              document={document}
              done={voted.includes(b.id)}
              onCast={(now) => setVoted(now)}
            />
          ))}
          <button type="button" className="btn btn-secondary btn-wide" onClick={onNext}>
            {t('staff.next')}
          </button>
        </section>
      )}
    </div>
  );
}

function StaffBallot(props: {
  vote: CityVote;
  budget: CityBudget;
  channel: InPersonChannel;
  proof: StaffProof;
  document: CheckedDocument | null;
  done: boolean;
  onCast(voted: string[]): void;
}) {
  const { vote, budget, channel, proof, document, done, onCast } = props;
  const t = useT();
  const lang = useLang((s) => s.lang);
  const [marks, setMarks] = useState<Marks>(new Map());
  const [sending, setSending] = useState(false);
  const [refusal, setRefusal] = useState<string | null>(null);
  const [receipt, setReceipt] = useState<string | null>(null);
  const refusalRef = useRef<HTMLParagraphElement>(null);
  const receiptRef = useRef<HTMLHeadingElement>(null);
  const headingId = `budget-${budget.id}`;
  useEffect(() => {
    if (refusal) refusalRef.current?.focus();
  }, [refusal]);
  useEffect(() => {
    if (receipt) receiptRef.current?.focus();
  }, [receipt]);

  async function cast() {
    // The server checks the ballot by the vote's rule and words any refusal; the total above has
    // shown it over the limit already, in red.
    const ballot = ballotOf(vote, budget.id, marks);
    setSending(true);
    setRefusal(null);
    const ack = await send('staff:cast', { proof, channel, ...(document ? { document } : {}), ballot, receipt: newReceipt() });
    setSending(false);
    if (!ack.ok) return setRefusal(ack.error.message);
    setReceipt(ack.data.receipt);
    onCast(ack.data.voted);
  }

  return (
    <section className="card city-budget" aria-labelledby={headingId}>
      <h2 id={headingId}>{budget.name}</h2>
      <p className="muted">{t('city.budget', { amount: money(lang, t, budget.amount) })}</p>
      {receipt ? (
        <div className="city-receipt" role="status">
          <h3 tabIndex={-1} ref={receiptRef}>
            {t('staff.accepted', { budget: budget.name })}
          </h3>
          <p>
            {t('city.receipt')}: <strong className="receipt-code">{receipt}</strong>
          </p>
          <p className="muted">{t('staff.receiptHelp')}</p>
        </div>
      ) : done ? (
        <p className="staff-ok">{t('staff.budgetDone')}</p>
      ) : (
        <>
          <BudgetTotal vote={vote} budget={budget} marks={marks} lang={lang} t={t} />
          <ul className="idea-list">
            {vote.projects
              .filter((p) => p.budgetId === budget.id)
              .map((p) => (
                <ProjectItem
                  key={p.id}
                  project={p}
                  vote={vote}
                  marks={marks}
                  lang={lang}
                  t={t}
                  onMark={(id, n) => {
                    setMarks((m) => new Map(m).set(id, n));
                    setRefusal(null);
                  }}
                />
              ))}
          </ul>
          {refusal && (
            <p className="staff-refused" role="alert" tabIndex={-1} ref={refusalRef}>
              {refusal}
            </p>
          )}
          <button type="button" className="btn btn-wide" disabled={sending} onClick={() => void cast()}>
            {sending ? t('staff.casting') : t('staff.cast')}
          </button>
        </>
      )}
    </section>
  );
}
