import { createHash, randomUUID } from 'node:crypto';
import { startSandbox, type RunningSandbox, type SandboxOptions } from '../server';
import { formPost, httpCall, type HttpResult } from '../entra/test-support/https';
import type { SandboxEnvironment } from '../model';

/**
 * A running sandbox plus the calls its conformance tests make, all over real HTTPS: tokens come from
 * the sandbox's own token endpoint (client credentials for apps, authorization code + PKCE through
 * /authorize for users), Dataverse and control requests carry them as a client would.
 */

export type Identity = { app: 'pipeline' | 'analytics' } | { user: string };

export interface CallOptions {
  as?: Identity;
  headers?: Record<string, string>;
  /** JSON-encoded unless a string. */
  body?: unknown;
}

export interface Harness {
  sb: RunningSandbox;
  base: string;
  env(displayOrStage: 'dev' | 'test' | 'uat' | 'prod' | 'default'): SandboxEnvironment;
  token(as: Identity, resource: string): Promise<string>;
  /** A Dataverse Web API call, path relative to `/api/data/v9.2/`. */
  dv(stage: 'dev' | 'test' | 'uat' | 'prod' | 'default', method: string, path: string, options?: CallOptions): Promise<HttpResult>;
  control(method: string, path: string, body?: unknown): Promise<HttpResult>;
  raw(method: string, url: string, options?: { headers?: Record<string, string>; body?: string }): Promise<HttpResult>;
  /** Object id of a scenario user by role, or of an app's service principal. */
  oid(who: Identity): string;
  close(): Promise<void>;
}

const stageOrg: Record<string, string> = { dev: 'contoso-dev', test: 'contoso-test', uat: 'contoso-uat', prod: 'contoso-prod' };

export async function startHarness(options: SandboxOptions = {}): Promise<Harness> {
  const sb = await startSandbox({ port: 0, scenario: 'contoso', seed: 1, ...options });
  const tokens = new Map<string, { token: string; until: number }>();
  const store = sb.ctx.store;

  const raw: Harness['raw'] = (method, url, o = {}) =>
    httpCall(url, { method, ca: sb.caCertPem, ...(o.headers ? { headers: o.headers } : {}), ...(o.body !== undefined ? { body: o.body } : {}) });

  const env: Harness['env'] = (stage) => {
    const found = stage === 'default' ? store.state.environments.find((e) => e.isDefault) : store.environmentByOrg(stageOrg[stage] ?? '');
    if (!found) throw new Error(`no ${stage} environment`);
    return found;
  };

  async function appToken(name: string, resource: string): Promise<string> {
    const app = store.appByName(name);
    const secret = app?.secrets[0]?.value;
    if (!app || !secret) throw new Error(`no app ${name} with a secret`);
    const res = await httpCall(`${sb.baseUrl}/login/${sb.tenantId}/oauth2/v2.0/token`, {
      ca: sb.caCertPem,
      form: { grant_type: 'client_credentials', client_id: app.clientId, client_secret: secret, scope: `${resource}/.default` },
    });
    if (res.status !== 200) throw new Error(`token for ${name}: ${res.text}`);
    return String(res.json()['access_token']);
  }

  async function userToken(role: string, resource: string): Promise<string> {
    const user = store.userByRole(role);
    const app = store.appByName('desktop');
    if (!user || !app) throw new Error(`no user ${role}`);
    const verifier = randomUUID() + randomUUID();
    const redirect = 'http://localhost:53117';
    const params = new URLSearchParams({
      client_id: app.clientId,
      scope: `${resource}/.default openid profile offline_access`,
      redirect_uri: redirect,
      response_mode: 'form_post',
      response_type: 'code',
      state: randomUUID(),
      login_hint: user.userPrincipalName,
      code_challenge: createHash('sha256').update(verifier).digest('base64url'),
      code_challenge_method: 'S256',
    });
    const page = await httpCall(`${sb.baseUrl}/login/${sb.tenantId}/oauth2/v2.0/authorize?${params.toString()}`, { ca: sb.caCertPem });
    const code = formPost(page.text).fields['code'];
    if (!code) throw new Error(`sign-in of ${role} gave no code: ${page.text.slice(0, 300)}`);
    const res = await httpCall(`${sb.baseUrl}/login/${sb.tenantId}/oauth2/v2.0/token`, {
      ca: sb.caCertPem,
      form: { grant_type: 'authorization_code', client_id: app.clientId, code, code_verifier: verifier, redirect_uri: redirect, scope: `${resource}/.default` },
    });
    if (res.status !== 200) throw new Error(`token for ${role}: ${res.text}`);
    return String(res.json()['access_token']);
  }

  const token: Harness['token'] = async (as, resource) => {
    const key = `${JSON.stringify(as)} ${resource}`;
    const cached = tokens.get(key);
    if (cached && cached.until > Date.now()) return cached.token;
    const value = 'app' in as ? await appToken(as.app, resource) : await userToken(as.user, resource);
    // Cache a little under the lifetime so tests that shorten it still get fresh tokens.
    tokens.set(key, { token: value, until: Date.now() + Math.max(0, sb.ctx.tokenLifetimeS * 1000 - 2000) });
    return value;
  };

  const dv: Harness['dv'] = async (stage, method, path, o = {}) => {
    const e = env(stage);
    const resource = `${sb.baseUrl}/orgs/${e.orgName}`;
    const headers: Record<string, string> = { accept: 'application/json', 'odata-version': '4.0', 'odata-maxversion': '4.0', ...o.headers };
    if (o.as) headers['authorization'] = `Bearer ${await token(o.as, resource)}`;
    let body: string | undefined;
    if (o.body !== undefined) {
      body = typeof o.body === 'string' ? o.body : JSON.stringify(o.body);
      headers['content-type'] ??= 'application/json';
    }
    return raw(method, `${resource}/api/data/v9.2/${path}`, { headers, ...(body !== undefined ? { body } : {}) });
  };

  const control: Harness['control'] = (method, path, body) =>
    raw(method, `${sb.baseUrl}/_sandbox/${path}`, {
      headers: { 'x-sandbox-key': sb.controlKey, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });

  const oid: Harness['oid'] = (who) => {
    if ('app' in who) return store.appByName(who.app)?.servicePrincipalId ?? '';
    return store.userByRole(who.user)?.objectId ?? '';
  };

  return { sb, base: sb.baseUrl, env, token, dv, control, raw, oid, close: () => sb.close() };
}

/** `{"error":{"code","message"}}` of a Dataverse answer. */
export function dvError(res: HttpResult): { status: number; code: string; message: string } {
  const body = res.json() as { error?: { code?: string; message?: string } };
  return { status: res.status, code: String(body.error?.code), message: String(body.error?.message) };
}
