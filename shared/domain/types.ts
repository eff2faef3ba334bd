/**
 * The domain as both sides see it: environments, connections, connection references, cloud flows,
 * users and environment variables, read from the platform and normalised. No tokens, no raw payloads.
 */

export type CloudId = 'public' | 'gcc' | 'gcchigh' | 'dod' | 'china' | 'sandbox';

export interface Environment {
  /** BAP environment name (GUID or Default-{tenantId}). */
  id: string;
  displayName: string;
  sku: string;
  region: string;
  isDefault: boolean;
  /** Dataverse instance URL with trailing slash; null when the environment has no Dataverse. */
  instanceUrl: string | null;
  organizationId: string | null;
}

export type ConnectionHealth = { kind: 'connected' } | { kind: 'error'; code: string; message: string };

export interface ConnectionPrincipal {
  objectId: string;
  displayName: string;
  type: 'User' | 'ServicePrincipal' | 'Group' | 'Tenant' | 'NotSpecified';
  userPrincipalName: string | null;
}

export interface ConnectionShare {
  principal: ConnectionPrincipal;
  role: 'Owner' | 'CanView' | 'CanViewWithShare' | 'CanEdit';
  /** The permission id to remove it. */
  id: string;
}

export interface Connection {
  /** The connection id (name): what goes into `connectionreference.connectionid`. */
  name: string;
  environmentId: string;
  /** Connector short name, e.g. shared_office365. */
  connector: string;
  displayName: string;
  owner: ConnectionPrincipal;
  health: ConnectionHealth;
  createdTime: string;
}

export interface ConnectionReference {
  id: string;
  logicalName: string;
  displayName: string;
  /** Connector short name. */
  connector: string;
  connectorId: string;
  /** null when unwired. */
  connectionId: string | null;
  /** For optimistic concurrency on writes. */
  etag: string;
  managed: boolean;
}

export type FlowState = 'on' | 'off' | 'suspended';

export interface FlowReferenceUse {
  key: string;
  logicalName: string | null;
  connector: string;
  runtimeSource: 'embedded' | 'invoker';
}

export interface CloudFlow {
  /** Dataverse workflowid (the join key to the Flow API's workflowEntityId). */
  id: string;
  name: string;
  state: FlowState;
  ownerId: string;
  managed: boolean;
  etag: string;
  references: FlowReferenceUse[];
  childFlowIds: string[];
  /** Set when clientdata could not be read. */
  definitionError: string | null;
  modifiedOn: string;
}

export interface SystemUser {
  id: string;
  objectId: string | null;
  fullName: string;
  userPrincipalName: string;
  disabled: boolean;
  isApplicationUser: boolean;
  applicationId: string | null;
}

export interface EnvironmentVariable {
  definitionId: string;
  schemaName: string;
  displayName: string;
  type: 'String' | 'Number' | 'Boolean' | 'JSON' | 'DataSource' | 'Secret';
  defaultValue: string | null;
  /** The environment's current value row, if any. */
  valueId: string | null;
  value: string | null;
}

export interface Solution {
  id: string;
  uniqueName: string;
  friendlyName: string;
  version: string;
  managed: boolean;
}
