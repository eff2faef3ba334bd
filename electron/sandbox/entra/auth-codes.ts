import { randomBytes } from 'node:crypto';

/**
 * Authorization codes: single use, short-lived (10 minutes), bound to the client, the redirect URI,
 * the PKCE challenge, the user and the requested scopes. Held in memory: a code outliving a restart
 * would outlive its browser round trip anyway. Redeemed codes are remembered until they would have
 * expired, so a second redemption answers AADSTS54005 rather than "malformed".
 */

export interface AuthCodeGrant {
  clientId: string;
  redirectUri: string;
  /** S256 challenge, or null when the (confidential) client sent none. */
  codeChallenge: string | null;
  oid: string;
  scope: string;
  /** Sent at /authorize; echoed in the id_token only then. */
  nonce: string | null;
  authTimeMs: number;
  sessionState: string;
}

interface StoredCode {
  grant: AuthCodeGrant;
  expiresMs: number;
  redeemed: boolean;
}

export type RedeemResult = { ok: true; grant: AuthCodeGrant } | { ok: false; reason: 'unknown' | 'redeemed' | 'expired' };

export class AuthCodeStore {
  readonly #codes = new Map<string, StoredCode>();

  issue(grant: AuthCodeGrant, lifetimeS: number, nowMs = Date.now()): string {
    this.#prune(nowMs);
    // Entra's codes are long opaque strings beginning with a version marker.
    const code = `1.A${randomBytes(96).toString('base64url')}`;
    this.#codes.set(code, { grant, expiresMs: nowMs + lifetimeS * 1000, redeemed: false });
    return code;
  }

  /** Looks a code up without taking it: checks that fail after this leave the code redeemable. */
  lookup(code: string, nowMs = Date.now()): RedeemResult {
    const stored = this.#codes.get(code);
    if (!stored) return { ok: false, reason: 'unknown' };
    if (stored.redeemed) return { ok: false, reason: 'redeemed' };
    if (stored.expiresMs <= nowMs) return { ok: false, reason: 'expired' };
    return { ok: true, grant: stored.grant };
  }

  /** Marks a looked-up code redeemed: valid once. */
  consume(code: string): void {
    const stored = this.#codes.get(code);
    if (stored) stored.redeemed = true;
  }

  /** Forgets codes a while after they expired (expired ones still answer AADSTS70008 until then). */
  #prune(nowMs: number): void {
    for (const [code, stored] of this.#codes) {
      if (stored.expiresMs + 60 * 60 * 1000 <= nowMs) this.#codes.delete(code);
    }
  }
}
