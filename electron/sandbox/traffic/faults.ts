import { z } from 'zod';
import { html, json, type SbResponse } from '../http';
import type { Rng } from '../rng';
import { throttledFor } from './throttle-responses';

/**
 * Injected faults, driven by the sandbox's seeded RNG so a chaos run can be replayed: random rates of
 * 429, 503, 502, connection resets and slow answers; targeted faults ("the next N requests matching
 * METHOD and a path regex answer X"); and a pipeline deploy fired after N more requests, so ETags change
 * under a client in the middle of its run.
 *
 * A held request (`hold`) is admitted like any other, then waits until the control API releases it:
 * a test that needs N requests in flight at once gets exactly that, whatever the machine's load, where
 * a fixed delay only makes it likely.
 */

export type FaultAction =
  | { kind: 'status'; status: number; body?: unknown; headers?: Record<string, string> }
  | { kind: 'reset' }
  | { kind: 'slow'; delayMs: number }
  | { kind: 'hold' };

/** What the server does with one request: answer now, drop the connection, answer late, or once released. */
export type FaultDecision = { kind: 'respond'; response: SbResponse } | { kind: 'reset' } | { kind: 'slow'; delayMs: number } | { kind: 'hold' };

export const randomFaultsSchema = z.object({
  rate429: z.number().min(0).max(1).default(0),
  rate503: z.number().min(0).max(1).default(0),
  rate502: z.number().min(0).max(1).default(0),
  rateReset: z.number().min(0).max(1).default(0),
  rateSlow: z.number().min(0).max(1).default(0),
  slowMs: z.number().int().min(0).max(120_000).default(2000),
  /** Services the random faults apply to; sign-in is spared unless named. */
  services: z.array(z.enum(['login', 'dataverse', 'bap', 'powerapps', 'flow'])).default(['dataverse', 'bap', 'powerapps', 'flow']),
});
export type RandomFaults = z.infer<typeof randomFaultsSchema>;

export const targetedFaultSchema = z.object({
  method: z.string().optional(),
  /** A regular expression tested against the request's path and query. */
  path: z.string(),
  count: z.number().int().min(1).max(100_000).default(1),
  status: z.number().int().min(100).max(599).optional(),
  body: z.unknown().optional(),
  headers: z.record(z.string(), z.string()).optional(),
  reset: z.boolean().optional(),
  delayMs: z.number().int().min(0).max(120_000).optional(),
  /** Once admitted, wait for `POST /_sandbox/faults/release` (or `DELETE /_sandbox/faults`). */
  hold: z.boolean().optional(),
});
export type TargetedFaultSpec = z.infer<typeof targetedFaultSchema>;

export const deployTriggerSchema = z.object({
  afterRequests: z.number().int().min(0),
  environment: z.string().min(1),
  solution: z.string().min(1),
  /** Only requests whose path matches count (a regex); default every non-control request. */
  path: z.string().optional(),
});
export type DeployTrigger = z.infer<typeof deployTriggerSchema>;

export const faultsBodySchema = z.object({
  random: randomFaultsSchema.optional(),
  targeted: z.array(targetedFaultSchema).optional(),
  deployAfter: deployTriggerSchema.optional(),
});

interface ArmedTarget {
  method: string | null;
  path: RegExp;
  remaining: number;
  action: FaultAction;
}

const noRandom: RandomFaults = randomFaultsSchema.parse({});

function compile(pattern: string): RegExp {
  try {
    return new RegExp(pattern);
  } catch {
    throw new RangeError(`'${pattern}' is not a valid regular expression.`);
  }
}

function actionOf(spec: TargetedFaultSpec): FaultAction {
  if (spec.reset) return { kind: 'reset' };
  if (spec.status !== undefined) {
    return { kind: 'status', status: spec.status, ...(spec.body !== undefined ? { body: spec.body } : {}), ...(spec.headers ? { headers: spec.headers } : {}) };
  }
  if (spec.delayMs !== undefined) return { kind: 'slow', delayMs: spec.delayMs };
  if (spec.hold) return { kind: 'hold' };
  throw new RangeError('A targeted fault needs status, reset, delayMs or hold.');
}

/** The gateways' own 5xx answers: an HTML page from the front door for 502, a JSON 503 from the service. */
function serviceUnavailable(service: string): SbResponse {
  if (service === 'dataverse') {
    return html(503, '<!DOCTYPE html><html><head><title>Service Unavailable</title></head><body><h2>Service Unavailable</h2><p>HTTP Error 503. The service is unavailable.</p></body></html>');
  }
  return json(503, { error: { code: 'ServiceUnavailable', message: 'The service is temporarily unavailable. Please try again later.' } }, { 'retry-after': '1' });
}

function badGateway(): SbResponse {
  return html(502, '<html><head><title>502 Bad Gateway</title></head><body><center><h1>502 Bad Gateway</h1></center></body></html>');
}

/** A promise and the function that settles it (Node 20 has no `Promise.withResolvers`). */
function openGate(): { opened: Promise<void>; open: () => void } {
  let open = (): void => undefined;
  const opened = new Promise<void>((resolve) => (open = resolve));
  return { opened, open };
}

export class FaultInjector {
  #random: RandomFaults = noRandom;
  #targets: ArmedTarget[] = [];
  #deploy: { trigger: DeployTrigger; path: RegExp | null; remaining: number } | null = null;
  /** Requests held now, and the gate they wait on (a fresh one after each release). */
  #held = 0;
  #gate = openGate();
  readonly #rng: Rng;

