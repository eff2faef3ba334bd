import { XMLParser, XMLValidator } from 'fast-xml-parser';
import type { EnvironmentVariable, FlowReferenceUse } from '../../../shared/domain/types';
import { parseClientData } from '../../../shared/flows/clientdata';
import { connectorName } from '../../../shared/flows/connectors';
import { parseJsonText } from './json-text';
import { LineIndex, byPosition, stripBom } from './positions';
import { decodeText, openSolutionSource, unsafeEntryName, type SolutionEntry, type SolutionFiles, type SolutionIssue, type SolutionIssueCode } from './solution-archive';

/**
 * Reads what an import of a solution will bring: its identity (unique name, version, managed, publisher
 * prefix), connection references (customizations.xml `<connectionreferences>`), environment variable
 * definitions (`environmentvariabledefinitions/<schema>/…`, with any packaged value), and cloud flows
 * (`<Workflow>` rows of category 5 in customizations.xml, or `Workflows/*.json.data.xml` in a `pac
 * solution unpack` folder, each with its `Workflows/*.json` definition read by the one clientdata parser).
 * Works on an exported zip (`solution.xml`, `customizations.xml` at the root) and on an unpacked folder
 * (`Other/Solution.xml`, `Other/Customizations.xml`).
 */

export interface SolutionConnectionReference {
  logicalName: string;
  displayName: string;
  /** Connector short name, e.g. shared_office365. */
  connector: string;
  connectorId: string;
}

export interface SolutionEnvironmentVariable {
  schemaName: string;
  displayName: string;
  type: EnvironmentVariable['type'];
  defaultValue: string | null;
  /** A value row shipped in the solution (environmentvariablevalues.json); usually absent. */
  value: string | null;
}

export interface SolutionFlow {
  /** workflowid, lower case without braces (stable across environments). */
  id: string;
  name: string;
  category: 5;
  /** As packaged: StateCode 1 = on. */
  state: 'on' | 'off';
  /** The definition's path inside the solution. */
  file: string;
  references: FlowReferenceUse[];
  childFlowIds: string[];
}

export interface SolutionPackage {
  source: { kind: 'zip' | 'folder'; name: string };
  uniqueName: string;
  friendlyName: string;
  version: string;
  /** `pac solution unpack --packagetype Both` folders say 2 ("both"). */
  packageType: 'managed' | 'unmanaged' | 'both';
  managed: boolean;
  publisher: { uniqueName: string; friendlyName: string; prefix: string };
  connectionReferences: SolutionConnectionReference[];
  environmentVariables: SolutionEnvironmentVariable[];
  flows: SolutionFlow[];
}

export type SolutionReadResult = { ok: true; value: SolutionPackage; warnings: SolutionIssue[] } | { ok: false; errors: SolutionIssue[]; warnings: SolutionIssue[] };

const ENV_VAR_TYPES: Readonly<Record<string, EnvironmentVariable['type']>> = {
  '100000000': 'String',
  '100000001': 'Number',
  '100000002': 'Boolean',
  '100000003': 'JSON',
  '100000004': 'DataSource',
  '100000005': 'Secret',
};

