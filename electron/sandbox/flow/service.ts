import { isPlatformAdmin } from '../bearer';
import type { SandboxContext } from '../context';
import { json, type Handler, type SbRequest, type SbResponse } from '../http';
import type { Row, SandboxEnvironment } from '../model';
import { activeSystemUser, mayManageFlow, ownsFlow } from './access';
import { authenticateFlowCaller, type FlowCaller } from './auth';
import { FlowApiError, environmentAccessDenied, flowNotFound, methodNotAllowed, missingApiVersion, noFlowPermission, routeNotFound } from './errors';
import { withFlowHeaders } from './headers';
import { adminFlows, includesSolutionFlows, makerFilter, makerFlows, sortByName } from './listing';
import { flowNamer, resolveFlow } from './names';
import { DEFAULT_PAGE_SIZE, paginate } from './paging';
import { parseFlowRoute, type FlowRoute } from './routes';
import { flowResource } from './shape';
import { startFlow, stopFlow } from './state';

/**
 * The Flow (Power Automate) API, `/flow/providers/Microsoft.ProcessSimple/…` (reference §3): list and
 * get cloud flows, turn them on (`/start`) and off (`/stop`), on maker routes (the caller's own flows,
 * or any as a System Administrator of the environment) and admin routes (`scopes/admin`, Power Platform
 * admins and management apps). Flows are the environments' Dataverse workflow rows, so the two APIs
 * always agree.
 */

export interface FlowServiceOptions {
  /** List page size when the client sends no `$top` (default 50). */
  pageSize?: number;
}

interface Scoped {
  ctx: SandboxContext;
  req: SbRequest;
  route: FlowRoute;
  caller: FlowCaller;
  env: SandboxEnvironment;
  /** The caller's systemuser there (maker routes only). */
  systemUser: Row | undefined;
}

/** The environment, if the caller may use it on this route. */
function enter(ctx: SandboxContext, route: FlowRoute, caller: FlowCaller): { env: SandboxEnvironment; systemUser: Row | undefined } {
  const env = ctx.store.environmentById(route.environment);
  if (!env) throw environmentAccessDenied(route.environment);
  if (route.scope === 'admin') {
    if (!isPlatformAdmin(caller.principal)) throw environmentAccessDenied(route.environment);
    return { env, systemUser: undefined };
  }
  const systemUser = activeSystemUser(ctx.store, env, caller.objectId);
  if (!systemUser) throw environmentAccessDenied(route.environment);
  return { env, systemUser };
}

/** The flow a route names, if the caller may act on it. */
function target(s: Scoped): Row {
  const name = s.route.flow ?? '';
  const flow = resolveFlow(s.ctx.store, s.env, name);
  if (s.route.scope === 'admin') {
    if (!flow) throw flowNotFound(name);
    return flow;
  }
  if (!flow || !s.systemUser || !mayManageFlow(s.ctx.store, s.env, flow, s.systemUser)) throw noFlowPermission(s.caller.objectId, name);
  return flow;
}

function list(s: Scoped, pageSizeDefault: number): SbResponse {
  const { ctx, env, req, systemUser } = s;
  const params = req.url.searchParams;
  const rows =
    s.route.scope === 'admin' || !systemUser
      ? adminFlows(ctx.store, env)
      : makerFlows(ctx.store, env, systemUser, makerFilter(params.get('$filter')), includesSolutionFlows(params.get('include')));
  const nameOf = flowNamer(ctx.store, env);
  const named = sortByName(rows.map((row) => ({ name: nameOf(row), row })));
  const page = paginate(named, req.url, pageSizeDefault);
  const value = page.value.map(({ name, row }) =>
    flowResource(ctx.store, env, row, { name, detail: 'list', callerOwns: s.route.scope === 'maker' && systemUser !== undefined && ownsFlow(row, systemUser) }),
  );
  return json(200, page.nextLink ? { value, nextLink: page.nextLink } : { value });
}

function get(s: Scoped): SbResponse {
  const flow = target(s);
  const name = flowNamer(s.ctx.store, s.env)(flow);
  const callerOwns = s.route.scope === 'maker' && s.systemUser !== undefined && ownsFlow(flow, s.systemUser);
  return json(200, flowResource(s.ctx.store, s.env, flow, { name, detail: 'get', callerOwns }));
}

/** Start and stop succeed with 200 and no body (cli-m365 docs; the 200 from a live probe, reference §3.1). */
function setState(s: Scoped, on: boolean): SbResponse {
  const flow = target(s);
  if (on) startFlow(s.ctx, s.env, flow, s.caller.principal);
  else stopFlow(s.ctx, s.env, flow, s.caller.principal);
  return { status: 200, headers: {} };
}

export function createFlowService(ctx: SandboxContext, options: FlowServiceOptions = {}): Handler {
  const pageSizeDefault = options.pageSize ?? DEFAULT_PAGE_SIZE;
  return async (req) => {
    let caller: FlowCaller | undefined;
    try {
      const route = parseFlowRoute(req.path);
      if (!route) throw routeNotFound(req.url.href);
      if (req.method.toUpperCase() !== route.method) throw methodNotAllowed(req.method.toUpperCase());
      caller = await authenticateFlowCaller(ctx, req);
      if (!req.url.searchParams.has('api-version')) throw missingApiVersion();
      const s: Scoped = { ctx, req, route, caller, ...enter(ctx, route, caller) };
      const response = route.action === 'list' ? list(s, pageSizeDefault) : route.action === 'get' ? get(s) : setState(s, route.action === 'start');
      return { ...withFlowHeaders(response, req), caller: caller.objectId };
    } catch (error) {
      if (!(error instanceof FlowApiError)) throw error;
      return { ...withFlowHeaders(error.toResponse(), req), ...(caller ? { caller: caller.objectId } : {}) };
    }
  };
}
