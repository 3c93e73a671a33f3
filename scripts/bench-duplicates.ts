// `npm run bench:duplicates`: how well and how fast duplicate suggestions (shared/forum/similarity.ts)
// work on the labelled idea cards of the tuning sets, data/test/duplicate-ideas-uk.json,
// data/test/duplicate-ideas-uk-tuning2.json and data/test/duplicate-ideas-uk-tuning3.json (each
// also left out in turn, the settings chosen on the other two), then on the held-out set, unless
// HELD_OUT=0, each reported alike: pairwise
// precision, recall and F1 at several thresholds (on the set the measure was tuned on), the same
// cross-validated over its groups (threshold and place weights chosen on four fifths of the groups,
// measured on the fifth), how often the three nearest ideas hold a duplicate, and the time to index
// a forum's 250 ideas, to add one more, and to add one to a forum of 5,000.
// The labelled-set arithmetic is exported for the unit tests, so both measure the same way.

import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import {
  GROUP_THRESHOLD,
  DuplicateIndex,
  PLACES_APART,
  SAME_PLACE,
  type ConceptWeights,
  type IdeaText,
  type LemmaOf,
  type Linking,
  type PairWeights,
  type PlaceWeights,
} from '../shared/forum/similarity.js';
import { PAIR_WEIGHTS } from '../shared/forum/pairWeights.js';
import { trainPairWeights } from './train-pair-scorer.js';
import { ukrainianLemmatizer } from '../server/forum/lemmas.js';
import { percentileOf } from './measure.js';

/** A card of the labelled set: an idea and the group of cards that say the same thing. */
export interface LabelledIdea extends IdeaText {
  group: string;
}

/** A labelled set: its cards, and the pairs it marks as look-alikes (another project at the same place, or the same project at another), if any. */
export interface LabelledSet {
  ideas: LabelledIdea[];
  lookAlikes: [string, string][];
}

/**
 * Words to lemmas as the server reads them (server/forum/lemmas.ts), set by `measureWithLemmas`;
 * unset, the light stemmer alone, as on the phone.
 */
let lemmaOf: LemmaOf | undefined;

/** Measures from now on with the server's dictionary lemmas (true) or the stemmer alone. */
export async function measureWithLemmas(on: boolean): Promise<void> {
  lemmaOf = on ? await ukrainianLemmatizer() : undefined;
}

/** How classes of project weigh (similarity.ts), set by `measureWithConcepts`; unset, as shipped. */
let conceptWeights: ConceptWeights | undefined;

/** Measures from now on with these class weights (scripts/lab-concepts.ts), or as shipped when undefined. */
export function measureWithConcepts(weights: ConceptWeights | undefined): void {
  conceptWeights = weights;
}

/** How neighbourhoods weigh (similarity.ts), set by `measureWithLinking`; unset, as shipped. */
let linking: Linking | undefined;

/** Measures from now on with this linking (scripts/lab-left-out.ts), or as shipped when undefined. */
export function measureWithLinking(weights: Linking | undefined): void {
  linking = weights;
}

/** LINKING=hubK/hubWeight/mutualK/mutualBonus/rankHub/rankCross in the environment: measures with that linking (similarity.ts). */
export function measureWithLinkingOfEnv(): void {
  if (!process.env.LINKING) return;
  const [hubK, hubWeight, mutualK, mutualBonus, rankHub, rankCross] = process.env.LINKING.split('/').map(Number);
  measureWithLinking({ hubK, hubWeight, mutualK, mutualBonus, rankHub: rankHub ?? 0, rankCross: rankCross ?? 0 });
  console.log(`(linking ${process.env.LINKING})`);
}

/** The linking measured with, as shipped when unset. */
export const linkingMeasured = (): Linking | undefined => linking;

/**
 * Whether the words' score is the learned pair scorer (fitted again on each fold's training
 * cards when cross-validating) or the fixed mixture: as shipped (shared/forum/pairWeights.ts),
 * unless SCORER=learned or SCORER=mixture says which to measure.
 */
const LEARNED = process.env.SCORER ? process.env.SCORER === 'learned' : PAIR_WEIGHTS !== null;
/** The pair scorer's weights for the whole-set figures: those shipped, or fitted on the tuning set. */
let shippedWeights: PairWeights | null | undefined;
function pairWeightsOfTuning(): PairWeights | null {
  if (shippedWeights === undefined) shippedWeights = LEARNED ? (PAIR_WEIGHTS ?? trainPairWeights(loadLabelledIdeas(), lemmaOf)) : null;
  return shippedWeights;
}

