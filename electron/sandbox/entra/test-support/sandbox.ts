import { createHash, randomUUID } from 'node:crypto';
import { decodeJwt } from 'jose';
import { expect } from 'vitest';
import { startSandbox, type RunningSandbox } from '../../server';
import type { AppRegistration, DirectoryUser } from '../../model';
import { formPost, httpCall, type HttpCall, type HttpResult } from './https';

/** A contoso sandbox for the Entra tests, with helpers that speak to it over HTTPS. */
export interface EntraTestbed {
  sb: RunningSandbox;
  base: string;
  tenantId: string;
  app(name: 'desktop' | 'pipeline' | 'reporting' | 'analytics'): AppRegistration;
  user(role: string): DirectoryUser;
  call(path: string, call?: HttpCall): Promise<HttpResult>;
  token(form: Record<string, string>, opts?: { segment?: string; correlationId?: string; headers?: Record<string, string> }): Promise<HttpResult>;
}

export async function startTestbed(): Promise<EntraTestbed> {
  const sb = await startSandbox({ port: 0, scenario: 'contoso', seed: 1 });
  const store = sb.ctx.store;
  const call = (path: string, c: HttpCall = {}) => httpCall(`${sb.baseUrl}${path}`, { ...c, ca: sb.caCertPem });
  return {
    sb,
    base: sb.baseUrl,
    tenantId: sb.tenantId,
    app: (name) => {
      const app = store.appByName(name);
      if (!app) throw new Error(`no app ${name}`);
      return app;
    },
    user: (role) => {
      const user = store.userByRole(role);
      if (!user) throw new Error(`no user ${role}`);
      return user;
    },
    call,
    token: (form, opts = {}) =>
      call(`/login/${opts.segment ?? sb.tenantId}/oauth2/v2.0/token?client-request-id=${opts.correlationId ?? randomUUID()}`, {
        form,
        ...(opts.headers ? { headers: opts.headers } : {}),
      }),
  };
}

export const ERROR_KEYS = ['error', 'error_description', 'error_codes', 'timestamp', 'trace_id', 'correlation_id', 'error_uri'];

/**
 * Asserts an AADSTS answer exactly: status, `error`, the description text and its trailer, the
 * field order, the timestamp format, trace id = x-ms-request-id, error_uri, and `suberror` when given.
 */
export function expectAadError(
  res: HttpResult,
  expected: { status: number; error: string; code: number; text: string | RegExp; suberror?: string; correlationId?: string; base?: string },
): Record<string, unknown> {
  const body = res.json();
  expect({ status: res.status, error: body['error'], codes: body['error_codes'] }).toEqual({
    status: expected.status,
    error: expected.error,
    codes: [expected.code],
  });
  expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
  expect(Object.keys(body)).toEqual(expected.suberror ? [...ERROR_KEYS, 'suberror'] : ERROR_KEYS);
  if (expected.suberror) expect(body['suberror']).toBe(expected.suberror);
  const description = String(body['error_description']);
  const [first, ...trailer] = description.split('\r\n');
  const prefix = `AADSTS${expected.code}: `;
  expect(first?.startsWith(prefix)).toBe(true);
  const message = (first ?? '').slice(prefix.length);
  if (typeof expected.text === 'string') expect(message).toBe(expected.text);
  else expect(message).toMatch(expected.text);
  const timestamp = String(body['timestamp']);
  expect(timestamp).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ$/);
  expect(trailer).toEqual([`Trace ID: ${String(body['trace_id'])}`, `Correlation ID: ${String(body['correlation_id'])}`, `Timestamp: ${timestamp}`]);
  expect(body['trace_id']).toMatch(/^[0-9a-f-]{36}$/);
  if (res.headers['x-ms-request-id']) expect(res.headers['x-ms-request-id']).toBe(body['trace_id']);
  if (expected.correlationId) expect(body['correlation_id']).toBe(expected.correlationId);
  if (expected.base) expect(body['error_uri']).toBe(`${expected.base}/login/error?code=${expected.code}`);
  return body;
}

export function claimsOf(token: unknown): Record<string, unknown> {
  return decodeJwt(String(token));
}

export function pkce(): { verifier: string; challenge: string } {
  const verifier = randomUUID() + randomUUID();
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

export const REDIRECT = 'http://localhost:53117';

/** Runs /authorize over HTTPS with a login_hint and returns what the form_post page would submit. */
export async function authorizeWithHint(
  tb: EntraTestbed,
  opts: { clientId: string; upn: string; scope: string; challenge?: string; nonce?: string; state?: string; redirectUri?: string; extra?: Record<string, string> },
): Promise<{ res: HttpResult; action: string; fields: Record<string, string> }> {
  const params = new URLSearchParams({
    client_id: opts.clientId,
    scope: opts.scope,
    redirect_uri: opts.redirectUri ?? REDIRECT,
    'client-request-id': randomUUID(),
    response_mode: 'form_post',
    client_info: '1',
    response_type: 'code',
    state: opts.state ?? 'st-' + randomUUID(),
    login_hint: opts.upn,
    ...(opts.challenge ? { code_challenge: opts.challenge, code_challenge_method: 'S256' } : {}),
    ...(opts.nonce ? { nonce: opts.nonce } : {}),
    ...opts.extra,
  });
  const res = await tb.call(`/login/${tb.tenantId}/oauth2/v2.0/authorize?${params.toString()}`);
  const { action, fields } = res.status === 200 && res.text.includes('hiddenform') ? formPost(res.text) : { action: '', fields: {} };
  return { res, action, fields };
}
