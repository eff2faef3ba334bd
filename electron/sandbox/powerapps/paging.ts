import type { SbRequest } from '../http';

/**
 * Server-driven paging of connection lists: a page of `value` plus a top-level `nextLink` (the form the
 * PowerShell module's REST client follows) carrying an opaque `$skiptoken`; the link keeps every other
 * query option of the request.
 */

export type Page<T> = { ok: true; items: T[]; nextLink: string | null } | { ok: false; token: string };

const SKIP_TOKEN = /^(?:\$|%24)skiptoken=/i;

export function encodeSkipToken(skip: number): string {
  return Buffer.from(JSON.stringify({ skip }), 'utf8').toString('base64url');
}

export function decodeSkipToken(token: string): number | null {
  try {
    const parsed = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as { skip?: unknown };
    return typeof parsed.skip === 'number' && Number.isInteger(parsed.skip) && parsed.skip >= 0 ? parsed.skip : null;
  } catch {
    return null;
  }
}

export function nextLinkFor(baseUrl: string, req: SbRequest, skip: number): string {
  const kept = req.url.search
    .replace(/^\?/, '')
    .split('&')
    .filter((part) => part !== '' && !SKIP_TOKEN.test(part));
  kept.push(`$skiptoken=${encodeSkipToken(skip)}`);
  return `${baseUrl}${req.url.pathname}?${kept.join('&')}`;
}

export function paginate<T>(baseUrl: string, req: SbRequest, items: readonly T[], pageSize: number): Page<T> {
  const token = req.url.searchParams.get('$skiptoken');
  let skip = 0;
  if (token !== null) {
    const decoded = decodeSkipToken(token);
    if (decoded === null) return { ok: false, token };
    skip = decoded;
  }
  const end = skip + pageSize;
  return { ok: true, items: items.slice(skip, end), nextLink: end < items.length ? nextLinkFor(baseUrl, req, end) : null };
}
