import type { Rng } from '../rng';

/** `--latency-ms N[:J]`: every answer waits N ms, plus or minus up to J, to stand in for the internet. */
export interface Latency {
  ms: number;
  jitterMs: number;
}

export const noLatency: Latency = { ms: 0, jitterMs: 0 };

export function parseLatency(spec: string): Latency {
  const match = /^(\d+)(?::(\d+))?$/.exec(spec.trim());
  if (!match) throw new RangeError(`--latency-ms takes N or N:J (milliseconds, jitter), got '${spec}'.`);
  const ms = Number(match[1]);
  const jitterMs = Number(match[2] ?? 0);
  if (jitterMs > ms) throw new RangeError(`--latency-ms jitter (${jitterMs}) cannot exceed the latency (${ms}).`);
  return { ms, jitterMs };
}

export function delayFor(latency: Latency, rng: Rng): number {
  if (latency.ms === 0) return 0;
  return Math.max(0, Math.round(latency.ms + (rng.next() * 2 - 1) * latency.jitterMs));
}
