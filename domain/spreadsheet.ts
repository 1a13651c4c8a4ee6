/**
 * Cells of the CSV files we write (error reports, exports) that a spreadsheet could run as a
 * formula: one starting with = + - @ (or a tab or carriage return), also after spaces or an
 * opening quote, and also after a `;` or `,` — a spreadsheet that splits on `;` reads
 * `a;=HYPERLINK(…)` as two cells, the second a formula.
 */
const FORMULA_START = /(^|[;,\t])([\s"']*)(?=[=+\-@\t\r])/g;

/** The cell made inert: a `'` before every place a formula could start (spreadsheets show it as text). */
export function spreadsheetSafe(cell: string): string {
  return cell.replace(FORMULA_START, (_match, separator: string, lead: string) => `${separator}${lead}'`);
}
