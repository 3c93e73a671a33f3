// Unit tests for the classes of project (concepts.ts) and what they do to the duplicate measure:
// words with no letters in common meet on what they are about, a longer beginning keeps a word out
// of a shorter one's class, and two cards about other things at one place stay apart.

import { describe, expect, it } from 'vitest';
import { conceptClassOf, conceptClasses } from './concepts.js';
import { DUPLICATE_THRESHOLD, ideaSimilarity, themeSimilarity } from './similarity.js';
import { stemsUk } from './stemming.js';

const idea = (id: string, title: string, description = '', place = '') => ({ id, priorityCode: '4', title, description, place });
/** The class of a word as a card would have it: stemmed first, as the measure reads it. */
const classOf = (word: string) => conceptClassOf(stemsUk(word)[0]);

describe('the classes of project', () => {
  it.each([
    ['ліхтарі', 'LIGHT'],
    ['освітлення', 'LIGHT'],
    ['фонарів', 'LIGHT'],
    ['темрява', 'LIGHT'],
    ['урни', 'WASTE'],
    ['смітники', 'WASTE'],
    ['мусорку', 'WASTE'],
    ['контейнери', 'WASTE'],
    ['зупинка', 'STOP'],
    ['остановці', 'STOP'],
    ['дорозі', 'ROAD'],
    ['вибоїни', 'ROAD'],
    ['ями', 'ROAD'],
    ['вайфай', 'WIFI'],
    ['інтернет', 'WIFI'],
    ['бомбосховище', 'SHELTER'],
    ['укриття', 'SHELTER'],
    ['гойдалки', 'PLAYGROUND'],
    ['пісочниця', 'PLAYGROUND'],
    ['собак', 'ANIMALS'],
    ['пандус', 'ACCESS'],
    ['велодоріжка', 'BIKE'],
    ['лікарні', 'HEALTH'],
    ['больниця', 'HEALTH'],
    ['перехрестя', 'CROSSING'],
    ['фонтан', 'FOUNTAIN'],
    ['рогатий', 'TRANSIT'],
    ['кульки', 'WASTE'],
    ['освітити', 'LIGHT'],
    ['освіти', 'SCHOOL'],
    ['скейт-парк', 'SPORT'],
    ['водії', 'CAR'],
    ['водій', 'CAR'],
    ['воді', 'WATER'],
  ])('reads "%s" as %s', (word, id) => {
    expect(classOf(word)).toBe(id);
  });

  it.each([
    ['світлофор', 'CROSSING'], // not light
    ['паркан', 'FENCE'], // not a park
    ['парковка', 'PARKING'],
    ['парк', 'PARK'],
    ['паркові', 'PARK'], // the park's, not parking
    ['освіта', 'SCHOOL'], // not lighting
    ['автобус', 'TRANSIT'], // not cars
  ])('reads "%s" by its longest beginning, as %s', (word, id) => {
    expect(classOf(word)).toBe(id);
  });

  it.each([
    ['ЦНАП', 'ADMIN'],
    ['адмінпослуг', 'ADMIN'],
    ['довідки', 'ADMIN'],
    ['адміністратора', 'ADMIN'],
    ['програмування', 'IT'],
    ['робототехніки', 'IT'],
    ['IT', 'IT'],
    ['переселенців', 'IDP'],
    ['ВПО', 'IDP'],
    ['ветеранів', 'VETERAN'],
    ['військовим', 'VETERAN'],
    ['фуд', 'FOOD'],
    ['бюджет', 'BUDGET'],
    ['витрат', 'BUDGET'],
    ['ФОП', 'BUSINESS'],
    ['стартапів', 'BUSINESS'],
    ['інвесторів', 'INDUSTRY'],
    ['квиток', 'FARE'],
    ['безготівковий', 'FARE'],
    ['нерівності', 'TRAFFIC'],
    ['лежачі', 'TRAFFIC'],
    ['мерзнуть', 'HEAT'],
    ['сурдоперекладач', 'ACCESS'],
    ['незрячих', 'ACCESS'],
    ['бабусь', 'ELDER'],
    ['секції', 'YOUTH'],
    ['прилавки', 'MARKET'],
    ['сувеніри', 'TOURISM'],
    ['кінцевій', 'STOP'],
    ['накриття', 'STOP'],
    ['пробіжок', 'SPORT'],
    ['живлення', 'POWER'],
    ['берег', 'RIVER'],
    ['житло', 'HOUSING'],
  ])('reads "%s" as %s, a class the second tuning set asked for', (word, id) => {
    expect(classOf(word)).toBe(id);
  });

  it.each([
    ['нічліжка', 'SOCIAL'],
    ['малозабезпечених', 'SOCIAL'],
    ['меморіал', 'MEMORIAL'],
    ['повітря', 'AIR'],
    ['шпаківні', 'WILDLIFE'],
    ['електромобілів', 'EV'],
    ['депутатів', 'COUNCIL'],
    ['реклама', 'ADS'],
    ['працевлаштування', 'JOBS'],
    ['роботу', 'JOBS'],
    ['басейн', 'SPORT'],
    ['лекції', 'SCHOOL'],
    ['гарячої', 'HEAT'],
    ['опалення', 'HEAT'],
    ['водоканалу', 'WATER'],
    ['відключення', 'POWER'],
    ['слабозорих', 'ACCESS'],
  ])('reads "%s" as %s, a domain the third tuning set asked for', (word, id) => {
    expect(classOf(word)).toBe(id);
  });

  it.each([
    ['робототехніка', 'IT'], // not work
    ["пам'ятки", 'TOURISM'], // a sight, not a memorial
    ["пам'ятник", 'MEMORIAL'],
  ])('reads "%s" by its longest beginning, as %s, among the new domains', (word, id) => {
    expect(classOf(word)).toBe(id);
  });

  it('leaves words of no class out', () => {
    for (const word of ['ремонт', 'ботанічний', 'травмпункт', 'зустріч', 'ідея']) expect(classOf(word)).toBeUndefined();
  });

  it('lists each beginning once, at least two letters long', () => {
    const all = [...conceptClasses().values()].flat();
    expect(new Set(all).size).toBe(all.length);
    expect(all.every((b) => b.length >= 2)).toBe(true);
  });
});

