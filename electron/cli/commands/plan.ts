import { buildPlan } from '../../../shared/engine/plan';
import type { CliOptions } from '../args';
import type { CliIo } from '../io';
import { formatPlan } from '../output';
import { writeOutFile } from '../out-file';
import type { CliRuntime } from '../runtime';
import { EXIT, blockedSteps, requireSolution, resolveEnvironments, scanEvery } from './common';
import { baseIntent, wireIntent } from './plan-intent';

/** `patchbay plan`: wire what needs it and turn every flow on — reviewed, saved with --out, applied later. */
export async function planCommand(runtime: CliRuntime, o: CliOptions, io: CliIo): Promise<number> {
  const solution = requireSolution(o);
  const environments = resolveEnvironments(await runtime.environments(), o.env, true);
  const snapshots = await scanEvery(runtime, environments, solution, io);
  const plan = buildPlan(snapshots, { ...baseIntent(o, solution, environments), wire: wireIntent(o, environments), activate: 'all' });
  const json = JSON.stringify(plan, null, 2);
  if (o.out) {
    writeOutFile(o.out, `${json}\n`, 'the plan');
    io.err(`Wrote the plan (${plan.steps.length} steps) to ${o.out}. Apply it with: patchbay apply --plan ${o.out}`);
  }
  io.out(o.json ? json : formatPlan(plan, snapshots));
  return blockedSteps(plan).size ? EXIT.stepsFailed : EXIT.ok;
}
