import { authenticateClient } from '../client-auth';
import { aad, fail } from '../errors';
import { readRefreshToken } from '../refresh-tokens';
import { requireScopes } from '../scopes';
import { checkConsent, checkNotRevoked, checkUserEnabled, userTokenResponse } from '../user-tokens';
import type { GrantContext, GrantResult } from './grant-context';

/**
 * `grant_type=refresh_token`: any resource the app may reach for the user, from a token issued to
 * the same client that is neither inactive too long (AADSTS700082) nor revoked (AADSTS50173), for a
 * user still enabled. Confidential clients authenticate here too.
 */
export async function refreshTokenGrant(g: GrantContext, nowMs = Date.now()): Promise<GrantResult> {
  const client = await authenticateClient(g.ctx, g.req, g.form, { grant: 'refresh_token', assertionAudiences: g.assertionAudiences });
  const token = g.form['refresh_token'];
  if (!token) return fail(aad.missingParameter('refresh_token'));
  const grant = await readRefreshToken(g.ctx, token);
  if (!grant || grant.tenantId !== g.ctx.store.state.tenant.id) return fail(aad.malformedGrant());
  if (grant.clientId !== client.app.clientId) fail(aad.grantNotForClient());
  if (grant.expiresMs <= nowMs) fail(aad.refreshTokenInactive(grant.issuedMs, (grant.expiresMs - grant.issuedMs) / 1000));
  const user = g.ctx.store.userByObjectId(grant.oid);
  if (!user) return fail(aad.malformedGrant());
  checkUserEnabled(user);
  checkNotRevoked(g.ctx, user.objectId, grant.authTimeMs);
  const scopeParam = g.form['scope'] ?? grant.scope;
  const scopes = requireScopes(g.ctx, scopeParam, 'user');
  checkConsent(client.app, scopes);
  const body = await userTokenResponse(g.ctx, {
    app: client.app,
    appIdAcr: client.appIdAcr,
    user,
    scopes,
    scopeParam,
    wantsClientInfo: g.form['client_info'] === '1',
    nonce: null,
    authTimeMs: grant.authTimeMs,
  });
  return { body, caller: user.objectId };
}
