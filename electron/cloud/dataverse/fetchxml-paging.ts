import { z } from 'zod';
import { includeAnnotations, odataHeaders, preferHeader, type DataverseEndpoint } from './endpoint';
import { buildFetchXml, type FetchSpec } from './fetchxml-builder';
import { identifier } from './odata-literals';
import { pagedQuery, type PagedQuery, type RowParser } from './paged';
import { parseShape } from './response-shape';

/**
 * Runs FetchXML through the Web API (`GET <set>?fetchXml=…`, reference §7.2) page by page. FetchXML
 * pages have no nextLink: each answer carries `@Microsoft.Dynamics.CRM.morerecords` and
 * `@Microsoft.Dynamics.CRM.fetchxmlpagingcookie` (`<cookie pagenumber="2" pagingcookie="…URL-encoded
 * twice…" />`), and the next request repeats the query with `page` + 1 and the decoded inner cookie.
 * The last page comes in two forms — `morerecords: false` (with a cookie), or no paging annotations at
 * all — and both end the run.
 */

export const PAGING_COOKIE = 'Microsoft.Dynamics.CRM.fetchxmlpagingcookie';
export const MORE_RECORDS = 'Microsoft.Dynamics.CRM.morerecords';
export const MAX_FETCH_PAGE = 5000;

export interface FetchRunOptions {
  /** Rows per page (FetchXML `count`, 1–5000; default the spec's count or 5000). */
  pageSize?: number;
  /** Extra annotation terms (the paging ones are always requested). */
  annotations?: readonly string[];
  signal?: AbortSignal;
}

export interface FetchPageState {
  /** Page to ask for next. */
  page: number;
  /** Inner cookie for that page, when the service handed one out. */
  pagingCookie?: string;
}

/** `<cookie pagenumber="2" pagingcookie="%253ccookie…" istracking="False" />` → page 2 and the inner cookie. */
export function decodePagingCookie(annotation: string): { pageNumber: number; cookie: string } | null {
  const pageNumber = /\bpagenumber="(\d+)"/.exec(annotation)?.[1];
  const encoded = /\bpagingcookie="([^"]*)"/.exec(annotation)?.[1];
  if (pageNumber === undefined || encoded === undefined) return null;
  try {
    return { pageNumber: Number(pageNumber), cookie: decodeURIComponent(decodeURIComponent(encoded)) };
  } catch {
    return null;
  }
}

/**
 * What to ask for after page `current` given that page's body: null when it was the last page
 * (`morerecords` false or absent). Without a usable cookie (queries ordered on link-entity columns get
 * none) the next page is asked by number alone.
 */
export function nextFetchPage(body: Record<string, unknown>, current: number): FetchPageState | null {
  if (body[`@${MORE_RECORDS}`] !== true) return null;
  const raw = body[`@${PAGING_COOKIE}`];
  const decoded = typeof raw === 'string' ? decodePagingCookie(raw) : null;
  const page = current + 1;
  if (decoded && decoded.pageNumber === page && decoded.cookie !== '') return { page, pagingCookie: decoded.cookie };
  return { page };
}

const fetchBody = z.looseObject({ value: z.array(z.record(z.string(), z.unknown())) });

export function fetchXmlQuery<T = Record<string, unknown>>(
  endpoint: DataverseEndpoint,
  set: string,
  spec: FetchSpec,
  options: FetchRunOptions = {},
  parse: RowParser<T> = (row) => row as T,
): PagedQuery<T> {
  const url = `${endpoint.apiRoot}/${identifier(set, 'entity set')}`;
  const preferences = [includeAnnotations([PAGING_COOKIE, MORE_RECORDS, ...(options.annotations ?? [])])].filter((p): p is string => p !== null);
  const headers = odataHeaders(preferHeader(preferences));
  // `top` asks for one answer of at most that many rows; paging does not apply to it.
  const single = spec.top !== undefined;
  const count = options.pageSize ?? spec.count ?? MAX_FETCH_PAGE;
  if (!Number.isInteger(count) || count < 1 || count > MAX_FETCH_PAGE) {
    throw new RangeError(`FetchXML page size must be between 1 and ${MAX_FETCH_PAGE}, got ${count}.`);
  }
  const { pagingCookie: firstCookie, ...unpaged } = spec;
  return pagedQuery(async function* () {
    let state: FetchPageState | null = { page: spec.page ?? 1, ...(firstCookie !== undefined ? { pagingCookie: firstCookie } : {}) };
    while (state !== null) {
      const xml = buildFetchXml(
        single ? spec : { ...unpaged, count, page: state.page, ...(state.pagingCookie !== undefined ? { pagingCookie: state.pagingCookie } : {}) },
      );
      const response = await endpoint.http.send({
        method: 'GET',
        url: `${url}?fetchXml=${encodeURIComponent(xml)}`,
        resource: endpoint.resource,
        headers,
        ...(options.signal ? { signal: options.signal } : {}),
      });
      const body = parseShape(fetchBody, response.json(), { source: 'Dataverse', entity: `${spec.entity.name} FetchXML page` });
      yield { number: state.page, rows: body.value.map(parse) };
      state = single ? null : nextFetchPage(body, state.page);
    }
  });
}
