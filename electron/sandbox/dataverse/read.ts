import { json, type SbRequest, type SbResponse } from '../http';
import type { Row } from '../model';
import { notFound } from './errors';
import { FetchXmlError, executeFetchXml, includeAnnotationsFilter } from './fetchxml';
import { ODataError, countCollection, parsePrefer, queryCollection, retrieveEntity, type Preferences, type RowSource } from './odata';
import { entityByLogicalName, type EntityMeta } from './schema';
import type { DataverseRequestContext } from './service';

/**
 * Reads: collections (OData options or `fetchXml=`), single rows with conditional GET, `$count`, and
 * the `return=representation` body of a write. Query engines are pure; this module feeds them the
 * environment's rows and turns their results and errors into responses.
 */

const JSON_TYPE = 'application/json; odata.metadata=minimal';

export function parsePreferences(req: SbRequest): Preferences {
  return parsePrefer(req.headers['prefer'] ?? null);
}

function source(r: DataverseRequestContext): RowSource & { entityMeta(name: string): EntityMeta | undefined; rowsOf(name: string): readonly Row[] } {
  return {
    rowsOf: (logicalName) => r.ctx.store.rows(r.env, logicalName),
    getRow: (logicalName, id) => r.ctx.store.row(r.env, logicalName, id),
    entityMeta: (logicalName) => entityByLogicalName(logicalName),
  };
}

function respond(body: unknown, preferenceApplied: string[], status = 200, extra: Record<string, string> = {}): SbResponse {
  const headers: Record<string, string | string[]> = { 'content-type': JSON_TYPE, ...extra };
  if (preferenceApplied.length) headers['preference-applied'] = preferenceApplied;
  return { status, headers, body: JSON.stringify(body) };
}

/** Query engines report bad input as their own error types; the client sees the platform envelope. */
function guarded(run: () => SbResponse): SbResponse {
  try {
    return run();
  } catch (error) {
    if (error instanceof ODataError || error instanceof FetchXmlError) return json(error.status, error.toBody());
    throw error;
  }
}

export function readCollection(r: DataverseRequestContext, meta: EntityMeta): SbResponse {
  const fetchXml = r.req.url.searchParams.get('fetchXml');
  const prefs = parsePreferences(r.req);
  if (fetchXml !== null) {
    return guarded(() => {
      const body = executeFetchXml({
        fetchXml,
        entity: meta,
        serviceRoot: r.serviceRoot,
        data: source(r),
        includeAnnotation: includeAnnotationsFilter(prefs.includeAnnotations ?? ''),
        countRequested: r.req.url.searchParams.get('$count') === 'true',
        organizationId: r.env.organizationId,
      });
      const applied = prefs.includeAnnotations !== null ? [`odata.include-annotations="${prefs.includeAnnotations}"`] : [];
      return respond(body, applied);
    });
  }
  return guarded(() => {
    const result = queryCollection({ meta, url: r.req.url, prefer: r.req.headers['prefer'] ?? null, source: source(r), serviceRoot: r.serviceRoot });
    return respond(result.body, result.preferenceApplied);
  });
}

export function readCount(r: DataverseRequestContext, meta: EntityMeta): SbResponse {
  return guarded(() => {
    const count = countCollection({ meta, url: r.req.url, source: source(r) });
    return { status: 200, headers: { 'content-type': 'text/plain' }, body: String(count) };
  });
}

const etagOf = (row: Row): string => `W/"${String(row['versionnumber'])}"`;

export function readSingle(r: DataverseRequestContext, meta: EntityMeta, id: string): SbResponse {
  const row = r.ctx.store.row(r.env, meta.logicalName, id);
  if (!row) throw notFound(meta.logicalName, id);
  const prefs = parsePreferences(r.req);
  const ifNoneMatch = r.req.headers['if-none-match'];
  // 304 only for tables with optimistic concurrency and no $expand or annotations (reference §8).
  if (
    ifNoneMatch &&
    meta.optimisticConcurrency &&
    ifNoneMatch.split(',').map((t) => t.trim()).includes(etagOf(row)) &&
    !r.req.url.searchParams.has('$expand') &&
    prefs.includeAnnotations === null
  ) {
    return { status: 304, headers: { etag: etagOf(row) } };
  }
  return guarded(() => {
    const result = retrieveEntity({ meta, url: r.req.url, prefer: r.req.headers['prefer'] ?? null, source: source(r), serviceRoot: r.serviceRoot, row });
    return respond(result.body, result.preferenceApplied, 200, meta.optimisticConcurrency ? { etag: etagOf(row) } : {});
  });
}

/** The body `Prefer: return=representation` asks for after a create (201) or update (200). */
export function representation(r: DataverseRequestContext, meta: EntityMeta, row: Row, status: number): SbResponse {
  return guarded(() => {
    const result = retrieveEntity({ meta, url: r.req.url, prefer: r.req.headers['prefer'] ?? null, source: source(r), serviceRoot: r.serviceRoot, row });
    return respond(result.body, ['return=representation', ...result.preferenceApplied], status, meta.optimisticConcurrency ? { etag: etagOf(row) } : {});
  });
}
