import type { HttpRequest } from '../contracts';

/**
 * The headers every request carries (dataverse-web-api.md §1.2), merged with the caller's: names are
 * lower-cased so a caller's `OData-Version` replaces ours instead of going out twice. The caller wins
 * for everything except `Authorization` on a request with a `resource` (the core sets the token) and
 * the correlation headers, which always carry the request's one correlation id.
 */

/** A Dataverse Web API URL: `…/api/data/v9.2/…` (in the cloud and in the sandbox's `/orgs/{org}`). */
export function isDataverseApi(url: string): boolean {
  return /\/api\/data\/v\d+(\.\d+)?(\/|$)/i.test(new URL(url).pathname);
}

export function buildHeaders(request: Pick<HttpRequest, 'url' | 'headers' | 'body'>, correlationId: string, userAgent: string): Record<string, string> {
  const headers: Record<string, string> = {
    accept: 'application/json',
    'user-agent': userAgent,
  };
  if (isDataverseApi(request.url)) {
    headers['odata-version'] = '4.0';
    headers['odata-maxversion'] = '4.0';
  }
  if (request.body !== undefined) headers['content-type'] = 'application/json';
  for (const [name, value] of Object.entries(request.headers ?? {})) headers[name.toLowerCase()] = value;
  // One id per logical request, the same on every retry: the services log both names.
  headers['x-ms-client-request-id'] = correlationId;
  headers['x-ms-correlation-request-id'] = correlationId;
  return headers;
}
