import type { Plan, PlanStep, StepKind } from '../../../shared/engine/plan';
import { ApplyError } from './apply-error';
import type { Journal } from './journal';
import { createNamer } from './labels';
import { isShareRole } from './perform-step';
import type { StepResult } from './types';

/**
 * Undo from the journal: a new, ordinary plan that puts back what a run changed, built from the
 * before-values the run observed. Only steps the run did (`done`) are undone; skipped, failed,
 * conflicting and cancelled steps changed nothing. Dependencies are reversed (a parent turned on after
 * its child is turned off before it; a reference wired before a flow went on is unwired after it goes
 * off; a share made for wiring is removed last). Each undo step's `before` is what the run left, so
 * applying the undo refuses, as a conflict, to revert anything someone changed since.
 */

export interface UndoOptions {
  now?: () => Date;
  /** Plan id; default `undo-<runId>`. */
  id?: string;
}

function inverse(step: PlanStep, result: StepResult): { kind: StepKind; before: string | null; after: string | null } {
  switch (step.kind) {
    case 'wire':
      return { kind: 'wire', before: result.after, after: result.before };
    case 'set-variable':
      return { kind: 'set-variable', before: result.after, after: result.before };
    case 'activate':
      return { kind: 'deactivate', before: 'on', after: 'off' };
    case 'deactivate':
      return { kind: 'activate', before: 'off', after: 'on' };
    case 'share':
      return { kind: 'unshare', before: result.after ?? step.after, after: null };
    case 'unshare':
      return { kind: 'share', before: null, after: isShareRole(result.before) ? result.before : 'CanView' };
  }
}

export const undoStepId = (stepId: string): string => `undo:${stepId}`;

export async function planUndo(journal: Journal, runId: string, options: UndoOptions = {}): Promise<Plan> {
  const { state } = await journal.readRun(runId);
  const plan = state.plan;
  if (!plan) throw new ApplyError('not-undoable', `Run ${runId} cannot be undone: its journal has no readable plan (run-started record).`);
  const namer = createNamer(plan);
  const done = new Map<string, StepResult>();
  for (const step of plan.steps) {
    const result = state.results.get(step.id);
    if (result?.status === 'done') done.set(step.id, result);
  }

  const warnings: string[] = [];
  if (state.status === 'incomplete') {
    const uncertain = plan.steps.filter((s) => state.interrupted.has(s.id)).map((s) => namer.step(s));
    warnings.push(
      `Run ${runId} did not finish; only the steps its journal records as done are undone.` +
        (uncertain.length ? ` These were started but not recorded as finished and may have been applied: ${uncertain.join('; ')}. Resume the run first, then undo it.` : ''),
    );
  }

  // Who depends on whom in the run, so undo can go the other way round.
  const dependents = new Map<string, string[]>();
  for (const step of plan.steps) {
    for (const dep of step.dependsOn) dependents.set(dep, [...(dependents.get(dep) ?? []), step.id]);
  }
  /** The done steps that came after `id` in the run: directly, or through steps that changed nothing. */
  const laterDone = (id: string): string[] => {
    const found = new Set<string>();
    const seen = new Set<string>();
    const walk = (from: string): void => {
      for (const next of dependents.get(from) ?? []) {
        if (seen.has(next)) continue;
        seen.add(next);
        if (done.has(next)) found.add(next);
        else walk(next);
      }
    };
    walk(id);
    return [...found];
  };

  const steps: PlanStep[] = [];
  for (const step of [...plan.steps].reverse()) {
    const result = done.get(step.id);
    if (!result) continue;
    const { kind, before, after } = inverse(step, result);
    const identity = result.identity ?? step.identity;
    steps.push({
      id: undoStepId(step.id),
      environmentId: step.environmentId,
      kind,
      target: step.target,
      before,
      after,
      strategy: step.strategy,
      identity,
      dependsOn: laterDone(step.id).map(undoStepId),
      // Not a preflight: the identity that made the change is assumed able to revert it. Callers that want
      // a real verdict re-plan against a fresh scan; apply's read-before-write still guards every step.
      verdict: { outcome: 'will-succeed', strategy: step.strategy, identity, blockers: [], fixes: [] },
      etag: null,
    });
  }

  const now = options.now ?? (() => new Date());
  return {
    format: 'patchbay-plan',
    formatVersion: 1,
    id: options.id ?? `undo-${runId}`,
    createdAt: now().toISOString(),
    solution: plan.solution,
    environments: plan.environments,
    steps,
    warnings,
  };
}
