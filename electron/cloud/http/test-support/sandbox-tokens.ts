import { rootCertificates } from 'node:tls';
import { Agent, request } from 'undici';
import type { TokenProvider } from '../../contracts';
import type { RunningSandbox } from '../../../sandbox/server';

/**
 * A minimal TokenProvider for the HTTP core's integration tests: client credentials of the sandbox's
 * `pipeline` app against the sandbox's own token endpoint, cached per resource. It counts calls and
 * forced refreshes so tests can see the core's 401 handling.
 */
export interface CountingTokenProvider extends TokenProvider {
  calls: number;
  forcedRefreshes: number;
  /** When a token was last fetched from the sandbox (ms since the epoch), 0 before the first. */
  lastFetchAt: number;
}

export function sandboxTokens(sb: RunningSandbox, app = 'pipeline'): CountingTokenProvider {
  const dispatcher = new Agent({ connect: { ca: [...rootCertificates, sb.caCertPem] } });
  const cache = new Map<string, string>();
  const provider: CountingTokenProvider = {
    calls: 0,
    forcedRefreshes: 0,
    lastFetchAt: 0,
    async token(resource, options) {
      provider.calls += 1;
      if (options?.forceRefresh) provider.forcedRefreshes += 1;
      const cached = cache.get(resource);
      if (cached && !options?.forceRefresh) return cached;
      const registered = sb.ctx.store.appByName(app);
      const secret = registered?.secrets[0]?.value;
      if (!registered || !secret) throw new Error(`The sandbox has no app '${app}' with a secret.`);
      const res = await request(`${sb.baseUrl}/login/${sb.tenantId}/oauth2/v2.0/token`, {
        method: 'POST',
        dispatcher,
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ grant_type: 'client_credentials', client_id: registered.clientId, client_secret: secret, scope: `${resource.replace(/\/+$/, '')}/.default` }).toString(),
        ...(options?.signal ? { signal: options.signal } : {}),
      });
      const body = (await res.body.json()) as { access_token?: string };
      if (res.statusCode !== 200 || !body.access_token) throw new Error(`No token for ${resource}: HTTP ${res.statusCode}`);
      cache.set(resource, body.access_token);
      provider.lastFetchAt = Date.now();
      return body.access_token;
    },
  };
  return provider;
}

/** The sandbox's control API (`x-sandbox-key`), JSON in and out. */
const controlAgents = new WeakMap<RunningSandbox, Agent>();

export async function control(sb: RunningSandbox, method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE', path: string, body?: unknown): Promise<unknown> {
  let dispatcher = controlAgents.get(sb);
  if (!dispatcher) {
    dispatcher = new Agent({ connect: { ca: sb.caCertPem } });
    controlAgents.set(sb, dispatcher);
  }
  const res = await request(`${sb.baseUrl}/_sandbox/${path}`, {
    method,
    dispatcher,
    headers: { 'x-sandbox-key': sb.controlKey, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await res.body.text();
  if (res.statusCode >= 400) throw new Error(`control ${method} ${path}: HTTP ${res.statusCode} ${text}`);
  return text ? (JSON.parse(text) as unknown) : null;
}

export interface LogEntry {
  seq: number;
  receivedAt: number;
  method: string;
  path: string;
  status: number;
}

export async function requestLog(sb: RunningSandbox): Promise<LogEntry[]> {
  const body = (await control(sb, 'GET', 'log')) as { entries?: LogEntry[] } | LogEntry[];
  return Array.isArray(body) ? body : (body.entries ?? []);
}
