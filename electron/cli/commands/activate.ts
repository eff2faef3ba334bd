import { buildPlan } from '../../../shared/engine/plan';
import type { CliOptions } from '../args';
import type { CliIo } from '../io';
import type { CliRuntime } from '../runtime';
import { requireSolution, resolveEnvironments, reviewAndApply, scanEvery } from './common';
import { baseIntent } from './plan-intent';

/** `patchbay activate` / `deactivate`: every flow of the solution on (children first) or off (parents first). */
export async function activateCommand(runtime: CliRuntime, o: CliOptions, io: CliIo, on: boolean): Promise<number> {
  const solution = requireSolution(o);
  const environments = resolveEnvironments(await runtime.environments(), o.env, true);
  const snapshots = await scanEvery(runtime, environments, solution, io);
  const plan = buildPlan(snapshots, { ...baseIntent(o, solution, environments), ...(on ? { activate: 'all' } : { deactivate: 'all' }) });
  return (await reviewAndApply(runtime, plan, snapshots, o, io)).exitCode;
}
