import type { SandboxContext } from '../context';
import { json, type SbRequest, type SbResponse } from '../http';
import type { AuthCodeStore } from './auth-codes';
import type { DeviceCodeStore } from './device-codes';
import { AadFailure, aad, errorContext, errorResponse, fail, tokenHeaders, type AadError } from './errors';
import { authorizationCodeGrant } from './grants/authorization-code';
import { clientCredentialsGrant } from './grants/client-credentials';
import { DEVICE_CODE_GRANTS, deviceCodeGrant } from './grants/device-code';
import type { GrantContext, GrantResult } from './grants/grant-context';
import { refreshTokenGrant } from './grants/refresh-token';
import { formOf } from './request';
import { authorityBase, resolveTenant, v2Issuer } from './tenant';

/**
 * `POST /{tenant}/oauth2/v2.0/token` (reference §5.2): form-encoded, `client-request-id` in the query.
 * Dispatches on `grant_type`; every failure is an AADSTS answer in the §5.6 shape.
 */

/** Every spelling of this tenant's token endpoint a client assertion may carry as `aud`. */
function assertionAudiences(ctx: SandboxContext, segment: string): string[] {
  const tenant = ctx.store.state.tenant;
  const out = new Set<string>([v2Issuer(ctx.baseUrl, tenant.id)]);
  for (const seg of [segment, tenant.id, tenant.defaultDomain]) {
    out.add(`${authorityBase(ctx.baseUrl, seg)}/oauth2/v2.0/token`);
    out.add(`${authorityBase(ctx.baseUrl, seg)}/oauth2/token`);
  }
  return [...out];
}

async function dispatch(grantType: string, g: GrantContext): Promise<GrantResult> {
  if (grantType === 'client_credentials') return clientCredentialsGrant(g);
  if (grantType === 'authorization_code') return authorizationCodeGrant(g);
  if (grantType === 'refresh_token') return refreshTokenGrant(g);
  if (DEVICE_CODE_GRANTS.includes(grantType)) return deviceCodeGrant(g);
  return fail(aad.unsupportedGrantType(grantType));
}

export async function handleToken(
  ctx: SandboxContext,
  req: SbRequest,
  segment: string,
  stores: { codes: AuthCodeStore; devices: DeviceCodeStore },
): Promise<SbResponse> {
  const form = formOf(req);
  const ec = errorContext(ctx.baseUrl, req, form);
  const answer = (err: AadError) => errorResponse(err, ec);
  if (req.method !== 'POST') return answer(aad.methodNotAllowed(req.method));
  const tenant = resolveTenant(ctx.store, segment);
  if (tenant.kind === 'unknown') return answer(aad.tenantNotFound(segment));
  const grantType = form['grant_type'];
  if (!grantType) return answer(aad.missingParameter('grant_type'));
  try {
    const result = await dispatch(grantType, {
      ctx,
      req,
      form,
      tenant,
      codes: stores.codes,
      devices: stores.devices,
      assertionAudiences: assertionAudiences(ctx, segment),
    });
    return { ...json(200, result.body, tokenHeaders(ec)), caller: result.caller };
  } catch (error) {
    if (error instanceof AadFailure) return answer(error.aad);
    throw error;
  }
}
