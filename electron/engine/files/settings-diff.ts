import { referenceByLogicalName, type EnvironmentSnapshot } from '../../../shared/engine/snapshot';
import type { Position } from './positions';
import type { ParsedSettings } from './settings';

/**
 * Drift between a settings file and an environment's live state, item by item, both ways: what the
 * file says that the environment does not (or differently), and what the environment has that the file
 * does not mention. Items from the file carry their line and column.
 */

export type ReferenceDriftKind =
  /** Both name a connection, and they differ. */
  | 'wired-differently'
  /** The file names a connection; the reference is unwired live. */
  | 'unwired-live'
  /** The file leaves ConnectionId empty; the reference is wired live. */
  | 'unwired-in-file'
  /** Live reference the file does not list. */
  | 'not-in-file'
  /** The file lists a reference the environment does not have. */
  | 'not-in-environment';

export interface ReferenceDrift {
  kind: ReferenceDriftKind;
  logicalName: string;
  fileConnectionId: string | null;
  liveConnectionId: string | null;
  /** In the file; null for live-only items. */
  position: Position | null;
  message: string;
}

export type VariableDriftKind =
  | 'value-differs'
  /** The file has a value; the environment has no value row (its default, if any, applies). */
  | 'missing-live'
  /** The file's Value is ""; the environment has a value. */
  | 'empty-in-file'
  | 'not-in-file'
  | 'not-in-environment';

export interface VariableDrift {
  kind: VariableDriftKind;
  schemaName: string;
  fileValue: string | null;
  liveValue: string | null;
  position: Position | null;
  message: string;
}

export interface SettingsDiff {
  fileName: string;
  environmentId: string;
  environmentName: string;
  references: ReferenceDrift[];
  environmentVariables: VariableDrift[];
  /** Items that match. */
  inSync: { references: string[]; environmentVariables: string[] };
  /** Items not compared, with why (Secret values are never exported, so "" there is not drift). */
  skipped: { schemaName: string; reason: string }[];
  hasDrift: boolean;
}

export function diffSettings(settings: ParsedSettings, snapshot: EnvironmentSnapshot): SettingsDiff {
  const env = snapshot.environment.displayName;
  const references: ReferenceDrift[] = [];
  const variables: VariableDrift[] = [];
  const inSync: SettingsDiff['inSync'] = { references: [], environmentVariables: [] };
  const skipped: SettingsDiff['skipped'] = [];

  const listedRefs = new Set<string>();
  for (const entry of settings.connectionReferences) {
    listedRefs.add(entry.logicalName.toLowerCase());
    const file = entry.connectionId || null;
    const ref = referenceByLogicalName(snapshot, entry.logicalName);
    const base = { logicalName: ref?.logicalName ?? entry.logicalName, fileConnectionId: file, position: entry.fields.LogicalName };
    if (!ref) {
      references.push({ ...base, kind: 'not-in-environment', liveConnectionId: null, message: `${entry.logicalName} is in the file but not in ${env}.` });
      continue;
    }
    const live = ref.connectionId;
    if (file && live && file.toLowerCase() === live.toLowerCase()) inSync.references.push(ref.logicalName);
    else if (!file && !live) inSync.references.push(ref.logicalName);
    else if (file && live) {
      references.push({ ...base, kind: 'wired-differently', liveConnectionId: live, message: `${ref.logicalName} is wired to ${live} in ${env}; the file says ${file}.` });
    } else if (file) {
      references.push({ ...base, kind: 'unwired-live', liveConnectionId: null, message: `${ref.logicalName} is not wired in ${env}; the file says ${file}.` });
    } else {
      references.push({ ...base, kind: 'unwired-in-file', liveConnectionId: live, message: `${ref.logicalName} is wired to ${live ?? ''} in ${env}; the file leaves it empty.` });
    }
  }
  for (const ref of snapshot.references) {
    if (listedRefs.has(ref.logicalName.toLowerCase())) continue;
    references.push({
      kind: 'not-in-file',
      logicalName: ref.logicalName,
      fileConnectionId: null,
      liveConnectionId: ref.connectionId,
      position: null,
      message: `${ref.logicalName} (${ref.connectionId ? `wired to ${ref.connectionId}` : 'unwired'} in ${env}) is not in the file.`,
    });
  }

  const listedVars = new Set<string>();
  for (const entry of settings.environmentVariables) {
    listedVars.add(entry.schemaName.toLowerCase());
    const definition = snapshot.envVars.find((v) => v.schemaName.toLowerCase() === entry.schemaName.toLowerCase());
    const base = { schemaName: definition?.schemaName ?? entry.schemaName, fileValue: entry.value, position: entry.fields.Value };
    if (!definition) {
      variables.push({ ...base, kind: 'not-in-environment', liveValue: null, position: entry.fields.SchemaName, message: `${entry.schemaName} is in the file but not in ${env}.` });
      continue;
    }
    const live = definition.value;
    if (definition.type === 'Secret' && entry.value === '') {
      skipped.push({ schemaName: definition.schemaName, reason: 'Secret values are never exported.' });
      continue;
    }
    // Messages never spell out a Secret's Key Vault reference; the fields still carry it.
    const show = (value: string): string => (definition.type === 'Secret' ? 'a secret reference' : JSON.stringify(value));
    if ((live ?? '') === entry.value) inSync.environmentVariables.push(definition.schemaName);
    else if (live === null || live === '') {
      const fallback = definition.defaultValue !== null ? ` (its default ${show(definition.defaultValue)} applies)` : '';
      variables.push({ ...base, kind: 'missing-live', liveValue: live, message: `${definition.schemaName} has no value in ${env}${fallback}; the file says ${show(entry.value)}.` });
    } else if (entry.value === '') {
      variables.push({ ...base, kind: 'empty-in-file', liveValue: live, message: `${definition.schemaName} is ${show(live)} in ${env}; the file leaves it empty.` });
    } else {
      const message =
        definition.type === 'Secret'
          ? `${definition.schemaName} references a different Key Vault secret in ${env} than the file.`
          : `${definition.schemaName} is ${show(live)} in ${env}; the file says ${show(entry.value)}.`;
      variables.push({ ...base, kind: 'value-differs', liveValue: live, message });
    }
  }
  for (const definition of snapshot.envVars) {
    if (listedVars.has(definition.schemaName.toLowerCase())) continue;
    variables.push({
      kind: 'not-in-file',
      schemaName: definition.schemaName,
      fileValue: null,
      liveValue: definition.value,
      position: null,
      message: `${definition.schemaName} (${definition.value === null ? 'no value' : definition.type === 'Secret' ? 'a secret value' : JSON.stringify(definition.value)} in ${env}) is not in the file.`,
    });
  }

  return {
    fileName: settings.fileName,
    environmentId: snapshot.environment.id,
    environmentName: env,
    references,
    environmentVariables: variables,
    inSync,
    skipped,
    hasDrift: references.length > 0 || variables.length > 0,
  };
}
