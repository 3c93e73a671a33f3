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

/**
 * The token this page made, for a browser that refuses storage (a private mode, cookies blocked):
 * there the token lasts as long as the page, and every connect and join of it sends the same one,
 * rather than a new one each time, which would lose the ballot at the first dropped connection.
 */
let made: string | null = null;

export function deviceToken(): string {
  const TOKEN_KEY = tokenKey();
  let token = load(TOKEN_KEY);
  if (!token || !/^[0-9a-f]{32,128}$/.test(token)) {
    token = made ?? randomHex(16);
    save(TOKEN_KEY, token);
  }
  made = token;
  return token;
}
