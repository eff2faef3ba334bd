/**
 * Reads a `$batch` request body (multipart/mixed, dataverse-web-api.md §9) into requests and change
 * sets, and checks everything that can be checked before anything runs: format, limits, GET inside a
 * change set, nested batches, duplicate Content-IDs and `$n` references to undeclared Content-IDs.
 * Any problem is a result, never a throw.
 */
import {
  BatchFormatError,
  type Parsed,
  headerRecord,
  parseMediaType,
  readHeaderBlock,
  readLine,
  requireBoundary,
  splitMultipart,
  utf8,
} from './multipart';
import { MAX_BATCH_REQUESTS, batchTexts } from './texts';

export interface BatchRequestPart {
  kind: 'request';
  method: string;
  /** The request target as written on the request line: absolute URL, absolute path, service-root relative, or `$n…`. */
  target: string;
  /** The inner request's own headers, names lower-cased (repeats in different case joined with ", "). */
  headers: Record<string, string>;
  /** Body bytes; empty when the part has none (or only blank lines). */
  body: Buffer;
  /** `Content-ID` of the MIME part, if any. */
  contentId: string | null;
}

export interface BatchRequestChangeSet {
  kind: 'changeset';
  parts: BatchRequestPart[];
}

export type BatchRequestItem = BatchRequestPart | BatchRequestChangeSet;

export interface BatchRequestDocument {
  boundary: string;
  items: BatchRequestItem[];
}

export interface ParseBatchRequestOptions {
  /** Limit on requests (top-level parts, change-set operations, and all requests together). Default 1000. */
  maxRequests?: number;
}

/** Methods ODataLib accepts on a batch request line (HttpUtils.ValidateHttpMethod; ordinal, so upper case). */
const BATCH_METHODS = new Set(['GET', 'DELETE', 'MERGE', 'PATCH', 'POST', 'PUT']);

/** `$name` first segments that are OData resources, not Content-ID references. */
const SYSTEM_RESOURCES = new Set(['metadata', 'batch', 'entity', 'crossjoin', 'all', 'root']);

/**
 * Parses a `$batch` body. `contentType` is the outer request's Content-Type header. A string body is
 * taken as UTF-8 text.
 */
export function parseBatchRequest(
  contentType: string | undefined,
  body: Buffer | string,
  options: ParseBatchRequestOptions = {},
): Parsed<BatchRequestDocument> {
  try {
    return { ok: true, value: readBatch(contentType?.trim() ?? '', body, options.maxRequests ?? MAX_BATCH_REQUESTS) };
  } catch (err) {
    if (err instanceof BatchFormatError) return { ok: false, error: err.fault };
    throw err;
  }
}

/**
 * The Content-ID a URL or `@odata.bind`/`@odata.id` value refers to (`$1/primarycontactid/$ref` → `1`),
 * or null when the value is not a reference (`$metadata` and other system resources are not).
 */
