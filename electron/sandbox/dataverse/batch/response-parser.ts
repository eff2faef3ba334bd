/**
 * Reads a `$batch` response body (the platform's shape, which `writeBatchResponse` produces) into
 * per-request results. For the client, and for round-trip tests of the engine. Tolerates LF line ends
 * and a missing boundary parameter (then the first `--…` line of the body is the delimiter, as
 * DynamicsWebApi does).
 */
import {
  BatchFormatError,
  type Parsed,
  headerRecord,
  mediaTypeParam,
  parseMediaType,
  readHeaderBlock,
  readLine,
  requireBoundary,
  splitMultipart,
  utf8,
} from './multipart';
import { batchTexts } from './texts';

export interface BatchResponsePart {
  kind: 'response';
  status: number;
  statusText: string;
  /** Names lower-cased. */
  headers: Record<string, string>;
  /** Body text (UTF-8); empty for 204 and the like. */
  body: string;
  /** The echoed `Content-ID`, for parts of a change set. */
  contentId: string | null;
}

export interface BatchResponseChangeSet {
  kind: 'changeset';
  parts: BatchResponsePart[];
}

export type BatchResponseItem = BatchResponsePart | BatchResponseChangeSet;

/** Parses a `$batch` response; `contentType` is the response's Content-Type header, if known. */
export function parseBatchResponse(contentType: string | undefined, body: Buffer | string): Parsed<BatchResponseItem[]> {
  try {
    const text = (typeof body === 'string' ? Buffer.from(body, 'utf8') : body).toString('latin1');
    return { ok: true, value: readResponse(contentType?.trim() ?? '', text) };
  } catch (err) {
    if (err instanceof BatchFormatError) return { ok: false, error: err.fault };
    throw err;
  }
}

/** Every part in order, change sets opened up. */
export function flattenBatchResponse(items: readonly BatchResponseItem[]): BatchResponsePart[] {
  return items.flatMap((item) => (item.kind === 'changeset' ? item.parts : [item]));
}

function readResponse(contentType: string, text: string): BatchResponseItem[] {
  const boundary =
    contentType !== '' && mediaTypeParam(parseMediaType(contentType), 'boundary') !== undefined
      ? requireBoundary(contentType)
      : sniffBoundary(text, contentType);
  const split = splitMultipart(text, boundary);
  if (!split.closed) throw new BatchFormatError(batchTexts.unexpectedEnd());
  const items: BatchResponseItem[] = [];
  for (const content of split.parts) {
    const { headers, rest } = readHeaderBlock(content);
    const mime = headerRecord(headers);
    const partType = mime['content-type'];
    if (partType === undefined) throw new BatchFormatError(batchTexts.missingPartContentType());
    const kind = parseMediaType(partType).type;
    if (kind === 'multipart/mixed') {
      const inner = splitMultipart(content.slice(rest), requireBoundary(partType));
      if (!inner.closed) throw new BatchFormatError(batchTexts.unexpectedEnd());
      const parts = inner.parts.map((partContent) => {
        const block = readHeaderBlock(partContent);
        const partMime = headerRecord(block.headers);
        const innerType = partMime['content-type'];
        if (innerType === undefined) throw new BatchFormatError(batchTexts.missingPartContentType());
        const innerKind = parseMediaType(innerType).type;
        if (innerKind === 'multipart/mixed') throw new BatchFormatError(batchTexts.nestedChangeSet());
        if (innerKind !== 'application/http') throw new BatchFormatError(batchTexts.invalidPartContentType(innerType));
        return readPart(partContent, partMime, block.rest);
      });
      items.push({ kind: 'changeset', parts });
    } else if (kind === 'application/http') {
      items.push(readPart(content, mime, rest));
    } else {
      throw new BatchFormatError(batchTexts.invalidPartContentType(partType));
    }
  }
  return items;
}

function sniffBoundary(text: string, contentType: string): string {
  for (let at = 0; ; ) {
    const read = readLine(text, at);
    if (read === null) break;
    const line = read.line.trimEnd();
    if (line.startsWith('--') && line.length > 2) return line.slice(2);
    if (line !== '') break;
    at = read.next;
  }
  throw new BatchFormatError(batchTexts.boundaryMissing(contentType));
}

function readPart(content: string, mime: Record<string, string>, start: number): BatchResponsePart {
  const first = readLine(content, start);
  const statusLine = utf8(first?.line ?? '');
  const firstSpace = statusLine.indexOf(' ');
  if (firstSpace <= 0) throw new BatchFormatError(batchTexts.invalidResponseLine(statusLine));
  const secondSpace = statusLine.indexOf(' ', firstSpace + 1);
  const version = statusLine.slice(0, firstSpace);
  const code = secondSpace < 0 ? statusLine.slice(firstSpace + 1) : statusLine.slice(firstSpace + 1, secondSpace);
  const statusText = secondSpace < 0 ? '' : statusLine.slice(secondSpace + 1);
  if (version !== 'HTTP/1.1') throw new BatchFormatError(batchTexts.invalidHttpVersion(version));
  if (!/^\d+$/.test(code)) throw new BatchFormatError(batchTexts.nonIntegerStatus(code));
  const { headers, rest } = readHeaderBlock(content, first?.next ?? content.length);
  const contentId = mime['content-id']?.trim();
  return {
    kind: 'response',
    status: Number(code),
    statusText,
    headers: headerRecord(headers),
    body: Buffer.from(content.slice(rest), 'latin1').toString('utf8'),
    contentId: contentId === undefined || contentId === '' ? null : contentId,
  };
}
