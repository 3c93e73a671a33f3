// How the classes of project (shared/forum/concepts.ts) weigh on the duplicate measure, compared
// by cross-validation over the tuning sets' groups only (data/test/duplicate-ideas-uk.json,
// data/test/duplicate-ideas-uk-tuning2.json and …-tuning3.json, the bench's five folds dealt over the sets' groups:
// threshold and place weights chosen on four fifths, measured on the fifth): `npx tsx
// scripts/lab-concepts.ts` prints, for each class weight and factor for classes apart, pairwise
// precision, recall and F1 over both sets, F1 on each set under those settings and on the first set
// cross-validated alone, the share of cards whose three nearest hold a duplicate, and the
// second set's look-alikes that the whole sets' best settings join. It never reads the held-out
// set. STEMMER_ONLY=1 measures without the optional dictionary. MISSES=1 lists, at the shipped
// weights and the whole sets' best settings, the duplicate pairs left apart (with their score)
// and the pairs joined wrongly: what the tables lack, read on tuning cards alone.

import {
  CONCEPT_WEIGHT,
  CONCEPTS_APART,
  DuplicateIndex,
  TITLE_CONCEPT_APART,
  fingerprint,
  fingerprintScores,
  type ConceptWeights,
} from '../shared/forum/similarity.js';
import {
  TUNING2_SET,
  allGroups,
  bestSettingsOver,
  crossValidate,
  crossValidateSets,
  loadLabelledSet,
  loadTuningSets,
  lookAlikesJoined,
  measureWithConcepts,
  measureWithLemmas,
  nearestRecall,
  type LabelledIdea,
} from './bench-duplicates.js';

const SHIPPED = { weight: CONCEPT_WEIGHT, apart: CONCEPTS_APART, titleApart: TITLE_CONCEPT_APART };
const GRID: ConceptWeights[] = process.env.MISSES === '1'
  ? [SHIPPED]
  : [
      { weight: 0, apart: 1, titleApart: 1 },
      { weight: 1.5, apart: 0.6, titleApart: 1 },
      { weight: 2.5, apart: 0.6, titleApart: 1 },
      { weight: 3, apart: 0.6, titleApart: 1 },
      { weight: 2, apart: 1, titleApart: 1 },
      { weight: 2, apart: 0.4, titleApart: 1 },
      { weight: 2, apart: 0.6, titleApart: 0.8 },
      { weight: 2, apart: 0.6, titleApart: 0.6 },
      SHIPPED,
    ];

await measureWithLemmas(process.env.STEMMER_ONLY !== '1');
const sets = loadTuningSets();
const { lookAlikes } = loadLabelledSet(TUNING2_SET);
const shipped = (w: ConceptWeights) => w.weight === SHIPPED.weight && w.apart === SHIPPED.apart && w.titleApart === SHIPPED.titleApart;

function indexOf(ideas: LabelledIdea[], best: { apart: number; same: number }, weights: ConceptWeights) {
  const index = new DuplicateIndex(0.1, { apart: best.apart, same: best.same }, undefined, null, weights);
  for (const idea of ideas) index.add(idea);
  return index;
}

if (process.env.MISSES !== '1') {
  console.log('weight apart title   all: P      R     F1 | by set             | set 1 alone | top-3 by set       | look-alikes joined (s2)  (folds chose)');
}
for (const weights of GRID) {
  measureWithConcepts(weights);
  const cv = crossValidateSets(sets);
  const best = bestSettingsOver(sets);
  if (process.env.MISSES === '1') {
    console.log(`whole sets' best: ${best.threshold.toFixed(2)}/${best.apart}/${best.same}`);
    sets.forEach((ideas, s) => {
      const index = indexOf(ideas, best, weights);
      const groups = allGroups(index, ideas, best.threshold);
      const groupOf = new Map<string, number>();
      groups.forEach((ids, n) => ids.forEach((id) => groupOf.set(id, n)));
      const byId = new Map(ideas.map((i) => [i.id, i]));
      const score = (a: LabelledIdea, b: LabelledIdea) =>
        fingerprintScores(fingerprint(a, undefined, weights), fingerprint(b, undefined, weights), best).duplicate.toFixed(2);
      console.log(`\n== set ${s + 1}: duplicate pairs left apart`);
      for (let i = 0; i < ideas.length; i++) {
        for (let j = i + 1; j < ideas.length; j++) {
          const [a, b] = [ideas[i], ideas[j]];
          if (a.group !== b.group) continue;
          if (groupOf.has(a.id) && groupOf.get(a.id) === groupOf.get(b.id)) continue;
          console.log(`  ${score(a, b)} [${a.priorityCode}] ${a.title} {${a.place}} ~ ${b.title} {${b.place}}`);
        }
      }
      console.log(`\n== set ${s + 1}: pairs joined wrongly`);
      for (const ids of groups) {
        for (let i = 0; i < ids.length; i++) {
          for (let j = i + 1; j < ids.length; j++) {
            const [a, b] = [byId.get(ids[i])!, byId.get(ids[j])!];
            if (a.group !== b.group) console.log(`  ${score(a, b)} [${a.priorityCode}] ${a.title} {${a.place}} ~ ${b.title} {${b.place}}`);
          }
        }
      }
    });
    continue;
  }
  const alone = crossValidate(sets[0]);
  const joined = lookAlikesJoined(allGroups(indexOf(sets[1], best, weights), sets[1], best.threshold), lookAlikes);
  console.log(
    `${String(weights.weight).padEnd(7)}${String(weights.apart).padEnd(6)}${String(weights.titleApart ?? 1).padEnd(6)}${cv.precision.toFixed(3).padStart(8)}` +
      `${cv.recall.toFixed(3).padStart(7)}${cv.f1.toFixed(3).padStart(7)} |${cv.perSet.map((p) => p.f1.toFixed(3).padStart(6)).join(' ')} |` +
      `${alone.f1.toFixed(3).padStart(8)}     |${sets.map((ideas) => nearestRecall(ideas, 3).share.toFixed(3).padStart(6)).join('')} |` +
      `${String(joined).padStart(4)} of ${lookAlikes.length}            ${cv.chosen.map((c) => c.threshold.toFixed(2)).join(' ')}${shipped(weights) ? ' (shipped)' : ''}`,
  );
}
