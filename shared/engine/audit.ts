import type { Blocker } from './rules';
import { deriveMatrix, type Matrix, type MatrixOptions } from './matrix';
import { namesFromSnapshot, RAW_NAMES, type NameLookup } from './names';
import type { EnvironmentSnapshot } from './snapshot';

/**
 * Audit (job 3): everything a release manager must know before or after a deployment, across
 * environments — references unwired, dangling or pointing at broken connections, connections owned by
 * people who left or not shared with the deploying service principal, flows off, blocked or suspended,
 * environment variables without a value. Findings are plain data: the CLI prints and exports them, the
 * app lists them with a Fix button.
 */

export type FindingKind =
  | 'unwired'
  | 'dangling'
  | 'broken'
  | 'owner-disabled'
  | 'not-shared-with-spn'
  | 'flow-off'
  | 'flow-blocked'
  | 'flow-suspended'
  | 'env-var-missing'
  | 'env-var-differs'
  | 'scan-problem';

export type Severity = 'error' | 'warning' | 'info';

export interface Finding {
  kind: FindingKind;
  severity: Severity;
  environmentId: string;
  environmentName: string;
  /** The row: reference logical name, flow id or variable schema name; empty for scan problems. */
  item: string;
  itemName: string;
  message: string;
  /** What would fix it, in words. */
  fix: string;
}

const severities: Record<FindingKind, Severity> = {
  unwired: 'error',
  dangling: 'error',
  broken: 'error',
  'owner-disabled': 'warning',
  'not-shared-with-spn': 'info',
  'flow-off': 'warning',
  'flow-blocked': 'error',
  'flow-suspended': 'error',
  'env-var-missing': 'error',
  'env-var-differs': 'warning',
  'scan-problem': 'warning',
};

/**
 * One line per blocker, in words a release manager can act on: things by their display names (from
 * `names`; ids as they are without it). A dangling connection id is kept in parentheses: no name exists
 * for it, and it is what to search for.
 */
export function describeBlocker(blocker: Blocker, names: NameLookup = RAW_NAMES): string {
  switch (blocker.code) {
    case 'definition-unreadable':
      return `its definition cannot be read (${blocker.message})`;
    case 'reference-missing':
      return `it uses connection reference ${names.reference(blocker.logicalName)}, which is not in this environment`;
    case 'reference-unwired':
      return `connection reference ${names.reference(blocker.logicalName)} has no connection`;
    case 'reference-dangling':
      return `connection reference ${names.reference(blocker.logicalName)} points at a connection that does not exist here (${blocker.connectionId})`;
    case 'connection-broken':
      return `connection ${names.connection(blocker.connectionName)} (for ${names.reference(blocker.logicalName)}) is in error: ${blocker.message}`;
    case 'connection-not-usable':
      return `${names.principal(blocker.principalObjectId)} may not use connection ${names.connection(blocker.connectionName)} (owned by ${names.principal(blocker.ownerObjectId)})`;
    case 'connection-missing':
      return `connection ${names.connection(blocker.connectionName)} does not exist here`;
    case 'cannot-share':
      return `${names.principal(blocker.principalObjectId)} may not share connection ${names.connection(blocker.connectionName)}`;
    case 'child-absent':
      return `it calls child flow ${blocker.childId}, which is not in this environment`;
    case 'child-uses-invoker':
      return `its child flow ${blocker.childName} uses run-only (invoker) connections, which child flows cannot`;
    case 'child-off':
      return `its child flow ${blocker.childName} is off (turn it on first)`;
    case 'identity-absent':
      return `${names.principal(blocker.objectId)} has no user in this environment`;
    case 'identity-disabled':
      return `${names.principal(blocker.objectId)} is disabled`;
    case 'identity-cannot-write':
      return `${names.principal(blocker.objectId)} may not change flows or connection references here`;
    case 'no-delegate':
      return `${names.principal(blocker.objectId)} lacks the Delegate privilege, so it cannot act as the connection owner`;
  }
}

/** A connection as the maker portal lists it: display name and owner, e.g. "lee.gu@contoso.com (Lee Gu)". */
function connectionWords(connection: { name: string; displayName: string; owner: { displayName: string } } | null): string {
  if (!connection) return 'that no longer exists';
  const name = connection.displayName || connection.name;
  return connection.owner.displayName && connection.owner.displayName !== name ? `${name} (${connection.owner.displayName})` : name;
}

