import { createHash } from 'node:crypto';
import { CompactEncrypt, compactDecrypt } from 'jose';
import type { SandboxContext } from '../context';

/**
 * Refresh tokens are opaque to clients and self-contained here: the grant is sealed (JWE, dir +
 * A256GCM) under a key derived from the tenant's persisted signing key, so tokens in a client's cache
 * keep working across a restart with `--state-file` (and across a reset, which keeps the tenant key),
 * and mean nothing to another tenant. Like the platform's, they are not single-use: each redemption
 * returns a fresh one with a renewed inactivity window.
 */

export interface RefreshGrant {
  /** The user's object id. */
  oid: string;
  clientId: string;
  tenantId: string;
  /** When the user signed in (ms): revocation (`tokensValidAfter`) is judged against it. */
  authTimeMs: number;
  /** When this token was issued (ms). */
  issuedMs: number;
  /** When it dies of inactivity (ms): AADSTS700082 after. */
  expiresMs: number;
  /** The scope of the request it was issued for (informational). */
  scope: string;
}

const PREFIX = '1.';
const keyCache = new Map<string, Uint8Array>();

function sealingKey(ctx: SandboxContext): Uint8Array {
  const pem = ctx.store.state.entra.signingKey.privateKeyPem;
  let key = keyCache.get(pem);
  if (!key) {
    key = new Uint8Array(createHash('sha256').update('patchbay-sandbox refresh-token sealing key\0').update(pem).digest());
    keyCache.set(pem, key);
  }
  return key;
}

export async function issueRefreshToken(
  ctx: SandboxContext,
  grant: Omit<RefreshGrant, 'issuedMs' | 'expiresMs'>,
  lifetimeS: number,
  nowMs = Date.now(),
): Promise<string> {
  const sealed: RefreshGrant = { ...grant, issuedMs: nowMs, expiresMs: nowMs + lifetimeS * 1000 };
  const jwe = await new CompactEncrypt(new TextEncoder().encode(JSON.stringify({ typ: 'rt', ...sealed })))
    .setProtectedHeader({ alg: 'dir', enc: 'A256GCM' })
    .encrypt(sealingKey(ctx));
  return PREFIX + jwe;
}

function isGrant(value: unknown): value is RefreshGrant & { typ: 'rt' } {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return (
    v['typ'] === 'rt' &&
    typeof v['oid'] === 'string' &&
    typeof v['clientId'] === 'string' &&
    typeof v['tenantId'] === 'string' &&
    typeof v['authTimeMs'] === 'number' &&
    typeof v['issuedMs'] === 'number' &&
    typeof v['expiresMs'] === 'number' &&
    typeof v['scope'] === 'string'
  );
}

/** Opens a refresh token; null when it is not one of ours (malformed, or sealed under another key). */
export async function readRefreshToken(ctx: SandboxContext, token: string): Promise<RefreshGrant | null> {
  if (!token.startsWith(PREFIX)) return null;
  try {
    const { plaintext } = await compactDecrypt(token.slice(PREFIX.length), sealingKey(ctx), {
      keyManagementAlgorithms: ['dir'],
      contentEncryptionAlgorithms: ['A256GCM'],
    });
    const value: unknown = JSON.parse(new TextDecoder().decode(plaintext));
    if (!isGrant(value)) return null;
    const { typ: _typ, ...grant } = value;
    return grant;
  } catch {
    return null;
  }
}
