// Duplicate suggestions among ideas: how alike two idea cards are, in a way that reads Ukrainian
// (case endings, the apostrophe typed three ways, filler words), and an index that keeps a live
// forum's ideas grouped into likely duplicates for the facilitator to merge. Pure, no I/O.
//
// The measure is lexical: character trigrams of the normalised words catch typos, compounds and
// endings the stemmer misses (велодоріжка / доріжка, тратуар / тротуар), and word stems catch the
// same words in another order or form; broad classes of project (concepts.ts) bring words with
// nothing in common a little closer (ліхтарі / темно). Most paraphrases in other words are still
// out of its reach (README), so it suggests, and a person decides.

import type { Idea } from './types.js';
import { placeRelation, placesOf } from './places.js';
import { stemsUk, type LemmaOf } from './stemming.js';
import { PAIR_WEIGHTS } from './pairWeights.js';
import { conceptOf, isListed } from './synonyms.js';
import { conceptClassOf } from './concepts.js';

/** What the measure reads of an idea. */
export type IdeaText = Pick<Idea, 'id' | 'priorityCode' | 'title' | 'description' | 'place'>;

/**
 * The score from which two ideas read as duplicates, and from which ideas are grouped as a theme:
 * the best over the three tuning sets whole (data/test/duplicate-ideas-uk.json, …-tuning2.json,
 * …-tuning3.json; F1 0.680 there), and what every fold of the cross-validation over them chose on
 * the other four, and what each pair of sets chose when the third was left out. Duplicate groups
 * are made on links that weigh each idea's neighbourhood too, from GROUP_THRESHOLD. On the
 * held-out set it does worse (README, `npm run bench:duplicates`).
 */
export const DUPLICATE_THRESHOLD = 0.33;

export { normalizeUk, stemUk, stemsUk, type LemmaOf } from './stemming.js';

// ---------------------------------------------------------------- fingerprints

/**
 * A sparse vector of unit length. Keys are sorted, so two vectors are multiplied in one merge, in
 * the same order whichever comes first: a score is exactly symmetric, not just to rounding.
 */
interface SparseVector {
  keys: Float64Array;
  values: Float64Array;
}

/** An idea as the measure compares it, computed once when the idea arrives or changes. */
export interface IdeaFingerprint {
  id: string;
  priorityCode: string;
  /** What is proposed: the title and description, without the words that name a place. */
  trigrams: SparseVector;
  stems: SparseVector;
  /** The title's alone: a paraphrase often keeps the title's words and changes the rest. */
  titleTrigrams: SparseVector;
  titleStems: SparseVector;
  /** What the card is about, in broad classes (concepts.ts: lighting, waste, stops), as sorted keys. */
  concepts: Float64Array;
  /** Of them, those that say what is proposed rather than where (not a park, a courtyard, a river bank). */
  whatConcepts: Float64Array;
  /** The classes its title names, sorted: what is proposed, where the description says why. */
  titleConcepts: Float64Array;
  /** Where: place keys (places.ts), sorted; empty when the card names none. */
  places: string[];
  /** The text as typed, case and spacing aside: identical cards score exactly 1, and cards with no
   * word the measure can use ("???", "Інше") are compared by it alone. */
  bare: string;
}

// How much each field counts. Each field is scaled to unit length first, so a title's three words
// weigh as much as a description's thirty: one title word counts for many description words. The
// description as a whole counts as much as the title because a paraphrase often carries there the
// words another resident put in the title (on the tuning set, F1 fell from 0.76 to 0.69 at half
// this weight, to 0.66 at a third). The place is not in the project's words at all: it is read
// apart (places.ts) and weighs on the duplicate score below.
// TRIGRAM_SHARE is the part of the score from trigrams, the rest from whole stems.
const TITLE_WEIGHT = 1;
const DESCRIPTION_WEIGHT = 1;
const TRIGRAM_SHARE = 0.8;

// What a card is about (concepts.ts) weighs apart from its words. A class both cards name counts
// as CONCEPT_WEIGHT trigrams in each field, so paraphrases with no word in common (ліхтарі /
// освітлення, урни / вивіз сміття) come closer; and two cards that each name classes but none in
// common (ліхтарі / лавки on one street) are other projects, their score cut to CONCEPTS_APART.
// Chosen under cross-validation over the tuning set's groups (`npx tsx scripts/lab-concepts.ts`):
// pairwise F1 0.737 without either, 0.754 with the weight alone (2; at 1, 0.741; at 3, 0.663),
// 0.772 with both (0.5 to 0.7 alike). Over both tuning sets, with the classes and places of the
// second: 0.697 (0.666 without either; weight 1.5, 0.680; 2.5, 0.680; 3, 0.692; apart 1, 0.687).
// With the third set's domains, leave-one-set-out over the three sets (`CONCEPTS=w/apart npx tsx
// scripts/lab-left-out.ts`, F1 of the first, second, third set left out): 0.803, 0.613, 0.571 at
// 2 / 0.6; at 1.5, 0.811, 0.589, 0.560; at 2.5, 0.754, 0.599, 0.567; at 3, 0.751, 0.633, 0.572;
// the cut at 1, 0.789, 0.613, 0.575. None better on every set left out.
export const CONCEPT_WEIGHT = 2;
export const CONCEPTS_APART = 0.6;
// A title that names a class the other card never names is often another project at the same
// place or of the same kind (ліхтар біля дитячого майданчика / новий дитячий майданчик; урни в
// парку / ремонт алей у парку), and its score can be cut to TITLE_CONCEPT_APART. Not cut (1):
// under cross-validation over both tuning sets it joined fewer look-alikes but lost more
// duplicates whose description names what the other's title does (README).
export const TITLE_CONCEPT_APART = 1;

/** How classes of project weigh on the score; other values are for measuring (scripts/lab-concepts.ts). */
export interface ConceptWeights {
  weight: number;
  apart: number;
  /** The factor when a title names a class the other card does not (TITLE_CONCEPT_APART); 1 when unset. */
  titleApart?: number;
}
const CONCEPT_WEIGHTS: ConceptWeights = { weight: CONCEPT_WEIGHT, apart: CONCEPTS_APART, titleApart: TITLE_CONCEPT_APART };

