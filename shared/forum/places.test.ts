// Place recognition (places.ts) on hard cards: names typed in lower case, ordinal numbers before a
// school, house numbers that make two buildings of one street, numbers that only look alike; and
// what the duplicate measure makes of them: the same project at another place is a theme, another
// project at the same place is neither.

import { describe, expect, it } from 'vitest';
import { placeRelation, placesOf } from './places.js';
import { DUPLICATE_THRESHOLD, ideaSimilarity, themeSimilarity } from './similarity.js';

const at = (title: string, place = '', description = '') => placesOf({ title, description, place }).keys;
const idea = (id: string, title: string, place = '', description = '') => ({ id, priorityCode: '4', title, description, place });

describe('places read off an idea card', () => {
  it.each([
    ['Тротуари на вул. київській', '', ['киевськ']],
    ['Велодоріжка по чуднівській', '', ['чудневськ']],
    ['Лавки на площі перемоги', '', ['перемег']],
    ['Світлофор біля 25-ї школи', '', ['школ25']],
    ['Укриття в 5 школі', '', ['школ5']],
    ['Ремонт даху', '3-тя гімназія', ['гімназі3']],
    ['Освітлення двору на Київській 15', '', ['киевськ#15']],
    ['Освітлення двору', 'вул. Київська, 40', ['киевськ#40']],
    // Ordinals said in words, a compound one too, and a numbered place's other names.
    ["Зебра поруч з п'ятою школою", '', ['школ5']],
    ['Запис до терапевта у першій поліклініці', '', ['поліклінік1']],
    ['Діти в двадцять восьмому садку мерзнуть', '', ['садок28']],
    ['Термомодернізація ДНЗ 28', '', ['садок28']],
    ['Ремонт даху', 'садочок №28', ['садок28']],
    ['Пандус', 'ЗОШ №5', ['школ5']],
  ])('reads "%s" (place "%s") as %j', (title, place, keys) => {
    expect(at(title, place)).toEqual(keys);
  });

  it('leaves out what only looks like a place', () => {
    // A city-wide adjective after a preposition names no street.
    expect(at('Прийом у міській лікарні без черг')).toEqual([]);
    // A lower-case word after a preposition that is not a street's adjective.
    expect(at('Фонтанчики на дитячих майданчиках')).toEqual([]);
    // An adjective of a street's ending that is no street's, and a verb after a kind.
    expect(at('Лежачі поліцейські', '', 'Машини летять по вузькій вулиці')).toEqual([]);
    expect(at('Притулок для собак', '', 'щоб їх не було на вулицях, стерилізувати')).toEqual([]);
    // The city itself, in any case, and a central park also called by its name.
    expect(at('Де туристам дізнатися, що подивитися в Житомирі?')).toEqual([]);
    expect(placeRelation(at('Вбиральня', 'Центральний парк'), at('Туалет', 'парк Гагаріна'))).toBe('unknown');
    // A title's first word is capitalised whatever it is: Дитячий садок, Новий ДНЗ, Громадський
    // туалет name no place; Гагарінський парк, made from a name, does.
    expect(at('Дитячий садок у новому мікрорайоні')).toEqual([]);
    expect(at('Новий ДНЗ', '', 'діти не потрапляють у садок')).toEqual([]);
    expect(at('Громадський туалет')).toEqual([]);
    expect(at('Гагарінський парк: нові лавки')).toEqual(at('Лавки', '', 'у Гагарінському парку'));
    expect(at('Гагарінський парк: нові лавки')).not.toEqual([]);
  });

  it('reads a place said as its adjective or nickname as the place itself', () => {
    expect(placeRelation(at('Амбулаторія', 'Богунія'), at('Відкрити медпункт в богунському мікрорайоні'))).toBe('same');
    expect(placeRelation(at('Відновити фонтан', 'Соборний майдан'), at('Запустити фонтан на Соборці'))).toBe('same');
    expect(placeRelation(at('Майданчик для вигулу собак', 'Крошня'), at('Місце для вигулювання псів у крошнянському районі'))).toBe('same');
    expect(placeRelation(at('Екостежка', 'Корбутівка'), at('Стежка в Корбутівському лісі'))).toBe('same');
    expect(placeRelation(at('Танці', 'парк Гагаріна'), at('Танцювальні вечори в Гагарінському парку'))).toBe('same');
  });

  it('keeps names that only begin alike, and two markets, apart', () => {
    expect(placeRelation(at('Мурал', 'вул. Корольова'), at('Мурал', 'вул. Короленка'))).toBe('apart');
    expect(placeRelation(at('Молодіжний центр', 'вул. Польова'), at('Молодіжний центр', 'стадіон Полісся'))).toBe('apart');
    expect(placeRelation(at('Лавки', 'вул. Михайлівська'), at('Лавки', 'вул. Миколаївська'))).toBe('apart');
    expect(placeRelation(at('Дах над рядами', 'Житній ринок'), at('Дах над рядами', 'Сінний ринок'))).toBe('apart');
    expect(at('Туалет', 'Житній ринок')).toEqual(['житн']);
  });

  it('tells buildings of one street apart, and a numbered place only from its own number', () => {
    expect(placeRelation(at('Двір на Київській 15'), at('Двір на Київській 40'))).toBe('apart');
    expect(placeRelation(at('Двір на Київській 1'), at('Двір на Київській 15'))).toBe('apart');
    expect(placeRelation(at('Двір на Київській 15'), at('Двір', 'вул. Київська'))).toBe('same');
    expect(placeRelation(at('Двір на Київській 15'), at('Двір', 'вул. Київська, 15'))).toBe('same');
    expect(placeRelation(at('Укриття у школі №5'), at('Укриття у школі №55'))).toBe('apart');
    expect(placeRelation(at('Укриття у 5-й школі'), at('Укриття у школі №5'))).toBe('same');
  });
});

