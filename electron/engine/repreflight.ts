import type { Plan, PlanStep } from '../../shared/engine/plan';
import { preflightActivate, preflightDeactivate, preflightShare, preflightWire } from '../../shared/engine/preflight';
import { flowById, type EnvironmentSnapshot } from '../../shared/engine/snapshot';

/**
 * Undo plans carry the journal's verdicts; before they run, each step is preflighted again against a
 * fresh scan, so a review shows what the platform will do now.
 */
export function repreflight(plan: Plan, snapshots: readonly EnvironmentSnapshot[]): Plan {
  const steps = plan.steps.map((step): PlanStep => {
    const snapshot = snapshots.find((s) => s.environment.id === step.environmentId);
    if (!snapshot) return step;
    const t = step.target;
    let verdict = step.verdict;
    if (t.type === 'reference') {
      const reference = snapshot.references.find((r) => r.id === t.referenceId);
      if (reference) verdict = preflightWire(snapshot, reference, step.after, step.strategy);
    } else if (t.type === 'flow') {
      const flow = flowById(snapshot, t.flowId);
      verdict = step.kind === 'activate' && flow ? preflightActivate(snapshot, flow, step.strategy) : preflightDeactivate(snapshot, step.strategy);
    } else if (t.type === 'connection' && step.kind === 'share') {
      verdict = preflightShare(snapshot, t.connectionName, t.principalObjectId, step.strategy);
    } else {
      verdict = preflightDeactivate(snapshot, step.strategy);
    }
    return { ...step, verdict, identity: verdict.identity ?? step.identity };
  });
  return { ...plan, steps };
}
