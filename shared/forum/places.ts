// Where an idea card says its project should be: the card's place field, and the places named in
// its title and description (на Київській, біля Соборного майдану, вул. Чуднівська, школа №5), as
// keys that compare across case endings and vowel alternation (Тетерів / на Тетереві, Київ / у
// Києві). Duplicate suggestions read it apart from what is proposed: the same project at two
// places is a theme, not a duplicate. Pure, no I/O.

import { stemUk } from './stemming.js';

/** A card's places, and the words of its title and description that name them. */
export interface IdeaPlaces {
  /** Place keys, sorted, without repeats; empty when the card names none (or only "the centre"). */
  keys: string[];
  /** Words (lower case, as typed) of the title and description that name a place. */
  words: Set<string>;
}

// Words that say what kind of place follows (вул. Київська, площа Перемоги, школа №5), matched
// on the stem so every form goes. Never a key themselves: "вулиця" is every street, and "ринок"
// every market (Житній ринок and Сінний ринок are two places).
const PLACE_KINDS = new Set(
  (
    'вул вулиц вулиць пров провулок провулк просп проспект пл площ майдан бул бульвар ' +
    'парк парк сквер скверик мкр мікрорайон район школ шк ліце гімназі садок садочок садк днз зош ' +
    'лікарн поліклінік поліклініц амбулаторі буд будинк кв набережн зупинк перехрест ' +
    'селищ сел масив сектор приватн двор двір подвір ім імені ринок ринк базар'
  ).split(' '),
);
const isKind = (word: string) => PLACE_KINDS.has(stemUk(word.toLowerCase()));

// Kinds that a number names on its own: школа №5 and школа №12 are two places.
const NUMBERED_KINDS = new Set('школ шк ліце гімназі садок садочок садк днз зош лікарн поліклінік поліклініц'.split(' '));
// Kinds said several ways for one numbered place: садок №28 is ДНЗ №28, школа №5 is ЗОШ №5.
const SAME_KIND: Record<string, string> = { садочок: 'садок', садк: 'садок', днз: 'садок', шк: 'школ', зош: 'школ', поліклініц: 'поліклінік' };
const isNumberedKind = (word: string) => NUMBERED_KINDS.has(stemUk(word.toLowerCase()));

// Kinds after which a name is a street's even typed in lower case (вул. київська, площа перемоги).
const STREET_KINDS = new Set('вул вулиц вулиць пров провулок провулк просп проспект пл площ майдан бул бульвар набережн'.split(' '));
const isStreetKind = (word: string) => STREET_KINDS.has(stemUk(word.toLowerCase()));

// A street's name as an adjective typed in lower case (на київській, по чуднівській, вздовж
// бердичівської): the endings of -ська / -цька / -зька in every case.
const STREET_ADJECTIVE = /^\p{Ll}+(?:ськ|цьк|зьк)(?:а|ій|у|ої|ою|ий|ого|ому|им|ім|е)$/u;

// Adjectives of the same endings that are not a street's (по вузькій вулиці, по міській дорозі).
const NOT_STREET_ADJECTIVES = new Set('вузьк низьк близьк міськ сільськ людськ громадськ'.split(' '));
const isStreetAdjective = (word: string) => STREET_ADJECTIVE.test(word) && !NOT_STREET_ADJECTIVES.has(stemUk(word));

// A verb is never a street's name, though it follows a kind (на вулицях, стерилізувати собак).
const VERB_ENDING = /(?:ти|тися|ть|ться)$/u;

// Numbered places said with an ordinal word (біля п'ятої школи, у першій поліклініці): the ordinal's stem and its number.
const ORDINALS = new Map<string, number>(
  (
    'перш:1 друг:2 трет:3 треть:3 четверт:4 пят:5 шост:6 сьом:7 восьм:8 девят:9 десят:10 одинадцят:11 ' +
    'дванадцят:12 тринадцят:13 чотирнадцят:14 пятнадцят:15 шістнадцят:16 сімнадцят:17 вісімнадцят:18 девятнадцят:19 двадцят:20'
  )
    .split(' ')
    .map((pair) => {
      const [stem, n] = pair.split(':');
      return [stem, Number(n)];
    }),
);

