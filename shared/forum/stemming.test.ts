// Unit tests for how the duplicate measure reads Ukrainian words (stemming.ts) where cutting
// endings alone reads one word as another: a bridge as the city, lighting as schooling, a driver
// as water, and the vowel alternation of шкіл / школа; and words typed with a hyphen.

import { describe, expect, it } from 'vitest';
import { conceptClassOf } from './concepts.js';
import { ideaSimilarity } from './similarity.js';
import { stemsUk } from './stemming.js';

const idea = (id: string, title: string, description = '', place = '') => ({ id, priorityCode: '4', title, description, place });
const stemOf = (word: string) => stemsUk(word)[0];

describe('words the stemmer would read as others', () => {
  it('reads міст (a bridge) as a bridge in every form, not as місто (a filler)', () => {
    for (const word of ['міст', 'мосту', 'мости', 'мостів']) expect(stemOf(word)).toBe('мост');
    expect(stemsUk('місто')).toEqual([]);
    expect(ideaSimilarity(idea('a', 'Відремонтувати міст'), idea('b', 'Ремонт мосту'))).toBeGreaterThan(0.5);
  });

  it('reads освітити (to light) as lighting, and освіта (schooling) in every form as schooling', () => {
    for (const word of ['освітити', 'освітимо', 'освітлення', 'освітлювати']) expect(conceptClassOf(stemOf(word))).toBe('LIGHT');
    for (const word of ['освіта', 'освіти', 'освіту', 'освітою']) expect(conceptClassOf(stemOf(word))).toBe('SCHOOL');
  });

  it('keeps водій (a driver) apart from вода (water)', () => {
    expect(stemOf('водій')).not.toBe(stemOf('вода'));
    expect(stemOf('водій')).toBe(stemOf('водія'));
  });

  it('reads the vowel alternation of a closed syllable: шкіл / школа, доріг / дорога', () => {
    expect(stemOf('шкіл')).toBe(stemOf('школа'));
    expect(stemOf('доріг')).toBe(stemOf('дороги'));
    expect(stemOf('зупинок')).toBe(stemOf('зупинки'));
  });
});

describe('nouns whose forms end as an infinitive', () => {
  it('reads оплати, витрати and палати as оплата, витрата and палата', () => {
    expect(stemOf('оплати')).toBe(stemOf('оплата'));
    expect(stemOf('витрати')).toBe(stemOf('витрата'));
    expect(stemOf('палати')).toBe(stemOf('палата'));
    expect(conceptClassOf(stemOf('оплати'))).toBe('FARE');
  });

  it('still cuts an infinitive to its verb\'s stem', () => {
    expect(stemOf('прибрати')).toBe('прибр');
    expect(stemOf('висадити')).toBe('висад');
  });
});

describe('surzhyk', () => {
  it('cuts Russian endings as Ukrainian ones: спортивная, новое освещение, тротуаров', () => {
    expect(stemOf('спортивная')).toBe(stemOf('спортивна'));
    expect(stemOf('тротуаров')).toBe(stemOf('тротуарів'));
    expect(stemsUk('новое')).toEqual([]);
  });

  it('drops улица and город as filler, as вулиця and місто are', () => {
    expect(stemsUk('улица город')).toEqual([]);
  });
});

describe('words typed with a hyphen', () => {
  it('reads скейт-парк as one word, not as a park', () => {
    expect(stemsUk('Скейт-парк')).toEqual([stemOf('скейтпарк')]);
    expect(conceptClassOf(stemOf('Скейт-парк'))).toBe('SPORT');
  });

  it('reads Wi-Fi, wifi, вай-фай and вайфай as one word', () => {
    const one = stemsUk('wifi');
    for (const text of ['Wi-Fi', 'WI FI', 'вай-фай', 'Вайфай']) expect(stemsUk(text)).toEqual(one);
  });

  it('drops the е of е-квиток, so it meets квиток', () => {
    expect(stemsUk('е-квиток')).toEqual(stemsUk('квиток'));
  });
});
