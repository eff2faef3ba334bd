import { randomUUID } from 'node:crypto';
import { SignJWT, importPKCS8 } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppRegistration } from '../model';
import { createSelfSignedCertificate, thumbprints } from '../tls';
import { claimsOf, expectAadError, startTestbed, type EntraTestbed } from './test-support/sandbox';

let tb: EntraTestbed;
let pipeline: AppRegistration;
let secret: string;
const POWERAPPS = 'https://service.powerapps.com/.default';

beforeAll(async () => {
  tb = await startTestbed();
  pipeline = tb.app('pipeline');
  secret = pipeline.secrets[0]?.value ?? '';
});
afterAll(async () => {
  await tb.sb.close();
});

const tokenEndpoint = () => `${tb.base}/login/${tb.tenantId}/oauth2/v2.0/token`;

async function assertion(opts: {
  alg?: 'RS256' | 'PS256';
  privateKeyPem?: string;
  header?: Record<string, unknown>;
  claims?: Record<string, unknown>;
}): Promise<string> {
  const cert = pipeline.certificates[0];
  if (!cert) throw new Error('pipeline has no certificate');
  const alg = opts.alg ?? 'RS256';
  const now = Math.floor(Date.now() / 1000);
  const key = await importPKCS8(opts.privateKeyPem ?? cert.privateKeyPem, alg);
  const header = opts.header ?? (alg === 'RS256' ? { alg, typ: 'JWT', x5t: cert.x5t } : { alg, typ: 'JWT', 'x5t#S256': cert.x5tS256 });
  return new SignJWT({ aud: tokenEndpoint(), iss: pipeline.clientId, sub: pipeline.clientId, nbf: now, exp: now + 600, jti: randomUUID(), ...opts.claims })
    .setProtectedHeader({ ...header, alg })
    .sign(key);
}