const TENS = new Map([['двадцят', 20], ['тридцят', 30], ['сорок', 40], ['пятдесят', 50]]);

const ADJECTIVE_ENDING = /(?:ий|ій|а|ої|ою|ого|ому|им|ім|у|е|і|ю)$/u;

// Prepositions before a place's name: на Крошні, біля вокзалу, у Києві, по Київській.
const BEFORE_PLACE = new Set('на біля у в до по від коло поблизу поруч вздовж уздовж навпроти через між за при'.split(' '));

// Places that say no more than "in town": a card "у центрі" does not conflict with one on a
// central street. Matched on the key.
// "Центральний" too: every city has a central park or square, which residents also call by its
// proper name (Центральний парк / парк Гагаріна), so it is no place of its own.
// Listed as stems; each also as a key (placeKey makes і ї е є о one letter: житомир is житемир).
const VAGUE = new Set(
  ['центр', 'центрі', 'центральн', 'місто', 'міст', 'всьом', 'скрізь', 'усьом', 'житомир', 'город', 'меськ', 'житемирськ', 'украенськ'].flatMap(
    (stem) => [stem, stem.replace(/[іїеєо]/g, 'е')],
  ),
);

// A place word's key: its stem with і ї е є о made one letter, since Ukrainian swaps them in a
// name's last syllable as it declines (Тетерів / Тетереві, Київ / Києві, Житній / Житнього).
function placeKey(word: string): string {
  return stemUk(word).replace(/[іїеєо]/g, 'е');
}

