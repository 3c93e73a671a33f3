// Short tags of what a phone holds (its forum, its page of the wall), sent to it with each and sent
// back when it connects again: what it holds already is not sent again after the Wi-Fi blinked.

import { createHash } from 'node:crypto';
import type { PhoneView } from '../../shared/protocol.js';

/** A tag of `text`: 96 bits, so that a phone's tag never matches another thing by chance. */
export const tagOf = (...parts: string[]): string => {
  const hash = createHash('sha256');
  for (const part of parts) hash.update(part).update('\n');
  return hash.digest('base64url').slice(0, 16);
};

/** The phone view with the tag of its forum: the same forum, the same tag, whatever the server. */
export const taggedPhoneView = (view: PhoneView): PhoneView => ({ ...view, tag: tagOf(JSON.stringify(view.forum)) });