describe('the classes in the duplicate measure', () => {
  it('joins residents\' words for one service with no letters in common', () => {
    // ЦНАП and "центр адмінпослуг" are one office, said by its abbreviation or in full.
    const office = themeSimilarity(idea('a', 'Філія ЦНАП на Богунії'), idea('b', 'Видача довідок і паспортів ближче до людей'));
    const other = themeSimilarity(idea('a', 'Філія ЦНАП на Богунії'), idea('c', 'Видача ліків ближче до людей'));
    expect(office).toBeGreaterThan(other);
  });


  it('brings cards with no word in common closer when they are about one thing', () => {
    const lit = themeSimilarity(idea('a', 'Темно у дворі ввечері'), idea('b', 'Ліхтарі у дворі'));
    const other = themeSimilarity(idea('a', 'Темно у дворі ввечері'), idea('c', 'Лавки у дворі'));
    expect(lit).toBeGreaterThanOrEqual(DUPLICATE_THRESHOLD);
    expect(other).toBeLessThan(lit);
  });

  it('brings a pothole and a road closer than a road and a traffic light', () => {
    // No word in common either way: only the class of the project tells them apart.
    const road = themeSimilarity(idea('a', 'Ремонт ям на дорозі'), idea('b', 'Заасфальтувати вибоїни'));
    const light = themeSimilarity(idea('a', 'Ремонт ям на дорозі'), idea('c', 'Новий світлофор'));
    expect(road).toBeGreaterThan(0);
    expect(light).toBe(0);
  });

  it('cuts two cards about different things at the same place below the threshold', () => {
    // The street's name is shared, yet lights and benches are other projects.
    expect(ideaSimilarity(idea('a', 'Ліхтарі на Київській', 'Поставити нові ліхтарі вздовж вулиці'), idea('b', 'Лавки на Київській', 'Поставити нові лавки вздовж вулиці'))).toBeLessThan(
      DUPLICATE_THRESHOLD,
    );
  });

  it.each([
    ['Гаряча вода цілий рік', 'Вже кілька років гарячу воду дають тільки в опалювальний сезон', 'Повернути гаряче водопостачання влітку', 'Бойлер не в кожного є'],
    ['Депутати мають звітувати виборцям', '', 'Звіт депутатів перед мешканцями', 'Раз на пів року зустріч у кожному окрузі'],
  ])('finds "%s" and "%s", one project in other words, duplicates', (a, aText, b, bText) => {
    expect(ideaSimilarity(idea('a', a, aText), idea('b', b, bText))).toBeGreaterThanOrEqual(DUPLICATE_THRESHOLD);
  });

  it('keeps work for veterans and robotics for pupils apart, though both words begin робот', () => {
    const work = idea('a', 'Робота для ветеранів', 'Програма працевлаштування і перенавчання для демобілізованих');
    expect(themeSimilarity(work, idea('b', 'Робототехніка для школярів'))).toBeLessThan(DUPLICATE_THRESHOLD);
  });

  it('keeps the same project at two places apart under the threshold', () => {
    expect(ideaSimilarity(idea('a', 'Урни на Київській'), idea('b', 'Смітники на Пушкінській'))).toBeLessThan(DUPLICATE_THRESHOLD);
  });
});
