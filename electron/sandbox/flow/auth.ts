import type { SandboxContext } from '../context';
import { FLOW_AUDIENCE } from '../entra/resources';
import { authenticateAtGateway } from '../gateway-auth';
import type { SbRequest } from '../http';
import type { Principal } from '../store';
import { FlowApiError } from './errors';

/**
 * Who calls the Flow API: a bearer token for `https://service.flow.microsoft.com/` (reference §3.4).
 * Refusals are the Power Platform gateways' 401s (gateway-auth.ts), with a `WWW-Authenticate` challenge
 * naming the authority, as ARM-fronted services send it.
 */


export interface FlowCaller {
  principal: Principal;
  objectId: string;
}

function unauthorized(ctx: SandboxContext, code: string, message: string): FlowApiError {
  const challenge = `Bearer authorization_uri="${ctx.baseUrl}/login/common/oauth2/authorize", error="invalid_token", error_description="${message.replace(/"/g, "'")}"`;
  return new FlowApiError(401, code, message, undefined, { 'www-authenticate': challenge });
}

export async function authenticateFlowCaller(ctx: SandboxContext, req: SbRequest): Promise<FlowCaller> {
  const result = await authenticateAtGateway(ctx, req, FLOW_AUDIENCE);
  if (!result.ok) throw unauthorized(ctx, result.code, result.message);
  return { principal: result.principal, objectId: result.principal.objectId };
}
