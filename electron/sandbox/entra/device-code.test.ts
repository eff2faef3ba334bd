import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { entraSettings } from './settings';
import { parseForms } from './test-support/https';
import { claimsOf, expectAadError, startTestbed, type EntraTestbed } from './test-support/sandbox';

let tb: EntraTestbed;
beforeAll(async () => {
  tb = await startTestbed();
});
afterAll(async () => {
  await tb.sb.close();
});

const SCOPE = 'https://service.powerapps.com/.default openid profile offline_access';

async function requestCode(appName: 'desktop' | 'reporting' | 'analytics' = 'desktop', scope = SCOPE) {
  const app = tb.app(appName);
  const res = await tb.call(`/login/${tb.tenantId}/oauth2/v2.0/devicecode?client-request-id=${randomUUID()}`, { form: { client_id: app.clientId, scope } });
  return { app, res, body: res.json() };
}

function poll(clientId: string, deviceCode: string, extra: Record<string, string> = {}) {
  return tb.token({ client_id: clientId, grant_type: 'device_code', device_code: deviceCode, scope: SCOPE, client_info: '1', ...extra });
}

function approve(userCode: string, upn: string, decision: 'approve' | 'decline' = 'approve') {
  return tb.call(`/_sandbox/device-codes/${encodeURIComponent(userCode)}/approve`, {
    method: 'POST',
    headers: { 'x-sandbox-key': tb.sb.controlKey, 'content-type': 'application/json' },
    body: JSON.stringify({ upn, decision }),
  });
}

describe('device code endpoint', () => {
  it('answers with the platform fields, a 9-character user code and the platform message', async () => {
    const { res, body } = await requestCode();
    expect(res.status).toBe(200);
    expect(Object.keys(body)).toEqual(['user_code', 'device_code', 'verification_uri', 'expires_in', 'interval', 'message']);
    expect(body['user_code']).toMatch(/^[A-Z0-9]{9}$/);
    expect(body['verification_uri']).toBe(`${tb.base}/login/devicelogin`);
    expect(body['expires_in']).toBe(900);
    expect(body['interval']).toBe(entraSettings(tb.sb.ctx).deviceCodeIntervalS);
    expect(body['message']).toBe(
      `To sign in, use a web browser to open the page ${tb.base}/login/devicelogin and enter the code ${String(body['user_code'])} to authenticate.`,
    );
  });

  it('takes its polling interval from the entra settings', async () => {
    const settings = entraSettings(tb.sb.ctx);
    const saved = settings.deviceCodeIntervalS;
    settings.deviceCodeIntervalS = 1;
    try {
      expect((await requestCode()).body['interval']).toBe(1);
    } finally {
      settings.deviceCodeIntervalS = saved;
    }
  });

  it('refuses unknown apps (AADSTS700016) and bad scopes (AADSTS70011)', async () => {
    const id = randomUUID();
    const unknown = await tb.call(`/login/${tb.tenantId}/oauth2/v2.0/devicecode`, { form: { client_id: id, scope: SCOPE } });
    expectAadError(unknown, { status: 400, error: 'unauthorized_client', code: 700016, text: new RegExp(`^Application with identifier '${id}' was not found`) });
    const scope = 'https://service.powerapps.com/Admin.All openid';
    const bad = await requestCode('desktop', scope);
    expectAadError(bad.res, { status: 400, error: 'invalid_scope', code: 70011, text: `The provided value for the input parameter 'scope' is not valid. The scope ${scope} is not valid.` });
  });
});

