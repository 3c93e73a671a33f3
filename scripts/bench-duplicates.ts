// `npm run bench:duplicates`: how well and how fast duplicate suggestions (shared/forum/similarity.ts)
// work on the labelled idea cards in data/test/duplicate-ideas-uk.json: pairwise precision, recall
// and F1 at several thresholds, and the time to index a forum's 250 ideas and to add one more.
// The labelled-set arithmetic is exported for the unit tests, so both measure the same way.

import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { DUPLICATE_THRESHOLD, DuplicateIndex, type IdeaText } from '../shared/forum/similarity.js';
import { percentileOf } from './measure.js';

/** A card of the labelled set: an idea and the group of cards that say the same thing. */
export interface LabelledIdea extends IdeaText {
  group: string;
}

export function loadLabelledIdeas(): LabelledIdea[] {
  const file = new URL('../data/test/duplicate-ideas-uk.json', import.meta.url);
  return (JSON.parse(readFileSync(file, 'utf8')) as { ideas: LabelledIdea[] }).ideas;
}

export interface PairwiseQuality {
  /** Of the pairs put together, the share that are labelled duplicates. */
  precision: number;
  /** Of the labelled duplicate pairs, the share put together. */
  recall: number;
  f1: number;
  suggestedPairs: number;
  labelledPairs: number;
}

const pairKey = (a: string, b: string) => (a < b ? `${a}\n${b}` : `${b}\n${a}`);

/**
 * Scores suggested groups against the labels, pair by pair: a group of n ideas puts n(n-1)/2 pairs
 * together, so a group that swallows another project costs as many pairs as it wrongly joins.
 */
export function pairwiseQuality(groups: string[][], ideas: LabelledIdea[]): PairwiseQuality {
  const labelled = new Set<string>();
  for (let i = 0; i < ideas.length; i++) {
    for (let j = i + 1; j < ideas.length; j++) {
      if (ideas[i].group === ideas[j].group) labelled.add(pairKey(ideas[i].id, ideas[j].id));
    }
  }
  let suggested = 0;
  let correct = 0;
  for (const ids of groups) {
    for (let i = 0; i < ids.length; i++) {
      for (let j = i + 1; j < ids.length; j++) {
        suggested++;
        if (labelled.has(pairKey(ids[i], ids[j]))) correct++;
      }
    }
  }
  const precision = suggested === 0 ? 1 : correct / suggested;
  const recall = labelled.size === 0 ? 1 : correct / labelled.size;
  const f1 = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
  return { precision, recall, f1, suggestedPairs: suggested, labelledPairs: labelled.size };
}

/** Every priority's suggested groups, as lists of idea ids. */
export function allGroups(index: DuplicateIndex, ideas: IdeaText[], threshold: number): string[][] {
  const priorities = [...new Set(ideas.map((i) => i.priorityCode))];
  return priorities.flatMap((code) => index.groups(code, threshold).map((g) => g.ideaIds));
}

const PRIORITIES = ['1', '2', '3', '4', '5', '6'];
const median = (xs: number[]) => percentileOf(xs, 50);

export async function benchDuplicates(): Promise<void> {
  const ideas = loadLabelledIdeas();
  const groupsLabelled = new Set(ideas.map((i) => i.group)).size;
  console.log(
    `Duplicate suggestions — ${ideas.length} labelled idea cards in ${groupsLabelled} projects ` +
      `(${ideas.length - groupsLabelled} cards repeat another), Node ${process.version}`,
  );

  const index = new DuplicateIndex();
  for (const idea of ideas) index.add(idea);
  const thresholds = [...new Set([0.2, 0.23, 0.25, DUPLICATE_THRESHOLD, 0.3, 0.35, 0.4, 0.5])].sort((a, b) => a - b);
  console.log('\nthreshold  precision  recall     F1  groups suggested');
  for (const threshold of thresholds) {
    const groups = allGroups(index, ideas, threshold);
    const g = pairwiseQuality(groups, ideas);
    const mark = threshold === DUPLICATE_THRESHOLD ? ' (default)' : '';
    console.log(
      `${threshold.toFixed(2).padEnd(9)}${g.precision.toFixed(3).padStart(11)}${g.recall.toFixed(3).padStart(8)}` +
        `${g.f1.toFixed(3).padStart(7)}${String(groups.length).padStart(8)}${mark}`,
    );
  }
  console.log(`(pairwise, over the ${pairwiseQuality([], ideas).labelledPairs} labelled duplicate pairs)`);

  // A forum's evening: 250 ideas, then one more arriving; the best of several runs is the
  // machine's speed, the median what to expect.
  const forum = ideas.slice(0, 250);
  const extra = ideas[250] ?? { ...ideas[0], id: `${ideas[0].id}-again` };
  const indexTimes: number[] = [];
  const addTimes: number[] = [];
  const groupTimes: number[] = [];
  for (let run = 0; run < 30; run++) {
    const fresh = new DuplicateIndex();
    let t = performance.now();
    for (const idea of forum) fresh.add(idea);
    indexTimes.push(performance.now() - t);
    t = performance.now();
    fresh.add(extra);
    fresh.matches(extra.id);
    addTimes.push(performance.now() - t);
    t = performance.now();
    for (const code of PRIORITIES) fresh.groups(code);
    groupTimes.push(performance.now() - t);
  }
  const perPriority = Math.max(...PRIORITIES.map((c) => forum.filter((i) => i.priorityCode === c).length));
  const times = (xs: number[], digits: number) => `${median(xs).toFixed(digits)} ms, ${Math.min(...xs).toFixed(digits)} ms`;
  console.log(`\ntimes over 30 runs (median, best), ${forum.length} ideas, at most ${perPriority} in one priority:`);
  console.log(`  index ${forum.length} ideas:                 ${times(indexTimes, 2)}`);
  console.log(`  add one more and find its matches: ${times(addTimes, 3)}`);
  console.log(`  groups of all six priorities:      ${times(groupTimes, 2)}`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await benchDuplicates();
}
