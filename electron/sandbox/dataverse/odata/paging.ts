/**
 * Stable ordering and server-driven paging. Rows are ordered by the $orderby keys and then by primary
 * key; a page's `@odata.nextLink` carries the platform's `$skiptoken` shape,
 * `<cookie pagenumber="2" pagingcookie="…double-encoded…" istracking="False" />`, whose inner cookie
 * (`<cookie page="1"><name last="…" first="…" /><workflowid last="{GUID}" first="{GUID}" /></cookie>`)
 * holds the sort values of the page's last row, so the next page starts right after it even if rows
 * were added or removed in between.
 */
import type { Row } from '../../model';
import type { AttributeMeta, EntityMeta } from '../schema';
import { compareNullable, edmTypeOf, formatWireDateTime, normalizeGuid, parseIsoDateTime, readTyped, type Scalar } from './edm';
import { invalidSkipToken } from './errors';
import type { OrderByItem } from './expression';

export interface SortKey {
  attr: AttributeMeta;
  descending: boolean;
}

/** The $orderby keys followed by the primary key (ascending) as the tie-breaker. */
export function sortKeys(meta: EntityMeta, orderBy: readonly OrderByItem[]): SortKey[] {
  const keys: SortKey[] = orderBy.map((o) => ({ attr: o.attr, descending: o.descending }));
  const pk = meta.attributes[meta.primaryId];
  if (pk && !keys.some((k) => k.attr.logicalName === pk.logicalName)) keys.push({ attr: pk, descending: false });
  return keys;
}

function compareVectors(keys: readonly SortKey[], a: readonly (Scalar | null)[], b: readonly (Scalar | null)[]): number {
  for (let i = 0; i < keys.length; i++) {
    const c = compareNullable(a[i] ?? null, b[i] ?? null);
    if (c !== 0) return keys[i]?.descending ? -c : c;
  }
  return 0;
}

const sortVector = (keys: readonly SortKey[], row: Row): (Scalar | null)[] => keys.map((k) => readTyped(row, k.attr));

/** Sorts rows (a copy) by the keys: nulls first ascending, last descending, strings case-insensitively. */
export function sortRows(rows: readonly Row[], keys: readonly SortKey[]): Row[] {
  const decorated = rows.map((row) => ({ row, v: sortVector(keys, row) }));
  decorated.sort((x, y) => compareVectors(keys, x.v, y.v));
  return decorated.map((d) => d.row);
}

// ---- cookie text --------------------------------------------------------------------------------

const xmlEscape = (s: string): string =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;');

const xmlUnescape = (s: string): string =>
  s
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&amp;/g, '&');

function cookieText(value: Scalar | null, attr: AttributeMeta): string | null {
  if (value === null) return null;
  switch (edmTypeOf(attr)) {
    case 'Edm.Guid':
      return `{${String(value).toUpperCase()}}`;
    case 'Edm.DateTimeOffset': {
      // Keep milliseconds when there are any, so the next page starts exactly after this row.
      const ms = Number(value);
      return ms % 1000 === 0 ? formatWireDateTime(ms) : new Date(ms).toISOString();
    }
    case 'Edm.Boolean':
      return value === true ? '1' : '0';
    default:
      return String(value);
  }
}

function cookieValue(text: string, attr: AttributeMeta): Scalar | undefined {
  switch (edmTypeOf(attr)) {
    case 'Edm.Guid':
      return normalizeGuid(text) ?? undefined;
    case 'Edm.DateTimeOffset':
      return parseIsoDateTime(text) ?? undefined;
    case 'Edm.Boolean':
      return /^(1|true)$/i.test(text);
    case 'Edm.String':
      return text;
    default: {
      const n = Number(text);
      return text.trim() !== '' && Number.isFinite(n) ? n : undefined;
    }
  }
}

