import { AuthError as MsalAuthError, InteractionRequiredAuthError, ServerError } from '@azure/msal-node';
import { redactText } from '../log/redact';
import { CertificateError } from './certificate';
import type { NetworkFailure } from './network-diagnostics';

/**
 * Every way signing in or getting a token fails, as one error type with a stable code, the action that
 * fixes it, and a message a release manager can act on. Messages name the tenant, the client id and
 * the cloud; they never carry a secret or a token (they pass through redact() besides).
 */

export type AuthErrorCode =
  | 'sign_in_required'
  | 'invalid_secret'
  | 'secret_expired'
  | 'secret_missing'
  | 'certificate_rejected'
  | 'certificate_invalid'
  | 'app_not_found'
  | 'tenant_not_found'
  | 'consent_required'
  | 'user_disabled'
  | 'user_not_found'
  | 'blocked_by_policy'
  | 'declined'
  | 'cancelled'
  | 'timed_out'
  | 'tls_untrusted'
  | 'network'
  | 'throttled'
  | 'configuration'
  | 'unknown';

/** What the user (or the UI offering a button) does about it. */
export type AuthAction =
  | 'sign_in'
  | 'fix_secret'
  | 'fix_certificate'
  | 'check_app_registration'
  | 'check_tenant'
  | 'grant_consent'
  | 'contact_admin'
  | 'check_network'
  | 'retry'
  | 'none';

export interface AuthErrorContext {
  tenant: string;
  clientId: string;
  /** The cloud's display name: "Commercial (public)", "Demo tenant (sandbox)". */
  cloud: string;
  /** The user, for user accounts that have signed in. */
  username?: string;
}

export class AuthError extends Error {
  readonly code: AuthErrorCode;
  readonly action: AuthAction;
  /** The AADSTS number behind it, when Entra gave one. */
  readonly aadsts: number | undefined;
  /** msal's correlation id, for Microsoft support. */
  readonly correlationId: string | undefined;

  constructor(code: AuthErrorCode, message: string, action: AuthAction, extra: { aadsts?: number; correlationId?: string; cause?: unknown } = {}) {
    super(redactText(message), extra.cause === undefined ? undefined : { cause: extra.cause });
    this.name = 'AuthError';
    this.code = code;
    this.action = action;
    this.aadsts = extra.aadsts;
    this.correlationId = extra.correlationId || undefined;
  }

  /** The plain-data form that crosses process boundaries (`{ code, message, action, … }`). */
  toJSON(): { code: AuthErrorCode; message: string; action: AuthAction; aadsts?: number; correlationId?: string } {
    return {
      code: this.code,
      message: this.message,
      action: this.action,
      ...(this.aadsts === undefined ? {} : { aadsts: this.aadsts }),
      ...(this.correlationId === undefined ? {} : { correlationId: this.correlationId }),
    };
  }
}

function where(ctx: AuthErrorContext): string {
  return `tenant ${ctx.tenant}, ${ctx.cloud} cloud`;
}

function app(ctx: AuthErrorContext): string {
  return `app ${ctx.clientId}`;
}

function who(ctx: AuthErrorContext): string {
  return ctx.username ? `${ctx.username} (${app(ctx)}, ${where(ctx)})` : `${app(ctx)} (${where(ctx)})`;
}

/** Sign in again: the stored session is gone, expired or revoked. */
export function signInRequired(ctx: AuthErrorContext, why: string, extra: { aadsts?: number; correlationId?: string; cause?: unknown } = {}): AuthError {
  return new AuthError('sign_in_required', `Sign in again: ${why} for ${who(ctx)}.`, 'sign_in', extra);
}

export function cancelled(ctx: AuthErrorContext, what = 'Sign-in'): AuthError {
  return new AuthError('cancelled', `${what} was cancelled (${app(ctx)}, ${where(ctx)}).`, 'none');
}

const REFRESH_DEAD = new Set([50173, 700082, 70008, 70000, 50133, 50089, 50132]);
const MFA_REQUIRED = new Set([50076, 50079, 50078, 50074]);
const CERTIFICATE_REJECTED = new Set([700027, 700024, 5002723, 50027, 700021, 50048, 700023]);
const TLS_CODES = /^(CERT_|ERR_TLS_|ERR_SSL_|UNABLE_TO_|DEPTH_ZERO_SELF_SIGNED_CERT|SELF_SIGNED_CERT_IN_CHAIN|HOSTNAME_MISMATCH)/;
const CONNECT_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ETIMEDOUT', 'ECONNRESET', 'EHOSTUNREACH', 'ENETUNREACH', 'EPIPE', 'ECONNABORTED']);

