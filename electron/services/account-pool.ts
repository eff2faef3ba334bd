import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { AccountSummary } from '../../shared/ipc/schemas';
import { accountRecordSchema, describeIssues, type AccountRecord, type NewAccount } from '../auth/accounts';
import { AccountRegistry, RegistryError } from '../auth/account-registry';
import { writeFileAtomic } from '../auth/atomic-file';
import { AuthError } from '../auth/errors';
import type { SecretProtector } from '../auth/protector';
import { accountProfile, createSession } from '../auth/session';
import type { AuthSession, DeviceCodePrompt } from '../auth/session-types';
import { createAdminClient } from '../cloud/admin/client';
import { createDataverseClient, type DataverseClient } from '../cloud/dataverse/client';
import { createHttpCore, type HttpCoreHandle } from '../cloud/http/http-core';
import { AdaptiveLimiter } from '../cloud/http/limiter';
import type { CloudProfile } from '../cloud/profiles';
import { registerSecret } from '../log/redact';
import type { AccountClients } from '../engine/live-operations';
import { HandlerError } from '../ipc/dispatch';

/**
 * The app's accounts: the persisted registry (no secrets), each account's role in the app (the person
 * signed in as "me", or the pipeline service principal "spn"), and for signed-in accounts their session,
 * HTTP core and clients. Client secrets stay in memory, or encrypted at rest when the protector can.
 * Demo accounts live only in memory: the embedded sandbox gets a new address at every start.
 */

export type Role = 'me' | 'spn';

interface Live {
  record: AccountRecord;
  role: Role;
  isDemo: boolean;
  profile: CloudProfile;
  session: AuthSession;
  http: HttpCoreHandle;
  clients: AccountClients;
  status: AccountSummary['status'];
  error: string | null;
  objectId: string | null;
  /** Demo accounts sign in with the sandbox's own page; others through the system browser. */
  openBrowser: (url: string) => Promise<void>;
  loginHint?: string;
}

export interface AccountPoolOptions {
  dataDir: string;
  protector: SecretProtector | null;
  openBrowser: (url: string) => Promise<void>;
  onDeviceCode: (accountId: string, prompt: DeviceCodePrompt) => void;
  onChange: () => void;
}

function objectIdOf(token: string): string | null {
  try {
    const claims = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')) as { oid?: unknown };
    return typeof claims.oid === 'string' ? claims.oid.toLowerCase() : null;
  } catch {
    return null;
  }
}

export class AccountPool {
  readonly #live = new Map<string, Live>();
  readonly #limiter = new AdaptiveLimiter();
  #roles: Record<string, Role> = {};
  readonly #options: AccountPoolOptions;
  #registry!: AccountRegistry;

  private constructor(options: AccountPoolOptions) {
    this.#options = options;
  }

