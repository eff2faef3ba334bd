import type { ChaosRunResult } from './run-seed';

/** The chaos summary: one row per seeded run. */

const seconds = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;

export function chaosTable(results: readonly ChaosRunResult[]): string {
  const header = ['seed', 'faults injected', 'kill (finished/steps, cut → resume)', 'steps', 'done/skip/fail/confl', 'retries 429/5xx/reset/401', 'writes', 'converged', 'problems', 'wall'];
  const rows = results.map((r) => [
    String(r.seed),
    r.faults,
    r.kill || '—',
    r.notRun ? `${r.steps} (+${r.notRun} not run)` : String(r.steps),
    `${r.summary.done}/${r.summary.skipped}/${r.summary.failed}/${r.summary.conflicts}`,
    `${r.retries.throttled}/${r.retries.unavailable}/${r.retries.resets}/${r.retries.unauthorized}`,
    r.writes.repeated ? `${r.writes.accepted} (${r.writes.repeated} repeated)` : String(r.writes.accepted),
    r.converged ? 'yes' : 'NO',
    String(r.problems.length),
    seconds(r.wallMs),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => (row[i] ?? '').length)));
  const render = (cells: readonly string[]): string => cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join('  ').trimEnd();
  return [render(header), render(widths.map((w) => '-'.repeat(w))), ...rows.map(render)].join('\n');
}
