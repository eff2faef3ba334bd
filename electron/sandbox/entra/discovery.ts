import type { SandboxContext } from '../context';
import { json, type SbRequest, type SbResponse } from '../http';
import { aad, errorContext, errorPayload } from './errors';
import { authorityBase, resolveTenant, v2Issuer, type TenantSegment } from './tenant';
import { jwksEntry, v1Issuer } from './tokens';

/**
 * OpenID discovery (reference §5.1): the v2 (and v1) openid-configuration documents, the signing keys,
 * and instance discovery. Field sets and headers follow a recorded platform answer, with every
 * endpoint moved to the sandbox host so msal finds nothing to fetch from the internet.
 */

const DISCOVERY_HEADERS = { 'cache-control': 'max-age=86400, private', 'access-control-allow-origin': '*' };

/** The tenant as discovery documents spell it: the id for the tenant, the alias itself for common/organizations. */
function pathTenant(tenant: Exclude<TenantSegment, { kind: 'unknown' }>): string {
  return tenant.kind === 'tenant' ? tenant.tenantId : tenant.segment;
}

function unknownTenant(ctx: SandboxContext, req: SbRequest, segment: string): SbResponse {
  const err = aad.tenantNotFound(segment, 'invalid_tenant');
  return json(err.status, errorPayload(err, errorContext(ctx.baseUrl, req)), DISCOVERY_HEADERS);
}

export function openIdConfiguration(ctx: SandboxContext, tenant: Exclude<TenantSegment, { kind: 'unknown' }>): Record<string, unknown> {
  const base = authorityBase(ctx.baseUrl, pathTenant(tenant));
  return {
    token_endpoint: `${base}/oauth2/v2.0/token`,
    token_endpoint_auth_methods_supported: ['client_secret_post', 'private_key_jwt', 'client_secret_basic'],
    jwks_uri: `${base}/discovery/v2.0/keys`,
    response_modes_supported: ['query', 'fragment', 'form_post'],
    subject_types_supported: ['pairwise'],
    id_token_signing_alg_values_supported: ['RS256'],
    response_types_supported: ['code', 'id_token', 'code id_token', 'id_token token'],
    scopes_supported: ['openid', 'profile', 'email', 'offline_access'],
    // The alias documents carry the literal placeholder, as the platform's do.
    issuer: tenant.kind === 'tenant' ? v2Issuer(ctx.baseUrl, tenant.tenantId) : v2Issuer(ctx.baseUrl, '{tenantid}'),
    request_uri_parameter_supported: false,
    userinfo_endpoint: 'https://graph.microsoft.com/oidc/userinfo',
    authorization_endpoint: `${base}/oauth2/v2.0/authorize`,
    device_authorization_endpoint: `${base}/oauth2/v2.0/devicecode`,
    http_logout_supported: true,
    frontchannel_logout_supported: true,
    end_session_endpoint: `${base}/oauth2/v2.0/logout`,
    claims_supported: [
      'sub', 'iss', 'cloud_instance_name', 'cloud_instance_host_name', 'cloud_graph_host_name', 'msgraph_host', 'aud', 'exp', 'iat',
      'auth_time', 'acr', 'nonce', 'preferred_username', 'name', 'tid', 'ver', 'at_hash', 'c_hash', 'email',
    ],
    kerberos_endpoint: `${base}/kerberos`,
    tenant_region_scope: tenant.kind === 'tenant' ? 'WW' : null,
    cloud_instance_name: 'microsoftonline.com',
    cloud_graph_host_name: 'graph.windows.net',
    msgraph_host: 'graph.microsoft.com',
    rbac_url: 'https://pas.windows.net',
  };
}

