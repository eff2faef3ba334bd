/**
 * The `$batch` engine (dataverse-web-api.md §9): parse, run each inner request through the caller's
 * `execute` in order, wrap change sets in the caller's transaction, resolve `$n` Content-ID references,
 * and write the multipart response. Never throws: format problems answer 4xx with the Dataverse error
 * envelope, an inner request that throws becomes a 500 part.
 *
 * Error semantics: without `Prefer: odata.continue-on-error` the batch stops at the first part with
 * status ≥ 400 and answers 400, its body holding the responses so far ending with the failed one; with
 * it, the batch answers 200 and every part its own status. A failed change set is rolled back and
 * answers with just the failed part.
 */
import { randomUUID } from 'node:crypto';
import type { SbRequest, SbResponse } from '../../http';
import type { BatchFault } from './multipart';
import {
  type BatchRequestPart,
  contentIdReferenceOf,
  parseBatchRequest,
  parseJsonBody,
  visitReferenceValues,
} from './request-parser';
import { type BatchPartResult, type BatchResultItem, writeBatchResponse } from './response-writer';
import { MAX_BATCH_REQUESTS, ODATA_ERROR_CODE, UNEXPECTED_ERROR_CODE, batchTexts } from './texts';

export interface BatchTransaction {
  commit(): void;
  rollback(): void;
}

export interface BatchEngineOptions {
  /**
   * The Web API service root the batch was posted under, e.g.
   * `https://127.0.0.1:8443/orgs/contoso-dev/api/data/v9.2/`. Relative targets (`workflows(…)`) resolve
   * against it; absolute paths (`/api/data/v9.2/…`) get the part of its path before `/api/data/`.
   */
  serviceRoot: URL | string;
  /** Runs one inner request through the normal Dataverse service. */
  execute: (inner: SbRequest) => Promise<SbResponse>;
  /** Opened once per change set; committed when all its parts succeed, else rolled back. */
  transaction: () => BatchTransaction;
  /** Ids for inner requests and response boundaries; default crypto.randomUUID. */
  newGuid?: () => string;
  /** Default 1000 (the platform's limit). */
  maxRequests?: number;
}

/**
 * Outer request headers an inner request does not inherit: they describe the outer body or outer
 * conditions. Everything else (Authorization, CallerObjectId, MSCRMCallerID, MSCRM.*, Accept, OData
 * versions…) is inherited unless the part sets it.
 */
export const NOT_INHERITED_HEADERS: readonly string[] = [
  'content-type',
  'content-length',
  'content-encoding',
  'content-transfer-encoding',
  'content-id',
  'transfer-encoding',
  'expect',
  'connection',
  'keep-alive',
  'upgrade',
  'prefer',
  'if-match',
  'if-none-match',
  'if-modified-since',
  'if-unmodified-since',
];

export async function handleBatch(outer: SbRequest, options: BatchEngineOptions): Promise<SbResponse> {
  try {
    return await runBatch(outer, options);
  } catch {
    return batchErrorResponse({ status: 500, code: UNEXPECTED_ERROR_CODE, message: batchTexts.unexpected() });
  }
}

/** A whole-batch error: Dataverse's `{"error":{"code","message"}}` envelope. */
export function batchErrorResponse(fault: BatchFault): SbResponse {
  return errorResponse(fault.status, fault.code, fault.message);
}

/** Whether a Prefer header (values comma-joined) asks for `odata.continue-on-error` (or 4.01's `continue-on-error`). */
export function prefersContinueOnError(prefer: string | undefined): boolean {
  if (prefer === undefined) return false;
  for (const piece of splitOutsideQuotes(prefer)) {
    const eq = piece.indexOf('=');
    const name = (eq < 0 ? piece : piece.slice(0, eq)).trim().toLowerCase();
    if (name !== 'odata.continue-on-error' && name !== 'continue-on-error') continue;
    const value = eq < 0 ? '' : piece.slice(eq + 1).trim().replace(/^"|"$/g, '').toLowerCase();
    return value === '' || value === 'true';
  }
  return false;
}

/**
 * Where an inner request target points: absolute URLs stay, absolute paths are taken on the service
 * root's origin below its org prefix (unless they already carry it), other targets resolve against the
 * service root. Null when the target is not a URL.
 */
