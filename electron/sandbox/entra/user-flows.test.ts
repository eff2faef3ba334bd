import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { entraSettings } from './settings';
import { formPost, parseForms } from './test-support/https';
import { REDIRECT, authorizeWithHint, claimsOf, expectAadError, pkce, startTestbed, type EntraTestbed } from './test-support/sandbox';

let tb: EntraTestbed;
beforeAll(async () => {
  tb = await startTestbed();
});
afterAll(async () => {
  await tb.sb.close();
});

const POWERAPPS_USER = 'https://service.powerapps.com/.default openid profile offline_access';
const dataverse = () => `${tb.base}/orgs/contoso-dev/.default openid profile offline_access`;

/** Signs `role` in to the desktop app with PKCE and redeems the code. */
async function signIn(role = 'releaseManager', scope = POWERAPPS_USER, appName: 'desktop' | 'reporting' = 'desktop') {
  const app = tb.app(appName);
  const { verifier, challenge } = pkce();
  const auth = await authorizeWithHint(tb, { clientId: app.clientId, upn: tb.user(role).userPrincipalName, scope, challenge });
  const code = auth.fields['code'] ?? '';
  const res = await tb.token({ client_id: app.clientId, grant_type: 'authorization_code', code, code_verifier: verifier, redirect_uri: REDIRECT, scope, client_info: '1' });
  return { app, code, verifier, auth, res, body: res.json() };
}