// An idea's neighbourhood weighs on its links. A card like many others ("Освітлення двору на
// вулиці X", a hub) scores fairly high with every card of its kind, so that a score alone pulls
// them into one group; a link is therefore lessened by half the mean of its two ideas' hub levels
// (the mean of each one's HUB_K best scores, a missing one as 0, as CSLS does for word
// translation), and two ideas each the other's best (mutual nearest neighbours) are linked
// MUTUAL_BONUS more. Groups are made on these links, from GROUP_THRESHOLD. Leave-one-set-out over
// the three tuning sets (`LINKING=10/0.5/1/0.05/1/0.6 npx tsx scripts/lab-left-out.ts`, light
// stemmer; F1 of the first, second, third set left out, mean): before 0.814, 0.651, 0.571, 0.679;
// with both 0.822, 0.672, 0.602, 0.698 (with the dictionary 0.802, 0.636, 0.540, 0.659 before;
// 0.802, 0.674, 0.569, 0.682 after); the hub levels alone 0.695, the mutual bonus alone 0.686.
// Look-alikes joined: 9 and 6 before, 8 and 7 after (of 77 and 36). The fourth set, only measured
// (scripts/lab-validation.ts): 0.667 before, 0.693 after (dictionary 0.642, 0.693), 5 of 38
// look-alikes joined either way. Tried and not kept: hub levels of 3, 5, 15, 20 best (0.686,
// 0.680, 0.694, 0.676 at the best weight), of a share of the priority (0.667 to 0.676), less
// their mean over the priority (0.687) or counted only above 0.1 (0.693); weights 0.4 and 0.6
// (0.691, 0.694); the bonus within each other's 2 or 3 best (0.678, 0.666); joining only groups
// whose every pair is linked (0.672 to 0.675). A hub level rises with the size of a priority, so
// a priority of hundreds of ideas is grouped more sparingly than the sets' forty or so.
export const HUB_K = 10;
export const HUB_WEIGHT = 0.5;
export const MUTUAL_K = 1;
export const MUTUAL_BONUS = 0.05;
/**
 * The linked score from which ideas are grouped as duplicates: what each pair of tuning sets chose
 * when the third was left out (0.24 in every case, with or without the dictionary).
 */
export const GROUP_THRESHOLD = 0.24;
// An idea's nearest are ranked, not thresholded: a peer's score less its hub level (RANK_HUB of
// it: a hub is near everything), plus RANK_CROSS of how much of each card's title the other card
// holds (a short title against a long card). Of the cards with a duplicate, the share whose three
// nearest hold one, leave-one-set-out (light stemmer): 0.973, 0.881, 0.889 before (mean 0.915),
// 0.989, 0.906, 0.913 after (0.936); the hub alone 0.928, the titles alone 0.925. With the
// dictionary 0.933 before, 0.953 after. The fourth set: 0.889 before, 0.905 after (dictionary
// 0.894, 0.889). The best of RANKED_FROM by score are ranked so.
export const RANK_HUB = 1;
export const RANK_CROSS = 0.6;
const RANKED_FROM = 10;

/**
 * How an idea's neighbourhood weighs on its links when groups are made, and on the order of its
 * nearest ideas; other values are for measuring (scripts/lab-left-out.ts, LINKING=...).
 */
export interface Linking {
  /** How many of an idea's best scores make its hub level (their mean, a missing one as 0); 0: none. */
  hubK: number;
  /** A link's score less this much of the mean of its two ideas' hub levels. */
  hubWeight: number;
  /** Two ideas each among the other's `mutualK` best... */
  mutualK: number;
  /** ...have this added to their link. */
  mutualBonus: number;
  /** The nearest ideas ranked by score less this much of the other idea's hub level... */
  rankHub: number;
  /** ...plus this much of how much of each title the other card holds. */
  rankCross: number;
}
export const LINKING: Linking = { hubK: HUB_K, hubWeight: HUB_WEIGHT, mutualK: MUTUAL_K, mutualBonus: MUTUAL_BONUS, rankHub: RANK_HUB, rankCross: RANK_CROSS };

/** What an idea's neighbourhood says of it: its hub level, and its `mutualK`-th best score (0 when fewer). */
interface Neighbourhood {
  level: number;
  kth: number;
}

/** The best scores of one idea, best first; reused, as a priority's every idea is read in turn. */
let bestScores = new Float64Array(16);

/** The mean of the `hubK` best of `scores` (a missing one counted 0), and the `mutualK`-th best. */
function neighbourhoodOf(scores: number[], hubK: number, mutualK: number): Neighbourhood {
  const k = Math.max(hubK, mutualK);
  if (bestScores.length < k) bestScores = new Float64Array(k);
  let n = 0;
  for (const s of scores) {
    if (!(s > 0) || (n === k && s <= bestScores[k - 1])) continue;
    let at = n < k ? n++ : k - 1;
    for (; at > 0 && bestScores[at - 1] < s; at--) bestScores[at] = bestScores[at - 1];
    bestScores[at] = s;
  }
  let sum = 0;
  for (let i = 0; i < Math.min(n, hubK); i++) sum += bestScores[i];
  return { level: hubK > 0 ? sum / hubK : 0, kth: mutualK > 0 && n >= mutualK ? bestScores[mutualK - 1] : 0 };
}

/** Whether every key of `some` is among `all` (both sorted). */
function allAmong(some: Float64Array, all: Float64Array): boolean {
  let j = 0;
  for (let i = 0; i < some.length; i++) {
    while (j < all.length && all[j] < some[i]) j++;
    if (j === all.length || all[j] !== some[i]) return false;
  }
  return true;
}

// Classes that more often say where a project is than what it is (a fountain in a square, lighting
// in a courtyard): two cards that share only such a class, each naming what it proposes, are two
// projects at one place. Leave-one-set-out (scripts/lab-left-out.ts, stemmer alone) F1 mean 0.676
// without, 0.679 with parks and courtyards (the second set 0.646 to 0.656, 9 to 8 look-alikes
// joined of 77; the others as they were); schools and kindergartens too gave 0.680 but lowered the
// third set, and are as often the project as its place.
const WHERE_CLASSES = new Set(['PARK', 'YARD'].map((id) => stemKey(id)));

/** Whether two cards each name a class of project and none in common (sorted keys). */
function conceptsApart(a: Float64Array, b: Float64Array): boolean {
  if (a.length === 0 || b.length === 0) return false;
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    if (a[i] === b[j]) return false;
    if (a[i] < b[j]) i++;
    else j++;
  }
  return true;
}

/**
 * The duplicate score is the project score, times PLACES_APART when the two cards name different
 * places (the same project elsewhere is a theme, not a duplicate), plus SAME_PLACE when they name
 * the same one (one street holds many projects, so it is a nudge, not a match). Chosen with the
 * threshold over both tuning sets (`npm run bench:duplicates`), PLACES_APART among values that keep
 * the same words at places apart under any threshold tried, so that they are never a duplicate,
 * yet above 0, so that they stay among an idea's nearest.
 */
export const PLACES_APART = 0.1;
export const SAME_PLACE = 0.1;

/** How places weigh on the duplicate score; other values are for measuring (scripts/bench-duplicates.ts). */
export interface PlaceWeights {
  apart: number;
  same: number;
}
const PLACE_WEIGHTS: PlaceWeights = { apart: PLACES_APART, same: SAME_PLACE };

