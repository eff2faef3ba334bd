import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startSandbox, type RunningSandbox } from '../../sandbox/server';
import { createHttpCore, type HttpCoreHandle, type HttpCoreOptions, type RetryEvent } from './http-core';
import { CancelledError, PlatformError } from './platform-error';
import { control, requestLog, sandboxTokens, type CountingTokenProvider } from './test-support/sandbox-tokens';

/**
 * The HTTP core against the sandbox cloud over real HTTPS (its own CA), with the sandbox's injected
 * faults: retries and what is never retried, Retry-After timing from the sandbox's request log,
 * timeouts, cancellation, token refresh, oversized answers, and the platform's own error bodies.
 */

let sb: RunningSandbox;
let tokens: CountingTokenProvider;
const cores: HttpCoreHandle[] = [];
let resource = '';
let api = '';

const HTML_503 = '<!DOCTYPE html><html><head><title>Service Unavailable</title></head><body><h2>Service Unavailable</h2></body></html>';
const HTML_502 = '<html><head><title>502 Bad Gateway</title></head><body><center><h1>502 Bad Gateway</h1></center></body></html>';

function core(options: Partial<HttpCoreOptions> = {}): HttpCoreHandle {
  const made = createHttpCore({ tokens, caPem: sb.caCertPem, retryBaseMs: 20, retryCapMs: 100, ...options });
  cores.push(made);
  return made;
}

const faults = (...targeted: unknown[]): Promise<unknown> => control(sb, 'POST', 'faults', { targeted });

async function failure(promise: Promise<unknown>): Promise<PlatformError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  if (!(error instanceof PlatformError)) throw new Error(`expected a PlatformError, got ${String(error)}`);
  return error;
}

async function aReference(): Promise<string> {
  const res = await core().send({ method: 'GET', url: `${api}/connectionreferences?$select=connectionreferenceid&$top=1`, resource });
  const id = res.json<{ value: Array<{ connectionreferenceid: string }> }>().value[0]?.connectionreferenceid;
  if (!id) throw new Error('no connection reference in Dev');
  return id;
}

beforeAll(async () => {
  sb = await startSandbox({ port: 0, scenario: 'contoso', seed: 1 });
  tokens = sandboxTokens(sb);
  resource = `${sb.baseUrl}/orgs/contoso-dev`;
  api = `${resource}/api/data/v9.2`;
});

afterAll(async () => {
  await Promise.all(cores.map((c) => c.close()));
  await sb.close();
});

beforeEach(async () => {
  await control(sb, 'DELETE', 'faults');
  await control(sb, 'DELETE', 'log');
});

afterEach(async () => {
  await control(sb, 'DELETE', 'faults');
});