const GUID = /^\{?([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\}?$/i;

// ── a small, case-insensitive view over fast-xml-parser's output

type XmlNode = Record<string, unknown>;
const isNode = (v: unknown): v is XmlNode => typeof v === 'object' && v !== null && !Array.isArray(v);

function kids(node: unknown, name: string): unknown[] {
  if (!isNode(node)) return [];
  const wanted = name.toLowerCase();
  const out: unknown[] = [];
  for (const [key, value] of Object.entries(node)) {
    if (key.toLowerCase() !== wanted) continue;
    if (Array.isArray(value)) out.push(...(value as unknown[]));
    else out.push(value);
  }
  return out;
}
const kid = (node: unknown, name: string): unknown => kids(node, name)[0];
const path = (node: unknown, ...names: string[]): unknown => names.reduce<unknown>((n, name) => kid(n, name), node);

function textOf(node: unknown): string | null {
  if (typeof node === 'string') return node;
  if (typeof node === 'number' || typeof node === 'boolean') return String(node);
  if (isNode(node) && typeof node['#text'] === 'string') return node['#text'];
  if (isNode(node) && (typeof node['#text'] === 'number' || typeof node['#text'] === 'boolean')) return String(node['#text']);
  return null;
}
function attr(node: unknown, name: string): string | null {
  if (!isNode(node)) return null;
  const wanted = `@_${name}`.toLowerCase();
  for (const [key, value] of Object.entries(node)) if (key.toLowerCase() === wanted && typeof value === 'string') return value;
  return null;
}
/** A child element's text, or an attribute of that name (both forms appear in the wild). */
const field = (node: unknown, name: string): string | null => textOf(kid(node, name)) ?? attr(node, name);

/** The LocalizedName for 1033 if there is one, else the first. */
function localizedName(node: unknown): string | null {
  const names = kids(kid(node, 'LocalizedNames'), 'LocalizedName');
  const chosen = names.find((n) => attr(n, 'languagecode') === '1033') ?? names[0];
  return attr(chosen, 'description');
}

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  textNodeName: '#text',
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: true,
  processEntities: true,
  htmlEntities: false,
});

class Reader {
  readonly errors: SolutionIssue[] = [];
  readonly warnings: SolutionIssue[] = [];

  constructor(readonly files: SolutionFiles) {}

  issue(code: SolutionIssueCode, file: string, message: string, at: { line: number; column: number } | null = null, into: SolutionIssue[] = this.errors): void {
    into.push({ file, line: at?.line ?? null, column: at?.column ?? null, code, message });
  }

  entry(...keys: string[]): SolutionEntry | undefined {
    for (const key of keys) {
      const e = this.files.entries.get(key);
      if (e) return e;
    }
    return undefined;
  }

  text(entry: SolutionEntry): string {
    return stripBom(decodeText(entry.data));
  }

  /** Where `needle` first appears in the entry, for complaints about well-formed but wrong XML. */
  where(entry: SolutionEntry, needle: string): { line: number; column: number } | null {
    const text = this.text(entry);
    const offset = text.indexOf(needle);
    return offset < 0 ? null : new LineIndex(text).at(offset);
  }

  xml(entry: SolutionEntry): XmlNode | null {
    const text = this.text(entry);
    if (!text.trim()) {
      this.issue('xml-syntax', entry.path, 'The file is empty; expected XML.', { line: 1, column: 1 });
      return null;
    }
    const doctype = /<!DOCTYPE/i.exec(text);
    if (doctype) {
      this.issue('xml-doctype', entry.path, 'The file has a DOCTYPE declaration, which solution files never have; refused.', new LineIndex(text).at(doctype.index));
      return null;
    }
    const valid = XMLValidator.validate(text);
    if (valid !== true) {
      const { msg, line, col } = valid.err;
      this.issue('xml-syntax', entry.path, `Not well-formed XML: ${msg}`, { line, column: col });
      return null;
    }
    return parser.parse(text) as XmlNode;
  }

  json(entry: SolutionEntry, code: SolutionIssueCode): string | null {
    const text = this.text(entry);
    const parsed = parseJsonText(text);
    if (!parsed.ok) {
      this.issue(code, entry.path, parsed.error.message, parsed.error);
      return null;
    }
    return text;
  }
}

