// Formatting shared by the pages.

/** "482913" → "482 913": easier to read off a screen and to say aloud. */
export function groupCode(code: string): string {
  return code.replace(/(\d{3})(?=\d)/g, '$1 ');
}
