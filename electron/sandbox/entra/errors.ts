import { randomUUID } from 'node:crypto';
import { json, type SbRequest, type SbResponse } from '../http';

/**
 * Entra's error answers (reference §5.6): an OAuth `error`, an `AADSTSnnn:` description followed by
 * the trace/correlation/timestamp trailer, `error_codes`, `timestamp`, `trace_id`, `correlation_id`
 * (the caller's `client-request-id`), `error_uri`, and sometimes `suberror`. The catalog below keeps
 * every text in one place. Texts are the platform's as captured in the wild; the few for which no
 * capture was found are marked "sandbox wording" (same code and `error`, our sentence).
 */

export interface AadError {
  /** The OAuth `error` value clients branch on. */
  error: string;
  /** The AADSTS number. */
  code: number;
  /** The description after `AADSTS{code}: `. */
  message: string;
  /** HTTP status on the token endpoint (401 for invalid_client). */
  status: number;
  suberror?: string;
}

function aadError(code: number, error: string, message: string, status = 400, suberror?: string): AadError {
  return suberror === undefined ? { error, code, message, status } : { error, code, message, status, suberror };
}

/** `2016-01-09 02:02:12Z`, as every Entra error carries it. */
export function entraTimestamp(at: Date): string {
  return at.toISOString().replace('T', ' ').replace(/\.\d+Z$/, 'Z');
}

/** A .NET round-trip time (`2023-02-06T12:26:14.6448497Z`), as AADSTS texts quote dates. */
export function dotnetTime(ms: number): string {
  return new Date(ms).toISOString().replace(/\.(\d{3})Z$/, '.$10000Z');
}

/** A .NET TimeSpan (`90.00:00:00`, or `00:05:00` under a day), as AADSTS700082 quotes the window. */
export function dotnetTimeSpan(seconds: number): string {
  const s = Math.max(0, Math.floor(seconds));
  const days = Math.floor(s / 86_400);
  const two = (n: number) => String(n).padStart(2, '0');
  const clock = `${two(Math.floor((s % 86_400) / 3600))}:${two(Math.floor((s % 3600) / 60))}:${two(s % 60)}`;
  return days > 0 ? `${days}.${clock}` : clock;
}

const CERT_DOCS = 'Review the documentation at https://docs.microsoft.com/en-us/azure/active-directory/develop/active-directory-certificate-credentials .';

