import type { Plan, PlanStep } from '../../../shared/engine/plan';
import type { ActingIdentity } from '../../../shared/engine/preflight';
import type { EnvironmentSnapshot, IdentityRole } from '../../../shared/engine/snapshot';
import type { NameLookup } from '../../engine/apply/labels';

/**
 * How the CLI's text names people, environments, targets and changes. Object ids resolve through the
 * caller's lookup (from its scan), then the names the plan carries (share principals), else the identity
 * role ("the signed-in account"), else the id itself.
 */

export type { NameLookup };

/** Display names of every principal a scan knows, across environments. */
export function namesFromSnapshots(snapshots: readonly EnvironmentSnapshot[]): NameLookup {
  const names = new Map<string, string>();
  for (const s of snapshots) {
    for (const [id, rights] of Object.entries(s.rights)) if (!names.has(id.toLowerCase())) names.set(id.toLowerCase(), rights.displayName);
    for (const c of s.connections) if (!names.has(c.owner.objectId.toLowerCase())) names.set(c.owner.objectId.toLowerCase(), c.owner.displayName);
  }
  return (objectId) => names.get(objectId.toLowerCase());
}

/** `names`, completed with the principal names a plan carries on its share steps. */
export function planNames(plan: Pick<Plan, 'steps'>, names?: NameLookup): NameLookup {
  const known = new Map<string, string>();
  for (const s of plan.steps) if (s.target.type === 'connection') known.set(s.target.principalObjectId.toLowerCase(), s.target.principalName);
  return (objectId) => {
    const name = names?.(objectId);
    return name !== undefined && name !== '' ? name : known.get(objectId.toLowerCase());
  };
}

/** Environment id → display name, from a plan (the id itself when unknown). */
export function environmentNamer(environments: readonly { id: string; displayName: string }[]): (environmentId: string) => string {
  const byId = new Map(environments.map((e) => [e.id.toLowerCase(), e.displayName]));
  return (id) => byId.get(id.toLowerCase()) ?? id;
}

export function principalWords(objectId: string, role: IdentityRole | null, names: NameLookup | undefined): string {
  const name = names?.(objectId);
  if (name !== undefined && name !== '') return name;
  if (role === 'me') return 'the signed-in account';
  if (role === 'spn') return 'the service principal';
  return objectId;
}

/** "Adele Vance", or "Adele Vance as Lee Gu" when impersonating. */
export function identityWords(identity: ActingIdentity | null, names: NameLookup | undefined): string {
  if (!identity) return 'no identity available';
  if (identity.mode === 'self') return principalWords(identity.objectId, identity.role, names);
  return `${principalWords(identity.actorObjectId, identity.role, names)} as ${principalWords(identity.targetObjectId, null, names)}`;
}

/** The thing a step changes: "Mail (cr_mail)", "Invoice approval", "connection c3 with Lee Gu", "API URL (cr_apiurl)". */
export function targetWords(step: Pick<PlanStep, 'target'>): string {
  const t = step.target;
  switch (t.type) {
    case 'reference':
      return t.displayName && t.displayName !== t.logicalName ? `${t.displayName} (${t.logicalName})` : t.logicalName;
    case 'flow':
      return t.name;
    case 'connection':
      return `connection ${t.connectionName} with ${t.principalName || t.principalObjectId}`;
    case 'variable':
      return t.displayName && t.displayName !== t.schemaName ? `${t.displayName} (${t.schemaName})` : t.schemaName;
  }
}

/** "none → shared-office365-1", "off → on", "not shared → CanView", "no value → https://api". */
export function changeWords(step: Pick<PlanStep, 'kind' | 'before' | 'after'>): string {
  const none = step.kind === 'share' || step.kind === 'unshare' ? 'not shared' : step.kind === 'set-variable' ? 'no value' : 'none';
  return `${step.before ?? none} → ${step.after ?? none}`;
}

/** "Activating", "Wiring": what a running step is doing. */
export function actionProgressive(kind: PlanStep['kind']): string {
  switch (kind) {
    case 'share':
      return 'Sharing';
    case 'unshare':
      return 'Unsharing';
    case 'wire':
      return 'Wiring';
    case 'activate':
      return 'Activating';
    case 'deactivate':
      return 'Deactivating';
    case 'set-variable':
      return 'Setting';
  }
}
