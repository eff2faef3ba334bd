import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { startSandbox, type RunningSandbox } from '../../sandbox/server';
import { createHttpCore, type HttpCoreHandle, type RetryEvent } from './http-core';
import type { HostLimitSnapshot } from './limiter';
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
    // The first wave the limiter lets through (its limit, 8) is held at the server until released: 6
    // are admitted and stay in flight, so the other 2 meet the concurrency limit of 6 whatever the
    // machine's load. (A fixed server delay only made that likely: under load the 8 could arrive too
    // far apart to overlap, or the 429s come back before anything else, and the test failed.)
    await control(sb, 'POST', 'faults', { targeted: [{ path: 'WhoAmI\\?i=', count: 8, hold: true }] });
    const c = core();
    await c.send({ method: 'GET', url: `${api}/WhoAmI`, resource });
    expect(c.limiter.limitFor(`${api}/WhoAmI`)).toBe(8);

    // 14: enough to grow back from 4, too few to grow to 7 (4 + 5 + 6 busy answers) and meet the server's limit again.
    const sends = Promise.all(Array.from({ length: 14 }, (_, i) => c.send({ method: 'GET', url: `${api}/WhoAmI?i=${i}`, resource })));
    const host = (): HostLimitSnapshot | undefined => c.limiter.snapshot().hosts[resource];
    // Waits on what the limiter and the server record, not on the clock: the two 429s reach the
    // limiter while the 6 are held (their retries queue behind them, as the halved limit is full).
    await vi.waitFor(() => expect(host()?.throttled).toBe(2), { timeout: 30_000, interval: 20 });
    await vi.waitFor(async () => expect(await control(sb, 'GET', 'faults')).toMatchObject({ held: 6 }), { timeout: 30_000, interval: 20 });
    // Halved once for the burst (8 → 4), not once per 429, and nothing has grown it yet.
    expect(host()).toMatchObject({ limit: 4, inFlight: 6, maxInFlight: 8, decreases: 1, lowestLimit: 4, increases: 0 });
    expect((await requestLog(sb)).filter((e) => e.status === 429)).toHaveLength(2);

    expect(await control(sb, 'POST', 'faults/release')).toEqual({ released: 6 });
    const results = await sends;
    expect(results.every((r) => r.status === 200)).toBe(true);
    // It grew back after the halving (increases was 0 then), and never fell below the halved limit.
    const after = host();
    expect(after?.increases).toBeGreaterThanOrEqual(1);
    expect(after).toMatchObject({ lowestLimit: 4, decreases: 1, throttled: 2, successes: 15 });
    expect((await requestLog(sb)).filter((e) => e.status === 429)).toHaveLength(2);
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
