import type { SandboxContext } from './context';
import { verifyAccessToken, type VerifiedAccessToken, type VerifyFailure } from './entra/tokens';
import type { SbRequest } from './http';
import type { Principal } from './store';

/**
 * Bearer-token checking shared by the sandbox's resource APIs (BAP, Power Apps, Flow; Dataverse has
 * its own caller model on top): signature, lifetime, audience, tenant, revocation, and who the caller
 * is in the directory. Each API turns a failure into its own error shape.
 */

export type BearerResult =
  | { ok: true; token: VerifiedAccessToken; principal: Principal }
  | { ok: false; failure: VerifyFailure | 'missing' | 'unknown_principal'; detail: string };

/** The `oid` of a bearer token without checking it: only to key rate limits before a service runs. */
export function unverifiedObjectId(req: SbRequest): string | null {
  const token = /^Bearer\s+([^.\s]+)\.([^.\s]+)\.\S+$/i.exec(req.headers['authorization'] ?? '');
  if (!token?.[2]) return null;
  try {
    const payload = JSON.parse(Buffer.from(token[2], 'base64url').toString('utf8')) as { oid?: unknown };
    return typeof payload.oid === 'string' ? payload.oid : null;
  } catch {
    return null;
  }
}

export async function checkBearer(ctx: SandboxContext, req: SbRequest, audiences: readonly string[]): Promise<BearerResult> {
  const raw = /^Bearer\s+(\S+)$/i.exec(req.headers['authorization'] ?? '')?.[1];
  if (!raw) return { ok: false, failure: 'missing', detail: 'No bearer token was sent.' };
  const verified = await verifyAccessToken(ctx.keys, raw, {
    audiences,
    tenantId: ctx.store.state.tenant.id,
    validAfter: (oid) => {
      const at = ctx.store.state.entra.tokensValidAfter[oid];
      return at ? Math.floor(Date.parse(at) / 1000) : undefined;
    },
  });
  if (!verified.ok) return { ok: false, failure: verified.failure, detail: verified.detail };
  const principal = ctx.store.principal(verified.token.objectId);
  if (!principal) return { ok: false, failure: 'unknown_principal', detail: 'The caller is not in this tenant.' };
  return { ok: true, token: verified.token, principal };
}

/** Power Platform admins, and apps registered as management applications, may use admin routes. */
export function isPlatformAdmin(principal: Principal): boolean {
  return principal.kind === 'user' ? principal.user.isPowerPlatformAdmin : principal.app.isManagementApp;
}
