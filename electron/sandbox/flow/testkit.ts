import { FLOW_AUDIENCE } from '../entra/resources';
import type { HttpResult } from '../entra/test-support/https';
import type { Row } from '../model';
import type { Harness, Identity } from '../test-support/harness';

/** Flow API calls for the Flow tests: real HTTPS, real tokens for `https://service.flow.microsoft.com/`. */

export const PROVIDER_PATH = '/flow/providers/Microsoft.ProcessSimple';
export const API_VERSION = 'api-version=2016-11-01';

export type Stage = 'dev' | 'test' | 'uat' | 'prod' | 'default';

export interface FlowCallOptions {
  as?: Identity;
  /** Extra query after `api-version` (without the leading `&`). */
  query?: string;
  /** Omit `api-version`. */
  noApiVersion?: boolean;
  headers?: Record<string, string>;
  body?: string;
}

export interface FlowApi {
  /** `path` is below `/providers/Microsoft.ProcessSimple`, e.g. `/environments/{env}/flows`. */
  call(method: string, path: string, options?: FlowCallOptions): Promise<HttpResult>;
  url(path: string, query?: string): string;
  makerFlows(stage: Stage): string;
  adminFlows(stage: Stage): string;
}

export function flowApi(h: Harness): FlowApi {
  const url = (path: string, query?: string) => `${h.base}${PROVIDER_PATH}${path}?${[API_VERSION, query].filter(Boolean).join('&')}`;
  return {
    url,
    async call(method, path, o = {}) {
      const headers: Record<string, string> = { accept: 'application/json', ...o.headers };
      if (o.as) headers['authorization'] = `Bearer ${await h.token(o.as, FLOW_AUDIENCE)}`;
      const target = o.noApiVersion ? `${h.base}${PROVIDER_PATH}${path}${o.query ? `?${o.query}` : ''}` : url(path, o.query);
      if (o.body !== undefined) headers['content-type'] ??= 'application/json';
      return h.raw(method, target, { headers, ...(o.body !== undefined ? { body: o.body } : {}) });
    },
    makerFlows: (stage) => `/environments/${h.env(stage).id}/flows`,
    adminFlows: (stage) => `/scopes/admin/environments/${h.env(stage).id}/flows`,
  };
}

/** `{"error":{"code","message","details"?}}` of a Flow answer, with its status. */
export function flowError(res: HttpResult): { status: number; code: string; message: string; details?: unknown } {
  const body = res.json() as { error?: { code?: string; message?: string; details?: unknown } };
  const out: { status: number; code: string; message: string; details?: unknown } = { status: res.status, code: String(body.error?.code), message: String(body.error?.message) };
  if (body.error?.details !== undefined) out.details = body.error.details;
  return out;
}

export interface FlowItem {
  name: string;
  id: string;
  type: string;
  properties: Record<string, unknown> & { workflowEntityId: string; displayName: string; state: string };
}

export const items = (res: HttpResult): FlowItem[] => (res.json() as { value: FlowItem[] }).value;

export function flowRow(h: Harness, stage: Stage, displayName: string): Row {
  const row = h.sb.ctx.store.rows(h.env(stage), 'workflow').find((w) => w['name'] === displayName);
  if (!row) throw new Error(`no flow ${displayName} in ${stage}`);
  return row;
}
