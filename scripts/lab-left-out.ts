// The duplicate method measured leave-one-set-out over the three tuning sets (the settings chosen
// on two, measured on the third, all three ways): `npx tsx scripts/lab-left-out.ts`. It never reads
// the held-out set. STEMMER_ONLY=1 measures without the optional dictionary. MISSES=1, 2 or 3 lists
// for that set, at the settings chosen on the other two, the duplicate pairs left apart (with their
// score) and the pairs joined wrongly. LINKING=hubK/hubWeight/mutualK/mutualBonus/rankHub/rankCross
// measures another weighing of the ideas' neighbourhoods (similarity.ts; 0/0/0/0/0/0 as before it).

import { fingerprint, fingerprintScores } from '../shared/forum/similarity.js';
import {
  TUNING_SETS,
  allGroups,
  bestSettingsOver,
  leaveOneSetOut,
  leftOutTable,
  loadLabelledSet,
  measureWithConcepts,
  measureWithLinkingOfEnv,
  linkingMeasured,
  measureWithLemmas,
  type LabelledIdea,
} from './bench-duplicates.js';
import { DuplicateIndex } from '../shared/forum/similarity.js';

await measureWithLemmas(process.env.STEMMER_ONLY !== '1');
// CONCEPTS=weight/apart measures other class weights than those shipped (similarity.ts).
if (process.env.CONCEPTS) {
  const [weight, apart] = process.env.CONCEPTS.split('/').map(Number);
  measureWithConcepts({ weight, apart, titleApart: 1 });
}
measureWithLinkingOfEnv();
const sets = TUNING_SETS.map((file) => loadLabelledSet(file));
const misses = Number(process.env.MISSES ?? 0);
if (!misses) {
  for (const line of leftOutTable(leaveOneSetOut(sets), ['first', 'second', 'third'])) console.log(line);
} else {
  const ideas = sets[misses - 1].ideas;
  const best = bestSettingsOver(sets.filter((_, s) => s !== misses - 1).map((s) => s.ideas), undefined, undefined, null);
  const index = new DuplicateIndex(0.1, best, undefined, null, undefined, linkingMeasured());
  for (const idea of ideas) index.add(idea);
  const groups = allGroups(index, ideas, best.threshold);
  const groupOf = new Map<string, number>();
  groups.forEach((ids, n) => ids.forEach((id) => groupOf.set(id, n)));
  const byId = new Map(ideas.map((i) => [i.id, i]));
  const score = (a: LabelledIdea, b: LabelledIdea) => {
    const s = fingerprintScores(fingerprint(a), fingerprint(b), best);
    return `${s.duplicate.toFixed(2)}/${s.theme.toFixed(2)}`;
  };
  const show = (a: LabelledIdea) => `${a.title} | ${a.description} {${a.place}}`;
  console.log(`set ${misses} at ${best.threshold.toFixed(2)}/${best.apart}/${best.same}\n== duplicate pairs left apart (duplicate/theme)`);
  for (let i = 0; i < ideas.length; i++) {
    for (let j = i + 1; j < ideas.length; j++) {
      const [a, b] = [ideas[i], ideas[j]];
      if (a.group !== b.group) continue;
      if (groupOf.has(a.id) && groupOf.get(a.id) === groupOf.get(b.id)) continue;
      console.log(`  ${score(a, b)} [${a.priorityCode}] ${show(a)}\n               ~ ${show(b)}`);
    }
  }
  console.log('\n== pairs joined wrongly');
  for (const ids of groups) {
    for (let i = 0; i < ids.length; i++) {
      for (let j = i + 1; j < ids.length; j++) {
        const [a, b] = [byId.get(ids[i])!, byId.get(ids[j])!];
        if (a.group !== b.group) console.log(`  ${score(a, b)} [${a.priorityCode}] ${show(a)}\n               ~ ${show(b)}`);
      }
    }
  }
}
