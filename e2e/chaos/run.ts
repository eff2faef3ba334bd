import { writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CLI_COMMANDS } from './cli-child';
import { runChaosSeed, type ChaosRunResult, type ChaosSizes } from './run-seed';
import { spawnSandbox, startSandboxHere, type ChaosSandbox } from './sandbox-handle';
import { chaosTable } from './table';

/**
 * `npm run chaos`: 50 seeded runs of wire + activate on the `scale` scenario under faults (fault-plan.ts),
 * each checked for convergence, clean writes and a complete journal (checks.ts); prints one row per run
 * and exits 1 if any run has a problem.
 *
 *   --quick          4 small runs against a sandbox in this process (the short version `npm test` runs)
 *   --seeds N        number of runs (default 50, quick 4); --from S: first seed (default 1)
 *   --sabotage       after the last run's checks, write behind the engine's back and check again:
 *                    the checks must catch it (they can fail)
 *   --cli bin|source how the killed `patchbay` runs: bin/patchbay.mjs (default; the bundle `npm run
 *                    build:cli` makes, else tsx) or the current source through tsx
 *   --no-settle      resume at once after a kill, racing the dead process's last writes (see run-seed.ts)
 *   --json FILE      also write the results as JSON
 */

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const argv = process.argv.slice(2);
const flag = (name: string): boolean => argv.includes(name);
const value = (name: string): string | undefined => {
  const i = argv.indexOf(name);
  return i >= 0 ? argv[i + 1] : undefined;
};

const quick = flag('--quick');
const seeds = Number(value('--seeds') ?? (quick ? 4 : 50));
const from = Number(value('--from') ?? 1);
const sizes: ChaosSizes = quick ? { envs: 3, flows: 16, refs: 6, connectors: 3 } : { envs: 4, flows: 60, refs: 20, connectors: 6 };
const latencyMs = quick ? 2 : 10;
const cli = value('--cli') === 'source' ? CLI_COMMANDS.source : CLI_COMMANDS.bin;
const settle = !flag('--no-settle');
const log = (line: string): void => void process.stderr.write(`${line}\n`);

log(`Chaos: ${seeds} runs from seed ${from}, scale scenario ${sizes.envs} environments × ${sizes.flows} flows × ${sizes.refs} references, latency ${latencyMs} ms${quick ? ' (quick)' : ''}.`);
const t0 = performance.now();
const sandbox: ChaosSandbox = quick
  ? await startSandboxHere({ scenario: 'scale', seed: from, scale: sizes })
  : await spawnSandbox(root, ['--scenario', 'scale', '--seed', String(from), '--envs', String(sizes.envs), '--flows', String(sizes.flows), '--refs', String(sizes.refs), '--connectors', String(sizes.connectors)]);

const results: ChaosRunResult[] = [];
const last = from + seeds - 1;
try {
  for (let seed = from; seed <= last; seed++) {
    const result = await runChaosSeed({ sandbox, root, seed, sizes, latencyMs, cli, settle, sabotage: flag('--sabotage') && seed === last });
    results.push(result);
    log(`seed ${seed}: ${result.problems.length ? `${result.problems.length} problem(s)` : 'ok'} in ${(result.wallMs / 1000).toFixed(1)} s — ${result.faults}${result.kill ? `; kill ${result.kill}` : ''}`);
    for (const p of result.problems.slice(0, 10)) log(`  ${p}`);
    if (result.sabotaged) {
      log(`seed ${seed}, sabotaged afterwards: the checks found ${result.sabotaged.length} problem(s)`);
      for (const p of result.sabotaged.slice(0, 10)) log(`  ${p}`);
    }
  }
} finally {
  await sandbox.close();
}

const totalMs = performance.now() - t0;
const failed = results.filter((r) => r.problems.length > 0);
process.stdout.write(`\n${chaosTable(results)}\n\n${results.length - failed.length}/${results.length} runs clean in ${(totalMs / 1000).toFixed(1)} s.\n`);
const out = value('--json');
if (out) writeFileSync(out, JSON.stringify({ results, totalMs }, null, 2));
// A sabotage the checks did not catch is a failure of the checks.
const uncaught = results.some((r) => r.sabotaged?.length === 0);
process.exitCode = failed.length || uncaught ? 1 : 0;
