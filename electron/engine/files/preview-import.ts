import type { FlowState } from '../../../shared/domain/types';
import { connectionByName, flowById, referenceByLogicalName, rightsOf, type EnvironmentSnapshot } from '../../../shared/engine/snapshot';
import { rankConnections } from '../../../shared/engine/suggest';
import { DATAVERSE_CONNECTOR, connectorDisplayName } from '../../../shared/flows/connectors';
import type { SolutionEnvironmentVariable, SolutionFlow, SolutionPackage } from './solution';

/**
 * What importing a solution into one environment will need, read from the solution file and that
 * environment's scan, before anyone imports: references to wire (new there, or unwired, dangling,
 * broken) with the target's candidate connections for each; connectors with no (healthy) connection at
 * all ("create a connection for X"); flows that will arrive off and why; environment variables without a
 * value; and what is already fine.
 */

export type ReferenceReadiness =
  /** Not in the target yet: arrives unwired. */
  | 'new'
  | 'unwired'
  /** Points at a connection that does not exist there. */
  | 'dangling'
  | 'wrong-connector'
  | 'broken'
  | 'owner-disabled'
  | 'ready';

export interface PreviewCandidate {
  connectionName: string;
  displayName: string;
  ownerName: string;
  ownerObjectId: string;
  healthy: boolean;
  healthMessage: string | null;
  ownerDisabled: boolean;
  /** The one Patchbay would pick (healthy, owner active, best ranked). */
  suggested: boolean;
}

export interface ReferencePreview {
  logicalName: string;
  displayName: string;
  connector: string;
  connectorName: string;
  readiness: ReferenceReadiness;
  currentConnectionId: string | null;
  needsWiring: boolean;
  /** Target connections of this connector, best first (healthy or not). */
  candidates: PreviewCandidate[];
  /** Names of the solution's flows that use it. */
  usedBy: string[];
  message: string;
}

export interface ConnectorGap {
  connector: string;
  connectorName: string;
  kind: 'no-connection' | 'no-healthy-connection';
  references: string[];
  message: string;
}

export interface FlowPreview {
  id: string;
  name: string;
  packagedState: 'on' | 'off';
  /** The flow's state in the target today; null when it is new there. */
  currentState: FlowState | null;
  arrivesOff: boolean;
  reasons: string[];
}

export type VariableSource = 'target-value' | 'package-value' | 'default' | 'none';

export interface VariablePreview {
  schemaName: string;
  displayName: string;
  type: SolutionEnvironmentVariable['type'];
  source: VariableSource;
  needsValue: boolean;
  message: string;
}

export interface ImportPreview {
  environmentId: string;
  environmentName: string;
  solution: { uniqueName: string; version: string; managed: boolean };
  installation: { kind: 'new' | 'upgrade' | 'same-version' | 'downgrade'; installedVersion: string | null; message: string };
  references: ReferencePreview[];
  /** Logical names of the references to wire after import. */
  toWire: string[];
  connectorGaps: ConnectorGap[];
  flows: FlowPreview[];
  /** Ids of the flows that will arrive off. */
  flowsArrivingOff: string[];
  environmentVariables: VariablePreview[];
  variablesNeedingValue: string[];
  alreadyFine: { references: string[]; flows: string[]; environmentVariables: string[] };
  warnings: string[];
  summary: string[];
}

/** -1, 0, 1 comparing dotted versions numerically (missing parts are 0). */
export function compareVersions(a: string, b: string): number {
  const x = a.split('.').map((p) => Number.parseInt(p, 10) || 0);
  const y = b.split('.').map((p) => Number.parseInt(p, 10) || 0);
  for (let i = 0; i < Math.max(x.length, y.length); i++) {
    const d = (x[i] ?? 0) - (y[i] ?? 0);
    if (d) return Math.sign(d);
  }
  return 0;
}

const plural = (n: number, one: string, many = `${one}s`): string => `${n} ${n === 1 ? one : many}`;
/** "an Office 365 Outlook connection", "a SharePoint connection". */
const withArticle = (label: string): string => `${/^[AEIOU]/i.test(label) ? 'an' : 'a'} ${label}`;

