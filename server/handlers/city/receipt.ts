// A city ballot's receipt: ten characters of Crockford's base32 (50 bits), shown to the voter once
// and never stored; the forum keeps only its SHA-256, and the published ballot list names the
// voter's line by the first 16 hex digits of that hash (publishedLineId), so the receipt finds its
// line and nothing in the list leads back to a voter.

import { createHash, randomInt } from 'node:crypto';

const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

export function newReceipt(): string {
  let code = '';
  for (let i = 0; i < 10; i++) code += ALPHABET[randomInt(32)];
  return `${code.slice(0, 5)}-${code.slice(5)}`;
}

export const receiptHash = (receipt: string): string => createHash('sha256').update(receipt, 'utf8').digest('hex');
