// The phone page: a resident joins, proposes ideas and spends dots. Kept small: only what a phone
// needs is in this entry.

import { createRoot } from 'react-dom/client';
import '../lib/base.css';
import './phone.css';
import { connect } from '../lib/connection.js';
import { useToasts } from '../lib/ui.js';
import { App } from './App.js';
import { applyIdeasPatch, usePhone } from './store.js';
import { deviceToken } from './token.js';

const socket = connect('phone', () => ({ token: deviceToken() }));
socket.on('phone', (view) => usePhone.setState({ forum: view.forum, results: view.results }));
socket.on('ideas:all', (ideas) => usePhone.setState({ ideas }));
socket.on('ideas:patch', applyIdeasPatch);
socket.on('me', (me) => usePhone.setState({ me }));
socket.on('notice', (notice) => useToasts.getState().show(notice.message, 'info'));

createRoot(document.getElementById('root')!).render(<App />);
