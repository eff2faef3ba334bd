/**
 * EDM typing of the sandbox's attributes and the value conversions the engine shares: reading a row
 * cell as a typed value, comparing two values the way SQL Server collates them, GUID normalisation.
 */
import type { CellValue, Row } from '../../model';
import { entityByLogicalName, type AttributeMeta, type EntityMeta } from '../schema';
import { entityTypeName } from './errors';

export type EdmType =
  | 'Edm.Guid'
  | 'Edm.String'
  | 'Edm.Int32'
  | 'Edm.Int64'
  | 'Edm.Decimal'
  | 'Edm.Double'
  | 'Edm.Single'
  | 'Edm.Boolean'
  | 'Edm.DateTimeOffset'
  | 'Edm.Date';

/** A typed scalar: GUIDs are lower-case strings, dates are epoch milliseconds. */
export type Scalar = string | number | boolean;

export const NUMERIC_TYPES: ReadonlySet<EdmType> = new Set(['Edm.Int32', 'Edm.Int64', 'Edm.Decimal', 'Edm.Double', 'Edm.Single']);
export const isNumeric = (t: EdmType): boolean => NUMERIC_TYPES.has(t);

export function edmTypeOf(attr: AttributeMeta): EdmType {
  switch (attr.type) {
    case 'uniqueidentifier':
    case 'lookup':
    case 'owner':
      return 'Edm.Guid';
    case 'string':
    case 'memo':
      return 'Edm.String';
    case 'integer':
    case 'picklist':
    case 'state':
    case 'status':
      return 'Edm.Int32';
    case 'bigint':
      return 'Edm.Int64';
    case 'decimal':
      return 'Edm.Decimal';
    case 'boolean':
      return 'Edm.Boolean';
    case 'datetime':
      return 'Edm.DateTimeOffset';
  }
}

/** The .NET type name the query builder uses in its messages. */
export function clrTypeOf(attr: AttributeMeta): string {
  switch (edmTypeOf(attr)) {
    case 'Edm.Guid':
      return 'System.Guid';
    case 'Edm.String':
      return 'System.String';
    case 'Edm.Int32':
      return 'System.Int32';
    case 'Edm.Int64':
      return 'System.Int64';
    case 'Edm.Boolean':
      return 'System.Boolean';
    case 'Edm.DateTimeOffset':
    case 'Edm.Date':
      return 'System.DateTime';
    default:
      return 'System.Decimal';
  }
}

export const isLookup = (attr: AttributeMeta): boolean => attr.type === 'lookup' || attr.type === 'owner';

/** Declared type of a single-valued navigation property: owner (and any polymorphic lookup) is `principal`-like. */
export function navigationTypeName(attr: AttributeMeta): string {
  const targets = attr.targets ?? [];
  if (attr.type === 'owner') return entityTypeName('principal');
  if (targets.length === 1 && targets[0]) return entityTypeName(targets[0]);
  return entityTypeName('crmbaseentity');
}

/** Target metas of a lookup that the sandbox simulates, in declaration order. */
export function knownTargets(attr: AttributeMeta): EntityMeta[] {
  const out: EntityMeta[] = [];
  for (const t of attr.targets ?? []) {
    const meta = entityByLogicalName(t);
    if (meta) out.push(meta);
  }
  return out;
}

const GUID_RE = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;

export const isGuidText = (text: string): boolean => GUID_RE.test(text);

/** A GUID in canonical lower-case form, braces tolerated; null when the text is not a GUID. */
export function normalizeGuid(text: string): string | null {
  const t = text.trim();
  const inner = t.startsWith('{') && t.endsWith('}') ? t.slice(1, -1) : t;
  return GUID_RE.test(inner) ? inner.toLowerCase() : null;
}

const ISO_RE = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(\.\d{1,7})?)?(Z|[+-]\d{2}:\d{2})?)?$/;

/** Epoch milliseconds of an ISO date or date-time (no offset = UTC); null when not a valid one. */
export function parseIsoDateTime(text: string): number | null {
  const m = ISO_RE.exec(text.trim());
  if (!m) return null;
  const [, y, mo, d, h, mi, s, frac, offset] = m;
  const month = Number(mo);
  const day = Number(d);
  if (month < 1 || month > 12 || day < 1 || day > 31) return null;
  const iso = `${y}-${mo}-${d}T${h ?? '00'}:${mi ?? '00'}:${s ?? '00'}${frac ? frac.slice(0, 4) : ''}${offset ?? 'Z'}`;
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) return null;
  // Date.parse rolls 2021-02-30 over to March; the platform rejects it.
  if (new Date(Date.UTC(Number(y), month - 1, day)).getUTCDate() !== day) return null;
  return ms;
}

/** The platform's wire format for a date-time: second precision, UTC, `Z`. */
export function formatWireDateTime(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** Reads a cell as the typed value of its attribute; null for a missing or unusable value. */
export function readTyped(row: Row, attr: AttributeMeta): Scalar | null {
  return toTyped(row[attr.logicalName] ?? null, edmTypeOf(attr));
}

export function toTyped(raw: CellValue | undefined, type: EdmType): Scalar | null {
  if (raw === null || raw === undefined) return null;
  switch (type) {
    case 'Edm.Guid':
      return typeof raw === 'string' ? (normalizeGuid(raw) ?? raw.toLowerCase()) : String(raw);
    case 'Edm.String':
      return String(raw);
    case 'Edm.Boolean':
      if (typeof raw === 'boolean') return raw;
      if (typeof raw === 'number') return raw !== 0;
      return /^(true|1)$/i.test(raw);
    case 'Edm.DateTimeOffset':
    case 'Edm.Date':
      if (typeof raw === 'number') return raw;
      return typeof raw === 'string' ? parseIsoDateTime(raw) : null;
    default: {
      const n = typeof raw === 'number' ? raw : Number(raw);
      return Number.isFinite(n) ? n : null;
    }
  }
}

/**
 * Orders two non-null typed values as the platform's collation does: strings case-insensitively,
 * booleans false before true, everything else by natural order.
 */
export function compareScalars(a: Scalar, b: Scalar): number {
  if (typeof a === 'string' && typeof b === 'string') {
    const la = a.toLowerCase();
    const lb = b.toLowerCase();
    return la < lb ? -1 : la > lb ? 1 : 0;
  }
  if (typeof a === 'boolean' && typeof b === 'boolean') return a === b ? 0 : a ? 1 : -1;
  const na = Number(a);
  const nb = Number(b);
  return na < nb ? -1 : na > nb ? 1 : 0;
}

/** Null-aware ordering: nulls sort first in ascending order, as on SQL Server. */
export function compareNullable(a: Scalar | null, b: Scalar | null): number {
  if (a === null) return b === null ? 0 : -1;
  if (b === null) return 1;
  return compareScalars(a, b);
}
