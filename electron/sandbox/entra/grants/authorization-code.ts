import { createHash } from 'node:crypto';
import { authenticateClient } from '../client-auth';
import { aad, fail } from '../errors';
import { requireScopes } from '../scopes';
import { checkConsent, checkUserEnabled, userTokenResponse } from '../user-tokens';
import type { GrantContext, GrantResult } from './grant-context';

/**
 * `grant_type=authorization_code`: redeems a code from /authorize once, for the client and redirect
 * URI it was issued to, proving PKCE (S256) when the code carries a challenge.
 */
export async function authorizationCodeGrant(g: GrantContext): Promise<GrantResult> {
  const client = await authenticateClient(g.ctx, g.req, g.form, { grant: 'authorization_code', assertionAudiences: g.assertionAudiences });
  const code = g.form['code'];
  if (!code) return fail(aad.missingParameter('code'));
  const found = g.codes.lookup(code);
  if (!found.ok) {
    if (found.reason === 'redeemed') return fail(aad.codeRedeemed());
    if (found.reason === 'expired') return fail(aad.codeExpired());
    return fail(aad.malformedGrant());
  }
  const grant = found.grant;
  if (grant.clientId !== client.app.clientId) fail(aad.grantNotForClient());
  const redirectUri = g.form['redirect_uri'];
  if (redirectUri === undefined) fail(aad.missingParameter('redirect_uri'));
  if (redirectUri !== grant.redirectUri) fail(aad.replyAddressMismatch(redirectUri, grant.redirectUri));
  if (grant.codeChallenge !== null) {
    const verifier = g.form['code_verifier'] ?? '';
    const challenge = createHash('sha256').update(verifier).digest('base64url');
    if (!verifier || challenge !== grant.codeChallenge) fail(aad.pkceMismatch());
  }
  const user = g.ctx.store.userByObjectId(grant.oid);
  if (!user) return fail(aad.malformedGrant());
  checkUserEnabled(user);
  const scopeParam = g.form['scope'] ?? grant.scope;
  const scopes = requireScopes(g.ctx, scopeParam, 'user');
  checkConsent(client.app, scopes);
  g.codes.consume(code);
  const body = await userTokenResponse(g.ctx, {
    app: client.app,
    appIdAcr: client.appIdAcr,
    user,
    scopes,
    scopeParam,
    wantsClientInfo: g.form['client_info'] === '1',
    nonce: grant.nonce,
    authTimeMs: grant.authTimeMs,
  });
  return { body, caller: user.objectId };
}
