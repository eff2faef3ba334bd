/**
 * Entry points: answer `GET <set>?…` (with paging, $count and annotations), shape a single row for
 * `GET <set>(<id>)?…` or `Prefer: return=representation`, and count rows for `GET <set>/$count`.
 * Pure functions of the request URL, the Prefer header and the caller's rows.
 */
import type { Row } from '../../model';
import type { EntityMeta } from '../schema';
import { parseQueryOptions, type QueryOptions } from './options';
import { buildSkipToken, pageStart, parseSkipToken, sortKeys, sortRows } from './paging';
import { annotationFilter, appliedQueryPreferences, MAX_PAGE_SIZE, parsePrefer, type Preferences } from './prefer';
import { contextSelectList, serializeRow, type RowSource, type SerializeContext } from './serialize';

/** The platform caps `@odata.count` (and `$count`) at 5000. */
export const COUNT_LIMIT = 5000;

/** Sample value of `@Microsoft.Dynamics.CRM.globalmetadataversion` (reference §6). */
export const DEFAULT_GLOBAL_METADATA_VERSION = '84271433';

export const TOTAL_RECORD_COUNT = 'Microsoft.Dynamics.CRM.totalrecordcount';
export const TOTAL_RECORD_COUNT_LIMIT_EXCEEDED = 'Microsoft.Dynamics.CRM.totalrecordcountlimitexceeded';
export const GLOBAL_METADATA_VERSION = 'Microsoft.Dynamics.CRM.globalmetadataversion';

export interface QueryRequest {
  meta: EntityMeta;
  /** The request URL as the client addressed it (absolute, or relative to the service root). */
  url: URL | string;
  /** The raw Prefer header (several headers joined with ", "), if any. */
  prefer?: string | null | undefined;
  source: RowSource;
  /** e.g. `https://host/api/data/v9.2`; derived from the URL (`…/api/data/vX.Y`) when absent. */
  serviceRoot?: string | undefined;
  globalMetadataVersion?: string | undefined;
}

export interface QueryResult {
  /** The JSON body, keys in the platform's order. */
  body: Record<string, unknown>;
  /** One `Preference-Applied` header value each. */
  preferenceApplied: string[];
}

const toUrl = (url: URL | string): URL => (typeof url === 'string' ? new URL(url, 'https://sandbox.invalid/') : url);

/** The service root of a Web API URL: everything up to and including `/api/data/vX.Y`. */
export function serviceRootOf(url: URL | string): string {
  const u = toUrl(url);
  const m = /^(.*?\/api\/data\/v\d+(?:\.\d+)?)(?:\/|$)/.exec(`${u.origin}${u.pathname}`);
  return m?.[1] ?? u.origin;
}

/** The request URL without `$skiptoken`, plus the new one, as the platform builds `@odata.nextLink`. */
function nextLink(url: URL, skipToken: string): string {
  const base = url.href.split('?')[0] ?? url.href;
  const kept = url.search
    .replace(/^\?/, '')
    .split('&')
    .filter((p) => p !== '' && !/^(\$|%24)skiptoken(=|$)/i.test(p));
  kept.push(`$skiptoken=${skipToken}`);
  return `${base}?${kept.join('&')}`;
}

function context(req: QueryRequest, prefs: Preferences): { ctx: SerializeContext; root: string } {
  const root = req.serviceRoot ?? serviceRootOf(req.url);
  return { root, ctx: { source: req.source, annotations: annotationFilter(prefs.includeAnnotations), serviceRoot: root } };
}

function contextUrl(root: string, meta: EntityMeta, options: QueryOptions, single: boolean): string {
  const list = contextSelectList(options);
  return `${root}/$metadata#${meta.setName}${list ? `(${list})` : ''}${single ? '/$entity' : ''}`;
}

/** Rows of the set that pass $filter, in the query's stable order ($orderby, then primary key). */
function matchingRows(meta: EntityMeta, options: QueryOptions, source: RowSource): Row[] {
  let rows = [...source.rowsOf(meta.logicalName)];
  if (options.filter) rows = rows.filter(options.filter);
  return sortRows(rows, sortKeys(meta, options.orderBy));
}

