import { invalidSkipToken } from './errors';

/**
 * Flow API list paging (reference §3.1): `{ value: [...], nextLink }` with a top-level `nextLink`
 * (the PowerShell module follows it and cli-m365 accepts it) while more items remain. The page size is
 * the client's `$top` (PowerShell sends `$top=50` and follows `nextLink`, so `$top` sizes pages rather
 * than capping the total) or the service's default. The next link repeats the request's query with an
 * opaque `$skiptoken` (base64url of the offset).
 */

export const DEFAULT_PAGE_SIZE = 50;
const MAX_PAGE_SIZE = 1000;

export interface Page<T> {
  value: T[];
  nextLink?: string;
}

export function pageSize(top: string | null, defaultSize: number): number {
  const n = top === null ? NaN : Number(top);
  if (!Number.isInteger(n) || n < 1) return defaultSize;
  return Math.min(n, MAX_PAGE_SIZE);
}

const encodeToken = (offset: number): string => Buffer.from(JSON.stringify({ o: offset }), 'utf8').toString('base64url');

export function decodeSkipToken(token: string | null): number {
  if (token === null) return 0;
  try {
    const parsed = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as { o?: unknown };
    if (typeof parsed.o === 'number' && Number.isInteger(parsed.o) && parsed.o >= 0) return parsed.o;
  } catch {
    // falls through to the refusal
  }
  throw invalidSkipToken(token);
}

/** The request URL with its `$skiptoken` replaced (other parameters kept verbatim, in order). */
function linkTo(url: URL, offset: number): string {
  const kept = url.search
    .replace(/^\?/, '')
    .split('&')
    .filter((p) => p !== '' && !/^(\$|%24)skiptoken=/i.test(p));
  kept.push(`$skiptoken=${encodeToken(offset)}`);
  return `${url.origin}${url.pathname}?${kept.join('&')}`;
}

export function paginate<T>(items: readonly T[], url: URL, defaultSize: number): Page<T> {
  const offset = decodeSkipToken(url.searchParams.get('$skiptoken'));
  const size = pageSize(url.searchParams.get('$top'), defaultSize);
  const value = items.slice(offset, offset + size);
  const next = offset + size;
  return next < items.length ? { value, nextLink: linkTo(url, next) } : { value };
}