/** Why a flow using a reference in this state cannot be turned on (owner-disabled does not block activation). */
const blockingReason: Record<ReferenceReadiness, ((env: string) => string) | null> = {
  new: () => 'which arrives unwired',
  unwired: (env) => `which is not wired in ${env}`,
  dangling: (env) => `whose connection no longer exists in ${env}`,
  'wrong-connector': () => 'which is wired to a connection of another connector',
  broken: () => 'whose connection is in error',
  'owner-disabled': null,
  ready: null,
};

function installation(solution: SolutionPackage, snapshot: EnvironmentSnapshot, warnings: string[]): ImportPreview['installation'] {
  const env = snapshot.environment.displayName;
  const installed = snapshot.solution;
  if (!installed) return { kind: 'new', installedVersion: null, message: `${solution.uniqueName} is not installed in ${env}: this is a first import.` };
  if (installed.uniqueName.toLowerCase() !== solution.uniqueName.toLowerCase()) {
    warnings.push(`The scan of ${env} is of ${installed.uniqueName}, not ${solution.uniqueName}: rescan ${env} for ${solution.uniqueName} for an exact preview.`);
  }
  if (installed.managed !== solution.managed && solution.packageType !== 'both') {
    warnings.push(
      `${solution.uniqueName} is installed ${installed.managed ? 'managed' : 'unmanaged'} in ${env}, but this package is ${solution.managed ? 'managed' : 'unmanaged'}: the import will be refused.`,
    );
  }
  const order = compareVersions(solution.version, installed.version);
  if (order > 0) return { kind: 'upgrade', installedVersion: installed.version, message: `Upgrades ${env} from ${installed.version} to ${solution.version}.` };
  if (order === 0) return { kind: 'same-version', installedVersion: installed.version, message: `${env} already has version ${installed.version}.` };
  warnings.push(`${env} has ${installed.version}, newer than this package's ${solution.version}: the import will be refused unless it is forced.`);
  return { kind: 'downgrade', installedVersion: installed.version, message: `${env} has a newer version (${installed.version}) than this package (${solution.version}).` };
}

function previewReferences(solution: SolutionPackage, snapshot: EnvironmentSnapshot, warnings: string[]): ReferencePreview[] {
  const env = snapshot.environment.displayName;
  return solution.connectionReferences.map((pkg): ReferencePreview => {
    const target = referenceByLogicalName(snapshot, pkg.logicalName);
    const connectorLabel = connectorDisplayName(pkg.connector);
    if (target && target.connector.toLowerCase() !== pkg.connector.toLowerCase()) {
      warnings.push(`${pkg.logicalName} uses ${connectorDisplayName(target.connector)} in ${env} but ${connectorLabel} in this package.`);
    }
    const ranked = rankConnections(snapshot, { connector: pkg.connector }, null);
    const best = ranked[0];
    const suggestedName = best && best.healthy && !best.ownerDisabled ? best.connection.name : null;
    const candidates = ranked.map(
      (c): PreviewCandidate => ({
        connectionName: c.connection.name,
        displayName: c.connection.displayName,
        ownerName: c.connection.owner.displayName,
        ownerObjectId: c.connection.owner.objectId,
        healthy: c.healthy,
        healthMessage: c.connection.health.kind === 'error' ? c.connection.health.message : null,
        ownerDisabled: c.ownerDisabled,
        suggested: c.connection.name === suggestedName,
      }),
    );
    const usedBy = solution.flows.filter((f) => f.references.some((u) => u.logicalName?.toLowerCase() === pkg.logicalName.toLowerCase())).map((f) => f.name);
    let readiness: ReferenceReadiness;
    let message: string;
    const connection = target ? connectionByName(snapshot, target.connectionId) : undefined;
    if (!target) {
      readiness = 'new';
      message = `New in ${env}: it arrives unwired and needs ${withArticle(connectorLabel)} connection.`;
    } else if (!target.connectionId) {
      readiness = 'unwired';
      message = `Not wired in ${env}: it needs ${withArticle(connectorLabel)} connection.`;
    } else if (!connection) {
      readiness = 'dangling';
      message = `Wired in ${env} to ${target.connectionId}, which no longer exists: wire it again.`;
    } else if (connection.connector.toLowerCase() !== pkg.connector.toLowerCase()) {
      readiness = 'wrong-connector';
      message = `Wired in ${env} to a ${connectorDisplayName(connection.connector)} connection; it needs ${connectorLabel}.`;
    } else if (connection.health.kind === 'error') {
      readiness = 'broken';
      message = `Wired in ${env} to ${connection.name}, which is in error: ${connection.health.message}`;
    } else if (rightsOf(snapshot, connection.owner.objectId)?.disabled === true) {
      readiness = 'owner-disabled';
      message = `Wired in ${env} to ${connection.name}, owned by ${connection.owner.displayName}, whose account is disabled.`;
    } else {
      readiness = 'ready';
      message = `Wired in ${env} to ${connection.name} (${connection.owner.displayName}), healthy.`;
    }
    return {
      logicalName: pkg.logicalName,
      displayName: pkg.displayName,
      connector: pkg.connector,
      connectorName: connectorLabel,
      readiness,
      currentConnectionId: target?.connectionId ?? null,
      needsWiring: readiness !== 'ready',
      candidates,
      usedBy,
      message,
    };
  });
}

