import { runEngineBench } from './engine-bench';
import { renderReport } from './report';

/**
 * `npm run bench`: measures, in one run, Patchbay against its baselines and bounds, and prints one
 * table of ratios with the target beside each. Timings are printed, never asserted: they belong to the
 * machine they ran on.
 */

const log = (line: string): void => {
  process.stderr.write(`${line}\n`);
};

const quick = process.argv.includes('--quick');
const sizes = quick ? { envs: 2, flows: 100, refs: 40, connectors: 8 } : { envs: 4, flows: 400, refs: 120, connectors: 12 };
log(`Engine benchmark: scale scenario, ${sizes.envs} environments × ${sizes.flows} flows × ${sizes.refs} references, sandbox latency 80 ms${quick ? ' (quick)' : ''}.`);
const engine = await runEngineBench({ ...sizes, latencyMs: 80, log });
process.stdout.write(`\n${renderReport(engine.rows)}\n`);
