import { connectorName } from '../../../shared/flows/connectors';
import type { EnvironmentSnapshot } from '../../../shared/engine/snapshot';
import { jsonTypeName, parseJsonText, sourceOf, type JsonDocument, type JsonNode } from './json-text';
import { didYouMean } from './names';
import { byPosition, type FileIssue, type Position } from './positions';

/**
 * Deployment settings files — the format `pac solution create-settings` writes and `pac solution import
 * --settings-file`, the Build Tools' `DeploymentSettingsFile` and GitHub's `deployment-settings-file`
 * read (platform-apis §4.1):
 *
 *   { "EnvironmentVariables": [{ "SchemaName", "Value" }],
 *     "ConnectionReferences": [{ "LogicalName", "ConnectionId", "ConnectorId" }] }
 *
 * Export fills it from a scanned environment; parse reads one back strictly, every complaint carrying the
 * line and column of the offending token so the CLI can annotate it in a pipeline log.
 */

export const CONNECTOR_ID_PREFIX = '/providers/Microsoft.PowerApps/apis/';

export interface SettingsEnvironmentVariable {
  SchemaName: string;
  /** Always text: pac stringifies JSON, numbers and booleans. */
  Value: string;
}

export interface SettingsConnectionReference {
  LogicalName: string;
  /** The connection's name (id) in the target environment; "" leaves the reference as it is. */
  ConnectionId: string;
  ConnectorId: string;
}

/** The file, key for key as pac writes it. */
export interface DeploymentSettings {
  EnvironmentVariables: SettingsEnvironmentVariable[];
  ConnectionReferences: SettingsConnectionReference[];
}

export type SettingsIssueCode =
  | 'json-syntax'
  | 'not-an-object'
  | 'missing-key'
  | 'unknown-key'
  | 'duplicate-key'
  | 'wrong-type'
  | 'empty-name'
  | 'duplicate-name'
  | 'bad-connector-id'
  // validation against an environment (settings-validate.ts)
  | 'solution-not-installed'
  | 'unknown-reference'
  | 'connector-mismatch'
  | 'connection-not-found'
  | 'connection-wrong-connector'
  | 'connection-broken'
  | 'connection-owner-disabled'
  | 'reference-left-unwired'
  | 'unknown-environment-variable'
  | 'invalid-value';

export type SettingsIssue = FileIssue<SettingsIssueCode>;

export interface ParsedConnectionReference {
  logicalName: string;
  connectionId: string;
  connectorId: string;
  /** Connector short name from ConnectorId, e.g. shared_office365. */
  connector: string;
  /** The entry's `{`. */
  position: Position;
  fields: Record<keyof SettingsConnectionReference, Position>;
}

export interface ParsedEnvironmentVariable {
  schemaName: string;
  value: string;
  position: Position;
  fields: Record<keyof SettingsEnvironmentVariable, Position>;
}

export interface ParsedSettings {
  fileName: string;
  settings: DeploymentSettings;
  connectionReferences: ParsedConnectionReference[];
  environmentVariables: ParsedEnvironmentVariable[];
}

export type SettingsParseResult = { ok: true; value: ParsedSettings } | { ok: false; errors: SettingsIssue[] };

// ── export

export interface SettingsExport {
  settings: DeploymentSettings;
  /** Stable, pretty (2-space) JSON with pac's key order and a final newline. */
  text: string;
  /** What a reader of the file should know: secrets left out, unwired or dangling references. */
  notes: string[];
}

const byName = (a: string, b: string): number => a.toLowerCase().localeCompare(b.toLowerCase()) || (a < b ? -1 : a > b ? 1 : 0);

/** The file text: keys in pac's order, entries as given, two-space indent, LF, final newline. */
export function serializeSettings(settings: DeploymentSettings): string {
  const ordered: DeploymentSettings = {
    EnvironmentVariables: settings.EnvironmentVariables.map((v) => ({ SchemaName: v.SchemaName, Value: v.Value })),
    ConnectionReferences: settings.ConnectionReferences.map((r) => ({ LogicalName: r.LogicalName, ConnectionId: r.ConnectionId, ConnectorId: r.ConnectorId })),
  };
  return `${JSON.stringify(ordered, null, 2)}\n`;
}

/**
 * A settings file for this environment's live state: each reference's current connection, each
 * variable's current value (the environment's value row; "" when there is none — the default needs no
 * setting). Entries sorted by name so two exports diff cleanly.
 */
