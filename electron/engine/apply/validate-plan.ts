import type { Plan, PlanStep } from '../../../shared/engine/plan';
import { ApplyError } from './apply-error';
import { isShareRole } from './perform-step';

/**
 * Refuses, before anything is journaled or written, a plan apply cannot run faithfully: not a plan,
 * duplicate or unknown step ids, a dependency cycle, a step whose kind and target disagree.
 */

const flowValue = (v: string | null): boolean => v === 'on' || v === 'off';

function stepProblem(step: PlanStep, environments: ReadonlySet<string>): string | null {
  if (!environments.has(step.environmentId)) return `its environment ${step.environmentId} is not among the plan's environments`;
  switch (step.kind) {
    case 'wire':
      return step.target.type === 'reference' ? null : 'a wire step must target a connection reference';
    case 'set-variable':
      return step.target.type === 'variable' ? null : 'a set-variable step must target an environment variable';
    case 'activate':
    case 'deactivate':
      if (step.target.type !== 'flow') return `a ${step.kind} step must target a flow`;
      return flowValue(step.before) && flowValue(step.after) && step.before !== step.after ? null : `a ${step.kind} step goes between 'on' and 'off'`;
    case 'share':
      if (step.target.type !== 'connection') return 'a share step must target a connection';
      return isShareRole(step.after) ? null : `a share step's after must be a role (CanView, CanViewWithShare, CanEdit), not ${String(step.after)}`;
    case 'unshare':
      if (step.target.type !== 'connection') return 'an unshare step must target a connection';
      return step.before !== null && step.after === null ? null : "an unshare step goes from a role to null";
  }
}

export function validatePlan(plan: Plan): void {
  const invalid = (message: string): never => {
    throw new ApplyError('invalid-plan', `This plan cannot be applied: ${message}`);
  };
  if ((plan as { format?: unknown }).format !== 'patchbay-plan' || plan.formatVersion !== 1) invalid('it is not a Patchbay plan (format patchbay-plan, version 1).');
  const environments = new Set(plan.environments.map((e) => e.id));
  const byId = new Map<string, PlanStep>();
  for (const step of plan.steps) {
    if (byId.has(step.id)) invalid(`step id ${step.id} appears twice.`);
    byId.set(step.id, step);
    const problem = stepProblem(step, environments);
    if (problem) invalid(`step ${step.id}: ${problem}.`);
  }
  for (const step of plan.steps) {
    for (const dep of step.dependsOn) if (!byId.has(dep)) invalid(`step ${step.id} depends on ${dep}, which is not in the plan.`);
  }
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (step: PlanStep, path: string[]): void => {
    const mark = state.get(step.id);
    if (mark === 'done') return;
    if (mark === 'visiting') invalid(`its steps depend on each other in a cycle: ${[...path.slice(path.indexOf(step.id)), step.id].join(' → ')}.`);
    state.set(step.id, 'visiting');
    for (const dep of step.dependsOn) {
      const next = byId.get(dep);
      if (next) visit(next, [...path, step.id]);
    }
    state.set(step.id, 'done');
  };
  for (const step of plan.steps) visit(step, []);
}
