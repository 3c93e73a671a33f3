// Ukrainian words to their dictionary form (мусору → мусор, вулиць → вулиця, ліхтарями → ліхтар,
// двору → двір), read from the Hunspell dictionary for Ukrainian (the `dictionary-uk` package,
// brown-uk's dictionary): its word list holds each lemma with the flags of the suffix rules that
// inflect it, so a word is undone by trying each rule whose suffix it ends with. Server-side only:
// the dictionary is 8 MB, far too much for a phone, whose measure keeps the light stemmer.
//
// The duplicate measure (shared/forum/similarity.ts) takes the lemma, then cuts its ending as it
// does any word: the lemma mends what the stemmer cannot see (the vowel alternation of двір /
// двору, ріг / рогу, the dropped vowel of вулиць), and the stemmer still joins a noun to its
// adjective.

import { stemUk } from '../../shared/forum/stemming.js';

/** One suffix rule: a lemma ending in `strip` and matching `condition` takes `add` in its place. */
interface SuffixRule {
  flag: string;
  strip: string;
  condition: RegExp;
}

/** What a word reads as: its lemma, or undefined when the dictionary does not know it. */
export type Lemmatizer = (word: string) => string | undefined;

/** Words remembered at most, with their lemma: a forum's vocabulary is a few thousand words. */
const CACHE_MAX = 100_000;

/**
 * A lemmatizer over a Hunspell dictionary's affix and word files (text). Only what the Ukrainian
 * dictionary uses is read: suffix rules, single-character flags, no prefixes nor compounds.
 */
export function hunspellLemmatizer(aff: string, dic: string): Lemmatizer {
  // Rules by the suffix they add: a word is looked up by each of its endings.
  const byAdd = new Map<string, SuffixRule[]>();
  let longestAdd = 0;
  for (const line of aff.split('\n')) {
    if (!line.startsWith('SFX ')) continue;
    const parts = line.trim().split(/\s+/);
    // A rule has five fields (SFX flag strip add condition); the group's header has four.
    if (parts.length < 5) continue;
    const [, flag, strip, addWithFlags, condition] = parts;
    const add = addWithFlags.split('/')[0];
    const rule: SuffixRule = { flag, strip: strip === '0' ? '' : strip, condition: new RegExp(`(?:${condition === '.' ? '' : condition})$`, 'u') };
    const key = add === '0' ? '' : add;
    const rules = byAdd.get(key);
    if (rules) rules.push(rule);
    else byAdd.set(key, [rule]);
    longestAdd = Math.max(longestAdd, key.length);
  }
  const lemmas = lemmaTable(dic);
  const cache = new Map<string, string | null>();
  const lemmaOf = (word: string): string | null => {
    // A lemma as written is its own lemma: прибрати, сміття, ремонт.
    if (lemmas.flagsOf(word) !== undefined) return word;
    let best: string | null = null;
    let bestShared = -1;
    const stem = stemUk(word);
    for (let k = Math.min(longestAdd, word.length - 1); k >= 0; k--) {
      const rules = byAdd.get(word.slice(word.length - k));
      if (!rules) continue;
      const root = word.slice(0, word.length - k);
      for (const rule of rules) {
        const lemma = root + rule.strip;
        const flags = lemmas.flagsOf(lemma);
        if (flags === undefined || !flags.includes(rule.flag) || !rule.condition.test(lemma)) continue;
        // Of several readings, one whose stem is the word's own (відходів is відходи, waste,
        // before відхід, a departure), then the shortest (води is вода before водити, as a card
        // names things more than it orders).
        const shared = stemUk(lemma) === stem ? 1 : 0;
        if (best === null || shared > bestShared || (shared === bestShared && lemma.length < best.length)) {
          best = lemma;
          bestShared = shared;
        }
      }
    }
    return best;
  };
  return (word) => {
    let lemma = cache.get(word);
    if (lemma === undefined) {
      if (cache.size >= CACHE_MAX) cache.clear();
      lemma = lemmaOf(word);
      cache.set(word, lemma);
    }
    return lemma ?? undefined;
  };
}

/**
 * The dictionary's words, found by their lower case: the word file kept as one string, with an
 * open-addressing table of its lines by a hash of the word. A Map of 335,000 words to their flags
 * held 75 MB of the server's heap; this holds about 15.
 */
function lemmaTable(dic: string): { flagsOf(word: string): string | undefined } {
  const starts: number[] = [];
  const wordEnds: number[] = [];
  const lineEnds: number[] = [];
  // The first line is the count of words.
  let at = dic.indexOf('\n') + 1;
  while (at > 0 && at < dic.length) {
    let end = dic.indexOf('\n', at);
    if (end < 0) end = dic.length;
    let lineEnd = end;
    while (lineEnd > at && /\s/.test(dic[lineEnd - 1])) lineEnd--;
    const slash = dic.indexOf('/', at);
    const wordEnd = slash >= 0 && slash < lineEnd ? slash : lineEnd;
    if (wordEnd > at) {
      starts.push(at);
      wordEnds.push(wordEnd);
      lineEnds.push(lineEnd);
    }
    at = end + 1;
  }
  let size = 1;
  while (size < starts.length * 2) size *= 2;
  const mask = size - 1;
  const table = new Int32Array(size).fill(-1);
  const hashOf = (text: string, from: number, to: number) => {
    let h = 0x811c9dc5;
    for (let i = from; i < to; i++) h = Math.imul(h ^ text[i].toLowerCase().charCodeAt(0), 0x01000193);
    return h >>> 0;
  };
  for (let line = 0; line < starts.length; line++) {
    let slot = hashOf(dic, starts[line], wordEnds[line]) & mask;
    while (table[slot] >= 0) slot = (slot + 1) & mask;
    table[slot] = line;
  }
  const startsOf = Int32Array.from(starts);
  const wordEndsOf = Int32Array.from(wordEnds);
  const lineEndsOf = Int32Array.from(lineEnds);
  return {
    flagsOf(word) {
      let flags: string | undefined;
      for (let slot = hashOf(word, 0, word.length) & mask; table[slot] >= 0; slot = (slot + 1) & mask) {
        const line = table[slot];
        const start = startsOf[line];
        if (wordEndsOf[line] - start !== word.length) continue;
        let same = true;
        for (let i = 0; i < word.length && same; i++) same = dic[start + i].toLowerCase() === word[i];
        // A word listed twice (a name and a common noun) keeps the flags of both.
        if (same) flags = (flags ?? '') + dic.slice(wordEndsOf[line] + 1, lineEndsOf[line]);
      }
      return flags;
    },
  };
}

let ukrainian: Lemmatizer | undefined;

/** The Ukrainian lemmatizer, read from `dictionary-uk` once per process (about a second). */
export async function ukrainianLemmatizer(): Promise<Lemmatizer> {
  if (!ukrainian) {
    const { default: dictionary } = await import('dictionary-uk');
    const text = new TextDecoder();
    ukrainian = hunspellLemmatizer(text.decode(dictionary.aff), text.decode(dictionary.dic));
  }
  return ukrainian;
}
