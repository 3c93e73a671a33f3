// The phone page: a resident joins, proposes ideas and spends dots. Kept small: only what a phone
// needs is in this entry.

import { createRoot } from 'react-dom/client';
import { flushSync } from 'react-dom';
import '../lib/base.css';
import './phone.css';
import { connect, spreadReconnects, useConnection } from '../lib/connection.js';
import { useToasts } from '../lib/ui.js';
import { App } from './App.js';
import { usePhone } from './store.js';
import { receiveResults } from './results.js';
import { canGunzip, greeted, receivePage, wallForHandshake } from './wall.js';
import { deviceToken } from './token.js';
import { adoptWaiting, approvalSettled, holdsBallot, resumeWaiting } from './approval.js';
import { servedView, takeTyped } from './served.js';
import { dropPending, resumePending } from './pending.js';
import type { MeView } from '../../shared/protocol.js';

const root = document.getElementById('root')!;
const served = servedView(root);
// The server's form queued this device for the facilitator: asked for again at each connect, as the script's own join is.
if (served === 'waiting') adoptWaiting(root.dataset.code ?? '', root.dataset.name ?? '');

/** The forum held (PhoneView.tag): said at each connect, so that the same is not sent again. */
let forumTag: string | undefined;
// The forum it holds and the wall it shows, said at each connect: what is unchanged is not sent again.
const socket = connect('phone', () => {
  const watch = wallForHandshake();
  return { token: deviceToken(), gz: canGunzip(), ...(forumTag && usePhone.getState().forum ? { forum: forumTag } : {}), ...(watch ? { watch } : {}) };
});
socket.on('phone', (view) => {
  forumTag = view.tag;
  usePhone.setState({ forum: view.forum });
  spreadReconnects(view.reconnectWithinMs);
});
const reconnect = () => socket.disconnect().connect();
socket.on('results', (results) => void receiveResults(results, reconnect));
socket.on('wall:counts', (counts) => usePhone.setState((s) => ({ counts: { ...s.counts, ...counts } })));
// Acked once applied: the next page is sent then.
socket.on('wall:page', (page, received) => void receivePage(page, reconnect).then(received));
// At connect, in one message: every count, the rankings, its own view, and the answer for the wall it shows.
socket.on('greeting', ({ counts, results, me, wall }) => {
  usePhone.setState({ counts });
  if (results) void receiveResults(results, reconnect);
  receiveMe(me);
  greeted(wall);
});
socket.on('me', receiveMe);

function receiveMe(me: MeView | null): void {
  usePhone.setState({ me });
  if (me) holdsBallot();
  else void resumeWaiting();
  // Taps a previous page left unsent go to this ballot; a voided one sends none.
  if (me?.voided) dropPending();
  else if (me) resumePending();
}
socket.on('notice', (notice) => {
  if (notice.code === 'JOIN_REFUSED') return approvalSettled(notice.message);
  useToasts.getState().show(notice.message, 'info');
});

/**
 * Mounts the app over the server's page. Whatever was typed into the server's form goes into the
 * app's, and the field being typed in keeps the focus.
 */
function mount(): void {
  const focused = document.activeElement instanceof HTMLInputElement && root.contains(document.activeElement) ? document.activeElement.name : '';
  takeTyped(root);
  const app = createRoot(root);
  flushSync(() => app.render(<App />));
  if (focused) root.querySelector<HTMLInputElement>(`input[name="${focused}"]`)?.focus();
}

// The server's page already shows this device's view (its form, its greeting, the results): it
// stays until the app has the forum and this device to show, rather than a "loading" in its place.
const ready = () => (usePhone.getState().forum !== null && usePhone.getState().me !== undefined) || useConnection.getState().refused !== null;
if (!served || served === 'loading' || ready()) mount();
else {
  const stop = [usePhone, useConnection].map((store) =>
    store.subscribe(() => {
      if (!ready()) return;
      for (const unsubscribe of stop) unsubscribe();
      mount();
    }),
  );
}
