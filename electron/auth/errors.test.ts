import { ClientAuthError, ClientConfigurationError, InteractionRequiredAuthError, ServerError } from '@azure/msal-node';
import { describe, expect, it } from 'vitest';
import { registerSecret, clearRegisteredSecrets } from '../log/redact';
import { CertificateError } from './certificate';
import { toAuthError, type AuthError, type AuthErrorContext } from './errors';
import type { NetworkFailure } from './network-diagnostics';

/** The mapping alone: each msal error (or recorded network failure) to its code, action and message. */

const ctx: AuthErrorContext = { tenant: 'contoso.onmicrosoft.com', clientId: '51f81489-12ee-4a9e-aaae-a2591f45987d', cloud: 'Commercial (public)' };
const CID = '0d7c9b2f-1111-4222-8333-944445555666';

function server(code: number, error = 'invalid_grant', status = 400, suberror = ''): ServerError {
  const description = `AADSTS${code}: Something.\r\nTrace ID: t\r\nCorrelation ID: ${CID}\r\nTimestamp: 2026-01-01 00:00:00Z`;
  return new ServerError(error, CID, `Error(s): ${code} - Timestamp: 2026-01-01 00:00:00Z - Description: ${description}`, suberror, String(code), status);
}

function expectNames(error: AuthError): void {
  expect(error.message).toContain(ctx.clientId);
  expect(error.message).toContain(ctx.tenant);
  expect(error.message).toContain(ctx.cloud);
}