describe('the HTTP core against the sandbox', () => {
  it('sends an authenticated Dataverse request and reads its JSON', async () => {
    const c = core();
    const res = await c.send({ method: 'GET', url: `${api}/WhoAmI`, resource });
    expect(res.status).toBe(200);
    expect(res.json<{ UserId: string }>().UserId).toMatch(/^[0-9a-f-]{36}$/);
    expect(res.correlationId).toMatch(/^[0-9a-f-]{36}$/);
    expect(res.headers['odata-version']).toBe('4.0');
    expect(c.limiter.snapshot().hosts[resource]).toMatchObject({ limit: 4, dopHint: 4, inFlight: 0 });
  });

  it('rides out a 429 storm, resending even a POST, never before Retry-After', async () => {
    await faults({
      path: 'WhoAmI\\?n=|\\$batch',
      count: 4,
      status: 429,
      headers: { 'retry-after': '1' },
      body: { error: { code: '0x80072322', message: 'Number of requests exceeded the limit of 6000 over time window of 300 seconds.' } },
    });
    const c = core();
    const retries: RetryEvent[] = [];
    const reads = [1, 2, 3].map((n) => c.send({ method: 'GET', url: `${api}/WhoAmI?n=${n}`, resource }));
    const batchBody = ['--b', 'Content-Type: application/http', 'Content-Transfer-Encoding: binary', '', 'GET WhoAmI HTTP/1.1', 'Accept: application/json', '', '', '--b--', ''].join('\r\n');
    const batch = core({ onRetry: (e) => retries.push(e) }).send({
      method: 'POST',
      url: `${api}/$batch`,
      resource,
      body: batchBody,
      headers: { 'content-type': 'multipart/mixed; boundary=b' },
      repeatable: 'no',
    });
    const results = await Promise.all([...reads, batch]);
    expect(results.map((r) => r.status)).toEqual([200, 200, 200, 200]);
    expect(retries.map((r) => r.reason)).toEqual(['429']);

    const log = await requestLog(sb);
    const paths = [...[1, 2, 3].map((n) => `/orgs/contoso-dev/api/data/v9.2/WhoAmI?n=${n}`), '/orgs/contoso-dev/api/data/v9.2/$batch'];
    for (const path of paths) {
      const entries = log.filter((e) => e.path === path);
      expect(entries.map((e) => e.status)).toEqual([429, 200]);
      const [first, second] = entries;
      expect((second?.receivedAt ?? 0) - (first?.receivedAt ?? 0)).toBeGreaterThanOrEqual(1000);
    }
  });

  it('retries 503 HTML pages for GET, but not a PATCH without If-Match; with If-Match it does', async () => {
    const id = await aReference();
    await control(sb, 'DELETE', 'log');
    await faults({ path: 'WhoAmI', count: 2, status: 503, body: HTML_503 });
    const retries: RetryEvent[] = [];
    const c = core({ onRetry: (e) => retries.push(e) });
    expect((await c.send({ method: 'GET', url: `${api}/WhoAmI`, resource })).status).toBe(200);
    expect(retries.map((r) => r.reason)).toEqual(['503', '503']);

    const url = `${api}/connectionreferences(${id})`;
    const body = JSON.stringify({ connectionreferencedisplayname: 'Renamed by the HTTP core test' });
    await faults({ method: 'PATCH', path: 'connectionreferences', count: 1, status: 503, body: HTML_503 });
    const error = await failure(c.send({ method: 'PATCH', url, resource, body }));
    expect(error).toMatchObject({ kind: 'invalid-response', status: 503, attempts: 1, platformMessage: 'Service Unavailable' });
    expect(error.summary).toBe('The service answered with an HTML page (HTTP 503 Service Unavailable) instead of JSON.');

    await faults({ method: 'PATCH', path: 'connectionreferences', count: 1, status: 503, body: HTML_503 });
    const res = await c.send({ method: 'PATCH', url, resource, body, headers: { 'If-Match': '*' } });
    expect(res.status).toBe(204);
    const patches = (await requestLog(sb)).filter((e) => e.method === 'PATCH').map((e) => e.status);
    expect(patches).toEqual([503, 503, 204]);
  });

  it('gives up on a run of 502 proxy pages with a clear invalid-response error', async () => {
    await faults({ path: 'WhoAmI', count: 10, status: 502, body: HTML_502 });
    const error = await failure(core({ maxRetries: 2 }).send({ method: 'GET', url: `${api}/WhoAmI`, resource }));
    expect(error).toMatchObject({ kind: 'invalid-response', status: 502, attempts: 3 });
    expect(error.message).toMatch(/^The service answered with an HTML page \(HTTP 502 Bad Gateway\) instead of JSON\.\n502 Bad Gateway\nRequest: GET https:\/\/127\.0\.0\.1:\d+\/orgs\/contoso-dev\/api\/data\/v9\.2\/WhoAmI \(correlation id [0-9a-f-]{36}, 3 attempts\)$/);
  });

  it('retries connection resets for GET and PATCH with If-Match, not for PATCH without', async () => {
    const id = await aReference();
    const url = `${api}/connectionreferences(${id})`;
    const body = JSON.stringify({ connectionreferencedisplayname: 'Reset test' });
    const c = core();
    await control(sb, 'DELETE', 'log');

    await faults({ path: 'WhoAmI', count: 1, reset: true });
    expect((await c.send({ method: 'GET', url: `${api}/WhoAmI`, resource })).status).toBe(200);

    await faults({ method: 'PATCH', path: 'connectionreferences', count: 1, reset: true });
    const error = await failure(c.send({ method: 'PATCH', url, resource, body }));
    expect(error).toMatchObject({ kind: 'network', status: null, attempts: 1 });
    expect(error.summary).toMatch(/closed before the answer arrived\. It was not retried/);

    await faults({ method: 'PATCH', path: 'connectionreferences', count: 1, reset: true });
    expect((await c.send({ method: 'PATCH', url, resource, body, headers: { 'If-Match': '*' } })).status).toBe(204);

    const log = await requestLog(sb);
    expect(log.filter((e) => e.path.endsWith('/WhoAmI')).map((e) => e.status)).toEqual([0, 200]);
    expect(log.filter((e) => e.method === 'PATCH').map((e) => e.status)).toEqual([0, 0, 204]);
  });

  it('times an attempt out and retries it; without retries the error says timeout', async () => {
    await faults({ path: 'WhoAmI', count: 1, delayMs: 1500 });
    const started = Date.now();
    expect((await core({ timeoutMs: 300 }).send({ method: 'GET', url: `${api}/WhoAmI`, resource })).status).toBe(200);
    expect(Date.now() - started).toBeLessThan(1500);

    await faults({ path: 'WhoAmI', count: 1, delayMs: 1500 });
    const t0 = Date.now();
    const error = await failure(core({ timeoutMs: 300, maxRetries: 0 }).send({ method: 'GET', url: `${api}/WhoAmI`, resource }));
    expect(error).toMatchObject({ kind: 'timeout', code: 'TIMEOUT' });
    expect(error.summary).toMatch(/did not answer within 300 ms/);
    expect(Date.now() - t0).toBeLessThan(1400);
  });

  it('cancels promptly while waiting out Retry-After and while a request is in flight', async () => {
    await faults({ path: 'WhoAmI', count: 1, status: 429, headers: { 'retry-after': '5' } });
    const waiting = new AbortController();
    const t0 = Date.now();
    setTimeout(() => waiting.abort(), 300);
    const inWait = await core().send({ method: 'GET', url: `${api}/WhoAmI`, resource, signal: waiting.signal }).catch((e: unknown) => e);
    expect(inWait).toBeInstanceOf(CancelledError);
    expect(inWait).toMatchObject({ kind: 'cancelled' });
    expect(Date.now() - t0).toBeLessThan(2000);

    await faults({ path: 'WhoAmI', count: 1, delayMs: 3000 });
    const flying = new AbortController();
    const t1 = Date.now();
    setTimeout(() => flying.abort(), 200);
    const inFlight = await core().send({ method: 'GET', url: `${api}/WhoAmI`, resource, signal: flying.signal }).catch((e: unknown) => e);
    expect(inFlight).toBeInstanceOf(CancelledError);
    expect(Date.now() - t1).toBeLessThan(1500);
  });

  it('refreshes a revoked token once and carries on', async () => {
    const since = Date.now();
    const c = core();
    await c.send({ method: 'GET', url: `${api}/WhoAmI`, resource });
    // Revocation is by the second a token was issued in: the cached one must be from an earlier second.
    const wait = Math.floor(tokens.lastFetchAt / 1000) * 1000 + 1020 - Date.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    await control(sb, 'POST', 'tokens/revoke', { app: 'pipeline' });
    const before = tokens.forcedRefreshes;
    expect((await c.send({ method: 'GET', url: `${api}/WhoAmI`, resource })).status).toBe(200);
    expect(tokens.forcedRefreshes).toBe(before + 1);
    const log = await requestLog(sb);
    // (Requests of earlier tests that were abandoned mid-flight may still finish and log; skip them.)
    expect(log.filter((e) => e.path.endsWith('/WhoAmI') && e.receivedAt >= since).map((e) => e.status)).toEqual([200, 401, 200]);
  });

  it('abandons an answer larger than maxBodyBytes', async () => {
    const error = await failure(core({ maxBodyBytes: 10_000 }).send({ method: 'GET', url: `${api}/workflows?$select=clientdata`, resource }));
    expect(error).toMatchObject({ kind: 'invalid-response', status: 200 });
    expect(error.summary).toMatch(/larger than 10000 bytes/);
  });

  it('reads the platform’s activation refusal: the 0x80060467 wrapper and its Flow code', async () => {
    const testApi = `${sb.baseUrl}/orgs/contoso-test/api/data/v9.2`;
    const testResource = `${sb.baseUrl}/orgs/contoso-test`;
    const c = core();
    const flows = await c.send({ method: 'GET', url: `${testApi}/workflows?$select=workflowid,name&$filter=category eq 5 and statecode eq 0`, resource: testResource });
    const ids = flows.json<{ value: Array<{ workflowid: string }> }>().value.map((f) => f.workflowid);
    expect(ids.length).toBeGreaterThan(0);
    let seen: PlatformError | null = null;
    for (const id of ids) {
      const error = await failure(
        c.send({ method: 'PATCH', url: `${testApi}/workflows(${id})`, resource: testResource, headers: { 'If-Match': '*' }, body: JSON.stringify({ statecode: 1, statuscode: 2 }) }),
      ).catch(() => null);
      if (error?.dataverseCode === '0x80060467') {
        seen = error;
        break;
      }
    }
    expect(seen).not.toBeNull();
    expect(seen?.flowCode).toMatch(/^(XrmConnectionReferenceMissingConnection|ConnectionAuthorizationFailed|ChildFlowNeverPublished|MultipleErrorsOccurred)$/);
    expect(seen?.flowStatus).toMatch(/^(BadRequest|Forbidden)$/);
    if (seen?.flowCode === 'MultipleErrorsOccurred') expect(seen.details.length).toBeGreaterThan(1);
    else expect(seen?.platformMessage).not.toMatch(/Flow client error/);
  });

  it('hands accepted statuses back and reports others with the Dataverse code', async () => {
    const c = core();
    const missing = `${api}/workflows(00000000-0000-0000-0000-0000000000aa)`;
    expect((await c.send({ method: 'GET', url: missing, resource, acceptStatus: [404] })).status).toBe(404);
    const error = await failure(c.send({ method: 'GET', url: missing, resource }));
    expect(error).toMatchObject({ kind: 'not-found', status: 404, dataverseCode: '0x80040217', summary: 'The record does not exist.' });
    expect(error.serverRequestId).not.toBeNull();
  });
});
