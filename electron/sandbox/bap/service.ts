import type { SandboxContext } from '../context';
import type { Handler, SbRequest, SbResponse } from '../http';
import type { SandboxEnvironment } from '../model';
import { environmentJson, type EnvironmentScope } from './environment-json';
import {
  adminForbidden,
  authenticateGateway,
  gatewayError,
  gatewayJson,
  matchRoute,
  methodNotAllowed,
  missingApiVersion,
  routeNotFound,
  segmentsOf,
  type GatewayCaller,
} from './gateway';
import { isEnvironmentMember, memberEnvironments, resolveEnvironmentName } from './membership';
import { applySelect, expandOption, selectOption } from './query';

/**
 * The BAP environments API below `/bap` (reference §1): the admin list and single environment
 * (`scopes/admin/environments[/{name}]`, Power Platform admins and management applications only) and
 * the non-admin ones (`environments[/{name}]`, environments where the caller is a Dataverse user;
 * all for admins). `~default` names the default environment. Any `api-version` is accepted.
 */

const PREFIX = '/bap';
const PROVIDER = 'providers/Microsoft.BusinessAppPlatform';

interface Route {
  scope: EnvironmentScope;
  name: string | null;
}

function routeOf(segments: readonly string[]): Route | null {
  const admin = matchRoute(`${PROVIDER}/scopes/admin/environments`, segments);
  if (admin) return { scope: 'admin', name: null };
  const adminOne = matchRoute(`${PROVIDER}/scopes/admin/environments/:name`, segments);
  if (adminOne) return { scope: 'admin', name: adminOne['name'] ?? '' };
  if (matchRoute(`${PROVIDER}/environments`, segments)) return { scope: 'user', name: null };
  const one = matchRoute(`${PROVIDER}/environments/:name`, segments);
  if (one) return { scope: 'user', name: one['name'] ?? '' };
  return null;
}

function environmentNotFound(ctx: SandboxContext, req: SbRequest, name: string): SbResponse {
  return gatewayError(req, 404, 'EnvironmentNotFound', `The environment '${name}' could not be found in the tenant '${ctx.store.state.tenant.id}'.`);
}

function respond(ctx: SandboxContext, req: SbRequest, caller: GatewayCaller, route: Route): SbResponse {
  const view = { scope: route.scope, expand: expandOption(req.url.searchParams), callerIsAdmin: caller.isAdmin };
  const select = selectOption(req.url.searchParams);
  const render = (env: SandboxEnvironment) => applySelect(environmentJson(ctx, env, view), select);
  const store = ctx.store;
  if (route.name === null) {
    const envs = route.scope === 'admin' || caller.isAdmin ? store.state.environments : memberEnvironments(store, caller.objectId);
    return gatewayJson(req, 200, { value: envs.map(render) });
  }
  const env = resolveEnvironmentName(store, route.name);
  if (!env) return environmentNotFound(ctx, req, route.name);
  if (route.scope === 'user' && !caller.isAdmin && !isEnvironmentMember(store, env, caller.objectId)) {
    return gatewayError(req, 403, 'EnvironmentAccessDenied', `Access to the environment '${route.name}' is denied.`);
  }
  return gatewayJson(req, 200, render(env));
}

export function createBapService(ctx: SandboxContext): Handler {
  return async (req) => {
    const auth = await authenticateGateway(ctx, req);
    if (!auth.ok) return auth.response;
    const { caller } = auth;
    const route = routeOf(segmentsOf(req));
    let response: SbResponse;
    if (!route) response = routeNotFound(req);
    else if (req.method !== 'GET') response = methodNotAllowed(req);
    else if (route.scope === 'admin' && !caller.isAdmin) response = adminForbidden(ctx, req, caller, PREFIX);
    else response = missingApiVersion(req) ?? respond(ctx, req, caller, route);
    return { ...response, caller: caller.objectId };
  };
}
