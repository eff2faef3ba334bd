import { setTimeout as sleep } from 'node:timers/promises';
import { unverifiedObjectId } from '../bearer';
import type { SandboxContext } from '../context';
import { DeployError, deploySolution } from '../control/deploy';
import type { Handler, SbRequest, SbResponse } from '../http';
import { delayFor } from './latency';
import { throttledFor } from './throttle-responses';

/**
 * The path every service request takes through the simulated internet and the platform's front door:
 * an armed mid-run deploy fires, injected faults answer first, service protection limits admit or
 * refuse, a slow or held request waits, the service runs, and the answer waits out the configured latency.
 */

/** Sign-in is not rate-limited here (Entra has its own limits, which the sandbox does not model). */
const UNLIMITED = new Set(['login', 'control']);

/** One "server" per Dataverse org and per gateway, and one budget per caller on it (reference §10). */
function limitKey(service: string, req: SbRequest): string {
  const who = unverifiedObjectId(req) ?? `ip:${req.remoteAddress}`;
  if (service !== 'dataverse') return `${service}|${who}`;
  const org = /^\/orgs\/([^/]+)/.exec(req.url.pathname)?.[1] ?? '';
  return `dataverse|${org}|${who}`;
}

export async function throughTraffic(ctx: SandboxContext, service: string, req: SbRequest, handler: Handler): Promise<SbResponse | 'reset'> {
  const { traffic } = ctx;
  const pathAndQuery = `${req.url.pathname}${req.url.search}`;
  const latency = delayFor(traffic.latency, traffic.rng);

  const due = traffic.faults.deployDue(pathAndQuery);
  if (due) {
    try {
      deploySolution(ctx.store, due.environment, due.solution);
    } catch (error) {
      if (!(error instanceof DeployError)) throw error;
      process.stderr.write(`sandbox: the armed deploy failed: ${error.message}\n`);
    }
  }

  const fault = traffic.faults.decide(req.method, pathAndQuery, service);
  if (fault?.kind === 'reset') return 'reset';
  if (fault?.kind === 'respond') {
    await sleep(latency);
    return fault.response;
  }
  const extraDelay = fault?.kind === 'slow' ? fault.delayMs : 0;

  let ticket = null;
  if (!UNLIMITED.has(service)) {
    const admitted = traffic.protection.admit(limitKey(service, req));
    if (!admitted.ok) {
      await sleep(latency);
      return throttledFor(service, admitted.refusal);
    }
    ticket = admitted.ticket;
  }
  const started = Date.now();
  let response: SbResponse;
  try {
    if (extraDelay) await sleep(extraDelay);
    // Held in flight, counted against the concurrency limit, until the control API releases it.
    if (fault?.kind === 'hold') await traffic.faults.hold();
    response = await handler(req);
  } finally {
    ticket?.done(Date.now() - started);
  }
  if (ticket && service === 'dataverse') {
    response.headers['x-ms-ratelimit-burst-remaining-xrm-requests'] = String(ticket.burstRemaining);
    response.headers['x-ms-ratelimit-time-remaining-xrm-requests'] = String(ticket.timeRemainingMs);
  }
  await sleep(latency);
  return response;
}
