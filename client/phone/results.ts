// Rankings as the server sends them to this phone: a long one gzipped (its rows' JSON in `gz`),
// unpacked here; each message applied after those before it, so that a later ranking of a
// priority is never replaced by an earlier one still being unpacked.

import type { PhoneResult, PhoneResultRow } from '../../shared/protocol.js';
import { gunzipJson } from './gunzip.js';
import { applyResults } from './store.js';

let queue: Promise<void> = Promise.resolve();

/** `reconnect`: to be sent them plain, should one not unpack. */
export function receiveResults(changed: PhoneResult[], reconnect: () => void): Promise<void> {
  queue = queue
    .then(async () => {
      if (!changed.some((r) => r.gz)) return applyResults(changed);
      try {
        const unpacked = await Promise.all(
          changed.map(async ({ gz, ...r }) => (gz ? { ...r, rows: await gunzipJson<PhoneResultRow[]>(gz) } : r)),
        );
        applyResults(unpacked);
      } catch {
        // Connect again, saying so (gunzip.ts): every ranking comes again, plain.
        reconnect();
      }
    })
    .catch(() => {});
  return queue;
}