/** .NET-style URL encoding with lower-case hex, as in the platform's paging cookies. */
const encodeLower = (s: string): string =>
  encodeURIComponent(s)
    .replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16)}`)
    .replace(/%[0-9A-F]{2}/g, (m) => m.toLowerCase());

/**
 * The `$skiptoken` value for the page after `pageNumber`, ready to be appended to a URL: the outer
 * cookie's markup is percent-encoded, its `pagingcookie` attribute is encoded twice (so `<` is `%253c`).
 */
export function buildSkipToken(pageNumber: number, keys: readonly SortKey[], firstRow: Row, lastRow: Row): string {
  const elements = keys
    .map((k) => {
      const last = cookieText(readTyped(lastRow, k.attr), k.attr);
      const first = cookieText(readTyped(firstRow, k.attr), k.attr);
      const attrs = [last !== null ? ` last="${xmlEscape(last)}"` : '', first !== null ? ` first="${xmlEscape(first)}"` : ''].join('');
      return `<${k.attr.logicalName}${attrs} />`;
    })
    .join('');
  const inner = `<cookie page="${pageNumber}">${elements}</cookie>`;
  const doubleEncoded = encodeLower(inner).replace(/%/g, '%25');
  return `%3Ccookie%20pagenumber=%22${pageNumber + 1}%22%20pagingcookie=%22${doubleEncoded}%22%20istracking=%22False%22%20/%3E`;
}

export interface PagingCookie {
  /** The page the token asks for (2 for the first nextLink). */
  pageNumber: number;
  /** Sort-key element name → last value text (null when the last row's value was null); null without a paging cookie. */
  last: ReadonlyMap<string, string | null> | null;
}

function attributesOf(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const m of text.matchAll(/([\w.:-]+)\s*=\s*"([^"]*)"/g)) if (m[1] !== undefined && m[2] !== undefined) out.set(m[1], m[2]);
  return out;
}

/** Parses a decoded `$skiptoken` value; throws ODataError when it is not one of ours. */
export function parseSkipToken(token: string): PagingCookie {
  const outer = /^\s*<cookie\b([^>]*?)\/?>\s*$/.exec(token);
  if (!outer) throw invalidSkipToken();
  const attrs = attributesOf(outer[1] ?? '');
  const pageText = attrs.get('pagenumber') ?? '';
  if (!/^\d+$/.test(pageText) || Number(pageText) < 1) throw invalidSkipToken();
  let paging = attrs.get('pagingcookie') ?? '';
  for (let i = 0; i < 3 && paging && !paging.trimStart().startsWith('<'); i++) {
    try {
      paging = decodeURIComponent(paging);
    } catch {
      throw invalidSkipToken();
    }
  }
  if (!paging) return { pageNumber: Number(pageText), last: null };
  const inner = /^\s*<cookie\b[^>]*>(.*)<\/cookie>\s*$/s.exec(paging);
  if (!inner) throw invalidSkipToken();
  const last = new Map<string, string | null>();
  for (const el of (inner[1] ?? '').matchAll(/<([\w]+)\b([^>]*?)\/>/g)) {
    if (el[1] === undefined) continue;
    const value = attributesOf(el[2] ?? '').get('last');
    last.set(el[1], value === undefined ? null : xmlUnescape(value));
  }
  return { pageNumber: Number(pageText), last };
}

/**
 * Index of the first row of the page a cookie asks for: the first row that sorts after the cookie's
 * last values, or, when the cookie does not match the query's sort keys, (pagenumber − 1) × page size.
 */
export function pageStart(rows: readonly Row[], keys: readonly SortKey[], cookie: PagingCookie, pageSize: number): number {
  const fallback = (cookie.pageNumber - 1) * pageSize;
  const last = cookie.last;
  if (!last || last.size !== keys.length) return fallback;
  const vector: (Scalar | null)[] = [];
  for (const key of keys) {
    if (!last.has(key.attr.logicalName)) return fallback;
    const text = last.get(key.attr.logicalName) ?? null;
    if (text === null) vector.push(null);
    else {
      const value = cookieValue(text, key.attr);
      if (value === undefined) return fallback;
      vector.push(value);
    }
  }
  const index = rows.findIndex((row) => compareVectors(keys, vector, sortVector(keys, row)) < 0);
  return index < 0 ? rows.length : index;
}
