import { describe, expect, it } from 'vitest';
import { ServiceProtection } from './limits';

describe('ServiceProtection', () => {
  const clock = () => {
    let t = 1_000_000;
    return { now: () => t, advance: (ms: number) => (t += ms) };
  };

  it('refuses the request past the window limit until the oldest one leaves the window', () => {
    const c = clock();
    const p = new ServiceProtection({ requests: 3, windowS: 10, executionMs: 1e9, concurrency: 100 }, c.now);
    for (let i = 0; i < 3; i++) {
      const a = p.admit('k');
      expect(a.ok).toBe(true);
      if (a.ok) a.ticket.done(1);
      c.advance(1000);
    }
    const refused = p.admit('k');
    expect(refused).toMatchObject({ ok: false, refusal: { kind: 'requests', retryAfterS: 7 } });
    expect(p.admit('other').ok).toBe(true);
    c.advance(7000);
    expect(p.admit('k').ok).toBe(true);
  });

  it('refuses concurrency at once and admits again when a request finishes', () => {
    const p = new ServiceProtection({ requests: 100, windowS: 10, executionMs: 1e9, concurrency: 2 });
    const a = p.admit('k');
    const b = p.admit('k');
    expect(p.admit('k')).toMatchObject({ ok: false, refusal: { kind: 'concurrency', retryAfterS: 1 } });
    if (a.ok) a.ticket.done(5);
    expect(b.ok).toBe(true);
    expect(p.admit('k').ok).toBe(true);
  });

  it('refuses once combined execution time fills the window', () => {
    const c = clock();
    const p = new ServiceProtection({ requests: 100, windowS: 60, executionMs: 1000, concurrency: 10 }, c.now);
    const a = p.admit('k');
    if (a.ok) a.ticket.done(1000);
    c.advance(5000);
    expect(p.admit('k')).toMatchObject({ ok: false, refusal: { kind: 'execution', retryAfterS: 55 } });
  });

  it('lengthens Retry-After for a caller that keeps hammering', () => {
    const p = new ServiceProtection({ requests: 100, windowS: 300, executionMs: 1e9, concurrency: 1 });
    p.admit('k');
    const waits = Array.from({ length: 61 }, () => {
      const r = p.admit('k');
      return r.ok ? 0 : r.refusal.retryAfterS;
    });
    expect(waits[0]).toBe(1);
    expect(waits[20]).toBe(2);
    expect(waits[60]).toBe(4);
  });

  it('reports what is left of the window', () => {
    const p = new ServiceProtection({ requests: 10, windowS: 60, executionMs: 5000, concurrency: 5 });
    const a = p.admit('k');
    expect(a.ok && a.ticket.burstRemaining).toBe(9);
    if (a.ok) a.ticket.done(1200);
    const b = p.admit('k');
    expect(b.ok && b.ticket.timeRemainingMs).toBe(3800);
  });
});