describe('authorize', () => {
  it('signs a login_hint user in at once and form_posts code, client_info, state and session_state to the loopback URI', async () => {
    const desktop = tb.app('desktop');
    const user = tb.user('releaseManager');
    const { challenge } = pkce();
    const auth = await authorizeWithHint(tb, { clientId: desktop.clientId, upn: user.userPrincipalName, scope: POWERAPPS_USER, challenge, state: 'abc' });
    expect(auth.res.status).toBe(200);
    expect(auth.res.headers['content-security-policy']).toContain("script-src 'unsafe-inline'");
    expect(auth.res.text).toContain('<form method="POST" name="hiddenform"');
    expect(auth.res.text).toContain('document.forms[0].submit()');
    expect(auth.action).toBe(REDIRECT);
    expect(Object.keys(auth.fields)).toEqual(['code', 'client_info', 'state', 'session_state']);
    expect(auth.fields['state']).toBe('abc');
    expect(JSON.parse(Buffer.from(auth.fields['client_info'] ?? '', 'base64url').toString())).toEqual({ uid: user.objectId, utid: tb.tenantId });
  });

  it('shows an accessible account picker without a hint, and a picked account posts back and signs in', async () => {
    const desktop = tb.app('desktop');
    const { challenge } = pkce();
    const params = new URLSearchParams({
      client_id: desktop.clientId,
      scope: POWERAPPS_USER,
      redirect_uri: 'http://127.0.0.1:40111/',
      response_mode: 'form_post',
      response_type: 'code',
      code_challenge: challenge,
      code_challenge_method: 'S256',
      state: 's1',
    });
    const page = await tb.call(`/login/${tb.tenantId}/oauth2/v2.0/authorize?${params.toString()}`);
    expect(page.status).toBe(200);
    expect(page.text).toContain('<html lang="en">');
    expect(page.text).toContain('<h1 id="title">Pick an account</h1>');
    const form = parseForms(page.text)[0];
    if (!form) throw new Error('no form');
    const users = tb.sb.ctx.store.state.users;
    expect(form.buttons.map((b) => b.value)).toEqual(users.map((u) => u.userPrincipalName));
    const former = tb.user('formerEmployee');
    expect(form.buttons.find((b) => b.value === former.userPrincipalName)?.label).toContain('Disabled');
    expect(form.fields['state']).toBe('s1');
    const maker = tb.user('maker');
    const chosen = await tb.call(form.action.replace(tb.base, ''), { form: { ...form.fields, sandbox_upn: maker.userPrincipalName } });
    const post = formPost(chosen.text);
    expect(post.action).toBe('http://127.0.0.1:40111/');
    expect(post.fields['code']).toBeTruthy();
    expect(post.fields['state']).toBe('s1');
  });

  it('posts errors back: disabled user (AADSTS50057), missing consent (AADSTS65001), unknown app (AADSTS700016)', async () => {
    const { challenge } = pkce();
    const disabled = await authorizeWithHint(tb, {
      clientId: tb.app('desktop').clientId,
      upn: tb.user('formerEmployee').userPrincipalName,
      scope: POWERAPPS_USER,
      challenge,
      state: 'st',
    });
    expect(disabled.fields).toMatchObject({ error: 'access_denied', state: 'st' });
    expect(disabled.fields['error_description']).toMatch(/^AADSTS50057: The user account is disabled\. .*\r\nTrace ID: .*\r\nCorrelation ID: .*\r\nTimestamp: .*Z$/s);

    const reporting = tb.app('reporting');
    const consent = await authorizeWithHint(tb, { clientId: reporting.clientId, upn: tb.user('maker').userPrincipalName, scope: dataverse(), challenge });
    expect(consent.fields).toMatchObject({ error: 'consent_required', suberror: 'consent_required' });
    expect(consent.fields['error_description']).toContain(
      `AADSTS65001: The user or administrator has not consented to use the application with ID '${reporting.clientId}' named '${reporting.displayName}'. Send an interactive authorization request for this user and resource.`,
    );

    const unknown = randomUUID();
    const app = await authorizeWithHint(tb, { clientId: unknown, upn: tb.user('maker').userPrincipalName, scope: POWERAPPS_USER, challenge });
    expect(app.fields['error']).toBe('unauthorized_client');
    expect(app.fields['error_description']).toMatch(new RegExp(`^AADSTS700016: Application with identifier '${unknown}' was not found`));
    expect(app.fields['error_uri']).toBe(`${tb.base}/login/error?code=700016`);
  });

  it('requires PKCE of public clients and answers prompt=none without a user with login_required', async () => {
    const desktop = tb.app('desktop');
    const noPkce = await authorizeWithHint(tb, { clientId: desktop.clientId, upn: tb.user('maker').userPrincipalName, scope: POWERAPPS_USER });
    expect(noPkce.fields['error']).toBe('invalid_request');
    expect(noPkce.fields['error_description']).toMatch(/^AADSTS900144: The request body must contain the following parameter: 'code_challenge'\./);
    const { challenge } = pkce();
    const none = await authorizeWithHint(tb, { clientId: desktop.clientId, upn: 'nobody@contoso.example', scope: POWERAPPS_USER, challenge, extra: { prompt: 'none' } });
    expect(none.fields['error']).toBe('login_required');
    expect(none.fields['error_description']).toMatch(/^AADSTS50058: /);
  });

  it('refuses a non-loopback redirect URI on its own error page (AADSTS50011)', async () => {
    const { challenge } = pkce();
    const desktop = tb.app('desktop');
    const res = await authorizeWithHint(tb, { clientId: desktop.clientId, upn: 'x', scope: POWERAPPS_USER, challenge, redirectUri: 'https://evil.example.com/cb' });
    expect(res.res.status).toBe(400);
    expect(res.res.text).toContain(`AADSTS50011: The redirect URI &#39;https://evil.example.com/cb&#39; specified in the request does not match the redirect URIs configured for the application &#39;${desktop.clientId}&#39;.`);
    expect(res.fields).toEqual({});
  });
});