// A trigram of UTF-16 units as one exact number (3 × 16 bits < 2^53): cheaper to sort and compare
// than strings.
function addTrigrams(counts: Map<number, number>, stem: string): void {
  const padded = ` ${stem} `;
  for (let i = 0; i + 3 <= padded.length; i++) {
    const key = padded.charCodeAt(i) * 4294967296 + padded.charCodeAt(i + 1) * 65536 + padded.charCodeAt(i + 2);
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
}

/** About how much of a grouping's work (links built, pairs queued or taken) is done between two yields. */
const GROUP_STEP = 20_000;

/** Adds `counts` scaled to length `weight` into `into`. */
function addScaled<K>(into: Map<K, number>, counts: Map<K, number>, weight: number): void {
  let norm = 0;
  for (const c of counts.values()) norm += c * c;
  if (norm === 0) return;
  const scale = weight / Math.sqrt(norm);
  for (const [k, c] of counts) into.set(k, (into.get(k) ?? 0) + c * scale);
}

function toUnitVector(map: Map<number, number>): SparseVector {
  const keys = Float64Array.from(map.keys()).sort();
  const values = new Float64Array(keys.length);
  let norm = 0;
  for (const v of map.values()) norm += v * v;
  const scale = norm > 0 ? 1 / Math.sqrt(norm) : 0;
  keys.forEach((k, i) => (values[i] = map.get(k)! * scale));
  return { keys, values };
}

// A stem as one number, so that stems are compared as trigrams are, without string comparisons:
// two FNV-1a hashes of 26 bits each, one exact double. At a forum's few thousand stems, two that
// collide are about one chance in a hundred billion.
function stemKey(stem: string): number {
  let h1 = 0x811c9dc5;
  let h2 = 0x01000193;
  for (let i = 0; i < stem.length; i++) {
    const c = stem.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 0x01000193);
    h2 = Math.imul(h2 ^ c, 0x5bd1e995) ^ (h2 >>> 13);
  }
  return (h1 >>> 6) * 67108864 + (h2 >>> 6);
}

function dot(a: SparseVector, b: SparseVector): number {
  const ak = a.keys;
  const bk = b.keys;
  let i = 0;
  let j = 0;
  let sum = 0;
  while (i < ak.length && j < bk.length) {
    const ka = ak[i];
    const kb = bk[j];
    if (ka === kb) sum += a.values[i++] * b.values[j++];
    else if (ka < kb) i++;
    else j++;
  }
  return sum;
}

/**
 * The same as dot, for a vector of few keys against one of many (a title's against a whole card's):
 * each key of the short one is looked up in the long one by galloping from the last found, so that
 * ranking an idea's nearest costs little beside a priority's hundreds of ideas. The same sum, added
 * in the same order.
 */
function dotOfShort(a: SparseVector, b: SparseVector): number {
  if (a.keys.length * 4 > b.keys.length) return dot(a, b);
  const ak = a.keys;
  const bk = b.keys;
  let lo = 0;
  let sum = 0;
  for (let i = 0; i < ak.length && lo < bk.length; i++) {
    const key = ak[i];
    let step = 1;
    let hi = lo;
    while (hi < bk.length && bk[hi] < key) {
      lo = hi + 1;
      hi += step;
      step *= 2;
    }
    if (hi > bk.length) hi = bk.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (bk[mid] < key) lo = mid + 1;
      else hi = mid;
    }
    if (lo < bk.length && bk[lo] === key) sum += a.values[i] * b.values[lo++];
  }
  return sum;
}

/** Everything the measure needs of an idea, computed once; `lemmaOf` where a dictionary is at hand (the server). */
export function fingerprint(idea: IdeaText, lemmaOf?: LemmaOf, conceptWeights = CONCEPT_WEIGHTS): IdeaFingerprint {
  const trigrams = new Map<number, number>();
  const stems = new Map<number, number>();
  const concepts = new Set<number>();
  let titleConcepts: Float64Array | null = null;
  let titleTrigrams: SparseVector | null = null;
  let titleStems: SparseVector | null = null;
  const places = placesOf(idea);
  const fields: [string, number][] = [
    [idea.title, TITLE_WEIGHT],
    [idea.description, DESCRIPTION_WEIGHT],
  ];
  for (const [text, weight] of fields) {
    const fieldTrigrams = new Map<number, number>();
    // A stem counts once per field: a description that repeats a word is not more about it.
    const fieldStems = new Map<number, number>();
    const fieldConcepts = new Set<number>();
    for (const stem of stemsUk(text, places.words, lemmaOf, isListed)) {
      // Synonyms and surzhyk as one concept (synonyms.ts): мусор is сміття, фонарі освітлення.
      const concept = conceptOf(stem);
      const conceptClass = conceptClassOf(stem) ?? conceptClassOf(concept);
      if (conceptClass !== undefined) fieldConcepts.add(stemKey(conceptClass));
      const key = stemKey(concept);
      if (fieldStems.has(key)) continue;
      fieldStems.set(key, 1);
      addTrigrams(fieldTrigrams, concept);
    }
    // A class counts among the trigrams as CONCEPT_WEIGHT trigrams would: two cards about
    // lighting share that much though one says ліхтарі and the other освітлення. Its key is a
    // stem's key (under 2^52) plus a half, so it is never a trigram's or a stem's.
    for (const key of fieldConcepts) {
      if (conceptWeights.weight > 0) fieldTrigrams.set(key + 0.5, conceptWeights.weight);
      concepts.add(key);
    }
    addScaled(trigrams, fieldTrigrams, weight);
    addScaled(stems, fieldStems, weight);
    if (!titleTrigrams) {
      titleConcepts = Float64Array.from(fieldConcepts).sort();
      titleTrigrams = toUnitVector(fieldTrigrams);
      titleStems = toUnitVector(fieldStems);
    }
  }
  const bare = `${idea.title}\n${idea.description}\n${idea.place}`.normalize('NFKC').toLowerCase().replace(/\s+/g, ' ').trim();
  return {
    id: idea.id,
    priorityCode: idea.priorityCode,
    trigrams: toUnitVector(trigrams),
    stems: toUnitVector(stems),
    titleTrigrams: titleTrigrams!,
    titleStems: titleStems!,
    concepts: Float64Array.from(concepts).sort(),
    whatConcepts: Float64Array.from([...concepts].filter((key) => !WHERE_CLASSES.has(key))).sort(),
    titleConcepts: titleConcepts!,
    places: places.keys,
    bare,
  };
}

/** Two ideas' scores: `duplicate` (the same project at the same place) and `theme` (the same project, wherever). */
export interface IdeaScores {
  duplicate: number;
  theme: number;
}