export function exportSettings(snapshot: EnvironmentSnapshot): SettingsExport {
  const env = snapshot.environment.displayName;
  const notes: string[] = [];
  if (!snapshot.solution) notes.push(`The solution is not installed in ${env}: the file is empty.`);
  const EnvironmentVariables = [...snapshot.envVars]
    .sort((a, b) => byName(a.schemaName, b.schemaName))
    .map((v): SettingsEnvironmentVariable => {
      // Secret values (Key Vault references) are never written to a file that travels through
      // pipelines and repositories: they stay "" and must be set in the target environment.
      if (v.type === 'Secret') {
        notes.push(`${v.schemaName} is a Secret environment variable: its value is never exported; set it in the target environment.`);
        return { SchemaName: v.schemaName, Value: '' };
      }
      return { SchemaName: v.schemaName, Value: v.value ?? '' };
    });
  const ConnectionReferences = [...snapshot.references]
    .sort((a, b) => byName(a.logicalName, b.logicalName))
    .map((r): SettingsConnectionReference => {
      if (!r.connectionId) notes.push(`${r.logicalName} is not wired in ${env}: its ConnectionId is empty.`);
      else if (!snapshot.connections.some((c) => c.name === r.connectionId)) {
        notes.push(`${r.logicalName} points at connection ${r.connectionId}, which does not exist in ${env}: the exported ConnectionId is dangling.`);
      }
      return { LogicalName: r.logicalName, ConnectionId: r.connectionId ?? '', ConnectorId: `${CONNECTOR_ID_PREFIX}${r.connector}` };
    });
  const settings: DeploymentSettings = { EnvironmentVariables, ConnectionReferences };
  return { settings, text: serializeSettings(settings), notes };
}

// ── parse

const TOP_KEYS = ['EnvironmentVariables', 'ConnectionReferences'] as const;
const REFERENCE_KEYS = ['LogicalName', 'ConnectionId', 'ConnectorId'] as const;
const VARIABLE_KEYS = ['SchemaName', 'Value'] as const;

const quoteList = (keys: readonly string[]): string => {
  const q = keys.map((k) => `"${k}"`);
  return q.length <= 1 ? (q[0] ?? '') : `${q.slice(0, -1).join(', ')} and ${q[q.length - 1]}`;
};

interface PropertyOf<K extends string> {
  key: K;
  keyNode: JsonNode;
  value: JsonNode;
}

class SettingsParser {
  readonly errors: SettingsIssue[] = [];

  constructor(
    private readonly doc: JsonDocument,
    private readonly fileName: string,
  ) {}

  issue(code: SettingsIssueCode, node: JsonNode | Position, message: string): void {
    const at = 'line' in node ? node : this.doc.positionOf(node);
    this.errors.push({ file: this.fileName, line: at.line, column: at.column, code, message });
  }

  /** The object's known properties; unknown, miscased and repeated keys become errors. */
  properties<K extends string>(object: JsonNode, known: readonly K[], where: string): { found: Map<K, PropertyOf<K>>; miscased: Set<K> } {
    const found = new Map<K, PropertyOf<K>>();
    const miscased = new Set<K>();
    for (const property of object.children ?? []) {
      const [keyNode, value] = property.children ?? [];
      if (!keyNode || !value) continue;
      const key = String(keyNode.value);
      const exact = known.find((k) => k === key);
      if (exact) {
        const first = found.get(exact);
        if (first) {
          this.issue('duplicate-key', keyNode, `"${key}" appears twice in ${where} (first at line ${this.doc.positionOf(first.keyNode).line}).`);
        } else found.set(exact, { key: exact, keyNode, value });
        continue;
      }
      const caseVariant = known.find((k) => k.toLowerCase() === key.toLowerCase());
      if (caseVariant) {
        miscased.add(caseVariant);
        this.issue('unknown-key', keyNode, `Key "${key}" must be spelled "${caseVariant}".`);
      } else {
        this.issue('unknown-key', keyNode, `Unknown key "${key}" in ${where}; expected ${quoteList(known)}.${didYouMean(key, known)}`);
      }
    }
    return { found, miscased };
  }

  /** A string field's value, or null after reporting what is wrong with it. */
  stringField(property: PropertyOf<string>, subject: string, hint: (node: JsonNode) => string): string | null {
    const node = property.value;
    if (node.type === 'string') return String(node.value);
    this.issue('wrong-type', node, `${property.key} of ${subject} must be a string, found ${jsonTypeName(node)}${hint(node)}`);
    return null;
  }