describe('authorization code redemption', () => {
  it('returns access, refresh and id tokens with client_info and the echoed scope', async () => {
    const user = tb.user('releaseManager');
    const { app, body, res } = await signIn();
    expect(res.status).toBe(200);
    expect(Object.keys(body)).toEqual(['token_type', 'scope', 'expires_in', 'ext_expires_in', 'access_token', 'refresh_token', 'id_token', 'client_info']);
    expect(body['scope']).toBe('https://service.powerapps.com/user_impersonation https://service.powerapps.com/.default');
    expect(claimsOf(body['access_token'])).toMatchObject({
      aud: 'https://service.powerapps.com/',
      oid: user.objectId,
      upn: user.userPrincipalName,
      scp: 'user_impersonation',
      appid: app.clientId,
      appidacr: '0',
      idtyp: 'user',
    });
    const id = claimsOf(body['id_token']);
    expect(id).toMatchObject({
      iss: `${tb.base}/login/${tb.tenantId}/v2.0`,
      aud: app.clientId,
      oid: user.objectId,
      tid: tb.tenantId,
      preferred_username: user.userPrincipalName,
      name: user.displayName,
      ver: '2.0',
    });
    expect(id['nonce']).toBeUndefined();
    expect(typeof id['sub']).toBe('string');
    expect(JSON.parse(Buffer.from(String(body['client_info']), 'base64url').toString())).toEqual({ uid: user.objectId, utid: tb.tenantId });
  });

  it('echoes a nonce sent to /authorize in the id token', async () => {
    const desktop = tb.app('desktop');
    const { verifier, challenge } = pkce();
    const auth = await authorizeWithHint(tb, { clientId: desktop.clientId, upn: tb.user('maker').userPrincipalName, scope: POWERAPPS_USER, challenge, nonce: 'n-123' });
    const res = await tb.token({ client_id: desktop.clientId, grant_type: 'authorization_code', code: auth.fields['code'] ?? '', code_verifier: verifier, redirect_uri: REDIRECT, scope: POWERAPPS_USER });
    expect(claimsOf(res.json()['id_token'])['nonce']).toBe('n-123');
  });

  it('PKCE mismatch → AADSTS501481; the code still redeems once, then AADSTS54005', async () => {
    const desktop = tb.app('desktop');
    const { verifier, challenge } = pkce();
    const auth = await authorizeWithHint(tb, { clientId: desktop.clientId, upn: tb.user('maker').userPrincipalName, scope: POWERAPPS_USER, challenge });
    const form = { client_id: desktop.clientId, grant_type: 'authorization_code', code: auth.fields['code'] ?? '', redirect_uri: REDIRECT, scope: POWERAPPS_USER };
    const bad = await tb.token({ ...form, code_verifier: pkce().verifier });
    expectAadError(bad, { status: 400, error: 'invalid_grant', code: 501481, text: 'The Code_Verifier does not match the code_challenge supplied in the authorization request.' });
    expect((await tb.token({ ...form, code_verifier: verifier })).status).toBe(200);
    const again = await tb.token({ ...form, code_verifier: verifier });
    expectAadError(again, {
      status: 400,
      error: 'invalid_grant',
      code: 54005,
      text: 'OAuth2 Authorization code was already redeemed, please retry with a new valid code or use an existing refresh token.',
    });
  });

  it('binds the code to its redirect URI (AADSTS500112) and client (AADSTS70000); garbage is AADSTS9002313', async () => {
    const desktop = tb.app('desktop');
    const { verifier, challenge } = pkce();
    const auth = await authorizeWithHint(tb, { clientId: desktop.clientId, upn: tb.user('maker').userPrincipalName, scope: POWERAPPS_USER, challenge });
    const code = auth.fields['code'] ?? '';
    const wrongUri = await tb.token({ client_id: desktop.clientId, grant_type: 'authorization_code', code, code_verifier: verifier, redirect_uri: 'http://localhost:1/', scope: POWERAPPS_USER });
    expectAadError(wrongUri, { status: 400, error: 'invalid_grant', code: 500112, text: `The reply address 'http://localhost:1/' does not match the reply address '${REDIRECT}' provided when requesting Authorization code.` });
    const reporting = tb.app('reporting');
    const wrongClient = await tb.token({ client_id: reporting.clientId, grant_type: 'authorization_code', code, code_verifier: verifier, redirect_uri: REDIRECT, scope: POWERAPPS_USER });
    expectAadError(wrongClient, { status: 400, error: 'invalid_grant', code: 70000, text: 'Provided grant is invalid or malformed.' });
    const garbage = await tb.token({ client_id: desktop.clientId, grant_type: 'authorization_code', code: 'nope', code_verifier: verifier, redirect_uri: REDIRECT, scope: POWERAPPS_USER });
    expectAadError(garbage, { status: 400, error: 'invalid_grant', code: 9002313, text: 'Invalid request. Request is malformed or invalid.' });
  });

  it('a public client sending a secret → 401 AADSTS700025; a confidential one without → 401 AADSTS7000218', async () => {
    const { auth, verifier } = await (async () => {
      const desktop = tb.app('desktop');
      const p = pkce();
      const a = await authorizeWithHint(tb, { clientId: desktop.clientId, upn: tb.user('maker').userPrincipalName, scope: POWERAPPS_USER, challenge: p.challenge });
      return { auth: a, verifier: p.verifier };
    })();
    const pub = await tb.token({
      client_id: tb.app('desktop').clientId,
      client_secret: 'anything',
      grant_type: 'authorization_code',
      code: auth.fields['code'] ?? '',
      code_verifier: verifier,
      redirect_uri: REDIRECT,
      scope: POWERAPPS_USER,
    });
    expectAadError(pub, { status: 401, error: 'invalid_client', code: 700025, text: "Client is public so neither 'client_assertion' nor 'client_secret' should be presented." });

    const analytics = tb.app('analytics');
    const conf = await authorizeWithHint(tb, { clientId: analytics.clientId, upn: tb.user('maker').userPrincipalName, scope: POWERAPPS_USER });
    const form = { client_id: analytics.clientId, grant_type: 'authorization_code', code: conf.fields['code'] ?? '', redirect_uri: REDIRECT, scope: POWERAPPS_USER };
    const missing = await tb.token(form);
    expectAadError(missing, { status: 401, error: 'invalid_client', code: 7000218, text: "The request body must contain the following parameter: 'client_assertion' or 'client_secret'." });
    const ok = await tb.token({ ...form, client_secret: analytics.secrets[0]?.value ?? '' });
    expect(ok.status).toBe(200);
    expect(claimsOf(ok.json()['access_token'])['appidacr']).toBe('1');

    // Its refresh token is redeemable only with the client's credential too.
    const refresh = { client_id: analytics.clientId, grant_type: 'refresh_token', refresh_token: String(ok.json()['refresh_token']), scope: POWERAPPS_USER };
    expectAadError(await tb.token(refresh), { status: 401, error: 'invalid_client', code: 7000218, text: /^The request body must contain the following parameter: 'client_assertion' or 'client_secret'\.$/ });
    expectAadError(await tb.token({ ...refresh, client_secret: 'wrong' }), { status: 401, error: 'invalid_client', code: 7000215, text: /^Invalid client secret provided\./ });
    expect((await tb.token({ ...refresh, client_secret: analytics.secrets[0]?.value ?? '' })).status).toBe(200);
  });
});

