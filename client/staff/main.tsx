// A city vote's service point, for its staff: opened from the link the organiser issued for the
// point (/f/<slug>/staff?host=SECRET), phone or tablet first. Staff check a resident in person and
// help them fill the ballot, or type in a paper ballot (App.tsx). The page carries the core and
// city words and its own, never the console's.

import '../lib/base.css';
import '../phone/phone.css';
import './staff.css';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { en as cityEn } from '../../shared/i18n/city/en.js';
import { uk as cityUk } from '../../shared/i18n/city/uk.js';
import { registerCatalogue } from '../../shared/i18n/index.js';
import { en as staffEn } from '../../shared/i18n/staff/en.js';
import { uk as staffUk } from '../../shared/i18n/staff/uk.js';
import { connect } from '../lib/connection.js';
import { App } from './App.js';
import { useStaff } from './store.js';

registerCatalogue({ uk: cityUk, en: cityEn });
registerCatalogue({ uk: staffUk, en: staffEn });

if (useStaff.getState().secret) {
  const socket = connect('staff', () => ({ key: useStaff.getState().secret ?? undefined }));
  socket.on('staff', (me) => useStaff.setState({ me }));
  socket.on('phone', (view) => useStaff.setState({ forum: view.forum }));
}

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
