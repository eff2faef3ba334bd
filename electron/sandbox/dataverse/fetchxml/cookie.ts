/**
 * FetchXML paging cookies. The service hands out
 * `<cookie pagenumber="2" pagingcookie="%253ccookie%2520page%253d%25221%2522%253e…" istracking="False" />`
 * whose `pagingcookie` is the inner cookie URL-encoded twice; decoded, the inner cookie is
 * `<cookie page="1"><name last="…" first="…" /><accountid last="{GUID}" first="{GUID}" /></cookie>`
 * (`lastnull="1"` / `firstnull="1"` stand for NULL). Clients send the inner cookie back, XML-escaped, in
 * the fetch element's `paging-cookie` attribute.
 */
import { invalidArgument, type FetchXmlError } from './errors';
import { escapeXmlAttribute, parseXmlDocument } from './xml';

export interface CookieEntry {
  /** Column logical name. */
  name: string;
  /** Value on the page's last row (null = NULL). */
  last: string | null;
  /** Value on the page's first row (null = NULL). */
  first: string | null;
}

export interface PagingCookie {
  page: number;
  entries: CookieEntry[];
}

/** The message of the SDK's PagingCookieHelper for a cookie it can't read. */
const malformed = (detail?: string): FetchXmlError =>
  invalidArgument(detail ? `Malformed XML Passed to in the Paging Cookie. ${detail}` : 'Malformed XML in the Paging Cookie');

export function parsePagingCookie(text: string): PagingCookie {
  let root;
  try {
    root = parseXmlDocument(text);
  } catch {
    throw malformed();
  }
  const page = Number(root.attributes.page);
  if (root.name !== 'cookie' || !Number.isInteger(page) || page < 0) throw malformed();
  const entries = root.children.map((element): CookieEntry => {
    if (Object.keys(element.attributes).length !== 2) {
      throw malformed('We expect at most two attributes (first/firstNull and last/lastNull)');
    }
    const last = element.attributes.last;
    if (last === undefined && element.attributes.lastnull === undefined) {
      throw malformed('Value for attribute last was not specified, and it was not null either.');
    }
    const first = element.attributes.first;
    if (first === undefined && element.attributes.firstnull === undefined) {
      throw malformed('Value for attribute first was not specified, and it was not null either.');
    }
    return { name: element.name, last: last ?? null, first: first ?? null };
  });
  return { page, entries };
}

/** The inner cookie, as the platform serializes it. */
export function serializePagingCookie(cookie: PagingCookie): string {
  const entries = cookie.entries
    .map((entry) => {
      const last = entry.last === null ? 'lastnull="1"' : `last="${escapeXmlAttribute(entry.last)}"`;
      const first = entry.first === null ? 'firstnull="1"' : `first="${escapeXmlAttribute(entry.first)}"`;
      return `<${entry.name} ${last} ${first} />`;
    })
    .join('');
  return `<cookie page="${cookie.page}">${entries}</cookie>`;
}

/** .NET-style URL encoding as the service applies it: lowercase hex, everything but `A-Za-z0-9-_.` escaped. */
export function encodeCookieComponent(value: string): string {
  let out = '';
  for (const byte of new TextEncoder().encode(value)) {
    const ch = String.fromCharCode(byte);
    out += /[A-Za-z0-9\-_.]/.test(ch) ? ch : `%${byte.toString(16).padStart(2, '0')}`;
  }
  return out;
}

/** The `@Microsoft.Dynamics.CRM.fetchxmlpagingcookie` annotation value. */
export function pagingCookieAnnotation(cookie: PagingCookie): string {
  const encoded = encodeCookieComponent(encodeCookieComponent(serializePagingCookie(cookie)));
  return `<cookie pagenumber="${cookie.page + 1}" pagingcookie="${encoded}" istracking="False" />`;
}

/**
 * What a client does with the annotation: reads the `pagingcookie` attribute and URL-decodes it twice.
 * Exported for tests and for the sandbox's own client code.
 */
export function decodePagingCookieAnnotation(annotation: string): { pageNumber: number; cookie: string } | undefined {
  const pageNumber = /pagenumber="(\d+)"/.exec(annotation)?.[1];
  const encoded = /pagingcookie="([^"]*)"/.exec(annotation)?.[1];
  if (pageNumber === undefined || encoded === undefined) return undefined;
  return { pageNumber: Number(pageNumber), cookie: decodeURIComponent(decodeURIComponent(encoded)) };
}
