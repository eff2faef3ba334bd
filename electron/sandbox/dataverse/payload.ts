import type { CellValue, Row, SandboxEnvironment } from '../model';
import type { SandboxStore } from '../store';
import { DataverseError, notFound } from './errors';
import { edmTypeOf } from './odata/edm';
import { entityBySetName, type AttributeMeta, type EntityMeta } from './schema';

/**
 * Reads a create/update body into column changes, as the Web API validates it: JSON object only,
 * declared properties only, values of the column's type and length, lookups through `@odata.bind`.
 * Read-only columns are ignored, as the platform ignores them.
 */

const GUID = /^\{?([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\}?$/i;
const ISO_DATE = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})?)?$/;

/** The platform's wrapper for payload problems (0x80048d19), with the OData reader's inner message. */
export function payloadError(meta: EntityMeta, inner: string): DataverseError {
  return new DataverseError(
    400,
    '0x80048d19',
    `Error identified in Payload provided by the user for Entity :'${meta.setName}', For more information on this error please follow this help link https://go.microsoft.com/fwlink/?linkid=2195293  ----> InnerException : Microsoft.OData.ODataException: ${inner}`,
  );
}


function convert(meta: EntityMeta, attr: AttributeMeta, value: unknown): CellValue {
  if (value === null) return null;
  const mismatch = (): DataverseError =>
    payloadError(meta, `Cannot convert the literal '${typeof value === 'string' ? value : JSON.stringify(value)}' to the expected type '${edmTypeOf(attr)}'.`);
  switch (attr.type) {
    case 'string':
    case 'memo': {
      if (typeof value !== 'string') throw mismatch();
      if (attr.maxLength !== undefined && value.length > attr.maxLength) {
        throw new DataverseError(
          400,
          '0x80044331',
          `A validation error occurred.  The length of the '${attr.logicalName}' attribute of the '${meta.logicalName}' entity exceeded the maximum allowed length of '${attr.maxLength}'.`,
        );
      }
      return value;
    }
    case 'integer':
    case 'picklist':
    case 'state':
    case 'status':
    case 'bigint':
      if (typeof value !== 'number' || !Number.isInteger(value)) throw mismatch();
      return value;
    case 'decimal':
      if (typeof value !== 'number') throw mismatch();
      return value;
    case 'boolean':
      if (typeof value !== 'boolean') throw mismatch();
      return value;
    case 'datetime':
      if (typeof value !== 'string' || !ISO_DATE.test(value) || Number.isNaN(Date.parse(value))) throw mismatch();
      return new Date(value).toISOString().replace('.000Z', 'Z');
    case 'uniqueidentifier': {
      const id = typeof value === 'string' ? GUID.exec(value)?.[1] : undefined;
      if (!id) throw mismatch();
      return id.toLowerCase();
    }
    case 'lookup':
    case 'owner':
      throw payloadError(meta, `An undeclared property '${attr.logicalName}' which only has property annotations in the payload but no property value was found in the payload. In OData, only declared navigation properties and declared named streams can be represented as properties without values.`);
  }
}

/** Resolves an `@odata.bind` reference (`systemusers(<id>)`, `/systemusers(<id>)`, or a full URL). */
function resolveBind(store: SandboxStore, env: SandboxEnvironment, meta: EntityMeta, attr: AttributeMeta, value: unknown): string | null {
  if (value === null) return null;
  if (typeof value !== 'string') throw payloadError(meta, `The value of '${attr.navigation ?? attr.logicalName}@odata.bind' must be a string.`);
  const match = /(?:^|\/)([A-Za-z_][A-Za-z0-9_]*)\(([^)]+)\)\/?$/.exec(value.trim());
  const target = match?.[1] ? entityBySetName(match[1]) : undefined;
  const id = match?.[2] ? GUID.exec(match[2])?.[1]?.toLowerCase() : undefined;
  if (!match || !target || !id) {
    throw payloadError(meta, `The URI '${value}' in the '${attr.navigation ?? attr.logicalName}@odata.bind' annotation is not valid.`);
  }
  if (!attr.targets?.includes(target.logicalName)) {
    throw payloadError(meta, `A resource of type '${target.logicalName}' cannot be bound to '${attr.navigation ?? attr.logicalName}', which expects '${(attr.targets ?? []).join("' or '")}'.`);
  }
  if (!store.row(env, target.logicalName, id)) throw notFound(target.logicalName, id);
  return id;
}

export function parseJsonBody(meta: EntityMeta, body: Buffer): Record<string, unknown> {
  const text = body.toString('utf8');
  if (!text.trim()) throw payloadError(meta, 'The request body is empty.');
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw payloadError(meta, `Invalid JSON. ${error instanceof Error ? error.message : 'The body could not be parsed.'}`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw payloadError(meta, 'A resource was expected: the body must be a JSON object.');
  }
  return parsed as Record<string, unknown>;
}

/** Column changes from a request body. */
export function readChanges(store: SandboxStore, env: SandboxEnvironment, meta: EntityMeta, body: Record<string, unknown>): Row {
  const changes: Row = {};
  for (const [key, value] of Object.entries(body)) {
    if (key.startsWith('@odata.')) continue;
    const bind = /^(.+)@odata\.bind$/.exec(key)?.[1];
    if (bind) {
      const attr = Object.values(meta.attributes).find((a) => a.navigation === bind);
      if (!attr) {
        throw payloadError(meta, `An undeclared property '${bind}' which only has property annotations in the payload but no property value was found in the payload. In OData, only declared navigation properties and declared named streams can be represented as properties without values.`);
      }
      changes[attr.logicalName] = resolveBind(store, env, meta, attr, value);
      continue;
    }
    if (key.includes('@')) continue; // other instance annotations are ignored
    const attr = meta.attributes[key];
    if (!attr) {
      throw payloadError(meta, `The property '${key}' does not exist on type 'Microsoft.Dynamics.CRM.${meta.logicalName}'. Make sure to only use property names that are defined by the type.`);
    }
    const converted = convert(meta, attr, value);
    if (attr.readOnly && key !== meta.primaryId) continue;
    changes[key] = converted;
  }
  return changes;
}