function connectorGaps(references: ReferencePreview[], snapshot: EnvironmentSnapshot): ConnectorGap[] {
  const env = snapshot.environment.displayName;
  const byConnector = new Map<string, ReferencePreview[]>();
  for (const ref of references.filter((r) => r.needsWiring)) byConnector.set(ref.connector, [...(byConnector.get(ref.connector) ?? []), ref]);
  const gaps: ConnectorGap[] = [];
  for (const [connector, refs] of [...byConnector].sort(([a], [b]) => connectorDisplayName(a).localeCompare(connectorDisplayName(b)))) {
    const candidates = refs[0]?.candidates ?? [];
    const names = refs.map((r) => r.logicalName);
    const label = connectorDisplayName(connector);
    if (!candidates.length) {
      gaps.push({ connector, connectorName: label, kind: 'no-connection', references: names, message: `Create ${withArticle(label)} connection in ${env} (needed by ${names.join(', ')}).` });
    } else if (!candidates.some((c) => c.healthy && !c.ownerDisabled)) {
      gaps.push({
        connector,
        connectorName: label,
        kind: 'no-healthy-connection',
        references: names,
        message: `${env} has ${plural(candidates.length, `${label} connection`)}, but none is healthy with an active owner: re-authenticate one or create a new one (needed by ${names.join(', ')}).`,
      });
    }
  }
  return gaps;
}

function previewFlows(solution: SolutionPackage, snapshot: EnvironmentSnapshot, references: ReferencePreview[]): FlowPreview[] {
  const env = snapshot.environment.displayName;
  const refByName = new Map(references.map((r) => [r.logicalName.toLowerCase(), r]));
  const inPackage = new Map(solution.flows.map((f) => [f.id.toLowerCase(), f]));
  const reasonsFor = (flow: SolutionFlow): string[] => {
    const reasons: string[] = [];
    if (flow.state === 'off') reasons.push('It is off in the package.');
    const embedded = flow.references.filter((u) => u.runtimeSource === 'embedded');
    // Flows that use only the current-environment Dataverse connector turn on unwired (seed post).
    const dataverseOnly = embedded.length > 0 && embedded.every((u) => u.connector === DATAVERSE_CONNECTOR);
    const seen = new Set<string>();
    for (const use of embedded) {
      if (!use.logicalName) {
        reasons.push(`It is bound to a raw connection (${use.key}) instead of a connection reference.`);
        continue;
      }
      const key = use.logicalName.toLowerCase();
      if (seen.has(key)) continue;
      seen.add(key);
      const ref = refByName.get(key);
      if (!ref) {
        if (!referenceByLogicalName(snapshot, use.logicalName)) reasons.push(`It uses ${use.logicalName}, which is neither in the solution nor in ${env}.`);
        continue;
      }
      const why = blockingReason[ref.readiness];
      if (!why || (dataverseOnly && (ref.readiness === 'new' || ref.readiness === 'unwired'))) continue;
      reasons.push(`It uses ${ref.logicalName} (${ref.connectorName}), ${why(env)}.`);
    }
    return reasons;
  };
  const previews = new Map(
    solution.flows.map((flow): [string, FlowPreview] => {
      const reasons = reasonsFor(flow);
      return [flow.id, { id: flow.id, name: flow.name, packagedState: flow.state, currentState: flowById(snapshot, flow.id)?.state ?? null, arrivesOff: reasons.length > 0, reasons }];
    }),
  );
  // A parent cannot be turned on while a child it calls is off: propagate until nothing changes.
  for (const flow of solution.flows) {
    for (const childId of flow.childFlowIds) {
      if (!inPackage.has(childId.toLowerCase()) && !flowById(snapshot, childId)) {
        previews.get(flow.id)?.reasons.push(`It calls a child flow (${childId}) that is neither in the solution nor in ${env}.`);
      }
    }
  }
  let changed = true;
  while (changed) {
    changed = false;
    for (const flow of solution.flows) {
      const preview = previews.get(flow.id);
      if (!preview) continue;
      for (const childId of flow.childFlowIds) {
        const child = inPackage.get(childId.toLowerCase());
        const childPreview = child ? previews.get(child.id) : undefined;
        const reason = childPreview ? `It calls ${childPreview.name}, which will arrive off.` : null;
        if (childPreview?.arrivesOff && reason && !preview.reasons.includes(reason)) {
          preview.reasons.push(reason);
          changed = true;
        }
      }
      preview.arrivesOff = preview.reasons.length > 0;
    }
  }
  return [...previews.values()].sort((a, b) => a.name.localeCompare(b.name));
}