/** What a learned pair scorer reads of two cards' words, each from 0 to 1 (PAIR_FEATURES names them). */
export const PAIR_FEATURES = ['trigrams', 'stems', 'title trigrams', 'title stems', 'stems shared (of 3)'] as const;

/** Stems two vectors share, counted up to `most`. */
function sharedKeys(a: SparseVector, b: SparseVector, most: number): number {
  const ak = a.keys;
  const bk = b.keys;
  let i = 0;
  let j = 0;
  let n = 0;
  while (i < ak.length && j < bk.length && n < most) {
    if (ak[i] === bk[j]) {
      n++;
      i++;
      j++;
    } else if (ak[i] < bk[j]) i++;
    else j++;
  }
  return n;
}

/** The features of a pair, in PAIR_FEATURES' order, written into `into`. */
export function pairFeatures(a: IdeaFingerprint, b: IdeaFingerprint, into: number[] = []): number[] {
  into[0] = dot(a.trigrams, b.trigrams);
  into[1] = dot(a.stems, b.stems);
  into[2] = dot(a.titleTrigrams, b.titleTrigrams);
  into[3] = dot(a.titleStems, b.titleStems);
  into[4] = sharedKeys(a.stems, b.stems, 3) / 3;
  return into;
}

/**
 * A learned pair scorer: one weight per feature (PAIR_FEATURES), then the bias; the theme score
 * is the logistic of their sum. Trained on the tuning set (scripts/train-pair-scorer.ts).
 */
export type PairWeights = readonly number[];

const features: number[] = [];

/**
 * The same project, wherever: the theme score. `trigramDot` and `stemDot`, where given, are the
 * two dot products of the cards' words as `dot` gives them, worked out for many pairs at once
 * (PriorityIdeas).
 */
function projectScore(
  a: IdeaFingerprint,
  b: IdeaFingerprint,
  weights: PairWeights | null = PAIR_WEIGHTS,
  conceptsApartFactor = CONCEPTS_APART,
  titleApartFactor = TITLE_CONCEPT_APART,
  trigramDot?: number,
  stemDot?: number,
): number {
  if (a.bare === b.bare) return 1;
  if (a.stems.keys.length === 0 || b.stems.keys.length === 0) return 0;
  if (weights) {
    pairFeatures(a, b, features);
    let z = weights[features.length];
    for (let k = 0; k < features.length; k++) z += weights[k] * features[k];
    return 1 / (1 + Math.exp(-z));
  }
  let score = TRIGRAM_SHARE * (trigramDot ?? dot(a.trigrams, b.trigrams)) + (1 - TRIGRAM_SHARE) * (stemDot ?? dot(a.stems, b.stems));
  if (conceptsApart(a.concepts, b.concepts) || conceptsApart(a.whatConcepts, b.whatConcepts)) score *= conceptsApartFactor;
  else if (titleApartFactor !== 1 && (!allAmong(a.titleConcepts, b.concepts) || !allAmong(b.titleConcepts, a.concepts))) score *= titleApartFactor;
  // Rounding can put the same words a hair above 1.
  return Math.min(1, Math.max(0, score));
}

/** The duplicate score from the theme score and the two cards' places. */
function duplicateScore(theme: number, a: IdeaFingerprint, b: IdeaFingerprint, weights: PlaceWeights): number {
  if (theme === 0 || a.bare === b.bare) return theme;
  const where = placeRelation(a.places, b.places);
  return where === 'apart' ? theme * weights.apart : where === 'same' ? Math.min(1, theme + weights.same) : theme;
}

/** How alike two fingerprinted ideas are, as a duplicate and as a theme, each from 0 to 1. */
export function fingerprintScores(a: IdeaFingerprint, b: IdeaFingerprint, weights = PLACE_WEIGHTS): IdeaScores {
  const theme = projectScore(a, b);
  return { duplicate: duplicateScore(theme, a, b, weights), theme };
}

/** How alike two fingerprinted ideas are as duplicates, from 0 (nothing shared) to 1 (the same words). */
export function fingerprintSimilarity(a: IdeaFingerprint, b: IdeaFingerprint): number {
  return fingerprintScores(a, b).duplicate;
}

/** How alike two ideas are as duplicates, from 0 to 1; symmetric. For many ideas, use DuplicateIndex. */
export function ideaSimilarity(a: IdeaText, b: IdeaText): number {
  return fingerprintSimilarity(fingerprint(a), fingerprint(b));
}

/** The same project, wherever it is to be done, from 0 to 1; symmetric. */
export function themeSimilarity(a: IdeaText, b: IdeaText): number {
  return fingerprintScores(fingerprint(a), fingerprint(b)).theme;
}

// ---------------------------------------------------------------- the index

export interface DuplicateGroup {
  /** The ideas that look like one project, the earliest added first. */
  ideaIds: string[];
  /** The best score between two of them. */
  score: number;
}

export interface DuplicateMatch {
  ideaId: string;
  score: number;
}

interface Entry {
  fp: IdeaFingerprint;
  /** When it was first added: groups list their ideas, and break ties, in this order. */
  order: number;
  /**
   * Scores with ideas of the same priority, from the index's floor up: the other idea's order in
   * `peers`, its score at the same place in `scores`, oldest link first. Two flat arrays rather
   * than a map: a city's priority of 1,700 ideas links each to a hundred others or more, and a map
   * entry with a boxed score cost about four times the memory.
   */
  peers: number[];
  scores: number[];
  /** The theme scores (the same project, wherever), at the same places. */
  themeScores: number[];
  /** Its place in its priority's ideas (PriorityIdeas), -1 where words are not inverted. */
  slot: number;
  /** Its place in its priority's order of ideas (`PriorityIdeas.entries`). */
  seq: number;
  /**
   * How much of each title the other card holds (RANK_CROSS), by the other idea's order, kept once
   * worked out for ranking: a priority's every idea is ranked again whenever one of them changes.
   */
  cross?: Map<number, number>;
}

/** Which of the two scores groups are made on. */
export type GroupKind = 'duplicate' | 'theme';

const scoresOf = (entry: Entry, kind: GroupKind) => (kind === 'duplicate' ? entry.scores : entry.themeScores);

/** The score kept between an entry and the idea of order `order`, 0 when under the floor. */
function scoreWith(entry: Entry, order: number, kind: GroupKind = 'duplicate'): number {
  const at = entry.peers.indexOf(order);
  return at < 0 ? 0 : scoresOf(entry, kind)[at];
}

