/**
 * Masks credentials in anything about to be logged or shown: JWTs, `Bearer`/`Basic` credentials,
 * values of sensitive keys (in objects, JSON text, query strings, form bodies and `name: value` text),
 * PEM private keys, and the literal secrets registered at runtime (client secrets, certificate
 * passwords). Every log line passes through it; error messages shown to people do too.
 */

export const REDACTED = '[REDACTED]';

/** Key names whose values are credentials. */
export const SENSITIVE_KEY = /secret|token|password|assertion|code_verifier|refresh|client_info|key/i;

/** Query/form parameters that carry credentials although their names do not say so (OAuth codes). */
const SENSITIVE_PARAMS = ['code', 'device_code'];

/** Registered secrets shorter than this are ignored: masking every "ab" would garble logs and hide nothing. */
const MIN_SECRET_LENGTH = 4;

const secrets = new Set<string>();
let secretsByLength: string[] = [];

/** Registers a literal secret (a client secret as it is read, a certificate password): every later redact() masks it. */
export function registerSecret(value: string): void {
  if (value.length < MIN_SECRET_LENGTH || secrets.has(value)) return;
  secrets.add(value);
  const encoded = encodeURIComponent(value);
  if (encoded !== value) secrets.add(encoded);
  const json = JSON.stringify(value).slice(1, -1);
  if (json !== value) secrets.add(json);
  secretsByLength = [...secrets].sort((a, b) => b.length - a.length);
}

/** For tests: forgets every registered secret. */
export function clearRegisteredSecrets(): void {
  secrets.clear();
  secretsByLength = [];
}

const keyWord = '(?:secret|token|password|assertion|code_verifier|refresh|client_info|key)';
const nameChars = '[A-Za-z0-9_.\\-]';

const PEM_PRIVATE_KEY = /-----BEGIN ([A-Z0-9 ]*)PRIVATE KEY-----[\s\S]*?(?:-----END \1PRIVATE KEY-----|$)/g;
/**
 * JWE (five parts; the key part is empty with `alg: dir`) and JWS (three parts, signature may be empty);
 * the header is base64url JSON, so it starts with `eyJ`.
 */
const JWT = /\beyJ[A-Za-z0-9_-]{4,}\.(?:[A-Za-z0-9_-]*\.[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]*|[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]*)/g;
const AUTH_SCHEME = /\b(Bearer|Basic|PoP)(\s+)[A-Za-z0-9._~+/=-]+/gi;
const AUTH_HEADER = /\b(authorization|proxy-authorization)("?\s*[:=]\s*"?)(?!\s*(?:Bearer|Basic|PoP)\b)([^"\r\n,}]+)/gi;
/** `"name": "value"` in JSON text (also `\"name\":` inside escaped JSON). */
const JSON_PAIR = new RegExp(`("${nameChars}*${keyWord}${nameChars}*\\\\?"\\s*:\\s*\\\\?")((?:[^"\\\\]|\\\\(?!"))*)`, 'gi');
/** `name=value` in query strings and form bodies. */
const PARAM_PAIR = new RegExp(`(^|[?&;\\s,(])(${nameChars}*${keyWord}${nameChars}*|${SENSITIVE_PARAMS.join('|')})=([^&\\s"',;)]+)`, 'gi');
/** `name: value` in header dumps and prose. */
const COLON_PAIR = new RegExp(`(^|[\\s{,(])(${nameChars}*${keyWord}${nameChars}*)(\\s*:\\s*)(?!\\[REDACTED)([^\\s"',;{}]+)`, 'gim');

/** Redacts one string. */
export function redactText(text: string): string {
  let out = text.replace(PEM_PRIVATE_KEY, '[REDACTED PRIVATE KEY]');
  for (const secret of secretsByLength) {
    if (out.includes(secret)) out = out.split(secret).join(REDACTED);
  }
  out = out.replace(AUTH_SCHEME, (_m, scheme: string, space: string) => `${scheme}${space}${REDACTED}`);
  out = out.replace(AUTH_HEADER, (_m, name: string, sep: string) => `${name}${sep}${REDACTED}`);
  out = out.replace(JSON_PAIR, (_m, head: string) => `${head}${REDACTED}`);
  out = out.replace(PARAM_PAIR, (_m, lead: string, name: string) => `${lead}${name}=${REDACTED}`);
  out = out.replace(COLON_PAIR, (_m, lead: string, name: string, sep: string) => `${lead}${name}${sep}${REDACTED}`);
  // Last: whatever JWT no key or scheme announced (`id_token eyJ…` in prose).
  return out.replace(JWT, '[REDACTED JWT]');
}

const MAX_DEPTH = 8;

function redactValue(value: unknown, depth: number, seen: WeakSet<object>): unknown {
  if (typeof value === 'string') return redactText(value);
  if (value === null || typeof value !== 'object') {
    return typeof value === 'function' || typeof value === 'symbol' ? `[${typeof value}]` : value;
  }
  if (seen.has(value)) return '[Circular]';
  if (depth >= MAX_DEPTH) return '[Object]';
  seen.add(value);
  if (value instanceof Uint8Array) return `[binary ${value.byteLength} bytes]`;
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? 'Invalid Date' : value.toISOString();
  if (value instanceof URL) return redactText(value.href);
  if (Array.isArray(value)) return value.map((item) => redactValue(item, depth + 1, seen));
  if (value instanceof Map) return redactEntries([...value.entries()].map(([k, v]) => [String(k), v]), depth, seen);
  if (value instanceof Error) {
    const entries: [string, unknown][] = [
      ['name', value.name],
      ['message', value.message],
      ...Object.entries(value).filter(([k]) => k !== 'name' && k !== 'message' && k !== 'stack'),
    ];
    if (value.stack !== undefined) entries.push(['stack', value.stack]);
    if (value.cause !== undefined) entries.push(['cause', value.cause]);
    return redactEntries(entries, depth, seen);
  }
  return redactEntries(Object.entries(value), depth, seen);
}

function redactEntries(entries: [string, unknown][], depth: number, seen: WeakSet<object>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, item] of entries) {
    out[key] = SENSITIVE_KEY.test(key) && item !== undefined && item !== null && item !== '' ? REDACTED : redactValue(item, depth + 1, seen);
  }
  return out;
}

/**
 * A copy of `value` safe to log: strings redacted, values under sensitive keys replaced whole,
 * errors flattened to plain objects (name, message, own fields, stack, cause), buffers summarised.
 */
export function redact(value: unknown): unknown {
  return redactValue(value, 0, new WeakSet());
}
