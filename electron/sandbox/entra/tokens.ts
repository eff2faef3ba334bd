import { randomUUID } from 'node:crypto';
import { SignJWT, decodeProtectedHeader, errors as joseErrors, exportJWK, importPKCS8, importX509, jwtVerify, type JWTPayload } from 'jose';
import type { EntraState } from '../model';
import { certificateDer, thumbprints } from '../tls';

/**
 * Token signing and checking for the sandbox tenant. Resource tokens follow the v1 format the
 * platform's first-party APIs receive (`iss https://sts.windows.net/{tid}/`, `appid`, `ver 1.0`);
 * id tokens follow v2. Every token is RS256 and names its key by `kid` (= `x5t`), as Entra does.
 */

type SigningKey = Awaited<ReturnType<typeof importPKCS8>>;
type VerifyKey = Awaited<ReturnType<typeof importX509>>;

export interface TokenKeys {
  kid: string;
  x5t: string;
  certificatePem: string;
  privateKey: SigningKey;
  publicKey: VerifyKey;
}

export async function loadTokenKeys(entra: EntraState): Promise<TokenKeys> {
  const { x5t } = thumbprints(entra.signingKey.certificatePem);
  return {
    kid: x5t,
    x5t,
    certificatePem: entra.signingKey.certificatePem,
    privateKey: await importPKCS8(entra.signingKey.privateKeyPem, 'RS256'),
    publicKey: await importX509(entra.signingKey.certificatePem, 'RS256', { extractable: true }),
  };
}

/** The JWKS entry for the signing key, with the field set Entra publishes. */
export async function jwksEntry(keys: TokenKeys, issuer: string): Promise<Record<string, unknown>> {
  const jwk = await exportJWK(keys.publicKey);
  return {
    kty: 'RSA',
    use: 'sig',
    kid: keys.kid,
    x5t: keys.x5t,
    n: jwk.n,
    e: jwk.e,
    x5c: [certificateDer(keys.certificatePem).toString('base64')],
    issuer,
  };
}

export const v1Issuer = (tenantId: string): string => `https://sts.windows.net/${tenantId}/`;

export interface AccessTokenSubject {
  tenantId: string;
  /** Object id of the user or of the app's service principal. */
  objectId: string;
  appId: string;
  /** 0 public client, 1 secret, 2 certificate. */
  appIdAcr: '0' | '1' | '2';
  user?: { upn: string; name: string; givenName?: string; familyName?: string };
  /** Delegated permissions (user tokens). */
  scp?: string;
  /** Application permissions (app tokens). */
  roles?: string[];
}

export interface IssuedToken {
  token: string;
  expiresIn: number;
  issuedAt: number;
}

export async function issueAccessToken(
  keys: TokenKeys,
  subject: AccessTokenSubject,
  audience: string,
  lifetimeSeconds: number,
  nowSeconds = Math.floor(Date.now() / 1000),
): Promise<IssuedToken> {
  const claims: Record<string, unknown> = {
    tid: subject.tenantId,
    oid: subject.objectId,
    appid: subject.appId,
    appidacr: subject.appIdAcr,
    idp: v1Issuer(subject.tenantId),
    idtyp: subject.user ? 'user' : 'app',
    uti: randomUUID().replace(/-/g, ''),
    ver: '1.0',
  };
  if (subject.user) {
    claims['upn'] = subject.user.upn;
    claims['unique_name'] = subject.user.upn;
    claims['name'] = subject.user.name;
    if (subject.user.givenName) claims['given_name'] = subject.user.givenName;
    if (subject.user.familyName) claims['family_name'] = subject.user.familyName;
    claims['scp'] = subject.scp ?? 'user_impersonation';
  } else if (subject.roles?.length) {
    claims['roles'] = subject.roles;
  }
  const token = await new SignJWT(claims)
    .setProtectedHeader({ typ: 'JWT', alg: 'RS256', x5t: keys.x5t, kid: keys.kid })
    .setAudience(audience)
    .setIssuer(v1Issuer(subject.tenantId))
    .setSubject(subject.objectId)
    .setIssuedAt(nowSeconds)
    .setNotBefore(nowSeconds)
    .setExpirationTime(nowSeconds + lifetimeSeconds)
    .sign(keys.privateKey);
  return { token, expiresIn: lifetimeSeconds, issuedAt: nowSeconds };
}

export interface VerifiedAccessToken {
  tenantId: string;
  objectId: string;
  appId: string;
  audience: string;
  isUser: boolean;
  upn: string | null;
  issuedAt: number;
  expiresAt: number;
}

