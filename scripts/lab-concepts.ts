// How the classes of project (shared/forum/concepts.ts) weigh on the duplicate measure, compared
// by cross-validation over the tuning set's groups only (data/test/duplicate-ideas-uk.json, the
// bench's five folds: threshold and place weights chosen on four fifths, measured on the fifth):
// `npx tsx scripts/lab-concepts.ts` prints, for each class weight and factor for classes apart,
// pairwise precision, recall and F1, the share of cards whose three nearest hold a duplicate, and
// the pairs with a one-card project (a near miss) that the whole set's best settings join. It
// never reads the held-out set. STEMMER_ONLY=1 measures without the optional dictionary.

import { CONCEPT_WEIGHT, CONCEPTS_APART, DuplicateIndex } from '../shared/forum/similarity.js';
import {
  allGroups,
  bestSettings,
  crossValidate,
  loadLabelledIdeas,
  measureWithConcepts,
  measureWithLemmas,
  nearestRecall,
} from './bench-duplicates.js';

const GRID: { weight: number; apart: number }[] = [
  { weight: 0, apart: 1 },
  { weight: 1, apart: 1 },
  { weight: 1.5, apart: 1 },
  { weight: 2, apart: 1 },
  { weight: 2.5, apart: 1 },
  { weight: 3, apart: 1 },
  { weight: 0, apart: 0.6 },
  { weight: 1.5, apart: 0.6 },
  { weight: 2, apart: 0.8 },
  { weight: 2, apart: 0.5 },
  { weight: CONCEPT_WEIGHT, apart: CONCEPTS_APART },
];

await measureWithLemmas(process.env.STEMMER_ONLY !== '1');
const ideas = loadLabelledIdeas();
const groupOf = new Map(ideas.map((i) => [i.id, i.group]));
const single = (id: string) => groupOf.get(id)!.startsWith('s-');
console.log('weight apart   CV precision recall    F1   top-3  top-1  near misses joined  (folds chose)');
for (const weights of GRID) {
  measureWithConcepts(weights);
  const cv = crossValidate(ideas);
  const best = bestSettings(ideas);
  const index = new DuplicateIndex(0.1, { apart: best.apart, same: best.same }, undefined, null, weights);
  for (const idea of ideas) index.add(idea);
  let nearMisses = 0;
  for (const ids of allGroups(index, ideas, best.threshold)) {
    for (let i = 0; i < ids.length; i++) for (let j = i + 1; j < ids.length; j++) if (single(ids[i]) || single(ids[j])) nearMisses++;
  }
  const shipped = weights.weight === CONCEPT_WEIGHT && weights.apart === CONCEPTS_APART ? ' (shipped)' : '';
  console.log(
    `${String(weights.weight).padEnd(7)}${String(weights.apart).padEnd(8)}${cv.precision.toFixed(3).padStart(10)}` +
      `${cv.recall.toFixed(3).padStart(7)}${cv.f1.toFixed(3).padStart(7)}${nearestRecall(ideas, 3).share.toFixed(3).padStart(8)}` +
      `${nearestRecall(ideas, 1).share.toFixed(3).padStart(7)}${String(nearMisses).padStart(12)}        ` +
      `${cv.chosen.map((c) => c.threshold.toFixed(2)).join(' ')}${shipped}`,
  );
}
