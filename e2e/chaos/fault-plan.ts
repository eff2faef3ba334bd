import { createRng } from '../../electron/sandbox/rng';

/**
 * What goes wrong in one chaos run, all chosen by the run's seed: random fault rates at the sandbox's
 * front door (429 with Retry-After, 503, 502, connection resets, slow answers), the acting SPN's tokens
 * revoked mid-run (the client must get a new one), and — for even seeds — the applying CLI process
 * killed with SIGKILL after some step records, then resumed by the CLI (seeds divisible by 4) or by
 * `resumeRun`.
 */

export interface RandomRates {
  rate429: number;
  rate503: number;
  rate502: number;
  rateReset: number;
  rateSlow: number;
  slowMs: number;
}

export interface FaultPlan {
  random: RandomRates;
  /** Revoke the SPN's tokens once this many steps have finished (null: never). */
  revokeAfter: number | null;
  /** SIGKILL the applying process once this many steps have finished (null: apply in this process). */
  kill: { after: number; resumeVia: 'cli' | 'engine' } | null;
  /** Steps in flight per environment. */
  concurrency: number;
}

const round = (n: number): number => Math.round(n * 1000) / 1000;

export function faultPlanFor(seed: number, steps: number): FaultPlan {
  const rng = createRng(Math.imul(seed, 2654435761) ^ 0xc4a05);
  const rate = (probability: number, low: number, high: number): number => (rng.chance(probability) ? round(low + rng.next() * (high - low)) : 0);
  const random: RandomRates = {
    rate429: rate(0.7, 0.01, 0.04),
    rate503: rate(0.6, 0.01, 0.04),
    rate502: rate(0.3, 0.005, 0.02),
    rateReset: rate(0.6, 0.005, 0.03),
    rateSlow: rate(0.5, 0.01, 0.05),
    slowMs: rng.int(200, 1500),
  };
  // Every run gets some trouble at the front door.
  if (random.rate429 + random.rate503 + random.rate502 + random.rateReset + random.rateSlow === 0) random.rate503 = 0.02;
  const last = Math.max(1, steps - 1);
  // Early enough that requests follow it (the last steps' writes may already be on their way).
  const revokeAfter = seed % 2 === 1 || rng.chance(0.3) ? rng.int(1, Math.max(2, Math.floor(steps * 0.8))) : null;
  const kill = seed % 2 === 0 ? { after: rng.int(1, last + 1), resumeVia: seed % 4 === 0 ? ('cli' as const) : ('engine' as const) } : null;
  return { random, revokeAfter, kill, concurrency: rng.pick([4, 8, 16, 32]) };
}

const percent = (r: number): string => `${Number((r * 100).toFixed(1))}%`;

/** "429 3%, 503 1.2%, reset 2%, slow 4%×800ms, revoke@12" */
export function describeFaults(plan: FaultPlan): string {
  const r = plan.random;
  const parts = [
    r.rate429 ? `429 ${percent(r.rate429)}` : '',
    r.rate503 ? `503 ${percent(r.rate503)}` : '',
    r.rate502 ? `502 ${percent(r.rate502)}` : '',
    r.rateReset ? `reset ${percent(r.rateReset)}` : '',
    r.rateSlow ? `slow ${percent(r.rateSlow)}×${r.slowMs}ms` : '',
    plan.revokeAfter !== null ? `revoke@${plan.revokeAfter}` : '',
  ];
  return parts.filter(Boolean).join(', ') || 'none';
}
