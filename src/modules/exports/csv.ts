// CSV as RFC 4180 writes it: fields separated by commas, records ended by CRLF, a field quoted when it holds
// a comma, a double quote, CR or LF (or starts/ends with a space), quotes inside doubled. And safe to open
// in a spreadsheet (OWASP "CSV injection"): a text cell starting with = + - @ tab or CR is prefixed with a
// single quote, so Excel or Sheets never evaluate a customer's "=HYPERLINK(...)" as a formula. The check
// looks past leading blanks (spaces, line feeds, no-break spaces: a spreadsheet may trim them on import and
// then see the "=") and also takes the full-width ＝ ＋ － ＠ that East Asian input methods type and Excel
// reads as formula signs. Plain numbers (amounts like -1.49) are left alone: they cannot be formulas.
export type CsvCell = string | number | null | undefined;

const NUMBER = /^-?\d+(\.\d+)?$/;
const FORMULA_START = /^\s*[=+\-@\t\r＝＋－＠]/u;
const NEEDS_QUOTES = /[",\r\n]|^ | $/;

export function csvCell(value: CsvCell): string {
  if (value === null || value === undefined) return '';
  let text = typeof value === 'number' ? String(value) : value;
  if (typeof value === 'string' && FORMULA_START.test(text) && !NUMBER.test(text)) text = `'${text}`;
  return NEEDS_QUOTES.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function csvRow(cells: readonly CsvCell[]): string {
  return `${cells.map(csvCell).join(',')}\r\n`;
}
