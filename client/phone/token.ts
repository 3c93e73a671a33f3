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

const TOKEN = /^[0-9a-f]{32,128}$/;
/** The cookie the server's join form sets, and this page keeps equal to its token (server/http/phonePage.ts). */
const COOKIE = 'viche_token';

function cookieToken(): string | null {
  try {
    const found = document.cookie.split(';').map((c) => c.trim().split('=')).find(([name]) => name === COOKIE);
    return found?.[1] && TOKEN.test(found[1]) ? found[1] : null;
  } catch {
    return null;
  }
}

/**
 * The cookie carries the token to the server's join form, which works before this script has come:
 * a form that joined set it, and it is this device's token from then on; otherwise it is written
 * from the token kept here, so that the form, used on a later slow load, joins as the same device.
 */
function keepCookie(token: string): void {
  const slug = forumSlug();
  if (!slug) return;
  try {
    document.cookie = `${COOKIE}=${token}; path=/f/${slug}/; max-age=${365 * 24 * 3600}; samesite=lax`;
  } catch {
    /* cookies refused: the form, if ever used, joins as a new device */
  }
}

export function deviceToken(): string {
  const TOKEN_KEY = tokenKey();
  let token = load(TOKEN_KEY);
  const fromForm = made ? null : cookieToken();
  if (fromForm && fromForm !== token) {
    token = fromForm;
    save(TOKEN_KEY, token);
  }
  if (!token || !TOKEN.test(token)) {
    token = made ?? randomHex(16);
    save(TOKEN_KEY, token);
  }
  if (made !== token) keepCookie(token);
  made = token;
  return token;
}
