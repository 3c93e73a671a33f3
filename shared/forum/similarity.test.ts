// Unit tests for duplicate suggestions (similarity.ts): how Ukrainian text is normalised, the score
// between two ideas, the index's groups, and a floor on quality over the labelled idea cards in
// data/test/duplicate-ideas-uk.json.

import { describe, expect, it } from 'vitest';
import { allGroups, loadLabelledIdeas, lookAlikesJoined, pairwiseQuality, type LabelledIdea } from '../../scripts/bench-duplicates.js';
import {
  DUPLICATE_THRESHOLD,
  GROUP_THRESHOLD,
  DuplicateIndex,
  fingerprint,
  fingerprintSimilarity,
  ideaSimilarity,
  normalizeUk,
  stemUk,
  suggestDuplicates,
  themeSimilarity,
  type IdeaText,
} from './similarity.js';
import { placeRelation, placesOf } from './places.js';

// ---------------------------------------------------------------- helpers

const cards = loadLabelledIdeas();
const PRIORITIES = ['1', '2', '3', '4', '5', '6'];

/** A labelled card by its title, so the cases below read as the cards do. */
function card(title: string): LabelledIdea {
  const found = cards.find((c) => c.title === title);
  if (!found) throw new Error(`no card titled ${title}`);
  return found;
}

const idea = (id: string, title: string, priorityCode = '4', description = '', place = ''): IdeaText => ({
  id,
  priorityCode,
  title,
  description,
  place,
});

const indexOf = (ideas: IdeaText[]) => {
  const index = new DuplicateIndex();
  for (const i of ideas) index.add(i);
  return index;
};

/** The id of the group each idea is in, at the default threshold. */
function groupOf(index: DuplicateIndex, priorityCode: string): Map<string, number> {
  const at = new Map<string, number>();
  index.groups(priorityCode).forEach((g, n) => g.ideaIds.forEach((id) => at.set(id, n)));
  return at;
}

