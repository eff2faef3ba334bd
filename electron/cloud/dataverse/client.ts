import type { HttpCore } from '../contracts';
import { dataverseEndpoint, type CloudProfile } from '../profiles';
import type { DataverseEndpoint } from './endpoint';
import { fetchXmlQuery, type FetchRunOptions } from './fetchxml-paging';
import type { FetchSpec } from './fetchxml-builder';
import { odataQuery, type ODataQueryOptions, type ODataRow } from './odata-query';
import type { PagedQuery, RowParser } from './paged';
import { DELEGATE_PRIVILEGE, userHasPrivilege } from './privileges';
import { whoAmI, type WhoAmI } from './who-am-i';
import { createRow, deleteRow, updateRow, type CreateOptions, type UpdateOptions } from './writes';
import { runBatch, type BatchItem, type BatchOptions, type BatchResult } from './batch';

/**
 * The Dataverse Web API of one environment (design §5): WhoAmI, paged OData and FetchXML queries,
 * `$batch`, conditional writes with impersonation, and the Delegate privilege check. Typed readers of
 * the domain (readers/) are built on it. Requests go through the HttpCore with the environment's
 * instance URL as token audience.
 */

export interface DataverseClientOptions {
  http: HttpCore;
  profile: CloudProfile;
  /** The environment's instance URL, e.g. `https://contoso.crm.dynamics.com/` (checked against the profile). */
  instanceUrl: string;
}

export interface DataverseClient {
  /** With trailing slash. */
  readonly instanceUrl: string;
  /** Token audience (instance URL without trailing slash). */
  readonly resource: string;
  /** `…/api/data/v9.2` */
  readonly apiRoot: string;
  readonly endpoint: DataverseEndpoint;
  whoAmI(options?: { signal?: AbortSignal }): Promise<WhoAmI>;
  query<T = ODataRow>(set: string, options?: ODataQueryOptions, parse?: RowParser<T>): PagedQuery<T>;
  fetchXml<T = ODataRow>(set: string, spec: FetchSpec, options?: FetchRunOptions, parse?: RowParser<T>): PagedQuery<T>;
  batch(items: readonly BatchItem[], options?: BatchOptions): Promise<BatchResult[]>;
  update(set: string, id: string, changes: Record<string, unknown>, options: UpdateOptions): Promise<void>;
  create(set: string, record: Record<string, unknown>, options?: CreateOptions): Promise<string>;
  remove(set: string, id: string, options: UpdateOptions): Promise<void>;
  hasPrivilege(systemUserId: string, privilegeName: string, options?: { signal?: AbortSignal }): Promise<boolean>;
  /** `prvActOnBehalfOfAnotherUser`: may this user impersonate others (CallerObjectId)? */
  hasDelegatePrivilege(systemUserId: string, options?: { signal?: AbortSignal }): Promise<boolean>;
}

export function createDataverseClient(options: DataverseClientOptions): DataverseClient {
  const { resource, apiRoot } = dataverseEndpoint(options.profile, options.instanceUrl);
  const endpoint: DataverseEndpoint = { http: options.http, resource, apiRoot };
  return {
    instanceUrl: `${resource}/`,
    resource,
    apiRoot,
    endpoint,
    whoAmI: (o) => whoAmI(endpoint, o),
    query: (set, o, parse) => odataQuery(endpoint, set, o, parse),
    fetchXml: (set, spec, o, parse) => fetchXmlQuery(endpoint, set, spec, o, parse),
    batch: (items, o) => runBatch(endpoint, items, o),
    update: (set, id, changes, o) => updateRow(endpoint, set, id, changes, o),
    create: (set, record, o) => createRow(endpoint, set, record, o),
    remove: (set, id, o) => deleteRow(endpoint, set, id, o),
    hasPrivilege: (id, name, o) => userHasPrivilege(endpoint, id, name, o),
    hasDelegatePrivilege: (id, o) => userHasPrivilege(endpoint, id, DELEGATE_PRIVILEGE, o),
  };
}