const TUNING_SET = new URL('../data/test/duplicate-ideas-uk.json', import.meta.url);
/** The second tuning set: duplicates worded apart and look-alikes, written to tune the method beside the first. */
export const TUNING2_SET = new URL('../data/test/duplicate-ideas-uk-tuning2.json', import.meta.url);
/** The third tuning set: cards across every kind of project, written to measure the method leave-one-set-out. */
export const TUNING3_SET = new URL('../data/test/duplicate-ideas-uk-tuning3.json', import.meta.url);
/**
 * The validation set: written before a round of changes to the method and frozen, measured with
 * the settings chosen on the tuning sets, never read for misses nor used to choose anything.
 */
export const VALIDATION_SET = new URL('../data/test/duplicate-ideas-uk-tuning4.json', import.meta.url);

/** A labelled set from its file; the tuning set unless another is named. */
export function loadLabelledSet(file: string | URL = TUNING_SET): LabelledSet {
  const data = JSON.parse(readFileSync(file, 'utf8')) as { ideas: LabelledIdea[]; lookAlikes?: [string, string][] };
  return { ideas: data.ideas, lookAlikes: data.lookAlikes ?? [] };
}

export function loadLabelledIdeas(): LabelledIdea[] {
  return loadLabelledSet().ideas;
}

/** Of the look-alike pairs, how many the groups put together. */
export function lookAlikesJoined(groups: string[][], lookAlikes: [string, string][]): number {
  const groupOf = new Map<string, number>();
  groups.forEach((ids, n) => ids.forEach((id) => groupOf.set(id, n)));
  return lookAlikes.filter(([a, b]) => groupOf.has(a) && groupOf.get(a) === groupOf.get(b)).length;
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
const FOLDS = 5;
// Down to the index's floor: links weighed by their neighbourhoods (similarity.ts) sit lower than scores.
const CV_THRESHOLDS = Array.from({ length: 31 }, (_, i) => 0.1 + i * 0.01);
// The factor for places apart is kept at or under 0.2, below every threshold tried: the same
// words at two places are a theme, never a duplicate, whatever a set's labels would reward. Above
// 0, so that they stay among an idea's nearest.
const CV_APART = [0.1, 0.2];
const CV_SAME = [0, 0.05, 0.1];

/** The groups' fold: a fixed shuffle of the group names, dealt round, so a run replays. */
export function foldsByGroup(ideas: LabelledIdea[], folds = FOLDS): Map<string, number> {
  const names = [...new Set(ideas.map((i) => i.group))].sort();
  let seed = 20261207;
  for (let i = names.length - 1; i > 0; i--) {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    const j = seed % (i + 1);
    [names[i], names[j]] = [names[j], names[i]];
  }
  return new Map(names.map((name, i) => [name, i % folds]));
}

export interface CrossValidated {
  precision: number;
  recall: number;
  f1: number;
  /** What each fold chose on the other four. */
  chosen: { threshold: number; apart: number; same: number }[];
}

/** Pairs put together and right, over sets each grouped apart: their cards are never compared across sets. */
interface PairCounts {
  suggested: number;
  correct: number;
  labelled: number;
}
const f1Of = (c: PairCounts) => {
  const precision = c.suggested === 0 ? 1 : c.correct / c.suggested;
  const recall = c.labelled === 0 ? 1 : c.correct / c.labelled;
  return { precision, recall, f1: precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall) };
};

/**
 * The threshold and place weights with the best pairwise F1 over `sets` together (each set
 * indexed on its own: two sets may each hold a card of one project under group names of their
 * own, and a pair across them would count as wrong): on the tuning sets, the defaults.
 */
export function bestSettingsOver(sets: LabelledIdea[][], apartGrid = CV_APART, sameGrid = CV_SAME, pairWeights = pairWeightsOfTuning()) {
  let best = { f1: -1, threshold: GROUP_THRESHOLD, apart: PLACES_APART, same: SAME_PLACE };
  const labelled = sets.reduce((n, ideas) => n + pairwiseQuality([], ideas).labelledPairs, 0);
  for (const apart of apartGrid) {
    for (const same of sameGrid) {
      const indexes = sets.map((ideas) => indexWith(ideas, { apart, same }, pairWeights));
      for (const threshold of CV_THRESHOLDS) {
        const counts: PairCounts = { suggested: 0, correct: 0, labelled };
        sets.forEach((ideas, s) => {
          const q = pairwiseQuality(allGroups(indexes[s], ideas, threshold), ideas);
          counts.suggested += q.suggestedPairs;
          counts.correct += Math.round(q.precision * q.suggestedPairs);
        });
        const { f1 } = f1Of(counts);
        if (f1 > best.f1) best = { f1, threshold, apart, same };
      }
    }
  }
  return best;
}

