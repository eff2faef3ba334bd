import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startSandbox, type RunningSandbox } from '../../sandbox/server';
import { createHttpCore, type HttpCoreHandle, type RetryEvent } from './http-core';
import { control, requestLog, sandboxTokens, type CountingTokenProvider } from './test-support/sandbox-tokens';

/**
 * The adaptive limiter and the 429 handling under the sandbox's real service protection: the limit
 * starts at the environment's `x-ms-dop-hint`, halves when the concurrency limit answers 429 and grows
 * back; a request-rate limit is ridden out with every step succeeding and no retry before Retry-After.
 */

let sb: RunningSandbox;
let tokens: CountingTokenProvider;
const cores: HttpCoreHandle[] = [];
let resource = '';
let api = '';

function core(): HttpCoreHandle {
  const made = createHttpCore({ tokens, caPem: sb.caCertPem, retryBaseMs: 20, retryCapMs: 200 });
  cores.push(made);
  return made;
}

beforeAll(async () => {
  sb = await startSandbox({ port: 0, scenario: 'contoso', seed: 1 });
  tokens = sandboxTokens(sb);
  resource = `${sb.baseUrl}/orgs/contoso-uat`;
  api = `${resource}/api/data/v9.2`;
});

afterAll(async () => {
  await Promise.all(cores.map((c) => c.close()));
  await sb.close();
});

beforeEach(async () => {
  await control(sb, 'DELETE', 'faults');
  await control(sb, 'PUT', 'limits', { requests: 6000, windowS: 300, executionMs: 1_200_000, concurrency: 52, dopHint: 4 });
  await control(sb, 'DELETE', 'log');
});

describe('adaptive concurrency against the sandbox', () => {
  it('starts at the environment’s x-ms-dop-hint', async () => {
    await control(sb, 'PUT', 'limits', { dopHint: 8 });
    const c = core();
    expect(c.limiter.limitFor(`${api}/WhoAmI`)).toBe(4);
    await c.send({ method: 'GET', url: `${api}/WhoAmI`, resource });
    expect(c.limiter.snapshot().hosts[resource]).toMatchObject({ limit: 8, dopHint: 8 });
  });

  it('halves on concurrency 429s and grows back, every request succeeding', async () => {
    await control(sb, 'PUT', 'limits', { concurrency: 6, dopHint: 8 });
    // Each request holds its server slot for 40 ms, so concurrency is real.
    await control(sb, 'POST', 'faults', { targeted: [{ path: 'WhoAmI\\?i=', count: 10_000, delayMs: 40 }] });
    const c = core();
    await c.send({ method: 'GET', url: `${api}/WhoAmI`, resource });
    expect(c.limiter.limitFor(`${api}/WhoAmI`)).toBe(8);

    const limits: number[] = [];
    const results = await Promise.all(
      Array.from({ length: 24 }, (_, i) =>
        c.send({ method: 'GET', url: `${api}/WhoAmI?i=${i}`, resource }).then((r) => {
          limits.push(c.limiter.limitFor(`${api}/WhoAmI`));
          return r;
        }),
      ),
    );
    expect(results.every((r) => r.status === 200)).toBe(true);
    // The limit fell (slow start may have taken it past the hint first), then grew again.
    const dropAt = limits.findIndex((l, i) => i > 0 && l < (limits[i - 1] ?? 0));
    expect(dropAt).toBeGreaterThan(0);
    expect(limits.slice(dropAt).some((l) => l > (limits[dropAt] ?? Infinity))).toBe(true);
    const host = c.limiter.snapshot().hosts[resource];
    expect(host?.maxInFlight).toBeGreaterThanOrEqual(7);
    expect(host?.throttled).toBeGreaterThanOrEqual(1);
    expect(host?.decreases).toBeGreaterThanOrEqual(1);
    expect(host?.lowestLimit).toBeLessThan(8);
    expect(host?.increases).toBeGreaterThanOrEqual(1);
    const refused = (await requestLog(sb)).filter((e) => e.status === 429);
    expect(refused.length).toBe(host?.throttled);
  });

  it('rides out the request-rate limit: every step succeeds, no retry before Retry-After', async () => {
    await control(sb, 'PUT', 'limits', { requests: 3, windowS: 1 });
    const retries: RetryEvent[] = [];
    const c = createHttpCore({ tokens, caPem: sb.caCertPem, onRetry: (e) => retries.push(e) });
    cores.push(c);
    for (let s = 0; s < 5; s++) {
      const res = await c.send({ method: 'GET', url: `${api}/WhoAmI?s=${s}`, resource });
      expect(res.status).toBe(200);
    }
    expect(retries.length).toBeGreaterThanOrEqual(1);
    expect(retries.every((r) => r.reason === '429' && r.waitMs >= 1000)).toBe(true);
    const log = await requestLog(sb);
    for (const retry of retries) {
      const path = new URL(retry.url).pathname + new URL(retry.url).search;
      const entries = log.filter((e) => e.path === path);
      expect(entries.at(-1)?.status).toBe(200);
      for (let i = 1; i < entries.length; i++) {
        const gap = (entries[i]?.receivedAt ?? 0) - (entries[i - 1]?.receivedAt ?? 0);
        expect(gap).toBeGreaterThanOrEqual(retry.waitMs);
      }
    }
  });
});
