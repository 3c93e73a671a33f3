// The projector page: follows the forum's phase live for the whole hall to read. It is opened
// with its display key (`/screen?key=…`, printed at start and shown on the console), because it
// shows the hall's current join code; the key then leaves the address bar (see store.ts).

import { createRoot } from 'react-dom/client';
import '../lib/base.css';
import { connect } from '../lib/connection.js';
import { trackView } from '../lib/viewTracker.js';
import { Screen } from './Screen.js';
import './screen.css';
import { useScreen } from './store.js';

// The key is read at each (re)connect: one the server refused is not sent again.
const socket = connect('screen', () => ({ key: useScreen.getState().key }));
trackView(socket, 'screen', (view) => useScreen.setState({ view }));

createRoot(document.getElementById('root')!).render(<Screen />);
