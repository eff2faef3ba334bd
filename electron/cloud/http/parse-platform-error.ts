import { STATUS_CODES } from 'node:http';
import { errorOf, parseFlowClientError } from './flow-wrapper';
import { localInfo, type PlatformErrorDetail, type PlatformErrorInfo, type PlatformErrorKind } from './platform-error';
import { parseRetryAfterMs, retryAfterSeconds } from './retry-after';
import { codeSummary, summaryFor } from './summaries';

/**
 * Reads an error answer of any of the services Patchbay talks to into a `PlatformErrorInfo`, without
 * ever throwing: Dataverse's `{"error":{"code":"0x…","message"}}` (with the Flow wrapper `0x80060467`
 * unpacked), the gateways' `{"error":{"code","message","details"?}}`, Entra's AADSTS shape, and
 * anything else — HTML pages from proxies, truncated JSON, plain text, empty bodies — described as such.
 */

const FLOW_WRAPPER_CODE = '0x80060467';
const SNIPPET_CHARS = 300;
const MESSAGE_CHARS = 4000;

/** Statuses that say what happened whatever the body: an HTML 404 is still "not found". */
const STATUS_SPEAKS = new Set([401, 403, 404, 412, 429]);

export type BodyShape =
  | { shape: 'empty' }
  | { shape: 'json'; value: unknown }
  | { shape: 'html'; title: string | null }
  | { shape: 'invalid-json'; snippet: string }
  | { shape: 'text'; contentType: string; snippet: string };

export function kindForStatus(status: number): PlatformErrorKind {
  if (status === 429) return 'throttled';
  if (status === 401) return 'auth';
  if (status === 403) return 'forbidden';
  if (status === 404 || status === 410) return 'not-found';
  if (status === 409) return 'conflict';
  if (status === 412) return 'concurrency';
  if (status === 408) return 'timeout';
  if (status >= 500) return 'server';
  if (status >= 400) return 'bad-request';
  // A success or redirect reported as an error is not something the API speaks.
  return 'invalid-response';
}

export function statusLine(status: number): string {
  const text = STATUS_CODES[status];
  return text ? `HTTP ${status} ${text}` : `HTTP ${status}`;
}

