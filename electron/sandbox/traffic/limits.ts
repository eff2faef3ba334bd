/**
 * Service protection limits (dataverse-web-api.md §10): per caller and per "server" (one Dataverse org,
 * or one of the BAP, Power Apps and Flow gateways), over a sliding window — number of requests, combined
 * execution time, and requests in flight. Exceeding one answers 429 with Retry-After; a caller that keeps
 * hammering through refusals gets longer Retry-After values.
 */

export interface ProtectionLimits {
  /** Requests per window (platform default 6000). */
  requests: number;
  windowS: number;
  /** Combined execution time per window in ms (platform default 1,200,000 = 20 minutes). */
  executionMs: number;
  /** Requests in flight at once (platform default 52). */
  concurrency: number;
}

export const platformLimits: ProtectionLimits = { requests: 6000, windowS: 300, executionMs: 1_200_000, concurrency: 52 };

export type LimitKind = 'requests' | 'execution' | 'concurrency';

export interface Refusal {
  kind: LimitKind;
  retryAfterS: number;
  limits: ProtectionLimits;
}

export interface Ticket {
  /** Call when the request finished; its duration counts toward the execution-time limit. */
  done(durationMs: number): void;
  /** Requests left in the window after this one (x-ms-ratelimit-burst-remaining-xrm-requests). */
  burstRemaining: number;
  /** Execution time left in the window, ms (x-ms-ratelimit-time-remaining-xrm-requests). */
  timeRemainingMs: number;
}

interface CallerState {
  arrivals: number[];
  executions: { at: number; ms: number }[];
  inFlight: number;
  refusals: number[];
}

/** Refusals within this many seconds count as one burst of abuse. */
const ABUSE_MEMORY_S = 30;
/** Each further this-many refusals in that memory add one more base period to Retry-After. */
const ABUSE_STEP = 20;

function prune(list: number[], cutoff: number): void {
  let i = 0;
  while (i < list.length && (list[i] ?? 0) <= cutoff) i += 1;
  if (i) list.splice(0, i);
}

export class ServiceProtection {
  readonly #callers = new Map<string, CallerState>();
  #limits: ProtectionLimits;
  readonly #now: () => number;

  constructor(limits: ProtectionLimits = platformLimits, now: () => number = Date.now) {
    this.#limits = { ...limits };
    this.#now = now;
  }

  get limits(): ProtectionLimits {
    return { ...this.#limits };
  }

  set(limits: Partial<ProtectionLimits>): void {
    this.#limits = { ...this.#limits, ...limits };
  }

  reset(): void {
    this.#callers.clear();
  }

  #state(key: string): CallerState {
    let s = this.#callers.get(key);
    if (!s) {
      s = { arrivals: [], executions: [], inFlight: 0, refusals: [] };
      this.#callers.set(key, s);
    }
    return s;
  }

  /** Retry-After grows with the caller's recent refusals: repeated abuse waits longer. */
  #refuse(s: CallerState, kind: LimitKind, baseS: number, now: number): { ok: false; refusal: Refusal } {
    prune(s.refusals, now - ABUSE_MEMORY_S * 1000);
    s.refusals.push(now);
    const penalty = Math.floor((s.refusals.length - 1) / ABUSE_STEP);
    const retryAfterS = Math.min(this.#limits.windowS, Math.max(1, baseS) * (1 + penalty));
    return { ok: false, refusal: { kind, retryAfterS, limits: this.limits } };
  }

  admit(key: string): { ok: true; ticket: Ticket } | { ok: false; refusal: Refusal } {
    const now = this.#now();
    const windowMs = this.#limits.windowS * 1000;
    const s = this.#state(key);
    prune(s.arrivals, now - windowMs);
    while (s.executions.length && (s.executions[0]?.at ?? 0) <= now - windowMs) s.executions.shift();

    // The concurrency limit bites at once; the others once the window is full (reference §10).
    if (s.inFlight >= this.#limits.concurrency) return this.#refuse(s, 'concurrency', 1, now);
    if (s.arrivals.length >= this.#limits.requests) {
      const oldest = s.arrivals[0] ?? now;
      return this.#refuse(s, 'requests', Math.ceil((oldest + windowMs - now) / 1000), now);
    }
    const executed = s.executions.reduce((sum, e) => sum + e.ms, 0);
    if (executed >= this.#limits.executionMs) {
      const oldest = s.executions[0]?.at ?? now;
      return this.#refuse(s, 'execution', Math.ceil((oldest + windowMs - now) / 1000), now);
    }

    s.arrivals.push(now);
    s.inFlight += 1;
    let finished = false;
    return {
      ok: true,
      ticket: {
        burstRemaining: Math.max(0, this.#limits.requests - s.arrivals.length),
        timeRemainingMs: Math.max(0, this.#limits.executionMs - executed),
        done: (durationMs) => {
          if (finished) return;
          finished = true;
          s.inFlight -= 1;
          s.executions.push({ at: this.#now(), ms: durationMs });
        },
      },
    };
  }
}
