// How typed text is cleaned before any rule sees it: the same on the phone (to show what will be
// kept) and on the server (which decides).

// C0 and C1 controls, zero-width spaces and marks, line/paragraph separators, and the bidi
// overrides and isolates that could flip text on the projector. The zero-width joiner (U+200D)
// stays: emoji sequences such as 👨‍👩‍👧 need it.
/* eslint-disable no-control-regex */
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u200b\u200c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ufeff]/g;

/** A single-line field: control characters dropped, runs of whitespace made one space, trimmed. */
export function cleanLine(value: string): string {
  return value.replace(CONTROL, '').replace(/\s+/g, ' ').trim();
}

/** A multi-line field: control characters dropped, line ends kept (at most one blank line), trimmed. */
export function cleanText(value: string): string {
  return value
    .replace(/\r\n?/g, '\n')
    .replace(CONTROL, '')
    .replace(/[^\S\n]+/g, ' ')
    .replace(/ *\n */g, '\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
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
