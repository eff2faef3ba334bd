/**
 * The benchmark's one table: every measure as Patchbay's figure, the baseline or bound it is compared
 * with (both measured in the same run), the ratio, and the target beside it. Figures belong to the
 * machine they ran on, so they are printed, never asserted.
 */

export type Unit = 'ms' | 'MB';

export interface Figure {
  value: number;
  unit: Unit;
}

export interface Comparison {
  /** What the figure is compared with, in a few words ("sequential script", "bare node", "frame budget"). */
  what: string;
  figure: Figure;
  /** Patchbay ÷ this must stay at or under `target` (e.g. 1/25, or 1.5). */
  target: number | null;
}

export interface BenchRow {
  name: string;
  patchbay: Figure;
  /** Requests Patchbay sent, where that is part of the story. */
  requests?: number;
  baseline?: Comparison & { requests?: number };
  bound?: Comparison;
}

export const ms = (value: number): Figure => ({ value, unit: 'ms' });
export const mb = (value: number): Figure => ({ value, unit: 'MB' });

function fmt(f: Figure): string {
  if (f.unit === 'MB') return `${f.value.toFixed(0)} MB`;
  if (f.value >= 10_000) return `${(f.value / 1000).toFixed(1)} s`;
  return f.value >= 100 ? `${f.value.toFixed(0)} ms` : `${f.value.toFixed(1)} ms`;
}

function ratio(r: number): string {
  return r < 1 ? `1/${(1 / r).toFixed(1)}` : r.toFixed(2);
}

function verdict(r: number, target: number | null): string {
  if (target === null) return '—';
  return `≤ ${ratio(target)} ${r <= target ? '✓' : '✗'}`;
}

function compare(row: BenchRow, c: (Comparison & { requests?: number }) | undefined): string[] {
  if (!c) return ['—', '—', '—'];
  const r = row.patchbay.value / c.figure.value;
  const requests = c.requests === undefined ? '' : `, ${c.requests} req`;
  return [`${fmt(c.figure)} (${c.what}${requests})`, ratio(r), verdict(r, c.target)];
}

export function renderReport(rows: readonly BenchRow[]): string {
  const header = ['measure', 'Patchbay', 'requests', 'baseline', 'ratio', 'target', 'bound', 'ratio', 'target'];
  const lines = rows.map((row) => [row.name, fmt(row.patchbay), row.requests === undefined ? '—' : String(row.requests), ...compare(row, row.baseline), ...compare(row, row.bound)]);
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => (l[i] ?? '').length)));
  const render = (cells: readonly string[]): string => cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join('  ').trimEnd();
  return [render(header), render(widths.map((w) => '-'.repeat(w))), ...lines.map(render)].join('\n');
}
