import { readFileSync } from 'node:fs';
import { buildPlan, type Plan } from '../../../shared/engine/plan';
import { validatePlan } from '../../engine/apply/validate-plan';
import { ApplyError } from '../../engine/apply/apply-error';
import { parseSettingsFile } from '../../engine/files/settings';
import { intentFromSettings, validateSettingsAgainst } from '../../engine/files/settings-validate';
import { formatIssue } from '../../engine/files/positions';
import { parsePlanFile } from '../plan-file';
import { UsageError, type CliOptions } from '../args';
import type { CliIo } from '../io';
import type { CliRuntime } from '../runtime';
import { oneEnvironment, requireSolution, resolveEnvironments, reviewAndApply, scanEvery, scanOne } from './common';

function readText(path: string, what: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    throw new UsageError(`Cannot read the ${what} '${path}': ${error instanceof Error ? error.message : String(error)}`);
  }
}

/** `apply --plan file`: a reviewed plan, checked before anything is written. */
async function applyPlanFile(runtime: CliRuntime, o: CliOptions, io: CliIo, path: string): Promise<number> {
  const plan: Plan = parsePlanFile(readText(path, 'plan file'), path);
  try {
    validatePlan(plan);
  } catch (error) {
    if (error instanceof ApplyError) throw new UsageError(`${path}: ${error.message}`);
    throw error;
  }
  const all = await runtime.environments();
  const environments = plan.environments.map((pe) => {
    const env = all.find((e) => e.id.toLowerCase() === pe.id.toLowerCase());
    if (!env) throw new UsageError(`${path}: the plan names environment ${pe.displayName} (${pe.id}), which this account cannot see.`);
    return env;
  });
  const snapshots = await scanEvery(runtime, environments, plan.solution, io);
  return (await reviewAndApply(runtime, plan, snapshots, o, io)).exitCode;
}

/** `apply --settings file --env E`: a pac deployment settings file as wiring and variable values. */
async function applySettings(runtime: CliRuntime, o: CliOptions, io: CliIo, path: string): Promise<number> {
  const solution = requireSolution(o);
  const environment = oneEnvironment(resolveEnvironments(await runtime.environments(), o.env, true));
  const parsed = parseSettingsFile(readText(path, 'settings file'), path);
  if (!parsed.ok) throw new UsageError(`The settings file is not valid:\n${parsed.errors.map(formatIssue).join('\n')}`);
  const snapshot = await scanOne(runtime, environment, solution, io);
  const checked = validateSettingsAgainst(parsed.value, snapshot);
  if (!checked.ok) throw new UsageError(`The settings file does not fit ${snapshot.environment.displayName}; nothing was written:\n${checked.errors.map(formatIssue).join('\n')}`);
  for (const warning of checked.warnings) io.err(formatIssue(warning));
  const intent = intentFromSettings(checked.value, solution, o.as);
  const plan = buildPlan([snapshot], { ...intent, share: o.share });
  return (await reviewAndApply(runtime, plan, [snapshot], o, io)).exitCode;
}

export async function applyCommand(runtime: CliRuntime, o: CliOptions, io: CliIo): Promise<number> {
  if (o.plan) return applyPlanFile(runtime, o, io, o.plan);
  if (o.settings) return applySettings(runtime, o, io, o.settings);
  throw new UsageError('apply needs --plan plan.json (from `patchbay plan --out`) or --settings file.json with --env.');
}
