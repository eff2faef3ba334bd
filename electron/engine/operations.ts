import type { ActingIdentity } from '../../shared/engine/preflight';

/**
 * What applying a plan needs from the platform, per environment and acting identity. The live
 * implementation sits on the Dataverse, admin and Flow clients; apply and undo see only this seam.
 * Every write carries the ETag read just before it, so a change made by someone else in between is
 * refused by the platform (412) instead of overwritten.
 */

export interface ReferenceState {
  connectionId: string | null;
  etag: string;
}

export interface FlowStateRead {
  state: 'on' | 'off' | 'suspended';
  etag: string;
}

export interface VariableState {
  /** The environment's value row, if any; null value = no row (the default applies). */
  value: string | null;
  etag: string;
}

export interface WriteOptions {
  /** The ETag read just before; '*' only where no version exists. */
  ifMatch: string;
  signal?: AbortSignal;
}

/** Many targets read at once, by lower-case id. */
export interface ReadMany {
  references: ReadonlyMap<string, ReferenceState>;
  flows: ReadonlyMap<string, FlowStateRead>;
}

export interface EnvironmentOperations {
  /**
   * Reads many references and flows in a few requests (optional). A bulk run uses the answers only to
   * skip the per-step read before a write, never to decide that a step needs no write: the write still
   * carries the ETag read here, and a 412 sends the step back to a fresh read.
   */
  readMany?(ids: { referenceIds: readonly string[]; flowIds: readonly string[] }, signal?: AbortSignal): Promise<ReadMany>;
  readReference(referenceId: string, signal?: AbortSignal): Promise<ReferenceState | null>;
  readFlow(flowId: string, signal?: AbortSignal): Promise<FlowStateRead | null>;
  /** Does the principal already hold a share (or ownership) on the connection? */
  hasAccess(connectionName: string, connector: string, principalObjectId: string, signal?: AbortSignal): Promise<boolean>;
  wire(referenceId: string, connectionId: string | null, identity: ActingIdentity, options: WriteOptions): Promise<void>;
  setFlowState(flowId: string, on: boolean, identity: ActingIdentity, options: WriteOptions): Promise<void>;
  readVariable(definitionId: string, signal?: AbortSignal): Promise<VariableState | null>;
  /** Sets the environment's value (creating its value row), or with null removes the row. */
  setVariable(definitionId: string, schemaName: string, value: string | null, identity: ActingIdentity, options: WriteOptions): Promise<void>;
  share(connectionName: string, connector: string, principalObjectId: string, role: 'CanView' | 'CanViewWithShare' | 'CanEdit', identity: ActingIdentity, signal?: AbortSignal): Promise<void>;
  unshare(connectionName: string, connector: string, principalObjectId: string, identity: ActingIdentity, signal?: AbortSignal): Promise<void>;
}

/** Operations for each environment of a plan (by environment id). */
export type OperationsFor = (environmentId: string) => EnvironmentOperations;
