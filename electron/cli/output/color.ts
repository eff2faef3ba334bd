/**
 * ANSI colour for terminal output, off unless asked: the caller decides (a TTY, and `NO_COLOR` unset),
 * the formatters only take the flag.
 */

export type Color = 'red' | 'green' | 'yellow' | 'blue' | 'cyan' | 'dim' | 'bold';

const CODES: Record<Color, [number, number]> = {
  red: [31, 39],
  green: [32, 39],
  yellow: [33, 39],
  blue: [34, 39],
  cyan: [36, 39],
  dim: [2, 22],
  bold: [1, 22],
};

/** `text` in `color` when `enabled`, else unchanged. */
export function paint(text: string, color: Color | null | undefined, enabled: boolean): string {
  if (!enabled || !color || text === '') return text;
  const [open, close] = CODES[color];
  return `\u001b[${open}m${text}\u001b[${close}m`;
}

/**
 * Whether to colour a stream: a TTY, `NO_COLOR` unset or empty (no-color.org), and not a dumb terminal.
 * The environment is passed in (`process.env` at the CLI's edge).
 */
export function colorEnabled(stream: { isTTY?: boolean }, env: Readonly<Record<string, string | undefined>>): boolean {
  if (stream.isTTY !== true) return false;
  if (env['NO_COLOR'] !== undefined && env['NO_COLOR'] !== '') return false;
  return env['TERM'] !== 'dumb';
}
