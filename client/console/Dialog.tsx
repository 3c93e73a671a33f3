// The console's dialogs are the pages' shared ones (client/lib/dialog.tsx).

export * from '../lib/dialog.js';
