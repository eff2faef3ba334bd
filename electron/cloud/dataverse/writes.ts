import { odataHeaders, type DataverseEndpoint } from './endpoint';
import { guid, identifier } from './odata-literals';

/**
 * Writes (reference §8): PATCH always carries `If-Match` — a row's ETag for optimistic concurrency, or
 * `*` so an update of a missing row is a 404 rather than an upsert that creates it. A stale ETag comes
 * back as the core's PlatformError with kind `concurrency` (412, 0x80060882): re-read and decide again. Impersonation sends `CallerObjectId` (the Entra object id; the caller
 * needs prvActOnBehalfOfAnotherUser, reference §5).
 */

export interface Impersonation {
  /** Entra object id of the user to act as. */
  callerObjectId: string;
}

export interface UpdateOptions {
  /** `W/"123"` from the row's `@odata.etag`, or `*` (update only if the row exists). */
  ifMatch: string;
  impersonate?: Impersonation;
  signal?: AbortSignal;
}

export interface CreateOptions {
  impersonate?: Impersonation;
  /** Adds the new component to this unmanaged solution (`MSCRM.SolutionUniqueName`). */
  solutionUniqueName?: string;
  signal?: AbortSignal;
}

export function impersonationHeaders(impersonate: Impersonation | undefined): Record<string, string> {
  return impersonate ? { callerobjectid: guid(impersonate.callerObjectId, 'CallerObjectId') } : {};
}

function checkIfMatch(value: string): string {
  const v = value.trim();
  if (v === '*' || /^(W\/)?"[^"]*"$/.test(v)) return v;
  throw new TypeError(`If-Match must be '*' or an ETag such as W/"12345", got '${value}'.`);
}

export async function updateRow(
  endpoint: DataverseEndpoint,
  set: string,
  id: string,
  changes: Record<string, unknown>,
  options: UpdateOptions,
): Promise<void> {
  const key = guid(id, `${set} id`);
  await endpoint.http.send({
    method: 'PATCH',
    url: `${endpoint.apiRoot}/${identifier(set, 'entity set')}(${key})`,
    resource: endpoint.resource,
    headers: odataHeaders({
      'content-type': 'application/json; charset=utf-8',
      'if-match': checkIfMatch(options.ifMatch),
      ...impersonationHeaders(options.impersonate),
    }),
    body: JSON.stringify(changes),
    // With If-Match the PATCH cannot create a row, so the core may repeat it after a lost answer. With a
    // row's ETag, a repeat of a PATCH that did apply answers 412: re-reading shows the change is there.
    repeatable: 'auto',
    ...(options.signal ? { signal: options.signal } : {}),
  });
}

/** Deletes a row with If-Match (an ETag or '*'); safe to repeat: a second delete of a gone row is a 404 the caller expects. */
export async function deleteRow(endpoint: DataverseEndpoint, set: string, id: string, options: UpdateOptions): Promise<void> {
  const key = guid(id, `${set} id`);
  await endpoint.http.send({
    method: 'DELETE',
    url: `${endpoint.apiRoot}/${identifier(set, 'entity set')}(${key})`,
    resource: endpoint.resource,
    headers: odataHeaders({ 'if-match': checkIfMatch(options.ifMatch), ...impersonationHeaders(options.impersonate) }),
    repeatable: 'auto',
    ...(options.signal ? { signal: options.signal } : {}),
  });
}

/** Creates a row; returns its id from `OData-EntityId`. Never repeated by the core (a retry could create twice). */
export async function createRow(endpoint: DataverseEndpoint, set: string, record: Record<string, unknown>, options: CreateOptions = {}): Promise<string> {
  const response = await endpoint.http.send({
    method: 'POST',
    url: `${endpoint.apiRoot}/${identifier(set, 'entity set')}`,
    resource: endpoint.resource,
    headers: odataHeaders({
      'content-type': 'application/json; charset=utf-8',
      ...impersonationHeaders(options.impersonate),
      ...(options.solutionUniqueName !== undefined ? { 'mscrm.solutionuniquename': identifier(options.solutionUniqueName, 'solution unique name') } : {}),
    }),
    body: JSON.stringify(record),
    repeatable: 'no',
    ...(options.signal ? { signal: options.signal } : {}),
  });
  const entityId = response.headers['odata-entityid'] ?? response.headers['location'] ?? '';
  const id = /\(([0-9a-fA-F-]{36})\)\s*$/.exec(entityId)?.[1];
  if (!id) throw new Error(`Dataverse created a ${set} row but did not say its id (OData-EntityId: '${entityId}').`);
  return id.toLowerCase();
}