/** The AADSTS number of an msal error: `errorNo` when msal parsed it, else the `AADSTSnnn:` in the text. */
export function aadstsOf(error: MsalAuthError): number | undefined {
  const direct = 'errorNo' in error ? Number((error as { errorNo?: unknown }).errorNo) : NaN;
  if (Number.isInteger(direct) && direct > 0) return direct;
  const match = /AADSTS(\d+)/.exec(`${error.errorMessage} ${error.message}`);
  return match?.[1] === undefined ? undefined : Number(match[1]);
}

function fromAadsts(code: number, ctx: AuthErrorContext, extra: { aadsts: number; correlationId?: string; cause: unknown }): AuthError | null {
  switch (code) {
    case 7000215:
      return new AuthError('invalid_secret', `The client secret is wrong — use the secret's Value, not its Secret ID. (${app(ctx)}, ${where(ctx)})`, 'fix_secret', extra);
    case 7000222:
      return new AuthError(
        'secret_expired',
        `The client secret of ${app(ctx)} has expired (${where(ctx)}). Create a new one under Certificates & secrets in the app registration and give Patchbay its Value.`,
        'fix_secret',
        extra,
      );
    case 7000218:
    case 7000216:
      return new AuthError('secret_missing', `No client secret or certificate was sent for ${app(ctx)} (${where(ctx)}).`, 'fix_secret', extra);
    case 700016:
      return new AuthError(
        'app_not_found',
        `${app(ctx)} is not registered in ${where(ctx)}. Check the Application (client) ID and the tenant, or have an administrator add the app to this tenant.`,
        'check_app_registration',
        extra,
      );
    case 90002:
      return new AuthError(
        'tenant_not_found',
        `Tenant ${ctx.tenant} was not found in the ${ctx.cloud} cloud. Check the tenant ID or domain, and that the account uses the cloud the tenant lives in.`,
        'check_tenant',
        extra,
      );
    case 65001:
      return new AuthError(
        'consent_required',
        `Nobody has consented to ${app(ctx)} using Power Platform on behalf of users in ${where(ctx)}. An administrator grants it under API permissions → Grant admin consent (or the user accepts the consent prompt at sign-in).`,
        'grant_consent',
        extra,
      );
    case 50057:
      return new AuthError(
        'user_disabled',
        `The user account${ctx.username ? ` ${ctx.username}` : ''} is disabled in ${where(ctx)}. Sign in with another account, or ask an administrator to re-enable it.`,
        'contact_admin',
        extra,
      );
    case 50034:
      return new AuthError('user_not_found', `The user does not exist in ${where(ctx)}. Sign in with an account of this tenant.`, 'sign_in', extra);
    case 700025:
      return new AuthError('configuration', `${app(ctx)} is a public client in ${where(ctx)}: use interactive or device-code mode, not a secret or certificate.`, 'check_app_registration', extra);
    case 7000112:
      return new AuthError('app_not_found', `${app(ctx)} is disabled in ${where(ctx)}.`, 'contact_admin', extra);
    case 53003:
    case 53000:
    case 53001:
      return new AuthError('blocked_by_policy', `Conditional Access in ${where(ctx)} blocked the sign-in of ${who(ctx)}. Ask an administrator which policy applies.`, 'contact_admin', extra);
    case 500011:
      return new AuthError('configuration', `The requested Power Platform service is not available in ${where(ctx)} (AADSTS500011).`, 'check_tenant', extra);
    case 65004:
      return new AuthError('declined', `The sign-in was declined (${app(ctx)}, ${where(ctx)}).`, 'sign_in', extra);
    default:
      break;
  }
  if (REFRESH_DEAD.has(code)) return signInRequired(ctx, 'the session has expired or was revoked', extra);
  if (MFA_REQUIRED.has(code)) return signInRequired(ctx, 'Entra ID requires multi-factor authentication', extra);
  if (CERTIFICATE_REJECTED.has(code)) {
    const why =
      code === 700024
        ? "the signed assertion is outside its valid time: check this computer's clock"
        : 'the certificate is not registered on the app (upload its public part under Certificates & secrets) or the signed assertion is invalid';
    return new AuthError('certificate_rejected', `${where(ctx)} rejected the certificate of ${app(ctx)}: ${why}.`, 'fix_certificate', extra);
  }
  return null;
}

