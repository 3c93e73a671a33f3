// The forums on this server, newest first, one row each: what it is, where it stands, and what can
// be done with it (open its console, download it as one file, archive it, delete it).

import { useEffect, useId, useRef, useState, type FormEvent } from 'react';
import type { MessageKey } from '../../../shared/i18n/index.js';
import type { ForumSummary, Lang } from '../../../shared/protocol.js';
import { useLang, useT } from '../../lib/i18n.js';
import { useToasts } from '../../lib/ui.js';
import { ConfirmDialog, Dialog } from '../Dialog.js';
import { sendList, useForumList, useListGrant } from './list.js';

/** The id of a forum's "open its console" link: focus lands there after the forum is created. */
export const openLinkId = (forumId: string) => `open-${forumId}`;

const dateFormats = new Map<Lang, Intl.DateTimeFormat>();

/** "12 бер. 2025 р., 19:42": a day and a time, in the page's language. */
export function dateTime(lang: Lang, at: number): string {
  let format = dateFormats.get(lang);
  if (!format) {
    format = new Intl.DateTimeFormat(lang === 'uk' ? 'uk-UA' : 'en-GB', { dateStyle: 'medium', timeStyle: 'short', hourCycle: 'h23' });
    dateFormats.set(lang, format);
  }
  return format.format(new Date(at));
}

/** Newest first: in a series, the forum being prepared or run is the one looked for. */
export const newestFirst = (forums: readonly ForumSummary[]) => [...forums].sort((a, b) => b.createdAt - a.createdAt);

export function ForumTable({ forums, publicUrl, afterDelete }: { forums: ForumSummary[]; publicUrl: string; afterDelete(): HTMLElement | null }) {
  const t = useT();
  const grant = useListGrant();
  const [archiving, setArchiving] = useState<ForumSummary | null>(null);
  const [deleting, setDeleting] = useState<ForumSummary | null>(null);
  const [busy, setBusy] = useState<ReadonlySet<string>>(new Set());
  const focusForum = useForumList((s) => s.focusForum);
  const setFocusForum = useForumList((s) => s.setFocusForum);

  // A forum just created gets the focus once its row is there (the list follows the ack shortly).
  useEffect(() => {
    if (!focusForum) return;
    const link = document.getElementById(openLinkId(focusForum));
    if (!link) return;
    link.focus();
    setFocusForum(null);
  }, [focusForum, forums, setFocusForum]);

  const setArchived = async (forum: ForumSummary, archived: boolean) => {
    if (busy.has(forum.id)) return;
    setBusy((b) => new Set(b).add(forum.id));
    const ack = await sendList('forums:archive', { forumId: forum.id, archived });
    setBusy((b) => {
      const next = new Set(b);
      next.delete(forum.id);
      return next;
    });
    const { show } = useToasts.getState();
    if (ack.ok) show(t(archived ? 'forums.archived' : 'forums.unarchived', { title: forum.title }), 'ok');
    else show(ack.error.message, 'error');
  };

  if (forums.length === 0) return <p className="empty forums-empty">{t('forums.empty')}</p>;

  return (
    <>
      {!grant && (
        <p className="visually-hidden" id="forums-grant-waiting">
          {t('console.grantWaiting')}
        </p>
      )}
      <div className="table-wrap">
        <table className="data-table forum-table">
          <caption className="visually-hidden">{t('forums.all')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('forums.col.forum')}</th>
              <th scope="col">{t('forums.col.created')}</th>
              <th scope="col">{t('forums.col.phase')}</th>
              <th scope="col" className="num">
                {t('forums.col.participants')}
              </th>
              <th scope="col" className="num">
                {t('forums.col.ideas')}
              </th>
              <th scope="col">
                <span className="visually-hidden">{t('forums.col.actions')}</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {newestFirst(forums).map((forum) => (
              <ForumRow
                key={forum.id}
                forum={forum}
                publicUrl={publicUrl}
                grant={grant}
                busy={busy.has(forum.id)}
                onArchive={() => (forum.archived ? void setArchived(forum, false) : setArchiving(forum))}
                onDelete={() => setDeleting(forum)}
              />
            ))}
          </tbody>
        </table>
      </div>

      {archiving && (
        <ConfirmDialog
          title={t('forums.archive.title')}
          confirmLabel={t('forums.archive.confirm')}
          onClose={() => setArchiving(null)}
          onConfirm={() => {
            const forum = archiving;
            setArchiving(null);
            void setArchived(forum, true);
          }}
        >
          <p>{t('forums.archive.body', { title: archiving.title })}</p>
        </ConfirmDialog>
      )}
      {deleting && <DeleteForum forum={deleting} onClose={() => setDeleting(null)} afterDelete={afterDelete} />}
    </>
  );
}