const credentials = (extra: Record<string, string>) => ({ client_id: pipeline.clientId, grant_type: 'client_credentials', scope: POWERAPPS, ...extra });
const withAssertion = (jwt: string) =>
  credentials({ client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer', client_assertion: jwt });

describe('client credentials: success', () => {
  it('issues an app-only v1 token with exactly the platform fields, for a secret in the body', async () => {
    const correlationId = randomUUID();
    const res = await tb.token(credentials({ client_secret: secret }), { correlationId });
    expect(res.status).toBe(200);
    expect(res.headers['cache-control']).toBe('no-store, no-cache');
    expect(res.headers['client-request-id']).toBe(correlationId);
    const body = res.json();
    expect(Object.keys(body)).toEqual(['token_type', 'expires_in', 'ext_expires_in', 'access_token']);
    expect(body['token_type']).toBe('Bearer');
    expect(body['expires_in']).toBe(tb.sb.ctx.tokenLifetimeS);
    const claims = claimsOf(body['access_token']);
    expect(claims).toMatchObject({
      aud: 'https://service.powerapps.com/',
      iss: `https://sts.windows.net/${tb.tenantId}/`,
      appid: pipeline.clientId,
      appidacr: '1',
      oid: pipeline.servicePrincipalId,
      sub: pipeline.servicePrincipalId,
      tid: tb.tenantId,
      idtyp: 'app',
      ver: '1.0',
    });
    expect(claims['roles']).toBeUndefined();
    expect(claims['scp']).toBeUndefined();
  });

  it('accepts the secret through HTTP Basic', async () => {
    const basic = Buffer.from(`${encodeURIComponent(pipeline.clientId)}:${encodeURIComponent(secret)}`).toString('base64');
    const res = await tb.token({ grant_type: 'client_credentials', scope: POWERAPPS }, { headers: { authorization: `Basic ${basic}` } });
    expect(res.status).toBe(200);
  });

  it('maps a Dataverse org scope and the double-slash form to their audiences', async () => {
    const dv = await tb.token(credentials({ client_secret: secret, scope: `${tb.base}/orgs/contoso-dev/.default` }));
    expect(claimsOf(dv.json()['access_token'])['aud']).toBe(`${tb.base}/orgs/contoso-dev`);
    const dbl = await tb.token(credentials({ client_secret: secret, scope: 'https://service.powerapps.com//.default' }));
    expect(claimsOf(dbl.json()['access_token'])['aud']).toBe('https://service.powerapps.com/');
  });

  it('accepts certificate assertions (RS256 + x5t, PS256 + x5t#S256) with appidacr 2', async () => {
    for (const alg of ['RS256', 'PS256'] as const) {
      const res = await tb.token(withAssertion(await assertion({ alg })));
      expect(res.status).toBe(200);
      expect(claimsOf(res.json()['access_token'])['appidacr']).toBe('2');
    }
  });

  it('records the service principal as the caller in the request log', async () => {
    const since = tb.sb.ctx.log.entries().at(-1)?.seq ?? 0;
    await tb.token(credentials({ client_secret: secret }));
    const entry = tb.sb.ctx.log.entries(since).find((e) => e.path.includes('/oauth2/v2.0/token'));
    expect(entry?.caller).toBe(pipeline.servicePrincipalId);
  });
});

describe('client credentials: errors', () => {
  it('wrong secret → 401 invalid_client AADSTS7000215, echoing client-request-id', async () => {
    const correlationId = randomUUID();
    const res = await tb.token(credentials({ client_secret: 'not-the-secret' }), { correlationId });
    expectAadError(res, {
      status: 401,
      error: 'invalid_client',
      code: 7000215,
      text: `Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '${pipeline.clientId}'.`,
      correlationId,
      base: tb.base,
    });
  });

  it('expired secret → 401 invalid_client AADSTS7000222', async () => {
    const stored = pipeline.secrets[0];
    if (!stored) throw new Error('no secret');
    const saved = stored.expiresOn;
    stored.expiresOn = new Date(Date.now() - 60_000).toISOString();
    try {
      const res = await tb.token(credentials({ client_secret: secret }));
      expectAadError(res, {
        status: 401,
        error: 'invalid_client',
        code: 7000222,
        text: `The provided client secret keys for app '${pipeline.clientId}' are expired. Visit the Azure portal to create new keys for your app: https://aka.ms/NewClientSecret, or consider using certificate credentials for added security: https://aka.ms/certCreds.`,
      });
    } finally {
      stored.expiresOn = saved;
    }
  });

  it('no credential → 401 invalid_client AADSTS7000216 (client_credentials)', async () => {
    const res = await tb.token(credentials({}));
    expectAadError(res, {
      status: 401,
      error: 'invalid_client',
      code: 7000216,
      text: "'client_assertion', 'client_secret' or 'request' is required for the 'client_credentials' grant type.",
    });
  });

  it('a public app asking for app-only tokens → AADSTS7000216 (it has no credential to present)', async () => {
    const res = await tb.token({ client_id: tb.app('desktop').clientId, grant_type: 'client_credentials', scope: POWERAPPS });
    expectAadError(res, { status: 401, error: 'invalid_client', code: 7000216, text: /^'client_assertion', 'client_secret' or 'request' is required/ });
  });

  it('unknown app → 400 unauthorized_client AADSTS700016', async () => {
    const clientId = randomUUID();
    const res = await tb.token({ client_id: clientId, client_secret: 'x', grant_type: 'client_credentials', scope: POWERAPPS });
    expectAadError(res, {
      status: 400,
      error: 'unauthorized_client',
      code: 700016,
      text: `Application with identifier '${clientId}' was not found in the directory '${tb.sb.ctx.store.state.tenant.displayName}'. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You may have sent your authentication request to the wrong tenant.`,
    });
  });

  it('unknown tenant → 400 invalid_request AADSTS90002; /organizations → AADSTS50059', async () => {
    const res = await tb.token(credentials({ client_secret: secret }), { segment: 'fabrikam.onmicrosoft.com' });
    expectAadError(res, { status: 400, error: 'invalid_request', code: 90002, text: /^Tenant 'fabrikam.onmicrosoft.com' not found\./ });
    const org = await tb.token(credentials({ client_secret: secret }), { segment: 'organizations' });
    expectAadError(org, {
      status: 400,
      error: 'invalid_request',
      code: 50059,
      text: 'No tenant-identifying information found in either the request or implied by any provided credentials.',
    });
  });

  it('a delegated scope → 400 invalid_scope AADSTS1002012', async () => {
    const scope = 'https://service.powerapps.com/user_impersonation';
    const res = await tb.token(credentials({ client_secret: secret, scope }));
    expectAadError(res, {
      status: 400,
      error: 'invalid_scope',
      code: 1002012,
      text: `The provided value for scope ${scope} is not valid. Client credential flows must have a scope value with /.default suffixed to the resource identifier (application ID URI).`,
    });
  });

  it('scopes of two resources → 400 invalid_scope AADSTS700022', async () => {
    const scope = `${POWERAPPS} https://service.flow.microsoft.com/.default`;
    const res = await tb.token(credentials({ client_secret: secret, scope }));
    expectAadError(res, {
      status: 400,
      error: 'invalid_scope',
      code: 700022,
      text: `The provided value for the input parameter scope is not valid because it contains more than one resource. The scope ${scope} is not valid.`,
    });
  });

  it('unknown resource → 400 invalid_resource AADSTS500011', async () => {
    const res = await tb.token(credentials({ client_secret: secret, scope: 'https://unknown.example.com/.default' }));
    expectAadError(res, {
      status: 400,
      error: 'invalid_resource',
      code: 500011,
      text: `The resource principal named https://unknown.example.com was not found in the tenant named ${tb.sb.ctx.store.state.tenant.displayName}. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You might have sent your authentication request to the wrong tenant.`,
    });
  });

  it('an assertion signed by another key → 401 invalid_client AADSTS700027', async () => {
    const other = createSelfSignedCertificate('intruder');
    const res = await tb.token(withAssertion(await assertion({ privateKeyPem: other.privateKeyPem })));
    expectAadError(res, { status: 401, error: 'invalid_client', code: 700027, text: 'Client assertion failed signature validation.' });
  });

  it('an unsigned assertion (alg none) → AADSTS700027', async () => {
    const cert = pipeline.certificates[0];
    const now = Math.floor(Date.now() / 1000);
    const enc = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
    const unsigned = `${enc({ alg: 'none', x5t: cert?.x5t })}.${enc({ aud: tokenEndpoint(), iss: pipeline.clientId, sub: pipeline.clientId, exp: now + 600 })}.`;
    const res = await tb.token(withAssertion(unsigned));
    expectAadError(res, { status: 401, error: 'invalid_client', code: 700027, text: 'Client assertion failed signature validation.' });
  });

  it('an unregistered certificate → AADSTS700027 naming the thumbprint', async () => {
    const other = createSelfSignedCertificate('unregistered');
    const t = thumbprints(other.certificatePem);
    const res = await tb.token(withAssertion(await assertion({ privateKeyPem: other.privateKeyPem, header: { x5t: t.x5t } })));
    const hex = Buffer.from(t.x5t, 'base64url').toString('hex').toUpperCase();
    expectAadError(res, {
      status: 401,
      error: 'invalid_client',
      code: 700027,
      text: `The certificate with identifier used to sign the client assertion is not registered on application. [Reason - The key was not found., Thumbprint of key used by client: '${hex}', Please visit the Azure Portal, Graph Explorer or directly use MS Graph to see configured keys for app Id '${pipeline.clientId}'.]`,
    });
  });

  it('assertion claims: wrong aud → AADSTS50027, wrong iss → AADSTS700021, expired → AADSTS700024', async () => {
    const aud = await tb.token(withAssertion(await assertion({ claims: { aud: 'https://login.microsoftonline.com/x/oauth2/v2.0/token' } })));
    expectAadError(aud, { status: 401, error: 'invalid_client', code: 50027, text: 'JWT token is invalid or malformed.' });
    const iss = await tb.token(withAssertion(await assertion({ claims: { iss: randomUUID() } })));
    expectAadError(iss, { status: 401, error: 'invalid_client', code: 700021, text: /^Client assertion application identifier doesn't match 'client_id' parameter\./ });
    const past = Math.floor(Date.now() / 1000) - 3600;
    const exp = await tb.token(withAssertion(await assertion({ claims: { nbf: past - 600, exp: past } })));
    expectAadError(exp, { status: 401, error: 'invalid_client', code: 700024, text: /^Client assertion is not within its valid time range\. Current time: \d{4}-.*Z, assertion valid from .*, expiry time of assertion / });
  });

  it('request shape: GET → AADSTS900561, no grant_type → AADSTS900144, unknown grant → unsupported_grant_type', async () => {
    const get = await tb.call(`/login/${tb.tenantId}/oauth2/v2.0/token`);
    expectAadError(get, { status: 400, error: 'invalid_request', code: 900561, text: 'The endpoint only accepts POST, OPTIONS requests. Received a GET request.' });
    const none = await tb.token({ client_id: pipeline.clientId });
    expectAadError(none, { status: 400, error: 'invalid_request', code: 900144, text: "The request body must contain the following parameter: 'grant_type'." });
    const odd = await tb.token({ client_id: pipeline.clientId, grant_type: 'magic' });
    expectAadError(odd, { status: 400, error: 'unsupported_grant_type', code: 70003, text: "The app requested an unsupported grant type 'magic'." });
  });
});
