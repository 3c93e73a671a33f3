// Words that name one thing in a city's ideas, though they share no letters or are spelt another
// way: Ukrainian synonyms, the surzhyk and Russian words residents type (мусор, остановка, фонарі,
// скамейка), and common misspellings (тратуар). Each word's stem maps to its concept, the stem of
// the group's first word, so the duplicate measure (similarity.ts) reads "прибрати мусор" and
// "вивезти сміття" alike. Small on purpose: it ships in the phone's bundle, and a wrong pair
// here would join different projects everywhere. Pure.

import { stemUk } from './stemming.js';

// One group a line, its concept first; words in the form a card would most often use. A word is
// matched by its stem, so its other forms go too (мусору, остановки, фонарів).
const GROUPS: readonly string[] = [
  'сміття мусор мусорка мусорний сміттєвий відходи',
  'урна смітничок урночка',
  'зупинка остановка зупинковий',
  'освітлення ліхтар ліхтарі фонар фонарі фонарик світильник освітлювальний підсвітка підсвічування освещение',
  'лавка лавочка скамейка скамійка лавиця',
  'тротуар тратуар тротуарний',
  'велодоріжка велосмуга велодорожка велосипедна-доріжка веломаршрут',
  'велопарковка велостоянка',
  // Not відремонтувати: its stem is near ремонт already, and a repair is the project's kind,
  // not the project (a repaired underpass is not a repaired square).
  'ремонт відновлення відновити полагодити лагодити ремонтний',
  'вибоїна вибоїни яма ями ямковий',
  'майданчик площадка',
  'відеонагляд камери відеокамери камера',
  'безкоштовний безплатний бесплатний безоплатний',
  'парковка паркінг стоянка автостоянка парковочний паркування',
  'туалет вбиральня убиральня',
  'двір подвір’я дворик двори',
  'світлофор светофор',
  'тролейбус троллейбус',
  'перехід переход зебра',
  'сходи лестниця сходинки ступеньки',
  'басейн бассейн',
  'воркаут турнік турніки тренажери',
  'безбар’єрність доступність інклюзивність',
  'вивезення вивіз вивозити',
  'озеленення насадження висадити посадити',
  'прибирання прибрати прибирати уборка очистити очищення розчистити розчистка',
  'застосунок додаток приложение',
  // More of the same kind: everyday city words, their surzhyk and Russian forms, from the language
  // itself (none read off a labelled card).
  'укриття бомбосховище сховище',
  'дерево дерева деревце саджанець',
  'клумба квітник квіти',
  'пам’ятник монумент меморіал',
  'паркан огорожа забор',
  'бордюр поребрик',
  'плитка бруківка брусчатка',
  'гойдалка гойдалки качеля качелі',
  'ковзанка каток',
  'стежка стежина алея',
  'самокат електросамокат',
  'маршрутка маршрутне маршрутки',
  'затор пробка корок',
  'аварія дтп',
  'квиток білет',
  'ринок базар',
  'лікарня больниця',
  'лікар врач',
  'безпритульний безпритульні бездомні бродячі',
  'притулок приют',
  'собака собаки пес',
  'утеплення утеплити термомодернізація енергоефективність',
  'контейнер бак баки смітник',
  'дах покрівля криша',
  'під’їзд парадна',
  'ліфт лифт',
  'асфальт асфальтування заасфальтувати',
  // A third lot, the same way: words of the city's ideas and the surzhyk and Russian forms said
  // for them, from the language itself.
  'реконструкція капремонт капітальний',
  'візок візочок коляска',
  'звалище сміттєзвалище свалка',
  'сортування сортувати роздільний',
  'переробка утилізація рециклінг',
  'вигул вигулювання выгул',
  'шум галас шумний',
  'садок садочок дитсадок дитсадочок днз ясла',
  'ліки медикаменти',
  'сайт вебсайт портал',
  'фестиваль фест свято',
  'кінотеатр кіно кінозал кінопоказ',
  'спортзал тренажерка качалка',
  'газон трава',
  'ливнівка ливневка зливостік водовідведення',
  'опалення отоплення',
  'мурал розпис графіті',
  'білборд бігборд',
  'бібліотека книгозбірня',
  'черга очередь',
  'поручні перила поручень',
  'кіоск ларьок ятка маф',
  'вайфай wifi',
  'гурток секція',
  'клуб дозвілля',
  'пільга пільговий знижка',
  'ожеледиця гололід гололед',
  'ветлікарня ветклініка',
  'кафе кав’ярня кофейня',
  'альтанка беседка',
  'пісочниця песочниця',
  'гуртожиток общага',
  'патруль патрулювання',
  'оповіщення сирена гучномовець',
  'водойма ставок озеро',
  // A noun and its adjective or person, whose stems the stemmer leaves apart (спорт /
  // спортивний, велосипед / велосипедист), and the words for the people a project is for. Left
  // out, as they joined other projects on the tuning set under cross-validation: діти / дитячий,
  // молодь / підлітки, магазин / крамниця, електронний / цифровий / онлайн, собака / собачий.
  'спорт спортивний',
  'велосипед велосипедний велосипедист ровер',
  'туризм туристичний турист',
  'музика музичний',
  'мистецтво мистецький арт',
  'книга книжка книжковий',
  'бізнес підприємництво підприємець',
  'безпека безпечний',
  'поліція поліцейський',
  'пенсіонер сеніор',
  'сувенір сувенірка сувенірний',
  'ранок вранці зранку зрання',
  'звуковий озвучити озвучений',
  'лежачий горб нерівність',
  'переселенець переселенці впо',
  'ветеран захисник',
  'маломобільний інвалідність інвалід',
  'кладовище цвинтар',
  'церква храм',
  'розклад графік',
  'кіт коти кішка',
  'багатоповерхівка багатоквартирний висотка панелька',
  // A fourth lot, for the kinds of project the tables knew least (social services, transport,
  // ecology, the people a project is for, digital services), from the language itself.
  'смуга полоса',
  'психолог психотерапевт',
  'юрист адвокат правник юридичний',
  'марафон забіг пробіг',
  'байдарка каяк',
  'датчик сенсор',
  'електромобіль електрокар',
  'вирубка вирубування рубка',
  'їдальня столова',
  'депутат обранець',
  'незрячий сліпий слабозорий',
  'глухий нечуючий',
  'автостанція автовокзал',
  'скло склотара',
  'макулатура папір',
  'дрон безпілотник',
  'лічильник счетчик',
  'смартфон телефон',
  'грант мікрогрант',
  'птах птиця пташка',
  'годівниця годівничка',
  'відключення блекаут',
  'амбулаторія медпункт',
  'загиблий полеглий',
  'нічний вночі уночі ніч',
  'вечір ввечері увечері вечірній',
];

// stemsUk drops the apostrophe inside a word, and a hyphen splits a word: the table's words are
// read the same way.
const asTyped = (word: string) => word.replace(/['’ʼ]/g, '');

const CONCEPTS = new Map<string, string>();
for (const line of GROUPS) {
  const words = line.split(' ').map(asTyped);
  const concept = stemUk(words[0]);
  for (const word of words) {
    // A two-word name (велосипедна-доріжка) is left to the measure's trigrams.
    if (word.includes('-')) continue;
    CONCEPTS.set(stemUk(word), concept);
  }
}

/** A stem's concept: the first word's stem of its group, or the stem itself when in none. */
export function conceptOf(stem: string): string {
  return CONCEPTS.get(stem) ?? stem;
}

/** Whether a stem is one of the table's words. */
export function isListed(stem: string): boolean {
  return CONCEPTS.has(stem);
}

/** The groups as stems, for tests: each group's concept and the stems that map to it. */
export function synonymGroups(): Map<string, string[]> {
  const groups = new Map<string, string[]>();
  for (const [stem, concept] of CONCEPTS) groups.set(concept, [...(groups.get(concept) ?? []), stem]);
  return groups;
}
