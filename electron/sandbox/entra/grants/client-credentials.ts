import { authenticateClient } from '../client-auth';
import { aad, fail } from '../errors';
import { requireScopes } from '../scopes';
import { issueAccessToken } from '../tokens';
import type { GrantContext, GrantResult } from './grant-context';

/**
 * `grant_type=client_credentials`: an app-only token for `{resource}/.default`, issued to the app's
 * service principal. The answer has no refresh token, id token or scope (reference §5.5).
 */
export async function clientCredentialsGrant(g: GrantContext): Promise<GrantResult> {
  // App-only tokens need a tenant: there is no user to infer it from.
  if (g.tenant.kind === 'alias') fail(aad.noTenantInformation());
  const client = await authenticateClient(g.ctx, g.req, g.form, { grant: 'client_credentials', assertionAudiences: g.assertionAudiences });
  const scopes = requireScopes(g.ctx, g.form['scope'], 'app');
  if (!scopes.resource) return fail(aad.clientCredentialsScope(g.form['scope'] ?? ''));
  const token = await issueAccessToken(
    g.ctx.keys,
    { tenantId: g.tenant.tenantId, objectId: client.app.servicePrincipalId, appId: client.app.clientId, appIdAcr: client.appIdAcr },
    scopes.resource.audience,
    g.ctx.tokenLifetimeS,
  );
  return {
    body: { token_type: 'Bearer', expires_in: token.expiresIn, ext_expires_in: token.expiresIn, access_token: token.token },
    caller: client.app.servicePrincipalId,
  };
}