export function resolveInnerUrl(target: string, serviceRoot: URL | string): { url: URL; path: string } | null {
  const root = rootUrl(serviceRoot);
  const prefix = orgPrefix(root);
  let url: URL;
  try {
    if (/^[a-z][a-z0-9+.-]*:/i.test(target)) {
      url = new URL(target);
    } else if (target.startsWith('/')) {
      const carriesPrefix = prefix === '' || target === prefix || target.startsWith(`${prefix}/`);
      url = new URL(carriesPrefix ? target : `${prefix}${target}`, root.origin);
    } else {
      url = new URL(target, root);
    }
  } catch {
    return null;
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return null;
  const path = prefix !== '' && url.pathname.startsWith(`${prefix}/`) ? url.pathname.slice(prefix.length) : url.pathname;
  return { url, path };
}

async function runBatch(outer: SbRequest, options: BatchEngineOptions): Promise<SbResponse> {
  const newGuid = options.newGuid ?? randomUUID;
  const parsed = parseBatchRequest(outer.headers['content-type'], outer.body, {
    maxRequests: options.maxRequests ?? MAX_BATCH_REQUESTS,
  });
  if (!parsed.ok) return batchErrorResponse(parsed.error);
  const { items } = parsed.value;

  // Every target that is not a `$n` reference must be a URL before anything runs.
  for (const part of items.flatMap((item) => (item.kind === 'changeset' ? item.parts : [item]))) {
    if (contentIdReferenceOf(part.target) === null && resolveInnerUrl(part.target, options.serviceRoot) === null) {
      return batchErrorResponse({
        status: 400,
        code: ODATA_ERROR_CODE,
        message: batchTexts.invalidRequestLine(`${part.method} ${part.target} HTTP/1.1`),
      });
    }
  }

  const inherited: Record<string, string> = {};
  for (const [name, value] of Object.entries(outer.headers)) {
    if (!NOT_INHERITED_HEADERS.includes(name.toLowerCase())) inherited[name.toLowerCase()] = value;
  }
  const run = (part: BatchRequestPart, ids: ReadonlyMap<string, string>): Promise<BatchPartResult> =>
    runPart(outer, part, ids, inherited, options, newGuid);
  const continueOnError = prefersContinueOnError(outer.headers['prefer']);
  const results: BatchResultItem[] = [];

  for (const item of items) {
    if (item.kind === 'request') {
      const result = await run(item, new Map());
      results.push({ kind: 'response', part: result });
      if (result.response.status >= 400 && !continueOnError) return writeBatchResponse(400, results, newGuid);
      continue;
    }
    const transaction = options.transaction();
    const ids = new Map<string, string>();
    const done: BatchPartResult[] = [];
    let failed: BatchPartResult | null = null;
    for (const part of item.parts) {
      const result = await run(part, ids);
      if (result.response.status >= 400) {
        failed = result;
        break;
      }
      done.push(result);
      const entityUrl = entityUrlOf(result.response);
      if (part.contentId !== null && entityUrl !== undefined) ids.set(part.contentId, entityUrl);
    }
    if (failed !== null) {
      transaction.rollback();
      results.push({ kind: 'changeset', parts: [failed] });
      if (!continueOnError) return writeBatchResponse(400, results, newGuid);
    } else {
      transaction.commit();
      results.push({ kind: 'changeset', parts: done });
    }
  }
  return writeBatchResponse(200, results, newGuid);
}

async function runPart(
  outer: SbRequest,
  part: BatchRequestPart,
  ids: ReadonlyMap<string, string>,
  inherited: Readonly<Record<string, string>>,
  options: BatchEngineOptions,
  newGuid: () => string,
): Promise<BatchPartResult> {
  const requestId = newGuid();
  const answer = (response: SbResponse): BatchPartResult => ({
    method: part.method,
    contentId: part.contentId,
    requestId,
    response,
  });
  // The parser already refused references to undeclared ids; what can still be missing is the URL of
  // a declared part that answered without OData-EntityId/Location.
  const unresolved: string[] = [];
  const substitute = (value: string): string => {
    const id = contentIdReferenceOf(value);
    if (id === null) return value;
    const url = ids.get(id);
    if (url === undefined) {
      unresolved.push(id);
      return value;
    }
    return url + value.slice(id.length + 1);
  };

  const target = substitute(part.target);
  let body = part.body;
  const json = parseJsonBody(body);
  if (json !== undefined && visitReferenceValues(json, substitute)) body = Buffer.from(JSON.stringify(json), 'utf8');
  const missing = unresolved[0];
  if (missing !== undefined) {
    return answer(errorResponse(400, ODATA_ERROR_CODE, batchTexts.contentIdReference(`$${missing}`)));
  }
  const resolved = resolveInnerUrl(target, options.serviceRoot);
  if (resolved === null) {
    return answer(errorResponse(400, ODATA_ERROR_CODE, batchTexts.invalidRequestLine(`${part.method} ${target} HTTP/1.1`)));
  }

  const headers: Record<string, string> = { ...inherited, ...part.headers };
  delete headers['content-length'];
  delete headers['content-id'];
  const inner: SbRequest = {
    method: part.method,
    url: resolved.url,
    path: resolved.path,
    headers,
    body,
    remoteAddress: outer.remoteAddress,
    requestId,
  };
  try {
    return answer(await options.execute(inner));
  } catch {
    return answer(errorResponse(500, UNEXPECTED_ERROR_CODE, batchTexts.unexpected()));
  }
}

/** The URL of the entity a part created or addressed: `OData-EntityId`, else `Location`. */
function entityUrlOf(response: SbResponse): string | undefined {
  let location: string | undefined;
  for (const [name, value] of Object.entries(response.headers)) {
    const text = Array.isArray(value) ? value[0] : value;
    const key = name.toLowerCase();
    if (key === 'odata-entityid' && text) return text;
    if (key === 'location' && text) location = text;
  }
  return location;
}

function errorResponse(status: number, code: string, message: string): SbResponse {
  return {
    status,
    headers: { 'content-type': 'application/json; odata.metadata=minimal', 'odata-version': '4.0' },
    body: JSON.stringify({ error: { code, message } }),
  };
}

function rootUrl(serviceRoot: URL | string): URL {
  const root = new URL(String(serviceRoot));
  if (!root.pathname.endsWith('/')) root.pathname = `${root.pathname}/`;
  root.search = '';
  root.hash = '';
  return root;
}

/** The org's path prefix in the sandbox (`/orgs/contoso-dev`), '' when the org is the origin. */
function orgPrefix(root: URL): string {
  return /^(.*?)\/api\/data\//i.exec(root.pathname)?.[1] ?? '';
}

function splitOutsideQuotes(value: string): string[] {
  const out: string[] = [];
  let current = '';
  let quoted = false;
  for (const ch of value) {
    if (ch === '"') quoted = !quoted;
    if (ch === ',' && !quoted) {
      out.push(current);
      current = '';
    } else {
      current += ch;
    }
  }
  out.push(current);
  return out;
}
