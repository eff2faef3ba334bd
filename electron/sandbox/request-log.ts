/**
 * Every request the sandbox answers, in order. Tests read it through the control API to count requests
 * per caller and path, check ordering (children activated before parents) and timing (Retry-After).
 */
export interface RequestLogEntry {
  seq: number;
  /** ms since the Unix epoch when the request arrived. */
  receivedAt: number;
  durationMs: number;
  method: string;
  /** Path and query as the client sent them. */
  path: string;
  /** login, dataverse, bap, powerapps, flow, control, other. */
  service: string;
  /** Object id of the authenticated caller, when the service authenticated one. */
  caller: string | null;
  /** Object id of the impersonated user, when a Dataverse request impersonated. */
  onBehalfOf: string | null;
  status: number;
  requestId: string;
  /** Present for inner `$batch` parts: the seq of the outer request. */
  batchOf?: number;
  /** What a write sent (see `loggedBody`): lets chaos tests check which value reached which record. */
  body?: string;
}

/** Longest body kept per entry: a write's JSON fits, a large `$batch` is cut. */
export const LOGGED_BODY_CHARS = 4096;

/**
 * The request body as the log keeps it: writes only (not GET/HEAD/OPTIONS), never sign-in's or the
 * control API's (client secrets, assertions, codes), cut to `LOGGED_BODY_CHARS`.
 */
export function loggedBody(method: string, service: string, body: Buffer): string | undefined {
  if (body.length === 0 || service === 'login' || service === 'control') return undefined;
  if (method === 'GET' || method === 'HEAD' || method === 'OPTIONS') return undefined;
  const text = body.toString('utf8');
  return text.length > LOGGED_BODY_CHARS ? text.slice(0, LOGGED_BODY_CHARS) : text;
}

export class RequestLog {
  readonly #entries: RequestLogEntry[] = [];
  #seq = 0;
  readonly #capacity: number;

  constructor(capacity = 200_000) {
    this.#capacity = capacity;
  }

  nextSeq(): number {
    this.#seq += 1;
    return this.#seq;
  }

  add(entry: RequestLogEntry): void {
    this.#entries.push(entry);
    // Bounded so a long demo session cannot grow without limit; tests clear it between cases anyway.
    if (this.#entries.length > this.#capacity) this.#entries.splice(0, this.#entries.length - this.#capacity);
  }

  entries(sinceSeq = 0): RequestLogEntry[] {
    return this.#entries.filter((e) => e.seq > sinceSeq);
  }

  clear(): void {
    this.#entries.length = 0;
  }
}
