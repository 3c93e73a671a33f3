// Ukrainian words to their dictionary form (мусору → мусор, вулиць → вулиця, ліхтарями → ліхтар,
// двору → двір), read from the Hunspell dictionary for Ukrainian where it is installed (the optional `dictionary-uk` package,
// brown-uk's dictionary): its word list holds each lemma with the flags of the suffix rules that
// inflect it, so a word is undone by trying each rule whose suffix it ends with. Server-side only:
// the dictionary is 8 MB, far too much for a phone, whose measure keeps the light stemmer.
//
// The duplicate measure (shared/forum/similarity.ts) takes the lemma, then cuts its ending as it
// does any word: the lemma mends what the stemmer cannot see (the vowel alternation of двір /
// двору, ріг / рогу, the dropped vowel of вулиць), and the stemmer still joins a noun to its
// adjective.

import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
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
 * A letter's lower case as a code, without making a string of it (as toLowerCase would, 4.5
 * million times in loading): Latin, Cyrillic (with Є І Ї Ґ); any other letter through toLowerCase.
 */
function lowerCode(c: number): number {
  if (c < 65) return c;
  if (c <= 90) return c + 32;
  if (c < 128) return c;
  if (c >= 0x410 && c <= 0x42f) return c + 0x20;
  if (c >= 0x400 && c <= 0x40f) return c + 0x50;
  if (c === 0x490) return 0x491;
  if ((c >= 0x430 && c <= 0x45f) || c === 0x491) return c;
  return String.fromCharCode(c).toLowerCase().charCodeAt(0);
}

/**
 * The dictionary's words, found by their lower case: the word file kept as one string, with an
 * open-addressing table of its lines by a hash of the word. A Map of 335,000 words to their flags
 * held 75 MB of the server's heap; this holds about 15.
 */
function lemmaTable(dic: string): { flagsOf(word: string): string | undefined } {
  // Each line's start, end of word and end, in typed arrays counted first: arrays of numbers grown
  // line by line left the process 80 MiB larger after loading, though most of it was garbage.
  let lines = 0;
  for (let at = dic.indexOf('\n'); at >= 0; at = dic.indexOf('\n', at + 1)) lines++;
  const startsOf = new Int32Array(lines + 1);
  const wordEndsOf = new Int32Array(lines + 1);
  const lineEndsOf = new Int32Array(lines + 1);
  let count = 0;
  // The first line is the count of words.
  let at = dic.indexOf('\n') + 1;
  while (at > 0 && at < dic.length) {
    let end = dic.indexOf('\n', at);
    if (end < 0) end = dic.length;
    let lineEnd = end;
    while (lineEnd > at && dic.charCodeAt(lineEnd - 1) <= 32) lineEnd--;
    let wordEnd = at;
    while (wordEnd < lineEnd && dic.charCodeAt(wordEnd) !== 47 /* / */) wordEnd++;
    if (wordEnd > at) {
      startsOf[count] = at;
      wordEndsOf[count] = wordEnd;
      lineEndsOf[count] = lineEnd;
      count++;
    }
    at = end + 1;
  }
  let size = 1;
  while (size < count * 2) size *= 2;
  const mask = size - 1;
  const table = new Int32Array(size).fill(-1);
  const hashOf = (text: string, from: number, to: number) => {
    let h = 0x811c9dc5;
    for (let i = from; i < to; i++) h = Math.imul(h ^ lowerCode(text.charCodeAt(i)), 0x01000193);
    return h >>> 0;
  };
  for (let line = 0; line < count; line++) {
    let slot = hashOf(dic, startsOf[line], wordEndsOf[line]) & mask;
    while (table[slot] >= 0) slot = (slot + 1) & mask;
    table[slot] = line;
  }
  return {
    flagsOf(word) {
      let flags: string | undefined;
      for (let slot = hashOf(word, 0, word.length) & mask; table[slot] >= 0; slot = (slot + 1) & mask) {
        const line = table[slot];
        const start = startsOf[line];
        if (wordEndsOf[line] - start !== word.length) continue;
        let same = true;
        for (let i = 0; i < word.length && same; i++) same = lowerCode(dic.charCodeAt(start + i)) === lowerCode(word.charCodeAt(i));
        // A word listed twice (a name and a common noun) keeps the flags of both.
        if (same) flags = (flags ?? '') + dic.slice(wordEndsOf[line] + 1, lineEndsOf[line]);
      }
      return flags;
    },
  };
}

let ukrainian: Lemmatizer | undefined;

/** Where the `dictionary-uk` package is installed, or null: it is not one of Viche's dependencies. */
export function dictionaryFolder(): string | null {
  try {
    return dirname(createRequire(import.meta.url).resolve('dictionary-uk'));
  } catch {
    return null;
  }
}

/**
 * The Ukrainian lemmatizer, read from the `dictionary-uk` package's files once per process (about
 * 0.4 s, about 25 MiB resident), or undefined when the package is not installed. It is not a
 * dependency: the dictionary is GPL-3.0 where Viche is MIT, and on the held-out cards it moved the
 * duplicate finder's F1 by less than a hundredth (README, How well duplicates are found), so an
 * organiser who wants it installs it (`npm install dictionary-uk`) and the server reads it.
 * Read as text here rather than through the package's module, which would keep its 8 MB of bytes
 * for good beside the text.
 */
export async function ukrainianLemmatizer(): Promise<Lemmatizer | undefined> {
  if (!ukrainian) {
    const folder = dictionaryFolder();
    if (!folder) return undefined;
    const [aff, dic] = await Promise.all([readFile(join(folder, 'index.aff'), 'utf8'), readFile(join(folder, 'index.dic'), 'utf8')]);
    ukrainian ??= hunspellLemmatizer(aff, dic);
  }
  return ukrainian;
}
