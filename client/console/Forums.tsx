// The forum list: the console at the server's own address (/console). An organiser running a
// series sees every forum on this laptop (its phase, who joined, how many ideas), opens a forum's
// console, starts a new forum (from the template, a JSON tree, an earlier forum or its shortlist),
// moves forums between laptops as one file, archives and deletes them, and reads what happened
// to whole forums. Only the facilitator's key opens it; a host works in their forum's console.

import { useRef, useState, type ReactNode } from 'react';
import { countOf } from '../../shared/i18n/index.js';
import type { ForumsView } from '../../shared/protocol.js';
import { useConnection } from '../lib/connection.js';
import { useLang, useT } from '../lib/i18n.js';
import { ConnectionBanner, LanguageToggle, RefusalText, Toasts, useTitle, useToasts } from '../lib/ui.js';
import { CreateForum } from './forums/CreateForum.js';
import { ForumLog } from './forums/ForumLog.js';
import { ForumTable, openLinkId } from './forums/ForumTable.js';
import { ImportForum } from './forums/ImportForum.js';
import { useForumList } from './forums/list.js';
import { useConsole } from './store.js';

function Bar() {
  const t = useT();
  return (
    <header className="console-bar">
      <div className="console-heading">
        <h1 className="console-brand">{t('forums.title')}</h1>
        <span className="console-forum">{t('forums.subtitle')}</span>
      </div>
      <LanguageToggle />
    </header>
  );
}

/** A page that cannot show the list: no key, a wrong key, a host's tab, or still loading. */
function Message({ text, kind }: { text: ReactNode; kind: 'error' | 'info' }) {
  return (
    <div className="console-message-page">
      <Bar />
      <main className="console-message">
        <p className={kind === 'error' ? 'message-error' : 'muted'} role={kind === 'error' ? 'alert' : 'status'}>
          {text}
        </p>
      </main>
    </div>
  );
}

export function ForumsRoot() {
  const t = useT();
  useTitle(t('forums.title'));
  const role = useConsole((s) => s.role);
  const key = useConsole((s) => s.key);
  const refused = useConnection((s) => s.refused);
  const view = useForumList((s) => s.view);
  let body;
  if (role === 'host') body = <Message text={t('forums.notForHosts')} kind="error" />;
  else if (!key) body = <Message text={t('console.noKey')} kind="error" />;
  else if (refused?.code === 'FORBIDDEN') body = <Message text={t('console.badKey')} kind="error" />;
  // An outdated page: the banner says so, with its reload button.
  else if (refused && refused.code !== 'PROTOCOL_MISMATCH') body = <Message text={<RefusalText refused={refused} />} kind="error" />;
  else if (!view) body = <Message text={t('common.loading')} kind="info" />;
  else body = <ForumsPage view={view} />;
  return (
    <>
      <ConnectionBanner />
      {body}
      <Toasts />
    </>
  );
}

function ForumsPage({ view }: { view: ForumsView }) {
  const t = useT();
  const lang = useLang((s) => s.lang);
  const [creating, setCreating] = useState(false);
  const heading = useRef<HTMLHeadingElement>(null);
  const setFocusForum = useForumList((s) => s.setFocusForum);
  /** The forum just created: focus goes to its row when the dialog closes (if the list shows it yet). */
  const created = useRef<string | null>(null);

  return (
    <div className="console forums-page">
      <Bar />
      <main className="panel forums">
        <section className="card" aria-labelledby="h-forums">
          <div className="card-head">
            <h2 id="h-forums" ref={heading} tabIndex={-1}>
              {t('forums.all')} <span className="heading-note muted">{countOf(lang, 'forums.count', view.forums.length)}</span>
            </h2>
            <div className="card-tools">
              <button
                type="button"
                className="btn"
                onClick={() => {
                  created.current = null;
                  setCreating(true);
                }}
              >
                {t('forums.new')}
              </button>
            </div>
          </div>
          <ForumTable forums={view.forums} publicUrl={view.publicUrl} afterDelete={() => heading.current} />
          <p className="muted small forums-projector-note">{t('forums.projectorNote')}</p>
        </section>

        <div className="forums-lower">
          <ImportForum />
          <ForumLog log={view.log} />
        </div>
      </main>

      {creating && (
        <CreateForum
          forums={view.forums}
          onClose={() => setCreating(false)}
          returnFocus={() => (created.current ? document.getElementById(openLinkId(created.current)) : null)}
          onCreated={(forumId, title) => {
            useToasts.getState().show(t('forums.create.created', { title }), 'ok');
            created.current = forumId;
            setFocusForum(forumId);
            setCreating(false);
          }}
        />
      )}
    </div>
  );
}
