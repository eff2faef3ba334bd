import { buildPlan } from '../../../shared/engine/plan';
import type { CliOptions } from '../args';
import type { CliIo } from '../io';
import type { CliRuntime } from '../runtime';
import { requireSolution, resolveEnvironments, reviewAndApply, scanEvery } from './common';
import { baseIntent, wireIntent } from './plan-intent';

/** `patchbay wire`: point every reference that needs it at a connection (suggested, or pinned). */
export async function wireCommand(runtime: CliRuntime, o: CliOptions, io: CliIo): Promise<number> {
  const solution = requireSolution(o);
  const environments = resolveEnvironments(await runtime.environments(), o.env, true);
  const snapshots = await scanEvery(runtime, environments, solution, io);
  const plan = buildPlan(snapshots, { ...baseIntent(o, solution, environments), wire: wireIntent(o, environments) });
  return (await reviewAndApply(runtime, plan, snapshots, o, io)).exitCode;
}
