// Duplicate suggestions among ideas: how alike two idea cards are, in a way that reads Ukrainian
// (case endings, the apostrophe typed three ways, filler words), and an index that keeps a live
// forum's ideas grouped into likely duplicates for the facilitator to merge. Pure, no I/O.
//
// The measure is lexical: character trigrams of the normalised words catch typos, compounds and
// endings the stemmer misses (велодоріжка / доріжка, тратуар / тротуар), and word stems catch the
// same words in another order or form. Synonyms with nothing in common (ТІЦ / інфоцентр) are out
// of its reach, so it suggests, and a person decides.

import type { Idea } from './types.js';

/** What the measure reads of an idea. */
export type IdeaText = Pick<Idea, 'id' | 'priorityCode' | 'title' | 'description' | 'place'>;

/**
 * The score from which ideas are suggested as duplicates. On data/test/duplicate-ideas-uk.json it
 * gives a pairwise precision of 0.79 and recall of 0.73 (F1 0.76, the best of any threshold; from
 * 0.25 to 0.27 it barely moves). `npm run bench:duplicates` prints the figures around it.
 */
export const DUPLICATE_THRESHOLD = 0.27;

// ---------------------------------------------------------------- normalisation

// Function words (prepositions, conjunctions, particles, pronouns), matched on the word as typed:
// they carry no project and would make any two cards look alike. A few English ones too, since
// titles mix in Wi-Fi, IT and the like.
const STOP_WORDS = new Set(
  (
    'і й та а але або чи ні не ані також теж ж же б би бо адже тож то от ну лише тільки навіть ще вже ' +
    'в у во на з із зі зо до для по від од про за при під піді над між через біля коло після перед без ' +
    'серед поза понад вздовж уздовж навколо довкола замість крім окрім щодо проти поруч поряд о об ' +
    'що щоб шоб як де куди коли тому там тут так який яка яке які якого якої якому якій яким якими яких ' +
    'я ми ти ви він вона воно вони мене мені нас нам вас вам його її їх їм ним ній них нею ними ' +
    'свій своя своє свої свого своєї своїх свою своїм цей ця це ці цього цієї цих цим цією той те ті того тієї тих ' +
    'весь вся все всі всього всіх усі усе усіх всім кожен кожний кожна кожне кожного кожної кожному кожній ' +
    'наш наша наше наші нашого нашої нашому нашій наших нашим ваш ваша ваше ваші ' +
    'є був була було були буде будуть бути має мають можна може можуть могли міг могла треба нема немає ' +
    'сам сама саме самі один одна одне одні одного одній просто зараз тепер колись хто ' +
    'the a an and or of in on at to for with by from is are be no'
  ).split(' '),
);

// Words every idea card is full of ("make", "needed", "new", "city", "street"), matched on the
// stem so every form goes: "Зробити новий сквер" and "Новий сквер" are the same idea, and two
// cards are not alike because both ask to build something new in the city.
const FILLER_STEMS = new Set(
  (
    'зроб створ облаштув встанов постав побуд організ організув провест провод запровад відкр ' +
    'потрібн необхідн треб нада хоч хоче хочем пропон пропоную прош просим будь ласк дуж ' +
    'нов сучасн нормальн більш менш багат хорош гарн люд мешканц ' +
    'міст міськ житомир житомирськ вулиц вул просп пл площ район мікрорайон мкр'
  ).split(' '),
);

// Endings of Ukrainian nouns, adjectives and verbs, longest first so that -ами wins over -и.
const ENDINGS = [
  'ення', 'ання', 'іння', 'ться', 'тися',
  'ами', 'ями', 'ові', 'еві', 'єві', 'ого', 'ому', 'ими', 'іми', 'ити', 'ати', 'іти', 'яти', 'ють', 'ують',
  'ах', 'ях', 'ам', 'ям', 'ом', 'ем', 'єм', 'ою', 'ею', 'єю', 'ий', 'ій', 'ої', 'ів', 'їв', 'их', 'іх', 'им', 'ім', 'ей',
  'а', 'я', 'о', 'е', 'є', 'и', 'і', 'ї', 'у', 'ю', 'ь', 'й',
].sort((a, b) => b.length - a.length);

/** Letters a stem keeps at least; shorter words keep their ending, or кіт and кит would be one. */
const MIN_STEM = 3;

