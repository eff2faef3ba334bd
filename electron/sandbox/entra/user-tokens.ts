import { createHash, randomUUID } from 'node:crypto';
import { SignJWT } from 'jose';
import type { SandboxContext } from '../context';
import type { AppRegistration, DirectoryUser } from '../model';
import type { AppIdAcr } from './client-auth';
import { aad, fail } from './errors';
import { issueRefreshToken } from './refresh-tokens';
import { audienceOf, delegatedScp, hasDelegatedConsent, responseScope, type ScopeRequest } from './scopes';
import { entraSettings } from './settings';
import { v2Issuer } from './tenant';
import { issueAccessToken } from './tokens';

/**
 * What every user grant (authorization code, refresh token, device code) ends in: the directory's
 * checks on the user and the app's consent, then the token response msal-node builds its cache
 * from — access token (v1, for the resource), v2 id_token, client_info, refresh token, scope.
 */

/** The user may sign in: enabled (AADSTS50057 otherwise). */
export function checkUserEnabled(user: DirectoryUser, error = 'invalid_grant'): void {
  if (user.disabled) fail(aad.userDisabled(error));
}

/** The tenant consented to the app's delegated use of the resource (AADSTS65001 otherwise). */
export function checkConsent(app: AppRegistration, scopes: ScopeRequest, error = 'invalid_grant'): void {
  if (!hasDelegatedConsent(app, scopes.resource)) fail(aad.consentRequired(app.clientId, app.displayName, error));
}

/** Grants issued before the principal's `tokensValidAfter` are refused (AADSTS50173). */
export function checkNotRevoked(ctx: SandboxContext, oid: string, grantIssuedMs: number): void {
  const validAfter = ctx.store.state.entra.tokensValidAfter[oid];
  if (!validAfter) return;
  const validAfterMs = Date.parse(validAfter);
  if (Number.isFinite(validAfterMs) && grantIssuedMs < validAfterMs) fail(aad.grantRevoked(grantIssuedMs, validAfterMs));
}

/** `client_info`: base64url of `{"uid","utid"}`; msal's home account id is `uid.utid`. */
export function clientInfo(oid: string, tenantId: string): string {
  return Buffer.from(JSON.stringify({ uid: oid, utid: tenantId })).toString('base64url');
}

/** The pairwise `sub` of v2 id tokens: stable per user and app, different across apps. */
export function pairwiseSubject(oid: string, clientId: string): string {
  return createHash('sha256').update(`${oid}|${clientId}`).digest('base64url').slice(0, 43);
}

function nameParts(displayName: string): { givenName?: string; familyName?: string } {
  const parts = displayName.trim().split(/\s+/);
  if (parts.length < 2) return {};
  return { givenName: parts[0] ?? '', familyName: parts.slice(1).join(' ') };
}

export interface IdTokenInput {
  clientId: string;
  user: DirectoryUser;
  tenantId: string;
  nonce: string | null;
  includeEmail: boolean;
  nowS?: number;
}

/** A v2 id_token, signed with the tenant key (msal reads, never verifies, it; apps may verify via JWKS). */
export async function issueIdToken(ctx: SandboxContext, input: IdTokenInput): Promise<string> {
  const nowS = input.nowS ?? Math.floor(Date.now() / 1000);
  const claims: Record<string, unknown> = {
    name: input.user.displayName,
    oid: input.user.objectId,
    preferred_username: input.user.userPrincipalName,
    tid: input.tenantId,
    uti: randomUUID().replace(/-/g, ''),
    ver: '2.0',
  };
  if (input.nonce !== null) claims['nonce'] = input.nonce;
  if (input.includeEmail) claims['email'] = input.user.mail;
  return new SignJWT(claims)
    .setProtectedHeader({ typ: 'JWT', alg: 'RS256', kid: ctx.keys.kid })
    .setAudience(input.clientId)
    .setIssuer(v2Issuer(ctx.baseUrl, input.tenantId))
    .setSubject(pairwiseSubject(input.user.objectId, input.clientId))
    .setIssuedAt(nowS)
    .setNotBefore(nowS)
    .setExpirationTime(nowS + entraSettings(ctx).idTokenLifetimeS)
    .sign(ctx.keys.privateKey);
}

export interface UserTokenInput {
  app: AppRegistration;
  appIdAcr: AppIdAcr;
  user: DirectoryUser;
  scopes: ScopeRequest;
  /** The `scope` parameter as sent (OIDC scopes decide id_token and refresh_token). */
  scopeParam: string;
  /** `client_info=1` was sent. */
  wantsClientInfo: boolean;
  nonce: string | null;
  /** When the user signed in: carried by the refresh token for revocation checks. */
  authTimeMs: number;
}

export async function userTokenResponse(ctx: SandboxContext, input: UserTokenInput): Promise<Record<string, unknown>> {
  const tenantId = ctx.store.state.tenant.id;
  const lifetime = ctx.tokenLifetimeS;
  const access = await issueAccessToken(
    ctx.keys,
    {
      tenantId,
      objectId: input.user.objectId,
      appId: input.app.clientId,
      appIdAcr: input.appIdAcr,
      user: { upn: input.user.userPrincipalName, name: input.user.displayName, ...nameParts(input.user.displayName) },
      scp: delegatedScp(input.scopes),
    },
    audienceOf(input.scopes),
    lifetime,
  );
  const body: Record<string, unknown> = {
    token_type: 'Bearer',
    scope: responseScope(input.scopes),
    expires_in: access.expiresIn,
    ext_expires_in: access.expiresIn,
    access_token: access.token,
  };
  if (input.scopes.oidc.includes('offline_access')) {
    body['refresh_token'] = await issueRefreshToken(
      ctx,
      { oid: input.user.objectId, clientId: input.app.clientId, tenantId, authTimeMs: input.authTimeMs, scope: input.scopeParam },
      entraSettings(ctx).refreshTokenInactivityS,
    );
  }
  if (input.scopes.oidc.includes('openid')) {
    body['id_token'] = await issueIdToken(ctx, {
      clientId: input.app.clientId,
      user: input.user,
      tenantId,
      nonce: input.nonce,
      includeEmail: input.scopes.oidc.includes('email'),
    });
  }
  if (input.wantsClientInfo) body['client_info'] = clientInfo(input.user.objectId, tenantId);
  return body;
}
