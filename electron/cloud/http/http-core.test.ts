import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { TokenProvider } from '../contracts';
import { createHttpCore, type HttpCoreOptions, type RetryEvent } from './http-core';
import { AdaptiveLimiter } from './limiter';
import { CancelledError, PlatformError } from './platform-error';

/**
 * The core's own mechanics against a plain local HTTP server whose answers each test scripts: the
 * headers it sends, the waits it asks for (a recording sleep on a fake clock, so no test waits for
 * real), token refresh, body limits. The real services' behaviour is in http-core.sandbox.test.ts.
 */

interface Seen {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
}

type Script = (req: Seen, res: ServerResponse, n: number) => void;

let server: Server;
let base = '';
let seen: Seen[] = [];
let script: Script = (_req, res) => res.end();

beforeAll(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const entry = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') };
      seen.push(entry);
      script(entry, res, seen.length);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

beforeEach(() => {
  seen = [];
});

function json(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
  res.end(JSON.stringify(body));
}

function tokenProvider(): TokenProvider & { calls: Array<{ resource: string; force: boolean }> } {
  const calls: Array<{ resource: string; force: boolean }> = [];
  return {
    calls,
    token(resource, options) {
      calls.push({ resource, force: options?.forceRefresh ?? false });
      return Promise.resolve(`token-${calls.length}`);
    },
  };
}

/** A core on a fake clock: sleeping advances the clock and records the wait. */
function fakeClockCore(overrides: Partial<HttpCoreOptions> = {}) {
  let clock = Date.parse('2025-01-01T00:00:00Z');
  const waits: number[] = [];
  const retries: RetryEvent[] = [];
  const core = createHttpCore({
    tokens: tokenProvider(),
    random: () => 0.5,
    now: () => clock,
    sleep: (ms) => {
      waits.push(ms);
      clock += ms;
      return Promise.resolve();
    },
    onRetry: (e) => retries.push(e),
    // The limiter's Retry-After pause runs on real timers; the waits under test are the core's own.
    limiter: new AdaptiveLimiter({ pauseOnThrottle: false }),
    ...overrides,
  });
  return { core, waits, retries, now: () => clock };
}

describe('headers', () => {
  it('adds token, Accept, OData headers for Dataverse and one correlation id on every attempt', async () => {
    script = (_req, res, n) => (n < 3 ? json(res, 503, { error: { code: 'x', message: 'busy' } }) : json(res, 200, { ok: true }, { 'odata-version': '4.0' }));
    const tokens = tokenProvider();
    const { core } = fakeClockCore({ tokens, userAgent: 'Patchbay-test' });
    const res = await core.send({ method: 'GET', url: `${base}/orgs/o/api/data/v9.2/WhoAmI`, resource: 'https://o.example' });
    expect(res.status).toBe(200);
    expect(seen).toHaveLength(3);
    const ids = new Set(seen.map((s) => s.headers['x-ms-client-request-id']));
    expect(ids.size).toBe(1);
    expect(res.correlationId).toBe([...ids][0]);
    for (const s of seen) {
      expect(s.headers['x-ms-correlation-request-id']).toBe(res.correlationId);
      expect(s.headers).toMatchObject({ accept: 'application/json', 'odata-version': '4.0', 'odata-maxversion': '4.0', 'user-agent': 'Patchbay-test' });
      expect(s.headers.authorization).toMatch(/^Bearer token-\d$/);
    }
    expect(tokens.calls.every((c) => c.resource === 'https://o.example' && !c.force)).toBe(true);
  });

  it('leaves OData headers off other services, lets callers override, and sends no token without a resource', async () => {
    script = (_req, res) => json(res, 200, {});
    const { core } = fakeClockCore();
    await core.send({ method: 'POST', url: `${base}/flow/providers/x/start?api-version=2016-11-01`, body: '{}', headers: { Accept: 'application/json;odata=nometadata', 'X-MS-Client-Request-Id': 'caller-id' } });
    const [s] = seen;
    expect(s?.headers['odata-version']).toBeUndefined();
    expect(s?.headers.authorization).toBeUndefined();
    expect(s?.headers.accept).toBe('application/json;odata=nometadata');
    expect(s?.headers['content-type']).toBe('application/json');
    expect(s?.headers['x-ms-client-request-id']).toBe('caller-id');
    expect(s?.headers['x-ms-correlation-request-id']).toBe('caller-id');
    const rawHeaderCount = Object.keys(s?.headers ?? {}).filter((h) => h === 'accept').length;
    expect(rawHeaderCount).toBe(1);
  });
});

describe('retries on a fake clock', () => {
  it('backs off with full jitter, doubling per retry, capped', async () => {
    script = (_req, res, n) => (n <= 5 ? json(res, 503, {}) : json(res, 200, {}));
    const { core, waits } = fakeClockCore({ retryBaseMs: 500, retryCapMs: 3000, maxRetries: 5 });
    await core.send({ method: 'GET', url: `${base}/a` });
    // random() = 0.5 → half of min(cap, 500·2^n).
    expect(waits).toEqual([250, 500, 1000, 1500, 1500]);
  });

  it('waits exactly Retry-After on 429, for any method, and never less on 503', async () => {
    script = (req, res, n) => {
      if (req.url === '/throttled' && n === 1) return json(res, 429, { error: { code: '0x80072322', message: 'Number of requests exceeded…' } }, { 'retry-after': '7' });
      if (req.url === '/busy' && seen.filter((s) => s.url === '/busy').length === 1) return json(res, 503, {}, { 'retry-after': '4' });
      json(res, 200, {});
    };
    const { core, waits, retries } = fakeClockCore();
    await core.send({ method: 'POST', url: `${base}/throttled`, body: '{}' });
    expect(waits).toEqual([7000]);
    expect(retries[0]).toMatchObject({ reason: '429', attempt: 1, waitMs: 7000, method: 'POST' });
    await core.send({ method: 'GET', url: `${base}/busy` });
    expect(waits[1]).toBe(4000);
  });

  it('measures an HTTP-date Retry-After from the answer’s Date header', async () => {
    script = (_req, res, n) =>
      n === 1 ? json(res, 429, {}, { date: 'Wed, 01 Jan 2025 10:00:00 GMT', 'retry-after': 'Wed, 01 Jan 2025 10:00:03 GMT' }) : json(res, 200, {});
    const { core, waits } = fakeClockCore();
    await core.send({ method: 'GET', url: `${base}/d` });
    expect(waits).toEqual([3000]);
  });

  it('does not retry 5xx for requests that are not repeatable', async () => {
    script = (_req, res) => json(res, 503, { error: { code: 'ServiceUnavailable', message: 'down' } });
    const { core, waits } = fakeClockCore();
    const error = await core.send({ method: 'POST', url: `${base}/p`, body: '{}' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PlatformError);
    expect(error).toMatchObject({ kind: 'server', status: 503, attempts: 1 });
    expect(waits).toEqual([]);
    const patch = await core.send({ method: 'PATCH', url: `${base}/p`, body: '{}' }).catch((e: unknown) => e);
    expect(patch).toMatchObject({ status: 503, attempts: 1 });
    await core.send({ method: 'PATCH', url: `${base}/p`, body: '{}', headers: { 'If-Match': '*' } }).catch(() => undefined);
    expect(waits).toHaveLength(4);
  });

  it('gives up after its budgets, reporting Retry-After', async () => {
    script = (_req, res) => json(res, 429, { error: { code: 'TooManyRequests', message: 'Rate limit is exceeded. Try again in 2 seconds.' } }, { 'retry-after': '2' });
    const { core, waits } = fakeClockCore({ maxThrottleRetries: 3 });
    const error = await core.send({ method: 'GET', url: `${base}/t` }).catch((e: unknown) => e);
    expect(error).toMatchObject({ kind: 'throttled', retryAfterS: 2, attempts: 4 });
    expect(waits).toEqual([2000, 2000, 2000]);
    const far = fakeClockCore({ maxRetryAfterMs: 1000 });
    await expect(far.core.send({ method: 'GET', url: `${base}/t` })).rejects.toMatchObject({ kind: 'throttled', attempts: 1 });
    expect(far.waits).toEqual([]);
  });

  it('refreshes the token once on 401, whatever the method', async () => {
    script = (req, res) => (req.headers.authorization === 'Bearer token-2' ? json(res, 200, {}) : json(res, 401, { error: { code: 'ExpiredAuthenticationToken', message: 'expired' } }));
    const tokens = tokenProvider();
    const { core } = fakeClockCore({ tokens });
    await core.send({ method: 'POST', url: `${base}/x`, resource: 'r', body: '{}' });
    expect(tokens.calls).toEqual([{ resource: 'r', force: false }, { resource: 'r', force: true }]);
    script = (_req, res) => json(res, 401, { error: { code: 'InvalidAuthenticationToken', message: 'bad' } });
    await expect(core.send({ method: 'GET', url: `${base}/x`, resource: 'r' })).rejects.toMatchObject({ kind: 'auth', attempts: 2, summary: 'The sign-in token is not valid.' });
  });

  it('retries a refused connection for any request, and names the host when it gives up', async () => {
    const { core, waits } = fakeClockCore({ maxRetries: 2 });
    const error = await core.send({ method: 'POST', url: 'http://127.0.0.1:1/x', body: '{}' }).catch((e: unknown) => e);
    expect(error).toMatchObject({ kind: 'network', code: 'ECONNREFUSED', attempts: 3 });
    expect((error as PlatformError).summary).toBe('127.0.0.1:1 refused the connection.');
    expect(waits).toHaveLength(2);
  });
});

describe('answers', () => {
  it('returns accepted error statuses instead of throwing', async () => {
    script = (_req, res) => json(res, 404, { error: { code: '0x80040217', message: 'missing' } });
    const { core } = fakeClockCore();
    const res = await core.send({ method: 'GET', url: `${base}/x`, acceptStatus: [404] });
    expect(res.status).toBe(404);
  });

  it('throws invalid-response from json() for bodies that are not JSON', async () => {
    script = (req, res) => {
      if (req.url === '/empty') res.writeHead(204).end();
      else res.writeHead(200, { 'content-type': 'text/html' }).end('<html><title>Sign in to your proxy</title></html>');
    };
    const { core } = fakeClockCore();
    const empty = await core.send({ method: 'PATCH', url: `${base}/empty`, body: '{}', headers: { 'If-Match': '*' } });
    expect(() => empty.json()).toThrow(/HTTP 204 No Content with no body where JSON was expected/);
    const page = await core.send({ method: 'GET', url: `${base}/page` });
    try {
      page.json();
      expect.unreachable();
    } catch (error) {
      expect(error).toMatchObject({ kind: 'invalid-response', platformMessage: 'Sign in to your proxy', url: `${base}/page`, correlationId: page.correlationId });
    }
  });

  it('abandons bodies over maxBodyBytes, declared or streamed', async () => {
    script = (req, res) => {
      if (req.url === '/declared') return json(res, 200, { value: 'x'.repeat(5000) });
      res.writeHead(200, { 'content-type': 'application/json' });
      let sent = 0;
      const timer = setInterval(() => {
        if (res.destroyed || sent > 200) {
          clearInterval(timer);
          res.end();
          return;
        }
        sent += 1;
        res.write('x'.repeat(1000));
      }, 1);
    };
    const { core } = fakeClockCore({ maxBodyBytes: 4096 });
    await expect(core.send({ method: 'GET', url: `${base}/declared` })).rejects.toMatchObject({ kind: 'invalid-response', status: 200, attempts: 1 });
    await expect(core.send({ method: 'GET', url: `${base}/streamed` })).rejects.toThrow(/larger than 4096 bytes/);
  });

  it('surfaces cancellation before sending as CancelledError', async () => {
    const { core } = fakeClockCore();
    const controller = new AbortController();
    controller.abort();
    await expect(core.send({ method: 'GET', url: `${base}/x`, signal: controller.signal })).rejects.toBeInstanceOf(CancelledError);
    expect(seen).toHaveLength(0);
  });
});
