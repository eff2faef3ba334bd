import { randomUUID } from 'node:crypto';
import type { HttpCore, HttpRequest } from '../contracts';
import { parsePlatformError } from './parse-platform-error';
import { PlatformError, localInfo } from './platform-error';

/**
 * Dataverse `$batch` for clients (dataverse-web-api.md §9): build the multipart/mixed request, send it
 * through the core, read the multipart response back into one result per inner request, in order.
 * Change sets are atomic groups of writes whose parts carry `Content-ID`s (later parts may refer to
 * `$n`). CRLF line ends on the way out; CRLF or bare LF, quoted or unquoted boundaries on the way in.
 */

export const MAX_BATCH_REQUESTS = 1000;

export interface BatchPart {
  method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';
  /** Absolute URL, absolute path, relative to the service root (`WhoAmI`), or `$n` in a change set. */
  url: string;
  headers?: Record<string, string>;
  /** A string goes as is; anything else as JSON. */
  body?: unknown;
  /** Change-set parts only; numbered 1, 2, … within the batch when absent. */
  contentId?: string;
}

export interface BatchChangeset {
  changeset: readonly BatchPart[];
}

export type BatchItem = BatchPart | BatchChangeset;

export interface BuiltBatch {
  contentType: string;
  body: string;
  /** Inner requests in order (change-set parts flattened). */
  count: number;
  /** True when every inner request is a GET: the whole batch is then safe to resend. */
  readOnly: boolean;
}

export interface BatchPartResponse {
  status: number;
  statusText: string;
  /** Lower-cased names. */
  headers: Record<string, string>;
  text: string;
  contentId: string | null;
  /** Index of the change set among the response's items, or null for a top-level part. */
  changeset: number | null;
}

const CRLF = '\r\n';

function isChangeset(item: BatchItem): item is BatchChangeset {
  return 'changeset' in item;
}

export function buildBatch(items: readonly BatchItem[], newId: () => string = randomUUID): BuiltBatch {
  const boundary = `batch_${newId()}`;
  const lines: string[] = [];
  let count = 0;
  let readOnly = true;
  let nextContentId = 1;
  const ids = new Set<string>();

  const request = (part: BatchPart, contentId: string | null): void => {
    if (/[\r\n]/.test(part.url)) throw new TypeError(`A batch part's URL must be one line: '${part.url}'.`);
    lines.push('Content-Type: application/http', 'Content-Transfer-Encoding: binary');
    if (contentId !== null) lines.push(`Content-ID: ${contentId}`);
    lines.push('', `${part.method} ${part.url} HTTP/1.1`);
    const headers: Record<string, string> = {};
    const body = part.body === undefined ? undefined : typeof part.body === 'string' ? part.body : JSON.stringify(part.body);
    if (body !== undefined) headers['content-type'] = 'application/json; type=entry';
    for (const [name, value] of Object.entries(part.headers ?? {})) headers[name.toLowerCase()] = value;
    for (const [name, value] of Object.entries(headers)) {
      if (/[\r\n]/.test(name + value)) throw new TypeError(`A batch part's header must be one line: '${name}'.`);
      lines.push(`${name}: ${value}`);
    }
    lines.push('', body ?? '');
    count += 1;
    if (part.method !== 'GET') readOnly = false;
  };

  for (const item of items) {
    lines.push(`--${boundary}`);
    if (!isChangeset(item)) {
      request(item, null);
      continue;
    }
    if (item.changeset.length === 0) throw new TypeError('A change set needs at least one request.');
    const inner = `changeset_${newId()}`;
    lines.push(`Content-Type: multipart/mixed; boundary=${inner}`, '');
    for (const part of item.changeset) {
      if (part.method === 'GET') throw new TypeError(`A change set cannot contain a GET (${part.url}); put reads outside change sets.`);
      const contentId = part.contentId ?? String(nextContentId++);
      if (ids.has(contentId)) throw new TypeError(`Content-ID ${contentId} is used twice in the batch.`);
      ids.add(contentId);
      lines.push(`--${inner}`);
      request(part, contentId);
    }
    lines.push(`--${inner}--`);
  }
  if (count === 0) throw new TypeError('A batch needs at least one request.');
  if (count > MAX_BATCH_REQUESTS) throw new TypeError(`A batch holds at most ${MAX_BATCH_REQUESTS} requests, got ${count}; split it.`);
  lines.push(`--${boundary}--`, '');
  return { contentType: `multipart/mixed; boundary=${boundary}`, body: lines.join(CRLF), count, readOnly };
}

/** A response body that is not the multipart document it says it is. */
export class BatchFormatError extends Error {
  override name = 'BatchFormatError';
}

/** The `boundary` parameter of a multipart content type, unquoted. */
export function boundaryOf(contentType: string): string {
  const match = /;\s*boundary=(?:"((?:[^"\\]|\\.)*)"|([^;\s]+))/i.exec(contentType);
  const boundary = match?.[1] ?? match?.[2];
  if (!/^\s*multipart\/mixed\b/i.test(contentType) || !boundary) {
    throw new BatchFormatError(`Expected a multipart/mixed answer with a boundary, got '${contentType || 'no content type'}'.`);
  }
  return boundary;
}

/** Splits a multipart body into its parts' raw text; requires the closing delimiter (else it was cut off). */
function splitParts(body: string, boundary: string): string[] {
  const delimiter = `--${boundary}`;
  const parts: string[] = [];
  let index = body.indexOf(delimiter);
  if (index < 0) throw new BatchFormatError(`The answer does not contain its boundary '${boundary}'.`);
  for (;;) {
    const after = index + delimiter.length;
    if (body.startsWith('--', after)) return parts;
    const next = body.indexOf(`\n${delimiter}`, after);
    if (next < 0) throw new BatchFormatError('The multipart answer ends without its closing boundary (it was cut off).');
    const start = body.indexOf('\n', after);
    // The line break before the next delimiter belongs to the delimiter (RFC 2046).
    const end = body[next - 1] === '\r' ? next - 1 : next;
    parts.push(start < 0 || start >= end ? '' : body.slice(start + 1, end));
    index = next + 1;
  }
}

