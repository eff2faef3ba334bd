import type { CloudFlow, ConnectionReference } from '../domain/types';
import { DATAVERSE_CONNECTOR } from '../flows/connectors';
import { canUseConnection, connectionByName, flowById, referenceByLogicalName, rightsOf, type EnvironmentSnapshot } from './snapshot';

/**
 * The platform's rules for wiring and turning flows on, evaluated on a snapshot (reference §4.1; the
 * sandbox enforces the same ones). Each rule that would refuse becomes a Blocker with the facts a person
 * needs; `certain: false` marks what the platform decides from history we cannot read (whether a child
 * flow was ever published).
 */

export type Blocker =
  | { code: 'definition-unreadable'; message: string }
  | { code: 'reference-missing'; logicalName: string }
  | { code: 'reference-unwired'; referenceId: string; logicalName: string; connector: string }
  | { code: 'reference-dangling'; referenceId: string; logicalName: string; connector: string; connectionId: string }
  | { code: 'connection-broken'; referenceId: string; logicalName: string; connectionName: string; message: string }
  | { code: 'connection-not-usable'; referenceId: string; logicalName: string; connectionName: string; ownerObjectId: string; principalObjectId: string }
  | { code: 'connection-missing'; connectionName: string }
  | { code: 'cannot-share'; connectionName: string; principalObjectId: string }
  | { code: 'child-absent'; childId: string }
  | { code: 'child-uses-invoker'; childId: string; childName: string }
  | { code: 'child-off'; childId: string; childName: string; certain: boolean }
  | { code: 'identity-absent'; objectId: string }
  | { code: 'identity-disabled'; objectId: string }
  | { code: 'identity-cannot-write'; objectId: string }
  | { code: 'no-delegate'; objectId: string };

export const isCertain = (b: Blocker): boolean => b.code !== 'child-off' || b.certain;

export interface ActivationContext {
  /** Flows the plan turns on before this one (children ordered first): they no longer block. */
  onBefore?: ReadonlySet<string>;
  /** References the plan wires before this step: logical name (lower case) → connection name. */
  wiredBefore?: ReadonlyMap<string, string>;
  /** Connections the plan shares before this step: `${connection}|${objectId}`. */
  sharedBefore?: ReadonlySet<string>;
}

const shareKey = (connectionName: string, objectId: string): string => `${connectionName}|${objectId.toLowerCase()}`;
export { shareKey };

/** The connection a reference points at, once the plan's earlier wiring is applied. */
export function effectiveConnectionId(reference: ConnectionReference, context: ActivationContext): string | null {
  return context.wiredBefore?.get(reference.logicalName.toLowerCase()) ?? reference.connectionId;
}

/** Can `objectId` use the connection behind a reference? Checks existence, health and access. */
export function referenceBlocker(
  snapshot: EnvironmentSnapshot,
  reference: ConnectionReference,
  objectId: string,
  context: ActivationContext = {},
  /** Wiring does not care about health (only activation does); it still needs access. */
  ignoreHealth = false,
): Blocker | null {
  const connectionId = effectiveConnectionId(reference, context);
  if (!connectionId) return { code: 'reference-unwired', referenceId: reference.id, logicalName: reference.logicalName, connector: reference.connector };
  const connection = connectionByName(snapshot, connectionId);
  if (!connection || connection.connector !== reference.connector) {
    return { code: 'reference-dangling', referenceId: reference.id, logicalName: reference.logicalName, connector: reference.connector, connectionId };
  }
  if (connection.health.kind === 'error' && !ignoreHealth) {
    return { code: 'connection-broken', referenceId: reference.id, logicalName: reference.logicalName, connectionName: connection.name, message: connection.health.message };
  }
  if (!canUseConnection(connection, objectId) && !context.sharedBefore?.has(shareKey(connection.name, objectId))) {
    return {
      code: 'connection-not-usable',
      referenceId: reference.id,
      logicalName: reference.logicalName,
      connectionName: connection.name,
      ownerObjectId: connection.owner.objectId,
      principalObjectId: objectId,
    };
  }
  return null;
}

/** Every reason the platform would refuse to turn `flow` on as `objectId` (the effective identity). */
export function activationBlockers(snapshot: EnvironmentSnapshot, flow: CloudFlow, objectId: string, context: ActivationContext = {}): Blocker[] {
  if (flow.definitionError) return [{ code: 'definition-unreadable', message: flow.definitionError }];
  const blockers: Blocker[] = [];
  const embedded = flow.references.filter((r) => r.runtimeSource === 'embedded');
  // Flows that use only the current-environment Dataverse connector turn on unwired (seed post).
  const dataverseOnly = embedded.length > 0 && embedded.every((r) => r.connector === DATAVERSE_CONNECTOR);
  const seen = new Set<string>();
  for (const use of embedded) {
    const logicalName = use.logicalName ?? use.key;
    if (seen.has(logicalName.toLowerCase())) continue;
    seen.add(logicalName.toLowerCase());
    const reference = referenceByLogicalName(snapshot, logicalName);
    if (!reference) {
      blockers.push({ code: 'reference-missing', logicalName });
      continue;
    }
    const blocker = referenceBlocker(snapshot, reference, objectId, context);
    if (blocker?.code === 'reference-unwired' && dataverseOnly) continue;
    if (blocker) blockers.push(blocker);
  }
  for (const childId of flow.childFlowIds) {
    const child = flowById(snapshot, childId);
    if (!child) {
      blockers.push({ code: 'child-absent', childId });
    } else if (child.references.some((r) => r.runtimeSource === 'invoker')) {
      blockers.push({ code: 'child-uses-invoker', childId, childName: child.name });
    } else if (child.state !== 'on' && !context.onBefore?.has(child.id.toLowerCase())) {
      // The platform refuses a parent whose child has *never* been published; an off child that was
      // on before may pass. We cannot see that history, so this one is not certain.
      blockers.push({ code: 'child-off', childId: child.id, childName: child.name, certain: false });
    }
  }
  return blockers;
}

/** What stops a principal from writing at all in this environment (before any flow rule). */
export function writerBlockers(snapshot: EnvironmentSnapshot, objectId: string): Blocker[] {
  const rights = rightsOf(snapshot, objectId);
  if (!rights?.present) return [{ code: 'identity-absent', objectId }];
  if (rights.disabled) return [{ code: 'identity-disabled', objectId }];
  if (!rights.canWrite) return [{ code: 'identity-cannot-write', objectId }];
  return [];
}
