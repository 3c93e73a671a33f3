// The check page's own SHA-256 against Node's, on the texts that trip implementations up: empty,
// the block boundaries (55, 56, 63, 64 bytes), several blocks, and characters of 2, 3 and 4 bytes.

import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { sha256Hex, sha256HexSync } from './sha256.js';

const node = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');

describe('the check page’s SHA-256', () => {
  it('agrees with Node’s at every length around the block boundaries', () => {
    for (let n = 0; n <= 200; n++) {
      const text = 'a'.repeat(n);
      expect(sha256HexSync(text), `length ${n}`).toBe(node(text));
    }
  });

  it('hashes UTF-8 bytes: Cyrillic, accents, emoji, a line separator', () => {
    for (const text of ['Житомир 2030', 'café', 'e\u0301', '🌳🚲 парк', 'рядок\u2028далі', '"\\\n', 'ї'.repeat(1000)]) {
      expect(sha256HexSync(text)).toBe(node(text));
    }
  });

  it('gives the same digest through the platform’s crypto.subtle', async () => {
    const text = '{"format":"viche-results/1","forum":{"id":"f","title":"Віче"}}';
    const digest = await sha256Hex(text);
    expect(digest.hex).toBe(node(text));
  });
});