describe('toAuthError', () => {
  it.each([
    [7000215, 'invalid_client', 'invalid_secret', 'fix_secret', "The client secret is wrong — use the secret's Value, not its Secret ID"],
    [7000222, 'invalid_client', 'secret_expired', 'fix_secret', 'has expired'],
    [700016, 'unauthorized_client', 'app_not_found', 'check_app_registration', 'is not registered in'],
    [65001, 'invalid_grant', 'consent_required', 'grant_consent', 'Grant admin consent'],
    [50057, 'invalid_grant', 'user_disabled', 'contact_admin', 'is disabled'],
    [700027, 'invalid_client', 'certificate_rejected', 'fix_certificate', 'not registered on the app'],
    [700024, 'invalid_client', 'certificate_rejected', 'fix_certificate', 'clock'],
    [50173, 'invalid_grant', 'sign_in_required', 'sign_in', 'Sign in again'],
    [700082, 'invalid_grant', 'sign_in_required', 'sign_in', 'Sign in again'],
    [70008, 'invalid_grant', 'sign_in_required', 'sign_in', 'Sign in again'],
    [50076, 'invalid_grant', 'sign_in_required', 'sign_in', 'multi-factor'],
    [53003, 'access_denied', 'blocked_by_policy', 'contact_admin', 'Conditional Access'],
  ] as const)('maps AADSTS%i to %s', (code, error, expected, action, text) => {
    const mapped = toAuthError(server(code, error), ctx);
    expect(mapped).toMatchObject({ code: expected, action, aadsts: code, correlationId: CID });
    expect(mapped.message).toContain(text);
    if (expected !== 'user_disabled' && expected !== 'sign_in_required' && expected !== 'blocked_by_policy') expectNames(mapped);
  });

  it('maps tenant not found (90002) and names the tenant and cloud', () => {
    const mapped = toAuthError(server(90002, 'invalid_request'), ctx);
    expect(mapped).toMatchObject({ code: 'tenant_not_found', action: 'check_tenant' });
    expect(mapped.message).toContain('contoso.onmicrosoft.com');
    expect(mapped.message).toContain('Commercial (public)');
  });

  it('reads the AADSTS number from the text when msal did not parse it (authorize errors)', () => {
    const fromAuthorize = new ServerError('consent_required', CID, "AADSTS65001: The user or administrator has not consented to use the application with ID 'x'.", 'consent_required');
    expect(toAuthError(fromAuthorize, ctx)).toMatchObject({ code: 'consent_required', aadsts: 65001 });
  });

  it('maps every interaction-required error to "sign in again", never to UI', () => {
    const e = new InteractionRequiredAuthError('interaction_required', CID, 'AADSTS50076: MFA needed', 'basic_action');
    expect(toAuthError(e, ctx)).toMatchObject({ code: 'sign_in_required', action: 'sign_in' });
    expect(toAuthError(new InteractionRequiredAuthError('no_tokens_found', CID), { ...ctx, username: 'adele@contoso.com' }).message).toContain('adele@contoso.com');
    expect(toAuthError(new ClientAuthError('no_account_in_silent_request', CID), ctx).code).toBe('sign_in_required');
  });

  it('explains msal’s opaque discovery error with the recorded network failure', () => {
    const discovery = new ClientAuthError('endpoints_resolution_error', CID);
    const tenant: NetworkFailure = { kind: 'aad', seq: 1, url: 'https://login.microsoftonline.com/x/v2.0/.well-known/openid-configuration', status: 400, codes: [90002], error: 'invalid_tenant' };
    expect(toAuthError(discovery, ctx, tenant)).toMatchObject({ code: 'tenant_not_found', aadsts: 90002 });
    const tls: NetworkFailure = { kind: 'transport', seq: 2, url: 'https://127.0.0.1:8443/login/x', message: 'self-signed certificate in certificate chain', code: 'SELF_SIGNED_CERT_IN_CHAIN' };
    const mapped = toAuthError(discovery, ctx, tls);
    expect(mapped).toMatchObject({ code: 'tls_untrusted', action: 'check_network' });
    expect(mapped.message).toContain('127.0.0.1:8443');
    expect(mapped.message).toContain('self-signed certificate in certificate chain');
    const refused: NetworkFailure = { kind: 'transport', seq: 3, url: 'https://login.microsoftonline.us/x', message: 'connect ECONNREFUSED', code: 'ECONNREFUSED' };
    expect(toAuthError(new ClientAuthError('network_error', CID), ctx, refused)).toMatchObject({ code: 'network', action: 'check_network' });
    expect(toAuthError(discovery, ctx, null)).toMatchObject({ code: 'network' });
  });

  it('maps cancellation, timeouts, declines, throttling and configuration errors', () => {
    expect(toAuthError(new ClientAuthError('device_code_polling_cancelled', CID), ctx).code).toBe('cancelled');
    expect(toAuthError(new ClientAuthError('user_timeout_reached', CID), ctx).code).toBe('timed_out');
    expect(toAuthError(new ServerError('authorization_declined', CID, 'declined'), ctx).code).toBe('declined');
    expect(toAuthError(new ServerError('temporarily_unavailable', CID, 'busy', '', undefined, 503), ctx)).toMatchObject({ code: 'throttled', action: 'retry' });
    expect(toAuthError(new ClientConfigurationError('untrusted_authority', CID), ctx).code).toBe('configuration');
    expect(toAuthError(new CertificateError("'/x.pem' holds no private key."), ctx)).toMatchObject({ code: 'certificate_invalid', action: 'fix_certificate' });
  });

  it('keeps unknown errors readable, and passes an AuthError through', () => {
    const unknown = toAuthError(server(123456, 'weird_error'), ctx);
    expect(unknown).toMatchObject({ code: 'unknown', action: 'retry', aadsts: 123456 });
    expect(unknown.message).toContain('weird_error');
    const plain = toAuthError(new Error('kaput'), ctx);
    expect(plain.message).toContain('kaput');
    expect(toAuthError(plain, ctx)).toBe(plain);
  });

  it('never lets a secret or token into the message', () => {
    registerSecret('Sup3r~Secret~Value');
    try {
      const leaky = new ServerError('weird', CID, 'echo: client_secret=Sup3r~Secret~Value Bearer eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln', '');
      const mapped = toAuthError(leaky, ctx);
      expect(mapped.message).not.toContain('Sup3r~Secret~Value');
      expect(mapped.message).not.toContain('eyJzdWIiOiJ4In0');
      expect(JSON.stringify(mapped)).not.toContain('Sup3r');
    } finally {
      clearRegisteredSecrets();
    }
  });

  it('serialises as plain data: code, message, action', () => {
    const json = JSON.parse(JSON.stringify(toAuthError(server(7000215, 'invalid_client', 401), ctx))) as Record<string, unknown>;
    expect(Object.keys(json)).toEqual(['code', 'message', 'action', 'aadsts', 'correlationId']);
  });
});
