import type { Connection, ConnectionShare, Environment } from '../../../shared/domain/types';
import type { HttpCore, HttpResponse } from '../contracts';
import type { CloudProfile } from '../profiles';
import { CONNECTIONS_API_VERSION, PERMISSIONS_API_VERSION, mapConnection, mapPermission } from './connections';
import { BAP_API_VERSION, mapEnvironment } from './environments';
import { getJson, isAdminRouteRefusal, listAll, platformErrorFrom, segment, type GatewayRequest } from './gateway';

/**
 * Environments (BAP) and connections with their permissions (Power Apps API) for one identity.
 *
 * Admin routes first, maker routes as fallback. The admin routes (`scopes/admin/…`) see everything in
 * the tenant but answer 403 to callers who are neither Power Platform administrators nor registered
 * management applications. On that 403 the client switches to the maker routes (environments where the
 * caller is a Dataverse user; connections the caller owns or holds a share on) and remembers the
 * decision for the rest of its life, so a non-admin pays one refused request, not one per call. Only a
 * 403 that refuses the route flips it (see isAdminRouteRefusal): a 401 (token), a 5xx or a refusal of
 * the operation itself is an error, not a sign of missing admin rights.
 */

export interface AdminClientOptions {
  http: HttpCore;
  profile: CloudProfile;
}

export type ShareRole = 'CanView' | 'CanViewWithShare' | 'CanEdit';

export interface SharePrincipal {
  objectId: string;
  /** Sent when known; the service resolves it otherwise. */
  type?: 'User' | 'ServicePrincipal' | 'Group' | 'Tenant';
}

