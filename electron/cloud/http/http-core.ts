import { randomUUID } from 'node:crypto';
import { PRODUCT_NAME } from '../../../shared/product';
import type { HttpCore, HttpRequest, HttpResponse, TokenProvider } from '../contracts';
import { AdaptiveLimiter, type Permit } from './limiter';
import { parseJsonBody, parsePlatformError } from './parse-platform-error';
import { CancelledError, PlatformError, localInfo, type PlatformErrorContext } from './platform-error';
import { buildHeaders } from './request-headers';
import { parseRetryAfterMs } from './retry-after';
import { TRANSIENT_STATUSES, backoffMs, classifyNetworkError, describeNetworkFailure, headerValue, isRepeatable, type NetworkFailure } from './retry-policy';
import { BodyTooLargeError, createTransport, type RawResponse } from './transport';

/**
 * The one HTTP core of the cloud layer (design §5): token, standard and correlation headers, a
 * per-attempt timeout and the caller's AbortSignal, retries by the rules in `retry-policy.ts`, the
 * adaptive per-server limiter, and every failure as a `PlatformError` (cancellation as `CancelledError`).
 */

export interface RetryEvent {
  correlationId: string;
  method: string;
  url: string;
  /** The attempt that failed, from 1. */
  attempt: number;
  /** `429`, `503`, `401`, or a network code such as `ECONNRESET` / `TIMEOUT`. */
  reason: string;
  waitMs: number;
}

export interface HttpCoreOptions {
  tokens: TokenProvider;
  /** Extra CA (PEM) to trust besides Node's roots: the sandbox's, or a corporate proxy's. */
  caPem?: string;
  /** Per attempt, until the whole body is read (default 120 000 ms). */
  timeoutMs?: number;
  /** Retries after 5xx, network failures and timeouts (default 4, so at most 5 attempts). */
  maxRetries?: number;
  /** Retries after 429 (default 10): the platform says when, so these have their own, larger budget. */
  maxThrottleRetries?: number;
  /** First backoff ceiling (default 500 ms); doubles per retry up to `retryCapMs`. */
  retryBaseMs?: number;
  /** Backoff ceiling (default 30 000 ms). */
  retryCapMs?: number;
  /** A `Retry-After` longer than this is not waited out: the 429 is reported (default 300 000 ms, the platform's window). */
  maxRetryAfterMs?: number;
  /** Largest answer read (default 128 MiB); a larger one is an `invalid-response` error. */
  maxBodyBytes?: number;
  userAgent?: string;
  /** Share one limiter between cores (e.g. one per account) so server limits hold across them. */
  limiter?: AdaptiveLimiter;
  /** Seams for tests. */
  random?: () => number;
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  newId?: () => string;
  now?: () => number;
  onRetry?: (event: RetryEvent) => void;
}

export interface HttpCoreHandle extends HttpCore {
  readonly limiter: AdaptiveLimiter;
  /** Closes pooled connections. */
  close(): Promise<void>;
}

const DEFAULTS = {
  timeoutMs: 120_000,
  maxRetries: 4,
  maxThrottleRetries: 10,
  retryBaseMs: 500,
  retryCapMs: 30_000,
  maxRetryAfterMs: 300_000,
  maxBodyBytes: 128 * 1024 * 1024,
};

/** The abort reason of an attempt's own timer, so a timeout is told apart from the caller's cancel. */
class AttemptTimeout extends Error {
  override name = 'AttemptTimeout';
  readonly code = 'TIMEOUT';
}

export function abortableSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason as Error);
      return;
    }
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal?.reason as Error);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** Settles with `promise`, or rejects as soon as `signal` aborts (for work that ignores signals). */
function raceAbort<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return promise;
  if (signal.aborted) return Promise.reject(signal.reason as Error);
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(signal.reason as Error);
    signal.addEventListener('abort', onAbort, { once: true });
    void promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

