/**
 * RFC 4180 CSV: CRLF line ends, fields quoted when they hold a quote, comma or line break, quotes doubled.
 * Guarded against formula injection: a cell a spreadsheet would evaluate (starting with = + - @, tab or
 * CR) is prefixed with `'`, so a flow named `=HYPERLINK(…)` stays text.
 */

const FORMULA_START = /^[=+\-@\t\r]/;

export function csvCell(value: string | number | null | undefined): string {
  let text = value === null || value === undefined ? '' : String(value);
  if (FORMULA_START.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** Header and rows as one CSV document, each record ending in CRLF. */
export function toCsv(header: readonly string[], rows: readonly (readonly (string | number | null | undefined)[])[]): string {
  const out: string[] = [header.map(csvCell).join(',')];
  for (const row of rows) out.push(row.map(csvCell).join(','));
  return `${out.join('\r\n')}\r\n`;
}
