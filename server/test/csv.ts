// A CSV reader for tests that reads as a spreadsheet does, whatever separator it is told to use:
// a field that starts with a quote runs to the closing quote ("" is a quote) and anything after it
// up to the separator is kept; line breaks inside quotes stay in the cell.

export function parseCsv(text: string, sep: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let i = 0;
  const s = text.replace(/^\uFEFF/, '');
  while (i <= s.length) {
    let cell = '';
    if (s[i] === '"') {
      i++;
      for (;;) {
        if (i >= s.length) break;
        if (s[i] === '"') {
          if (s[i + 1] === '"') {
            cell += '"';
            i += 2;
            continue;
          }
          i++;
          break;
        }
        cell += s[i++];
      }
    }
    while (i < s.length && s[i] !== sep && s[i] !== '\r' && s[i] !== '\n') cell += s[i++];
    row.push(cell);
    if (i >= s.length) {
      rows.push(row);
      break;
    }
    if (s[i] === sep) {
      i++;
      continue;
    }
    if (s[i] === '\r' && s[i + 1] === '\n') i++;
    i++;
    rows.push(row);
    row = [];
    if (i >= s.length) break;
  }
  return rows;
}

/** Whether a spreadsheet would run this cell as a formula (leading spaces are skipped by some). */
export const isFormula = (cell: string): boolean => /^\s*[=+\-@]/.test(cell) && !/^\s*-?\d+([.,]\d+)?\s*$/.test(cell);
