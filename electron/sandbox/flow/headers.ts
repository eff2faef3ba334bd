import type { SbRequest, SbResponse } from '../http';

/**
 * Response headers seen from the Flow service (reference §3.3, CoE Starter Kit issue 7825):
 * `x-ms-request-id`, `x-ms-correlation-request-id`, `x-ms-correlation-id`, `x-ms-service-request-id`,
 * `x-ms-flow-routing-request-id`. Values are the sandbox's: the request id for the request ids, the
 * client's `x-ms-correlation-request-id` or `x-ms-client-request-id` (else the request id) for the
 * correlation ids, and an ARM-style `REGION:timestamp:id` routing id.
 */

const REGION = 'WESTUS';

function routingStamp(now: Date): string {
  return now.toISOString().replace(/[-:]/g, '').replace(/\.\d{3}Z$/, 'Z');
}

export function flowHeaders(req: SbRequest, now = new Date()): Record<string, string> {
  const correlation = req.headers['x-ms-correlation-request-id'] ?? req.headers['x-ms-client-request-id'] ?? req.requestId;
  return {
    'x-ms-request-id': req.requestId,
    'x-ms-correlation-request-id': correlation,
    'x-ms-correlation-id': correlation,
    'x-ms-service-request-id': req.requestId,
    'x-ms-flow-routing-request-id': `${REGION}:${routingStamp(now)}:${req.requestId}`,
    'cache-control': 'no-cache',
  };
}

export function withFlowHeaders(response: SbResponse, req: SbRequest): SbResponse {
  return { ...response, headers: { ...flowHeaders(req), ...response.headers } };
}