function readManifest(r: Reader, entry: SolutionEntry): Omit<SolutionPackage, 'source' | 'connectionReferences' | 'environmentVariables' | 'flows'> | null {
  const doc = r.xml(entry);
  if (!doc) return null;
  const manifest = path(doc, 'ImportExportXml', 'SolutionManifest');
  if (!isNode(manifest)) {
    r.issue('bad-manifest', entry.path, 'No <ImportExportXml><SolutionManifest> element: this is not a solution manifest.', { line: 1, column: 1 });
    return null;
  }
  const uniqueName = field(manifest, 'UniqueName');
  const version = field(manifest, 'Version');
  const missing = [!uniqueName && '<UniqueName>', !version && '<Version>'].filter((x): x is string => !!x);
  if (missing.length) {
    r.issue('bad-manifest', entry.path, `The solution manifest has no ${missing.join(' or ')}.`, r.where(entry, '<SolutionManifest'));
    return null;
  }
  const managedFlag = field(manifest, 'Managed');
  const packageType = managedFlag === '1' ? 'managed' : managedFlag === '2' ? 'both' : 'unmanaged';
  const publisher = kid(manifest, 'Publisher');
  return {
    uniqueName: uniqueName ?? '',
    friendlyName: localizedName(manifest) ?? uniqueName ?? '',
    version: version ?? '',
    packageType,
    managed: packageType === 'managed',
    publisher: {
      uniqueName: field(publisher, 'UniqueName') ?? '',
      friendlyName: localizedName(publisher) ?? field(publisher, 'UniqueName') ?? '',
      prefix: field(publisher, 'CustomizationPrefix') ?? '',
    },
  };
}

function readReferences(r: Reader, entry: SolutionEntry, doc: XmlNode): SolutionConnectionReference[] {
  const out: SolutionConnectionReference[] = [];
  const rows = kids(path(doc, 'ImportExportXml', 'connectionreferences'), 'connectionreference');
  rows.forEach((row, index) => {
    const logicalName = attr(row, 'connectionreferencelogicalname') ?? field(row, 'connectionreferencelogicalname');
    const connectorId = field(row, 'connectorid');
    if (!logicalName) {
      r.issue('bad-connection-reference', entry.path, `Connection reference ${index + 1} in <connectionreferences> has no connectionreferencelogicalname.`, r.where(entry, '<connectionreference'));
      return;
    }
    if (!connectorId) {
      r.issue('bad-connection-reference', entry.path, `Connection reference ${logicalName} has no <connectorid>.`, r.where(entry, `"${logicalName}"`));
      return;
    }
    out.push({ logicalName, displayName: field(row, 'connectionreferencedisplayname') ?? logicalName, connector: connectorName(connectorId), connectorId });
  });
  return out;
}

function environmentVariable(r: Reader, entry: SolutionEntry, node: unknown, fallbackName: string | null): SolutionEnvironmentVariable | null {
  const schemaName = attr(node, 'schemaname') ?? fallbackName;
  if (!schemaName) {
    r.issue('bad-environment-variable', entry.path, 'An environment variable definition has no schemaname.', r.where(entry, '<environmentvariabledefinition'));
    return null;
  }
  const typeCode = field(node, 'type');
  const type = typeCode === null ? 'String' : ENV_VAR_TYPES[typeCode];
  if (!type) {
    r.issue('bad-environment-variable', entry.path, `Environment variable ${schemaName} has an unknown <type> ${typeCode ?? ''} (expected 100000000–100000005).`, r.where(entry, '<type>'));
    return null;
  }
  const displayNode = kid(node, 'displayname');
  const displayName = attr(displayNode, 'default') || attr(kids(displayNode, 'label')[0], 'description') || textOf(displayNode) || schemaName;
  const inlineValue = textOf(path(node, 'environmentvariablevalues', 'environmentvariablevalue', 'value'));
  return { schemaName, displayName, type, defaultValue: field(node, 'defaultvalue') || null, value: inlineValue || null };
}

