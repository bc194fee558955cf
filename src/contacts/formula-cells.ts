/**
 * CSV injection (OWASP): a spreadsheet runs a cell that starts with `=`, `+`, `-`, `@`, a tab or a
 * carriage return as a formula. `contacts export` writes such a text cell with a `'` in front, which
 * spreadsheets show as text and do not display; `contacts import` takes that `'` off again.
 *
 * The escape is reversible: a value that is already `'` + one of those characters (`'=x`) gets one
 * more `'` (`''=x`), and import removes exactly one, so every text survives export and import.
 */

const ESCAPED = /^'*[=+\-@\t\r]/;
const UNESCAPE = /^'+[=+\-@\t\r]/;

/** `text` with a `'` in front when a spreadsheet would run it as a formula, else `text` itself. */
export function escapeFormula(text: string): string {
  return ESCAPED.test(text) ? `'${text}` : text;
}

/** The text `escapeFormula` was given: one leading `'` removed from an escaped formula. */
export function unescapeFormula(cell: string): string {
  return UNESCAPE.test(cell) ? cell.slice(1) : cell;
}
