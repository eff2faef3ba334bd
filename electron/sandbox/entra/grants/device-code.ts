import { authenticateClient } from '../client-auth';
import { aad, fail } from '../errors';
import { requireScopes } from '../scopes';
import { checkConsent, checkUserEnabled, userTokenResponse } from '../user-tokens';
import type { GrantContext, GrantResult } from './grant-context';

/** The two spellings of the device-code grant: msal sends the short one, the RFC the URN. */
export const DEVICE_CODE_GRANTS = ['device_code', 'urn:ietf:params:oauth:grant-type:device_code'];

/**
 * Device-code polling (reference §5.4): `authorization_pending` until the user approves on
 * /devicelogin (or the control API does), then tokens once; `authorization_declined`,
 * `expired_token` and `bad_verification_code` otherwise.
 */
export async function deviceCodeGrant(g: GrantContext, nowMs = Date.now()): Promise<GrantResult> {
  const deviceCode = g.form['device_code'];
  if (!deviceCode) return fail(aad.missingParameter('device_code'));
  const client = await authenticateClient(g.ctx, g.req, g.form, { grant: 'device_code', assertionAudiences: g.assertionAudiences });
  const entry = g.devices.byDeviceCode(deviceCode);
  if (!entry || entry.clientId !== client.app.clientId || entry.state === 'redeemed') return fail(aad.badVerificationCode());
  if (entry.expiresMs <= nowMs) fail(aad.deviceCodeExpired());
  if (entry.state === 'pending') fail(aad.authorizationPending());
  if (entry.state === 'declined') fail(aad.authorizationDeclined());
  const user = entry.oid === undefined ? undefined : g.ctx.store.userByObjectId(entry.oid);
  if (!user) return fail(aad.badVerificationCode());
  checkUserEnabled(user);
  const scopeParam = g.form['scope'] ?? entry.scope;
  const scopes = requireScopes(g.ctx, scopeParam, 'user');
  checkConsent(client.app, scopes);
  entry.state = 'redeemed';
  const body = await userTokenResponse(g.ctx, {
    app: client.app,
    appIdAcr: client.appIdAcr,
    user,
    scopes,
    scopeParam,
    wantsClientInfo: g.form['client_info'] === '1',
    nonce: null,
    authTimeMs: entry.authTimeMs ?? nowMs,
  });
  return { body, caller: user.objectId };
}
