// What the server attaches to each forum it holds open: read by the composition root that makes
// it (main.ts) and by the HTTP routes that serve it (http/app.ts, http/forumImport.ts).

import type { Router } from 'express';
import type { Admission } from '../forum/admission.js';
import type { Duplicates } from '../forum/duplicates.js';
import type { AppNamespace } from '../realtime/connection.js';
import type { Attached } from './registry.js';

/** What the server attaches to each open forum: its admission, its connections, its duplicate finder. */
export interface OpenForum extends Attached {
  admission: Admission;
  duplicates: Duplicates;
  nsp: AppNamespace;
  /** Its HTTP addresses, mounted at /f/<slug>. */
  router: Router;
}
