// How the duplicate measure reads Ukrainian words: case, compatibility forms, stress marks and the
// apostrophe typed three ways folded; stop-words and the filler every card has dropped; endings cut
// to a stem. Shared by the measure (similarity.ts) and place recognition (places.ts). Pure.

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
    'міст міськ житомир житомирськ вулиц вул просп пл площ район мікрорайон мкр ' +
    // The same, typed in Russian.
    'город городськ улиц ' +
    // "Збільшити кількість автобусів" asks for more buses, as "більше автобусів" does.
    'збільш кількіст'
  ).split(' '),
);

// Endings of Ukrainian nouns, adjectives and verbs, longest first so that -ами wins over -и.
// Abstract nouns lose -ість in every case (доступність, доступності: доступн). -ування is cut to
// -ув, as its verb is, not to the root: паркування is not a park.
const ENDINGS = [
  'ості', 'ість', 'істю', 'остей', 'остям',
  'ення', 'ання', 'іння', 'ться', 'тися',
  'ував', 'ього', 'ьому',
  'ами', 'ями', 'ові', 'еві', 'єві', 'ого', 'ому', 'ими', 'іми', 'ити', 'ати', 'іти', 'яти', 'ють', 'ують',
  'ах', 'ях', 'ам', 'ям', 'ом', 'ем', 'єм', 'ою', 'ею', 'єю', 'ий', 'ій', 'ої', 'ів', 'їв', 'их', 'іх', 'им', 'ім', 'ей',
  'а', 'я', 'о', 'е', 'є', 'и', 'і', 'ї', 'у', 'ю', 'ь', 'й',
  // Russian endings typed in surzhyk (детская площадка, новое освещение, тротуаров), after ы and
  // э were read as и and е: rare at the end of a Ukrainian word.
  'ая', 'яя', 'ое', 'ее', 'ие', 'ов',
].sort((a, b) => b.length - a.length);

const INFINITIVE = /(?:ти|тися|тись)$/u;

/** Letters a stem keeps at least; shorter words keep their ending, or кіт and кит would be one. */
const MIN_STEM = 3;

// The apostrophe as phones type it: ' ’ ʼ ‘ ` ′ (and ´, which NFKC would split into a space and
// an accent). Inside a word it is dropped, so м’яч, мʼяч, м'яч and мяч are one word.
const APOSTROPHE_IN_WORD = /(?<=\p{L})['’ʼ‘`′´]+(?=\p{L})/gu;
const COMBINING_MARKS = /\p{M}+/gu;
const RUSSIAN_LETTERS = /[ыэёъ]/g;
const RUSSIAN_AS_UK: Record<string, string> = { ы: 'и', э: 'е', ё: 'е', ъ: '' };
const NOT_WORD = /[^\p{L}\p{N}]+/u;

// Words the stemmer would read as another word, by the word as typed (or the dictionary's lemma):
// міст (a bridge) cut like місто, a filler; освітити (to light) cut to освіт, as освіта (schooling)
// is; водій (a driver) cut to вод, as вода; and the vowel alternation of a closed syllable, which
// cutting endings cannot see (шкіл / школа, доріг / дорога, мостів / міст).
const READ_AS: Record<string, string> = {
  міст: 'мост',
  освітити: 'освітл', освітимо: 'освітл', освітять: 'освітл', освітіть: 'освітл', освітив: 'освітл', освітила: 'освітл', освітили: 'освітл',
  водій: 'воді',
  освіти: 'освіт',
  // Nouns whose genitive or plural ends as an infinitive (-ати, -ити), cut like a verb to a stub
  // that meets nothing: оплати as опл, not as оплата.
  оплати: 'оплат', доплати: 'доплат', зарплати: 'зарплат', квартплати: 'квартплат', витрати: 'витрат',
  палати: 'палат', кімнати: 'кімнат',
  шкіл: 'школ',
  доріг: 'дорог',
  зупинок: 'зупинк',
  лавок: 'лавк',
  ям: 'ям',
};

// Words typed with a hyphen (or a space) that are one word: скейт-парк is no park, вай-фай one
// thing. Read before the text is split into words.
const JOINED: [RegExp, string][] = [
  [/(?<!\p{L})(?:wi[-\s]?fi|вай[-\s]?фай|вайфай)(?!\p{L})/giu, ' wifi '],
  [/(?<!\p{L})(скейт|вело|фуд|кібер|арт|еко)-(?=\p{L})/giu, '$1'],
];

/** One word's stem: its common ending cut off when enough of the word remains. */
export function stemUk(word: string): string {
  for (const ending of ENDINGS) {
    if (word.length - ending.length >= MIN_STEM && word.endsWith(ending)) return word.slice(0, -ending.length);
  }
  return word;
}

/**
 * A word's dictionary form (мусору → мусор), or undefined when unknown: the server reads it from a
 * Hunspell dictionary (server/forum/lemmas.ts); the phone has none and cuts endings alone.
 */
export type LemmaOf = (word: string) => string | undefined;

/**
 * The stems of a text's meaningful words, in order; `skip` holds words (lower case, as typed) to
 * leave out, such as the ones that name a place (places.ts). With `lemmaOf`, a word known to it is
 * stemmed from its lemma, so двору and двір, вулиць and вулиця meet; but not a word whose own stem
 * `keepAsCut` names (one the synonym table lists: it was written for the words as cut).
 */
export function stemsUk(text: string, skip?: ReadonlySet<string>, lemmaOf?: LemmaOf, keepAsCut?: (stem: string) => boolean): string[] {
  let joined = text;
  for (const [pattern, by] of JOINED) joined = joined.replace(pattern, by);
  const words = joined
    .replace(/´/g, "'")
    // № before NFKC, which would make it "No" and glue it to the number (школа №5).
    .replace(/№/g, ' ')
    .normalize('NFKC')
    .toLowerCase()
    .replace(APOSTROPHE_IN_WORD, '')
    // Stress marks typed over vowels; й and ї are single letters after NFKC and stay.
    .replace(COMBINING_MARKS, '')
    // Russian letters typed in a Ukrainian word (детский, подъезд): read as their Ukrainian kin.
    .replace(RUSSIAN_LETTERS, (c) => RUSSIAN_AS_UK[c])
    .split(NOT_WORD);
  const stems: string[] = [];
  for (const word of words) {
    if (word === '' || STOP_WORDS.has(word) || skip?.has(word)) continue;
    // A lone letter is an initial or an abbreviation's tail (р-н, м.); a lone digit is a number.
    if (word.length === 1 && !/\p{N}/u.test(word)) continue;
    const cut = READ_AS[word] ?? stemUk(word);
    let stem = cut;
    if (lemmaOf && !READ_AS[word] && !keepAsCut?.(cut)) {
      const lemma = lemmaOf(word) ?? word;
      // Not a verb's: an infinitive cut to its root is short and meets other words (стояти, сто),
      // and the stemmer reads a verb's forms alike enough (leave-one-set-out with the dictionary,
      // mean F1 0.652 with verbs' lemmas, 0.659 without).
      if (!INFINITIVE.test(lemma)) stem = READ_AS[lemma] ?? stemUk(lemma);
    }
    // The filler is listed as cut; its lemma may cut otherwise (мешканців, мешканець).
    if (!FILLER_STEMS.has(stem) && !FILLER_STEMS.has(cut)) stems.push(stem);
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
