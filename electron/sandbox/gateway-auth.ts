import { checkBearer } from './bearer';
import type { SandboxContext } from './context';
import type { SbRequest } from './http';
import type { Principal } from './store';

/**
 * Bearer checking at the Power Platform gateways (BAP, Power Apps, Flow): one set of 401 codes and texts,
 * taken from captures of api.powerapps.com and BAP (MissingAuthorizationHeaderAndClientCertificate,
 * InvalidAuthenticationAudience, ExpiredAuthenticationToken), shared by every gateway so they cannot drift.
 */

export type GatewayAuthResult = { ok: true; principal: Principal } | { ok: false; code: string; message: string };

/** .NET's invariant `G` format, as the gateway prints token times: `9/14/2023 6:03:16 PM`. */
export function dotNetUtc(date: Date): string {
  const h = date.getUTCHours();
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${date.getUTCMonth() + 1}/${date.getUTCDate()}/${date.getUTCFullYear()} ${h % 12 || 12}:${pad(date.getUTCMinutes())}:${pad(date.getUTCSeconds())} ${h < 12 ? 'AM' : 'PM'}`;
}

/** The claims of a bearer token that the 401 texts quote, read without checking the token. */
function unverifiedClaims(req: SbRequest): { aud: string; exp: number | null } {
  const payload = /^Bearer\s+[^.\s]+\.([^.\s]+)\.\S*$/i.exec(req.headers['authorization'] ?? '')?.[1];
  try {
    const claims = JSON.parse(Buffer.from(payload ?? '', 'base64url').toString('utf8')) as { aud?: unknown; exp?: unknown };
    return { aud: typeof claims.aud === 'string' ? claims.aud : '', exp: typeof claims.exp === 'number' ? claims.exp : null };
  } catch {
    return { aud: '', exp: null };
  }
}

export async function authenticateAtGateway(ctx: SandboxContext, req: SbRequest, audience: string): Promise<GatewayAuthResult> {
  const result = await checkBearer(ctx, req, [audience]);
  if (result.ok) return { ok: true, principal: result.principal };
  switch (result.failure) {
    case 'missing':
      return { ok: false, code: 'MissingAuthorizationHeaderAndClientCertificate', message: 'A client certificate or authorization header was not provided.' };
    case 'audience':
      return {
        ok: false,
        code: 'InvalidAuthenticationAudience',
        message: `The received access token has been obtained from wrong audience or resource '${unverifiedClaims(req).aud}'. It should exactly match (including forward slash) with one of the allowed audiences '${audience}'.`,
      };
    case 'expired': {
      const exp = unverifiedClaims(req).exp;
      const expiry = exp === null ? 'unknown' : dotNetUtc(new Date(exp * 1000));
      return { ok: false, code: 'ExpiredAuthenticationToken', message: `The received access token has expiry UTC time '${expiry}' which is earlier than current UTC time '${dotNetUtc(new Date())}'.` };
    }
    case 'revoked':
      return { ok: false, code: 'InvalidAuthenticationToken', message: 'The access token has been revoked.' };
    default:
      return { ok: false, code: 'InvalidAuthenticationToken', message: 'The access token is invalid.' };
  }
}
