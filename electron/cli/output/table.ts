import { paint, type Color } from './color';
import { cleanLines, cleanText, displayWidth, pad, truncate } from './text';

/**
 * An aligned plain-text table for people: a header, a rule, one line per row; columns left- or
 * right-aligned and capped in width (longer cells end in "…"). Cells are cleaned to one printable line.
 * Colour only when the caller says so; widths are computed on the plain text, so colour never misaligns.
 */

export interface Column<Row> {
  header: string;
  value: (row: Row) => string;
  align?: 'left' | 'right';
  /** Widest the column may get, in terminal columns (default 40). */
  maxWidth?: number;
  color?: (row: Row) => Color | null;
}

export interface TableOptions<Row> {
  /** ANSI colour (the caller decides: a TTY and NO_COLOR unset). Default false. */
  color?: boolean;
  /** Lines printed under a row, indented, never cut: blockers, fixes, errors. */
  details?: (row: Row) => readonly string[];
  /** Prefix of every line (e.g. two spaces inside a group). */
  indent?: string;
  /** Spaces between columns (default 2). */
  gap?: number;
}

export const DEFAULT_MAX_WIDTH = 40;

/** Rows picked by column accessors, as text: header, rule, one line per row; ending in a newline. */
export function renderColumns<Row>(rows: readonly Row[], columns: readonly Column<Row>[], options: TableOptions<Row> = {}): string {
  const color = options.color === true;
  const indent = options.indent ?? '';
  const gap = ' '.repeat(options.gap ?? 2);
  const caps = columns.map((c) => Math.max(1, c.maxWidth ?? DEFAULT_MAX_WIDTH));
  const cells = rows.map((row) => columns.map((c, i) => truncate(cleanText(c.value(row)), caps[i] ?? DEFAULT_MAX_WIDTH)));
  const headers = columns.map((c, i) => truncate(cleanText(c.header), caps[i] ?? DEFAULT_MAX_WIDTH));
  const widths = headers.map((h) => displayWidth(h));
  for (const row of cells) row.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, displayWidth(cell))));

  const line = (texts: readonly string[], colorOf: (i: number) => Color | null): string => {
    const parts = texts.map((text, i) => {
      const align = columns[i]?.align ?? 'left';
      const last = i === texts.length - 1;
      // The last column is not padded on the right: no trailing blanks.
      const padded = last && align === 'left' ? text : pad(text, widths[i] ?? 0, align);
      if (!color) return padded;
      const tint = colorOf(i);
      if (!tint) return padded;
      // Colour the text only, never the padding around it.
      const at = align === 'left' ? 0 : padded.length - text.length;
      return `${padded.slice(0, at)}${paint(text, tint, true)}${padded.slice(at + text.length)}`;
    });
    return `${indent}${parts.join(gap)}`.trimEnd();
  };

  const out: string[] = [line(headers, () => 'bold'), line(widths.map((w) => '-'.repeat(w)), () => 'dim')];
  rows.forEach((row, r) => {
    out.push(line(cells[r] ?? [], (i) => columns[i]?.color?.(row) ?? null));
    for (const detail of options.details?.(row) ?? []) {
      for (const text of cleanLines(detail)) out.push(`${indent}    ${text}`.trimEnd());
    }
  });
  return `${out.join('\n')}\n`;
}

export interface SimpleTableOptions {
  /** Per column (default left). */
  align?: readonly ('left' | 'right')[];
  /** One cap for all columns, or one per column (default 40). */
  maxWidth?: number | readonly number[];
  color?: boolean;
  indent?: string;
  gap?: number;
}

/** Rows of cells under `headers`, as text (see `renderColumns`). */
export function renderTable(headers: readonly string[], rows: readonly (readonly string[])[], options: SimpleTableOptions = {}): string {
  const columns: Column<readonly string[]>[] = headers.map((header, i) => {
    const align = options.align?.[i];
    const cap = typeof options.maxWidth === 'number' ? options.maxWidth : options.maxWidth?.[i];
    return { header, value: (row) => row[i] ?? '', ...(align ? { align } : {}), ...(cap === undefined ? {} : { maxWidth: cap }) };
  });
  return renderColumns(rows, columns, {
    ...(options.color === undefined ? {} : { color: options.color }),
    ...(options.indent === undefined ? {} : { indent: options.indent }),
    ...(options.gap === undefined ? {} : { gap: options.gap }),
  });
}
