import { runEngineBench } from './engine-bench';
import { runRenderBench } from './render-bench';
import { renderReport, type BenchRow } from './report';

/**
 * `npm run bench`: measures, in one run, Patchbay against its baselines and bounds, and prints one
 * table of ratios with the target beside each. Timings are printed, never asserted: they belong to the
 * machine they ran on.
 *
 * Flags: `--quick` (smaller sizes, fewer repetitions); `--only engine` or `--only render` (one part).
 */

const log = (line: string): void => {
  process.stderr.write(`${line}\n`);
};

const args = process.argv.slice(2);
const quick = args.includes('--quick');
const onlyAt = args.findIndex((a) => a === '--only' || a.startsWith('--only='));
const only = onlyAt < 0 ? null : (args[onlyAt]?.includes('=') ? args[onlyAt]?.split('=')[1] : args[onlyAt + 1]) ?? null;
const parts = ['engine', 'render'];
if (only !== null && !parts.includes(only)) {
  log(`--only takes one of: ${parts.join(', ')}`);
  process.exit(2);
}
const runs = (part: string): boolean => only === null || only === part;

const rows: BenchRow[] = [];
if (runs('engine')) {
  const sizes = quick ? { envs: 2, flows: 100, refs: 40, connectors: 8 } : { envs: 4, flows: 400, refs: 120, connectors: 12 };
  log(`Engine benchmark: scale scenario, ${sizes.envs} environments × ${sizes.flows} flows × ${sizes.refs} references, sandbox latency 80 ms${quick ? ' (quick)' : ''}.`);
  rows.push(...(await runEngineBench({ ...sizes, latencyMs: 80, log })).rows);
}
if (runs('render')) {
  // The render benchmark keeps issue 7's size (2,000 rows × 20 environments) even when quick: fewer page loads only.
  log(`Render benchmark: 2,000 rows × 20 environments in Chromium${quick ? ' (quick)' : ''}.`);
  rows.push(...(await runRenderBench({ reps: quick ? 3 : 5, log })).rows);
}
process.stdout.write(`\n${renderReport(rows)}\n`);
