import { createLocalJWKSet, jwtVerify } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectAadError, startTestbed, type EntraTestbed } from './test-support/sandbox';

let tb: EntraTestbed;
beforeAll(async () => {
  tb = await startTestbed();
});
afterAll(async () => {
  await tb.sb.close();
});

const V2_FIELDS = [
  'token_endpoint', 'token_endpoint_auth_methods_supported', 'jwks_uri', 'response_modes_supported', 'subject_types_supported',
  'id_token_signing_alg_values_supported', 'response_types_supported', 'scopes_supported', 'issuer', 'request_uri_parameter_supported',
  'userinfo_endpoint', 'authorization_endpoint', 'device_authorization_endpoint', 'http_logout_supported', 'frontchannel_logout_supported',
  'end_session_endpoint', 'claims_supported', 'kerberos_endpoint', 'tenant_region_scope', 'cloud_instance_name', 'cloud_graph_host_name',
  'msgraph_host', 'rbac_url',
];

describe('openid-configuration (v2)', () => {
  it('answers with the platform field set, endpoints on the sandbox host and the platform headers', async () => {
    const res = await tb.call(`/login/${tb.tenantId}/v2.0/.well-known/openid-configuration`);
    expect(res.status).toBe(200);
    expect(res.headers['cache-control']).toBe('max-age=86400, private');
    expect(res.headers['access-control-allow-origin']).toBe('*');
    expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
    const doc = res.json();
    expect(Object.keys(doc)).toEqual(V2_FIELDS);
    const base = `${tb.base}/login/${tb.tenantId}`;
    expect(doc).toMatchObject({
      token_endpoint: `${base}/oauth2/v2.0/token`,
      authorization_endpoint: `${base}/oauth2/v2.0/authorize`,
      device_authorization_endpoint: `${base}/oauth2/v2.0/devicecode`,
      end_session_endpoint: `${base}/oauth2/v2.0/logout`,
      jwks_uri: `${base}/discovery/v2.0/keys`,
      issuer: `${base}/v2.0`,
      token_endpoint_auth_methods_supported: ['client_secret_post', 'private_key_jwt', 'client_secret_basic'],
      response_modes_supported: ['query', 'fragment', 'form_post'],
      subject_types_supported: ['pairwise'],
      id_token_signing_alg_values_supported: ['RS256'],
      scopes_supported: ['openid', 'profile', 'email', 'offline_access'],
      request_uri_parameter_supported: false,
      tenant_region_scope: 'WW',
      cloud_instance_name: 'microsoftonline.com',
    });
  });

  it('resolves the verified domain to the tenant id, as the platform does', async () => {
    const res = await tb.call(`/login/${tb.sb.ctx.store.state.tenant.defaultDomain}/v2.0/.well-known/openid-configuration`);
    expect(res.json()['token_endpoint']).toBe(`${tb.base}/login/${tb.tenantId}/oauth2/v2.0/token`);
  });

  it('serves organizations and common with the {tenantid} issuer placeholder', async () => {
    const doc = (await tb.call('/login/organizations/v2.0/.well-known/openid-configuration')).json();
    expect(doc['issuer']).toBe(`${tb.base}/login/{tenantid}/v2.0`);
    expect(doc['token_endpoint']).toBe(`${tb.base}/login/organizations/oauth2/v2.0/token`);
    expect(doc['tenant_region_scope']).toBeNull();
  });

  it('answers an unknown tenant with 400 invalid_tenant AADSTS90002', async () => {
    const res = await tb.call('/login/nope.onmicrosoft.com/v2.0/.well-known/openid-configuration');
    expectAadError(res, {
      status: 400,
      error: 'invalid_tenant',
      code: 90002,
      text: "Tenant 'nope.onmicrosoft.com' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud. Check with your subscription administrator, this may happen if there are no active subscriptions for the tenant.",
      base: tb.base,
    });
  });

  it('serves the v1 document with the v1 issuer', async () => {
    const doc = (await tb.call(`/login/${tb.tenantId}/.well-known/openid-configuration`)).json();
    expect(doc['issuer']).toBe(`https://sts.windows.net/${tb.tenantId}/`);
    expect(doc['jwks_uri']).toBe(`${tb.base}/login/common/discovery/keys`);
  });
});

describe('keys and instance discovery', () => {
  it('publishes the signing key so tokens verify against the JWKS', async () => {
    const jwks = (await tb.call(`/login/${tb.tenantId}/discovery/v2.0/keys`)).json() as { keys: Record<string, unknown>[] };
    expect(jwks.keys).toHaveLength(1);
    expect(Object.keys(jwks.keys[0] ?? {})).toEqual(['kty', 'use', 'kid', 'x5t', 'n', 'e', 'x5c', 'issuer']);
    const pipeline = tb.app('pipeline');
    const res = await tb.token({
      client_id: pipeline.clientId,
      client_secret: pipeline.secrets[0]?.value ?? '',
      grant_type: 'client_credentials',
      scope: 'https://service.powerapps.com/.default',
    });
    const keySet = createLocalJWKSet(jwks);
    const { payload, protectedHeader } = await jwtVerify(String(res.json()['access_token']), keySet);
    expect(protectedHeader.kid).toBe(jwks.keys[0]?.['kid']);
    expect(payload.iss).toBe(`https://sts.windows.net/${tb.tenantId}/`);
    const v1 = (await tb.call('/login/common/discovery/keys')).json() as { keys: unknown[] };
    expect(v1.keys).toHaveLength(1);
  });

  it('describes the sandbox host as its own cloud instance and refuses others', async () => {
    const host = new URL(tb.base).host;
    const ok = await tb.call(
      `/login/common/discovery/instance?api-version=1.1&authorization_endpoint=${encodeURIComponent(`${tb.base}/login/${tb.tenantId}/oauth2/v2.0/authorize`)}`,
    );
    expect(ok.json()).toMatchObject({
      tenant_discovery_endpoint: `${tb.base}/login/${tb.tenantId}/v2.0/.well-known/openid-configuration`,
      'api-version': '1.1',
      metadata: [{ preferred_network: host, preferred_cache: host }],
    });
    const bad = await tb.call(
      `/login/common/discovery/instance?api-version=1.1&authorization_endpoint=${encodeURIComponent('https://login.example.com/x/oauth2/v2.0/authorize')}`,
    );
    expectAadError(bad, { status: 400, error: 'invalid_instance', code: 50049, text: 'Unknown or invalid instance.' });
  });

  it('has a signed-out page and an error lookup page', async () => {
    const out = await tb.call(`/login/${tb.tenantId}/oauth2/v2.0/logout?post_logout_redirect_uri=${encodeURIComponent('http://localhost:3000/')}`);
    expect(out.status).toBe(200);
    expect(out.text).toContain('You signed out of your account');
    expect(out.text).toContain('href="http://localhost:3000/"');
    const lookup = await tb.call('/login/error?code=70011');
    expect(lookup.text).toContain('AADSTS70011');
  });
});
