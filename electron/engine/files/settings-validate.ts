import type { EnvironmentVariable } from '../../../shared/domain/types';
import type { IdentityStrategy } from '../../../shared/engine/preflight';
import type { Intent } from '../../../shared/engine/plan';
import { referenceByLogicalName, rightsOf, type ConnectionWithShares, type EnvironmentSnapshot } from '../../../shared/engine/snapshot';
import { rankConnections } from '../../../shared/engine/suggest';
import { connectorDisplayName } from '../../../shared/flows/connectors';
import { parseJsonText } from './json-text';
import { didYouMean } from './names';
import { byPosition, type Position } from './positions';
import type { ParsedSettings, SettingsIssue, SettingsIssueCode } from './settings';

/**
 * Checks a parsed settings file against one scanned environment before anything is written, and turns
 * it into what the engine applies: a wiring map in the shape of `WireIntent.pinned` and the environment
 * variable values to set. Refuses, naming each, connections that do not exist there (a file exported
 * from Dev applied to Test), connections of another connector, broken connections (by default), unknown
 * names (with the close ones), and values that do not fit the variable's type.
 */

export interface SettingsValidationOptions {
  /** A connection in error: refuse the file (default) or only warn. */
  brokenConnections?: 'error' | 'warning';
}

export interface SettingsIntent {
  environmentId: string;
  /** environment id → reference logical name → connection name: `WireIntent.pinned`. */
  wiring: Record<string, Record<string, string>>;
  /** Schema name → value to set (non-empty values only; "" in the file means "leave as it is"). */
  environmentVariables: Record<string, string>;
  /** What the file asks for that is already so (included above too; the plan skips it). */
  unchanged: { references: string[]; environmentVariables: string[] };
}

export type SettingsValidation = { ok: true; value: SettingsIntent; warnings: SettingsIssue[] } | { ok: false; errors: SettingsIssue[]; warnings: SettingsIssue[] };

const NUMBER = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;
const BOOLEAN = /^(?:true|false|yes|no)$/i;
const KEY_VAULT_SECRET = /^\/subscriptions\/[^/]+\/resourceGroups\/[^/]+\/providers\/Microsoft\.KeyVault\/vaults\/[^/]+\/secrets\/[^/]+$/i;

/**
 * Does `value` fit an environment variable of `type`? null when it does, else what is wrong (a sentence
 * naming the variable). Boolean accepts true/false and the yes/no Dataverse stores.
 */
export function environmentVariableValueProblem(schemaName: string, type: EnvironmentVariable['type'], value: string): string | null {
  switch (type) {
    case 'Number':
      return NUMBER.test(value) ? null : `${schemaName} is a Number environment variable, but ${JSON.stringify(value)} is not a number.`;
    case 'Boolean':
      return BOOLEAN.test(value) ? null : `${schemaName} is a Boolean environment variable, but ${JSON.stringify(value)} is neither true nor false.`;
    case 'JSON': {
      const parsed = parseJsonText(value);
      if (parsed.ok) return null;
      const detail = parsed.error.message.replace(/^Invalid JSON: /, '').replace(/\.$/, '');
      return `${schemaName} is a JSON environment variable, but its Value is not valid JSON: ${detail} (character ${parsed.error.offset + 1} of the value).`;
    }
    case 'Secret':
      return KEY_VAULT_SECRET.test(value)
        ? null
        : `${schemaName} is a Secret environment variable: its Value must be an Azure Key Vault secret reference such as /subscriptions/{subscription}/resourceGroups/{group}/providers/Microsoft.KeyVault/vaults/{vault}/secrets/{secret}.`;
    case 'String':
    case 'DataSource':
      return null;
  }
}

function candidatesText(snapshot: EnvironmentSnapshot, connector: string): string {
  const env = snapshot.environment.displayName;
  const label = connectorDisplayName(connector);
  const healthy = rankConnections(snapshot, { connector }, null).filter((c) => c.healthy && !c.ownerDisabled);
  if (!healthy.length) return ` ${env} has no healthy ${label} connection: create one first.`;
  const names = healthy.slice(0, 3).map((c) => `${c.connection.name} (${c.connection.owner.displayName})`);
  return ` ${label} connections in ${env}: ${names.join(', ')}${healthy.length > 3 ? ', …' : ''}.`;
}