/** What kind of body this is, judged by content type and content. */
export function bodyShape(contentType: string | undefined, bodyText: string): BodyShape {
  const trimmed = bodyText.trim();
  if (trimmed === '') return { shape: 'empty' };
  const type = (contentType ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  if (type.includes('html') || /^<(!doctype|html|head|body|\?xml)/i.test(trimmed)) return { shape: 'html', title: htmlTitle(trimmed) };
  try {
    return { shape: 'json', value: JSON.parse(trimmed) as unknown };
  } catch {
    // fall through: not JSON
  }
  if (type.includes('json') || trimmed.startsWith('{') || trimmed.startsWith('[')) return { shape: 'invalid-json', snippet: snippet(trimmed) };
  return { shape: 'text', contentType: type || 'no content type', snippet: snippet(trimmed) };
}

export function parsePlatformError(status: number, headers: Readonly<Record<string, string>>, bodyText: string, now?: number): PlatformErrorInfo {
  const retryAfterMs = parseRetryAfterMs(headers['retry-after'], { dateHeader: headers['date'], ...(now === undefined ? {} : { now }) });
  const base = {
    status,
    retryAfterS: retryAfterSeconds(retryAfterMs),
    serverRequestId: headers['x-ms-service-request-id'] ?? headers['x-ms-request-id'] ?? headers['req_id'] ?? null,
  };
  const body = bodyShape(headers['content-type'], bodyText);
  const statusKind = kindForStatus(status);

  if (body.shape === 'json') {
    const aad = aadError(body.value);
    if (aad) {
      const kind: PlatformErrorKind = status === 429 ? 'throttled' : status >= 500 ? 'server' : 'auth';
      return finish({ ...base, kind, code: aad.error, aadsts: aad.aadsts, platformMessage: aad.description });
    }
    const envelope = errorOf(body.value);
    if (envelope) {
      const dataverseCode = envelope.code !== null && /^0x[0-9a-f]{8}$/i.test(envelope.code) ? envelope.code : null;
      const flow = dataverseCode?.toLowerCase() === FLOW_WRAPPER_CODE || envelope.message?.includes('Flow client error returned')
        ? parseFlowClientError(envelope.message ?? '')
        : null;
      const details: PlatformErrorDetail[] = flow ? flow.details : envelope.details;
      let kind = statusKind;
      if (flow?.status === 'Forbidden' && status < 500) kind = 'forbidden';
      if (flow?.status === 'NotFound' && status < 500) kind = 'not-found';
      return finish({
        ...base,
        kind,
        code: envelope.code,
        dataverseCode,
        flowCode: flow?.code ?? null,
        flowStatus: flow?.status ?? null,
        details,
        platformMessage: flow?.message ?? envelope.message,
      });
    }
    return finish({ ...base, kind: statusKind, platformMessage: snippet(bodyText.trim()) });
  }

  if (body.shape === 'empty') {
    return finish({ ...base, kind: statusKind, summarySuffix: ' The answer had no body.' });
  }

  const kind = STATUS_SPEAKS.has(status) ? statusKind : 'invalid-response';
  switch (body.shape) {
    case 'html':
      return finish({ ...base, kind, summary: `The service answered with an HTML page (${statusLine(status)}) instead of JSON.`, platformMessage: body.title });
    case 'invalid-json':
      return finish({ ...base, kind, summary: `The service answered with JSON that is cut off or malformed (${statusLine(status)}).`, platformMessage: body.snippet });
    case 'text':
      return finish({ ...base, kind, summary: `The service answered with ${body.contentType} instead of JSON (${statusLine(status)}).`, platformMessage: body.snippet });
  }
}

/**
 * The body of a successful answer as JSON, or why it is not: used by `HttpResponse.json()`. A body
 * with a non-JSON content type is refused even when it happens to parse, and so is a body that is the
 * platform's error envelope: gateways and Dataverse sometimes answer 2xx with `{"error":{code,message}}`
 * instead of data, and what they say there is the only useful thing to tell the person.
 */
export function parseJsonBody(status: number, headers: Readonly<Record<string, string>>, bodyText: string): { ok: true; value: unknown } | { ok: false; info: PlatformErrorInfo } {
  const contentType = headers['content-type'];
  const body = bodyShape(contentType, bodyText);
  const declared = contentType?.split(';')[0]?.trim().toLowerCase();
  const jsonType = declared === undefined || declared === '' || declared.includes('json');
  if (body.shape === 'json' && jsonType) {
    if (!isErrorEnvelope(body.value)) return { ok: true, value: body.value };
    const info = parsePlatformError(status, headers, bodyText);
    // The status says nothing here: the code's own summary, else what happened; the platform's words follow.
    return { ok: false, info: { ...info, summary: codeSummary(info) ?? `The service answered ${statusLine(status)} with an error instead of the data asked for.` } };
  }
  const summary = (() => {
    switch (body.shape) {
      case 'empty':
        return `The service answered ${statusLine(status)} with no body where JSON was expected.`;
      case 'html':
        return `The service answered with an HTML page (${statusLine(status)}) instead of JSON.`;
      case 'invalid-json':
        return `The service answered with JSON that is cut off or malformed (${statusLine(status)}).`;
      case 'text':
        return `The service answered with ${body.contentType} instead of JSON (${statusLine(status)}).`;
      case 'json':
        return `The service answered with ${declared ?? 'no content type'} instead of JSON (${statusLine(status)}).`;
    }
  })();
  const platformMessage = body.shape === 'html' ? body.title : body.shape === 'invalid-json' || body.shape === 'text' ? body.snippet : null;
  return {
    ok: false,
    info: localInfo('invalid-response', summary, {
      status,
      platformMessage,
      serverRequestId: headers['x-ms-service-request-id'] ?? headers['x-ms-request-id'] ?? null,
    }),
  };
}

interface Draft {
  kind: PlatformErrorKind;
  status: number;
  retryAfterS: number | null;
  serverRequestId: string | null;
  code?: string | null;
  dataverseCode?: string | null;
  flowCode?: string | null;
  flowStatus?: string | null;
  details?: PlatformErrorDetail[];
  aadsts?: number | null;
  platformMessage?: string | null;
  summary?: string;
  summarySuffix?: string;
}

function finish(draft: Draft): PlatformErrorInfo {
  const info = localInfo(draft.kind, '', {
    status: draft.status,
    code: draft.code ?? null,
    dataverseCode: draft.dataverseCode ?? null,
    flowCode: draft.flowCode ?? null,
    flowStatus: draft.flowStatus ?? null,
    details: draft.details ?? [],
    aadsts: draft.aadsts ?? null,
    platformMessage: draft.platformMessage ? clip(draft.platformMessage, MESSAGE_CHARS) : null,
    retryAfterS: draft.retryAfterS,
    serverRequestId: draft.serverRequestId,
  });
  let summary = draft.summary ?? summaryFor(info) + (draft.summarySuffix ?? '');
  // summaryFor says when to retry; a summary about the body's shape does not, so add it.
  if (draft.summary !== undefined && info.kind === 'throttled' && info.retryAfterS !== null) summary += ` Retry after ${info.retryAfterS} s.`;
  return { ...info, summary };
}

/**
 * `{"error":{"code"|"message": …}}` and nothing beside it: Dataverse's and the gateways' error shape.
 * Anything else at the top level (`value`, an entity's columns, an async operation's `status` next to
 * its `error`) makes it data, so a success answer that merely mentions an error is not refused.
 */
function isErrorEnvelope(value: unknown): boolean {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const record = value as Record<string, unknown>;
  const error = record['error'];
  if (typeof error !== 'object' || error === null || Array.isArray(error) || Object.keys(record).length !== 1) return false;
  const inner = error as Record<string, unknown>;
  return typeof inner['code'] === 'string' || typeof inner['message'] === 'string';
}

/** Entra's OAuth error: `{"error":"invalid_client","error_description":"AADSTS7000215: …","error_codes":[7000215]}`. */
function aadError(value: unknown): { error: string; description: string | null; aadsts: number | null } | null {
  if (typeof value !== 'object' || value === null) return null;
  const record = value as Record<string, unknown>;
  const error = record['error'];
  if (typeof error !== 'string') return null;
  const rawDescription = typeof record['error_description'] === 'string' ? record['error_description'] : null;
  // The description carries Trace ID, Correlation ID and Timestamp on further lines; the first says what.
  const description = rawDescription?.split(/\r?\n/)[0]?.trim() ?? null;
  const codes = record['error_codes'];
  const first = Array.isArray(codes) && typeof codes[0] === 'number' ? codes[0] : null;
  const fromText = rawDescription ? /AADSTS(\d+)/.exec(rawDescription)?.[1] : undefined;
  return { error, description, aadsts: first ?? (fromText === undefined ? null : Number(fromText)) };
}

function htmlTitle(html: string): string | null {
  const raw = /<title[^>]*>([\s\S]*?)<\/title>/i.exec(html)?.[1] ?? /<h[12][^>]*>([\s\S]*?)<\/h[12]>/i.exec(html)?.[1];
  if (raw === undefined) return null;
  const text = raw.replace(/<[^>]*>/g, ' ').replace(/\s+/g, ' ').trim();
  return text === '' ? null : clip(text, 200);
}

function snippet(text: string): string {
  return clip(text.replace(/\s+/g, ' '), SNIPPET_CHARS);
}

function clip(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max)}…` : text;
}