  valueHint(node: JsonNode): string {
    if (node.type === 'null') return '; use "" for no value.';
    const text = node.type === 'object' || node.type === 'array' ? JSON.stringify(nodeValue(this.doc, node)) : sourceOf(this.doc, node);
    return `: pac stores every value as text, so write ${JSON.stringify(text)}.`;
  }
}

/** The plain value of a node (objects and arrays included), for hints. */
function nodeValue(doc: JsonDocument, node: JsonNode): unknown {
  return JSON.parse(sourceOf(doc, node)) as unknown;
}

const describeEntry = (kind: string, index: number, name: string | null): string => (name ? `${kind} "${name}"` : `${kind} entry ${index + 1}`);

function parseReferences(p: SettingsParser, doc: JsonDocument, array: JsonNode): ParsedConnectionReference[] {
  const out: ParsedConnectionReference[] = [];
  const seen = new Map<string, Position>();
  (array.children ?? []).forEach((entry, index) => {
    if (entry.type !== 'object') {
      p.issue('wrong-type', entry, `Entry ${index + 1} of "ConnectionReferences" must be an object with ${quoteList(REFERENCE_KEYS)}, found ${jsonTypeName(entry)}.`);
      return;
    }
    const { found, miscased } = p.properties(entry, REFERENCE_KEYS, 'a connection reference entry');
    const nameProp = found.get('LogicalName');
    const rawName = nameProp?.value.type === 'string' ? String(nameProp.value.value) : null;
    const subject = describeEntry('connection reference', index, rawName?.trim() ? rawName : null);
    const missing = REFERENCE_KEYS.filter((k) => !found.has(k) && !miscased.has(k));
    if (missing.length) p.issue('missing-key', entry, `The ${subject} has no ${quoteList(missing)}.`);

    const values: Partial<Record<(typeof REFERENCE_KEYS)[number], string>> = {};
    for (const key of REFERENCE_KEYS) {
      const property = found.get(key);
      if (!property) continue;
      const value = p.stringField(property, subject, (node) =>
        key === 'ConnectionId' && node.type === 'null' ? '; use "" to leave the reference as it is.' : '.',
      );
      if (value !== null) values[key] = value;
    }
    const { LogicalName, ConnectionId, ConnectorId } = values;
    if (LogicalName !== undefined && nameProp) {
      if (!LogicalName.trim()) p.issue('empty-name', nameProp.value, `LogicalName of connection reference entry ${index + 1} is empty; name the connection reference to wire.`);
      else {
        const first = seen.get(LogicalName.toLowerCase());
        if (first) p.issue('duplicate-name', nameProp.value, `Connection reference "${LogicalName}" is listed twice (first at line ${first.line}); list each reference once.`);
        else seen.set(LogicalName.toLowerCase(), doc.positionOf(nameProp.value));
      }
    }
    const connectorProp = found.get('ConnectorId');
    if (ConnectorId !== undefined && connectorProp) {
      const valid = ConnectorId.toLowerCase().startsWith(CONNECTOR_ID_PREFIX.toLowerCase()) && /^[^/\s]+$/.test(ConnectorId.slice(CONNECTOR_ID_PREFIX.length));
      if (!valid) {
        const short = connectorName(ConnectorId.trim());
        p.issue(
          'bad-connector-id',
          connectorProp.value,
          ConnectorId.trim()
            ? `ConnectorId "${ConnectorId}" of ${subject} must look like "${CONNECTOR_ID_PREFIX}${short || 'shared_office365'}".`
            : `ConnectorId of ${subject} is empty; it must look like "${CONNECTOR_ID_PREFIX}shared_office365".`,
        );
        return;
      }
    }
    if (LogicalName === undefined || ConnectionId === undefined || ConnectorId === undefined || !nameProp || !connectorProp) return;
    const connectionProp = found.get('ConnectionId');
    if (!connectionProp) return;
    out.push({
      logicalName: LogicalName,
      connectionId: ConnectionId.trim(),
      connectorId: ConnectorId,
      connector: connectorName(ConnectorId),
      position: doc.positionOf(entry),
      fields: { LogicalName: doc.positionOf(nameProp.value), ConnectionId: doc.positionOf(connectionProp.value), ConnectorId: doc.positionOf(connectorProp.value) },
    });
  });
  return out;
}

