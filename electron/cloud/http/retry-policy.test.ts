import { describe, expect, it } from 'vitest';
import { parseRetryAfterMs } from './retry-after';
import { backoffMs, classifyNetworkError, isRepeatable } from './retry-policy';

describe('isRepeatable', () => {
  it('follows the method and If-Match under auto', () => {
    expect(isRepeatable({ method: 'GET' })).toBe(true);
    expect(isRepeatable({ method: 'HEAD' })).toBe(true);
    expect(isRepeatable({ method: 'PATCH' })).toBe(false);
    expect(isRepeatable({ method: 'PATCH', headers: { 'If-Match': '*' } })).toBe(true);
    expect(isRepeatable({ method: 'PATCH', headers: { 'if-match': 'W/"470867"' } })).toBe(true);
    expect(isRepeatable({ method: 'PATCH', headers: { 'If-None-Match': '*' } })).toBe(false);
    expect(isRepeatable({ method: 'DELETE' })).toBe(false);
    expect(isRepeatable({ method: 'DELETE', headers: { 'If-Match': '*' } })).toBe(true);
    expect(isRepeatable({ method: 'POST' })).toBe(false);
    expect(isRepeatable({ method: 'PUT', headers: { 'If-Match': '*' } })).toBe(false);
  });

  it('lets the caller override', () => {
    expect(isRepeatable({ method: 'POST', repeatable: 'yes' })).toBe(true);
    expect(isRepeatable({ method: 'GET', repeatable: 'no' })).toBe(false);
  });
});

describe('backoffMs (full jitter)', () => {
  const options = (r: number) => ({ baseMs: 500, capMs: 30_000, random: () => r });

  it('is uniform in [0, min(cap, base·2^retry))', () => {
    expect([0, 1, 2, 3, 4, 5, 6, 7].map((retry) => backoffMs(retry, options(0.999999)))).toEqual([499, 999, 1999, 3999, 7999, 15999, 29999, 29999]);
    expect(backoffMs(3, options(0))).toBe(0);
    expect(backoffMs(2, options(0.5))).toBe(1000);
  });

  it('spreads waits over the whole interval', () => {
    let seed = 7;
    const random = (): number => {
      seed = (seed * 16807) % 2147483647;
      return (seed - 1) / 2147483646;
    };
    const waits = Array.from({ length: 2000 }, () => backoffMs(3, { baseMs: 500, capMs: 30_000, random }));
    expect(Math.min(...waits)).toBeLessThan(200);
    expect(Math.max(...waits)).toBeGreaterThan(3800);
    const mean = waits.reduce((a, b) => a + b, 0) / waits.length;
    expect(mean).toBeGreaterThan(1800);
    expect(mean).toBeLessThan(2200);
  });
});

describe('parseRetryAfterMs', () => {
  it('reads delay-seconds, rounding up to the millisecond', () => {
    expect(parseRetryAfterMs('1')).toBe(1000);
    expect(parseRetryAfterMs(' 300 ')).toBe(300_000);
    expect(parseRetryAfterMs('0.0015')).toBe(2);
    expect(parseRetryAfterMs(undefined)).toBeNull();
    expect(parseRetryAfterMs('soon')).toBeNull();
    expect(parseRetryAfterMs('-5')).toBeNull();
  });

  it('reads an HTTP-date from the Date header, else from now', () => {
    expect(parseRetryAfterMs('Wed, 21 Oct 2015 07:28:05 GMT', { dateHeader: 'Wed, 21 Oct 2015 07:28:00 GMT', now: 0 })).toBe(5000);
    const now = Date.parse('Wed, 21 Oct 2015 07:28:00 GMT');
    expect(parseRetryAfterMs('Wed, 21 Oct 2015 07:28:02 GMT', { now })).toBe(2000);
    expect(parseRetryAfterMs('Wed, 21 Oct 2015 07:27:00 GMT', { now })).toBe(0);
  });
});

describe('classifyNetworkError', () => {
  const coded = (code: string, cause?: unknown): Error => Object.assign(new Error(code), { code, ...(cause ? { cause } : {}) });

  it('tells failures to connect from failures in flight and fatal ones', () => {
    expect(classifyNetworkError(coded('ECONNREFUSED'))).toEqual({ phase: 'connect', code: 'ECONNREFUSED' });
    expect(classifyNetworkError(coded('UND_ERR_CONNECT_TIMEOUT'))).toEqual({ phase: 'connect', code: 'UND_ERR_CONNECT_TIMEOUT' });
    expect(classifyNetworkError(coded('UND_ERR_SOCKET'))).toEqual({ phase: 'in-flight', code: 'UND_ERR_SOCKET', timeout: false });
    expect(classifyNetworkError(coded('ECONNRESET'))).toEqual({ phase: 'in-flight', code: 'ECONNRESET', timeout: false });
    expect(classifyNetworkError(coded('UND_ERR_HEADERS_TIMEOUT'))).toEqual({ phase: 'in-flight', code: 'UND_ERR_HEADERS_TIMEOUT', timeout: true });
    expect(classifyNetworkError(coded('ENOTFOUND'))).toEqual({ phase: 'fatal', code: 'ENOTFOUND' });
    expect(classifyNetworkError(coded('SELF_SIGNED_CERT_IN_CHAIN'))).toEqual({ phase: 'fatal', code: 'SELF_SIGNED_CERT_IN_CHAIN' });
  });

  it('finds the code in the cause chain (fetch-style wrapping)', () => {
    const wrapped = new TypeError('fetch failed', { cause: coded('ECONNRESET') });
    expect(classifyNetworkError(wrapped)).toMatchObject({ phase: 'in-flight', code: 'ECONNRESET' });
    expect(classifyNetworkError(new Error('no code'))).toEqual({ phase: 'fatal', code: 'UNKNOWN' });
  });
});
