import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { decodeJwt } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sandboxProfile } from '../cloud/profiles';
import { createSelfSignedCertificate } from '../sandbox/tls';
import { redactText } from '../log/redact';
import { AuthError } from './errors';
import { createSession } from './session';
import { createAesProtector } from './test-support/aes-protector';
import { startAuthTestbed, type AuthTestbed } from './test-support/sandbox-auth';

/** App accounts (client secret, certificate) through the real msal-node against the sandbox, and how they fail. */

let tb: AuthTestbed;
beforeAll(async () => {
  tb = await startAuthTestbed();
});
afterAll(async () => {
  await tb.close();
});

const POWERAPPS = 'https://service.powerapps.com/';
const dev = () => `${tb.sb.baseUrl}/orgs/contoso-dev`;
const claims = (token: string) => decodeJwt(token);
const secret = () => tb.app('pipeline').clientSecret ?? '';
const pipelineSp = () => tb.sb.ctx.store.appByName('pipeline')?.servicePrincipalId;

async function failure(promise: Promise<unknown>): Promise<AuthError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(AuthError);
  return error as AuthError;
}

describe('client secret', () => {
  it('gets app-only tokens per resource, from msal’s cache on repeat, fresh on forceRefresh', async () => {
    const session = createSession(await tb.options(tb.account('client-secret'), { clientSecret: secret() }));
    const since = await tb.lastSeq();
    const pa = await session.token(POWERAPPS);
    expect(claims(pa)).toMatchObject({ aud: POWERAPPS, oid: pipelineSp(), appidacr: '1' });
    const dv = await session.token(dev());
    expect(claims(dv)['aud']).toBe(dev());
    expect(await session.token(POWERAPPS)).toBe(pa);
    expect(await tb.tokenRequests(since)).toHaveLength(2);
    const forced = await session.token(POWERAPPS, { forceRefresh: true });
    expect(forced).not.toBe(pa);
    expect(await tb.tokenRequests(since)).toHaveLength(3);
  });

  it('reads the secret from PATCHBAY_CLIENT_SECRET and registers it for redaction', async () => {
    const session = createSession(await tb.options(tb.account('client-secret'), { env: { PATCHBAY_CLIENT_SECRET: secret() } }));
    expect(claims(await session.token(POWERAPPS))['appidacr']).toBe('1');
    expect(redactText(`secret is ${secret()}`)).toBe('secret is [REDACTED]');
  });

  it('asks for the secret when there is none', async () => {
    const session = createSession(await tb.options(tb.account('client-secret')));
    const error = await failure(session.token(POWERAPPS));
    expect(error).toMatchObject({ code: 'secret_missing', action: 'fix_secret' });
    expect(error.message).toContain('PATCHBAY_CLIENT_SECRET');
  });

  it('says a wrong secret is wrong, naming tenant, client id and cloud but not the secret', async () => {
    const account = tb.account('client-secret');
    const session = createSession(await tb.options(account, { clientSecret: 'Wrong~Secret~Value~123' }));
    const error = await failure(session.token(POWERAPPS));
    expect(error).toMatchObject({ code: 'invalid_secret', action: 'fix_secret', aadsts: 7000215 });
    expect(error.message).toMatch(/^The client secret is wrong — use the secret's Value, not its Secret ID\. /);
    for (const part of [account.clientId, tb.sb.tenantId, 'Demo tenant (sandbox)']) expect(error.message).toContain(part);
    expect(JSON.stringify(error.toJSON())).not.toContain('Wrong~Secret~Value~123');
    expect(error.correlationId).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('says the tenant does not exist', async () => {
    const session = createSession(await tb.options(tb.account('client-secret', { tenant: 'fabrikam.onmicrosoft.com' }), { clientSecret: secret() }));
    const error = await failure(session.token(POWERAPPS));
    expect(error).toMatchObject({ code: 'tenant_not_found', action: 'check_tenant', aadsts: 90002 });
    expect(error.message).toContain('fabrikam.onmicrosoft.com');
  });

  it('says the app is not registered in the tenant', async () => {
    const clientId = '0b8e7d52-94a4-4bd0-a3f4-1f7f9c3b2a10';
    const session = createSession(await tb.options(tb.account('client-secret', { clientId }), { clientSecret: secret() }));
    const error = await failure(session.token(POWERAPPS));
    expect(error).toMatchObject({ code: 'app_not_found', action: 'check_app_registration', aadsts: 700016 });
    expect(error.message).toContain(clientId);
  });

  it('shares one acquisition among 20 concurrent calls', async () => {
    const session = createSession(await tb.options(tb.account('client-secret'), { clientSecret: secret() }));
    const since = await tb.lastSeq();
    const tokens = await Promise.all(Array.from({ length: 20 }, () => session.token(dev())));
    expect(new Set(tokens).size).toBe(1);
    expect(await tb.tokenRequests(since)).toHaveLength(1);
  });

  it('gets a new token when the old one nears expiry', async () => {
    const saved = tb.sb.ctx.tokenLifetimeS;
    tb.sb.ctx.tokenLifetimeS = 60; // inside the 2-minute margin from the start: never kept, always fresh
    try {
      const session = createSession(await tb.options(tb.account('client-secret'), { clientSecret: secret() }));
      const first = await session.token(POWERAPPS);
      await new Promise((r) => setTimeout(r, 1100));
      const second = await session.token(POWERAPPS);
      expect(second).not.toBe(first);
      expect(claims(second)['iat']).toBeGreaterThan(claims(first)['iat'] as number);
    } finally {
      tb.sb.ctx.tokenLifetimeS = saved;
    }
  });

  it('persists app tokens encrypted, so a restart needs no token request', async () => {
    const protector = createAesProtector();
    const account = tb.account('client-secret');
    const options = await tb.options(account, { clientSecret: secret(), protector });
    const token = await createSession(options).token(POWERAPPS);
    const since = await tb.lastSeq();
    expect(await createSession(options).token(POWERAPPS)).toBe(token);
    expect(await tb.tokenRequests(since)).toHaveLength(0);
  });
});

describe('certificate', () => {
  it('signs the client assertion with the registered certificate (x5t#S256, x5c)', async () => {
    const session = createSession(await tb.options(tb.account('certificate')));
    expect(claims(await session.token(POWERAPPS))).toMatchObject({ aud: POWERAPPS, oid: pipelineSp(), appidacr: '2' });
    expect(claims(await session.token(dev()))['aud']).toBe(dev());
  });

  it('says the certificate is not registered on the app', async () => {
    const other = createSelfSignedCertificate('not-registered');
    const dir = (await tb.options(tb.account('client-secret'))).dataDir;
    const certificatePath = join(dir, 'other-cert.pem');
    const privateKeyPath = join(dir, 'other-key.pem');
    await writeFile(certificatePath, other.certificatePem);
    await writeFile(privateKeyPath, other.privateKeyPem);
    const session = createSession(await tb.options(tb.account('certificate', { certificatePath, privateKeyPath })));
    const error = await failure(session.token(POWERAPPS));
    expect(error).toMatchObject({ code: 'certificate_rejected', action: 'fix_certificate', aadsts: 700027 });
    expect(error.message).toContain('not registered on the app');
  });

  it('says the certificate file is unusable', async () => {
    const session = createSession(await tb.options(tb.account('certificate', { certificatePath: '/nonexistent/patchbay.pem', privateKeyPath: '/nonexistent/key.pem' })));
    const error = await failure(session.token(POWERAPPS));
    expect(error).toMatchObject({ code: 'certificate_invalid', action: 'fix_certificate' });
    expect(error.message).toContain('does not exist');
  });
});

describe('network and TLS', () => {
  it('says when the TLS certificate is not trusted (no sandbox CA)', async () => {
    const options = await tb.options(tb.account('client-secret'), { clientSecret: secret() });
    const { caPem: _ca, ...untrusted } = options.profile;
    const error = await failure(createSession({ ...options, profile: untrusted }).token(POWERAPPS));
    expect(error).toMatchObject({ code: 'tls_untrusted', action: 'check_network' });
    expect(error.message).toContain(new URL(tb.sb.baseUrl).host);
    expect(error.message).toContain('not trusted');
  });

  it('says when the cloud cannot be reached', async () => {
    const options = await tb.options(tb.account('client-secret'), { clientSecret: secret() });
    const closed = sandboxProfile('https://127.0.0.1:9', tb.sb.caCertPem);
    const account = { ...options.account, sandboxUrl: 'https://127.0.0.1:9' };
    const error = await failure(createSession({ ...options, account, profile: closed }).token(POWERAPPS));
    expect(error).toMatchObject({ code: 'network', action: 'check_network' });
    expect(error.message).toContain('ECONNREFUSED');
  });
});

describe('logs', () => {
  it('never carry a secret, a token or a private key', () => {
    const all = tb.logLines.join('\n');
    expect(tb.logLines.length).toBeGreaterThan(0);
    expect(all).not.toContain(secret());
    expect(all).not.toMatch(/eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}\./);
    expect(all).not.toContain('PRIVATE KEY-----\nMII');
  });
});