export function contentIdReferenceOf(value: string): string | null {
  const match = /^\$([^/?#]+)/.exec(value);
  const id = match?.[1];
  if (id === undefined || SYSTEM_RESOURCES.has(id)) return null;
  return id;
}

function readBatch(contentType: string, body: Buffer | string, max: number): BatchRequestDocument {
  if (contentType === '') throw new BatchFormatError(batchTexts.missingContentType(), 415);
  if (parseMediaType(contentType).type !== 'multipart/mixed') {
    throw new BatchFormatError(batchTexts.notMultipart(contentType), 415);
  }
  const boundary = requireBoundary(contentType);
  const text = (typeof body === 'string' ? Buffer.from(body, 'utf8') : body).toString('latin1');
  const split = splitMultipart(text, boundary);
  if (!split.closed) throw new BatchFormatError(batchTexts.unexpectedEnd());

  const items: BatchRequestItem[] = [];
  let total = 0;
  for (const content of split.parts) {
    if (items.length + 1 > max) throw new BatchFormatError(batchTexts.tooManyParts(max));
    const { headers, rest } = readHeaderBlock(content);
    const mime = headerRecord(headers);
    const partType = mime['content-type'];
    if (partType === undefined) throw new BatchFormatError(batchTexts.missingPartContentType());
    const kind = parseMediaType(partType).type;
    if (kind === 'multipart/mixed') {
      const changeSet = readChangeSet(partType, content.slice(rest), max);
      total += changeSet.parts.length;
      items.push(changeSet);
    } else if (kind === 'application/http') {
      total += 1;
      items.push(readOperation(content, mime, rest, false));
    } else {
      throw new BatchFormatError(batchTexts.invalidPartContentType(partType));
    }
  }
  if (total > max) throw new BatchFormatError(batchTexts.tooManyParts(max));
  checkReferences(items);
  return { boundary, items };
}

function readChangeSet(contentType: string, text: string, max: number): BatchRequestChangeSet {
  const boundary = requireBoundary(contentType);
  const split = splitMultipart(text, boundary);
  if (!split.closed) throw new BatchFormatError(batchTexts.unexpectedEnd());
  const parts: BatchRequestPart[] = [];
  const ids = new Set<string>();
  for (const content of split.parts) {
    if (parts.length + 1 > max) throw new BatchFormatError(batchTexts.tooManyChangeSetOperations(max));
    const { headers, rest } = readHeaderBlock(content);
    const mime = headerRecord(headers);
    const partType = mime['content-type'];
    if (partType === undefined) throw new BatchFormatError(batchTexts.missingPartContentType());
    const kind = parseMediaType(partType).type;
    if (kind === 'multipart/mixed') throw new BatchFormatError(batchTexts.nestedChangeSet());
    if (kind !== 'application/http') throw new BatchFormatError(batchTexts.invalidPartContentType(partType));
    const part = readOperation(content, mime, rest, true);
    if (part.contentId !== null) {
      if (ids.has(part.contentId)) throw new BatchFormatError(batchTexts.duplicateContentId(part.contentId));
      ids.add(part.contentId);
    }
    parts.push(part);
  }
  return { kind: 'changeset', parts };
}

function readOperation(
  content: string,
  mime: Record<string, string>,
  start: number,
  inChangeSet: boolean,
): BatchRequestPart {
  if (mime['content-transfer-encoding']?.trim().toLowerCase() !== 'binary') {
    throw new BatchFormatError(batchTexts.invalidTransferEncoding());
  }
  const first = readLine(content, start);
  const requestLine = utf8(first?.line ?? '');
  const firstSpace = requestLine.indexOf(' ');
  const lastSpace = requestLine.lastIndexOf(' ');
  if (firstSpace <= 0 || lastSpace === firstSpace) throw new BatchFormatError(batchTexts.invalidRequestLine(requestLine));
  const method = requestLine.slice(0, firstSpace);
  const target = requestLine.slice(firstSpace + 1, lastSpace).trim();
  const version = requestLine.slice(lastSpace + 1);
  if (target === '') throw new BatchFormatError(batchTexts.invalidRequestLine(requestLine));
  if (version !== 'HTTP/1.1') throw new BatchFormatError(batchTexts.invalidHttpVersion(version));
  if (!BATCH_METHODS.has(method)) throw new BatchFormatError(batchTexts.invalidMethod(method));
  if (inChangeSet && method === 'GET') throw new BatchFormatError(batchTexts.methodInChangeSet(method));
  if (lastSegment(target) === '$batch') throw new BatchFormatError(batchTexts.nestedBatch());

  const { headers, rest } = readHeaderBlock(content, first?.next ?? content.length);
  const inner = headerRecord(headers);
  const rawBody = content.slice(rest);
  const body = /^[\s]*$/.test(rawBody) ? Buffer.alloc(0) : Buffer.from(rawBody, 'latin1');
  const contentId = mime['content-id']?.trim() ?? inner['content-id']?.trim() ?? null;
  return { kind: 'request', method, target, headers: inner, body, contentId: contentId === '' ? null : contentId };
}

function lastSegment(target: string): string {
  const path = target.split(/[?#]/, 1)[0] ?? '';
  return path.slice(path.lastIndexOf('/') + 1);
}

/**
 * `$n` in a URL or in an `@odata.bind`/`@odata.id` value must name a Content-ID declared by an earlier
 * part of the same change set (OData 4.0 scoping); requests outside change sets have none to refer to.
 */
function checkReferences(items: readonly BatchRequestItem[]): void {
  for (const item of items) {
    const parts = item.kind === 'changeset' ? item.parts : [item];
    const declared = new Set<string>();
    for (const part of parts) {
      for (const id of referencesOf(part)) {
        if (!declared.has(id)) throw new BatchFormatError(batchTexts.contentIdReference(`$${id}`));
      }
      if (part.contentId !== null) declared.add(part.contentId);
    }
  }
}

function referencesOf(part: BatchRequestPart): string[] {
  const ids: string[] = [];
  const inUrl = contentIdReferenceOf(part.target);
  if (inUrl !== null) ids.push(inUrl);
  const json = parseJsonBody(part.body);
  if (json !== undefined) {
    visitReferenceValues(json, (value) => {
      const id = contentIdReferenceOf(value);
      if (id !== null) ids.push(id);
      return value;
    });
  }
  return ids;
}

/** The body as JSON, or undefined when it is empty or not JSON (the inner service reports that). */
export function parseJsonBody(body: Buffer): unknown {
  if (body.length === 0) return undefined;
  try {
    return JSON.parse(body.toString('utf8')) as unknown;
  } catch {
    return undefined;
  }
}

/**
 * Calls `map` on every string under an `…@odata.bind` key (string or array of strings) or an
 * `@odata.id` key, at any depth, and writes back what it returns. Returns whether anything changed.
 */
export function visitReferenceValues(value: unknown, map: (value: string) => string): boolean {
  let changed = false;
  if (Array.isArray(value)) {
    for (const item of value) changed = visitReferenceValues(item, map) || changed;
    return changed;
  }
  if (value === null || typeof value !== 'object') return false;
  const record = value as Record<string, unknown>;
  for (const [key, v] of Object.entries(record)) {
    if (key.endsWith('@odata.bind') || key === '@odata.id') {
      if (typeof v === 'string') {
        const next = map(v);
        if (next !== v) {
          record[key] = next;
          changed = true;
        }
        continue;
      }
      if (Array.isArray(v)) {
        v.forEach((item: unknown, i) => {
          if (typeof item !== 'string') return;
          const next = map(item);
          if (next !== item) {
            v[i] = next;
            changed = true;
          }
        });
        continue;
      }
    }
    changed = visitReferenceValues(v, map) || changed;
  }
  return changed;
}