export function audit(snapshots: readonly EnvironmentSnapshot[], options: MatrixOptions = {}, matrix: Matrix = deriveMatrix(snapshots, options)): Finding[] {
  const findings: Finding[] = [];
  const envName = new Map(matrix.columns.map((c) => [c.environmentId, c.displayName]));
  const snapshotOf = new Map(snapshots.map((s) => [s.environment.id, s]));
  const add = (kind: FindingKind, environmentId: string, item: string, itemName: string, message: string, fix: string): void => {
    findings.push({ kind, severity: severities[kind], environmentId, environmentName: envName.get(environmentId) ?? environmentId, item, itemName, message, fix });
  };

  for (const column of matrix.columns) {
    for (const problem of column.problems) add('scan-problem', column.environmentId, '', '', problem, 'Check the account’s permissions, then refresh.');
  }
  for (const row of matrix.references) {
    for (const [envId, cell] of Object.entries(row.cells)) {
      const label = `${row.displayName} (${row.connectorName})`;
      const spnWords = (objectId: string): string => {
        const name = namesFromSnapshot(snapshotOf.get(envId)).principal(objectId);
        return name === objectId ? '' : ` (${name})`;
      };
      if (cell.state === 'unwired') add('unwired', envId, row.logicalName, label, `${label} has no connection.`, 'Wire it to a healthy connection.');
      if (cell.state === 'dangling') add('dangling', envId, row.logicalName, label, `${label} points at a connection which does not exist in this environment (${cell.connectionId ?? 'no id'}).`, 'Wire it to a connection of this environment.');
      if (cell.state === 'broken') add('broken', envId, row.logicalName, label, `${label} uses connection ${connectionWords(cell.connection)}, which is in error: ${cell.connection?.health.kind === 'error' ? cell.connection.health.message : ''}`, 'Repair the connection, or wire another.');
      for (const reason of cell.reasons) {
        if (reason.code === 'owner-disabled') add('owner-disabled', envId, row.logicalName, label, `${label} uses a connection owned by ${reason.ownerName}, whose account is disabled.`, 'Wire it to a connection owned by an active account or service account.');
        if (reason.code === 'not-shared-with-spn') {
          add('not-shared-with-spn', envId, row.logicalName, label, `${label}: connection ${connectionWords(cell.connection)} is not shared with the deploying service principal${spnWords(reason.spnObjectId)}.`, 'Share it with the service principal (Share), or turn flows on as the connection owner.');
        }
      }
    }
  }
  for (const row of matrix.flows) {
    for (const [envId, cell] of Object.entries(row.cells)) {
      if (cell.state === 'off') add('flow-off', envId, row.flowId, row.displayName, `${row.displayName} is off.`, 'Activate it.');
      if (cell.state === 'suspended') add('flow-suspended', envId, row.flowId, row.displayName, `${row.displayName} is suspended by the platform.`, 'Resolve the data policy or licence issue that suspended it.');
      if (cell.state === 'blocked') {
        const why = cell.reasons.flatMap((r) => (r.code === 'blocker' ? [describeBlocker(r.blocker, namesFromSnapshot(snapshotOf.get(envId)))] : []));
        add('flow-blocked', envId, row.flowId, row.displayName, `${row.displayName} is off and cannot be turned on: ${why.join('; ')}.`, 'Open its plan: Wire & activate proposes the fixes.');
      }
    }
  }
  for (const row of matrix.envVars) {
    for (const [envId, cell] of Object.entries(row.cells)) {
      if (cell.state === 'missing') add('env-var-missing', envId, row.schemaName, row.displayName, `Environment variable ${row.schemaName} has no value and no default.`, 'Set a value (settings file or maker portal).');
      if (cell.state === 'differs') {
        const reason = cell.reasons.find((r) => r.code === 'value-differs');
        add('env-var-differs', envId, row.schemaName, row.displayName, `Environment variable ${row.schemaName} is '${reason?.code === 'value-differs' ? (reason.liveValue ?? '') : ''}' here, the settings file says '${reason?.code === 'value-differs' ? reason.fileValue : ''}'.`, 'Apply the settings file, or update it.');
      }
    }
  }
  const order: Record<Severity, number> = { error: 0, warning: 1, info: 2 };
  return findings.sort((a, b) => order[a.severity] - order[b.severity] || a.environmentName.localeCompare(b.environmentName) || a.itemName.localeCompare(b.itemName));
}
