import type { TokenProvider } from '../cloud/contracts';
import { defaultScope } from '../cloud/profiles';

/**
 * The TokenProvider in front of one session's msal application. Per resource it keeps the last token
 * while it has more than the refresh margin (2 minutes) left, so the cloud layer's thousands of calls
 * cost no cache decryption; past the margin it asks msal again (msal refreshes 5 minutes before expiry
 * on its own). Concurrent calls for one resource share one acquisition: one token request, one result
 * (or one error) for all. A caller's AbortSignal abandons its wait, not the shared acquisition.
 */

export interface AcquiredToken {
  accessToken: string;
  /** null when msal did not say; such tokens are not kept. */
  expiresOn: Date | null;
}

/** Gets a token for one scope (`{resource}/.default`); `forceRefresh` bypasses msal's cache. */
export type AcquireToken = (scope: string, forceRefresh: boolean) => Promise<AcquiredToken>;

export const REFRESH_MARGIN_MS = 2 * 60 * 1000;

export interface TokenBroker extends TokenProvider {
  /** Drops kept tokens (all, or one resource's): after sign-in, sign-out, a revoked session. */
  forget(resource?: string): void;
  /** Keeps a token acquired elsewhere (the one a sign-in returns). */
  remember(resource: string, token: AcquiredToken): void;
}

interface InFlight {
  promise: Promise<string>;
  forced: boolean;
}

function abortReason(signal: AbortSignal): Error {
  return signal.reason instanceof Error ? signal.reason : new DOMException('The operation was aborted.', 'AbortError');
}

/** Waits for `promise` unless `signal` aborts first. */
export function abandonOnAbort<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return promise;
  if (signal.aborted) return Promise.reject(abortReason(signal));
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(abortReason(signal));
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error instanceof Error ? error : new Error(String(error)));
      },
    );
  });
}

export function createTokenBroker(acquire: AcquireToken, options: { refreshMarginMs?: number; now?: () => number } = {}): TokenBroker {
  const margin = options.refreshMarginMs ?? REFRESH_MARGIN_MS;
  const now = options.now ?? Date.now;
  const kept = new Map<string, { accessToken: string; expiresAt: number }>();
  const inFlight = new Map<string, InFlight>();

  const remember = (scope: string, token: AcquiredToken): void => {
    if (token.expiresOn === null) return;
    const expiresAt = token.expiresOn.getTime();
    // A token with no more than the margin left is used once and not kept (short-lived sandbox tokens).
    if (expiresAt - now() > margin) kept.set(scope, { accessToken: token.accessToken, expiresAt });
    else kept.delete(scope);
  };

  const start = (scope: string, forced: boolean): Promise<string> => {
    // A forced refresh means the kept token was refused: nobody should be handed it meanwhile.
    if (forced) kept.delete(scope);
    const promise = acquire(scope, forced).then(
      (token) => {
        remember(scope, token);
        return token.accessToken;
      },
      (error: unknown) => {
        kept.delete(scope);
        throw error;
      },
    );
    const entry: InFlight = { promise, forced };
    inFlight.set(scope, entry);
    const done = (): void => {
      if (inFlight.get(scope) === entry) inFlight.delete(scope);
    };
    promise.then(done, done);
    return promise;
  };

  return {
    token(resource, opts = {}) {
      const scope = defaultScope(resource);
      const forced = opts.forceRefresh === true;
      if (opts.signal?.aborted) return Promise.reject(abortReason(opts.signal));
      if (!forced) {
        const hit = kept.get(scope);
        if (hit && hit.expiresAt - now() > margin) return Promise.resolve(hit.accessToken);
      }
      const running = inFlight.get(scope);
      // A forced refresh must not be answered by an acquisition that may return the token being replaced.
      const shared = running && (running.forced || !forced) ? running.promise : start(scope, forced);
      return abandonOnAbort(shared, opts.signal);
    },
    forget(resource) {
      if (resource === undefined) kept.clear();
      else kept.delete(defaultScope(resource));
    },
    remember(resource, token) {
      remember(defaultScope(resource), token);
    },
  };
}