/** The threshold and place weights with the best pairwise F1 over `ideas`. */
export function bestSettings(ideas: LabelledIdea[], apartGrid = CV_APART, sameGrid = CV_SAME, pairWeights = pairWeightsOfTuning()) {
  return bestSettingsOver([ideas], apartGrid, sameGrid, pairWeights);
}

/** The tuning sets together: the first (duplicate-ideas-uk.json), the second (…-tuning2.json) and the third (…-tuning3.json). */
export function loadTuningSets(): LabelledIdea[][] {
  return TUNING_SETS.map((file) => loadLabelledSet(file).ideas);
}

/** The tuning sets' files, in order. */
export const TUNING_SETS: readonly URL[] = [TUNING_SET, TUNING2_SET, TUNING3_SET];

/** How the method did on one set it was not tuned on, with what was chosen on the others. */
export interface LeftOut {
  precision: number;
  recall: number;
  f1: number;
  /** The threshold and place weights chosen on the other sets. */
  chosen: { threshold: number; apart: number; same: number };
  /** Look-alike pairs put in one group, of those the set lists. */
  lookAlikesJoined: number;
  lookAlikes: number;
  /** Of the cards with a duplicate, the share whose three nearest hold one. */
  top3: number;
}

/**
 * Leave one set out: for each tuning set, the threshold and place weights (and the learned pair
 * scorer, when measured) chosen on the other sets together, then the left-out set grouped with
 * them and measured whole, as a forum of ideas nobody tuned for. The tables (synonyms.ts,
 * concepts.ts, places.ts) stay as they are: written from the language, they are one for all sets.
 */
export function leaveOneSetOut(sets: LabelledSet[], apartGrid = CV_APART, sameGrid = CV_SAME): LeftOut[] {
  return sets.map((left, k) => measuredApart(left, sets.filter((_, s) => s !== k).map((set) => set.ideas), apartGrid, sameGrid));
}

/**
 * One set measured whole as a forum of ideas nobody tuned for: the threshold and place weights
 * (and the learned pair scorer, when measured) chosen on `trains` together.
 */
export function measuredApart(left: LabelledSet, trains: LabelledIdea[][], apartGrid = CV_APART, sameGrid = CV_SAME): LeftOut {
  {
    const pairWeights = LEARNED ? trainPairWeights(trains.flat(), lemmaOf) : null;
    const best = bestSettingsOver(trains, apartGrid, sameGrid, pairWeights);
    const index = indexWith(left.ideas, best, pairWeights);
    const groups = allGroups(index, left.ideas, best.threshold);
    const q = pairwiseQuality(groups, left.ideas);
    return {
      precision: q.precision,
      recall: q.recall,
      f1: q.f1,
      chosen: { threshold: best.threshold, apart: best.apart, same: best.same },
      lookAlikesJoined: lookAlikesJoined(groups, left.lookAlikes),
      lookAlikes: left.lookAlikes.length,
      top3: nearestRecallIn(index, left.ideas, 3).share,
    };
  }
}

/** The leave-one-set-out figures as lines of a table, one per set, then their mean. */
export function leftOutTable(results: LeftOut[], names: string[]): string[] {
  const mean = (f: (r: LeftOut) => number) => results.reduce((t, r) => t + f(r), 0) / results.length;
  const line = (name: string, p: number, r: number, f1: number, joined: string, top3: number, chosen: string) =>
    `  ${name.padEnd(14)}${p.toFixed(3).padStart(9)}${r.toFixed(3).padStart(8)}${f1.toFixed(3).padStart(7)}${joined.padStart(13)}${top3.toFixed(3).padStart(8)}  ${chosen}`;
  return [
    '  left out      precision  recall     F1  look-alikes   top-3  chosen on the others (threshold/apart/same)',
    ...results.map((r, k) =>
      line(names[k], r.precision, r.recall, r.f1, r.lookAlikes ? `${r.lookAlikesJoined} of ${r.lookAlikes}` : '-', r.top3, `${r.chosen.threshold.toFixed(2)}/${r.chosen.apart}/${r.chosen.same}`),
    ),
    line('mean', mean((r) => r.precision), mean((r) => r.recall), mean((r) => r.f1), '', mean((r) => r.top3), ''),
  ];
}