describe('the measure on places', () => {
  it.each([
    ['Освітлення двору на Київській 15', 'Освітлення двору на Київській 40'],
    ['Укриття у школі №5', 'Бомбосховище в 55 школі'],
    ['Тротуари на вул. київській', 'Тротуари на вул. чуднівській'],
    ['Майданчик для вигулу собак на Крошні', 'Собачий майданчик на Мальованці'],
  ])('scores "%s" and "%s", the same project at two places, a theme and not a duplicate', (a, b) => {
    expect(themeSimilarity(idea('a', a), idea('b', b))).toBeGreaterThanOrEqual(DUPLICATE_THRESHOLD);
    expect(ideaSimilarity(idea('a', a), idea('b', b))).toBeLessThan(DUPLICATE_THRESHOLD);
  });

  it.each([
    ['Амбулаторія сімейного лікаря на Богунії', 'Відкрити медпункт в богунському мікрорайоні', ''],
    ['Тротуари на київській', 'Ремонт тротуарів', 'вул. Київська'],
    ['Укриття у 5-й школі', 'Бомбосховище у школі №5', ''],
  ])('finds "%s" and "%s" (place "%s") at one place a duplicate', (a, b, place) => {
    expect(ideaSimilarity(idea('a', a), idea('b', b, place))).toBeGreaterThanOrEqual(DUPLICATE_THRESHOLD);
  });

  it.each([
    ['Ліхтарі на київській', 'Лавки на київській'],
    ['Ремонт даху у 5-й школі', 'Укриття в школі №5'],
    ['Пандус до поліклініки №3', 'Ліфт у поліклініці №3'],
  ])('keeps "%s" and "%s", other projects at one place, apart', (a, b) => {
    expect(ideaSimilarity(idea('a', a), idea('b', b))).toBeLessThan(DUPLICATE_THRESHOLD);
    expect(themeSimilarity(idea('a', a), idea('b', b))).toBeLessThan(DUPLICATE_THRESHOLD);
  });
});