function ForumRow({
  forum,
  publicUrl,
  grant,
  busy,
  onArchive,
  onDelete,
}: {
  forum: ForumSummary;
  publicUrl: string;
  grant: string | null;
  busy: boolean;
  onArchive(): void;
  onDelete(): void;
}) {
  const t = useT();
  const lang = useLang((s) => s.lang);
  // On the server's public address, as phones open it: this console's own origin may be localhost.
  const phoneUrl = `${publicUrl}/f/${forum.slug}/`;
  // Said after each action's own words, so that a screen reader's list of links tells them apart.
  const which = <span className="visually-hidden"> «{forum.title}»</span>;
  return (
    <tr className={forum.archived ? 'forum-row is-archived' : 'forum-row'} data-forum={forum.id}>
      <th scope="row" className="forum-cell">
        <span className="forum-title typed">{forum.title}</span>
        {(forum.archived || forum.voteOnly) && (
          <span className="forum-badges">
            {forum.archived && <span className="status status-archived">{t('forums.badge.archived')}</span>}
            {forum.voteOnly && <span className="status status-vote-only">{t('forums.badge.voteOnly')}</span>}
          </span>
        )}
        {forum.basedOn && <span className="forum-based-on">{t('forums.basedOn', { title: forum.basedOn.title })}</span>}
        <span className="forum-phone small">
          {t('forums.phonePage')}{' '}
          <a href={phoneUrl} className="forum-path">
            {phoneUrl}
          </a>
        </span>
      </th>
      <td className="forum-created">
        <time dateTime={new Date(forum.createdAt).toISOString()}>{dateTime(lang, forum.createdAt)}</time>
      </td>
      <td>
        <span className={`phase-badge phase-${forum.phase}`}>{t(`phase.${forum.phase}` as MessageKey)}</span>
      </td>
      <td className="num">{forum.participants}</td>
      <td className="num">{forum.ideas}</td>
      <td className="forum-actions">
        <div className="forum-action-list">
          <a id={openLinkId(forum.id)} className="btn btn-small" href={`/f/${forum.slug}/console`}>
            {t('forums.openConsole')}
            {which}
          </a>
          {/* Two files: sealed, to move the forum to a laptop with the same facilitator key (phones and
              hosts carry on there); anonymised, to keep or hand over (no names, codes or secrets). */}
          {(['sealed', 'archive'] as const).map((kind) =>
            grant ? (
              <a
                key={kind}
                className="btn btn-small btn-secondary"
                href={`/f/${forum.slug}/api/forum.json?kind=${kind}&grant=${encodeURIComponent(grant)}`}
                title={t(kind === 'sealed' ? 'forums.download.sealedHelp' : 'forums.download.archiveHelp')}
                download
              >
                {t(kind === 'sealed' ? 'forums.download' : 'forums.download.archive')}
                {which}
              </a>
            ) : (
              <button key={kind} type="button" className="btn btn-small btn-secondary" disabled aria-describedby="forums-grant-waiting">
                {t(kind === 'sealed' ? 'forums.download' : 'forums.download.archive')}
                {which}
              </button>
            ),
          )}
          <button type="button" className="btn btn-small btn-secondary forum-archive" disabled={busy} onClick={onArchive}>
            {t(forum.archived ? 'forums.unarchive' : 'forums.archive')}
            {which}
          </button>
          <button type="button" className="btn btn-small btn-danger" onClick={onDelete}>
            {t('forums.delete')}
            {which}
          </button>
        </div>
      </td>
    </tr>
  );
}

/**
 * Deleting a forum asks for its title, typed: a guard against deleting the wrong row. The server
 * compares it and says when it does not match; the dialog shows that and stays open.
 */
function DeleteForum({ forum, onClose, afterDelete }: { forum: ForumSummary; onClose(): void; afterDelete(): HTMLElement | null }) {
  const t = useT();
  const bodyId = useId();
  const inputId = useId();
  const input = useRef<HTMLInputElement>(null);
  const [typed, setTyped] = useState('');
  const [error, setError] = useState<{ text: string; n: number } | null>(null);
  const [busy, setBusy] = useState(false);
  // A ref, not state: the dialog is unmounted in the same update that learns of the deletion.
  const deleted = useRef(false);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (busy) return;
    setBusy(true);
    const ack = await sendList('forums:delete', { forumId: forum.id, title: typed });
    setBusy(false);
    if (ack.ok) {
      useToasts.getState().show(t('forums.deleted', { title: forum.title }), 'ok');
      deleted.current = true;
      onClose();
      return;
    }
    // Keyed by attempt, so that the same refusal twice is read out twice.
    setError((old) => ({ text: ack.error.message, n: (old?.n ?? 0) + 1 }));
    input.current?.focus();
  };

  return (
    <Dialog
      title={t('forums.delete.title')}
      describedBy={bodyId}
      initialFocus={input}
      onClose={onClose}
      returnFocus={() => (deleted.current ? afterDelete() : null)}
    >
      <form onSubmit={(e) => void submit(e)} noValidate>
        <div id={bodyId} className="dialog-body">
          <p>{t('forums.delete.body', { title: forum.title })}</p>
        </div>
        <div className="field">
          <label htmlFor={inputId}>{t('forums.delete.typeLabel', { title: forum.title })}</label>
          <input
            ref={input}
            id={inputId}
            value={typed}
            autoComplete="off"
            spellCheck={false}
            aria-invalid={error ? true : undefined}
            aria-describedby={error ? `${inputId}-error` : undefined}
            onChange={(e) => {
              setTyped(e.target.value);
              setError(null);
            }}
          />
          {error && (
            <span key={error.n} id={`${inputId}-error`} className="error-text" role="alert">
              {error.text}
            </span>
          )}
        </div>
        <div className="form-actions dialog-actions">
          <button type="button" className="btn btn-secondary" onClick={onClose}>
            {t('common.cancel')}
          </button>
          <button type="submit" className="btn btn-danger-solid" disabled={busy}>
            {t('forums.delete.confirm')}
          </button>
        </div>
      </form>
    </Dialog>
  );
}