/** Every AADSTS answer the sandbox gives. */
export const aad = {
  // ── request shape ──────────────────────────────────────────────────────────────────────────
  missingParameter: (name: string) => aadError(900144, 'invalid_request', `The request body must contain the following parameter: '${name}'.`),
  malformedRequest: () => aadError(9002313, 'invalid_request', 'Invalid request. Request is malformed or invalid.'),
  methodNotAllowed: (method: string) =>
    aadError(900561, 'invalid_request', `The endpoint only accepts POST, OPTIONS requests. Received a ${method} request.`),
  // sandbox wording
  unsupportedGrantType: (grant: string) => aadError(70003, 'unsupported_grant_type', `The app requested an unsupported grant type '${grant}'.`),

  // ── tenant and application ─────────────────────────────────────────────────────────────────
  tenantNotFound: (tenant: string, error: 'invalid_tenant' | 'invalid_request' = 'invalid_request') =>
    aadError(
      90002,
      error,
      `Tenant '${tenant}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud. Check with your subscription administrator, this may happen if there are no active subscriptions for the tenant.`,
    ),
  noTenantInformation: () =>
    aadError(50059, 'invalid_request', 'No tenant-identifying information found in either the request or implied by any provided credentials.'),
  appNotFound: (appId: string, directory: string) =>
    aadError(
      700016,
      'unauthorized_client',
      `Application with identifier '${appId}' was not found in the directory '${directory}'. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You may have sent your authentication request to the wrong tenant.`,
    ),
  // sandbox wording (InstanceDiscovery: NoSuchInstanceForDiscovery)
  instanceUnknown: () => aadError(50049, 'invalid_instance', 'Unknown or invalid instance.'),

  // ── client authentication ──────────────────────────────────────────────────────────────────
  invalidSecret: (appId: string) =>
    aadError(
      7000215,
      'invalid_client',
      `Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '${appId}'.`,
      401,
    ),
  secretExpired: (appId: string) =>
    aadError(
      7000222,
      'invalid_client',
      `The provided client secret keys for app '${appId}' are expired. Visit the Azure portal to create new keys for your app: https://aka.ms/NewClientSecret, or consider using certificate credentials for added security: https://aka.ms/certCreds.`,
      401,
    ),
  missingCredential: () =>
    aadError(7000218, 'invalid_client', "The request body must contain the following parameter: 'client_assertion' or 'client_secret'.", 401),
  clientCredentialsNeedCredential: () =>
    aadError(7000216, 'invalid_client', "'client_assertion', 'client_secret' or 'request' is required for the 'client_credentials' grant type.", 401),
  publicClientWithCredential: () =>
    aadError(700025, 'invalid_client', "Client is public so neither 'client_assertion' nor 'client_secret' should be presented.", 401),
  assertionSignature: () => aadError(700027, 'invalid_client', 'Client assertion failed signature validation.', 401),
  assertionKeyNotFound: (thumbprintHex: string, appId: string) =>
    aadError(
      700027,
      'invalid_client',
      `The certificate with identifier used to sign the client assertion is not registered on application. [Reason - The key was not found., Thumbprint of key used by client: '${thumbprintHex}', Please visit the Azure Portal, Graph Explorer or directly use MS Graph to see configured keys for app Id '${appId}'.]`,
      401,
    ),
  assertionNoThumbprint: () => aadError(5002723, 'invalid_client', 'Invalid JWT token. No certificate thumbprint specified in token header.', 401),
  // also answers an assertion whose `aud` is not this token endpoint (InvalidJwtToken: unexpected audience)
  assertionMalformed: () => aadError(50027, 'invalid_client', 'JWT token is invalid or malformed.', 401),
  assertionIssuer: () =>
    aadError(700021, 'invalid_client', `Client assertion application identifier doesn't match 'client_id' parameter. ${CERT_DOCS}`, 401),
  assertionSubject: () => aadError(50048, 'invalid_client', 'Subject mismatches Issuer claim in the client assertion.', 401),
  assertionTime: (nowMs: number, nbfS: number | undefined, expS: number | undefined) =>
    aadError(
      700024,
      'invalid_client',
      `Client assertion is not within its valid time range. Current time: ${dotnetTime(nowMs)}, assertion valid from ${nbfS === undefined ? '' : dotnetTime(nbfS * 1000)}, expiry time of assertion ${expS === undefined ? '' : dotnetTime(expS * 1000)}. ${CERT_DOCS}`,
      401,
    ),

  // ── scopes and resources ───────────────────────────────────────────────────────────────────
  invalidScope: (scope: string) =>
    aadError(70011, 'invalid_scope', `The provided value for the input parameter 'scope' is not valid. The scope ${scope} is not valid.`),
  clientCredentialsScope: (scope: string) =>
    aadError(
      1002012,
      'invalid_scope',
      `The provided value for scope ${scope} is not valid. Client credential flows must have a scope value with /.default suffixed to the resource identifier (application ID URI).`,
    ),
  multipleResources: (scope: string) =>
    aadError(
      700022,
      'invalid_scope',
      `The provided value for the input parameter scope is not valid because it contains more than one resource. The scope ${scope} is not valid.`,
    ),
  resourceNotFound: (resource: string, tenantName: string) =>
    aadError(
      500011,
      'invalid_resource',
      `The resource principal named ${resource} was not found in the tenant named ${tenantName}. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You might have sent your authentication request to the wrong tenant.`,
    ),

  // ── users ──────────────────────────────────────────────────────────────────────────────────
  userDisabled: (error = 'invalid_grant') =>
    aadError(
      50057,
      error,
      'The user account is disabled. The user object in Active Directory backing this account has been disabled. An admin can re-enable this account through PowerShell',
    ),
  userNotFound: (upn: string, tenantId: string) =>
    aadError(
      50034,
      'invalid_grant',
      `The user account ${upn} does not exist in the ${tenantId} directory. To sign into this application, the account must be added to the directory.`,
    ),
  consentRequired: (appId: string, appName: string, error = 'invalid_grant') =>
    aadError(
      65001,
      error,
      `The user or administrator has not consented to use the application with ID '${appId}' named '${appName}'. Send an interactive authorization request for this user and resource.`,
      400,
      'consent_required',
    ),
  // first sentence of the platform's text
  loginRequired: () =>
    aadError(50058, 'login_required', 'A silent sign-in request was sent but no user is signed in.'),

  // ── authorization codes and refresh tokens ─────────────────────────────────────────────────
  codeChallengeSize: () => aadError(501491, 'invalid_request', 'Invalid size of Code_Challenge parameter.'),
  pkceMismatch: () => aadError(501481, 'invalid_grant', 'The Code_Verifier does not match the code_challenge supplied in the authorization request.'),
  codeRedeemed: () =>
    aadError(54005, 'invalid_grant', 'OAuth2 Authorization code was already redeemed, please retry with a new valid code or use an existing refresh token.'),
  codeExpired: () =>
    aadError(
      70008,
      'invalid_grant',
      'The provided authorization code or refresh token has expired due to inactivity. Send a new interactive authorization request for this user and resource.',
    ),
  malformedGrant: () => aadError(9002313, 'invalid_grant', 'Invalid request. Request is malformed or invalid.'),
  grantNotForClient: () => aadError(70000, 'invalid_grant', 'Provided grant is invalid or malformed.'),
  replyAddressMismatch: (given: string, original: string) =>
    aadError(
      500112,
      'invalid_grant',
      `The reply address '${given}' does not match the reply address '${original}' provided when requesting Authorization code.`,
    ),
  refreshTokenInactive: (issuedMs: number, windowS: number) =>
    aadError(
      700082,
      'invalid_grant',
      `The refresh token has expired due to inactivity. The token was issued on ${dotnetTime(issuedMs)} and was inactive for ${dotnetTimeSpan(windowS)}.`,
    ),
  grantRevoked: (issuedMs: number, validFromMs: number) =>
    aadError(
      50173,
      'invalid_grant',
      `The provided grant has expired due to it being revoked, a fresh auth token is needed. The user might have changed or reset their password. The grant was issued on '${dotnetTime(issuedMs)}' and the TokensValidFrom date (before which tokens are not valid) for this user is '${dotnetTime(validFromMs)}'.`,
    ),

  // ── device code ────────────────────────────────────────────────────────────────────────────
  authorizationPending: () => aadError(70016, 'authorization_pending', 'OAuth 2.0 device flow error. Authorization is pending. Continue polling.'),
  // sandbox wording (code from the AADSTS table: UserDeclinedConsent)
  authorizationDeclined: () => aadError(65004, 'authorization_declined', 'User declined to consent to access the app.'),
  // sandbox wording (CodeExpired)
  deviceCodeExpired: () => aadError(70019, 'expired_token', 'Verification code expired.'),
  // sandbox wording (BadVerificationCode)
  badVerificationCode: () => aadError(70018, 'bad_verification_code', "The provided value for the input parameter 'device_code' is not valid."),

  // ── authorize ──────────────────────────────────────────────────────────────────────────────
  redirectUriMismatch: (redirectUri: string, appId: string) =>
    aadError(
      50011,
      'invalid_request',
      `The redirect URI '${redirectUri}' specified in the request does not match the redirect URIs configured for the application '${appId}'. Make sure the redirect URI sent in the request matches one added to your application in the Azure portal. Navigate to https://aka.ms/redirectUriMismatchError to learn more about how to fix this.`,
    ),
  noReplyAddress: () => aadError(900971, 'invalid_request', 'No reply address provided.'),
  // sandbox wording (UnsupportedResponseType)
  unsupportedResponseType: (type: string) => aadError(70005, 'unsupported_response_type', `response_type '${type}' is not enabled for the application.`),
  // sandbox wording (UnsupportedResponseMode)
  unsupportedResponseMode: (mode: string) => aadError(70007, 'invalid_request', `The response_mode '${mode}' is not supported for this request.`),
} as const;