export interface CrossValidated {
  precision: number;
  recall: number;
  f1: number;
  /** What each fold chose on the other four. */
  chosen: { threshold: number; apart: number; same: number }[];
  /** The same figures for each set alone, in the order given, under the settings chosen on them all. */
  perSet: { precision: number; recall: number; f1: number }[];
}

/** Pairwise quality cross-validated over one set's groups (crossValidateSets). */
export function crossValidate(ideas: LabelledIdea[], apartGrid = CV_APART, sameGrid = CV_SAME): CrossValidated {
  return crossValidateSets([ideas], apartGrid, sameGrid);
}

/**
 * Pairwise quality cross-validated over the groups of one or more sets (their group names apart):
 * the groups of all the sets dealt into folds together; for each fold, the threshold and place
 * weights with the best F1 over the other folds' cards of every set, then each set's cards of the
 * fold grouped with them; the pairs are counted over all folds together. Each set is indexed on
 * its own, as a forum of its own.
 */
export function crossValidateSets(sets: LabelledIdea[][], apartGrid = CV_APART, sameGrid = CV_SAME): CrossValidated {
  const fold = foldsByGroup(sets.flat());
  const counts: PairCounts[] = sets.map(() => ({ suggested: 0, correct: 0, labelled: 0 }));
  const chosen: CrossValidated['chosen'] = [];
  for (let f = 0; f < FOLDS; f++) {
    const trains = sets.map((ideas) => ideas.filter((i) => fold.get(i.group) !== f));
    // The learned scorer is fitted on the fold's training cards alone.
    const pairWeights = LEARNED ? trainPairWeights(trains.flat(), lemmaOf) : null;
    const best = bestSettingsOver(trains, apartGrid, sameGrid, pairWeights);
    chosen.push({ threshold: best.threshold, apart: best.apart, same: best.same });
    sets.forEach((ideas, s) => {
      const groupOfId = new Map(ideas.map((i) => [i.id, i.group]));
      // The fold's cards grouped among all the set's cards, as a forum would hold them: a pair
      // counts when one of its cards is the fold's (the others' groups are never the fold's, so a
      // pair of a fold's card with another fold's is wrong, and weighs half here and half in the
      // other fold's turn), and the labelled pairs are the fold's.
      const inFold = (id: string) => fold.get(groupOfId.get(id)!) === f;
      for (const ids of allGroups(indexWith(ideas, best, pairWeights), ideas, best.threshold)) {
        for (let i = 0; i < ids.length; i++) {
          for (let j = i + 1; j < ids.length; j++) {
            const mine = Number(inFold(ids[i])) + Number(inFold(ids[j]));
            // A pair across two folds is counted in each of their turns, half each time.
            counts[s].suggested += mine / 2;
            if (mine === 2 && groupOfId.get(ids[i]) === groupOfId.get(ids[j])) counts[s].correct++;
          }
        }
      }
      counts[s].labelled += pairwiseQuality([], ideas.filter((i) => fold.get(i.group) === f)).labelledPairs;
    });
  }
  const total = counts.reduce((t, c) => ({ suggested: t.suggested + c.suggested, correct: t.correct + c.correct, labelled: t.labelled + c.labelled }));
  return { ...f1Of(total), chosen, perSet: counts.map(f1Of) };
}

function indexWith(ideas: IdeaText[], weights: PlaceWeights, pairWeights = pairWeightsOfTuning()): DuplicateIndex {
  const index = new DuplicateIndex(0.1, weights, lemmaOf, pairWeights, conceptWeights, linking);
  for (const idea of ideas) index.add(idea);
  return index;
}

/** Of the cards with a duplicate, the share whose `count` nearest ideas (DuplicateIndex.nearest) hold one. */
export function nearestRecall(ideas: LabelledIdea[], count = 3): { share: number; cards: number } {
  return nearestRecallIn(indexWith(ideas, { apart: PLACES_APART, same: SAME_PLACE }), ideas, count);
}

function nearestRecallIn(index: DuplicateIndex, ideas: LabelledIdea[], count: number): { share: number; cards: number } {
  const groupOf = new Map(ideas.map((i) => [i.id, i.group]));
  let withMate = 0;
  let found = 0;
  for (const idea of ideas) {
    if (!ideas.some((o) => o.id !== idea.id && o.group === idea.group)) continue;
    withMate++;
    if (index.nearest(idea.id, count).some((m) => groupOf.get(m.ideaId) === idea.group)) found++;
  }
  return { share: withMate === 0 ? 1 : found / withMate, cards: withMate };
}

