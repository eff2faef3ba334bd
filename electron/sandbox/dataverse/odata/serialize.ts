/**
 * A stored row as the Web API shows it: `@odata.etag` first, lookups as `_x_value`, each property's
 * annotations just before it, the primary key after the selected columns, expanded navigation
 * properties last. Annotations follow `Prefer: odata.include-annotations` (reference §6).
 */
import type { CellValue, Row } from '../../model';
import { attributeByPropertyName, webApiPropertyName, type AttributeMeta, type EntityMeta } from '../schema';
import { edmTypeOf, formatWireDateTime, isLookup, knownTargets, normalizeGuid, parseIsoDateTime, readTyped, toTyped } from './edm';
import { entityTypeName } from './errors';
import type { CollectionValuedExpand, SelectExpand, SingleValuedExpand } from './options';
import { sortKeys, sortRows } from './paging';
import type { AnnotationFilter } from './prefer';

/** What the engine needs from the caller's store. Rows the caller cannot read should simply be left out. */
export interface RowSource {
  /** Every readable row of a table (by entity logical name). */
  rowsOf(logicalName: string): Iterable<Row>;
  /** One row by primary key (lower-case GUID), or undefined. */
  getRow(logicalName: string, id: string): Row | undefined;
}

export const FORMATTED_VALUE = 'OData.Community.Display.V1.FormattedValue';
export const ASSOCIATED_NAVIGATION_PROPERTY = 'Microsoft.Dynamics.CRM.associatednavigationproperty';
export const LOOKUP_LOGICAL_NAME = 'Microsoft.Dynamics.CRM.lookuplogicalname';

export interface SerializeContext {
  source: RowSource;
  annotations: AnnotationFilter;
  /** e.g. `https://host/api/data/v9.2`, for `@odata.id` of `$ref` expansions. */
  serviceRoot: string;
}

/** The value a cell has on the wire, typed as its attribute. */
export function wireValue(attr: AttributeMeta, raw: CellValue | undefined): CellValue {
  if (raw === null || raw === undefined) return null;
  switch (edmTypeOf(attr)) {
    case 'Edm.Guid':
      return typeof raw === 'string' ? (normalizeGuid(raw) ?? raw) : String(raw);
    case 'Edm.DateTimeOffset': {
      const ms = typeof raw === 'string' ? parseIsoDateTime(raw) : typeof raw === 'number' ? raw : null;
      return ms === null ? String(raw) : formatWireDateTime(ms);
    }
    case 'Edm.String':
      return String(raw);
    case 'Edm.Boolean':
      return toTyped(raw, 'Edm.Boolean');
    default:
      return toTyped(raw, edmTypeOf(attr));
  }
}

const pad2 = (n: number): string => String(n).padStart(2, '0');

/** `5/20/2020 9:37 PM`: the platform's en-US display format (the sandbox shows UTC). */
export function formatDisplayDateTime(ms: number): string {
  const d = new Date(ms);
  const h = d.getUTCHours();
  const hour12 = h % 12 === 0 ? 12 : h % 12;
  return `${d.getUTCMonth() + 1}/${d.getUTCDate()}/${d.getUTCFullYear()} ${hour12}:${pad2(d.getUTCMinutes())} ${h < 12 ? 'AM' : 'PM'}`;
}

