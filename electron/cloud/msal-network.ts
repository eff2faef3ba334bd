import { request as httpRequest, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import type { INetworkModule, NetworkRequestOptions, NetworkResponse } from '@azure/msal-node';
import { secureContextTrusting } from './http/secure-context';

/**
 * msal-node's network module over node:http(s) (reference §6.4). msal-node 7's built-in client is
 * global `fetch`, which cannot be given a CA; this one can, so msal trusts the sandbox's own CA (or a
 * corporate one) without NODE_EXTRA_CA_CERTS. Per msal's contract, error statuses are *returned*
 * with their parsed JSON body (msal reads AADSTS errors from it); only transport failures throw.
 */

export interface MsalNetworkOptions {
  /** Extra trusted CA certificate(s), PEM; trusted in addition to Node's bundled roots. */
  ca?: string;
  /** Applies when msal passes no timeout of its own (ms). */
  timeoutMs?: number;
}

export class MsalNetworkError extends Error {
  constructor(message: string, options?: { cause: unknown }) {
    super(message, options);
    this.name = 'MsalNetworkError';
  }
}

function lowerCaseHeaders(res: IncomingMessage): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(res.headers)) {
    if (value !== undefined) out[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
  }
  return out;
}

function parseBody(text: string, status: number, url: string): unknown {
  if (!text.trim()) return {};
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    // An HTML error page from a proxy: hand msal the status with an empty body, as its own client would fail to parse.
    if (status >= 400) return {};
    throw new MsalNetworkError(`The response from ${new URL(url).origin} is not JSON (HTTP ${status}).`, { cause: error });
  }
}

function send<T>(method: 'GET' | 'POST', url: string, options: NetworkRequestOptions | undefined, timeoutMs: number | undefined, agent: HttpsAgent | undefined): Promise<NetworkResponse<T>> {
  return new Promise((resolve, reject) => {
    const target = new URL(url);
    const body = method === 'POST' ? (options?.body ?? '') : undefined;
    const headers: Record<string, string> = { ...options?.headers };
    if (body !== undefined) headers['content-length'] = String(Buffer.byteLength(body));
    const requestOptions = { method, headers, ...(agent === undefined ? {} : { agent }) };
    const req = (target.protocol === 'http:' ? httpRequest : httpsRequest)(target, requestOptions, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('error', (error) => reject(new MsalNetworkError(`Reading the response from ${target.origin} failed: ${error.message}`, { cause: error })));
      res.on('end', () => {
        const status = res.statusCode ?? 0;
        try {
          resolve({ headers: lowerCaseHeaders(res), body: parseBody(Buffer.concat(chunks).toString('utf8'), status, url) as T, status });
        } catch (error) {
          reject(error instanceof Error ? error : new MsalNetworkError(String(error)));
        }
      });
    });
    req.on('error', (error) => reject(new MsalNetworkError(`Network request to ${target.origin} failed: ${error.message}`, { cause: error })));
    if (timeoutMs !== undefined && timeoutMs > 0) {
      req.setTimeout(timeoutMs, () => req.destroy(new Error(`timed out after ${timeoutMs} ms`)));
    }
    req.end(body);
  });
}

/** An `INetworkModule` for `system.networkClient`, trusting `ca` when given. */
export function createMsalNetworkClient(options: MsalNetworkOptions = {}): INetworkModule {
  // The public roots stay trusted beside the extra CA (see secureContextTrusting). Its own agent: Node's
  // global agent pools sockets without regard to `secureContext`, so a socket verified against the extra
  // CA could otherwise serve a request that was not meant to trust it.
  const agent = options.ca === undefined ? undefined : new HttpsAgent({ keepAlive: true, secureContext: secureContextTrusting(options.ca) });
  return {
    sendGetRequestAsync: <T>(url: string, requestOptions?: NetworkRequestOptions, timeout?: number) =>
      send<T>('GET', url, requestOptions, timeout ?? options.timeoutMs, agent),
    sendPostRequestAsync: <T>(url: string, requestOptions?: NetworkRequestOptions) =>
      send<T>('POST', url, requestOptions, options.timeoutMs, agent),
  };
}