  static async open(options: AccountPoolOptions): Promise<AccountPool> {
    const pool = new AccountPool(options);
    await mkdir(options.dataDir, { recursive: true });
    pool.#registry = await AccountRegistry.open(options.dataDir);
    const rolesFile = join(options.dataDir, 'account-roles.json');
    if (existsSync(rolesFile)) pool.#roles = JSON.parse(await readFile(rolesFile, 'utf8')) as Record<string, Role>;
    for (const record of pool.#registry.list()) await pool.#attach(record, pool.#roles[record.id] ?? 'me', false, {});
    return pool;
  }

  get hasRealAccounts(): boolean {
    return this.#registry.list().length > 0;
  }

  async #saveRoles(): Promise<void> {
    await writeFileAtomic(join(this.#options.dataDir, 'account-roles.json'), JSON.stringify(this.#roles));
  }

  #secretFile(id: string): string {
    return join(this.#options.dataDir, 'secrets', `${id}.bin`);
  }

  async #storedSecret(id: string): Promise<string | undefined> {
    const protector = this.#options.protector;
    const file = this.#secretFile(id);
    if (!protector?.isEncryptionAvailable() || !existsSync(file)) return undefined;
    return protector.decryptString(await readFile(file));
  }

  async #attach(record: AccountRecord, role: Role, isDemo: boolean, extra: { secret?: string; caPem?: string; openBrowser?: (url: string) => Promise<void>; loginHint?: string }): Promise<Live> {
    const profile = accountProfile(record, extra.caPem);
    const secret = extra.secret ?? (record.mode === 'client-secret' ? await this.#storedSecret(record.id) : undefined);
    if (secret) registerSecret(secret);
    const session = createSession({ account: record, profile, dataDir: this.#options.dataDir, protector: isDemo ? null : this.#options.protector, ...(secret ? { clientSecret: secret } : {}) });
    const http = createHttpCore({ tokens: session, ...(profile.caPem ? { caPem: profile.caPem } : {}), limiter: this.#limiter, userAgent: 'patchbay-app' });
    const dataverse = new Map<string, DataverseClient>();
    const live: Live = {
      record,
      role,
      isDemo,
      profile,
      session,
      http,
      clients: {
        admin: createAdminClient({ http, profile }),
        dataverse: (url) => {
          let c = dataverse.get(url);
          if (!c) dataverse.set(url, (c = createDataverseClient({ http, profile, instanceUrl: url })));
          return c;
        },
      },
      status: session.kind === 'app' ? (secret || record.mode === 'certificate' ? 'signed-out' : 'error') : 'signed-out',
      error: session.kind === 'app' && !secret && record.mode === 'client-secret' ? 'No client secret in this session: remove and add the account again with its secret.' : null,
      objectId: null,
      openBrowser: extra.openBrowser ?? this.#options.openBrowser,
      ...(extra.loginHint ? { loginHint: extra.loginHint } : {}),
    };
    this.#live.set(record.id, live);
    return live;
  }

  /** Adds an account from the Accounts screen (validated; the secret never reaches the registry file). */
  async add(input: NewAccount & { role: Role; clientSecret?: string | undefined }): Promise<AccountSummary> {
    const { role, clientSecret, ...fields } = input;
    const checked = accountRecordSchema.safeParse({ ...fields, id: randomUUID(), createdAt: new Date().toISOString() });
    if (!checked.success) throw new HandlerError('INVALID_ACCOUNT', `The account is not valid: ${describeIssues(checked.error).join('; ')}.`);
    if (fields.mode === 'client-secret' && !clientSecret) throw new HandlerError('MISSING_SECRET', 'A client-secret account needs its secret (the Value, not the Secret ID).');
    const record = await this.#registry.add(fields).catch((error: unknown) => {
      // The registry's own checks (a certificate that cannot be read or used) answer as the schema's do above.
      if (error instanceof RegistryError && error.code === 'invalid') throw new HandlerError('INVALID_ACCOUNT', `The account is not valid: ${error.issues.join('; ').replace(/\.?$/, '.')}`);
      throw error;
    });
    this.#roles[record.id] = role;
    await this.#saveRoles();
    const protector = this.#options.protector;
    if (clientSecret && protector?.isEncryptionAvailable()) {
      await mkdir(join(this.#options.dataDir, 'secrets'), { recursive: true });
      await writeFileAtomic(this.#secretFile(record.id), protector.encryptString(clientSecret));
    }
    const live = await this.#attach(record, role, false, clientSecret ? { secret: clientSecret } : {});
    this.#options.onChange();
    return this.summary(live);
  }

  /** A demo account for the embedded sandbox: memory only. */
  async addDemo(record: Omit<AccountRecord, 'id' | 'createdAt'>, role: Role, extra: { secret?: string; caPem: string; openBrowser?: (url: string) => Promise<void>; loginHint?: string }): Promise<string> {
    const checked = accountRecordSchema.parse({ ...record, id: randomUUID(), createdAt: new Date().toISOString() });
    await this.#attach(checked, role, true, extra);
    return checked.id;
  }

  async remove(id: string): Promise<void> {
    const live = this.#require(id);
    await live.session.signOut().catch(() => undefined);
    await live.http.close();
    this.#live.delete(id);
    if (!live.isDemo) {
      await this.#registry.remove(id);
      delete this.#roles[id];
      await this.#saveRoles();
      await rm(this.#secretFile(id), { force: true });
    }
    this.#options.onChange();
  }

  #require(id: string): Live {
    const live = this.#live.get(id);
    if (!live) throw new HandlerError('UNKNOWN_ACCOUNT', `There is no account '${id}'.`, 'Refresh the Accounts list.');
    return live;
  }

  async signIn(id: string): Promise<AccountSummary> {
    const live = this.#require(id);
    live.status = 'signing-in';
    live.error = null;
    this.#options.onChange();
    try {
      if (live.session.kind === 'user') {
        const user = await live.session.signIn({
          openBrowser: live.openBrowser,
          onDeviceCode: (prompt) => this.#options.onDeviceCode(id, prompt),
          ...(live.loginHint ? { loginHint: live.loginHint } : {}),
        });
        if (!live.isDemo) await this.#registry.recordSignIn(id, { homeAccountId: user.homeAccountId, username: user.username });
      }
      live.objectId = objectIdOf(await live.session.token(live.profile.powerAppsAudience));
      live.status = 'signed-in';
    } catch (error) {
      live.status = 'error';
      live.error = error instanceof AuthError ? error.message : error instanceof Error ? error.message : String(error);
      this.#options.onChange();
      throw new HandlerError(error instanceof AuthError ? `AUTH_${error.code.toUpperCase()}` : 'SIGN_IN_FAILED', live.error);
    }
    this.#options.onChange();
    return this.summary(live);
  }

  async signOut(id: string): Promise<AccountSummary> {
    const live = this.#require(id);
    await live.session.signOut();
    if (!live.isDemo && live.session.kind === 'user') await this.#registry.clearSignIn(id);
    live.status = 'signed-out';
    live.objectId = null;
    this.#options.onChange();
    return this.summary(live);
  }

  summary(live: Live): AccountSummary {
    const persistence = live.session.cachePersistence();
    const user = live.session.kind === 'user' ? live.session.signedInUser() : null;
    return {
      id: live.record.id,
      label: live.record.label,
      tenant: live.record.tenant,
      cloud: live.record.cloud,
      mode: live.record.mode,
      clientId: live.record.clientId,
      role: live.role,
      status: live.status,
      username: user?.username ?? null,
      error: live.error,
      isDemo: live.isDemo,
      persistence: persistence.mode === 'encrypted' ? { kind: 'encrypted', reason: null } : { kind: 'memory-only', reason: persistence.reason },
    };
  }

  list(): AccountSummary[] {
    return [...this.#live.values()].map((l) => this.summary(l));
  }

  /** The signed-in account acting in a role (the demo's when no real one is signed in). */
  acting(role: Role): { clients: AccountClients; objectId: string; label: string; platformAdmin: boolean } | null {
    const candidates = [...this.#live.values()].filter((l) => l.role === role && l.status === 'signed-in' && l.objectId);
    const live = candidates.find((l) => !l.isDemo) ?? candidates[0];
    if (!live?.objectId) return null;
    return { clients: live.clients, objectId: live.objectId, label: live.session.kind === 'user' ? (live.session.signedInUser()?.username ?? live.record.label) : live.record.label, platformAdmin: live.clients.admin.mode() === 'admin' };
  }

  async close(): Promise<void> {
    await Promise.all([...this.#live.values()].map((l) => l.http.close()));
  }
}
