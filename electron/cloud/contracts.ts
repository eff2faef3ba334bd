/**
 * The seams of the cloud layer: clients ask a TokenProvider for a token per resource and send requests
 * through the HttpCore; neither knows how the other works. Resources are token audiences: a Dataverse
 * instance URL without trailing slash, `https://service.powerapps.com/`, `https://service.flow.microsoft.com/`.
 */

export interface TokenProvider {
  /** A valid access token for the resource; silent when possible, refreshed before expiry. */
  token(resource: string, options?: { signal?: AbortSignal; forceRefresh?: boolean }): Promise<string>;
}

/**
 * Whether a request may be sent again after a failure that might have reached the server. GET and HEAD
 * are; PATCH only with `If-Match` (an upsert without it could create twice); POST only when the caller
 * knows it is (a batch of reads, starting a flow that is already on is a no-op).
 */
export type Repeatable = 'auto' | 'yes' | 'no';

export interface HttpRequest {
  method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE' | 'HEAD';
  url: string;
  /** Token audience for the Authorization header; omit for anonymous requests. */
  resource?: string;
  headers?: Record<string, string>;
  body?: string;
  repeatable?: Repeatable;
  /** Per-attempt timeout; default from the core's options. */
  timeoutMs?: number;
  signal?: AbortSignal;
  /** Statuses the caller handles itself instead of getting a PlatformError (e.g. 404 on a probe, 412). */
  acceptStatus?: readonly number[];
}

export interface HttpResponse {
  status: number;
  /** Lower-cased header names. */
  headers: Record<string, string>;
  text: string;
  correlationId: string;
  /** Parses the body as JSON; throws a PlatformError naming the URL when it is not JSON. */
  json<T = unknown>(): T;
}

export interface HttpCore {
  send(request: HttpRequest): Promise<HttpResponse>;
}
