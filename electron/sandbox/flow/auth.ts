import { checkBearer } from '../bearer';
import type { SandboxContext } from '../context';
import { FLOW_AUDIENCE } from '../entra/resources';
import type { SbRequest } from '../http';
import type { Principal } from '../store';
import { FlowApiError } from './errors';

/**
 * Who calls the Flow API: a bearer token for `https://service.flow.microsoft.com/` (reference §3.4).
 * Refusals are 401s in the shape of the Azure front door the Flow service sits behind (ARM's codes and
 * texts, reference §3.3; that the Flow gateway uses exactly these is UNCONFIRMED), with a
 * `WWW-Authenticate` challenge naming the authority, as ARM sends it.
 */

export const FLOW_AUDIENCES: readonly string[] = [FLOW_AUDIENCE];

export interface FlowCaller {
  principal: Principal;
  objectId: string;
}

/** ARM prints times as .NET's invariant `M/d/yyyy h:mm:ss AM`. */
function armTime(seconds: number): string {
  const d = new Date(seconds * 1000);
  const h = d.getUTCHours();
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getUTCMonth() + 1}/${d.getUTCDate()}/${d.getUTCFullYear()} ${h % 12 === 0 ? 12 : h % 12}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())} ${h < 12 ? 'AM' : 'PM'}`;
}

/** Claims of a token that failed verification, read without trusting them, only to word the error. */
function unverifiedClaims(req: SbRequest): { aud?: unknown; exp?: unknown } {
  const payload = /^Bearer\s+[^.\s]+\.([^.\s]+)\.\S*$/i.exec(req.headers['authorization'] ?? '')?.[1];
  if (!payload) return {};
  try {
    return JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { aud?: unknown; exp?: unknown };
  } catch {
    return {};
  }
}

function unauthorized(ctx: SandboxContext, code: string, message: string): FlowApiError {
  const challenge = `Bearer authorization_uri="${ctx.baseUrl}/login/common/oauth2/authorize", error="invalid_token", error_description="${message.replace(/"/g, "'")}"`;
  return new FlowApiError(401, code, message, undefined, { 'www-authenticate': challenge });
}

export async function authenticateFlowCaller(ctx: SandboxContext, req: SbRequest): Promise<FlowCaller> {
  const result = await checkBearer(ctx, req, FLOW_AUDIENCES);
  if (result.ok) return { principal: result.principal, objectId: result.principal.objectId };
  switch (result.failure) {
    case 'missing':
      throw unauthorized(ctx, 'AuthenticationFailed', "Authentication failed. The 'Authorization' header is missing.");
    case 'audience': {
      const aud = unverifiedClaims(req).aud;
      const allowed = FLOW_AUDIENCES.flatMap((a) => [a, a.replace(/\/$/, '')]).map((a) => `'${a}'`).join(',');
      throw unauthorized(
        ctx,
        'InvalidAuthenticationTokenAudience',
        `The received access token has been obtained from wrong audience or resource '${typeof aud === 'string' ? aud : ''}'. It should exactly match with one of the allowed audiences ${allowed}.`,
      );
    }
    case 'expired': {
      const exp = unverifiedClaims(req).exp;
      const expiry = typeof exp === 'number' ? armTime(exp) : '';
      throw unauthorized(ctx, 'ExpiredAuthenticationToken', `The access token expiry UTC time '${expiry}' is earlier than current UTC time '${armTime(Math.floor(Date.now() / 1000))}'.`);
    }
    default:
      throw unauthorized(ctx, 'InvalidAuthenticationToken', 'The access token is invalid.');
  }
}
