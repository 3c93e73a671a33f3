// Unit tests for text cleaning and counting (text.ts): what the phone shows will be kept and what
// the server decides on.

import { describe, expect, it } from 'vitest';
import { checkLine, normalizeStructure } from './rules.js';
import { capCombiningMarks, cleanLine, cleanText, MARKS_PER_BASE, textLength } from './text.js';

/** One row a behaviour: its title, then each input and what cleaning must make of it. */
type Cases = [title: string, cases: [input: string, expected: string][]][];

describe('cleanLine', () => {
  it.each<Cases[number]>([
    [
      'trims and collapses every run of whitespace into one space',
      [
        ['  Лавки   в\tпарку  ', 'Лавки в парку'],
        ['перший\nдругий\r\nтретій', 'перший другий третій'],
        ['a\u00a0\u00a0b', 'a b'], // no-break spaces are whitespace too
        ['a\u3000b', 'a b'],
      ],
    ],
    [
      'returns an empty string for whitespace only',
      [
        ['', ''],
        [' \t\r\n ', ''],
      ],
    ],
    [
      'drops C0 control characters and DEL',
      [
        ['a\u0000b\u0007c\u001bd\u007fe', 'abcde'],
        ['\u0008x\u000by\u000cz\u001f', 'xyz'],
      ],
    ],
    [
      'drops zero-width characters, the byte order mark and bidi overrides',
      [
        ['при\u200bвіт', 'привіт'], // zero-width space
        ['\ufeffпривіт', 'привіт'], // BOM
        ['a\u200cbc', 'abc'], // ZWNJ
        // The zero-width joiner stays: emoji sequences need it.
        ['👨\u200d👩\u200d👧', '👨\u200d👩\u200d👧'],
        ['a\u200eb\u200fc', 'abc'], // LRM, RLM
        ['admin\u202etxt.exe', 'admintxt.exe'], // right-to-left override
        ['\u202a\u202b\u202c\u202d\u202e', ''],
      ],
    ],
    [
      'turns line and paragraph separators into a space, so the words beside them stay apart',
      [
        ['a\u2028b\u2029c', 'a b c'],
        ['Лавки\u2028у парку', 'Лавки у парку'],
        ['Лавки \u2029 у парку\u2028', 'Лавки у парку'],
      ],
    ],
    [
      'treats a word split by only a zero-width space as one word',
      [
        ['\u200b \u200b', ''],
        ['  \u200b  ', ''],
      ],
    ],
    // Possible gap, reported rather than fixed here: the cleaning regex lists C0 controls and DEL but
    // not the C1 controls U+0080–U+009F (e.g. U+009B, the 8-bit CSI), which are "control characters"
    // just as much (Unicode category Cc). They currently survive into stored names and ideas.
    ['drops C1 control characters too (U+0080–U+009F)', [['a\u0080b\u009bc\u009fd', 'abcd']]],
    // Possible gap, reported rather than fixed here: the bidi embeddings/overrides U+202A–U+202E are
    // dropped, but the newer bidi isolates U+2066–U+2069 (LRI, RLI, FSI, PDI), which can reorder
    // text on the projector in the same way, are kept.
    ['drops bidi isolates as it drops bidi overrides (U+2066–U+2069)', [['a\u2066b\u2067c\u2068d\u2069e', 'abcde']]],
  ])('%s', (_title, cases) => {
    for (const [input, expected] of cases) expect(cleanLine(input), JSON.stringify(input)).toBe(expected);
  });

  it('keeps apostrophes, quotes, dashes and emoji', () => {
    const text = 'Ім’я «Лавка» — м’яка 👍🏽 п\'ять';
    expect(cleanLine(text)).toBe(text);
  });

  it('is idempotent', () => {
    const messy = ' \u200bа  \n б\u0000 \t в ';
    expect(cleanLine(cleanLine(messy))).toBe(cleanLine(messy));
  });
});

