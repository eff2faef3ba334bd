import {
  ConfidentialClientApplication,
  InteractionRequiredAuthError,
  PublicClientApplication,
  ServerError,
  type AccountInfo,
  type Configuration,
} from '@azure/msal-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMsalNetworkClient } from '../../cloud/msal-network';
import { POWERAPPS_AUDIENCE } from './resources';
import { entraSettings } from './settings';
import { formPost, httpCall, parseForms } from './test-support/https';
import { claimsOf, startTestbed, type EntraTestbed } from './test-support/sandbox';
import { verifyAccessToken } from './tokens';

/**
 * The proof that counts: the real @azure/msal-node 7 signs in against the sandbox with every grant
 * Patchbay uses, over HTTPS with the sandbox CA, and builds its cache from the answers.
 */

let tb: EntraTestbed;
beforeAll(async () => {
  tb = await startTestbed();
});
afterAll(async () => {
  await tb.sb.close();
});

const POWERAPPS = 'https://service.powerapps.com/.default';
const dataverse = () => `${tb.base}/orgs/contoso-dev/.default`;

function config(clientId: string, extra: Partial<Configuration['auth']> = {}): Configuration {
  return {
    auth: { clientId, authority: `${tb.base}/login/${tb.tenantId}`, knownAuthorities: [new URL(tb.base).host], ...extra },
    system: { networkClient: createMsalNetworkClient({ ca: tb.sb.caCertPem }) },
  };
}

async function verifies(token: string, audience: string): Promise<boolean> {
  const result = await verifyAccessToken(tb.sb.ctx.keys, token, { audiences: [audience], tenantId: tb.tenantId, validAfter: () => undefined });
  return result.ok;
}

/** A browser stand-in: follows the authorize URL (picking `pick` on the account page if shown), then submits the form_post. */
function browser(pick?: string): (url: string) => Promise<void> {
  return async (url) => {
    let page = await httpCall(url, { ca: tb.sb.caCertPem });
    if (pick) {
      const form = parseForms(page.text)[0];
      if (!form) throw new Error(`No account picker:\n${page.text.slice(0, 400)}`);
      page = await httpCall(form.action, { ca: tb.sb.caCertPem, form: { ...form.fields, sandbox_upn: pick } });
    }
    const { action, fields } = formPost(page.text);
    // msal's loopback listener is plain http on 127.0.0.1; `localhost` may resolve to ::1 first.
    await httpCall(action.replace('//localhost:', '//127.0.0.1:'), { form: fields });
  };
}

describe('ConfidentialClientApplication', () => {
  it('acquires app-only tokens with a client secret for Power Apps and a Dataverse org', async () => {
    const pipeline = tb.app('pipeline');
    const cca = new ConfidentialClientApplication(config(pipeline.clientId, { clientSecret: pipeline.secrets[0]?.value ?? '' }));
    const pa = await cca.acquireTokenByClientCredential({ scopes: [POWERAPPS] });
    expect(pa?.accessToken).toBeTruthy();
    expect(await verifies(pa?.accessToken ?? '', POWERAPPS_AUDIENCE)).toBe(true);
    expect(claimsOf(pa?.accessToken)).toMatchObject({ oid: pipeline.servicePrincipalId, appidacr: '1' });
    const dv = await cca.acquireTokenByClientCredential({ scopes: [dataverse()] });
    expect(claimsOf(dv?.accessToken)['aud']).toBe(`${tb.base}/orgs/contoso-dev`);
    expect(await verifies(dv?.accessToken ?? '', `${tb.base}/orgs/contoso-dev`)).toBe(true);
  });

  it('acquires tokens with a certificate (SHA-256 thumbprint, x5c) and with a SHA-1 thumbprint', async () => {
    const pipeline = tb.app('pipeline');
    const cert = pipeline.certificates[0];
    if (!cert) throw new Error('no certificate');
    const hex = (b64url: string) => Buffer.from(b64url, 'base64url').toString('hex');
    const sha256 = new ConfidentialClientApplication(
      config(pipeline.clientId, { clientCertificate: { thumbprintSha256: hex(cert.x5tS256), privateKey: cert.privateKeyPem, x5c: cert.certificatePem } }),
    );
    const a = await sha256.acquireTokenByClientCredential({ scopes: [POWERAPPS] });
    expect(claimsOf(a?.accessToken)['appidacr']).toBe('2');
    const dv = await sha256.acquireTokenByClientCredential({ scopes: [dataverse()] });
    expect(claimsOf(dv?.accessToken)['aud']).toBe(`${tb.base}/orgs/contoso-dev`);
    const sha1 = new ConfidentialClientApplication(
      config(pipeline.clientId, { clientCertificate: { thumbprint: hex(cert.x5t), privateKey: cert.privateKeyPem } }),
    );
    expect(claimsOf((await sha1.acquireTokenByClientCredential({ scopes: [POWERAPPS] }))?.accessToken)['appidacr']).toBe('2');
  });

  it('surfaces a wrong secret as a ServerError carrying the AADSTS number', async () => {
    const pipeline = tb.app('pipeline');
    const cca = new ConfidentialClientApplication(config(pipeline.clientId, { clientSecret: 'wrong' }));
    const error: unknown = await cca.acquireTokenByClientCredential({ scopes: [POWERAPPS] }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ServerError);
    expect((error as ServerError).errorCode).toBe('invalid_client');
    expect(String((error as ServerError).errorNo)).toBe('7000215');
    expect((error as ServerError).message).toContain('AADSTS7000215: Invalid client secret provided.');
  });
});