export interface AdminClient {
  /** `admin` once an admin route answered, `maker` after the fallback, `unknown` before the first call. */
  readonly mode: () => 'admin' | 'maker' | 'unknown';
  listEnvironments(options?: { signal?: AbortSignal }): Promise<Environment[]>;
  /** null when the environment does not exist. */
  getEnvironment(name: string, options?: { signal?: AbortSignal }): Promise<Environment | null>;
  listConnections(environmentId: string, options?: { signal?: AbortSignal }): Promise<Connection[]>;
  /** null when the connection does not exist (or, on maker routes, is not visible to the caller). */
  getConnection(environmentId: string, connector: string, name: string, options?: { signal?: AbortSignal }): Promise<Connection | null>;
  listPermissions(environmentId: string, connector: string, name: string, options?: { signal?: AbortSignal }): Promise<ConnectionShare[]>;
  share(environmentId: string, connector: string, name: string, principal: SharePrincipal, role: ShareRole, options?: { signal?: AbortSignal }): Promise<void>;
  /** Removes a share by its permission id (ConnectionShare.id). Removing one that is gone is a no-op. */
  unshare(environmentId: string, connector: string, name: string, permissionId: string, options?: { signal?: AbortSignal }): Promise<void>;
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function createAdminClient(options: AdminClientOptions): AdminClient {
  const { http, profile } = options;
  const bap = `${profile.bapBaseUrl}/providers/Microsoft.BusinessAppPlatform`;
  const powerApps = `${profile.powerAppsBaseUrl}/providers/Microsoft.PowerApps`;
  const resource = profile.powerAppsAudience;
  let mode: 'admin' | 'maker' | 'unknown' = 'unknown';

  const req = (signal: AbortSignal | undefined): GatewayRequest => ({ http, resource, signal });
  const envFilter = (env: string) => `$filter=${encodeURIComponent(`environment eq '${env}'`)}`;

  /**
   * Sends the admin form unless the caller is known not to be an admin; on its 403 switches to maker
   * routes. Returns the answer of whichever route answered, and which one it was.
   */
  async function adminOrMaker(
    signal: AbortSignal | undefined,
    adminUrl: string,
    makerUrl: string,
    accept: readonly number[] = [],
  ): Promise<{ url: string; response: HttpResponse }> {
    if (mode !== 'maker') {
      const response = await getJson(req(signal), adminUrl, [403, ...accept]);
      if (!isAdminRouteRefusal(response)) {
        if (response.status === 403) throw platformErrorFrom(response, 'GET', adminUrl);
        mode = 'admin';
        return { url: adminUrl, response };
      }
      mode = 'maker';
    }
    return { url: makerUrl, response: await getJson(req(signal), makerUrl, accept) };
  }

  function connectionPaths(env: string, connector: string, name: string) {
    const e = segment(env, 'environment name');
    const path = `apis/${segment(connector, 'connector name')}/connections/${segment(name, 'connection name')}`;
    return {
      admin: `${powerApps}/scopes/admin/environments/${e}/${path}`,
      maker: `${powerApps}/${path}`,
      filter: envFilter(env),
    };
  }

  async function modifyPermissions(
    env: string,
    connector: string,
    name: string,
    body: { put: unknown[]; delete: unknown[] },
    signal: AbortSignal | undefined,
  ): Promise<void> {
    const p = connectionPaths(env, connector, name);
    const send = (url: string, accept: readonly number[]) =>
      http.send({
        method: 'POST',
        url,
        resource,
        headers: { accept: 'application/json', 'content-type': 'application/json' },
        body: JSON.stringify(body),
        // Putting a role a principal already holds, or deleting a share that is gone, changes nothing:
        // a repeat after a lost answer lands in the same state.
        repeatable: 'yes',
        ...(accept.length ? { acceptStatus: accept } : {}),
        ...(signal ? { signal } : {}),
      });
    if (mode !== 'maker') {
      const url = `${p.admin}/modifyPermissions?api-version=${PERMISSIONS_API_VERSION}`;
      const response = await send(url, [403]);
      if (!isAdminRouteRefusal(response)) {
        if (response.status === 403) throw platformErrorFrom(response, 'POST', url);
        mode = 'admin';
        return;
      }
      mode = 'maker';
    }
    await send(`${p.maker}/modifyPermissions?api-version=${PERMISSIONS_API_VERSION}&${p.filter}`, []);
  }

  return {
    mode: () => mode,

    async listEnvironments(o = {}) {
      const first = await adminOrMaker(o.signal, `${bap}/scopes/admin/environments?api-version=${BAP_API_VERSION}`, `${bap}/environments?api-version=${BAP_API_VERSION}`);
      return listAll(req(o.signal), first.url, { source: 'BAP', entity: 'environment' }, mapEnvironment, first.response);
    },

    async getEnvironment(name, o = {}) {
      const n = segment(name, 'environment name');
      const { response } = await adminOrMaker(
        o.signal,
        `${bap}/scopes/admin/environments/${n}?api-version=${BAP_API_VERSION}`,
        `${bap}/environments/${n}?api-version=${BAP_API_VERSION}`,
        [404],
      );
      return response.status === 404 ? null : mapEnvironment(response.json());
    },

    async listConnections(environmentId, o = {}) {
      const e = segment(environmentId, 'environment name');
      const first = await adminOrMaker(
        o.signal,
        `${powerApps}/scopes/admin/environments/${e}/connections?api-version=${CONNECTIONS_API_VERSION}`,
        `${powerApps}/connections?api-version=${CONNECTIONS_API_VERSION}&${envFilter(environmentId)}`,
      );
      return listAll(req(o.signal), first.url, { source: 'Power Apps', entity: 'connection' }, (raw) => mapConnection(raw, environmentId), first.response);
    },

    async getConnection(environmentId, connector, name, o = {}) {
      const p = connectionPaths(environmentId, connector, name);
      const { response } = await adminOrMaker(
        o.signal,
        `${p.admin}?api-version=${CONNECTIONS_API_VERSION}`,
        `${p.maker}?api-version=${CONNECTIONS_API_VERSION}&${p.filter}`,
        [404],
      );
      return response.status === 404 ? null : mapConnection(response.json(), environmentId);
    },

    async listPermissions(environmentId, connector, name, o = {}) {
      const p = connectionPaths(environmentId, connector, name);
      const first = await adminOrMaker(
        o.signal,
        `${p.admin}/permissions?api-version=${PERMISSIONS_API_VERSION}`,
        `${p.maker}/permissions?api-version=${PERMISSIONS_API_VERSION}&${p.filter}`,
      );
      return listAll(req(o.signal), first.url, { source: 'Power Apps', entity: 'connection permission' }, mapPermission, first.response);
    },

    async share(environmentId, connector, name, principal, role, o = {}) {
      if (!GUID.test(principal.objectId)) throw new TypeError(`'${principal.objectId}' is not an object id (GUID).`);
      const put = [{ properties: { roleName: role, principal: { id: principal.objectId, ...(principal.type ? { type: principal.type } : {}) } } }];
      await modifyPermissions(environmentId, connector, name, { put, delete: [] }, o.signal);
    },

    async unshare(environmentId, connector, name, permissionId, o = {}) {
      if (!/\/connections\/[^/]+\/permissions\/[^/]+$/.test(permissionId)) throw new TypeError(`'${permissionId}' is not a connection permission id.`);
      await modifyPermissions(environmentId, connector, name, { put: [], delete: [{ id: permissionId }] }, o.signal);
    },
  };
}
