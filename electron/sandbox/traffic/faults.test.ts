import { describe, expect, it } from 'vitest';
import { createRng } from '../rng';
import { FaultInjector, parseFaultSpec } from './faults';
import { parseLatency } from './latency';

describe('fault specs', () => {
  it('parses --faults and --latency-ms and names what is wrong', () => {
    expect(parseFaultSpec('429=0.05,503=0.02,502=0.01,reset=0.01,slow=0.05:1500')).toMatchObject({
      rate429: 0.05,
      rate503: 0.02,
      rate502: 0.01,
      rateReset: 0.01,
      rateSlow: 0.05,
      slowMs: 1500,
    });
    expect(() => parseFaultSpec('418=0.5')).toThrow("--faults: '418=0.5' is not KIND=RATE");
    expect(() => parseFaultSpec('429=0.7,503=0.6')).toThrow('the rates add up to 1.3, more than 1');
    expect(() => parseFaultSpec('429=0.1:300')).toThrow('only slow takes a duration');
    expect(parseLatency('80:20')).toEqual({ ms: 80, jitterMs: 20 });
    expect(() => parseLatency('80:90')).toThrow('cannot exceed');
    expect(() => parseLatency('fast')).toThrow('--latency-ms takes N or N:J');
  });
});

describe('FaultInjector', () => {
  const kinds = (seed: number): string[] => {
    const f = new FaultInjector(createRng(seed));
    f.configure({ random: parseFaultSpec('429=0.1,503=0.1,502=0.1,reset=0.1,slow=0.1:10') });
    return Array.from({ length: 200 }, () => {
      const d = f.decide('GET', '/orgs/x/api/data/v9.2/WhoAmI', 'dataverse');
      return d === null ? 'ok' : d.kind === 'respond' ? String(d.response.status) : d.kind;
    });
  };

  it('replays the same fault sequence from the same seed, and a different one from another', () => {
    const a = kinds(7);
    expect(kinds(7)).toEqual(a);
    expect(kinds(8)).not.toEqual(a);
    for (const k of ['ok', '429', '503', '502', 'reset', 'slow']) expect(a).toContain(k);
  });

  it('spares sign-in from random faults unless asked', () => {
    const f = new FaultInjector(createRng(1));
    f.configure({ random: parseFaultSpec('503=1') });
    expect(f.decide('POST', '/login/t/oauth2/v2.0/token', 'login')).toBeNull();
  });

  it('answers the next N matching requests with the targeted fault, then stops', () => {
    const f = new FaultInjector(createRng(1));
    f.configure({ targeted: [{ method: 'patch', path: '/workflows\\(', count: 2, status: 503 }] });
    expect(f.decide('GET', '/orgs/x/api/data/v9.2/workflows(1)', 'dataverse')).toBeNull();
    const first = f.decide('PATCH', '/orgs/x/api/data/v9.2/workflows(1)', 'dataverse');
    expect(first?.kind === 'respond' && first.response.status).toBe(503);
    expect(f.decide('PATCH', '/orgs/x/api/data/v9.2/workflows(2)', 'dataverse')?.kind).toBe('respond');
    expect(f.decide('PATCH', '/orgs/x/api/data/v9.2/workflows(3)', 'dataverse')).toBeNull();
    expect(() => f.configure({ targeted: [{ path: '(', count: 1, status: 500 }] })).toThrow("'(' is not a valid regular expression.");
  });

  it('holds requests until released, and lets them go when the faults are cleared', async () => {
    const f = new FaultInjector(createRng(1));
    f.configure({ targeted: [{ path: 'WhoAmI', count: 2, hold: true }] });
    expect(f.decide('GET', '/orgs/x/api/data/v9.2/WhoAmI', 'dataverse')).toEqual({ kind: 'hold' });
    const gone: string[] = [];
    const first = f.hold().then(() => gone.push('first'));
    const second = f.hold().then(() => gone.push('second'));
    expect(f.describe()).toMatchObject({ held: 2 });
    await Promise.resolve();
    expect(gone).toEqual([]);
    expect(f.release()).toEqual({ released: 2 });
    await Promise.all([first, second]);
    expect(gone).toEqual(['first', 'second']);
    // Held after a release: waits for the next one; clearing the faults is one.
    const third = f.hold().then(() => gone.push('third'));
    await Promise.resolve();
    expect(gone).toHaveLength(2);
    f.clear();
    await third;
    expect(f.describe()).toMatchObject({ held: 0 });
  });

  it('fires an armed deploy after N counted requests, once', () => {
    const f = new FaultInjector(createRng(1));
    f.configure({ deployAfter: { afterRequests: 2, environment: 'Test', solution: 'S', path: 'workflows' } });
    expect(f.deployDue('/x/connectionreferences')).toBeNull();
    expect(f.deployDue('/x/workflows')).toBeNull();
    expect(f.deployDue('/x/workflows')).toBeNull();
    expect(f.deployDue('/x/workflows')).toMatchObject({ environment: 'Test', solution: 'S' });
    expect(f.deployDue('/x/workflows')).toBeNull();
  });
});
