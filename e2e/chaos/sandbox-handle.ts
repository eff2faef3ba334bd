import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { Agent, request } from 'undici';
import type { TokenProvider } from '../../electron/cloud/contracts';
import type { RequestLogEntry } from '../../electron/sandbox/request-log';
import { startSandbox, type ReadyLine, type SandboxOptions } from '../../electron/sandbox/server';

/**
 * The sandbox as a chaos run sees it: its address and CA, the control API, and the pipeline service
 * principal every run acts as. The same handle fronts a sandbox in its own process (`npm run chaos`,
 * so the cloud does not share a thread with the client it is hurting) or in this one (the short run).
 */

export interface Pipeline {
  clientId: string;
  clientSecret: string;
  objectId: string;
}

export interface ChaosSandbox {
  baseUrl: string;
  caPem: string;
  caCertPath: string;
  controlKey: string;
  control<T = unknown>(method: string, path: string, body?: unknown): Promise<T>;
  /** The tenant and pipeline SPN of the current scenario (both change with the scenario's seed). */
  principal(): Promise<{ tenantId: string; pipeline: Pipeline }>;
  /** The request log, after `since` (a seq) when given. */
  log(since?: number): Promise<RequestLogEntry[]>;
  close(): Promise<void>;
}

interface StateApps {
  tenant: { id: string };
  apps: { name: string; clientId: string; servicePrincipalId: string; secrets: { value: string }[] }[];
}

function handle(base: { baseUrl: string; caPem: string; caCertPath: string; controlKey: string }, stop: () => Promise<void>): ChaosSandbox {
  const dispatcher = new Agent({ connect: { ca: base.caPem } });
  const control = async <T>(method: string, path: string, body?: unknown): Promise<T> => {
    const res = await request(`${base.baseUrl}/_sandbox/${path}`, {
      method: method as 'GET',
      dispatcher,
      headers: { 'x-sandbox-key': base.controlKey, 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await res.body.text();
    if (res.statusCode >= 400) throw new Error(`control ${method} ${path}: ${res.statusCode} ${text}`);
    return (text ? JSON.parse(text) : null) as T;
  };
  return {
    ...base,
    control,
    async principal() {
      const state = await control<StateApps>('GET', 'state');
      const app = state.apps.find((a) => a.name === 'pipeline');
      const secret = app?.secrets[0]?.value;
      if (!app || !secret) throw new Error('the scenario has no pipeline app with a secret');
      return { tenantId: state.tenant.id, pipeline: { clientId: app.clientId, clientSecret: secret, objectId: app.servicePrincipalId.toLowerCase() } };
    },
    log: async (since) => (await control<{ entries: RequestLogEntry[] }>('GET', since === undefined ? 'log' : `log?since=${since}`)).entries,
    async close() {
      await dispatcher.close();
      await stop();
    },
  };
}

/** `npm run sandbox` in a child process; resolves on its ready line. */
export async function spawnSandbox(root: string, args: readonly string[]): Promise<ChaosSandbox> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'electron/sandbox/cli.ts', '--port', '0', ...args], { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] });
  const line = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout }).once('line', resolve);
    child.once('exit', (code) => reject(new Error(`the sandbox exited (${String(code)}) before it was ready`)));
  });
  const ready = JSON.parse(line) as ReadyLine;
  return handle({ baseUrl: ready.baseUrl, caPem: readFileSync(ready.caCertPath, 'utf8'), caCertPath: ready.caCertPath, controlKey: ready.controlKey }, () =>
    new Promise<void>((resolve) => {
      if (child.exitCode !== null) return resolve();
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
    }),
  );
}

/** The sandbox in this process: no second start-up to pay for in a short run. */
export async function startSandboxHere(options: SandboxOptions): Promise<ChaosSandbox> {
  const sb = await startSandbox({ port: 0, ...options });
  return handle({ baseUrl: sb.baseUrl, caPem: sb.caCertPem, caCertPath: sb.caCertPath, controlKey: sb.controlKey }, () => sb.close());
}

/**
 * Client-credentials tokens for the pipeline SPN, kept per resource until the HTTP core asks for a
 * fresh one (after a 401: expired or revoked), as msal does for the CLI.
 */
export function pipelineTokens(sb: Pick<ChaosSandbox, 'baseUrl' | 'caPem'>, tenantId: string, pipeline: Pipeline): TokenProvider & { close(): Promise<void> } {
  const dispatcher = new Agent({ connect: { ca: sb.caPem } });
  const kept = new Map<string, Promise<string>>();
  const acquire = async (resource: string): Promise<string> => {
    const res = await request(`${sb.baseUrl}/login/${tenantId}/oauth2/v2.0/token`, {
      method: 'POST',
      dispatcher,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'client_credentials', client_id: pipeline.clientId, client_secret: pipeline.clientSecret, scope: `${resource.replace(/\/+$/, '')}/.default` }).toString(),
    });
    const body = (await res.body.json()) as { access_token?: string; error_description?: string };
    if (!body.access_token) throw new Error(`no token for ${resource}: ${body.error_description ?? res.statusCode}`);
    return body.access_token;
  };
  return {
    token(resource, options) {
      let token = options?.forceRefresh ? undefined : kept.get(resource);
      if (!token) {
        const fresh = acquire(resource);
        kept.set(resource, fresh);
        fresh.catch(() => kept.get(resource) === fresh && kept.delete(resource));
        token = fresh;
      }
      return token;
    },
    close: () => dispatcher.close(),
  };
}
