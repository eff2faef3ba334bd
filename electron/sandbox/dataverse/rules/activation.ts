import { parseClientData } from '../../../../shared/flows/clientdata';
import { DATAVERSE_CONNECTOR, connectorName } from '../../../../shared/flows/connectors';
import type { Row, SandboxEnvironment } from '../../model';
import type { SandboxStore } from '../../store';
import type { SandboxSwitches } from '../../switches';
import type { DataverseUser } from '../auth';
import { flowClientError, type DataverseError, type FlowInnerError } from '../errors';

/**
 * Turning a cloud flow on (reference §4): every embedded reference must be wired; the wired connection
 * must exist here, be healthy and be usable by the activating identity; every child flow must have been
 * published. The Flow service checks all of them and reports every failure (MultipleErrorsOccurred).
 * Both Dataverse (`PATCH workflows`) and the Flow API (`/start`) apply these rules.
 */

export interface ActivationSubject {
  /** Entra object id of the identity turning the flow on (caller or impersonated user). */
  objectId: string;
  isApplicationUser: boolean;
}

export const subjectOf = (user: DataverseUser): ActivationSubject => ({ objectId: user.objectId, isApplicationUser: user.isApplicationUser });

export function connectionPath(apiName: string, connectionName: string): string {
  return `/providers/Microsoft.PowerApps/apis/${apiName}/connections/${connectionName}`;
}

export function connectionAuthorizationFailed(objectId: string, apiName: string, connectionName: string): FlowInnerError {
  return {
    status: 'Forbidden',
    code: 'ConnectionAuthorizationFailed',
    message: `The caller object id is '${objectId}'. Connection '${connectionPath(apiName, connectionName)}' to '${apiName}' cannot be used to activate this flow, either because this is not a valid connection or because it is not a connection you have access permission for. Either replace the connection with a valid connection you can access or have the connection owner activate the flow, so the connection is shared with you in the context of this flow.`,
  };
}

export function missingUserDetails(tenantId: string, objectId: string): FlowInnerError {
  const inner = { error: { code: 'MissingUserDetails', message: `The user details for tenant id '${tenantId}' and principal id '${objectId}' doesn't exist.` } };
  return { status: 'BadRequest', code: 'BapListServicePlansFailed', message: JSON.stringify(inner) };
}

function childBlocked(store: SandboxStore, env: SandboxEnvironment, childId: string, switches: SandboxSwitches): boolean {
  if (switches.childFlowBlocksWhen === 'currently-off') return store.row(env, 'workflow', childId)?.['statecode'] !== 1;
  return !env.internals.publishedFlowIds.includes(childId);
}

/** The Flow service's verdict on turning `flow` on as `subject`: the errors, in the order it reports them. */
export function activationErrors(
  store: SandboxStore,
  env: SandboxEnvironment,
  flow: Row,
  subject: ActivationSubject,
  switches: SandboxSwitches,
): FlowInnerError[] {
  if (switches.legacySpn && subject.isApplicationUser) return [missingUserDetails(store.state.tenant.id, subject.objectId)];
  const parsed = parseClientData(typeof flow['clientdata'] === 'string' ? flow['clientdata'] : null);
  if (!parsed.ok) {
    return [{ status: 'BadRequest', code: 'InvalidOpenApiFlow', message: `Flow save failed with code 'InvalidFlowDefinition' and message '${parsed.error}'.` }];
  }
  const errors: FlowInnerError[] = [];
  const embedded = parsed.value.references.filter((r) => r.runtimeSource === 'embedded');
  const dataverseOnly = switches.dataverseOnlyFlowsActivateUnwired && embedded.length > 0 && embedded.every((r) => r.apiName === DATAVERSE_CONNECTOR);
  const references = store.rows(env, 'connectionreference');
  const seen = new Set<string>();
  for (const use of embedded) {
    const logicalName = use.logicalName ?? use.key;
    if (seen.has(logicalName.toLowerCase())) continue;
    seen.add(logicalName.toLowerCase());
    const reference = references.find((r) => String(r['connectionreferencelogicalname']).toLowerCase() === logicalName.toLowerCase());
    const connectionId = reference?.['connectionid'];
    if (typeof connectionId !== 'string' || connectionId === '') {
      if (dataverseOnly) continue;
      errors.push({
        status: 'BadRequest',
        code: 'XrmConnectionReferenceMissingConnection',
        message: `Connection Id missing for connection reference logical name '${logicalName}'.`,
      });
      continue;
    }
    const apiName = reference ? connectorName(String(reference['connectorid'] ?? '')) : use.apiName;
    const connection = store.connection(env.id, connectionId);
    const usable = connection !== undefined && connection.status.kind === 'Connected' && store.canUseConnection(connection, subject.objectId);
    if (!usable) errors.push(connectionAuthorizationFailed(subject.objectId, apiName, connectionId));
  }
  for (const childId of parsed.value.childFlowIds) {
    const child = store.row(env, 'workflow', childId);
    const childParsed = child ? parseClientData(typeof child['clientdata'] === 'string' ? child['clientdata'] : null) : null;
    if (childParsed?.ok && childParsed.value.references.some((r) => r.runtimeSource === 'invoker')) {
      errors.push({
        status: 'BadRequest',
        code: 'ChildFlowUnsupportedForInvokerConnections',
        message: `The workflow with id '${childId}', name ${String(child?.['name'] ?? '')} cannot be used as a child workflow because child workflows only support embedded connections.`,
      });
    } else if (!child || childBlocked(store, env, childId, switches)) {
      errors.push({
        status: 'BadRequest',
        code: 'ChildFlowNeverPublished',
        message: `The workflow with id '${childId}' cannot be used as a child workflow because it has never been published. Child workflows need to be published at least once before they can be included in a published parent workflow.`,
      });
    }
  }
  return errors;
}

export function activationError(
  store: SandboxStore,
  env: SandboxEnvironment,
  flow: Row,
  subject: ActivationSubject,
  switches: SandboxSwitches,
): DataverseError | null {
  const errors = activationErrors(store, env, flow, subject, switches);
  return errors.length ? flowClientError(errors, switches) : null;
}