/** Where an error happened: the trailer and the JSON need these. */
export interface ErrorContext {
  baseUrl: string;
  traceId: string;
  correlationId: string;
  now?: Date;
}

/** The correlation id msal sends (`client-request-id`, in the query, a header or the body); else a fresh one. */
export function correlationIdOf(req: SbRequest, form?: Record<string, string>): string {
  return (
    req.url.searchParams.get('client-request-id') ??
    req.headers['client-request-id'] ??
    form?.['client-request-id'] ??
    randomUUID()
  );
}

export function errorContext(baseUrl: string, req: SbRequest, form?: Record<string, string>): ErrorContext {
  return { baseUrl, traceId: req.requestId, correlationId: correlationIdOf(req, form) };
}

/** The full `error_description`, trailer included. */
export function errorDescription(err: AadError, ec: ErrorContext): string {
  const timestamp = entraTimestamp(ec.now ?? new Date());
  return `AADSTS${err.code}: ${err.message}\r\nTrace ID: ${ec.traceId}\r\nCorrelation ID: ${ec.correlationId}\r\nTimestamp: ${timestamp}`;
}

export function errorUri(baseUrl: string, code: number): string {
  return `${baseUrl}/login/error?code=${code}`;
}

/** The JSON body, fields in Entra's order. */
export function errorPayload(err: AadError, ec: ErrorContext): Record<string, unknown> {
  const now = ec.now ?? new Date();
  const body: Record<string, unknown> = {
    error: err.error,
    error_description: errorDescription(err, { ...ec, now }),
    error_codes: [err.code],
    timestamp: entraTimestamp(now),
    trace_id: ec.traceId,
    correlation_id: ec.correlationId,
    error_uri: errorUri(ec.baseUrl, err.code),
  };
  if (err.suberror) body['suberror'] = err.suberror;
  return body;
}

/** Headers every token-endpoint answer carries. */
export function tokenHeaders(ec: ErrorContext): Record<string, string> {
  return {
    'cache-control': 'no-store, no-cache',
    pragma: 'no-cache',
    'x-ms-request-id': ec.traceId,
    'client-request-id': ec.correlationId,
    'x-ms-ests-server': '2.1.sandbox - patchbay',
  };
}

export function errorResponse(err: AadError, ec: ErrorContext): SbResponse {
  return json(err.status, errorPayload(err, ec), tokenHeaders(ec));
}

/** Thrown inside endpoint code to answer with an AADSTS error; the endpoint turns it into a response. */
export class AadFailure extends Error {
  readonly aad: AadError;
  constructor(err: AadError) {
    super(`AADSTS${err.code}: ${err.message}`);
    this.name = 'AadFailure';
    this.aad = err;
  }
}

export function fail(err: AadError): never {
  throw new AadFailure(err);
}