/** How much of each one's title the other card holds, on average: kept in both entries once worked out. */
function titlesAcross(entry: Entry, peer: Entry): number {
  let across = entry.cross?.get(peer.order);
  if (across === undefined) {
    across = (dotOfShort(entry.fp.titleTrigrams, peer.fp.trigrams) + dotOfShort(peer.fp.titleTrigrams, entry.fp.trigrams)) / 2;
    (entry.cross ??= new Map()).set(peer.order, across);
    (peer.cross ??= new Map()).set(entry.order, across);
  }
  return across;
}

/** Drops the link to the idea of order `order`, keeping the others in their order. */
function unlink(entry: Entry, order: number): void {
  const at = entry.peers.indexOf(order);
  if (at < 0) return;
  entry.cross?.delete(order);
  entry.peers.splice(at, 1);
  entry.scores.splice(at, 1);
  entry.themeScores.splice(at, 1);
}

interface Cluster {
  members: Entry[];
  /** Sum of the scores between this cluster's members and each linked cluster's, by its key. */
  links: Map<number, number>;
  /** Goes up at each join into it: a queued pair made before is out of date. */
  version: number;
}

interface Pair {
  average: number;
  /** The two clusters' keys, a < b, and their versions when the pair was queued. */
  a: number;
  b: number;
  va: number;
  vb: number;
}

/** Pairs of clusters, the best first: highest average, then the smaller keys (as a scan in key order would pick). */
class PairQueue {
  private readonly heap: Pair[] = [];

  private static before(x: Pair, y: Pair): boolean {
    return x.average > y.average || (x.average === y.average && (x.a < y.a || (x.a === y.a && x.b < y.b)));
  }

  push(pair: Pair): void {
    const h = this.heap;
    let i = h.push(pair) - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!PairQueue.before(h[i], h[parent])) break;
      [h[i], h[parent]] = [h[parent], h[i]];
      i = parent;
    }
  }

  pop(): Pair | undefined {
    const h = this.heap;
    const top = h[0];
    const last = h.pop();
    if (h.length > 0 && last) {
      h[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < h.length && PairQueue.before(h[l], h[m])) m = l;
        if (r < h.length && PairQueue.before(h[r], h[m])) m = r;
        if (m === i) break;
        [h[i], h[m]] = [h[m], h[i]];
        i = m;
      }
    }
    return top;
  }
}

/** Room for rounding between the bound on a pair's score and the score. */
const BOUND_SLACK = 1e-9;

/**
 * A priority's ideas, with the keys of their words inverted: for each trigram's and each stem's
 * key, the ideas that hold it and its weight there. A new idea's dot products with every idea of
 * its priority are added up in one pass over its own keys, instead of two merges per pair, in the
 * order the merges add them (the new idea's keys in order), so they are the same numbers to the
 * last bit. Only the ideas they let reach the index's floor are then scored (projectScore,
 * duplicateScore, with those dot products); the others, most of a large priority, share no word
 * with it or too little, and are not at its place. At 5,000 ideas (about 830 in a priority) an add
 * took a sixth of the time it took with every pair merged, and the inverted keys (258,000 slots
 * under 14,000 keys) took 7.5 MB of heap beside the 30 MB the index held before (README).
 */
class PriorityIdeas {
  /** In the order they were added, an edited idea last. */
  readonly entries = new Set<Entry>();
  /** Entries by slot, the index into the arrays below; a removed entry's slot is taken again. */
  private readonly bySlot: (Entry | undefined)[] = [];
  private readonly freeSlots: number[] = [];
  /** Each entry's place in `entries`, so that what is scored is scored in that order, as before. */
  private nextSeq = 0;
  /** For each key, the ideas holding it: slot, weight, slot, weight… in one flat array of numbers. */
  private readonly trigramPostings = new Map<number, number[]>();
  private readonly stemPostings = new Map<number, number[]>();
  /** Ideas by their text as typed: identical cards score 1, even with no word the measure can use. */
  private readonly byBare = new Map<string, Entry[]>();
  // The dot products of the idea being scored with each slot's: valid where `stamp` is `epoch`.
  private trigramDots = new Float64Array(64);
  private stemDots = new Float64Array(64);
  private stamp = new Uint32Array(64);
  private touched = new Int32Array(64);
  /**
   * Each call's own, even, from 2, two apart: a stamp of `epoch - 1` marks a slot found in that
   * call, and is never a stamp an earlier call left (those are at most `epoch - 2`), nor 0.
   */
  private epoch = 0;

  insert(entry: Entry, inverted: boolean): void {
    entry.seq = this.nextSeq++;
    this.entries.add(entry);
    if (!inverted) return;
    const slot = this.freeSlots.pop() ?? this.bySlot.length;
    entry.slot = slot;
    this.bySlot[slot] = entry;
    if (slot >= this.stamp.length) {
      const size = this.stamp.length * 2;
      this.trigramDots = new Float64Array(size);
      this.stemDots = new Float64Array(size);
      this.stamp = new Uint32Array(size);
      this.touched = new Int32Array(size);
    }
    post(this.trigramPostings, entry.fp.trigrams, slot);
    post(this.stemPostings, entry.fp.stems, slot);
    const same = this.byBare.get(entry.fp.bare);
    if (same) same.push(entry);
    else this.byBare.set(entry.fp.bare, [entry]);
  }

  delete(entry: Entry): void {
    this.entries.delete(entry);
    if (entry.slot < 0) return;
    unpost(this.trigramPostings, entry.fp.trigrams, entry.slot);
    unpost(this.stemPostings, entry.fp.stems, entry.slot);
    const same = this.byBare.get(entry.fp.bare)!;
    if (same.length === 1) this.byBare.delete(entry.fp.bare);
    else same.splice(same.indexOf(entry), 1);
    this.bySlot[entry.slot] = undefined;
    this.freeSlots.push(entry.slot);
    entry.slot = -1;
  }

  /**
   * The ideas that could be kept with `fp` at `floor`, in the order of `entries`, their dot
   * products with it in `trigramDot` and `stemDot` until the next call: those whose words could
   * score `floor` (times `raise`, the most a rule on classes of project may raise a score, and
   * places apart's weight if above 1), those at the same place whose words score anything, and
   * those typed identically. Any other idea's theme score and duplicate score are under the floor.
   */
  peersOf(fp: IdeaFingerprint, floor: number, raise: number, places: PlaceWeights): Entry[] {
    this.epoch += 2;
    if (this.epoch >= 0xfffffffe) {
      this.stamp.fill(0);
      this.epoch = 2;
    }
    let count = this.addUp(this.trigramPostings, fp.trigrams, this.trigramDots, 0);
    count = this.addUp(this.stemPostings, fp.stems, this.stemDots, count);
    const { trigramDots, stemDots, stamp, epoch } = this;
    const found: Entry[] = [];
    const themeAtLeast = (floor - BOUND_SLACK) / (raise * Math.max(1, places.apart));
    const sameAtLeast = (floor - places.same - BOUND_SLACK) / raise;
    for (let i = 0; i < count; i++) {
      const slot = this.touched[i];
      const words = TRIGRAM_SHARE * trigramDots[slot] + (1 - TRIGRAM_SHARE) * stemDots[slot];
      const peer = this.bySlot[slot]!;
      if (
        words >= themeAtLeast ||
        (words >= sameAtLeast && fp.places.length > 0 && peer.fp.places.length > 0 && placeRelation(fp.places, peer.fp.places) === 'same')
      ) {
        found.push(peer);
        // Marked as found, for the identical cards below.
        stamp[slot] = epoch - 1;
      }
    }
    for (const peer of this.byBare.get(fp.bare) ?? []) {
      if (stamp[peer.slot] === epoch - 1) continue;
      // Scored 1 before its words are read.
      stamp[peer.slot] = epoch - 1;
      found.push(peer);
    }
    return found.sort((a, b) => a.seq - b.seq);
  }

