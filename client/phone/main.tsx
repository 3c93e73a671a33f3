// The phone page: a resident joins, proposes ideas and spends dots. Kept small: only what a phone
// needs is in this entry.

import { createRoot } from 'react-dom/client';
import '../lib/base.css';
import './phone.css';
import { connect, spreadReconnects } from '../lib/connection.js';
import { useToasts } from '../lib/ui.js';
import { App } from './App.js';
import { usePhone } from './store.js';
import { receiveResults } from './results.js';
import { askAgain, canGunzip, receivePage } from './wall.js';
import { deviceToken } from './token.js';
import { approvalSettled, holdsBallot, resumeWaiting } from './approval.js';
import { dropPending, resumePending } from './pending.js';

const socket = connect('phone', () => ({ token: deviceToken(), gz: canGunzip() }));
// A new connection holds no page: the one watched is asked for again.
socket.on('connect', askAgain);
socket.on('phone', (view) => {
  usePhone.setState({ forum: view.forum });
  spreadReconnects(view.reconnectWithinMs);
});
socket.on('results', (results) => void receiveResults(results, () => socket.disconnect().connect()));
socket.on('wall:counts', (counts) => usePhone.setState((s) => ({ counts: { ...s.counts, ...counts } })));
// Acked once applied: the next page is sent then.
socket.on('wall:page', (page, received) => void receivePage(page, () => socket.disconnect().connect()).then(received));
socket.on('me', (me) => {
  usePhone.setState({ me });
  if (me) holdsBallot();
  else void resumeWaiting();
  // Taps a previous page left unsent go to this ballot; a voided one sends none.
  if (me?.voided) dropPending();
  else if (me) resumePending();
});
socket.on('notice', (notice) => {
  if (notice.code === 'JOIN_REFUSED') return approvalSettled(notice.message);
  useToasts.getState().show(notice.message, 'info');
});

createRoot(document.getElementById('root')!).render(<App />);
