// Every part of the catalogue, registered: for the server, which words messages for every page
// (refusals, notices, exports, the pages it writes), and for tests. Server code imports t,
// errorMessage and the rest from here rather than from index.js, so that none of its messages can
// be missing for want of a registration.

import { en as cityEn } from './city/en.js';
import { uk as cityUk } from './city/uk.js';
import { en as consoleEn } from './console/en.js';
import { uk as consoleUk } from './console/uk.js';
import { en as coreEn } from './en.js';
import { registerCatalogue } from './index.js';
import { en as serverEn } from './server/en.js';
import { uk as serverUk } from './server/uk.js';
import { en as staffEn } from './staff/en.js';
import { uk as staffUk } from './staff/uk.js';
import { uk as coreUk } from './uk.js';

/** The parts by name: which page carries which is said in index.ts. */
export const catalogueParts = {
  core: { uk: coreUk, en: coreEn },
  console: { uk: consoleUk, en: consoleEn },
  server: { uk: serverUk, en: serverEn },
  city: { uk: cityUk, en: cityEn },
  /** The service point's staff page alone: not registered here, since the server words none of it. */
  staff: { uk: staffUk, en: staffEn },
};

registerCatalogue(catalogueParts.console);
registerCatalogue(catalogueParts.server);
registerCatalogue(catalogueParts.city);

export * from './errors.js';
export * from './index.js';
