// The duplicate index (similarity.ts) keeps, for every pair of ideas in a priority, exactly the
// scores the pair is given alone (fingerprintScores), and keeps every pair that reaches its floor:
// it scores only the ideas a new one's words can reach the floor with, and this is where that is
// shown to lose nothing, over the four tuning sets and a crowd of 5,000 made of them, as ideas
// arrive, change, move and leave, and with weights other than those shipped. The groups, matches
// and nearest ideas are worked out from those scores alone, so they are the same as with every
// pair scored.

import { describe, expect, it } from 'vitest';
import { TUNING_SETS, VALIDATION_SET, crowdOf, loadLabelledSet } from '../../scripts/bench-duplicates.js';
import { DuplicateIndex, fingerprint, fingerprintScores, type IdeaFingerprint, type IdeaText } from './similarity.js';

const labelled: IdeaText[] = [...TUNING_SETS, VALIDATION_SET].flatMap((file) => loadLabelledSet(file).ideas);
// Cards with no word the measure can use are compared by their text as typed alone.
const bare: IdeaText[] = [
  { id: 'bare-1', priorityCode: '2', title: '???', description: '', place: '' },
  { id: 'bare-2', priorityCode: '2', title: '  ???', description: '', place: '' },
  { id: 'bare-3', priorityCode: '2', title: 'Інше', description: '', place: '' },
  { id: 'bare-4', priorityCode: '2', title: 'інше', description: '', place: '' },
];

/**
 * Every pair of `ideas` within a priority that the index got wrong: a score other than the
 * pair's own, a pair kept under the floor, or one at the floor not kept. Empty when all is right.
 */
function wrongPairs(index: DuplicateIndex, ideas: Map<string, IdeaText>): string[] {
  const byPriority = new Map<string, { id: string; fp: IdeaFingerprint }[]>();
  for (const idea of ideas.values()) {
    const list = byPriority.get(idea.priorityCode) ?? [];
    list.push({ id: idea.id, fp: fingerprint(idea) });
    byPriority.set(idea.priorityCode, list);
  }
  const wrong: string[] = [];
  let kept = 0;
  for (const list of byPriority.values()) {
    const here = new Set(list.map(({ id }) => id));
    const links = new Map(list.map(({ id }) => [id, new Map(index.linksOf(id).map((l) => [l.ideaId, l]))]));
    // Each link once, and only to an idea of the same priority still indexed.
    for (const { id } of list) {
      const ids = index.linksOf(id).map((l) => l.ideaId);
      if (new Set(ids).size !== ids.length || ids.some((other) => !here.has(other))) wrong.push(`${id}: links ${ids}`);
    }
    for (let i = 0; i < list.length; i++) {
      for (let j = i + 1; j < list.length; j++) {
        const a = list[i];
        const b = list[j];
        const { duplicate, theme } = fingerprintScores(a.fp, b.fp);
        const keep = duplicate >= index.floor || theme >= index.floor;
        const ab = links.get(a.id)!.get(b.id);
        const ba = links.get(b.id)!.get(a.id);
        if (keep) kept++;
        const right = (l: typeof ab) => (keep ? l !== undefined && l.duplicate === duplicate && l.theme === theme : l === undefined);
        if (!right(ab) || !right(ba)) {
          wrong.push(`${a.id}–${b.id}: ${duplicate}/${theme}, kept ${ab?.duplicate}/${ab?.theme} and ${ba?.duplicate}/${ba?.theme}`);
        }
      }
    }
  }
  // Not a vacuous pass: the sets hold thousands of pairs from the floor up.
  if (ideas.size > 1000 && kept < 10_000) wrong.push(`only ${kept} pairs kept`);
  return wrong.slice(0, 10);
}

describe('DuplicateIndex keeps what each pair scores alone', () => {
  // Some 6 million pairs scored alone: 16 s with the machine busy, more when files run side by side.
  it('over the four tuning sets and a crowd of 5,000, as ideas arrive, change, move and leave', { timeout: 240_000 }, () => {
    const index = new DuplicateIndex();
    const live = new Map<string, IdeaText>();
    const put = (idea: IdeaText) => {
      index.add(idea);
      live.set(idea.id, idea);
    };
    const crowd = crowdOf(labelled as Parameters<typeof crowdOf>[0], 5000);
    for (const idea of [...labelled, ...bare, ...crowd]) put(idea);
    expect(wrongPairs(index, live)).toEqual([]);

    // Edited to another card's words, moved to another priority, withdrawn; then new ideas, which
    // take the places the withdrawn ones left.
    for (let k = 0; k < crowd.length; k += 7) {
      const words = labelled[(k * 5) % labelled.length];
      index.update({ ...crowd[k], title: words.title, description: words.description });
      live.set(crowd[k].id, { ...crowd[k], title: words.title, description: words.description });
    }
    for (let k = 3; k < crowd.length; k += 11) put({ ...live.get(crowd[k].id)!, priorityCode: String(1 + ((k * 5) % 6)) });
    for (let k = 1; k < labelled.length; k += 4) {
      index.remove(labelled[k].id);
      live.delete(labelled[k].id);
    }
    for (let k = 5; k < crowd.length; k += 13) {
      index.remove(crowd[k].id);
      live.delete(crowd[k].id);
    }
    index.remove('bare-2');
    live.delete('bare-2');
    for (let k = 0; k < 400; k++) put({ ...labelled[(k * 17) % labelled.length], id: `again-${k}` });
    put({ ...bare[1], id: 'bare-5' });
    expect(index.size).toBe(live.size);
    expect(wrongPairs(index, live)).toEqual([]);
  });

  // Weights other than those shipped, as the benches try them: a rule on classes or places that
  // raises a score (×1.4, ×1.5, +0.3) lets fewer ideas be passed over. Compared with an index at a
  // floor of 0, which scores every pair.
  it('with weights that raise scores, as one that scores every pair', () => {
    const places = { apart: 1.5, same: 0.3 };
    const concepts = { weight: 1.5, apart: 0.8, titleApart: 1.4 };
    const every = new DuplicateIndex(0, places, undefined, null, concepts);
    const index = new DuplicateIndex(0.2, places, undefined, null, concepts);
    const ideas = [...loadLabelledSet(TUNING_SETS[1]).ideas, ...loadLabelledSet(TUNING_SETS[2]).ideas, ...bare];
    for (const idea of ideas) {
      every.add(idea);
      index.add(idea);
    }
    let kept = 0;
    for (const { id } of ideas) {
      const expected = every.linksOf(id).filter((l) => l.duplicate >= index.floor || l.theme >= index.floor);
      kept += expected.length;
      expect(index.linksOf(id)).toEqual(expected);
    }
    expect(kept).toBeGreaterThan(1000);
  });

  it.each([0, 0.05, 0.3])('at a floor of %s', (floor) => {
    const index = new DuplicateIndex(floor);
    const live = new Map<string, IdeaText>();
    for (const idea of [...loadLabelledSet(TUNING_SETS[1]).ideas, ...bare]) {
      index.add(idea);
      live.set(idea.id, idea);
    }
    expect(wrongPairs(index, live)).toEqual([]);
  });
});
