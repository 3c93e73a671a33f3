// Candidate duplicate measures compared by cross-validation over the tuning set's groups only
// (data/test/duplicate-ideas-uk.json; threshold and weights chosen on four fifths of the groups,
// measured on the fifth, over three draws of the folds): `npx tsx scripts/lab-duplicates.ts`.
// ONLY=a,b runs the named candidates; SEEDS=1 one draw; WEIGHTS=name prints what the whole tuning
// set fits; ABLATE=file measures each line of the file as a synonym group added alone to the
// table's first 27; LEMMAS=file.json (word -> Hunspell lemma, made with `hunspell -d uk_UA -s`
// from Debian's hunspell-uk) feeds the `lemma` candidate. `--held-out NAME` measures one candidate
// once on the held-out set, at what the whole tuning set chose: a figure to report, never to choose by.
// The grouping is the index's (average linkage from the same floor) on a finer threshold grid, so
// its figures differ from the bench's by a point or two.

import { placeRelation, placesOf } from '../shared/forum/places.js';
import { stemsUk } from '../shared/forum/stemming.js';
import { conceptOf, synonymGroups } from '../shared/forum/synonyms.js';

// The table as it was before the groups added after its first 27 (synonyms.ts keeps its lines in order).
const BEFORE = new Map<string, string>();
for (const [concept, stems] of [...synonymGroups()].slice(0, 27)) for (const stem of stems) BEFORE.set(stem, concept);
const conceptOfBefore = (stem: string) => BEFORE.get(stem) ?? stem;
import { HELD_OUT_SET, foldsByGroup, loadLabelledSet, lookAlikesJoined, type LabelledIdea } from './bench-duplicates.js';

type Vec = Map<string, number>;
interface Card {
  idea: LabelledIdea;
  title: string[];
  desc: string[];
  places: string[];
  bare: string;
}

function unit(m: Vec): Vec {
  let n = 0;
  for (const v of m.values()) n += v * v;
  const s = n > 0 ? 1 / Math.sqrt(n) : 0;
  const out = new Map<string, number>();
  for (const [k, v] of m) out.set(k, v * s);
  return out;
}
function dot(a: Vec, b: Vec): number {
  if (a.size > b.size) [a, b] = [b, a];
  let s = 0;
  for (const [k, v] of a) {
    const w = b.get(k);
    if (w !== undefined) s += v * w;
  }
  return s;
}
const trigramsOf = (stems: string[], w: (s: string) => number = () => 1): Vec => {
  const m = new Map<string, number>();
  for (const s of new Set(stems)) {
    const p = ` ${s} `;
    for (let i = 0; i + 3 <= p.length; i++) m.set(p.slice(i, i + 3), (m.get(p.slice(i, i + 3)) ?? 0) + w(s));
  }
  return m;
};
const ngramsOf = (stems: string[], n: number, w: (s: string) => number = () => 1): Vec => {
  const m = new Map<string, number>();
  for (const s of new Set(stems)) {
    const p = ` ${s} `;
    for (let i = 0; i + n <= p.length; i++) m.set(p.slice(i, i + n), (m.get(p.slice(i, i + n)) ?? 0) + w(s));
    if (p.length < n) m.set(p, (m.get(p) ?? 0) + w(s));
  }
  return m;
};
const stemVec = (stems: string[], w: (s: string) => number = () => 1): Vec => new Map([...new Set(stems)].map((s) => [s, w(s)]));
function addInto(into: Vec, m: Vec, weight: number) {
  for (const [k, v] of unit(m)) into.set(k, (into.get(k) ?? 0) + v * weight);
}

