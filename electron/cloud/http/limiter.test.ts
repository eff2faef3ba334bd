import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { AdaptiveLimiter, limiterKey, type Permit } from './limiter';

const ORG = 'https://127.0.0.1:8443/orgs/contoso-dev/api/data/v9.2/WhoAmI';
const ORG_KEY = 'https://127.0.0.1:8443/orgs/contoso-dev';

/** Acquires without waiting; null when the limiter would queue. */
async function tryAcquire(limiter: AdaptiveLimiter, url = ORG): Promise<Permit | null> {
  const pending = limiter.acquire(url);
  const result = await Promise.race([pending, Promise.resolve(null)]);
  if (result === null) {
    // Leave it queued; the test releases others to let it through.
    pending.then((p) => queued.push(p), () => undefined);
  }
  return result;
}
let queued: Permit[] = [];

const ok = { kind: 'response', status: 200 } as const;

describe('limiterKey', () => {
  it('keys sandbox Dataverse orgs by org, everything else by origin', () => {
    expect(limiterKey(ORG)).toBe(ORG_KEY);
    expect(limiterKey('https://127.0.0.1:8443/orgs/contoso-test/api/data/v9.2/workflows?$top=1')).toBe('https://127.0.0.1:8443/orgs/contoso-test');
    expect(limiterKey('https://127.0.0.1:8443/flow/providers/Microsoft.ProcessSimple/environments/e/flows')).toBe('https://127.0.0.1:8443');
    expect(limiterKey('https://contoso.crm.dynamics.com/api/data/v9.2/WhoAmI')).toBe('https://contoso.crm.dynamics.com');
  });
});

