import { startHarness, type Harness, type Identity } from '../../sandbox/test-support/harness';
import type { SandboxOptions } from '../../sandbox/server';
import type { HttpCore, TokenProvider } from '../contracts';
import { createHttpCore, type HttpCoreHandle } from '../http/http-core';
import { sandboxProfile, type CloudProfile } from '../profiles';
import { createDataverseClient, type DataverseClient } from './client';

/**
 * Test support for the cloud clients' integration tests: a running sandbox (contoso by default), a
 * TokenProvider per identity that asks the sandbox's token endpoint (client credentials for the
 * pipeline SPN, authorization code + PKCE for users), and the real HTTP core per identity, trusting
 * the sandbox's CA. Clients under test are the real ones; nothing of ours is faked.
 */

export interface LogEntry {
  seq: number;
  method: string;
  path: string;
  service: string;
  caller: string | null;
  onBehalfOf: string | null;
  status: number;
  batchOf?: number;
}

export interface CloudTestbed {
  h: Harness;
  profile: CloudProfile;
  tokens(as: Identity): TokenProvider;
  http(as: Identity): HttpCore;
  dataverse(stage: 'dev' | 'test' | 'uat' | 'prod' | 'default', as: Identity): DataverseClient;
  /** The sandbox request log (control requests are not in it). */
  log(): Promise<LogEntry[]>;
  clearLog(): Promise<void>;
  control(method: string, path: string, body?: unknown): Promise<unknown>;
  close(): Promise<void>;
}

function tokenProvider(h: Harness, as: Identity): TokenProvider {
  return { token: (resource) => h.token(as, resource) };
}

export async function startCloudTestbed(options: SandboxOptions = {}): Promise<CloudTestbed> {
  const h = await startHarness(options);
  const profile = sandboxProfile(h.base, h.sb.caCertPem);
  const cores = new Map<string, HttpCoreHandle>();
  const http = (as: Identity): HttpCore => {
    const key = JSON.stringify(as);
    let core = cores.get(key);
    if (!core) {
      core = createHttpCore({ tokens: tokenProvider(h, as), caPem: h.sb.caCertPem });
      cores.set(key, core);
    }
    return core;
  };
  const control = async (method: string, path: string, body?: unknown): Promise<unknown> => {
    const res = await h.control(method, path, body);
    if (res.status >= 400) throw new Error(`control ${method} ${path}: ${res.status} ${res.text}`);
    return res.text ? (JSON.parse(res.text) as unknown) : null;
  };
  return {
    h,
    profile,
    tokens: (as) => tokenProvider(h, as),
    http,
    dataverse: (stage, as) => createDataverseClient({ http: http(as), profile, instanceUrl: `${h.base}/orgs/${h.env(stage).orgName}/` }),
    async log() {
      const body = (await control('GET', 'log')) as { entries: LogEntry[] };
      return body.entries;
    },
    async clearLog() {
      await control('DELETE', 'log');
    },
    control,
    async close() {
      await Promise.all([...cores.values()].map((c) => c.close()));
      await h.close();
    },
  };
}