function parseVariables(p: SettingsParser, doc: JsonDocument, array: JsonNode): ParsedEnvironmentVariable[] {
  const out: ParsedEnvironmentVariable[] = [];
  const seen = new Map<string, Position>();
  (array.children ?? []).forEach((entry, index) => {
    if (entry.type !== 'object') {
      p.issue('wrong-type', entry, `Entry ${index + 1} of "EnvironmentVariables" must be an object with ${quoteList(VARIABLE_KEYS)}, found ${jsonTypeName(entry)}.`);
      return;
    }
    const { found, miscased } = p.properties(entry, VARIABLE_KEYS, 'an environment variable entry');
    const nameProp = found.get('SchemaName');
    const rawName = nameProp?.value.type === 'string' ? String(nameProp.value.value) : null;
    const subject = rawName?.trim() ? rawName : `environment variable entry ${index + 1}`;
    const missing = VARIABLE_KEYS.filter((k) => !found.has(k) && !miscased.has(k));
    if (missing.length) p.issue('missing-key', entry, `The ${rawName?.trim() ? `environment variable "${rawName}"` : subject} has no ${quoteList(missing)}.`);

    const schemaName = nameProp ? p.stringField(nameProp, subject, () => '.') : null;
    const valueProp = found.get('Value');
    const value = valueProp ? p.stringField(valueProp, subject, (node) => p.valueHint(node)) : null;
    if (schemaName !== null && nameProp) {
      if (!schemaName.trim()) p.issue('empty-name', nameProp.value, `SchemaName of environment variable entry ${index + 1} is empty; name the environment variable to set.`);
      else {
        const first = seen.get(schemaName.toLowerCase());
        if (first) p.issue('duplicate-name', nameProp.value, `Environment variable "${schemaName}" is listed twice (first at line ${first.line}); list each variable once.`);
        else seen.set(schemaName.toLowerCase(), doc.positionOf(nameProp.value));
      }
    }
    if (schemaName === null || value === null || !nameProp || !valueProp) return;
    out.push({
      schemaName,
      value,
      position: doc.positionOf(entry),
      fields: { SchemaName: doc.positionOf(nameProp.value), Value: doc.positionOf(valueProp.value) },
    });
  });
  return out;
}

/**
 * Reads a deployment settings file. Every problem is reported (not only the first), each with the line
 * and column of the offending token; a JSON syntax error stops there, since nothing after it is reliable.
 */
export function parseSettingsFile(text: string, fileName: string): SettingsParseResult {
  const parsed = parseJsonText(text);
  if (!parsed.ok) {
    const { line, column, message } = parsed.error;
    return { ok: false, errors: [{ file: fileName, line, column, code: 'json-syntax', message }] };
  }
  const doc = parsed.document;
  const p = new SettingsParser(doc, fileName);
  const root = doc.root;
  if (root.type !== 'object') {
    p.issue('not-an-object', root, `A deployment settings file is a JSON object with "EnvironmentVariables" and "ConnectionReferences" arrays; this file holds ${jsonTypeName(root)}.`);
    return { ok: false, errors: p.errors };
  }
  const { found, miscased } = p.properties(root, TOP_KEYS, 'the settings file');
  const arrays: Partial<Record<(typeof TOP_KEYS)[number], JsonNode>> = {};
  for (const key of TOP_KEYS) {
    const property = found.get(key);
    if (!property) {
      if (!miscased.has(key)) p.issue('missing-key', root, `The settings file has no "${key}" array; write "${key}": [] if there are none.`);
      continue;
    }
    if (property.value.type !== 'array') {
      p.issue('wrong-type', property.value, `"${key}" must be an array, found ${jsonTypeName(property.value)}.`);
      continue;
    }
    arrays[key] = property.value;
  }
  const environmentVariables = arrays.EnvironmentVariables ? parseVariables(p, doc, arrays.EnvironmentVariables) : [];
  const connectionReferences = arrays.ConnectionReferences ? parseReferences(p, doc, arrays.ConnectionReferences) : [];
  if (p.errors.length) return { ok: false, errors: p.errors.sort(byPosition) };
  return {
    ok: true,
    value: {
      fileName,
      settings: {
        EnvironmentVariables: environmentVariables.map((v) => ({ SchemaName: v.schemaName, Value: v.value })),
        ConnectionReferences: connectionReferences.map((r) => ({ LogicalName: r.logicalName, ConnectionId: r.connectionId, ConnectorId: r.connectorId })),
      },
      connectionReferences,
      environmentVariables,
    },
  };
}