function fromNetwork(failure: NetworkFailure | null, ctx: AuthErrorContext, cause: unknown): AuthError | null {
  if (failure === null) return null;
  const host = (() => {
    try {
      return new URL(failure.url).host;
    } catch {
      return failure.url;
    }
  })();
  if (failure.kind === 'aad') {
    const code = failure.codes[0];
    if (code !== undefined) {
      const mapped = fromAadsts(code, ctx, { aadsts: code, cause });
      if (mapped) return mapped;
    }
    return new AuthError('unknown', `${host} answered HTTP ${failure.status} (${failure.error ?? 'no error code'}) for ${who(ctx)}.`, 'retry', { cause });
  }
  if (failure.code !== undefined && TLS_CODES.test(failure.code)) {
    return new AuthError(
      'tls_untrusted',
      `The TLS certificate of ${host} is not trusted (${failure.code}: ${failure.message}); nothing was sent. If a proxy inspects TLS, its root certificate must be trusted (NODE_EXTRA_CA_CERTS); a sandbox account needs the sandbox's CA (${where(ctx)}).`,
      'check_network',
      { cause },
    );
  }
  const reason = failure.code !== undefined && CONNECT_CODES.has(failure.code) ? `${failure.code}: ${failure.message}` : failure.message;
  return new AuthError('network', `${host} cannot be reached (${reason}). Check the network, proxy and the cloud of the account (${where(ctx)}).`, 'check_network', { cause });
}

/**
 * Maps whatever msal (or the network under it) threw to an AuthError. `failure` is the network
 * failure recorded during the operation, which explains msal's opaque discovery and network errors.
 */
export function toAuthError(error: unknown, ctx: AuthErrorContext, failure: NetworkFailure | null = null): AuthError {
  if (error instanceof AuthError) return error;
  if (error instanceof CertificateError) return new AuthError('certificate_invalid', `${error.message} (${app(ctx)}, ${where(ctx)})`, 'fix_certificate', { cause: error });
  if (!(error instanceof MsalAuthError)) {
    const network = fromNetwork(failure, ctx, error);
    if (network) return network;
    const text = error instanceof Error ? error.message : String(error);
    return new AuthError('unknown', `Signing in to ${where(ctx)} failed unexpectedly (${app(ctx)}): ${text}`, 'retry', { cause: error });
  }

  const correlationId = error.correlationId || undefined;
  const base = { cause: error, ...(correlationId === undefined ? {} : { correlationId }) };
  const aadsts = aadstsOf(error);
  if (aadsts !== undefined) {
    const mapped = fromAadsts(aadsts, ctx, { ...base, aadsts });
    if (mapped) return mapped;
  }
  if (error instanceof InteractionRequiredAuthError) {
    return signInRequired(ctx, 'Entra ID needs you to sign in interactively', { ...base, ...(aadsts === undefined ? {} : { aadsts }) });
  }
  switch (error.errorCode) {
    case 'endpoints_resolution_error':
    case 'openid_config_error':
    case 'network_error':
    case 'no_network_connectivity': {
      const network = fromNetwork(failure, ctx, error);
      if (network) return network;
      return new AuthError('network', `The sign-in service of the ${ctx.cloud} cloud cannot be reached for tenant ${ctx.tenant}.`, 'check_network', base);
    }
    case 'device_code_polling_cancelled':
    case 'user_canceled':
      return cancelled(ctx);
    case 'user_timeout_reached':
    case 'device_code_expired':
      return new AuthError('timed_out', `The sign-in timed out before it was completed (${app(ctx)}, ${where(ctx)}). Start it again.`, 'sign_in', base);
    case 'authorization_declined':
    case 'access_denied':
      return new AuthError('declined', `The sign-in was declined (${app(ctx)}, ${where(ctx)}).`, 'sign_in', base);
    case 'no_account_in_silent_request':
    case 'no_account_found':
    case 'no_tokens_found':
    case 'refresh_token_expired':
      return signInRequired(ctx, 'no usable session is stored', base);
    case 'untrusted_authority':
    case 'authority_uri_insecure':
    case 'issuer_validation_failed':
      return new AuthError('configuration', `The sign-in authority of the ${ctx.cloud} cloud is not trusted by msal (${error.errorCode}).`, 'check_tenant', base);
    default:
      break;
  }
  if (error instanceof ServerError && (error.status === 429 || (error.status ?? 0) >= 500)) {
    return new AuthError('throttled', `The sign-in service of the ${ctx.cloud} cloud is busy (HTTP ${error.status ?? ''}); try again shortly.`, 'retry', base);
  }
  const detail = (error.errorMessage || error.message).split(/\r?\n/)[0] ?? error.errorCode;
  return new AuthError('unknown', `Signing in to ${where(ctx)} failed (${app(ctx)}): ${error.errorCode}: ${detail}`, 'retry', { ...base, ...(aadsts === undefined ? {} : { aadsts }) });
}