describe('device code polling', () => {
  it('is authorization_pending (AADSTS70016) until approved through the control API, then issues tokens once', async () => {
    const { app, body } = await requestCode();
    const deviceCode = String(body['device_code']);
    expectAadError(await poll(app.clientId, deviceCode), {
      status: 400,
      error: 'authorization_pending',
      code: 70016,
      text: 'OAuth 2.0 device flow error. Authorization is pending. Continue polling.',
    });
    const user = tb.user('releaseManager');
    const approved = await approve(String(body['user_code']).toLowerCase(), user.userPrincipalName);
    expect(approved.status).toBe(200);
    const tokens = await poll(app.clientId, deviceCode);
    expect(tokens.status).toBe(200);
    expect(Object.keys(tokens.json())).toEqual(['token_type', 'scope', 'expires_in', 'ext_expires_in', 'access_token', 'refresh_token', 'id_token', 'client_info']);
    expect(claimsOf(tokens.json()['access_token'])).toMatchObject({ oid: user.objectId, upn: user.userPrincipalName, scp: 'user_impersonation' });
    expectAadError(await poll(app.clientId, deviceCode), {
      status: 400,
      error: 'bad_verification_code',
      code: 70018,
      text: "The provided value for the input parameter 'device_code' is not valid.",
    });
  });

  it('accepts the URN grant type too', async () => {
    const { app, body } = await requestCode();
    tb.sb.ctx.entra.decideDeviceCode(String(body['user_code']), tb.user('maker').userPrincipalName, 'approve');
    const res = await poll(app.clientId, String(body['device_code']), { grant_type: 'urn:ietf:params:oauth:grant-type:device_code' });
    expect(res.status).toBe(200);
  });

  it('declined → authorization_declined; expired → expired_token; unknown → bad_verification_code', async () => {
    const declined = await requestCode();
    expect((await approve(String(declined.body['user_code']), tb.user('maker').userPrincipalName, 'decline')).status).toBe(200);
    expectAadError(await poll(declined.app.clientId, String(declined.body['device_code'])), {
      status: 400,
      error: 'authorization_declined',
      code: 65004,
      text: 'User declined to consent to access the app.',
    });

    const settings = entraSettings(tb.sb.ctx);
    settings.deviceCodeLifetimeS = 1;
    let expired: Awaited<ReturnType<typeof requestCode>>;
    try {
      expired = await requestCode();
    } finally {
      settings.deviceCodeLifetimeS = 900;
    }
    await new Promise((r) => setTimeout(r, 1100));
    expectAadError(await poll(expired.app.clientId, String(expired.body['device_code'])), {
      status: 400,
      error: 'expired_token',
      code: 70019,
      text: 'Verification code expired.',
    });
    const gone = await approve(String(expired.body['user_code']), tb.user('maker').userPrincipalName);
    expect(gone.status).toBe(410);

    expectAadError(await poll(tb.app('desktop').clientId, 'DAQABnope'), { status: 400, error: 'bad_verification_code', code: 70018, text: /device_code/ });
  });

  it('a disabled user cannot approve (AADSTS50057); the code stays pending', async () => {
    const { app, body } = await requestCode();
    const res = await approve(String(body['user_code']), tb.user('formerEmployee').userPrincipalName);
    expect(res.status).toBe(403);
    expect(JSON.stringify(res.json())).toContain('AADSTS50057: The user account is disabled.');
    expect((await poll(app.clientId, String(body['device_code']))).json()['error']).toBe('authorization_pending');
  });

  it('an app without consent for the resource → invalid_grant AADSTS65001 after approval', async () => {
    const scope = `${tb.base}/orgs/contoso-dev/.default openid profile offline_access`;
    const { app, body } = await requestCode('reporting', scope);
    tb.sb.ctx.entra.decideDeviceCode(String(body['user_code']), tb.user('maker').userPrincipalName, 'approve');
    const res = await tb.token({ client_id: app.clientId, grant_type: 'device_code', device_code: String(body['device_code']), scope });
    expectAadError(res, { status: 400, error: 'invalid_grant', code: 65001, text: new RegExp(`^The user or administrator has not consented to use the application with ID '${app.clientId}'`), suberror: 'consent_required' });
  });

  it('a public client sending a secret while polling → AADSTS700025; a confidential app must authenticate → AADSTS7000218', async () => {
    const { app, body } = await requestCode();
    expectAadError(await poll(app.clientId, String(body['device_code']), { client_secret: 'x' }), {
      status: 401,
      error: 'invalid_client',
      code: 700025,
      text: "Client is public so neither 'client_assertion' nor 'client_secret' should be presented.",
    });
    const conf = await requestCode('analytics');
    expectAadError(await poll(conf.app.clientId, String(conf.body['device_code'])), {
      status: 401,
      error: 'invalid_client',
      code: 7000218,
      text: "The request body must contain the following parameter: 'client_assertion' or 'client_secret'.",
    });
  });
});

describe('/login/devicelogin', () => {
  it('takes the code, lists the accounts, and approves for the picked one', async () => {
    const { app, body } = await requestCode();
    const entry = await tb.call('/login/devicelogin');
    expect(entry.status).toBe(200);
    expect(entry.text).toContain('<label for="otc">Code</label>');
    const wrong = await tb.call('/login/devicelogin', { form: { otc: 'ZZZZZZZZZ' } });
    expect(wrong.status).toBe(400);
    expect(wrong.text).toContain('role="alert"');
    const picker = await tb.call('/login/devicelogin', { form: { otc: String(body['user_code']) } });
    expect(picker.text).toContain(app.displayName);
    const [accounts] = parseForms(picker.text);
    const user = tb.user('maker');
    const button = accounts?.buttons.find((b) => b.value === user.userPrincipalName);
    expect(button?.name).toBe('upn');
    const done = await tb.call('/login/devicelogin', { form: { ...accounts?.fields, [button?.name ?? 'upn']: button?.value ?? '' } });
    expect(done.status).toBe(200);
    expect(done.text).toContain(`You have signed in to the ${app.displayName} application on your device. You may now close this window.`);
    const tokens = await poll(app.clientId, String(body['device_code']));
    expect(claimsOf(tokens.json()['access_token'])['oid']).toBe(user.objectId);
  });
});
