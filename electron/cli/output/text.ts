/**
 * Plain-text helpers for what the CLI prints for people: terminal display width (wide and zero-width
 * characters), truncation with an ellipsis, padding, and `cleanText`, which makes a name safe to print on
 * one line of a terminal or a pipeline log: no control characters (no ANSI escapes smuggled in through a
 * flow name) and no pipeline logging commands (Azure DevOps runs `##vso[` found anywhere on a line,
 * GitHub Actions runs `::` at the start of one).
 */

export const ELLIPSIS = '…';

const ZERO_WIDTH_SPACE = '\u200b';

/** Combining marks, zero-width characters and variation selectors take no column. */
function isZeroWidth(cp: number): boolean {
  return (
    (cp >= 0x0300 && cp <= 0x036f) ||
    (cp >= 0x1ab0 && cp <= 0x1aff) ||
    (cp >= 0x1dc0 && cp <= 0x1dff) ||
    (cp >= 0x200b && cp <= 0x200f) ||
    (cp >= 0x20d0 && cp <= 0x20ff) ||
    (cp >= 0xfe00 && cp <= 0xfe0f) ||
    (cp >= 0xfe20 && cp <= 0xfe2f) ||
    cp === 0xfeff ||
    (cp >= 0xe0100 && cp <= 0xe01ef)
  );
}

/** East Asian wide and fullwidth characters, and emoji: two columns. */
function isWide(cp: number): boolean {
  return (
    (cp >= 0x1100 && cp <= 0x115f) ||
    (cp >= 0x2e80 && cp <= 0x303e) ||
    (cp >= 0x3041 && cp <= 0x33ff) ||
    (cp >= 0x3400 && cp <= 0x4dbf) ||
    (cp >= 0x4e00 && cp <= 0x9fff) ||
    (cp >= 0xa000 && cp <= 0xa4cf) ||
    (cp >= 0xac00 && cp <= 0xd7a3) ||
    (cp >= 0xf900 && cp <= 0xfaff) ||
    (cp >= 0xfe30 && cp <= 0xfe4f) ||
    (cp >= 0xff00 && cp <= 0xff60) ||
    (cp >= 0xffe0 && cp <= 0xffe6) ||
    (cp >= 0x1f300 && cp <= 0x1f64f) ||
    (cp >= 0x1f900 && cp <= 0x1f9ff) ||
    (cp >= 0x20000 && cp <= 0x3fffd)
  );
}

function charWidth(char: string): number {
  const cp = char.codePointAt(0) ?? 0;
  if (isZeroWidth(cp)) return 0;
  return isWide(cp) ? 2 : 1;
}

/** Columns `text` takes in a terminal (no escape sequences expected: pass cleaned text). */
export function displayWidth(text: string): number {
  let width = 0;
  for (const char of text) width += charWidth(char);
  return width;
}

/** `text` cut to at most `width` columns, ending in `…` when cut. */
export function truncate(text: string, width: number): string {
  if (width <= 0) return '';
  if (displayWidth(text) <= width) return text;
  let out = '';
  let used = 0;
  for (const char of text) {
    const w = charWidth(char);
    if (used + w > width - 1) break;
    out += char;
    used += w;
  }
  return `${out}${ELLIPSIS}`;
}

/** `text` padded with spaces to `width` columns, on the right (left-aligned) or the left (right-aligned). */
export function pad(text: string, width: number, align: 'left' | 'right' = 'left'): string {
  const fill = ' '.repeat(Math.max(0, width - displayWidth(text)));
  return align === 'left' ? `${text}${fill}` : `${fill}${text}`;
}

// C0 and C1 control characters (ESC, CR, LF, TAB, BEL, CSI …) and the line/paragraph separators.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]+/g;

/**
 * One line of printable text: runs of control characters (newlines, tabs, escape sequences' ESC) become
 * one space, and pipeline logging commands are broken with a zero-width space so a runner ignores them.
 */
export function cleanText(text: string): string {
  return text
    .replace(CONTROL, ' ')
    .replace(/##(vso)?\[/gi, (match) => `#${ZERO_WIDTH_SPACE}${match.slice(1)}`)
    .replace(/^(\s*):(?=:)/, `$1:${ZERO_WIDTH_SPACE}`);
}

/** Like `cleanText`, but keeps line breaks (CRLF and CR become LF); for multi-line messages. */
export function cleanLines(text: string): string[] {
  return text.split(/\r\n|\r|\n|\u2028|\u2029/).map(cleanText);
}
