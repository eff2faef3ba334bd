/**
 * The Flow API routes the sandbox answers (reference §3.1), parsed from the path below `/flow`:
 *
 *   /providers/Microsoft.ProcessSimple/environments/{env}/flows[/{flow}[/start|/stop]]
 *   /providers/Microsoft.ProcessSimple/scopes/admin/environments/{env}[/v2]/flows[/{flow}[/start|/stop]]
 *
 * Fixed segments match case-insensitively, as the platform's front door does for provider paths.
 */

export type FlowScope = 'maker' | 'admin';
export type FlowAction = 'list' | 'get' | 'start' | 'stop';

export interface FlowRoute {
  scope: FlowScope;
  /** The environment name as the client wrote it (decoded). */
  environment: string;
  action: FlowAction;
  /** The flow name as the client wrote it (decoded); absent for `list`. */
  flow?: string;
  /** The HTTP method the action takes. */
  method: 'GET' | 'POST';
}

const ROUTE =
  /^\/providers\/microsoft\.processsimple\/(scopes\/admin\/)?environments\/([^/]+)\/(v2\/)?flows(?:\/([^/]+)(?:\/(start|stop))?)?\/?$/i;

function decode(segment: string): string | null {
  try {
    return decodeURIComponent(segment);
  } catch {
    return null;
  }
}

/** The route a path names, or null when the sandbox has no such route. */
export function parseFlowRoute(path: string): FlowRoute | null {
  const m = ROUTE.exec(path);
  if (!m) return null;
  const [, admin, rawEnv = '', v2, rawFlow, verb] = m;
  // The v2 listing is an admin route (cli-m365 `flow list --asAdmin`).
  if (v2 && !admin) return null;
  const environment = decode(rawEnv);
  const flow = rawFlow === undefined ? undefined : decode(rawFlow);
  if (environment === null || flow === null) return null;
  const scope: FlowScope = admin ? 'admin' : 'maker';
  if (flow === undefined) return { scope, environment, action: 'list', method: 'GET' };
  const action: FlowAction = verb ? (verb.toLowerCase() as 'start' | 'stop') : 'get';
  return { scope, environment, action, flow, method: action === 'get' ? 'GET' : 'POST' };
}
