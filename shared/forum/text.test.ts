// Unit tests for text cleaning and counting (text.ts): what the phone shows will be kept and what
// the server decides on.

import { describe, expect, it } from 'vitest';
import { cleanLine, cleanText, textLength } from './text.js';

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
        ['a\u2028b\u2029c', 'abc'],
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