// Lemmas from the Hunspell dictionary for Ukrainian (Debian's hunspell-uk, `hunspell -s`), read
// from a file made beforehand for the cards' words: measured here, not shipped.
const LEMMAS: Record<string, string> = process.env.LEMMAS ? JSON.parse((await import('node:fs')).readFileSync(process.env.LEMMAS, 'utf8')) : {};
function lemmatised(text: string, keep: Set<string>): string {
  return text.replace(/(?<=\p{L})['’ʼ‘`]+(?=\p{L})/gu, '').replace(/[\p{L}\p{N}]+/gu, (w) => (keep.has(w.toLowerCase()) ? w : (LEMMAS[w.toLowerCase()] ?? w)));
}
function cardOf(idea: LabelledIdea, concept = conceptOf, lemmas = false): Card {
  const p = placesOf(idea);
  if (lemmas) {
    return {
      idea,
      title: stemsUk(lemmatised(idea.title, p.words), p.words).map(concept),
      desc: stemsUk(lemmatised(idea.description, p.words), p.words).map(concept),
      places: p.keys,
      bare: `${idea.title}\n${idea.description}\n${idea.place}`.toLowerCase().replace(/\s+/g, ' ').trim(),
    };
  }
  return {
    idea,
    title: stemsUk(idea.title, p.words).map(concept),
    desc: stemsUk(idea.description, p.words).map(concept),
    places: p.keys,
    bare: `${idea.title}\n${idea.description}\n${idea.place}`.toLowerCase().replace(/\s+/g, ' ').trim(),
  };
}

/** Per-pair features of a candidate; the set of cards is what the forum holds (document frequencies read from it, no labels). */
type PairFeatures = (a: Card, b: Card) => number[];
type Featuriser = (cards: Card[]) => PairFeatures;

function baseFeatures(cards: Card[], idfPower: number): PairFeatures {
  const df = new Map<string, number>();
  for (const c of cards) for (const s of new Set([...c.title, ...c.desc])) df.set(s, (df.get(s) ?? 0) + 1);
  const n = cards.length;
  const idf = (s: string) => Math.log(1 + n / (df.get(s) ?? 1)) ** idfPower;
  const prep = new Map<Card, { tri: Vec; stem: Vec; ttri: Vec; itri: Vec; istem: Vec; tstem: Vec; q4: Vec; all: Set<string> }>();
  for (const c of cards) {
    const tri = new Map<string, number>();
    const stem = new Map<string, number>();
    const itri = new Map<string, number>();
    const istem = new Map<string, number>();
    for (const f of [c.title, c.desc]) {
      addInto(tri, trigramsOf(f), 1);
      addInto(stem, stemVec(f), 1);
      addInto(itri, trigramsOf(f, idf), 1);
      addInto(istem, stemVec(f, idf), 1);
    }
    prep.set(c, { tri: unit(tri), stem: unit(stem), ttri: unit(trigramsOf(c.title)), itri: unit(itri), istem: unit(istem), tstem: unit(stemVec(c.title, idf)), q4: unit(ngramsOf([...c.title, ...c.desc], 4, idf)), all: new Set([...c.title, ...c.desc]) });
  }
  return (a, b) => {
    const x = prep.get(a)!;
    const y = prep.get(b)!;
    const rel = placeRelation(a.places, b.places);
    const empty = a.title.length + a.desc.length === 0 || b.title.length + b.desc.length === 0;
    return [
      empty ? 0 : dot(x.tri, y.tri),
      empty ? 0 : dot(x.stem, y.stem),
      empty ? 0 : dot(x.ttri, y.ttri),
      empty ? 0 : dot(x.itri, y.itri),
      empty ? 0 : dot(x.istem, y.istem),
      rel === 'same' ? 1 : 0,
      rel === 'apart' ? 1 : 0,
      a.bare === b.bare ? 1 : 0,
      empty ? 0 : dot(x.tstem, y.tstem),
      empty ? 0 : dot(x.q4, y.q4),
      Math.min(3, [...x.all].filter((s) => y.all.has(s)).length) / 3,
      rel === 'apart' ? dot(x.itri, y.itri) : 0,
    ];
  };
}

/** A candidate: features, and how they make a score, with parameters chosen on the training cards. */
interface Candidate {
  name: string;
  lemmas?: boolean;
  concept?: (s: string) => string;
  features: Featuriser;
  /** Score makers to choose among on the training cards (grid), or one fitted on them. */
  scorers: (train: { x: number[]; same: boolean }[]) => ((x: number[]) => number)[];
}

const linear = (tri: number, apart: number, same: number, triIdx = 0, stemIdx = 1) => (x: number[]) => {
  if (x[7]) return 1;
  const t = tri * x[triIdx] + (1 - tri) * x[stemIdx];
  return x[6] ? t * apart : x[5] ? Math.min(1, t + same) : t;
};
const grid = (triIdx: number, stemIdx: number) => () => {
  const out: ((x: number[]) => number)[] = [];
  for (const apart of [0, 0.1, 0.2]) for (const same of [0, 0.05, 0.1]) out.push(linear(0.8, apart, same, triIdx, stemIdx));
  return out;
};

function logistic(rows: { x: number[]; same: boolean }[], l2 = 0.01, epochs = 300): (x: number[]) => number {
  const d = rows[0].x.length;
  const w = new Array(d + 1).fill(0);
  const pos = rows.filter((r) => r.same).length;
  const weightPos = (rows.length - pos) / Math.max(1, pos) / 4;
  const lr = 0.5;
  for (let e = 0; e < epochs; e++) {
    const g = new Array(d + 1).fill(0);
    let tw = 0;
    for (const r of rows) {
      let z = w[d];
      for (let i = 0; i < d; i++) z += w[i] * r.x[i];
      const p = 1 / (1 + Math.exp(-z));
      const cw = r.same ? weightPos : 1;
      const err = (p - (r.same ? 1 : 0)) * cw;
      for (let i = 0; i < d; i++) g[i] += err * r.x[i];
      g[d] += err;
      tw += cw;
    }
    for (let i = 0; i < d; i++) w[i] -= lr * (g[i] / tw + l2 * w[i]);
    w[d] -= lr * (g[d] / tw);
  }
  lastWeights = w;
  return (x) => {
    if (x[7]) return 1;
    let z = w[d];
    for (let i = 0; i < d; i++) z += w[i] * x[i];
    return 1 / (1 + Math.exp(-z));
  };
}
let lastWeights: number[] = [];
/** A logistic regression over some features only. */
function pick(rows: { x: number[]; same: boolean }[], at: number[]): (x: number[]) => number {
  const f = logistic(rows.map((r) => ({ ...r, x: at.map((i) => r.x[i]) })));
  return (x) => (x[7] ? 1 : f(at.map((i) => x[i])));
}
/** A logistic regression over the words and a shared place, learned on pairs not at places apart; the rule for places apart on top. */
function apartRule(rows: { x: number[]; same: boolean }[], at: number[]): ((x: number[]) => number)[] {
  const f = pick(rows, at);
  return [0, 0.1, 0.2].map((apart) => (x: number[]) => (x[7] ? 1 : x[6] ? f(x) * apart : f(x)));
}
/** A logistic regression over the project's words alone, then the place rule (apart: times, same: plus) on top. */
function placeRule(rows: { x: number[]; same: boolean }[], at: number[]): ((x: number[]) => number)[] {
  const f = pick(rows.map((r) => ({ ...r, same: r.same })), at);
  const out: ((x: number[]) => number)[] = [];
  for (const apart of [0, 0.1, 0.2]) for (const same of [0, 0.05, 0.1]) out.push((x) => {
    if (x[7]) return 1;
    const t = f(x);
    return x[6] ? t * apart : x[5] ? Math.min(1, t + same) : t;
  });
  return out;
}

const CANDIDATES: Candidate[] = [
  { name: 'baseline', features: (c) => baseFeatures(c, 1), scorers: grid(0, 1) },
  { name: 'syn-before', concept: conceptOfBefore, features: (c) => baseFeatures(c, 1), scorers: grid(0, 1) },
  {
    name: 'share-grid',
    features: (c) => baseFeatures(c, 1),
    scorers: () => [0.6, 0.7, 0.8, 0.9, 1].flatMap((tri) => [0.1, 0.2].flatMap((apart) => [0, 0.05, 0.1].map((same) => linear(tri, apart, same)))),
  },
  { name: 'lemma', lemmas: true, features: (c) => baseFeatures(c, 1), scorers: grid(0, 1) },
  { name: 'idf', features: (c) => baseFeatures(c, 1), scorers: grid(3, 4) },
  { name: 'idf2', features: (c) => baseFeatures(c, 2), scorers: grid(3, 4) },
  { name: 'logreg', features: (c) => baseFeatures(c, 1), scorers: (rows) => [logistic(rows.map((r) => ({ ...r, x: r.x.slice(0, 8) })))].map((f) => (x: number[]) => f(x.slice(0, 8))) },
  { name: 'lr-text', features: (c) => baseFeatures(c, 1), scorers: (rows) => placeRule(rows, [0, 1, 2]) },
  { name: 'lr-text-idf', features: (c) => baseFeatures(c, 1), scorers: (rows) => placeRule(rows, [0, 1, 2, 3, 4]) },
  { name: 'logreg-rule', features: (c) => baseFeatures(c, 1), scorers: (rows) => apartRule(rows.filter((r) => !r.x[6]), [0, 1, 2, 3, 4, 5]) },
  { name: 'logreg-rule-all', features: (c) => baseFeatures(c, 1), scorers: (rows) => apartRule(rows, [0, 1, 2, 3, 4, 5]) },
  { name: 'logreg-noidf', features: (c) => baseFeatures(c, 1), scorers: (rows) => [pick(rows, [0, 1, 2, 5, 6, 7])] },
  { name: 'logreg-more', features: (c) => baseFeatures(c, 1), scorers: (rows) => [logistic(rows)] },
  { name: 'idf-title', features: (c) => baseFeatures(c, 1), scorers: grid(3, 8) },
  { name: 'idf-4gram', features: (c) => baseFeatures(c, 1), scorers: grid(9, 4) },
];

// ------------------------------------------------------------ grouping and counting, as the index does

const FLOOR = 0.1;
/** Average-linkage merges of each priority, best first, down to the floor: cut at any threshold, the groups the index makes. */
function mergesOf(cards: Card[], score: (a: Card, b: Card) => number) {
  const merges: { height: number; a: string; b: string }[] = [];
  for (const code of new Set(cards.map((c) => c.idea.priorityCode))) {
    const mine = cards.filter((c) => c.idea.priorityCode === code);
    const n = mine.length;
    const s: number[][] = Array.from({ length: n }, () => new Array(n).fill(0));
    for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) {
      const v = score(mine[i], mine[j]);
      s[i][j] = s[j][i] = v >= FLOOR ? v : 0;
    }
    // sums between live clusters, sizes
    const size = new Array(n).fill(1);
    const live = new Set(Array.from({ length: n }, (_, i) => i));
    for (;;) {
      let best = -1;
      let bi = -1;
      let bj = -1;
      for (const i of live) for (const j of live) {
        if (j <= i) continue;
        const avg = s[i][j] / (size[i] * size[j]);
        if (avg > best) [best, bi, bj] = [avg, i, j];
      }
      if (best < FLOOR || bi < 0) break;
      merges.push({ height: best, a: mine[bi].idea.id, b: mine[bj].idea.id });
      for (const k of live) if (k !== bi && k !== bj) s[bi][k] = s[k][bi] = s[bi][k] + s[bj][k];
      size[bi] += size[bj];
      live.delete(bj);
    }
  }
  return merges.sort((x, y) => y.height - x.height);
}
function cut(merges: { height: number; a: string; b: string }[], threshold: number): string[][] {
  const parent = new Map<string, string>();
  const find = (x: string): string => {
    while (parent.has(x) && parent.get(x) !== x) x = parent.get(x)!;
    return x;
  };
  for (const m of merges) {
    if (m.height < threshold) break;
    const ra = find(m.a);
    const rb = find(m.b);
    parent.set(ra, ra);
    parent.set(rb, ra);
  }
  const groups = new Map<string, string[]>();
  for (const id of parent.keys()) {
    const r = find(id);
    groups.set(r, [...(groups.get(r) ?? []), id]);
  }
  return [...groups.values()].filter((g) => g.length > 1);
}
function groupsOf(cards: Card[], score: (a: Card, b: Card) => number, threshold: number): string[][] {
  return cut(mergesOf(cards, score), threshold);
}

function f1Of(groups: string[][], cards: Card[], inScope: (id: string) => boolean = () => true) {
  const group = new Map(cards.map((c) => [c.idea.id, c.idea.group]));
  let suggested = 0;
  let correct = 0;
  for (const ids of groups) for (let i = 0; i < ids.length; i++) for (let j = i + 1; j < ids.length; j++) {
    const mine = Number(inScope(ids[i])) + Number(inScope(ids[j]));
    suggested += mine / 2;
    if (mine === 2 && group.get(ids[i]) === group.get(ids[j])) correct++;
  }
  let labelled = 0;
  const scoped = cards.filter((c) => inScope(c.idea.id));
  for (let i = 0; i < scoped.length; i++) for (let j = i + 1; j < scoped.length; j++) if (scoped[i].idea.group === scoped[j].idea.group) labelled++;
  return { suggested, correct, labelled };
}
const prf = (s: number, c: number, l: number) => {
  const p = s === 0 ? 1 : c / s;
  const r = l === 0 ? 1 : c / l;
  return { p, r, f1: p + r === 0 ? 0 : (2 * p * r) / (p + r) };
};

const THRESHOLDS = Array.from({ length: 60 }, (_, i) => 0.1 + i * 0.015);

function pairsOf(cards: Card[], feat: PairFeatures) {
  const rows: { x: number[]; same: boolean }[] = [];
  for (let i = 0; i < cards.length; i++) for (let j = i + 1; j < cards.length; j++) {
    if (cards[i].idea.priorityCode !== cards[j].idea.priorityCode) continue;
    rows.push({ x: feat(cards[i], cards[j]), same: cards[i].idea.group === cards[j].idea.group });
  }
  return rows;
}

/** Chooses the scorer and threshold with the best F1 on `train`. */
function choose(cand: Candidate, train: Card[]) {
  const feat = cand.features(train);
  const scorers = cand.scorers(pairsOf(train, feat));
  let best = { f1: -1, scorer: scorers[0], threshold: 0.25 };
  for (const scorer of scorers) {
    const merges = mergesOf(train, (a, b) => scorer(feat(a, b)));
    for (const threshold of THRESHOLDS) {
      const q = f1Of(cut(merges, threshold), train);
      const { f1 } = prf(q.suggested, q.correct, q.labelled);
      if (f1 > best.f1) best = { f1, scorer, threshold };
    }
  }
  return best;
}

function foldsOf(cards: Card[], seed: number): Map<string, number> {
  if (seed === 0) return foldsByGroup(cards.map((c) => c.idea));
  const names = [...new Set(cards.map((c) => c.idea.group))].sort();
  for (let i = names.length - 1; i > 0; i--) {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    const j = seed % (i + 1);
    [names[i], names[j]] = [names[j], names[i]];
  }
  return new Map(names.map((name, i) => [name, i % 5]));
}
function crossValidate(cand: Candidate, cards: Card[], seed = 0) {
  const fold = foldsOf(cards, seed);
  let s = 0;
  let c = 0;
  let l = 0;
  const chosen: string[] = [];
  let top3 = 0;
  let withMate = 0;
  for (let f = 0; f < 5; f++) {
    const train = cards.filter((x) => fold.get(x.idea.group) !== f);
    const best = choose(cand, train);
    chosen.push(best.threshold.toFixed(3));
    const feat = cand.features(cards);
    const score = (a: Card, b: Card) => best.scorer(feat(a, b));
    const inFold = (id: string) => fold.get(cards.find((x) => x.idea.id === id)!.idea.group) === f;
    const q = f1Of(groupsOf(cards, score, best.threshold), cards, inFold);
    s += q.suggested;
    c += q.correct;
    l += q.labelled;
    const t = nearest3(cards, score, inFold);
    top3 += t.found;
    withMate += t.withMate;
  }
  return { ...prf(s, c, l), chosen, top3: top3 / withMate };
}

function nearest3(cards: Card[], score: (a: Card, b: Card) => number, inScope: (id: string) => boolean = () => true) {
  let found = 0;
  let withMate = 0;
  for (const a of cards) {
    if (!inScope(a.idea.id)) continue;
    const peers = cards.filter((b) => b !== a && b.idea.priorityCode === a.idea.priorityCode);
    if (!peers.some((b) => b.idea.group === a.idea.group)) continue;
    withMate++;
    const top = peers.map((b) => ({ b, v: score(a, b) })).filter((x) => x.v >= FLOOR).sort((x, y) => y.v - x.v).slice(0, 3);
    if (top.some((x) => x.b.idea.group === a.idea.group)) found++;
  }
  return { found, withMate };
}

const args = process.argv.slice(2);
const tuningIdeas = loadLabelledSet().ideas;
const SEEDS = process.env.SEEDS === '1' ? [0] : [0, 7, 1234];
const heldOutName = args[0] === '--held-out' ? args[1] : undefined;
const only = process.env.ONLY?.split(',');
if (process.env.WEIGHTS) {
  const cand = CANDIDATES.find((c) => c.name === process.env.WEIGHTS)!;
  const best = choose(cand, tuningIdeas.map((i) => cardOf(i, cand.concept, cand.lemmas)));
  console.log('threshold', best.threshold.toFixed(3), 'F1 in-sample', best.f1.toFixed(3), 'weights', lastWeights.map((w) => w.toFixed(3)).join(' '));
  process.exit(0);
}
if (process.env.ABLATE) {
  // Each added group alone on top of the table before: which help on the tuning set, which hurt.
  const { stemUk } = await import('../shared/forum/stemming.js');
  const added = (await import('node:fs')).readFileSync(process.env.ABLATE, 'utf8').split('\n').filter((l) => l.trim());
  for (const line of ['', ...added]) {
    const extra = new Map<string, string>();
    const words = line.split(' ').filter(Boolean).map((w) => w.replace(/['’ʼ]/g, ''));
    for (const w of words) extra.set(stemUk(w), stemUk(words[0]));
    const cand: Candidate = { name: line || '(before)', concept: (st) => extra.get(st) ?? conceptOfBefore(st), features: (c) => baseFeatures(c, 1), scorers: grid(0, 1) };
    const tuning = tuningIdeas.map((i) => cardOf(i, cand.concept, cand.lemmas));
    const runs = [0, 7, 1234].map((seed) => crossValidate(cand, tuning, seed));
    console.log(`${(runs.reduce((a, r) => a + r.f1, 0) / 3).toFixed(3)}  ${cand.name}`);
  }
  process.exit(0);
}
for (const cand of CANDIDATES) {
  if (only && !only.includes(cand.name)) continue;
  if (heldOutName && cand.name !== heldOutName) continue;
  if (!heldOutName || args.includes('--cv')) {
    const tuning = tuningIdeas.map((i) => cardOf(i, cand.concept, cand.lemmas));
    const runs = SEEDS.map((seed) => crossValidate(cand, tuning, seed));
    const cv = runs[0];
    const mean = (f: (r: (typeof runs)[0]) => number) => (runs.reduce((a, r) => a + f(r), 0) / runs.length).toFixed(3);
    console.log(`${cand.name.padEnd(14)} tuning CV  P ${cv.p.toFixed(3)} R ${cv.r.toFixed(3)} F1 ${cv.f1.toFixed(3)} top3 ${cv.top3.toFixed(3)}  | 3 fold draws: F1 ${runs.map((r) => r.f1.toFixed(3)).join(' ')} mean ${mean((r) => r.f1)} top3 ${mean((r) => r.top3)} | thr ${cv.chosen.join(' ')}`);
  }
  if (heldOutName) {
    // Chosen on the whole tuning set, then measured once on the held-out set.
    const best = choose(cand, tuningIdeas.map((i) => cardOf(i, cand.concept, cand.lemmas)));
    if (cand.name === 'logreg') console.log('weights', lastWeights.map((w) => w.toFixed(3)).join(' '));
    const held = loadLabelledSet(HELD_OUT_SET);
    const cards = held.ideas.map((i) => cardOf(i, cand.concept, cand.lemmas));
    const feat = cand.features(cards);
    const score = (a: Card, b: Card) => best.scorer(feat(a, b));
    const groups = groupsOf(cards, score, best.threshold);
    const q = f1Of(groups, cards);
    const m = prf(q.suggested, q.correct, q.labelled);
    const t = nearest3(cards, score);
    console.log(
      `${cand.name.padEnd(14)} HELD-OUT   P ${m.p.toFixed(3)} R ${m.r.toFixed(3)} F1 ${m.f1.toFixed(3)} top3 ${(t.found / t.withMate).toFixed(3)} ` +
        `look-alikes joined ${lookAlikesJoined(groups, held.lookAlikes)} of ${held.lookAlikes.length}  (threshold ${best.threshold.toFixed(3)} from the tuning set)`,
    );
  }
}