  /** The dot product of this entry's trigrams with those of the idea last passed to peersOf, if it found the entry. */
  trigramDot(entry: Entry): number {
    return this.trigramDots[entry.slot];
  }

  /** The same of the stems. */
  stemDot(entry: Entry): number {
    return this.stemDots[entry.slot];
  }

  /** Adds `vector` into each slot's dot product in `dots`, key by key in order; `count` slots touched so far, returned as it grows. */
  private addUp(postings: Map<number, number[]>, vector: SparseVector, dots: Float64Array, count: number): number {
    const { trigramDots, stemDots, stamp, touched, epoch } = this;
    for (let k = 0; k < vector.keys.length; k++) {
      const list = postings.get(vector.keys[k]);
      if (list === undefined) continue;
      const weight = vector.values[k];
      for (let p = 0; p < list.length; p += 2) {
        const slot = list[p];
        if (stamp[slot] !== epoch) {
          stamp[slot] = epoch;
          trigramDots[slot] = 0;
          stemDots[slot] = 0;
          touched[count++] = slot;
        }
        dots[slot] += weight * list[p + 1];
      }
    }
    return count;
  }
}

function post(postings: Map<number, number[]>, vector: SparseVector, slot: number): void {
  for (let k = 0; k < vector.keys.length; k++) {
    const list = postings.get(vector.keys[k]);
    if (list) list.push(slot, vector.values[k]);
    else postings.set(vector.keys[k], [slot, vector.values[k]]);
  }
}

/** Drops a slot from the lists of its keys: the last pair of a list takes its place. */
function unpost(postings: Map<number, number[]>, vector: SparseVector, slot: number): void {
  for (let k = 0; k < vector.keys.length; k++) {
    const list = postings.get(vector.keys[k])!;
    if (list.length === 2) {
      postings.delete(vector.keys[k]);
      continue;
    }
    let p = 0;
    while (list[p] !== slot) p += 2;
    list[p] = list[list.length - 2];
    list[p + 1] = list[list.length - 1];
    list.length -= 2;
  }
}

/**
 * A forum's ideas, kept ready for duplicate suggestions. Each idea is compared once, when it is
 * added or changed, with the ideas of its own priority (duplicates across priorities are not
 * suggested: merging moves dots, and dots are budgeted per priority), and the scores are kept, so
 * asking for matches or groups compares nothing again.
 *
 * Only scores from `floor` up are kept, to bound memory on a large forum; lower ones count as 0,
 * and a threshold below the floor is refused. At the default floor the labelled set groups
 * exactly as with every score kept; at 0.15 its recall fell by 0.03.
 */
export class DuplicateIndex {
  private readonly entries = new Map<string, Entry>();
  private readonly byOrder = new Map<number, Entry>();
  /** Each priority's entries, in the order they were added. */
  private readonly byPriority = new Map<string, PriorityIdeas>();
  private nextOrder = 0;
  /**
   * Whether a new idea is scored only against the ideas its words can reach the floor with
   * (PriorityIdeas), or against every idea of its priority: the learned pair scorer scores pairs
   * with no word in common above 0, and so does a floor of 0 (every pair is kept).
   */
  private readonly inverted: boolean;
  /** Goes up at each change of a priority's ideas, so that what is worked out of them is known out of date. */
  private readonly versions = new Map<string, number>();
  private readonly neighbourhoodCache = new Map<string, { version: number; of: Map<number, Neighbourhood> }>();

  constructor(
    readonly floor = 0.1,
    private readonly placeWeights: PlaceWeights = PLACE_WEIGHTS,
    /** Words to their lemmas, where a dictionary is at hand (server/forum/lemmas.ts). */
    private readonly lemmaOf?: LemmaOf,
    /** The pair scorer's weights; null for the fixed mixture. Others are for measuring. */
    private readonly pairWeights: PairWeights | null = PAIR_WEIGHTS,
    /** How classes of project weigh; others are for measuring. */
    private readonly conceptWeights: ConceptWeights = CONCEPT_WEIGHTS,
    /** How an idea's neighbourhood weighs on its links and nearest; others are for measuring. */
    private readonly linking: Linking = LINKING,
  ) {
    if (!(floor >= 0 && floor <= 1)) throw new RangeError(`floor ${floor} is outside [0, 1]`);
    this.inverted = pairWeights === null && floor > 0;
  }

  get size(): number {
    return this.entries.size;
  }

  has(id: string): boolean {
    return this.entries.has(id);
  }

  /** The ideas of a priority, in the order they were added. */
  idsOf(priorityCode: string): string[] {
    return [...(this.byPriority.get(priorityCode)?.entries ?? [])].map((e) => e.fp.id);
  }

  /** The priority an indexed idea was compared in. */
  priorityOf(id: string): string | undefined {
    return this.entries.get(id)?.fp.priorityCode;
  }

  /** Adds an idea, or replaces the one with its id (as update does). */
  add(idea: IdeaText): void {
    const previous = this.entries.get(idea.id);
    if (previous) this.detach(previous);
    const fp = fingerprint(idea, this.lemmaOf, this.conceptWeights);
    const entry: Entry = { fp, order: previous?.order ?? this.nextOrder++, peers: [], scores: [], themeScores: [], slot: -1, seq: 0 };
    let priority = this.byPriority.get(idea.priorityCode);
    if (!priority) this.byPriority.set(idea.priorityCode, (priority = new PriorityIdeas()));
    const apart = this.conceptWeights.apart;
    const titleApart = this.conceptWeights.titleApart ?? 1;
    const peers = this.inverted ? priority.peersOf(fp, this.floor, Math.max(1, apart, titleApart), this.placeWeights) : priority.entries;
    for (const peer of peers) {
      // Scored in place, not through fingerprintScores: an object per pair was a tenth of an add at 5,000 ideas.
      const theme = this.inverted
        ? projectScore(fp, peer.fp, this.pairWeights, apart, titleApart, priority.trigramDot(peer), priority.stemDot(peer))
        : projectScore(fp, peer.fp, this.pairWeights, apart, titleApart);
      if (theme < this.floor && theme + this.placeWeights.same < this.floor) continue;
      const duplicate = duplicateScore(theme, entry.fp, peer.fp, this.placeWeights);
      if (duplicate >= this.floor || theme >= this.floor) {
        entry.peers.push(peer.order);
        entry.scores.push(duplicate);
        entry.themeScores.push(theme);
        peer.peers.push(entry.order);
        peer.scores.push(duplicate);
        peer.themeScores.push(theme);
      }
    }
    priority.insert(entry, this.inverted);
    this.changed(idea.priorityCode);
    this.entries.set(idea.id, entry);
    this.byOrder.set(entry.order, entry);
  }

