import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startSandbox } from '../server';
import { REDIRECT, authorizeWithHint, claimsOf, expectAadError, pkce, type EntraTestbed } from './test-support/sandbox';
import { httpCall } from './test-support/https';

const dir = mkdtempSync(join(tmpdir(), 'patchbay-entra-persist-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const SCOPE = 'https://service.powerapps.com/.default openid profile offline_access';

async function testbedFor(stateFile: string): Promise<EntraTestbed> {
  const sb = await startSandbox({ port: 0, scenario: 'contoso', seed: 1, stateFile });
  const call = (path: string, c = {}) => httpCall(`${sb.baseUrl}${path}`, { ...c, ca: sb.caCertPem });
  const must = <T>(v: T | undefined): T => {
    if (v === undefined) throw new Error('missing');
    return v;
  };
  return {
    sb,
    base: sb.baseUrl,
    tenantId: sb.tenantId,
    app: (name) => must(sb.ctx.store.appByName(name)),
    user: (role) => must(sb.ctx.store.userByRole(role)),
    call,
    token: (form) => call(`/login/${sb.tenantId}/oauth2/v2.0/token`, { form }),
  };
}

describe('refresh tokens across restarts', () => {
  it('stay valid when the state is persisted and across a reset, and mean nothing to another tenant', async () => {
    const stateFile = join(dir, 'state.json');
    const first = await testbedFor(stateFile);
    const desktop = first.app('desktop');
    const { verifier, challenge } = pkce();
    const auth = await authorizeWithHint(first, { clientId: desktop.clientId, upn: first.user('releaseManager').userPrincipalName, scope: SCOPE, challenge });
    const tokens = (
      await first.token({ client_id: desktop.clientId, grant_type: 'authorization_code', code: auth.fields['code'] ?? '', code_verifier: verifier, redirect_uri: REDIRECT, scope: SCOPE })
    ).json();
    await first.sb.close();

    const second = await testbedFor(stateFile);
    try {
      const refresh = { client_id: desktop.clientId, grant_type: 'refresh_token', refresh_token: String(tokens['refresh_token']), scope: SCOPE };
      const res = await second.token(refresh);
      expect(res.status).toBe(200);
      expect(claimsOf(res.json()['access_token'])['oid']).toBe(second.user('releaseManager').objectId);

      // A reset keeps the tenant (and its key): cached refresh tokens stay good.
      const control = { method: 'POST', headers: { 'x-sandbox-key': second.sb.controlKey, 'content-type': 'application/json' } };
      expect((await second.call('/_sandbox/reset', control)).status).toBe(200);
      expect((await second.token(refresh)).status).toBe(200);

      // Another tenant (another seed) has another key: the old token is just bytes to it.
      expect((await second.call('/_sandbox/scenario', { ...control, body: JSON.stringify({ name: 'contoso', seed: 2 }) })).status).toBe(200);
      const tenantId = second.sb.ctx.store.state.tenant.id;
      expect(tenantId).not.toBe(second.tenantId);
      const other = await second.call(`/login/${tenantId}/oauth2/v2.0/token`, { form: { ...refresh, client_id: second.sb.ctx.store.appByName('desktop')?.clientId ?? '' } });
      expectAadError(other, { status: 400, error: 'invalid_grant', code: 9002313, text: 'Invalid request. Request is malformed or invalid.' });
    } finally {
      await second.sb.close();
    }
  });
});
