import type {
  CloudFlow,
  Connection,
  ConnectionReference,
  ConnectionShare,
  Environment,
  EnvironmentVariable,
  Solution,
  SystemUser,
} from '../domain/types';

/**
 * What a scan knows about one environment for one solution: the solution's references, flows and
 * environment variables, the connections that exist there (with their shares), and the rights of every
 * principal the rules care about. Everything the matrix, preflight and plan derive comes from this.
 */

export interface ConnectionWithShares extends Connection {
  shares: ConnectionShare[];
}

/** A principal's standing in one environment, as far as wiring and activation need it. */
export interface PrincipalRights {
  objectId: string;
  displayName: string;
  /** Has a systemuser here. */
  present: boolean;
  disabled: boolean;
  isApplicationUser: boolean;
  /** Holds prvActOnBehalfOfAnotherUser (may impersonate). */
  delegate: boolean;
  /** May update workflows (turn flows on/off) and connection references. */
  canWrite: boolean;
  /** A Power Platform admin or management app: may share any connection through the admin API. */
  platformAdmin: boolean;
}

/** The identities a run can act as: the signed-in account, and the pipeline service principal if configured. */
export type IdentityRole = 'me' | 'spn';

export interface EnvironmentSnapshot {
  environment: Environment;
  scannedAt: string;
  /** null: the solution is not installed here (every row is "absent"). */
  solution: Solution | null;
  references: ConnectionReference[];
  flows: CloudFlow[];
  envVars: EnvironmentVariable[];
  connections: ConnectionWithShares[];
  /** systemusers involved: connection owners, flow owners, the identities. */
  users: SystemUser[];
  /** Rights by Entra object id (lower case): connection owners and the identities. */
  rights: Record<string, PrincipalRights>;
  /** Which object id each identity role has (absent when not configured). */
  identities: Partial<Record<IdentityRole, string>>;
  /** Parts the scan could not read (e.g. the connections API refused): shown, never hidden. */
  problems: string[];
}

export function connectionByName(snapshot: EnvironmentSnapshot, name: string | null): ConnectionWithShares | undefined {
  if (!name) return undefined;
  return snapshot.connections.find((c) => c.name === name);
}

export function referenceByLogicalName(snapshot: EnvironmentSnapshot, logicalName: string): ConnectionReference | undefined {
  const wanted = logicalName.toLowerCase();
  return snapshot.references.find((r) => r.logicalName.toLowerCase() === wanted);
}

export function flowById(snapshot: EnvironmentSnapshot, id: string): CloudFlow | undefined {
  const wanted = id.toLowerCase();
  return snapshot.flows.find((f) => f.id.toLowerCase() === wanted);
}

/** Owner or any share (a tenant-wide share counts for everyone), as the platform's rules test it. */
export function canUseConnection(connection: ConnectionWithShares, objectId: string): boolean {
  const id = objectId.toLowerCase();
  if (connection.owner.objectId.toLowerCase() === id) return true;
  return connection.shares.some((s) => s.principal.objectId.toLowerCase() === id || s.principal.type === 'Tenant');
}

/** May this principal share the connection onward? Owner, CanEdit or CanViewWithShare. */
export function canShareConnection(connection: ConnectionWithShares, objectId: string): boolean {
  const id = objectId.toLowerCase();
  if (connection.owner.objectId.toLowerCase() === id) return true;
  return connection.shares.some((s) => s.principal.objectId.toLowerCase() === id && (s.role === 'CanEdit' || s.role === 'CanViewWithShare' || s.role === 'Owner'));
}

export function rightsOf(snapshot: EnvironmentSnapshot, objectId: string): PrincipalRights | undefined {
  return snapshot.rights[objectId.toLowerCase()];
}