/** The value in environmentvariablevalues.json: `{ environmentvariablevalues: { environmentvariablevalue: {…} | […] } }`. */
function packagedValue(r: Reader, entry: SolutionEntry): string | null {
  const text = r.json(entry, 'json-syntax');
  if (text === null) return null;
  const parsed = JSON.parse(text) as unknown;
  const holder = isNode(parsed) ? parsed['environmentvariablevalues'] : undefined;
  const rows = isNode(holder) ? holder['environmentvariablevalue'] : undefined;
  for (const row of Array.isArray(rows) ? (rows as unknown[]) : [rows]) {
    if (isNode(row) && typeof row['value'] === 'string' && row['value'] !== '') return row['value'];
  }
  return null;
}

function readEnvironmentVariables(r: Reader, customizations: SolutionEntry, doc: XmlNode): SolutionEnvironmentVariable[] {
  const byName = new Map<string, SolutionEnvironmentVariable>();
  for (const node of kids(path(doc, 'ImportExportXml', 'environmentvariabledefinitions'), 'environmentvariabledefinition')) {
    const v = environmentVariable(r, customizations, node, null);
    if (v) byName.set(v.schemaName.toLowerCase(), v);
  }
  for (const [key, entry] of r.files.entries) {
    const m = /^environmentvariabledefinitions\/([^/]+)\/environmentvariabledefinition\.xml$/.exec(key);
    if (!m) continue;
    const doc = r.xml(entry);
    if (!doc) continue;
    const node = kid(doc, 'environmentvariabledefinition');
    if (!isNode(node)) {
      r.issue('bad-environment-variable', entry.path, 'Expected an <environmentvariabledefinition> element.', { line: 1, column: 1 });
      continue;
    }
    const folderName = entry.path.split('/').slice(-2)[0] ?? null;
    const v = environmentVariable(r, entry, node, folderName);
    if (!v) continue;
    const valuesEntry = r.files.entries.get(`environmentvariabledefinitions/${m[1] ?? ''}/environmentvariablevalues.json`);
    if (valuesEntry) v.value = packagedValue(r, valuesEntry) ?? v.value;
    byName.set(v.schemaName.toLowerCase(), v);
  }
  return [...byName.values()].sort((a, b) => a.schemaName.localeCompare(b.schemaName));
}

interface WorkflowRow {
  node: unknown;
  entry: SolutionEntry;
}

