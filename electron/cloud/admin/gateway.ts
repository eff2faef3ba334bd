import { z } from 'zod';
import type { HttpCore, HttpResponse } from '../contracts';
import { parseShape, type ShapeContext } from '../dataverse/response-shape';
import { refusedNextLink, type AnsweredPage } from '../http/next-link';
import { parsePlatformError } from '../http/parse-platform-error';
import { PlatformError } from '../http/platform-error';

/**
 * Requests to the ARM-style gateways (BAP, Power Apps, Flow): JSON in `{ value, nextLink }` lists whose
 * next pages are followed (top-level `nextLink`, or `@odata.nextLink`), never outside the first
 * request's origin, since the core attaches this audience's token to whatever URL it is given.
 */

export interface GatewayRequest {
  http: HttpCore;
  /** Token audience. */
  resource: string;
  signal?: AbortSignal | undefined;
}

const listBody = z.looseObject({
  value: z.array(z.unknown()),
  nextLink: z.string().nullish(),
  '@odata.nextLink': z.string().nullish(),
});

/** An environment or connector name as a path segment: checked, then encoded. */
export function segment(value: string, what: string): string {
  if (!/^[A-Za-z0-9~][A-Za-z0-9._~-]*$/.test(value)) throw new TypeError(`'${value}' is not a valid ${what}.`);
  return encodeURIComponent(value);
}

/** `next` when it stays on the origin of `first`; else the answer of `page` is refused (see refusedNextLink). */
export function sameOrigin(first: string, next: string, source: string, page: AnsweredPage): string {
  let url: URL;
  try {
    url = new URL(next);
  } catch {
    throw refusedNextLink(`${source} returned a next-page link that is not a URL: '${next}'. It was not followed.`, page);
  }
  if (url.origin !== new URL(first).origin) throw refusedNextLink(`${source} returned a next-page link to another host: '${next}'. It was not followed.`, page);
  return next;
}

export function getJson(req: GatewayRequest, url: string, acceptStatus: readonly number[] = []): Promise<HttpResponse> {
  return req.http.send({
    method: 'GET',
    url,
    resource: req.resource,
    headers: { accept: 'application/json' },
    ...(acceptStatus.length ? { acceptStatus } : {}),
    ...(req.signal ? { signal: req.signal } : {}),
  });
}

/**
 * Every item of a list, following next links. `first` may be an answer already received for `url`
 * (the caller sent it to see whether the route is allowed).
 */
export async function listAll<T>(
  req: GatewayRequest,
  url: string,
  context: ShapeContext,
  map: (item: unknown) => T,
  first?: HttpResponse,
): Promise<T[]> {
  const items: T[] = [];
  let page: { url: string; response: HttpResponse } = { url, response: first ?? (await getJson(req, url)) };
  for (;;) {
    const body = parseShape(listBody, page.response.json(), { ...context, entity: `${context.entity} list` });
    items.push(...body.value.map(map));
    const next = body.nextLink ?? body['@odata.nextLink'];
    if (!next) return items;
    const nextUrl = sameOrigin(url, next, context.source, page);
    page = { url: nextUrl, response: await getJson(req, nextUrl) };
  }
}

/** `{"error":{"code"}}` of a gateway answer, or null. */
export function errorCode(response: HttpResponse): string | null {
  try {
    const body = response.json<{ error?: { code?: unknown } }>();
    return typeof body.error?.code === 'string' ? body.error.code : null;
  } catch {
    return null;
  }
}

/**
 * Whether a 403 from a `scopes/admin/…` route means "this caller may not use admin routes" (the
 * gateway's `Forbidden` "… does not have permission to access the path …"), as opposed to a refusal
 * of the operation itself that the maker route would repeat: ConnectionAuthorizationFailed (an
 * activation whose connection the identity may not use) is the platform's answer, not a routing one.
 */
export function isAdminRouteRefusal(response: HttpResponse): boolean {
  return response.status === 403 && errorCode(response) !== 'ConnectionAuthorizationFailed';
}

/** The PlatformError the core would have thrown for an answer the caller accepted to inspect. */
export function platformErrorFrom(response: HttpResponse, method: string, url: string): PlatformError {
  return new PlatformError(parsePlatformError(response.status, response.headers, response.text), { method, url, correlationId: response.correlationId });
}
