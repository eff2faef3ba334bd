/**
 * The FetchXML engine behind `GET <set>?fetchXml=…`: parses and validates the query, runs it over the
 * caller's rows and answers the Web API JSON body (reference: dataverse-web-api.md §6, §7.2).
 */
import type { CellValue } from '../../model';
import { webApiPropertyName, type AttributeMeta, type EntityMeta } from '../schema';
import { pagingCookieAnnotation, parsePagingCookie, type CookieEntry } from './cookie';
import { invalidArgument } from './errors';
import {
  LookupResolver,
  cellOf,
  compareKeyLists,
  joinRows,
  primaryKey,
  sortKeyOf,
  sortSpecs,
  sortTuples,
  type FetchXmlDataSource,
  type SortKey,
  type SortSpec,
  type Tuple,
} from './evaluate';
import { MAX_PAGE_SIZE, parseFetchXml } from './parse';
import type { Column, FetchQuery, QueryNode } from './query';
import { parseValue, typedCell, type Typed } from './values';

/** Annotation terms (without the leading `@`) the engine may emit. */
export const FetchXmlAnnotation = {
  FormattedValue: 'OData.Community.Display.V1.FormattedValue',
  LookupLogicalName: 'Microsoft.Dynamics.CRM.lookuplogicalname',
  AssociatedNavigationProperty: 'Microsoft.Dynamics.CRM.associatednavigationproperty',
  PagingCookie: 'Microsoft.Dynamics.CRM.fetchxmlpagingcookie',
  MoreRecords: 'Microsoft.Dynamics.CRM.morerecords',
  TotalRecordCount: 'Microsoft.Dynamics.CRM.totalrecordcount',
  TotalRecordCountLimitExceeded: 'Microsoft.Dynamics.CRM.totalrecordcountlimitexceeded',
} as const;

/** Simple paging (page numbers without a paging cookie) stops at this many rows. */
export const SIMPLE_PAGING_LIMIT = 50000;

export interface FetchXmlRequest {
  /** The `fetchXml` query option, already URL-decoded. */
  fetchXml: string;
  /** The entity of the request URL's entity set. */
  entity: EntityMeta;
  /** e.g. `https://contoso.crm.dynamics.com/api/data/v9.2` (no trailing slash). */
  serviceRoot: string;
  data: FetchXmlDataSource;
  /**
   * Whether `Prefer: odata.include-annotations` asks for an annotation term such as
   * `OData.Community.Display.V1.FormattedValue` (see FetchXmlAnnotation, and includeAnnotationsFilter).
   */
  includeAnnotation?: ((term: string) => boolean) | undefined;
  /** OData `$count=true` next to fetchXml: the same as `returntotalrecordcount='true'`. */
  countRequested?: boolean | undefined;
  /** Named in metadata-cache error texts. */
  organizationId?: string | undefined;
  /**
   * On the last page: `'morerecords-false'` (default) answers `@Microsoft.Dynamics.CRM.morerecords: false`
   * and still a paging cookie, as responses captured from the service show; `'omit'` leaves both
   * annotations out, as the 2024 paging documentation describes.
   */
  lastPage?: 'morerecords-false' | 'omit' | undefined;
}

export interface FetchXmlResponseBody {
  '@odata.context': string;
  value: Record<string, unknown>[];
  [annotation: string]: unknown;
}

// ------------------------------------------------------------------------------------------- columns

function allColumns(meta: EntityMeta): Column[] {
  return Object.values(meta.attributes).map((attr) => ({ attr, alias: undefined }));
}

/** The fetch entity's output columns in order; the primary key is always returned. */
function rootColumns(root: QueryNode): Column[] {
  const columns = root.allAttributes ? [...allColumns(root.meta), ...root.columns.filter((c) => c.alias !== undefined)] : [...root.columns];
  const pk = primaryKey(root);
  if (!columns.some((c) => c.attr.logicalName === pk.logicalName && c.alias === undefined)) columns.push({ attr: pk, alias: undefined });
  return columns;
}

function linkColumns(node: QueryNode): Column[] {
  return node.allAttributes ? [...allColumns(node.meta), ...node.columns.filter((c) => c.alias !== undefined)] : node.columns;
}

