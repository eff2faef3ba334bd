import type { HttpCore } from '../contracts';
import { refusedNextLink, type AnsweredPage } from '../http/next-link';

/**
 * One Dataverse environment as the client modules see it: the HTTP core, the token audience and the
 * Web API root. Every module builds its requests from this and the header helpers below.
 */
export interface DataverseEndpoint {
  http: HttpCore;
  /** Token audience: the instance URL without trailing slash. */
  resource: string;
  /** `{resource}/api/data/v9.2` */
  apiRoot: string;
}

/** The OData headers every Dataverse request carries (reference §1.2). */
export function odataHeaders(extra: Record<string, string> = {}): Record<string, string> {
  return { accept: 'application/json', 'odata-maxversion': '4.0', 'odata-version': '4.0', ...extra };
}

/** One `Prefer` header with the preferences comma-joined (the service accepts both forms). */
export function preferHeader(preferences: readonly string[]): Record<string, string> {
  return preferences.length > 0 ? { prefer: preferences.join(',') } : {};
}

/** `odata.include-annotations="a,b"` from a list (or `*`). */
export function includeAnnotations(annotations: readonly string[]): string | null {
  const terms = [...new Set(annotations.map((a) => a.trim()).filter((a) => a !== ''))];
  return terms.length > 0 ? `odata.include-annotations="${terms.join(',')}"` : null;
}

/**
 * A server-provided URL (`@odata.nextLink`) is followed only when it stays below this environment's
 * API root: the core attaches this environment's token to whatever URL it is given. Otherwise the
 * answer of `page` is refused (see refusedNextLink).
 */
export function assertWithinApi(endpoint: DataverseEndpoint, url: string, page: AnsweredPage): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw refusedNextLink(`Dataverse returned a next-page link that is not a URL: '${url}'. It was not followed.`, page);
  }
  const root = new URL(endpoint.apiRoot);
  if (parsed.origin !== root.origin || !parsed.pathname.startsWith(`${root.pathname}/`)) {
    throw refusedNextLink(`Dataverse returned a next-page link outside ${endpoint.apiRoot}: '${url}'. It was not followed.`, page);
  }
  return url;
}
