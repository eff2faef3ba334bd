import type { HttpCore, HttpResponse } from '../contracts';
import { getJson, isAdminRouteRefusal, listAll, platformErrorFrom, segment, type GatewayRequest } from '../admin/gateway';
import type { CloudProfile } from '../profiles';
import { FLOW_API_VERSION, mapFlow, type FlowApiFlow } from './flows';

/**
 * The Flow (Power Automate) API for one identity: list an environment's flows and start or stop one.
 *
 * Like the admin client, admin routes first (`scopes/admin/environments/{env}/flows`: every flow in the
 * environment) and maker routes after the admin route refused this caller once (the caller's own
 * flows; solution flows only with `include=includeSolutionCloudFlows`).
 *
 * Start and stop are sent with `repeatable: 'yes'`: each sets the flow to a target state rather than
 * toggling it — starting a flow that is on, or stopping one that is off, succeeds and changes nothing
 * — so sending one again after an answer was lost (it may have run) ends in the same state.
 */

export interface FlowClientOptions {
  http: HttpCore;
  profile: CloudProfile;
}

export interface FlowClient {
  readonly mode: () => 'admin' | 'maker' | 'unknown';
  listFlows(environmentId: string, options?: { signal?: AbortSignal }): Promise<FlowApiFlow[]>;
  /** Turns a flow on; `flowName` is the Flow API name (see indexByWorkflowId) — its workflowid also works. */
  start(environmentId: string, flowName: string, options?: { signal?: AbortSignal }): Promise<void>;
  stop(environmentId: string, flowName: string, options?: { signal?: AbortSignal }): Promise<void>;
}

export function createFlowClient(options: FlowClientOptions): FlowClient {
  const { http, profile } = options;
  const base = `${profile.flowBaseUrl}/providers/Microsoft.ProcessSimple`;
  const resource = profile.flowAudience;
  let mode: 'admin' | 'maker' | 'unknown' = 'unknown';
  const req = (signal: AbortSignal | undefined): GatewayRequest => ({ http, resource, signal });
  const envPath = (env: string, admin: boolean) => `${base}/${admin ? 'scopes/admin/' : ''}environments/${segment(env, 'environment name')}`;

  async function change(verb: 'start' | 'stop', env: string, flow: string, signal: AbortSignal | undefined): Promise<void> {
    const path = `flows/${segment(flow, 'flow name')}/${verb}?api-version=${FLOW_API_VERSION}`;
    const send = (url: string, accept: readonly number[]): Promise<HttpResponse> =>
      http.send({
        method: 'POST',
        url,
        resource,
        headers: { accept: 'application/json', 'content-type': 'application/json' },
        body: '{}',
        repeatable: 'yes',
        ...(accept.length ? { acceptStatus: accept } : {}),
        ...(signal ? { signal } : {}),
      });
    if (mode !== 'maker') {
      const url = `${envPath(env, true)}/${path}`;
      const response = await send(url, [403]);
      if (!isAdminRouteRefusal(response)) {
        if (response.status === 403) throw platformErrorFrom(response, 'POST', url);
        mode = 'admin';
        return;
      }
      mode = 'maker';
    }
    await send(`${envPath(env, false)}/${path}`, []);
  }

  return {
    mode: () => mode,

    async listFlows(environmentId, o = {}) {
      const context = { source: 'Flow', entity: 'flow' };
      const map = (raw: unknown) => mapFlow(raw, environmentId);
      if (mode !== 'maker') {
        const url = `${envPath(environmentId, true)}/flows?api-version=${FLOW_API_VERSION}`;
        const first = await getJson(req(o.signal), url, [403]);
        if (!isAdminRouteRefusal(first)) {
          if (first.status === 403) throw platformErrorFrom(first, 'GET', url);
          mode = 'admin';
          return listAll(req(o.signal), url, context, map, first);
        }
        mode = 'maker';
      }
      const url = `${envPath(environmentId, false)}/flows?api-version=${FLOW_API_VERSION}&include=includeSolutionCloudFlows`;
      return listAll(req(o.signal), url, context, map);
    },

    start: (env, flow, o = {}) => change('start', env, flow, o.signal),
    stop: (env, flow, o = {}) => change('stop', env, flow, o.signal),
  };
}
