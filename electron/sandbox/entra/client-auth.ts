import { createHash, timingSafeEqual } from 'node:crypto';
import { compactVerify, decodeProtectedHeader, importX509, type CryptoKey } from 'jose';
import type { SandboxContext } from '../context';
import type { AppCertificate, AppRegistration } from '../model';
import type { SbRequest } from '../http';
import { thumbprints } from '../tls';
import { aad, fail } from './errors';

/**
 * Who is calling the token endpoint (reference §5.2): the client id from the body (or HTTP Basic),
 * then its credential — a secret in the body or in Basic, or a `private_key_jwt` client assertion
 * signed with a registered certificate. Public clients must present none on user grants.
 */

export type AppIdAcr = '0' | '1' | '2';

export interface AuthenticatedClient {
  app: AppRegistration;
  /** How the client authenticated, as `appidacr` states it: 0 none (public), 1 secret, 2 certificate. */
  appIdAcr: AppIdAcr;
}

export type GrantKind = 'client_credentials' | 'authorization_code' | 'refresh_token' | 'device_code';

export interface ClientAuthOptions {
  grant: GrantKind;
  /** URLs a client assertion's `aud` may name (the token endpoint, under any spelling of the tenant). */
  assertionAudiences: readonly string[];
  nowMs?: number;
}

export const JWT_BEARER_ASSERTION = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';
/** Entra tolerates this much clock skew on client assertions. */
const ASSERTION_SKEW_S = 300;

function basicCredentials(req: SbRequest): { id: string; secret: string } | null {
  const match = /^Basic\s+(\S+)$/i.exec(req.headers['authorization'] ?? '');
  if (!match?.[1]) return null;
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return null;
  // RFC 6749 §2.3.1: both parts are form-urlencoded before Base64.
  const decode = (s: string) => {
    try {
      return decodeURIComponent(s.replace(/\+/g, ' '));
    } catch {
      return s;
    }
  };
  return { id: decode(decoded.slice(0, colon)), secret: decode(decoded.slice(colon + 1)) };
}

/** Compares secrets through their digests, so timing tells nothing about length or prefix. */
function sameSecret(given: string, stored: string): boolean {
  const a = createHash('sha256').update(given).digest();
  const b = createHash('sha256').update(stored).digest();
  return timingSafeEqual(a, b);
}

function checkSecret(app: AppRegistration, secret: string, nowMs: number): void {
  const match = app.secrets.find((s) => sameSecret(secret, s.value));
  if (!match) fail(aad.invalidSecret(app.clientId));
  if (Date.parse(match.expiresOn) <= nowMs) fail(aad.secretExpired(app.clientId));
}

const keyCache = new Map<string, CryptoKey>();

async function certificateKey(cert: AppCertificate, alg: string): Promise<CryptoKey> {
  const cacheKey = `${alg}:${cert.x5tS256}`;
  const cached = keyCache.get(cacheKey);
  if (cached) return cached;
  const key = await importX509(cert.certificatePem, alg);
  keyCache.set(cacheKey, key);
  return key;
}

const norm = (s: string) => s.replace(/\/+$/, '').toLowerCase();

function thumbprintHex(header: Record<string, unknown>): string {
  const t = header['x5t#S256'] ?? header['x5t'];
  return typeof t === 'string' ? Buffer.from(t, 'base64url').toString('hex').toUpperCase() : '';
}

function findCertificate(app: AppRegistration, header: Record<string, unknown>): AppCertificate | undefined {
  const s256 = header['x5t#S256'];
  const sha1 = header['x5t'];
  if (typeof s256 === 'string') return app.certificates.find((c) => c.x5tS256 === s256);
  if (typeof sha1 === 'string') return app.certificates.find((c) => c.x5t === sha1);
  // Subject name + issuer callers send only the chain: match its leaf.
  const x5c = header['x5c'];
  if (Array.isArray(x5c) && typeof x5c[0] === 'string') {
    const pem = `-----BEGIN CERTIFICATE-----\n${x5c[0]}\n-----END CERTIFICATE-----\n`;
    try {
      const { x5tS256 } = thumbprints(pem);
      return app.certificates.find((c) => c.x5tS256 === x5tS256);
    } catch {
      return undefined;
    }
  }
  return undefined;
}

