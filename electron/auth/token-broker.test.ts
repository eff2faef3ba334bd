import { describe, expect, it } from 'vitest';
import { createTokenBroker, type AcquiredToken } from './token-broker';

/** The broker alone, over a scripted acquisition: what it keeps, when it asks again, how it shares. */

function scripted(now: { t: number }, lifetimeMs = 3_600_000) {
  const calls: { scope: string; forced: boolean }[] = [];
  let n = 0;
  const pending: ((value: AcquiredToken) => void)[] = [];
  let manual = false;
  const acquire = (scope: string, forced: boolean): Promise<AcquiredToken> => {
    calls.push({ scope, forced });
    n += 1;
    const token = { accessToken: `t${n}`, expiresOn: new Date(now.t + lifetimeMs) };
    if (!manual) return Promise.resolve(token);
    return new Promise((resolve) => pending.push(() => resolve(token)));
  };
  return {
    calls,
    acquire,
    hold: () => {
      manual = true;
    },
    release: () => {
      for (const p of pending.splice(0)) p({ accessToken: '', expiresOn: null });
    },
  };
}

describe('createTokenBroker', () => {
  it('keeps a token until two minutes before it expires, then asks again', async () => {
    const now = { t: 1_000_000 };
    const s = scripted(now, 10 * 60 * 1000);
    const broker = createTokenBroker(s.acquire, { now: () => now.t });
    expect(await broker.token('https://service.powerapps.com/')).toBe('t1');
    now.t += 7 * 60 * 1000; // 3 minutes left
    expect(await broker.token('https://service.powerapps.com')).toBe('t1');
    now.t += 61 * 1000; // 1 min 59 s left: treated as expired
    expect(await broker.token('https://service.powerapps.com/')).toBe('t2');
    expect(s.calls).toEqual([
      { scope: 'https://service.powerapps.com/.default', forced: false },
      { scope: 'https://service.powerapps.com/.default', forced: false },
    ]);
  });

  it('does not keep a token that is already inside the margin, nor one without an expiry', async () => {
    const now = { t: 0 };
    const broker = createTokenBroker(
      (() => {
        let n = 0;
        return (_scope: string) => Promise.resolve({ accessToken: `t${++n}`, expiresOn: n === 1 ? new Date(90_000) : null });
      })(),
      { now: () => now.t },
    );
    expect(await broker.token('r')).toBe('t1');
    expect(await broker.token('r')).toBe('t2');
    expect(await broker.token('r')).toBe('t3');
  });

  it('shares one acquisition among concurrent callers, per resource', async () => {
    const now = { t: 0 };
    const s = scripted(now);
    s.hold();
    const broker = createTokenBroker(s.acquire, { now: () => now.t });
    const a = Array.from({ length: 20 }, () => broker.token('https://a/'));
    const b = Array.from({ length: 5 }, () => broker.token('https://b/'));
    expect(s.calls).toHaveLength(2);
    s.release();
    expect(new Set(await Promise.all(a)).size).toBe(1);
    expect(new Set(await Promise.all(b)).size).toBe(1);
  });

  it('gives every waiter the same error, and tries again on the next call', async () => {
    let calls = 0;
    const broker = createTokenBroker(() => {
      calls += 1;
      return calls === 1 ? Promise.reject(new Error('boom')) : Promise.resolve({ accessToken: 'ok', expiresOn: new Date(Date.now() + 3_600_000) });
    });
    const results = await Promise.allSettled([broker.token('r'), broker.token('r'), broker.token('r')]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected', 'rejected']);
    expect(calls).toBe(1);
    expect(await broker.token('r')).toBe('ok');
  });

  it('forceRefresh bypasses the kept token, never joins a plain acquisition, and is joined by later callers', async () => {
    const now = { t: 0 };
    const s = scripted(now);
    const broker = createTokenBroker(s.acquire, { now: () => now.t });
    expect(await broker.token('r')).toBe('t1');
    expect(await broker.token('r', { forceRefresh: true })).toBe('t2');
    broker.forget();
    s.hold();
    const plain = broker.token('r');
    const forced = broker.token('r', { forceRefresh: true });
    const forcedToo = broker.token('r', { forceRefresh: true });
    const plainAfter = broker.token('r');
    expect(s.calls.map((c) => c.forced)).toEqual([false, true, false, true]);
    s.release();
    expect(await plain).toBe('t3');
    expect(await forced).toBe('t4');
    expect(await forcedToo).toBe('t4');
    expect(await plainAfter).toBe('t4');
  });

  it('lets an aborted caller go without cancelling the shared acquisition', async () => {
    const now = { t: 0 };
    const s = scripted(now);
    s.hold();
    const broker = createTokenBroker(s.acquire, { now: () => now.t });
    const controller = new AbortController();
    const mine = broker.token('r', { signal: controller.signal });
    const theirs = broker.token('r');
    controller.abort();
    await expect(mine).rejects.toMatchObject({ name: 'AbortError' });
    s.release();
    expect(await theirs).toBe('t1');
    await expect(broker.token('r', { signal: AbortSignal.abort() })).rejects.toMatchObject({ name: 'AbortError' });
  });

  it('forgets kept tokens on demand and remembers one given to it', async () => {
    const now = { t: 0 };
    const s = scripted(now);
    const broker = createTokenBroker(s.acquire, { now: () => now.t });
    broker.remember('https://x/', { accessToken: 'from-sign-in', expiresOn: new Date(3_600_000) });
    expect(await broker.token('https://x')).toBe('from-sign-in');
    broker.forget('https://x/');
    expect(await broker.token('https://x')).toBe('t1');
    broker.forget();
    expect(await broker.token('https://x')).toBe('t2');
  });
});