export function validateSettingsAgainst(settings: ParsedSettings, snapshot: EnvironmentSnapshot, options: SettingsValidationOptions = {}): SettingsValidation {
  const errors: SettingsIssue[] = [];
  const warnings: SettingsIssue[] = [];
  const env = snapshot.environment;
  const report = (into: SettingsIssue[], code: SettingsIssueCode, at: Position, message: string): void => {
    into.push({ file: settings.fileName, line: at.line, column: at.column, code, message });
  };
  if (!snapshot.solution) {
    report(errors, 'solution-not-installed', { line: 1, column: 1 }, `The solution is not installed in ${env.displayName}, so there is nothing to apply this file to.`);
    return { ok: false, errors, warnings };
  }
  const solution = snapshot.solution.uniqueName;
  const pinned: Record<string, string> = {};
  const values: Record<string, string> = {};
  const unchanged: SettingsIntent['unchanged'] = { references: [], environmentVariables: [] };
  const brokenInto = options.brokenConnections === 'warning' ? warnings : errors;

  for (const entry of settings.connectionReferences) {
    const ref = referenceByLogicalName(snapshot, entry.logicalName);
    if (!ref) {
      report(
        errors,
        'unknown-reference',
        entry.fields.LogicalName,
        `Connection reference "${entry.logicalName}" is not part of ${solution} in ${env.displayName}.${didYouMean(entry.logicalName, snapshot.references.map((r) => r.logicalName))}`,
      );
      continue;
    }
    const needs = `${connectorDisplayName(ref.connector)} (${ref.connector})`;
    if (entry.connector.toLowerCase() !== ref.connector.toLowerCase()) {
      report(
        errors,
        'connector-mismatch',
        entry.fields.ConnectorId,
        `ConnectorId names ${connectorDisplayName(entry.connector)} (${entry.connector}), but ${ref.logicalName} in ${env.displayName} uses ${needs}.`,
      );
    }
    if (!entry.connectionId) {
      if (!ref.connectionId) {
        report(warnings, 'reference-left-unwired', entry.fields.ConnectionId, `${ref.logicalName} has no ConnectionId in the file and is not wired in ${env.displayName}: flows that use it cannot be turned on.`);
      }
      continue;
    }
    const wanted = entry.connectionId.toLowerCase();
    const connection: ConnectionWithShares | undefined = snapshot.connections.find((c) => c.name.toLowerCase() === wanted);
    if (!connection) {
      report(
        errors,
        'connection-not-found',
        entry.fields.ConnectionId,
        `Connection ${entry.connectionId} (for ${ref.logicalName}) does not exist in ${env.displayName}. Connection ids differ between environments: was this file exported from another one?${candidatesText(snapshot, ref.connector)}`,
      );
      continue;
    }
    if (connection.connector.toLowerCase() !== ref.connector.toLowerCase()) {
      report(
        errors,
        'connection-wrong-connector',
        entry.fields.ConnectionId,
        `Connection ${connection.name} is a ${connectorDisplayName(connection.connector)} connection, but ${ref.logicalName} needs ${needs}.`,
      );
      continue;
    }
    if (connection.health.kind === 'error') {
      report(
        brokenInto,
        'connection-broken',
        entry.fields.ConnectionId,
        `Connection ${connection.name} (${connectorDisplayName(connection.connector)}, owned by ${connection.owner.displayName}) is in error in ${env.displayName}: ${connection.health.message.replace(/\.?$/, '.')} Re-authenticate it in the maker portal or choose another connection.`,
      );
      if (brokenInto === errors) continue;
    }
    if (rightsOf(snapshot, connection.owner.objectId)?.disabled === true) {
      report(
        warnings,
        'connection-owner-disabled',
        entry.fields.ConnectionId,
        `Connection ${connection.name} is owned by ${connection.owner.displayName}, whose account is disabled in ${env.displayName}: flows using it will fail once its sign-in expires.`,
      );
    }
    pinned[ref.logicalName] = connection.name;
    if (ref.connectionId === connection.name) unchanged.references.push(ref.logicalName);
  }

  for (const entry of settings.environmentVariables) {
    const wanted = entry.schemaName.toLowerCase();
    const definition = snapshot.envVars.find((v) => v.schemaName.toLowerCase() === wanted);
    if (!definition) {
      report(
        errors,
        'unknown-environment-variable',
        entry.fields.SchemaName,
        `Environment variable "${entry.schemaName}" is not part of ${solution} in ${env.displayName}.${didYouMean(entry.schemaName, snapshot.envVars.map((v) => v.schemaName))}`,
      );
      continue;
    }
    if (entry.value === '') continue;
    const problem = environmentVariableValueProblem(definition.schemaName, definition.type, entry.value);
    if (problem) {
      report(errors, 'invalid-value', entry.fields.Value, problem);
      continue;
    }
    values[definition.schemaName] = entry.value;
    if (definition.value === entry.value) unchanged.environmentVariables.push(definition.schemaName);
  }

  warnings.sort(byPosition);
  if (errors.length) return { ok: false, errors: errors.sort(byPosition), warnings };
  return { ok: true, value: { environmentId: env.id, wiring: { [env.id]: pinned }, environmentVariables: values, unchanged }, warnings };
}

/** The engine's intent for a validated file: wire exactly the references it names, as pinned. */
export function intentFromSettings(value: SettingsIntent, solution: string, identity: IdentityStrategy = 'auto'): Intent {
  const pinned = value.wiring[value.environmentId] ?? {};
  return {
    solution,
    environmentIds: [value.environmentId],
    wire: { select: Object.keys(pinned), pinned: value.wiring },
    ...(Object.keys(value.environmentVariables).length ? { variables: { [value.environmentId]: value.environmentVariables } } : {}),
    identity,
    share: false,
  };
}