/** `n` idea cards made of the labelled ones (titles and descriptions crossed), spread over the six priorities. */
export function crowdOf(ideas: LabelledIdea[], n: number): IdeaText[] {
  return Array.from({ length: n }, (_, k) => {
    const a = ideas[k % ideas.length];
    const b = ideas[(k * 7 + 3) % ideas.length];
    return { id: `crowd-${k}`, priorityCode: PRIORITIES[k % PRIORITIES.length], title: a.title, description: b.description, place: b.place };
  });
}
const median = (xs: number[]) => percentileOf(xs, 50);

/**
 * The figures for a labelled set: the tuning set, or another file named (`npm run bench:duplicates
 * -- path/to/set.json`), measured with the defaults chosen on the tuning set.
 */
export async function benchDuplicates(file?: string | URL, heldOut = false): Promise<void> {
  const { ideas, lookAlikes } = loadLabelledSet(file);
  const tuning = !file || file === TUNING2_SET || file === TUNING3_SET;
  const said = heldOut
    ? ', kept apart from the method: never used to tune it'
    : file === TUNING2_SET
      ? ', the second tuning set: used to tune the method'
      : file === TUNING3_SET
        ? ', the third tuning set: used to tune the method'
        : '';
  if (file) console.log(`\n(set: ${file instanceof URL ? file.pathname.split('/').slice(-3).join('/') : file}${said})`);
  const groupsLabelled = new Set(ideas.map((i) => i.group)).size;
  console.log(
    `Duplicate suggestions — ${ideas.length} labelled idea cards in ${groupsLabelled} projects ` +
      `(${ideas.length - groupsLabelled} cards repeat another), Node ${process.version}`,
  );

  const index = new DuplicateIndex(undefined, undefined, lemmaOf, pairWeightsOfTuning(), conceptWeights, linking);
  for (const idea of ideas) index.add(idea);
  const thresholds = [...new Set([0.2, 0.22, GROUP_THRESHOLD, 0.26, 0.28, 0.3, 0.33, 0.4])].sort((a, b) => a - b);
  console.log('\nthreshold  precision  recall     F1  groups suggested');
  for (const threshold of thresholds) {
    const groups = allGroups(index, ideas, threshold);
    const g = pairwiseQuality(groups, ideas);
    const mark = threshold === GROUP_THRESHOLD ? ' (default)' : '';
    console.log(
      `${threshold.toFixed(2).padEnd(9)}${g.precision.toFixed(3).padStart(11)}${g.recall.toFixed(3).padStart(8)}` +
        `${g.f1.toFixed(3).padStart(7)}${String(groups.length).padStart(8)}${mark}`,
    );
  }
  console.log(`(pairwise, over the ${pairwiseQuality([], ideas).labelledPairs} labelled duplicate pairs; ${tuning ? 'on a set it was tuned on' : heldOut ? 'held out: the defaults were chosen on the tuning sets' : 'on the set named'})`);

  const cv = crossValidate(ideas);
  console.log(
    `\ncross-validated, ${FOLDS} folds by group (threshold and place weights chosen on 4 folds, measured on the 5th):` +
      `\n  precision ${cv.precision.toFixed(3)}  recall ${cv.recall.toFixed(3)}  F1 ${cv.f1.toFixed(3)}` +
      `\n  chosen per fold: ${cv.chosen.map((c) => `${c.threshold.toFixed(2)}/${c.apart}/${c.same}`).join(', ')} (threshold/apart/same)`,
  );
  if (!file) {
    const whole = bestSettings(ideas);
    console.log(`  chosen on the whole set: ${whole.threshold.toFixed(2)}/${whole.apart}/${whole.same} (the defaults: ${GROUP_THRESHOLD}/${PLACES_APART}/${SAME_PLACE})`);
    // The defaults are chosen over the tuning sets, their groups dealt into the folds together.
    const sets = loadTuningSets();
    const all = crossValidateSets(sets);
    const allWhole = bestSettingsOver(sets);
    console.log(
      `  over the ${sets.length} tuning sets (${sets.map((ideas) => ideas.length).join(' + ')} cards): precision ${all.precision.toFixed(3)}  recall ${all.recall.toFixed(3)}  F1 ${all.f1.toFixed(3)}` +
        ` (by set: ${all.perSet.map((p) => p.f1.toFixed(3)).join(', ')})` +
        `\n  chosen per fold: ${all.chosen.map((c) => `${c.threshold.toFixed(2)}/${c.apart}/${c.same}`).join(', ')}; on the whole sets: ${allWhole.threshold.toFixed(2)}/${allWhole.apart}/${allWhole.same}`,
    );
    // Each tuning set measured as if held out: what the method does on ideas worded by other
    // hands than those it was tuned on is what counts.
    console.log('\nleave one tuning set out (settings chosen on the other two, measured on the whole left-out set):');
    for (const line of leftOutTable(leaveOneSetOut(TUNING_SETS.map((file) => loadLabelledSet(file))), ['first', 'second', 'third'])) console.log(line);
  }
  const flat = crossValidate(ideas, [1], [0]);
  console.log(`  with places not weighed (apart 1, same 0): precision ${flat.precision.toFixed(3)}  recall ${flat.recall.toFixed(3)}  F1 ${flat.f1.toFixed(3)}`);
  if (lookAlikes.length === 0) console.log('  (the set marks no look-alike pairs, so look-alikes joined are not counted)');
  else {
    const joined = lookAlikesJoined(allGroups(index, ideas, GROUP_THRESHOLD), lookAlikes);
    // The aim is at most 5 look-alikes joined in 22, scaled to the set's count and rounded down.
    const bound = Math.floor((lookAlikes.length * 5) / 22);
    console.log(`\nlook-alikes joined at the default threshold: ${joined} of ${lookAlikes.length} (aim: at most ${bound}, 5 in 22)`);
  }
  const top3 = nearestRecall(ideas, 3);
  console.log(
    `\nthe 3 nearest hold a duplicate, of the ${top3.cards} cards that have one: ${top3.share.toFixed(3)} ` +
      `(the nearest alone: ${nearestRecall(ideas, 1).share.toFixed(3)})`,
  );

  // A forum's evening: 250 ideas, then one more arriving; the best of several runs is the
  // machine's speed, the median what to expect.
  const forum = ideas.slice(0, 250);
  const extra = ideas[250] ?? { ...ideas[0], id: `${ideas[0].id}-again` };
  const indexTimes: number[] = [];
  const addTimes: number[] = [];
  const groupTimes: number[] = [];
  for (let run = 0; run < 30; run++) {
    const fresh = new DuplicateIndex(undefined, undefined, lemmaOf, pairWeightsOfTuning());
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

  // The largest forum: 5,000 ideas, about 830 in each priority; an idea added, then withdrawn.
  const crowd = crowdOf(ideas, 5000);
  const big = new DuplicateIndex(undefined, undefined, lemmaOf, pairWeightsOfTuning());
  for (const idea of crowd) big.add(idea);
  const bigAdds: number[] = [];
  for (let k = 0; k < 200; k++) {
    const one = { ...crowd[(k * 13) % crowd.length], id: `new-${k}` };
    const t = performance.now();
    big.add(one);
    bigAdds.push(performance.now() - t);
    big.remove(one.id);
  }
  console.log(`  add one idea to a forum of 5,000 (200 adds): ${times(bigAdds, 3)}`);
}

/** The labelled cards written apart from the method, never used to tune it. */
export const HELD_OUT_SET = new URL('../data/test/duplicate-ideas-uk-heldout.json', import.meta.url);

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  // The server's method: with dictionary lemmas where the optional dictionary-uk is installed; STEMMER_ONLY=1 without.
  await measureWithLemmas(process.env.STEMMER_ONLY !== '1');
  console.log(
    lemmaOf
      ? 'Words read through the Hunspell dictionary for Ukrainian (the server, with the optional dictionary-uk installed)'
      : 'Words read by the light stemmer alone (the phone, and the server without the optional dictionary-uk)',
  );
  console.log(LEARNED ? `Words' score: the learned pair scorer (${PAIR_WEIGHTS ? 'as shipped' : 'fitted on the tuning set'}; fitted again in each fold when cross-validating)` : "Words' score: the fixed mixture of trigrams and stems");
  if (process.argv[2]) await benchDuplicates(process.argv[2]);
  else {
    // The tuning sets, then the held-out set, side by side: only the last says how the method does
    // on ideas nobody tuned it for. HELD_OUT=0 leaves it out, to measure while tuning without
    // spending it.
    await benchDuplicates();
    await benchDuplicates(TUNING2_SET);
    await benchDuplicates(TUNING3_SET);
    if (process.env.HELD_OUT === '0') console.log('\n(HELD_OUT=0: the held-out set is left out)');
    else await benchDuplicates(HELD_OUT_SET, true);
  }
}
