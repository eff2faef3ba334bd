import { parseClientData } from '../../../shared/flows/clientdata';
import type { Row, SandboxEnvironment } from '../model';
import type { SandboxStore } from '../store';
import { connectorId } from './connectors';
import { isSolutionFlow } from './names';
import { flowConnections } from './references';
import { definitionSummary, triggerSchema } from './summary';

/**
 * A Dataverse cloud-flow row as the Flow API shows it (reference §3.2, cli-m365 flow-get mock and
 * flow-list spec). Lists carry the summary form (no `definition`, no `installedConnectionReferences`,
 * as in cli-m365's list samples); GET adds the definition and the installation details.
 */

export const FLOW_PROVIDER = 'Microsoft.ProcessSimple';

export interface FlowView {
  /** The Flow-API name (see names.ts). */
  name: string;
  /** `list` items or a single `get`. */
  detail: 'list' | 'get';
  /** Maker answers say `userType: Owner` to the flow's owner; admin answers never carry it. */
  callerOwns: boolean;
}

type Json = Record<string, unknown>;

const flowState = (statecode: unknown): 'Started' | 'Stopped' | 'Suspended' =>
  statecode === 1 ? 'Started' : statecode === 2 ? 'Suspended' : 'Stopped';

/** Dataverse keeps milliseconds; the Flow service prints .NET's seven fractional digits. */
function flowTime(value: unknown): string | null {
  if (typeof value !== 'string' || value === '') return null;
  const d = new Date(value);
  return Number.isNaN(d.getTime()) ? value : d.toISOString().replace(/\.(\d{3})Z$/, (_m, ms: string) => `.${ms}0000Z`);
}

export const environmentId = (envName: string): string => `/providers/${FLOW_PROVIDER}/environments/${envName}`;

function creatorOf(store: SandboxStore, env: SandboxEnvironment, row: Row): Json {
  const user = store.row(env, 'systemuser', String(row['createdby'] ?? row['ownerid'] ?? ''));
  const objectId = String(user?.['azureactivedirectoryobjectid'] ?? '');
  const isApp = user?.['applicationid'] !== null && user?.['applicationid'] !== undefined;
  return { tenantId: store.state.tenant.id, objectId, userId: objectId, userType: isApp ? 'ServicePrincipal' : 'ActiveDirectory' };
}

/** The suspension reason the Flow API reports; Dataverse's statuscode 3 is a data-policy suspension. */
const suspensionReason = (row: Row): string => (row['statecode'] === 2 && row['statuscode'] === 3 ? 'CompanyDlpViolation' : 'None');

export function flowResource(store: SandboxStore, env: SandboxEnvironment, row: Row, view: FlowView): Json {
  const { name } = view;
  const parsed = parseClientData(typeof row['clientdata'] === 'string' ? row['clientdata'] : null);
  const references = parsed.ok ? parsed.value.references : [];
  let definition: unknown = undefined;
  try {
    const raw = JSON.parse(String(row['clientdata'] ?? '')) as { properties?: { definition?: unknown } };
    definition = raw.properties?.definition;
  } catch {
    definition = undefined;
  }
  const connections = flowConnections(store, env, references);
  const schema = triggerSchema(definition);
  const solution = isSolutionFlow(row);

  const properties: Json = {
    apiId: connectorId('shared_logicflows'),
    displayName: String(row['name'] ?? ''),
    ...(view.callerOwns ? { userType: 'Owner' } : {}),
    ...(view.detail === 'get' && definition !== undefined ? { definition } : {}),
    ...(schema ? { triggerSchema: schema } : {}),
    state: flowState(row['statecode']),
    ...(view.detail === 'get' ? { plan: 'NotSpecified' } : {}),
    connectionReferences: connections.connectionReferences,
    ...(view.detail === 'get' ? { installedConnectionReferences: connections.installedConnectionReferences } : {}),
    createdTime: flowTime(row['createdon']),
    lastModifiedTime: flowTime(row['modifiedon']),
    flowSuspensionReason: suspensionReason(row),
    environment: { name: env.id, type: `${FLOW_PROVIDER}/environments`, id: environmentId(env.id) },
    definitionSummary: definitionSummary(definition),
    creator: creatorOf(store, env, row),
    ...(view.detail === 'get' ? { installationStatus: 'Installed' } : {}),
    provisioningMethod: 'FromDefinition',
    flowFailureAlertSubscribed: true,
    ...(view.detail === 'get' ? { referencedResources: [] } : {}),
    isManaged: row['ismanaged'] === true,
    workflowEntityId: String(row['workflowid']),
    ...(solution ? { sharingType: 'CommonDataService' } : {}),
  };
  return { name, id: `${environmentId(env.id)}/flows/${name}`, type: `${FLOW_PROVIDER}/environments/flows`, properties };
}