const isLookup = (attr: AttributeMeta): boolean => attr.type === 'lookup' || attr.type === 'owner';
const navigationOf = (attr: AttributeMeta): string => attr.navigation ?? attr.logicalName;

function contextUrl(request: FetchXmlRequest, query: FetchQuery, columns: readonly Column[]): string {
  const base = `${request.serviceRoot}/$metadata#${request.entity.setName}`;
  if (query.root.allAttributes) return base;
  const names: string[] = [];
  const navigations: string[] = [];
  for (const { attr, alias } of columns) {
    if (alias !== undefined) names.push(alias);
    else if (isLookup(attr)) {
      names.push(webApiPropertyName(attr), navigationOf(attr));
      navigations.push(`${navigationOf(attr)}()`);
    } else names.push(attr.logicalName);
  }
  return `${base}(${[...names, ...navigations].join(',')})`;
}

// -------------------------------------------------------------------------------------------- values

function formatDateTime(ms: number): string {
  const date = new Date(ms);
  const hours = date.getUTCHours();
  const minutes = String(date.getUTCMinutes()).padStart(2, '0');
  return `${date.getUTCMonth() + 1}/${date.getUTCDate()}/${date.getUTCFullYear()} ${hours % 12 || 12}:${minutes} ${hours < 12 ? 'AM' : 'PM'}`;
}

function formattedValue(attr: AttributeMeta, value: Typed, lookups: LookupResolver): string | undefined {
  switch (attr.type) {
    case 'picklist':
    case 'state':
    case 'status':
      return attr.options?.[String(value)];
    case 'boolean':
      return attr.options?.[value === true ? '1' : '0'];
    case 'lookup':
    case 'owner':
      return lookups.resolve(attr, String(value)).name ?? undefined;
    case 'datetime':
      return formatDateTime(Number(value));
    case 'integer':
      return Number(value).toLocaleString('en-US');
    case 'decimal':
      return Number(value).toLocaleString('en-US', { maximumFractionDigits: 10 });
    default:
      return undefined;
  }
}

function outputValue(attr: AttributeMeta, cell: CellValue | undefined, value: Typed): CellValue {
  if (attr.type === 'datetime') return new Date(Number(value)).toISOString().replace(/\.\d{3}Z$/, 'Z');
  if (attr.type === 'string' || attr.type === 'memo') return typeof cell === 'string' ? cell : String(value);
  return value;
}

/** Stringifies a value for a paging cookie: GUIDs as `{UPPERCASE}`, as the service writes them. */
function cookieValue(attr: AttributeMeta, cell: CellValue | undefined, value: Typed | null): string | null {
  if (value === null) return null;
  if (attr.type === 'uniqueidentifier' || isLookup(attr)) return `{${String(value).toUpperCase()}}`;
  if (attr.type === 'boolean') return value === true ? '1' : '0';
  if (attr.type === 'datetime') return typeof cell === 'string' ? cell : new Date(Number(value)).toISOString();
  return String(value);
}

// --------------------------------------------------------------------------------------------- shape

interface Shaper {
  include: (term: string) => boolean;
  lookups: LookupResolver;
}

function emit(
  out: Record<string, unknown>,
  shaper: Shaper,
  name: string,
  attr: AttributeMeta,
  cell: CellValue | undefined,
  onFetchEntity: boolean,
): void {
  const value = typedCell(attr, cell);
  if (value === null) return;
  if (shaper.include(FetchXmlAnnotation.FormattedValue)) {
    const formatted = formattedValue(attr, value, shaper.lookups);
    if (formatted !== undefined) out[`${name}@${FetchXmlAnnotation.FormattedValue}`] = formatted;
  }
  if (isLookup(attr)) {
    if (onFetchEntity && shaper.include(FetchXmlAnnotation.AssociatedNavigationProperty)) {
      out[`${name}@${FetchXmlAnnotation.AssociatedNavigationProperty}`] = navigationOf(attr);
    }
    if (shaper.include(FetchXmlAnnotation.LookupLogicalName)) {
      const target = shaper.lookups.resolve(attr, String(value)).target;
      if (target !== '') out[`${name}@${FetchXmlAnnotation.LookupLogicalName}`] = target;
    }
  }
  out[name] = outputValue(attr, cell, value);
}

