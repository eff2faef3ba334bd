import { isPlatformAdmin } from '../bearer';
import type { SandboxContext } from '../context';
import { POWERAPPS_AUDIENCE } from '../entra/resources';
import { authenticateAtGateway } from '../gateway-auth';
export { dotNetUtc } from '../gateway-auth';
import { json, type SbRequest, type SbResponse } from '../http';
import type { Principal } from '../store';

/**
 * What BAP (`api.bap.microsoft.com`) and the Power Apps API (`api.powerapps.com`) share: one token
 * audience, one error envelope `{"error":{"code","message"}}`, the gateway's 401 texts and the 403 it
 * gives callers of admin routes who are neither Power Platform admins nor management applications.
 */

export interface GatewayCaller {
  principal: Principal;
  objectId: string;
  /** A Power Platform admin, or an app registered as a management application. */
  isAdmin: boolean;
}

export type GatewayAuth = { ok: true; caller: GatewayCaller } | { ok: false; response: SbResponse };

export function gatewayHeaders(req: SbRequest): Record<string, string> {
  return { 'x-ms-request-id': req.requestId, 'x-ms-correlation-request-id': req.requestId };
}

export function gatewayError(req: SbRequest, status: number, code: string, message: string, extra: Record<string, unknown> = {}): SbResponse {
  return json(status, { error: { code, message, ...extra } }, gatewayHeaders(req));
}

export function gatewayJson(req: SbRequest, status: number, body: unknown): SbResponse {
  return json(status, body, gatewayHeaders(req));
}

/** Checks the bearer token for the Power Apps audience (both scope spellings map to it in Entra). */
export async function authenticateGateway(ctx: SandboxContext, req: SbRequest): Promise<GatewayAuth> {
  const result = await authenticateAtGateway(ctx, req, POWERAPPS_AUDIENCE);
  if (!result.ok) return { ok: false, response: gatewayError(req, 401, result.code, result.message) };
  return { ok: true, caller: { principal: result.principal, objectId: result.principal.objectId, isAdmin: isPlatformAdmin(result.principal) } };
}

/**
 * The address BAP puts in its 403 text is its own backend node's, not the public host (captures show
 * `https://10.0.x.y:200nn/providers/…?api-version=…`); clients match on the stable words only.
 */
export const BACKEND_NODE = 'https://10.0.7.17:20054';

/** The 403 of an admin route for a caller that is neither a Power Platform admin nor a management app. */
export function adminForbidden(ctx: SandboxContext, req: SbRequest, caller: GatewayCaller, prefix: string): SbResponse {
  const tenant = ctx.store.state.tenant.id;
  const path = `${BACKEND_NODE}${req.url.pathname.slice(prefix.length)}${req.url.search}`;
  const who =
    caller.principal.kind === 'app'
      ? `The service principal with id '${caller.objectId}' for application ${caller.principal.app.clientId}`
      : `The user with object id '${caller.objectId}'`;
  return gatewayError(req, 403, 'Forbidden', `${who} does not have permission to access the path '${path}' in tenant ${tenant}.`, { detailUrlType: 'NotSpecified' });
}

export function missingApiVersion(req: SbRequest): SbResponse | null {
  if (req.url.searchParams.get('api-version')) return null;
  return gatewayError(req, 400, 'MissingApiVersionParameter', 'The api-version query parameter (?api-version=) is required for all requests.');
}

export function routeNotFound(req: SbRequest): SbResponse {
  return gatewayError(req, 404, 'RouteNotFound', `The request URL '${req.url.pathname}' does not match any route of this API.`);
}

export function methodNotAllowed(req: SbRequest): SbResponse {
  return gatewayError(req, 405, 'MethodNotAllowed', `The HTTP method '${req.method}' is not supported for the request URL '${req.url.pathname}'.`);
}

/** Path segments below the service prefix, decoded, without empty ones (a trailing slash is ignored). */
export function segmentsOf(req: SbRequest): string[] {
  return req.path
    .split('/')
    .filter(Boolean)
    .map((s) => {
      try {
        return decodeURIComponent(s);
      } catch {
        return s;
      }
    });
}

/**
 * Matches path segments against a pattern such as `providers/Microsoft.PowerApps/apis/:api`: literal
 * segments compare case-insensitively (the platform's routes do), `:name` captures.
 */
export function matchRoute(pattern: string, segments: readonly string[]): Record<string, string> | null {
  const parts = pattern.split('/');
  if (parts.length !== segments.length) return null;
  const captured: Record<string, string> = {};
  for (const [i, part] of parts.entries()) {
    const segment = segments[i] ?? '';
    if (part.startsWith(':')) captured[part.slice(1)] = segment;
    else if (part.toLowerCase() !== segment.toLowerCase()) return null;
  }
  return captured;
}
