import { isAbsolute } from 'node:path';
import { z } from 'zod';
import type { CloudId } from '../../shared/domain/types';

/**
 * What Patchbay remembers about an account: where it signs in (tenant, cloud, the sandbox's URL),
 * how (mode, client id, the certificate file's path) and, once a user has signed in, which msal
 * account it is. Never a secret: client secrets and passwords live in memory or in the environment,
 * tokens in the encrypted token cache. Every record is checked with these schemas on add and on load.
 */

export const AUTH_MODES = ['interactive', 'device-code', 'client-secret', 'certificate'] as const;
export type AuthMode = (typeof AUTH_MODES)[number];

export const CLOUD_IDS = ['public', 'gcc', 'gcchigh', 'dod', 'china', 'sandbox'] as const satisfies readonly CloudId[];

export type UserMode = Extract<AuthMode, 'interactive' | 'device-code'>;
export type AppMode = Extract<AuthMode, 'client-secret' | 'certificate'>;

export function isUserMode(mode: AuthMode): mode is UserMode {
  return mode === 'interactive' || mode === 'device-code';
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** A DNS name with at least two labels and an alphabetic top level: contoso.onmicrosoft.com, contoso.com. */
const DOMAIN = /^(?=.{4,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/i;

export function isGuid(value: string): boolean {
  return GUID.test(value);
}

export function isTenant(value: string): boolean {
  return GUID.test(value) || DOMAIN.test(value);
}

const label = z.string().trim().min(1, { error: 'must not be empty' }).max(100, { error: 'must be at most 100 characters' });
const tenant = z
  .string()
  .trim()
  .refine(isTenant, { error: 'must be a tenant id (a GUID) or a verified domain such as contoso.onmicrosoft.com' })
  .transform((t) => t.toLowerCase());
const clientId = z
  .string()
  .trim()
  .refine(isGuid, { error: "must be the app's Application (client) ID, a GUID such as 00000000-0000-0000-0000-000000000000" })
  .transform((t) => t.toLowerCase());
const sandboxUrl = z
  .string()
  .trim()
  .transform((value, ctx) => {
    let url: URL;
    try {
      url = new URL(value);
    } catch {
      ctx.addIssue({ code: 'custom', message: `'${value}' is not a URL` });
      return z.NEVER;
    }
    if (url.protocol !== 'https:') {
      ctx.addIssue({ code: 'custom', message: `must use https (the sandbox serves TLS only), got '${value}'` });
      return z.NEVER;
    }
    if (url.pathname !== '/' || url.search || url.hash || url.username || url.password) {
      ctx.addIssue({ code: 'custom', message: `must be the sandbox's base URL (https://host:port), got '${value}'` });
      return z.NEVER;
    }
    return url.origin;
  });
const certificatePath = z.string().trim().min(1).refine(isAbsolute, { error: 'must be an absolute path' });

const fields = {
  label,
  tenant,
  cloud: z.enum(CLOUD_IDS, { error: `must be one of ${CLOUD_IDS.join(', ')}` }),
  sandboxUrl: sandboxUrl.optional(),
  mode: z.enum(AUTH_MODES, { error: `must be one of ${AUTH_MODES.join(', ')}` }),
  clientId,
  certificatePath: certificatePath.optional(),
  /** When the private key is in its own PEM file (cert.pem + key.pem, as openssl and the sandbox write them). */
  privateKeyPath: certificatePath.optional(),
};

interface CrossChecked {
  cloud: CloudId;
  sandboxUrl?: string | undefined;
  mode: AuthMode;
  certificatePath?: string | undefined;
  privateKeyPath?: string | undefined;
  homeAccountId?: string | undefined;
  username?: string | undefined;
}

function crossCheck(value: CrossChecked, ctx: z.RefinementCtx): void {
  if (value.cloud === 'sandbox' && value.sandboxUrl === undefined) {
    ctx.addIssue({ code: 'custom', path: ['sandboxUrl'], message: 'is required for the sandbox cloud' });
  }
  if (value.cloud !== 'sandbox' && value.sandboxUrl !== undefined) {
    ctx.addIssue({ code: 'custom', path: ['sandboxUrl'], message: `applies to the sandbox cloud only, not '${value.cloud}'` });
  }
  if (value.mode === 'certificate' && value.certificatePath === undefined) {
    ctx.addIssue({ code: 'custom', path: ['certificatePath'], message: 'is required in certificate mode' });
  }
  if (value.mode !== 'certificate' && value.certificatePath !== undefined) {
    ctx.addIssue({ code: 'custom', path: ['certificatePath'], message: `applies to certificate mode only, not '${value.mode}'` });
  }
  if (value.privateKeyPath !== undefined && value.certificatePath === undefined) {
    ctx.addIssue({ code: 'custom', path: ['privateKeyPath'], message: 'goes with a certificatePath (certificate mode)' });
  }
  if (!isUserMode(value.mode) && (value.homeAccountId !== undefined || value.username !== undefined)) {
    ctx.addIssue({ code: 'custom', path: ['homeAccountId'], message: 'applies to user accounts (interactive, device-code) only' });
  }
}

/** What a caller gives to add an account. Unknown keys (a `clientSecret`, say) are refused. */
export const newAccountSchema = z.strictObject(fields).superRefine(crossCheck);
export type NewAccount = z.input<typeof newAccountSchema>;

/** A stored account. */
export const accountRecordSchema = z
  .strictObject({
    id: z.uuid({ error: 'must be a UUID' }),
    ...fields,
    /** msal's `homeAccountId` (`{oid}.{tid}`) once a user has signed in. */
    homeAccountId: z.string().min(1).max(200).optional(),
    username: z.string().min(1).max(320).optional(),
    createdAt: z.iso.datetime({ error: 'must be an ISO date-time' }),
  })
  .superRefine(crossCheck);
export type AccountRecord = z.output<typeof accountRecordSchema>;

export const REGISTRY_VERSION = 1 as const;

export const registryFileSchema = z
  .strictObject({
    version: z.literal(REGISTRY_VERSION, { error: `must be ${REGISTRY_VERSION}` }),
    selectedId: z.string().nullable(),
    accounts: z.array(accountRecordSchema),
  })
  .superRefine((file, ctx) => {
    const ids = new Set<string>();
    file.accounts.forEach((a, i) => {
      if (ids.has(a.id)) ctx.addIssue({ code: 'custom', path: ['accounts', i, 'id'], message: `duplicates the id of another account (${a.id})` });
      ids.add(a.id);
    });
    if (file.selectedId !== null && !ids.has(file.selectedId)) {
      ctx.addIssue({ code: 'custom', path: ['selectedId'], message: `names no account (${file.selectedId})` });
    }
  });
export type RegistryFile = z.output<typeof registryFileSchema>;

/** Zod issues as one readable line each: `accounts[1].tenant must be a tenant id …`. */
export function describeIssues(error: z.ZodError): string[] {
  return error.issues.map((issue) => {
    const path = issue.path.map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? String(p) : `.${String(p)}`)).join('');
    return path ? `${path} ${issue.message}` : issue.message;
  });
}
