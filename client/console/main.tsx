// The facilitator's console: opened from the link with the secret key that the server printed.

import '../lib/base.css';
import './console.css';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { connect, useConnection } from '../lib/connection.js';
import { useT } from '../lib/i18n.js';
import { ConnectionBanner, LanguageToggle, Toasts, useTitle } from '../lib/ui.js';
import { App } from './App.js';
import { useConsole } from './store.js';

// Read at every (re)connect, not once: after the key is changed, the next handshake carries the new one.
if (useConsole.getState().key) {
  const socket = connect('console', () => ({ key: useConsole.getState().key }));
  socket.on('console', (view) => useConsole.setState({ view }));
  useConnection.subscribe((s) => {
    if (s.refused?.code === 'FORBIDDEN') useConsole.getState().forgetKey();
  });
}

/** A page that cannot show the console: no key, a wrong key, or still loading. */
function Message({ text, kind }: { text: string; kind: 'error' | 'info' }) {
  const t = useT();
  return (
    <div className="console-message-page">
      <header className="console-bar">
        <h1 className="console-brand">{t('console.title')}</h1>
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

function Root() {
  const t = useT();
  useTitle(t('console.title'));
  const refused = useConnection((s) => s.refused);
  const hasView = useConsole((s) => s.view !== null);
  const key = useConsole((s) => s.key);
  let body;
  if (!key) body = <Message text={t('console.noKey')} kind="error" />;
  else if (refused?.code === 'FORBIDDEN') body = <Message text={t('console.badKey')} kind="error" />;
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
    <Root />
  </StrictMode>,
);
