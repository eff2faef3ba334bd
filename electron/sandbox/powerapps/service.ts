import { adminForbidden, authenticateGateway, gatewayError, gatewayJson, matchRoute, methodNotAllowed, missingApiVersion, routeNotFound, segmentsOf, type GatewayCaller } from '../bap/gateway';
import { resolveEnvironmentName } from '../bap/membership';
import type { SandboxContext } from '../context';
import type { Handler, SbRequest, SbResponse } from '../http';
import type { Connection, SandboxEnvironment } from '../model';
import { canSee, canShare } from './access';
import { connectionJson, type ConnectionScope } from './connection-json';
import { cannotShare, connectionNotFound, environmentAccessDenied, environmentNotFound, invalidFilter, invalidSkipToken } from './errors';
import { environmentFilter } from './filter';
import { applyModifyPermissions, planModifyPermissions } from './modify-permissions';
import { paginate } from './paging';
import { permissionsJson } from './permission-json';
import { connectionPageSize } from './settings';

/**
 * The Power Apps connections API below `/powerapps` (reference §2): admin routes under
 * `scopes/admin/environments/{env}` (Power Platform admins and management applications; everything in
 * the environment) and maker routes that name the environment in `$filter` (only connections the
 * caller owns or holds a share on). Lists page with `nextLink`; `modifyPermissions` changes
 * `connection.permissions`, which is what the Dataverse activation and wiring rules consult.
 */

const PREFIX = '/powerapps';
const ADMIN = 'providers/Microsoft.PowerApps/scopes/admin/environments/:env';
const MAKER = 'providers/Microsoft.PowerApps';

type Operation = 'list' | 'get' | 'permissions' | 'modifyPermissions';

interface Route {
  scope: ConnectionScope;
  operation: Operation;
  method: 'GET' | 'POST';
  params: Record<string, string>;
}

const table: { pattern: string; scope: ConnectionScope; operation: Operation; method: 'GET' | 'POST' }[] = [
  { pattern: `${ADMIN}/connections`, scope: 'admin', operation: 'list', method: 'GET' },
  { pattern: `${ADMIN}/apis/:api/connections`, scope: 'admin', operation: 'list', method: 'GET' },
  { pattern: `${ADMIN}/apis/:api/connections/:conn`, scope: 'admin', operation: 'get', method: 'GET' },
  { pattern: `${ADMIN}/apis/:api/connections/:conn/permissions`, scope: 'admin', operation: 'permissions', method: 'GET' },
  { pattern: `${ADMIN}/apis/:api/connections/:conn/modifyPermissions`, scope: 'admin', operation: 'modifyPermissions', method: 'POST' },
  { pattern: `${MAKER}/connections`, scope: 'user', operation: 'list', method: 'GET' },
  { pattern: `${MAKER}/apis/:api/connections`, scope: 'user', operation: 'list', method: 'GET' },
  { pattern: `${MAKER}/apis/:api/connections/:conn`, scope: 'user', operation: 'get', method: 'GET' },
  { pattern: `${MAKER}/apis/:api/connections/:conn/permissions`, scope: 'user', operation: 'permissions', method: 'GET' },
  { pattern: `${MAKER}/apis/:api/connections/:conn/modifyPermissions`, scope: 'user', operation: 'modifyPermissions', method: 'POST' },
];

function routeOf(segments: readonly string[]): Route | null {
  for (const entry of table) {
    const params = matchRoute(entry.pattern, segments);
    if (params) return { scope: entry.scope, operation: entry.operation, method: entry.method, params };
  }
  return null;
}

type Resolved<T> = { ok: true; value: T } | { ok: false; response: SbResponse };

