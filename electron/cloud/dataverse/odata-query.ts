import { z } from 'zod';
import { assertWithinApi, includeAnnotations, odataHeaders, preferHeader, type DataverseEndpoint } from './endpoint';
import { identifier } from './odata-literals';
import { pagedQuery, type PagedQuery, type RowParser } from './paged';
import { parseShape } from './response-shape';

/**
 * OData collection queries (reference §6, §7.1): `$select/$filter/$orderby/$top/$expand/$count`, page
 * size through `Prefer: odata.maxpagesize`, and `@odata.nextLink` followed verbatim with the same
 * Prefer header until there is none.
 */

export interface ODataQueryOptions {
  select?: readonly string[];
  /** A raw `$filter` expression; build literals with odataString / guid / odataIn. */
  filter?: string;
  orderBy?: string | readonly string[];
  /** Ignored by the service when maxPageSize is also set (reference §6). */
  top?: number;
  /** Raw `$expand` items, e.g. `ownerid($select=fullname)`. */
  expand?: string | readonly string[];
  count?: boolean;
  /** `Prefer: odata.maxpagesize` (1–5000). */
  maxPageSize?: number;
  /** Annotation terms for `odata.include-annotations`, e.g. `OData.Community.Display.V1.FormattedValue` or `*`. */
  annotations?: readonly string[];
  signal?: AbortSignal;
}

export type ODataRow = Record<string, unknown>;

const collectionBody = z.object({
  value: z.array(z.record(z.string(), z.unknown())),
  '@odata.nextLink': z.string().optional(),
});

const list = (v: string | readonly string[] | undefined): string[] => (v === undefined ? [] : typeof v === 'string' ? [v] : [...v]);

/** The query string (without `?`): option names literal, values percent-encoded. */
export function odataQueryString(options: ODataQueryOptions): string {
  const parts: string[] = [];
  const add = (name: string, value: string): void => {
    parts.push(`${name}=${encodeURIComponent(value)}`);
  };
  if (options.select?.length) add('$select', options.select.map((s) => identifier(s, 'column')).join(','));
  if (options.filter !== undefined && options.filter.trim() !== '') add('$filter', options.filter);
  const orderBy = list(options.orderBy);
  if (orderBy.length) add('$orderby', orderBy.join(','));
  const expand = list(options.expand);
  if (expand.length) add('$expand', expand.join(','));
  if (options.top !== undefined) add('$top', String(positiveInteger(options.top, 'top')));
  if (options.count) add('$count', 'true');
  return parts.join('&');
}

function positiveInteger(value: number, what: string): number {
  if (!Number.isInteger(value) || value < 1) throw new RangeError(`${what} must be a positive integer, got ${value}.`);
  return value;
}

export function maxPageSizePreference(size: number | undefined): string | null {
  if (size === undefined) return null;
  if (!Number.isInteger(size) || size < 1 || size > 5000) throw new RangeError(`maxPageSize must be between 1 and 5000, got ${size}.`);
  return `odata.maxpagesize=${size}`;
}

export function odataQuery<T = ODataRow>(
  endpoint: DataverseEndpoint,
  set: string,
  options: ODataQueryOptions = {},
  parse: RowParser<T> = (row) => row as T,
): PagedQuery<T> {
  const qs = odataQueryString(options);
  const firstUrl = `${endpoint.apiRoot}/${identifier(set, 'entity set')}${qs ? `?${qs}` : ''}`;
  const preferences = [maxPageSizePreference(options.maxPageSize), includeAnnotations(options.annotations ?? [])].filter(
    (p): p is string => p !== null,
  );
  const headers = odataHeaders(preferHeader(preferences));
  return pagedQuery(async function* () {
    let url: string | undefined = firstUrl;
    let number = 0;
    while (url !== undefined) {
      const response = await endpoint.http.send({
        method: 'GET',
        url,
        resource: endpoint.resource,
        headers,
        ...(options.signal ? { signal: options.signal } : {}),
      });
      const body = parseShape(collectionBody, response.json(), { source: 'Dataverse', entity: `${set} page` });
      number += 1;
      yield { number, rows: body.value.map(parse) };
      const next = body['@odata.nextLink'];
      url = next === undefined ? undefined : assertWithinApi(endpoint, next, { url, response });
    }
  });
}
