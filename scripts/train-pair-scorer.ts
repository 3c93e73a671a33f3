// The learned pair scorer of the duplicate measure (shared/forum/similarity.ts, PAIR_FEATURES):
// a logistic regression over two cards' word features, fitted to the labelled pairs of the tuning
// set alone (data/test/duplicate-ideas-uk.json: two cards of one priority, a duplicate when of one
// group). `npx tsx scripts/train-pair-scorer.ts` prints the weights fitted on the whole tuning set,
// with the server's dictionary lemmas; `--write` writes them to shared/forum/pairWeights.ts. The
// bench (scripts/bench-duplicates.ts) fits them again inside each fold of its cross-validation.

import { readFileSync, writeFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { placeRelation } from '../shared/forum/places.js';
import { PAIR_FEATURES, fingerprint, pairFeatures, type IdeaText, type LemmaOf } from '../shared/forum/similarity.js';
import { ukrainianLemmatizer } from '../server/forum/lemmas.js';

/** A labelled card: the cards of one group say the same thing. */
type LabelledIdea = IdeaText & { group: string };

/** How strongly the weights are pulled toward 0: a few hundred pairs of one kind should not swing them. */
const L2 = 1;
const ITERATIONS = 30;

/**
 * The weights (PAIR_FEATURES' order, then the bias) that best tell duplicates from other pairs of
 * one priority among `ideas`. Pairs at places apart are left out: the place rule scores them, and
 * the same project at two places is labelled apart, which would teach the words' score that the
 * same words are another project. Identical cards and cards with no word are scored by rule too.
 */
export function trainPairWeights(ideas: LabelledIdea[], lemmaOf?: LemmaOf): number[] {
  const prints = ideas.map((idea) => fingerprint(idea, lemmaOf));
  const rows: number[][] = [];
  const labels: number[] = [];
  for (let i = 0; i < ideas.length; i++) {
    for (let j = i + 1; j < ideas.length; j++) {
      const [a, b] = [prints[i], prints[j]];
      if (ideas[i].priorityCode !== ideas[j].priorityCode) continue;
      if (a.bare === b.bare || a.stems.keys.length === 0 || b.stems.keys.length === 0) continue;
      if (placeRelation(a.places, b.places) === 'apart') continue;
      rows.push([...pairFeatures(a, b), 1]);
      labels.push(ideas[i].group === ideas[j].group ? 1 : 0);
    }
  }
  return fitLogistic(rows, labels);
}

/** Logistic regression by Newton's method, the bias (last column) not pulled toward 0. */
function fitLogistic(rows: number[][], labels: number[]): number[] {
  const n = rows[0]?.length ?? PAIR_FEATURES.length + 1;
  const w = new Array<number>(n).fill(0);
  for (let iteration = 0; iteration < ITERATIONS; iteration++) {
    const gradient = new Array<number>(n).fill(0);
    const hessian = Array.from({ length: n }, () => new Array<number>(n).fill(0));
    for (let r = 0; r < rows.length; r++) {
      const x = rows[r];
      let z = 0;
      for (let k = 0; k < n; k++) z += w[k] * x[k];
      const p = 1 / (1 + Math.exp(-z));
      const s = p * (1 - p);
      for (let k = 0; k < n; k++) {
        gradient[k] += (p - labels[r]) * x[k];
        for (let m = 0; m < n; m++) hessian[k][m] += s * x[k] * x[m];
      }
    }
    for (let k = 0; k < n - 1; k++) {
      gradient[k] += L2 * w[k];
      hessian[k][k] += L2;
    }
    const step = solve(hessian, gradient);
    let moved = 0;
    for (let k = 0; k < n; k++) {
      w[k] -= step[k];
      moved = Math.max(moved, Math.abs(step[k]));
    }
    if (moved < 1e-9) break;
  }
  return w;
}

/** Solves a x = b by Gaussian elimination with partial pivoting (a small, positive definite system). */
function solve(a: number[][], b: number[]): number[] {
  const n = b.length;
  const m = a.map((row, i) => [...row, b[i]]);
  for (let col = 0; col < n; col++) {
    let pivot = col;
    for (let r = col + 1; r < n; r++) if (Math.abs(m[r][col]) > Math.abs(m[pivot][col])) pivot = r;
    [m[col], m[pivot]] = [m[pivot], m[col]];
    for (let r = col + 1; r < n; r++) {
      const f = m[r][col] / m[col][col];
      for (let c = col; c <= n; c++) m[r][c] -= f * m[col][c];
    }
  }
  const x = new Array<number>(n).fill(0);
  for (let r = n - 1; r >= 0; r--) {
    let sum = m[r][n];
    for (let c = r + 1; c < n; c++) sum -= m[r][c] * x[c];
    x[r] = sum / m[r][r];
  }
  return x;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const tuning = JSON.parse(readFileSync(new URL('../data/test/duplicate-ideas-uk.json', import.meta.url), 'utf8')) as { ideas: LabelledIdea[] };
  const weights = trainPairWeights(tuning.ideas, await ukrainianLemmatizer()).map((w) => Math.round(w * 1000) / 1000);
  console.log([...PAIR_FEATURES, 'bias'].map((name, k) => `${name}: ${weights[k]}`).join('\n'));
  if (process.argv.includes('--write')) {
    const file = new URL('../shared/forum/pairWeights.ts', import.meta.url);
    writeFileSync(
      file,
      `// The learned pair scorer's weights (similarity.ts, PAIR_FEATURES' order, then the bias), trained
// on the tuning set alone, data/test/duplicate-ideas-uk.json, by \`npx tsx scripts/train-pair-scorer.ts --write\`,
// which writes this file. Null: the fixed mixture of trigrams and stems.

export const PAIR_WEIGHTS: readonly number[] | null = [${weights.join(', ')}];
`,
    );
    console.log(`written to ${file.pathname}`);
  }
}
