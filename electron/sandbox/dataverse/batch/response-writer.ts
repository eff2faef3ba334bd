/**
 * Writes a `$batch` response the way Dataverse does (execute-batch-operations-using-web-api.md):
 * boundary `batchresponse_<guid>`, each part `Content-Type: application/http` +
 * `Content-Transfer-Encoding: binary`, then `HTTP/1.1 <code> <reason>`, the part's headers, a blank
 * line and the body; change sets nested under `changesetresponse_<guid>` with `Content-ID` echoed.
 * CRLF throughout; a part's body is followed by CRLF and the next delimiter, so a bodiless part shows
 * two blank lines as in the docs' samples.
 */
import type { SbResponse } from '../../http';

/** One inner request's outcome. */
export interface BatchPartResult {
  method: string;
  contentId: string | null;
  /** The inner request's id; failed parts carry it as `REQ_ID`. */
  requestId: string;
  response: SbResponse;
}

export type BatchResultItem =
  | { kind: 'response'; part: BatchPartResult }
  | { kind: 'changeset'; parts: BatchPartResult[] };

const CRLF = '\r\n';

/** Reason phrases as .NET writes them on batch parts. */
const REASONS: Readonly<Record<number, string>> = {
  200: 'OK',
  201: 'Created',
  202: 'Accepted',
  204: 'No Content',
  304: 'Not Modified',
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  406: 'Not Acceptable',
  409: 'Conflict',
  412: 'Precondition Failed',
  413: 'Request Entity Too Large',
  414: 'Request-URI Too Long',
  415: 'Unsupported Media Type',
  428: 'Precondition Required',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  501: 'Not Implemented',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
  504: 'Gateway Timeout',
};

export function reasonPhrase(status: number): string {
  return REASONS[status] ?? '';
}

/**
 * Response headers a batch part shows, in the order they are written; anything else the inner service
 * set (rate-limit debug headers, request ids, transport headers) stays off the part, as on the platform.
 */
export const PART_RESPONSE_HEADERS: readonly string[] = [
  'REQ_ID',
  'Content-Type',
  'OData-Version',
  'Location',
  'OData-EntityId',
  'ETag',
  'Preference-Applied',
  'Retry-After',
];

/** The whole `$batch` response: multipart body, `OData-Version: 4.0`. */
export function writeBatchResponse(
  status: number,
  items: readonly BatchResultItem[],
  newGuid: () => string,
): SbResponse {
  const boundary = `batchresponse_${newGuid()}`;
  const chunks: Buffer[] = [];
  for (const item of items) {
    chunks.push(ascii(`--${boundary}${CRLF}`));
    if (item.kind === 'response') {
      chunks.push(writePart(item.part));
    } else {
      const inner = `changesetresponse_${newGuid()}`;
      chunks.push(ascii(`Content-Type: multipart/mixed; boundary=${inner}${CRLF}${CRLF}`));
      for (const part of item.parts) {
        chunks.push(ascii(`--${inner}${CRLF}`), writePart(part), ascii(CRLF));
      }
      chunks.push(ascii(`--${inner}--`));
    }
    chunks.push(ascii(CRLF));
  }
  chunks.push(ascii(`--${boundary}--${CRLF}`));
  return {
    status,
    headers: { 'content-type': `multipart/mixed; boundary=${boundary}`, 'odata-version': '4.0' },
    body: Buffer.concat(chunks),
  };
}

function writePart(part: BatchPartResult): Buffer {
  const { response } = part;
  const body = response.body === undefined ? Buffer.alloc(0) : Buffer.from(response.body);
  const lines = ['Content-Type: application/http', 'Content-Transfer-Encoding: binary'];
  if (part.contentId !== null) lines.push(`Content-ID: ${part.contentId}`);
  lines.push('', `HTTP/1.1 ${response.status} ${reasonPhrase(response.status)}`.trimEnd());
  for (const [name, value] of partHeaders(part, body.length > 0)) lines.push(`${name}: ${value}`);
  lines.push('', '');
  return Buffer.concat([Buffer.from(lines.join(CRLF), 'utf8'), body]);
}

/** The headers one part shows, derived from the inner response. */
export function partHeaders(part: BatchPartResult, hasBody: boolean): Array<[string, string]> {
  const { response } = part;
  const inner = new Map<string, string>();
  for (const [name, value] of Object.entries(response.headers)) {
    const text = Array.isArray(value) ? value[0] : value;
    if (text !== undefined) inner.set(name.toLowerCase(), text);
  }
  const failed = response.status >= 400;
  const values = new Map<string, string | undefined>([
    ['REQ_ID', failed ? (inner.get('req_id') ?? part.requestId) : undefined],
    ['Content-Type', hasBody ? partContentType(inner.get('content-type'), part.method, failed) : undefined],
    ['OData-Version', inner.get('odata-version') ?? '4.0'],
    // Create/upsert parts show Location next to OData-EntityId (the docs' samples do).
    ['Location', inner.get('location') ?? (failed ? undefined : inner.get('odata-entityid'))],
    ['OData-EntityId', inner.get('odata-entityid')],
    ['ETag', inner.get('etag')],
    ['Preference-Applied', inner.get('preference-applied')],
    ['Retry-After', inner.get('retry-after')],
  ]);
  const out: Array<[string, string]> = [];
  for (const name of PART_RESPONSE_HEADERS) {
    const value = values.get(name);
    if (value !== undefined) out.push([name, value]);
  }
  return out;
}

/**
 * JSON bodies are `application/json; odata.metadata=minimal` on a part (the inner service's charset
 * dropped); successful GETs add `odata.streaming=true`, as the docs' samples show. Other types pass.
 */
function partContentType(contentType: string | undefined, method: string, failed: boolean): string | undefined {
  if (contentType === undefined) return undefined;
  if (!/^\s*application\/json\s*(;|$)/i.test(contentType)) return contentType;
  const metadata = /odata\.metadata=([a-z]+)/i.exec(contentType)?.[1]?.toLowerCase() ?? 'minimal';
  const streaming = !failed && method === 'GET' ? '; odata.streaming=true' : '';
  return `application/json; odata.metadata=${metadata}${streaming}`;
}

function ascii(text: string): Buffer {
  return Buffer.from(text, 'latin1');
}