/** Header block and the rest of a part or embedded HTTP message. */
function headerBlock(text: string): { headers: Record<string, string>; rest: string; firstLine: string | null } {
  const lines: string[] = [];
  let offset = 0;
  for (;;) {
    const nl = text.indexOf('\n', offset);
    const line = (nl < 0 ? text.slice(offset) : text.slice(offset, nl)).replace(/\r$/, '');
    offset = nl < 0 ? text.length : nl + 1;
    if (line === '' || nl < 0) {
      if (line !== '') lines.push(line);
      break;
    }
    lines.push(line);
  }
  const headers: Record<string, string> = {};
  let firstLine: string | null = null;
  for (const line of lines) {
    const colon = line.indexOf(':');
    if (colon <= 0 || /^HTTP\/\d/i.test(line)) {
      firstLine ??= line;
      continue;
    }
    const name = line.slice(0, colon).trim().toLowerCase();
    const value = line.slice(colon + 1).trim();
    headers[name] = headers[name] === undefined ? value : `${headers[name]}, ${value}`;
  }
  return { headers, rest: text.slice(offset), firstLine };
}

function readHttpPart(raw: string, contentId: string | null, changeset: number | null): BatchPartResponse {
  const mime = headerBlock(raw);
  const http = mime.rest.replace(/^(\r?\n)+/, '');
  const statusLineEnd = http.indexOf('\n');
  const statusLine = (statusLineEnd < 0 ? http : http.slice(0, statusLineEnd)).replace(/\r$/, '');
  const match = /^HTTP\/\d(?:\.\d)?\s+(\d{3})(?:\s+(.*))?$/.exec(statusLine);
  if (!match?.[1]) throw new BatchFormatError(`A batch part does not start with an HTTP status line: '${statusLine.slice(0, 80)}'.`);
  const inner = headerBlock(statusLineEnd < 0 ? '' : http.slice(statusLineEnd + 1));
  return {
    status: Number(match[1]),
    statusText: match[2]?.trim() ?? '',
    headers: inner.headers,
    text: inner.rest.replace(/(\r?\n)+$/, ''),
    contentId: contentId ?? mime.headers['content-id'] ?? null,
    changeset,
  };
}

/** Reads a `$batch` answer into one result per inner request, in order (change-set parts flattened). */
export function parseBatchResponse(contentType: string, body: string): BatchPartResponse[] {
  const out: BatchPartResponse[] = [];
  const parts = splitParts(body, boundaryOf(contentType));
  parts.forEach((raw, index) => {
    const { headers, rest } = headerBlock(raw);
    const type = headers['content-type'] ?? '';
    if (/^\s*multipart\/mixed\b/i.test(type)) {
      for (const inner of splitParts(rest, boundaryOf(type))) {
        const innerMime = headerBlock(inner);
        out.push(readHttpPart(inner, innerMime.headers['content-id'] ?? null, index));
      }
      return;
    }
    out.push(readHttpPart(raw, headers['content-id'] ?? null, null));
  });
  return out;
}

export interface SendBatchOptions {
  /** The environment's API root, e.g. `https://org.crm.dynamics.com/api/data/v9.2`. */
  apiRoot: string;
  /** Token audience: the instance URL without trailing slash. */
  resource: string;
  items: readonly BatchItem[];
  /** `Prefer: odata.continue-on-error`: run every part and report each (default false: stop at the first failure). */
  continueOnError?: boolean;
  headers?: Record<string, string>;
  signal?: AbortSignal;
  timeoutMs?: number;
}

/**
 * Sends a batch and reads its parts. A batch of reads only is repeatable; one with writes is not (a
 * lost answer may hide a batch that ran). Without continue-on-error Dataverse answers a failed batch
 * with 400 and the one failed part; that 400 comes back as parts here too, not as an error.
 */
export async function sendBatch(core: HttpCore, options: SendBatchOptions): Promise<BatchPartResponse[]> {
  const built = buildBatch(options.items);
  const headers: Record<string, string> = { ...options.headers, 'content-type': built.contentType };
  if (options.continueOnError) headers['prefer'] = 'odata.continue-on-error';
  const request: HttpRequest = {
    method: 'POST',
    url: `${options.apiRoot.replace(/\/+$/, '')}/$batch`,
    resource: options.resource,
    headers,
    body: built.body,
    repeatable: built.readOnly ? 'yes' : 'no',
    acceptStatus: [400],
    ...(options.signal ? { signal: options.signal } : {}),
    ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
  };
  const response = await core.send(request);
  const contentType = response.headers['content-type'] ?? '';
  if (response.status === 400 && !/^\s*multipart\//i.test(contentType)) {
    // A 400 about the batch itself (format, limits) rather than one of its parts.
    throw new PlatformError(parsePlatformError(400, response.headers, response.text), { method: 'POST', url: request.url, correlationId: response.correlationId });
  }
  try {
    return parseBatchResponse(contentType, response.text);
  } catch (error) {
    if (!(error instanceof BatchFormatError)) throw error;
    throw new PlatformError(localInfo('invalid-response', `The $batch answer could not be read: ${error.message}`, { status: response.status }), {
      method: 'POST',
      url: request.url,
      correlationId: response.correlationId,
      cause: error,
    });
  }
}