  /** An edited or moved idea: compared again, keeping its place in the order. */
  update(idea: IdeaText): void {
    this.add(idea);
  }

  /** A withdrawn or hidden idea leaves the suggestions. */
  remove(id: string): void {
    const entry = this.entries.get(id);
    if (!entry) return;
    this.detach(entry);
    this.entries.delete(id);
    this.byOrder.delete(entry.order);
  }

  /**
   * The ideas that look like this one, best first: the rest of its group (see groups), each with
   * its own score against this idea. What to show the facilitator when an idea arrives: naming
   * every idea that scores above the threshold with it instead would be wrong twice as often
   * (precision 0.60 against 0.79 on the labelled set).
   */
  matches(id: string, threshold = GROUP_THRESHOLD): DuplicateMatch[] {
    this.checkThreshold(threshold);
    const entry = this.entries.get(id);
    if (!entry) return [];
    const group = this.groups(entry.fp.priorityCode, threshold).find((g) => g.ideaIds.includes(id));
    if (!group) return [];
    return group.ideaIds
      .filter((other) => other !== id)
      .map((ideaId) => ({ ideaId, score: scoreWith(entry, this.entries.get(ideaId)!.order) }))
      .sort((a, b) => b.score - a.score || this.entries.get(a.ideaId)!.order - this.entries.get(b.ideaId)!.order);
  }

  /**
   * A priority's likely duplicates, best-scored first. Groups grow by average linkage: the two
   * groups whose ideas are linked highest on average are joined, while that average is at least
   * `threshold` (GROUP_THRESHOLD; a link is the score less the two ideas' hub levels, plus the
   * bonus for mutual nearest; a theme's is the theme score, from DUPLICATE_THRESHOLD). Joining on any one pair instead chains different projects through a shared word
   * (ліхтарі на Крошні – тротуари на Крошні – тролейбус на Крошню): on the labelled set it reached
   * F1 0.65 at best (at 0.40, against 0.76 here), and at 0.27 its groups swallowed whole streets.
   */
  groups(priorityCode: string, threshold?: number, kind: GroupKind = 'duplicate'): DuplicateGroup[] {
    const steps = this.groupsInSteps(priorityCode, threshold, kind);
    for (;;) {
      const step = steps.next();
      if (step.done) return step.value;
    }
  }

  /**
   * The same groups, worked out a step at a time: the generator yields after about GROUP_STEP
   * units of work, so that a caller can spread a large priority's grouping over several turns of
   * the event loop (server/forum/duplicates.ts). The scores are taken at the first step, at once:
   * the groups are those of the ideas as they were then, whatever changes in between.
   */
  *groupsInSteps(
    priorityCode: string,
    threshold?: number,
    kind: GroupKind = 'duplicate',
  ): Generator<void, DuplicateGroup[], void> {
    // Themes are grouped on the scores as they are, duplicates on their links (GROUP_THRESHOLD).
    threshold ??= kind === 'theme' ? DUPLICATE_THRESHOLD : GROUP_THRESHOLD;
    this.checkThreshold(threshold);
    const entries = this.byPriority.get(priorityCode)?.entries;
    if (!entries) return [];
    let work = 0;
    // A cluster's key is its first member's order, which also breaks ties between equal averages.
    const clusters = new Map<number, Cluster>();
    const { hubK, hubWeight, mutualK, mutualBonus } = this.linking;
    // A duplicate link weighs its two ideas' neighbourhoods (HUB_K, MUTUAL_K); a theme's does not.
    const hubs = kind === 'duplicate' && hubK > 0 && hubWeight !== 0 ? this.neighbourhoods(priorityCode) : null;
    const kths = kind === 'duplicate' && mutualK > 0 && mutualBonus !== 0 ? this.neighbourhoods(priorityCode) : null;
    for (const entry of entries) {
      const links = new Map<number, number>();
      const scores = scoresOf(entry, kind);
      const own = hubs?.get(entry.order);
      const ownKth = kths?.get(entry.order);
      for (let i = 0; i < entry.peers.length; i++) {
        let s = scores[i];
        if (!(s > 0)) continue;
        if (hubs) s -= (hubWeight * (own!.level + hubs.get(entry.peers[i])!.level)) / 2;
        if (kths && scores[i] >= ownKth!.kth && scores[i] >= kths.get(entry.peers[i])!.kth) s += mutualBonus;
        if (s > 0) links.set(entry.peers[i], s);
      }
      work += entry.peers.length;
      clusters.set(entry.order, { members: [entry], links, version: 0 });
    }
    yield;
    // The pairs that could be joined, best first: a pair is pushed again whenever its average
    // changes, and an entry made before one of its clusters last changed is passed over. The same
    // joins, in the same order, as scanning every pair for the best at each step, without the
    // scan: at 800 ideas in a priority that scan took seconds, while ideas kept arriving.
    const queue = new PairQueue();
    const offer = (a: number, b: number, sum: number) => {
      const [x, y] = a < b ? [a, b] : [b, a];
      const cx = clusters.get(x)!;
      const cy = clusters.get(y)!;
      const average = sum / (cx.members.length * cy.members.length);
      if (average >= threshold) queue.push({ average, a: x, b: y, va: cx.version, vb: cy.version });
    };
    for (const [a, cluster] of clusters) {
      for (const [b, sum] of cluster.links) if (b > a) offer(a, b, sum);
      work += cluster.links.size;
      if (work > GROUP_STEP) {
        work = 0;
        yield;
      }
    }
    for (let best = queue.pop(); best; best = queue.pop()) {
      if (++work > GROUP_STEP) {
        work = 0;
        yield;
      }
      const keep = clusters.get(best.a);
      const gone = clusters.get(best.b);
      if (!keep || !gone || keep.version !== best.va || gone.version !== best.vb) continue;
      // The merged cluster keeps the smaller key, so keys stay each cluster's first member.
      keep.members.push(...gone.members);
      keep.version++;
      keep.links.delete(best.b);
      for (const [c, sum] of gone.links) {
        if (c === best.a) continue;
        const other = clusters.get(c)!;
        const total = (keep.links.get(c) ?? 0) + sum;
        keep.links.set(c, total);
        other.links.set(best.a, total);
        other.links.delete(best.b);
      }
      clusters.delete(best.b);
      for (const [c, sum] of keep.links) offer(best.a, c, sum);
      work += gone.links.size + keep.links.size;
    }
    const found: { group: DuplicateGroup; first: number }[] = [];
    for (const { members } of clusters.values()) {
      if (members.length < 2) continue;
      // A theme is the same project at places apart: one all at one place is a duplicate group.
      if (kind === 'theme' && !members.some((m) => members.some((n) => placeRelation(m.fp.places, n.fp.places) === 'apart'))) continue;
      members.sort((x, y) => x.order - y.order);
      let score = 0;
      for (const m of members) for (const n of members) if (m !== n) score = Math.max(score, scoreWith(m, n.order, kind));
      found.push({ group: { ideaIds: members.map((m) => m.fp.id), score }, first: members[0].order });
      work += members.length * members.length;
      if (work > GROUP_STEP) {
        work = 0;
        yield;
      }
    }
    return found.sort((x, y) => y.group.score - x.group.score || x.first - y.first).map((f) => f.group);
  }

