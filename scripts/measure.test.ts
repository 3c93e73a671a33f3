// The one percentile formula every bench figure uses (nearest rank), so p95s and medians of
// different scripts can be set beside each other.

import { describe, expect, it } from 'vitest';
import { percentile, percentileOf, spread } from './measure.js';

describe('percentiles', () => {
  it('are the nearest rank: the smallest value with at least p per cent of the values at or below it', () => {
    const hundred = Array.from({ length: 100 }, (_, i) => i + 1);
    expect(percentileOf(hundred, 50)).toBe(50);
    expect(percentileOf(hundred, 95)).toBe(95);
    expect(percentileOf(hundred, 99)).toBe(99);
    expect(percentileOf(hundred, 100)).toBe(100);
    expect(percentileOf(hundred, 0)).toBe(1);
    // A median of an even count is the lower middle value; of an odd count, the middle one.
    expect(percentileOf([4, 1, 3, 2], 50)).toBe(2);
    expect(percentileOf([5, 1, 4, 2, 3], 50)).toBe(3);
  });

  it('take values in any order, compare them as numbers, and give NaN for none', () => {
    expect(percentileOf([10, 9, 100, 2], 95)).toBe(100);
    expect(percentileOf([10, 9, 100, 2], 50)).toBe(9);
    expect(percentileOf([], 95)).toBeNaN();
    expect(percentile(Float64Array.from([1, 2, 3]), 95)).toBe(3);
    expect(spread([3, 1, 2])).toEqual({ n: 3, p50: 2, p95: 3, p99: 3, max: 3 });
  });
});