const integerFormat = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });
const decimalFormat = new Intl.NumberFormat('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 });

interface ResolvedLookup {
  logicalName: string;
  meta: EntityMeta | null;
  row: Row | null;
}

/** Finds which of a lookup's target tables holds the referenced row. */
export function resolveLookup(attr: AttributeMeta, id: string, source: RowSource): ResolvedLookup {
  const targets = knownTargets(attr);
  for (const meta of targets) {
    const row = source.getRow(meta.logicalName, id);
    if (row) return { logicalName: meta.logicalName, meta, row };
  }
  const first = targets[0] ?? null;
  return { logicalName: first?.logicalName ?? attr.targets?.[0] ?? '', meta: first, row: null };
}

function formattedValue(attr: AttributeMeta, value: CellValue, ctx: SerializeContext): string | null {
  if (value === null) return null;
  switch (attr.type) {
    case 'picklist':
    case 'state':
    case 'status':
      return attr.options?.[String(value)] ?? null;
    case 'boolean':
      return attr.options?.[value === true ? '1' : '0'] ?? null;
    case 'integer':
      return typeof value === 'number' ? integerFormat.format(value) : null;
    case 'decimal':
      return typeof value === 'number' ? decimalFormat.format(value) : null;
    case 'datetime': {
      const ms = typeof value === 'string' ? parseIsoDateTime(value) : null;
      return ms === null ? null : formatDisplayDateTime(ms);
    }
    case 'lookup':
    case 'owner': {
      const target = resolveLookup(attr, String(value), ctx.source);
      if (!target.meta || !target.row) return null;
      const name = target.row[target.meta.primaryName];
      return name === null || name === undefined ? null : String(name);
    }
    default:
      return null;
  }
}

function writeProperty(out: Record<string, unknown>, attr: AttributeMeta, row: Row, ctx: SerializeContext): void {
  const name = webApiPropertyName(attr);
  const value = wireValue(attr, row[attr.logicalName]);
  if (value !== null) {
    if (ctx.annotations(FORMATTED_VALUE)) {
      const formatted = formattedValue(attr, value, ctx);
      if (formatted !== null) out[`${name}@${FORMATTED_VALUE}`] = formatted;
    }
    if (isLookup(attr)) {
      if (ctx.annotations(ASSOCIATED_NAVIGATION_PROPERTY)) {
        out[`${name}@${ASSOCIATED_NAVIGATION_PROPERTY}`] = attr.navigation ?? attr.logicalName;
      }
      if (ctx.annotations(LOOKUP_LOGICAL_NAME)) {
        out[`${name}@${LOOKUP_LOGICAL_NAME}`] = resolveLookup(attr, String(value), ctx.source).logicalName;
      }
    }
  }
  out[name] = value;
}

/** The attributes a selection shows for one entity type, in output order (primary key last unless selected). */
export function selectedAttributes(meta: EntityMeta, select: readonly string[] | null): AttributeMeta[] {
  if (select === null) return Object.values(meta.attributes);
  const attrs: AttributeMeta[] = [];
  for (const name of select) {
    const attr = attributeByPropertyName(meta, name);
    if (attr && !attrs.includes(attr)) attrs.push(attr);
  }
  const pk = meta.attributes[meta.primaryId];
  if (pk && !attrs.includes(pk)) attrs.push(pk);
  return attrs;
}

export interface SerializeRowOptions {
  /** Set for rows inside an expansion: principals then carry `ownerid`, polymorphic ones `@odata.type`. */
  expanded?: boolean;
  /** The navigation property's declared type differs from the row's (ownerid → systemuser). */
  withODataType?: boolean;
}

/** Serializes one row with its selection and expansions. */
export function serializeRow(
  meta: EntityMeta,
  row: Row,
  selection: SelectExpand,
  ctx: SerializeContext,
  options: SerializeRowOptions = {},
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (options.withODataType) out['@odata.type'] = `#${entityTypeName(meta.logicalName)}`;
  if (meta.optimisticConcurrency) {
    const version = row['versionnumber'];
    if (version !== null && version !== undefined) out['@odata.etag'] = `W/"${String(version)}"`;
  }
  for (const attr of selectedAttributes(meta, selection.select)) writeProperty(out, attr, row, ctx);
  // An expanded principal carries `ownerid` beside its own key, with the same value (reference §3.6).
  if (options.expanded && (meta.logicalName === 'systemuser' || meta.logicalName === 'team') && !Object.hasOwn(meta.attributes, 'ownerid')) {
    const pk = meta.attributes[meta.primaryId];
    out['ownerid'] = pk ? wireValue(pk, row[pk.logicalName]) : null;
  }
  for (const item of selection.expand) {
    out[item.navigation] = item.kind === 'single' ? expandSingle(item, row, ctx) : expandCollection(item, meta, row, ctx);
  }
  return out;
}

function expandSingle(item: SingleValuedExpand, row: Row, ctx: SerializeContext): Record<string, unknown> | null {
  const id = readTyped(row, item.attr);
  if (id === null) return null;
  const target = resolveLookup(item.attr, String(id), ctx.source);
  if (item.ref) {
    const meta = target.meta ?? item.targets[0];
    return meta ? { '@odata.id': `${ctx.serviceRoot}/${meta.setName}(${String(id)})` } : null;
  }
  if (!target.meta || !target.row) return null;
  const polymorphic = item.attr.type === 'owner' || (item.attr.targets?.length ?? 0) > 1;
  return serializeRow(target.meta, target.row, item.options, ctx, { expanded: true, withODataType: polymorphic });
}

function expandCollection(item: CollectionValuedExpand, parentMeta: EntityMeta, parent: Row, ctx: SerializeContext): Record<string, unknown>[] {
  const pk = parentMeta.attributes[parentMeta.primaryId];
  const parentId = pk ? readTyped(parent, pk) : null;
  if (parentId === null) return [];
  const referencing = item.target.attributes[item.relationship.referencingAttribute];
  if (!referencing) return [];
  let children = [...ctx.source.rowsOf(item.target.logicalName)].filter((r) => readTyped(r, referencing) === parentId);
  if (item.filter) children = children.filter(item.filter);
  children = sortRows(children, sortKeys(item.target, item.orderBy));
  if (item.top !== null) children = children.slice(0, item.top);
  return children.map((child) => serializeRow(item.target, child, item.options, ctx, { expanded: true }));
}

/**
 * The parenthesised part of `@odata.context`: selected properties in request order, then each
 * expansion as `nav(<its own list>)`, e.g. `name,ownerid(fullname)`. Empty when neither is present.
 */
export function contextSelectList(selection: SelectExpand): string {
  const parts: string[] = [...(selection.select ?? [])];
  for (const item of selection.expand) {
    if (item.kind === 'single' && item.ref) continue;
    parts.push(`${item.navigation}(${contextSelectList(item.options)})`);
  }
  return parts.join(',');
}