function readFlows(r: Reader, rows: WorkflowRow[]): SolutionFlow[] {
  const flows = new Map<string, SolutionFlow>();
  const declared = new Set<string>();
  for (const { node, entry } of rows) {
    const category = field(node, 'Category');
    if (category !== '5') continue;
    const rawId = attr(node, 'WorkflowId') ?? field(node, 'WorkflowId') ?? '';
    const name = attr(node, 'Name') ?? localizedName(node) ?? rawId;
    const id = GUID.exec(rawId)?.[1]?.toLowerCase();
    if (!id) {
      r.issue('bad-workflow', entry.path, `Flow "${name}" has ${rawId ? `an invalid WorkflowId "${rawId}"` : 'no WorkflowId'}.`, r.where(entry, rawId ? rawId : `"${name}"`));
      continue;
    }
    if (flows.has(id)) continue;
    const jsonFileName = field(node, 'JsonFileName');
    let key: string | undefined;
    if (jsonFileName) {
      const relative = jsonFileName.replace(/\\/g, '/').replace(/^\/+/, '');
      const unsafe = unsafeEntryName(relative);
      if (unsafe) {
        r.issue('path-traversal', entry.path, `JsonFileName "${jsonFileName}" of flow "${name}" ${unsafe}: it points outside the solution; refused.`, r.where(entry, jsonFileName));
        continue;
      }
      key = relative.toLowerCase();
    } else {
      key = [...r.files.entries.keys()].find((k) => k.startsWith('workflows/') && k.endsWith(`-${id}.json`));
    }
    const file = key ? r.files.entries.get(key) : undefined;
    if (!file || !key) {
      r.issue(
        'flow-json-missing',
        entry.path,
        `Flow "${name}" (${id}) has no definition in the solution: ${jsonFileName ? `${jsonFileName} is missing` : `no Workflows/*-${id}.json`}.`,
        r.where(entry, jsonFileName ?? rawId),
      );
      continue;
    }
    declared.add(key);
    const text = r.json(file, 'flow-json-syntax');
    if (text === null) continue;
    const parsed = parseClientData(text);
    if (!parsed.ok) {
      r.issue('flow-json-shape', file.path, `Flow "${name}" cannot be read: ${parsed.error}`);
      continue;
    }
    flows.set(id, {
      id,
      name,
      category: 5,
      state: field(node, 'StateCode') === '1' ? 'on' : 'off',
      file: file.path,
      references: parsed.value.references.map((ref) => ({ key: ref.key, logicalName: ref.logicalName, connector: ref.apiName, runtimeSource: ref.runtimeSource })),
      childFlowIds: parsed.value.childFlowIds,
    });
  }
  for (const [key, entry] of r.files.entries) {
    if (/^workflows\/[^/]+\.json$/.test(key) && !declared.has(key) && !r.errors.some((e) => e.file === entry.path)) {
      r.issue('undeclared-flow-file', entry.path, 'No <Workflow> row in the solution names this file, so the import ignores it.', null, r.warnings);
    }
  }
  return [...flows.values()].sort((a, b) => a.name.localeCompare(b.name));
}

/** Reads an opened solution (zip entries or folder files). */
export function parseSolutionFiles(files: SolutionFiles): SolutionReadResult {
  const r = new Reader(files);
  const solutionXml = r.entry('solution.xml', 'other/solution.xml');
  const customizationsXml = r.entry('customizations.xml', 'other/customizations.xml');
  const layout = files.kind === 'folder' ? 'Other/Solution.xml and Other/Customizations.xml' : 'solution.xml and customizations.xml at its root';
  if (!solutionXml) r.issue('missing-solution-xml', files.name, `${files.name} has no solution.xml: a solution has ${layout}. Is this a solution export?`);
  if (!customizationsXml) r.issue('missing-customizations-xml', files.name, `${files.name} has no customizations.xml: a solution has ${layout}. Is this a solution export?`);
  if (!solutionXml || !customizationsXml) return { ok: false, errors: r.errors, warnings: r.warnings };

  const manifest = readManifest(r, solutionXml);
  const customizations = r.xml(customizationsXml);
  if (!manifest || !customizations) return { ok: false, errors: r.errors.sort(byPosition), warnings: r.warnings };

  const connectionReferences = readReferences(r, customizationsXml, customizations).sort((a, b) => a.logicalName.localeCompare(b.logicalName));
  const environmentVariables = readEnvironmentVariables(r, customizationsXml, customizations);
  const rows: WorkflowRow[] = kids(path(customizations, 'ImportExportXml', 'Workflows'), 'Workflow').map((node) => ({ node, entry: customizationsXml }));
  for (const [key, entry] of files.entries) {
    if (!key.endsWith('.json.data.xml')) continue;
    const doc = r.xml(entry);
    if (doc) rows.push({ node: kid(doc, 'Workflow'), entry });
  }
  const flows = readFlows(r, rows);
  if (r.errors.length) return { ok: false, errors: r.errors.sort(byPosition), warnings: r.warnings };
  return {
    ok: true,
    value: { source: { kind: files.kind, name: files.name }, ...manifest, connectionReferences, environmentVariables, flows },
    warnings: r.warnings.sort(byPosition),
  };
}

/**
 * A solution `.zip` (path or bytes) or an unpacked folder (path). Every problem is reported, each
 * naming the file inside the solution and, where there is one, the line and column.
 */
export async function readSolution(pathOrBuffer: string | Uint8Array, options: { name?: string } = {}): Promise<SolutionReadResult> {
  const opened = await openSolutionSource(pathOrBuffer, options.name);
  if (!opened.ok) return { ok: false, errors: opened.errors, warnings: [] };
  return parseSolutionFiles(opened.files);
}
