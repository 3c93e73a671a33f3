// The facilitator's console, opened from the link with the secret key that the server printed,
// and a table host's, opened from the invitation's link (the same page, with less in it). At the
// server's own address (/console, no forum in it) the same page is the list of every forum; a
// forum opened from there, in the same tab, finds the key this tab kept.

import '../lib/base.css';
import './console.css';
import { StrictMode, type ReactNode } from 'react';
import { createRoot } from 'react-dom/client';
import { en as consoleEn } from '../../shared/i18n/console/en.js';
import { uk as consoleUk } from '../../shared/i18n/console/uk.js';
import { registerCatalogue } from '../../shared/i18n/index.js';
import { connect, useConnection } from '../lib/connection.js';
import { forumSlug } from '../lib/forum.js';
import { trackView } from '../lib/viewTracker.js';
import { useT, type T } from '../lib/i18n.js';
import { ConnectionBanner, LanguageToggle, RefusalText, Toasts, useTitle } from '../lib/ui.js';
import { App } from './App.js';
import { startForumList } from './forums/list.js';
import { ForumsRoot } from './Forums.js';
import { useConsole } from './store.js';

// The console's own messages, before anything is worded: phones and the projector never load them.
registerCatalogue({ uk: consoleUk, en: consoleEn });

const forumList = forumSlug() === null;

// Read at every (re)connect, not once: after the key is changed, the next handshake carries the new one.
// Only the facilitator opens the list: a host's secret is never offered there.
if (forumList && useConsole.getState().key && useConsole.getState().role === 'console') {
  startForumList();
  useConnection.subscribe((s) => {
    if (s.refused?.code === 'FORBIDDEN') useConsole.getState().forgetKey();
  });
} else if (!forumList && useConsole.getState().key) {
  const socket = connect(useConsole.getState().role, () => ({ key: useConsole.getState().key }));
  trackView(socket, 'console', (view) => useConsole.getState().receive(view));
  useConnection.subscribe((s) => {
    if (s.refused?.code === 'FORBIDDEN') useConsole.getState().forgetKey();
  });
}

/** A page that cannot show the console: no key, a wrong key, or still loading. */
function Message({ text, kind }: { text: ReactNode; kind: 'error' | 'info' }) {
  const t = useT();
  const role = useConsole((s) => s.role);
  return (
    <div className="console-message-page">
      <header className="console-bar">
        <h1 className="console-brand">{t(role === 'host' ? 'console.host.title' : 'console.title')}</h1>
        <LanguageToggle />
      </header>
      <main className="console-message">
        <p className={kind === 'error' ? 'message-error' : 'muted'} role={kind === 'error' ? 'alert' : 'status'}>
          {text}
        </p>
      </main>
    </div>
  );
}

/**
 * A host refused after their console was open has had the invitation revoked (the server then
 * drops the connection, and the next handshake is refused); refused at once, the link is wrong.
 */
function refusalText(t: T, role: 'console' | 'host', hadView: boolean): string {
  if (role === 'console') return t('console.badKey');
  return t(hadView ? 'console.host.revoked' : 'console.host.badLink');
}

function Root() {
  const t = useT();
  const role = useConsole((s) => s.role);
  useTitle(t(role === 'host' ? 'console.host.title' : 'console.title'));
  const refused = useConnection((s) => s.refused);
  const hasView = useConsole((s) => s.view !== null);
  const key = useConsole((s) => s.key);
  let body;
  // Without a secret: a host's tab whose secret was refused before this reload, or no link at all.
  if (!key) body = <Message text={t(role === 'host' ? 'console.host.badLink' : 'console.noKey')} kind="error" />;
  else if (refused?.code === 'FORBIDDEN') body = <Message text={refusalText(t, role, hasView)} kind="error" />;
  // Any other refusal (a forum this server does not serve): the banner says an outdated page's.
  else if (refused && refused.code !== 'PROTOCOL_MISMATCH') body = <Message text={<RefusalText refused={refused} />} kind="error" />;
  else if (!hasView) body = <Message text={t('common.loading')} kind="info" />;
  else body = <App />;
  return (
    <>
      <ConnectionBanner />
      {body}
      <Toasts />
    </>
  );
}

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    {forumList ? <ForumsRoot /> : <Root />}
  </StrictMode>,
);
