/**
 * `Retry-After` (RFC 9110 §10.2.3): delay-seconds (Dataverse and the gateways send an integer) or an
 * HTTP-date. Rounded up to the millisecond, never down: a retry must not come earlier than asked.
 */

export interface RetryAfterContext {
  /** The answer's own `Date` header: an HTTP-date is measured from it, so clock skew does not matter. */
  dateHeader?: string | undefined;
  now?: number;
}

/** Milliseconds to wait, or null when the header is absent or unreadable. */
export function parseRetryAfterMs(value: string | undefined, context: RetryAfterContext = {}): number | null {
  if (value === undefined) return null;
  const text = value.trim();
  if (text === '') return null;
  if (/^\d+(\.\d+)?$/.test(text)) return Math.ceil(Number(text) * 1000);
  const at = Date.parse(text);
  if (Number.isNaN(at) || !/[a-z]/i.test(text)) return null;
  const serverNow = context.dateHeader === undefined ? Number.NaN : Date.parse(context.dateHeader);
  const from = Number.isNaN(serverNow) ? (context.now ?? Date.now()) : serverNow;
  return Math.max(0, Math.ceil(at - from));
}

/** Whole seconds for error reports (rounded up). */
export function retryAfterSeconds(ms: number | null): number | null {
  return ms === null ? null : Math.ceil(ms / 1000);
}
