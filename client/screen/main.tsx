// The projector page: follows the forum's phase live for the whole hall to read.

import { createRoot } from 'react-dom/client';
import '../lib/base.css';
import { connect } from '../lib/connection.js';
import { Screen } from './Screen.js';
import './screen.css';
import { useScreen } from './store.js';


const socket = connect('screen');
socket.on('screen', (view) => useScreen.setState({ view }));

createRoot(document.getElementById('root')!).render(<Screen />);