/** The v1 document: kept for resource servers that validate v1 access tokens through its `jwks_uri`. */
export function openIdConfigurationV1(ctx: SandboxContext, tenant: Exclude<TenantSegment, { kind: 'unknown' }>): Record<string, unknown> {
  const base = authorityBase(ctx.baseUrl, pathTenant(tenant));
  return {
    token_endpoint: `${base}/oauth2/token`,
    token_endpoint_auth_methods_supported: ['client_secret_post', 'private_key_jwt', 'client_secret_basic'],
    jwks_uri: `${authorityBase(ctx.baseUrl, 'common')}/discovery/keys`,
    response_modes_supported: ['query', 'fragment', 'form_post'],
    subject_types_supported: ['pairwise'],
    id_token_signing_alg_values_supported: ['RS256'],
    response_types_supported: ['code', 'id_token', 'code id_token', 'token id_token', 'token'],
    scopes_supported: ['openid'],
    issuer: tenant.kind === 'tenant' ? v1Issuer(tenant.tenantId) : 'https://sts.windows.net/{tenantid}/',
    microsoft_multi_refresh_token: true,
    authorization_endpoint: `${base}/oauth2/authorize`,
    device_authorization_endpoint: `${base}/oauth2/devicecode`,
    http_logout_supported: true,
    frontchannel_logout_supported: true,
    end_session_endpoint: `${base}/oauth2/logout`,
    claims_supported: [
      'sub', 'iss', 'cloud_instance_name', 'cloud_instance_host_name', 'cloud_graph_host_name', 'msgraph_host', 'aud', 'exp', 'iat',
      'auth_time', 'acr', 'amr', 'nonce', 'email', 'given_name', 'family_name', 'nickname',
    ],
    check_session_iframe: `${base}/oauth2/checksession`,
    userinfo_endpoint: `${base}/openid/userinfo`,
    kerberos_endpoint: `${base}/kerberos`,
    tenant_region_scope: tenant.kind === 'tenant' ? 'WW' : null,
    cloud_instance_name: 'microsoftonline.com',
    cloud_graph_host_name: 'graph.windows.net',
    msgraph_host: 'graph.microsoft.com',
    rbac_url: 'https://pas.windows.net',
  };
}

export function handleOpenIdConfiguration(ctx: SandboxContext, req: SbRequest, segment: string, version: 'v1' | 'v2'): SbResponse {
  const tenant = resolveTenant(ctx.store, segment);
  if (tenant.kind === 'unknown') return unknownTenant(ctx, req, segment);
  const doc = version === 'v2' ? openIdConfiguration(ctx, tenant) : openIdConfigurationV1(ctx, tenant);
  return json(200, doc, DISCOVERY_HEADERS);
}

export async function handleKeys(ctx: SandboxContext, req: SbRequest, segment: string): Promise<SbResponse> {
  const tenant = resolveTenant(ctx.store, segment);
  if (tenant.kind === 'unknown') return unknownTenant(ctx, req, segment);
  const issuer = v2Issuer(ctx.baseUrl, tenant.kind === 'tenant' ? tenant.tenantId : '{tenantid}');
  return json(200, { keys: [await jwksEntry(ctx.keys, issuer)] }, DISCOVERY_HEADERS);
}

/**
 * `GET /common/discovery/instance?api-version=1.1&authorization_endpoint=…`: aliases for the sandbox
 * host only. Any other host is an unknown instance, which msal reports as an untrusted authority.
 */
export function handleInstanceDiscovery(ctx: SandboxContext, req: SbRequest): SbResponse {
  const host = new URL(ctx.baseUrl).host;
  const endpoint = req.url.searchParams.get('authorization_endpoint');
  let target: URL | null = null;
  try {
    target = endpoint ? new URL(endpoint) : null;
  } catch {
    target = null;
  }
  const port = new URL(ctx.baseUrl).port;
  const sameHost = target !== null && (target.host === host || target.host === `localhost:${port}`);
  if (!sameHost || !target) {
    const err = aad.instanceUnknown();
    return json(400, errorPayload(err, errorContext(ctx.baseUrl, req)), DISCOVERY_HEADERS);
  }
  // The authorization endpoint names the tenant: …/login/{tenant}/oauth2/v2.0/authorize.
  const segment = /^\/login\/([^/]+)\//.exec(target.pathname)?.[1] ?? 'common';
  return json(
    200,
    {
      tenant_discovery_endpoint: `${authorityBase(ctx.baseUrl, segment)}/v2.0/.well-known/openid-configuration`,
      'api-version': '1.1',
      metadata: [{ preferred_network: host, preferred_cache: host, aliases: [host, `localhost:${port}`] }],
    },
    DISCOVERY_HEADERS,
  );
}
