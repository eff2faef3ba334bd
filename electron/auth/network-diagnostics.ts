import type { INetworkModule, NetworkRequestOptions, NetworkResponse } from '@azure/msal-node';

/**
 * msal reports a failed authority discovery as a bare `endpoints_resolution_error` and a failed token
 * request as `network_error`: the cause — an unknown tenant (AADSTS90002 on the openid-configuration
 * request), an untrusted TLS certificate, a refused connection — is lost. This wrapper around the
 * network module remembers each failure with a sequence number, so the error mapping can say what
 * actually happened since an operation began.
 */

export type NetworkFailure =
  | { kind: 'transport'; seq: number; url: string; message: string; code?: string }
  | { kind: 'aad'; seq: number; url: string; status: number; codes: number[]; error?: string; description?: string };

export interface DiagnosingNetwork {
  readonly client: INetworkModule;
  /** A marker to pass to failureSince(); take it before an operation. */
  mark(): number;
  /** The latest failure recorded after `mark`, if any. */
  failureSince(mark: number): NetworkFailure | null;
}

function nodeCode(error: unknown): string | undefined {
  for (let e: unknown = error, depth = 0; e instanceof Error && depth < 4; e = e.cause, depth++) {
    if ('code' in e && typeof e.code === 'string') return e.code;
  }
  return undefined;
}

function innermostMessage(error: unknown): string {
  let message = error instanceof Error ? error.message : String(error);
  for (let e: unknown = error, depth = 0; e instanceof Error && depth < 4; e = e.cause, depth++) message = e.message;
  return message;
}

export function withDiagnostics(inner: INetworkModule): DiagnosingNetwork {
  let seq = 0;
  let last: NetworkFailure | null = null;

  const record = (failure: NetworkFailure): void => {
    last = failure;
  };

  const observe = async <T>(url: string, call: () => Promise<NetworkResponse<T>>): Promise<NetworkResponse<T>> => {
    let response: NetworkResponse<T>;
    try {
      response = await call();
    } catch (error) {
      const code = nodeCode(error);
      record({ kind: 'transport', seq: ++seq, url, message: innermostMessage(error), ...(code === undefined ? {} : { code }) });
      throw error;
    }
    if (response.status >= 400) {
      const body = (response.body ?? {}) as { error?: unknown; error_description?: unknown; error_codes?: unknown };
      const codes = Array.isArray(body.error_codes) ? body.error_codes.filter((c): c is number => typeof c === 'number') : [];
      record({
        kind: 'aad',
        seq: ++seq,
        url,
        status: response.status,
        codes,
        ...(typeof body.error === 'string' ? { error: body.error } : {}),
        ...(typeof body.error_description === 'string' ? { description: body.error_description } : {}),
      });
    }
    return response;
  };

  return {
    client: {
      sendGetRequestAsync: <T>(url: string, options?: NetworkRequestOptions, timeout?: number) =>
        observe(url, () => inner.sendGetRequestAsync<T>(url, options, timeout)),
      sendPostRequestAsync: <T>(url: string, options?: NetworkRequestOptions) => observe(url, () => inner.sendPostRequestAsync<T>(url, options)),
    },
    mark: () => seq,
    failureSince: (mark) => (last !== null && last.seq > mark ? last : null),
  };
}