  /**
   * The `count` ideas of its priority most like this one as duplicates, best first, whatever the
   * threshold: what to show beside an idea under review. Ranked by score less the other idea's
   * hub level plus how much of each title the other holds (RANK_HUB, RANK_CROSS), each shown with
   * its score.
   */
  nearest(id: string, count = 3): DuplicateMatch[] {
    const entry = this.entries.get(id);
    if (!entry) return [];
    const { hubK, rankHub, rankCross } = this.linking;
    if ((hubK > 0 && rankHub !== 0) || rankCross !== 0) {
      const hubs = hubK > 0 && rankHub !== 0 ? this.neighbourhoods(entry.fp.priorityCode) : null;
      const picked = this.nearestBy(entry, Math.max(count, RANKED_FROM));
      const peers = picked.map((i) => this.byOrder.get(entry.peers[i])!);
      const ranks = picked.map((i, j) => {
        let rank = entry.scores[i];
        if (hubs) rank -= rankHub * hubs.get(peers[j].order)!.level;
        if (rankCross !== 0) rank += rankCross * titlesAcross(entry, peers[j]);
        return rank;
      });
      // The best `count` by rank, then the earliest added, picked in turn from the few.
      const shown: DuplicateMatch[] = [];
      while (shown.length < count) {
        let top = -1;
        for (let j = 0; j < picked.length; j++) {
          if (ranks[j] === -Infinity) continue;
          if (top < 0 || ranks[j] > ranks[top] || (ranks[j] === ranks[top] && peers[j].order < peers[top].order)) top = j;
        }
        if (top < 0) break;
        shown.push({ ideaId: peers[top].fp.id, score: entry.scores[picked[top]] });
        ranks[top] = -Infinity;
      }
      return shown;
    }
    return this.nearestBy(entry, count).map((i) => ({ ideaId: this.byOrder.get(entry.peers[i])!.fp.id, score: entry.scores[i] }));
  }

  /**
   * The neighbourhood of each of a priority's ideas as they are now, by its order: worked out once
   * while none of them changes, as its groups and then its every idea's nearest are asked at once.
   */
  private neighbourhoods(priorityCode: string): Map<number, Neighbourhood> {
    const version = this.versions.get(priorityCode) ?? 0;
    const cached = this.neighbourhoodCache.get(priorityCode);
    if (cached?.version === version) return cached.of;
    const of = new Map<number, Neighbourhood>();
    for (const entry of this.byPriority.get(priorityCode)?.entries ?? []) of.set(entry.order, neighbourhoodOf(entry.scores, this.linking.hubK, this.linking.mutualK));
    this.neighbourhoodCache.set(priorityCode, { version, of });
    return of;
  }

  /** The positions in `entry`'s links of its `count` best scores, best first. */
  private nearestBy(entry: Entry, count: number): number[] {
    // The best `count` picked in one pass, kept in order (best score, then earliest added): a
    // priority's every idea is asked at once when it is regrouped, so no sort of every link.
    const best: number[] = [];
    const before = (i: number, j: number) =>
      entry.scores[i] > entry.scores[j] || (entry.scores[i] === entry.scores[j] && entry.peers[i] < entry.peers[j]);
    for (let i = 0; i < entry.peers.length; i++) {
      if (!(entry.scores[i] > 0)) continue;
      if (best.length === count && !before(i, best[count - 1])) continue;
      let at = best.length < count ? best.length : count - 1;
      while (at > 0 && before(i, best[at - 1])) at--;
      best.splice(at, 0, i);
      if (best.length > count) best.pop();
    }
    return best;
  }

  /** Every score kept between this idea and another of its priority (those from the floor up), in the order they were kept. */
  linksOf(id: string): (IdeaScores & { ideaId: string })[] {
    const entry = this.entries.get(id);
    if (!entry) return [];
    return entry.peers.map((order, i) => ({ ideaId: this.byOrder.get(order)!.fp.id, duplicate: entry.scores[i], theme: entry.themeScores[i] }));
  }

  private detach(entry: Entry): void {
    for (const order of entry.peers) {
      const peer = this.byOrder.get(order);
      if (peer) unlink(peer, entry.order);
    }
    this.byPriority.get(entry.fp.priorityCode)?.delete(entry);
    this.changed(entry.fp.priorityCode);
  }

  private changed(priorityCode: string): void {
    this.versions.set(priorityCode, (this.versions.get(priorityCode) ?? 0) + 1);
  }

  private checkThreshold(threshold: number): void {
    if (!(threshold >= this.floor && threshold <= 1)) {
      throw new RangeError(`threshold ${threshold} is outside [${this.floor}, 1], the scores this index keeps`);
    }
  }
}

/** The likely duplicates among a set of ideas: every priority's groups, best first. */
export function suggestDuplicates(
  ideas: Iterable<IdeaText>,
  threshold = GROUP_THRESHOLD,
): (DuplicateGroup & { priorityCode: string })[] {
  const index = new DuplicateIndex(Math.min(threshold, 0.1));
  const priorities: string[] = [];
  for (const idea of ideas) {
    index.add(idea);
    if (!priorities.includes(idea.priorityCode)) priorities.push(idea.priorityCode);
  }
  return priorities
    .flatMap((priorityCode) => index.groups(priorityCode, threshold).map((group) => ({ priorityCode, ...group })))
    .sort((a, b) => b.score - a.score);
}