describe('cleanText', () => {
  it.each<Cases[number]>([
    ['turns CRLF and lone CR into LF', [['a\r\nb\rc\nd', 'a\nb\nc\nd']]],
    [
      'keeps single and double line breaks, and collapses longer runs to one blank line',
      [
        ['a\nb', 'a\nb'],
        ['a\n\nb', 'a\n\nb'],
        ['a\n\n\nb', 'a\n\nb'],
        ['a\n\n\n\n\n\nb', 'a\n\nb'],
        ['a\r\n\r\n\r\n\r\nb', 'a\n\nb'],
      ],
    ],
    ['treats lines of only spaces as blank when collapsing', [['a\n   \n \t \n  \nb', 'a\n\nb']]],
    ['collapses spaces and tabs within a line and trims every line', [['  перший \t  рядок  \n   другий   ', 'перший рядок\nдругий']]],
    [
      'trims blank lines at the start and the end',
      [
        ['\n\n  \n текст \n\n\n', 'текст'],
        [' \r\n \n ', ''],
      ],
    ],
    [
      'drops control and zero-width characters but keeps line breaks',
      [
        ['a\u0000b\u200b\nc\u0007d\ufeff', 'ab\ncd'],
        ['a\u000bb\u000cc', 'abc'], // vertical tab and form feed are dropped, not line breaks
        ['a\u202e\nb', 'a\nb'],
      ],
    ],
    ['does not create a blank-line run out of zero-width filler lines', [['a\n\u200b\n\u200b\n\u200b\nb', 'a\n\nb']]],
  ])('%s', (_title, cases) => {
    for (const [input, expected] of cases) expect(cleanText(input), JSON.stringify(input)).toBe(expected);
  });

  it('is idempotent', () => {
    const messy = ' a \r\n\r\n\r\n  b\t\tc \n\u200b\n';
    expect(cleanText(cleanText(messy))).toBe(cleanText(messy));
  });
});

describe('textLength', () => {
  it('counts code points, not UTF-16 units', () => {
    expect('👍'.length).toBe(2);
    expect(textLength('👍')).toBe(1);
    // Thumbs up with a skin tone is two code points (four UTF-16 units).
    expect('👍🏽'.length).toBe(4);
    expect(textLength('👍🏽')).toBe(2);
    expect(textLength('🌳'.repeat(10))).toBe(10);
  });

  it('counts Cyrillic and Latin letters one each', () => {
    expect(textLength('Житомир')).toBe(7);
    expect(textLength('Ї ї Є є Ґ ґ')).toBe(11);
    expect(textLength('abc')).toBe(3);
    expect(textLength('')).toBe(0);
  });

  it('counts a combining mark as its own code point', () => {
    expect(textLength('й')).toBe(1); // precomposed U+0439
    expect(textLength('и\u0306')).toBe(2); // и + combining breve
  });

  it('counts a lone surrogate as one', () => {
    expect(textLength('\ud83d')).toBe(1);
    expect(textLength('a\ud83db')).toBe(3);
  });
});

// ---------------------------------------------------------------- combining marks and invisible characters

/** Text typed to wreck a page: every letter under dozens of combining marks. */
const zalgo = (text: string, marks = 40): string =>
  [...text].map((c, i) => c + Array.from({ length: marks }, (_, j) => String.fromCodePoint(0x300 + ((i * 7 + j) % 0x70))).join('')).join('');

/** The largest number of combining marks after any one base character (format characters in between do not count as a base). */
const mostMarks = (value: string): number => {
  let most = 0;
  let run = 0;
  for (const ch of value) {
    if (/\p{M}/u.test(ch)) most = Math.max(most, ++run);
    else if (!/\p{Cf}/u.test(ch)) run = 0;
  }
  return most;
};

describe('combining marks', () => {
  it('caps a run of marks on one letter at MARKS_PER_BASE, in both kinds of field', () => {
    expect(MARKS_PER_BASE).toBe(2);
    const hostile = zalgo('Лавки в парку');
    expect(textLength(hostile)).toBeGreaterThan(400);
    for (const clean of [cleanLine(hostile), cleanText(`${hostile}\n${hostile}`)]) {
      expect(mostMarks(clean)).toBe(2);
      expect(clean.normalize('NFD').replace(/\p{M}/gu, '')).toMatch(/^Лавки в парку(\nЛавки в парку)?$/);
    }
    // Some of the marks compose with the letter under them (и + ̆ is й), so each character keeps at most two more (spaces too).
    expect(textLength(cleanLine(hostile))).toBeLessThanOrEqual(3 * textLength('Лавки в парку'));
  });

  it('keeps the first marks of a run and drops the rest', () => {
    expect(capCombiningMarks('a\u0301\u0302\u0303\u0304b\u0300', 2)).toBe('a\u0301\u0302b\u0300');
    expect(capCombiningMarks('a\u0301\u0302\u0303', 0)).toBe('a');
    expect(capCombiningMarks('\u0301\u0302\u0303x')).toBe('\u0301\u0302x'); // marks with no letter before them
  });

  it('does not let a joiner or a dropped format character start a new run', () => {
    const sneaky = 'a' + '\u0301\u200d\u0302\u2060\u0303\u200d\u0304'.repeat(20);
    expect(mostMarks(cleanLine(sneaky))).toBeLessThanOrEqual(2);
    expect(cleanLine('e\u00ad\u0301')).toBe('é'); // the soft hyphen goes, and the accent then composes
  });

  it.each<[string, string, string]>([
    ['й and ї typed whole stay as they are', 'Мій їжак й Її', 'Мій їжак й Її'],
    ['й and ї typed as a letter and a mark become the one letter', 'Міи\u0306 і\u0308жак', 'Мій їжак'],
    ['a stress accent stays', 'за́мок і замо́к', 'за́мок і замо́к'],
    ['a stressed ї typed decomposed keeps its accent', 'і\u0308\u0301', 'ї\u0301'],
    ['Vietnamese stacked marks compose', 'Vie\u0323\u0302t', 'Việt'],
    ['Thai: a vowel and a tone mark on one consonant', 'กั้น', 'กั้น'],
    ['a keycap emoji (variation selector and enclosing keycap)', '1\ufe0f\u20e3 2\ufe0f\u20e3', '1\ufe0f\u20e3 2\ufe0f\u20e3'],
    ['an emoji with its presentation selector', 'Я ❤️ Житомир', 'Я ❤️ Житомир'],
  ])('keeps legitimate text: %s', (_title, input, expected) => {
    expect(cleanLine(input)).toBe(expected);
    expect(cleanText(input)).toBe(expected);
  });
});