describe('PublicClientApplication', () => {
  it('signs in interactively with a login_hint through the loopback form_post', async () => {
    const desktop = tb.app('desktop');
    const user = tb.user('releaseManager');
    const pca = new PublicClientApplication(config(desktop.clientId));
    const result = await pca.acquireTokenInteractive({ scopes: [POWERAPPS], loginHint: user.userPrincipalName, openBrowser: browser() });
    expect(result.account?.username).toBe(user.userPrincipalName);
    expect(result.account?.homeAccountId).toBe(`${user.objectId}.${tb.tenantId}`);
    expect(result.account?.tenantId).toBe(tb.tenantId);
    expect(result.idTokenClaims).toMatchObject({ oid: user.objectId, preferred_username: user.userPrincipalName });
    expect(claimsOf(result.accessToken)).toMatchObject({ aud: POWERAPPS_AUDIENCE, upn: user.userPrincipalName, scp: 'user_impersonation' });
    expect(await verifies(result.accessToken, POWERAPPS_AUDIENCE)).toBe(true);
    const accounts = await pca.getAllAccounts();
    expect(accounts.map((a) => a.username)).toEqual([user.userPrincipalName]);
  });

  it('signs in through the organizations authority (issuer placeholder, tenant from the id token)', async () => {
    const user = tb.user('maker');
    const pca = new PublicClientApplication(config(tb.app('desktop').clientId, { authority: `${tb.base}/login/organizations` }));
    const result = await pca.acquireTokenInteractive({ scopes: [POWERAPPS], loginHint: user.userPrincipalName, openBrowser: browser() });
    expect(result.account?.tenantId).toBe(tb.tenantId);
    expect(result.account?.homeAccountId).toBe(`${user.objectId}.${tb.tenantId}`);
    const silent = await pca.acquireTokenSilent({ account: result.account as AccountInfo, scopes: [POWERAPPS] });
    expect(silent.accessToken).toBe(result.accessToken);
  });

  it('signs in interactively through the account picker', async () => {
    const desktop = tb.app('desktop');
    const user = tb.user('maker');
    const pca = new PublicClientApplication(config(desktop.clientId));
    const result = await pca.acquireTokenInteractive({ scopes: [dataverse()], openBrowser: browser(user.userPrincipalName) });
    expect(result.account?.username).toBe(user.userPrincipalName);
    expect(claimsOf(result.accessToken)['aud']).toBe(`${tb.base}/orgs/contoso-dev`);
  });

  it('reports a disabled account from /authorize as a ServerError (AADSTS50057)', async () => {
    const pca = new PublicClientApplication(config(tb.app('desktop').clientId));
    const error: unknown = await pca
      .acquireTokenInteractive({ scopes: [POWERAPPS], loginHint: tb.user('formerEmployee').userPrincipalName, openBrowser: browser() })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ServerError);
    expect((error as ServerError).errorCode).toBe('access_denied');
    expect((error as ServerError).errorMessage).toContain('AADSTS50057');
  });

  it('signs in with a device code approved through the control API', async () => {
    const settings = entraSettings(tb.sb.ctx);
    const saved = settings.deviceCodeIntervalS;
    settings.deviceCodeIntervalS = 1;
    try {
      const desktop = tb.app('desktop');
      const user = tb.user('prodOwner');
      const pca = new PublicClientApplication(config(desktop.clientId));
      let approval: Promise<number> | null = null;
      const result = await pca.acquireTokenByDeviceCode({
        scopes: [POWERAPPS],
        deviceCodeCallback: (response) => {
          expect(response.message).toContain(response.userCode);
          approval = tb
            .call(`/_sandbox/device-codes/${response.userCode}/approve`, {
              method: 'POST',
              headers: { 'x-sandbox-key': tb.sb.controlKey, 'content-type': 'application/json' },
              body: JSON.stringify({ upn: user.userPrincipalName }),
            })
            .then((r) => r.status);
        },
      });
      expect(await (approval as Promise<number> | null)).toBe(200);
      expect(result?.account?.username).toBe(user.userPrincipalName);
      expect(claimsOf(result?.accessToken)['oid']).toBe(user.objectId);
    } finally {
      settings.deviceCodeIntervalS = saved;
    }
  });

  it('refreshes silently once the access token is (nearly) expired, for the same and another resource', async () => {
    const saved = tb.sb.ctx.tokenLifetimeS;
    tb.sb.ctx.tokenLifetimeS = 2;
    try {
      const desktop = tb.app('desktop');
      const user = tb.user('releaseManager');
      const pca = new PublicClientApplication(config(desktop.clientId));
      const first = await pca.acquireTokenInteractive({ scopes: [POWERAPPS], loginHint: user.userPrincipalName, openBrowser: browser() });
      const account = first.account as AccountInfo;
      await new Promise((r) => setTimeout(r, 1100));
      const second = await pca.acquireTokenSilent({ account, scopes: [POWERAPPS], forceRefresh: false });
      expect(second.accessToken).not.toBe(first.accessToken);
      expect(claimsOf(second.accessToken)['iat']).toBeGreaterThan(claimsOf(first.accessToken)['iat'] as number);
      expect(second.account?.homeAccountId).toBe(account.homeAccountId);
      const dv = await pca.acquireTokenSilent({ account, scopes: [dataverse()] });
      expect(claimsOf(dv.accessToken)['aud']).toBe(`${tb.base}/orgs/contoso-dev`);
    } finally {
      tb.sb.ctx.tokenLifetimeS = saved;
    }
  });

  it('turns missing consent on a silent refresh into InteractionRequiredAuthError (AADSTS65001)', async () => {
    const reporting = tb.app('reporting');
    const pca = new PublicClientApplication(config(reporting.clientId));
    const signIn = await pca.acquireTokenInteractive({ scopes: [], loginHint: tb.user('maker').userPrincipalName, openBrowser: browser() });
    const error: unknown = await pca.acquireTokenSilent({ account: signIn.account as AccountInfo, scopes: [dataverse()] }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InteractionRequiredAuthError);
    expect((error as InteractionRequiredAuthError).subError).toBe('consent_required');
    expect((error as InteractionRequiredAuthError).errorMessage).toContain('AADSTS65001');
  });

  it('fails a silent refresh after revocation with AADSTS50173', async () => {
    const saved = tb.sb.ctx.tokenLifetimeS;
    tb.sb.ctx.tokenLifetimeS = 2;
    const user = tb.user('serviceAccount');
    try {
      const pca = new PublicClientApplication(config(tb.app('desktop').clientId));
      const first = await pca.acquireTokenInteractive({ scopes: [POWERAPPS], loginHint: user.userPrincipalName, openBrowser: browser() });
      tb.sb.ctx.store.state.entra.tokensValidAfter[user.objectId] = new Date(Date.now() + 1000).toISOString();
      const error: unknown = await pca.acquireTokenSilent({ account: first.account as AccountInfo, scopes: [POWERAPPS] }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ServerError);
      expect((error as ServerError).errorCode).toBe('invalid_grant');
      expect(String((error as ServerError).errorNo)).toBe('50173');
    } finally {
      tb.sb.ctx.tokenLifetimeS = saved;
      delete tb.sb.ctx.store.state.entra.tokensValidAfter[user.objectId];
    }
  });
});
