// The phone page: a resident joins, proposes ideas and spends dots. Kept small: only what a phone
// needs is in this entry.

import { createRoot } from 'react-dom/client';
import '../lib/base.css';
import './phone.css';
import { connect } from '../lib/connection.js';
import { useToasts } from '../lib/ui.js';
import { App } from './App.js';
import { usePhone } from './store.js';
import { canGunzip, heldWall, receivePatch, receiveWall } from './wall.js';
import { deviceToken } from './token.js';

const socket = connect('phone', () => ({ token: deviceToken(), wall: heldWall(), gz: canGunzip() }));
socket.on('phone', (view) => usePhone.setState({ forum: view.forum }));
socket.on('results', (results) => usePhone.setState({ results }));
socket.on('ideas:all', (wall) => receiveWall(wall, () => socket.disconnect().connect()));
socket.on('ideas:patch', receivePatch);
socket.on('me', (me) => usePhone.setState({ me }));
socket.on('notice', (notice) => useToasts.getState().show(notice.message, 'info'));

createRoot(document.getElementById('root')!).render(<App />);