export function createHttpCore(options: HttpCoreOptions): HttpCoreHandle {
  const settings = {
    timeoutMs: options.timeoutMs ?? DEFAULTS.timeoutMs,
    maxRetries: options.maxRetries ?? DEFAULTS.maxRetries,
    maxThrottleRetries: options.maxThrottleRetries ?? DEFAULTS.maxThrottleRetries,
    retryBaseMs: options.retryBaseMs ?? DEFAULTS.retryBaseMs,
    retryCapMs: options.retryCapMs ?? DEFAULTS.retryCapMs,
    maxRetryAfterMs: options.maxRetryAfterMs ?? DEFAULTS.maxRetryAfterMs,
  };
  const transport = createTransport({ maxBodyBytes: options.maxBodyBytes ?? DEFAULTS.maxBodyBytes, ...(options.caPem === undefined ? {} : { caPem: options.caPem }) });
  const limiter = options.limiter ?? new AdaptiveLimiter();
  const sleep = options.sleep ?? abortableSleep;
  const random = options.random ?? Math.random;
  const newId = options.newId ?? randomUUID;
  const now = options.now ?? (() => Date.now());
  const userAgent = options.userAgent ?? PRODUCT_NAME;
  const backoff = (retry: number): number => backoffMs(retry, { baseMs: settings.retryBaseMs, capMs: settings.retryCapMs, random });

  /** One exchange bounded by the attempt's timeout and the caller's signal. */
  async function attempt(method: string, url: string, headers: Record<string, string>, body: string | undefined, timeoutMs: number, signal: AbortSignal | undefined): Promise<RawResponse> {
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(new AttemptTimeout(`No answer within ${timeoutMs} ms.`)), timeoutMs);
    const onAbort = (): void => controller.abort(signal?.reason);
    signal?.addEventListener('abort', onAbort, { once: true });
    // Aborted between the last check and now: the listener would never fire.
    if (signal?.aborted) onAbort();
    try {
      return await transport.exchange({ method, url, headers, ...(body === undefined ? {} : { body }) }, controller.signal);
    } catch (error) {
      const reason: unknown = controller.signal.reason;
      if (controller.signal.aborted && reason instanceof AttemptTimeout && !signal?.aborted) throw reason;
      throw error;
    } finally {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
    }
  }

  async function send(request: HttpRequest): Promise<HttpResponse> {
    const { method, url, signal } = request;
    const host = new URL(url).host;
    const correlationId = headerValue(request.headers, 'x-ms-client-request-id') ?? newId();
    let attempts = 0;
    const context = (cause?: unknown): PlatformErrorContext => ({ method, url, correlationId, attempts, ...(cause === undefined ? {} : { cause }) });
    const cancelled = (cause?: unknown): CancelledError => new CancelledError(context(cause));
    if (signal?.aborted) throw cancelled(signal.reason);

    const repeatable = isRepeatable(request);
    const timeoutMs = request.timeoutMs ?? settings.timeoutMs;
    const baseHeaders = buildHeaders(request, correlationId, userAgent);
    let refreshToken = false;
    let refreshed = false;
    let transientRetries = 0;
    let throttleRetries = 0;

    const wait = async (ms: number, reason: string): Promise<void> => {
      options.onRetry?.({ correlationId, method, url, attempt: attempts, reason, waitMs: ms });
      try {
        await sleep(ms, signal);
      } catch (error) {
        if (signal?.aborted) throw cancelled(error);
        throw error;
      }
    };

    for (;;) {
      const headers = { ...baseHeaders };
      if (request.resource !== undefined) {
        const force = refreshToken;
        refreshToken = false;
        try {
          const token = await raceAbort(options.tokens.token(request.resource, { ...(signal ? { signal } : {}), ...(force ? { forceRefresh: true } : {}) }), signal);
          headers['authorization'] = `Bearer ${token}`;
        } catch (error) {
          if (signal?.aborted) throw cancelled(error);
          // The token provider's own error (sign in again, secret expired…) says more than we could.
          throw error;
        }
      }

      let permit: Permit;
      try {
        permit = await limiter.acquire(url, signal);
      } catch (error) {
        if (signal?.aborted) throw cancelled(error);
        throw error;
      }

      attempts += 1;
      let raw: RawResponse;
      try {
        raw = await attempt(method, url, headers, request.body, timeoutMs, signal);
      } catch (error) {
        if (error instanceof BodyTooLargeError) {
          permit.release({ kind: 'response', status: error.status });
          throw new PlatformError(
            localInfo('invalid-response', `The service's answer is larger than ${error.limitBytes} bytes, the most this client reads; it was abandoned.`, { status: error.status }),
            context(),
          );
        }
        permit.release({ kind: 'no-response' });
        if (signal?.aborted) throw cancelled(error);
        const failure: NetworkFailure = error instanceof AttemptTimeout ? { phase: 'in-flight', code: 'TIMEOUT', timeout: true } : classifyNetworkError(error);
        const mayRetry = failure.phase === 'connect' || (failure.phase === 'in-flight' && repeatable);
        if (mayRetry && transientRetries < settings.maxRetries) {
          await wait(backoff(transientRetries), failure.code);
          transientRetries += 1;
          continue;
        }
        throw networkError(failure, error);
      }

      const { status } = raw;
      const dopHint = Number(raw.headers['x-ms-dop-hint']);
      const retryAfterMs = parseRetryAfterMs(raw.headers['retry-after'], { dateHeader: raw.headers['date'], now: now() });
      permit.release({ kind: 'response', status, dopHint: Number.isInteger(dopHint) ? dopHint : null, retryAfterMs });

      if (request.acceptStatus?.includes(status)) return toResponse(raw);

      // Authentication is checked before anything runs: one fresh token, whatever the method.
      if (status === 401 && request.resource !== undefined && !refreshed) {
        refreshed = true;
        refreshToken = true;
        options.onRetry?.({ correlationId, method, url, attempt: attempts, reason: '401', waitMs: 0 });
        continue;
      }

      // Throttled requests were not processed (see retry-policy.ts): resend any method, exactly after Retry-After.
      if (status === 429) {
        const delay = retryAfterMs ?? backoff(throttleRetries);
        if (throttleRetries < settings.maxThrottleRetries && delay <= settings.maxRetryAfterMs) {
          await wait(delay, '429');
          throttleRetries += 1;
          continue;
        }
      } else if (TRANSIENT_STATUSES.has(status) && repeatable && transientRetries < settings.maxRetries) {
        // A 503 may also say when to come back; never sooner than that, else the backoff.
        const delay = Math.max(retryAfterMs ?? 0, backoff(transientRetries));
        if (delay <= settings.maxRetryAfterMs) {
          await wait(delay, String(status));
          transientRetries += 1;
          continue;
        }
      }

      if (status >= 400) throw new PlatformError(parsePlatformError(status, raw.headers, raw.text, now()), context());
      return toResponse(raw);
    }

    function networkError(failure: NetworkFailure, cause: unknown): PlatformError {
      const timeout = failure.phase === 'in-flight' && failure.timeout;
      const summary = failure.code === 'TIMEOUT' ? `${host} did not answer within ${timeoutMs} ms.` : describeNetworkFailure(failure.code, host);
      const note = failure.phase === 'in-flight' && !repeatable ? ' It was not retried: the request may have reached the service and is not safe to repeat, so check its effect before trying again.' : '';
      return new PlatformError(localInfo(timeout ? 'timeout' : 'network', summary + note, { code: failure.code }), context(cause));
    }

    function toResponse(raw: RawResponse): HttpResponse {
      return {
        status: raw.status,
        headers: raw.headers,
        text: raw.text,
        correlationId,
        json<T = unknown>(): T {
          const parsed = parseJsonBody(raw.status, raw.headers, raw.text);
          if (!parsed.ok) throw new PlatformError(parsed.info, context());
          return parsed.value as T;
        },
      };
    }
  }

  return { send, limiter, close: () => transport.close() };
}