describe('refresh token', () => {
  it('redeems for another resource and rotates the refresh token', async () => {
    const { app, body } = await signIn();
    const res = await tb.token({ client_id: app.clientId, grant_type: 'refresh_token', refresh_token: String(body['refresh_token']), scope: dataverse(), client_info: '1' });
    expect(res.status).toBe(200);
    const next = res.json();
    expect(claimsOf(next['access_token'])['aud']).toBe(`${tb.base}/orgs/contoso-dev`);
    expect(next['refresh_token']).toBeTruthy();
    expect(next['refresh_token']).not.toBe(body['refresh_token']);
    expect(next['scope']).toBe(`${tb.base}/orgs/contoso-dev/user_impersonation ${tb.base}/orgs/contoso-dev/.default`);
  });

  it('refuses a revoked grant → AADSTS50173', async () => {
    const user = tb.user('prodOwner');
    const { app, body } = await signIn('prodOwner');
    const revokedAt = new Date(Date.now() + 1000).toISOString();
    tb.sb.ctx.store.state.entra.tokensValidAfter[user.objectId] = revokedAt;
    try {
      const res = await tb.token({ client_id: app.clientId, grant_type: 'refresh_token', refresh_token: String(body['refresh_token']), scope: POWERAPPS_USER });
      const expectedValidFrom = revokedAt.replace(/\.(\d{3})Z$/, '.$10000Z');
      expectAadError(res, {
        status: 400,
        error: 'invalid_grant',
        code: 50173,
        text: new RegExp(
          `^The provided grant has expired due to it being revoked, a fresh auth token is needed\\. The user might have changed or reset their password\\. The grant was issued on '\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{7}Z' and the TokensValidFrom date \\(before which tokens are not valid\\) for this user is '${expectedValidFrom.replace(/\./g, '\\.')}'\\.$`,
        ),
      });
    } finally {
      delete tb.sb.ctx.store.state.entra.tokensValidAfter[user.objectId];
    }
  });

  it('refuses a refresh token past its inactivity window → AADSTS700082', async () => {
    const settings = entraSettings(tb.sb.ctx);
    const saved = settings.refreshTokenInactivityS;
    settings.refreshTokenInactivityS = 1;
    try {
      const { app, body } = await signIn();
      await new Promise((r) => setTimeout(r, 1100));
      const res = await tb.token({ client_id: app.clientId, grant_type: 'refresh_token', refresh_token: String(body['refresh_token']), scope: POWERAPPS_USER });
      expectAadError(res, {
        status: 400,
        error: 'invalid_grant',
        code: 700082,
        text: /^The refresh token has expired due to inactivity\. The token was issued on \d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{7}Z and was inactive for 00:00:01\.$/,
      });
    } finally {
      settings.refreshTokenInactivityS = saved;
    }
  });

  it('refuses a user disabled since sign-in → AADSTS50057', async () => {
    const user = tb.user('serviceAccount');
    const { app, body } = await signIn('serviceAccount');
    user.disabled = true;
    try {
      const res = await tb.token({ client_id: app.clientId, grant_type: 'refresh_token', refresh_token: String(body['refresh_token']), scope: POWERAPPS_USER });
      expectAadError(res, {
        status: 400,
        error: 'invalid_grant',
        code: 50057,
        text: 'The user account is disabled. The user object in Active Directory backing this account has been disabled. An admin can re-enable this account through PowerShell',
      });
    } finally {
      user.disabled = false;
    }
  });

  it('missing consent for the new resource → invalid_grant AADSTS65001 with suberror consent_required', async () => {
    const { app, body } = await signIn('maker', 'openid profile offline_access', 'reporting');
    expect(body['scope']).toBe('openid profile User.Read email');
    const res = await tb.token({ client_id: app.clientId, grant_type: 'refresh_token', refresh_token: String(body['refresh_token']), scope: dataverse() });
    expectAadError(res, {
      status: 400,
      error: 'invalid_grant',
      code: 65001,
      text: `The user or administrator has not consented to use the application with ID '${app.clientId}' named '${app.displayName}'. Send an interactive authorization request for this user and resource.`,
      suberror: 'consent_required',
    });
  });

  it('binds refresh tokens to their client, and rejects garbage', async () => {
    const { body } = await signIn();
    const other = await tb.token({ client_id: tb.app('reporting').clientId, grant_type: 'refresh_token', refresh_token: String(body['refresh_token']), scope: POWERAPPS_USER });
    expectAadError(other, { status: 400, error: 'invalid_grant', code: 70000, text: 'Provided grant is invalid or malformed.' });
    const garbage = await tb.token({ client_id: tb.app('desktop').clientId, grant_type: 'refresh_token', refresh_token: 'garbage', scope: POWERAPPS_USER });
    expectAadError(garbage, { status: 400, error: 'invalid_grant', code: 9002313, text: 'Invalid request. Request is malformed or invalid.' });
  });

  it('a bad delegated scope → AADSTS70011', async () => {
    const { app, body } = await signIn();
    const scope = 'https://service.powerapps.com/Flows.Read openid';
    const res = await tb.token({ client_id: app.clientId, grant_type: 'refresh_token', refresh_token: String(body['refresh_token']), scope });
    expectAadError(res, {
      status: 400,
      error: 'invalid_scope',
      code: 70011,
      text: `The provided value for the input parameter 'scope' is not valid. The scope ${scope} is not valid.`,
    });
  });
});
