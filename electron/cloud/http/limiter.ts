/**
 * An adaptive concurrency limiter per "server" with a global cap across servers (AIMD, as TCP does
 * for its window):
 * - a server is a Dataverse environment or a gateway host (`limiterKey`); Dataverse's service
 *   protection counts per user per server (dataverse-web-api.md §10);
 * - the limit starts at the first `x-ms-dop-hint` the server sends (default 4 until one arrives);
 * - slow start, then additive increase: until the server's first 429 the limit grows by one per
 *   successful busy answer (doubling per window, as TCP's slow start), so bulk work reaches the
 *   platform's limit within a few round trips instead of hundreds; after a 429, +1 per `growAfter`
 *   (default: the current limit, i.e. one window) successful answers in a row. Both stop at `ceiling`
 *   (the platform's concurrency limit, 52) — bulk work is bounded by the platform's limits, not by the
 *   hint, which is only a starting point;
 *   answers only count toward growth while the server is busy at its limit (a client sending one
 *   request at a time tells nothing about what the server takes, and must not inflate the limit);
 * - multiplicative decrease: a 429 halves the limit (floor 1), once per "epoch" — the other 429s of the
 *   same burst (requests admitted before the decrease) do not halve it again;
 * - a 429 with `Retry-After` also pauses the server's queue until then: the platform throttles the
 *   caller, not the request, so sending others meanwhile only lengthens the penalty.
 */

export interface LimiterOptions {
  /** Limit before the first `x-ms-dop-hint` (default 4). */
  initial?: number;
  /** Largest limit per server: the service protection concurrency limit (default 52). */
  ceiling?: number;
  /** Requests in flight across all servers (default 256: four environments at the platform's limit). */
  globalCap?: number;
  /** Successful answers per +1; default the current limit (one full window). */
  growAfter?: number;
  /** Hold a server's queue until its 429's Retry-After has passed (default true). */
  pauseOnThrottle?: boolean;
  now?: () => number;
}

/** How the request that held a permit ended. */
export type PermitOutcome =
  | { kind: 'response'; status: number; dopHint?: number | null; retryAfterMs?: number | null }
  /** No answer (network failure, timeout, cancelled): says nothing about load. */
  | { kind: 'no-response' };

export interface Permit {
  readonly key: string;
  release(outcome: PermitOutcome): void;
}

export interface HostLimitSnapshot {
  limit: number;
  inFlight: number;
  queued: number;
  /** The last `x-ms-dop-hint` seen, if any. */
  dopHint: number | null;
  /** The highest number in flight at once so far. */
  maxInFlight: number;
  successes: number;
  throttled: number;
  increases: number;
  decreases: number;
  /** Lowest limit after a decrease, for tests and benchmarks. */
  lowestLimit: number;
  pausedUntil: number | null;
}

export interface LimiterSnapshot {
  globalCap: number;
  globalInFlight: number;
  hosts: Record<string, HostLimitSnapshot>;
}

interface Waiter {
  resolve: (permit: Permit) => void;
  reject: (reason: unknown) => void;
  cleanup: () => void;
}

interface HostState {
  key: string;
  limit: number;
  inFlight: number;
  queue: Waiter[];
  hintSeen: boolean;
  dopHint: number | null;
  epoch: number;
  streak: number;
  maxInFlight: number;
  successes: number;
  throttled: number;
  increases: number;
  decreases: number;
  lowestLimit: number;
  pausedUntil: number;
  timer: ReturnType<typeof setTimeout> | null;
}

/**
 * The server a URL belongs to: origin plus `/orgs/{org}` for the sandbox's Dataverse environments
 * (each is its own server there, as each org host is in the cloud), else the origin.
 */
export function limiterKey(url: string): string {
  const parsed = new URL(url);
  const org = /^\/orgs\/([^/]+)/.exec(parsed.pathname)?.[1];
  return org === undefined ? parsed.origin : `${parsed.origin}/orgs/${org}`;
}

export class AdaptiveLimiter {
  readonly #hosts = new Map<string, HostState>();
  readonly #initial: number;
  readonly #ceiling: number;
  readonly #globalCap: number;
  readonly #growAfter: number | undefined;
  readonly #pauseOnThrottle: boolean;
  readonly #now: () => number;
  #globalInFlight = 0;

  constructor(options: LimiterOptions = {}) {
    this.#ceiling = positive(options.ceiling ?? 52, 'ceiling');
    this.#initial = Math.min(positive(options.initial ?? 4, 'initial'), this.#ceiling);
    this.#globalCap = positive(options.globalCap ?? 256, 'globalCap');
    this.#growAfter = options.growAfter === undefined ? undefined : positive(options.growAfter, 'growAfter');
    this.#pauseOnThrottle = options.pauseOnThrottle ?? true;
    this.#now = options.now ?? (() => Date.now());
  }

