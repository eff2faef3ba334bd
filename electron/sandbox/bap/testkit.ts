import { POWERAPPS_AUDIENCE } from '../entra/resources';
import type { HttpResult } from '../entra/test-support/https';
import type { Harness, Identity } from '../test-support/harness';

/** Calls to the sandbox's BAP and Power Apps APIs for the conformance tests, over real HTTPS. */

export interface GatewayCall {
  as?: Identity;
  /** Token resource; the Power Apps audience unless given. */
  resource?: string;
  /** A raw bearer token instead of one for `as`. */
  token?: string;
  body?: unknown;
  headers?: Record<string, string>;
}

export async function gatewayCall(h: Harness, method: string, pathAndQuery: string, call: GatewayCall = {}): Promise<HttpResult> {
  const headers: Record<string, string> = { accept: 'application/json', ...call.headers };
  const token = call.token ?? (call.as ? await h.token(call.as, call.resource ?? POWERAPPS_AUDIENCE) : undefined);
  if (token) headers['authorization'] = `Bearer ${token}`;
  let body: string | undefined;
  if (call.body !== undefined) {
    body = typeof call.body === 'string' ? call.body : JSON.stringify(call.body);
    headers['content-type'] ??= 'application/json';
  }
  const url = /^https:/.test(pathAndQuery) ? pathAndQuery : `${h.base}${pathAndQuery}`;
  return h.raw(method, url, { headers, ...(body !== undefined ? { body } : {}) });
}

export function errorOf(res: HttpResult): { status: number; code: string; message: string } {
  const body = res.json() as { error?: { code?: string; message?: string } };
  return { status: res.status, code: String(body.error?.code), message: String(body.error?.message) };
}

export const sortedKeys = (value: unknown): string[] => Object.keys(value as Record<string, unknown>).sort();