function shapeTuple(query: FetchQuery, tuple: Tuple, columns: readonly Column[], shaper: Shaper): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const root = tuple[0] ?? null;
  if (root && query.root.meta.optimisticConcurrency) {
    const version = root.versionnumber;
    if (version !== undefined && version !== null && version !== '') out['@odata.etag'] = `W/"${String(version)}"`;
  }
  for (const { attr, alias } of columns) {
    emit(out, shaper, alias ?? webApiPropertyName(attr), attr, root?.[attr.logicalName], true);
  }
  for (const link of query.links) {
    if (link.linkType !== 'inner' && link.linkType !== 'outer') continue;
    const row = tuple[link.index] ?? null;
    if (!row) continue;
    for (const { attr, alias } of linkColumns(link)) {
      emit(out, shaper, alias ?? `${link.alias}.${attr.logicalName}`, attr, row[attr.logicalName], false);
    }
  }
  return out;
}

/** `distinct='true'`: rows that return the same values collapse into one. */
function distinctTuples(query: FetchQuery, tuples: readonly Tuple[], columns: readonly Column[]): Tuple[] {
  const seen = new Set<string>();
  const keep: Tuple[] = [];
  for (const tuple of tuples) {
    const parts: (Typed | null)[] = columns.map((c) => cellOf(tuple, query.root, c.attr));
    for (const link of query.links) {
      if (link.linkType !== 'inner' && link.linkType !== 'outer') continue;
      for (const c of linkColumns(link)) parts.push(cellOf(tuple, link, c.attr));
    }
    const key = JSON.stringify(parts);
    if (seen.has(key)) continue;
    seen.add(key);
    keep.push(tuple);
  }
  return keep;
}

// -------------------------------------------------------------------------------------------- paging

/** The columns a paging cookie records: the fetch entity's orders, then its primary key. */
function cookieSpecs(query: FetchQuery): SortSpec[] | undefined {
  if (query.links.some((link) => link.orders.length > 0)) return undefined;
  if (query.root.orders.some((order) => order.node !== query.root)) return undefined;
  const specs: SortSpec[] = [];
  for (const order of query.root.orders) {
    if (!specs.some((s) => s.attr.logicalName === order.attr.logicalName)) specs.push(order);
  }
  const pk = primaryKey(query.root);
  if (!specs.some((s) => s.attr.logicalName === pk.logicalName)) specs.push({ node: query.root, attr: pk, descending: false });
  return specs;
}

function cookieEntries(specs: readonly SortSpec[], first: Tuple, last: Tuple): CookieEntry[] {
  return specs.map((spec) => {
    const read = (tuple: Tuple): string | null => {
      const cell = tuple[spec.node.index]?.[spec.attr.logicalName];
      return cookieValue(spec.attr, cell, typedCell(spec.attr, cell));
    };
    return { name: spec.attr.logicalName, last: read(last), first: read(first) };
  });
}

/** Index of the first row after the cookie's last row, or undefined when the cookie doesn't fit the query. */
function startAfterCookie(
  query: FetchQuery,
  specs: readonly SortSpec[],
  tuples: readonly Tuple[],
  entries: readonly CookieEntry[],
  lookups: LookupResolver,
): number | undefined {
  if (entries.length !== specs.length || entries.some((entry, i) => entry.name !== specs[i]?.attr.logicalName)) return undefined;
  const cookieKeys: SortKey[] = specs.map((spec, i) => {
    const raw = entries[i]?.last ?? null;
    if (raw === null) return null;
    let value: Typed;
    try {
      value = parseValue(spec.node.meta.logicalName, spec.attr, raw);
    } catch {
      throw invalidArgument('Malformed XML in the Paging Cookie');
    }
    return sortKeyOf(spec.attr, value, query.useRawOrderBy, lookups);
  });
  const index = tuples.findIndex((tuple) => {
    const keys = specs.map((spec) => sortKeyOf(spec.attr, cellOf(tuple, spec.node, spec.attr), query.useRawOrderBy, lookups));
    return compareKeyLists(specs, keys, cookieKeys) > 0;
  });
  return index === -1 ? tuples.length : index;
}

// ----------------------------------------------------------------------------------------------- run

/**
 * Runs `GET <set>?fetchXml=…`. Returns the 200 body; throws FetchXmlError (status 400, platform code)
 * for every query the platform would refuse.
 */
