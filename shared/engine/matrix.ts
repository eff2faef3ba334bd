import type { CloudFlow, ConnectionReference, EnvironmentVariable } from '../domain/types';
import { connectorDisplayName } from '../flows/connectors';
import { preflightActivate, type IdentityStrategy } from './preflight';
import type { Blocker } from './rules';
import { canUseConnection, connectionByName, rightsOf, type ConnectionWithShares, type EnvironmentSnapshot } from './snapshot';

/**
 * The matrix (design §6): rows are the solution's connection references, environment variables and
 * flows; columns are environments; each cell is a state with the reasons behind it. Pure: the renderer
 * and the CLI both derive it from the same snapshots.
 */

export type ReferenceState = 'wired' | 'unwired' | 'dangling' | 'broken' | 'owner-disabled' | 'not-usable' | 'absent';
export type FlowCellState = 'on' | 'off' | 'blocked' | 'suspended' | 'absent';
export type EnvVarState = 'set' | 'default' | 'missing' | 'differs' | 'absent';
export type CellState = ReferenceState | FlowCellState | EnvVarState;

export type CellReason =
  | { code: 'blocker'; blocker: Blocker }
  | { code: 'owner-disabled'; ownerObjectId: string; ownerName: string }
  | { code: 'not-shared-with-spn'; connectionName: string; spnObjectId: string }
  | { code: 'connection-error'; message: string }
  | { code: 'may-fail'; blocker: Blocker }
  | { code: 'value-differs'; fileValue: string; liveValue: string | null };

export interface ReferenceCell {
  kind: 'reference';
  state: ReferenceState;
  referenceId: string | null;
  connection: Pick<ConnectionWithShares, 'name' | 'displayName' | 'owner' | 'health' | 'shares'> | null;
  connectionId: string | null;
  reasons: CellReason[];
}

export interface FlowCell {
  kind: 'flow';
  state: FlowCellState;
  flowId: string | null;
  /** Why it cannot be turned on as the viewpoint identity (certain blockers), when off. */
  reasons: CellReason[];
}

export interface EnvVarCell {
  kind: 'envvar';
  state: EnvVarState;
  value: string | null;
  defaultValue: string | null;
  reasons: CellReason[];
}

export type MatrixCell = ReferenceCell | FlowCell | EnvVarCell;

interface RowBase {
  /** Stable across environments: reference logical name, flow workflowid, variable schema name (lower case). */
  key: string;
  displayName: string;
}
export interface ReferenceRow extends RowBase {
  kind: 'reference';
  logicalName: string;
  connector: string;
  connectorName: string;
  cells: Record<string, ReferenceCell>;
}
export interface FlowRow extends RowBase {
  kind: 'flow';
  flowId: string;
  childIds: string[];
  parentIds: string[];
  cells: Record<string, FlowCell>;
}
export interface EnvVarRow extends RowBase {
  kind: 'envvar';
  schemaName: string;
  type: EnvironmentVariable['type'];
  cells: Record<string, EnvVarCell>;
}
export type MatrixRow = ReferenceRow | FlowRow | EnvVarRow;

export interface MatrixColumn {
  environmentId: string;
  displayName: string;
  sku: string;
  solutionVersion: string | null;
  problems: string[];
}

export interface Matrix {
  columns: MatrixColumn[];
  references: ReferenceRow[];
  envVars: EnvVarRow[];
  flows: FlowRow[];
  /** Per environment: how many cells are in each state. */
  counts: Record<string, Partial<Record<CellState, number>>>;
}

export interface MatrixOptions {
  /** Whose point of view decides "not usable" and "blocked" (per environment id, or one for all). */
  identity?: IdentityStrategy | Record<string, IdentityStrategy>;
  /** Values from a loaded settings file: environment id → schema name → value. */
  settingsValues?: Record<string, Record<string, string>>;
}

const strategyFor = (options: MatrixOptions, envId: string): IdentityStrategy =>
  typeof options.identity === 'string' ? options.identity : (options.identity?.[envId] ?? 'auto');

function referenceCell(snapshot: EnvironmentSnapshot, ref: ConnectionReference | undefined, strategy: IdentityStrategy): ReferenceCell {
  if (!snapshot.solution || !ref) return { kind: 'reference', state: 'absent', referenceId: null, connection: null, connectionId: null, reasons: [] };
  const base = { kind: 'reference' as const, referenceId: ref.id, connectionId: ref.connectionId };
  if (!ref.connectionId) return { ...base, state: 'unwired', connection: null, reasons: [] };
  const connection = connectionByName(snapshot, ref.connectionId);
  if (!connection || connection.connector !== ref.connector) return { ...base, state: 'dangling', connection: null, reasons: [] };
  const view = { name: connection.name, displayName: connection.displayName, owner: connection.owner, health: connection.health, shares: connection.shares };
  const reasons: CellReason[] = [];
  const owner = rightsOf(snapshot, connection.owner.objectId);
  const spn = snapshot.identities.spn;
  if (spn && !canUseConnection(connection, spn)) reasons.push({ code: 'not-shared-with-spn', connectionName: connection.name, spnObjectId: spn });
  if (connection.health.kind === 'error') return { ...base, state: 'broken', connection: view, reasons: [{ code: 'connection-error', message: connection.health.message }, ...reasons] };
  if (owner?.disabled) {
    return { ...base, state: 'owner-disabled', connection: view, reasons: [{ code: 'owner-disabled', ownerObjectId: connection.owner.objectId, ownerName: connection.owner.displayName }, ...reasons] };
  }
  if (strategy === 'me' || strategy === 'spn') {
    const acting = snapshot.identities[strategy];
    if (acting && !canUseConnection(connection, acting)) return { ...base, state: 'not-usable', connection: view, reasons };
  }
  return { ...base, state: 'wired', connection: view, reasons };
}