  /** Waits for a slot on the URL's server (and globally); rejects with the signal's reason on abort. */
  acquire(url: string, signal?: AbortSignal): Promise<Permit> {
    const key = limiterKey(url);
    const host = this.#host(key);
    if (signal?.aborted) return Promise.reject(signal.reason as Error);
    if (host.queue.length === 0 && this.#canGrant(host)) return Promise.resolve(this.#grant(host));
    return new Promise<Permit>((resolve, reject) => {
      const onAbort = (): void => {
        const index = host.queue.indexOf(waiter);
        if (index >= 0) host.queue.splice(index, 1);
        reject(signal?.reason as Error);
        this.#pump();
      };
      const waiter: Waiter = { resolve, reject, cleanup: () => signal?.removeEventListener('abort', onAbort) };
      signal?.addEventListener('abort', onAbort, { once: true });
      host.queue.push(waiter);
      this.#pump();
    });
  }

  snapshot(): LimiterSnapshot {
    const hosts: Record<string, HostLimitSnapshot> = {};
    const now = this.#now();
    for (const [key, h] of this.#hosts) {
      hosts[key] = {
        limit: h.limit,
        inFlight: h.inFlight,
        queued: h.queue.length,
        dopHint: h.dopHint,
        maxInFlight: h.maxInFlight,
        successes: h.successes,
        throttled: h.throttled,
        increases: h.increases,
        decreases: h.decreases,
        lowestLimit: h.lowestLimit,
        pausedUntil: h.pausedUntil > now ? h.pausedUntil : null,
      };
    }
    return { globalCap: this.#globalCap, globalInFlight: this.#globalInFlight, hosts };
  }

  /** The current limit for a URL's server. */
  limitFor(url: string): number {
    return this.#host(limiterKey(url)).limit;
  }

  #host(key: string): HostState {
    let host = this.#hosts.get(key);
    if (!host) {
      host = {
        key,
        limit: this.#initial,
        inFlight: 0,
        queue: [],
        hintSeen: false,
        dopHint: null,
        epoch: 0,
        streak: 0,
        maxInFlight: 0,
        successes: 0,
        throttled: 0,
        increases: 0,
        decreases: 0,
        lowestLimit: this.#initial,
        pausedUntil: 0,
        timer: null,
      };
      this.#hosts.set(key, host);
    }
    return host;
  }

  #canGrant(host: HostState): boolean {
    return host.inFlight < host.limit && this.#globalInFlight < this.#globalCap && this.#now() >= host.pausedUntil;
  }

  #grant(host: HostState): Permit {
    host.inFlight += 1;
    this.#globalInFlight += 1;
    host.maxInFlight = Math.max(host.maxInFlight, host.inFlight);
    const epoch = host.epoch;
    // Busy: this request fills the window, or others wait behind it.
    const busyAtGrant = host.inFlight >= host.limit || host.queue.length > 0;
    let released = false;
    return {
      key: host.key,
      release: (outcome) => {
        if (released) return;
        released = true;
        const busy = busyAtGrant || host.inFlight >= host.limit || host.queue.length > 0;
        host.inFlight -= 1;
        this.#globalInFlight -= 1;
        if (outcome.kind === 'response') this.#observe(host, outcome, epoch, busy);
        this.#pump();
      },
    };
  }

  #observe(host: HostState, outcome: Extract<PermitOutcome, { kind: 'response' }>, epoch: number, busy: boolean): void {
    const hint = outcome.dopHint;
    if (hint !== undefined && hint !== null && Number.isInteger(hint) && hint > 0) {
      host.dopHint = hint;
      if (!host.hintSeen) {
        host.hintSeen = true;
        host.limit = Math.min(hint, this.#ceiling);
        host.lowestLimit = Math.min(host.lowestLimit, host.limit);
        host.streak = 0;
      }
    }
    if (outcome.status === 429) {
      host.throttled += 1;
      host.streak = 0;
      if (epoch === host.epoch) {
        host.epoch += 1;
        const halved = Math.max(1, Math.floor(host.limit / 2));
        if (halved < host.limit) host.decreases += 1;
        host.limit = halved;
        host.lowestLimit = Math.min(host.lowestLimit, host.limit);
      }
      const wait = outcome.retryAfterMs;
      if (this.#pauseOnThrottle && wait !== undefined && wait !== null && wait > 0) {
        host.pausedUntil = Math.max(host.pausedUntil, this.#now() + wait);
      }
      return;
    }
    host.successes += 1;
    if (!busy) return;
    host.streak += 1;
    // Slow start: no 429 seen from this server yet, so every busy success may add one.
    const window = host.throttled === 0 && this.#growAfter === undefined ? 1 : (this.#growAfter ?? host.limit);
    if (host.streak >= window) {
      host.streak = 0;
      if (host.limit < this.#ceiling) {
        host.limit += 1;
        host.increases += 1;
      }
    }
  }

  #pump(): void {
    for (const host of this.#hosts.values()) {
      if (host.queue.length === 0) continue;
      const now = this.#now();
      if (now < host.pausedUntil) {
        this.#wakeAt(host, host.pausedUntil - now);
        continue;
      }
      while (host.queue.length > 0 && this.#canGrant(host)) {
        const waiter = host.queue.shift();
        if (!waiter) break;
        waiter.cleanup();
        waiter.resolve(this.#grant(host));
      }
      if (this.#globalInFlight >= this.#globalCap) return;
    }
  }

  #wakeAt(host: HostState, delayMs: number): void {
    if (host.timer) clearTimeout(host.timer);
    host.timer = setTimeout(() => {
      host.timer = null;
      this.#pump();
    }, delayMs);
  }
}

function positive(value: number, name: string): number {
  if (!Number.isInteger(value) || value < 1) throw new RangeError(`The limiter's ${name} must be a whole number of at least 1, got ${value}.`);
  return value;
}
