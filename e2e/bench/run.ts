import { runEngineBench, type BenchRow } from './engine-bench';

/**
 * `npm run bench`: measures, in one run, Patchbay against its baselines and bounds, and prints one
 * table of ratios with the target beside each. Timings are printed, never asserted: they belong to the
 * machine they ran on.
 */

const log = (line: string): void => {
  process.stderr.write(`${line}\n`);
};

function fmt(ms: number | null): string {
  if (ms === null) return '—';
  return ms >= 10_000 ? `${(ms / 1000).toFixed(1)} s` : `${ms.toFixed(0)} ms`;
}

function ratio(a: number, b: number | null): string {
  if (b === null || b === 0) return '—';
  const r = a / b;
  return r < 1 ? `1/${(1 / r).toFixed(1)}` : r.toFixed(2);
}

function table(rows: readonly BenchRow[]): string {
  const header = ['measure', 'Patchbay', 'requests', 'baseline', 'requests', 'ratio to baseline', 'target', 'bound', 'ratio to bound', 'target'];
  const lines = rows.map((r) => [
    r.name,
    fmt(r.patchbayMs),
    String(r.patchbayRequests),
    fmt(r.baselineMs),
    r.baselineRequests === null ? '—' : String(r.baselineRequests),
    r.baselineMs === null ? '—' : ratio(r.patchbayMs, r.baselineMs),
    r.targetToBaseline === null ? '—' : `≤ ${ratio(r.targetToBaseline, 1)}`,
    fmt(r.boundMs),
    r.boundMs === null ? '—' : ratio(r.patchbayMs, r.boundMs),
    r.targetToBound === null ? '—' : `≤ ${r.targetToBound}`,
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => (l[i] ?? '').length)));
  const render = (cells: readonly string[]) => cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join('  ');
  return [render(header), render(widths.map((w) => '-'.repeat(w))), ...lines.map(render)].join('\n');
}

const quick = process.argv.includes('--quick');
const sizes = quick ? { envs: 2, flows: 100, refs: 40, connectors: 8 } : { envs: 4, flows: 400, refs: 120, connectors: 12 };
log(`Engine benchmark: scale scenario, ${sizes.envs} environments × ${sizes.flows} flows × ${sizes.refs} references, sandbox latency 80 ms${quick ? ' (quick)' : ''}.`);
const engine = await runEngineBench({ ...sizes, latencyMs: 80, log });
process.stdout.write(`\n${table(engine.rows)}\n`);
