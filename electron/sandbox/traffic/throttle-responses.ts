import { json, type SbResponse } from '../http';
import type { Refusal } from './limits';

/**
 * What a throttled request gets, in each service's own shape: Dataverse's envelope with the service
 * protection codes and texts (reference §10), the gateways' `TooManyRequests` for BAP, Power Apps and Flow.
 */

const formatted = (n: number): string => n.toLocaleString('en-US');

export function dataverseThrottled(refusal: Refusal): SbResponse {
  const { limits } = refusal;
  const error =
    refusal.kind === 'requests'
      ? { code: '0x80072322', message: `Number of requests exceeded the limit of ${limits.requests} over time window of ${limits.windowS} seconds.` }
      : refusal.kind === 'execution'
        ? {
            code: '0x80072321',
            message: `Combined execution time of incoming requests exceeded limit of ${formatted(limits.executionMs)}  milliseconds over time window of ${limits.windowS} seconds. Decrease number of concurrent requests or reduce the duration of requests and try again later.`,
          }
        : { code: '0x80072326', message: `Number of concurrent requests exceeded the limit of ${limits.concurrency}.` };
  return json(429, { error }, { 'retry-after': String(refusal.retryAfterS) });
}

export function gatewayThrottled(retryAfterS: number): SbResponse {
  return json(
    429,
    { error: { code: 'TooManyRequests', message: `Rate limit is exceeded. Try again in ${retryAfterS} seconds.` } },
    { 'retry-after': String(retryAfterS) },
  );
}

export function throttledFor(service: string, refusal: Refusal): SbResponse {
  return service === 'dataverse' ? dataverseThrottled(refusal) : gatewayThrottled(refusal.retryAfterS);
}
