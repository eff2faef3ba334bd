import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Environment } from '../../shared/domain/types';
import { accountRecordSchema, describeIssues, type AccountRecord } from '../auth/accounts';
import { AuthError } from '../auth/errors';
import { accountProfile, createSession } from '../auth/session';
import type { AuthSession } from '../auth/session-types';
import { createAdminClient, type AdminClient } from '../cloud/admin/client';
import { createDataverseClient, type DataverseClient } from '../cloud/dataverse/client';
import { createHttpCore, type HttpCoreHandle } from '../cloud/http/http-core';
import type { CloudProfile } from '../cloud/profiles';
import type { AccountClients } from '../engine/live-operations';
import type { ScanOptions } from '../engine/scan';
import type { CliOptions } from './args';
import { UsageError } from './args';
import { ConfigError } from './config-error';

/**
 * Everything a CLI command acts through: one signed-in account (a pipeline's service principal, or a
 * person via device code), its HTTP core and clients, and who it is (object id from its token).
 * `--sandbox` starts the embedded demo sandbox in-process and signs in as its pipeline SPN.
 */

export interface CliRuntime {
  profile: CloudProfile;
  session: AuthSession;
  http: HttpCoreHandle;
  clients: AccountClients;
  /** The account's Entra object id (user, or the service principal). */
  objectId: string;
  isApp: boolean;
  label: string;
  dataDir: string;
  identities(): Promise<ScanOptions['identities']>;
  environments(): Promise<Environment[]>;
  close(): Promise<void>;
}

function objectIdOf(token: string): string {
  const payload = token.split('.')[1] ?? '';
  try {
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { oid?: unknown };
    if (typeof claims.oid === 'string') return claims.oid.toLowerCase();
  } catch {
    // fall through
  }
  throw new ConfigError('The sign-in token carries no object id (oid); cannot tell who is acting.');
}

function readFileOr(path: string, what: string): string {
  const full = resolve(path);
  if (!existsSync(full)) throw new ConfigError(`The ${what} '${path}' does not exist.`);
  try {
    return readFileSync(full, 'utf8');
  } catch (error) {
    // A folder, or a file this user may not read.
    throw new ConfigError(`The ${what} '${path}' cannot be read: ${error instanceof Error ? error.message : String(error)}`);
  }
}

function buildAccount(o: CliOptions, sandbox: { baseUrl: string; tenantId: string; app?: { clientId: string; secret: string } } | null): { record: AccountRecord; secret?: string } {
  const mode = o.certificate ? 'certificate' : o.deviceCode ? 'device-code' : 'client-secret';
  const tenant = o.tenant ?? sandbox?.tenantId;
  const clientId = o.clientId ?? sandbox?.app?.clientId;
  const secret = o.clientSecret ?? sandbox?.app?.secret;
  if (!tenant) throw new ConfigError('Missing --tenant: the Entra tenant id or domain to sign in to.');
  if (!clientId) throw new ConfigError('Missing --client-id: the application (client) id of the app registration.');
  if (mode === 'client-secret' && !secret) {
    throw new ConfigError('Missing credentials: pass --client-secret (or set PATCHBAY_CLIENT_SECRET), --certificate cert.pem, or --device-code to sign in as a person.');
  }
  const candidate = {
    id: randomUUID(),
    label: 'patchbay CLI',
    tenant,
    cloud: o.cloud,
    ...(o.cloud === 'sandbox' && sandbox ? { sandboxUrl: sandbox.baseUrl } : {}),
    mode,
    clientId,
    ...(o.certificate ? { certificatePath: resolve(o.certificate) } : {}),
    ...(o.privateKey ? { privateKeyPath: resolve(o.privateKey) } : {}),
    createdAt: new Date().toISOString(),
  };
  const checked = accountRecordSchema.safeParse(candidate);
  if (!checked.success) throw new ConfigError(`The sign-in options are not valid: ${describeIssues(checked.error).join('; ')}.`);
  return { record: checked.data, ...(secret && mode === 'client-secret' ? { secret } : {}) };
}

/** Signs in (starting the embedded sandbox first with --sandbox); `dataDir` is the checked data folder (see resolveDataDir). */
export async function openRuntime(o: CliOptions, io: { err: (line: string) => void }, dataDir: string): Promise<CliRuntime> {
  let stopSandbox: (() => Promise<void>) | null = null;
  let sandbox: { baseUrl: string; tenantId: string; caPem: string; app?: { clientId: string; secret: string } } | null = null;
  if (o.sandbox) {
    // Loaded only here: the sandbox is the demo's, never a pipeline's dependency at start-up.
    const { startSandbox } = await import('../sandbox/server');
    const running = await startSandbox({ port: 0, scenario: 'contoso' });
    stopSandbox = () => running.close();
    const pipeline = running.ready().apps.find((a) => a.isPipelineSpn);
    sandbox = { baseUrl: running.baseUrl, tenantId: running.tenantId, caPem: running.caCertPem, ...(pipeline?.clientSecret ? { app: { clientId: pipeline.clientId, secret: pipeline.clientSecret } } : {}) };
    io.err(`Started the embedded demo sandbox at ${running.baseUrl}, acting as its pipeline service principal.`);
  } else if (o.sandboxUrl) {
    sandbox = { baseUrl: o.sandboxUrl.replace(/\/+$/, ''), tenantId: o.tenant ?? '', caPem: readFileOr(o.caFile ?? '', 'CA file') };
  }

  try {
    const { record, secret } = buildAccount(o, sandbox);
    const profile = accountProfile(record, sandbox?.caPem);
    const session = createSession({ account: record, profile, dataDir, protector: null, ...(secret ? { clientSecret: secret } : {}) });
    if (session.kind === 'user') {
      await session.signIn({ onDeviceCode: (prompt) => io.err(prompt.message) });
    }
    const http = createHttpCore({ tokens: session, ...(profile.caPem ? { caPem: profile.caPem } : {}), userAgent: 'patchbay-cli' });
    const dataverse = new Map<string, DataverseClient>();
    const admin: AdminClient = createAdminClient({ http, profile });
    const clients: AccountClients = {
      admin,
      dataverse: (instanceUrl) => {
        let c = dataverse.get(instanceUrl);
        if (!c) dataverse.set(instanceUrl, (c = createDataverseClient({ http, profile, instanceUrl })));
        return c;
      },
    };
    const objectId = objectIdOf(await session.token(profile.powerAppsAudience));
    let environments: Promise<Environment[]> | null = null;
    const listEnvironments = (): Promise<Environment[]> => (environments ??= admin.listEnvironments());
    return {
      profile,
      session,
      http,
      clients,
      objectId,
      isApp: session.kind === 'app',
      label: session.kind === 'app' ? `app ${record.clientId}` : (session.signedInUser()?.username ?? 'signed-in user'),
      dataDir,
      environments: listEnvironments,
      identities: async () => {
        await listEnvironments();
        const platformAdmin = admin.mode() === 'admin';
        const me = { objectId, platformAdmin };
        return session.kind === 'app' ? { me, spn: me } : { me };
      },
      close: async () => {
        await http.close();
        await stopSandbox?.();
      },
    };
  } catch (error) {
    await stopSandbox?.();
    if (error instanceof AuthError) throw new ConfigError(error.message);
    if (error instanceof TypeError && /sandbox|cloud|URL/i.test(error.message)) throw new UsageError(error.message);
    throw error;
  }
}
