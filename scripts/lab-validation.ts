// The duplicate method on the validation set (data/test/duplicate-ideas-uk-tuning4.json), with the
// threshold and place weights chosen on the three tuning sets together: `npx tsx
// scripts/lab-validation.ts` (STEMMER_ONLY=1 without the optional dictionary). It prints figures
// only, never the set's misses: the set was frozen before the method changed, and reading its
// misses would make it one more tuning set. VALIDATION=<file> measures another frozen set so
// (data/test/duplicate-ideas-uk-tuning5.json, written apart from the method and its tables).

import { TUNING_SETS, VALIDATION_SET, leftOutTable, loadLabelledSet, measureWithLemmas, measureWithLinkingOfEnv, measuredApart } from './bench-duplicates.js';

await measureWithLemmas(process.env.STEMMER_ONLY !== '1');
measureWithLinkingOfEnv();
const trains = TUNING_SETS.map((file) => loadLabelledSet(file).ideas);
const result = measuredApart(loadLabelledSet(process.env.VALIDATION || VALIDATION_SET), trains);
for (const line of leftOutTable([result], ['validation']).slice(0, 2)) console.log(line);