  constructor(rng: Rng) {
    this.#rng = rng;
  }

  /** Applies a `POST /_sandbox/faults` body: random rates replace, targeted faults add, a deploy arms. */
  configure(body: z.infer<typeof faultsBodySchema>): void {
    if (body.random) this.#random = body.random;
    for (const spec of body.targeted ?? []) {
      this.#targets.push({ method: spec.method?.toUpperCase() ?? null, path: compile(spec.path), remaining: spec.count, action: actionOf(spec) });
    }
    if (body.deployAfter) {
      this.#deploy = { trigger: body.deployAfter, path: body.deployAfter.path ? compile(body.deployAfter.path) : null, remaining: body.deployAfter.afterRequests };
    }
  }

  /** Clears every fault and lets held requests go: nothing is left waiting on a test that ended. */
  clear(): void {
    this.#random = noRandom;
    this.#targets = [];
    this.#deploy = null;
    this.release();
  }

  /** Lets every held request go on; requests held after this wait for the next release. */
  release(): { released: number } {
    const released = this.#held;
    this.#gate.open();
    this.#gate = openGate();
    this.#held = 0;
    return { released };
  }

  /** Holds one admitted request until the next release (the pipeline's answer to a `hold` decision). */
  async hold(): Promise<void> {
    this.#held += 1;
    await this.#gate.opened;
  }

  describe(): unknown {
    return {
      random: this.#random,
      targeted: this.#targets.map((t) => ({ method: t.method, path: t.path.source, remaining: t.remaining, action: t.action })),
      deployAfter: this.#deploy ? { ...this.#deploy.trigger, remaining: this.#deploy.remaining } : null,
      held: this.#held,
    };
  }

  /** Counts a request toward an armed deploy; returns the deploy to run when it is due. */
  deployDue(pathAndQuery: string): DeployTrigger | null {
    const armed = this.#deploy;
    if (!armed || (armed.path && !armed.path.test(pathAndQuery))) return null;
    if (armed.remaining > 0) {
      armed.remaining -= 1;
      return null;
    }
    this.#deploy = null;
    return armed.trigger;
  }

  decide(method: string, pathAndQuery: string, service: string): FaultDecision | null {
    const target = this.#targets.find((t) => t.remaining > 0 && (t.method === null || t.method === method) && t.path.test(pathAndQuery));
    if (target) {
      target.remaining -= 1;
      this.#targets = this.#targets.filter((t) => t.remaining > 0);
      return this.#decision(target.action);
    }
    const r = this.#random;
    if (!r.services.includes(service as RandomFaults['services'][number])) return null;
    // One draw per request against the cumulative rates keeps runs replayable from the seed.
    const roll = this.#rng.next();
    let edge = r.rate429;
    if (roll < edge) return { kind: 'respond', response: throttledFor(service, { kind: 'requests', retryAfterS: 1 + this.#rng.int(0, 2), limits: { requests: 6000, windowS: 300, executionMs: 1_200_000, concurrency: 52 } }) };
    edge += r.rate503;
    if (roll < edge) return { kind: 'respond', response: serviceUnavailable(service) };
    edge += r.rate502;
    if (roll < edge) return { kind: 'respond', response: badGateway() };
    edge += r.rateReset;
    if (roll < edge) return { kind: 'reset' };
    edge += r.rateSlow;
    if (roll < edge) return { kind: 'slow', delayMs: r.slowMs };
    return null;
  }

  #decision(action: FaultAction): FaultDecision {
    switch (action.kind) {
      case 'reset':
        return { kind: 'reset' };
      case 'slow':
        return { kind: 'slow', delayMs: action.delayMs };
      case 'hold':
        return { kind: 'hold' };
      case 'status': {
        const body = action.body === undefined ? { error: { code: 'InjectedFault', message: `Injected fault: HTTP ${action.status}.` } } : action.body;
        const response: SbResponse =
          typeof body === 'string'
            ? { status: action.status, headers: { 'content-type': 'text/html; charset=utf-8', ...action.headers }, body }
            : json(action.status, body, action.headers ?? {});
        return { kind: 'respond', response };
      }
    }
  }
}

/** `--faults 429=0.05,503=0.02,502=0.01,reset=0.01,slow=0.05:1500` */
export function parseFaultSpec(spec: string): RandomFaults {
  const out: Record<string, number> = {};
  for (const part of spec.split(',').map((p) => p.trim()).filter(Boolean)) {
    const match = /^(429|503|502|reset|slow)=(0(?:\.\d+)?|1(?:\.0+)?)(?::(\d+))?$/.exec(part);
    if (!match?.[1] || !match[2]) throw new RangeError(`--faults: '${part}' is not KIND=RATE (KIND one of 429, 503, 502, reset, slow; RATE 0–1; slow=RATE:MS).`);
    const key = { '429': 'rate429', '503': 'rate503', '502': 'rate502', reset: 'rateReset', slow: 'rateSlow' }[match[1]] ?? '';
    out[key] = Number(match[2]);
    if (match[3] !== undefined) {
      if (match[1] !== 'slow') throw new RangeError(`--faults: only slow takes a duration (${part}).`);
      out['slowMs'] = Number(match[3]);
    }
  }
  const total = ['rate429', 'rate503', 'rate502', 'rateReset', 'rateSlow'].reduce((s, k) => s + (out[k] ?? 0), 0);
  if (total > 1) throw new RangeError(`--faults: the rates add up to ${Number(total.toFixed(6))}, more than 1.`);
  return randomFaultsSchema.parse(out);
}