export function executeFetchXml(request: FetchXmlRequest): FetchXmlResponseBody {
  const include = request.includeAnnotation ?? ((): boolean => false);
  const query = parseFetchXml(request.fetchXml, {
    entity: request.entity,
    entityMeta: (name) => request.data.entityMeta(name),
    countRequested: request.countRequested,
    organizationId: request.organizationId,
  });
  const lookups = new LookupResolver(request.data);
  const columns = rootColumns(query.root);
  const sorted = sortTuples(joinRows(query, request.data), sortSpecs(query), query.useRawOrderBy, lookups);
  const all = query.distinct ? distinctTuples(query, sorted, columns) : sorted;
  const total = all.length;

  let rows: Tuple[];
  let more = false;
  let cookie: string | undefined;
  if (query.top !== undefined) {
    rows = all.slice(0, query.top);
  } else {
    const size = Math.min(query.count ?? MAX_PAGE_SIZE, MAX_PAGE_SIZE);
    const page = query.page ?? 1;
    const specs = cookieSpecs(query);
    let start: number | undefined;
    if (specs && query.pagingCookie !== undefined && page > 1) {
      const parsed = parsePagingCookie(query.pagingCookie);
      if (parsed.page === page - 1) start = startAfterCookie(query, specs, all, parsed.entries, lookups);
    }
    if (start === undefined) {
      if (page * size > SIMPLE_PAGING_LIMIT) {
        throw invalidArgument(
          `Paging without a paging cookie is limited to ${SIMPLE_PAGING_LIMIT} records: page ${page} with count ${size} goes beyond it. ` +
            'Send the paging-cookie returned with the previous page.',
        );
      }
      start = (page - 1) * size;
    }
    rows = all.slice(start, start + size);
    more = start + size < total;
    const firstRow = rows[0];
    const lastRow = rows[rows.length - 1];
    if (specs && firstRow && lastRow) cookie = pagingCookieAnnotation({ page, entries: cookieEntries(specs, firstRow, lastRow) });
  }

  const context = contextUrl(request, query, columns);
  const body: Record<string, unknown> = { '@odata.context': context };
  const counted = query.returnTotalRecordCount || request.countRequested === true;
  if (counted) body['@odata.count'] = Math.min(total, MAX_PAGE_SIZE);
  if (include(FetchXmlAnnotation.TotalRecordCount)) {
    body[`@${FetchXmlAnnotation.TotalRecordCount}`] = counted ? Math.min(total, MAX_PAGE_SIZE) : -1;
  }
  if (include(FetchXmlAnnotation.TotalRecordCountLimitExceeded)) {
    body[`@${FetchXmlAnnotation.TotalRecordCountLimitExceeded}`] = counted && total > MAX_PAGE_SIZE;
  }
  const announce = more || (request.lastPage ?? 'morerecords-false') === 'morerecords-false';
  if (announce && cookie !== undefined && include(FetchXmlAnnotation.PagingCookie)) {
    body[`@${FetchXmlAnnotation.PagingCookie}`] = cookie;
  }
  if (announce && include(FetchXmlAnnotation.MoreRecords)) body[`@${FetchXmlAnnotation.MoreRecords}`] = more;

  const shaper: Shaper = { include, lookups };
  const value = rows.map((tuple) => shapeTuple(query, tuple, columns, shaper));
  return { ...body, '@odata.context': context, value };
}

/**
 * Builds an includeAnnotation predicate from the `odata.include-annotations` preference value
 * (`"*"`, `"OData.Community.Display.V1.FormattedValue,Microsoft.Dynamics.CRM.*"`, `-term` to exclude).
 */
export function includeAnnotationsFilter(preference: string): (term: string) => boolean {
  const patterns = preference
    .replace(/^"|"$/g, '')
    .split(',')
    .map((p) => p.trim())
    .filter((p) => p !== '');
  const matches = (pattern: string, term: string): boolean =>
    pattern === '*' || pattern === term || (pattern.endsWith('.*') && term.startsWith(pattern.slice(0, -1)));
  return (term) => {
    if (patterns.some((p) => p.startsWith('-') && matches(p.slice(1), term))) return false;
    return patterns.some((p) => !p.startsWith('-') && matches(p, term));
  };
}
