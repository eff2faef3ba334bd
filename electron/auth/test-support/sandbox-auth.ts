import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSandbox, type ReadyApp, type ReadyLine, type RunningSandbox } from '../../sandbox/server';
import { entraSettings } from '../../sandbox/entra/settings';
import { formPost, httpCall, parseForms, type HttpResult } from '../../sandbox/entra/test-support/https';
import type { RequestLogEntry } from '../../sandbox/request-log';
import { createLogger, type Logger } from '../../log/logger';
import { accountRecordSchema, type AccountRecord, type AuthMode } from '../accounts';
import { accountProfile } from '../session';
import type { SessionOptions } from '../session-types';

/**
 * A contoso sandbox for the auth tests, with what a user would do by hand: a browser that follows
 * the sign-in page and posts the form_post to msal's loopback, device-code approval through the
 * control API, revocation, and the request log to count token requests.
 */
export interface AuthTestbed {
  sb: RunningSandbox;
  ready: ReadyLine;
  app(name: 'desktop' | 'pipeline' | 'reporting' | 'analytics'): ReadyApp;
  upn(role: 'releaseManager' | 'maker' | 'serviceAccount' | 'prodOwner' | 'formerEmployee'): string;
  /** An account record as the registry would store it (validated by its schema). */
  account(mode: AuthMode, overrides?: Partial<AccountRecord>): AccountRecord;
  /** Session options for an account, with a fresh data folder unless given. */
  options(account: AccountRecord, extra?: Partial<SessionOptions>): Promise<SessionOptions>;
  browser(pick?: string): (url: string) => Promise<void>;
  approveDeviceCode(userCode: string, upn: string): Promise<HttpResult>;
  control(method: string, path: string, body?: unknown): Promise<HttpResult>;
  /** Token-endpoint requests (service 'login', path …/oauth2/v2.0/token) since `seq`. */
  tokenRequests(sinceSeq: number): Promise<RequestLogEntry[]>;
  lastSeq(): Promise<number>;
  logLines: string[];
  log: Logger;
  close(): Promise<void>;
}

const roles = {
  releaseManager: 'adele.vance',
  maker: 'nestor.wilke',
  serviceAccount: 'svc-integration',
  prodOwner: 'lee.gu',
  formerEmployee: 'isaiah.langer',
} as const;

export async function startAuthTestbed(): Promise<AuthTestbed> {
  const sb = await startSandbox({ port: 0, scenario: 'contoso', seed: 1 });
  entraSettings(sb.ctx).deviceCodeIntervalS = 1;
  const ready = sb.ready();
  const dirs: string[] = [];
  const logLines: string[] = [];
  const log = createLogger({ level: 'debug', sink: (line) => logLines.push(line) });

  const app: AuthTestbed['app'] = (name) => {
    const found = ready.apps.find((a) => a.name === name);
    if (!found) throw new Error(`no app ${name}`);
    return found;
  };
  const control: AuthTestbed['control'] = (method, path, body) =>
    httpCall(`${sb.baseUrl}/_sandbox/${path}`, {
      method,
      ca: sb.caCertPem,
      headers: { 'x-sandbox-key': sb.controlKey, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
  const entries = async (sinceSeq: number): Promise<RequestLogEntry[]> => {
    const res = await control('GET', `log?since=${sinceSeq}`);
    return (res.json() as { entries: RequestLogEntry[] }).entries;
  };

  return {
    sb,
    ready,
    app,
    upn: (role) => `${roles[role]}@contoso.onmicrosoft.com`,
    account(mode, overrides = {}) {
      const base = {
        id: randomUUID(),
        label: `test ${mode}`,
        tenant: sb.tenantId,
        cloud: 'sandbox',
        sandboxUrl: sb.baseUrl,
        mode,
        clientId: mode === 'interactive' || mode === 'device-code' ? app('desktop').clientId : app('pipeline').clientId,
        ...(mode === 'certificate' ? { certificatePath: app('pipeline').certificatePath, privateKeyPath: app('pipeline').privateKeyPath } : {}),
        createdAt: new Date().toISOString(),
      };
      return accountRecordSchema.parse({ ...base, ...overrides });
    },
    async options(account, extra = {}) {
      let dataDir = extra.dataDir;
      if (dataDir === undefined) {
        dataDir = await mkdtemp(join(tmpdir(), 'patchbay-auth-'));
        dirs.push(dataDir);
      }
      return { account, profile: accountProfile(account, sb.caCertPem), protector: null, log, env: {}, ...extra, dataDir };
    },
    browser(pick) {
      return async (url) => {
        let page = await httpCall(url, { ca: sb.caCertPem });
        const picker = parseForms(page.text)[0];
        if (picker && !page.text.includes('hiddenform')) {
          page = await httpCall(picker.action, { ca: sb.caCertPem, form: { ...picker.fields, sandbox_upn: pick ?? '' } });
        }
        const { action, fields } = formPost(page.text);
        // msal's loopback redirect says `localhost` but listens on 127.0.0.1 only.
        await httpCall(action.replace('//localhost:', '//127.0.0.1:'), { form: fields });
      };
    },
    approveDeviceCode: (userCode, upn) => control('POST', `device-codes/${userCode}/approve`, { upn }),
    control,
    tokenRequests: async (sinceSeq) => (await entries(sinceSeq)).filter((e) => e.service === 'login' && /\/oauth2\/v2\.0\/token/.test(e.path)),
    lastSeq: async () => {
      const all = await entries(0);
      return all.reduce((max, e) => Math.max(max, e.seq), 0);
    },
    logLines,
    log,
    async close() {
      await sb.close();
      await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
    },
  };
}