export type VerifyFailure = 'malformed' | 'signature' | 'expired' | 'not_yet_valid' | 'audience' | 'issuer' | 'revoked';

export type VerifyResult = { ok: true; token: VerifiedAccessToken } | { ok: false; failure: VerifyFailure; detail: string };

export interface VerifyOptions {
  audiences: readonly string[];
  tenantId: string;
  /** Revocation: tokens for this principal issued before the returned time (seconds) are refused. */
  validAfter: (objectId: string) => number | undefined;
  nowSeconds?: number;
}

/**
 * Signatures already checked, per signing key: a bulk run presents the same token thousands of times,
 * and an RSA verification per request was a third of the sandbox's CPU. Lifetime is still checked on
 * every use. Bounded: cleared when full (tokens are re-verified, nothing else changes).
 */
const signatureChecked = new WeakMap<TokenKeys, Map<string, JWTPayload>>();
const SIGNATURE_CACHE_SIZE = 2048;

async function verifiedPayload(keys: TokenKeys, token: string, nowSeconds: number | undefined): Promise<JWTPayload> {
  let cache = signatureChecked.get(keys);
  if (!cache) signatureChecked.set(keys, (cache = new Map<string, JWTPayload>()));
  const cached = cache.get(token);
  if (!cached) {
    const { payload } = await jwtVerify(token, keys.publicKey, {
      algorithms: ['RS256'],
      clockTolerance: 0,
      ...(nowSeconds === undefined ? {} : { currentDate: new Date(nowSeconds * 1000) }),
    });
    if (cache.size >= SIGNATURE_CACHE_SIZE) cache.clear();
    cache.set(token, payload);
    return payload;
  }
  // The same time checks jwtVerify makes (clock tolerance 0).
  const now = nowSeconds ?? Math.floor(Date.now() / 1000);
  if (typeof cached.exp === 'number' && cached.exp <= now) throw new joseErrors.JWTExpired('"exp" claim timestamp check failed', cached, 'exp', 'check_failed');
  if (typeof cached.nbf === 'number' && cached.nbf > now) throw new joseErrors.JWTClaimValidationFailed('"nbf" claim timestamp check failed', cached, 'nbf', 'check_failed');
  return cached;
}

/** Checks a bearer token as a resource server does: signature, lifetime, audience, issuer, revocation. */
export async function verifyAccessToken(keys: TokenKeys, token: string, options: VerifyOptions): Promise<VerifyResult> {
  try {
    decodeProtectedHeader(token);
  } catch {
    return { ok: false, failure: 'malformed', detail: 'The token is not a JWT.' };
  }
  try {
    const payload = await verifiedPayload(keys, token, options.nowSeconds);
    const aud = typeof payload.aud === 'string' ? payload.aud : '';
    const norm = (s: string) => s.replace(/\/+$/, '').toLowerCase();
    if (!options.audiences.some((a) => norm(a) === norm(aud))) {
      return { ok: false, failure: 'audience', detail: `The audience '${aud}' is invalid.` };
    }
    if (payload.iss !== v1Issuer(options.tenantId)) {
      return { ok: false, failure: 'issuer', detail: `The issuer '${String(payload.iss)}' is invalid.` };
    }
    const claim = (name: string): string => (typeof payload[name] === 'string' ? payload[name] : '');
    const oid = claim('oid');
    const iat = payload.iat ?? 0;
    const validAfter = options.validAfter(oid);
    if (validAfter !== undefined && iat < validAfter) {
      return { ok: false, failure: 'revoked', detail: 'The token has been revoked.' };
    }
    return {
      ok: true,
      token: {
        tenantId: claim('tid'),
        objectId: oid,
        appId: claim('appid'),
        audience: aud,
        isUser: payload['idtyp'] === 'user',
        upn: typeof payload['upn'] === 'string' ? payload['upn'] : null,
        issuedAt: iat,
        expiresAt: payload.exp ?? 0,
      },
    };
  } catch (error) {
    if (error instanceof joseErrors.JWTExpired) return { ok: false, failure: 'expired', detail: 'The token is expired.' };
    if (error instanceof joseErrors.JWTClaimValidationFailed && error.claim === 'nbf') {
      return { ok: false, failure: 'not_yet_valid', detail: 'The token is not yet valid.' };
    }
    if (error instanceof joseErrors.JWSSignatureVerificationFailed) {
      return { ok: false, failure: 'signature', detail: 'The token signature is invalid.' };
    }
    return { ok: false, failure: 'malformed', detail: 'The token could not be read.' };
  }
}
