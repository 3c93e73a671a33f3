// The server's Ukrainian morphology (server/forum/lemmas.ts, the Hunspell dictionary for Ukrainian)
// on hard words: vowel alternation, dropped vowels, plural-only nouns, readings that compete; and
// what it does to the duplicate measure on pairs the light stemmer alone cannot join.

import { beforeAll, describe, expect, it } from 'vitest';
import { fingerprint, fingerprintScores, type LemmaOf } from '../../shared/forum/similarity.js';
import { stemsUk } from '../../shared/forum/stemming.js';
import { dictionaryFolder, hunspellLemmatizer, ukrainianLemmatizer } from '../forum/lemmas.js';

const idea = (id: string, title: string, description = '', place = '') => ({ id, priorityCode: '4', title, description, place });

/**
 * The dictionary is not one of Viche's dependencies (GPL-3.0; README): these run where it is
 * installed (`npm install dictionary-uk`, as .ci/run does); skipped without it, except under
 * CI=true, where its absence fails them.
 */
const installed = dictionaryFolder() !== null;
const skipped = !installed && process.env.CI !== 'true';

describe.skipIf(skipped)(`Ukrainian lemmas from the Hunspell dictionary${skipped ? ' (skipped: the optional dictionary-uk is not installed)' : ''}`, () => {
  let lemmaOf: LemmaOf;
  beforeAll(async () => {
    lemmaOf = (await ukrainianLemmatizer())!;
  });

  it.each([
    ['двору', 'двір'],
    ['столів', 'стіл'],
    ['майданів', 'майдан'],
    ['вулиць', 'вулиця'],
    ['вулиці', 'вулиця'],
    ['ліхтарями', 'ліхтар'],
    ['зупинки', 'зупинка'],
    ['світлофорів', 'світлофор'],
    ['укриттів', 'укриття'],
    ['майданчиків', 'майданчик'],
    ['велодоріжок', 'велодоріжка'],
    ['відремонтуйте', 'відремонтувати'],
    // Two readings: the noun a card names before the verb's imperative (водити), and the
    // plural-only noun (waste) whose stem is the word's own before відхід (a departure).
    ['води', 'вода'],
    ['відходів', 'відходи'],
    // A lemma as typed is its own.
    ['прибрати', 'прибрати'],
    ['сміття', 'сміття'],
  ])('reads "%s" as "%s"', (word, lemma) => {
    expect(lemmaOf(word)).toBe(lemma);
  });

  it('knows nothing of surzhyk and Russian words, which the synonym table reads instead', () => {
    expect(lemmaOf('остановки')).toBeUndefined();
    expect(lemmaOf('скамейки')).toBeUndefined();
  });

  it('joins the forms the light stemmer keeps apart', () => {
    const alone = (text: string) => stemsUk(text);
    const read = (text: string) => stemsUk(text, undefined, lemmaOf);
    // The stemmer reads шкіл / школа and доріг / дорога itself (stemming.ts), but no other word of
    // the alternation.
    expect(alone('сіл')).not.toEqual(alone('село'));
    expect(read('сіл')).toEqual(read('село'));
    expect(alone('стіл')).not.toEqual(alone('столи'));
    expect(read('стіл')).toEqual(read('столи'));
    // Verbs are left to the stemmer: an infinitive cut to its root is short and meets other
    // words (стояти, сто).
    expect(read('стоять')).toEqual(alone('стоять'));
    expect(read('стоять')).not.toEqual(alone('стояти'));
  });

  it('scores the same project in other forms higher with lemmas than without', () => {
    const a = idea('a', 'Столи для пікніка в парку');
    const b = idea('b', 'Пікніковий стіл у парку');
    const without = fingerprintScores(fingerprint(a), fingerprint(b)).theme;
    const withLemmas = fingerprintScores(fingerprint(a, lemmaOf), fingerprint(b, lemmaOf)).theme;
    expect(withLemmas).toBeGreaterThan(without);
  });

});

describe('the Hunspell reader', () => {
  it('reads a small dictionary of its own as Hunspell does: a rule applies only to its flag and condition', () => {
    const aff = ['SET UTF-8', 'SFX A Y 2', 'SFX A а и а', 'SFX A а ою а', 'SFX B Y 1', 'SFX B 0 у [^аеиіоуя]'].join('\n');
    const dic = ['3', 'вода/A', 'ліс/B', 'дуб', ''].join('\n');
    const lemma = hunspellLemmatizer(aff, dic);
    expect(lemma('води')).toBe('вода');
    expect(lemma('водою')).toBe('вода');
    expect(lemma('лісу')).toBe('ліс');
    // дуб has no flag B: дубу is not read, nor is a word no rule reaches.
    expect(lemma('дубу')).toBeUndefined();
    expect(lemma('дуб')).toBe('дуб');
    expect(lemma('кіт')).toBeUndefined();
  });
});
