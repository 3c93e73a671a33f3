// The set of every action id a forum took: exact for what it holds, growing without losing any.

import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ActionKeys } from '../forum/actionKeys.js';

describe('ActionKeys', () => {
  it('holds every key added, through many growths, and no key that was not', () => {
    const keys = new ActionKeys();
    const added = Array.from({ length: 120_000 }, () => `${randomUUID()}:${randomUUID()}`);
    for (const k of added) keys.add(k);
    expect(keys.size).toBe(added.length);
    expect(added.every((k) => keys.has(k))).toBe(true);
    // 64 bits of hash: among 120,000 keys held, 120,000 others meet none of them.
    const others = Array.from({ length: 120_000 }, () => `${randomUUID()}:${randomUUID()}`);
    expect(others.filter((k) => keys.has(k))).toEqual([]);
  });

  it('counts a key added twice once, and tells apart keys that differ in one character or only in order', () => {
    const keys = new ActionKeys();
    keys.add('p1:a1');
    keys.add('p1:a1');
    expect(keys.size).toBe(1);
    for (const near of ['p1:a2', 'p2:a1', 'a1:p1', 'p1:a1 ', '', 'p1:а1']) expect(keys.has(near)).toBe(false);
    keys.add('');
    expect(keys.has('')).toBe(true);
    expect(keys.size).toBe(2);
  });
});