/**
 * Answers `GET <set>?$select=…&$filter=…&$orderby=…&$top=…&$count=…&$expand=…&$skiptoken=…`.
 * With `Prefer: odata.maxpagesize=N` (or more than 5000 rows) the body ends with `@odata.nextLink`;
 * `$top` is ignored when a page size is requested. Throws ODataError for a bad query.
 */
export function queryCollection(req: QueryRequest): QueryResult {
  const url = toUrl(req.url);
  const prefs = parsePrefer(req.prefer);
  const options = parseQueryOptions(req.meta, url.search);
  const { ctx, root } = context(req, prefs);
  const rows = matchingRows(req.meta, options, req.source);
  const keys = sortKeys(req.meta, options.orderBy);

  const topOnly = prefs.maxPageSize === null && options.top !== null;
  const pageSize = prefs.maxPageSize !== null ? Math.min(prefs.maxPageSize, MAX_PAGE_SIZE) : Math.min(options.top ?? MAX_PAGE_SIZE, MAX_PAGE_SIZE);
  let pageNumber = 1;
  let start = 0;
  if (options.skipToken !== null && !topOnly) {
    const cookie = parseSkipToken(options.skipToken);
    pageNumber = cookie.pageNumber;
    start = pageStart(rows, keys, cookie, pageSize);
  }
  const page = rows.slice(start, start + pageSize);
  const more = !topOnly && start + pageSize < rows.length;

  const total = Math.min(rows.length, COUNT_LIMIT);
  const body: Record<string, unknown> = { '@odata.context': contextUrl(root, req.meta, options, false) };
  if (options.count) body['@odata.count'] = total;
  if (ctx.annotations(TOTAL_RECORD_COUNT)) body[`@${TOTAL_RECORD_COUNT}`] = options.count ? total : -1;
  if (ctx.annotations(TOTAL_RECORD_COUNT_LIMIT_EXCEEDED)) body[`@${TOTAL_RECORD_COUNT_LIMIT_EXCEEDED}`] = options.count && rows.length > COUNT_LIMIT;
  if (ctx.annotations(GLOBAL_METADATA_VERSION)) body[`@${GLOBAL_METADATA_VERSION}`] = req.globalMetadataVersion ?? DEFAULT_GLOBAL_METADATA_VERSION;
  body['value'] = page.map((row) => serializeRow(req.meta, row, options, ctx));
  const first = page[0];
  const last = page[page.length - 1];
  if (more && first && last) body['@odata.nextLink'] = nextLink(url, buildSkipToken(pageNumber, keys, first, last));
  return { body, preferenceApplied: appliedQueryPreferences(prefs) };
}

export interface EntityRequest extends QueryRequest {
  /** The row to show (the caller has found it, or just wrote it). */
  row: Row;
}

/**
 * Shapes one row for `GET <set>(<id>)?$select=…&$expand=…` or a `return=representation` answer:
 * `@odata.context` ends in `/$entity`. Only $select and $expand apply; the other options are validated.
 */
export function retrieveEntity(req: EntityRequest): QueryResult {
  const url = toUrl(req.url);
  const prefs = parsePrefer(req.prefer);
  const options = parseQueryOptions(req.meta, url.search);
  const { ctx, root } = context(req, prefs);
  const body: Record<string, unknown> = { '@odata.context': contextUrl(root, req.meta, options, true) };
  Object.assign(body, serializeRow(req.meta, req.row, options, ctx));
  const applied = prefs.includeAnnotations !== null ? [`odata.include-annotations="${prefs.includeAnnotations}"`] : [];
  return { body, preferenceApplied: applied };
}

/** For `GET <set>/$count` (text/plain body): rows passing $filter, capped at 5000. */
export function countCollection(req: Pick<QueryRequest, 'meta' | 'url' | 'source'>): number {
  const options = parseQueryOptions(req.meta, toUrl(req.url).search);
  return Math.min(matchingRows(req.meta, options, req.source).length, COUNT_LIMIT);
}
