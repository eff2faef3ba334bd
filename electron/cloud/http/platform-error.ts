/**
 * The one error type the cloud layer throws for anything the platform (or the network on the way to it)
 * answers: what happened in plain language, the platform's own words and codes, and enough context
 * (method, URL without secrets, correlation id) to find the request in the service's logs.
 */

export type PlatformErrorKind =
  | 'throttled'
  | 'auth'
  | 'forbidden'
  | 'not-found'
  | 'conflict'
  /** 412: the row changed since it was read (If-Match), or a create-only upsert found a row. */
  | 'concurrency'
  | 'bad-request'
  | 'server'
  | 'network'
  | 'timeout'
  | 'cancelled'
  /** An answer that is not what the API speaks: HTML, truncated or invalid JSON, wrong type, too large. */
  | 'invalid-response';

/** One `{code, message}` behind a failure: `MultipleErrorsOccurred` details, or an error nested in a message. */
export interface PlatformErrorDetail {
  code: string;
  message: string;
}

/** What the answer itself says; `parsePlatformError` produces it from status, headers and body alone. */
export interface PlatformErrorInfo {
  kind: PlatformErrorKind;
  /** HTTP status; null when no answer arrived (network, timeout, cancelled). */
  status: number | null;
  /** The envelope's code as sent: `0x…` from Dataverse, a name from the gateways, the OAuth `error` from Entra. */
  code: string | null;
  /** The Dataverse code (`0x80060467`), when `code` is one. */
  dataverseCode: string | null;
  /** The Flow service's code inside Dataverse's `0x80060467` wrapper, e.g. `XrmConnectionReferenceMissingConnection`. */
  flowCode: string | null;
  /** The Flow service's status text inside the wrapper: `BadRequest`, `Forbidden`. */
  flowStatus: string | null;
  details: readonly PlatformErrorDetail[];
  /** `AADSTS70011` → 70011. */
  aadsts: number | null;
  /** One plain-language line: what went wrong, for a release manager. */
  summary: string;
  /** The platform's own text (inner message for wrapped Flow errors), when there is one. */
  platformMessage: string | null;
  retryAfterS: number | null;
  /** The service's id for the request (`x-ms-service-request-id`, `x-ms-request-id`, `REQ_ID`). */
  serverRequestId: string | null;
}

export interface PlatformErrorContext {
  method: string;
  /** Redacted with `redactUrl` by the constructor. */
  url: string;
  correlationId: string;
  /** Attempts made (1 when nothing was retried). */
  attempts?: number;
  cause?: unknown;
}

export class PlatformError extends Error {
  override name = 'PlatformError';
  readonly kind: PlatformErrorKind;
  readonly status: number | null;
  readonly code: string | null;
  readonly dataverseCode: string | null;
  readonly flowCode: string | null;
  readonly flowStatus: string | null;
  readonly details: readonly PlatformErrorDetail[];
  readonly aadsts: number | null;
  readonly summary: string;
  readonly platformMessage: string | null;
  readonly retryAfterS: number | null;
  readonly serverRequestId: string | null;
  readonly method: string;
  readonly url: string;
  readonly correlationId: string;
  readonly attempts: number;

  constructor(info: PlatformErrorInfo, context: PlatformErrorContext) {
    const url = redactUrl(context.url);
    const lines = [info.summary];
    if (info.platformMessage && info.platformMessage !== info.summary) lines.push(info.platformMessage);
    for (const d of info.details) {
      const line = `- ${d.code}: ${d.message}`;
      if (!lines.includes(line)) lines.push(line);
    }
    const attempts = context.attempts ?? 1;
    const ids = [`correlation id ${context.correlationId}`];
    if (info.serverRequestId) ids.push(`service request id ${info.serverRequestId}`);
    if (attempts > 1) ids.push(`${attempts} attempts`);
    lines.push(`Request: ${context.method} ${url} (${ids.join(', ')})`);
    super(lines.join('\n'), context.cause === undefined ? undefined : { cause: context.cause });
    this.kind = info.kind;
    this.status = info.status;
    this.code = info.code;
    this.dataverseCode = info.dataverseCode;
    this.flowCode = info.flowCode;
    this.flowStatus = info.flowStatus;
    this.details = info.details;
    this.aadsts = info.aadsts;
    this.summary = info.summary;
    this.platformMessage = info.platformMessage;
    this.retryAfterS = info.retryAfterS;
    this.serverRequestId = info.serverRequestId;
    this.method = context.method;
    this.url = url;
    this.correlationId = context.correlationId;
    this.attempts = attempts;
  }

  /** The most specific platform code: the inner Flow code, else the Dataverse or gateway code. */
  get reason(): string | null {
    return this.flowCode ?? this.code;
  }
}

/** The caller cancelled (its AbortSignal fired): not a failure of the platform, and never retried. */
export class CancelledError extends PlatformError {
  override name = 'CancelledError';

  constructor(context: PlatformErrorContext) {
    super(localInfo('cancelled', 'The request was cancelled.'), context);
  }
}

export function isCancelled(error: unknown): error is CancelledError {
  return error instanceof CancelledError;
}

/** Info for failures without an HTTP answer (network, timeout, cancelled) or found on our side. */
export function localInfo(kind: PlatformErrorKind, summary: string, extra: Partial<PlatformErrorInfo> = {}): PlatformErrorInfo {
  return {
    kind,
    status: null,
    code: null,
    dataverseCode: null,
    flowCode: null,
    flowStatus: null,
    details: [],
    aadsts: null,
    summary,
    platformMessage: null,
    retryAfterS: null,
    serverRequestId: null,
    ...extra,
  };
}

/** Query parameters whose values may be credentials (SAS signatures, codes, tokens, keys). */
const SECRET_PARAM = /sig|signature|token|secret|password|passwd|code|key|assertion|credential/i;
const MAX_URL_CHARS = 1000;

/**
 * The URL as errors and logs may show it: no user info, no fragment, secret-looking query values
 * replaced by `***`, and at most 1000 characters (a `$filter` over many ids can be long).
 */
export function redactUrl(raw: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return raw.length > MAX_URL_CHARS ? `${raw.slice(0, MAX_URL_CHARS)}…` : raw;
  }
  url.username = '';
  url.password = '';
  url.hash = '';
  const query = [...url.searchParams.entries()]
    .map(([name, value]) => `${name}=${SECRET_PARAM.test(name) ? '***' : value}`)
    .join('&');
  const text = `${url.origin}${url.pathname}${query ? `?${query}` : ''}`;
  return text.length > MAX_URL_CHARS ? `${text.slice(0, MAX_URL_CHARS)}…` : text;
}
