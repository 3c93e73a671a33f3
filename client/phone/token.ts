// This device's token: made once, kept, and sent at every connect to return to the same ballot.

import { forumSlug } from '../lib/forum.js';
import { load, randomHex, save } from '../lib/storage.js';

/**
 * One token per forum, so that two forums cannot link a device's ballots. Forum 1 keeps the name
 * used before there were many forums, so a phone that joined then is still recognised.
 */
const tokenKey = (): string => {
  const slug = forumSlug();
  return !slug || slug === '1' ? 'viche.token' : `viche.token.${slug}`;
};

export function deviceToken(): string {
  const TOKEN_KEY = tokenKey();
  let token = load(TOKEN_KEY);
  if (!token || !/^[0-9a-f]{32,128}$/.test(token)) {
    token = randomHex(16);
    save(TOKEN_KEY, token);
  }
  return token;
}