// The apostrophe as phones type it: ' ’ ʼ ‘ ` ′ (and ´, which NFKC would split into a space and
// an accent). Inside a word it is dropped, so м’яч, мʼяч, м'яч and мяч are one word.
const APOSTROPHE_IN_WORD = /(?<=\p{L})['’ʼ‘`′´]+(?=\p{L})/gu;
const COMBINING_MARKS = /\p{M}+/gu;
const NOT_WORD = /[^\p{L}\p{N}]+/u;

/** One word's stem: its common ending cut off when enough of the word remains. */
export function stemUk(word: string): string {
  for (const ending of ENDINGS) {
    if (word.length - ending.length >= MIN_STEM && word.endsWith(ending)) return word.slice(0, -ending.length);
  }
  return word;
}

/** The stems of a text's meaningful words, in order. */
export function stemsUk(text: string): string[] {
  const words = text
    .replace(/´/g, "'")
    .normalize('NFKC')
    .toLowerCase()
    .replace(APOSTROPHE_IN_WORD, '')
    // Stress marks typed over vowels; й and ї are single letters after NFKC and stay.
    .replace(COMBINING_MARKS, '')
    .split(NOT_WORD);
  const stems: string[] = [];
  for (const word of words) {
    if (word === '' || STOP_WORDS.has(word)) continue;
    // A lone letter is an initial or an abbreviation's tail (р-н, м.); a lone digit is a number.
    if (word.length === 1 && !/\p{N}/u.test(word)) continue;
    const stem = stemUk(word);
    if (!FILLER_STEMS.has(stem)) stems.push(stem);
  }
  return stems;
}

/**
 * A text as the measure reads it: NFKC, lower case, apostrophes inside words dropped, punctuation
 * and dashes made spaces, stop-words and filler removed, endings cut; stems joined by spaces.
 */
export function normalizeUk(text: string): string {
  return stemsUk(text).join(' ');
}

// ---------------------------------------------------------------- fingerprints

/**
 * A sparse vector of unit length. Keys are sorted, so two vectors are multiplied in one merge, in
 * the same order whichever comes first: a score is exactly symmetric, not just to rounding.
 */
interface SparseVector<K> {
  keys: K[];
  values: Float64Array;
}

/** An idea as the measure compares it, computed once when the idea arrives or changes. */
export interface IdeaFingerprint {
  id: string;
  priorityCode: string;
  trigrams: SparseVector<number>;
  stems: SparseVector<string>;
  /** The text as typed, case and spacing aside: identical cards score exactly 1, and cards with no
   * word the measure can use ("???", "Інше") are compared by it alone. */
  bare: string;
}

// How much each field counts. Each field is scaled to unit length first, so a title's three words
// weigh as much as a description's thirty: one title word counts for many description words. The
// description as a whole counts as much as the title because a paraphrase often carries there the
// words another resident put in the title (on the labelled set, F1 fell from 0.76 to 0.69 at half
// this weight, to 0.66 at a third). The place counts little: one street holds many projects.
// TRIGRAM_SHARE is the part of the score from trigrams, the rest from whole stems.
const TITLE_WEIGHT = 1;
const DESCRIPTION_WEIGHT = 1;
const PLACE_WEIGHT = 0.15;
const TRIGRAM_SHARE = 0.8;

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

function toUnitVector<K extends number | string>(map: Map<K, number>): SparseVector<K> {
  const keys = [...map.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const values = new Float64Array(keys.length);
  let norm = 0;
  for (const v of map.values()) norm += v * v;
  const scale = norm > 0 ? 1 / Math.sqrt(norm) : 0;
  keys.forEach((k, i) => (values[i] = map.get(k)! * scale));
  return { keys, values };
}

function dot<K extends number | string>(a: SparseVector<K>, b: SparseVector<K>): number {
  let i = 0;
  let j = 0;
  let sum = 0;
  while (i < a.keys.length && j < b.keys.length) {
    const ka = a.keys[i];
    const kb = b.keys[j];
    if (ka === kb) sum += a.values[i++] * b.values[j++];
    else if (ka < kb) i++;
    else j++;
  }
  return sum;
}

/** Everything the measure needs of an idea, computed once. */
export function fingerprint(idea: IdeaText): IdeaFingerprint {
  const trigrams = new Map<number, number>();
  const stems = new Map<string, number>();
  const fields: [string, number][] = [
    [idea.title, TITLE_WEIGHT],
    [idea.description, DESCRIPTION_WEIGHT],
    [idea.place, PLACE_WEIGHT],
  ];
  for (const [text, weight] of fields) {
    const fieldTrigrams = new Map<number, number>();
    // A stem counts once per field: a description that repeats a word is not more about it.
    const fieldStems = new Map<string, number>();
    for (const stem of stemsUk(text)) {
      if (fieldStems.has(stem)) continue;
      fieldStems.set(stem, 1);
      addTrigrams(fieldTrigrams, stem);
    }
    addScaled(trigrams, fieldTrigrams, weight);
    addScaled(stems, fieldStems, weight);
  }
  const bare = `${idea.title}\n${idea.description}\n${idea.place}`.normalize('NFKC').toLowerCase().replace(/\s+/g, ' ').trim();
  return { id: idea.id, priorityCode: idea.priorityCode, trigrams: toUnitVector(trigrams), stems: toUnitVector(stems), bare };
}

/** How alike two fingerprinted ideas are, from 0 (nothing shared) to 1 (the same words). */
export function fingerprintSimilarity(a: IdeaFingerprint, b: IdeaFingerprint): number {
  if (a.bare === b.bare) return 1;
  if (a.stems.keys.length === 0 || b.stems.keys.length === 0) return 0;
  const score = TRIGRAM_SHARE * dot(a.trigrams, b.trigrams) + (1 - TRIGRAM_SHARE) * dot(a.stems, b.stems);
  // Rounding can put the same words a hair above 1.
  return Math.min(1, Math.max(0, score));
}

/** How alike two ideas are, from 0 to 1; symmetric. For many ideas, use DuplicateIndex. */
export function ideaSimilarity(a: IdeaText, b: IdeaText): number {
  return fingerprintSimilarity(fingerprint(a), fingerprint(b));
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
}

/** The score kept between an entry and the idea of order `order`, 0 when under the floor. */
function scoreWith(entry: Entry, order: number): number {
  const at = entry.peers.indexOf(order);
  return at < 0 ? 0 : entry.scores[at];
}

/** Drops the link to the idea of order `order`, keeping the others in their order. */
function unlink(entry: Entry, order: number): void {
  const at = entry.peers.indexOf(order);
  if (at < 0) return;
  entry.peers.splice(at, 1);
  entry.scores.splice(at, 1);
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
  private readonly byPriority = new Map<string, Set<string>>();
  private nextOrder = 0;

  constructor(readonly floor = 0.1) {
    if (!(floor >= 0 && floor <= 1)) throw new RangeError(`floor ${floor} is outside [0, 1]`);
  }

  get size(): number {
    return this.entries.size;
  }

  has(id: string): boolean {
    return this.entries.has(id);
  }

  /** The priority an indexed idea was compared in. */
  priorityOf(id: string): string | undefined {
    return this.entries.get(id)?.fp.priorityCode;
  }

  /** Adds an idea, or replaces the one with its id (as update does). */
  add(idea: IdeaText): void {
    const previous = this.entries.get(idea.id);
    if (previous) this.detach(previous);
    const entry: Entry = { fp: fingerprint(idea), order: previous?.order ?? this.nextOrder++, peers: [], scores: [] };
    let peers = this.byPriority.get(idea.priorityCode);
    if (!peers) this.byPriority.set(idea.priorityCode, (peers = new Set()));
    for (const peerId of peers) {
      const peer = this.entries.get(peerId)!;
      const score = fingerprintSimilarity(entry.fp, peer.fp);
      if (score >= this.floor) {
        entry.peers.push(peer.order);
        entry.scores.push(score);
        peer.peers.push(entry.order);
        peer.scores.push(score);
      }
    }
    peers.add(idea.id);
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
  matches(id: string, threshold = DUPLICATE_THRESHOLD): DuplicateMatch[] {
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
   * groups whose ideas score highest on average are joined, while that average is at least
   * `threshold`. Joining on any one pair instead chains different projects through a shared word
   * (ліхтарі на Крошні – тротуари на Крошні – тролейбус на Крошню): on the labelled set it reached
   * F1 0.65 at best (at 0.40, against 0.76 here), and at 0.27 its groups swallowed whole streets.
   */
  groups(priorityCode: string, threshold = DUPLICATE_THRESHOLD): DuplicateGroup[] {
    const steps = this.groupsInSteps(priorityCode, threshold);
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
  *groupsInSteps(priorityCode: string, threshold = DUPLICATE_THRESHOLD): Generator<void, DuplicateGroup[], void> {
    this.checkThreshold(threshold);
    const ids = this.byPriority.get(priorityCode);
    if (!ids) return [];
    let work = 0;
    // A cluster's key is its first member's order, which also breaks ties between equal averages.
    const clusters = new Map<number, Cluster>();
    for (const id of ids) {
      const entry = this.entries.get(id)!;
      const links = new Map<number, number>();
      for (let i = 0; i < entry.peers.length; i++) links.set(entry.peers[i], entry.scores[i]);
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
      members.sort((x, y) => x.order - y.order);
      let score = 0;
      for (const m of members) for (const n of members) if (m !== n) score = Math.max(score, scoreWith(m, n.order));
      found.push({ group: { ideaIds: members.map((m) => m.fp.id), score }, first: members[0].order });
      work += members.length * members.length;
      if (work > GROUP_STEP) {
        work = 0;
        yield;
      }
    }
    return found.sort((x, y) => y.group.score - x.group.score || x.first - y.first).map((f) => f.group);
  }

  private detach(entry: Entry): void {
    for (const order of entry.peers) {
      const peer = this.byOrder.get(order);
      if (peer) unlink(peer, entry.order);
    }
    this.byPriority.get(entry.fp.priorityCode)?.delete(entry.fp.id);
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
  threshold = DUPLICATE_THRESHOLD,
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
