// How typed text is cleaned before any rule sees it: the same on the phone (to show what will be
// kept) and on the server (which decides). Every free-text field the server accepts (ideas, names,
// the forum's title, priorities and goals, reasons, the word list) goes through cleanLine or
// cleanText, by checkLine and the decide* functions, so live commands and replayed forum files
// are cleaned alike.

// C0 and C1 controls, zero-width spaces and marks, and the bidi overrides and isolates that could
// flip text on the projector.
/* eslint-disable no-control-regex */
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u200b\u200c\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff]/g;

// The line and paragraph separators break a line where they stand: dropped, they glued the words
// on either side together ("Лавки\u2028у парку" read "Лавкиу парку"), so they become a space.
const SEPARATOR = /[\u2028\u2029]/g;

/**
 * Invisible format characters (Unicode category Cf: soft hyphens, word joiners, invisible
 * operators, Arabic number signs, tag characters…) are dropped, with two exceptions that emoji
 * need: the zero-width joiner (U+200D, 👨‍👩‍👧) and the tag characters of a subdivision flag
 * (🏴 followed by 1–7 tags and the cancel tag, 🏴󠁧󠁢󠁳󠁣󠁴󠁿). Nobody types the rest on purpose,
 * and left in they hide words from the word list and pad a title with nothing.
 */
const FORMAT = /\u{1F3F4}[\u{E0020}-\u{E007E}]{1,7}\u{E007F}|(?!\u200d)\p{Cf}/gu;
const keepFlag = (match: string): string => (match.length > 2 ? match : '');

/**
 * Hangul fillers and the blank Braille pattern are letters and symbols that draw nothing: the
 * usual way to make a name or a title that looks empty. They count as spaces.
 */
const BLANK = /[\u115f\u1160\u3164\uffa0\u2800]/g;

/**
 * The most combining marks (Unicode category M) kept on one base character; the rest of a run is
 * dropped. Text is composed first (NFC), so й, ї, é arrive as one character with no mark at all and
 * a stressed vowel (а́, ї́) keeps its one accent; two keep what decomposed Ukrainian (и + ̆), Thai
 * (a vowel and a tone mark), Arabic vowelling (shadda and a vowel) and a keycap emoji (1 + U+FE0F
 * + U+20E3) need. "Zalgo" text stacks dozens of marks on each letter: drawn, they climb over the
 * lines above and below, and a cluster with hundreds of marks is one unbreakable piece that no
 * line-breaking rule can split, so it ran phones' pages hundreds of pixels wide.
 */
export const MARKS_PER_BASE = 2;

const MARK = /\p{M}/u;
const FORMAT_CHAR = /\p{Cf}/u;

/** Keeps at most `max` combining marks after each base character (format characters in between do not start a new one). */
export function capCombiningMarks(value: string, max = MARKS_PER_BASE): string {
  if (!/\p{M}/u.test(value)) return value;
  let out = '';
  let marks = 0;
  for (const ch of value) {
    if (MARK.test(ch)) {
      if (++marks > max) continue;
    } else if (!FORMAT_CHAR.test(ch)) marks = 0;
    out += ch;
  }
  return out;
}

/**
 * A lone surrogate: half of a UTF-16 pair without its other half. JSON can carry one (`"\ud800"`),
 * and JavaScript keeps it, but it is no character: UTF-8 cannot write it, so tools disagree on the
 * text that holds one (Node writes U+FFFD, jq refuses the whole document, Python raises).
 */
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/**
 * The text as valid Unicode: every lone surrogate replaced by U+FFFD (the replacement character),
 * as a UTF-8 encoder writes it anyway, so that what is stored is what every reader of it reads.
 */
export function wellFormed(value: string): string {
  return value.replace(LONE_SURROGATE, '\ufffd');
}

/**
 * What both kinds of field do to single characters, before whitespace is tidied: lone surrogates
 * made U+FFFD (wellFormed), controls and invisible format characters dropped, blanks made spaces,
 * the text composed (NFC), combining marks capped, and zero-width joiners kept only one at a time
 * between two visible characters. Exported for whatever else takes text in, such as a forum file being read.
 */
export function cleanCharacters(value: string): string {
  return capCombiningMarks(wellFormed(value).replace(CONTROL, '').replace(SEPARATOR, ' ').replace(FORMAT, keepFlag).replace(BLANK, ' ').normalize('NFC'))
    .replace(/\u200d{2,}/g, '\u200d')
    .replace(/(?<!\S)\u200d|\u200d(?!\S)/g, '');
}

const tidyLine = (value: string): string => value.replace(/\s+/g, ' ').trim();

const tidyText = (value: string): string =>
  value
    .replace(/[^\S\n]+/g, ' ')
    .replace(/ *\n */g, '\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();

/** A single-line field: characters cleaned, runs of whitespace made one space, trimmed. */
export function cleanLine(value: string): string {
  return tidyLine(cleanCharacters(value));
}

/** A multi-line field: characters cleaned, line ends kept (at most one blank line), trimmed. */
export function cleanText(value: string): string {
  return tidyText(cleanCharacters(value.replace(/\r\n?/g, '\n')));
}

/**
 * Whether `stored` is the text the rules now keep as `cleaned`, as they kept it before format
 * characters, blanks and combining marks were cleaned too (cleanCharacters): controls dropped and
 * spaces tidied, nothing more. A log written then holds such texts, and its check and a move of its
 * forum take them as they were; a text even those rules would have cleaned is still refused.
 */
export function keptByEarlierRules(cleaned: string, stored: string): boolean {
  if (cleaned === stored) return true;
  if (stored.replace(CONTROL, '') !== stored) return false;
  return (tidyLine(stored) === stored && cleanLine(stored) === cleaned) || (tidyText(stored) === stored && cleanText(stored) === cleaned);
}

/**
 * Length in code points, not UTF-16 units, so Cyrillic and most emoji count as one; the phone's
 * counter and the server's limit use this same function, so they always agree.
 */
export function textLength(value: string): number {
  let n = 0;
  for (const _ of value) n++;
  return n;
}