const APOSTROPHE_IN_WORD = /(?<=\p{L})['’ʼ‘`′´]+(?=\p{L})/gu;

/** The words of a text as typed, apostrophes inside words dropped, with their capitalisation. */
function wordsOf(text: string): string[] {
  // № before NFKC, which would make it "No".
  return text.replace(/№\s*/g, '#').normalize('NFKC').replace(APOSTROPHE_IN_WORD, '').split(/[^\p{L}\p{N}#]+/u).filter((w) => w !== '');
}

// A name: capitalised, or in capitals (a card typed in capitals: СКЕЙТ-ПАРК НА БОГУНІЇ).
const isName = (word: string) => /^\p{Lu}(\p{Ll}|\p{Lu}{2})/u.test(word);
const isNumber = (word: string) => /^#?\d+$/u.test(word);

/**
 * The places of a card. The place field is all place: each of its words (but the kinds) is a key.
 * In the title and description a place is a capitalised word after a preposition or a kind (на
 * Київській, вул. Чуднівська), with the capitalised words right after it (біля Соборного Майдану),
 * or a number after a numbered kind (школа №5).
 */
export function placesOf(idea: { title: string; description: string; place: string }): IdeaPlaces {
  const keys = new Set<string>();
  const add = (word: string): string | null => {
    const key = placeKey(word.toLowerCase());
    if (VAGUE.has(key) || key.length < 3) return null;
    keys.add(key);
    return key;
  };
  const numbered = (kind: string, number: string) => {
    const stem = stemUk(kind.toLowerCase());
    return `${SAME_KIND[stem] ?? stem}${number.replace('#', '')}`;
  };
  /** A number's numbered kind after it (5 школа, 25-й ліцей, 3-тя гімназія): its index, or -1. */
  const kindAfterNumber = (ws: string[], at: number): number => {
    if (isNumberedKind(ws[at + 1] ?? '')) return at + 1;
    // The ordinal's ending, typed after a hyphen: -й, -та, -тя, -ма, -го, -му, -ій.
    if (/^\p{Ll}{1,3}$/u.test(ws[at + 1] ?? '') && isNumberedKind(ws[at + 2] ?? '')) return at + 2;
    return -1;
  };
  const fieldWords = wordsOf(idea.place);
  /** The key of the field's last name, which a house number after it makes one building. */
  let lastName: string | null = null;
  for (let i = 0; i < fieldWords.length; i++) {
    const w = fieldWords[i].toLowerCase();
    if (isNumber(w)) {
      const kind = fieldWords[i - 1]?.toLowerCase();
      const kindAfter = kindAfterNumber(fieldWords, i);
      if (kind && isNumberedKind(kind)) keys.add(numbered(kind, w));
      else if (kindAfter >= 0) {
        keys.add(numbered(fieldWords[kindAfter], w));
        i = kindAfter;
      }
      // A house number: Київська, 15 and Київська, 40 are two buildings of one street.
      else if (lastName && keys.delete(lastName)) keys.add(`${lastName}#${w.replace('#', '')}`);
      lastName = null;
      continue;
    }
    lastName = null;
    if (isKind(w) || BEFORE_PLACE.has(w) || w.length < 3) continue;
    lastName = add(w);
  }
  const words = new Set<string>();
  for (const text of [idea.title, idea.description]) {
    const ws = wordsOf(text);
    for (let i = 0; i < ws.length - 1; i++) {
      const lead = ws[i].toLowerCase();
      const next = ws[i + 1];
      if (isNumberedKind(lead) && isNumber(next)) {
        keys.add(numbered(lead, next));
        words.add(lead);
        words.add(next.replace('#', ''));
        i++;
        continue;
      }
      const ordinal = ORDINALS.get(stemUk(lead));
      if (ordinal !== undefined && isNumberedKind(next)) {
        // A compound ordinal's tens said before it: у двадцять восьмому садку.
        const tens = ordinal < 10 ? (TENS.get(stemUk(ws[i - 1]?.toLowerCase() ?? '')) ?? 0) : 0;
        keys.add(numbered(next, String(tens + ordinal)));
        words.add(lead);
        words.add(next.toLowerCase());
        i++;
        continue;
      }
      if (isNumber(lead)) {
        const kindAt = kindAfterNumber(ws, i);
        if (kindAt >= 0) {
          keys.add(numbered(ws[kindAt], lead));
          for (let k = i; k <= kindAt; k++) words.add(ws[k].toLowerCase().replace('#', ''));
          i = kindAt;
        }
        continue;
      }
      // A name before its kind: Київською вулицею, на Соборному майдані; an adjective, so that a
      // title's first word is not taken for one (Освітлення двору).
      // A field's first word is capitalised whatever it is (Дитячий садок, Новий сквер): there it
      // is a name only when made from one (Гагарінський парк, Богунський ринок).
      if (isName(ws[i]) && isKind(next) && !isKind(ws[i]) && ADJECTIVE_ENDING.test(lead) && (i > 0 || isStreetAdjective(lead))) {
        add(ws[i]);
        words.add(lead);
        continue;
      }
      if (!(BEFORE_PLACE.has(lead) || isKind(lead))) continue;
      // "як у Києві": a model to follow, not where.
      if (ws[i - 1]?.toLowerCase() === 'як') continue;
      // A kind between the preposition and the name: на вул. Київській, біля школи №5.
      let j = i + 1;
      if (isKind(ws[j]) && j + 1 < ws.length) j++;
      if (isNumberedKind(ws[j - 1]) && isNumber(ws[j])) {
        keys.add(numbered(ws[j - 1], ws[j]));
        words.add(ws[j - 1].toLowerCase());
        words.add(ws[j].replace('#', ''));
        i = j;
        continue;
      }
      // A name in lower case: after a street's kind (вул. київська), or a street's adjective
      // after a preposition (на київській).
      const afterStreetKind = j > i + 1 ? isStreetKind(ws[j - 1]) : isStreetKind(lead);
      if (!isName(ws[j])) {
        if (!(/^\p{Ll}{3,}$/u.test(ws[j] ?? '') && (afterStreetKind || isStreetAdjective(ws[j])))) continue;
        if (isKind(ws[j]) || BEFORE_PLACE.has(ws[j]) || VERB_ENDING.test(ws[j])) continue;
        const key = add(ws[j]);
        words.add(ws[j]);
        if (key && j + 1 < ws.length && isNumber(ws[j + 1])) {
          keys.delete(key);
          keys.add(`${key}#${ws[j + 1].replace('#', '')}`);
          words.add(ws[j + 1].replace('#', ''));
        }
        i = j;
        continue;
      }
      let last: string | null = null;
      for (; j < ws.length && isName(ws[j]); j++) {
        last = add(ws[j]) ?? last;
        words.add(ws[j].toLowerCase());
      }
      // A house number after a street: part of the place, not of the project, and one building
      // of it (на Київській 15, на Київській 40).
      if (j < ws.length && isNumber(ws[j])) {
        words.add(ws[j].replace('#', ''));
        if (last && keys.delete(last)) keys.add(`${last}#${ws[j].replace('#', '')}`);
      }
      i = j - 1;
    }
  }
  return { keys: [...keys].sort(), words };
}

/** How two cards' places stand: the same place, two different ones, or one or both unsaid. */
export type PlaceRelation = 'same' | 'apart' | 'unknown';

// Two keys name one place when one is the other with more of its ending kept (тетер from Тетерів,
// тетерев from Тетерева): the stemmer cuts names' endings unevenly.
const MIN_SHARED = 4;
// Or when they part only at their last letter or the suffix of a name made an adjective or a
// nickname, after at least ALIAS_SHARED letters in common: Богунія / богунський район (богуне /
// богунськ), Соборний майдан / на Соборці (себерн / себерц), Корбутівка / корбутівський ліс. Two
// streets' names rarely share five letters and part one letter before the shorter one's end.
const ALIAS_SHARED = 5;
const ALIAS_SUFFIX = /^(?:ськ|цьк|зьк|ц|к|н|е)/u;
// A building (киевськ#15) is one place with its street said alone (киевськ), apart from another
// building of it (киевськ#40, and киевськ#1 too); a numbered place (школ5) is only itself, not
// школ55.
function oneName(a: string, b: string): boolean {
  if (a === b) return true;
  // Without allocating: this runs for every pair of ideas that share words, thousands per idea added.
  const aHash = a.indexOf('#');
  const bHash = b.indexOf('#');
  const aName = aHash < 0 ? a : a.slice(0, aHash);
  const bName = bHash < 0 ? b : b.slice(0, bHash);
  if (aHash >= 0 && bHash >= 0 && a.slice(aHash) !== b.slice(bHash)) return false;
  if (HAS_DIGIT.test(aName) || HAS_DIGIT.test(bName)) return aName === bName;
  if (aName === bName) return true;
  const shorter = Math.min(aName.length, bName.length);
  if (shorter >= MIN_SHARED && (aName.startsWith(bName) || bName.startsWith(aName))) return true;
  if (shorter < ALIAS_SHARED + 1) return false;
  let shared = 0;
  while (shared < shorter && aName.charCodeAt(shared) === bName.charCodeAt(shared)) shared++;
  return shared >= ALIAS_SHARED && shared >= shorter - 1 && ALIAS_SUFFIX.test(aName.slice(shared)) && ALIAS_SUFFIX.test(bName.slice(shared));
}

const HAS_DIGIT = /\d/;

export function placeRelation(a: readonly string[], b: readonly string[]): PlaceRelation {
  if (a.length === 0 || b.length === 0) return 'unknown';
  for (const x of a) for (const y of b) if (oneName(x, y)) return 'same';
  return 'apart';
}