describe('invisible format characters', () => {
  it.each<[string, string, string]>([
    ['soft hyphens', 'ху\u00adй', 'хуй'],
    ['word joiners and invisible operators', 'a\u2060b\u2061c\u2062d\u2063e\u2064f', 'abcdef'],
    ['the Mongolian vowel separator and the Arabic letter mark', 'a\u180eb\u061cc', 'abc'],
    ['interlinear annotation characters', 'a\ufff9b\ufffac\ufffbd', 'abcd'],
    ['tag characters that are not part of a flag', 'a\u{e0041}\u{e0042}b\u{e007f}', 'ab'],
    ['a run of joiners becomes one', 'a\u200d\u200d\u200d\u200db', 'a\u200db'],
    ['joiners at the ends or beside a space', '\u200da\u200d b \u200dc\u200d', 'a b c'],
    ['a title of joiners only', '\u200d\u200d\u200d', ''],
    ['Hangul fillers and the blank Braille pattern count as spaces', '\u3164\u3164 Ім’я\u2800\u2800текст \u115f\u1160\uffa0', 'Ім’я текст'],
  ])('drops %s', (_title, input, expected) => {
    expect(cleanLine(input)).toBe(expected);
  });

  it('keeps emoji that need a joiner or tags: a family, a rainbow flag, a subdivision flag', () => {
    for (const emoji of ['👨\u200d👩\u200d👧', '🏳️\u200d🌈', '🏴\u{e0067}\u{e0062}\u{e0073}\u{e0063}\u{e0074}\u{e007f}', '👍🏽']) {
      expect(cleanLine(`так ${emoji} так`)).toBe(`так ${emoji} так`);
    }
  });

  it('a required title of nothing visible is refused as empty', () => {
    for (const title of ['\u200d\u2060\u00ad', '\u3164\u3164', '\u2800']) {
      expect(checkLine('title', title, 120, true)).toEqual({ ok: false, error: { code: 'TEXT_REQUIRED', params: { field: 'title' } } });
    }
  });
});

describe('cleaning is idempotent and caps marks, whatever the characters', () => {
  const pool = [
    'а', 'і', 'z', ' ', '\n', '\u0301', '\u0308', '\u0306', '\u0489', '\u20e3', '\ufe0f', '\u200d', '\u00ad', '\u2060',
    '\u200b', '\u0323', '\u0302', 'e', '👨', '🏴', '\u{e0067}', '\u{e007f}', '\u3164', '\u0344', '\u0f73', '\u0000', '\u202e',
  ];
  it('holds for 3,000 random strings', () => {
    let seed = 7;
    const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    for (let n = 0; n < 3000; n++) {
      const value = Array.from({ length: 1 + Math.floor(random() * 24) }, () => pool[Math.floor(random() * pool.length)]).join('');
      for (const clean of [cleanLine, cleanText]) {
        const once = clean(value);
        expect(clean(once), JSON.stringify(value)).toBe(once);
        expect(mostMarks(once), JSON.stringify(value)).toBeLessThanOrEqual(MARKS_PER_BASE);
        expect(once.normalize('NFC')).toBe(once);
      }
    }
  });
});

describe('through the rules', () => {
  it('a zalgo priority title, goal title and vision arrive capped in the structure', () => {
    const structure = normalizeStructure({
      vision: zalgo('Місто'),
      priorities: [{ code: '1', title: zalgo('Зелене'), subtitle: zalgo('парки'), color: '', goals: [{ code: '1.1', title: zalgo('Сквери') }] }],
    });
    if (!structure.ok) throw new Error(structure.error.code);
    const p = structure.value.priorities[0];
    for (const text of [structure.value.vision, p.title, p.subtitle, p.goals[0].title]) expect(mostMarks(text)).toBe(2);
    expect(p.title.normalize('NFD').replace(/\p{M}/gu, '')).toBe('Зелене');
  });
});
