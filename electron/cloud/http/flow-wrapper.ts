import type { PlatformErrorDetail } from './platform-error';

/**
 * Dataverse wraps errors of the Flow service in code `0x80060467` with the Flow error's JSON embedded
 * raw in the message (dataverse-web-api.md §4.4):
 *
 *   Flow client error returned with status code "BadRequest" and details "{"error":{"code":"…","message":"…"}}".
 *
 * The wrapper may itself sit inside other text (the maker UI's `Turn on failed. `, the Dataverse
 * connector's `Request to XRM API failed with error: 'Message: … Code: 0x80060467 InnerError: '.`), the
 * embedded JSON may arrive escaped once more, and its message may hold yet another JSON error
 * (`BapListServicePlansFailed` → `MissingUserDetails`). This reads all of those and never throws.
 */

export interface FlowClientError {
  /** `BadRequest`, `Forbidden`, … as the wrapper names it. */
  status: string;
  code: string | null;
  message: string | null;
  /** `MultipleErrorsOccurred` details, or the error nested in the inner message. */
  details: PlatformErrorDetail[];
}

const WRAPPER = /Flow client error returned with status code "([^"]*)" and details "/;
/** How many closing braces to try as the end of the embedded JSON before falling back to regexes. */
const MAX_END_CANDIDATES = 64;

export function parseFlowClientError(text: string): FlowClientError | null {
  const match = WRAPPER.exec(text);
  if (!match) return null;
  const status = match[1] ?? '';
  const rest = text.slice(match.index + match[0].length);
  const parsed = embeddedJson(rest) ?? embeddedJson(unescapeOnce(rest));
  if (parsed !== undefined) {
    const inner = errorOf(parsed);
    if (inner) return { status, ...inner };
  }
  return { status, ...scavenge(rest) };
}

/** `{"error":{code,message,details}}` or a bare `{code,message}` → code, message and every detail. */
export function errorOf(value: unknown): { code: string | null; message: string | null; details: PlatformErrorDetail[] } | null {
  if (!isRecord(value)) return null;
  const err = isRecord(value['error']) ? value['error'] : value;
  const code = nonEmptyString(err['code']);
  const message = nonEmptyString(err['message']);
  if (code === null && message === null) return null;
  const details: PlatformErrorDetail[] = [];
  if (Array.isArray(err['details'])) {
    for (const d of err['details']) {
      if (isRecord(d)) details.push({ code: nonEmptyString(d['code']) ?? '', message: nonEmptyString(d['message']) ?? '' });
    }
  }
  // A message that is itself a JSON error (BapListServicePlansFailed → MissingUserDetails).
  if (message?.trimStart().startsWith('{')) {
    const nested = errorOf(safeParse(message.trim()));
    if (nested) {
      details.push({ code: nested.code ?? '', message: nested.message ?? '' }, ...nested.details);
    }
  }
  return { code, message, details };
}

/** The JSON value that starts at the first `{` of `text`, ending at the latest `}` that makes it parse. */
function embeddedJson(text: string): unknown {
  const start = text.indexOf('{');
  if (start < 0) return undefined;
  let end = text.lastIndexOf('}');
  for (let tries = 0; end > start && tries < MAX_END_CANDIDATES; tries++) {
    const value = safeParse(text.slice(start, end + 1));
    if (value !== undefined) return value;
    end = text.lastIndexOf('}', end - 1);
  }
  return undefined;
}

/** Undoes one level of JSON string escaping (`\"` → `"`, `\\` → `\`). */
function unescapeOnce(text: string): string {
  return text.replace(/\\(["\\/])/g, '$1');
}

/** Last resort for text that is not JSON in any reading: the first `"code"` and `"message"` values. */
function scavenge(text: string): { code: string | null; message: string | null; details: PlatformErrorDetail[] } {
  const plain = unescapeOnce(text);
  const code = /"code"\s*:\s*"([^"\\]+)"/.exec(plain)?.[1] ?? null;
  const message = /"message"\s*:\s*"((?:[^"\\]|\\.)*)"/.exec(plain)?.[1] ?? null;
  return { code, message, details: [] };
}

function safeParse(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function nonEmptyString(value: unknown): string | null {
  return typeof value === 'string' && value.trim() !== '' ? value : null;
}
