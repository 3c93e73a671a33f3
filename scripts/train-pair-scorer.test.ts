// The learned pair scorer's training (scripts/train-pair-scorer.ts) on the tuning set: the weights
// it fits rank the labelled duplicates above the other pairs, and an index scoring with them
// groups a paraphrase and keeps the same project at another place a theme.

import { describe, expect, it } from 'vitest';
import { DuplicateIndex, PAIR_FEATURES, fingerprint, pairFeatures } from '../shared/forum/similarity.js';
import { loadLabelledIdeas } from './bench-duplicates.js';
import { trainPairWeights } from './train-pair-scorer.js';

describe('the learned pair scorer', () => {
  const ideas = loadLabelledIdeas();
  const weights = trainPairWeights(ideas);

  it('fits one weight per feature and a bias, more words shared scoring higher', () => {
    expect(weights).toHaveLength(PAIR_FEATURES.length + 1);
    expect(weights.every(Number.isFinite)).toBe(true);
    expect(weights[PAIR_FEATURES.indexOf('trigrams')]).toBeGreaterThan(0);
  });

  it('ranks the duplicate pairs of the tuning set above the others of their priority', () => {
    const prints = ideas.map((idea) => fingerprint(idea));
    const score = (i: number, j: number) => {
      const x = pairFeatures(prints[i], prints[j]);
      return x.reduce((z, v, k) => z + v * weights[k], weights[x.length]);
    };
    const same: number[] = [];
    const other: number[] = [];
    for (let i = 0; i < ideas.length; i++) {
      for (let j = i + 1; j < ideas.length; j++) {
        if (ideas[i].priorityCode !== ideas[j].priorityCode) continue;
        (ideas[i].group === ideas[j].group ? same : other).push(score(i, j));
      }
    }
    // The share of (duplicate, other) pairs ranked right: the area under the ROC curve.
    other.sort((a, b) => a - b);
    let right = 0;
    for (const s of same) {
      let lo = 0;
      let hi = other.length;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (other[mid] < s) lo = mid + 1;
        else hi = mid;
      }
      right += lo;
    }
    expect(right / (same.length * other.length)).toBeGreaterThan(0.9);
  });

  it('scores an index that groups a paraphrase and keeps the same project elsewhere a theme', () => {
    const index = new DuplicateIndex(0.1, undefined, undefined, weights);
    const card = (id: string, title: string, place = '') => ({ id, priorityCode: '4', title, description: '', place });
    index.add(card('a', 'Відремонтувати тротуари на Чуднівській'));
    index.add(card('b', 'Ремонт тротуарів', 'вул. Чуднівська'));
    index.add(card('c', 'Відремонтувати тротуари на Київській'));
    index.add(card('d', 'Басейн для дітей'));
    expect(index.groups('4', 0.23).map((g) => g.ideaIds)).toEqual([['a', 'b']]);
    expect(index.groups('4', 0.23, 'theme').map((g) => g.ideaIds)).toEqual([['a', 'b', 'c']]);
  });
});
