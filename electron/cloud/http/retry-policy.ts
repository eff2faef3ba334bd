import type { HttpRequest, Repeatable } from '../contracts';

/**
 * When a failed attempt may be sent again, and how long to wait first.
 *
 * Sending again is only safe when doing the request twice has the same effect as doing it once:
 * - GET and HEAD are reads: always repeatable.
 * - PATCH is an upsert in Dataverse (dataverse-web-api.md §8): without `If-Match` a retry after a lost
 *   answer may create a row that was deleted in between, and repeats side effects the caller did not
 *   ask for twice. With `If-Match` (an ETag or `*`) it only updates an existing row — with an ETag, a
 *   second attempt after a successful first one fails with 412 instead of writing twice; with `*` a
 *   second identical update is harmless: repeatable.
 * - DELETE with `If-Match` is repeatable (a second one finds nothing or the same version); without it
 *   a retry could delete a row re-created in between, so it is not.
 * - POST and PUT are not (creates, actions, `$batch` with writes): the caller says `'yes'` when it
 *   knows better (a `$batch` of reads, `/start` of a flow that is already on is a no-op).
 * `'yes'` and `'no'` on the request override all of this.
 *
 * What is retried, and for which requests:
 * - 429: always, also for requests that are not repeatable. Service protection refuses a request
 *   before doing any of it ("requests that exceed the limits are not processed" — the platform's
 *   service-protection docs, dataverse-web-api.md §10), so resending it cannot do anything twice.
 *   The wait is exactly `Retry-After` (never less); without one, the backoff below.
 * - 401 with a token: once, after a forced token refresh, for every request — authentication happens
 *   before the request is processed.
 * - Failures to connect (refused, connect timeout, DNS try-again): for every request — nothing was sent.
 * - 502, 503, 504, connection resets and closed sockets mid-request, header/body/attempt timeouts: only
 *   for repeatable requests, since the server may have done the work before the answer was lost.
 */

export function headerValue(headers: Readonly<Record<string, string>> | undefined, name: string): string | undefined {
  if (!headers) return undefined;
  const wanted = name.toLowerCase();
  for (const [key, value] of Object.entries(headers)) if (key.toLowerCase() === wanted) return value;
  return undefined;
}

export function isRepeatable(request: Pick<HttpRequest, 'method' | 'headers'> & { repeatable?: Repeatable | undefined }): boolean {
  const mode = request.repeatable ?? 'auto';
  if (mode === 'yes') return true;
  if (mode === 'no') return false;
  switch (request.method) {
    case 'GET':
    case 'HEAD':
      return true;
    case 'PATCH':
    case 'DELETE':
      return (headerValue(request.headers, 'if-match') ?? '').trim() !== '';
    case 'POST':
    case 'PUT':
      return false;
  }
}

/** Gateway and availability failures worth another try (for repeatable requests). */
export const TRANSIENT_STATUSES: ReadonlySet<number> = new Set([502, 503, 504]);

export interface BackoffOptions {
  baseMs: number;
  capMs: number;
  /** [0, 1), like Math.random. */
  random: () => number;
}

/**
 * "Full jitter" exponential backoff: a uniform wait in [0, min(cap, base · 2^retry)). Spreads clients that
 * failed together across the whole interval, which beats fixed or "equal" jitter on total work.
 * `retry` counts from 0 for the first retry.
 */
export function backoffMs(retry: number, options: BackoffOptions): number {
  const ceiling = Math.min(options.capMs, options.baseMs * 2 ** Math.max(0, retry));
  return Math.floor(options.random() * ceiling);
}

export type NetworkFailure =
  /** Nothing reached the server: safe to retry any request. */
  | { phase: 'connect'; code: string }
  /** The request may have reached the server: retry only repeatable requests. */
  | { phase: 'in-flight'; code: string; timeout: boolean }
  /** Retrying will not help (TLS trust, unknown host, bad URL). */
  | { phase: 'fatal'; code: string };

const CONNECT_CODES = new Set(['ECONNREFUSED', 'UND_ERR_CONNECT_TIMEOUT', 'EAI_AGAIN', 'ENETUNREACH', 'EHOSTUNREACH', 'ENETDOWN', 'EHOSTDOWN']);
const IN_FLIGHT_CODES = new Set(['ECONNRESET', 'EPIPE', 'ECONNABORTED', 'ETIMEDOUT', 'UND_ERR_SOCKET', 'UND_ERR_CLOSED', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT', 'UND_ERR_REQ_CONTENT_LENGTH_MISMATCH', 'UND_ERR_RES_CONTENT_LENGTH_MISMATCH', 'ERR_STREAM_PREMATURE_CLOSE']);
const TIMEOUT_CODES = new Set(['ETIMEDOUT', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT']);

/** The first error `code` in an error's cause chain (undici and Node put it at different depths). */
export function errorCode(error: unknown): string | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && typeof current === 'object' && current !== null; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && code !== '') return code;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

export function classifyNetworkError(error: unknown): NetworkFailure {
  const code = errorCode(error) ?? 'UNKNOWN';
  if (CONNECT_CODES.has(code)) return { phase: 'connect', code };
  if (IN_FLIGHT_CODES.has(code)) return { phase: 'in-flight', code, timeout: TIMEOUT_CODES.has(code) };
  return { phase: 'fatal', code };
}

/** Plain words for a network failure, naming the host. */
export function describeNetworkFailure(code: string, host: string): string {
  switch (code) {
    case 'ECONNREFUSED':
      return `${host} refused the connection.`;
    case 'ENOTFOUND':
      return `The host ${host} does not exist (DNS lookup failed); check the environment URL.`;
    case 'EAI_AGAIN':
      return `The host ${host} could not be looked up right now (DNS).`;
    case 'UND_ERR_CONNECT_TIMEOUT':
      return `Connecting to ${host} timed out.`;
    case 'ECONNRESET':
    case 'UND_ERR_SOCKET':
    case 'UND_ERR_CLOSED':
    case 'EPIPE':
    case 'ECONNABORTED':
    case 'ERR_STREAM_PREMATURE_CLOSE':
      return `The connection to ${host} was closed before the answer arrived.`;
    case 'UND_ERR_HEADERS_TIMEOUT':
    case 'UND_ERR_BODY_TIMEOUT':
    case 'ETIMEDOUT':
      return `${host} did not answer in time.`;
    case 'UNABLE_TO_VERIFY_LEAF_SIGNATURE':
    case 'SELF_SIGNED_CERT_IN_CHAIN':
    case 'DEPTH_ZERO_SELF_SIGNED_CERT':
    case 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY':
      return `The TLS certificate of ${host} is not trusted (a proxy or an untrusted CA); add its CA to the cloud profile.`;
    case 'CERT_HAS_EXPIRED':
      return `The TLS certificate of ${host} has expired.`;
    case 'ERR_TLS_CERT_ALTNAME_INVALID':
      return `The TLS certificate of ${host} is for another host.`;
    default:
      return `The request to ${host} failed on the network (${code}).`;
  }
}