function flowCell(snapshot: EnvironmentSnapshot, flow: CloudFlow | undefined, strategy: IdentityStrategy): FlowCell {
  if (!snapshot.solution || !flow) return { kind: 'flow', state: 'absent', flowId: null, reasons: [] };
  if (flow.state === 'on') return { kind: 'flow', state: 'on', flowId: flow.id, reasons: [] };
  if (flow.state === 'suspended') return { kind: 'flow', state: 'suspended', flowId: flow.id, reasons: [] };
  const verdict = preflightActivate(snapshot, flow, strategy);
  if (verdict.outcome === 'will-fail') {
    return { kind: 'flow', state: 'blocked', flowId: flow.id, reasons: verdict.blockers.map((blocker) => ({ code: 'blocker', blocker })) };
  }
  return { kind: 'flow', state: 'off', flowId: flow.id, reasons: verdict.blockers.map((blocker) => ({ code: 'may-fail', blocker })) };
}

function envVarCell(snapshot: EnvironmentSnapshot, variable: EnvironmentVariable | undefined, fileValue: string | undefined): EnvVarCell {
  if (!snapshot.solution || !variable) return { kind: 'envvar', state: 'absent', value: null, defaultValue: null, reasons: [] };
  const live = variable.value ?? variable.defaultValue;
  const base = { kind: 'envvar' as const, value: variable.value, defaultValue: variable.defaultValue };
  if (fileValue !== undefined && fileValue !== live) return { ...base, state: 'differs', reasons: [{ code: 'value-differs', fileValue, liveValue: live }] };
  if (variable.value !== null) return { ...base, state: 'set', reasons: [] };
  if (variable.defaultValue !== null) return { ...base, state: 'default', reasons: [] };
  return { ...base, state: 'missing', reasons: [] };
}

const byName = <T extends { displayName: string; key: string }>(a: T, b: T): number =>
  a.displayName.localeCompare(b.displayName, 'en', { sensitivity: 'base' }) || a.key.localeCompare(b.key);

export function deriveMatrix(snapshots: readonly EnvironmentSnapshot[], options: MatrixOptions = {}): Matrix {
  const columns: MatrixColumn[] = snapshots.map((s) => ({
    environmentId: s.environment.id,
    displayName: s.environment.displayName,
    sku: s.environment.sku,
    solutionVersion: s.solution?.version ?? null,
    problems: s.problems,
  }));

  // Row identity is the component's, across environments; its label comes from the first environment that has it.
  const refKeys = new Map<string, ConnectionReference>();
  const flowKeys = new Map<string, CloudFlow>();
  const varKeys = new Map<string, EnvironmentVariable>();
  for (const s of snapshots) {
    for (const r of s.references) if (!refKeys.has(r.logicalName.toLowerCase())) refKeys.set(r.logicalName.toLowerCase(), r);
    for (const f of s.flows) if (!flowKeys.has(f.id.toLowerCase())) flowKeys.set(f.id.toLowerCase(), f);
    for (const v of s.envVars) if (!varKeys.has(v.schemaName.toLowerCase())) varKeys.set(v.schemaName.toLowerCase(), v);
  }

  const references: ReferenceRow[] = [...refKeys].map(([key, ref]) => ({
    kind: 'reference',
    key,
    displayName: ref.displayName,
    logicalName: ref.logicalName,
    connector: ref.connector,
    connectorName: connectorDisplayName(ref.connector),
    cells: Object.fromEntries(
      snapshots.map((s) => [s.environment.id, referenceCell(s, s.references.find((r) => r.logicalName.toLowerCase() === key), strategyFor(options, s.environment.id))]),
    ),
  }));
  references.sort((a, b) => a.connectorName.localeCompare(b.connectorName) || byName(a, b));

  const parents = new Map<string, Set<string>>();
  for (const f of flowKeys.values()) {
    for (const child of f.childFlowIds) {
      const set = parents.get(child.toLowerCase()) ?? new Set<string>();
      set.add(f.id.toLowerCase());
      parents.set(child.toLowerCase(), set);
    }
  }
  const flows: FlowRow[] = [...flowKeys].map(([key, flow]) => ({
    kind: 'flow',
    key,
    displayName: flow.name,
    flowId: flow.id,
    childIds: flow.childFlowIds.map((c) => c.toLowerCase()),
    parentIds: [...(parents.get(key) ?? [])].sort(),
    cells: Object.fromEntries(snapshots.map((s) => [s.environment.id, flowCell(s, s.flows.find((f) => f.id.toLowerCase() === key), strategyFor(options, s.environment.id))])),
  }));
  flows.sort(byName);

  const envVars: EnvVarRow[] = [...varKeys].map(([key, v]) => ({
    kind: 'envvar',
    key,
    displayName: v.displayName || v.schemaName,
    schemaName: v.schemaName,
    type: v.type,
    cells: Object.fromEntries(
      snapshots.map((s) => [
        s.environment.id,
        envVarCell(s, s.envVars.find((x) => x.schemaName.toLowerCase() === key), options.settingsValues?.[s.environment.id]?.[v.schemaName]),
      ]),
    ),
  }));
  envVars.sort(byName);

  const counts: Matrix['counts'] = {};
  for (const column of columns) {
    const tally: Partial<Record<CellState, number>> = {};
    for (const row of [...references, ...envVars, ...flows]) {
      const cell = row.cells[column.environmentId];
      if (cell) tally[cell.state] = (tally[cell.state] ?? 0) + 1;
    }
    counts[column.environmentId] = tally;
  }
  return { columns, references, envVars, flows, counts };
}