function environmentOf(ctx: SandboxContext, req: SbRequest, route: Route): Resolved<SandboxEnvironment> {
  const store = ctx.store;
  const tenantId = store.state.tenant.id;
  if (route.scope === 'admin') {
    const name = route.params['env'] ?? '';
    const env = resolveEnvironmentName(store, name);
    return env ? { ok: true, value: env } : { ok: false, response: environmentNotFound(req, name, tenantId) };
  }
  const filter = environmentFilter(req.url.searchParams);
  if (!filter.ok) return { ok: false, response: invalidFilter(req, filter.filter) };
  // Without a filter the maker routes answer for the tenant's default environment.
  const env = filter.environment === null ? store.state.environments.find((e) => e.isDefault) : resolveEnvironmentName(store, filter.environment);
  return env ? { ok: true, value: env } : { ok: false, response: environmentAccessDenied(req, filter.environment ?? '~default') };
}

function findConnection(ctx: SandboxContext, env: SandboxEnvironment, api: string, name: string): Connection | undefined {
  const a = api.toLowerCase();
  const n = name.toLowerCase();
  return ctx.store.connectionsIn(env.id).find((c) => c.apiName.toLowerCase() === a && c.name.toLowerCase() === n);
}

function list(ctx: SandboxContext, req: SbRequest, route: Route, caller: GatewayCaller, env: SandboxEnvironment): SbResponse {
  const api = route.params['api']?.toLowerCase();
  const connections = ctx.store
    .connectionsIn(env.id)
    .filter((c) => api === undefined || c.apiName.toLowerCase() === api)
    .filter((c) => route.scope === 'admin' || canSee(c, caller.objectId));
  const page = paginate(ctx.baseUrl, req, connections, connectionPageSize(ctx));
  if (!page.ok) return invalidSkipToken(req, page.token);
  const value = page.items.map((c) => connectionJson(ctx, c, route.scope));
  return gatewayJson(req, 200, page.nextLink === null ? { value } : { value, nextLink: page.nextLink });
}

function one(ctx: SandboxContext, req: SbRequest, route: Route, caller: GatewayCaller, env: SandboxEnvironment): SbResponse {
  const api = route.params['api'] ?? '';
  const name = route.params['conn'] ?? '';
  const c = findConnection(ctx, env, api, name);
  if (!c || (route.scope === 'user' && !canSee(c, caller.objectId))) return connectionNotFound(req, name, api);
  switch (route.operation) {
    case 'get':
      return gatewayJson(req, 200, connectionJson(ctx, c, route.scope));
    case 'permissions':
      return gatewayJson(req, 200, { value: permissionsJson(ctx, c) });
    default: {
      if (route.scope === 'user' && !canShare(c, caller.objectId)) return cannotShare(req, caller.objectId, c.name, c.apiName);
      const planned = planModifyPermissions(ctx.store, c, req.body);
      if (!planned.ok) return gatewayError(req, planned.refusal.status, planned.refusal.code, planned.refusal.message);
      applyModifyPermissions(c, planned.plan);
      ctx.store.changed();
      return gatewayJson(req, 200, {});
    }
  }
}

function dispatch(ctx: SandboxContext, req: SbRequest, route: Route, caller: GatewayCaller): SbResponse {
  const env = environmentOf(ctx, req, route);
  if (!env.ok) return env.response;
  return route.operation === 'list' ? list(ctx, req, route, caller, env.value) : one(ctx, req, route, caller, env.value);
}

export function createPowerAppsService(ctx: SandboxContext): Handler {
  return async (req) => {
    const auth = await authenticateGateway(ctx, req);
    if (!auth.ok) return auth.response;
    const { caller } = auth;
    const route = routeOf(segmentsOf(req));
    let response: SbResponse;
    if (!route) response = routeNotFound(req);
    else if (req.method !== route.method) response = methodNotAllowed(req);
    else if (route.scope === 'admin' && !caller.isAdmin) response = adminForbidden(ctx, req, caller, PREFIX);
    else response = missingApiVersion(req) ?? dispatch(ctx, req, route, caller);
    return { ...response, caller: caller.objectId };
  };
}
