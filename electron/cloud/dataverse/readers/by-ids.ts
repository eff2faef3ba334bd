import { chunkByLength, URL_BUDGET } from '../chunk';
import type { DataverseClient } from '../client';
import { guid, odataIn } from '../odata-literals';
import type { ODataRow } from '../odata-query';
import type { RowParser } from '../paged';

/**
 * Rows of one entity set by a GUID column: `Microsoft.Dynamics.CRM.In` over the ids, chunked so no URL
 * passes ~16 KB (about 350 GUIDs per request), the chunks read in parallel. The number of requests grows
 * with the number of ids asked about divided by ~350, not with the ids themselves.
 */

/** A value in the In() list as it travels: `"<guid>",` percent-encoded (36 + 3 + 3 + 3 characters). */
const inListCost = (id: string): number => encodeURIComponent(`"${id}",`).length;
/** Room for the rest of the URL: API root, entity set, $select, the function around the list. */
const URL_OVERHEAD = 1024;

export interface ByIdsQuery<T> {
  set: string;
  property: string;
  ids: readonly string[];
  select: readonly string[];
  /** How an id is named in an error when it is not a GUID. */
  what: string;
  parse?: RowParser<T>;
  signal?: AbortSignal;
}

export async function queryByIds<T = ODataRow>(dv: DataverseClient, q: ByIdsQuery<T>): Promise<T[]> {
  const unique = [...new Set(q.ids.map((id) => guid(id, q.what)))];
  const chunks = chunkByLength(unique, inListCost, URL_BUDGET - URL_OVERHEAD);
  const pages = await Promise.all(
    chunks.map((chunk) =>
      dv.query<T>(q.set, { select: q.select, filter: odataIn(q.property, chunk), maxPageSize: 5000, ...(q.signal ? { signal: q.signal } : {}) }, q.parse).all(),
    ),
  );
  return pages.flat();
}
