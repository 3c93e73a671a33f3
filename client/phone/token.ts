// This device's token: made once, kept, and sent at every connect to return to the same ballot.

import { load, randomHex, save } from '../lib/storage.js';

const TOKEN_KEY = 'viche.token';

export function deviceToken(): string {
  let token = load(TOKEN_KEY);
  if (!token || !/^[0-9a-f]{32,128}$/.test(token)) {
    token = randomHex(16);
    save(TOKEN_KEY, token);
  }
  return token;
}