/** A fixed shuffle, so a failure replays. */
function shuffled<T>(items: T[], seed: number): T[] {
  const out = [...items];
  let s = seed;
  for (let i = out.length - 1; i > 0; i--) {
    s = (s * 1103515245 + 12345) % 2147483648;
    const j = s % (i + 1);
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

// ---------------------------------------------------------------- normalisation

describe('normalizeUk', () => {
  it('drops the apostrophe inside a word however it was typed', () => {
    for (const word of ['м’яч', 'мʼяч', "м'яч", 'м`яч', 'м′яч', 'м‘яч', 'мяч']) expect(normalizeUk(word)).toBe('мяч');
    const river = ['Кам’янка', 'Камʼянка', "Кам'янка"].map(normalizeUk);
    expect(new Set(river)).toEqual(new Set(['камянк']));
  });

  it('treats quotes around a word as punctuation', () => {
    expect(normalizeUk(`'парк' «парк» "парк" ’парк’`)).toBe('парк парк парк парк');
  });

  it('folds case, compatibility forms and stress marks', () => {
    expect(normalizeUk('СКЕЙТПАРК')).toBe(normalizeUk('скейтпарк'));
    expect(normalizeUk('Ｗｉ-Ｆｉ')).toBe('wi fi');
    expect(normalizeUk('за́мок')).toBe('замок');
    // й and ї are letters of their own, not и and і with a mark.
    expect(normalizeUk('їжак')).toBe('їжак');
    expect(normalizeUk('гайок')).toBe('гайок');
  });

  it('makes punctuation and dashes spaces and keeps digits', () => {
    expect(normalizeUk('вул.Київська,буд.5')).toBe('київськ буд 5');
    expect(normalizeUk('Київська—Чуднівська')).toBe('київськ чуднівськ');
    expect(normalizeUk('дитячо-юнацька')).toBe('дитяч юнацьк');
    // But a compound's first part is no word of its own: скейт-парк is no park.
    expect(normalizeUk('скейт-парк')).toBe('скейтпарк');
    expect(normalizeUk('Школа № 25')).toBe('школ 25');
    expect(normalizeUk('людей 60+')).toBe('60');
  });

  it('removes stop-words and the filler every card has', () => {
    expect(normalizeUk('Зробити велодоріжку на вулиці Київській для нас')).toBe('велодоріжк київськ');
    expect(normalizeUk('і та або але що як це щоб чи не його її наш нові')).toBe('');
    expect(normalizeUk('Потрібно створити новий сквер у місті')).toBe('сквер');
    expect(normalizeUk('Wi-Fi for the park')).toBe('wifi park');
  });

  it('cuts noun, adjective and verb endings to one stem', () => {
    expect(normalizeUk('доріжка доріжки доріжку доріжкою доріжках')).toBe('доріжк доріжк доріжк доріжк доріжк');
    expect(normalizeUk('зелений зеленого зеленому зеленими зеленої зелена')).toBe('зелен зелен зелен зелен зелен зелен');
    expect(normalizeUk('Київська Київській Київською Київську')).toBe('київськ київськ київськ київськ');
    expect(normalizeUk('сортувати сортування')).toBe('сортув сортув');
    expect(normalizeUk('освітлення освітлити')).toBe('освітл освітл');
  });

  it('reads Russian letters typed in a word as their Ukrainian kin', () => {
    expect(normalizeUk('машины подъезды ёлки')).toBe(normalizeUk('машини подезди елки'));
    expect(normalizeUk('Крыша')).toBe('криш');
  });

  it('cuts the past tense and the soft adjective endings', () => {
    expect(normalizeUk('ремонтував ремонт')).toBe('ремонт ремонт');
    expect(normalizeUk('синього синьому синій')).toBe('син син син');
  });

  it('keeps an ending when too little of the word would remain', () => {
    expect(stemUk('ями')).toBe('ями');
    expect(stemUk('ліси')).toBe('ліс');
    // -ування is cut to -ув, as the verb is: parking stays apart from a park.
    expect(stemUk('паркування')).toBe('паркув');
    expect(stemUk('парку')).toBe('парк');
  });
});

// ---------------------------------------------------------------- the score

describe('ideaSimilarity', () => {
  it('scores identical ideas exactly 1, whatever their ids', () => {
    for (const c of cards.slice(0, 40)) expect(ideaSimilarity(c, { ...c, id: `${c.id}-copy` })).toBe(1);
    // Cards with no word the measure can use are compared by their text alone.
    expect(ideaSimilarity(idea('a', '???'), idea('b', '???'))).toBe(1);
    expect(ideaSimilarity(idea('a', '???'), idea('b', '!!!'))).toBe(0);
    expect(ideaSimilarity(idea('a', '???'), idea('b', 'Лавки'))).toBe(0);
  });

  it('is symmetric, exactly, and within [0, 1] over every pair of the labelled set', () => {
    const fps = cards.map((card) => fingerprint(card));
    const wrong: string[] = [];
    let compared = 0;
    for (let i = 0; i < fps.length; i++) {
      for (let j = i + 1; j < fps.length; j++) {
        const ab = fingerprintSimilarity(fps[i], fps[j]);
        const ba = fingerprintSimilarity(fps[j], fps[i]);
        if (ab !== ba || !(ab >= 0 && ab <= 1)) wrong.push(`${cards[i].id}–${cards[j].id}: ${ab} / ${ba}`);
        compared++;
      }
    }
    expect(wrong).toEqual([]);
    expect(compared).toBe((cards.length * (cards.length - 1)) / 2);
  });

  it('scores nothing in common 0', () => {
    expect(ideaSimilarity(idea('a', 'Басейн'), idea('b', 'Пандуси'))).toBe(0);
  });

  // Scores in the comments as measured at a threshold of 0.27, before the classes of project
  // (concepts.ts) weighed; the threshold is now 0.30.
  it.each([
    ['Велодоріжки на Київській', 'Зробити велосипедну доріжку по вулиці Київській'], // 0.64: compound, case, filler
    ['Велодоріжки на Київській', 'Велосепедна доріжка на вул. Київській'], // 0.57: typo, abbreviation
    ['Велодоріжки на Київській', 'веломаршрут Київською вулицею'], // 0.47: instrumental case
    ['Очистити річку Кам’янку', "Розчистити русло Кам'янки"], // 0.51: ’ and '
    ['Очистити річку Кам’янку', 'Камʼянка: прибрати сміття і мул, укріпити береги'], // 0.40: ’ and ʼ
    ['Комп’ютерні курси для пенсіонерів', "Навчання пенсіонерів роботі з телефоном і комп'ютером"], // 0.51
    ['Скейтпарк на Богунії', 'СКЕЙТ-ПАРК НА БОГУНІЇ!!!'], // 0.41: capitals, a dash, exclamation marks
    ['Скейтпарк на Богунії', 'скейт парк'], // 0.38: one word written as two
    ['Відремонтувати тротуари на Чуднівській', 'Нормальні тратуари вздовж Чуднівської'], // 0.34: a misspelling
    ['Освітлення вулиць на Крошні', 'Поставити вуличне освітлення в приватному секторі Крошні'], // 0.56
    ['Електронна черга в ЦНАП', 'Онлайн-запис до ЦНАПу'], // 0.51: an abbreviation with an ending
    ['Утеплення багатоповерхівок', 'Програма утеплення будинків для ОСББ'], // 0.48
    ['Міський велопрокат', 'Прокат велосипедів як у Києві'], // 0.59
  ])('finds "%s" and "%s" alike', (a, b) => {
    expect(ideaSimilarity(card(a), card(b))).toBeGreaterThanOrEqual(DUPLICATE_THRESHOLD);
  });

  it.each([
    ['Очистити річку Кам’янку', 'Очистити Тетерів від водоростей'], // 0.19: same verb, another river
    ['Роздільний збір сміття у дворах', 'Сміттєпереробний завод'], // 0.10
    ['Роздільний збір сміття у дворах', 'Пункти прийому батарейок'], // 0.12
    ['Відремонтувати підземний перехід біля вокзалу', 'Ремонт привокзальної площі'], // 0.19: same repair, same station
    ['Відремонтувати тротуари на Чуднівській', 'Пішохідний перехід з острівцем на Чуднівській'], // 0.20: same street
  ])('keeps "%s" and "%s" below the threshold', (a, b) => {
    expect(ideaSimilarity(card(a), card(b))).toBeLessThan(DUPLICATE_THRESHOLD);
  });

  it.each([
    ['Велодоріжки на Київській', 'Зробити велосипедну доріжку по вулиці Київській', 'Ремонт дороги на Київській'],
    ['Освітлення вулиць на Крошні', 'Поставити вуличне освітлення в приватному секторі Крошні', 'Тротуари на Крошні'],
    ['Тролейбус до Крошні', 'Пустити тролейбусний маршрут на Крошню', 'Більше маршруток на Крошню ввечері'],
    ['Електронна черга в ЦНАП', 'Онлайн-запис до ЦНАПу', 'Філія ЦНАП на Богунії'],
    ['Фермерський ярмарок щосуботи', 'ярмарки фермерської продукції на вихідних', 'Ярмарок вакансій двічі на рік'],
    ['Міський велопрокат', 'Прокат велосипедів як у Києві', 'Велопарковки біля магазинів і шкіл'],
  ])('puts "%s" nearer its paraphrase than a project sharing its words', (anchor, paraphrase, other) => {
    expect(themeSimilarity(card(anchor), card(paraphrase))).toBeGreaterThan(themeSimilarity(card(anchor), card(other)));
  });
});

// ---------------------------------------------------------------- places

describe('places apart from what is proposed', () => {
  it('reads places from the place field and from the text, across case endings', () => {
    expect(placesOf({ title: 'Тротуари на Чуднівській', description: '', place: '' }).keys).toEqual(['чудневськ']);
    expect(placesOf({ title: 'Пляж', description: '', place: 'Тетерів' }).keys).toEqual(['тетер']);
    expect(placesOf({ title: 'Лавки біля школи №5', description: '', place: '' }).keys).toEqual(['школ5']);
    // The school's number is its place, not the project's words: лавки alone are compared.
    expect(normalizeUk('Лавки біля школи №5')).toBe('лавк школ 5');
    expect(themeSimilarity(idea('a', 'Лавки біля школи №5'), idea('b', 'Лавки'))).toBe(1);
    expect(placesOf({ title: 'веломаршрут Київською вулицею', description: '', place: '' }).keys).toEqual(['киевськ']);
    // A model to follow is not a place, and "the centre" is no place in particular.
    expect(placesOf({ title: 'Прокат велосипедів як у Києві', description: '', place: 'центр' }).keys).toEqual([]);
  });

  it('tells the same place, places apart, and unsaid', () => {
    const at = (title: string, place = '') => placesOf({ title, description: '', place }).keys;
    expect(placeRelation(at('Пляж на Тетереві'), at('Пляж', 'Тетерів'))).toBe('same');
    expect(placeRelation(at('Лавки біля школи №5'), at('Лавки біля школи №12'))).toBe('apart');
    expect(placeRelation(at('Тротуари на Крошні'), at('Тротуари'))).toBe('unknown');
  });

  it.each([
    ['Відремонтувати тротуари на Чуднівській', 'Відремонтувати тротуари на Київській'],
    ['Лавки біля школи №5', 'Лавки біля школи №12'],
    ['Освітлення у сквері на Польовій', 'Освітлення у сквері на Богунії'],
    ['Пандус до поліклініки №2', 'Пандус до поліклініки №7'],
    ['Укриття у школі №3', 'Бомбосховище у школі №15'],
    ['Гойдалки у дворі на Пушкінській', 'Качелі на подвір’ї на Шевченка'],
  ])('scores "%s" and "%s" a theme, not a duplicate', (a, b) => {
    expect(themeSimilarity(idea('a', a), idea('b', b))).toBeGreaterThanOrEqual(DUPLICATE_THRESHOLD);
    expect(ideaSimilarity(idea('a', a), idea('b', b))).toBeLessThan(DUPLICATE_THRESHOLD);
  });

  it('keeps the same project at the same place, or at a place unsaid, a duplicate', () => {
    expect(ideaSimilarity(idea('a', 'Тротуари на Чуднівській'), idea('b', 'Нові тротуари', '4', '', 'вул. Чуднівська'))).toBeGreaterThanOrEqual(DUPLICATE_THRESHOLD);
    expect(ideaSimilarity(idea('a', 'Тротуари на Чуднівській'), idea('b', 'Відремонтувати тротуари'))).toBeGreaterThanOrEqual(DUPLICATE_THRESHOLD);
  });

  it.each([
    ['Забор навколо школи №7', 'Огорожа для школи №7'],
    ['Бомбосховище на Вокзальній', 'Укриття', '', 'вул. Вокзальна'],
  ])('finds "%s" and "%s" at one place a duplicate in other words', (a, b, description = '', place = '') => {
    expect(ideaSimilarity(idea('a', a), idea('b', b, '4', description, place))).toBeGreaterThanOrEqual(DUPLICATE_THRESHOLD);
  });

  it.each([
    ['Відремонтувати дах школи №7', 'Укриття в школі №7'],
    ['Ліхтарі на Вокзальній', 'Лавки на Вокзальній'],
    // Not here: 'Гойдалки у дворі на Пушкінській' and 'Паркан у дворі на Пушкінській' (0.51): двір
    // is read as part of the project, and leaving a kind of place after a preposition out of the
    // project's words cost F1 0.73 -> 0.69 under cross-validation on the tuning set.
  ])('keeps "%s" and "%s", other projects at one place, apart', (a, b) => {
    expect(ideaSimilarity(idea('a', a), idea('b', b))).toBeLessThan(DUPLICATE_THRESHOLD);
    expect(themeSimilarity(idea('a', a), idea('b', b))).toBeLessThan(DUPLICATE_THRESHOLD);
  });

  it('counts the look-alike pairs a grouping joins, as the bench reports them', () => {
    const groups = [['a', 'b'], ['c', 'd', 'e']];
    expect(lookAlikesJoined(groups, [['a', 'b'], ['a', 'c'], ['e', 'c'], ['x', 'y']])).toBe(2);
  });

  it('groups the same project at places apart as a theme, apart from its duplicates', () => {
    const index = indexOf([
      idea('t1', 'Відремонтувати тротуари на Чуднівській'),
      idea('t2', 'Ремонт тротуарів', '4', '', 'вул. Чуднівська'),
      idea('t3', 'Відремонтувати тротуари на Київській'),
    ]);
    expect(index.groups('4').map((g) => g.ideaIds)).toEqual([['t1', 't2']]);
    expect(index.groups('4', DUPLICATE_THRESHOLD, 'theme').map((g) => g.ideaIds)).toEqual([['t1', 't2', 't3']]);
    expect(index.nearest('t1', 3).map((m) => m.ideaId)).toEqual(['t2', 't3']);
  });
});

// ---------------------------------------------------------------- the index

describe('DuplicateIndex', () => {
  const bikes = [
    idea('b1', 'Велодоріжки на Київській'),
    idea('b2', 'Зробити велосипедну доріжку по вулиці Київській'),
    idea('b3', 'Велосепедна доріжка на вул. Київській'),
  ];
  const pool = idea('p1', 'Басейн на Мальованці', '4');

  it('groups duplicates within a priority, earliest first, best-scored group first', () => {
    const index = indexOf([pool, ...bikes, idea('p2', 'Новий басейн на Мальованці')]);
    const groups = index.groups('4');
    expect(groups.map((g) => g.ideaIds)).toEqual([['p1', 'p2'], ['b1', 'b2', 'b3']]);
    expect(groups[0].score).toBeGreaterThanOrEqual(groups[1].score);
    const [b1, b2, b3] = bikes;
    expect(groups[1].score).toBe(Math.max(ideaSimilarity(b1, b2), ideaSimilarity(b1, b3), ideaSimilarity(b2, b3)));
  });

  it('never groups ideas of different priorities, even word for word', () => {
    const index = indexOf([idea('a', 'Велодоріжки на Київській', '4'), idea('b', 'Велодоріжки на Київській', '5')]);
    expect(index.groups('4')).toEqual([]);
    expect(index.groups('5')).toEqual([]);
    expect(index.matches('a')).toEqual([]);
    index.add(idea('c', 'Велодоріжки на Київській', '5'));
    expect(index.groups('5').map((g) => g.ideaIds)).toEqual([['b', 'c']]);
    expect(index.groups('4')).toEqual([]);
  });

  it('never groups ideas of different priorities across the labelled set', () => {
    const index = indexOf(cards);
    const priorityOf = new Map(cards.map((c) => [c.id, c.priorityCode]));
    for (const code of PRIORITIES) {
      for (const g of index.groups(code)) for (const id of g.ideaIds) expect(priorityOf.get(id)).toBe(code);
    }
  });

  it("names a new idea's duplicates, best first, as its group", () => {
    const index = indexOf([pool, ...bikes.slice(0, 2)]);
    index.add(bikes[2]);
    const matches = index.matches('b3');
    expect(matches.map((m) => m.ideaId).sort()).toEqual(['b1', 'b2']);
    expect(matches[0].score).toBeGreaterThanOrEqual(matches[1].score);
    expect(matches[0].score).toBe(ideaSimilarity(bikes[2], bikes.find((b) => b.id === matches[0].ideaId)!));
    expect(index.matches('p1')).toEqual([]);
    expect(index.matches('unknown')).toEqual([]);
  });

  it('forgets a removed idea', () => {
    const index = indexOf([pool, ...bikes]);
    index.remove('b2');
    expect(index.has('b2')).toBe(false);
    expect(index.groups('4').map((g) => g.ideaIds)).toEqual([['b1', 'b3']]);
    expect(index.matches('b1').map((m) => m.ideaId)).toEqual(['b3']);
    index.remove('b3');
    expect(index.groups('4')).toEqual([]);
    index.remove('never-added');
    expect(index.size).toBe(2);
  });

  it('compares an edited idea again and keeps its place in the order', () => {
    const index = indexOf([pool, ...bikes]);
    index.update({ ...bikes[0], title: 'Новий басейн для дітей на Мальованці' });
    expect(index.groups('4').map((g) => g.ideaIds.join())).toEqual(expect.arrayContaining(['p1,b1', 'b2,b3']));
    // Back to its words: first of its group again, as it was added before the others.
    index.update(bikes[0]);
    expect(index.groups('4').map((g) => g.ideaIds)).toEqual([['b1', 'b2', 'b3']]);
  });

  it('moves an idea moved to another priority', () => {
    const index = indexOf([...bikes, idea('x', 'Велодоріжка на Київській', '5')]);
    index.update({ ...bikes[1], priorityCode: '5' });
    expect(index.groups('4').map((g) => g.ideaIds)).toEqual([['b1', 'b3']]);
    expect(index.groups('5').map((g) => g.ideaIds)).toEqual([['b2', 'x']]);
    expect(index.size).toBe(4);
  });

  it('refuses a threshold below the scores it keeps, or above 1', () => {
    const index = indexOf(bikes);
    expect(() => index.groups('4', index.floor / 2)).toThrow(RangeError);
    expect(() => index.groups('4', 1.5)).toThrow(RangeError);
    expect(() => index.matches('b1', Number.NaN)).toThrow(RangeError);
    expect(() => new DuplicateIndex(-1)).toThrow(RangeError);
    expect(index.groups('4', 1)).toEqual([]);
  });

  it('groups the labelled set the same way every time, whatever the order ideas arrive in', () => {
    const canonical = (index: DuplicateIndex) =>
      PRIORITIES.flatMap((code) => index.groups(code).map((g) => `${code}:${[...g.ideaIds].sort().join(',')}:${g.score}`)).sort();
    const first = indexOf(cards);
    const again = indexOf(cards);
    expect(PRIORITIES.map((c) => again.groups(c))).toEqual(PRIORITIES.map((c) => first.groups(c)));
    for (const seed of [1, 2, 3]) expect(canonical(indexOf(shuffled(cards, seed)))).toEqual(canonical(first));
  });

  it('suggests across priorities what the index suggests within each', () => {
    const index = indexOf(cards);
    const all = suggestDuplicates(cards);
    expect(all.map((g) => g.ideaIds).sort()).toEqual(allGroups(index, cards, GROUP_THRESHOLD).sort());
    for (let i = 1; i < all.length; i++) expect(all[i - 1].score).toBeGreaterThanOrEqual(all[i].score);
  });

  // Projects that share words with a group of the set but are not it. Lexical similarity cannot
  // tell every such pair apart; among the cards it joins at the default threshold are "Парк на
  // Богунії" with "Ліхтарі в парку на Богунії" and a skatepark with a children's playground. The
  // floor below keeps count of those.
  it.each([
    ['Велодоріжки на Київській', 'Ремонт дороги на Київській'],
    ['Освітлення вулиць на Крошні', 'Тротуари на Крошні'],
    // Not here: 'Нові трамваї' and 'Ремонт трамвайних колій на Великій Бердичівській'. With the
    // street read apart from the project, they share трамва- and nothing else, and join (0.41).
    ['Туристичний інформаційний центр на Михайлівській', 'Сувенірна крамниця житомирських майстрів'],
    ['Мурали на фасадах будинків', 'Прибрати графіті і рекламу з фасадів'],
    ['Облаштувати міський пляж на Тетереві', 'Прокат човнів і катамаранів'],
    ['Реабілітаційний центр для ветеранів', 'Мікрогранти ветеранам на власну справу'],
    ['Відновити дендропарк', 'Екостежка в лісі на Смоківці'],
    // Not here: the farmers' market, whose cards name Сінний майдан and Житній ринок, places apart
    // to the measure, so it is a theme and in no duplicate group at all.
  ])('keeps "%s" out of the group of "%s"', (a, b) => {
    const at = groupOf(indexOf(cards), card(a).priorityCode);
    expect(at.get(card(a).id)).toBeDefined();
    expect(at.get(card(b).id)).not.toBe(at.get(card(a).id));
  });

  // Cards near many others of their kind, joined to a group by their scores alone before links
  // weighed the ideas' neighbourhoods (similarity.ts, HUB_K): benches along sidewalks beside three
  // cards on one street's sidewalks, the insulation of schools beside that of homes. Their links
  // are lessened by how near each card is to everything, and the groups stay whole without them.
  it.each([
    ['Лавочки для відпочинку вздовж тротуарів', ['Відремонтувати тротуари на Чуднівській', 'Нормальні тратуари вздовж Чуднівської', 'Ремонт тротуару по Чуднівській вулиці']],
    ['Термомодернізація шкіл і садочків', ['Утеплення багатоповерхівок', 'Програма утеплення будинків для ОСББ', 'Термомодернізація житлових будинків']],
  ])('keeps "%s", near many cards of its kind, out of the group it borders', (hub, group) => {
    const at = groupOf(indexOf(cards), card(hub).priorityCode);
    const ids = group.map((title) => card(title).id);
    expect(at.get(ids[0])).toBeDefined();
    for (const id of ids) expect(at.get(id)).toBe(at.get(ids[0]));
    expect(at.get(card(hub).id)).not.toBe(at.get(ids[0]));
  });

  // Duplicates worded apart whose score alone falls short (0.2 to 0.33), joined because each is
  // the other's nearest (MUTUAL_BONUS), while nothing else pulls them apart.
  it.each([
    ['Громадські туалети в центрі', 'Більше громадських вбиралень'],
    ['Муніципальна варта в парках увечері', 'Патрулі в парках і скверах вночі'],
  ])('groups "%s" with its nearest, "%s"', (a, b) => {
    const at = groupOf(indexOf(cards), card(a).priorityCode);
    expect(at.get(card(a).id)).toBeDefined();
    expect(at.get(card(b).id)).toBe(at.get(card(a).id));
  });

  // Duplicates ranked among an idea's three nearest by its order (RANK_HUB, RANK_CROSS), not by
  // score alone: before, three cards nearer in words but near everything (sidewalks, benches in
  // general) or with the other's title nowhere in them came first.
  it.each([
    ['Набережна в Гідропарку', 'Прогулянкова набережна на Тетереві'],
    ['Лавочки для відпочинку вздовж тротуарів', 'Більше лавок на вулицях'],
    ['Маркування місцевої продукції житомирських виробників', 'Знак «Зроблено в Житомирі»'],
  ])('ranks "%s"\'s duplicate "%s" among its three nearest', (a, b) => {
    const index = indexOf(cards);
    const nearest = index.nearest(card(a).id, 3);
    expect(nearest.map((m) => m.ideaId)).toContain(card(b).id);
    // The scores shown are the scores, whatever the order.
    for (const m of nearest) expect(m.score).toBe(ideaSimilarity(card(a), cards.find((c) => c.id === m.ideaId)!));
  });

  it('keeps groups and nearest ideas as a fresh index would while ideas come and go', () => {
    const live = indexOf(cards);
    for (const c of cards) live.nearest(c.id);
    for (const code of PRIORITIES) live.groups(code);
    const leaving = cards.filter((_, i) => i % 7 === 0);
    for (const c of leaving) live.remove(c.id);
    const back = leaving.slice(0, 10);
    for (const c of back) live.add(c);
    const fresh = indexOf([...cards.filter((_, i) => i % 7 !== 0), ...back]);
    for (const code of PRIORITIES) expect(live.groups(code)).toEqual(fresh.groups(code));
    for (const c of cards) expect(live.nearest(c.id)).toEqual(fresh.nearest(c.id));
  });

  // Measured at the default GROUP_THRESHOLD 0.24 on the set it was tuned on: precision 0.862,
  // recall 0.785, F1 0.822 (191 labelled pairs), as when this set is left out and the settings
  // chosen on the other two (`npx tsx scripts/lab-left-out.ts`, light stemmer). The floor sits a
  // little below, to catch a change that makes it worse.
  it('keeps its quality over the labelled set', () => {
    const quality = pairwiseQuality(allGroups(indexOf(cards), cards, GROUP_THRESHOLD), cards);
    expect(quality.precision).toBeGreaterThanOrEqual(0.75);
    expect(quality.recall).toBeGreaterThanOrEqual(0.7);
    expect(quality.f1).toBeGreaterThanOrEqual(0.72);
  });
});

describe('DuplicateIndex.groupsInSteps', () => {
  /** A priority of `n` ideas on a few themes, so that there is grouping to do. */
  const crowd = (n: number) =>
    Array.from({ length: n }, (_, i) => idea(`c${i}`, `${['Велодоріжка', 'Басейн', 'Ліхтарі', 'Сквер'][i % 4]} на вулиці ${['Київській', 'Пушкінській', 'Перемоги'][i % 3]} номер ${i}`));

  it('a large priority is worked out over several steps, to the same groups as at once', () => {
    const index = indexOf(crowd(400));
    const steps = index.groupsInSteps('4');
    let yields = 0;
    let step = steps.next();
    for (; !step.done; step = steps.next()) yields++;
    expect(yields).toBeGreaterThan(2);
    expect(step.value).toEqual(index.groups('4'));
    expect(step.value.length).toBeGreaterThan(0);
  });

  it('ideas added and removed between steps do not upset it: the groups are of the ideas at the first step', () => {
    const ideas = crowd(300);
    const index = indexOf(ideas);
    const before = index.groups('4');
    const steps = index.groupsInSteps('4');
    steps.next();
    for (let i = 0; i < 40; i++) index.remove(`c${i}`);
    index.add(idea('late', 'Велодоріжка на вулиці Київській номер 0'));
    let step = steps.next();
    while (!step.done) step = steps.next();
    expect(step.value).toEqual(before);
  });
});

// ---------------------------------------------------------------- the labelled set

describe('the labelled set', () => {
  it('has at least 200 cards, in groups of 2 to 5 within one priority, and singletons', () => {
    expect(cards.length).toBeGreaterThanOrEqual(200);
    expect(new Set(cards.map((c) => c.id)).size).toBe(cards.length);
    const byGroup = new Map<string, LabelledIdea[]>();
    for (const c of cards) byGroup.set(c.group, [...(byGroup.get(c.group) ?? []), c]);
    for (const [group, members] of byGroup) {
      expect(members.length, group).toBeLessThanOrEqual(5);
      expect(new Set(members.map((m) => m.priorityCode)).size, group).toBe(1);
      expect(PRIORITIES).toContain(members[0].priorityCode);
    }
    const duplicated = [...byGroup.values()].filter((m) => m.length > 1).length;
    expect(duplicated).toBeGreaterThanOrEqual(50);
    expect(byGroup.size - duplicated).toBeGreaterThanOrEqual(60);
  });
});