describe('AdaptiveLimiter', () => {
  beforeEach(() => {
    queued = [];
    vi.useFakeTimers();
  });
  afterEach(() => vi.useRealTimers());

  it('starts at 4 and queues beyond it, FIFO', async () => {
    const limiter = new AdaptiveLimiter();
    const permits = await Promise.all([1, 2, 3, 4].map(() => limiter.acquire(ORG)));
    const order: number[] = [];
    const fifth = limiter.acquire(ORG).then((p) => (order.push(5), p));
    const sixth = limiter.acquire(ORG).then((p) => (order.push(6), p));
    expect(limiter.snapshot().hosts[ORG_KEY]).toMatchObject({ limit: 4, inFlight: 4, queued: 2 });
    permits[0]?.release(ok);
    permits[1]?.release(ok);
    (await fifth).release(ok);
    (await sixth).release(ok);
    expect(order).toEqual([5, 6]);
  });

  it('adopts the first x-ms-dop-hint and ignores later ones', async () => {
    const limiter = new AdaptiveLimiter();
    (await limiter.acquire(ORG)).release({ kind: 'response', status: 200, dopHint: 8 });
    expect(limiter.limitFor(ORG)).toBe(8);
    (await limiter.acquire(ORG)).release({ kind: 'response', status: 200, dopHint: 2 });
    expect(limiter.snapshot().hosts[ORG_KEY]).toMatchObject({ limit: 8, dopHint: 2 });
  });

  it('slow-starts (one per busy success) until the first 429, up to the ceiling', async () => {
    const limiter = new AdaptiveLimiter({ initial: 2, ceiling: 4 });
    const inFlight = [await limiter.acquire(ORG), await limiter.acquire(ORG)];
    const limits: number[] = [];
    for (let i = 0; i < 6; i++) {
      inFlight.shift()?.release(ok);
      limits.push(limiter.limitFor(ORG));
      while (inFlight.length < limiter.limitFor(ORG)) inFlight.push(await limiter.acquire(ORG));
    }
    expect(limits).toEqual([3, 4, 4, 4, 4, 4]);
    expect(limiter.snapshot().hosts[ORG_KEY]).toMatchObject({ increases: 2, limit: 4 });
  });

  it('grows by one per window of busy successes, up to the ceiling', async () => {
    const limiter = new AdaptiveLimiter({ initial: 2, ceiling: 4, growAfter: 2 });
    // Keep the server busy: always two in flight, release one, take one.
    const inFlight = [await limiter.acquire(ORG), await limiter.acquire(ORG)];
    const limits: number[] = [];
    for (let i = 0; i < 20; i++) {
      inFlight.shift()?.release(ok);
      limits.push(limiter.limitFor(ORG));
      const limit = limiter.limitFor(ORG);
      while (inFlight.length < limit) inFlight.push(await limiter.acquire(ORG));
    }
    expect(limits.slice(0, 6)).toEqual([2, 3, 3, 4, 4, 4]);
    expect(Math.max(...limits)).toBe(4);
    expect(limiter.snapshot().hosts[ORG_KEY]).toMatchObject({ increases: 2, limit: 4 });
  });

  it('does not grow while the client sends one request at a time', async () => {
    const limiter = new AdaptiveLimiter({ initial: 4 });
    for (let i = 0; i < 50; i++) (await limiter.acquire(ORG)).release(ok);
    expect(limiter.snapshot().hosts[ORG_KEY]).toMatchObject({ limit: 4, successes: 50, increases: 0 });
  });

  it('halves once per burst of 429s, floor 1', async () => {
    const limiter = new AdaptiveLimiter({ initial: 16, pauseOnThrottle: false });
    const burst = await Promise.all(Array.from({ length: 16 }, () => limiter.acquire(ORG)));
    for (const p of burst) p.release({ kind: 'response', status: 429, retryAfterMs: 1000 });
    expect(limiter.snapshot().hosts[ORG_KEY]).toMatchObject({ limit: 8, decreases: 1, throttled: 16 });
    for (let i = 0; i < 6; i++) (await limiter.acquire(ORG)).release({ kind: 'response', status: 429 });
    expect(limiter.snapshot().hosts[ORG_KEY]).toMatchObject({ limit: 1, decreases: 4, lowestLimit: 1 });
  });

  it('pauses the server until Retry-After has passed, then resumes', async () => {
    const limiter = new AdaptiveLimiter({ initial: 4 });
    (await limiter.acquire(ORG)).release({ kind: 'response', status: 429, retryAfterMs: 1000 });
    let granted = false;
    const next = limiter.acquire(ORG).then((p) => {
      granted = true;
      return p;
    });
    await vi.advanceTimersByTimeAsync(999);
    expect(granted).toBe(false);
    expect(limiter.snapshot().hosts[ORG_KEY]?.pausedUntil).not.toBeNull();
    await vi.advanceTimersByTimeAsync(1);
    expect(granted).toBe(true);
    (await next).release(ok);
    // Other servers are not paused.
    expect(await tryAcquire(limiter, 'https://127.0.0.1:8443/orgs/other/api/data/v9.2/WhoAmI')).not.toBeNull();
  });

  it('holds the global cap across servers', async () => {
    const limiter = new AdaptiveLimiter({ initial: 4, globalCap: 5 });
    const a = await Promise.all([1, 2, 3, 4].map(() => limiter.acquire(ORG)));
    const b = await limiter.acquire('https://a.example/x');
    expect(await tryAcquire(limiter, 'https://b.example/x')).toBeNull();
    expect(limiter.snapshot().globalInFlight).toBe(5);
    a[0]?.release(ok);
    await vi.advanceTimersByTimeAsync(0);
    expect(queued).toHaveLength(1);
    b.release(ok);
  });

  it('drops a waiter whose signal aborts, with the signal’s reason', async () => {
    const limiter = new AdaptiveLimiter({ initial: 1 });
    const first = await limiter.acquire(ORG);
    const controller = new AbortController();
    const waiting = limiter.acquire(ORG, controller.signal);
    controller.abort(new Error('stop'));
    await expect(waiting).rejects.toThrow('stop');
    expect(limiter.snapshot().hosts[ORG_KEY]?.queued).toBe(0);
    first.release(ok);
    expect(limiter.snapshot().hosts[ORG_KEY]?.inFlight).toBe(0);
  });

  it('ignores a second release and network failures', async () => {
    const limiter = new AdaptiveLimiter({ initial: 2 });
    const p = await limiter.acquire(ORG);
    p.release({ kind: 'no-response' });
    p.release(ok);
    expect(limiter.snapshot().hosts[ORG_KEY]).toMatchObject({ inFlight: 0, successes: 0, limit: 2 });
  });
});