async function checkAssertion(app: AppRegistration, assertion: string, options: ClientAuthOptions, nowMs: number): Promise<void> {
  let header: Record<string, unknown>;
  try {
    header = decodeProtectedHeader(assertion);
  } catch {
    return fail(aad.assertionMalformed());
  }
  const alg = header['alg'];
  if (alg !== 'RS256' && alg !== 'PS256') return fail(aad.assertionSignature());
  if (header['x5t#S256'] === undefined && header['x5t'] === undefined && header['x5c'] === undefined) {
    return fail(aad.assertionNoThumbprint());
  }
  const cert = findCertificate(app, header);
  if (!cert) return fail(aad.assertionKeyNotFound(thumbprintHex(header), app.clientId));
  let payloadBytes: Uint8Array;
  try {
    ({ payload: payloadBytes } = await compactVerify(assertion, await certificateKey(cert, alg), { algorithms: [alg] }));
  } catch {
    return fail(aad.assertionSignature());
  }
  let claims: Record<string, unknown>;
  try {
    claims = JSON.parse(Buffer.from(payloadBytes).toString('utf8')) as Record<string, unknown>;
  } catch {
    return fail(aad.assertionMalformed());
  }
  if (claims['iss'] !== app.clientId) fail(aad.assertionIssuer());
  if (claims['sub'] !== claims['iss']) fail(aad.assertionSubject());
  const audiences = (Array.isArray(claims['aud']) ? claims['aud'] : [claims['aud']]).filter((a): a is string => typeof a === 'string');
  if (!audiences.some((a) => options.assertionAudiences.some((allowed) => norm(allowed) === norm(a)))) fail(aad.assertionMalformed());
  const exp = typeof claims['exp'] === 'number' ? claims['exp'] : undefined;
  const nbf = typeof claims['nbf'] === 'number' ? claims['nbf'] : undefined;
  const nowS = nowMs / 1000;
  if (exp === undefined || exp + ASSERTION_SKEW_S < nowS || (nbf !== undefined && nbf - ASSERTION_SKEW_S > nowS)) {
    fail(aad.assertionTime(nowMs, nbf, exp));
  }
}

/** Authenticates the caller of the token endpoint or fails with the platform's AADSTS answer. */
export async function authenticateClient(
  ctx: SandboxContext,
  req: SbRequest,
  form: Record<string, string>,
  options: ClientAuthOptions,
): Promise<AuthenticatedClient> {
  const nowMs = options.nowMs ?? Date.now();
  const basic = basicCredentials(req);
  const clientId = form['client_id'] ?? basic?.id;
  if (!clientId) return fail(aad.missingParameter('client_id'));
  const app = ctx.store.appByClientId(clientId);
  if (!app) return fail(aad.appNotFound(clientId, ctx.store.state.tenant.displayName));

  const secret = form['client_secret'] ?? basic?.secret;
  const assertion = form['client_assertion'];
  const assertionType = form['client_assertion_type'];
  const presented = secret !== undefined || assertion !== undefined;

  // User grants decide "public" per request: a public app must not authenticate at all.
  if (app.kind === 'public' && options.grant !== 'client_credentials') {
    if (presented) fail(aad.publicClientWithCredential());
    return { app, appIdAcr: '0' };
  }
  if (!presented) {
    return fail(options.grant === 'client_credentials' ? aad.clientCredentialsNeedCredential() : aad.missingCredential());
  }
  if (assertion !== undefined) {
    if (assertionType === undefined) fail(aad.missingParameter('client_assertion_type'));
    if (assertionType !== JWT_BEARER_ASSERTION) fail(aad.malformedRequest());
    await checkAssertion(app, assertion, options, nowMs);
    return { app, appIdAcr: '2' };
  }
  checkSecret(app, secret ?? '', nowMs);
  return { app, appIdAcr: '1' };
}