function previewVariables(solution: SolutionPackage, snapshot: EnvironmentSnapshot): VariablePreview[] {
  const env = snapshot.environment.displayName;
  return solution.environmentVariables.map((v): VariablePreview => {
    const target = snapshot.envVars.find((t) => t.schemaName.toLowerCase() === v.schemaName.toLowerCase());
    const base = { schemaName: v.schemaName, displayName: v.displayName, type: v.type };
    if (target?.value) return { ...base, source: 'target-value', needsValue: false, message: `Has a value in ${env}.` };
    if (v.value && v.type !== 'Secret') return { ...base, source: 'package-value', needsValue: false, message: `The package carries a value; the import sets it in ${env}.` };
    const fallback = v.defaultValue ?? target?.defaultValue ?? null;
    if (fallback && v.type !== 'Secret') return { ...base, source: 'default', needsValue: false, message: `No value in ${env}; its default ${JSON.stringify(fallback)} applies.` };
    return {
      ...base,
      source: 'none',
      needsValue: true,
      message: v.type === 'Secret' ? `No value in ${env}: set its Azure Key Vault secret reference.` : `No value and no default in ${env}: set one.`,
    };
  });
}

export function previewImport(solution: SolutionPackage, snapshot: EnvironmentSnapshot): ImportPreview {
  const env = snapshot.environment.displayName;
  const warnings: string[] = [];
  const install = installation(solution, snapshot, warnings);
  const references = previewReferences(solution, snapshot, warnings);
  const gaps = connectorGaps(references, snapshot);
  const flows = previewFlows(solution, snapshot, references);
  const variables = previewVariables(solution, snapshot);
  if (flows.some((f) => f.packagedState === 'on' && !f.arrivesOff)) {
    warnings.push('Flows packaged on may still arrive off: the platform does not reliably turn cloud flows on after an import. Patchbay can turn them on afterwards.');
  }
  const toWire = references.filter((r) => r.needsWiring).map((r) => r.logicalName);
  const arrivingOff = flows.filter((f) => f.arrivesOff);
  const needingValue = variables.filter((v) => v.needsValue).map((v) => v.schemaName);
  const summary = [
    install.message,
    toWire.length ? `${plural(toWire.length, 'connection reference')} to wire in ${env}.` : `Every connection reference is wired in ${env}.`,
    ...gaps.map((g) => g.message),
    arrivingOff.length ? `${plural(arrivingOff.length, 'flow')} of ${flows.length} will arrive off.` : `No flow is expected to arrive off.`,
    needingValue.length ? `${plural(needingValue.length, 'environment variable')} without a value: ${needingValue.join(', ')}.` : 'Every environment variable has a value or a default.',
  ];
  return {
    environmentId: snapshot.environment.id,
    environmentName: env,
    solution: { uniqueName: solution.uniqueName, version: solution.version, managed: solution.managed },
    installation: install,
    references,
    toWire,
    connectorGaps: gaps,
    flows,
    flowsArrivingOff: arrivingOff.map((f) => f.id),
    environmentVariables: variables,
    variablesNeedingValue: needingValue,
    alreadyFine: {
      references: references.filter((r) => !r.needsWiring).map((r) => r.logicalName),
      flows: flows.filter((f) => !f.arrivesOff).map((f) => f.id),
      environmentVariables: variables.filter((v) => !v.needsValue).map((v) => v.schemaName),
    },
    warnings,
    summary,
  };
}
