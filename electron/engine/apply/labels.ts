import type { Plan, PlanStep } from '../../../shared/engine/plan';
import type { ActingIdentity } from '../../../shared/engine/preflight';

/**
 * How steps, targets, environments and identities are named in results and errors. Plans carry
 * display names for environments, references, flows and share principals; for other object ids the
 * caller may pass a `names` lookup (from its scan), else the identity's role stands in.
 */

export type NameLookup = (objectId: string) => string | undefined;

export interface Namer {
  environment(environmentId: string): string;
  step(step: PlanStep): string;
  /** The thing a step changes: "Office 365 (cr_mail)", "Invoice sync", "connection abc". */
  target(step: PlanStep): string;
  principal(objectId: string, role?: 'me' | 'spn'): string;
  /** "Adele Vance", or "Release Pipeline acting as Lee Gu". */
  identity(identity: ActingIdentity | null): string;
  /** A flow's name by workflowid, if the plan knows it. */
  flow(flowId: string): string | undefined;
}

export function createNamer(plan: Plan, names?: NameLookup): Namer {
  const environments = new Map(plan.environments.map((e) => [e.id.toLowerCase(), e.displayName]));
  const principals = new Map<string, string>();
  const flows = new Map<string, string>();
  for (const s of plan.steps) {
    if (s.target.type === 'connection') principals.set(s.target.principalObjectId.toLowerCase(), s.target.principalName);
    if (s.target.type === 'flow') flows.set(s.target.flowId.toLowerCase(), s.target.name);
  }
  const environment = (id: string): string => environments.get(id.toLowerCase()) ?? id;
  const principal = (objectId: string, role?: 'me' | 'spn'): string => {
    const known = names?.(objectId) ?? principals.get(objectId.toLowerCase());
    if (known !== undefined && known !== objectId) return known;
    if (role === 'me') return `the signed-in account (${objectId})`;
    if (role === 'spn') return `the service principal (${objectId})`;
    return `user ${objectId}`;
  };
  const target = (step: PlanStep): string => {
    switch (step.target.type) {
      case 'reference':
        return step.target.displayName === step.target.logicalName ? step.target.logicalName : `${step.target.displayName} (${step.target.logicalName})`;
      case 'flow':
        return step.target.name;
      case 'variable':
        return `environment variable ${step.target.schemaName}`;
      case 'connection':
        return `connection ${step.target.connectionName}`;
    }
  };
  const step = (s: PlanStep): string => {
    const where = ` in ${environment(s.environmentId)}`;
    switch (s.kind) {
      case 'wire':
        return s.after === null ? `unwire ${target(s)}${where}` : `wire ${target(s)}${where}`;
      case 'set-variable':
        return s.after === null ? `clear ${target(s)}${where}` : `set ${target(s)}${where}`;
      case 'activate':
        return `turn on ${target(s)}${where}`;
      case 'deactivate':
        return `turn off ${target(s)}${where}`;
      case 'share':
        return `share ${target(s)} with ${s.target.type === 'connection' ? s.target.principalName : '?'}${where}`;
      case 'unshare':
        return `stop sharing ${target(s)} with ${s.target.type === 'connection' ? s.target.principalName : '?'}${where}`;
    }
  };
  const identity = (id: ActingIdentity | null): string => {
    if (!id) return 'no identity';
    if (id.mode === 'self') return principal(id.objectId, id.role);
    return `${principal(id.actorObjectId, id.role)} acting as ${principal(id.targetObjectId)}`;
  };
  return { environment, step, target, principal, identity, flow: (id) => flows.get(id.toLowerCase()) };
}
